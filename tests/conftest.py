"""Test-wide settings."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory):
    """CLI runs in the tests cache into a folder of the test session, not the user's home."""
    old = os.environ.get("RECONCILE_CACHE_DIR")
    os.environ["RECONCILE_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("RECONCILE_CACHE_DIR", None)
    else:
        os.environ["RECONCILE_CACHE_DIR"] = old
