"""MinHash fingerprints of each unit's character shingles (datasketch).

Shingles are taken from the comparison key (folded, no spaces or punctuation). A shingle of
up to three characters is packed exactly into 64 bits; a longer one is a polynomial hash.
Either is mixed down to the 32-bit input datasketch's ``affine32`` scheme takes. Nothing
depends on Python's per-process string hash, so fingerprints are the same in every run and
every worker process.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from .arrays import distinct
from .config import Config
from .normalize import key, mostly_cjk
from .records import Unit, Witness
from .segment import units as cut_units

_MIX = np.uint64(0x9E3779B97F4A7C15)


def shingle_size(text: str, config: Config) -> int:
    return config.shingle_cjk if mostly_cjk(text) else config.shingle_other


def shingles(k_text: str, k: int) -> np.ndarray:
    """The distinct shingles of a comparison key, as sorted 64-bit integers. A key shorter
    than ``k`` is one shingle."""
    cps = np.frombuffer(k_text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(cps)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    if n < k:
        k = n
    m = n - k + 1
    if k <= 3:
        h = np.zeros(m, dtype=np.uint64)
        for j in range(k):
            h = (h << np.uint64(21)) | cps[j:j + m]
    else:
        h = np.zeros(m, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for j in range(k):
                h = h * np.uint64(1000003) + cps[j:j + m]
    return distinct(h)


# --- LSH bands ------------------------------------------------------------------------------
# The join (join.py) compares units whose signatures agree on a whole band of ``r`` rows. A
# record keeps only each unit's bucket key in every band (``b`` of 8 bytes where the
# signature is ``b * r`` of 4): what the join reads, made where the signature is.

# Favour recall: a missed pair is lost for good, a false candidate costs one exact check.
_WEIGHTS = (0.3, 0.7)


# datasketch's optimiser's answer for the default threshold and permutations (a test checks
# it still is): importing the optimiser loads scipy, a third of a second that a run on the
# defaults, and a warm run that fingerprints nothing, need not pay.
_KNOWN_BANDS = {(0.3, 128, _WEIGHTS): (42, 3)}


def band_params(config: Config) -> tuple[int, int]:
    """(bands, rows a band) for the configured threshold and permutations."""
    known = _KNOWN_BANDS.get((config.lsh_threshold, config.num_perm, _WEIGHTS))
    if known is not None:
        return known
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=config.lsh_threshold, num_perm=config.num_perm, weights=_WEIGHTS)
    return lsh.b, lsh.r


def band_keys(signatures: np.ndarray, b: int, r: int) -> np.ndarray:
    """One 64-bit bucket key per (unit, band): shape (units, b). The band's ``r`` values
    are folded by a polynomial hash seeded by the band, so that a collision of two
    different bands is 2**-64 likely; all bands at once (a file's units are few)."""
    rows = signatures[:, :b * r].reshape(len(signatures), b, r)
    with np.errstate(over="ignore"):
        h = np.broadcast_to((np.arange(1, b + 1, dtype=np.uint64) * _MIX)[None, :],
                            (len(signatures), b)).copy()
        for j in range(r):
            h = (h ^ rows[:, :, j].astype(np.uint64)) * np.uint64(0x100000001B3)
    return h


def _to32(h: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return ((h * _MIX) >> np.uint64(32)).astype(np.uint32)


def _identity(x: object) -> object:
    return x


@dataclass(frozen=True, slots=True, eq=False)
class Fingerprinted:
    """The per-file result: a cleaned witness, its units and their LSH bucket keys (one row
    of a 64-bit key per band per unit, from each unit's MinHash signature). Everything the
    join needs, and nothing that needs another file: this is the task a worker runs."""

    witness: Witness
    units: tuple[Unit, ...]
    bands: np.ndarray  # shape (len(units), bands), uint64: see band_keys
    k: int  # shingle size used for this witness
    # every unit's distinct shingles, one after another (unit i's from shingle_starts[i] to
    # shingle_starts[i + 1]): the join's exact check reads them without recomputing them or
    # holding a set per unit of the folder
    shingle_values: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    shingle_starts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # each unit's comparison key, made once with its shingles: all of them one after another
    # (unit i's from key_starts[i] to key_starts[i + 1]), one string, not one a unit, so
    # that dropping them (lean) leaves no holes among the objects a run keeps (a string a
    # unit was 0.13 GB at 10,000 works, scattered through the records' memory)
    key_text: str = ""
    key_starts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def unit_key(self, i: int) -> str:
        if len(self.key_starts) == len(self.units) + 1:
            return self.key_text[self.key_starts[i]:self.key_starts[i + 1]]
        u = self.units[i]
        return key(self.witness.text[u.start:u.end])

    def unit_shingles(self, i: int) -> np.ndarray:
        if len(self.shingle_starts) == len(self.units) + 1:
            return self.shingle_values[self.shingle_starts[i]:self.shingle_starts[i + 1]]
        return shingles(self.unit_key(i), self.k)

    def without_bands(self) -> Fingerprinted:
        """The record without its bucket keys (336 bytes a unit, most of a record's
        memory), once the join holds them (join.Bands)."""
        return replace(self, bands=np.zeros((len(self.units), 0), dtype=np.uint64))

    def lean(self) -> Fingerprinted:
        """The record without what only the join reads: the bucket keys, the shingles and
        the keys."""
        return replace(self, bands=np.zeros((len(self.units), 0), dtype=np.uint64),
                       shingle_values=np.zeros(0, dtype=np.uint64),
                       shingle_starts=np.zeros(0, dtype=np.int64), key_text="",
                       key_starts=np.zeros(0, dtype=np.int64))


def unit_numbers(records: Sequence[Fingerprinted]) -> tuple[np.ndarray, np.ndarray]:
    """Every unit of ``records`` numbered across them (file ``f``'s unit ``u`` is
    ``offset[f] + u``): ``offset`` (one entry a file, and the total last) and each unit's
    size, for the stages that count over all the folder's units at once."""
    offset = np.zeros(len(records) + 1, dtype=np.int64)
    np.cumsum([len(r.units) for r in records], out=offset[1:])
    size = np.fromiter((u.size for r in records for u in r.units), dtype=np.int64,
                       count=int(offset[-1]))
    return offset, size


def _minhash() -> type:
    """datasketch's ``MinHash``, imported without scipy's integrator: the package's
    ``__init__`` imports its LSH classes, whose parameter search imports
    ``scipy.integrate`` (half a second, most of a small run's start) though only a search
    calls it, and the default parameters need none (``_KNOWN_BANDS``). While the
    package loads, ``scipy.integrate`` is a stand-in whose ``quad`` loads the real module
    when first called; after, the name is the real module's again. Imported here, not at
    the top: a run served from the cache fingerprints nothing."""
    if "datasketch" in sys.modules or "scipy.integrate" in sys.modules:
        from datasketch import MinHash
        return MinHash
    stand_in = types.ModuleType("scipy.integrate")

    def quad(*args: object, **kwargs: object) -> object:
        return importlib.import_module("scipy.integrate").quad(*args, **kwargs)
    stand_in.quad = quad  # type: ignore[attr-defined]
    sys.modules["scipy.integrate"] = stand_in
    try:
        from datasketch import MinHash
    finally:
        if sys.modules.get("scipy.integrate") is stand_in:
            del sys.modules["scipy.integrate"]
    return MinHash


@lru_cache(maxsize=4)
def _permutations(num_perm: int, seed: int) -> tuple[tuple[np.ndarray, np.ndarray], str]:
    """The MinHash permutations and their scheme, drawn once a process (drawing them was
    5 % of reading a file)."""
    first = _minhash()(num_perm=num_perm, seed=seed, hashfunc=_identity)
    return first.permutations, first.scheme


def fingerprint(witness: Witness, config: Config) -> Fingerprinted:
    MinHash = _minhash()  # noqa: N806 (the class)
    us = cut_units(witness, config)
    k = shingle_size(witness.text, config)
    sig = np.empty((len(us), config.num_perm), dtype=np.uint32)
    perms, scheme = _permutations(config.num_perm, config.seed)
    template = MinHash(num_perm=config.num_perm, seed=config.seed, hashfunc=_identity,
                       permutations=perms, scheme=scheme)
    each = []
    keys = tuple(key(witness.text[u.start:u.end]) for u in us)
    for i, kt in enumerate(keys):
        sh = shingles(kt, k)
        each.append(sh)
        # one MinHash, cleared for each unit: a new one a unit was a tenth of reading a file
        template.clear()
        template.update_batch(_to32(sh))
        sig[i] = template.hashvalues
    starts = np.zeros(len(us) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in each], out=starts[1:])
    values = np.concatenate(each) if each else np.zeros(0, dtype=np.uint64)
    key_starts = np.zeros(len(us) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in keys], out=key_starts[1:])
    return Fingerprinted(witness, tuple(us), band_keys(sig, *band_params(config)), k, values,
                         starts, "".join(keys), key_starts)
