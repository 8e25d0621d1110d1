"""Golden cases: ``fixtures/golden/<case>/`` holds ``case.json`` (the input folder, relative
to the case, and config options) and ``expected/`` (the output files that are checked).

``python -m tests.golden`` rewrites every ``expected/`` folder from the current code; review
the diff before committing it.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from reconcile.config import Config
from reconcile.output import write
from reconcile.pipeline import run

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "golden"
# Output files compared; report.html is checked by its own tests, not byte for byte here.
CHECKED = ("summary.json", "canonical.txt", "notes.json", "notes.md", "shared.json")


def cases() -> list[Path]:
    return sorted(p for p in ROOT.iterdir() if (p / "case.json").is_file())


def generate(case: Path, out: Path) -> dict[str, str]:
    spec = json.loads((case / "case.json").read_text("utf-8"))
    config = Config.from_dict({"jobs": 1, **spec.get("options", {})})
    write(run((case / spec["input"]).resolve(), config), out)
    return {
        p.relative_to(out).as_posix(): p.read_text("utf-8")
        for p in sorted(out.rglob("*")) if p.is_file() and p.name in CHECKED
    }


def expected(case: Path) -> dict[str, str]:
    exp = case / "expected"
    return {
        p.relative_to(exp).as_posix(): p.read_text("utf-8")
        for p in sorted(exp.rglob("*")) if p.is_file()
    }


def update() -> None:
    for case in cases():
        with tempfile.TemporaryDirectory() as tmp:
            files = generate(case, Path(tmp))
        exp = case / "expected"
        if exp.exists():
            shutil.rmtree(exp)
        for rel, text in files.items():
            target = exp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
        print(f"{case.name}: {len(files)} files", file=sys.stderr)


if __name__ == "__main__":
    update()
