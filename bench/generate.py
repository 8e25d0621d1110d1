"""Ground truth by construction: edition folders made from the clean texts in ``corpus/``.

A *work* is a random selection and order of corpus paragraphs (Chinese: 道德经 and 论语;
English: the US Constitution, the Bill of Rights and later amendments, the Gettysburg
Address), made distinct from every other work by a seeded substitution of characters
(Chinese) or words (English): two works that drew the same corpus paragraph print it
differently enough not to match (their shared shingles are measured and reported, see
:func:`overlap_check`). The work's *clean text* (title, dateline, paragraphs) is the ground
truth.

Each work is printed as several witnesses (files), each with independent OCR-like
corruption, every change recorded with its place in the clean text:

- a **full edition** in one file, spread over pages (``（下转第3版）`` / ``（上接第1版）``,
  ``(Continued on page 3)`` / ``(Continued from page 1)``), with column breaks (a paragraph
  split by a blank line mid-sentence) and, sometimes, a paragraph printed twice after a page
  jump;
- often a **second printing**, either split into page files with continuation markers or
  whole in one file (Chinese sometimes with ASCII punctuation);
- **digests** that keep some sections, cut sentences and clauses, reorder sections, add
  framing (``本报讯 报告指出，`` / ``The report said,``) and pull quotes (a ``金句`` / ``Quote``
  label followed by bullet lines repeating body sentences);
- some works quote one sentence of an earlier work (they are *related*, not editions);
- unrelated single files are mixed in.

About 30 % of the works (:data:`PAGED_ONLY_SHARE`) exist **only as page files**: one or two
printings, each over 2-4 files, and one or two digests, no single-file printing. Their file
names do not sort in page order (one hash per file; styles ``{hash}_p3``, ``{hash}-page3``,
``第3版_{hash}``, a bare ``{hash}``, and others nobody wrote the tool for); most page joins
carry a continuation line at one end or both, in a phrasing, bracket, width and numeral
drawn at random, some carry none; some pages print a folio or page number at their head;
pages break between paragraphs, between sentences, after a comma, mid-sentence or
mid-word; now and then a page is lost (its file is not written). ``truth.json`` records per
work its printings (``editions``: files in true page order, page labels, lost pages, what
each page join carries) and per file its printing and page.

Everything is seeded: the same seed and size give the same bytes. Work ``i`` is the same in
every folder size, so the 10-work folder is a prefix of the 1,000-work one.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent / "corpus"
GENERATOR_VERSION = 2

# --- OCR-like corruption -------------------------------------------------------------------

#: Visually confusable characters (both directions are used).
CONFUSABLE_ZH: tuple[tuple[str, str], ...] = (
    ("大", "太"), ("盂", "孟"), ("己", "已"), ("未", "末"), ("土", "士"), ("日", "曰"),
    ("人", "入"), ("天", "夭"), ("戊", "戌"), ("刀", "力"), ("王", "主"), ("木", "本"),
    ("千", "干"), ("于", "干"), ("白", "自"), ("间", "问"), ("官", "宫"), ("失", "矢"),
)
CONFUSABLE_EN: tuple[tuple[str, str], ...] = (
    ("l", "1"), ("O", "0"), ("rn", "m"), ("cl", "d"), ("I", "l"), ("S", "5"), ("B", "8"),
    ("e", "c"), ("h", "b"), ("vv", "w"), ("f", "t"), ("u", "n"),
)
#: Digits OCR reads as other digits.
DIGIT_CONFUSION = {"0": "6", "1": "7", "2": "7", "3": "8", "4": "9", "5": "6", "6": "5",
                   "7": "1", "8": "3", "9": "4"}
#: Foreign words that OCR (or a careless paste) leaves inside the text.
INTRUSIONS_ZH = (" and ", "products", " the ", " of ", "Ltd")
INTRUSIONS_EN = (" und ", " les ", " der ", " dans ", " el ")

#: Corruptions per eligible character of a witness (a Chinese character, a Latin letter or
#: a digit), before the boosts for confusable characters and digits.
DEFAULT_RATE = {"zh": 0.008, "en": 0.004}
#: Share of the corpus's character (Chinese) or word (English) types that a work replaces,
#: each by a random one: what keeps two works that drew the same corpus paragraph apart.
Q_DEFAULT = {"zh": 0.45, "en": 0.55}
#: Shares of the other kinds when a corruption falls on a character with no confusable.
KIND_WEIGHTS = {"substitution": 0.25, "transposition": 0.15, "repetition": 0.15,
                "deletion": 0.25, "intrusion": 0.20}


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


@lru_cache(maxsize=4)
def _confusions(lang: str) -> tuple[tuple[str, str], ...]:
    pairs = CONFUSABLE_ZH if lang == "zh" else CONFUSABLE_EN
    return tuple(pairs) + tuple((b, a) for a, b in pairs)


@lru_cache(maxsize=4)
def _confusable_starts(lang: str) -> frozenset[str]:
    return frozenset(a[0] for a, _ in _confusions(lang))


def corrupt(text: str, rng: random.Random, lang: str, rate: float | None = None,
            base: int = 0, inventory: str = "") -> tuple[str, list[int], list[dict[str, Any]]]:
    """OCR-like corruption of ``text`` (clean text starting at clean offset ``base``).

    Returns the corrupted text, the clean offset each of its characters comes from (``-1``
    for a character the corruption added) and one record per corruption: ``kind``, the clean
    span ``start``/``end`` it replaces (equal for a pure insertion), the ``clean`` text there,
    the ``text`` the witness prints instead and ``at``, its offset in the returned text.
    Corruptions are at least three characters apart, so each is one site.
    """
    if rate is None:
        rate = DEFAULT_RATE[lang]
    letters = inventory or "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就"
    out: list[str] = []
    origin: list[int] = []
    recs: list[dict[str, Any]] = []
    pos = 0  # length of the output so far
    last_end = -10
    i, n = 0, len(text)
    conf = _confusions(lang)
    starts = _confusable_starts(lang)

    def emit(s: str, org: Iterable[int]) -> None:
        nonlocal pos
        out.append(s)
        origin.extend(org)
        pos += len(s)

    while i < n:
        ch = text[i]
        eligible = ch.isdigit() or (_cjk(ch) if lang == "zh" else _latin(ch))
        if not eligible or i < last_end + 3:
            emit(ch, (base + i,))
            i += 1
            continue
        p = rate
        if ch.isdigit():
            p = min(1.0, rate * 8)
        elif ch in starts:
            p = min(1.0, rate * 3)
        if rng.random() >= p:
            emit(ch, (base + i,))
            i += 1
            continue
        rec = _one(text, i, rng, lang, conf, letters)
        if rec is None:
            emit(ch, (base + i,))
            i += 1
            continue
        kind, length, reading, org = rec
        recs.append({"kind": kind, "start": base + i, "end": base + i + length,
                     "clean": text[i:i + length], "text": reading, "at": pos})
        if kind == "intrusion":  # inserted before character i, which is then printed
            emit(reading, (-1,) * len(reading))
            emit(ch, (base + i,))
            last_end = i + 1
            i += 1
            continue
        emit(reading, (base + i + k if k >= 0 else -1 for k in org))
        last_end = i + length
        i += length
    return "".join(out), origin, recs


def _one(text: str, i: int, rng: random.Random, lang: str, conf: tuple[tuple[str, str], ...],
         letters: str) -> tuple[str, int, str, list[int]] | None:
    """One corruption at ``i``: (kind, clean length, reading, origin offsets relative to i,
    -1 for added characters). None when the place does not allow the kind drawn."""
    ch = text[i]
    if ch.isdigit():
        return "digit", 1, DIGIT_CONFUSION[ch], [0]
    options = [(a, b) for a, b in conf if text.startswith(a, i)]
    if options:
        a, b = rng.choice(options)
        org = [k if k < len(a) else -1 for k in range(len(b))]
        return "confusable", len(a), b, org
    kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    nxt = text[i + 1] if i + 1 < len(text) else ""
    word = _cjk if lang == "zh" else _latin
    if kind == "substitution":
        if lang == "zh":
            r = rng.choice(letters)
        else:
            r = rng.choice("abcdefghijklmnopqrstuvwxyz")
            r = r.upper() if ch.isupper() else r
        if r == ch:
            return None
        return "substitution", 1, r, [0]
    if kind == "transposition":
        if not nxt or not word(nxt) or nxt == ch:
            return None
        return "transposition", 2, nxt + ch, [0, 1]
    if kind == "repetition":
        if lang == "zh":
            if not nxt or not word(nxt):
                return None
            return "repetition", 2, ch + nxt + ch + nxt, [0, 1, -1, -1]
        if i > 0 and _latin(text[i - 1]):
            return None  # repeat whole words only
        m = re.match(r"[A-Za-z]+", text[i:])
        w = m.group(0)
        if len(w) < 2:
            return None
        return "repetition", len(w), w + " " + w, list(range(len(w))) + [-1] * (len(w) + 1)
    if kind == "deletion":
        if lang == "en" and not (i > 0 and _latin(text[i - 1]) and nxt and _latin(nxt)):
            return None  # drop letters inside words only
        return "deletion", 1, "", []
    # intrusion: a foreign word before character i
    if lang == "en" and i > 0 and _latin(text[i - 1]):
        return None  # between words only
    w = rng.choice(INTRUSIONS_ZH if lang == "zh" else INTRUSIONS_EN)
    return "intrusion", 0, w, []


# --- the corpus ------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def corpus(lang: str) -> tuple[str, ...]:
    """The corpus paragraphs of one language, in file order."""
    out: list[str] = []
    for path in sorted((CORPUS / lang).glob("*.txt")):
        for block in re.split(r"\n\s*\n", path.read_text("utf-8")):
            block = " ".join(line.strip() for line in block.strip().splitlines()) \
                if lang == "en" else "".join(line.strip() for line in block.strip().splitlines())
            if block:
                out.append(block)
    return tuple(out)


@lru_cache(maxsize=4)
def inventory(lang: str) -> tuple[str, ...]:
    """Characters (Chinese) or words (English) of the corpus that substitution draws on."""
    text = "\n".join(corpus(lang))
    if lang == "zh":
        protected = {c for pair in CONFUSABLE_ZH for c in pair}
        return tuple(sorted({c for c in text if _cjk(c)} - protected))
    return tuple(sorted({w.lower() for w in re.findall(r"[A-Za-z]+", text) if len(w) >= 2}))


@lru_cache(maxsize=4)
def _inventory_text(lang: str) -> str:
    return "".join(inventory(lang)) if lang == "zh" else ""


NUMBERS_ZH = (("三十辐", "30辐"), ("十有五", "15"), ("三十而立", "30而立"), ("四十", "40"),
              ("五十", "50"), ("六十", "60"), ("七十", "70"), ("三百", "300"),
              ("百倍", "100倍"), ("千里", "1000里"), ("九层", "9层"), ("三年", "3年"),
              ("千乘", "1000乘"), ("万乘", "10000乘"), ("三人", "3人"))
CITIES_ZH = ("北京", "上海", "广州", "成都", "西安", "太原", "武汉", "南京", "杭州", "长沙")
CITIES_EN = ("WASHINGTON", "PHILADELPHIA", "BOSTON", "RICHMOND", "ALBANY", "BALTIMORE",
             "HARTFORD", "TRENTON", "ANNAPOLIS", "CONCORD")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


# --- works -------------------------------------------------------------------------------------


@dataclass
class Work:
    id: str
    lang: str
    text: str  # the clean text: title, blank line, paragraphs separated by blank lines
    paragraphs: list[tuple[int, int]]  # spans in ``text``; the first is the title
    quotes: list[dict[str, Any]] = field(default_factory=list)
    witnesses: list[dict[str, Any]] = field(default_factory=list)
    #: the printings: ``{"id", "kind": "full"|"paged"|"digest", "case", "files": [in page
    #: order, as written], "pages": [labels], "missing": [lost pages]}``
    editions: list[dict[str, Any]] = field(default_factory=list)
    case: str = "standard"

    @property
    def title(self) -> str:
        s, e = self.paragraphs[0]
        return self.text[s:e]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "lang": self.lang, "text": self.text,
                "paragraphs": [list(p) for p in self.paragraphs], "quotes": self.quotes,
                "case": self.case, "editions": self.editions, "witnesses": self.witnesses}


def _cipher_zh(rng: random.Random, q: float) -> dict[str, str]:
    inv = inventory("zh")
    return {c: rng.choice(inv) for c in inv if rng.random() < q}


def _cipher_en(rng: random.Random, q: float) -> dict[str, str]:
    inv = inventory("en")
    return {w: rng.choice(inv) for w in inv if rng.random() < q}


def _apply_cipher(text: str, lang: str, cipher: dict[str, str]) -> str:
    if lang == "zh":
        return "".join(cipher.get(c, c) for c in text)

    def sub(m: re.Match[str]) -> str:
        w = m.group(0)
        r = cipher.get(w.lower())
        if r is None:
            return w
        if w.isupper() and len(w) > 1:
            return r.upper()
        return r.capitalize() if w[0].isupper() else r
    return re.sub(r"[A-Za-z]+", sub, text)


def _sentences(text: str, s: int, e: int, lang: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text[s:e]``; English spans keep their trailing space."""
    pat = r"[^。！？]*[。！？]+[”’」）]*" if lang == "zh" else r".*?[.!?](?:\s+|$)"
    out = []
    for m in re.finditer(pat, text[s:e]):
        if m.end() > m.start():
            out.append((s + m.start(), s + m.end()))
    if not out or out[-1][1] < e:
        out.append((out[-1][1] if out else s, e))
    return [(a, b) for a, b in out if text[a:b].strip()]


