"""What `run` writes: the contract of summary.json, atomic and byte-identical output."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from reconcile.config import Config
from reconcile.output import write, write_atomic
from reconcile.pipeline import run

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
CONFIG = Config(jobs=1)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_seed_works_group_as_editions_and_related(tmp_path: Path) -> None:
    s = json.loads(write(run(SEEDS, CONFIG), tmp_path).read_text("utf-8"))
    works = {frozenset(w["id"][:3] for w in work["witnesses"]) for work in s["works"]}
    assert frozenset({"000", "001", "002"}) in works
    assert frozenset({"004"}) in works and frozenset({"003"}) in works
    assert any(r["file"].startswith("003") and r["with"].startswith("004") for r in s["related"])
    w2023 = next(w for w in s["works"] if len(w["witnesses"]) == 3)
    assert w2023["copy_text"].startswith("001")
    assert {w["id"][:3]: w["role"] for w in w2023["witnesses"]} == {"001": "edition", "000": "digest", "002": "digest"}
    dup = [d for d in s["duplicates"] if d["kind"] == "within-file"]
    assert any(d["places"][0]["file"].startswith("004") and d["places"][0]["line"] == 53
               and d["places"][1]["line"] == 79 for d in dup)


def test_summary_has_the_documented_shape(tmp_path: Path) -> None:
    s = json.loads(write(run(SEEDS, CONFIG), tmp_path).read_text("utf-8"))
    assert list(s) == ["version", "works", "related", "duplicates", "errors", "warnings"]
    for w in s["works"]:
        assert {"id", "title", "witnesses", "canonical", "notes", "report"} <= set(w)
        for key in ("canonical", "notes", "report", "shared"):
            assert (tmp_path / w[key]).is_file()
        assert s["version"] == 2 and w["copy_text"] == w["witnesses"][0]["id"]
        for wit in w["witnesses"]:
            assert list(wit)[:3] == ["id", "role", "files"] and list(wit)[-2:] == ["chars", "coverage"]
            assert set(wit) <= {"id", "role", "files", "pages_ordered_by", "missing_pages",
                                "chars", "coverage"}
            assert wit["role"] in {"edition", "digest", "duplicate"}
            assert wit["files"][0]["file"] == wit["id"]
            assert 0 < wit["coverage"] <= 1
        notes = json.loads((tmp_path / w["notes"]).read_text("utf-8"))
        assert list(notes) == ["work", "notes", "summary"] and notes["work"] == w["id"]
        for n in notes["notes"]:
            assert list(n) == ["id", "offset", "length", "kind", "chosen", "readings", "reason",
                               "confidence", "review", "context"]
        assert w["counts"]["notes"] == len(notes["notes"])
        assert (tmp_path / w["notes_md"]).is_file()


def test_no_page_marker_markdown_or_pull_quote_survives_in_canonical_text(tmp_path: Path) -> None:
    s = json.loads(write(run(SEEDS, CONFIG), tmp_path).read_text("utf-8"))
    for w in s["works"]:
        text = (tmp_path / w["canonical"]).read_text("utf-8")
        assert not re.search(r"[上下]接|[上下]转|转第|接第", text)
        assert not re.search(r"^\s*(#|-\s|\*|>)|\*\*|__", text, re.M)
        assert "金句" not in text


def test_the_repeated_paragraph_appears_once_in_canonical_text(tmp_path: Path) -> None:
    s = json.loads(write(run(SEEDS, CONFIG), tmp_path).read_text("utf-8"))
    w2022 = next(w for w in s["works"] if w["id"].startswith("004"))
    text = (tmp_path / w2022["canonical"]).read_text("utf-8")
    assert text.count("（一）真抓实干，全力推动太原一体化经济区建设") == 1


def test_output_is_byte_identical_across_runs_and_file_orders(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write(run(SEEDS, CONFIG), a)
    write(run(SEEDS, CONFIG), b)
    # the same files created in reverse order, so the file system lists them differently
    shuffled = tmp_path / "shuffled"
    shuffled.mkdir()
    for p in sorted(SEEDS.iterdir(), reverse=True):
        shutil.copyfile(p, shuffled / p.name)
    write(run(shuffled, CONFIG), c)
    assert _tree(a) == _tree(b) == _tree(c)


def test_parallel_workers_give_the_same_output(tmp_path: Path) -> None:
    big = tmp_path / "many"
    big.mkdir()
    for i in range(40):  # enough files for the process pool to be used
        shutil.copyfile(next(SEEDS.glob(f"00{i % 5}_*.txt")), big / f"{i:02d}.txt")
    write(run(big, Config(jobs=1)), tmp_path / "one")
    write(run(big, Config(jobs=2)), tmp_path / "two")
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_inputs_are_not_modified(tmp_path: Path) -> None:
    before = _tree(SEEDS)
    write(run(SEEDS, CONFIG), tmp_path)
    assert _tree(SEEDS) == before


def test_atomic_write_leaves_no_temporary_file_and_replaces_the_target(tmp_path: Path) -> None:
    target = tmp_path / "x" / "f.json"
    write_atomic(target, "one")
    write_atomic(target, "two")
    assert target.read_text("utf-8") == "two"
    assert [p.name for p in target.parent.iterdir()] == ["f.json"]
    assert target.stat().st_mode & 0o044, "results must be readable by others, as the umask allows"


def test_a_work_that_is_gone_loses_its_folder_on_the_next_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    out = tmp_path / "out"
    first = json.loads(write(run(folder, CONFIG), out).read_text("utf-8"))
    gone = first["works"][-1]
    for wit in gone["witnesses"]:
        for f in wit["files"]:
            (folder / f["file"]).unlink()
    write(run(folder, CONFIG), out)
    assert not (out / gone["canonical"]).exists()
    assert not (out / gone["canonical"]).parent.exists()


def test_a_rerun_links_unchanged_works_files_and_writes_what_a_fresh_run_writes(
        tmp_path: Path) -> None:
    # one file of one work changes: the other works' files are the last run's (the same
    # inode, linked, not rendered), the changed work's are new, a file edited by hand
    # since is written again, and the whole equals a run into an empty folder
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    out = tmp_path / "out"
    first = json.loads(write(run(folder, CONFIG), out).read_text("utf-8"))
    changed, kept, edited = first["works"][0], first["works"][1], first["works"][2]
    path = folder / changed["witnesses"][0]["files"][0]["file"]
    path.write_text(path.read_text("utf-8") + "\n\n又一句新的话，加在文末。\n", "utf-8")
    (out / edited["notes_md"]).write_text("edited by hand\n", "utf-8")
    inode = {w["id"]: (out / w["report"]).stat().st_ino for w in first["works"]}
    second = json.loads(write(run(folder, CONFIG), out).read_text("utf-8"))
    assert [w["id"] for w in second["works"]] == [w["id"] for w in first["works"]]
    assert (out / kept["report"]).stat().st_ino == inode[kept["id"]]
    assert (out / changed["report"]).stat().st_ino != inode[changed["id"]]
    assert (out / edited["notes_md"]).read_text("utf-8") != "edited by hand\n"
    write(run(folder, CONFIG), tmp_path / "fresh")
    assert _tree(out) == _tree(tmp_path / "fresh")


def test_works_collated_in_a_process_pool_give_the_same_output(tmp_path: Path, monkeypatch) -> None:
    import random

    from . import synth
    folder = tmp_path / "works"
    folder.mkdir()
    for i in range(10):  # enough works for the pool to be used
        paras = synth.report(200 + i, paragraphs=4)
        rng = random.Random(i)
        other = [[s[:5] + chr(0x9FA0 + rng.randrange(4)) + s[6:] for s in p] for p in paras]
        (folder / f"w{i}a.txt").write_text(synth.render(paras, "cjk"), "utf-8")
        (folder / f"w{i}b.txt").write_text(synth.render(other, "cjk"), "utf-8")
    one, two = run(folder, Config(jobs=1)), run(folder, Config(jobs=2))
    assert len(one.works) == 10 and all(c.notes for c in one.collated)
    write(one, tmp_path / "one")
    write(two, tmp_path / "two")
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
    # workers started fresh (a large folder's), sent each work's records with its task
    from reconcile import pipeline
    seen = []

    def spy(*args, **kwargs):
        seen.append(kwargs.get("fresh", False))
        return shared_map(*args, **kwargs)
    shared_map = pipeline.shared_map
    monkeypatch.setattr(pipeline, "shared_map", spy)
    monkeypatch.setattr(pipeline, "_FRESH_MIN_FILES", 0)
    write(run(folder, Config(jobs=2)), tmp_path / "fresh")
    assert True in seen and _tree(tmp_path / "one") == _tree(tmp_path / "fresh")


def test_the_2023_edition_starts_at_page_2_with_page_1_missing(tmp_path: Path) -> None:
    """Its text before (八) is on page 1, which the folder lacks; the digests supply it."""
    s = json.loads(write(run(SEEDS, CONFIG), tmp_path).read_text("utf-8"))
    w = next(w for w in s["works"] if len(w["witnesses"]) == 3)
    edition = w["witnesses"][0]
    pages = {m["page"]: m for m in edition["missing_pages"]}
    assert pages["1"]["side"] == "before" and pages["1"]["named_by"]["line"] == 5
    gap = next(m for m in w["missing_pages"] if m["page"] == "1")
    assert "002" in [x[:3] for x in gap["supplied_by"]]
    text = (tmp_path / w["canonical"]).read_text("utf-8")
    offset, length = gap["canonical"]
    assert offset + length <= text.index("（八）守初心") + 2 and length > 1000


def test_a_rerun_never_links_a_file_that_was_replaced_by_a_link(tmp_path: Path) -> None:
    # a file of the last results replaced by a link to a file of the same bytes elsewhere:
    # the new results hold a file of their own, and the file linked to is not touched
    out = tmp_path / "out"
    first = json.loads(write(run(SEEDS, CONFIG), out).read_text("utf-8"))
    notes = out / first["works"][0]["notes_md"]
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_bytes(notes.read_bytes())
    notes.unlink()
    notes.symlink_to(elsewhere)
    write(run(SEEDS, CONFIG), out, force=True)
    assert not notes.is_symlink() and notes.stat().st_ino != elsewhere.stat().st_ino
    assert notes.read_bytes() == elsewhere.read_bytes()


def test_a_works_files_are_keyed_by_the_works_its_related_files_belong_to() -> None:
    # a work's report names the work of each file that quotes it: if that work's id
    # changes while the pair stays, the report must be written again, not reused
    from dataclasses import replace

    from reconcile.output import _part_key

    result = run(SEEDS, Config(jobs=1))
    ids = {w.id: k for k, w in enumerate(result.works)}
    work_of = {result.records[i].witness.id: w.id for w in result.works for i in w.members}
    r = next(r for r in result.related if work_of[r.file] != r.work)
    quoted, quoting = ids[r.work], ids[work_of[r.file]]
    renamed = replace(result, works=tuple(replace(w, id=w.id + "-x") if k == quoting else w
                                          for k, w in enumerate(result.works)))
    assert _part_key(renamed, quoted) != _part_key(result, quoted)


def test_the_summary_written_a_piece_at_a_time_is_the_summary_as_json(tmp_path: Path) -> None:
    from reconcile.output import dumps, summary, summary_text

    (tmp_path / "empty").mkdir()
    mixed = tmp_path / "mixed"
    shutil.copytree(SEEDS, mixed)
    (mixed / "broken.txt").write_bytes(b"\xff\xfe\x00\x00garbage\x00" * 10)
    (mixed / "only.md").write_text("# Title\n\n**bold** line [x](y) \"quoted\"\x07\n" +
                                   "A line of plain text, long enough.\n" * 5, "utf-8")
    for folder in (tmp_path / "empty", mixed):
        result = run(folder, CONFIG)
        assert "".join(summary_text(result)) == dumps(summary(result))
    assert result.related and result.duplicates and result.errors and result.warnings()


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() |
    st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=4),
    max_leaves=20)


@settings(max_examples=1000, deadline=None)
@given(_JSON)
@example(2.5959172347723644e-05)
@example([1e-4, 9.99e-5, 1e16, 1e15, 123456789012345678.0, 5e-324, 1.7976931348623157e308,
          -0.0, 0.1 + 0.2, 1e22, 12345.678e-10, -1e-7])
def test_the_results_json_is_what_the_standard_library_writes(obj) -> None:
    # orjson writes it (output.dumps); the text must be json.dumps's, to the byte, and
    # what orjson refuses (integers past 64 bits) is written by json
    from reconcile.output import dumps

    assert dumps(obj) == json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def test_json_orjson_refuses_is_written_all_the_same() -> None:
    from reconcile.output import dumps

    for obj in ({1: "a key that is a number"}, [2 ** 70], {"k": (1, "元组")}):
        assert dumps(obj) == json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
