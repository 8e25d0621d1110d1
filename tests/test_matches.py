"""The folder's matches as columns: each stage that reads them with numpy gives what a plain
loop over :class:`Match` objects gives, on matches the join found and on random ones."""

from __future__ import annotations

import random
from collections import defaultdict

import numpy as np
import pytest

from reconcile.cache import Cache
from reconcile.config import Config
from reconcile.duplicates import _paragraph_overlap, _repeats, within_file
from reconcile.group import Related, _partner_lists, _passages, _related
from reconcile.join import join
from reconcile.records import Kind, Match, Matches

from . import synth
from .helpers import record

CONFIG = Config(jobs=1)


@pytest.fixture(scope="module")
def recs():
    texts = []
    for seed, script in ((1, "cjk"), (2, "latin"), (3, "cjk")):
        paras = synth.report(seed, script, paragraphs=8)
        texts += [synth.render(paras, script), synth.digest(paras, script, seed),
                  synth.article(paras, script, seed)]
    return tuple(sorted((record(t, f"{i:02d}.txt") for i, t in enumerate(texts)),
                        key=lambda r: r.witness.id))


def _random(recs, seed: int, n: int = 400) -> Matches:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        a = rng.randrange(len(recs))
        b = a if rng.random() < 0.2 else rng.randrange(len(recs))
        rows.append((a, rng.randrange(len(recs[a].units)), b, rng.randrange(len(recs[b].units)),
                     round(rng.random(), 4), round(rng.random(), 4)))
    return Matches.of(*zip(*rows))


def _cases(recs):
    return [join(recs, CONFIG), _random(recs, 1), _random(recs, 2), Matches.of()]


def test_columns_give_back_the_matches_they_were_made_of(recs) -> None:
    m = join(recs, CONFIG)
    objects = list(m)
    assert len(objects) == len(m) > 0 and all(isinstance(x, Match) for x in objects)
    again = Matches.of(*zip(*[(x.a[0], x.a[1], x.b[0], x.b[1], x.containment, x.jaccard)
                              for x in objects]))
    assert list(again) == objects
    half = len(m) // 2
    assert list(Matches.joined([m.where(np.arange(half)), m.where(np.arange(half, len(m)))])) \
        == objects
    assert list(Matches.joined([])) == [] and list(Matches.of()) == []


def test_partner_lists_are_a_loop_over_the_matches(recs) -> None:
    for m in _cases(recs):
        across = m.where(m.wa != m.wb)
        want: dict = defaultdict(list)
        for x in across:
            want[x.a].append(x.b)
            want[x.b].append(x.a)
        got = _partner_lists(across)
        assert got == dict(want) and list(got) == sorted(want)


def test_paragraph_overlap_are_a_loop_over_the_matches(recs) -> None:
    for m in _cases(recs):
        across = m.where(m.wa != m.wb)
        want: dict = defaultdict(int)
        for x in across:
            pa = (x.a[0], recs[x.a[0]].units[x.a[1]].paragraph)
            pb = (x.b[0], recs[x.b[0]].units[x.b[1]].paragraph)
            want[(pa, pb)] += recs[x.a[0]].units[x.a[1]].size
            want[(pb, pa)] += recs[x.b[0]].units[x.b[1]].size
        assert _paragraph_overlap(recs, across) == dict(want)


def _related_by_loop(records, matches, work_of, totals, config):
    """The related works as a loop over match objects (how they were first counted)."""
    strong: dict = defaultdict(list)

    def in_body(f: int) -> list[bool]:
        kinds = [p.kind is Kind.BODY for p in records[f].witness.paragraphs]
        return [kinds[u.paragraph] for u in records[f].units]
    for m in matches:
        a, b = m.a, m.b
        if work_of[a[0]] == work_of[b[0]] or m.containment < config.related_min_containment:
            continue
        if in_body(a[0])[a[1]]:
            strong[(a[0], b[0])].append((a[1], b[1]))
        if in_body(b[0])[b[1]]:
            strong[(b[0], a[0])].append((b[1], a[1]))
    best: dict = {}
    for (a, b), pairs in strong.items():
        chars = sum(records[a].units[u].size for u in {u for u, _ in pairs})
        if chars < config.related_min_chars:
            continue
        pair = tuple(sorted((work_of[a], work_of[b])))
        rank = (chars / (totals[a] or 1), chars, records[a].witness.id)
        if pair not in best or rank > best[pair][0]:
            best[pair] = (rank, a, b, chars)
    out = []
    for (cov, _, _), a, b, chars in best.values():
        partner: dict[int, int] = {}
        for u, o in sorted(strong[(a, b)]):
            partner.setdefault(u, o)
        out.append(Related(records[a].witness.id, work_of[b], records[b].witness.id,
                           round(cov, 4), chars, _passages(records, a, b, partner)))
    return sorted(out, key=lambda r: (r.file, r.work, r.other))


