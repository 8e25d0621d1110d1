"""The sort-based distinct values equal numpy's ``unique`` on any integer array."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.arrays import distinct, ranks, runs

# small ranges, so that values repeat; big ones, so that 64-bit keys are met
values = st.lists(st.one_of(st.integers(0, 6), st.integers(-(2 ** 63), 2 ** 63 - 1)),
                  max_size=300)


@settings(max_examples=300, deadline=None)
@given(values)
def test_the_distinct_values_their_first_places_counts_and_ranks_are_numpys(xs: list[int]) -> None:
    a = np.array(xs, dtype=np.int64)
    want = np.unique(a, return_index=True, return_counts=True)
    for got, w in zip(runs(a), want):
        assert got.tolist() == w.tolist()
    u, inverse = np.unique(a, return_inverse=True)
    got_u, got_inverse = ranks(a)
    assert got_u.tolist() == u.tolist() and got_inverse.tolist() == inverse.tolist()
    assert distinct(a).tolist() == u.tolist() == distinct(a, "stable").tolist()
    unsigned = a.astype(np.uint64)  # the join's and the k-mers' hashes are unsigned
    assert distinct(unsigned).tolist() == np.unique(unsigned).tolist()
    assert runs(unsigned)[1].tolist() == np.unique(unsigned, return_index=True)[1].tolist()
    codes = (a % 5000).astype(np.uint32)  # the character model's code points
    assert [x.tolist() for x in ranks(codes)] == \
        [x.tolist() for x in np.unique(codes, return_inverse=True)]
