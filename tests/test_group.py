"""Grouping files into works: editions, roles, coverage, related files, duplicates, and
independence from the order files come in."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reconcile.config import Config
from reconcile.output import summary
from reconcile.pipeline import analyse, run

from . import synth
from .helpers import folder_records

CONFIG = Config(jobs=1)


def _works(result) -> dict[str, set[str]]:
    """The files of each work (a witness may be several page files)."""
    return {w.id: {f for r in w.witnesses for f in r.files} for w in result.works}


@pytest.mark.parametrize("script", ["cjk", "latin"])
def test_pages_and_digest_form_one_work_and_the_article_is_only_related(tmp_path: Path, script: str) -> None:
    truth = synth.folder(tmp_path, script)
    result = run(tmp_path, CONFIG)
    groups = sorted(sorted(ws) for ws in _works(result).values())
    expected: dict[str, set[str]] = {}
    for f, label in truth.items():
        expected.setdefault(label, set()).add(f)
    assert groups == sorted(sorted(v) for v in expected.values())
    rel = [(r.file, r.other) for r in result.related]
    assert ("article.txt", "page1.txt") in rel
    passage = next(r for r in result.related if r.file == "article.txt").passages[0]
    assert passage.at.file == "article.txt" and passage.other.file == "page1.txt"


@pytest.mark.parametrize("script", ["cjk", "latin"])
def test_roles_and_coverage_follow_what_each_witness_prints(tmp_path: Path, script: str) -> None:
    synth.folder(tmp_path, script)
    result = run(tmp_path, CONFIG)
    work = next(w for w in result.works if len(w.witnesses) == 2)
    roles = {r.id: r.role for r in work.witnesses}
    cov = {r.id: r.coverage for r in work.witnesses}
    assert roles == {"page1.txt": "edition", "digest.txt": "digest"}
    # the two pages are one printing, in page order, the copy-text; the digest a third
    edition = work.witnesses[0]
    assert edition.files == ("page1.txt", "page2.txt")
    assert cov["page1.txt"] > 0.95
    assert 0.15 < cov["digest.txt"] < 0.45


def test_a_second_print_of_a_page_is_a_duplicate(tmp_path: Path) -> None:
    synth.folder(tmp_path)
    (tmp_path / "page1-again.txt").write_text((tmp_path / "page1.txt").read_text("utf-8"), "utf-8")
    result = run(tmp_path, CONFIG)
    work = next(w for w in result.works if any(r.id == "page1-again.txt" for r in w.witnesses))
    roles = {r.id: r.role for r in work.witnesses}
    assert sorted(roles.values()).count("duplicate") == 1
    assert "duplicate" in (roles.get("page1-again.txt"), roles.get("page1.txt"))
    across = [d for d in result.duplicates if d.kind == "across-files"]
    assert any({p.file for p in d.places} == {"page1.txt", "page1-again.txt"} for d in across)


def test_a_paragraph_printed_twice_in_one_file_is_reported(tmp_path: Path) -> None:
    paras = synth.report(3)
    text = synth.render(paras[:6] + [paras[2]] + paras[6:], "cjk")
    (tmp_path / "a.txt").write_text(text, "utf-8")
    result = run(tmp_path, CONFIG)
    within = [d for d in result.duplicates if d.kind == "within-file"]
    assert len(within) == 1
    first, again = within[0].places
    assert first.line == 5 and again.line == 13
    assert within[0].text == "".join(paras[2])


def test_the_title_is_the_most_specific_heading_that_names_the_work(tmp_path: Path) -> None:
    paras = synth.report(5)
    (tmp_path / "full.txt").write_text(synth.render(paras, "cjk", title="政府工作报告"), "utf-8")
    (tmp_path / "dig.txt").write_text(
        synth.render(paras[::2], "cjk", title="2023年政府工作报告（摘登）"), "utf-8")
    result = run(tmp_path, CONFIG)
    assert [w.title for w in result.works] == ["2023年政府工作报告"]


def test_unrelated_files_are_works_of_their_own(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"u{i}.txt").write_text(synth.render(synth.report(100 + i, paragraphs=6), "cjk"), "utf-8")
    result = run(tmp_path, CONFIG)
    assert [len(w.witnesses) for w in result.works] == [1, 1, 1]
    assert result.related == () and [r.role for w in result.works for r in w.witnesses] == ["edition"] * 3


def test_one_long_sentence_two_works_share_does_not_make_them_one(tmp_path: Path) -> None:
    # a page of one work and a page of another print the same sentence of several clauses
    # (a stock formula), a third of the smaller page: it is quoted, not the same text
    shared = ("Brave Speaker, ratifying of brave supreme and objections Courts, constitute "
              "hold ago Care during good Hold, and the Sessions of both, as the Law directs.")
    one, other = synth.report(11, "latin", paragraphs=1), synth.report(12, "latin", paragraphs=5)
    one[0] = one[0][:3]
    one[0][1] = other[3][2] = shared
    (tmp_path / "a1.txt").write_text(synth.render(one, "latin"), "utf-8")
    (tmp_path / "b2.txt").write_text(synth.render(other, "latin"), "utf-8")
    result = run(tmp_path, CONFIG)
    assert len(result.works) == 2 and len(result.related) == 1


@pytest.fixture(scope="module")
def synth_records(tmp_path_factory):
    root = tmp_path_factory.mktemp("order")
    synth.folder(root)
    return folder_records(root, CONFIG)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_grouping_does_not_depend_on_file_order(synth_records, data) -> None:
    order = data.draw(st.permutations(list(synth_records)))
    assert summary(analyse(order, [], CONFIG)) == summary(analyse(list(synth_records), [], CONFIG))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abcde ", min_size=3, max_size=14), min_size=2, max_size=24),
       st.lists(st.tuples(st.integers(0, 23), st.integers(0, 23)), max_size=6))
# a file joined already (1, to 3) whose best (0) is on its own and likes another best (2)
@example(["abcdefghij", "abcdefghiX", "abcdefghij", "zzzzzzzz"], [(1, 3)])
def test_short_files_join_their_best_as_if_every_pair_were_compared(
        lines: list[str], joined: list[tuple[int, int]]) -> None:
    # _best_short compares only the files still on their own and those they score high;
    # the files it joins are those a comparison of every pair joins (a file joined already
    # can only join one still on its own, as its best)
    import numpy as np
    from rapidfuzz import fuzz, process

    from reconcile import group as G
    config = Config()
    n = len(lines)
    keys = dict(enumerate(lines))

    def start() -> G._UnionFind:
        uf = G._UnionFind(n)
        for a, b in joined:
            if a < n and b < n:
                uf.union(a, b)
        return uf
    got = start()
    G._best_short(keys, got, config)
    want = start()
    alone = G._alone(want, n)
    cutoff = int(100 * config.short_file_best_similarity)
    rows = process.cdist(lines, lines, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8)
    for r, row in enumerate(rows):
        row[r] = 0
        G._join_best_short(list(range(n)), lines, r, row, alone, cutoff, want)
    assert [got.find(i) for i in range(n)] == [want.find(i) for i in range(n)]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet="ab c。春天来", max_size=30), min_size=2, max_size=6))
def test_likeness_is_the_jaccard_of_the_fingerprint_shingles(texts: list[str]) -> None:
    # the grouping compares units by substrings (fast on short sentences); what it measures
    # must be the Jaccard of the shingles the fingerprint hashes, whatever the unit's length
    import numpy as np

    from reconcile.clean import clean
    from reconcile.fingerprint import fingerprint, shingles
    from reconcile.group import _likeness
    from reconcile.records import Source

    recs = [fingerprint(clean(Source.from_text(f"{i}.txt", t, "utf-8", str(i)), CONFIG), CONFIG)
            for i, t in enumerate(texts)]
    refs = [(i, u) for i, r in enumerate(recs) for u in range(len(r.units))]
    like = _likeness(tuple(r.lean() for r in recs))
    for x in refs:
        for y in refs:
            sx = shingles(recs[x[0]].unit_key(x[1]), recs[x[0]].k)
            sy = shingles(recs[y[0]].unit_key(y[1]), recs[y[0]].k)
            union = len(np.union1d(sx, sy))
            want = len(np.intersect1d(sx, sy)) / union if union else 1.0
            assert like(x, y) == pytest.approx(want)


def test_the_shares_of_files_are_counted_as_unit_by_unit() -> None:
    # _tally counts what each pair of files shares for all matches at once; it must be
    # what a count unit by unit says (capped at the unit, like sizes only, sentence ends)
    from collections import defaultdict

    from reconcile.group import _tally
    from reconcile.join import join

    from .helpers import record

    texts = []
    for seed, script in ((1, "cjk"), (2, "latin"), (3, "cjk")):
        paras = synth.report(seed, script, paragraphs=8)
        texts += [synth.render(paras, script), synth.digest(paras, script, seed),
                  synth.article(paras, script, seed)]
    recs = tuple(sorted((record(t, f"{i:02d}.txt") for i, t in enumerate(texts)),
                        key=lambda r: r.witness.id))
    t = _tally(recs, join(recs, CONFIG))
    shared: dict = defaultdict(int)
    comparable: dict = defaultdict(int)
    units: dict = defaultdict(int)
    for (f, u), others in t.partners.items():
        size = t.sizes[f][u]
        held: dict = defaultdict(int)
        for o in others:
            held[o[0]] += t.sizes[o[0]][o[1]]
        for w, n in held.items():
            shared[(f, w)] += min(size, n)
        for w in {o[0] for o in others
                  if 4 * min(size, t.sizes[o[0]][o[1]]) >= max(size, t.sizes[o[0]][o[1]])}:
            comparable[(f, w)] += min(size, held[w])
            units[(f, w)] += recs[f].units[u].ends
    n = len(recs)
    pairs = [divmod(ab, n) for ab in t.pairs.tolist()]
    assert pairs and {ab: t.share(*ab) for ab in pairs} == dict(shared)
    assert pairs == sorted(shared)
    # the scalar and the array reading agree, on pairs that share and pairs that do not
    from reconcile.group import coverage_of
    asked = pairs + [(a, b) for a in range(n) for b in range(n) if (a, b) not in shared]
    a, b = (np.array(x, dtype=np.int64) for x in zip(*asked))
    assert t.shares(a, b).tolist() == [shared.get(ab, 0) for ab in asked]
    assert t.coverages(a, b).tolist() == [coverage_of(t, *ab) for ab in asked]
    # the like-sized shares, a row per pair of files (the lower first)
    c = t.comparable
    got = {(lo, hi): (x, y, z) for lo, hi, x, y, z in zip(
        c.lo.tolist(), c.hi.tolist(), c.lo_chars.tolist(), c.hi_chars.tolist(), c.units.tolist())}
    want = {(lo, hi): (comparable.get((lo, hi), 0), comparable.get((hi, lo), 0),
                       max(units.get((lo, hi), 0), units.get((hi, lo), 0)))
            for lo, hi in {(min(a, b), max(a, b)) for a, b in comparable}}
    assert got and got == want
    assert list(got) == sorted(got)


@settings(max_examples=50, deadline=None)
@given(st.sets(st.tuples(st.integers(0, 9), st.integers(0, 9)).filter(lambda p: p[0] != p[1])))
def test_the_files_sharing_index_gives_the_sets_its_pairs_make(pairs) -> None:
    # the grouping's file -> partners index is made from one sorted array of pairs, each
    # set when asked: it must be the mapping the pairs describe
    import numpy as np

    from reconcile.group import _Sharing

    n = 10
    keys = np.array(sorted(a * n + b for a, b in pairs), dtype=np.int64)
    got = _Sharing(keys, n)
    want: dict[int, set[int]] = {}
    for a, b in pairs:
        want.setdefault(a, set()).add(b)
    assert dict(got) == {a: frozenset(bs) for a, bs in want.items()}
    assert list(got) == sorted(want) and len(got) == len(want)
    assert all(got.get(w, frozenset()) == frozenset() for w in range(-1, n + 2) if w not in want)


class _Kept:
    """Drafts kept in a dict (the cache's part in a run)."""

    def __init__(self) -> None:
        self.kept: dict = {}
        self.served = 0

    def lookup_drafts(self, keys):
        got = [self.kept.get(k) for k in keys]
        self.served += sum(1 for g in got if g is not None)
        return got

    def store_drafts(self, items) -> None:
        self.kept.update(items)


@pytest.fixture(scope="module")
def two_folders(tmp_path_factory):
    """Two synthetic folders' files (pages, a digest, an article, another work), each also
    with a sentence added: (name, text) pairs to draw folders from."""
    files = []
    for script, seed in (("cjk", 3), ("latin", 4)):
        root = tmp_path_factory.mktemp(f"drafts-{script}")
        synth.folder(root, script, seed)
        for p in sorted(root.iterdir()):
            text = p.read_text("utf-8")
            extra = "另有一句新加的话，与别处无关。" if script == "cjk" else \
                "Another sentence was added here, unlike any other."
            files.append((f"{script}-{p.name}", text, text + "\n\n" + extra))
    return files


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_works_taken_as_grouped_before_are_the_works_grouped_again(two_folders, data) -> None:
    # a re-run takes the works whose files, and the matches that touch them, are as they
    # were; the works are those a grouping from nothing makes, whatever changed
    from reconcile.group import group
    from reconcile.join import join

    from .helpers import record

    def pick():
        chosen = data.draw(st.lists(st.sampled_from(two_folders), unique_by=lambda f: f[0],
                                    min_size=1))
        return [(n, b if data.draw(st.booleans()) else a) for n, a, b in sorted(chosen)]

    def grouped(files, kept=None):
        recs = [record(text, name) for name, text in files]
        tags = [f"{name}\0{hash(text)}" for name, text in files]
        return group(recs, join(recs, CONFIG), CONFIG, tags, kept)
    kept = _Kept()
    grouped(pick(), kept)
    now = pick()
    again = grouped(now, kept)
    assert again == grouped(now)
    # the same files again: every work is taken as it was made
    before = kept.served
    assert grouped(now, kept) == again
    assert kept.served - before == len(again[0])


def test_a_related_pair_lists_its_passages_as_they_list_themselves() -> None:
    from reconcile.group import Passage, Place, Related

    ps = (Passage(Place("a.txt", 3, 1), Place("b.txt", 9, 4), "共同的一句"),
          Passage(Place("a.txt", 5, 2), Place("b.txt", 1, 1), "another"))
    r = Related("a.txt", "w1", "b.txt", 0.25, 12, ps)
    assert r.to_dict()["passages"] == [p.to_dict() for p in ps]
