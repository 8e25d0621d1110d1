"""From unit matches to works: which files are editions of one text, which only quote it.

Coverage is measured in comparison-key characters (no spaces or punctuation), so that a
witness with ASCII commas and one with full-width commas weigh the same.

- Two files are *editions* of one work when the smaller one shares at least
  ``edition_min_coverage`` of its text with the larger; works are the connected components.
- Files of different works that share at least ``related_min_chars`` are *related*.
- Each work's *base* is its most complete witness (most body text). Every other witness is a
  ``duplicate`` (it and another witness cover each other almost wholly), a ``digest`` (its
  paragraphs are shorter than the ones they match: it abridges) or a ``page`` (it prints
  the full text of some part of the work).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .config import Config
from .fingerprint import Fingerprinted
from .normalize import key
from .records import Kind, Match


@dataclass(frozen=True, slots=True)
class Place:
    file: str
    line: int
    column: int

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column}


@dataclass(frozen=True, slots=True)
class WitnessRole:
    id: str
    role: str  # base, page, digest, duplicate
    chars: int  # characters of the cleaned text
    coverage: float  # share of the work's text this witness prints

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "role": self.role, "chars": self.chars, "coverage": self.coverage}


@dataclass(frozen=True, slots=True)
class SharedParagraphs:
    """A paragraph of one witness and a paragraph of another that share text."""

    a: Place
    a_paragraph: int
    b: Place
    b_paragraph: int
    chars: int  # shared comparison characters
    containment: float  # shared / the smaller paragraph

    def to_dict(self) -> dict[str, object]:
        return {"a": {**self.a.to_dict(), "paragraph": self.a_paragraph},
                "b": {**self.b.to_dict(), "paragraph": self.b_paragraph},
                "chars": self.chars, "containment": self.containment}


@dataclass(frozen=True, slots=True)
class Work:
    id: str
    title: str
    members: tuple[int, ...]  # indices into the records, base first
    witnesses: tuple[WitnessRole, ...]
    shared: tuple[SharedParagraphs, ...]

    @property
    def base(self) -> int:
        return self.members[0]


@dataclass(frozen=True, slots=True)
class Passage:
    at: Place
    other: Place
    text: str

    def to_dict(self) -> dict[str, object]:
        return {**self.at.to_dict(), "in": self.other.to_dict(), "text": self.text}


@dataclass(frozen=True, slots=True)
class Related:
    """A file that shares some text with another work, too little to be an edition of it."""

    file: str
    work: str
    other: str
    coverage: float
    chars: int
    passages: tuple[Passage, ...]

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "work": self.work, "with": self.other,
                "coverage": self.coverage, "chars": self.chars,
                "passages": [p.to_dict() for p in self.passages]}


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller index is the root, so components do not depend on merge order
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


@dataclass
class _Tally:
    """Unit-level facts the grouping needs, computed once."""

    sizes: list[list[int]]  # per witness, per unit: key characters
    totals: list[int]  # per witness: key characters of all units
    shared: dict[tuple[int, int], int]  # (a, b): key chars of a's units that b matches
    partners: dict[tuple[int, int], list[tuple[int, int]]]  # unit -> matched units elsewhere
    by_witness: dict[int, list[tuple[int, int]]]  # witness -> its units that have partners

    def partners_of(self, members: Sequence[int]):
        """(unit, partners) for the units of ``members``: linear in the work, not the folder."""
        for w in members:
            for unit in self.by_witness.get(w, ()):
                yield unit, self.partners[unit]


def _tally(records: Sequence[Fingerprinted], matches: Sequence[Match]) -> _Tally:
    sizes = [[u.size for u in r.units] for r in records]
    totals = [sum(s) for s in sizes]
    partners: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for m in matches:
        if m.a[0] != m.b[0]:
            partners[m.a].append(m.b)
            partners[m.b].append(m.a)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for unit, others in partners.items():
        for w in {o[0] for o in others}:
            shared[(unit[0], w)] += sizes[unit[0]][unit[1]]
    by_witness: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for unit in sorted(partners):
        by_witness[unit[0]].append(unit)
    return _Tally(sizes, totals, dict(shared), dict(partners), dict(by_witness))


def coverage_of(t: _Tally, a: int, b: int) -> float:
    """Share of witness ``a``'s text that witness ``b`` also prints."""
    return t.shared.get((a, b), 0) / t.totals[a] if t.totals[a] else 0.0


def _slug(witness_id: str) -> str:
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", witness_id)
    return re.sub(r"[^\w.-]+", "-", stem, flags=re.UNICODE).strip("-.") or "work"


