"""The apparatus: every witness aligned with the canonical text, differences classified and
merged into sites, one note per site listing every reading and who carries it.

Per witness, each difference inside its aligned blocks is classified (classify.py):

- an *omission* (a stretch the witness lacks) opens a hole in what the witness covers, and
  an *addition* (a stretch only it prints) is set aside with the place it stands; both are
  summarised per witness, not listed as notes, and so is a difference at the very edge of a
  block (where the witness starts or stops printing: coverage, not a variant);
- everything else is an *edit*. Edits of all witnesses that overlap make one *site*; an
  insertion belongs to the site whose span holds its point.

A note gives the site's place in the canonical text, each distinct reading (compared in
folded form) with the witnesses that carry it and where (file, line, column of the original
file), the kind, the reading chosen and why. Nothing is lost: :func:`rebuild` gives back each
witness's text over what it covers from ``canonical.txt`` and ``notes.json`` alone.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .align import DELETE, EQUAL, INSERT, Block, Op, align
from .classify import ADDITION, NOTE_KINDS, OMISSION, PRIORITY, PUNCTUATION, WHITESPACE, classify
from .config import Config
from .normalize import fold, key
from .records import Paragraph, Unit, Witness
from .segment import units_of


@dataclass(frozen=True, slots=True)
class Canonical:
    """The canonical text of a work and its paragraphs (``text`` has no final newline)."""

    text: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Cover:
    """A stretch of canonical text a witness prints, from witness offset ``w_start`` on."""

    c_start: int
    c_end: int
    w_start: int


@dataclass(frozen=True, slots=True)
class Addition:
    """Witness text ``[w_start, w_end)`` that the canonical text lacks, standing at canonical
    offset ``anchor``."""

    anchor: int
    w_start: int
    w_end: int


@dataclass(frozen=True, slots=True)
class Edit:
    op: Op
    kind: str


@dataclass(slots=True)
class Collation:
    """One witness against the canonical text."""

    witness: Witness
    blocks: list[Block]
    edits: list[Edit] = field(default_factory=list)
    covers: list[Cover] = field(default_factory=list)
    omitted: list[tuple[int, int]] = field(default_factory=list)
    additions: list[Addition] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def cover_of(self, s: int, e: int) -> Block | None:
        """The block that prints all of canonical ``[s, e]``, or None."""
        if not any(cv.c_start <= s and e <= cv.c_end for cv in self.covers):
            return None
        for b in self.blocks:
            if b.c_start <= s and e <= b.c_end:
                return b
        return None


@dataclass(frozen=True, slots=True)
class WitnessRef:
    id: str
    line: int
    column: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "line": self.line, "column": self.column}


@dataclass(frozen=True, slots=True)
class Reading:
    text: str
    witnesses: tuple[WitnessRef, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "witnesses": [w.to_dict() for w in self.witnesses]}


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    offset: int
    length: int
    kind: str
    chosen: str
    readings: tuple[Reading, ...]
    reason: str
    confidence: float
    review: bool
    before: str
    after: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "offset": self.offset, "length": self.length, "kind": self.kind,
            "chosen": self.chosen, "readings": [r.to_dict() for r in self.readings],
            "reason": self.reason, "confidence": self.confidence, "review": self.review,
            "context": {"before": self.before, "after": self.after},
        }


@dataclass(frozen=True, slots=True)
class Site:
    """A place where at least one witness differs: canonical ``[start, end)``; an empty span
    is a point where text was inserted."""

    start: int
    end: int
    readings: tuple[Reading, ...]  # the canonical reading first, even if no witness has it
    kinds: tuple[str, ...]  # per reading, its kind of difference from the canonical one


def collate(c: Canonical, c_units: Sequence[Unit], witness: Witness, w_units: Sequence[Unit],
            config: Config, role: str = "") -> Collation:
    """Align one witness and sort its differences into edits, omissions and additions. A
    digest abridges, so a word it lacks is an omission; a full printing does not, so only a
    longer stretch is (``omission_min_chars`` against ``omission_min_chars_full``)."""
    col = Collation(witness, align(c.text, c_units, witness.text, w_units, config))
    ctx = config.context_chars
    least = config.omission_min_chars if role == "digest" else config.omission_min_chars_full
    ordered = sorted(col.blocks, key=lambda b: b.w_start)
    for block in ordered:
        cur_c, cur_w = block.c_start, block.w_start
        non_equal = [o for o in block.ops if o.tag != EQUAL]
        for op in non_equal:
            canon = c.text[op.c_start:op.c_end]
            reading = witness.text[op.w_start:op.w_end]
            kind = classify(canon, reading, c.text[max(0, op.c_start - ctx):op.c_start],
                            c.text[op.c_end:op.c_end + ctx], least)
            col.counts[kind] += 1
            edge = (op.c_start == block.c_start and op.w_start == block.w_start) or \
                (op.c_end == block.c_end and op.w_end == block.w_end)
            if op.tag == DELETE and _paragraph_start(c.text, op.c_start) and ENUMERATOR.match(canon):
                kind = OMISSION  # a digest drops the numbering of the sections it keeps
            if kind == OMISSION or kind == ADDITION or (edge and op.tag in (DELETE, INSERT)):
                if op.c_start > cur_c or op.w_start > cur_w:
                    col.covers.append(Cover(cur_c, op.c_start, cur_w))
                if op.c_end > op.c_start:
                    col.omitted.append((op.c_start, op.c_end))
                if reading.strip():
                    col.additions.append(Addition(op.c_start, op.w_start, op.w_end))
                cur_c, cur_w = op.c_end, op.w_end
            elif kind != WHITESPACE:
                col.edits.append(Edit(op, kind))
        if block.c_end > cur_c or block.w_end > cur_w:
            col.covers.append(Cover(cur_c, block.c_end, cur_w))
    # witness text outside every block: unpaired units, headings, framing
    pos = 0
    anchor = min((b.c_start for b in ordered), default=0)
    for block in ordered + [None]:
        end = block.w_start if block is not None else len(witness.text)
        if end > pos and witness.text[pos:end].strip():
            col.additions.append(Addition(anchor, pos, end))
        if block is not None:
            pos = max(pos, block.w_end)
            anchor = block.c_end
    col.omitted = _merge_spans(_uncovered(col.covers, c, config))
    col.covers.sort(key=lambda cv: (cv.c_start, cv.w_start))
    col.additions.sort(key=lambda a: a.w_start)
    return col


# A section number: "（九）", "二、", "3.", "(a)", "IV."
ENUMERATOR = re.compile(
    r"^\s*[（(\[]?\s*(?:\d{1,3}|[一二三四五六七八九十百]{1,4}|[A-Za-z]|[ivxlcIVXLC]{1,6})"
    r"\s*(?:[）)\]][、.．:：]?|[、.．:：])\s*$"
)


def _paragraph_start(text: str, i: int) -> bool:
    return i == 0 or text[max(0, i - 2):i] == "\n\n"


def _uncovered(covers: Sequence[Cover], c: Canonical, config: Config) -> list[tuple[int, int]]:
    """Canonical stretches (with text in them) that no cover holds."""
    spans = sorted((cv.c_start, cv.c_end) for cv in covers)
    out: list[tuple[int, int]] = []
    pos = 0
    for s, e in spans + [(len(c.text), len(c.text))]:
        if s > pos and key(c.text[pos:s]):
            out.append((pos, s))
        pos = max(pos, e)
    return out


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def _w_start(block: Block, s: int) -> int:
    """Witness position at canonical ``s``, before any insertion at ``s``."""
    for op in block.ops:
        if op.c_start == s:
            return op.w_start
        if op.c_start < s < op.c_end:
            return op.w_start + (s - op.c_start) if op.tag == EQUAL else op.w_end
    return block.w_end


def _w_end(block: Block, e: int) -> int:
    """Witness position at canonical ``e``, before any insertion at ``e``."""
    for op in block.ops:
        if op.c_start < e <= op.c_end:
            return op.w_start + (e - op.c_start) if op.tag == EQUAL else op.w_end
    return block.w_start


def _reading(col: Collation, s: int, e: int) -> tuple[int, int] | None:
    """The witness text standing for canonical ``[s, e)`` (a point when ``s == e``), or None
    if the witness does not print that place (or prints there text set aside as its own
    addition, which a reading must not repeat)."""
    block = col.cover_of(s, e)
    if block is None:
        return None
    got = None
    if s == e:
        for op in block.ops:
            if op.tag == INSERT and op.c_start == s:
                got = (op.w_start, op.w_end)
                break
        else:
            p = _w_start(block, s)
            got = (p, p)
    else:
        got = (_w_start(block, s), _w_end(block, e))
    ws, we = got
    if any(a.w_start < we and ws < a.w_end for a in col.additions):
        return None
    return got


def _spans(cols: Sequence[Collation], config: Config) -> list[tuple[int, int]]:
    """Sites: overlapping edits of all witnesses merged; an insertion at point p belongs to a
    span [a, b) when a <= p < b."""
    # every edit shapes the sites, punctuation too even when it is not listed: a witness's
    # edit must lie wholly inside one site for its reading there to be whole
    items = [(ed.op.c_start, ed.op.c_end) for col in cols for ed in col.edits]
    items.sort()
    out: list[list[int]] = []
    for s, e in items:
        if out:
            ls, le = out[-1]
            if (ls == le and s == ls) or (ls < le and s < le):
                out[-1][1] = max(le, e)
                continue
        out.append([s, e])
    return [(s, e) for s, e in out]


def sites(c: Canonical, cols: Sequence[Collation], config: Config) -> list[Site]:
    out: list[Site] = []
    ctx = config.context_chars
    for s, e in _spans(cols, config):
        canon = c.text[s:e]
        groups: dict[str, list[WitnessRef]] = {"".join(fold(canon).split()): []}
        texts: dict[str, str] = {"".join(fold(canon).split()): canon}
        for col in cols:
            got = _reading(col, s, e)
            if got is None:
                continue
            ws, we = got
            text = col.witness.text[ws:we]
            g = "".join(fold(text).split())
            line, column = col.witness.position(ws)
            groups.setdefault(g, []).append(WitnessRef(col.witness.id, line, column))
            texts.setdefault(g, text)
        readings = tuple(Reading(texts[g], tuple(sorted(refs, key=lambda r: r.id)))
                         for g, refs in groups.items())
        before, after = c.text[max(0, s - ctx):s], c.text[e:e + ctx]
        kinds = tuple(classify(canon, r.text, before, after, config.omission_min_chars_full)
                      for r in readings)
        quiet = (WHITESPACE,) if config.list_punctuation else (WHITESPACE, PUNCTUATION)
        if all(k in quiet for k in kinds[1:]) or len(readings) < 2:
            continue
        out.append(Site(s, e, readings, kinds))
    return out


def note_kind(site: Site, config: Config) -> str:
    present = {k for k, r in zip(site.kinds[1:], site.readings[1:]) if r.witnesses}
    for k in PRIORITY:
        if k in present:
            return k
    return sorted(present)[0] if present else PUNCTUATION


def note_id(work_id: str, before: str, after: str, taken: set[str]) -> str:
    """Stable across runs: made from the canonical text around the place, not from its
    offset (an edit elsewhere does not renumber every note) nor from its reading (pinning
    another reading by hand keeps the note's id)."""
    digest = hashlib.sha1(f"{work_id}\x00{before}\x00{after}".encode()).hexdigest()
    nid = f"n{digest[:10]}"
    k = 2
    while nid in taken:
        nid = f"n{digest[:10]}-{k}"
        k += 1
    taken.add(nid)
    return nid


def units_of_canonical(c: Canonical, config: Config) -> list[Unit]:
    return units_of(c.text, c.paragraphs, config, min_chars=1)


def units_of_witness(w: Witness, config: Config) -> list[Unit]:
    """Alignment units: every sentence, however short (fingerprints skip the short ones)."""
    return units_of(w.text, w.paragraphs, config, min_chars=1)


def summary_of(c: Canonical, cols: Sequence[Collation], roles: dict[str, str],
               notes: Sequence[Note]) -> dict[str, Any]:
    wits: dict[str, Any] = {}
    for col in sorted(cols, key=lambda x: x.witness.id):
        w = col.witness
        wits[w.id] = {
            "role": roles.get(w.id, ""),
            "covers": [[cv.c_start, cv.c_end - cv.c_start, *w.position(cv.w_start)]
                       for cv in col.covers],
            "omitted": [[s, e - s] for s, e in col.omitted],
            "additions": [{"offset": a.anchor, "text": w.text[a.w_start:a.w_end],
                           "line": w.position(a.w_start)[0], "column": w.position(a.w_start)[1]}
                          for a in col.additions],
            "differences": dict(sorted(col.counts.items())),
        }
    counts = Counter(n.kind for n in notes)
    return {
        "notes": len(notes),
        "by_kind": dict(sorted(counts.items())),
        "review": sum(1 for n in notes if n.review),
        "punctuation": sum(col.counts.get(PUNCTUATION, 0) for col in cols),
        "witnesses": wits,
    }


def rebuild(canonical: str, notes: dict[str, Any], witness_id: str) -> str:
    """A witness's text over the parts it covers, from ``canonical.txt`` and ``notes.json``
    alone: each covered stretch of canonical text with the witness's readings put in, and
    its additions, in the witness's own order. Equal to the witness's cleaned text in its
    letters and digits; in its punctuation too when punctuation notes were listed."""
    info = notes["summary"]["witnesses"][witness_id]
    mine: list[tuple[int, int, str]] = []
    for n in notes["notes"]:
        for r in n["readings"]:
            if any(w["id"] == witness_id for w in r["witnesses"]):
                mine.append((n["offset"], n["length"], r["text"]))
    mine.sort()
    used: set[int] = set()
    pieces: list[tuple[tuple[int, int], int, str]] = []
    for off, length, line, column in info["covers"]:
        end = off + length
        out: list[str] = []
        pos = off
        for k, (o, L, text) in enumerate(mine):
            if k not in used and off <= o and o + L <= end and o >= pos:
                used.add(k)
                out.append(canonical[pos:o])
                out.append(text)
                pos = o + L
        out.append(canonical[pos:end])
        pieces.append(((line, column), 0, "".join(out)))
    for a in info["additions"]:
        pieces.append(((a["line"], a["column"]), 1, a["text"]))
    pieces.sort(key=lambda p: (p[0], p[1]))
    return "".join(p[2] for p in pieces)


def kinds_listed(config: Config) -> tuple[str, ...]:
    return NOTE_KINDS + ((PUNCTUATION,) if config.list_punctuation else ())
