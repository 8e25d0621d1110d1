"""The banded join: which units, across the whole folder, may share text.

Each signature is cut into ``b`` bands of ``r`` rows (fingerprint.band_keys: a bucket key a
band); two units whose signatures agree on a whole band land in the same bucket and become a
candidate pair. The join is written as rows
``(band, bucket key, unit)`` grouped by ``(band, key)``: on one machine a sort per band, on
a cluster the same rows through a shuffle (a Dask ``groupby``), with no change to the
stages around it. ``b`` and ``r`` come from datasketch's own optimiser for the threshold.

Candidates are only candidates: :func:`confirm` scores each pair exactly on its shingles
and keeps those where the smaller unit is mostly contained in the larger, which is what a
digest's sentence is to the report's.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from .arrays import distinct
from .config import Config
from .fingerprint import Fingerprinted
from .pool import jobs_of, shared_map
from .records import Matches

Ref = tuple[int, int]  # (witness index, unit index)

def unit_refs(records: Sequence[Fingerprinted]) -> np.ndarray:
    """Every unit of the folder as ``witness << 32 | unit``, in order."""
    return np.concatenate(
        [(np.int64(w) << np.int64(32)) | np.arange(len(rec.units), dtype=np.int64)
         for w, rec in enumerate(records)] or [np.zeros(0, dtype=np.int64)])


# Bucket keys held in memory before they go to the band files (about 190,000 units).
_BANDS_IN_MEMORY = 64 << 20


class Bands:
    """The folder's bucket keys, kept band by band apart from the records: the join's input.

    Records are added as they are read (:meth:`add`, which gives the record back without
    its keys); their keys are gathered in memory and, past ``memory`` bytes, moved to one
    file a band in a temporary folder (``TMPDIR``), so that the run does not hold every
    key of a large folder (387 MB at 10,000 works) through the join. :meth:`column` reads
    one band for the records in any order. Use it as a context manager: the folder goes
    with it."""

    def __init__(self, memory: int | None = None) -> None:
        self._memory = _BANDS_IN_MEMORY if memory is None else memory
        self._pending: list[np.ndarray] = []  # keys not yet in the band files, in order
        self._held = 0
        self._rows: dict[str, tuple[int, int]] = {}  # witness id: (first row, units)
        self._n = 0
        self._b = -1
        self._dir: str | None = None

    def __enter__(self) -> Bands:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @classmethod
    def of(cls, records: Sequence[Fingerprinted]) -> Bands:
        """A store of ``records``' keys, all in memory (a folder given as records)."""
        out = cls(memory=1 << 62)
        for rec in records:
            out._keep(rec)
        return out

    def add(self, rec: Fingerprinted) -> Fingerprinted:
        """Keep the record's keys; the record without them."""
        self._keep(rec)
        return rec.without_bands()

    def _keep(self, rec: Fingerprinted) -> None:
        wid = rec.witness.id
        if wid in self._rows:
            raise ValueError(f"{wid}: added twice")
        keys = rec.bands
        if len(rec.units) and (not keys.shape[1:] or not keys.shape[1] or keys.shape != (
                len(rec.units), self._b if self._b >= 0 else keys.shape[1])):
            raise ValueError(f"{wid}: no bucket keys, or not one row a unit as in the "
                             "folder's other records")
        if len(rec.units):
            self._b = keys.shape[1]
            self._pending.append(keys)
            self._held += keys.nbytes
        self._rows[wid] = (self._n, len(rec.units))
        self._n += len(rec.units)
        if self._held > self._memory:
            self._spill()

    def _spill(self) -> None:
        import tempfile

        if not self._pending:
            return
        if self._dir is None:
            self._dir = tempfile.mkdtemp(prefix="reconcile-bands-")
        block = np.concatenate(self._pending)
        for band in range(self._b):
            with open(self._file(band), "ab") as fh:
                np.ascontiguousarray(block[:, band]).tofile(fh)
        self._pending, self._held = [], 0

    def _file(self, band: int) -> str:
        assert self._dir is not None
        return f"{self._dir}/{band}.u64"

    @property
    def count(self) -> int:
        """Bands a unit has (0 before any unit is added)."""
        return max(self._b, 0)

    def order(self, records: Sequence[Fingerprinted]) -> np.ndarray:
        """The rows of ``records``' units, in their order (and each record's units')."""
        rows = [np.arange(first, first + n, dtype=np.int64)
                for first, n in (self._rows[r.witness.id] for r in records) if n]
        return np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)

    def column(self, band: int, order: np.ndarray) -> np.ndarray:
        """Band ``band``'s key of each unit, in ``order`` (see :meth:`order`)."""
        if len(self._pending) > 1:
            # one block, not a slice of each record's keys for every band (a record a
            # block, the columns of 1,000 works took 0.23 s)
            self._pending = [np.concatenate(self._pending)]
        parts = []
        if self._dir is not None:
            parts.append(np.fromfile(self._file(band), dtype=np.uint64))
        parts += [k[:, band] for k in self._pending]
        col = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
        return col[order]

    def close(self) -> None:
        if self._dir is not None:
            import shutil

            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
        self._pending, self._held = [], 0


