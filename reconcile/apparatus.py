"""The apparatus: one note per place where the witnesses differ, and per witness what it
prints, leaves out and adds.

A note gives the place in the canonical text, every reading (the canonical text's first)
with the witnesses that carry it and where (file, line, column of the original file), the
kind of difference, the reading chosen, why, and how sure (a probability). A reading that
is not a variant of the chosen one but a cut (an *omission*) or the witness's own text (an
*addition*, a digest's own wording) is not listed in the note: it is summarised under the
witness, with the stretches of canonical text it prints (``covers``) and what it leaves out
(``omitted``).

Nothing is lost: :func:`rebuild` gives back each witness's text from ``canonical.txt`` and
``notes.json`` alone.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .canonical import OPENING, Rendered
from .choice import Choice, Lone
from .classify import (ADDITION, DELETION, INTRUSION, NOTE_KINDS, OMISSION, PRIORITY,
                       PUNCTUATION, REPETITION, REVISION, SUBSTITUTION, TRANSPOSITION,
                       WHITESPACE, classify)
from .config import Config
from .normalize import key
from .records import by_fields
from .sites import Site, Table
from .tokens import is_cjk_token, sep_key


@by_fields
@dataclass(frozen=True, slots=True)
class WitnessRef:
    id: str  # the witness (edition)
    file: str  # the file of the edition the reading stands in
    line: int
    column: int

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.file != self.id:
            out["file"] = self.file
        out.update(line=self.line, column=self.column)
        return out


@by_fields
@dataclass(frozen=True, slots=True)
class Reading:
    text: str
    witnesses: tuple[WitnessRef, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "witnesses": [w.to_dict() for w in self.witnesses]}


@by_fields
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


class Located:
    """Where each witness's tokens stand in its files: ``place(w, t)`` is (file, line,
    column) of token ``t`` of witness ``w``; ``order(w, t)`` sorts places in the witness."""

    def __init__(self, ids: Sequence[str], locate) -> None:
        self.ids = ids
        self._locate = locate  # (w, text offset) -> (file, file index, line, column)

    def at(self, w: int, offset: int) -> tuple[str, int, int, int]:
        return self._locate(w, offset)

    def ref(self, w: int, offset: int) -> WitnessRef:
        f, _, line, col = self._locate(w, offset)
        return WitnessRef(self.ids[w], f, line, col)


# --- notes --------------------------------------------------------------------------------------


def _context(text: str, s: int, e: int, config: Config) -> tuple[str, str]:
    n = config.context_chars
    return text[max(0, s - n):s], text[e:e + n]


def least_for(digest: bool, config: Config) -> int:
    return config.omission_min_chars if digest else config.omission_min_chars_full


@dataclass(frozen=True, slots=True)
class Placed:
    """A note and, per reader of its site, how that reader's reading was treated."""

    note: Note | None
    aside: dict[int, str]  # witness -> OMISSION / ADDITION: not a variant, summarised
    # the closing mark a reading of nothing was noted after (its readers' own closing mark
    # of it ends their reading): what their punctuation after the site is measured from
    closing: str = ""


def _heads_paragraph(table: Table, w: int, a: int) -> bool:
    """Whether nothing of witness ``w``'s paragraph before its token ``a`` stands in a
    column (a paragraph starts there, or only its own lead-in precedes it)."""
    toks, cols = table.toks[w], table.col_of[w]
    for t in range(a - 1, -1, -1):
        if "\n\n" in toks.trail(t):
            return True
        if cols[t] >= 0:
            return False
    return True


