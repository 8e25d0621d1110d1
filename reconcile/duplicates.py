"""Text printed more than once: a passage repeated within one file (a layout slip), and a
paragraph printed whole in several files."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .arrays import ranks
from .config import Config
from .fingerprint import Fingerprinted, unit_numbers
from .group import Place, Work, _UnionFind
from .records import Kind, Matches, by_fields


@by_fields
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


def within_file(records: Sequence[Fingerprinted], matches: Matches,
                config: Config) -> list[Duplicate]:
    """Runs of units a file prints twice: the first printing and the repeat."""
    pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    m = matches.where((matches.wa == matches.wb) &
                      (matches.jaccard >= config.duplicate_min_jaccard))
    for w, first, second in zip(m.wa.tolist(), np.minimum(m.ua, m.ub).tolist(),
                                np.maximum(m.ua, m.ub).tolist()):
        pairs[w].append((first, second))
    out = [d for w, ps in pairs.items() for d in _repeats(records[w], ps)]
    out.sort(key=lambda d: (d.places[0].file, d.places[0].line, d.places[0].column))
    return out


def _repeats(rec: Fingerprinted, pairs: Sequence[tuple[int, int]]) -> list[Duplicate]:
    """The runs of a file's repeated units, from its pairs (first unit, repeat)."""
    out: list[Duplicate] = []
    pset = set(pairs)
    taken: set[tuple[int, int]] = set()
    for first, second in sorted(pset):
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
    return out


def _paragraph_overlap(records: Sequence[Fingerprinted], m: Matches
                       ) -> dict[tuple[tuple[int, int], tuple[int, int]], int]:
    """For each pair of paragraphs (file, paragraph) in two files that the matches ``m``
    link: the key characters of the first's units, summed over the matches (a unit matched
    twice counts twice), for all matches at once."""
    if not len(m):
        return {}
    # per unit of the folder: its size, and its paragraph as a number across the folder
    offset, size = unit_numbers(records)
    para_off = np.zeros(len(records) + 1, dtype=np.int64)
    np.cumsum([len(r.witness.paragraphs) for r in records], out=para_off[1:])
    para = np.fromiter((para_off[f] + u.paragraph for f, r in enumerate(records)
                        for u in r.units), dtype=np.int64, count=len(size))
    ua = offset[m.wa] + m.ua
    ub = offset[m.wb] + m.ub
    n = np.int64(para_off[-1])
    # each match both ways round: (paragraph, paragraph) and what the first's unit holds
    got, at = ranks(np.concatenate([para[ua] * n + para[ub], para[ub] * n + para[ua]]))
    chars = np.bincount(at, weights=np.concatenate([size[ua], size[ub]])).astype(np.int64)
    # paragraph numbers back to (file, paragraph)
    file_of = np.searchsorted(para_off, np.concatenate([got // n, got % n]), side="right") - 1
    local = np.concatenate([got // n, got % n]) - para_off[file_of]
    pa = list(zip(file_of[:len(got)].tolist(), local[:len(got)].tolist()))
    pb = list(zip(file_of[len(got):].tolist(), local[len(got):].tolist()))
    return dict(zip(zip(pa, pb), chars.tolist()))


def across_files(records: Sequence[Fingerprinted], matches: Matches,
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
    shared = _paragraph_overlap(records, matches.where(
        (matches.wa != matches.wb) & (matches.jaccard >= config.duplicate_min_jaccard)))
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