def bucket_pairs(col: np.ndarray, refs: np.ndarray, max_bucket: int) -> np.ndarray:
    """Pairs of (distinct) refs that share a bucket, as rows ``(smaller, larger)``, in no
    set order. Buckets larger than ``max_bucket`` link every member to their smallest
    only: the star keeps them connected at linear cost."""
    if len(col) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    # by bucket, members in any order within it: a stable sort (or one by both keys) was
    # six times slower, and each pair is put the right way round below
    order = np.argsort(col)
    sc = col[order]
    sr = refs[order]
    edges = np.flatnonzero(sc[1:] != sc[:-1]) + 1
    bounds = np.concatenate(([0], edges, [len(sc)]))
    sizes = np.diff(bounds)
    starts = bounds[:-1]
    out = [np.zeros((0, 2), dtype=np.int64)]
    # buckets of one size at a time: every pair of positions, for all of them at once
    for size in np.unique(sizes[(sizes > 1) & (sizes <= max_bucket)]).tolist():
        at = starts[sizes == size][:, None]
        i, j = np.triu_indices(size, k=1)
        a, b = sr[at + i].ravel(), sr[at + j].ravel()
        out.append(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1))
    for start, size in zip(starts[sizes > max_bucket].tolist(),
                           sizes[sizes > max_bucket].tolist()):
        members = sr[start:start + size]
        hub = members.min()
        out.append(np.stack([np.full(size - 1, hub), members[members != hub]], axis=1))
    return np.concatenate(out)


def candidates(records: Sequence[Fingerprinted], config: Config,
               bands: Bands | None = None) -> np.ndarray:
    """Candidate pairs of the folder, once each, in order: rows ``(smaller, larger)``.
    ``bands``: the records' keys where the records no longer hold them."""
    return _refs_of(unit_refs(records), _candidate_places(records, config, bands))


