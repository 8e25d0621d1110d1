"""The consensus core (issue 11): position votes on short noisy readings, no notes where
witnesses agree, lone slips corrected on the folder's evidence, revisions followed whole,
pins applied everywhere. Each folder is written here, small enough to read."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.config import Config, Pin
from reconcile.pipeline import run

CONFIG = Config()


def _write(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def _one_work(folder: Path, config: Config = CONFIG):
    (c,) = run(folder, config).collated
    return c


# --- three short noisy readings: the position-by-position vote --------------------------------

ZH = "今天我们在家里一起看了一个好玩的视频，大家都笑了。"
EN = "The old miller walked slowly along the river bank every morning."


def _slips(text: str, slips: list[tuple[str, str]]) -> str:
    for a, b in slips:
        assert a in text
        text = text.replace(a, b, 1)
    return text + "\n"


@pytest.mark.parametrize("truth, readings", [
    # every reading has a slip, each in a different place: no reading is right, the vote is
    (ZH, [[("视频", "视顷")], [("好玩", "好坑")], [("一起", "—起"), ("大家", "大冢")]]),
    (EN, [[("The", "Tbe"), ("river", "rivcr")],
          [("old", "o1d"), ("every", "evcry")],
          [("along", "aloug"), ("morning", "morniug")]]),
])
def test_three_short_noisy_readings_give_the_position_by_position_vote(
        tmp_path: Path, truth: str, readings: list[list[tuple[str, str]]]) -> None:
    names = ["k2.txt", "a9.txt", "x4.txt"]
    _write(tmp_path, {n: _slips(truth, s) for n, s in zip(names, readings)})
    c = _one_work(tmp_path)
    assert sorted(w.id for w in c.work.witnesses) == sorted(names)
    assert c.canonical.text == truth
    assert len(c.notes) == sum(len(s) for s in readings)
    for n in c.notes:
        assert "2 of 3" in n.reason and not n.review


def test_neighbouring_words_each_misread_are_voted_on_one_by_one(tmp_path: Path) -> None:
    # two neighbouring words that every reading prints, each misread by a different engine,
    # one reading with a word no dictionary knows: misreadings, not a revised wording;
    # each word takes its letter-by-letter vote
    truth = "Er sprach mit ihm nach seiner Weise einige Worte und ging.\n"
    _write(tmp_path, {"a.txt": truth.replace("seiner Weise", "feiner Weife"),
                      "o.txt": truth.replace("Weise", "Weist"),
                      "t.txt": truth.replace("ihm", "thn").replace("seiner", "feiner")})
    c = _one_work(tmp_path)
    assert c.canonical_file() == truth.replace("seiner", "feiner")
    assert not any(n.kind == "revision" for n in c.notes)


def test_a_word_outweighs_a_non_word_by_the_lexicon_weight_and_an_omission_by_nothing() -> None:
    # two engines misread one glyph alike (Fraktur "tz" as "h"): the majority prints no
    # word of the language, the third engine a word. Being a word counts lexicon_weight
    # nats; where the readings are all words, or all not, or one is nothing, it counts none.
    import math

    from reconcile.evidence import known_words
    from reconcile.evidence import CharModel, Evidence

    ev = Evidence(CONFIG, 3, [1.0] * 3, [False] * 3, CharModel(CONFIG.lm_order, CONFIG.lm_beta))

    def odds(cands: list[str], readers: list[tuple[int, str]]) -> float:
        words = [known_words(c, "de", strict=True) for c in cands]
        p = {s.text: s.posterior for s in ev.score(cands, readers, "sie ", " sich", words=words)}
        return math.log(p[cands[1]] / p[cands[0]])

    def plain(cands: list[str], readers: list[tuple[int, str]]) -> float:
        p = {s.text: s.posterior for s in ev.score(cands, readers, "sie ", " sich")}
        return math.log(p[cands[1]] / p[cands[0]])
    two_one = [(0, "sehte"), (1, "sehte"), (2, "setzte")]
    assert known_words("setzte", "de") and not known_words("sehte", "de")
    assert odds(["sehte", "setzte"], two_one) == pytest.approx(
        plain(["sehte", "setzte"], two_one) + CONFIG.lexicon_weight)
    words = [(0, "Fisch"), (1, "Fisch"), (2, "Tisch")]
    assert odds(["Fisch", "Tisch"], words) == pytest.approx(plain(["Fisch", "Tisch"], words))
    gap = [(0, ""), (1, ""), (2, "Ottilie")]
    assert odds(["", "Ottilie"], gap) == pytest.approx(plain(["", "Ottilie"], gap))
    # Chinese has no word list: never a word, never a difference
    assert not known_words("发展", "zh", strict=True) and known_words("发展", "zh")


def test_a_digest_misreading_a_word_into_no_word_is_a_note_its_rewording_is_not(
        tmp_path: Path) -> None:
    # the digest reads "law" as "lavv" (a letter read as two, which no table lists): no
    # word of English, a letter or two from the word the editions print: a misreading,
    # noted. Where it prints another word ("rule"), that is its own wording, set aside.
    paras = ["The court shall hear every case at common law within the year.",
             "No person shall be held to answer for a crime unless on a presentment.",
             "The members shall receive a compensation for their services.",
             "Every bill which shall have passed shall be presented to the president.",
             "The judicial power shall extend to all cases in law and equity."]
    full = "\n\n".join(paras) + "\n"
    digest = "\n\n".join([paras[0], paras[3]]) + "\n"
    for misread, noted in (("lavv", True), ("rule", False)):
        _write(tmp_path, {"one.txt": full, "two.txt": full,
                          "digest.txt": digest.replace("common law", f"common {misread}")})
        c = _one_work(tmp_path)
        assert c.canonical_file() == full
        got = [n for n in c.notes if any(r.text == misread for r in n.readings)]
        assert bool(got) == noted, (misread, [n.reason for n in c.notes])
    # the other way round: the one full printing misreads ("lavv"), the digest prints the
    # word; a misreading of one of them either way, and the word is the text
    _write(tmp_path, {"one.txt": full.replace("common law", "common lavv"),
                      "digest.txt": digest})
    (tmp_path / "two.txt").unlink()
    c = _one_work(tmp_path)
    assert c.canonical_file() == full
    assert any({r.text for r in n.readings} == {"law", "lavv"} for n in c.notes)
    # and where the digest also cuts the next word ("to"), the misreading is a place of
    # its own, and the cut is the digest's
    _write(tmp_path, {"one.txt": full.replace("be presented", "be prcsented"),
                      "digest.txt": digest.replace("presented to", "presented")})
    c = _one_work(tmp_path)
    assert c.canonical_file() == full
    assert [{r.text for r in n.readings} for n in c.notes] == [{"presented", "prcsented"}]


def test_short_readings_too_noisy_to_share_a_sentence_still_join(tmp_path: Path) -> None:
    # three readings of one line; the third shares no sentence-sized unit with the others,
    # but is far likelier to them than to the other lines of the folder
    lines = ["Geh zu ihr, sagte Eduard, und ersuche sie zu warten.",
             "Der Gärtner entfernte sich eilig und Eduard folgte bald.",
             "Dieser stieg nun die Terrassen hinunter bis ans Wasser."]
    files = {}
    for k, line in enumerate(lines):
        files[f"{k}a.txt"] = line + "\n"
        files[f"{k}b.txt"] = line.replace("e", "c", 1) + "\n"
        files[f"{k}c.txt"] = line.replace("u", "n").replace("i", "l", 2).replace("s", "f") + "\n"
    _write(tmp_path, files)
    works = run(tmp_path, CONFIG).works
    got = sorted(sorted(f for r in w.witnesses for f in r.files) for w in works)
    assert got == [[f"{k}a.txt", f"{k}b.txt", f"{k}c.txt"] for k in range(3)]


def test_a_reading_between_two_lines_joins_neither_however_many_files_beside(
        tmp_path: Path) -> None:
    # x is about as like line a as line b: it stays apart, with or without unrelated
    # short files in the folder (their number must not change the grouping)
    a, b = "Am Abend sagte er zu Charlotte nichts mehr davon.", \
        "Am Abend sagte er im Garten wenig über Ottilie."
    files = {"a1.txt": a + "\n", "a2.txt": a.replace("e", "c", 1) + "\n",
             "b1.txt": b + "\n", "b2.txt": b.replace("e", "c", 1) + "\n",
             "x.txt": "Am Abend sagte er zu Garten nichts mehr Ottilie.\n"}
    _write(tmp_path / "few", files)
    lines = ["Der Gärtner entfernte sich eilig und Eduard folgte bald.",
             "Dieser stieg nun die Terrassen hinunter bis ans Wasser.",
             "Ottilie kam spät am Abend zurück in das Schloss.",
             "Charlotte las einen Brief des Hauptmanns vor.",
             "Man sprach lange über die Anlagen im Park.",
             "Der Graf und die Baronesse kamen zu Besuch.",
             "Mittler eilte herbei, um den Streit zu schlichten.",
             "Die Kinder spielten am Ufer des kleinen Sees.",
             "Der Architekt zeigte seine Zeichnungen der Kapelle.",
             "Im Herbst wurde das neue Haus eingeweiht."]
    _write(tmp_path / "many", {**files, **{f"f{k}.txt": t + "\n" for k, t in enumerate(lines)}})
    for folder in ("few", "many"):
        works = run(tmp_path / folder, CONFIG).works
        x = next(w for w in works if any("x.txt" in r.files for r in w.witnesses))
        assert [r.files for r in x.witnesses] == [("x.txt",)], folder


def test_two_headings_that_differ_in_one_word_are_two_works(tmp_path: Path) -> None:
    # each heading read by two engines; the headings share their one unit ("Kapitel") but
    # are different lines
    _write(tmp_path, {"1a.txt": "Erstes Kapitel.\n", "1b.txt": "Erstes Kapite1.\n",
                      "3a.txt": "Drittes Kapitel.\n", "3b.txt": "Drittcs Kapitel.\n"})
    works = run(tmp_path, CONFIG).works
    got = sorted(sorted(f for r in w.witnesses for f in r.files) for w in works)
    assert got == [["1a.txt", "1b.txt"], ["3a.txt", "3b.txt"]]


def test_a_reading_printed_two_ways_takes_the_form_nearest_all_readings(tmp_path: Path) -> None:
    # "eS" and "es" are one reading in two cases, one witness each; the third prints "es"
    # joined to the next word: the canonical text prints "es"
    truth = "Da es aber einmal nicht in unsern Plan gehört, so lassen wir es.\n"
    _write(tmp_path, {"a.txt": truth.replace("es aber", "eS-aber"),
                      "o.txt": truth.replace("es aber", "esaber"),
                      "t.txt": truth.replace("es aber", "es-aber")})
    c = _one_work(tmp_path)
    assert c.canonical_file().startswith("Da es")


def test_noisy_readings_of_one_line_are_not_taken_for_pages_of_one_printing(
        tmp_path: Path) -> None:
    # two readings too noisy to match each other directly, each matching the third: they
    # print the same part of it, so they are two witnesses, not two pages
    _write(tmp_path, {
        "y.txt": _slips(EN, [("along", "aloug"), ("morning", "morniug")]),
        "w.txt": _slips(EN, [("old", "o1d"), ("slowly", "s1owly"), ("every", "evcry")]),
        "z.txt": _slips(EN, [("The", "Tbe"), ("walked", "walkcd"), ("river", "rivcr")]),
    })
    c = _one_work(tmp_path)
    assert sorted(len(w.files) for w in c.work.witnesses) == [1, 1, 1]
    assert c.canonical.text == EN


# --- agreement is never a note -----------------------------------------------------------------

TECH = ("文件系统为每个文件分配一个inode，记录文件的大小、权限和数据块的位置。"
        "删除文件时，系统只释放inode和数据块，目录项随之失效。\n\n"
        "在Windows系统中，可执行文件通常以exe为扩展名，双击即可运行。"
        "安装程序会把配置写入注册表，卸载时再将其清除。\n")


def test_a_foreign_word_every_witness_prints_alike_is_no_note(tmp_path: Path) -> None:
    _write(tmp_path, {"a.txt": TECH.replace("权限", "权陷"),
                      "b.txt": TECH.replace("释放", "释故"),
                      "c.txt": TECH.replace("注册表", "注册衣")})
    c = _one_work(tmp_path)
    assert c.canonical_file() == TECH
    assert sorted(n.chosen for n in c.notes) == ["放", "表", "限"]
    for word in ("inode", "Windows", "exe"):
        assert not any(word in r.text for n in c.notes for r in n.readings)


def test_a_single_printing_of_a_mixed_text_has_no_notes(tmp_path: Path) -> None:
    _write(tmp_path, {"a.txt": TECH})
    c = _one_work(tmp_path)
    assert c.notes == () and c.canonical_file() == TECH


def test_where_one_witness_prints_a_foreign_word_for_the_others_text_it_is_an_intrusion(
        tmp_path: Path) -> None:
    _write(tmp_path, {"a.txt": TECH, "b.txt": TECH,
                      "c.txt": TECH.replace("数据块的位置", "数据块的 position 位置")})
    c = _one_work(tmp_path)
    (n,) = c.notes
    assert n.kind == "intrusion" and n.chosen == ""
    assert c.canonical_file() == TECH


# --- a lone witness's slip --------------------------------------------------------------------

REPORT = ("今年全市经济发展稳中向好，高质量发展取得新成效。我们坚持创新驱动发展，推动产业转型升级。\n\n"
          "全年新增就业岗位三万个，城乡居民收入持续增长，社会事业全面发展。\n\n"
          "我们将继续坚持绿色发展理念，加快建设生态文明，推动城市协调发展。\n")
DIGEST = ("今年全市经济发展稳中向好，高质量发展取得新成效。\n\n"
          "全年新增就业岗位三万个，城乡居民收入持续增长，社会事业全面发展。\n")


def _lone_folder(tmp: Path) -> Path:
    # 层 for 展 (they look alike in print) where only the full report prints the place;
    # the work prints 发展 five times elsewhere and 发层 nowhere
    return _write(tmp, {"report.txt": REPORT.replace("绿色发展", "绿色发层"), "digest.txt": DIGEST})


def test_a_lone_slip_the_work_prints_correctly_elsewhere_is_corrected_for_review(
        tmp_path: Path) -> None:
    c = _one_work(_lone_folder(tmp_path))
    assert c.canonical_file() == REPORT
    (n,) = c.notes
    assert (n.chosen, [r.text for r in n.readings]) == ("展", ["展", "层"])
    assert n.review and "5 times" in n.reason


def test_a_lone_reading_the_work_prints_elsewhere_is_left_alone(tmp_path: Path) -> None:
    # 发层 printed a second time: the form is the work's own, not a slip
    own = REPORT.replace("绿色发展", "绿色发层").replace("全面发展", "全面发层")
    _write(tmp_path, {"report.txt": own, "digest.txt": DIGEST})
    c = _one_work(tmp_path)
    assert "绿色发层" in c.canonical.text
    assert not any(n.chosen == "展" for n in c.notes if "only" in n.reason)


def test_a_lone_reading_that_is_a_word_or_a_place_a_word_never_stands_is_left_alone(
        tmp_path: Path) -> None:
    # the work prints 锦绣太原 and 高端 three times each, where both printings agree; the full
    # report alone prints 与太原 and 两端. 与/绣 and 两/高 look alike, but 绣 stands after 锦
    # wherever the work prints it, and 两端 is a word of the language: neither is corrected
    # (and 依托, three times: no 依 for 家 in 169家，托位, a comma between)
    agreed = "".join(f"打造锦绣太原城市品牌，{v}依托产业向高端迈进第{n}年。"
                     for v, n in zip("要并将", "一二三"))
    report = agreed + "\n\n古县城与太原钟楼街共同入选，推动产业向微笑曲线的两端延伸，" \
        "建成托育机构169家，托位7550个。\n"
    _write(tmp_path, {"report.txt": report, "digest.txt": agreed + "\n"})
    c = _one_work(tmp_path)
    assert "与太原钟楼街" in c.canonical.text and "曲线的两端" in c.canonical.text
    assert "169家，托位" in c.canonical.text
    assert not [n for n in c.notes if not n.readings[0].witnesses]


# --- pins ---------------------------------------------------------------------------------------


def test_a_pin_overrides_a_lone_correction_by_id_and_by_context(tmp_path: Path) -> None:
    folder = _lone_folder(tmp_path / "in")
    (n,) = _one_work(folder).notes
    for pin in (Pin("层", note=n.id), Pin("层", before="坚持绿色发", after="理念")):
        c = _one_work(folder, replace(CONFIG, decisions=(pin,)))
        assert "绿色发层理念" in c.canonical.text
        (m,) = c.notes
        assert m.id == n.id and m.chosen == "层" and "pinned" in m.reason and not m.review
        assert c.pins_matched == (0,)


def test_a_pin_that_matches_no_note_is_a_warning_naming_it(tmp_path: Path) -> None:
    folder = _lone_folder(tmp_path / "in")
    (n,) = _one_work(folder).notes
    (folder.parent / "pins.json").write_text(json.dumps({"decisions": [
        {"note": n.id, "reading": "层"}, {"note": "no-such-note", "reading": "x"}]}), "utf-8")
    got = subprocess.run([sys.executable, "-m", "reconcile", "run", str(folder), "-o",
                          str(tmp_path / "out"), "--no-cache", "--decisions",
                          str(folder.parent / "pins.json")], capture_output=True, text=True)
    assert got.returncode == 0, got.stderr
    warned = [line for line in got.stderr.splitlines() if "matches no note" in line]
    assert len(warned) == 1 and "no-such-note" in warned[0]


# --- words and wordings -------------------------------------------------------------------------

DARWIN = ("Changes of habit produce an inherited effect, as in the period of the flowering of "
          "plants when transported from one climate to another. With animals the increased use "
          "or disuse of parts has had a more marked influence. {} a decided influence on the "
          "wings and legs of the domestic duck, which fly much less and walk more than the wild "
          "duck. The great and inherited development of the udders in cows and goats in "
          "countries where they are habitually milked is another instance.\n")


def test_revised_wordings_are_followed_whole_and_noted_as_a_revision(tmp_path: Path) -> None:
    old, new = "Habit also has", "Habits are inherited and have"
    _write(tmp_path, {"1859.txt": DARWIN.format(old), "1869.txt": DARWIN.format(new),
                      "1872.txt": DARWIN.format(new).replace("udders", "uddcrs")})
    c = _one_work(tmp_path)
    assert c.canonical_file() == DARWIN.format(new)
    rev = [n for n in c.notes if n.kind == "revision"]
    assert len(rev) == 1
    assert sorted(r.text for r in rev[0].readings) == sorted([old, new])
    assert rev[0].chosen == new and rev[0].confidence < 1


def test_english_notes_hold_whole_words(tmp_path: Path) -> None:
    text = DARWIN.format("Habit also has")
    folder = _write(tmp_path, {
        "a.txt": text,
        "b.txt": text.replace("flowering", "fiowering").replace("climate", "cIimate"),
        "c.txt": text.replace("domestic", "domcstic").replace("inherited", "inhcrited", 1)})
    c = _one_work(folder)
    assert c.canonical_file() == text
    assert sorted(n.chosen for n in c.notes) == ["climate", "domestic", "flowering",
                                                 "inherited"]
    for n in c.notes:
        for r in n.readings:
            for ref in r.witnesses:
                line = (folder / ref.file).read_text("utf-8").splitlines()[ref.line - 1]
                at = ref.column - 1
                assert line[at:at + len(r.text)] == r.text
                # a word begins and ends where the reading does
                assert at == 0 or not line[at - 1].isalpha()
                end = at + len(r.text)
                assert end == len(line) or not line[end].isalpha()


def test_each_letter_takes_the_case_most_readings_print_it_in() -> None:
    from reconcile.choice import vote_case

    # one engine prints a word-final s as S; the others print it small
    assert vote_case("GypShat", ["GypShat", "Sypshat", "anshat"]) == "Gypshat"
    # a tie keeps the chosen case, except a capital inside a word
    assert vote_case("wennS", ["wennS", "wenns", "wenw"]) == "wenns"
    assert vote_case("Haus", ["Haus", "haus"]) == "Haus"
    # scripts without case are left alone; a letter whose small form is longer stays
    assert vote_case("发展", ["发展", "发屉"]) == "发展"
    assert vote_case("İstanbul", ["İstanbul", "Istanbul", "lstanbul"]) == "İstanbul"


def test_an_agreed_word_printed_two_ways_loses_a_capital_inside_it(tmp_path: Path) -> None:
    # two witnesses print "wenn's" and "wenn'S" (one word to the comparison): the tie goes
    # to the small letter, which a word seldom has capitalised inside it
    truth = "Zerbrecht Euch die Köpfe nicht, und wenn's auf eine oder die andre Weise geht.\n"
    _write(tmp_path, {"a.txt": truth.replace("wenn's", "wenn'S"), "o.txt": truth})
    c = _one_work(tmp_path)
    assert "wenn's" in c.canonical_file()


@pytest.mark.parametrize(("a", "b", "reworded"), [
    ("IS Entweder", "Entweder", False),  # a stray token more, the rest the same
    ("Entweder IS nicht", "Entweder nicht", False),
    ("Habit also has", "Habits are inherited and have", True),
    ("the cat sat", "the dog sat", True),
])
def test_words_are_compared_where_they_stand_against_each_other(a: str, b: str,
                                                                 reworded: bool) -> None:
    from reconcile.classify import _reworded

    assert _reworded(a, b, False) is reworded


def test_a_glyph_read_as_two_is_a_misreading_where_known_or_seen() -> None:
    from reconcile.evidence import Channel

    ch = Channel(Config())
    # Unicode lists "rn" as confusable with "m"; "cl" for "d" the work must have shown
    assert ch.slip_like("modern", "rnodern") and ch.slip_like("offices", "otfices")
    assert not ch.slip_like("and", "ancl") and not ch.slip_like("the", "this")
    ch.learn(0, "told", "tolcl")
    ch.learn(1, "hand", "hancl")
    assert ch.slip_like("and", "ancl")  # a digest's "ancl" is a slip, noted, not its wording
    assert not ch.slip_like("the", "this") and not ch.slip_like("and", "or")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab c\u4e00", max_size=9), max_size=5),
       st.floats(min_value=0.1, max_value=3.0), st.booleans())
def test_the_character_model_counts_each_text_s_grams_and_their_contexts(
        texts: list[str], weight: float, packed: bool) -> None:
    # the model counts grams over the texts joined and reads contexts off the gram counts;
    # both must equal counting each text on its own: no gram across two texts, and a
    # context counted once for each character that follows it in the same text. Long
    # texts are counted on packed integer codes (``packed``: these short ones too)
    from reconcile import evidence
    from reconcile.evidence import CharModel
    with pytest.MonkeyPatch.context() as mp:
        if packed:
            mp.setattr(evidence, "_NUMPY_MIN_CHARS", 0)
        _check_model_counts(CharModel, texts, weight)


def _check_model_counts(CharModel, texts: list[str], weight: float) -> None:
    from collections import Counter
    grams: Counter[str] = Counter()
    ctx: Counter[str] = Counter()
    for t in texts:
        for k in range(1, 5):
            for i in range(len(t) - k + 1):
                grams[t[i:i + k]] += weight
                ctx[t[i:i + k - 1]] += weight
    m = CharModel(4, 2.0)
    m.add(texts, weight)
    assert set(m.counts) == set(grams)
    # in the order a count of the joined texts' slices first meets them, k by k (the
    # model's dict is the same whichever way it was counted)
    joined = "\x00".join(texts)
    met = [joined[i:i + k] for k in range(1, 5) for i in range(len(joined) - k + 1)]
    assert list(m.counts) == list(dict.fromkeys(g for g in met if "\x00" not in g))
    for g, n in grams.items():
        assert m.counts[g] == pytest.approx(n)
    for x in set(ctx) | {t[i:i + 3] for t in texts for i in range(len(t))}:
        assert m.ctx.get(x) == pytest.approx(ctx.get(x, 0.0), abs=1e-9)


def test_grams_of_a_text_of_many_distinct_characters_are_counted_by_slicing() -> None:
    # 40,000 distinct characters need 16 bits each: four of them do not pack into 63 bits
    from collections import Counter

    from reconcile.evidence import _gram_counts
    text = "".join(chr(0x4E00 + i) for i in range(20_000)) + "\x00" + \
        "".join(chr(0x20000 + i) for i in range(20_000))
    want: Counter[str] = Counter()
    for k in range(1, 5):
        want.update(g for g in (text[i:i + k] for i in range(len(text) - k + 1))
                    if "\x00" not in g)
    got = _gram_counts(text, 4)
    assert got == want and list(got) == list(want)
    assert _gram_counts(text[:3_000], 4) == Counter(  # few enough to pack
        g for k in range(1, 5) for g in (text[i:i + k] for i in range(3_000 - k + 1)))


@pytest.mark.parametrize("seed", range(5))
def test_a_model_of_weighted_groups_counts_as_adding_the_groups_in_turn(seed: int) -> None:
    # of_groups counts all groups at once; the sums must be those of add, to the last bit
    import random

    from reconcile.evidence import CharModel
    rng = random.Random(seed)
    alphabet = "abcdé 大盂孟"
    groups = [([" " + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) + " "
                for _ in range(rng.randint(1, 300))], rng.uniform(0.01, 50.0))
              for _ in range(rng.randint(2, 40))]
    if seed == 3:  # grams and groups too many to sort on one 64-bit key
        groups.append(([rng.choice(alphabet) + "".join(map(chr, range(0x4E00, 0x4E00 + 20_000)))],
                       0.5))
    if seed == 4:  # characters too many to pack four in 63 bits: counted group by group
        groups.append((["".join(map(chr, range(0x20000, 0x20000 + 70_000)))], 0.5))
    if seed == 2:  # a first weight of 1 (add keeps integer counts), empty groups and texts
        groups = [(groups[0][0], 1.0), ([], 3.0), (["", "a"], 2.0)] + groups[1:]
    got = CharModel.of_groups(4, 1.0, groups)
    want = CharModel(4, 1.0)
    for texts, weight in groups:
        want.add(texts, weight)
    assert dict(got.counts) == dict(want.counts) and dict(got.ends) == dict(want.ends)
    assert got.total == want.total and got.chars == want.chars