def _clauses(text: str, s: int, e: int, lang: str) -> list[tuple[int, int]]:
    pat = r"[^，；：]*[，；：]" if lang == "zh" else r"[^,;:]*[,;:]\s*"
    out = []
    pos = s
    for m in re.finditer(pat, text[s:e]):
        out.append((s + m.start(), s + m.end()))
        pos = s + m.end()
    if pos < e:
        out.append((pos, e))
    return out


def make_work(seed: int, index: int, lang: str, earlier: list[Work],
              q: float | None = None, n_paras: tuple[int, int] | None = None,
              prefix: str = "w") -> Work:
    """Work ``index``: a seeded choice and order of corpus paragraphs, numbers printed as
    digits here and there, a seeded substitution of characters or words, a title from its
    own first clause, a dateline, and sometimes one sentence quoted from an earlier work."""
    rng = random.Random(f"{seed}/work/{prefix}{index}")
    paras = corpus(lang)
    if lang == "zh":
        q = Q_DEFAULT["zh"] if q is None else q
        lo, hi = n_paras or (8, 12)
        k = rng.randint(lo, hi)
        order = rng.sample(range(len(paras)), min(len(paras), k + 6))
        body: list[str] = []
        for j in order:
            if len(body) >= k:
                break
            text = paras[j]
            if body and len(body[-1]) < 70:
                body[-1] += text  # short passages make one paragraph with the next
            else:
                body.append(text)
        for a, b in NUMBERS_ZH:
            if rng.random() < 0.7:
                body = [p.replace(a, b) for p in body]
        cipher = _cipher_zh(rng, q)
        body = [_apply_cipher(p, lang, cipher) for p in body]
        first = re.split(r"[，。；：？！]", body[0])[0]
        title = first[:12] + rng.choice(("", "论", "札记", "选读", "新解"))
        dateline = f"本报{rng.choice(CITIES_ZH)}{rng.randint(1, 12)}月{rng.randint(1, 28)}日电 "
    else:
        q = Q_DEFAULT["en"] if q is None else q
        lo, hi = n_paras or (5, 8)
        k = rng.randint(lo, hi)
        order = rng.sample(range(len(paras)), min(len(paras), k))
        body = [paras[j] for j in order]
        cipher = _cipher_en(rng, q)
        body = [_apply_cipher(p, lang, cipher) for p in body]
        words = re.findall(r"[A-Za-z]+", body[0])[:rng.randint(3, 6)]
        title = " ".join(w.capitalize() for w in words)
        dateline = (f"{rng.choice(CITIES_EN)}, {rng.choice(MONTHS_EN)} {rng.randint(1, 28)} "
                    f"({rng.randint(1790, 1990)}) - ")
    body[0] = dateline + body[0]
    quotes: list[dict[str, Any]] = []
    quote_at = None
    if earlier and rng.random() < 0.1:
        src = rng.choice(earlier)
        cands = []
        for s, e in src.paragraphs[1:]:
            cands.extend((a, b) for a, b in _sentences(src.text, s, e, lang)
                         if 12 <= b - a <= 120)
        if cands:
            a, b = rng.choice(cands)
            sent = src.text[a:b].strip()
            quote_at = rng.randrange(len(body))
            sep = "" if lang == "zh" else " "
            body[quote_at] = body[quote_at] + sep + sent
            quotes.append({"from": src.id, "text": sent})
    text = title
    spans = [(0, len(title))]
    for p in body:
        text += "\n\n"
        spans.append((len(text), len(text) + len(p)))
        text += p
    if quotes:
        s, e = spans[quote_at + 1]
        qs = text.rfind(quotes[0]["text"], s, e)
        quotes[0].update(start=qs, end=qs + len(quotes[0]["text"]))
    return Work(f"{prefix}{index:04d}", lang, text, spans, quotes)


