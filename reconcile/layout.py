"""A work's witnesses laid on its canonical text, for the exports (TEI, CollateX): where each
witness's text runs along the canonical text, what it prints of its own or out of the
canonical order (and where), and the places where any of that starts or stops.

Built from what ``notes.json`` holds, so an export says no more and no less than the notes.
A stretch a witness prints out of the canonical order (a digest that moves a section) is
laid as text of its own where the witness prints it; the canonical text has it as a place
the witness lacks.
"""

from __future__ import annotations

import re
from itertools import accumulate
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class _Placed:
    """What a witness prints, anchored on the canonical text: an in-order stretch
    ``[start, end)``, or text of its own (``text``) standing at ``start``."""

    start: int
    end: int
    text: str | None = None


def _in_order(covers: Sequence[tuple[int, int]]) -> set[int]:
    """Indices of the stretches (in the witness's order) that keep the canonical order: the
    longest run by characters whose spans follow one another."""
    n = len(covers)
    best = [0] * n
    prev = [-1] * n
    for i, (s, e) in enumerate(covers):
        best[i] = e - s
        for j in range(i):
            if covers[j][1] <= s and best[j] + e - s > best[i]:
                best[i], prev[i] = best[j] + e - s, j
    keep: set[int] = set()
    i = max(range(n), key=lambda k: (best[k], -k)) if n else -1
    while i >= 0:
        keep.add(i)
        i = prev[i]
    return keep


def _own_version(canonical: str, s: int, e: int, readings: Sequence[tuple[int, int, str]]) -> str:
    """Canonical ``[s, e)`` as the witness prints it (its readings put in)."""
    out, cur = [], s
    for o, oe, text in sorted(readings):
        if o < cur:
            continue
        out.append(canonical[cur:o])
        out.append(text)
        cur = oe
    out.append(canonical[cur:e])
    return "".join(out)


def _placed(canonical: str, notes: Sequence[dict[str, Any]], info: dict[str, Any], wid: str
            ) -> tuple[list[_Placed], dict[str, bool], set[tuple[str, int, int]]]:
    """What witness ``wid`` prints, in its own order, anchored on the canonical text; for
    each note of no length it reads at an in-order stretch, whether its reading stands at
    the end of the stretch before the place (not at the head of the one after); and the
    notes whose reading it prints only in a stretch out of the canonical order."""
    order = {f: i for i, f in enumerate(info.get("files", [wid]))}
    pieces: list[tuple[tuple[int, int, int], int, Any]] = []
    for off, length, f, line, col in info["covers"]:
        pieces.append(((order.get(f, 0), line, col), 0, (off, off + length)))
    for a in info["additions"]:
        pieces.append(((order.get(a.get("file", wid), 0), a["line"], a["column"]), 1, a))
    pieces.sort(key=lambda p: (p[0], p[1]))
    covers = [(p[2], p[0]) for p in pieces if p[1] == 0]
    # a stretch of no length holds only a reading of nothing in the canonical text: it is
    # written as the witness's own text where it prints it
    keep = {k for k in _in_order([c for c, _ in covers]) if covers[k][0][1] > covers[k][0][0]}
    # each reading goes to the stretch that holds its place in the witness, as rebuild does
    mine: list[list[tuple[int, int, str]]] = [[] for _ in covers]
    at_end: dict[str, bool] = {}
    moved: set[tuple[str, int, int]] = set()  # (note, reading, place) printed out of order
    for n in notes:
        o, L = n["offset"], n["length"]
        for ri, r in enumerate(n["readings"]):
            for wi, w in enumerate(r["witnesses"]):
                if w["id"] != wid:
                    continue
                pos = (order.get(w.get("file", wid), 0), w["line"], w["column"])
                holders = [k for k, ((s, e), _) in enumerate(covers) if s <= o and o + L <= e]
                if not holders:
                    continue
                before = [k for k in holders if covers[k][1] <= pos]
                k = before[-1] if before else holders[0]
                mine[k].append((o, o + L, r["text"]))
                if k not in keep:
                    moved.add((n["id"], ri, wi))
                elif not L and r["text"]:  # a reading of nothing stands anywhere
                    (s, e), _ = covers[k]
                    at_end[n["id"]] = e == o and s < o
    out: list[_Placed] = []
    anchor, k = 0, 0
    for _, is_add, item in pieces:
        if is_add:
            out.append(_Placed(anchor, anchor, item["text"]))
            continue
        s, e = item
        if k in keep:
            out.append(_Placed(s, e))
            anchor = e
        else:  # printed here, out of the canonical order
            out.append(_Placed(anchor, anchor, _own_version(canonical, s, e, mine[k])))
        k += 1
    return out, at_end, moved