@pytest.mark.parametrize("works", [3, 5])
def test_related_works_are_a_loop_over_the_matches(recs, works: int) -> None:
    rng = random.Random(works)
    totals = [sum(u.size for u in r.units) for r in recs]
    config = Config(jobs=1, related_min_chars=10)
    found = 0
    for m in _cases(recs):
        work_of = [f"w{rng.randrange(works)}" for _ in recs]
        got = _related(recs, m, work_of, totals, config)
        assert got == _related_by_loop(recs, m, work_of, totals, config)
        found += len(got)
    assert found  # the comparison is not of empty lists only


def test_a_works_matches_for_the_cache_are_those_naming_its_files(recs, tmp_path) -> None:
    import struct

    from reconcile.cache import _tag

    def bits(x: float) -> int:
        return struct.unpack("<Q", struct.pack("<d", x))[0]
    with Cache(tmp_path / "c") as cache:
        for m in _cases(recs):
            for deps in ([0], [1, 4], list(range(len(recs))), []):
                want = sorted((_tag(recs[x.a[0]].witness.id), x.a[1], _tag(recs[x.b[0]].witness.id),
                               x.b[1], bits(x.containment), bits(x.jaccard))
                              for x in m if x.a[0] in deps or x.b[0] in deps)
                got = cache._matches_of(recs, m, deps)
                assert [tuple(row) for row in got.tolist()] == [tuple(w) for w in want]
    # a file's tag is its id's, whatever its place among the records
    assert _tag("a.txt") == _tag("a.txt") != _tag("b.txt")


def _within_file_by_loop(records, matches, config):
    """The repeats within a file, their pairs collected by a loop over match objects (how
    they were first found); the runs made of them as the tool makes them."""
    pairs: dict = defaultdict(list)
    for m in matches:
        if m.a[0] == m.b[0] and m.jaccard >= config.duplicate_min_jaccard:
            pairs[m.a[0]].append(tuple(sorted((m.a[1], m.b[1]))))
    out = [d for w, ps in pairs.items() for d in _repeats(records[w], ps)]
    return sorted(out, key=lambda d: (d.places[0].file, d.places[0].line, d.places[0].column))


def test_repeats_within_a_file_are_a_loop_over_the_matches(recs) -> None:
    config = Config(jobs=1, duplicate_min_jaccard=0.3)
    found = 0
    for m in _cases(recs):
        got = within_file(recs, m, config)
        assert got == _within_file_by_loop(recs, m, config)
        found += len(got)
    assert found


def test_of_two_files_a_file_quotes_alike_the_one_the_matches_name_first_is_kept(recs) -> None:
    # the smallest file's first unit in two files of one other work, as much of each: a tie
    # of rank between the two (and either way round less of the larger files)
    config = Config(jobs=1, related_min_chars=1)
    totals = [sum(u.size for u in r.units) for r in recs]
    small = min(range(3), key=lambda f: totals[f])
    a, b = [f for f in range(3) if f != small]
    work_of = ["w1"] * 3 + [f"w{i}" for i in range(3, len(recs))]
    work_of[small] = "w0"
    for first, then in ((a, b), (b, a)):
        m = Matches.of([small, small], [0, 0], [first, then], [0, 0], [1.0, 1.0], [1.0, 1.0])
        got = _related(recs, m, work_of, totals, config)
        assert got == _related_by_loop(recs, m, work_of, totals, config)
        assert [(r.file, r.other) for r in got] == [(recs[small].witness.id,
                                                     recs[first].witness.id)]
