"""HTML review pages: ``index.html`` for a run and ``works/<id>/report.html`` for each work.

Pure functions of a :class:`reconcile.pipeline.Result`; :mod:`reconcile.output` writes what
they return. Templates live in ``reconcile/templates/`` and are rendered with Jinja2 with
autoescaping on, so every piece of witness text is escaped; data for the page's script is
embedded as JSON in a ``<script type="application/json">`` block with ``<``, ``>`` and ``&``
written as ``\\u`` escapes (:func:`json_for_script`), so no text can close the block.

The pages are self-contained (inline CSS and JS, no network; a report also reads the run's
``decisions.js`` beside ``index.html``) and deterministic: the same result gives the same
bytes.

The side-by-side view compares each witness with the canonical text. The stretches a
witness prints come from the collation (``summary["witnesses"][id]["covers"]``: canonical
offset and length, and the line and column in the witness's file where the stretch starts);
the witness's own text for each stretch is cut from its cleaned text, from that start to the
start of the next stretch or addition it prints, and compared character by character with
diff-match-patch.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from diff_match_patch import diff_match_patch
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from rapidfuzz.distance import Indel

from .config import vars_of
from .normalize import key, mostly_cjk
from .records import Source
from .pipeline import Result
from .edition import EditionText
from .work import edition_texts

_TEMPLATES = Path(__file__).resolve().parent / "templates"

# Confidence buckets: the apparatus table's filter offers them.
CONFIDENCE_BUCKETS = (("low", "below 0.5", 0.0, 0.5), ("medium", "0.5 to 0.8", 0.5, 0.8),
                      ("high", "0.8 and above", 0.8, 1.01))
# Additions longer than this are folded into a <details> in the side-by-side view.
_FOLD_ADDITION = 160
# Above this many characters a low-similarity pair is shown as one replacement, not diffed.
_DIFF_MAX = 3000


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["thousands"] = _thousands
    env.filters["pct"] = lambda x: f"{x:.0%}"
    env.globals.update(left=_left_html, right=_right_html, coverage_ticks=_coverage_ticks,
                       coverage_bars=_coverage_bars)
    return env


# The two sides of the side-by-side view, piece by piece (``side_by_side``'s "left" and
# "right"). Written here, not as template macros: a report holds a piece for every stretch
# of every witness, and Jinja made an attribute lookup and an escape for each field of
# each (rendering the 1,000 works' files took about a tenth longer through the macros).

def _left_html(parts: Sequence[dict[str, Any]]) -> Markup:
    return _pieces_html(parts, _left_piece)


def _right_html(parts: Sequence[dict[str, Any]]) -> Markup:
    return _pieces_html(parts, _right_piece)


def _pieces_html(parts: Sequence[dict[str, Any]],
                 piece: Callable[[dict[str, Any], Markup], str]) -> Markup:
    return Markup("".join(piece(p, escape(p["text"])) for p in parts))


def _left_piece(p: dict[str, Any], text: Markup) -> str:
    cls = p["cls"]
    if cls == "d":
        return f'<del class="d">{text}</del>'
    if cls:
        return f'<span class="{escape(cls)}" title="not in this witness">{text}</span>'
    return text


def _right_piece(p: dict[str, Any], text: Markup) -> str:
    cls = p["cls"]
    if cls == "i":
        return f'<ins class="i">{text}</ins>'
    if cls == "i ws":
        return '<ins class="i ws" title="a break only in this witness"></ins>'
    if cls == "dm":
        return '<span class="dm" title="the witness lacks the struck-out text opposite"></span>'
    if cls == "gapband":
        return (f'<span class="gapband" title="{escape(p["chars"])} characters of the '
                f'canonical text are not in this witness">not in this witness · '
                f'{_thousands(p["chars"])}</span>')
    if cls == "add" and p["fold"]:
        return (f'<details class="add"><summary>only in this witness: '
                f'{_thousands(p["chars"])} characters, line {escape(p["line"])}:'
                f'{escape(p["column"])}</summary>{text}</details>')
    if cls == "page":
        return (f'<span class="pagebreak" title="the next page file of this edition begins '
                f'here">⎘ {text}</span>')
    if cls == "add":
        return (f'<span class="add" title="only in this witness (line '
                f'{escape(p["line"])}:{escape(p["column"])})">{text}</span>')
    return text


def _thousands(n: int) -> Markup:
    return escape(f"{n:,}")


@lru_cache(maxsize=None)
def _asset(name: str) -> Markup:
    """A CSS or JS file inlined as is (it is ours, not data); it must not close its tag."""
    text = (_TEMPLATES / name).read_text("utf-8")
    if "</" in text.replace("<\\/", ""):
        raise ValueError(f"{name}: must not contain '</'")
    return Markup(text)


def json_for_script(obj: Any) -> Markup:
    """JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>`` or
    ``&`` (so no ``</script>`` or ``<!--``), and no U+2028/U+2029."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)