# --- witnesses ---------------------------------------------------------------------------


class Builder:
    """One witness file being written: clean text printed with corruption (each piece a
    *segment*, with where it came from) and layout text the printing added (*extras*)."""

    def __init__(self, work: Work, rng: random.Random, rate: float | None, wrap: int = 0,
                 ascii_punct: bool = False) -> None:
        self.work = work
        self.rng = rng
        self.rate = rate
        self.wrap = wrap
        self.ascii_punct = ascii_punct
        self.parts: list[str] = []
        self.pos = 0
        self.col = 0
        self.segments: list[list[int]] = []
        self.extras: list[list[Any]] = []
        self.corruptions: list[dict[str, Any]] = []
        self.editorial: list[dict[str, Any]] = []
        self.page = ""  # the page label this file prints (page files only)

    def _append(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)
        nl = s.rfind("\n")
        self.col = len(s) - nl - 1 if nl >= 0 else self.col + len(s)

    def put(self, s: int, e: int) -> None:
        """Print clean ``[s, e)``, corrupted."""
        if e <= s:
            return
        lang = self.work.lang
        inv = _inventory_text(lang)
        text, _, recs = corrupt(self.work.text[s:e], self.rng, lang, self.rate, base=s,
                                inventory=inv)
        if self.ascii_punct:
            text = text.translate(_ASCII_PUNCT)
        if self.wrap:
            text = self._wrapped(text)
        for r in recs:
            r["at"] += self.pos
            self.corruptions.append(r)
        self.segments.append([s, e, self.pos, self.pos + len(text)])
        self._append(text)

    def _wrapped(self, text: str) -> str:
        """Break lines at spaces (same length: a space becomes a newline)."""
        chars = list(text)
        col = self.col
        last_space = -1
        for k, ch in enumerate(chars):
            if ch == "\n":
                col, last_space = 0, -1
                continue
            if ch == " ":
                last_space = k
            col += 1
            if col > self.wrap and last_space >= 0:
                chars[last_space] = "\n"
                col = k - last_space
                last_space = -1
        return "".join(chars)

    def extra(self, s: str, kind: str) -> None:
        """Layout text that is not part of the clean text."""
        if s:
            self.extras.append([kind, self.pos, self.pos + len(s)])
            self._append(s)

    def printed(self, w_start: int, w_end: int) -> str:
        return "".join(self.parts)[w_start:w_end]

    def text(self) -> str:
        return "".join(self.parts)

    def append(self, other: Builder) -> None:
        """Append what another builder wrote (its offsets shifted)."""
        shift = self.pos
        for seg in other.segments:
            self.segments.append([seg[0], seg[1], seg[2] + shift, seg[3] + shift])
        for kind, a, b in other.extras:
            self.extras.append([kind, a + shift, b + shift])
        for r in other.corruptions:
            self.corruptions.append({**r, "at": r["at"] + shift})
        self.editorial.extend(other.editorial)
        self._append(other.text())

    def record(self, file: str, layout: str) -> dict[str, Any]:
        return {"file": file, "layout": layout, "segments": self.segments,
                "extras": self.extras, "corruptions": self.corruptions,
                "editorial": self.editorial}


