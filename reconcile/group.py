"""From unit matches to works and their witnesses: which files are editions of one text,
which page files make one printing, which files only quote.

Coverage is measured in comparison-key characters (no spaces or punctuation), so that a
witness with ASCII commas and one with full-width commas weigh the same.

- Two files belong to one work when the smaller shares at least ``edition_min_coverage`` of
  its text with the larger, in sentences of comparable size (a short title found inside a
  long sentence is a quotation, not a shared passage), or when page evidence links them
  strongly (see :mod:`reconcile.pages`); works are the connected components. Two pages a
  third file draws different passages from join on any sign of one printing
  (``_bridge``); a page no file shares text with joins the page that names it back
  unrivalled; short files (a line or two) are compared whole, and one still on its own
  joins the short file most like it (``_best_short``).
- Each file is a *digest* (its paragraphs are shorter than the ones they match: it
  abridges) or a full printing of what it prints. Full files that print different parts of
  the work and are linked (by continuation markers, page numbers, a sentence cut at a page
  foot, or only by being in one work) are the pages of one printing; digest files are pages
  of one digest only on evidence of their own. Each printing is one witness, an *edition*;
  a printing of the same pages in the same layout is a *duplicate*.
- The *copy-text* is the most complete edition; it comes first and names the work.
- Files of different works that share at least ``related_min_chars`` are *related*.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol

import numpy as np
from rapidfuzz import fuzz, process

from . import pages
from .arrays import distinct, ranks
from .config import Config
from .fingerprint import Fingerprinted, shingles, unit_numbers
from .normalize import fold, key
from .pool import give_back, jobs_of, shared_map
from .records import Kind, Matches, Witness, by_fields


@by_fields
@dataclass(frozen=True, slots=True)
class Place:
    file: str
    line: int
    column: int

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column}


@by_fields
@dataclass(frozen=True, slots=True)
class WitnessRole:
    """A witness as ``summary.json`` lists it: an edition and its page files in order."""

    id: str
    role: str  # edition, digest, duplicate
    chars: int  # characters of the cleaned text, all pages
    coverage: float  # share of the work's text this witness prints
    files: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()  # the page label of each file ('' unknown)
    ordered_by: str = ""  # what decided the page order
    missing: tuple[pages.Missing, ...] = ()

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"id": self.id, "role": self.role}
        out["files"] = [{"file": f, **({"page": p} if p else {})}
                        for f, p in zip(self.files or (self.id,), self.pages or ("",))]
        if self.ordered_by:
            out["pages_ordered_by"] = self.ordered_by
        if self.missing:
            out["missing_pages"] = [{"page": m.page, "side": m.side,
                                     "named_by": {"file": m.file, "line": m.line,
                                                  "column": m.column}}
                                    for m in self.missing]
        out.update(chars=self.chars, coverage=self.coverage)
        return out


@by_fields
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


@by_fields
@dataclass(frozen=True, slots=True)
class Edition:
    """A witness of a work: one printing, made of one or more page files in page order."""

    id: str  # the witness's id: its first page file's path
    files: tuple[int, ...]  # indices into the records, in page order
    role: str  # edition, digest, duplicate


@by_fields
@dataclass(frozen=True, slots=True)
class Work:
    id: str
    title: str
    members: tuple[int, ...]  # indices into the records, the copy-text's files first
    witnesses: tuple[WitnessRole, ...]
    shared: tuple[SharedParagraphs, ...]
    editions: tuple[Edition, ...] = ()  # the copy-text first

    @property
    def copy_text(self) -> str:
        """The witness the canonical text follows where nothing else decides: the first,
        the most complete full printing."""
        return self.witnesses[0].id if self.witnesses else ""


@by_fields
@dataclass(frozen=True, slots=True)
class Passage:
    at: Place
    other: Place
    text: str

    def to_dict(self) -> dict[str, object]:
        return {**self.at.to_dict(), "in": self.other.to_dict(), "text": self.text}


@by_fields
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
        # Passage.to_dict written out: summary.json and every report list every pair's
        # passages (tens of thousands at 1,000 works)
        return {"file": self.file, "work": self.work, "with": self.other,
                "coverage": self.coverage, "chars": self.chars,
                "passages": [{"file": p.at.file, "line": p.at.line, "column": p.at.column,
                              "in": {"file": p.other.file, "line": p.other.line,
                                     "column": p.other.column}, "text": p.text}
                             for p in self.passages]}


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


@dataclass(frozen=True)
class _Comparable:
    """What two files share in units of like size, for each pair of files once (``lo <
    hi``), as arrays: the key characters of ``lo``'s units that ``hi`` matches (``lo_chars``)
    and the other way round (``hi_chars``), and the more sentences those units end of the
    two (a sentence cut into clauses is one). Arrays, not a dict a pair each way: at 10,000
    works the folder has 1.65 M such pairs, and two dicts of them were 0.5 GB."""

    lo: np.ndarray
    hi: np.ndarray
    lo_chars: np.ndarray
    hi_chars: np.ndarray
    units: np.ndarray


class _Sharing(Mapping[int, frozenset[int]]):
    """File -> the other files it shares a unit with, each set made when asked from one
    array of the pairs (a frozenset held for every file was 133 MB at 10,000 works, the
    array 13 MB)."""

    def __init__(self, pairs: np.ndarray, n_files: int) -> None:
        # ``pairs``: a * n_files + b for each pair, sorted
        self._other = pairs % n_files
        self._start = np.searchsorted(pairs // n_files, np.arange(n_files + 1)).tolist()
        self._files = [w for w in range(n_files) if self._start[w] < self._start[w + 1]]

    def __getitem__(self, w: int) -> frozenset[int]:
        lo, hi = (self._start[w], self._start[w + 1]) if 0 <= w < len(self._start) - 1 \
            else (0, 0)
        if lo == hi:
            raise KeyError(w)
        return frozenset(self._other[lo:hi].tolist())

    def __iter__(self) -> Iterator[int]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


@dataclass
class _Tally:
    """Unit-level facts the grouping needs, computed once."""

    sizes: list[list[int]]  # per file, per unit: key characters
    totals: list[int]  # per file: key characters of all units
    # every pair of files that share text, both ways round, as a * (number of files) + b,
    # sorted, and the key characters of a's units that b matches: arrays (a dict of them
    # was 0.38 GB at 10,000 works' 1.66 M pairs, the largest thing the tally held)
    pairs: np.ndarray
    chars: np.ndarray
    comparable: _Comparable  # the same, only matches of units of like size, by pair
    partners: dict[tuple[int, int], list[tuple[int, int]]]  # unit -> matched units elsewhere
    by_witness: dict[int, list[tuple[int, int]]]  # witness -> its units that have partners
    files_sharing: _Sharing  # witness -> the other files it shares a unit with

    def share(self, a: int, b: int) -> int:
        """Key characters of file ``a``'s units that file ``b`` matches."""
        k = a * len(self.totals) + b
        i = int(np.searchsorted(self.pairs, k))
        return int(self.chars[i]) if i < len(self.pairs) and self.pairs[i] == k else 0

    def shares(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """:meth:`share` of each pair ``(a[i], b[i])``."""
        k = a * len(self.totals) + b
        if not len(self.pairs):
            return np.zeros(len(k), dtype=np.int64)
        i = np.minimum(np.searchsorted(self.pairs, k), len(self.pairs) - 1)
        return np.where(self.pairs[i] == k, self.chars[i], 0)

    def coverages(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """:func:`coverage_of` of each pair ``(a[i], b[i])``, to the bit."""
        return _coverage(self.shares(a, b), np.asarray(self.totals, dtype=np.int64)[a])

    def partners_of(self, members: Sequence[int]):
        """(unit, partners) for the units of ``members``: linear in the work, not the folder."""
        for w in members:
            for unit in self.by_witness.get(w, ()):
                yield unit, self.partners[unit]


def _sentence_ids(rec: Fingerprinted) -> list[int]:
    """The sentence each unit belongs to, numbered from 0 (a long sentence is cut at its
    clauses into several units; the segmenter marks the last)."""
    out, sid = [], 0
    for u in rec.units:
        out.append(sid)
        sid += u.ends
    return out


def _shares(records: Sequence[Fingerprinted], ends: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, _Comparable]:
    """From the matches across files (``ends``: a's file and unit, b's, a row each), for each
    pair of files (a, b): the key characters of a's units that b matches (the pairs as ``a *
    files + b``, in order, and the characters); the same for units of like size, and how
    many sentences those end (:class:`_Comparable`). Counted for all matches at once (with
    a loop a unit the tally took 12.8 s at 10,000 works, now 9.4 s).

    A unit shares with a file at most what its partners there hold: a sentence that
    contains a shorter one ("Brief, sagte Charlotte." / "sagte Charlotte.") shares that
    much of itself, not all of it (partners there are different units: the same sentence
    cut in two elsewhere). A unit matched inside one four times its size is quoted, not
    shared. A sentence counts where its last piece is matched: one whose first clauses
    alone match is a formula's opening, which two works share more often than not
    (counting any piece cost 0.005 of precision at 10,000 works)."""
    none = np.zeros(0, dtype=np.int64)
    if not len(ends):
        return none, none, _Comparable(none, none, none, none, none)
    offset, size = unit_numbers(records)
    n_files = np.int64(len(records))
    # each match both ways round: the unit, the partner's file, the two units' sizes; the
    # arrays are let go as soon as they are used (3.4 M rows each at 10,000 works: kept all
    # at once they were the run's largest moment)
    unit = np.concatenate([offset[ends[:, 0]] + ends[:, 1], offset[ends[:, 2]] + ends[:, 3]])
    theirs = size[np.concatenate([offset[ends[:, 2]] + ends[:, 3],
                                  offset[ends[:, 0]] + ends[:, 1]])]
    mine = size[unit]
    # per unit and other file: what its partners there hold (at most the unit), and
    # whether one of them is of like size
    group, at = ranks(unit * n_files + np.concatenate([ends[:, 2], ends[:, 0]]))
    del unit
    held = np.bincount(at, weights=theirs).astype(np.int64)
    like = np.bincount(at, weights=(4 * np.minimum(mine, theirs) >=
                                    np.maximum(mine, theirs)).astype(np.float64)) > 0
    del at, theirs, mine
    g_unit = group // n_files
    g_other = group % n_files
    del group
    g_file = np.searchsorted(offset, g_unit, side="right") - 1
    held = np.minimum(held, size[g_unit])

    def summed(keep: np.ndarray | None, *values: np.ndarray) -> tuple[np.ndarray, ...]:
        """The pairs (a * n_files + b, in order) and, for each of ``values``, its sums."""
        if keep is None:
            pairs, at = ranks(g_file * n_files + g_other)
            return pairs, *(np.bincount(at, weights=v, minlength=len(pairs)).astype(np.int64)
                            for v in values)
        pairs, at = ranks(g_file[keep] * n_files + g_other[keep])
        return pairs, *(np.bincount(at, weights=v[keep], minlength=len(pairs)).astype(np.int64)
                        for v in values)
    keys, shared = summed(None, held)
    last = np.fromiter((u.ends for r in records for u in r.units), dtype=np.int64,
                       count=int(offset[-1]))
    pairs, chars, units = summed(like, held, last[g_unit])
    del g_unit, g_other, g_file, held, like, last
    a, b = pairs // n_files, pairs % n_files
    both, at = ranks(np.minimum(a, b) * n_files + np.maximum(a, b))
    lo_chars, hi_chars, most = (np.zeros(len(both), dtype=np.int64) for _ in range(3))
    first = a < b  # the pair's lower file's share of the other, else the higher's
    lo_chars[at[first]] = chars[first]
    hi_chars[at[~first]] = chars[~first]
    np.maximum.at(most, at, units)
    return keys, shared, _Comparable(both // n_files, both % n_files, lo_chars, hi_chars, most)


def _partner_lists(m: Matches) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """unit -> the units it matches in other files, in the order of the matches: sorted for
    all matches at once, then cut into one list per unit (a loop over 1.7 M match objects
    at 10,000 works took 9 s). Each unit is one tuple, whatever lists hold it (a tuple per
    mention was 0.35 GB at 10,000 works)."""
    n = len(m)
    # each match both ways round, its units as one number each
    src = np.concatenate([m.wa << 32 | m.ua, m.wb << 32 | m.ub])
    dst = np.concatenate([m.wb << 32 | m.ub, m.wa << 32 | m.ua])
    held, src_at = ranks(src)  # the units with partners: both ends of every match
    units = list(zip((held >> 32).tolist(), (held & 0xFFFFFFFF).tolist()))
    # by unit, then by match (a unit's partners as the matches name them, either end)
    order = np.lexsort((np.concatenate([np.arange(n), np.arange(n)]), src_at))
    partners = [units[i] for i in np.searchsorted(held, dst[order]).tolist()]
    start = np.searchsorted(src_at[order], np.arange(len(units))).tolist()
    return {u: partners[a:b] for u, a, b in zip(units, start, start[1:] + [len(partners)])}


def _tally(records: Sequence[Fingerprinted], matches: Matches) -> _Tally:
    sizes = [[u.size for u in r.units] for r in records]
    totals = [sum(s) for s in sizes]
    across = matches.where(matches.wa != matches.wb)
    # the shares first: their temporaries are the tally's largest moment, best had before
    # the partner lists are made (at 10,000 works 0.14 GB less at the peak)
    pairs, chars, comparable = _shares(
        records, np.stack([across.wa, across.ua, across.wb, across.ub], axis=1))
    partners = _partner_lists(across)
    del across
    by_witness: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for unit in partners:  # in order: the lists are made by unit
        by_witness[unit[0]].append(unit)
    # partners are always in another file
    return _Tally(sizes, totals, pairs, chars, comparable, partners, dict(by_witness),
                  _Sharing(pairs, len(records)))


def _partners(t: _Tally, w: int) -> frozenset[int]:
    """The files that share a unit with file ``w``."""
    return t.files_sharing.get(w, frozenset())


#: A third file links two pages when it draws at least this share of its text from each.
_LINK_SHARE = 0.1


def _draws(t: _Tally, c: int, x: int, config: Config) -> bool:
    """Whether file ``c`` draws enough of its text from ``x`` to tie ``x`` to another file
    it draws from: a tenth of it, and a sentence's worth (a phrase of a few characters two
    works share by chance is a tenth of a file of a line or two: in a folder of thousands
    of works such a file "draws from" scores of them)."""
    return coverage_of(t, c, x) >= _LINK_SHARE and \
        t.share(c, x) >= config.related_min_chars


def _shares_page(t: _Tally, x: int, c: int) -> bool:
    """Whether file ``c`` prints a share of page ``x``'s text (a long digest quoting a
    sentence of a short page)."""
    return coverage_of(t, x, c) >= _LINK_SHARE


def _draws_from_both(t: _Tally, c: int, a: int, b: int, config: Config) -> bool:
    """Whether file ``c`` prints text of both ``a`` and ``b``: enough of each, and as much
    of the two together as an edition shares."""
    return _draws(t, c, a, config) and _draws(t, c, b, config) and \
        coverage_of(t, c, a) + coverage_of(t, c, b) >= config.edition_min_coverage


def _prints_both(t: _Tally, a: int, b: int, config: Config, uf: _UnionFind,
                 pages_share: bool = False) -> bool:
    """Whether a third file prints text of both ``a`` and ``b``: it draws enough of its own
    text from each, or (``pages_share``) prints enough of each page's; and not only what
    the other's work already holds (:func:`_explained`)."""
    for c in sorted(_partners(t, a) & _partners(t, b)):
        if _draws_from_both(t, c, a, b, config) or pages_share and \
                _shares_page(t, a, c) and _shares_page(t, b, c):
            units = _units_drawn(t, c)
            if not (_explained(t, c, units[b], a, b, uf) or
                    _explained(t, c, units[a], b, a, uf)):
                return True
    return False


def _units_drawn(t: _Tally, c: int) -> dict[int, dict[int, int]]:
    """For each file that shares text with ``c``: the units of ``c`` it prints, with their
    sizes."""
    units: dict[int, dict[int, int]] = defaultdict(dict)
    for u in t.by_witness.get(c, ()):
        for o in t.partners[u]:
            units[o[0]][u[1]] = t.sizes[c][u[1]]
    return units


def _explained(t: _Tally, c: int, drawn: dict[int, int], a: int, b: int,
               uf: _UnionFind) -> bool:
    """Whether most of what ``c`` draws from ``b`` (``drawn``: c's units that ``b`` prints,
    with their sizes) is printed by a file already of ``a``'s work: then ``c`` quotes
    ``a``'s work, and ``b`` merely shares those passages with it (two works with a
    paragraph in common), which says nothing of ``b`` being another part of ``a``'s
    printing. Unless ``b`` itself is mostly printed by ``a``'s work: a page too short for
    text to join it (a line carried over) whose text another printing of the work holds.
    At 10,000 generated works this removed 3 of 4 false unions."""
    root = uf.find(a)

    def held(w: int, units: Iterable[tuple[int, int]], skip: tuple[int, ...]) -> int:
        return sum(n for u, n in units if any(
            o[0] not in skip and uf.find(o[0]) == root for o in t.partners[(w, u)]))
    if 2 * held(c, drawn.items(), (b, c)) <= sum(drawn.values()):
        return False
    own = [(u[1], t.sizes[b][u[1]]) for u in t.by_witness.get(b, ())]
    return 2 * held(b, own, (b, c)) <= t.totals[b]


def _near(t: _Tally, config: Config) -> Callable[[int], set[int]]:
    """``near(a)``: the files ``b`` that a third file could tie to ``a`` as
    :func:`_prints_both` asks, that is a file ``c`` that draws a sentence's worth of its
    text from each, or that prints a share of each's text. A superset of what it finds,
    from two indexes of each file's qualifying partners, not every file two steps away."""
    draws: dict[int, list[int]] = defaultdict(list)  # c -> files it draws from
    printed: dict[int, list[int]] = defaultdict(list)  # c -> files it prints a share of
    # every pair of files that share text, both ways round, in order: _shares_page(x, c)
    # and _draws(c, x) for all at once (one call each a pair took 5 s at 10,000 works)
    x, c = np.divmod(t.pairs, len(t.totals))
    back = t.shares(c, x)
    for index, ok in ((printed, _coverage(t.chars, _totals(t)[x]) >= _LINK_SHARE),
                      (draws, (_coverage(back, _totals(t)[c]) >= _LINK_SHARE) &
                       (back >= config.related_min_chars))):
        for xi, ci in zip(x[ok].tolist(), c[ok].tolist()):
            index[ci].append(xi)
    tied: dict[int, list[list[int]]] = defaultdict(list)  # file -> the lists it is in
    for index in (draws, printed):
        for members in index.values():
            for x in members:
                tied[x].append(members)
    memo: dict[int, set[int]] = {}

    def near(i: int) -> set[int]:
        got = memo.get(i)
        if got is None:
            got = memo[i] = set().union(*tied.get(i, ()))
        return got
    return near


def coverage_of(t: _Tally, a: int, b: int) -> float:
    """Share of witness ``a``'s text that witness ``b`` also prints."""
    return t.share(a, b) / t.totals[a] if t.totals[a] else 0.0


def _totals(t: _Tally) -> np.ndarray:
    return np.asarray(t.totals, dtype=np.int64)


def _coverage(chars: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """``chars / totals`` (0 where a file has no text), as :func:`coverage_of` divides."""
    return np.divide(chars, totals, out=np.zeros(len(chars)), where=totals > 0)


def _same_short_text(ka: str, kb: str, config: Config) -> bool:
    """Two short files (a line or two; ``ka``, ``kb`` their comparison texts) that share a
    unit are one text when their whole texts are alike character by character: the
    readings of one line cut into sentences differently (``ist-;`` read as a full stop)
    match unit by unit only in part."""
    if min(len(ka), len(kb)) < config.min_unit_chars:
        return False
    short, long_ = sorted((ka, kb), key=len)
    return 2 * len(short) >= len(long_) and \
        fuzz.ratio(short, long_) / 100 >= config.match_char_similarity


#: A work id names a folder: at most this many bytes of UTF-8 (a file name may hold 255).
_ID_BYTES = 96


def _slug(witness_id: str) -> str:
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", witness_id)
    slug = re.sub(r"[^\w.-]+", "-", stem, flags=re.UNICODE).strip("-.") or "work"
    if len(slug.encode("utf-8")) <= _ID_BYTES:
        return slug
    # a long (nested, CJK) path: its start, and a hash of the whole to keep ids apart
    digest = hashlib.sha1(slug.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    head = slug.encode("utf-8")[:_ID_BYTES - 11].decode("utf-8", "ignore").rstrip("-.")
    return f"{head}-{digest}"


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


#: A digest is measured against the fullest printing it shares at least this share of
#: what it shares most with.
_ABRIDGES_SHARE = 0.5


def _abridges(records: Sequence[Fingerprinted], t: _Tally, printing: Sequence[int],
              others: Sequence[Sequence[int]], config: Config,
              incomplete: Sequence[bool] = ()) -> bool:
    """Whether a printing (its files in page order) is a digest of one of ``others``: it
    prints at most ``digest_max_ratio`` as much text as that printing, and its stretch of
    text over the passages they share is at most that ratio of that printing's stretch
    over them. Measured on text, not paragraphs, so that a layout with a paragraph per
    line is no digest; measured against whole printings, so that a digest of a report
    printed over pages is no full text beside one of its pages. Against a printing that
    lacks a page its markers name (``incomplete``) only the stretch counts: the digest may
    print more in all, from the lost page."""
    where: dict[int, int] = {}  # file -> the other printing it belongs to
    for k, g in enumerate(others):
        for f in g:
            where[f] = k
    offset: dict[int, int] = {}  # file -> where its units start in its printing
    for g in others:
        at = 0
        for f in g:
            offset[f] = at
            at += len(t.sizes[f])
    drawn: dict[int, list[int]] = defaultdict(list)  # other printing -> units w prints
    mine: dict[int, int] = defaultdict(int)  # other printing -> w's key chars matched there
    last: dict[int, int] = {}  # other printing -> where the previous unit matched there
    single: dict[int, list[int]] = defaultdict(list)  # the same, units matched in one place
    for w in printing:
        for ui in range(len(t.sizes[w])):
            at: dict[int, list[int]] = defaultdict(list)
            for o in t.partners.get((w, ui), ()):
                k = where.get(o[0])
                if k is not None:
                    at[k].append(offset[o[0]] + o[1])
            for k, places in at.items():
                # a short sentence printed in two places counts where the text around
                # it is, not at the far one (which would stretch the span)
                near = min(places, key=lambda p: (abs(p - last.get(k, -1) - 1), p))
                drawn[k].append(near)
                if len(places) == 1:
                    single[k].append(near)
                last[k] = near
                mine[k] += t.sizes[w][ui]
    if not drawn:
        return False
    # the fullest printing among those it shares much of its text with: measured against
    # another digest of the same passages (with which it may share the most) a digest is
    # no shorter, against the printing they abridge it is
    most = max(mine.values())
    mine_set = set(printing)

    def size(k: int) -> int:
        return sum(t.totals[f] for f in others[k])
    k = max((k for k in drawn if mine[k] >= _ABRIDGES_SHARE * most), key=lambda k: (size(k), -k))
    # a digest prints less than its source, in all as well as over the passages they
    # share (two OCR readings of one page differ in size by their slips only)
    if not (incomplete and incomplete[k]) and \
            sum(t.totals[f] for f in printing) > config.digest_max_ratio * size(k):
        return False
    units = [(f, ui) for f in others[k] for ui in range(len(t.sizes[f]))]
    # that printing's stretch over them, a passage it prints twice counted once; bounded
    # by the units found in one place only (a phrase found in several does not say where
    # the stretch begins)
    ends = single[k] or drawn[k]
    span, had = 0, set()
    for f, ui in units[min(ends):max(ends) + 1]:
        mates = {x for x in t.partners.get((f, ui), ()) if x[0] in mine_set}
        if mates and mates <= had:
            continue
        had |= mates
        span += t.sizes[f][ui]
    # the printing's own stretch over the same passages: its paragraphs that print
    # something of that one, whole (its OCR slips, which make some of its sentences
    # fail to match, do not shorten it; a paragraph of its own, which the other does
    # not print at all, is no part of the stretch it abridges)
    theirs = set(others[k])
    length = 0
    for w in printing:
        us = records[w].units
        own = [ui for ui in range(len(us)) if any(
            x[0] in theirs for x in t.partners.get((w, ui), ()))]
        paras = {us[ui].paragraph for ui in own}
        length += sum(t.sizes[w][ui] for ui in range(len(us)) if us[ui].paragraph in paras)
    return length / (span or 1) <= config.digest_max_ratio


def layout_lines(w: Witness) -> Counter[str]:
    """The lines of a file as printed (folded, spacing squeezed), counted."""
    out: Counter[str] = Counter()
    for ln in w.source.text.split("\n"):
        f = " ".join(fold(ln).split())
        if f:
            out[f] += 1
    return out


def layout_overlap(a: Counter[str], b: Counter[str]) -> tuple[int, int]:
    """Lines two layouts share, and the line count of the smaller."""
    return sum((a & b).values()), min(sum(a.values()), sum(b.values()))


def _same_layout(a: Fingerprinted, b: Fingerprinted) -> bool:
    """Two prints of one page share their lines, not only their text: another paper's
    printing of the same report breaks its lines elsewhere, and two OCR engines read the
    same lines differently."""
    same, small = layout_overlap(layout_lines(a.witness), layout_lines(b.witness))
    return small > 0 and same >= 0.8 * small


def _coverages(t: _Tally, members: list[int], groups: Sequence[Sequence[int]]) -> list[float]:
    """Each witness's share of the work: units that match are one stretch of the work, as
    long as the longest of them; a witness covers the stretches any of its files has a unit
    in."""
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
    return [round(sum(weight[r] for r, hs in holders.items() if hs & set(g)) / total, 4)
            for g in groups]


def _shared_paragraphs(records: Sequence[Fingerprinted], t: _Tally, members: list[int],
                       config: Config) -> list[SharedParagraphs]:
    rank = {f: i for i, f in enumerate(members)}  # the work's order, not the names'
    tally: dict[tuple[int, int, int, int], int] = defaultdict(int)
    for (w, ui), others in t.partners_of(members):
        p = records[w].units[ui].paragraph
        seen: set[tuple[int, int]] = set()
        for o in others:
            if o[0] in rank and rank[o[0]] > rank[w]:
                op = records[o[0]].units[o[1]].paragraph
                if (o[0], op) not in seen:
                    seen.add((o[0], op))
                    tally[(w, p, o[0], op)] += t.sizes[w][ui]
    psize: dict[tuple[int, int], int] = defaultdict(int)
    for w in members:
        for u in records[w].units:
            psize[(w, u.paragraph)] += u.size
    out = []
    for (w, p, ow, op), chars in sorted(tally.items(), key=lambda kv: (
            rank[kv[0][0]], kv[0][1], rank[kv[0][2]], kv[0][3])):
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


def _related(records: Sequence[Fingerprinted], matches: Matches,
             work_of: list[str], totals: Sequence[int], config: Config) -> list[Related]:
    """One entry per pair of works that share body text: the file that quotes the larger
    share of itself, the passages it shares, and where the other work prints them. Only
    strong matches of body text count, so stock headings do not make works related.

    The matches are selected and counted as columns (a loop over 1.7 M match objects at
    10,000 works took 5.6 s); only the pairs of files that share text are walked."""
    codes = {w: i for i, w in enumerate(sorted(set(work_of)))}
    work = np.array([codes[w] for w in work_of], dtype=np.int64)
    m = matches.where((work[matches.wa] != work[matches.wb]) &
                      (matches.containment >= config.related_min_containment))
    offset, size = unit_numbers(records)
    body = np.zeros(len(size), dtype=bool)  # per unit of a file met: body text
    for f in distinct(np.concatenate([m.wa, m.wb])).tolist():
        rec = records[f]
        kinds = [p.kind is Kind.BODY for p in rec.witness.paragraphs]
        body[offset[f]:offset[f + 1]] = [kinds[u.paragraph] for u in rec.units]
    # each match both ways round, where the quoting unit is body text
    a_w, b_w = np.concatenate([m.wa, m.wb]), np.concatenate([m.wb, m.wa])
    a_u, b_u = np.concatenate([m.ua, m.ub]), np.concatenate([m.ub, m.ua])
    # the order the matches name them in: match by match, a's way round first
    named = np.concatenate([2 * np.arange(len(m)), 2 * np.arange(len(m)) + 1])
    keep = body[offset[a_w] + a_u]
    if not keep.any():
        return []
    order = np.flatnonzero(keep)[np.lexsort((b_u[keep], a_u[keep], b_w[keep], a_w[keep]))]
    # by pair of files (a quoting b), then a's unit, then b's
    a_w, b_w, a_u, b_u, named = a_w[order], b_w[order], a_u[order], b_u[order], named[order]
    new_pair = np.concatenate(([True], (a_w[1:] != a_w[:-1]) | (b_w[1:] != b_w[:-1])))
    new_unit = new_pair | np.concatenate(([True], a_u[1:] != a_u[:-1]))
    pair_start = np.flatnonzero(new_pair)
    pair_end = np.append(pair_start[1:], len(order))
    # what each pair's distinct quoting units hold, and when the matches first name it
    chars_of = np.bincount((np.cumsum(new_pair) - 1)[new_unit],
                           weights=size[offset[a_w] + a_u][new_unit]).astype(np.int64)
    met = np.minimum.reduceat(named, pair_start)
    best: dict[tuple[str, str], tuple[tuple[float, int, str], int, int, int, int]] = {}
    # the pairs as the matches first name them: the first of equal rank wins
    for k in np.argsort(met).tolist():
        a, b, chars = int(a_w[pair_start[k]]), int(b_w[pair_start[k]]), int(chars_of[k])
        if chars < config.related_min_chars:
            continue
        pair = tuple(sorted((work_of[a], work_of[b])))
        rank = (chars / (totals[a] or 1), chars, records[a].witness.id)
        if pair not in best or rank > best[pair][0]:
            best[pair] = (rank, a, b, chars, k)  # type: ignore[assignment]
    out = []
    for (cov, _, _), a, b, chars, k in best.values():
        rec = records[a]
        lo, hi = int(pair_start[k]), int(pair_end[k])
        # each unit's least partner
        firsts = new_unit[lo:hi]
        partner = dict(zip(a_u[lo:hi][firsts].tolist(), b_u[lo:hi][firsts].tolist()))
        out.append(Related(rec.witness.id, work_of[b], records[b].witness.id, round(cov, 4),
                           chars, _passages(records, a, b, partner)))
    out.sort(key=lambda r: (r.file, r.work, r.other))
    return out


def _passages(records: Sequence[Fingerprinted], a: int, b: int, partner: dict[int, int]
              ) -> tuple[Passage, ...]:
    """File ``a``'s runs of consecutive units that ``b`` prints (``partner``: a unit of
    ``a`` -> the unit of ``b`` it matches), each placed where it starts in both."""
    rec = records[a]
    runs: list[list[int]] = []
    for u in sorted(partner):
        if runs and u == runs[-1][1] + 1:
            runs[-1][1] = u
        else:
            runs.append([u, u])
    return tuple(Passage(_unit_place(rec, s), _unit_place(records[b], partner[s]),
                         rec.witness.text[rec.units[s].start:rec.units[e].end])
                 for s, e in runs)


def _order_votes(t: _Tally, printings: Sequence[tuple[Sequence[int], bool]]):
    """``votes(a, b)``: how many printings print passages of file ``a`` before passages of
    file ``b``, less how many print them the other way. ``printings``: each printing's
    files in page order (as far as known) and whether it is a digest. A printing reads
    across its pages, so a passage of ``a`` on its page 1 and one of ``b`` on its page 3
    are in order; full printings decide, digests (which reorder sections) only where no
    full printing speaks."""
    place: dict[int, tuple[int, int]] = {}  # file -> (printing, position of its first unit)
    at = 0
    for k, (files, _) in enumerate(printings):
        for f in files:
            place[f] = (k, at)
            at += len(t.sizes[f])
    where: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for (w, ui), others in t.partners_of(list(place)):
        k, base = place[w]
        for o in others:
            if o[0] in place and place[o[0]][0] != k:
                where[k][o[0]].append(base + ui)  # printing k prints a passage of o[0]

    # where in printing k a file's passages stand: their median position
    median = {k: {f: sorted(at)[len(at) // 2] for f, at in seen.items()}
              for k, seen in where.items()}

    def votes(a: int, b: int) -> int:
        tally = [0, 0]  # full printings, digests
        for k, med in median.items():
            if k in (place[a][0], place[b][0]) or a not in med or b not in med:
                continue
            tally[printings[k][1]] += (med[a] < med[b]) - (med[a] > med[b])
        return tally[0] or tally[1]
    return votes


class Drafts(Protocol):
    """Where works already made are kept (the cache), by the key of what each is made of
    (:func:`_component_keys`); the keeper adds the code and options to the key."""

    def lookup_drafts(self, keys: Sequence[str]) -> list[Work | None]: ...

    def store_drafts(self, items: Sequence[tuple[str, Work]]) -> None: ...


def group(records: Sequence[Fingerprinted], matches: Matches, config: Config,
          tags: Sequence[str] = (), drafts: Drafts | None = None
          ) -> tuple[list[Work], list[Related]]:
    """Works and related files. ``records`` must be sorted by witness id (the pipeline does
    so), which is what makes the result independent of the order files were found in.
    ``drafts`` (with ``tags``, what each record was made from) serves the works whose files
    and the matches that touch them are as when it kept them: a re-run with one file
    changed makes only that file's work again."""
    t = _tally(records, matches)
    works, work_of = _works(records, t, config, (matches, tags, drafts)
                            if drafts is not None and tags else None)
    totals = t.totals
    # the tally and the works' temporaries go before the related works' own (together they
    # were the run's largest moment at 10,000 works)
    del t
    give_back()
    return works, _related(records, matches, work_of, totals, config)


def _works(records: Sequence[Fingerprinted], t: _Tally, config: Config,
           kept: tuple[Matches, Sequence[str], Drafts] | None = None
           ) -> tuple[list[Work], list[str]]:
    """The works, and each file's work id. ``kept``: the matches and the records' tags, by
    which the works are keyed (:func:`_component_keys`) in the drafts that keep them."""
    n = len(records)
    facts = [pages.facts(r.witness) for r in records]
    names = [pages.in_section(pages.name_page(r.witness.id), f) for r, f in zip(records, facts)]
    ids = [r.witness.id for r in records]
    uf = _UnionFind(n)
    # the comparison text of each short file (a line or two), which is compared whole
    short_keys = {i: key(records[i].witness.text) for i in range(n)
                  if 0 < t.totals[i] <= config.short_file_chars}
    # two files are one text when they share enough of it in units of like size: decided
    # for every pair at once (a loop over the 1.65 M pairs of 10,000 works took 4.5 s)
    c = t.comparable
    totals = np.maximum(np.asarray(t.totals, dtype=np.int64), 1)
    f_lo, f_hi = c.lo_chars / totals[c.lo], c.hi_chars / totals[c.hi]
    chars, cov, mutual = np.maximum(c.lo_chars, c.hi_chars), np.maximum(f_lo, f_hi), \
        np.minimum(f_lo, f_hi)
    is_short = np.zeros(n, dtype=bool)
    is_short[list(short_keys)] = True
    short = is_short[c.lo] & is_short[c.hi]
    # a line or two in common is a quotation (a title, a running head), and so is one
    # sentence, however many clauses (a phrase two works share), unless the two files are
    # those lines, more or less; two files of a line or two that share one unit are
    # compared whole ("Erstes Kapitel." shares its one unit with "Drittes Kapitel.")
    same = (cov >= config.edition_min_coverage) & (
        ((c.units >= 2) & (chars >= 2 * config.related_min_chars)) |
        (~short & (mutual >= 0.8) & (chars >= config.min_unit_chars)))
    for a, b in zip(c.lo[same].tolist(), c.hi[same].tolist()):
        uf.union(a, b)
    for a, b in zip(c.lo[short & ~same].tolist(), c.hi[short & ~same].tolist()):
        if _same_short_text(short_keys[a], short_keys[b], config):
            uf.union(a, b)
    # what a file of witnesses says (containers.py): the witnesses of one CollateX file are
    # one work, the pages of one printing of an archive one edition
    named: dict[str, int] = {}
    for i, r in enumerate(records):
        src = r.witness.source
        for k in (f"c:{src.collection}" if src.collection else "",
                  f"p:{src.printing}" if src.printing and not src.collection else ""):
            if k and k in named:
                uf.union(named[k], i)
            elif k:
                named[k] = i
    alone = _alone(uf, n)  # no text joins them to any file
    links = pages.page_links(facts, names, near=_near(t, config))
    la = np.array([link.a for link in links], dtype=np.int64)
    lb = np.array([link.b for link in links], dtype=np.int64)
    overlap = np.maximum(t.coverages(la, lb), t.coverages(lb, la)) >= pages.MAX_OVERLAP
    for link, skip in zip(links, overlap.tolist()):
        a, b = link.a, link.b
        if skip:
            continue  # pages of one printing print different text
        if link.joins():
            uf.union(a, b)
        elif link.joins(least=pages.MARKER, unique=False) and (
                {a, b} & alone or link.score >= 2 * pages.MARKER) and _prints_both(
                t, a, b, config, uf, pages_share=link.score >= 2 * pages.MARKER):
            # a marker alone names a page many articles could be on; a witness that
            # prints text of both pages (a digest of the report they carry) makes the link.
            # Two pages that name each other need less of it: a sentence of each. It
            # places a page no text placed; two pages text already made parts of works
            # join so only when they name each other (at 10,000 works, a stock phrase a
            # third file quotes from both tied hundreds of works together)
            uf.union(a, b)
        elif link.score >= 2 * pages.MARKER and link.unrivalled and {a, b} & alone:
            # a page that shares no text with any file would be a work of its own: two
            # pages that name each other, better than any other pair does, join it (two
            # works whose pages happen to name each other are not joined on that alone)
            uf.union(a, b)
    _bridge(t, facts, names, uf, config)
    _best_short(short_keys, uf, config)
    comps: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        comps[uf.find(i)].append(i)

    comps_sorted = [sorted(m, key=lambda i: ids[i]) for m in comps.values()]
    # each work's witnesses are its own affair (made in worker processes, where there are
    # many), unless it is kept as made before from the same files and matches
    made: list[Work | None] = [None] * len(comps_sorted)
    if kept:
        matches, tags, drafts = kept
        keyed = _component_keys(matches, tags, comps_sorted)
        made = [None if d is None else _placed(d, m)
                for d, m in zip(drafts.lookup_drafts(keyed), comps_sorted)]
    todo = [k for k, d in enumerate(made) if d is None]
    for k, d in zip(todo, shared_map(_work_of_component, (records, t, facts, names, ids, config),
                                     [comps_sorted[k] for k in todo], jobs_of(config.jobs),
                                     _POOL_MIN_WORKS)):
        made[k] = d
    if kept:
        drafts.store_drafts([(keyed[k], _placed(made[k], comps_sorted[k], back=True))
                             for k in todo])
    finished = sorted((d for d in made if d is not None), key=lambda d: ids[d.members[0]])
    works: list[Work] = []
    used: set[str] = set()
    work_of = [""] * n
    for draft in finished:
        first = ids[draft.members[0]]
        wid = _slug(first)
        k = 2
        while wid in used:
            wid = f"{_slug(first)}-{k}"
            k += 1
        used.add(wid)
        for i in draft.members:
            work_of[i] = wid
        works.append(Work(wid, draft.title, draft.members, draft.witnesses, draft.shared,
                          draft.editions))
    return works, work_of


#: Below this many works, a process pool costs more than building them here.
_POOL_MIN_WORKS = 64


def _placed(work: Work, members: Sequence[int], back: bool = False) -> Work:
    """A work made of ``members`` (indices into the records, in order) with its files
    named by their place among them (``back``), or from those places again: what a work is
    made of does not depend on where its files stand in the folder, only on their order."""
    place = {f: i for i, f in enumerate(members)} if back else dict(enumerate(members))
    return replace(work, members=tuple(place[f] for f in work.members),
                   editions=tuple(replace(e, files=tuple(place[f] for f in e.files))
                                  for e in work.editions))


def _component_keys(matches: Matches, tags: Sequence[str], works: list[list[int]]
                    ) -> list[str]:
    """For each work (its files' indices, in order) a key of everything
    :func:`_work_of_component` reads: its files (their ``tags``), the matches between them
    (by their files' places in the work, in the matches' order, which is the folder's
    order of the files and so the same among them wherever they stand) and which of their
    units match a file of another work (a file's first and last such unit is a page
    edge, :func:`_junctions`). Whatever else is in the folder does not enter. The matches
    are read here, not copied when the grouping begins (a copy of those across files was
    82 MB beside the tally at 10,000 works)."""
    n = len(tags)
    comp = np.full(n, -1, dtype=np.int64)
    place = np.zeros(n, dtype=np.int64)
    for k, members in enumerate(works):
        comp[members] = k
        place[members] = np.arange(len(members))
    m = matches
    ca, cb = comp[m.wa], comp[m.wb]
    across = m.wa != m.wb
    inside = np.flatnonzero(across & (ca == cb))
    inside = inside[np.argsort(ca[inside], kind="stable")]
    rows = np.stack([place[m.wa[inside]], m.ua[inside], place[m.wb[inside]], m.ub[inside]],
                    axis=1)
    starts = np.searchsorted(ca[inside], np.arange(len(works) + 1))
    del inside
    out = np.flatnonzero(across & (ca != cb))
    del across, ca, cb
    ends = np.concatenate([np.stack([m.wa[out], m.ua[out]], axis=1),
                           np.stack([m.wb[out], m.ub[out]], axis=1)])
    ends = np.unique(ends, axis=0) if len(ends) else ends.reshape(0, 2)
    ec = comp[ends[:, 0]]
    order = np.argsort(ec, kind="stable")
    ends, ec = ends[order], ec[order]
    ends = np.stack([place[ends[:, 0]], ends[:, 1]], axis=1)
    e_starts = np.searchsorted(ec, np.arange(len(works) + 1))
    got = []
    for k, members in enumerate(works):
        within, outside = rows[starts[k]:starts[k + 1]], ends[e_starts[k]:e_starts[k + 1]]
        h = hashlib.sha256(f"{len(within)} {len(outside)}\0".encode())
        h.update("\0".join(tags[f] for f in members).encode())
        h.update(np.ascontiguousarray(within).tobytes())
        h.update(np.ascontiguousarray(outside).tobytes())
        got.append(h.hexdigest())
    return got


def _work_of_component(shared: tuple[Sequence[Fingerprinted], _Tally,
                                     Sequence[pages.PageFacts], Sequence[pages.NamePage | None],
                                     Sequence[str], Config],
                       members: list[int]) -> Work:
    """One work's record but its id (given in order of the works): its files (``members``,
    in order of name) grouped into editions, their roles and coverages, the paragraphs
    they share."""
    records, t, facts, names, ids, config = shared
    eds = _editions(records, t, members, facts, names, ids, _overlap(t, members, records),
                    config)
    files = [f for e in eds for f in e.files]
    covs = _coverages(t, files, [e.files for e in eds])
    wits = []
    for e, cov in zip(eds, covs):
        chars = sum(len(records[f].witness.text) for f in e.files)
        wits.append(WitnessRole(e.id, e.role, chars, cov, tuple(ids[f] for f in e.files),
                                e.labels, e.ordered_by, e.missing))
    return Work("", _title(records, files), tuple(files), tuple(wits),
                tuple(_shared_paragraphs(records, t, files, config)),
                tuple(Edition(e.id, e.files, e.role) for e in eds))


def _bridge(t: _Tally, facts: Sequence[pages.PageFacts], names: Sequence[pages.NamePage | None],
            uf: _UnionFind, config: Config) -> None:
    """Join two files that print different parts when a third is drawn from both (a digest
    of a report printed over pages, sharing too little with either page alone to join it)
    and the pages themselves show some sign of being one printing: a marker, a number, a
    sentence cut at one's foot and taken up at the other's head. Without that sign the
    third file may be a compilation of two works. The third file joins their work."""
    # for each file c, in order, the files x it draws a share of its text from (all pairs
    # at once); a page is more than a line or two: short files (readings of one line) are
    # joined by their likeness, never as parts of one another
    cs, xs = np.divmod(t.pairs, len(t.totals))
    ok = (_coverage(t.chars, _totals(t)[cs]) >= _LINK_SHARE) & \
        (_totals(t)[xs] > config.short_file_chars)
    cs, xs = cs[ok], xs[ok]
    starts = np.flatnonzero(np.concatenate(([True], cs[1:] != cs[:-1]))) if len(cs) else cs
    for lo, hi in zip(starts.tolist(), np.append(starts[1:], len(cs)).tolist()):
        if hi - lo < 2:
            continue
        c, drawn = int(cs[lo]), xs[lo:hi].tolist()
        units = _units_drawn(t, c)
        # files that print the very same units of c print the same part (a footer every
        # file carries): only files of different kinds are compared, not every pair
        kinds: dict[frozenset[int], list[int]] = defaultdict(list)
        for x in drawn:
            kinds[frozenset(units[x])].append(x)
        firsts = sorted(kinds, key=lambda k: kinds[k][0])
        pairs = [(a, b) for i, ka in enumerate(firsts) for kb in firsts[i + 1:]
                 for a in kinds[ka] for b in kinds[kb]]
        for a, b in pairs:
            a, b = min(a, b), max(a, b)
            if uf.find(a) == uf.find(b) or not _draws_from_both(t, c, a, b, config) or \
                    max(coverage_of(t, a, b), coverage_of(t, b, a)) >= pages.MAX_OVERLAP:
                continue
            # the two print different passages of c (pages do); two works that share
            # some phrases match the same ones
            ua, ub = units[a], units[b]
            both = sum(n for u, n in ua.items() if u in ub)
            if both > pages.MAX_OVERLAP * min(sum(ua.values()), sum(ub.values())) or \
                    _explained(t, c, ub, a, b, uf) or _explained(t, c, ua, b, a, uf):
                continue
            sign = max(pages.link_score(facts[a], facts[b], names[a], names[b])[0],
                       pages.link_score(facts[b], facts[a], names[b], names[a])[0],
                       _goes_on(facts[a], facts[b]), _goes_on(facts[b], facts[a]))
            # a weak sign (both pages have markers, of pages that do not match) needs
            # the third file to draw much of its text from each, not a stray sentence
            if sign >= 2 or sign > 0 and min(coverage_of(t, c, a), coverage_of(t, c, b)) >= 0.2:
                uf.union(a, b)
                uf.union(a, c)  # drawn from the printing they make: one of its work


#: Rows of the short files' similarity matrix computed at a time (bounds its memory).
_SHORT_ROWS = 2_000
#: A short file's best match must beat the best file unlike it by this much (ratio
#: points), looked for among this many runners-up. On the Goethe lines a margin of 5 left
#: no reading joined to another line and lost one of 5,148 right joins.
_SHORT_MARGIN, _SHORT_RIVALS = 5, 8


def _alone(uf: _UnionFind, n: int) -> set[int]:
    """The files nothing has joined to another file yet."""
    size = Counter(uf.find(i) for i in range(n))
    return {i for i in range(n) if size[uf.find(i)] == 1}


def _best_short(short_keys: dict[int, str], uf: _UnionFind, config: Config) -> None:
    """Join each short file (a line or two) to the short file most like it, when they are
    ``short_file_best_similarity`` alike: readings of one line by different engines, one
    too noisy to share a unit with the others, are likelier to each other than to any
    other line. Only a file still on its own joins this way, to its best or as the best
    of another: so the rows of the similarity matrix (rapidfuzz, in C++, by blocks of
    rows) are those of the files on their own, and of the files they score high; the
    others could only join a file that is not on its own."""
    short = sorted(short_keys)
    if len(short) < 2:
        return
    keys = [short_keys[i] for i in short]
    cutoff = int(100 * config.short_file_best_similarity)
    # only a file still on its own joins this way: two works' short files ("THE END")
    # do not merge the works
    alone = _alone(uf, len(uf.parent))
    lone = [r for r, i in enumerate(short) if i in alone]
    hit: set[int] = set()
    for r, row in _short_rows(keys, lone, cutoff):
        hit.update(np.flatnonzero(row).tolist())
        _join_best_short(short, keys, r, row, alone, cutoff, uf)
    rest = sorted(r for r in hit if short[r] not in alone)
    for r, row in _short_rows(keys, rest, cutoff):
        _join_best_short(short, keys, r, row, alone, cutoff, uf)


def _short_rows(keys: Sequence[str], rows: Sequence[int], cutoff: int
                ) -> Iterator[tuple[int, np.ndarray]]:
    """Rows ``rows`` of the short files' similarity matrix (0 below ``cutoff``, and for a
    file against itself), computed by blocks."""
    for lo in range(0, len(rows), _SHORT_ROWS):
        block = rows[lo:lo + _SHORT_ROWS]
        got = process.cdist([keys[r] for r in block], keys, scorer=fuzz.ratio,
                            score_cutoff=cutoff, dtype=np.uint8, workers=1)
        for r, row in zip(block, got):
            row[r] = 0  # not itself
            yield r, row


def _join_best_short(short: Sequence[int], keys: Sequence[str], r: int, row: np.ndarray,
                     alone: set[int], cutoff: int, uf: _UnionFind) -> None:
    best = int(row.argmax())  # the first of equals: the smallest id
    if row[best] < cutoff or short[r] not in alone and short[best] not in alone:
        return
    # and clearly more like it than like any file unlike the best one: a noisy reading of
    # "Drittes Kapitel." is about as like "Erstes Kapitel."
    top = np.argsort(-row.astype(np.int16), kind="stable")[:_SHORT_RIVALS]
    rival = max((int(row[j]) for j in top if j != best and row[j] >= cutoff and
                 fuzz.ratio(keys[j], keys[best]) < cutoff), default=0)
    if int(row[best]) - rival >= _SHORT_MARGIN:
        uf.union(short[r], short[best])


def _goes_on(a: pages.PageFacts, b: pages.PageFacts) -> int:
    """1 when page ``a`` goes on elsewhere (a sentence cut at its foot, a marker) and ``b``
    may be where: it does not plainly start a sentence (in a script without capitals
    nothing shows that it does)."""
    return int(bool(a.ends_mid or a.to) and not b.starts_new)


#: How far from a page's foot (or head) its last (first) shared sentence may stand, in
#: sentences, to speak for what is printed there.
_EDGE_UNITS = 2
#: Sentences that a third file holds and neither page does, printed between the two
#: pages' edges, that say the pages are not neighbours: one is the sentence the page
#: break cut (other files hold it whole, neither page does).
_BETWEEN = 2
#: Characters of slack in comparing a page's unshared edges with what another file prints
#: between them (a heading, a stray word).
_SLACK = 6


def _junctions(t: _Tally, members: Sequence[int]) -> Callable[[int, int], int]:
    """``junction(a, b)``: what the work's other files say of page ``b`` going on where
    page ``a`` stops. A file that prints a's last sentence and, soon after it (or in it:
    the sentence the page break cut, whole), b's first, with no other file's text between,
    says b follows a (+1). One that prints b's first sentence only well after, or goes on
    from a's last with another page's first, says it does not (-1). Two printings of one
    work break their pages in different places; this tells their pages apart."""
    inside = set(members)

    @lru_cache(maxsize=None)
    def partners(unit: tuple[int, int]) -> list[tuple[int, int]]:
        return [o for o in t.partners.get(unit, ()) if o[0] in inside]

    @lru_cache(maxsize=None)
    def edge(f: int, last: bool) -> tuple[int, int] | None:
        units = t.by_witness.get(f, ())
        if not units:
            return None
        u = units[-1] if last else units[0]
        n = len(t.sizes[f])
        return u if (n - 1 - u[1] if last else u[1]) < _EDGE_UNITS else None

    def at_edges(c: int, k: int, a: int, b: int) -> bool | None:
        """Whether sentence k of c is held at a's foot or b's head (None: held by no
        file, nothing to say)."""
        held = partners((c, k))
        if not held:
            return None
        return any((f == a and len(t.sizes[a]) - 1 - u < _EDGE_UNITS) or
                   (f == b and u < _EDGE_UNITS) for f, u in held)

    def crowded(c: int, lo: int, hi: int, a: int, b: int) -> bool:
        """Whether c prints in [lo, hi) enough sentences that another file holds, not at
        a's foot or b's head, to be text that stands between them."""
        seen = 0
        for k in range(lo, min(hi, len(t.sizes[c]))):
            seen += at_edges(c, k, a, b) is False
            if seen >= _BETWEEN:
                return True
        return False

    def fits(c: int, i: int, j: int, foot: tuple[int, int], head: tuple[int, int],
             rest: int) -> bool:
        """Whether what a prints after its last shared sentence and b before its first
        (``rest``) is about what c prints between them (the sentence the break cut, or
        nothing): a page whose last lines no file shares does not stop where c goes on
        to b."""
        gap = sum(t.sizes[c][i + 1:j])
        # c's two sentences may hold more than a's and b's (the cut sentence's parts)
        room = gap + max(0, t.sizes[c][i] - t.sizes[foot[0]][foot[1]]) + \
            max(0, t.sizes[c][j] - t.sizes[head[0]][head[1]])
        return rest <= 1.25 * room + _SLACK and gap <= 1.25 * rest + _SLACK

    def halves(c: int, i: int, foot: tuple[int, int], head: tuple[int, int]) -> bool:
        """Whether a's last sentence and b's first are two parts of c's sentence i (the
        one the page break cut), not each the whole of it (two readings of one line)."""
        return t.sizes[foot[0]][foot[1]] + t.sizes[head[0]][head[1]] <= \
            1.25 * t.sizes[c][i]

    def another_head(c: int, i: int, a: int, b: int) -> bool:
        """Whether the next sentence c prints after its sentence i is held at the head of
        a file other than a and b."""
        for k in range(i + 1, min(i + 1 + _BETWEEN, len(t.sizes[c]))):
            held = partners((c, k))
            if held:
                return any(f not in (a, b) and u < _EDGE_UNITS and f != c for f, u in held)
        return False

    @lru_cache(maxsize=None)
    def junction(a: int, b: int) -> int:
        foot, head = edge(a, True), edge(b, False)
        if foot is None:
            return 0
        feet: dict[int, list[int]] = defaultdict(list)
        for c, i in partners(foot):
            if c != b:
                feet[c].append(i)
        heads: dict[int, list[int]] = defaultdict(list)
        if head is not None:
            for c, j in partners(head):
                if c != a:
                    heads[c].append(j)
        said = 0
        # what a prints after its last shared sentence and b before its first
        rest = sum(t.sizes[foot[0]][foot[1] + 1:]) + \
            (sum(t.sizes[head[0]][:head[1]]) if head is not None else 0)
        for c in sorted(feet):
            if heads.get(c):
                # a sentence may be printed twice (a repeated phrase, a heading): any
                # place where c prints a's foot and soon after b's head will do
                near = any((i < j and not crowded(c, i + 1, j, a, b) and
                            fits(c, i, j, foot, head, rest)) or
                           (i == j and halves(c, i, foot, head))
                           for i in feet[c] for j in heads[c])
                said += 1 if near else -1
            elif len(feet[c]) == 1 and another_head(c, feet[c][0], a, b):
                said -= 1  # c goes on after a's foot with another page's head
        return (said > 0) - (said < 0)
    return junction


def _likeness(records: Sequence[Fingerprinted]
              ) -> Callable[[tuple[int, int], tuple[int, int]], float]:
    """``like(x, y)``: the Jaccard similarity of two units' shingles (the records are lean:
    the shingles are made again, once a unit). The shingles are the key's substrings of
    ``k`` characters, which is what ``fingerprint.shingles`` hashes (without collisions):
    on sentences of a few dozen shingles a set of strings is several times faster than
    numpy's arrays."""
    @lru_cache(maxsize=None)
    def shingled(ref: tuple[int, int]) -> frozenset[str]:
        rec = records[ref[0]]
        k_text = rec.unit_key(ref[1])
        k = min(rec.k, len(k_text))
        return frozenset(k_text[i:i + k] for i in range(len(k_text) - k + 1)) \
            if k_text else frozenset()

    seen: dict[tuple[tuple[int, int], tuple[int, int]], float] = {}

    def like(x: tuple[int, int], y: tuple[int, int]) -> float:
        pair = (x, y) if x <= y else (y, x)
        got = seen.get(pair)
        if got is None:
            sx, sy = shingled(x), shingled(y)
            both = len(sx & sy)
            union = len(sx) + len(sy) - both
            got = seen[pair] = both / union if union else 1.0
        return got
    return like


#: One sentence two files share (however many clauses) makes them print the same part only
#: if it is this much of the smaller, or the smaller has fewer units than this (two
#: readings of one line).
_ONE_SENTENCE = 0.5
_ONE_SENTENCE_UNITS = 4


def _overlap(t: _Tally, members: Sequence[int], records: Sequence[Fingerprinted]
             ) -> Callable[[int, int], float]:
    """How far two files of a work print the same text: directly (the share of either that
    the other prints), or through a third witness (text of ``c`` that both match, over the
    smaller of the two). Two pages of one printing print different parts of every other
    witness; two readings of the same page, however noisy, the same.

    Each shared sentence counts by how alike the two files' sentences are (the Jaccard
    similarity of their shingles): a text of formulas ("the President of the United
    States", "No Person shall be a Senator who...") has sentences on different pages that
    match one another or one sentence of a third file in part, and two pages of one
    printing with a few such would otherwise read as two printings of one part. Two
    readings of one sentence are alike however noisy (the same text's median is 1.0 and
    its 10th percentile 0.6 at 1,000 generated works; formulas' median is 0.48)."""
    like = _likeness(records)
    # by_file[a][c]: the units of witness c (of the work) that file a matches
    by_file: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for (c, u), others in t.partners_of(members):
        for o in others:
            by_file[o[0]][c].add(u)

    def fits(x: tuple[int, int], c: int, u: int) -> bool:
        """Whether unit ``u`` of ``c`` is (one of) the likest to unit ``x`` there."""
        here = like(x, (c, u))
        return all(like(x, o) <= here for o in t.partners[x] if o[0] == c)

    @lru_cache(maxsize=None)
    def sentences(f: int) -> list[int]:
        return _sentence_ids(records[f])

    def chars(c: int, units: set[int], a: int, b: int) -> tuple[float, int]:
        """What of those units of ``c`` both files hold (a clause of one that another's
        sentence contains shares the clause, not the sentence), and of how many of ``a``'s
        sentences. Each unit of ``a`` counts once, however often ``c`` prints it (a pull
        quote printed twice in a full printing is one sentence on a page)."""
        def held(f: int, u: int) -> int:
            return sum(t.sizes[f][o[1]] for o in t.partners[(c, u)] if o[0] == f)
        got: dict[tuple[int, int], float] = {}
        for u in sorted(units):
            # a sentence of a's or b's stands for the sentence of c it is likest: one that
            # matches this one less than another of c is a formula's echo here
            xs = [o for o in t.partners[(c, u)] if o[0] == a and fits(o, c, u)]
            ys = [o for o in t.partners[(c, u)] if o[0] == b and fits(o, c, u)]
            pairs = [(like(x, y), x) for x in xs for y in ys]
            if not pairs:
                continue
            best, x = max(pairs, key=lambda p: (p[0], [-i for i in p[1]]))
            amount = min(t.sizes[c][u], held(a, u), held(b, u)) * best
            if amount > got.get(x, 0.0):
                got[x] = amount
        return sum(got[x] for x in sorted(got)), \
            len({sentences(a)[x[1]] for x, v in got.items() if v > 0})

    def direct(a: int, b: int) -> tuple[float, int]:
        """The share of ``a``'s text that ``b`` prints, each sentence by its likeness, and
        how many of ``a``'s sentences that is."""
        if not t.totals[a]:
            return 0.0, 0
        got, said = 0.0, set()
        for x in t.by_witness.get(a, ()):
            ys = [o for o in t.partners[x] if o[0] == b]
            if ys:
                got += min(t.sizes[a][x[1]], sum(t.sizes[b][y[1]] for y in ys)) * \
                    max(like(x, y) for y in ys)
                said.add(sentences(a)[x[1]])
        return got / t.totals[a], len(said)

    def at_break(c: int, u: int, a: int, b: int) -> bool:
        """Unit ``u`` of ``c`` is the sentence a page break cuts: one page's last unit
        matches it and the other's first."""
        pa = [o[1] for o in t.partners[(c, u)] if o[0] == a]
        pb = [o[1] for o in t.partners[(c, u)] if o[0] == b]
        last_a, last_b = len(t.sizes[a]) - 1, len(t.sizes[b]) - 1
        whole = t.sizes[c][u]

        def part(f: int, x: int) -> bool:  # a piece of the sentence, not all of it
            return t.sizes[f][x] < 0.8 * whole
        return (last_a in pa and 0 in pb and part(a, last_a) and part(b, 0)) or \
            (last_b in pb and 0 in pa and part(b, last_b) and part(a, 0))

    seen: dict[tuple[int, int], float] = {}

    def overlap(a: int, b: int) -> float:
        # asked of every pair in both rounds of page joining: computed once (it is symmetric)
        pair = (a, b) if a < b else (b, a)
        got = seen.get(pair)
        if got is None:
            got = seen[pair] = measure(*pair)
        return got

    def measure(a: int, b: int) -> float:
        # one sentence two pages both print is a repeated one (a pull quote, a refrain, a
        # formula), not the same part of the work, unless it is most of the smaller file
        # or that file is a line or two (readings of one line, however garbled)
        few = min(len(t.sizes[a]), len(t.sizes[b])) < _ONE_SENTENCE_UNITS

        def passage(share: float, n: int) -> float:
            return share if n >= 2 or few or share >= _ONE_SENTENCE else 0.0
        best = max(passage(*direct(a, b)), passage(*direct(b, a)))
        # over the smaller file, not over what c shares with it: a sentence two pages
        # both print is no overlap of the pages, though it may be all that a digest shares
        # with one of them
        small = min(t.totals[a], t.totals[b])
        if not small:
            return best
        fa, fb = by_file.get(a, {}), by_file.get(b, {})
        for c in fa.keys() & fb.keys() - {a, b}:
            both = {u for u in fa[c] & fb[c] if not at_break(c, u, a, b)}
            got, n = chars(c, both, a, b)
            best = max(best, passage(got / small, n))
        return best
    return overlap


@dataclass(frozen=True, slots=True)
class _Draft:
    id: str
    files: tuple[int, ...]
    role: str
    labels: tuple[str, ...]
    ordered_by: str
    missing: tuple[pages.Missing, ...]


def _editions(records: Sequence[Fingerprinted], t: _Tally, members: list[int],
              facts: Sequence[pages.PageFacts], names: Sequence[pages.NamePage | None],
              ids: Sequence[str], overlap, config: Config) -> list[_Draft]:
    """The witnesses of one work: its files grouped into printings and put in page order,
    the copy-text (most complete edition) first."""
    # the same printing saved twice: the same text, the same lines (two readings of one page
    # that differ anywhere are two witnesses: their slips are their own)
    dups: set[int] = set()
    same_text: dict[str, list[int]] = defaultdict(list)
    for f in members:
        # (the witnesses a file of witnesses names are each one, however alike)
        if len(records[f].witness.text) >= config.duplicate_min_chars and \
                not records[f].witness.source.collection:
            same_text[records[f].witness.text].append(f)
    for alike in same_text.values():
        for i, a in enumerate(alike):
            for b in alike[i + 1:]:
                if a in dups or b in dups:
                    continue
                if coverage_of(t, a, b) >= config.duplicate_witness_coverage and \
                        coverage_of(t, b, a) >= config.duplicate_witness_coverage and \
                        _same_layout(records[a], records[b]):
                    dups.add(b)
    # printings in two rounds. First the pages that their own evidence joins (markers,
    # page numbers); a file is then a digest if it abridges one of those printings (a
    # digest measured against one page of a report would look whole). Then full files
    # are joined unless something speaks against it (being in one work is evidence
    # enough for them), and a digest or a file of one line needs evidence of its own.
    rest = [f for f in members if f not in dups]
    junction = _junctions(t, rest)
    sure = [pages.order(g, facts, names, ids, lambda a, b: 0)[0] for g in pages.partition(
        [[f] for f in rest], facts, names, overlap, ids, base=lambda a, b: 0, least=pages.PAGES,
        junction=junction)]
    # the pages each printing's markers name that it lacks, asked up to three times of a
    # printing (its files in order: the markers point inside or out by page order)
    memo: dict[tuple[int, ...], tuple[pages.Missing, ...]] = {}

    def missing_of(g: Sequence[int]) -> tuple[pages.Missing, ...]:
        k = tuple(g)
        if k not in memo:
            memo[k] = pages.missing_pages(g, lambda f: records[f].witness, facts, names)
        return memo[k]

    def lacking(printings: Sequence[Sequence[int]]) -> list[bool]:
        return [bool(missing_of(g)) for g in printings]
    lacks = lacking(sure)
    digest = {f for k, g in enumerate(sure) for f in g
              if _abridges(records, t, g, sure[:k] + sure[k + 1:], config,
                           lacks[:k] + lacks[k + 1:])}

    # a file of one line is no page: readings of one line never join on that base
    short = {f for f in members
             if sum(1 for ln in records[f].witness.source.text.splitlines() if ln.strip()) <= 1}

    def base(a: int, b: int) -> int:
        return pages.SAME_WORK if not {a, b} & (digest | short) else 0
    groups = pages.partition(sure, facts, names, overlap, ids, base=base, least=pages.PAGES,
                             junction=junction)
    # page order in two rounds: what the pages themselves say (numbers, markers) first;
    # then the printings so ordered vote on the order of the rest
    first = [pages.order(g, facts, names, ids, lambda a, b: 0) for g in groups]
    # a printing is a digest when it abridges another printing, whole: the files judged
    # one by one above only decide which files need evidence of their own to be joined
    printings = [o for o, _ in first]
    lacks = lacking(printings)
    abridged = [_abridges(records, t, o, printings[:k] + printings[k + 1:], config,
                          lacks[:k] + lacks[k + 1:])
                for k, o in enumerate(printings)]
    groups += [[f] for f in sorted(dups)]
    first += [([f], "") for f in sorted(dups)]
    abridged += [False] * len(dups)
    votes = _order_votes(t, list(zip([o for o, _ in first], abridged)))
    out: list[_Draft] = []
    for g, (ordered, how), short in zip(groups, first, abridged):
        if how not in pages.SELF_EVIDENT:
            ordered, how = pages.order(g, facts, names, ids, votes)
        role = "duplicate" if g[0] in dups else "digest" if short else "edition"
        got = pages.labels_of(ordered, facts, names)
        labels = tuple(got[f] for f in ordered)
        missing = missing_of(ordered)
        out.append(_Draft(ids[ordered[0]], tuple(ordered), role, labels, how, missing))
    rank = {"edition": 0, "digest": 1, "duplicate": 2}

    def size(d: _Draft) -> int:
        return sum(records[f].witness.body_chars() for f in d.files)
    out.sort(key=lambda d: (rank[d.role], -size(d), d.id))
    return out


__all__ = ["Edition", "Related", "SharedParagraphs", "WitnessRole", "Work", "coverage_of",
           "group"]
