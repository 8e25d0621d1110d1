"""Segmenting into units, MinHash fingerprints, the banded join and its exact check."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.config import Config
from reconcile.fingerprint import band_keys, shingles
from reconcile.join import bucket_pairs, join
from reconcile.segment import sentences, units

from .helpers import cleaned, in_fresh_interpreter, record

CONFIG = Config(jobs=1)


def test_sentences_end_at_cjk_and_latin_marks_and_keep_closing_quotes() -> None:
    text = "他说：“好！”然后走了。第三句？ It ended. Then more"
    got = [text[s:e] for s, e in sentences(text)]
    assert got == ["他说：“好！”", "然后走了。", "第三句？", "It ended.", "Then more"]


def test_long_sentences_are_cut_at_clauses_and_short_ones_merged() -> None:
    clause = "推进国家级智能制造试点示范建设"  # 15 characters
    long = "，".join([clause] * 8) + "。"
    w = cleaned(f"好。{long}")
    us = units(w, CONFIG)
    assert all(u.size <= CONFIG.max_unit_chars for u in us)
    assert len(us) >= 2
    # the two-character sentence is merged into the next unit, not dropped
    assert w.text[us[0].start:us[0].start + 2] == "好。"
    assert sum(u.size for u in us) == 1 + 15 * 8  # nothing lost or counted twice


def test_shingles_are_exact_for_cjk_and_stable_for_latin() -> None:
    assert len(shingles("政府工作报告", 3)) == 4
    assert len(shingles("政府政府政府", 3)) == 2  # distinct shingles only
    a = shingles("thecouncilagreed", 5)
    assert np.array_equal(a, shingles("thecouncilagreed", 5))
    assert len(shingles("ab", 5)) == 1


def test_fingerprints_are_reproducible() -> None:
    a = record("加快推进产业新城建设，打造高品质产业新城。", "a.txt")
    b = record("加快推进产业新城建设，打造高品质产业新城。", "b.txt")
    assert np.array_equal(a.bands, b.bands)


def test_a_trimmed_digest_sentence_is_matched_by_containment() -> None:
    full = ("启动大运路、泥向线北延、丈子头东延、晋阳大道南延、化章街等工程，开工建设古交娄烦万山高速，"
            "太原西北二环高速年底竣工，推进绕城高速公路功能调整。")
    digest = "启动大运路等工程，太原西北二环高速年底竣工，推进绕城高速公路功能调整。"
    recs = [record(full, "full.txt"), record(digest, "digest.txt"),
            record("完全无关的一句话，讲的是别的事情，比如天气和农业生产。", "other.txt")]
    ms = join(recs, CONFIG)
    pairs = {(m.a[0], m.b[0]) for m in ms}
    assert (0, 1) in pairs
    assert not any(2 in p for p in pairs)
    m = next(m for m in ms if (m.a[0], m.b[0]) == (0, 1))
    assert m.containment >= 0.6 and m.jaccard < m.containment


def test_identical_units_share_every_band() -> None:
    sig = np.random.default_rng(1).integers(0, 2**32, size=(2, 128), dtype=np.uint64).astype(np.uint32)
    sig[1] = sig[0]
    keys = band_keys(sig, 32, 4)
    assert np.array_equal(keys[0], keys[1])
    assert len(set(keys[0].tolist())) == 32  # bands of one unit do not collide


def test_a_bucket_larger_than_the_cap_is_joined_as_a_star() -> None:
    col = np.zeros(50, dtype=np.uint64)
    refs = np.arange(50, dtype=np.int64)
    pairs = bucket_pairs(col, refs, max_bucket=10)
    assert len(pairs) == 49 and (pairs[:, 0] == 0).all()
    assert len(bucket_pairs(col[:10], refs[:10], max_bucket=10)) == 45
    assert (pairs[:, 0] < pairs[:, 1]).all()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=40), st.integers(2, 8), st.randoms())
def test_bucket_pairs_are_every_pair_of_a_bucket_or_its_star(keys, cap, rnd) -> None:
    refs = list(range(0, 3 * len(keys), 3))
    rnd.shuffle(refs)  # the members of a bucket come in any order
    want = set()
    for k in set(keys):
        members = sorted(r for r, x in zip(refs, keys) if x == k)
        if len(members) <= cap:
            want |= {(a, b) for i, a in enumerate(members) for b in members[i + 1:]}
        else:
            want |= {(members[0], b) for b in members[1:]}
    got = bucket_pairs(np.array(keys, dtype=np.uint64), np.array(refs, dtype=np.int64), cap)
    assert sorted(map(tuple, got.tolist())) == sorted(want)


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="政府工作报告发展建设推进城市经济产业新城大盂孟太原全面加快，。", min_size=20, max_size=200))
def test_a_text_always_matches_its_own_copy(text: str) -> None:
    recs = [record(text, "a.txt"), record(text, "b.txt")]
    if not recs[0].units:
        return
    ms = join(recs, CONFIG)
    across = {(m.a[1], m.b[1]) for m in ms if m.a[0] != m.b[0]}
    assert all((i, i) in across for i in range(len(recs[0].units)))


def test_the_default_bands_are_what_datasketch_would_choose() -> None:
    from datasketch import MinHashLSH

    from reconcile.config import Config
    from reconcile.fingerprint import _WEIGHTS, band_params

    config = Config()
    lsh = MinHashLSH(threshold=config.lsh_threshold, num_perm=config.num_perm, weights=_WEIGHTS)
    assert band_params(config) == (lsh.b, lsh.r)


def test_fingerprinting_loads_no_integrator_and_other_bands_still_search() -> None:
    # datasketch's package imports scipy.integrate for its LSH parameter search (half a
    # second); a run on the default parameters fingerprints without it, and a search for
    # other parameters, which calls it, gets the real one. A fresh interpreter: this one
    # may have loaded either already
    code = (
        "import sys\n"
        "from dataclasses import replace\n"
        "from reconcile.config import Config\n"
        "from reconcile.fingerprint import fingerprint\n"
        "from reconcile.clean import clean\n"
        "from reconcile.records import Source\n"
        "src = Source.from_text('a.txt', '第一句话在这里。第二句话在那里。', 'utf-8', '0' * 64)\n"
        "rec = fingerprint(clean(src, Config()), Config())\n"
        "assert len(rec.units) and 'scipy.integrate' not in sys.modules\n"
        "from reconcile.fingerprint import band_params\n"
        "got = band_params(replace(Config(), lsh_threshold=0.5))\n"
        "from datasketch import MinHashLSH\n"
        "from reconcile.fingerprint import _WEIGHTS\n"
        "lsh = MinHashLSH(threshold=0.5, num_perm=Config().num_perm, weights=_WEIGHTS)\n"
        "assert got == (lsh.b, lsh.r) and got != band_params(Config()), got\n"
        "import scipy.integrate\n"
        "assert hasattr(scipy.integrate, 'simpson')\n")
    in_fresh_interpreter(code)


def test_the_bands_cut_in_the_pool_give_the_candidates_cut_here(monkeypatch) -> None:
    # a large folder's bands are cut into buckets by the pool's workers, each keeping its
    # bands' pairs: the union must be what one process finds, pair for pair, in order
    from reconcile import join as J
    from tests import synth

    texts = []
    for seed, script in ((1, "cjk"), (2, "latin"), (3, "cjk")):
        paras = synth.report(seed, script, paragraphs=8)
        texts += [synth.render(paras, script), synth.digest(paras, script, seed)]
    recs = [record(t, f"{i}.txt") for i, t in enumerate(texts)]
    here = J.candidates(recs, Config(jobs=1))
    monkeypatch.setattr(J, "_POOL_MIN_UNITS", 0)
    pooled = J.candidates(recs, Config(jobs=2))
    assert len(here) > 0
    assert np.array_equal(here, pooled)


def test_bands_moved_to_files_give_the_candidates_held_in_memory(monkeypatch, tmp_path) -> None:
    # a large folder's bucket keys leave memory for one file a band as the records come, in
    # any order; the join must read the same columns back, and the files go with the store
    import os

    from reconcile import join as J
    from tests import synth

    texts = []
    for seed, script in ((4, "cjk"), (5, "latin")):
        paras = synth.report(seed, script, paragraphs=8)
        texts += [synth.render(paras, script), synth.digest(paras, script, seed)]
    recs = [record(t, f"{i}.txt") for i, t in enumerate(texts)]
    here = J.candidates(recs, CONFIG)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    with J.Bands(memory=1) as bands:
        lean = [bands.add(r) for r in reversed(recs)]  # arrival order is not the folder's
        assert all(r.bands.shape[1] == 0 for r in lean)
        assert len(os.listdir(tmp_path)) == 1  # the band files' folder
        spilled = J.candidates(lean[::-1], CONFIG, bands)
    assert os.listdir(tmp_path) == []
    assert len(here) > 0 and np.array_equal(here, spilled)
    assert len(J.join(recs, CONFIG)) > 0


def test_a_record_without_bucket_keys_is_refused_by_the_join() -> None:
    import pytest

    rec = record("第一句话在这里。第二句话在那里。", "a.txt")
    with pytest.raises(ValueError, match="a.txt"):
        join([rec.lean()], CONFIG)


def test_a_run_with_its_bucket_keys_in_files_gives_the_same_result(monkeypatch) -> None:
    from pathlib import Path

    from reconcile import join as J
    from reconcile.output import summary
    from reconcile.pipeline import run

    seeds = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
    held = run(seeds, CONFIG)
    monkeypatch.setattr(J, "_BANDS_IN_MEMORY", 0)
    moved = run(seeds, CONFIG)
    assert len(held.matches) > 0
    assert summary(moved) == summary(held)
    assert [c.notes_dict() for c in moved.collated] == [c.notes_dict() for c in held.collated]


def _same_matches(a, b) -> bool:
    return all(np.array_equal(getattr(a, f), getattr(b, f))
               for f in ("wa", "ua", "wb", "ub", "containment", "jaccard"))


@settings(max_examples=12, deadline=None)
@given(st.data())
def test_a_join_that_reuses_the_last_verdicts_finds_what_a_fresh_one_finds(data) -> None:
    # the last join saw some files (some since changed, some gone); this one scores only
    # the pairs with a file it did not see, and must find the same matches, in order
    from reconcile import join as J
    from tests import synth

    seed = data.draw(st.integers(0, 50))
    texts = []
    for s, script in ((seed, "cjk"), (seed + 1, "latin")):
        paras = synth.report(s, script, paragraphs=5)
        texts += [synth.render(paras, script), synth.digest(paras, script, s),
                  synth.render(paras[::2], script)]
    pool = [(f"{i}.txt", t) for i, t in enumerate(texts)]
    before_files = data.draw(st.lists(st.sampled_from(pool), unique_by=lambda x: x[0]))
    now_files = data.draw(st.lists(st.sampled_from(pool), unique_by=lambda x: x[0],
                                   min_size=1))
    changed = data.draw(st.sets(st.sampled_from([n for n, _ in pool])))
    # a file changed since: the same name, another text (and so another tag)
    now_files = [(n, t + "新增一句，内容不同。" if n in changed else t) for n, t in now_files]

    def recs_tags(files):
        recs = [record(t, n) for n, t in sorted(files)]
        return recs, [f"{n}\0{hash(r.witness.text)}" for (n, _), r in zip(sorted(files), recs)]
    old, old_tags = recs_tags(before_files)
    _, verdicts = J.join_again(old, CONFIG, tags=old_tags)
    recs, tags = recs_tags(now_files)
    scored: list[int] = []
    real = J.confirm

    def counting(records, pairs, config):
        scored.append(len(pairs))
        return real(records, pairs, config)
    J.confirm = counting
    try:
        again, _ = J.join_again(recs, CONFIG, tags=tags, before=verdicts)
    finally:
        J.confirm = real
    fresh = J.join(recs, CONFIG)
    assert _same_matches(again, fresh)

    # scored: exactly the candidate pairs the last join did not score, its units named by
    # their file's tag
    def named(rs, ts):
        return {((ts[a >> 32], a & 0xFFFFFFFF), (ts[b >> 32], b & 0xFFFFFFFF))
                for a, b in J.candidates(rs, CONFIG).tolist()}
    seen = named(old, old_tags)
    assert sum(scored) == len(named(recs, tags) - seen)


def test_the_verdicts_of_a_join_keep_its_pairs_and_matches() -> None:
    from reconcile import join as J
    from tests import synth

    paras = synth.report(7, "cjk", paragraphs=6)
    recs = [record(synth.render(paras, "cjk"), "a.txt"),
            record(synth.digest(paras, "cjk", 7), "b.txt")]
    matches, v = J.join_again(recs, CONFIG, tags=["a", "b"])
    assert _same_matches(matches, J.join(recs, CONFIG))
    assert len(v.kept) == len(matches) > 0 and np.all(np.diff(v.pairs.astype(np.int64)) > 0)
    assert v.tags == ("a", "b") and v.first.tolist() == [0, len(recs[0].units),
                                                          len(recs[0].units) + len(recs[1].units)]
