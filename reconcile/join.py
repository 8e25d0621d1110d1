"""The banded join: which units, across the whole folder, may share text.

Each signature is cut into ``b`` bands of ``r`` rows; two units whose signatures agree on a
whole band land in the same bucket and become a candidate pair. The join is written as rows
``(band, bucket key, unit)`` grouped by ``(band, key)``: on one machine a sort per band, on
a cluster the same rows through a shuffle (a Dask ``groupby``), with no change to the
stages around it. ``b`` and ``r`` come from datasketch's own optimiser for the threshold.

Candidates are only candidates: :func:`confirm` scores each pair exactly on its shingles
and keeps those where the smaller unit is mostly contained in the larger, which is what a
digest's sentence is to the report's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from rapidfuzz import fuzz

from .arrays import distinct
from .config import Config
from .fingerprint import Fingerprinted
from .pool import jobs_of, shared_map
from .records import Matches

Ref = tuple[int, int]  # (witness index, unit index)

# Favour recall: a missed pair is lost for good, a false candidate costs one exact check.
_WEIGHTS = (0.3, 0.7)


# datasketch's optimiser's answer for the default threshold and permutations (a test checks
# it still is): importing the optimiser loads scipy, a third of a second that a run on the
# defaults, and a warm run that fingerprints nothing, need not pay.
_KNOWN_BANDS = {(0.3, 128, _WEIGHTS): (42, 3)}


def band_params(config: Config) -> tuple[int, int]:
    known = _KNOWN_BANDS.get((config.lsh_threshold, config.num_perm, _WEIGHTS))
    if known is not None:
        return known
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=config.lsh_threshold, num_perm=config.num_perm, weights=_WEIGHTS)
    return lsh.b, lsh.r


def band_keys(signatures: np.ndarray, b: int, r: int) -> np.ndarray:
    """One 64-bit bucket key per (unit, band): shape (units, b). The band's ``r`` values
    are folded by a polynomial hash; a collision of two different bands is 2**-64 likely."""
    return np.stack([band_key(signatures[:, band * r:(band + 1) * r], band)
                     for band in range(b)], axis=1) \
        if len(signatures) else np.zeros((0, b), dtype=np.uint64)


def band_key(values: np.ndarray, band: int) -> np.ndarray:
    """The bucket keys in band ``band`` of units whose values in that band are the rows of
    ``values`` (a column of :func:`band_keys`)."""
    with np.errstate(over="ignore"):
        h = np.full(len(values), np.uint64(band + 1) * np.uint64(0x9E3779B97F4A7C15),
                    dtype=np.uint64)
        for j in range(values.shape[1]):
            h = (h ^ values[:, j].astype(np.uint64)) * np.uint64(0x100000001B3)
    return h


def unit_refs(records: Sequence[Fingerprinted]) -> np.ndarray:
    """Every unit of the folder as ``witness << 32 | unit``, in order."""
    return np.concatenate(
        [(np.int64(w) << np.int64(32)) | np.arange(len(rec.units), dtype=np.int64)
         for w, rec in enumerate(records)] or [np.zeros(0, dtype=np.int64)])


def band_rows(records: Sequence[Fingerprinted], b: int, r: int,
              bands: Sequence[int] | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """For each band (of ``bands``, default all): the bucket keys of every unit in the
    folder, in the order of :func:`unit_refs`. This is the shuffle's input."""
    sigs = [rec.signatures for rec in records if len(rec.units)]
    for band in range(b) if bands is None else bands:
        # one band's values of the whole folder at once (a few vector operations, not one
        # per file), without a second copy of every signature
        rows = np.concatenate([s[:, band * r:(band + 1) * r] for s in sigs]) if sigs else \
            np.zeros((0, r), dtype=np.uint32)
        yield band, band_key(rows, band)


def bucket_pairs(col: np.ndarray, refs: np.ndarray, max_bucket: int) -> np.ndarray:
    """Pairs of refs that share a bucket, as rows ``(smaller, larger)``. Buckets larger
    than ``max_bucket`` link every member to their first member only: the star keeps them
    connected at linear cost."""
    if len(col) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    order = np.lexsort((refs, col))  # by bucket, members in order within it
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
        out.append(np.stack([sr[at + i].ravel(), sr[at + j].ravel()], axis=1))
    for start, size in zip(starts[sizes > max_bucket].tolist(),
                           sizes[sizes > max_bucket].tolist()):
        members = sr[start:start + size]
        out.append(np.stack([np.full(size - 1, members[0]), members[1:]], axis=1))
    return np.concatenate(out)


def candidates(records: Sequence[Fingerprinted], config: Config) -> np.ndarray:
    """Candidate pairs of the folder, once each, in order: rows ``(smaller, larger)``."""
    b, r = band_params(config)
    refs = unit_refs(records)
    # the bands in the pool's workers where the folder is large (each keeps its bands'
    # pairs once; the union is the same whoever found a pair)
    jobs = jobs_of(config.jobs) if len(refs) >= _POOL_MIN_UNITS else 1
    shares = [tuple(range(j, b, jobs)) for j in range(jobs)]
    kept = np.zeros(0, dtype=np.uint64)
    for got in shared_map(_band_pairs, (records, config, b, r, len(refs)), shares, jobs,
                          least=2, chunksize=1):
        kept = _merged(kept, [got])
    return np.stack([refs[(kept >> np.uint64(32)).astype(np.int64)],
                     refs[(kept & np.uint64(0xFFFFFFFF)).astype(np.int64)]], axis=1)


# Below this many units in the folder, the bands are cut into buckets in this process.
_POOL_MIN_UNITS = 200_000


def _band_pairs(shared: tuple[Sequence[Fingerprinted], Config, int, int, int],
                bands: Sequence[int]) -> np.ndarray:
    """The distinct pairs that share a bucket in any of ``bands``, each as one 64-bit
    number: the two units' places among the folder's units (in the order of their refs,
    under 2**32). A pair found in many bands is kept once as the bands come, not once per
    band until the end (the memory of the join)."""
    records, config, b, r, n = shared
    places = np.arange(n, dtype=np.int64)
    kept = np.zeros(0, dtype=np.uint64)
    pending: list[np.ndarray] = []
    waiting = 0
    for _, col in band_rows(records, b, r, bands):
        pairs = bucket_pairs(col, places, config.max_bucket).astype(np.uint64)
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

    kept: list[int] = []  # rows of the pairs kept
    scores: list[float] = []  # containment, Jaccard of each, flat
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
            scores += (round(containment, 4), round(jaccard, 4))
    got = pairs[np.asarray(kept, dtype=np.int64)]
    both = np.asarray(scores, dtype=np.float64).reshape(-1, 2)
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


def join(records: Sequence[Fingerprinted], config: Config) -> Matches:
    """All confirmed unit matches in the folder, within and across files, in order."""
    pairs = candidates(records, config)
    jobs = 1 if len(pairs) < _POOL_MIN_PAIRS else jobs_of(config.jobs)
    cuts = np.linspace(0, len(pairs), jobs + 1).astype(int).tolist()
    slices = [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]
    return Matches.joined(list(shared_map(_confirm_slice, (records, pairs, config), slices,
                                          jobs, least=2, chunksize=1)))
