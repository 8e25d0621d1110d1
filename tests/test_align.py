"""Alignment: every witness of a work in one table, token by token, in time linear in the
work; surviving reordering, abridgment and OCR noise."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.align import align_pair, align_witnesses
from reconcile.tokens import tokenize

from . import synth


def _long_pair(n_chars: int, edits: int, seed: int = 3) -> tuple[str, str, list[int]]:
    rng = random.Random(seed)
    text = ""
    while len(text) < n_chars:
        text += synth.sentence(rng, "cjk")
    places = sorted(rng.sample(range(100, len(text) - 100, 1), edits))
    chars = list(text)
    for p in places:
        while not ("\u4e00" <= chars[p] <= "\u9fff"):
            p += 1
        chars[p] = "\u9fa0" if chars[p] != "\u9fa0" else "\u9fa1"
    return text, "".join(chars), places


def test_a_long_pair_with_scattered_slips_pairs_every_character_in_place() -> None:
    a, b, _ = _long_pair(20_000, 5)
    ta, tb = tokenize(a), tokenize(b)
    got = align_pair(ta.keys, tb.keys).a_of_b
    # the texts have the same tokens in the same places: each pairs with itself
    assert (got == np.arange(len(tb))).all()


def test_a_moved_section_and_a_cut_sentence_still_pair_where_they_stand() -> None:
    paras = synth.report(21, paragraphs=6)
    full = tokenize(synth.render(paras, "cjk"))
    p1 = list(paras[1])
    p1[2] = p1[2][:8] + p1[2][-6:]
    moved = tokenize(synth.render([paras[4], p1], "cjk"))
    got = align_pair(full.keys, moved.keys).a_of_b
    four = synth.render([paras[4]], "cjk").strip()
    n4 = len(tokenize(four))
    start4 = full.text.index(four)
    first4 = int(np.searchsorted(full.start, start4))
    assert (got[:n4] == np.arange(first4, first4 + n4)).all()  # the moved section
    assert (got[n4:] >= 0).mean() > 0.95  # the trimmed paragraph pairs too
    assert (got[n4:] < first4).all()


def test_unrelated_texts_pair_almost_nothing() -> None:
    a = tokenize(synth.render(synth.report(1, paragraphs=3), "cjk"))
    b = tokenize(synth.render(synth.report(2, paragraphs=1), "cjk"))
    assert (align_pair(a.keys, b.keys).a_of_b >= 0).mean() < 0.2


def test_words_are_the_tokens_of_a_spaced_script() -> None:
    a = tokenize("auch für ein Viertes. Für größere Gesellschaft")
    b = tokenize("auch sür ein Vierte-A Für grössere Gesellschast")
    assert a.keys[:4] == ("auch", "für", "ein", "viertes")
    got = align_pair(a.keys, b.keys).a_of_b.tolist()
    # each misread word pairs with the word it stands for; the stray "A" pairs with nothing
    assert got == [0, 1, 2, 3, -1, 4, 5, 6]


def test_three_short_readings_with_different_slips_fill_the_same_columns() -> None:
    toks = [tokenize(t) for t in ("好不的视频", "好玩的视的", "好玩的机频")]
    al = align_witnesses(toks, [0, 1, 2], [4, 4, 4])
    assert al.n_columns == 5
    for w in range(3):
        assert al.cells[w].tolist() == [0, 1, 2, 3, 4]
        assert al.covers[w] == ((0, 5),)


def test_a_digest_cut_is_a_hole_in_what_it_covers_and_a_slip_is_not() -> None:
    full = tokenize("一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉")
    digest = tokenize("一二三四五六七八九十" + "子丑寅卯辰巳午未申酉")  # ten cut
    slip = tokenize("一二三四五六七八九十甲乙丙丁己庚辛壬癸子丑寅卯辰巳午未申酉")  # one lost
    al = align_witnesses([full, digest, slip], [0, 1, 2], [4, 4, 4])
    assert len(al.covers[1]) == 2  # the digest prints two stretches
    assert len(al.covers[2]) == 1  # the slip is a gap inside one stretch
    assert (al.cells[2] < 0).sum() == 1


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(list("甲乙丙丁戊己庚辛壬癸")), min_size=1, max_size=60),
       st.lists(st.tuples(st.integers(0, 59), st.sampled_from("dsi")), max_size=6))
def test_every_token_of_every_witness_stands_in_exactly_one_column(base, edits) -> None:
    chars = list(base)
    for pos, kind in edits:
        if not chars:
            break
        p = pos % len(chars)
        if kind == "d":
            del chars[p]
        elif kind == "s":
            chars[p] = "子"
        else:
            chars.insert(p, "丑")
    toks = [tokenize("".join(base)), tokenize("".join(chars))]
    al = align_witnesses(toks, [0, 1], [4, 4])
    for w, t in enumerate(toks):
        got = al.cells[w][al.cells[w] >= 0]
        assert sorted(got.tolist()) == list(range(len(t)))
        assert (np.diff(got) > 0).all() or len(got) < 2  # in order: nothing moved here


def test_a_moved_section_pairs_from_its_first_word_not_from_its_first_anchor() -> None:
    # the witness prints section b after c; b's first three words (one misread) are in
    # no anchor of three words that occurs once in each text
    rng = random.Random(5)
    words = [f"w{k}" for k in range(400)]
    a_, c_ = rng.sample(words, 15), rng.sample(words, 15)
    b_ = rng.sample(words, 15)
    head = ["vested", "construed", "whenever"]
    ref = a_ + head + b_ + c_
    wit = a_ + c_ + ["vested", "construed", "wbenever"] + b_
    got = align_pair(ref, wit).a_of_b
    start = len(a_) + len(c_)
    assert list(got[start:start + 3]) == [15, 16, 17]


def test_a_misread_word_beside_a_cut_pairs_with_the_word_it_stands_for() -> None:
    # a digest cuts a sentence and goes on with the next, whose first words it misreads;
    # an alike word at the edge of the cut pairs with its word (not left as an addition),
    # a word merely similar in length does not
    rng = random.Random(6)
    words = [f"w{k}" for k in range(400)]
    before, cut, after = rng.sample(words, 12), rng.sample(words, 30), rng.sample(words, 12)
    # the cut sentence starts with the word the next one starts with: the digest's "gave"
    # pairs with the first, its misread word stands at the cut's far edge
    ref = before + ["gave"] + cut + ["gave", "impeachments"] + after
    at = len(before) + 1
    got = align_pair(ref, before + ["gave", "impeaehmeuts"] + after).a_of_b
    assert got[at] == len(ref) - len(after) - 1
    got = align_pair(ref, before + ["gave", "appropriated"] + after).a_of_b
    assert got[at] == -1


def test_a_misread_character_just_after_a_cut_pairs_with_the_one_it_looks_like() -> None:
    # the digest cuts a clause and misreads the next character (天 as 夭, alike in shape):
    # it pairs with 天, not with the cut clause's first character, nor stays an addition
    ref = list("天下之难事必作于易天下之大事必作于细是以圣人终不为大图难于其易似大于其细天下难事必作于易")
    wit = list("天下之难事必作于易天下之大事必作于细是以圣人终不为大图难于其易夭下难事必作于易")
    got = align_pair(ref, wit).a_of_b
    at = wit.index("夭")
    assert ref[got[at]] == "天" and got[at] == ref.index("似") + 5
    # a character that looks like neither stays apart
    wit[at] = "鱼"
    assert align_pair(ref, wit).a_of_b[at] == -1


def test_a_moved_passage_with_a_sentence_cut_inside_it_still_pairs_where_it_stands() -> None:
    # the witness prints a passage elsewhere and cuts a sentence out of its middle: each
    # half alone is too short to count as a moved passage, the two together are one
    rng = random.Random(7)
    words = [f"w{k}" for k in range(600)]
    a_, m1, cut, m2, c_ = (rng.sample(words, n) for n in (40, 10, 20, 10, 40))
    ref = a_ + m1 + cut + m2 + c_
    wit = a_ + c_ + m1 + m2
    got = align_pair(ref, wit).a_of_b
    start = len(a_) + len(c_)
    assert list(got[start:start + 10]) == list(range(len(a_), len(a_) + 10))
    tail = len(a_) + 10 + len(cut)
    assert list(got[start + 10:]) == list(range(tail, tail + 10))


def test_a_gap_moves_over_a_repeated_token_but_not_across_a_passage() -> None:
    # witness token 1 pairs with reference token 31 after 29 tokens it does not print; the
    # first of those is the same character: chance, not a repeat, so it stays
    from reconcile.align import _shift_gaps

    ia = np.array([0, 5] + list(range(100, 128)) + [7, 5, 9])
    ib = np.array([0, 5, 9])
    out = np.array([0, 31, 32])
    _shift_gaps(ia, ib, out)
    assert list(out) == [0, 31, 32]
    # a token printed twice in the reference: the witness reads the first copy
    ia, ib, out = np.array([0, 5, 5, 9]), np.array([0, 5, 9]), np.array([0, 2, 3])
    _shift_gaps(ia, ib, out)
    assert list(out) == [0, 1, 3]


def test_a_printing_that_lost_most_of_its_pages_never_leads_the_alignment() -> None:
    # a full printing and two fragments of others (a later page, the first page): the
    # fragments are nearer each other than the whole is to either, so the plain medoid
    # would be a fragment, and the columns would start with a later page's text
    from reconcile.work import _order

    rng = random.Random(7)
    words = [f"w{i}" for i in range(400)]
    full = " ".join(rng.choice(words) for _ in range(900))
    later, first = full[len(full) * 2 // 3:], full[:len(full) // 4]
    toks = [tokenize(later), tokenize(full), tokenize(first)]
    order = _order(toks, ["edition"] * 3)
    assert order[0] == 1
    assert sorted(order) == [0, 1, 2]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ab c。的春天", max_size=24), min_size=1, max_size=5),
       st.integers(min_value=1, max_value=4))
def test_plain_text_of_the_columns_is_counted_as_one_by_one(texts: list[str], cut: int) -> None:
    # column_plain counts all columns at once; what it says must be what counting each
    # column's witnesses says (the commonest key, the first witness's among equals, nothing
    # where more witnesses leave the column empty than print it)
    from reconcile.choice import _column_plain_loop, column_plain
    from reconcile.sites import Table

    toks = [tokenize(t) for t in texts]
    al = align_witnesses(toks, list(range(len(toks))), [cut] * len(toks))
    table = Table(al, toks)
    assert column_plain(table) == _column_plain_loop(table)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="ab C1.,:'’ſ中文\u0301Ａ", max_size=40))
def test_token_keys_are_the_tokens_keys(text: str) -> None:
    from reconcile.tokens import token_keys

    assert token_keys(text) == tokenize(text).keys