def site_note(work_id: str, table: Table, site: Site, ch: Choice, span: tuple[int, int],
              text: str, loc: Located, digest: Sequence[bool], config: Config,
              taken: set[str], slip: Callable[[str, str], bool], movable: bool = True
              ) -> Placed:
    """The note of a site. A digest's reading that is no misreading of the chosen one (its
    own wording, a word it cut) is set aside as the digest's: not a variant of the text."""
    s, e = span
    readings_of: list[str] = []
    trails: list[str] = []  # what each witness prints after its reading
    goes_on = movable  # every witness prints on along the canonical text after its reading
    for w, (a, b) in zip(site.readers, site.ranges):
        reading = table.reading(w, a, b)
        trails.append("")
        goes_on = goes_on and b < len(table.toks[w]) and table.col_of[w][b] >= 0
        if not ch.text and b > a:
            # where nothing is chosen the place is right after the token before: the
            # reading holds what the witness prints from there
            toks = table.toks[w]
            reading = toks.text[int(toks.end[a - 1]) if a else 0:int(toks.end[b - 1])]
            trails[-1] = toks.trail(b - 1)
        readings_of.append(reading)
    consumed = ""
    if not ch.text:
        # what the witnesses print there after the punctuation that closes the text before
        # (芸造。 the 惑) stands after it, as they print it; where a witness closes its own
        # words with that punctuation too (丯，丯，), the reading ends with it. Not where a
        # witness stops following the canonical text there (its stretch ends before the mark),
        # nor where another site stands at the same place (``movable``: their order holds)
        closing = _closing(text, s)
        if closing and goes_on and all(r.startswith(closing) for r in readings_of if key(r)):
            s = e = s + len(closing)
            consumed = closing
            readings_of = [r[len(closing):] + (closing if t.startswith(closing) else "")
                           if key(r) else r for r, t in zip(readings_of, trails)]
        # and after the mark that opens the text after, where they print that too
        # (辱曰：“古者 against 辱曰：“者: 古 stands after the quotation mark)
        opening = _opening(text, s)
        if opening and goes_on and all(r.startswith(opening) for r in readings_of if key(r)):
            s = e = s + len(opening)
            readings_of = [r[len(opening):] if key(r) else r for r in readings_of]
    before, after = _context(text, s, e, config)
    groups: dict[str, list[WitnessRef]] = {}
    forms: dict[str, Counter[str]] = {}
    aside: dict[int, str] = {}
    kinds: set[str] = set()
    for w, (a, b), reading in zip(site.readers, site.ranges, readings_of):
        k = table.reading_key(w, a, b)
        if k != ch.key:
            kind = classify(ch.text, reading, before, after, least_for(digest[w], config))
            edited = digest[w] and kind not in _SLIPS and not slip(ch.key, k) and \
                not _dropped_in_clause(kind, ch.text, before, after)
            # what a digest prints at the head of its own paragraph, before anything of
            # the text (after its lead-in: "报告指出，要以…"), is its framing
            edited = edited or digest[w] and not ch.text and b > a and \
                kind != INTRUSION and _heads_paragraph(table, w, a)
            if kind in (OMISSION, ADDITION) or (digest[w] and kind == REVISION) or edited:
                aside[w] = OMISSION if not reading.strip() or kind == OMISSION else ADDITION
                continue
            if kind in (WHITESPACE, PUNCTUATION):
                k = ch.key
            else:
                # words unlike each other that the choice took for a misreading (a word no
                # dictionary knows) are noted as one: the note says what was decided
                kinds.add(SUBSTITUTION if kind == REVISION and ch.kind != REVISION else kind)
        off = int(table.toks[w].start[a]) if b > a else _point(table, w, a)
        groups.setdefault(k, []).append(loc.ref(w, off))
        forms.setdefault(k, Counter())[reading] += 1
    if not any(k != ch.key for k in groups):
        return Placed(None, aside)
    readings = [Reading(ch.text, tuple(sorted(groups.get(ch.key, []), key=_ref_key)))]
    for k in sorted(groups, key=lambda k: (-len(groups[k]), k)):
        if k == ch.key:
            continue
        readings.append(Reading(forms[k].most_common(1)[0][0],
                                tuple(sorted(groups[k], key=_ref_key))))
    kind = REVISION if ch.kind == REVISION else _most_telling(kinds)
    nid = note_id(work_id, before, after, taken)
    note = Note(nid, s, e - s, kind, ch.text, tuple(readings), ch.reason, ch.confidence,
                ch.review, before, after)
    return Placed(note, aside, consumed)