_ASCII_PUNCT = str.maketrans({"，": ",", "；": ";", "：": ":", "？": "?", "！": "!",
                              "（": "(", "）": ")"})


def _marker_to(lang: str, page: int, rng: random.Random) -> str:
    if lang == "zh":
        return rng.choice((f"（下转第{page}版）", f"下转第{page}版", f"（下转{page:02d}版）"))
    return rng.choice((f"(Continued on page {page})", f"Continued on Page {page}",
                       f"(Continued on page A{page})"))


def _marker_from(lang: str, page: int, rng: random.Random) -> str:
    if lang == "zh":
        return rng.choice((f"（上接第{page}版）", f"上接第{page}版", f"（上接{page:02d}版）"))
    return rng.choice((f"(Continued from page {page})", f"Continued from Page {page}",
                       f"(Continued from page A{page})"))


def _break_point(text: str, s: int, e: int, lang: str, rng: random.Random) -> int | None:
    """A place mid-sentence in ``text[s:e]`` where a column break can fall: between two
    Chinese characters, or at a space between two English words (returned: the space)."""
    lo, hi = s + (e - s) // 5, e - (e - s) // 5
    if hi - lo < 4:
        return None
    for _ in range(20):
        m = rng.randrange(lo, hi)
        if lang == "zh":
            if _cjk(text[m - 1]) and _cjk(text[m]):
                return m
        elif text[m] == " " and _latin(text[m - 1]) and _latin(text[m + 1]):
            return m
    return None


def _print_body(b: Builder, work: Work, paras: list[int], rng: random.Random, *,
                page: list[int], column_breaks: float, page_breaks: int,
                repeat: bool) -> None:
    """Print whole paragraphs with the layout of a newspaper: column breaks inside some
    paragraphs, ``page_breaks`` jumps to another page (a marker pair), the paragraph before
    a jump printed again after it when ``repeat``."""
    lang = work.lang
    sep_space = "\n\n"
    jumps = set(rng.sample(range(1, len(paras)), min(page_breaks, max(0, len(paras) - 1)))) \
        if len(paras) > 1 else set()
    repeated = False
    for k, pi in enumerate(paras):
        s, e = work.paragraphs[pi]
        if k in jumps:
            nxt = page[0] + rng.randint(1, 5)
            b.extra(_marker_to(lang, nxt, rng) + sep_space, "page-marker")
            b.extra(_marker_from(lang, page[0], rng) + sep_space, "page-marker")
            page[0] = nxt
            if repeat and not repeated and k > 0:
                # the typesetter set the paragraph before the jump again
                last = [seg for seg in b.segments if seg[0] >= work.paragraphs[paras[k - 1]][0]
                        and seg[1] <= work.paragraphs[paras[k - 1]][1]]
                if last:
                    joint = "" if lang == "zh" else " "
                    text = joint.join(b.printed(seg[2], seg[3]) for seg in last)
                    b.extra(text + sep_space, "repeat")
                    b.editorial.append({"kind": "repeat", "start": work.paragraphs[paras[k - 1]][0],
                                        "end": work.paragraphs[paras[k - 1]][1]})
                    repeated = True
        m = _break_point(work.text, s, e, lang, rng) if rng.random() < column_breaks else None
        if m is None:
            b.put(s, e)
        else:
            b.put(s, m)
            b.extra(sep_space, "column-break")
            b.put(m + 1 if lang == "en" else m, e)
        b.extra(sep_space, "paragraph")


def _title_line(b: Builder, work: Work, rng: random.Random, md: bool) -> None:
    s, e = work.paragraphs[0]
    if md:
        b.extra("# ", "markdown")
    b.put(s, e)
    b.extra("\n\n", "paragraph")


def full_edition(work: Work, rng: random.Random, rate: float | None, *, md: bool,
                 ascii_punct: bool = False, page_breaks: int | None = None,
                 repeat: bool | None = None) -> Builder:
    wrap = rng.choice((0, 64, 72)) if work.lang == "en" else 0
    b = Builder(work, rng, rate, wrap=wrap, ascii_punct=ascii_punct)
    if rng.random() < 0.3:
        b.extra(_marker_from(work.lang, rng.randint(1, 4), rng) + "\n\n", "page-marker")
    _title_line(b, work, rng, md)
    page = [rng.randint(1, 4)]
    _print_body(b, work, list(range(1, len(work.paragraphs))), rng, page=page,
                column_breaks=0.3,
                page_breaks=rng.randint(1, 2) if page_breaks is None else page_breaks,
                repeat=(rng.random() < 0.25) if repeat is None else repeat)
    return b