@dataclass(frozen=True, slots=True)
class Layout:
    canonical: str
    witnesses: tuple[str, ...]  # ids, as notes.json lists them
    notes: tuple[dict[str, Any], ...]  # readings printed out of the canonical order left out
    covered: dict[str, list[tuple[int, int]]]  # witness -> canonical stretches it prints
    additions: dict[int, dict[str, str]]  # canonical place -> witness -> its own text there
    at_end: dict[str, bool]  # note of no length -> its readings end the stretch before it
    paragraphs: list[tuple[int, int]]
    bounds: list[int]  # every place where a paragraph or a witness's stretch starts or stops

    def covers(self, w: str, a: int, b: int) -> bool:
        # a witness's in-order stretches follow one another along the canonical text
        spans = self.covered[w]
        k = bisect_right(spans, (a, 1 << 62)) - 1
        return k >= 0 and spans[k][0] <= a and b <= spans[k][1]

    def walk(self) -> Iterator[tuple]:
        """The work in canonical order: ``("paragraph", k)`` where paragraph k starts;
        ``("addition", {witness: text})`` where witnesses print text of their own;
        ``("segment", a, b, readers)`` for canonical ``[a, b)`` and the witnesses that print
        it (no witness starts or stops inside it); ``("note", note)`` inside a segment, in
        place, with the canonical text between as ``("text", a, b)``."""
        places = sorted(self.additions)
        done = 0  # additions written so far, in the order of their places

        def additions(upto: float) -> Iterator[tuple]:
            nonlocal done
            while done < len(places) and places[done] <= upto:
                yield ("addition", self.additions[places[done]])
                done += 1

        # every paragraph's edges are bounds: each stretch between two bounds lies inside
        # one paragraph or between two
        pstarts = [ps for ps, _ in self.paragraphs]
        segs: list[tuple[int, int, int]] = []  # (paragraph, a, b), in order
        for x, y in zip(self.bounds, self.bounds[1:]):
            pk = bisect_right(pstarts, x) - 1
            if pk >= 0 and y <= self.paragraphs[pk][1]:
                segs.append((pk, x, y))
        starts = [a for _, a, _ in segs]
        # every note goes to one segment: one of no length at a boundary (or in the gap
        # between paragraphs) to the stretch its readings are in, before or after it
        mine: list[list[dict[str, Any]]] = [[] for _ in segs]
        for n in sorted(self.notes, key=lambda n: (n["offset"], n["length"])) if segs else ():
            o = n["offset"]
            i = bisect_right(starts, o) - 1
            if n["length"]:
                mine[max(i, 0)].append(n)
                continue
            if i >= 0 and o < segs[i][2]:
                if o == segs[i][1] and i > 0 and self.at_end.get(n["id"], False):
                    i -= 1  # at a start: the end of the stretch before
            elif i < 0 or (i + 1 < len(segs) and not self.at_end.get(n["id"], False)):
                i += 1  # past a segment's end: the start of the next
            mine[i].append(n)
        pk = -1
        for i, (k, a, b) in enumerate(segs):
            if k != pk:
                if pk >= 0:
                    yield from additions(a - 1)
                pk = k
                yield ("paragraph", k)
            yield from additions(a)
            yield ("segment", a, b, [w for w in self.witnesses if self.covers(w, a, b)])
            cur = a
            for n in mine[i]:
                o = min(max(n["offset"], a), b)
                e = o + n["length"] if n["length"] else o
                if o > cur:
                    yield ("text", cur, o)
                yield ("note", n)
                cur = max(cur, e)
            if b > cur:
                yield ("text", cur, b)
        if not segs:
            yield ("paragraph", 0)
        yield from additions(float("inf"))