# kinds of difference that are slips of the type or the scanner, whoever makes them
_SLIPS = {INTRUSION, REPETITION, TRANSPOSITION, WHITESPACE, PUNCTUATION}


def _dropped_in_clause(kind: str, chosen: str, before: str, after: str) -> bool:
    """One character of a script without spaces missing from a digest between two others:
    editors cut words, clauses and sentences (贯彻落实 / 贯彻), not one character out of a
    word (天下大事 / 天大事). In a spaced script a digest may drop a short word itself."""
    return kind == DELETION and len(chosen) == 1 and is_cjk_token(chosen) and \
        is_cjk_token(before[-1:]) and is_cjk_token(after[:1])


def lone_note(work_id: str, table: Table, ln: Lone, span: tuple[int, int], text: str,
              loc: Located, config: Config, taken: set[str]) -> Note:
    s, e = span
    before, after = _context(text, s, e, config)
    w = ln.witness
    printed = table.reading(w, ln.t0, ln.t1)
    kind = classify(ln.text, printed, before, after)
    if kind not in NOTE_KINDS:
        kind = SUBSTITUTION
    ref = loc.ref(w, int(table.toks[w].start[ln.t0]))
    nid = note_id(work_id, before, after, taken)
    return Note(nid, s, e - s, kind, ln.text, (Reading(ln.text, ()), Reading(printed, (ref,))),
                ln.reason, ln.confidence, not ln.pinned, before, after)


def _point(table: Table, w: int, t: int) -> int:
    """The witness offset where a reading of nothing stands: at the token that follows."""
    toks = table.toks[w]
    if t < len(toks):
        return int(toks.start[t])
    return len(toks.text)


def _ref_key(r: WitnessRef) -> tuple[str, str, int, int]:
    return (r.id, r.file, r.line, r.column)


def _most_telling(kinds: set[str]) -> str:
    for k in PRIORITY:
        if k in kinds:
            return k
    return sorted(kinds)[0] if kinds else SUBSTITUTION


# --- what each witness prints -------------------------------------------------------------------