def _lang(text: str) -> str:
    return "zh" if mostly_cjk(text) else "en"


def _bucket(confidence: float) -> str:
    for name, _, lo, hi in CONFIDENCE_BUCKETS:
        if lo <= confidence < hi:
            return name
    return CONFIDENCE_BUCKETS[-1][0]


def sigla(ids: Sequence[str]) -> dict[str, str]:
    """Short names for witnesses, in their order: A, B, …, Z, AA, AB, …"""
    out = {}
    for k, wid in enumerate(ids):
        s, n = "", k
        while True:
            s = chr(ord("A") + n % 26) + s
            n = n // 26 - 1
            if n < 0:
                break
        out[wid] = s
    return out


# --- the canonical text with its notes marked ----------------------------------------------

@dataclass(frozen=True, slots=True)
class Part:
    """A run of a paragraph: plain text (``note`` is -1), or the part of note ``note`` that
    lies in this paragraph (``first`` for the part that carries the note's anchor), or an
    insertion point (``text`` empty)."""

    text: str
    note: int = -1
    first: bool = True


def _paragraph_spans(text: str, paragraphs: Sequence[Any]) -> list[tuple[int, int]]:
    spans = [(p.start, p.end) for p in paragraphs]
    if not spans and text:
        spans = [(0, len(text))]
    return spans


def _home(starts: Sequence[int], pos: int) -> int:
    """The paragraph a point belongs to: the last one starting at or before it."""
    return max(0, bisect_right(starts, pos) - 1)


def marked_paragraphs(text: str, spans: Sequence[tuple[int, int]],
                      notes: Sequence[Any]) -> list[list[Part]]:
    """Each paragraph as parts, every note marked: a note's span split at paragraph breaks,
    a zero-length note (or one that falls wholly between paragraphs) as an insertion point.
    ``notes`` are in text order; one that overlaps the note before it is marked as a point
    at that note's end, so every note keeps a mark."""
    starts = [s for s, _ in spans]
    out: list[list[Part]] = [[] for _ in spans]
    pos = [s for s, _ in spans]  # how far each paragraph has been emitted
    if not spans:
        return out

    def flush(k: int, upto: int) -> None:
        s, e = spans[k]
        upto = min(max(upto, s), e)
        if upto > pos[k]:
            out[k].append(Part(text[pos[k]:upto]))
            pos[k] = upto

    done = 0  # canonical offset up to which notes have been marked
    for i, n in enumerate(notes):
        start = max(n.offset, done)
        end = max(n.offset + n.length, start)
        pieces = []
        for k in range(_home(starts, start), len(spans)):
            s, e = spans[k]
            if s >= end:
                break
            a, b = max(start, s), min(end, e)
            if a < b:
                pieces.append((k, a, b))
        if not pieces:  # a point, or a span between paragraphs
            k = _home(starts, start)
            flush(k, start)
            out[k].append(Part("", i))
        else:
            for j, (k, a, b) in enumerate(pieces):
                flush(k, a)
                out[k].append(Part(text[a:b], i, j == 0))
                pos[k] = b
        done = max(done, end)
    for k, (_, e) in enumerate(spans):
        flush(k, e)
    return out


