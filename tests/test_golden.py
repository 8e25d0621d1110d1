"""The golden cases under fixtures/golden/: the whole pipeline, output file by file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import cases, expected, generate


@pytest.mark.parametrize("case", cases(), ids=lambda p: p.name)
def test_golden_case_output_is_unchanged(case: Path, tmp_path: Path) -> None:
    got = generate(case, tmp_path)
    want = expected(case)
    assert sorted(got) == sorted(want), "a different set of output files (run `make golden`)"
    for rel in want:
        assert got[rel] == want[rel], f"{case.name}/{rel} differs (run `make golden` and review)"