def witness_summary(table: Table, rendered: Rendered, sites: Sequence[Site],
                    choices: Sequence[Choice], placed: Sequence[Placed],
                    loc: Located, roles: Sequence[str],
                    files: Sequence[Sequence[str]], counts: Sequence[Counter]
                    ) -> dict[str, Any]:
    """Per witness: ``covers`` ([offset, length, file, line, column] of each stretch of
    canonical text it prints, where the stretch starts in its files), ``omitted``
    ([offset, length] of canonical text it does not print), ``additions`` (its own text:
    offset in the canonical text where it stands, text, file, line, column) and
    ``differences`` (counts by kind)."""
    text = rendered.canonical.text
    n_w = len(table.toks)
    # columns each witness must not cover: sites it reads as a cut or its own text, sites
    # it does not read whole
    blocked = [np.zeros(table.n, dtype=bool) for _ in range(n_w)]
    for s, pl in zip(sites, placed):
        readers = set(s.readers)
        for w in range(n_w):
            if w in pl.aside or (w not in readers and table.cover[w, s.start:s.end].any()):
                blocked[w][s.start:s.end] = True
    # a reading of nothing stands right after the text before it, before what follows
    # that text: a stretch that starts at such a place starts there
    starts_at = np.asarray(rendered.col_start).copy()
    for i, site in enumerate(sites):
        span = rendered.site_span.get(i)
        if span is not None:
            starts_at[site.start:site.end] = np.minimum(starts_at[site.start:site.end], span[0])
    out: dict[str, Any] = {}
    for w in range(n_w):
        cells = table.al.cells[w]
        toks = table.toks[w]
        covered = table.cover[w] & ~blocked[w]
        stretches: list[list[int]] = []  # [c0, c1, first token]
        last_tok = -2
        for c in np.flatnonzero(covered).tolist():
            tok = int(cells[c])
            cont = bool(stretches) and stretches[-1][1] == c and (
                tok < 0 or last_tok < 0 or tok == last_tok + 1)
            if cont:
                stretches[-1][1] = c + 1
                if tok >= 0:
                    if stretches[-1][2] < 0:
                        stretches[-1][2] = tok
                    last_tok = tok
                continue
            stretches.append([c, c + 1, tok])
            if tok >= 0:
                last_tok = tok
        covers = []
        used = np.zeros(len(toks), dtype=bool)
        # a reading a note gives for this witness is its text there: no addition as well
        # (a block it moved can put tokens of another column inside its reading)
        for site, pl in zip(sites, placed):
            if pl.note is not None and w in site.readers and w not in pl.aside:
                a, b = site.ranges[site.readers.index(w)]
                used[a:b] = True
        for c0, c1, first in stretches:
            if first < 0:
                continue  # only gaps: nothing of this witness stands there
            got = cells[c0:c1]
            used[got[got >= 0]] = True
            # a stretch can be empty in the canonical text (the witness's tokens there were
            # not chosen): it still holds the place where its notes' readings go
            s = int(starts_at[c0])
            # the stretch holds the punctuation after its last token too
            e = int(rendered.col_start[c1]) if c1 < table.n else len(text)
            e = max(s, e, int(rendered.col_end[c1 - 1]))
            f, _, line, col = loc.at(w, int(toks.start[first]))
            covers.append([s, e - s, f, line, col])
        covers.sort(key=lambda x: (x[0], x[1]))
        for a, b in zip(covers, covers[1:]):
            if a[0] + a[1] > b[0]:  # what follows a stretch is the next one's
                a[1] = max(0, b[0] - a[0])
        # tokens standing in no cover are the witness's own text
        adds = []
        free = np.flatnonzero(~used).tolist()
        runs: list[list[int]] = []
        for t in free:
            if runs and runs[-1][1] == t:
                runs[-1][1] = t + 1
            else:
                runs.append([t, t + 1])
        col_of = table.col_of[w]
        for t0, t1 in runs:
            c = int(col_of[t0])
            anchor = int(rendered.col_start[c]) if c >= 0 else 0
            f, _, line, col = loc.at(w, int(toks.start[t0]))
            adds.append({"offset": anchor, "text": toks.span(t0, t1), "file": f, "line": line,
                         "column": col})
        omitted = _omitted(text, [(c[0], c[0] + c[1]) for c in covers])
        entry: dict[str, Any] = {"role": roles[w]}
        if len(files[w]) > 1 or files[w][0] != loc.ids[w]:
            entry["files"] = list(files[w])
        entry.update(covers=covers, omitted=omitted, additions=adds,
                     differences=dict(sorted(counts[w].items())))
        out[loc.ids[w]] = entry
    return out  # in the work's order of witnesses (the copy-text first), not by name


def _omitted(text: str, spans: Sequence[tuple[int, int]]) -> list[list[int]]:
    out: list[list[int]] = []
    pos = 0
    for s, e in sorted(spans) + [(len(text), len(text))]:
        if s > pos and key(text[pos:s]):
            a, b = pos, s
            while a < b and not text[a].isalnum():
                a += 1
            while b > a and not text[b - 1].isalnum():
                b -= 1
            if b > a:
                out.append([a, b - a])
        pos = max(pos, e)
    return out


def punctuation_count(table: Table, w: int, rendered: Rendered) -> int:
    """Places where the witness punctuates differently from the canonical text, where it
    prints the same tokens."""
    toks = table.toks[w]
    text = rendered.canonical.text
    # as lists: read one element at a time, numpy's scalars cost more than the work
    cells = table.al.cells[w].tolist()
    start, end = rendered.col_start.tolist(), rendered.col_end.tolist()
    n = 0
    for c, t in enumerate(cells):
        if t < 0 or t + 1 >= len(toks):
            continue
        e = end[c]
        nxt = c + 1
        while nxt < table.n and start[nxt] == e and cells[nxt] < 0:
            nxt += 1
        if nxt >= table.n or cells[nxt] != t + 1:
            continue
        mine = sep_key(toks.trail(t))
        theirs = sep_key(text[e:start[nxt]])
        if mine != theirs and mine.replace("¶", "") != theirs.replace("¶", ""):
            n += 1
    return n


