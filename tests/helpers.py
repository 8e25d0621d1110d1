"""Small builders shared by the tests."""

from __future__ import annotations

from reconcile.clean import clean
from reconcile.config import Config
from reconcile.fingerprint import Fingerprinted, fingerprint
from reconcile.records import Source, Witness


def source(text: str, id: str = "t.txt") -> Source:
    return Source.from_text(id, text, "utf-8", "0" * 64)


def cleaned(text: str, config: Config | None = None) -> Witness:
    return clean(source(text), config or Config())


def paragraphs(text: str, config: Config | None = None) -> list[str]:
    w = cleaned(text, config)
    return [w.text[p.start:p.end] for p in w.paragraphs]


def record(text: str, id: str, config: Config | None = None) -> Fingerprinted:
    config = config or Config()
    return fingerprint(clean(source(text, id), config), config)


def folder_records(folder, config: Config) -> list[Fingerprinted]:
    """The per-file results of a folder, whole (a run's result keeps them lean: without the
    bucket keys the join reads), as ``pipeline.analyse`` takes them."""
    from reconcile.pipeline import discover, process_file

    return [process_file(p, folder, config) for p in discover(folder, config)]


def in_fresh_interpreter(code: str) -> None:
    """Run ``code`` in a new Python process (what it imports is then its own doing) and
    fail with its stderr if it fails."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
