"""Property tests of cleaning over generated newspaper-like texts and over any text.

The generator assembles lines from the pieces a newspaper file is made of: CJK sentences,
Latin words, numbers, markdown debris, page-continuation markers in every bracket and width,
blank lines, sentences broken across lines, repeated lines and sentences (pull-quote
candidates and duplicates), ASCII commas between CJK characters, full-width spaces and tabs.

The characters 接 转 版 and the word "continued" occur only inside page markers, so that
no marker surviving cleaning can be checked by looking for them.
"""

from __future__ import annotations

import os
import re
from itertools import product

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reconcile.clean import clean
from reconcile.config import Config
from reconcile.normalize import fold, key, to_cjk_punctuation
from reconcile.records import Source, Witness

CONFIG = Config()
# RECONCILE_PROPERTY_EXAMPLES=5000 for a longer hunt.
EXAMPLES = int(os.environ.get("RECONCILE_PROPERTY_EXAMPLES", "300"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

HAN = "政府工作报告发展建设推进城市经济产业新城大盂孟太原全面加快"
CJK_PUNCT = "，。、；：！？“”（）"
# No "continued", "page", "suite", "seite": those belong to markers only.
WORDS = ("council budget school river market health transport housing water energy the of "
         "and to in for report reform trade rail public service growth plan Monday State "
         "Union develop ment pub lished").split()
# Marker characters and words that must never appear in ordinary text.
MARKER_TRACES = ("接", "转", "版", "continued", "上接", "下转")


def source(text: str) -> Source:
    return Source.from_text("x", text, "utf-8", "0" * 64)


def cleaned(text: str) -> Witness:
    return clean(source(text), CONFIG)


# --- strategies -----------------------------------------------------------------------------

han_run = st.text(alphabet=HAN, min_size=1, max_size=12)


@st.composite
def cjk_sentence(draw: st.DrawFn) -> str:
    """Han runs separated by CJK punctuation or an ASCII comma, maybe not ended (broken)."""
    runs = draw(st.lists(han_run, min_size=1, max_size=4))
    seps = draw(st.lists(st.sampled_from(list(CJK_PUNCT) + [",", ", ", ":", ";", "(", ")"]),
                         min_size=len(runs) - 1, max_size=len(runs) - 1))
    out = runs[0]
    for sep, run in zip(seps, runs[1:]):
        out += sep + run
    end = draw(st.sampled_from(["。", "。", "！", "？", "；", "，", "", "", "。”", "：", "…"]))
    return out + end


@st.composite
def latin_words(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8))
    if draw(st.booleans()):
        words[0] = words[0].capitalize()
    end = draw(st.sampled_from(["", "", ".", ",", "-", ":", "?", "!"]))
    return " ".join(words) + end


numbers = st.one_of(
    st.integers(0, 10**6).map(str),
    st.sampled_from(["2,000", "6.5%", "3.14", "2023年", "１２３", "(2023)", "1:2"]),
)

_DIGITS_FW = str.maketrans("0123456789", "０１２３４５６７８９")
_CN = "〇一二三四五六七八九"


@st.composite
def page_marker(draw: st.DrawFn) -> str:
    """A page-continuation marker in one of the many ways papers print them."""
    if draw(st.integers(0, 3)) == 0:
        verb = draw(st.sampled_from(["Continued on page", "continued from Page",
                                     "CONTINUED ON P.", "Continued  on  page"]))
        page = draw(st.sampled_from(["", "A", "B"])) + str(draw(st.integers(1, 99)))
        sep = draw(st.sampled_from([" ", "", "  "]))
        inner = f"{verb}{sep}{page}"
    else:
        verb = draw(st.sampled_from(["上接", "下转", "接", "转"]))
        n = draw(st.integers(1, 24))
        style = draw(st.integers(0, 3))
        if style == 0:
            page = str(n)
        elif style == 1:
            page = f"{n:02d}"
        elif style == 2:
            page = f"{n:02d}".translate(_DIGITS_FW)
        else:
            page = (_CN[n] if n < 10 else
                    ("十" if n // 10 == 1 else _CN[n // 10] + "十") + (_CN[n % 10] if n % 10 else ""))
        di = draw(st.sampled_from(["第", "", "第 "]))
        letter = draw(st.sampled_from(["", "", "A"]))
        inner = f"{verb}{di}{letter}{page}版"
    brackets = draw(st.sampled_from(["()", "（）", "【】", "〔〕", "[]", "《》", "", ""]))
    if brackets:
        pad = draw(st.sampled_from(["", " "]))
        return f"{brackets[0]}{pad}{inner}{pad}{brackets[1]}"
    return inner


SPACES = st.sampled_from([" ", "  ", "\u3000", "\t", " \t", "\u3000\u3000"])
INLINE_DEBRIS = st.sampled_from(["**", "**", "`", "[报告](http://example.org)", "__"])
LINE_PREFIX = st.sampled_from(["", "", "", "", "# ", "## ", "### ", "- ", "* ", "> ", "> > ",
                               "\u3000\u3000", "  ", "\t", "• ", "> - ", "- # ", "1. "])
# inline marks that may stand before a line's markdown prefix ("**- 要点**")
LINE_OPENER = st.sampled_from(["", "", "", "", "", "**", "`", "[", "<b>"])
WHOLE_LINES = st.sampled_from(["", "", "", "---", "***", "- - -", "  ", "\u3000", "\t",
                               "金句", "Quote", "#", "##  ", ">"])


def _count_markers(text: str) -> int:
    """Markers in a generated text: only markers hold 版 or "continued"."""
    return text.count("版") + text.lower().count("continued")


@st.composite
def newspaper(draw: st.DrawFn) -> tuple[str, int]:
    """A newspaper-like text and the number of page markers put into it."""
    lines: list[str] = []
    n_lines = draw(st.integers(0, 12))
    for _ in range(n_lines):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            lines.append(draw(WHOLE_LINES))
            continue
        if kind == 1 and lines:
            # a repeated line, or a repeated sentence of one: duplicates and pull quotes
            old = draw(st.sampled_from(lines))
            parts = [p + "。" for p in old.split("。") if p]
            if parts and draw(st.booleans()):
                old = draw(st.sampled_from(parts))
            pre = draw(st.sampled_from(["", "", "- ", "> "]))
            if draw(st.booleans()):
                lines.append("")
            lines.append(pre + old)
            if draw(st.booleans()):
                lines.append("")
            continue
        pieces = [draw(LINE_OPENER), draw(LINE_PREFIX)]
        for _ in range(draw(st.integers(1, 4))):
            what = draw(st.integers(0, 11))
            if what <= 4:
                piece = draw(cjk_sentence())
            elif what <= 6:
                piece = draw(latin_words())
            elif what == 7:
                piece = draw(numbers)
            elif what == 8:
                piece = draw(page_marker())
            elif what == 9:
                piece = draw(INLINE_DEBRIS)
            elif what == 10:
                piece = draw(SPACES)
            else:
                # an ASCII comma or colon printed between CJK characters
                piece = draw(han_run) + draw(st.sampled_from([",", ":", ";", "!", "?"])) \
                    + draw(han_run)
            pieces.append(piece)
            if draw(st.integers(0, 3)) == 0:
                pieces.append(draw(SPACES))
        lines.append("".join(pieces))
    text = "\n".join(lines)
    text += draw(st.sampled_from(["", "\n", "\n\n", " "]))
    return text, _count_markers(text)


newspaper_texts = newspaper().map(lambda t: t[0])
# Any text, and any text made mostly of the characters cleaning reacts to.
LAYOUT_CHARS = HAN + CJK_PUNCT + "abAB09 \t\n\u3000#-*>_`[]()!,.:;?“”（）【】版接转第上下1０一"
any_texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=LAYOUT_CHARS, max_size=200),
)
texts = st.one_of(newspaper_texts, any_texts)


# --- properties ------------------------------------------------------------------------------

@SETTINGS
@given(texts)
def test_cleaning_never_raises_on_any_text(text: str) -> None:
    w = cleaned(text)
    assert isinstance(w.text, str)


# Counterexamples hypothesis once found, kept as regression examples:
#  1. a heading joined to the lower-case line after it turns body text and must then join
#     the unfinished block before it in the same pass: "a; b\n\nC\n\nd.";
#  2. a pull quote split by a column break is judged as the paragraph it becomes;
#  3. inline marks can hide a markdown line prefix: "**- a**", "[# a](u)";
#  4. a marker alone on its line starts a markdown line once joined: "#\ncouncil".
IDEMPOTENCE_CASES = [
    "a; b\n\nC\n\nd.",
    "业， \n# council \n\n\n# council 。",
    "报告指出，要加快经济发展，推进城市建设。全面推进工作。\n\n要加快经济发展，\n\n推进城市建设。",
    "**- a**",
    "[# a](u)",
    "** \n\n\n\n#\ncouncil ",
    "-\nx",
    "业。\n业。 \n\n# Continued on page 1\u3000业。 ",
    "0 \n0 \n\n0 ",  # numbers only: no furniture in the file, nor after it is cleaned
]


@SETTINGS
@given(texts)
@example(IDEMPOTENCE_CASES[0])
@example(IDEMPOTENCE_CASES[1])
@example(IDEMPOTENCE_CASES[2])
@example(IDEMPOTENCE_CASES[3])
@example(IDEMPOTENCE_CASES[4])
@example(IDEMPOTENCE_CASES[5])
@example(IDEMPOTENCE_CASES[6])
@example(IDEMPOTENCE_CASES[7])
@example(IDEMPOTENCE_CASES[8])
def test_cleaning_a_cleaned_text_changes_nothing(text: str) -> None:
    w = cleaned(text)
    assert cleaned(w.text).text == w.text


def _offset_problems(text: str) -> list[str]:
    w = cleaned(text)
    src = text
    offs = w.source_offsets()
    problems = []
    if len(offs) != len(w.text):
        return [f"map has {len(offs)} offsets for {len(w.text)} characters"]
    for i, ch in enumerate(w.text):
        o = int(offs[i])
        if not 0 <= o < len(src):
            problems.append(f"cleaned {i} {ch!r} maps outside the source: {o}")
            continue
        s = src[o]
        same = ch == s or fold(ch) == fold(s) or (ch in " \n" and s.isspace())
        if not same:
            problems.append(f"cleaned {i} {ch!r} maps to source {o} {s!r}")
        if i and o < int(offs[i - 1]):
            problems.append(f"cleaned {i} maps to {o}, before cleaned {i - 1} at {offs[i - 1]}")
    return problems


@SETTINGS
@given(texts)
def test_every_cleaned_character_maps_to_the_same_character_in_source_order(text: str) -> None:
    assert _offset_problems(text) == []


@SETTINGS
@given(texts)
def test_paragraphs_are_nonempty_in_order_and_tile_the_text(text: str) -> None:
    w = cleaned(text)
    paras = w.paragraphs
    assert "\n\n".join(w.text[p.start:p.end] for p in paras) == w.text
    pos = 0
    for n, p in enumerate(paras):
        if n:
            assert w.text[pos:p.start] == "\n\n"
            pos = p.start
        assert p.start == pos
        assert p.end > p.start
        body = w.text[p.start:p.end]
        assert "\n" not in body
        assert body == body.strip()
        pos = p.end
    assert pos == len(w.text)


@SETTINGS
@given(newspaper())
def test_no_page_marker_survives_and_each_is_recorded(built: tuple[str, int]) -> None:
    text, markers = built
    w = cleaned(text)
    low = w.text.lower()
    for trace in MARKER_TRACES:
        assert trace not in low
    assert sum(r.kind == "page-marker" for r in w.removals) == markers
    for r in w.removals:
        if r.kind == "page-marker":
            assert re.fullmatch(r"(?:from|to) (?:[a-z]?\d+|\?)", r.detail), r.detail


@SETTINGS
@given(texts)
def test_positions_are_the_source_positions_of_the_map_and_one_based(text: str) -> None:
    w = cleaned(text)
    s = w.source
    offs = w.source_offsets()
    for i in range(len(w.text)):
        o = int(offs[i])
        line, col = w.position(i)
        assert (line, col) == s.position(o)
        # 1-based, counted the way an editor counts them
        assert line == text.count("\n", 0, o) + 1
        assert col == o - (text.rfind("\n", 0, o) + 1) + 1
        assert line >= 1 and col >= 1
    assert w.position(len(w.text)) == (w.position(len(w.text) - 1) if w.text else (1, 1))


@SETTINGS
@given(st.one_of(st.text(), st.text(alphabet=LAYOUT_CHARS + "ſKİßǅΣς\u0130\u212a\ufb01①㍱")))
def test_fold_keeps_length_and_is_idempotent(text: str) -> None:
    f = fold(text)
    assert len(f) == len(text)
    assert fold(f) == f


def _key_by_definition(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", fold(text))


@SETTINGS
@given(st.one_of(st.text(), st.text(alphabet=LAYOUT_CHARS + "ſKİßǅΣς\u0130\u212a\ufb01①㍱_ab")))
def test_key_is_the_fold_without_spaces_and_punctuation(text: str) -> None:
    # key is a translate table (and a bytes translate for ASCII), built for speed: it must
    # say what its definition says, on ASCII text and mixed alike
    assert key(text) == _key_by_definition(text)
    assert key(text + "中") == _key_by_definition(text + "中")


def test_key_of_every_character_is_its_definition() -> None:
    for o in range(0x30000):
        if 0xD800 <= o < 0xE000:
            continue
        c = chr(o)
        assert key(c) == _key_by_definition(c), hex(o)
        assert key("中" + c) == _key_by_definition("中" + c), hex(o)


@SETTINGS
@given(st.one_of(
    st.text(),
    st.text(alphabet=HAN + "ab1 ,:;!?()（）”’》」』】“", max_size=60),
    # short strings of the marks and their neighbours, where one conversion can change
    # the context of the next ("中(,中")
    st.text(alphabet="中a1 ,:;!?()（）”", max_size=8),
))
@example("中(,中")
def test_cjk_punctuation_keeps_length_and_is_idempotent(text: str) -> None:
    t = to_cjk_punctuation(text)
    assert len(t) == len(text)
    assert to_cjk_punctuation(t) == t
    # it changes ASCII marks only, into their full-width forms
    for a, b in zip(text, t):
        assert a == b or fold(a) == fold(b)


def test_cjk_punctuation_is_idempotent_on_every_short_string() -> None:
    """Every string of up to four marks and neighbours: random search rarely builds the
    exact context in which one conversion changes the next one's."""
    alphabet = "中a1 ,:(（)）”"
    bad = []
    for n in range(1, 5):
        for chars in product(alphabet, repeat=n):
            t = "".join(chars)
            once = to_cjk_punctuation(t)
            if to_cjk_punctuation(once) != once or len(once) != len(t):
                bad.append(t)
    assert bad == []


def test_a_page_number_a_pull_quote_uncovers_is_removed_in_the_first_pass() -> None:
    # found by the property above: the pull quote at the head of the file went, leaving the
    # page number first, where only a second cleaning removed it
    text = ("业。 业。业。 业业业业业业业。\n\n0 \n\n业。 \n业。 业。业。 业业业业业业业。\n"
            "业。 业。业。 业业业业业业业。")
    w = cleaned(text)
    assert not w.text.startswith("0")
    assert cleaned(w.text).text == w.text


def test_numbers_around_a_text_without_a_pull_quote_are_left_to_the_furniture_rule() -> None:
    # nothing was removed as a pull quote, so nothing new stands at the head or the foot
    w = cleaned("1\n\n12:30 — 14:00\n\n2")
    assert w.text.split() == ["1", "12:30", "—", "14:00", "2"]