def punctuation_notes(work_id: str, table: Table, rendered: Rendered, in_site: np.ndarray,
                      loc: Located, config: Config, taken: set[str],
                      sites: Sequence[Site] = (), placed: Sequence[Placed] = ()
                      ) -> list[Note]:
    """Punctuation-only differences as notes (``list_punctuation``): where a witness prints
    a token of the canonical text, what it prints after it, if that differs. ``placed``:
    each site's note (:func:`site_note`), which may stand past the mark that closes the
    text before it."""
    text = rendered.canonical.text
    n = table.n
    places: dict[tuple[int, int], dict[str, list[WitnessRef]]] = {}
    for w in range(len(table.toks)):
        toks = table.toks[w]
        cells = table.al.cells[w]
        for c in np.flatnonzero((cells >= 0) & ~in_site).tolist():
            s = int(rendered.col_end[c])
            if s <= int(rendered.col_start[c]):
                continue
            e = int(rendered.col_start[c + 1]) if c + 1 < n else len(text)
            if e < s:
                continue
            t = int(cells[c])
            if t + 1 < len(toks):
                # only between the same two tokens: the witness's next token stands where
                # the canonical text goes on
                nxt = int(table.col_of[w][t + 1])
                if nxt < 0 or int(rendered.col_start[nxt]) != e or in_site[nxt]:
                    continue
            mine = toks.trail(t)
            if t + 1 >= len(toks):
                mine = mine.rstrip()
            if sep_key(mine) == sep_key(text[s:e]):
                continue
            ref = loc.ref(w, int(toks.end[t]))
            places.setdefault((s, e), {}).setdefault(mine, []).append(ref)
    # after a site: each reader's punctuation after its reading
    for i, site in enumerate(sites):
        span = rendered.site_span.get(i)
        if span is None:
            continue
        e0 = span[1] if span[1] > span[0] else span[0]
        nxt_start = int(rendered.col_start[site.end]) if site.end < n else len(text)
        s = e0 if span[1] > span[0] else None
        # a reading of nothing noted after the closing mark (site_note): the readings stand
        # after it, each with the closing mark it prints itself
        pl = placed[i] if i < len(placed) else None
        closing = pl.closing if pl is not None and pl.note is not None and s is None else ""
        at = pl.note.offset if closing else span[0]
        for w, (a, b) in zip(site.readers, site.ranges):
            if b <= a:
                continue
            toks = table.toks[w]
            nxt = int(table.col_of[w][b]) if b < len(toks) else -1
            if b < len(toks) and (nxt < 0 or int(rendered.col_start[nxt]) != nxt_start):
                continue
            start = s if s is not None else nxt_start - len(_canon_trail(text, nxt_start))
            mine = toks.trail(b - 1) if b < len(toks) else toks.trail(b - 1).rstrip()
            if closing:
                start = max(start, at)
                mine = mine[len(closing):] if mine.startswith(closing) else mine
            if sep_key(mine) == sep_key(text[start:nxt_start]):
                continue
            places.setdefault((start, nxt_start), {}).setdefault(mine, []).append(
                loc.ref(w, int(toks.end[b - 1])))
    out = []
    for (s, e), readings in sorted(places.items()):
        before, after = _context(text, s, e, config)
        nid = note_id(work_id, before, after, taken)
        rs = [Reading(text[s:e], ())] + [Reading(k, tuple(sorted(v, key=_ref_key)))
                                          for k, v in sorted(readings.items())]
        out.append(Note(nid, s, e - s, PUNCTUATION, text[s:e], tuple(rs),
                        "a difference in punctuation only: the canonical text punctuates as "
                        "most witnesses that print both tokens do", 1.0, False, before, after))
    return out