_QUALIFIER = re.compile(r"\s*[（(【\[][^）)】\]]{1,12}[）)】\]]\s*$")


def _first_heading(rec: Fingerprinted) -> str | None:
    w = rec.witness
    for p in w.paragraphs[:3]:
        if p.kind is Kind.HEADING:
            return w.text[p.start:p.end]
    return None


def _title(records: Sequence[Fingerprinted], members: Sequence[int]) -> str:
    """The base's first heading, or a more specific heading of another witness that contains
    it ("2023年政府工作报告（摘登）" for "政府工作报告"), less a trailing bracketed note."""
    heads = [h for h in (_first_heading(records[i]) for i in members) if h]
    base = _first_heading(records[members[0]])
    if base is None:
        if heads:
            base = heads[0]
        else:
            text = records[members[0]].witness.text
            return text[: text.find("\n") if "\n" in text[:40] else 40].strip()
    base_key = key(_QUALIFIER.sub("", base))
    best = _QUALIFIER.sub("", base).strip()
    for h in heads:
        h = _QUALIFIER.sub("", h).strip()
        hk = key(h)
        if base_key in hk and (len(hk), -len(h), h) > (len(key(best)), -len(best), best):
            best = h
    return best


def _roles(records: Sequence[Fingerprinted], t: _Tally, members: list[int],
           config: Config) -> list[str]:
    base = members[0]
    roles = ["base"]
    for w in members[1:]:
        dup = any(
            coverage_of(t, w, x) >= config.duplicate_witness_coverage
            and coverage_of(t, x, w) >= config.duplicate_witness_coverage
            for x in members if x != w and (x == base or members.index(x) < members.index(w))
        )
        if dup:
            roles.append("duplicate")
            continue
        # compare each matched paragraph with the longest paragraph it matches elsewhere
        mine = 0
        theirs = 0
        rec = records[w]
        para_size: dict[int, int] = defaultdict(int)
        para_partner: dict[int, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
        for ui, u in enumerate(rec.units):
            para_size[u.paragraph] += u.size
            for o in t.partners.get((w, ui), ()):
                if o[0] in members:
                    op = records[o[0]].units[o[1]].paragraph
                    para_partner[u.paragraph][(o[0], op)] += u.size
        for p, partners in para_partner.items():
            (ow, op), _ = max(partners.items(), key=lambda kv: (kv[1], kv[0]))
            mine += para_size[p]
            theirs += sum(u.size for u in records[ow].units if u.paragraph == op)
        ratio = mine / theirs if theirs else 1.0
        roles.append("digest" if ratio <= config.digest_max_ratio else "page")
    return roles


def _coverages(t: _Tally, members: list[int]) -> list[float]:
    """Each witness's share of the work: units that match are one stretch of the work, as
    long as the longest of them; a witness covers the stretches it has a unit in."""
    index: dict[tuple[int, int], int] = {}
    for w in members:
        for ui in range(len(t.sizes[w])):
            index[(w, ui)] = len(index)
    uf = _UnionFind(len(index))
    member_set = set(members)
    for unit, others in t.partners_of(members):
        for o in others:
            if o[0] in member_set:
                uf.union(index[unit], index[o])
    weight: dict[int, int] = defaultdict(int)
    holders: dict[int, set[int]] = defaultdict(set)
    for (w, ui), i in index.items():
        root = uf.find(i)
        weight[root] = max(weight[root], t.sizes[w][ui])
        holders[root].add(w)
    total = sum(weight.values()) or 1
    return [round(sum(weight[r] for r, hs in holders.items() if w in hs) / total, 4)
            for w in members]


def _shared_paragraphs(records: Sequence[Fingerprinted], t: _Tally, members: list[int],
                       config: Config) -> list[SharedParagraphs]:
    member_set = set(members)
    tally: dict[tuple[int, int, int, int], int] = defaultdict(int)
    for (w, ui), others in t.partners_of(members):
        p = records[w].units[ui].paragraph
        seen: set[tuple[int, int]] = set()
        for o in others:
            if o[0] in member_set and o[0] > w:
                op = records[o[0]].units[o[1]].paragraph
                if (o[0], op) not in seen:
                    seen.add((o[0], op))
                    tally[(w, p, o[0], op)] += t.sizes[w][ui]
    psize: dict[tuple[int, int], int] = defaultdict(int)
    for w in members:
        for u in records[w].units:
            psize[(w, u.paragraph)] += u.size
    out = []
    for (w, p, ow, op), chars in sorted(tally.items(), key=lambda kv: (records[kv[0][0]].witness.id,
                                                                      kv[0][1],
                                                                      records[kv[0][2]].witness.id,
                                                                      kv[0][3])):
        if chars < config.min_unit_chars:
            continue
        small = min(psize[(w, p)], psize[(ow, op)]) or 1
        out.append(SharedParagraphs(
            _paragraph_place(records[w], p), p, _paragraph_place(records[ow], op), op,
            chars, round(min(1.0, chars / small), 4)))
    return out


def _paragraph_place(rec: Fingerprinted, p: int) -> Place:
    line, col = rec.witness.position(rec.witness.paragraphs[p].start)
    return Place(rec.witness.id, line, col)


def _unit_place(rec: Fingerprinted, ui: int) -> Place:
    line, col = rec.witness.position(rec.units[ui].start)
    return Place(rec.witness.id, line, col)


def _related(records: Sequence[Fingerprinted], matches: Sequence[Match],
             work_of: list[str], config: Config) -> list[Related]:
    """One entry per pair of works that share body text: the file that quotes the larger
    share of itself, the passages it shares, and where the other work prints them. Only
    strong matches of body text count, so stock headings do not make works related."""
    strong: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for m in matches:
        if work_of[m.a[0]] == work_of[m.b[0]] or m.containment < config.related_min_containment:
            continue
        for x, y in ((m.a, m.b), (m.b, m.a)):
            rec = records[x[0]]
            if rec.witness.paragraphs[rec.units[x[1]].paragraph].kind is Kind.BODY:
                strong[(x[0], y[0])].append((x[1], y[1]))
    best: dict[tuple[str, str], tuple[tuple[float, int, str], int, int, int]] = {}
    for (a, b), pairs in strong.items():
        units = {u for u, _ in pairs}
        chars = sum(records[a].units[u].size for u in units)
        total = sum(u.size for u in records[a].units) or 1
        if chars < config.related_min_chars:
            continue
        pair = tuple(sorted((work_of[a], work_of[b])))
        rank = (chars / total, chars, records[a].witness.id)
        if pair not in best or rank > best[pair][0]:
            best[pair] = (rank, a, b, chars)  # type: ignore[assignment]
    out = []
    for (cov, _, _), a, b, chars in best.values():
        rec = records[a]
        partner: dict[int, int] = {}
        for u, o in sorted(strong[(a, b)]):
            partner.setdefault(u, o)
        runs: list[list[int]] = []
        for u in sorted(partner):
            if runs and u == runs[-1][1] + 1:
                runs[-1][1] = u
            else:
                runs.append([u, u])
        passages = tuple(
            Passage(_unit_place(rec, s), _unit_place(records[b], partner[s]),
                    rec.witness.text[rec.units[s].start:rec.units[e].end])
            for s, e in runs
        )
        out.append(Related(rec.witness.id, work_of[b], records[b].witness.id, round(cov, 4),
                           chars, passages))
    out.sort(key=lambda r: (r.file, r.work, r.other))
    return out


def group(records: Sequence[Fingerprinted], matches: Sequence[Match],
          config: Config) -> tuple[list[Work], list[Related]]:
    """Works and related files. ``records`` must be sorted by witness id (the pipeline does
    so), which is what makes the result independent of the order files were found in."""
    t = _tally(records, matches)
    n = len(records)
    uf = _UnionFind(n)
    pairs = sorted({(min(a, b), max(a, b)) for (a, b) in t.shared})
    for a, b in pairs:
        chars = max(t.shared.get((a, b), 0), t.shared.get((b, a), 0))
        cov = max(coverage_of(t, a, b), coverage_of(t, b, a))
        if cov >= config.edition_min_coverage and chars >= config.related_min_chars:
            uf.union(a, b)
    comps: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        comps[uf.find(i)].append(i)

    works: list[Work] = []
    used: set[str] = set()
    drafts = []
    for members in comps.values():
        members.sort(key=lambda i: (-records[i].witness.body_chars(), records[i].witness.id))
        drafts.append(members)
    drafts.sort(key=lambda m: records[m[0]].witness.id)
    work_of = [""] * n
    for members in drafts:
        wid = _slug(records[members[0]].witness.id)
        k = 2
        while wid in used:
            wid = f"{_slug(records[members[0]].witness.id)}-{k}"
            k += 1
        used.add(wid)
        for i in members:
            work_of[i] = wid
        roles = _roles(records, t, members, config)
        covs = _coverages(t, members)
        wits = tuple(
            WitnessRole(records[i].witness.id, role, len(records[i].witness.text), cov)
            for i, role, cov in zip(members, roles, covs)
        )
        works.append(Work(wid, _title(records, members), tuple(members), wits,
                          tuple(_shared_paragraphs(records, t, members, config))))
    return works, _related(records, matches, work_of, config)