# --- side by side ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of the comparison of one witness with the canonical text.

    ``tag``: ``eq`` (same text), ``del`` (canonical text the witness lacks inside a stretch
    it prints), ``ins`` (witness text the canonical one lacks, there), ``rep`` (one for the
    other), ``omit`` (canonical text the witness does not print), ``gap`` (canonical
    punctuation or spaces between stretches it prints), ``add`` (text only the witness
    prints: framing, headings). ``w_start`` is the witness offset, or -1."""

    tag: str
    c_start: int
    c_end: int
    c_text: str
    w_text: str
    w_start: int = -1


def _locator(ed: EditionText) -> Callable[[str, int, int], int | None]:
    """(file, line, column) of an original file -> the first offset of the edition's text
    printed from there."""
    tables = {}
    for k, wit in enumerate(ed.pages):
        offs = wit.source_offsets()
        order = np.argsort(offs, kind="stable")
        tables[wit.id] = (k, offs[order], order, wit.source.line_starts)

    def find(file: str, line: int, column: int) -> int | None:
        got = tables.get(file)
        if got is None:
            return None
        k, sorted_offs, order, starts = got
        if not 1 <= line <= len(starts) or len(sorted_offs) == 0:
            return None
        s = starts[line - 1] + column - 1
        i = int(np.searchsorted(sorted_offs, s, side="left"))
        if i < len(sorted_offs) and int(sorted_offs[i]) == s:
            local = int(order[i])
            if ed.starts[k] + local < ed.ends[k]:
                return ed.starts[k] + local
        return None

    return find


def _position(ed: EditionText, i: int) -> tuple[int, int]:
    _, _, line, col = ed.locate(i)
    return line, col


def witness_stretches(canonical: str, info: dict[str, Any], wit: EditionText
                      ) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, int, str]]]:
    """The stretches a witness prints as ``(c_start, c_end, w_start, w_end)``, and its
    additions as ``(anchor, w_start, text)``; witness offsets index ``wit.text``."""
    find = _locator(wit)
    entries: list[tuple[int, int, int, int]] = []  # (w_start, kind, c_start, index)
    covers = info.get("covers", [])
    for i, (off, length, file, line, column) in enumerate(covers):
        ws = find(file, line, column)
        if ws is not None:
            entries.append((ws, 0, off, i))
    adds: list[tuple[int, int, str]] = []
    for a in info.get("additions", []):
        ws = find(a.get("file", wit.id), a["line"], a["column"])
        if ws is None or not wit.text.startswith(a["text"], ws):
            ws = wit.text.find(a["text"])
        if ws >= 0:
            entries.append((ws, 1, a["offset"], len(adds)))
        adds.append((a["offset"], ws, a["text"]))
    entries.sort()
    out: list[tuple[int, int, int, int]] = []
    for j, (ws, kind, off, i) in enumerate(entries):
        if kind != 0:
            continue
        we = entries[j + 1][0] if j + 1 < len(entries) else len(wit.text)
        c_end = off + covers[i][1]
        seg = wit.text[ws:we]
        if not canonical[off:c_end][-1:].isspace():
            seg = seg.rstrip()
        out.append((off, c_end, ws, ws + len(seg)))
    out.sort()
    return out, adds


def _diff(a: str, b: str) -> list[tuple[int, str]]:
    """The differences of two texts, for the side-by-side view: by character in scripts
    written without spaces, by whole word in the others ("not" against "now", never "t"
    against "w")."""
    if a == b:
        return [(0, a)] if a else []
    if (len(a) + len(b) > _DIFF_MAX and Indel.normalized_similarity(a, b) < 0.5) or not a or not b:
        return [d for d in ((-1, a), (1, b)) if d[1]]
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # no time limit: the same input must give the same page
    words = None if mostly_cjk(a + b) else _as_words(a, b)
    if words is None:
        diffs = dmp.diff_main(a, b, False)
        dmp.diff_cleanupSemantic(diffs)
        return diffs
    ea, eb, vocab = words
    diffs = dmp.diff_main(ea, eb, False)
    dmp.diff_cleanupSemantic(diffs)
    return [(op, "".join(vocab[ord(c) - _WORD_BASE] for c in t)) for op, t in diffs]


# Each distinct word, space run or mark of a spaced text becomes one character from here on
# (supplementary private use), so that diff-match-patch compares words as it compares
# characters (its own lines-to-characters device, applied to words).
_WORD_BASE = 0xF0000
_WORD_MAX = 0xFFFFD - _WORD_BASE
_WORD = re.compile(r"\w+|\s+|.", re.S)


def _as_words(a: str, b: str) -> tuple[str, str, list[str]] | None:
    vocab: list[str] = []
    code: dict[str, str] = {}

    def enc(text: str) -> str:
        out = []
        for tok in _WORD.findall(text):
            c = code.get(tok)
            if c is None:
                if len(vocab) >= _WORD_MAX:
                    raise OverflowError
                c = code[tok] = chr(_WORD_BASE + len(vocab))
                vocab.append(tok)
            out.append(c)
        return "".join(out)

    try:
        return enc(a), enc(b), vocab
    except OverflowError:
        return None


def _diff_pieces(canonical: str, c_start: int, c_end: int, wtext: str, w_start: int
                 ) -> list[Piece]:
    out: list[Piece] = []
    c, w = c_start, w_start
    diffs = _diff(canonical[c_start:c_end], wtext)
    k = 0
    while k < len(diffs):
        op, t = diffs[k]
        if op == 0:
            out.append(Piece("eq", c, c + len(t), t, t, w))
            c += len(t)
            w += len(t)
        elif op == -1 and k + 1 < len(diffs) and diffs[k + 1][0] == 1:
            u = diffs[k + 1][1]
            out.append(Piece("rep", c, c + len(t), t, u, w))
            c += len(t)
            w += len(u)
            k += 1
        elif op == -1:
            out.append(Piece("del", c, c + len(t), t, "", w))
            c += len(t)
        else:
            out.append(Piece("ins", c, c, "", t, w))
            w += len(t)
        k += 1
    return out


def witness_pieces(canonical: str, info: dict[str, Any], wit: EditionText) -> list[Piece]:
    """The whole comparison of one witness with the canonical text, in canonical order."""
    stretches, adds = witness_stretches(canonical, info, wit)
    pieces: list[Piece] = []
    for cs, ce, ws, we in stretches:
        pieces += _diff_pieces(canonical, cs, ce, wit.text[ws:we], ws)
    omitted = sorted((o, o + n) for o, n in info.get("omitted", []))
    covered: list[tuple[int, int]] = []
    for cs, ce, _, _ in stretches:
        if covered and cs <= covered[-1][1]:
            covered[-1] = (covered[-1][0], max(ce, covered[-1][1]))
        else:
            covered.append((cs, ce))
    pos = 0
    for s, e in covered + [(len(canonical), len(canonical))]:
        if s > pos:
            pieces += _uncovered(canonical, pos, s, omitted)
        pos = max(pos, e)
    for anchor, ws, text in adds:
        pieces.append(Piece("add", anchor, anchor, "", text, ws))
    order = {id(p): i for i, p in enumerate(pieces)}
    pieces.sort(key=lambda p: (p.c_start, p.c_end > p.c_start, order[id(p)]))
    return pieces


def _uncovered(canonical: str, s: int, e: int, omitted: Sequence[tuple[int, int]]
               ) -> list[Piece]:
    """Canonical ``[s, e)`` that the witness does not print: omitted (per the collation) or
    only punctuation and spaces."""
    out: list[Piece] = []
    pos = s
    for os_, oe in omitted:
        a, b = max(os_, s), min(oe, e)
        if a >= b:
            continue
        if a > pos:
            out.append(Piece("gap", pos, a, canonical[pos:a], ""))
        out.append(Piece("omit", a, b, canonical[a:b], ""))
        pos = b
    if e > pos:
        tag = "omit" if key(canonical[pos:e]) else "gap"
        out.append(Piece(tag, pos, e, canonical[pos:e], ""))
    return out


def _split(p: Piece, spans: Sequence[tuple[int, int]], starts: Sequence[int]
           ) -> list[tuple[int, Piece]]:
    """A piece cut at paragraph breaks: (paragraph, piece) pairs; separators are dropped."""
    if p.c_start == p.c_end:
        return [(_home(starts, p.c_start), p)]
    out: list[tuple[int, Piece]] = []
    for k in range(_home(starts, p.c_start), len(spans)):
        s, e = spans[k]
        if s >= p.c_end:
            break
        a, b = max(p.c_start, s), min(p.c_end, e)
        if a >= b:
            continue
        ra, rb = a - p.c_start, b - p.c_start
        if p.tag == "eq":
            w = p.w_text[ra:rb]
            ws = p.w_start + ra
        else:
            w = p.w_text if not out else ""
            ws = p.w_start
        out.append((k, Piece(p.tag, a, b, p.c_text[ra:rb], w, ws)))
    if not out and p.w_text:  # only between paragraphs, but the witness has text there
        out.append((_home(starts, p.c_start), Piece("ins", p.c_start, p.c_start, "",
                                                    p.w_text, p.w_start)))
    return out


def side_by_side(canonical: str, spans: Sequence[tuple[int, int]], info: dict[str, Any],
                 wit: EditionText) -> list[dict[str, Any]]:
    """Rows of the side-by-side view: one per paragraph, except that runs of paragraphs the
    witness does not print at all are one folded row."""
    starts = [s for s, _ in spans]
    per: list[list[Piece]] = [[] for _ in spans]
    for p in witness_pieces(canonical, info, wit):
        for k, q in _split(p, spans, starts):
            per[k].append(q)
    rows: list[dict[str, Any]] = []
    for k, pieces in enumerate(per):
        left = [_left(p) for p in pieces if p.c_text]
        right = _right(pieces, wit)
        printed = any(p.tag in ("eq", "rep", "ins", "add") and p.w_text for p in pieces)
        if not printed:
            if rows and rows[-1]["kind"] == "missing":
                rows[-1]["last"] = k + 1
                rows[-1]["chars"] += spans[k][1] - spans[k][0]
                rows[-1]["paragraphs"].append({"n": k + 1, "left": left})
                continue
            rows.append({"kind": "missing", "first": k + 1, "last": k + 1,
                         "offset": spans[k][0], "chars": spans[k][1] - spans[k][0],
                         "paragraphs": [{"n": k + 1, "left": left}]})
            continue
        w_at = next((p.w_start for p in pieces if p.w_start >= 0 and p.tag != "add"), -1)
        if w_at < 0:
            w_at = next((p.w_start for p in pieces if p.w_start >= 0), -1)
        line, column = _position(wit, w_at) if w_at >= 0 else (0, 0)
        edits = sum(1 for p in pieces if p.tag in ("del", "ins", "rep"))
        same = all(p.tag in ("eq", "gap") for p in pieces) and \
            "".join(p.c_text for p in pieces if p.tag == "eq") == "".join(x["text"] for x in left)
        rows.append({"kind": "para", "n": k + 1, "offset": spans[k][0], "left": left,
                     "right": [] if same else right, "same": same, "line": line,
                     "pages": [x["text"] for x in right if x["cls"] == "page"] if same else [],
                     "column": column, "edits": edits,
                     "partial": any(p.tag == "omit" for p in pieces)})
    return rows


def _left(p: Piece) -> dict[str, Any]:
    cls = {"eq": "", "gap": "", "del": "d", "rep": "d", "omit": "om"}.get(p.tag, "")
    return {"cls": cls, "text": p.c_text}


def _page_breaks(pieces: Sequence[Piece], wit: EditionText) -> list[Piece]:
    """The witness side's pieces cut where the edition's next page file begins, with a
    ``page`` piece there naming that file: an edition printed over pages shows its page
    boundaries. (Only ``w_text`` and ``w_start`` of the cut pieces are meaningful.)"""
    first = {b: wit.pages[k + 1].id for k, b in enumerate(wit.starts[1:])}
    if not first:
        return list(pieces)
    out: list[Piece] = []
    for p in pieces:
        a, text = p.w_start, p.w_text
        if a >= 0 and text:
            for b in sorted(x for x in first if a <= x < p.w_start + len(p.w_text)):
                if b > a:
                    out.append(replace(p, w_text=text[:b - a], w_start=a))
                    text, a = text[b - a:], b
                out.append(Piece("page", p.c_start, p.c_start, "", first[b], b))
        out.append(replace(p, w_text=text, w_start=a))
    return out


def _right(pieces: Sequence[Piece], wit: EditionText) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in _page_breaks(pieces, wit):
        if p.tag == "page":
            out.append({"cls": "page", "text": p.w_text})
            continue
        if p.tag == "eq":
            out.append({"cls": "", "text": p.w_text})
        elif p.tag in ("ins", "rep"):
            if p.w_text.isspace():
                out.append({"cls": "i ws", "text": p.w_text, "ws": True})
            elif p.w_text:
                out.append({"cls": "i", "text": p.w_text})
            else:
                out.append({"cls": "dm", "text": ""})
        elif p.tag == "del":
            out.append({"cls": "dm", "text": ""})
        elif p.tag == "omit":
            if out and out[-1]["cls"] == "gapband":
                out[-1]["chars"] += p.c_end - p.c_start
            else:
                out.append({"cls": "gapband", "text": "", "chars": p.c_end - p.c_start,
                            "offset": p.c_start})
        elif p.tag == "add":
            text = p.w_text.strip("\n")
            line, column = _position(wit, p.w_start) if p.w_start >= 0 else (0, 0)
            out.append({"cls": "add", "text": text, "fold": len(text) > _FOLD_ADDITION,
                        "chars": len(text), "line": line, "column": column})
    return out


# --- coverage map ---------------------------------------------------------------------------

def _coverage_rows(length: int, witnesses: Sequence[dict[str, Any]],
                   summary: dict[str, Any]) -> list[dict[str, Any]]:
    scale = 1000.0 / max(length, 1)
    rows = []
    for w in witnesses:
        info = summary["witnesses"].get(w["id"], {})
        bars = []
        for off, n, _file, line, column in info.get("covers", []):
            bars.append({"x": round(off * scale, 2), "w": round(max(n * scale, 0.8), 2),
                         "offset": off, "length": n, "line": line, "column": column,
                         "cls": "cv"})
        for off, n in info.get("omitted", []):
            bars.append({"x": round(off * scale, 2), "w": round(max(n * scale, 0.8), 2),
                         "offset": off, "length": n, "line": 0, "column": 0, "cls": "om"})
        bars.sort(key=lambda b: (b["offset"], b["cls"]))
        rows.append({**w, "bars": bars})
    return rows


def _coverage_ticks(ticks: Sequence[dict[str, Any]], href: str) -> Markup:
    """The coverage map's note ticks (see ``_coverage.html``), a link each."""
    href = escape(href)
    out = []
    for i, t in enumerate(ticks):
        said = f"{escape(t['kind'])} at {escape(t['offset'])}" + (
            ", needs review" if t["review"] else "")
        out.append(f'<a href="{href}#m-{escape(t["id"])}" tabindex="{0 if i == 0 else -1}" '
                   f'aria-label="{said}"><line class="tick{" rv" if t["review"] else ""}" '
                   f'x1="{escape(t["x"])}" x2="{escape(t["x"])}" y1="0" y2="12" '
                   f'vector-effect="non-scaling-stroke"><title>{said}</title></line></a>')
    return Markup("".join(out))