def _refs_of(refs: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Pairs given by their units' places among the folder's units (``a << 32 | b``) as
    rows of the units' refs."""
    return np.stack([refs[(places >> np.uint64(32)).astype(np.int64)],
                     refs[(places & np.uint64(0xFFFFFFFF)).astype(np.int64)]], axis=1)


def _candidate_places(records: Sequence[Fingerprinted], config: Config,
                      bands: Bands | None) -> np.ndarray:
    """:func:`candidates` as their units' places, ``a << 32 | b``, distinct and sorted."""
    own = bands is None
    store = Bands.of(records) if bands is None else bands
    try:
        order = store.order(records)
        if len(order) != sum(len(r.units) for r in records):
            raise ValueError("the bands hold other records than those given")
        # the bands in the pool's workers where the folder is large (each keeps its bands'
        # pairs once; the union is the same whoever found a pair)
        b = store.count
        jobs = jobs_of(config.jobs) if len(order) >= _POOL_MIN_UNITS else 1
        shares = [tuple(range(j, b, jobs)) for j in range(jobs)]
        kept = np.zeros(0, dtype=np.uint64)
        for got in shared_map(_band_pairs, (store, order, config), shares, jobs,
                              least=2, chunksize=1):
            kept = _merged(kept, [got])
    finally:
        if own:
            store.close()
    return kept


# Below this many units in the folder, the bands are cut into buckets in this process.
_POOL_MIN_UNITS = 200_000


def _band_pairs(shared: tuple[Bands, np.ndarray, Config], bands: Sequence[int]) -> np.ndarray:
    """The distinct pairs that share a bucket in any of ``bands``, each as one 64-bit
    number: the two units' places among the folder's units (in the order of their refs,
    under 2**32). A pair found in many bands is kept once as the bands come, not once per
    band until the end (the memory of the join)."""
    store, order, config = shared
    places = np.arange(len(order), dtype=np.int64)
    kept = np.zeros(0, dtype=np.uint64)
    pending: list[np.ndarray] = []
    waiting = 0
    for band in bands:
        pairs = bucket_pairs(store.column(band, order), places,
                             config.max_bucket).astype(np.uint64)
        pending.append((pairs[:, 0] << np.uint64(32)) | pairs[:, 1])
        waiting += len(pairs)
        if waiting > max(len(kept), 1 << 20):
            kept, pending, waiting = _merged(kept, pending), [], 0
    return _merged(kept, pending)


def _merged(kept: np.ndarray, pending: list[np.ndarray]) -> np.ndarray:
    """``kept`` (distinct, sorted) with the values of ``pending`` added, each once: the new
    values sorted alone, then the two sorted runs merged (a stable sort finds the runs)."""
    if not pending:
        return kept
    return distinct(np.concatenate([kept, distinct(np.concatenate(pending))]), "stable")


def confirm(records: Sequence[Fingerprinted], pairs: np.ndarray, config: Config) -> Matches:
    """Score candidate pairs (rows in order, as :func:`candidates` gives them) exactly and
    keep the matches, in that order."""
    # the first unit of each pair as a set, made once: the pairs come in order of it, so
    # only one witness's sets are held at a time (a set per unit of the folder would be
    # 2 kB a unit); the second unit's shingles are read from its record
    sets: dict[int, frozenset[int]] = {}
    held = -1

    def sh(ref: Ref) -> frozenset[int]:
        nonlocal held
        if ref[0] != held:
            sets.clear()
            held = ref[0]
        got = sets.get(ref[1])
        if got is None:
            got = sets[ref[1]] = frozenset(records[ref[0]].unit_shingles(ref[1]).tolist())
        return got

    cutoff = 100.0 * config.match_char_similarity

    def char_containment(a: Ref, b: Ref) -> float:
        return _char_containment(records[a[0]].unit_key(a[1]), records[b[0]].unit_key(b[1]),
                                 cutoff)

    # rows of the pairs kept, and the containment and Jaccard of each, flat: arrays of
    # machine numbers, not lists of Python ones (a worker's half of the 1.7 M matches of
    # 10,000 works was about 0.1 GB as lists)
    kept = array("q")
    scores = array("d")
    if not len(pairs):
        return Matches.of()
    low = np.int64(0xFFFFFFFF)
    ks = np.array([r.k for r in records])
    for row, a0, a1, b0, b1 in _unpacked(pairs, ks):
        a, b = (a0, a1), (b0, b1)
        sa, sb = sh(a), records[b0].unit_shingles(b1)
        if not len(sa) or not len(sb):
            continue
        inter = len(sa.intersection(sb.tolist()))
        small = min(len(sa), len(sb))
        containment = inter / small
        if small + records[a[0]].k - 1 < config.match_short_chars:
            # a short unit: a phrase two sentences share is most of its shingles
            # ("versetzte Charlotte"), so it matches only when nearly all of them are in
            # the other (a trimmed sentence) or its characters are (a noisy reading)
            ok = containment >= config.match_short_containment or \
                char_containment(a, b) >= config.match_char_similarity
            containment = max(containment, config.match_containment) if ok else 0.0
        elif (containment < config.match_containment
                and char_containment(a, b) >= config.match_char_similarity):
            containment = config.match_containment
        if containment >= config.match_containment:
            jaccard = inter / (len(sa) + len(sb) - inter)
            kept.append(row)
            scores.extend((round(containment, 4), round(jaccard, 4)))
    got = pairs[np.frombuffer(kept, dtype=np.int64)]
    both = np.frombuffer(scores, dtype=np.float64).reshape(-1, 2)
    return Matches(got[:, 0] >> 32, got[:, 0] & low, got[:, 1] >> 32, got[:, 1] & low,
                   both[:, 0].copy(), both[:, 1].copy())


# Pairs unpacked into Python numbers this many at a time: all at once, the five lists were
# 1.7 GB for the 9.3 M candidates of 10,000 works.
_CHUNK = 1 << 16


def _unpacked(pairs: np.ndarray, ks: np.ndarray) -> Iterator[tuple[int, int, int, int, int]]:
    """(row, witness, unit, witness, unit) of each candidate pair, in order, leaving out
    pairs of witnesses with different shingle sizes (``ks``): unpacked and filtered a
    chunk at a time."""
    low = np.int64(0xFFFFFFFF)
    for lo in range(0, len(pairs), _CHUNK):
        part = pairs[lo:lo + _CHUNK]
        wa, ua, wb, ub = part[:, 0] >> 32, part[:, 0] & low, part[:, 1] >> 32, part[:, 1] & low
        rows = np.flatnonzero(ks[wa] == ks[wb])
        yield from zip((rows + lo).tolist(), wa[rows].tolist(), ua[rows].tolist(),
                       wb[rows].tolist(), ub[rows].tolist())


def _char_containment(ka: str, kb: str, cutoff: float = 0.0) -> float:
    """How far the shorter unit's characters stand in the longer one: the similarity of
    the shorter with its best-matching stretch of the longer (rapidfuzz ``partial_ratio``;
    0 below ``cutoff`` percent, which lets it stop early). A misread character costs the
    shingle measure k shingles but this measure about one character, so a line under dense
    OCR noise is still seen as the same line."""
    if not ka or not kb:
        return 0.0
    return fuzz.partial_ratio(ka, kb, score_cutoff=cutoff) / 100.0


# Below this many candidate pairs, confirming them in a pool costs more than it saves; above,
# they go to the workers in one contiguous slice each (so the matches come back in order).
_POOL_MIN_PAIRS = 20000


def _confirm_slice(shared: tuple[Sequence[Fingerprinted], np.ndarray, Config],
                   bounds: tuple[int, int]) -> Matches:
    records, pairs, config = shared
    return confirm(records, pairs[bounds[0]:bounds[1]], config)


def join(records: Sequence[Fingerprinted], config: Config, bands: Bands | None = None
         ) -> Matches:
    """All confirmed unit matches in the folder, within and across files, in order.
    ``bands``: the records' bucket keys where the records no longer hold them."""
    return join_again(records, config, bands)[0]


@dataclass(frozen=True, eq=False)
class Verdicts:
    """What a join decided, by file: every candidate pair it scored, as its units' places
    among the folder's units (``a << 32 | b``, sorted; file ``i``'s units from
    ``first[i]``), and the ones it kept (their places among the pairs, ``kept``, with their
    containment and Jaccard). The files are named by ``tags``, which say what a file's
    record was made from (the cache's: its id and content). A pair's verdict reads only
    its two units and the options, so a later join of the folder scores again only pairs
    with a file it did not see (:func:`join_again`)."""

    tags: tuple[str, ...]
    first: np.ndarray  # int64, one a file and the total last
    pairs: np.ndarray  # uint64
    kept: np.ndarray  # int64
    containment: np.ndarray  # float64, one a kept pair
    jaccard: np.ndarray


def join_again(records: Sequence[Fingerprinted], config: Config, bands: Bands | None = None,
               tags: Sequence[str] = (), before: Verdicts | None = None
               ) -> tuple[Matches, Verdicts]:
    """:func:`join`, and its verdicts under ``tags`` (one a record); the pairs whose two
    files ``before`` saw (the same tags, under the same options: the caller's to say) take
    its verdict instead of being scored. The same matches either way."""
    first = np.zeros(len(records) + 1, dtype=np.int64)
    np.cumsum([len(r.units) for r in records], out=first[1:])
    places = _candidate_places(records, config, bands)
    refs = unit_refs(records)
    known, scores = _known(places, first, tags, before)
    if known is None:
        # every candidate is scored: their places are made again from the rows after,
        # not held beside them through the confirmation (74 MB at 10,000 works, the
        # run's largest moment)
        todo = _refs_of(refs, places)
        del places
    else:
        todo = _refs_of(refs, places[~known])
    del refs
    jobs = 1 if len(todo) < _POOL_MIN_PAIRS else jobs_of(config.jobs)
    cuts = np.linspace(0, len(todo), jobs + 1).astype(int).tolist()
    slices = [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]
    scored = Matches.joined(list(shared_map(_confirm_slice, (records, todo, config), slices,
                                            jobs, least=2, chunksize=1)))
    if known is None:
        low = np.int64(0xFFFFFFFF)
        places = _places(first, todo[:, 0] >> 32, todo[:, 0] & low, todo[:, 1] >> 32,
                         todo[:, 1] & low)
    del todo
    at = _places(first, scored.wa, scored.ua, scored.wb, scored.ub)
    if scores is not None:  # the pairs already decided, merged in by place
        at, c, j = (np.concatenate(x) for x in (
            (at, scores[0]), (scored.containment, scores[1]), (scored.jaccard, scores[2])))
        order = np.argsort(at, kind="stable")
        at, c, j = at[order], c[order], j[order]
    else:
        c, j = scored.containment, scored.jaccard
    # each kept pair's row among the candidates: the matches are the candidates' order
    kept = np.searchsorted(places, at).astype(np.int64)
    low = np.uint64(0xFFFFFFFF)
    ua_at, ub_at = (at >> np.uint64(32)).astype(np.int64), (at & low).astype(np.int64)
    wa = np.searchsorted(first, ua_at, side="right") - 1
    wb = np.searchsorted(first, ub_at, side="right") - 1
    matches = Matches(wa, ua_at - first[wa], wb, ub_at - first[wb], c, j)
    return matches, Verdicts(tuple(tags), first, places, kept, c, j)


def _packed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairs of unit places as one number each, ``a << 32 | b``."""
    return (a.astype(np.uint64) << np.uint64(32)) | b.astype(np.uint64)


def _places(first: np.ndarray, wa: np.ndarray, ua: np.ndarray, wb: np.ndarray,
            ub: np.ndarray) -> np.ndarray:
    """Pairs of units (file, unit; file, unit) as their places among the folder's units
    (file ``i``'s from ``first[i]``), packed."""
    return _packed(first[wa] + ua, first[wb] + ub)


def _known(places: np.ndarray, first: np.ndarray, tags: Sequence[str],
           before: Verdicts | None
           ) -> tuple[np.ndarray | None, tuple[np.ndarray, np.ndarray, np.ndarray] | None]:
    """Which candidate pairs ``before`` decided (a mask over ``places``), and the places
    and scores of those it kept; ``(None, None)`` without a ``before``."""
    if before is None or not len(tags) or not len(places):
        return None, None
    old_of = {t: i for i, t in enumerate(before.tags)}
    old = np.array([old_of.get(t, -1) for t in tags], dtype=np.int64)
    # a file of the same tag has the same units: its units' places move by one offset
    shift = np.where(old >= 0, before.first[np.maximum(old, 0)] - first[:-1], 0)
    seen = old >= 0
    a = (places >> np.uint64(32)).astype(np.int64)
    b = (places & np.uint64(0xFFFFFFFF)).astype(np.int64)
    fa = np.searchsorted(first, a, side="right") - 1
    fb = np.searchsorted(first, b, side="right") - 1
    both = seen[fa] & seen[fb]
    was = _packed(a + shift[fa], b + shift[fb])
    del a, b, fa, fb
    pos = np.minimum(np.searchsorted(before.pairs, was), max(len(before.pairs) - 1, 0))
    known = both & (before.pairs[pos] == was) if len(before.pairs) else np.zeros(len(places), bool)
    k = np.minimum(np.searchsorted(before.kept, pos), max(len(before.kept) - 1, 0))
    hit = known & (before.kept[k] == pos) if len(before.kept) else np.zeros(len(places), bool)
    k = k[hit]
    return known, (places[hit], before.containment[k], before.jaccard[k])