def _sides(notes: list[dict[str, Any]], ends: dict[str, dict[str, bool]]
           ) -> tuple[list[dict[str, Any]], dict[str, bool]]:
    """Notes of no length whose witnesses print their readings on both sides of a stretch
    boundary (one ends a stretch there, another starts one) are parted in two, one for
    each side (the second's id ends in "-2"), so that each witness reads its own where it
    prints it. With each note: whether it stands at the end of the stretch before it."""
    out: list[dict[str, Any]] = []
    at_end: dict[str, bool] = {}
    for n in notes:
        side = ends.get(n["id"], {})
        if not side:
            out.append(n)
            continue
        if all(side.values()) or not any(side.values()):
            at_end[n["id"]] = next(iter(side.values()))
            out.append(n)
            continue
        for nid, end in ((n["id"], True), (n["id"] + "-2", False)):
            other = {w for w, e in side.items() if e != end}
            out.append({**n, "id": nid, "readings": [
                {**r, "witnesses": [w for w in r["witnesses"] if w["id"] not in other]}
                for r in n["readings"]]})
            at_end[nid] = end
    return out, at_end


def layout(notes_doc: dict[str, Any], canonical: str) -> Layout:
    wits = list(notes_doc["summary"]["witnesses"].items())
    notes = list(notes_doc["notes"])
    placed: dict[str, list[_Placed]] = {}
    ends: dict[str, dict[str, bool]] = {}  # note -> witness -> its reading ends a stretch
    moved: set[tuple[str, int, int]] = set()
    for wid, info in wits:
        placed[wid], at, away = _placed(canonical, notes, info, wid)
        for nid, end in at.items():
            ends.setdefault(nid, {})[wid] = end
        moved |= away
    if moved:  # a reading printed out of the canonical order is read there, not here
        notes = [{**n, "readings": [{**r, "witnesses": [
            w for wi, w in enumerate(r["witnesses"]) if (n["id"], ri, wi) not in moved]}
            for ri, r in enumerate(n["readings"])]} for n in notes]
    notes, at_end = _sides(notes, ends)
    spans = sorted((n["offset"], n["offset"] + n["length"]) for n in notes if n["length"])

    def snap(p: int) -> int:
        # a boundary inside a note's span moves to its end: a note is read whole
        k = bisect_right(spans, (p, 1 << 62)) - 1
        while k >= 0 and spans[k][1] > p:
            if spans[k][0] < p:
                return spans[k][1]
            k -= 1
        return p

    reach = list(accumulate((e for _, e in spans), max))  # the furthest end so far
    paras: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", canonical):
        # a note that spans a paragraph break makes the two one (a note is read whole)
        k = bisect_left(spans, (m.start(), -1))
        if paras and k and reach[k - 1] > paras[-1][1]:
            paras[-1] = (paras[-1][0], m.end())
        else:
            paras.append((m.start(), m.end()))
    if not paras:
        paras = [(0, 0)]
    cuts = {x for s, e in paras for x in (s, e)}
    covered: dict[str, list[tuple[int, int]]] = {}
    adds: dict[int, dict[str, str]] = {}
    for wid, _ in wits:
        covered[wid] = []
        for p in placed[wid]:
            if p.text is None:
                s, e = snap(p.start), snap(p.end)
                covered[wid].append((s, e))
                cuts.update((s, e))
            else:
                at = adds.setdefault(snap(p.start), {})
                at[wid] = at.get(wid, "") + p.text
    return Layout(canonical, tuple(w for w, _ in wits), tuple(notes), covered, adds,
                  at_end, paras, sorted(cuts))


__all__ = ["Layout", "layout"]