def _coverage_bars(row: dict[str, Any], href: str) -> Markup:
    """One witness's bar of the coverage map: a link for each stretch it prints or omits."""
    href, siglum = escape(href), escape(row["siglum"])
    out = []
    for i, b in enumerate(row["bars"]):
        said = f'{siglum} {"prints" if b["cls"] == "cv" else "omits"} ' \
               f'{escape(b["offset"])}+{escape(b["length"])}'
        where = f' (its {escape(b["line"])}:{escape(b["column"])})' if b["line"] else ""
        out.append(f'<a href="{href}#at-{escape(b["offset"])}-{escape(b["length"])}" '
                   f'tabindex="{0 if i == 0 else -1}" aria-label="{said}"><rect '
                   f'class="{escape(b["cls"])}" x="{escape(b["x"])}" y="0" '
                   f'width="{escape(b["w"])}" height="12"><title>{said}{where}</title></rect></a>')
    return Markup("".join(out))


def _note_ticks(length: int, notes: Sequence[Any]) -> list[dict[str, Any]]:
    scale = 1000.0 / max(length, 1)
    return [{"x": round(n.offset * scale, 2), "id": n.id, "review": n.review, "kind": n.kind,
             "offset": n.offset} for n in notes]


# --- pages ----------------------------------------------------------------------------------