def paged_edition(work: Work, rng: random.Random, rate: float | None, *,
                  md: bool) -> list[Builder]:
    """A second printing split over 2 or 3 page files, each with continuation markers; a
    page may end mid-paragraph."""
    lang = work.lang
    n = len(work.paragraphs) - 1
    pages = 3 if n >= 9 and rng.random() < 0.4 else 2
    cuts = sorted(rng.sample(range(2, n), pages - 1)) if n > pages + 1 else [max(2, n // 2)]
    bounds = [1] + cuts + [n + 1]
    wrap = rng.choice((0, 64, 72)) if lang == "en" else 0
    out = []
    # the pages' numbers, drawn first so that a page's "continued on" names the next page
    # (generator 1 named page N + 1 while numbering the next page N + 1..4)
    nums = [rng.randint(1, 3)]
    for _ in range(len(bounds) - 2):
        nums.append(nums[-1] + rng.randint(1, 4))
    page_no = nums[0]
    carry: int | None = None  # clean offset where the previous page stopped mid-paragraph
    for k in range(len(bounds) - 1):
        b = Builder(work, rng, rate, wrap=wrap)
        b.page = str(nums[k])
        paras = list(range(bounds[k], bounds[k + 1]))
        if k == 0:
            _title_line(b, work, rng, md)
        else:
            b.extra(_marker_from(lang, nums[k - 1], rng) + "\n\n", "page-marker")
            page_no = nums[k]
        if carry is not None:
            s, e = work.paragraphs[paras[0]]
            b.put(carry, e)
            b.extra("\n\n", "paragraph")
            paras = paras[1:]
            carry = None
        last_split = None
        if k < len(bounds) - 2 and rng.random() < 0.5 and paras:
            s, e = work.paragraphs[bounds[k + 1]]
            m = _break_point(work.text, s, e, lang, rng)
            if m is not None:
                last_split = (bounds[k + 1], m)
        _print_body(b, work, paras, rng, page=[page_no], column_breaks=0.2, page_breaks=0,
                    repeat=False)
        if last_split is not None:
            pi, m = last_split
            b.put(work.paragraphs[pi][0], m)
            b.extra("\n\n", "paragraph")
            carry = m + 1 if lang == "en" else m
        if k < len(bounds) - 2:
            b.extra(_marker_to(lang, nums[k + 1], rng) + "\n", "page-marker")
        out.append(b)
    return out


def digest(work: Work, rng: random.Random, rate: float | None, *, md: bool) -> Builder:
    """Some sections kept (sometimes reordered), sentences and clauses cut, framing added,
    a pull quote repeating two kept sentences."""
    lang = work.lang
    body_idx = list(range(1, len(work.paragraphs)))
    keep_n = max(2, round(len(body_idx) * rng.uniform(0.35, 0.7)))
    kept = sorted(rng.sample(body_idx, min(keep_n, len(body_idx))))
    inner = Builder(work, rng, rate, wrap=rng.choice((0, 70)) if lang == "en" else 0)
    for pi in body_idx:
        if pi not in kept:
            s, e = work.paragraphs[pi]
            inner.editorial.append({"kind": "cut-section", "start": s, "end": e})
    if len(kept) >= 3 and rng.random() < 0.35:
        a, c = rng.sample(range(len(kept)), 2)
        kept[a], kept[c] = kept[c], kept[a]
        for pi in (kept[a], kept[c]):
            s, e = work.paragraphs[pi]
            inner.editorial.append({"kind": "reorder", "start": s, "end": e})
    sentences_printed: list[tuple[int, int]] = []  # witness spans of whole kept sentences
    for n, pi in enumerate(kept):
        s, e = work.paragraphs[pi]
        sents = _sentences(work.text, s, e, lang)
        keep_s = [x for x in sents if rng.random() >= 0.25] or [rng.choice(sents)]
        if n == 0:
            frame = "本报讯 报告指出，" if lang == "zh" else "The report said, "
            if md and lang == "zh":
                frame = "**本报讯** 报告指出，"
            inner.extra(frame, "framing")
            at = keep_s[0][0]
            inner.editorial.append({"kind": "framing", "start": at, "end": at, "text": frame})
        for x in sents:
            if x not in keep_s:
                inner.editorial.append({"kind": "cut-sentence", "start": x[0], "end": x[1]})
        for a, c in keep_s:
            clauses = _clauses(work.text, a, c, lang)
            if len(clauses) >= 3 and rng.random() < 0.2:
                drop = rng.randrange(1, len(clauses) - 1)
                ds, de = clauses[drop]
                inner.editorial.append({"kind": "cut-clause", "start": ds, "end": de})
                w0 = inner.pos
                inner.put(a, ds)
                inner.put(de, c)
            else:
                w0 = inner.pos
                inner.put(a, c)
                sentences_printed.append((w0, inner.pos))
        inner.extra("\n\n", "paragraph")
    b = Builder(work, rng, rate)
    if rng.random() < 0.4:
        b.extra(_marker_from(lang, rng.randint(1, 9), rng) + "\n\n", "page-marker")
    label = "摘登" if lang == "zh" else "excerpts"
    head = ("# " if md else "") + work.title + (f"（{label}）" if lang == "zh" else f" ({label})")
    b.extra(head + "\n\n", "digest-title")
    quotable = [x for x in sentences_printed
                if 10 <= len(inner.printed(*x).strip()) <= 150
                and "\n" not in inner.printed(*x).strip()]
    if quotable and rng.random() < 0.6:
        picks = sorted(rng.sample(quotable, min(len(quotable), rng.randint(1, 2))))
        b.extra(("金句" if lang == "zh" else "Quote") + "\n\n", "pull-quote-label")
        for x in picks:
            b.extra("- " + inner.printed(*x).strip() + "\n", "pull-quote")
        b.extra("\n", "pull-quote")
    b.append(inner)
    return b


# --- editions that exist only as page files ---------------------------------------------------

#: Share of works whose full text exists only as page files (one or two printings, each over
#: 2-4 files), plus one or two digests.
PAGED_ONLY_SHARE = 0.3

_FW_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_CN_DIGIT = "〇一二三四五六七八九"
_EN_WORDS = ("Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine",
             "Ten", "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen")


def _cn_numeral(n: int) -> str:
    if n < 10:
        return _CN_DIGIT[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGIT[tens]) + "十" + (_CN_DIGIT[ones] if ones else "")


def _page_number(n: int, lang: str, rng: random.Random, novel: bool) -> str:
    """A page number as a printer might set it: plain digits; or, drawn when ``novel``,
    zero-padded, full-width digits, Chinese numerals, an English word."""
    if not novel:
        return str(n)
    if lang == "zh":
        return rng.choice((f"{n:02d}", str(n).translate(_FW_DIGITS), _cn_numeral(n), str(n)))
    return rng.choice((f"{n:02d}", _EN_WORDS[n] if n < len(_EN_WORDS) else str(n), str(n)))


#: Continuation lines. ``{n}``: the page number (formatted), ``{p}``: section letter and
#: number ("A3"), ``{key}``: a word of the title (jump lines name the story), ``{c}``: a
#: column. The first three of each are the forms generator 1 used; the others are phrasings,
#: brackets and widths drawn from newspapers, not from what the tool was written for.
JUMP_TO = {
    "zh": ("（下转第{n}版）", "下转第{n}版", "（下转{n}版）",
           "【下转第{n}版】", "〔下转第{n}版〕", "(下转第{n}版)", "（转第{n}版）",
           "（下接第{n}版）", "——下转第{n}版", "［下转第{n}版］", "（下转第{n}版{key}）"),
    "en": ("(Continued on page {p})", "Continued on Page {p}", "(Continued on page {p})",
           "[Continued on page {p}]", "(Cont'd on Page {p})", "(See {key}, Page {p})",
           "Continued on Page {n}", "CONTINUED ON PAGE {p}", "(Turn to Page {p})",
           "— continued on page {p}, column {c}", "Please turn to page {p}"),
}
JUMP_FROM = {
    "zh": ("（上接第{n}版）", "上接第{n}版", "（上接{n}版）",
           "【上接第{n}版】", "（紧接第{n}版）", "（接第{n}版）", "(上接第{n}版)",
           "〔上接第{n}版〕", "［上接第{n}版］", "（上接第{n}版{key}）"),
    "en": ("(Continued from page {p})", "Continued from Page {p}", "(Continued from page {p})",
           "[Continued from page {p}]", "(Cont'd from Page {p})",
           "(Continued From Page {p}, Col. {c})", "Continued from Page {n}",
           "CONTINUED FROM PAGE {p}", "(From page {p})", "{key}, from Page {p}"),
}
#: Lines at a page's head that give its number: the folio (with the paper's name and date
#: sometimes) or the number alone.
FOLIO = {
    "zh": ("第{n}版", "{n}", "- {n} -", "第 {n} 版", "— {n} —", "{date} 星期{dow} 第{n}版",
           "第{n}版 {section}", "晨报 {date} 第{n}版", "{section} 第{n}版"),
    "en": ("Page {p}", "{p}", "- {p} -", "PAGE {p}", "— {p} —", "P. {p}",
           "{month} {day}, {year} THE EVENING STAR Page {p}", "Page {p} of {total}",
           "[{p}]", "THE EVENING STAR, {month_up} {day}, {year} {p}"),
}
SECTIONS_ZH = ("要闻", "综合", "国内", "理论", "文化", "评论")


def _fill(tpl: str, lang: str, num: int, prefix: str, rng: random.Random, novel: bool,
          work: Work, total: int) -> str:
    n = _page_number(num, lang, rng, novel)
    words = re.findall(r"[A-Za-z]+", work.title)
    key = (" ".join(words[:2]).upper() if words else "STORY") if lang == "en" else \
        "，" + work.title[:4]
    return tpl.format(
        n=n, p=f"{prefix}{n}", key=key, c=rng.randint(1, 6), total=total,
        date=f"{rng.randint(1990, 2023)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        dow=rng.choice("一二三四五六日"), section=rng.choice(SECTIONS_ZH),
        month=rng.choice(MONTHS_EN), month_up=rng.choice(MONTHS_EN).upper(),
        day=rng.randint(1, 28), year=rng.randint(1850, 1990))


def _jump(direction: str, lang: str, num: int, prefix: str, rng: random.Random,
          work: Work) -> tuple[str, bool]:
    """A continuation line to or from page ``num``; whether the form is one generator 1 did
    not use."""
    forms = (JUMP_TO if direction == "to" else JUMP_FROM)[lang]
    novel = rng.random() < 0.45
    tpl = rng.choice(forms[3:]) if novel else rng.choice(forms[:3])
    if not novel and "{n}版" in tpl and tpl.startswith("（") and "第" not in tpl:
        return tpl.format(n=f"{num:02d}"), False
    return _fill(tpl, lang, num, prefix, rng, novel, work, 0), novel


def _page_cuts(work: Work, n_pages: int, rng: random.Random) -> list[tuple[int, int, str]]:
    """Where a printing's pages break: ``(end of the page, start of the next, kind)`` in
    clean offsets, at about equal shares of the body. Kinds: ``paragraph`` (between two
    paragraphs), ``sentence`` (between two sentences of a paragraph), ``clause`` (after a
    comma), ``mid`` (inside a sentence, between two words or characters), ``word`` and
    ``hyphen`` (inside an English word, with or without a hyphen at the page's foot)."""
    lang = work.lang
    text = work.text
    body = work.paragraphs[1:]
    b0, b1 = body[0][0], body[-1][1]
    kinds = ["paragraph", "sentence", "mid", "clause"] if lang == "zh" else \
        ["paragraph", "sentence", "mid", "hyphen", "word"]
    weights = [0.3, 0.2, 0.35, 0.15] if lang == "zh" else [0.3, 0.2, 0.35, 0.1, 0.05]
    cuts: list[tuple[int, int, str]] = []
    for k in range(1, n_pages):
        target = b0 + (b1 - b0) * k // n_pages + rng.randint(-(b1 - b0) // 12, (b1 - b0) // 12)
        lo_ok = cuts[-1][1] + 40 if cuts else b0 + 40
        kind = rng.choices(kinds, weights=weights)[0]
        cut = None
        for _ in range(30):
            at = min(max(target, lo_ok), b1 - 40)
            pi = next((i for i, (s, e) in enumerate(body) if s <= at < e + 2), len(body) - 1)
            s, e = body[pi]
            if kind == "paragraph":
                if pi + 1 < len(body):
                    cut = (e, body[pi + 1][0], kind)
            elif kind in ("sentence", "clause"):
                spans = _sentences(text, s, e, lang) if kind == "sentence" else \
                    _clauses(text, s, e, lang)
                ends = [x[1] for x in spans[:-1]]
                if ends:
                    x = min(ends, key=lambda v: abs(v - at))
                    cut = (len(text[:x].rstrip()), x, kind)
            elif kind == "mid":
                m = _break_point(text, s, e, lang, rng)
                if m is not None:
                    cut = (m, m + 1, kind) if lang == "en" else (m, m, kind)
            else:  # inside an English word of six letters or more
                words = [mm for mm in re.finditer(r"[A-Za-z]{6,}", text[s:e])]
                if words:
                    mm = rng.choice(words)
                    m = s + mm.start() + rng.randint(2, len(mm.group(0)) - 3)
                    cut = (m, m, kind)
            if cut is not None and lo_ok <= cut[0] and cut[1] <= b1 - 40:
                break
            cut = None
            kind = rng.choices(kinds, weights=weights)[0]
            target = rng.randint(lo_ok, max(lo_ok, b1 - 40))
        if cut is not None:
            cuts.append(cut)
    return cuts


def _print_span(b: Builder, work: Work, a: int, z: int, rng: random.Random,
                column_breaks: float) -> None:
    """Clean ``[a, z)`` of the body as printed paragraphs (a column break inside some)."""
    lang = work.lang
    first = True
    for s, e in work.paragraphs[1:]:
        lo, hi = max(s, a), min(e, z)
        if lo >= hi:
            continue
        if not first:
            b.extra("\n\n", "paragraph")
        first = False
        m = _break_point(work.text, lo, hi, lang, rng) if rng.random() < column_breaks \
            else None
        if m is None:
            b.put(lo, hi)
        else:
            b.put(lo, m)
            b.extra("\n\n", "column-break")
            b.put(m + 1 if lang == "en" else m, hi)


def paged_printing(work: Work, rng: random.Random, rate: float | None, *, md: bool
                   ) -> tuple[list[Builder], list[dict[str, Any]]]:
    """One printing over 2-4 page files. Continuation lines on most pages (both ends of a
    jump, one of them or, now and then, neither), in a phrasing drawn at random; a folio or
    page number at the head of some pages; page breaks between paragraphs, between
    sentences, after a comma, mid-sentence or mid-word. Returns the pages' builders and, per
    page, what it carries (``page``, ``to``/``from`` continuation lines, ``folio``, the
    ``break`` at its foot)."""
    lang = work.lang
    body_len = work.paragraphs[-1][1] - work.paragraphs[1][0]
    n_pages = min(rng.choice((2, 2, 3, 3, 4)), max(2, body_len // 250))
    cuts = _page_cuts(work, n_pages, rng)
    n_pages = len(cuts) + 1
    prefix = rng.choice(("A", "B")) if lang == "en" and rng.random() < 0.2 else ""
    nums = [rng.randint(1, 6)]
    for _ in range(n_pages - 1):
        nums.append(nums[-1] + (1 if rng.random() < 0.6 else rng.randint(2, 9)))
    # continuation lines at each page boundary: each end printed with p 0.75; where neither
    # is, one of them is printed half the time
    to_at = [rng.random() < 0.75 for _ in range(n_pages - 1)]
    from_at = [rng.random() < 0.75 for _ in range(n_pages - 1)]
    for k in range(n_pages - 1):
        if not (to_at[k] or from_at[k]) and rng.random() < 0.5:
            (to_at if rng.random() < 0.5 else from_at)[k] = True
    folios = rng.random() < 0.55
    folio_tpl = rng.choice(FOLIO[lang][:3]) if rng.random() < 0.5 else \
        rng.choice(FOLIO[lang][3:])
    wrap = rng.choice((0, 64, 72)) if lang == "en" else 0
    out: list[Builder] = []
    info: list[dict[str, Any]] = []
    b1 = work.paragraphs[-1][1]
    starts = [work.paragraphs[1][0]] + [c[1] for c in cuts]
    ends = [c[0] for c in cuts] + [b1]
    for k in range(n_pages):
        b = Builder(work, rng, rate, wrap=wrap)
        label = f"{prefix}{nums[k]}"
        b.page = label
        rec: dict[str, Any] = {"page": label, "to": None, "from": None, "folio": None,
                               "break": cuts[k][2] if k < len(cuts) else None}
        if folios and rng.random() < 0.85:
            line = _fill(folio_tpl, lang, nums[k], prefix, rng, folio_tpl not in
                         FOLIO[lang][:3], work, nums[-1])
            b.extra(line + "\n\n", "folio")
            rec["folio"] = line
        inline_from = False
        if k > 0 and from_at[k - 1]:
            line, novel = _jump("from", lang, nums[k - 1], prefix, rng, work)
            rec["from"] = line
            rec["from_novel"] = novel
            inline_from = rng.random() < 0.15
            sep = ("" if lang == "zh" else " ") if inline_from else "\n\n"
            b.extra(line + sep, "page-marker")
        if k == 0:
            _title_line(b, work, rng, md)
        _print_span(b, work, starts[k], ends[k], rng, column_breaks=0.15)
        if k < len(cuts) and cuts[k][2] == "hyphen":
            b.extra("-", "hyphen")
        if k < n_pages - 1 and to_at[k]:
            line, novel = _jump("to", lang, nums[k + 1], prefix, rng, work)
            rec["to"] = line
            rec["to_novel"] = novel
            inline = rng.random() < 0.2 and cuts[k][2] == "paragraph"
            sep = "" if inline and lang == "zh" else " " if inline else "\n\n"
            b.extra(sep + line + "\n", "page-marker")
        out.append(b)
        info.append(rec)
    return out, info


#: File names of page files: ``{h}`` a hash (one per file), ``{n}`` the page number. The
#: first four are the styles the tool was told about; the others are not.
PAGE_NAMES = ("{h}_p{n}", "{h}-page{n}", "第{n}版_{h}", "{h}",
              "{h}_{n2}", "{h}_page-{n}", "{h}(第{n}页)", "{h}_P{n2}", "{h} p.{n}", "{h}_S{n}")


def page_names(seed: int, work_id: str, printing: int, labels: list[str], md: bool,
               lang: str = "zh", kept: Sequence[int] | None = None
               ) -> tuple[list[str], list[str]]:
    """Names of a printing's page files (in page order) that do not sort in page order: one
    style for the printing or, one time in five, one per page; drawn again (seeded) until
    sorting the names of the ``kept`` pages (the files written; all by default) does not
    give their order (Chinese styles for Chinese works
    only). Returns the names and the styles."""
    pool = PAGE_NAMES if lang == "zh" else tuple(x for x in PAGE_NAMES if "第" not in x)
    names: list[str] = []
    styles: list[str] = []
    for salt in range(100):
        rng = random.Random(f"{seed}/{work_id}/names/{printing}/{salt}")
        ext = ".md" if md else ".txt"
        mixed = rng.random() < 0.2
        style = rng.choice(pool)
        names, styles = [], []
        for k, lb in enumerate(labels):
            st = rng.choice(pool) if mixed else style
            num = re.sub(r"\D", "", lb) or lb
            h = _name(seed, work_id, "page", printing, k, salt)
            names.append(st.format(h=h, n=num, n2=f"{int(num):02d}") + ext)
            styles.append(st)
        written = [names[k] for k in (range(len(names)) if kept is None else kept)]
        if len(written) < 2 or sorted(written) != written:
            break
    return names, styles


def build_paged_only(work: Work, seed: int, rate: float | None,
                     files: dict[str, str]) -> None:
    """A work whose full text exists only as page files: one or two printings, each over
    2-4 files (sometimes one page lost: its file is not written), and one or two digests."""
    rng = random.Random(f"{seed}/paged-only/{work.id}")
    n_printings = 1 if rng.random() < 0.5 else 2
    work.editions = []
    for p in range(n_printings):
        md = rng.random() < 0.4
        builders, info = paged_printing(work, random.Random(f"{seed}/{work.id}/paged/{p}"),
                                        rate, md=md)
        labels = [b.page for b in builders]
        lost = None
        if rng.random() < (0.25 if len(builders) >= 3 else 0.1):
            lost = rng.randrange(len(builders))
        names, styles = page_names(seed, work.id, p, labels, md, work.lang,
                                   kept=[k for k in range(len(labels)) if k != lost])
        written, missing = [], []
        for k, (b, name) in enumerate(zip(builders, names)):
            if k == lost:
                segs = b.segments
                missing.append({"page": labels[k], "index": k, "file": name,
                                "start": min(s[0] for s in segs) if segs else 0,
                                "end": max(s[1] for s in segs) if segs else 0})
                continue
            files[name] = b.text().rstrip("\n") + "\n"
            rec = b.record(name, "page")
            rec.update(edition=None, page=labels[k], page_index=k, carries=info[k])
            work.witnesses.append(rec)
            written.append(name)
        eid = written[0]
        for rec in work.witnesses:
            if rec["file"] in written:
                rec["edition"] = eid
        work.editions.append({"id": eid, "kind": "paged", "case": "paged-only",
                              "files": written, "pages": [labels[names.index(f)]
                                                          for f in written],
                              "missing": missing,
                              "names": [styles[names.index(f)] for f in written],
                              "joins": [{"break": info[j]["break"],
                                         "to": info[j]["to"] is not None,
                                         "from": info[j + 1]["from"] is not None}
                                        for j in range(len(info) - 1)]})
    k = 0
    for _ in range(1 if rng.random() < 0.5 else 2):
        md = rng.random() < 0.6
        b = digest(work, random.Random(f"{seed}/{work.id}/digest/{k}"), rate, md=md)
        name = _name(seed, work.id, "digest", k) + (".md" if md else ".txt")
        files[name] = b.text().rstrip("\n") + "\n"
        rec = b.record(name, "digest")
        rec["edition"] = name
        work.witnesses.append(rec)
        work.editions.append({"id": name, "kind": "digest", "case": "paged-only",
                              "files": [name], "pages": [], "missing": []})
        k += 1


# --- folders -----------------------------------------------------------------------------


def _name(seed: int, *parts: Any) -> str:
    return hashlib.sha1("/".join(map(str, (seed,) + parts)).encode()).hexdigest()[:12]


def build_work_files(work: Work, seed: int, rate: float | None) -> dict[str, str]:
    """The files of one work (name -> text); fills ``work.witnesses``."""
    rng = random.Random(f"{seed}/witnesses/{work.id}")
    files: dict[str, str] = {}

    if work.id.startswith("w") and \
            random.Random(f"{seed}/case/{work.id}").random() < PAGED_ONLY_SHARE:
        work.case = "paged-only"
        build_paged_only(work, seed, rate, files)
        return files
    work.editions = []

    def add(b: Builder, layout: str, md: bool, k: int) -> None:
        name = _name(seed, work.id, k) + (".md" if md else ".txt")
        text = b.text().rstrip("\n") + "\n"
        files[name] = text
        rec = b.record(name, layout)
        if layout == "page":
            ed = work.editions[-1] if work.editions and work.editions[-1]["kind"] == "paged" \
                else None
            if ed is None:
                ed = {"id": name, "kind": "paged", "case": "second-printing", "files": [],
                      "pages": [], "missing": []}
                work.editions.append(ed)
            rec.update(page=b.page, page_index=len(ed["files"]))
            ed["files"].append(name)
            ed["pages"].append(b.page)
        else:
            ed = {"id": name, "kind": "digest" if layout == "digest" else "full",
                  "case": "standard", "files": [name], "pages": [], "missing": []}
            work.editions.append(ed)
        rec["edition"] = ed["id"]
        work.witnesses.append(rec)

    k = 0
    md = rng.random() < 0.5
    add(full_edition(work, random.Random(f"{seed}/{work.id}/{k}"), rate, md=md), "full", md, k)
    k += 1
    r = rng.random()
    second = r < 0.8
    if r < 0.45:
        md = rng.random() < 0.5
        for b in paged_edition(work, random.Random(f"{seed}/{work.id}/{k}"), rate, md=md):
            add(b, "page", md, k)
            k += 1
    elif r < 0.8:
        md = rng.random() < 0.3
        ascii_punct = work.lang == "zh" and rng.random() < 0.5
        add(full_edition(work, random.Random(f"{seed}/{work.id}/{k}"), rate, md=md,
                         ascii_punct=ascii_punct), "full", md, k)
        k += 1
    r = rng.random()
    n_digests = (0 if second else 1) if r < 0.1 else 1 if r < 0.5 else 2
    for _ in range(n_digests):
        md = rng.random() < 0.6
        add(digest(work, random.Random(f"{seed}/{work.id}/{k}"), rate, md=md), "digest", md, k)
        k += 1
    return files


def generate(root: Path, n_works: int, seed: int = 20240501, rate: float | None = None,
             unrelated: int | None = None, zh_share: float = 0.5) -> dict[str, Any]:
    """Write ``root/input/`` (the edition files) and ``root/truth.json`` (the ground truth);
    returns the truth. ``root`` is emptied first."""
    root = Path(root)
    if root.exists():
        shutil.rmtree(root)
    inp = root / "input"
    inp.mkdir(parents=True)
    works: list[Work] = []
    by_lang: dict[str, list[Work]] = {"zh": [], "en": []}
    files: dict[str, str] = {}
    for i in range(n_works):
        lang = "zh" if random.Random(f"{seed}/lang/{i}").random() < zh_share else "en"
        w = make_work(seed, i, lang, by_lang[lang])
        by_lang[lang].append(w)
        works.append(w)
        for name, text in build_work_files(w, seed, rate).items():
            (inp / name).write_text(text, "utf-8")
            files[name] = w.id
    n_un = max(1, n_works // 10) if unrelated is None else unrelated
    for i in range(n_un):
        lang = "zh" if random.Random(f"{seed}/ulang/{i}").random() < zh_share else "en"
        w = make_work(seed, i, lang, [], n_paras=(3, 6), prefix="u")
        rng = random.Random(f"{seed}/{w.id}/0")
        md = rng.random() < 0.3
        b = full_edition(w, rng, rate, md=md, page_breaks=0, repeat=False)
        name = _name(seed, w.id, 0) + (".md" if md else ".txt")
        sub = inp / "misc"
        sub.mkdir(exist_ok=True)
        (sub / name).write_text(b.text().rstrip("\n") + "\n", "utf-8")
        rec = b.record(f"misc/{name}", "unrelated")
        rec["edition"] = f"misc/{name}"
        w.witnesses.append(rec)
        w.editions = [{"id": f"misc/{name}", "kind": "full", "case": "unrelated",
                       "files": [f"misc/{name}"], "pages": [], "missing": []}]
        files[f"misc/{name}"] = w.id
        works.append(w)
    truth = {"generator": GENERATOR_VERSION, "seed": seed, "n_works": n_works,
             "unrelated": n_un, "rate": rate or DEFAULT_RATE,
             "files": dict(sorted(files.items())), "works": [w.to_dict() for w in works]}
    (root / "truth.json").write_text(json.dumps(truth, ensure_ascii=False), "utf-8")
    return truth


# --- checks on the ground truth itself ---------------------------------------------------


def shingles(text: str, k: int) -> set[str]:
    t = re.sub(r"[\W_]+", "", text.lower())
    return {t[i:i + k] for i in range(len(t) - k + 1)}


def overlap_check(truth: dict[str, Any], max_pairs: int = 1500) -> dict[str, float]:
    """How much two different works share: for pairs of works of one language, the largest
    share of one paragraph's shingles (3 characters Chinese, 5 letters English, as
    ``reconcile`` fingerprints them) found in a paragraph of the other work. Works drawn
    from the same corpus would share whole paragraphs; the substitution keeps them apart
    (``reconcile`` needs 0.6 at the level of sentences to match two units). Reported so that
    the grouping F1 is read against what separates the works."""
    works = [w for w in truth["works"] if w["id"].startswith("w")]
    rng = random.Random(1)
    pairs = [(a, b) for i, a in enumerate(works) for b in works[i + 1:] if a["lang"] == b["lang"]]
    if len(pairs) > max_pairs:
        pairs = rng.sample(pairs, max_pairs)
    cache: dict[str, list[set[str]]] = {}

    def sh(w: dict[str, Any]) -> list[set[str]]:
        if w["id"] not in cache:
            k = 3 if w["lang"] == "zh" else 5
            cache[w["id"]] = [x for x in (shingles(w["text"][s:e], k)
                                          for s, e in w["paragraphs"][1:]) if len(x) >= 10]
        return cache[w["id"]]

    vals = []
    for a, b in pairs:
        best = 0.0
        for x in sh(a):
            for y in sh(b):
                small, big = (x, y) if len(x) <= len(y) else (y, x)
                best = max(best, len(small & big) / len(small))
        vals.append(best)
    if not vals:
        return {"pairs": 0, "mean": 0.0, "max": 0.0, "p99": 0.0}
    vals.sort()
    return {"pairs": len(vals), "mean": sum(vals) / len(vals), "max": vals[-1],
            "p99": vals[min(len(vals) - 1, int(0.99 * len(vals)))]}
