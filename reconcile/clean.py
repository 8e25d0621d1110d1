"""Take away what the printing added, keeping a map from every kept character to the source.

The steps, in order, each a rule about layout rather than about any one document:

1. page-continuation markers ("上接第1版", "(下转08版)", "Continued on page 3") are cut,
   in any bracket or none, wherever they stand in a line; so are the lines at a page's top
   and foot that only print its number or folio ("7", "第3版", "Page 3", a short dated
   header with its 版次, a printer's signature mark);
2. markdown debris (heading hashes, bullets, block quotes, rules, emphasis, links) is cut;
3. lines become blocks: a blank line, a heading or a list item starts a new block, and the
   lines of a block are joined (with a space only between two Latin words);
4. blocks are classed as headings (short, no sentence punctuation) or body;
5. pull quotes, body blocks whose every clause repeats a longer block of the same file, are
   taken out as repeats, with the short label that introduces them;
6. a body block that stops mid-sentence is joined to the next body block: that is a column
   or page break, not a paragraph end;
7. ASCII punctuation inside CJK text becomes its full-width form (same length, so the map
   holds); the comparison form folds it back anyway.

Cleaning a cleaned text again changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .config import NUMBER_WORDS, Config
from .normalize import CLAUSE_END, CLOSERS, SENTENCE_END, fold, is_cjk, key, to_cjk_punctuation
from .records import Kind, Paragraph, Removal, Source, Witness

_OPEN = r"[\(\[（【〔〖<《｛{]"
_CLOSE = r"[\)\]）】〕〗>》｝}]"

# A marker alone on its line is debris too (and would start a markdown line once joined to
# the next line: "#" + "council" -> "# council").
# Any white space but a line break counts around markers: the ideographic space too, which
# squeeze_spaces turns into a space (so "#\u3000x" would become the heading "# x").
_MD_HEADING = re.compile(r"^[^\S\n]{0,3}#{1,6}(?:[^\S\n]+|$)")
_MD_HEADING_CLOSE = re.compile(r"[^\S\n]+#+[^\S\n]*$")
_MD_BULLET = re.compile(r"^[^\S\n]*(?:[-*+•●▪■◆◇○·]|\u2013|\u2014)(?:[^\S\n]+|$)")
_MD_QUOTE = re.compile(r"^[^\S\n]*(?:>[^\S\n]?)+")
_MD_RULE = re.compile(r"^[ \t]*(?:[-*_=][ \t]*){3,}$")
_MD_INLINE = re.compile(
    r"!\[[^\]\n]*\]\([^)\n]*\)"  # an image: nothing of it is text
    r"|\*\*|__|`+"  # strong emphasis and code marks
    # an HTML tag; attributes only as name=value, so that "a<b and c>d" is text
    r"|</?[A-Za-z][A-Za-z0-9]*(?:\s+[A-Za-z_:][-\w:.]*\s*=\s*"
    r"(?:\"[^\"\n]{0,80}\"|'[^'\n]{0,80}'|[^\s\"'<>=`]{1,80}))*\s*/?>"
)
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_SPACES = re.compile(r"[ \t\u3000\u00a0]{2,}")

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}


class Mapped:
    """A string with the source offset of each character; every edit keeps the two in step."""

    __slots__ = ("text", "offs")

    def __init__(self, text: str, offs: np.ndarray) -> None:
        self.text = text
        self.offs = offs

    @classmethod
    def of_source(cls, text: str, start: int, end: int) -> Mapped:
        return cls(text[start:end], np.arange(start, end, dtype=np.int64))

    @classmethod
    def literal(cls, s: str, at: int) -> Mapped:
        return cls(s, np.full(len(s), at, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.text)

    def __add__(self, other: Mapped) -> Mapped:
        return Mapped(self.text + other.text, np.concatenate((self.offs, other.offs)))

    def cut_recorded(self, spans: list[tuple[int, int]], kind: str,
                     removals: list[Removal]) -> Mapped:
        """:meth:`cut`, with a :class:`Removal` of ``kind`` for each span, in source
        offsets: every removal the cleaner makes is recorded."""
        for a, b in spans:
            if b > a:
                removals.append(Removal(kind, int(self.offs[a]), int(self.offs[b - 1]) + 1,
                                        self.text[a:b]))
        return self.cut(spans)

    def cut(self, spans: list[tuple[int, int]]) -> Mapped:
        """Delete the given (start, end) spans, which must be sorted and disjoint."""
        if not spans:
            return self
        keep_t: list[str] = []
        keep_o: list[np.ndarray] = []
        pos = 0
        for s, e in spans:
            keep_t.append(self.text[pos:s])
            keep_o.append(self.offs[pos:s])
            pos = e
        keep_t.append(self.text[pos:])
        keep_o.append(self.offs[pos:])
        return Mapped("".join(keep_t), np.concatenate(keep_o))

    def strip(self) -> Mapped:
        t = self.text
        left = len(t) - len(t.lstrip())
        right = len(t.rstrip())
        if left == 0 and right == len(t):
            return self
        return Mapped(t[left:right], self.offs[left:right])

    def squeeze_spaces(self) -> Mapped:
        """Runs of spaces become one space (the first of the run is kept)."""
        spans = [(m.start() + 1, m.end()) for m in _SPACES.finditer(self.text)]
        out = self.cut(spans)
        if "\t" in out.text or "\u3000" in out.text or "\u00a0" in out.text:
            out = Mapped(out.text.replace("\t", " ").replace("\u3000", " ").replace("\u00a0", " "),
                         out.offs)
        return out


@dataclass
class _Block:
    m: Mapped
    heading: bool = False
    pullquote: bool = False
    label: bool = False
    line_end: int = 0  # source offset of the newline after the block's last line


@lru_cache(maxsize=32)
def _marker_regex(markers: tuple[str, ...]) -> re.Pattern[str]:
    inner = "|".join(f"(?:{m})" for m in markers)
    return re.compile(rf"{_OPEN}?[ \t]*(?:{inner})[ \t]*{_CLOSE}?")


_EN_NUMBERS = {w: i for i, w in enumerate(["zero"] + NUMBER_WORDS.split("|"))}


# What makes a marker point forward ("to" the page it names); any other points back.
_TO_WORDS = re.compile(r"[转轉]|下接|\b(?:on|to)\s+(?:page|pg|p\.)|\bturn\b|\bsee\b|\bjumps?\b|"
                       r"continues|suite en|fortsetzung (?!von)")
# The page a marker names: the number after its page word, when it has one ("See 2
# STORIES, Page 6" names page 6, "(Continued from 1999 budget, page 4)" page 4).
_NAMED_PAGE = re.compile(r"(?:page|pg\.?|p\.|seite)\s*((?<![a-z])[a-z]?-?\d+|[a-z]?(?:"
                         + NUMBER_WORDS + r")\b)")


def _marker_detail(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower()
    direction = "to" if _TO_WORDS.search(folded) else "from"
    folded = re.sub(r"\s*,?\s*col(?:umn|\.)?\s*\w+$", "", folded)  # "…, column 6"
    named = _NAMED_PAGE.search(folded)
    if named:
        folded = named.group(1).replace("-", "")
    m = re.search(r"(?<![a-z])[a-z]?\d+", folded)
    word = re.search(r"(?<![a-z])([a-z]?)(" + "|".join(_EN_NUMBERS) + r")\b", folded)
    if m:
        page = m.group(0)
    elif word:  # "page Six", "page AFive"
        page = word.group(1) + str(_EN_NUMBERS[word.group(2)])
    else:
        page = _cn_number(re.sub(r"[^〇零一二三四五六七八九十]", "", folded))
    return f"{direction} {page}"


def _cn_number(s: str) -> str:
    if not s:
        return "?"
    if "十" in s:
        tens, _, ones = s.partition("十")
        return str(_CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0))
    return "".join(str(_CN_DIGITS.get(c, "")) for c in s) or "?"


def _clean_line(source: str, start: int, end: int, config: Config,
                removals: list[Removal]) -> tuple[Mapped, str]:
    """Clean one source line. Returns the kept text and what the line was: ``heading``,
    ``item``, ``rule`` or ``text`` (markdown structure, used only to split blocks)."""
    m = Mapped.of_source(source, start, end)
    spans = []
    for hit in _marker_regex(config.page_markers).finditer(m.text):
        spans.append((hit.start(), hit.end()))
        removals.append(Removal("page-marker", start + hit.start(), start + hit.end(),
                                hit.group(0).strip(), _marker_detail(hit.group(0))))
    m = m.cut(spans)
    what = "text"
    if _MD_RULE.match(m.text):
        return m.cut_recorded([(0, len(m.text))], "rule", removals), "rule"
    # inline marks can hide a line prefix ("**- a**") and prefixes nest ("> - # x"): cut
    # both until none is left, so a cleaned line holds neither
    while True:
        before = m.text
        spans = []
        for hit in _MD_LINK.finditer(m.text):
            spans.append((hit.start(), hit.start(1)))
            spans.append((hit.end(1), hit.end()))
        spans.extend((h.start(), h.end()) for h in _MD_INLINE.finditer(m.text))
        if spans:
            m = m.cut_recorded(_disjoint(spans), "markup", removals)
        hit = _MD_HEADING.match(m.text)
        if hit:
            what = "heading"
            m = m.cut_recorded([(0, hit.end())], "markup", removals)
            close = _MD_HEADING_CLOSE.search(m.text)
            if close:
                m = m.cut_recorded([(close.start(), len(m.text))], "markup", removals)
        else:
            hit = _MD_QUOTE.match(m.text) or _MD_BULLET.match(m.text)
            if hit and hit.end():
                if what == "text" and _MD_BULLET.match(m.text):
                    what = "item"
                m = m.cut_recorded([(0, hit.end())], "markup", removals)
        if m.text == before:
            break
    if _MD_RULE.match(m.text):
        return m.cut_recorded([(0, len(m.text))], "rule", removals), "rule"
    return m, what


def _disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def _join(a: Mapped, b: Mapped, at: int) -> Mapped:
    """Join two pieces of one paragraph that a line, column or page break separated."""
    if not a.text or not b.text:
        return a + b
    x, y = a.text[-1], b.text[0]
    if x == "-" and len(a.text) > 1 and a.text[-2].isalpha() and not is_cjk(a.text[-2]) \
            and y.islower():
        return Mapped(a.text[:-1], a.offs[:-1]) + b  # a word hyphenated at the line end
    if x.isspace() or y.isspace() or is_cjk(x) or is_cjk(y):
        return a + b
    if _fullwidth_punct(x) or _fullwidth_punct(y):
        return a + b
    return a + Mapped.literal(" ", at) + b


def _fullwidth_punct(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") and not ch.isalnum()


def is_heading(text: str, config: Config) -> bool:
    """Short, and no sentence or clause punctuation at its end or sentence punctuation in it:
    a title, a section heading, a label. Decided on the text alone, so that cleaning the
    cleaned text again decides the same."""
    t = text.strip()
    if not t or len(t) > config.heading_max_chars:
        return False
    if any(c in SENTENCE_END for c in t):
        return False
    if sum(t.count(c) for c in "，,；;") > 1:
        return False  # a list of clauses is a sentence cut short, not a title
    return t[-1] not in CLAUSE_END and t.rstrip(CLOSERS)[-1:] not in SENTENCE_END + "."


def ends_paragraph(text: str) -> bool:
    """Whether a block stops where a paragraph may stop: after a sentence, or after a colon
    that opens a list (a column break right after a colon is rarer than such a list)."""
    t = text.rstrip().rstrip(CLOSERS).rstrip()
    if not t:
        return True
    return t[-1] in SENTENCE_END or t[-1] in ".:："


def _continues(prev: _Block, nxt: _Block) -> bool:
    """Whether ``nxt`` continues the paragraph ``prev`` left unfinished. Headings stand alone,
    except that a Latin line ending in a letter followed by a lower-case start is one
    sentence whatever its length (no sentence starts in lower case)."""
    if ends_paragraph(prev.m.text):
        return False
    if not prev.heading and not nxt.heading:
        return True
    a, b = prev.m.text[-1:], nxt.m.text[:1]
    return a.isascii() and a.isalpha() and b.isascii() and b.islower()


def _join_broken(blocks: list[_Block], config: Config) -> list[_Block]:
    """Join every block to the one before it that it continues. A join can make a heading
    body text, which can let it continue the block before; that is joined too, so that the
    result has no pair left to join (and cleaning it again joins nothing)."""
    merged: list[_Block] = []
    for b in blocks:
        merged.append(_Block(b.m, heading=b.heading, line_end=b.line_end))
        while len(merged) >= 2 and _continues(merged[-2], merged[-1]):
            last = merged.pop()
            prev = merged[-1]
            prev.m = _join(prev.m, last.m, prev.line_end)
            prev.line_end = last.line_end
            prev.heading = is_heading(prev.m.text, config)
    return merged


# A line that is a page's number or its 版次 (folio) and nothing else: "7", "- 12 -", "第3版",
# "A3", "Page 3", "S. 12", and a short header such as "2023年1月10日 星期二 第3版 要闻".
_FOLIO = re.compile(
    r"^[\s\-–—·•|]*(?:"
    r"(?:第\s*)?(?P<a>[A-Za-z]?\d{1,3}|[一二三四五六七八九十]{1,3})\s*(?:版|页|頁)"
    r"|(?i:page|pg\.?|p\.|seite|s\.|pag\.|página|pagina)\s*(?P<b>[A-Za-z]?\d{1,4})"
    r"|(?P<c>[A-Z]?\d{1,3})"
    r")[\s\-–—·•|]*$"
)
_HEADER_FOLIO = re.compile(r"第\s*(?P<a>[A-Za-z]?\d{1,3}|[一二三四五六七八九十]{1,3})\s*版")
# a running head that names the page at either end: "April 2, 1884 THE EVENING STAR Page 07"
_HEADER_PAGE = re.compile(r"(?i)^(?:page|pg\.?|p\.|seite|s\.)\s*(?P<a>[A-Z]?\d{1,4})\b"
                          r"|\b(?:page|pg\.?|p\.|seite|s\.)\s*(?P<b>[A-Z]?\d{1,4})$")
# or a masthead with a date and a bare number at either end: "THE EVENING STAR, MAY 3, 1901 3"
_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
_HEADER_DATED = re.compile(rf"^(?P<a>[A-Z]?\d{{1,3}})\s+\D.*{_YEAR.pattern}|"
                           rf"{_YEAR.pattern}(?:.*\D)?\s+(?P<b>[A-Z]?\d{{1,3}})$")
# a printer's signature at the foot of a page: "I. 6", "B 2", "A"
_SIGNATURE = re.compile(r"^\s*(?:[IVXLC]{1,4}\.?\s*\d{1,2}|[A-Z]{1,2}\s?\d{0,2})\s*$")


def _arabic(label: str) -> str:
    return _cn_number(label) if re.fullmatch(r"[一二三四五六七八九十]+", label) else label


def _folio(line: str, top: bool) -> str | None:
    """The page label a furniture line prints ('' for a signature mark), or None."""
    t = line.strip()
    if not t or len(t) > 60:
        return None
    m = _FOLIO.match(t)
    if m:
        return _arabic(next(g for g in m.groups() if g))
    if any(c in SENTENCE_END for c in t):
        return None
    m = _HEADER_FOLIO.search(t)
    if m and len(t) <= 30:
        return _arabic(m.group("a"))
    # a head, not a line of text ("discussed at length on page 12", "Page 4 of the 1850
    # plan was lost", a diary's "12 JUNE 1944"): a name of eight letters or more, in
    # capitals, or with the page at its end after a date
    letters = [c for c in t if c.isalpha()]
    if len(letters) >= 8:  # a head names the paper or the book ("IBID., p. 12" does not)
        caps = sum(c.isupper() for c in letters) >= 0.6 * len(letters)
        m = _HEADER_PAGE.search(t)
        if m and (caps or m.group("b") and _YEAR.search(t)):
            return m.group("a") or m.group("b")
        m = _HEADER_DATED.search(t)
        if m and caps:
            return m.group("a") or m.group("b")
    if not top and _SIGNATURE.match(t) and len(t) <= 6:
        return ""
    return None


def _furniture(source: Source, config: Config, removals: list[Removal]) -> set[int]:
    """Lines at the top and the foot of a page that only print its number (or a
    signature mark): every such line there, so that cleaning again finds none."""
    starts = source.line_starts
    text = source.text
    regex = _marker_regex(config.page_markers)
    lines = []
    for i, start in enumerate(starts):
        end = starts[i + 1] - 1 if i + 1 < len(starts) else len(text)
        # what the line prints once markers and markdown marks are gone
        t = regex.sub("", text[start:end])
        while True:
            before = t
            t = _MD_LINK.sub(r"\1", _MD_INLINE.sub("", t))
            for rx in (_MD_QUOTE, _MD_HEADING, _MD_BULLET):
                t = rx.sub("", t)
            if t == before:
                break
        lines.append((start, end, t))
    content = [i for i, (_, _, t) in enumerate(lines) if key(t)]
    out: dict[int, str] = {}  # line -> the page label it prints
    for seq, top in ((content, True), (content[::-1], False)):
        for i in seq:
            label = _folio(lines[i][2], top)
            if label is None:
                break
            out.setdefault(i, label)
    # a file of numbers is not page furniture: nothing but numbers would be left (checked
    # on what remains, so that cleaning the result again finds no furniture either)
    if not any(c.isalpha() for i in content if i not in out for c in lines[i][2]):
        return set()
    for i in sorted(out):
        start, end, t = lines[i]
        removals.append(Removal("page-number", start, end, text[start:end].strip(), out[i]))
        for hit in regex.finditer(text, start, end):  # a marker on the line is still one
            removals.append(Removal("page-marker", hit.start(), hit.end(),
                                    hit.group(0).strip(), _marker_detail(hit.group(0))))
    return set(out)


def _blocks(source: Source, config: Config, removals: list[Removal]) -> list[_Block]:
    text = source.text
    blocks: list[_Block] = []
    current: Mapped | None = None
    current_end = 0
    skip = _furniture(source, config, removals)
    marks: list[_Block] = []  # blocks of punctuation only (a row of dots, a "……")

    def close() -> None:
        nonlocal current
        if current is not None:
            m = current.strip().squeeze_spaces()
            if key(m.text):
                blocks.append(_Block(m, line_end=current_end))
            elif m.text:
                marks.append(_Block(m, line_end=current_end))
            current = None

    starts = source.line_starts
    for i, start in enumerate(starts):
        end = starts[i + 1] - 1 if i + 1 < len(starts) else len(text)
        if i in skip:
            close()
            continue
        m, what = _clean_line(text, start, end, config, removals)
        if not m.text.strip():
            close()
            continue
        if what in ("heading", "item"):
            close()
        if current is None:
            current = m
        else:
            current = _join(current.strip(), m.strip(), start - 1)
        current_end = end
        if what == "heading":
            close()
    close()
    if not blocks:
        return marks  # a file of punctuation only: that is its text
    for b in marks:
        removals.append(Removal("punctuation-line", int(b.m.offs[0]), int(b.m.offs[-1]) + 1,
                                b.m.text))
    return blocks


def _clauses(text: str) -> list[str]:
    return [k for k in (key(c) for c in re.split(r"[，,、：:。！？!?；;…]", fold(text))) if k]


def _groups(blocks: list[_Block], config: Config) -> list[tuple[list[int], _Block]]:
    """The paragraphs the blocks will make (which blocks, and the joined block), decided as
    :func:`_join_broken` decides them."""
    out: list[tuple[list[int], _Block]] = []
    for i, b in enumerate(blocks):
        out.append(([i], _Block(b.m, heading=b.heading, line_end=b.line_end)))
        while len(out) >= 2 and _continues(out[-2][1], out[-1][1]):
            idx, last = out.pop()
            prev = out[-1][1]
            prev.m = _join(prev.m, last.m, prev.line_end)
            prev.line_end = last.line_end
            prev.heading = is_heading(prev.m.text, config)
            out[-1][0].extend(idx)
    return out


_GRAM = 4  # the shortest clause a pull quote is tested on


def _mark_pullquotes(blocks: list[_Block], source: Source, config: Config,
                     removals: list[Removal]) -> None:
    """Mark the blocks that make a pull quote: a paragraph of its own that ends a sentence
    and whose clauses all stand in a longer paragraph of the same file. Decided on whole
    paragraphs (blocks a column break split are taken together), as cleaning the cleaned
    text again would see them."""
    for b in blocks:
        b.heading = is_heading(b.m.text, config)
    groups = _groups(blocks, config)
    gkeys = [key(g.m.text) for _, g in groups]
    # the paragraphs each 4 characters stand in, in order: a clause is looked for only in
    # the paragraphs that print its rarest 4 characters, so a long file (a month of a paper,
    # a book) costs time linear in its length, not paragraphs times length
    index: dict[str, list[int]] = {}
    for j, k in enumerate(gkeys):
        if groups[j][1].heading:
            continue
        for i in range(len(k) - _GRAM + 1):
            got = index.setdefault(k[i:i + _GRAM], [])
            if not got or got[-1] != j:
                got.append(j)

    for gi, (members, g) in enumerate(groups):
        n = len(gkeys[gi])
        if g.heading or n < 10 or n > 400 or not ends_paragraph(g.m.text):
            continue
        clauses = _clauses(g.m.text)
        total = sum(len(c) for c in clauses)
        testable = [c for c in clauses if len(c) >= _GRAM]
        if not total or sum(len(c) for c in testable) < 0.6 * total:
            continue
        found = 0
        repeats: list[int] = []
        for c in testable:
            # the first longer paragraph (in file order) that prints the clause
            rarest = min((index.get(c[i:i + _GRAM], ()) for i in range(len(c) - _GRAM + 1)),
                         key=len)
            for j in rarest:
                if j != gi and len(gkeys[j]) > n * 1.1 and c in gkeys[j]:
                    found += len(c)
                    repeats.append(j)
                    break
        if found >= config.pullquote_min_repeat * total:
            for i in members:
                blocks[i].pullquote = True
            target = groups[max(set(repeats), key=repeats.count)][1]
            line, _ = source.position(int(target.m.offs[0]))
            removals.append(Removal("pull-quote", int(g.m.offs[0]), int(g.m.offs[-1]) + 1,
                                    g.m.text, f"repeats line {line}"))
    for i, b in enumerate(blocks):
        # a short heading right before a run of pull quotes is their label ("金句", "Quote")
        if b.heading and len(key(b.m.text)) <= 8 and i + 1 < len(blocks) \
                and blocks[i + 1].pullquote:
            b.label = True
            removals.append(Removal("pull-quote-label", int(b.m.offs[0]),
                                    int(b.m.offs[-1]) + 1, b.m.text))


def clean(source: Source, config: Config | None = None) -> Witness:
    """Clean one decoded file into a :class:`Witness`."""
    config = config or Config()
    removals: list[Removal] = []
    blocks = _blocks(source, config, removals)
    _mark_pullquotes(blocks, source, config, removals)
    kept = [b for b in blocks if not (b.pullquote or b.label)]
    if len(kept) < len(blocks):
        kept = _bare_folios(kept, removals)

    merged = _join_broken(kept, config)

    texts: list[str] = []
    offs: list[np.ndarray] = []
    paragraphs: list[Paragraph] = []
    pos = 0
    for n, b in enumerate(merged):
        if n:
            sep = "\n\n"
            texts.append(sep)
            offs.append(np.full(2, merged[n - 1].line_end, dtype=np.int64))
            pos += 2
        t = to_cjk_punctuation(b.m.text)
        texts.append(t)
        offs.append(b.m.offs)
        kind = Kind.HEADING if b.heading else Kind.BODY
        paragraphs.append(Paragraph(pos, pos + len(t), kind))
        pos += len(t)
    all_offs = np.concatenate(offs) if offs else np.zeros(0, dtype=np.int64)
    run_clean, run_source = _runs(all_offs)
    removals.sort(key=lambda r: (r.start, r.kind))
    return Witness(source, "".join(texts), run_clean, run_source, tuple(paragraphs),
                   tuple(removals))


def _bare_folios(kept: list[_Block], removals: list[Removal]) -> list[_Block]:
    """Page numbers a removed pull quote left at the top or the foot of the text: the rule
    of ``_furniture`` applied to what is kept, so that cleaning the result again finds none."""
    def folio(b: _Block, top: bool) -> str | None:
        return None if "\n" in b.m.text.strip() else _folio(b.m.text, top)

    lo, hi = 0, len(kept)
    while lo < hi and folio(kept[lo], True) is not None:
        lo += 1
    while hi > lo and folio(kept[hi - 1], False) is not None:
        hi -= 1
    if not any(c.isalpha() for b in kept[lo:hi] for c in b.m.text):
        return kept  # nothing but numbers would be left: they stay (as in ``_furniture``)
    for k in [*range(lo), *range(hi, len(kept))]:
        b = kept[k]
        removals.append(Removal("page-number", int(b.m.offs[0]), int(b.m.offs[-1]) + 1,
                                b.m.text.strip(), folio(b, k < lo) or ""))
    return kept[lo:hi]


def _runs(offs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Compress a per-character offset array into runs of consecutive offsets."""
    if len(offs) == 0:
        return np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)
    breaks = np.flatnonzero(np.diff(offs) != 1) + 1
    starts = np.concatenate(([0], breaks)).astype(np.int64)
    return starts, offs[starts].astype(np.int64)
