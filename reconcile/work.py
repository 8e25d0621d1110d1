"""The per-work task: the canonical text, every witness collated with it, the notes.

Two passes. The first collates every witness with a draft (the base witness) and decides
each place on evidence, completes the draft with what only other witnesses print, and
corrects lone witnesses where the evidence is strong. The second collates every witness
with that canonical text again, so that the notes, offsets and coverage describe exactly
the text written to ``canonical.txt``, and ``rebuild`` gives back every witness from it.

The task needs only the work's own witnesses and those of related works (for support), so
works can be processed independently, one task each.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from rapidfuzz import fuzz

from .apparatus import Canonical, Collation, Note, Reading, WitnessRef, collate, note_id, note_kind
from .apparatus import sites, summary_of, units_of_canonical, units_of_witness
from .classify import INTRUSION
from .config import Config
from .decide import Decision, Evidence, decide
from .duplicates import repeated_paragraphs
from .fingerprint import Fingerprinted
from .group import Work
from .merge import Change, Rejected, apply, corrections_in, fold_eq, insertions
from .merge import keeps_paragraphs, learned_replacements, lone_corrections
from .normalize import fold, is_cjk, mostly_cjk
from .records import Match, Paragraph, Witness


@dataclass(frozen=True, slots=True, eq=False)
class WorkResult:
    work: Work
    canonical: Canonical
    notes: tuple[Note, ...]
    summary: dict[str, Any]

    def canonical_file(self) -> str:
        return self.canonical.text + "\n" if self.canonical.text else ""

    def notes_dict(self) -> dict[str, Any]:
        return {"work": self.work.id, "notes": [n.to_dict() for n in self.notes],
                "summary": self.summary}


def draft_canonical(rec: Fingerprinted, matches: Sequence[Match], w: int,
                    config: Config) -> Canonical:
    """The base witness less the paragraphs it prints twice."""
    drop = repeated_paragraphs(rec, matches, w, config)
    text = rec.witness.text
    parts: list[str] = []
    paras: list[Paragraph] = []
    pos = 0
    for i, p in enumerate(rec.witness.paragraphs):
        if i in drop:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(text[p.start:p.end])
        paras.append(Paragraph(pos, pos + p.end - p.start, p.kind))
        pos += p.end - p.start
    return Canonical("".join(parts), tuple(paras))


def _collate_all(c: Canonical, witnesses: Sequence[Witness], config: Config,
                 roles: dict[str, str]) -> list[Collation]:
    cu = units_of_canonical(c, config)
    return [collate(c, cu, w, units_of_witness(w, config), config, roles.get(w.id, ""))
            for w in witnesses]


def _same_layout(a: Witness, b: Witness) -> bool:
    """Two prints of one page share their lines, not only their text: another paper's
    printing of the same report breaks its lines and columns elsewhere."""
    la = Counter(ln for ln in (" ".join(fold(x).split()) for x in a.source.text.split("\n")) if ln)
    lb = Counter(ln for ln in (" ".join(fold(x).split()) for x in b.source.text.split("\n")) if ln)
    small = min(sum(la.values()), sum(lb.values()))
    return small > 0 and sum((la & lb).values()) >= 0.8 * small


def _voters(work: Work, witnesses: Sequence[Witness]) -> dict[str, str]:
    """Each witness votes as itself, except a second print of the same page (a duplicate
    with the same layout), which votes as the witness it duplicates."""
    voter = {w.id: w.id for w in witnesses}
    roles = {r.id: r.role for r in work.witnesses}
    originals = [w for w in witnesses if roles.get(w.id) != "duplicate"]
    for w in witnesses:
        if roles.get(w.id) == "duplicate" and originals:
            best = max(originals, key=lambda o: (fuzz.ratio(o.text, w.text), o.id))
            if _same_layout(best, w):
                voter[w.id] = best.id
    return voter


def _context(c: Canonical, s: int, e: int, config: Config) -> tuple[str, str]:
    ctx = config.context_chars
    return c.text[max(0, s - ctx):s], c.text[e:e + ctx]


def process_work(records: Sequence[Fingerprinted], matches: Sequence[Match], work: Work,
                 config: Config, related: Sequence[int] = ()) -> WorkResult:
    """Canonical text and notes of one work. ``related`` are records of related works, read
    only as support for decisions."""
    witnesses = [records[i].witness for i in work.members]
    base = witnesses[0].id
    roles = {r.id: r.role for r in work.witnesses}
    support = {w.id: w.text for w in witnesses}
    support.update({records[i].witness.id: records[i].witness.text for i in related})
    ev = Evidence.build(config, base, roles, _voters(work, witnesses), support)

    # pass 1: decide against the draft, complete it
    draft = draft_canonical(records[work.base], matches, work.base, config)
    cols = _collate_all(draft, witnesses, config, roles)
    first = sites(draft, cols, config)
    changes: list[Change] = []
    rejected: list[Rejected] = []
    for site in first:
        before, after = _context(draft, site.start, site.end, config)
        d = decide(site, ev, before, after, note_id(work.id, before, after, set()))
        current = draft.text[site.start:site.end]
        if not fold_eq(d.chosen, current) and keeps_paragraphs(current, d.chosen):
            changes.append(Change(site.start, site.end, d.chosen, d))
        rejected += [Rejected(r.text, d.chosen, d) for r in site.readings
                     if r.witnesses and not fold_eq(r.text, d.chosen)]
    learned = learned_replacements(first, ev)
    changes += lone_corrections(draft, cols, ev, learned, rejected)
    inserts = [replace(ins, changes=tuple(corrections_in(
        "\n\n".join(ins.paragraphs), [True] * len("\n\n".join(ins.paragraphs)), ev, learned,
        rejected))) for ins in insertions(draft, cols, roles, base, config)]
    canonical, placed = draft, []
    if changes or inserts:
        canonical, placed = apply(draft, changes, inserts, config)
        cols = _collate_all(canonical, witnesses, config, roles)

    # pass 2: the notes, on the final text
    taken: set[str] = set()
    notes: list[Note] = []
    for site in sites(canonical, cols, config):
        before, after = _context(canonical, site.start, site.end, config)
        nid = note_id(work.id, before, after, taken)
        d = _decision_at(site, placed, ev, before, after, nid)
        notes.append(Note(nid, site.start, site.end - site.start, note_kind(site, config),
                          site.readings[0].text, site.readings, d.reason, d.confidence,
                          d.review, before, after))
    notes += _flags(canonical, cols, work, config, taken)
    notes.sort(key=lambda n: (n.offset, n.length, n.id))
    return WorkResult(work, canonical, tuple(notes), summary_of(canonical, cols, roles, notes))


def _decision_at(site, placed: Sequence[tuple[int, int, Decision]], ev: Evidence, before: str,
                 after: str, nid: str) -> Decision:
    """The decision behind the canonical text's reading at a site of the second pass."""
    reading = site.readings[0].text
    for s, e, d in placed:
        if s < site.end and site.start < e or s == e == site.start or (
                site.start == site.end and s <= site.start <= e):
            return Decision(reading, d.reason, d.confidence, d.review)
    d = decide(site, ev, before, after, nid)
    if fold_eq(d.chosen, reading):
        return Decision(reading, d.reason, d.confidence, d.review)
    return Decision(reading, "kept as the canonical text reads; the evidence here points "
                    f"to {d.chosen.strip() or '∅'} ({d.reason})", min(d.confidence, 0.5), True)


