"""Distinct values of integer arrays, found by sorting.

For the first place of each value (``return_index``) numpy's ``unique`` sorts stably, and
for the values alone numpy 2 hashes them: on this tool's arrays (grams of a work's text,
k-mers, shingles) both are 3-5x slower than an unstable sort and a pass over its runs,
which give the same answers. ``ranks`` is what ``unique`` does for ``return_inverse``,
here so that the three read alike.
"""

from __future__ import annotations

import numpy as np


def distinct(a: np.ndarray, kind: str = "quicksort") -> np.ndarray:
    """The distinct values of ``a``, sorted (``np.unique(a)``)."""
    a = np.sort(a, kind=kind)
    return a[np.concatenate(([True], a[1:] != a[:-1]))] if len(a) else a


def runs(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(a, return_index=True, return_counts=True)``: the distinct values of a
    1-d integer array, sorted, with where each first occurs and how often it does."""
    if not len(a):
        return a[:0], np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    order = np.argsort(a)
    s = a[order]
    start = np.flatnonzero(np.concatenate(([True], s[1:] != s[:-1])))
    # the sort is not stable: a value's first place is the least of its run's places
    return s[start], np.minimum.reduceat(order, start), np.diff(np.append(start, len(s)))


def ranks(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(a, return_inverse=True)``: the distinct values of a 1-d integer array,
    sorted, and the place of each element's value among them."""
    order = np.argsort(a)
    s = a[order]
    new = np.concatenate(([True], s[1:] != s[:-1])) if len(s) else np.zeros(0, dtype=bool)
    inverse = np.empty(len(a), dtype=np.intp)
    inverse[order] = np.cumsum(new) - 1
    return s[new], inverse


__all__ = ["distinct", "ranks", "runs"]
