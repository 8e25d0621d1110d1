"""The per-work task: the canonical text, every witness collated with it, the notes.

It needs only the work's own witnesses (and the folder's matches for the base), so works
can be processed independently, one task each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .apparatus import Canonical, Collation, Note, collate, note_id, note_kind, sites, summary_of
from .apparatus import units_of_canonical, units_of_witness
from .config import Config
from .decide import decide
from .duplicates import repeated_paragraphs
from .fingerprint import Fingerprinted
from .group import Work
from .records import Match, Paragraph


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


def process_work(records: Sequence[Fingerprinted], matches: Sequence[Match], work: Work,
                 config: Config) -> WorkResult:
    canonical = draft_canonical(records[work.base], matches, work.base, config)
    c_units = units_of_canonical(canonical, config)
    cols: list[Collation] = [
        collate(canonical, c_units, records[i].witness,
                units_of_witness(records[i].witness, config), config)
        for i in work.members
    ]
    found = sites(canonical, cols, config)
    taken: set[str] = set()
    notes = []
    for site in found:
        d = decide(site)
        ctx = config.context_chars
        before = canonical.text[max(0, site.start - ctx):site.start]
        after = canonical.text[site.end:site.end + ctx]
        nid = note_id(work.id, before, canonical.text[site.start:site.end], after, taken)
        notes.append(Note(nid, site.start, site.end - site.start, note_kind(site, config),
                          d.chosen, site.readings, d.reason, d.confidence, d.review,
                          before, after))
    roles = {r.id: r.role for r in work.witnesses}
    return WorkResult(work, canonical, tuple(notes), summary_of(canonical, cols, roles, notes))