# a word with a lower-case letter: "GDP", "RCEP", "5G" are how Chinese text writes them
_FOREIGN = re.compile(r"[ \t]*[A-Za-z]*[a-z][A-Za-z'’-]*[ \t]*")


def _flags(c: Canonical, cols: Sequence[Collation], work: Work, config: Config,
           taken: set[str]) -> list[Note]:
    """Words of another script left inside the text where no witness disagrees and nothing
    in the work says what they stand for: not corrected, but marked for review."""
    if not mostly_cjk(c.text):
        return []
    out = []
    for m in _FOREIGN.finditer(c.text):
        s, e = m.start(), m.end()
        if len(m.group(0).strip()) < 2 or not (
                s > 0 and is_cjk(c.text[s - 1]) and e < len(c.text) and is_cjk(c.text[e])):
            continue
        refs = []
        for col in cols:
            if any(cv.c_start <= s and e <= cv.c_end for cv in col.covers):
                block = col.cover_of(s, e)
                if block is not None:
                    ws = _w_at(block, s)
                    line, column = col.witness.position(ws)
                    refs.append(WitnessRef(col.witness.id, line, column))
        before, after = _context(c, s, e, config)
        nid = note_id(work.id, before, after, taken)
        reading = Reading(m.group(0), tuple(sorted(refs, key=lambda r: r.id)))
        out.append(Note(nid, s, e - s, INTRUSION, m.group(0), (reading,),
                        "a word of another script inside the text, which no witness and no "
                        "other place of the work helps to correct", 0.3, True, before, after))
    return out


def _w_at(block, s: int) -> int:
    for op in block.ops:
        if op.c_start <= s < op.c_end or op.c_start == s:
            return op.w_start + (s - op.c_start if op.tag == "equal" else 0)
    return block.w_start
