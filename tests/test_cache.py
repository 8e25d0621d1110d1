"""The cache of per-file (and per-work) results: hits on an unchanged folder, a changed file
recomputed, the same output with or without it, and never a failed run because of it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from reconcile.cache import DB_NAME, NOT_PER_FILE, NOT_RESULT, Cache, default_dir, resolve_dir
from reconcile.clean import clean
from reconcile.config import Config, Pin
from reconcile.fingerprint import Fingerprinted, fingerprint
from reconcile.group import WitnessRole, Work
from reconcile.output import write
from reconcile.pipeline import run
from reconcile.records import Matches, Source

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
CONFIG = Config(jobs=1)
NONE = Matches.of()  # no matches


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def output(result, out: Path) -> dict[str, bytes]:
    write(result, out)
    return tree(out)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The seeds' output without any cache."""
    return output(run(SEEDS, CONFIG), tmp_path_factory.mktemp("ref"))


@contextmanager
def scoring():
    """The pairs of files the join scores while inside (join.confirm watched)."""
    from reconcile import join as J

    scored: list[tuple[str, str]] = []
    real = J.confirm

    def confirm(records, pairs, config):
        scored.extend((records[a >> 32].witness.id, records[b >> 32].witness.id)
                      for a, b in pairs.tolist())
        return real(records, pairs, config)
    J.confirm = confirm
    try:
        yield scored
    finally:
        J.confirm = real


class Warnings(list):
    def __call__(self, msg: str) -> None:
        self.append(msg)


def cached_run(folder: Path, cache_dir: Path, config: Config = CONFIG):
    warnings = Warnings()
    with Cache(cache_dir, warn=warnings) as cache:
        result = run(folder, config, cache=cache)
    return result, cache, warnings


def test_second_run_is_served_from_the_cache_with_the_same_output(
        tmp_path: Path, reference: dict[str, bytes]) -> None:
    r1, c1, w1 = cached_run(SEEDS, tmp_path / "cache")
    # the files, the folder stage (its result, the folder's entry naming it, the join's
    # verdicts and the entry naming them the last, each work as grouped), the works
    assert (c1.hits, c1.misses, c1.stored) == (0, 5, 5 + 4 + 2 * len(r1.works))
    assert c1.work_misses == len(r1.works) == 3 and c1.folder_hits == 0
    r2, c2, w2 = cached_run(SEEDS, tmp_path / "cache")
    assert (c2.hits, c2.misses, c2.stored) == (5, 0, 0)
    assert (c2.work_hits, c2.work_misses, c2.folder_hits) == (3, 0, 1)
    assert w1 == w2 == []
    assert r2.collated == r1.collated  # the same results, as kept (pickled)
    assert output(r1, tmp_path / "o1") == reference
    assert output(r2, tmp_path / "o2") == reference