def _witness_rows(result: Result, index: int) -> list[dict[str, Any]]:
    w = result.works[index]
    summ = result.collated.packed(index).summary
    sig = sigla([r.id for r in w.witnesses])
    rows = []
    for r in w.witnesses:
        info = summ["witnesses"].get(r.id, {})
        rows.append({"id": r.id, "siglum": sig[r.id], "role": r.role, "chars": r.chars,
                     "coverage": r.coverage, "stretches": len(info.get("covers", [])),
                     "omitted": sum(n for _, n in info.get("omitted", [])),
                     "additions": len(info.get("additions", [])),
                     "differences": info.get("differences", {}),
                     "files": [{"file": f, "page": p} for f, p in
                               zip(r.files, r.pages or ("",) * len(r.files))]
                     if len(r.files) > 1 else [],
                     "ordered_by": r.ordered_by})
    return rows


def given_decisions(result: Result) -> list[dict[str, str]]:
    """The decisions the run was given, as the decisions file holds them."""
    return [{k: v for k, v in vars_of(p).items() if v or k == "reading"}
            for p in result.config.decisions]


def render_decisions_js(result: Result) -> str:
    """``decisions.js`` beside ``index.html``: the decisions the run was given, which each
    report's export keeps beside the page's own. One file, not a copy in every report, so
    that a decision taken re-renders only the work it changes."""
    return ("/* The decisions this run was given: a report's export keeps them. */\n"
            f"window.reconcileGiven = {json_for_script(given_decisions(result))};\n")