def _closing(text: str, at: int) -> str:
    """The punctuation that closes the text before ``at`` (no spaces, no opening marks)."""
    i = at
    while i < len(text) and not text[i].isalnum() and not text[i].isspace() and \
            text[i] not in OPENING:
        i += 1
    return text[at:i]


def _opening(text: str, at: int) -> str:
    """The marks that open the text at ``at`` (quotation marks, brackets)."""
    i = at
    while i < len(text) and text[i] in OPENING:
        i += 1
    return text[at:i]


def _canon_trail(text: str, end: int) -> str:
    """The punctuation and spaces that end just before ``end``."""
    i = end
    while i > 0 and not text[i - 1].isalnum():
        i -= 1
    return text[i:end]


def summary_of(notes: Sequence[Note], witnesses: dict[str, Any], punctuation: int
               ) -> dict[str, Any]:
    counts = Counter(n.kind for n in notes)
    return {
        "notes": len(notes),
        "by_kind": dict(sorted(counts.items())),
        "review": sum(1 for n in notes if n.review),
        "punctuation": punctuation,
        "witnesses": witnesses,
    }


def rebuild(canonical: str, notes: dict[str, Any], witness_id: str) -> str:
    """A witness's text from ``canonical.txt`` and ``notes.json`` alone: each covered
    stretch of canonical text with the witness's readings put in, and its additions, in the
    witness's own order (by file, line, column). Equal to the witness's cleaned text in its
    letters and digits.

    A reading goes into the stretch that holds its place in the canonical text; where two
    stretches of the witness hold that place (it prints a passage twice), into the one that
    holds it in the witness (the last stretch starting at or before the reading)."""
    info = notes["summary"]["witnesses"][witness_id]
    order = {f: i for i, f in enumerate(info.get("files", [witness_id]))}

    def at(file: str, line: int, column: int) -> tuple[int, int, int]:
        return (order.get(file, 0), line, column)

    covers = sorted(((off, off + length, at(f, line, column))
                     for off, length, f, line, column in info["covers"]), key=lambda c: c[2])
    mine: list[list[tuple[int, int, tuple[int, int, int], str]]] = [[] for _ in covers]
    for n in notes["notes"]:
        for r in n["readings"]:
            for w in r["witnesses"]:
                if w["id"] != witness_id:
                    continue
                o, L = n["offset"], n["length"]
                pos = at(w.get("file", witness_id), w["line"], w["column"])
                holders = [k for k, (s, e, _) in enumerate(covers) if s <= o and o + L <= e]
                if not holders:
                    continue
                before = [k for k in holders if covers[k][2] <= pos]
                k = before[-1] if before else holders[0]
                mine[k].append((o, L, pos, r["text"]))
    pieces: list[tuple[tuple[int, int, int], int, str]] = []
    for (s, e, pos), got in zip(covers, mine):
        out: list[str] = []
        cur = s
        # at one place, readings in the witness's own order
        for o, L, _, t in sorted(got):
            if o < cur:
                continue
            out.append(canonical[cur:o])
            out.append(t)
            cur = o + L
        out.append(canonical[cur:e])
        pieces.append((pos, 0, "".join(out)))
    for a in info["additions"]:
        pieces.append((at(a.get("file", witness_id), a["line"], a["column"]), 1, a["text"]))
    pieces.sort(key=lambda p: (p[0], p[1]))
    return "".join(p[2] for p in pieces)


def kinds_listed(config: Config) -> tuple[str, ...]:
    return NOTE_KINDS + ((PUNCTUATION,) if config.list_punctuation else ())


__all__ = ["Located", "Note", "Placed", "Reading", "WitnessRef", "kinds_listed",
           "lone_note", "note_id", "punctuation_count", "punctuation_notes", "rebuild",
           "site_note",
           "summary_of", "witness_summary"]
