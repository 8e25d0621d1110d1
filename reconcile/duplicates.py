"""Text printed more than once: a passage repeated within one file (a layout slip), and a
paragraph printed whole in several files."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .config import Config
from .fingerprint import Fingerprinted
from .group import Place, Work, _UnionFind
from .records import Kind, Match


@dataclass(frozen=True, slots=True)
class Duplicate:
    kind: str  # within-file, across-files
    chars: int
    text: str
    places: tuple[Place, ...]

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "chars": self.chars, "text": self.text,
                "places": [p.to_dict() for p in self.places]}


def _place(rec: Fingerprinted, offset: int) -> Place:
    line, col = rec.witness.position(offset)
    return Place(rec.witness.id, line, col)


def within_file(records: Sequence[Fingerprinted], matches: Sequence[Match],
                config: Config) -> list[Duplicate]:
    """Runs of units a file prints twice: the first printing and the repeat."""
    pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for m in matches:
        if m.a[0] == m.b[0] and m.jaccard >= config.duplicate_min_jaccard:
            first, second = sorted((m.a[1], m.b[1]))
            pairs[m.a[0]].append((first, second))
    out: list[Duplicate] = []
    for w, ps in pairs.items():
        rec = records[w]
        pset = set(ps)
        ps = sorted(pset)
        taken: set[tuple[int, int]] = set()
        for first, second in ps:
            if (first, second) in taken:
                continue
            n = 0
            while (first + n, second + n) in pset and first + n < second:
                taken.add((first + n, second + n))
                n += 1
            a0, a1 = rec.units[first], rec.units[first + n - 1]
            b0 = rec.units[second]
            text = rec.witness.text[a0.start:a1.end]
            chars = sum(u.size for u in rec.units[first:first + n])
            out.append(Duplicate("within-file", chars, text,
                                 (_place(rec, a0.start), _place(rec, b0.start))))
    out.sort(key=lambda d: (d.places[0].file, d.places[0].line, d.places[0].column))
    return out


def repeated_paragraphs(rec: Fingerprinted, matches: Sequence[Match], w: int,
                        config: Config) -> set[int]:
    """Paragraphs of witness ``w`` that wholly repeat an earlier paragraph of it."""
    dup_units: dict[int, set[int]] = defaultdict(set)  # later paragraph -> earlier paragraphs
    covered: dict[int, int] = defaultdict(int)
    for m in matches:
        if m.a[0] == w and m.b[0] == w and m.jaccard >= config.duplicate_min_jaccard:
            first, second = sorted((m.a[1], m.b[1]))
            pf, ps = rec.units[first].paragraph, rec.units[second].paragraph
            if pf < ps:
                covered[second] = rec.units[second].size
                dup_units[ps].add(pf)
    out = set()
    for p in dup_units:
        size = sum(u.size for u in rec.units if u.paragraph == p)
        got = sum(covered[i] for i, u in enumerate(rec.units) if u.paragraph == p)
        if size and got >= 0.9 * size:
            out.add(p)
    return out


def across_files(records: Sequence[Fingerprinted], matches: Sequence[Match],
                 works: Sequence[Work], config: Config) -> list[Duplicate]:
    """Body paragraphs one printing holds twice over its files: printed (almost) whole on
    two of its page files, or in a file that is the same printing saved again. Editions of
    one work that print the same paragraph agree (that is what the tool reconciles), and a
    file of another work that prints it quotes it (``related``): neither is a duplicate."""
    printing: dict[int, tuple[str, str]] = {}  # file -> (work, printing it counts as)
    for work in works:
        first = work.editions[0].id if work.editions else ""
        for e in work.editions:
            # a duplicate file is its original printed again: it counts as the copy-text's
            # printing (the one it duplicates is an edition of the work)
            for f in e.files:
                printing[f] = (work.id, first if e.role == "duplicate" else e.id)
    psize: dict[tuple[int, int], int] = defaultdict(int)
    for w, rec in enumerate(records):
        for u in rec.units:
            psize[(w, u.paragraph)] += u.size
    shared: dict[tuple[tuple[int, int], tuple[int, int]], int] = defaultdict(int)
    for m in matches:
        if m.a[0] != m.b[0] and m.jaccard >= config.duplicate_min_jaccard:
            pa = (m.a[0], records[m.a[0]].units[m.a[1]].paragraph)
            pb = (m.b[0], records[m.b[0]].units[m.b[1]].paragraph)
            shared[(pa, pb)] += records[m.a[0]].units[m.a[1]].size
            shared[(pb, pa)] += records[m.b[0]].units[m.b[1]].size
    nodes = sorted(psize)
    index = {p: i for i, p in enumerate(nodes)}
    uf = _UnionFind(len(nodes))
    linked: set[int] = set()
    for (pa, pb), chars in shared.items():
        if pa < pb and psize[pa] >= 20 and psize[pb] >= 20 \
                and records[pa[0]].witness.paragraphs[pa[1]].kind is Kind.BODY \
                and chars >= 0.9 * psize[pa] and shared.get((pb, pa), 0) >= 0.9 * psize[pb]:
            uf.union(index[pa], index[pb])
            linked.update((index[pa], index[pb]))
    groups: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i in sorted(linked):
        groups[uf.find(i)].append(nodes[i])
    out = []
    for members in groups.values():
        if len({w for w, _ in members}) < 2:
            continue
        held = [printing.get(w) for w, _ in members]
        if len(held) == len(set(held)) or None in held:
            continue  # no printing holds it twice
        w, p = members[0]
        para = records[w].witness.paragraphs[p]
        text = records[w].witness.text[para.start:para.end]
        places = tuple(_place(records[mw], records[mw].witness.paragraphs[mp].start)
                       for mw, mp in members)
        out.append(Duplicate("across-files", psize[(w, p)], text, places))
    out.sort(key=lambda d: (d.places[0].file, d.places[0].line, d.places[0].column))
    return out