def original_files(result: Result, index: int) -> list[Source]:
    """The files of work ``index`` as read, in the order its witnesses list them: the ``k``
    of ``works/<id>/original/<k>.html``."""
    out: dict[str, Source] = {}
    for e in result.works[index].editions:
        for i in e.files:
            src = result.records[i].witness.source
            out.setdefault(src.id, src)
    return list(out.values())


def render_original(src: Source) -> str:
    """One input file as read (decoded, before cleaning), line by line, for the links from
    a note's ``file:line:column``."""
    return _env().get_template("original.html").render(
        file=src.id, encoding=src.encoding, lines=src.text.split("\n"), lang=_lang(src.text),
        back="../report.html", js=_asset("original.js"))


def render_work_report(result: Result, index: int,
                       originals: Sequence[Source] | None = None,
                       related: dict[str, list[dict[str, Any]]] | None = None) -> str:
    """The review page of work ``index`` (``works/<id>/report.html``); ``originals``: its
    :func:`original_files`, ``related``: :func:`related_of_works`, when the caller has
    them already."""
    w = result.works[index]
    c = result.collated[index]
    text = c.canonical.text
    spans = _paragraph_spans(text, c.canonical.paragraphs)
    starts = [s for s, _ in spans]
    notes = sorted(c.notes, key=lambda n: (n.offset, n.length, n.id))
    witnesses = _witness_rows(result, index)
    records = {e.id: e for e in edition_texts(result.records, w)}
    order = sorted(range(len(notes)), key=lambda i: (not notes[i].review, i))

    # witnesses reading otherwise than the canonical text: the heat view's shade (the
    # apparatus rows themselves are built in the page, from the data block)
    dissent = [sum(len(r.witnesses) for r in n.readings if r.text != n.chosen) for n in notes]
    if originals is None:
        originals = original_files(result, index)
    original = {f.id: k for k, f in enumerate(originals)}
    data = {
        "work": w.id,
        # what the page's decisions are kept under: a new run (other notes, other text) starts
        # clean, the same run reloaded finds them again
        "run": hashlib.sha256(json.dumps([w.id, text, [(n.id, n.chosen) for n in notes]],
                                         ensure_ascii=False).encode()).hexdigest()[:20],
        "witnesses": {r["id"]: {"siglum": r["siglum"], "role": r["role"]} for r in witnesses},
        "order": order,
        "notes": [{"id": n.id, "o": n.offset, "l": n.length, "k": n.kind, "ch": n.chosen,
                   "re": n.reason, "c": n.confidence, "rv": n.review, "b": n.before,
                   "a": n.after, "p": _home(starts, n.offset) + 1,
                   "bk": _bucket(n.confidence),
                   "r": [{"t": r.text, "w": [[x.id, x.line, x.column,
                                                   original.get(x.file, -1)]
                                                  for x in r.witnesses]}
                         for r in n.readings]}
                  for n in notes],
    }
    views = []
    for r in witnesses:
        wit = records.get(r["id"])
        info = c.summary["witnesses"].get(r["id"])
        if wit is None or info is None:
            continue
        views.append({**r, "rows": side_by_side(text, spans, info, wit)})
    default_view = next((v["siglum"] for v in views[1:]),
                        views[0]["siglum"] if views else "")
    kinds = sorted({n.kind for n in notes})
    return _env().get_template("report.html").render(
        css=_asset("style.css"), js=_asset("report.js"), data=json_for_script(data),
        work=w, lang=_lang(text), base=w.copy_text,
        paragraphs=marked_paragraphs(text, spans, notes), spans=spans, notes=notes,
        dissent=dissent, witnesses=witnesses, views=views, default_view=default_view,
        kinds=kinds, buckets=CONFIDENCE_BUCKETS, summary=c.summary, chars=len(text),
        review=sum(1 for n in notes if n.review),
        cov_rows=_coverage_rows(len(text), witnesses, c.summary),
        ticks=_note_ticks(len(text), notes),
        missing=c.summary.get("missing_pages", []),
        related=(related_of_works(result) if related is None else related).get(w.id, []),
        href="", map_id="map")


