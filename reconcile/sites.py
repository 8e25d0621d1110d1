"""Variation sites: the places of the alignment where the witnesses that print them differ,
each as small as the disagreement.

A column *varies* when the witnesses covering it do not all read the same token there (a gap
is a reading too). Neighbouring varying columns are one site only when one witness departs
from the others in both: ``好不的视频`` / ``好玩的视的`` / ``好玩的机频`` are three sites (不 for
玩, 视 for 机, 的 for 频), each decided on its own, while ``Habit also has`` / ``Habits are
inherited and have`` between two editions is one. In a script that spaces its words,
neighbouring words that every witness prints, each misread by some, are separate sites
too (``feiner Weife`` / ``seiner Weise`` / ``feiner Weist``: two words, each voted on),
unless a transposition joins them. Two sites with one agreeing token between
them are one when a witness's reading across them is the others' in another order (a
transposition, ``东关`` / ``关东``, which the alignment sees as an insertion and a deletion).

A witness's *reading* at a site is its text there as printed, cut from the witness (so it
keeps its own spaces and punctuation inside the site); a witness with only gaps there reads
nothing. Witnesses that do not cover the whole site do not read it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Indel

from .align import ALIKE, Alignment
from .tokens import Tokens, is_cjk_token


@dataclass(frozen=True, slots=True)
class Site:
    """Columns ``[start, end)`` where the witnesses differ. ``readers`` are the witnesses
    covering all of it; ``reading[k]`` is the token range ``(t0, t1)`` of ``readers[k]``
    there (``t0 == t1``: it has nothing there; ``t0`` is then where it would be)."""

    start: int
    end: int
    readers: tuple[int, ...]
    ranges: tuple[tuple[int, int], ...]


class Table:
    """An alignment with the tokens it aligns: what each witness has in each column."""

    def __init__(self, al: Alignment, toks: Sequence[Tokens]) -> None:
        self.al = al
        self.toks = toks
        self.n = al.n_columns
        n_w = len(toks)
        self.cover = np.stack([al.covered(w) for w in range(n_w)]) if n_w else \
            np.zeros((0, self.n), dtype=bool)
        # one id per distinct token key across the work; -1 a gap, -2 not covered
        ids: dict[str, int] = {}
        self.vals = np.full((n_w, self.n), -2, dtype=np.int64)
        # per witness: the column of each token, and for each column the nearest column
        # at or after it (at or before it) where the witness has a token (-1: none)
        self.col_of: list[np.ndarray] = []
        self._next: list[np.ndarray] = []
        self._prev: list[np.ndarray] = []
        cols = np.arange(self.n)
        for w, t in enumerate(toks):
            key_ids = np.fromiter((ids.setdefault(k, len(ids)) for k in t.keys),
                                  dtype=np.int64, count=len(t.keys))
            cells = al.cells[w]
            has = cells >= 0
            row = np.where(self.cover[w], -1, -2)
            row[has] = key_ids[cells[has]]
            self.vals[w] = row
            col_of = np.full(len(t), -1, dtype=np.int64)
            col_of[cells[has]] = cols[has]
            self.col_of.append(col_of)
            prv = np.where(has, cols, -1)
            self._prev.append(np.maximum.accumulate(prv) if self.n else prv)
            nxt = np.where(has, cols, self.n)
            nxt = np.minimum.accumulate(nxt[::-1])[::-1] if self.n else nxt
            self._next.append(np.where(nxt == self.n, -1, nxt))

    def readers_of(self, c0: int, c1: int) -> list[int]:
        return np.flatnonzero(self.cover[:, c0:c1].all(axis=1)).tolist()

    def token_range(self, w: int, c0: int, c1: int) -> tuple[int, int]:
        """The tokens of witness ``w`` in columns ``[c0, c1)``, as a range; where it has none,
        an empty range at the token that follows."""
        cells = self.al.cells[w]
        got = cells[c0:c1]
        got = got[got >= 0]
        if len(got):
            return int(got.min()), int(got.max()) + 1
        nxt = int(self._next[w][c1]) if c1 < self.n else -1
        if nxt >= 0:
            t = int(cells[nxt])
            return t, t
        prv = int(self._prev[w][c0 - 1]) if c0 > 0 else -1
        p = int(cells[prv]) + 1 if prv >= 0 else 0
        return p, p

    def reading(self, w: int, t0: int, t1: int) -> str:
        return self.toks[w].span(t0, t1)

    def reading_key(self, w: int, t0: int, t1: int) -> str:
        return " ".join(self.toks[w].keys[t0:t1])


def site_mask(n: int, sites: Sequence[Site]) -> np.ndarray:
    """Per column, whether it stands in one of ``sites``."""
    m = np.zeros(n, dtype=bool)
    for s in sites:
        m[s.start:s.end] = True
    return m


def varying_columns(t: Table) -> np.ndarray:
    """Columns where the covering witnesses do not all read alike."""
    v = t.vals
    covered = v != -2
    big = np.iinfo(np.int64).max
    lo = np.where(covered, v, big).min(axis=0)
    hi = np.where(covered, v, -3).max(axis=0)
    n_cov = covered.sum(axis=0)
    return (n_cov >= 2) & (lo != hi)


def _deviants(t: Table, c: int) -> set[int]:
    """Witnesses whose reading at column ``c`` is not the most common one (all of them when
    there is no single most common one)."""
    col = t.vals[:, c]
    ws = [w for w in range(len(col)) if col[w] != -2]
    counts = Counter(int(col[w]) for w in ws)
    top = counts.most_common(2)
    if len(top) > 1 and top[0][1] == top[1][1]:
        return set(ws)
    best = top[0][0]
    return {w for w in ws if col[w] != best}


def find_sites(t: Table) -> list[Site]:
    vary = varying_columns(t)
    cols = np.flatnonzero(vary).tolist()
    groups: list[list[int]] = []
    prev_dev: set[int] = set()
    for c in cols:
        dev = _deviants(t, c)
        if groups and groups[-1][-1] == c - 1 and dev & prev_dev and not _apart(t, c - 1, c):
            groups[-1].append(c)
        else:
            groups.append([c])
        prev_dev = dev
    spans = [(g[0], g[-1] + 1) for g in groups]
    spans = _join_transposed(t, spans, 0)
    spans = _join_transposed(t, spans, 1)
    out = []
    for c0, c1 in spans:
        readers = t.readers_of(c0, c1)
        if len(readers) < 2:
            continue
        ranges = tuple(t.token_range(w, c0, c1) for w in readers)
        keys = {t.reading_key(w, a, b) for w, (a, b) in zip(readers, ranges)}
        if len(keys) < 2:
            continue
        out.append(Site(c0, c1, tuple(readers), ranges))
    return out


def _apart(t: Table, c0: int, c1: int) -> bool:
    """Two neighbouring columns are independent places when every witness that covers
    them has a token in each: a word misread beside a word misread, each to be decided on
    its own (a witness with a gap in one of them read the two as one, or reworded them);
    or when a witness with a gap in one prints in the other a word plainly the others'
    ('obtaining' beside a cut 'shall', against 'ohtaining shall')."""
    v = t.vals[:, [c0, c1]]
    covered = np.flatnonzero((v != -2).any(axis=1))
    # characters of a script without spaces are not words: 制造 / 研发 is one word reworded
    if any(is_cjk_token(t.toks[w].keys[t.al.cells[w][c]])
           for w in covered for c in (c0, c1) if t.al.cells[w][c] >= 0):
        return False
    for w in covered:
        if (v[w] >= 0).all():
            continue
        if (v[w] < 0).all():
            return False
        c = c0 if v[w][0] >= 0 else c1
        mine = t.toks[w].keys[t.al.cells[w][c]]
        if len(mine) < 4:
            return False
        alike = False
        for o in covered:
            if o == w or not (v[o] >= 0).all():
                continue  # against the witnesses that print the word it leaves out
            x = t.toks[o].keys[t.al.cells[o][c]]
            near = Indel.normalized_similarity(mine, x)
            # the other prints two tokens where this one prints a word: a word broken in
            # two ('An swer' / 'Answer') is one place
            both = "".join(t.toks[o].keys[t.al.cells[o][k]] for k in (c0, c1))
            if Indel.normalized_similarity(mine, both) >= near:
                return False
            alike = alike or near >= ALIKE
        if not alike or not _cut_only(t, w, c1 if c == c0 else c0, 1 if c == c0 else -1):
            return False
    return True


def _cut_only(t: Table, w: int, c: int, step: int) -> bool:
    """Whether witness ``w``, from its gap at column ``c`` on (in direction ``step``), only
    leaves tokens out until it prints what another witness prints: a cut, not a wording of
    its own ('Habit also has' / 'Habits are inherited and have')."""
    # the witnesses it cut against: those that print the column it leaves out
    against = [o for o in range(t.vals.shape[0]) if o != w and t.vals[o, c] >= 0]
    while 0 <= c < t.n:
        col = t.vals[:, c]
        if col[w] == -2:
            return True
        if col[w] >= 0:
            return any(col[o] == col[w] for o in against)
        c += step
    return True



def _join_transposed(t: Table, spans: list[tuple[int, int]], between: int
                     ) -> list[tuple[int, int]]:
    """Join two sites ``between`` agreeing columns apart when some witness reads their
    columns as the others' tokens in another order (东关 / 关东)."""
    out: list[tuple[int, int]] = []
    for s in spans:
        if out and s[0] - out[-1][1] == between:
            c0, c1 = out[-1][0], s[1]
            if c1 - c0 <= 6 and _is_transposed(t, c0, c1):
                out[-1] = (c0, c1)
                continue
        out.append(s)
    return out


def _is_transposed(t: Table, c0: int, c1: int) -> bool:
    readers = t.readers_of(c0, c1)
    keys = {}
    for w in readers:
        a, b = t.token_range(w, c0, c1)
        keys[w] = t.toks[w].keys[a:b]
    distinct = {tuple(k) for k in keys.values()}
    if len(distinct) < 2:
        return False
    sorted_forms = {tuple(sorted(k)) for k in distinct}
    return len(sorted_forms) == 1


__all__ = ["Site", "Table", "find_sites", "site_mask", "varying_columns"]
