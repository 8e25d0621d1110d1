"""Alignment: unit pairing that survives reordering and abridgment, and character diffs that
stay exact on long inputs whatever diff-match-patch's timeout does."""

from __future__ import annotations

import random
from dataclasses import replace

from reconcile.align import EQUAL, char_diff, pair_units
from reconcile.apparatus import units_of_witness
from reconcile.config import Config

from . import synth
from .helpers import cleaned

CONFIG = Config(jobs=1)


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


def test_a_long_pair_with_scattered_edits_gives_those_edits_not_one_block() -> None:
    a, b, places = _long_pair(20_000, 5)
    ops = [o for o in char_diff(a, b, CONFIG) if o.tag != EQUAL]
    assert len(ops) == 5
    assert all(o.c_end - o.c_start == 1 and o.w_end - o.w_start == 1 for o in ops)


def test_a_timeout_that_coarsens_the_diff_is_detected_and_redone() -> None:
    a, b, _ = _long_pair(3_000, 40, seed=5)
    tiny = replace(CONFIG, diff_timeout=1e-9, max_diff_chars=10_000)
    ops = [o for o in char_diff(a, b, tiny) if o.tag != EQUAL]
    assert len(ops) >= 35  # the real edits (a few may touch and merge), not one replacement
    assert max(o.c_end - o.c_start for o in ops) <= 6


def test_long_witnesses_align_edit_by_edit() -> None:
    a, b, places = _long_pair(20_000, 7, seed=11)
    wa, wb = cleaned(a), cleaned(b)
    from reconcile.apparatus import Canonical, collate, units_of_canonical
    c = Canonical(wa.text, wa.paragraphs)
    col = collate(c, units_of_canonical(c, CONFIG), wb, units_of_witness(wb, CONFIG), CONFIG)
    assert [e.kind for e in col.edits] == ["substitution"] * 7
    assert col.omitted == [] and col.additions == []


def test_units_pair_across_reordered_sections_and_a_trimmed_sentence() -> None:
    paras = synth.report(21, paragraphs=6)
    canon = cleaned(synth.render(paras, "cjk"))
    # the witness prints paragraph 4 before paragraph 1 and trims a sentence of paragraph 1
    p1 = list(paras[1])
    p1[2] = p1[2][:8] + p1[2][-6:]
    wit = cleaned(synth.render([paras[4], p1], "cjk"))
    cu, wu = units_of_witness(canon, CONFIG), units_of_witness(wit, CONFIG)
    pairs = pair_units(canon.text, cu, wit.text, wu, CONFIG)
    got = [(wu[p.w].paragraph, cu[p.c_lo].paragraph) for p in pairs]
    assert got == [(0, 4)] * 4 + [(1, 1)] * 4


def test_an_unrelated_sentence_pairs_with_nothing() -> None:
    canon = cleaned(synth.render(synth.report(1, paragraphs=3), "cjk"))
    wit = cleaned(synth.render(synth.report(2, paragraphs=1), "cjk"))
    assert pair_units(canon.text, units_of_witness(canon, CONFIG), wit.text,
                      units_of_witness(wit, CONFIG), CONFIG) == []


def test_latin_text_pairs_on_word_runs_not_scattered_letters() -> None:
    canon = cleaned("The council agreed to raise the school budget by ten percent next year.")
    other = cleaned("A train left the station at noon.")
    assert pair_units(canon.text, units_of_witness(canon, CONFIG), other.text,
                      units_of_witness(other, CONFIG), CONFIG) == []
    trimmed = cleaned("The council agreed to raise the budget next year.")
    assert len(pair_units(canon.text, units_of_witness(canon, CONFIG), trimmed.text,
                          units_of_witness(trimmed, CONFIG), CONFIG)) == 1