def related_of_works(result: Result) -> dict[str, list[dict[str, Any]]]:
    """Each work's related pairs as its report lists them, by work id: files of other works
    that share text with it and its own files that share text with another work, each
    with the work of its file. For all works at once: the writer makes it once and hands
    it to every work's task."""
    work_of = {result.records[i].witness.id: w.id for w in result.works for i in w.members}
    got: dict[str, list[dict[str, Any]]] = {}
    for r in result.related:
        row = {**r.to_dict(), "file_work": work_of.get(r.file, "")}
        for wid in dict.fromkeys((row["file_work"], r.work)):
            if wid:
                got.setdefault(wid, []).append(row)
    return got


def render_index(result: Result,
                 related: dict[str, list[dict[str, Any]]] | None = None) -> str:
    """The run's front page (``index.html``): a row per work (its report holds the rest),
    then duplicates and errors. A row is a few hundred bytes, so that the page of an
    archive of 10,000 works still opens."""
    from .output import work_paths  # output imports this module

    works = []
    rel = related_of_works(result) if related is None else related
    for k, w in enumerate(result.works):
        c = result.collated.packed(k)  # its counts: no result is unpacked
        paths = work_paths(w.id)
        works.append({
            "id": w.id, "title": w.title, "report": paths["report"],
            "notes_md": paths["notes_md"], "lang": "zh" if c.cjk else "en",
            "witnesses": len(w.witnesses),
            "roles": sorted(Counter(r.role for r in w.witnesses).items()),
            "chars": c.chars, "notes": c.summary["notes"],
            "review": c.summary["review"],
            "by_kind": sorted(c.summary["by_kind"].items()),
            "missing": len(c.summary.get("missing_pages", [])),
            "related": len(rel.get(w.id, ())),
        })
    return _env().get_template("index.html").render(
        css=_asset("style.css"), works=works, related=len(result.related),
        duplicates=[d.to_dict() for d in result.duplicates],
        errors=[e.to_dict() for e in result.errors],
        files=len(result.records) + len(result.errors))
