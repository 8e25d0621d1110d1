"""Write a run's results: ``summary.json`` and, per work, ``canonical.txt``, ``notes.json``,
``shared.json`` and ``report.html``.

Every file is written to a temporary name beside its target and renamed over it, so a
reader never sees half a file. The same result gives the same bytes: no timestamps, no
absolute paths, keys in a fixed order.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .notes_md import render_notes
from .pipeline import Result
from .report import render_index, render_work_report

SUMMARY_VERSION = 2
_UMASK = os.umask(0)
os.umask(_UMASK)
# Files a work folder holds; a stale work folder is removed only if it holds nothing else.
_WORK_FILES = {"canonical.txt", "notes.json", "notes.md", "shared.json", "report.html"}


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        # mkstemp makes the file private (0600); results are for others to read too
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def work_paths(work_id: str) -> dict[str, str]:
    base = f"works/{work_id}"
    return {"canonical": f"{base}/canonical.txt", "notes": f"{base}/notes.json",
            "notes_md": f"{base}/notes.md", "shared": f"{base}/shared.json",
            "report": f"{base}/report.html"}


def summary(result: Result) -> dict[str, Any]:
    works = []
    for w, c in zip(result.works, result.collated):
        entry = {
            "id": w.id,
            "title": w.title,
            "copy_text": w.copy_text,
            "witnesses": [r.to_dict() for r in w.witnesses],
            "counts": {"notes": c.summary["notes"], "review": c.summary["review"],
                       "by_kind": c.summary["by_kind"],
                       "punctuation": c.summary["punctuation"]},
        }
        if c.summary.get("missing_pages"):
            entry["missing_pages"] = c.summary["missing_pages"]
        entry.update(work_paths(w.id))
        works.append(entry)
    return {
        "version": SUMMARY_VERSION,
        "works": works,
        "related": [r.to_dict() for r in result.related],
        "duplicates": [d.to_dict() for d in result.duplicates],
        "errors": [e.to_dict() for e in result.errors],
    }


def write(result: Result, out: Path) -> Path:
    """Write everything under ``out``; returns the summary's path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for i, (w, c) in enumerate(zip(result.works, result.collated)):
        paths = work_paths(w.id)
        canonical = c.canonical_file()
        write_atomic(out / paths["canonical"], canonical)
        write_atomic(out / paths["notes"], dumps(c.notes_dict()))
        write_atomic(out / paths["notes_md"], render_notes(c, w.copy_text))
        write_atomic(out / paths["shared"],
                     dumps({"work": w.id, "paragraphs": [s.to_dict() for s in w.shared]}))
        write_atomic(out / paths["report"], render_work_report(result, i))
    _remove_stale(out, {w.id for w in result.works})
    target = out / "summary.json"
    write_atomic(target, dumps(summary(result)))
    write_atomic(out / "index.html", render_index(result))
    return target


def _remove_stale(out: Path, keep: set[str]) -> None:
    works = out / "works"
    if not works.is_dir():
        return
    for d in works.iterdir():
        if d.is_dir() and d.name not in keep:
            names = {p.name for p in d.iterdir()}
            if names <= _WORK_FILES:
                shutil.rmtree(d)