def test_a_changed_file_is_recomputed_and_only_it(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    cached_run(folder, tmp_path / "cache")
    p = folder / "002_0eb4157994b25008.txt"
    p.write_text(p.read_text("utf-8").replace("推进清徐老陈醋", "推进清徐老犇醋"), "utf-8")
    entries = Cache(tmp_path / "cache").entries()
    with scoring() as scored:
        result, cache, _ = cached_run(folder, tmp_path / "cache")
    assert (cache.hits, cache.misses, cache.folder_hits) == (4, 1, 0)
    # the join scores again only the pairs of the changed file: the last join's verdicts
    # stand for the rest
    assert scored and all(p.name in pair for pair in scored)
    # the folder stage's entry of the folder is replaced, not kept beside the old one
    # (and beside the changed file's record and works, its work as grouped anew; the
    # works it is no part of are taken as grouped before)
    assert cache.draft_hits >= 1
    assert Cache(tmp_path / "cache").entries() - entries == \
        1 + cache.work_misses + len(result.works) - cache.draft_hits
    # the work of the changed file is collated again; works it is no part of need not be
    assert cache.work_misses >= 1 and cache.work_hits + cache.work_misses == len(result.works)
    edited = next(r for r in result.records if r.witness.id == p.name)
    assert "犇" in edited.witness.text
    assert output(result, tmp_path / "o") == output(run(folder, CONFIG), tmp_path / "ref")


def test_a_copied_folder_with_a_file_changed_scores_only_that_files_pairs(tmp_path: Path) -> None:
    # the join's verdicts name files by path and content: a copy of the folder elsewhere
    # (a moved folder, the benchmark's re-run) takes the last folder's
    cached_run(SEEDS, tmp_path / "cache")
    folder = tmp_path / "copy"
    shutil.copytree(SEEDS, folder)
    p = folder / "002_0eb4157994b25008.txt"
    p.write_text(p.read_text("utf-8").replace("推进清徐老陈醋", "推进清徐老犇醋"), "utf-8")
    with scoring() as scored:
        result, cache, _ = cached_run(folder, tmp_path / "cache")
    assert cache.folder_hits == 0 and scored and all(p.name in pair for pair in scored)
    assert output(result, tmp_path / "o") == output(run(folder, CONFIG), tmp_path / "ref")
    # other options: no verdicts serve
    with scoring() as scored:
        cached_run(folder, tmp_path / "cache", replace(CONFIG, match_containment=0.61))
    assert any(p.name not in pair for pair in scored)


def test_the_folder_stage_is_served_only_for_the_same_sources_and_options(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    cached_run(folder, tmp_path / "cache")
    # the same files elsewhere are another folder; options that change no result, and the
    # decisions (the folder stage reads none), are served
    _, cache, _ = cached_run(SEEDS, tmp_path / "cache")
    assert cache.folder_hits == 0 and cache.hits == 5
    for same in (replace(CONFIG, jobs=2), replace(CONFIG, decisions=(Pin("x", note="n"),))):
        result, cache, _ = cached_run(folder, tmp_path / "cache", same)
        assert cache.folder_hits == 1
    assert output(result, tmp_path / "a") == output(run(folder, same), tmp_path / "b")
    # a grouping option is not, nor a folder with a file gone
    _, cache, _ = cached_run(folder, tmp_path / "cache", replace(CONFIG, edition_min_coverage=0.31))
    assert cache.folder_hits == 0
    (folder / "001_6933e345a2fe0c2e.txt").unlink()
    _, cache, _ = cached_run(folder, tmp_path / "cache")
    assert cache.folder_hits == 0


def test_a_renamed_or_moved_file_is_a_new_entry(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    cached_run(folder, tmp_path / "cache")
    (folder / "sub").mkdir()
    os.replace(folder / "003_e6ef0a71f96b8e04.txt", folder / "sub" / "003_e6ef0a71f96b8e04.txt")
    result, cache, _ = cached_run(folder, tmp_path / "cache")
    assert (cache.hits, cache.misses) == (4, 1)
    assert "sub/003_e6ef0a71f96b8e04.txt" in {r.witness.id for r in result.records}


@dataclass(frozen=True)
class FakeResult:
    work: object
    text: str


def _rec(text: str, fid: str) -> Fingerprinted:
    src = Source.from_text(fid, text, "utf-8", hashlib.sha256(text.encode()).hexdigest())
    return fingerprint(clean(src, CONFIG), CONFIG)


def test_a_work_result_depends_on_its_members_and_declared_reads_only(tmp_path: Path) -> None:
    texts = {"a.txt": "春天来了，山坡上的桃花开得正艳。", "b.txt": "村民们趁着好天气下地春耕。",
             "c.txt": "孩子们在河边放风筝，笑声传得很远。"}
    recs = [_rec(t, f) for f, t in texts.items()]
    work = Work("a", "t", (0,), (WitnessRole("a.txt", "edition", 10, 1.0),), ())
    calls: list[int] = []

    def compute(records) -> FakeResult:  # reads its member and the declared record 1
        calls.append(1)
        return FakeResult(work, records[0].witness.text + records[1].witness.text)

    with Cache(tmp_path / "c") as cache:
        first = cache.work(recs, NONE, work, CONFIG, (1,), compute)
        again = cache.work(recs, NONE, work, CONFIG, (1,), compute)
        assert len(calls) == 1 and again == first and again.work is work
        other_c = recs[:2] + [_rec("别的文字，完全不同的一句话。", "c.txt")]
        assert cache.work(other_c, NONE, work, CONFIG, (1,), compute) == first  # c is not read
        other_b = [recs[0], _rec("村民们趁着好天气下地春播。", "b.txt"), recs[2]]
        assert cache.work(other_b, NONE, work, CONFIG, (1,), compute).text.endswith("春播。")
        assert len(calls) == 2 and (cache.work_hits, cache.work_misses) == (2, 2)


def test_a_work_that_reads_undeclared_records_is_not_cached(tmp_path: Path) -> None:
    recs = [_rec("春天来了，山坡上的桃花开得正艳。", "a.txt"),
            _rec("村民们趁着好天气下地春耕。", "b.txt")]
    work = Work("a", "t", (0,), (WitnessRole("a.txt", "edition", 10, 1.0),), ())
    warnings = Warnings()
    with Cache(tmp_path / "c", warn=warnings) as cache:
        for _ in range(2):
            cache.work(recs, NONE, work, CONFIG, (), lambda r: FakeResult(work, r[1].witness.text))
        assert (cache.work_hits, cache.work_misses, cache.stored) == (0, 2, 0)
        assert len(warnings) == 1 and "does not declare" in warnings[0]


def test_a_decision_in_one_work_leaves_the_other_works_cached(tmp_path: Path) -> None:
    # the review loop: a pin taken in a work's report names the work, and changes that
    # work's result only; a pin that names no work may apply to any
    first, _, _ = cached_run(SEEDS, tmp_path / "cache")
    c = next(c for c in first.collated if c.notes)
    note = c.notes[0]
    other = next(r.text for r in note.readings if r.text != note.chosen)
    pins = (Pin("x", note="none", work="no-such-work"), Pin(other, note=note.id, work=c.work.id))
    config = replace(CONFIG, decisions=pins)
    got, cache, _ = cached_run(SEEDS, tmp_path / "cache", config)
    assert (cache.work_hits, cache.work_misses) == (len(first.works) - 1, 1)
    fresh = run(SEEDS, config)
    assert output(got, tmp_path / "a") == output(fresh, tmp_path / "b")
    # the matched pins are indices among the run's decisions, cached or not
    assert [r.pins_matched for r in got.collated] == [r.pins_matched for r in fresh.collated]
    assert sorted(i for r in got.collated for i in r.pins_matched) == [1]
    assert got.unmatched_pins() == fresh.unmatched_pins() == [0]
    # served again from the cache, the pins named by their place among the decisions
    again, cache, _ = cached_run(SEEDS, tmp_path / "cache", config)
    assert cache.work_misses == 0 and again.unmatched_pins() == [0]
    _, cache, _ = cached_run(SEEDS, tmp_path / "cache", replace(CONFIG, decisions=pins[1:]))
    assert cache.work_misses == 0
    _, cache, _ = cached_run(SEEDS, tmp_path / "cache",
                             replace(CONFIG, decisions=(Pin(other, note=note.id),)))
    assert cache.work_misses == len(first.works)


def test_config_that_changes_cleaning_misses_and_running_options_hit(tmp_path: Path) -> None:
    cached_run(SEEDS, tmp_path / "cache")
    _, other, _ = cached_run(SEEDS, tmp_path / "cache", replace(CONFIG, shingle_cjk=4))
    assert (other.hits, other.misses) == (0, 5)
    _, jobs, _ = cached_run(SEEDS, tmp_path / "cache", replace(CONFIG, jobs=2, fail_on=("new",)))
    assert (jobs.hits, jobs.work_hits) == (5, 3)
    # a grouping threshold does not touch the per-file results, but does the works
    _, grouping, _ = cached_run(SEEDS, tmp_path / "cache",
                                replace(CONFIG, edition_min_coverage=0.31))
    assert (grouping.hits, grouping.work_hits) == (5, 0)


def test_the_lists_of_config_fields_that_skip_the_key_name_only_config_fields() -> None:
    # a renamed field left in a list would silently drop its successor into the key
    fields = {f.name for f in __import__("dataclasses").fields(Config)}
    assert NOT_PER_FILE <= fields and NOT_RESULT <= NOT_PER_FILE


def test_a_corrupt_database_warns_once_and_the_run_goes_on(
        tmp_path: Path, reference: dict[str, bytes]) -> None:
    d = tmp_path / "cache"
    d.mkdir()
    (d / DB_NAME).write_bytes(b"this is not a database at all" * 100)
    result, cache, warnings = cached_run(SEEDS, d)
    assert len(warnings) == 1 and "not a database" in warnings[0], warnings
    assert output(result, tmp_path / "o") == reference
    # the broken file was set aside and a new cache started: the next run hits
    assert (d / f"{DB_NAME}.corrupt").is_file()
    _, again, w2 = cached_run(SEEDS, d)
    assert again.hits == 5 and w2 == []


def test_a_damaged_entry_is_recomputed(tmp_path: Path, reference: dict[str, bytes]) -> None:
    d = tmp_path / "cache"
    cached_run(SEEDS, d)
    con = sqlite3.connect(d / DB_NAME)
    with con:
        con.execute("UPDATE entries SET value = x'80049500' WHERE kind = 'file'")
    con.close()
    result, cache, warnings = cached_run(SEEDS, d)
    assert cache.hits == 0 and cache.misses == 5 and len(warnings) == 1
    assert output(result, tmp_path / "o") == reference
    _, again, _ = cached_run(SEEDS, d)  # rewritten
    assert again.hits == 5


def test_a_value_that_cannot_be_stored_keeps_none_of_its_batch(tmp_path: Path) -> None:
    # the values are pickled as SQLite takes them: one that fails after others were
    # written must leave none of them, and the cache usable
    warnings: list[str] = []
    cache = Cache(tmp_path / "cache", warn=warnings.append)
    cache._put([("a", "work", [1, 2]), ("b", "work", lambda: 0), ("c", "work", "x")])
    assert len(warnings) == 1 and "cannot store a result" in warnings[0]
    assert cache._get("a") is None and cache._get("c") is None and cache.stored == 0
    cache._put([("a", "work", [1, 2])])
    assert cache._get("a") == [1, 2] and cache.stored == 1
    cache.close()
    # a value too large for SQLite is not a broken database: warned, and the cache goes on
    warnings.clear()
    cache = Cache(tmp_path / "cache", warn=warnings.append)
    cache._con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 2000)
    cache._put([("big", "folder", "x" * 5000)])
    assert cache.enabled and len(warnings) == 1 and "too large" in warnings[0]
    cache._put([("b", "work", "y")])
    assert cache._get("b") == "y" and cache._get("big") is None and cache._get("a") == [1, 2]
    # the same for a large value, which goes into its row through a file: all or nothing
    # (the warning is the one above: each is said once)
    stored = cache.stored
    cache._put([("big", "folder", "x" * 5000), ("slot", "folder", "k")], large=True)
    cache._put([("c", "work", lambda: 0)], large=True)
    assert cache.enabled and cache.stored == stored and len(warnings) == 1
    assert cache._get("big") is None and cache._get("slot") is None and cache._get("c") is None
    cache._con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 10**9)
    cache._put([("big", "folder", "x" * 5_000_000), ("slot", "folder", "k")], large=True)
    assert cache._get("big") == "x" * 5_000_000 and cache._get("slot") == "k"
    cache.close()
    assert not (tmp_path / "cache" / f"{DB_NAME}.corrupt").exists()


def test_an_unusable_cache_folder_warns_and_the_run_goes_on(
        tmp_path: Path, reference: dict[str, bytes]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result, cache, warnings = cached_run(SEEDS, blocker / "cache")
    assert not cache.enabled and len(warnings) == 1
    assert output(result, tmp_path / "o") == reference


def test_cache_folder_resolution() -> None:
    assert resolve_dir("/x/y", {"RECONCILE_CACHE_DIR": "/a"}) == Path("/x/y")
    assert default_dir({"RECONCILE_CACHE_DIR": "/a", "XDG_CACHE_HOME": "/b"}) == Path("/a")
    assert default_dir({"XDG_CACHE_HOME": "/b"}) == Path("/b/reconcile")
    assert default_dir({}) == Path("~/.cache/reconcile").expanduser()
    assert resolve_dir(None, {"RECONCILE_CACHE_DIR": "/a"}) == Path("/a")


# --- through the CLI ------------------------------------------------------------------------


def reconcile(*args: object, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "reconcile", *map(str, args)],
                            env={**os.environ, "CI": "true", **env}, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(p: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = p.communicate(timeout=300)
    return p.returncode, out, err


def test_cli_runs_sharing_a_cache_at_once_agree(tmp_path: Path) -> None:
    env = {"RECONCILE_CACHE_DIR": str(tmp_path / "cache")}
    procs = [reconcile("run", SEEDS, "-o", tmp_path / f"o{i}", "--json", "--jobs", "1", env=env)
             for i in range(2)]
    results = [finish(p) for p in procs]
    for code, _, err in results:
        assert code == 0, err
        assert "warning" not in err
    assert tree(tmp_path / "o0") == tree(tmp_path / "o1")
    code, out, _ = finish(reconcile("run", SEEDS, "-o", tmp_path / "o2", "--json", env=env))
    assert json.loads(out)["cache"]["hits"] == 5
    assert tree(tmp_path / "o2") == tree(tmp_path / "o0")


def test_cli_corrupt_cache_file_does_not_fail_the_run(tmp_path: Path) -> None:
    d = tmp_path / "cache"
    d.mkdir()
    (d / DB_NAME).write_bytes(os.urandom(4096))
    code, out, err = finish(reconcile("run", SEEDS, "-o", tmp_path / "o", "--json",
                                      "--cache-dir", d, env={}))
    assert code == 0, err
    warn = [x for x in err.splitlines() if x.startswith("reconcile: warning:")]
    assert len(warn) == 1 and "cache" in warn[0]
    assert json.loads(out)["status"] == "ok"


def test_cli_no_cache_touches_no_cache_folder(tmp_path: Path) -> None:
    d = tmp_path / "cache"
    code, out, err = finish(reconcile("run", SEEDS, "-o", tmp_path / "o", "--json", "--no-cache",
                                      env={"RECONCILE_CACHE_DIR": str(d)}))
    assert code == 0, err
    assert json.loads(out)["cache"] == {"enabled": False}
    assert not d.exists()


def test_a_runs_results_are_kept_packed_and_read_back_whole(tmp_path: Path) -> None:
    import pickle

    from reconcile.work import Collated, PackedResult

    result, cache, _ = cached_run(SEEDS, tmp_path / "cache")
    col = result.collated
    assert isinstance(col, Collated) and len(col) == len(result.works) == 3
    for i, w in enumerate(result.works):
        c = col[i]
        assert c.work is w and c.canonical.text
        assert col.packed(i).summary == c.summary and col.packed(i).pins_matched == c.pins_matched
        assert col[i] is c  # the last read is kept: writing a work reads it several times
    assert any(c.notes for c in col) and col[-1].work is result.works[-1]
    assert [c.work.id for c in col[1:]] == [w.id for w in result.works[1:]]
    with pytest.raises(IndexError):
        col[len(col)]
    again = pickle.loads(pickle.dumps(col))
    assert again == col and [c.notes_dict() for c in again] == [c.notes_dict() for c in col]
    # the cache keeps them packed, without the run's Work (which numbers its records)
    with Cache(tmp_path / "cache") as c2:
        rows = c2._con.execute("SELECT value FROM entries WHERE kind = 'work'").fetchall()
    assert len(rows) == 3 and all(isinstance(pickle.loads(v), PackedResult) for (v,) in rows)


def test_records_pickle_by_their_constructor_and_come_back_equal() -> None:
    # the cache and the workers load hundreds of thousands of units, notes and places: by
    # the constructor, not a __setstate__ that looks the fields up for each (by_fields)
    import pickle
    import pickletools

    result = run(SEEDS, CONFIG)
    rec = result.records[0]
    work = result.works[0]
    things = [rec.units[0], rec.witness.paragraphs[0], work, work.witnesses[0],
              result.collated[0].notes[0], result.collated[0].canonical]
    things += [r for r in result.related[:1]] + [d for d in result.duplicates[:1]]
    for x in things:
        data = pickle.dumps(x, protocol=pickle.HIGHEST_PROTOCOL)
        assert pickle.loads(data) == x
        assert "BUILD" not in {op.name for op, _, _ in pickletools.genops(data)}, type(x)
