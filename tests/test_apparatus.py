"""The apparatus: kinds of difference, notes on the seeds, and the properties that make the
notes trustworthy (nothing lost, nothing invented, nothing order-dependent)."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reconcile import classify as k
from reconcile.apparatus import rebuild
from reconcile.config import Config
from reconcile.normalize import key
from reconcile.output import write
from reconcile.pipeline import analyse, run
from reconcile.work import edition_texts
from rapidfuzz.distance import Levenshtein

from . import synth
from .helpers import folder_records

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
CONFIG = Config(jobs=1)


@pytest.mark.parametrize("canon,reading,before,after,kind", [
    ("大盂", "大孟", "推动", "产业新城", k.SUBSTITUTION),
    ("东关", "关东", "大", "小学", k.TRANSPOSITION),
    ("", "不移", "要坚定不移", "聚焦", k.REPETITION),
    ("不移", "", "要坚定不移", "聚焦", k.REPETITION),
    ("和", " and ", "合力", "红利", k.INTRUSION),
    (" products 年", "", "全系列", "产量", k.INTRUSION),
    ("，", ",", "城市", "建设", k.WHITESPACE),
    ("，", "。", "城市", "建设", k.PUNCTUATION),
    ("前", "", "年底", "竣工", k.DELETION),
    ("", "前", "年底", "竣工", k.INSERTION),
    # in a spaced script a word is about three characters: one word is a slip, a clause not
    ("", " dans ", "The judicial", "Power account", k.INSERTION),
    ("", " and the Senate shall ", "The judicial", "Power account", k.ADDITION),
    ("严格落实市领导联系企业", "", "关系，", "。", k.OMISSION),
    ("", "本报讯 报告指出，", "", "要以", k.ADDITION),
    ("council", "counsel", "The ", " met", k.SUBSTITUTION),
    ("Rathaus", "town hall", "the ", " of Bonn", k.REVISION),
    ("Habit also has", "Habits are inherited and have", "", " a decided", k.REVISION),
    ("the", "the the", "in ", " house", k.REPETITION),
    ("stes", "erstes", "Kapitel er", "", k.SUBSTITUTION),
    ("город", "city", "the ", " council", k.INTRUSION),
])
def test_each_kind_of_difference(canon, reading, before, after, kind) -> None:
    assert k.classify(canon, reading, before, after) == kind


def test_a_long_cut_clause_with_an_english_word_in_it_is_an_omission() -> None:
    canon = "，联合建设“大学城智创谷”，高水平开发潇河新城、汾东新区，打造中央商务区 and 城市南部新中心"
    assert k.classify(canon, "", "飞地经济”", "。") == k.OMISSION


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    result = run(SEEDS, CONFIG)
    write(result, out)
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    w = next(w for w in summary["works"] if len(w["witnesses"]) == 3)
    notes = json.loads((out / w["notes"]).read_text("utf-8"))
    canonical = (out / w["canonical"]).read_text("utf-8")
    return result, notes, canonical


def _note(notes, *texts):
    """The note whose readings include all of ``texts``."""
    for n in notes["notes"]:
        got = {r["text"].strip() for r in n["readings"]}
        if all(t in got for t in texts):
            return n
    raise AssertionError(f"no note with readings {texts}")


def _carriers(note, text):
    return {w["id"][:3]: (w["line"], w["column"])
            for r in note["readings"] if r["text"].strip() == text for w in r["witnesses"]}


def test_seeds_place_name_read_three_ways_gives_a_note_per_slip_with_every_location(seeds) -> None:
    """大盂 / 太孟 / 大孟: each witness misreads one character, each a slip of its own; the
    notes say where every witness prints each reading."""
    _, notes, canonical = seeds
    first = _note(notes, "大", "太")
    second = _note(notes, "孟", "盂")
    for n in (first, second):
        assert canonical[n["offset"]:n["offset"] + n["length"]] == n["readings"][0]["text"]
        assert "产业新城与现有开发区整合" in n["context"]["after"] + n["context"]["before"] + "产业新城与现有开发区整合"
        assert n["kind"] == "substitution"
    assert _carriers(first, "太") == {"001": (73, 120)}
    assert _carriers(second, "盂") == {"000": (26, 60)}
    assert second["offset"] == first["offset"] + 1


def test_seeds_english_word_in_chinese_is_an_intrusion(seeds) -> None:
    _, notes, _ = seeds
    n = _note(notes, "products 年", "")
    assert n["kind"] == "intrusion" and "食醋全系列" in n["context"]["before"]
    and_note = _note(notes, "and", "和")
    assert and_note["kind"] == "intrusion" and "合力" in and_note["context"]["before"]


def test_seeds_swapped_characters_are_a_transposition(seeds) -> None:
    _, notes, _ = seeds
    n = _note(notes, "大关东", "大东关") if any(
        r["text"] == "大关东" for m in notes["notes"] for r in m["readings"]) else _note(notes, "关东", "东关")
    assert n["kind"] == "transposition" and "小学" in n["context"]["after"]


def test_seeds_repeated_syllable_is_a_repetition(seeds) -> None:
    _, notes, _ = seeds
    n = _note(notes, "不移", "")
    assert n["kind"] == "repetition"


def test_seeds_digest_cuts_are_summarised_not_listed(seeds) -> None:
    _, notes, _ = seeds
    assert not any(n["kind"] in ("omission", "addition") for n in notes["notes"])
    digest = notes["summary"]["witnesses"]["000_0f9a347df15a5d05.txt"]
    assert digest["omitted"] and digest["additions"]
    assert any("本报讯" in a["text"] for a in digest["additions"])
    assert len(notes["notes"]) < 60  # readable: the substantive notes only


def test_every_seed_witness_is_rebuilt_from_canonical_and_notes(seeds) -> None:
    result, _, _ = seeds
    for w, c in zip(result.works, result.collated):
        nd = json.loads(json.dumps(c.notes_dict()))
        for wit in edition_texts(result.records, w):
            assert key(rebuild(c.canonical.text, nd, wit.id)) == key(wit.text)


def test_note_ids_are_unique_and_stable(seeds, tmp_path) -> None:
    _, notes, _ = seeds
    ids = [n["id"] for n in notes["notes"]]
    assert len(ids) == len(set(ids))
    again = run(SEEDS, CONFIG)
    w = next(c for c in again.collated if len(c.work.witnesses) == 3)
    assert [n.id for n in w.notes] == ids


# --- properties on synthetic witnesses ---------------------------------------------------

def _corrupt(sentences: list[str], rng: random.Random) -> tuple[list[str], int]:
    """OCR-like slips: a changed, dropped, doubled or swapped character per picked sentence."""
    out, n = [], 0
    for s in sentences:
        if rng.random() < 0.3 and len(s) > 12:
            i = rng.randrange(2, len(s) - 6)
            kind = rng.choice("sdrt")
            if kind == "s":
                s = s[:i] + chr(0x9FA0 + rng.randrange(5)) + s[i + 1:]
            elif kind == "d":
                s = s[:i] + s[i + 1:]
            elif kind == "r":
                s = s[:i] + s[i:i + 2] + s[i:]
            else:
                s = s[:i] + s[i + 1] + s[i] + s[i + 2:]
            n += 1
        out.append(s)
    return out, n


def _folder(tmp: Path, seed: int, witnesses: int, digest: bool) -> None:
    rng = random.Random(seed)
    paras = synth.report(seed, paragraphs=8)
    for wi in range(witnesses):
        got = [_corrupt(p, rng)[0] for p in paras]
        if digest and wi == witnesses - 1:
            got = [p[:2] for p in got[::2]]
        (tmp / f"w{wi}.txt").write_text(synth.render(got, "cjk"), "utf-8")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), witnesses=st.integers(2, 4), digest=st.booleans(),
       punct=st.booleans())
# a character one printing adds after a comma both print: its insertion is noted after the
# comma, and the punctuation after it must not take the comma away again
@example(seed=1385, witnesses=2, digest=False, punct=True)
def test_rebuild_gives_back_every_witness(tmp_path_factory, seed, witnesses, digest, punct) -> None:
    tmp = tmp_path_factory.mktemp("rb")
    _folder(tmp, seed, witnesses, digest)
    config = replace(CONFIG, list_punctuation=punct)
    result = run(tmp, config)
    for w, c in zip(result.works, result.collated):
        nd = json.loads(json.dumps(c.notes_dict()))
        for e in w.editions:
            wit = edition_texts(result.records, w)[[x.id for x in w.editions].index(e.id)]
            got = rebuild(c.canonical.text, nd, wit.id)
            assert key(got) == key(wit.text)
            if punct:
                # with punctuation listed, the witness's punctuation comes back too (a
                # character misaligned at a digest's paragraph start may cost a mark)
                a = "".join(ch for ch in got if not ch.isalnum() and not ch.isspace())
                b = "".join(ch for ch in wit.text if not ch.isalnum() and not ch.isspace())
                a, b = a.replace("，", ","), b.replace("，", ",")
                assert Levenshtein.distance(a, b) <= max(2, len(b) // 50)


def test_identical_witnesses_give_no_notes(tmp_path: Path) -> None:
    text = synth.render(synth.report(8), "cjk")
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(text, "utf-8")
    result = run(tmp_path, CONFIG)
    assert [len(c.notes) for c in result.collated] == [0]
    assert all(not info["omitted"] and not info["additions"]
               for info in result.collated[0].summary["witnesses"].values())


def test_a_witness_shifted_or_cut_gives_only_omissions(tmp_path: Path) -> None:
    paras = synth.report(9, paragraphs=10)
    (tmp_path / "full.txt").write_text(synth.render(paras, "cjk"), "utf-8")
    # the second half first, then a cut first half that starts and ends mid-sentence
    half = synth.render(paras[5:], "cjk") + "\n" + synth.render(paras[:5], "cjk")[37:-25]
    (tmp_path / "cut.txt").write_text(half, "utf-8")
    result = run(tmp_path, CONFIG)
    (c,) = result.collated
    assert c.notes == ()
    info = c.summary["witnesses"]["cut.txt"]
    assert info["omitted"] and not info["additions"]


def test_a_digest_missing_a_character_inside_a_clause_gets_a_deletion_note(tmp_path: Path) -> None:
    # two full printings and a digest of every other paragraph; the digest lacks one
    # character in the middle of a clause (a slip) and a whole sentence (a cut)
    paras = synth.report(12, paragraphs=8)
    full = synth.render(paras, "cjk")
    (tmp_path / "a.txt").write_text(full, "utf-8")
    (tmp_path / "b.txt").write_text(full, "utf-8")
    kept = [list(p) for p in paras[::2]]
    sentence = kept[1][1]
    kept[1][1] = sentence[:10] + sentence[11:]
    del kept[2][2]
    (tmp_path / "digest.txt").write_text(synth.render(kept, "cjk", title="摘登"), "utf-8")
    (c,) = run(tmp_path, CONFIG).collated
    deletions = [n for n in c.notes if n.kind == k.DELETION]
    assert [(n.chosen, [r.text for r in n.readings]) for n in deletions] == \
        [(sentence[10], [sentence[10], ""])]
    assert c.summary["witnesses"]["digest.txt"]["omitted"]  # the cut sentence, and more


def test_what_a_digest_puts_at_the_head_of_its_paragraphs_is_its_own_not_a_note(
        tmp_path: Path) -> None:
    # the digest opens each paragraph with its lead-in and a word of its own ("报告指出，要")
    # before the report's sentence; the same word inside a sentence is an insertion
    paras = synth.report(13, paragraphs=8)
    full = synth.render(paras, "cjk")
    (tmp_path / "a.txt").write_text(full, "utf-8")
    (tmp_path / "b.txt").write_text(full, "utf-8")
    kept = [[("报告指出，要" + p[0])] + p[1:] for p in paras[::2]]
    sentence = kept[1][1]
    kept[1][1] = sentence[:6] + "要" + sentence[6:]
    (tmp_path / "digest.txt").write_text(synth.render(kept, "cjk", title="摘登"), "utf-8")
    (c,) = run(tmp_path, CONFIG).collated
    got = [[r.text for r in n.readings] for n in c.notes if n.kind == k.INSERTION]
    assert got == [["", "要"]]


def test_a_word_a_witness_adds_after_a_full_stop_is_noted_after_it(tmp_path: Path) -> None:
    paras = synth.report(13, paragraphs=6)
    full = synth.render(paras, "cjk")
    at = full.index("。", 200) + 1
    (tmp_path / "a.txt").write_text(full, "utf-8")
    (tmp_path / "b.txt").write_text(full, "utf-8")
    (tmp_path / "c.txt").write_text(full[:at] + " the " + full[at:], "utf-8")
    (c,) = run(tmp_path, CONFIG).collated
    (note,) = c.notes
    assert note.kind == k.INTRUSION and note.before.endswith("。")
    assert c.canonical.text[note.offset - 1] == "。"
    assert [r.text.strip() for r in note.readings] == ["", "the"]


def test_a_character_one_printing_has_after_an_opening_quote_is_noted_after_it(
        tmp_path: Path) -> None:
    # 辱曰：“古者言之 against 辱曰：“者言之: the place is after the quotation mark both print
    text = "子曰：“学而时习之，不亦说乎？”子曰：“古者言之不出，耻躬之不逮也。”子曰：“君子欲讷于言而敏于行。”\n"
    (tmp_path / "a.txt").write_text(text, "utf-8")
    (tmp_path / "b.txt").write_text(text.replace("“古者", "“者"), "utf-8")
    (c,) = run(tmp_path, CONFIG).collated
    (note,) = c.notes
    assert c.canonical.text[note.offset - 1] == "“"
    assert sorted(r.text for r in note.readings) == ["", "古"]
    nd = c.notes_dict()
    for w in ("a.txt", "b.txt"):  # and each printing is still rebuilt exactly
        assert key(rebuild(c.canonical.text, nd, w)) == key((tmp_path / w).read_text("utf-8"))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_file_order_changes_no_note(tmp_path_factory, data) -> None:
    tmp = tmp_path_factory.mktemp("order")
    _folder(tmp, 4, 3, True)
    records = folder_records(tmp, CONFIG)
    shuffled = data.draw(st.permutations(records))
    a = [c.notes_dict() for c in analyse(records, [], CONFIG).collated]
    b = [c.notes_dict() for c in analyse(shuffled, [], CONFIG).collated]
    assert a == b
