"""Files that hold many witnesses: CollateX's JSON input (one work) and JSON lines archives
(one page per record); and CollateX's alignment table out."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from reconcile.apparatus import rebuild
from reconcile.collatex import alignment_table, witness_text
from reconcile.config import Config
from reconcile.containers import read_collatex, read_jsonl
from reconcile.normalize import key
from reconcile.pipeline import run
from reconcile.records import ReadError

ROOT = Path(__file__).resolve().parent.parent
DARWIN = ROOT / "fixtures" / "collatex" / "darwin.json"
SEEDS = ROOT / "fixtures" / "seeds"
CONFIG = Config(jobs=1)


def test_collatex_input_is_one_work_of_its_witnesses_and_the_table_comes_out(
        tmp_path: Path) -> None:
    # CollateX's own example: the first paragraph of Darwin's chapter 1 in six editions
    out = tmp_path / "out"
    got = subprocess.run([sys.executable, "-m", "reconcile", "run", str(DARWIN), "-o", str(out),
                          "--format", "collatex", "--no-cache"],
                         capture_output=True, text=True, timeout=300)
    assert got.returncode == 0, got.stderr
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    (work,) = summary["works"]
    ids = [w["id"] for w in work["witnesses"]]
    assert sorted(ids) == [f"darwin.json#{y}" for y in (1859, 1860, 1861, 1866, 1869, 1872)]
    assert all(w["role"] == "edition" for w in work["witnesses"])
    table = json.loads((out / work["collatex"]).read_text("utf-8"))
    assert set(table) == {"table", "witnesses"} and sorted(table["witnesses"]) == sorted(ids)
    assert len({len(row) for row in table["table"]}) == 1  # one cell per column in each row
    source = {f"darwin.json#{w['id']}": w["content"]
              for w in json.loads(DARWIN.read_text("utf-8"))["witnesses"]}
    for wid in ids:
        assert key(witness_text(table, wid)) == key(source[wid])
    # where the editions differ, a column holds each one's words
    cols = list(zip(*table["table"]))
    assert any({"".join(t["t"] for t in cell or []).strip() for cell in col} >= {"look to", "compare"}
               for col in cols)


def test_a_collatex_file_that_is_not_one_names_the_problem() -> None:
    assert read_collatex("x.json", b'{"decisions": []}') == []  # another JSON file: not input
    bad = read_collatex("x.json", b'{"witnesses": [{"id": "A"}]}')
    assert isinstance(bad, ReadError) and "witness 1" in bad.message
    assert isinstance(read_collatex("x.json", b"{not json"), ReadError)
    twice = read_collatex("x.json", b'{"witnesses": [{"id": "A", "content": "a"}, '
                                    b'{"id": "A", "content": "b"}]}')
    assert isinstance(twice, ReadError) and "twice" in twice.message
    toks = read_collatex("x.json", b'{"witnesses": [{"id": "A", "tokens": [{"t": "The "}, '
                                   b'{"t": "cat"}]}]}')
    assert [s.text for s in toks] == ["The cat"]


def test_a_jsonl_archive_of_the_seeds_gives_the_works_and_texts_of_the_folder(
        tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    shutil.copytree(SEEDS, folder)
    archive = tmp_path / "archive"
    archive.mkdir()
    with (archive / "seeds.jsonl").open("w", encoding="utf-8") as f:
        for p in sorted(folder.iterdir()):
            f.write(json.dumps({"id": p.name, "text": p.read_text("utf-8")},
                               ensure_ascii=False) + "\n")
    a, b = run(folder, CONFIG), run(archive, CONFIG)
    assert len(a.works) == len(b.works)
    for wa, wb, ca, cb in zip(a.works, b.works, a.collated, b.collated):
        assert [r.id for r in wb.witnesses] == [f"seeds.jsonl#{r.id}" for r in wa.witnesses]
        assert cb.canonical.text == ca.canonical.text
        assert len(cb.notes) == len(ca.notes)


def test_jsonl_pages_of_one_series_are_one_printing_in_page_order(tmp_path: Path) -> None:
    from . import synth

    paras = synth.report(41, "latin", paragraphs=12)
    pages = [paras[:4], paras[4:8], paras[8:]]
    recs = [{"id": f"scan-{k}", "text": synth.render(pages[p], "latin"), "series": "Courier",
             "date": "1901-05-03", "page": p + 3} for k, p in enumerate((2, 0, 1))]
    recs.append({"id": "digest", "text": synth.render([p[:2] for p in paras[::3]], "latin")})
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n", "utf-8")
    result = run(tmp_path, CONFIG)
    (work,) = result.works
    edition = next(r for r in work.witnesses if r.role == "edition")
    assert edition.files == ("a.jsonl#scan-1", "a.jsonl#scan-2", "a.jsonl#scan-0")
    bad = read_jsonl("b.jsonl", b'{"id": "x", "text": "a"}\nnot json\n')
    assert isinstance(bad, ReadError) and "line 2" in bad.message


def test_collatex_table_of_the_seeds_gives_back_every_witness() -> None:
    result = run(SEEDS, CONFIG)
    for w, c in zip(result.works, result.collated):
        notes = json.loads(json.dumps(c.notes_dict()))
        table = alignment_table(notes, c.canonical.text)
        for r in w.witnesses:
            assert key(witness_text(table, r.id)) == key(rebuild(c.canonical.text, notes, r.id))


def test_odd_json_is_read_or_refused_in_one_line(tmp_path: Path) -> None:
    # a lone surrogate is replaced, not a crash; JSON nested past Python's stack is refused;
    # a raw U+2028 inside a string does not end a JSON line
    (lone,) = read_collatex("x.json", b'{"witnesses": [{"id": "A", "content": "ab\\ud800cd"}]}')
    assert lone.text == "ab\ufffdcd"
    deep = b"[" * 200_000 + b"]" * 200_000
    assert isinstance(read_collatex("x.json", deep), ReadError)
    (page,) = read_jsonl("a.jsonl", '{"id": "p1", "text": "one\u2028two"}\n'.encode())
    assert page.id == "a.jsonl#p1"
    assert isinstance(read_jsonl("a.jsonl", b'{"id": true, "text": "x"}\n'), ReadError)
    (tmp_path / "good.txt").write_text("The council met on Monday and voted.\n", "utf-8")
    (tmp_path / "bad.jsonl").write_bytes(b'{"id": "p1"}\n')
    result = run(tmp_path, CONFIG)
    assert [e.file for e in result.errors] == ["bad.jsonl"] and len(result.records) == 1
