"""Write a run's results: ``summary.json`` and, per work, ``canonical.txt``, ``notes.json``,
``shared.json`` and ``report.html``.

The output folder is replaced as a whole: the new results are written to a hidden folder
beside it and switched in by one rename (an atomic exchange where the system has one), so
a reader sees the old results or the new, never a mixture. The tool owns only what its
manifest (``.reconcile-manifest.json``) lists: a folder that holds anything else is
refused unless ``force``, and then only the files of the last manifest are removed. A lock
file beside the folder keeps a second run from writing it at the same time. The same result
gives the same bytes: no timestamps, no absolute paths, keys in a fixed order.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .notes_md import render_notes
from .pipeline import Result
from .report import render_index, render_work_report

SUMMARY_VERSION = 2
_UMASK = os.umask(0)
os.umask(_UMASK)
#: The list of files a run wrote, in the output folder: what the next run may replace.
MANIFEST = ".reconcile-manifest.json"


class OutputError(Exception):
    """The results cannot be written where asked (one line, naming the folder)."""


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
        "warnings": [{"file": f, "message": m} for f, m in result.warnings()],
    }


def render(result: Result) -> dict[str, str]:
    """Every file of the results, by path under the output folder."""
    files: dict[str, str] = {}
    for i, (w, c) in enumerate(zip(result.works, result.collated)):
        paths = work_paths(w.id)
        files[paths["canonical"]] = c.canonical_file()
        files[paths["notes"]] = dumps(c.notes_dict())
        files[paths["notes_md"]] = render_notes(c, w.copy_text)
        files[paths["shared"]] = dumps({"work": w.id,
                                        "paragraphs": [s.to_dict() for s in w.shared]})
        files[paths["report"]] = render_work_report(result, i)
    files["summary.json"] = dumps(summary(result))
    files["index.html"] = render_index(result)
    return files


def write(result: Result, out: Path, force: bool = False) -> Path:
    """Write everything under ``out``, replacing the last run's results as a whole; returns
    the summary's path. Raises :class:`OutputError` if ``out`` holds files this tool did not
    write (unless ``force``) or another run is writing it."""
    out = Path(out)
    files = render(result)
    manifest = dumps({"reconcile": "results", "files": sorted(files)})
    with _locked(out):
        ours, foreign = _inventory(out)
        if foreign and not force:
            raise OutputError(
                f"{out}: holds files reconcile did not write ({_first(foreign)}); choose "
                "an empty or new folder, or --force to write beside them")
        if foreign:
            clash = foreign & set(files)
            if clash:
                raise OutputError(f"{out}: would overwrite {_first(clash)}, which reconcile "
                                  "did not write; choose an empty or new folder")
            # beside files of others: replace ours one by one, remove what we wrote last
            for rel, text in files.items():
                write_atomic(out / rel, text)
            for rel in sorted(ours - set(files)):
                _remove_file(out, rel)
            write_atomic(out / MANIFEST, manifest)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
            try:
                for rel, text in files.items():
                    _write_plain(stage / rel, text)
                _write_plain(stage / MANIFEST, manifest)
                os.chmod(stage, 0o777 & ~_UMASK)
                old = _switch(stage, out)
            except BaseException:
                shutil.rmtree(stage, ignore_errors=True)
                raise
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)  # only our files: checked above
    return out / "summary.json"


def _write_plain(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.chmod(path, 0o666 & ~_UMASK)


def _first(paths: set[str]) -> str:
    first = sorted(paths)[0]
    more = len(paths) - 1
    return first + (f" and {more} more" if more else "")


def _inventory(out: Path) -> tuple[set[str], set[str]]:
    """The files under ``out`` the last manifest lists (ours), and every other file."""
    if not out.exists() and not out.is_symlink():
        return set(), set()
    if out.is_symlink() or not out.is_dir():
        raise OutputError(f"{out}: not a folder")
    listed: set[str] = set()
    m = out / MANIFEST
    if m.is_file() and not m.is_symlink():
        try:
            got = json.loads(m.read_text("utf-8"))
            listed = {f for f in got.get("files", []) if isinstance(f, str)}
        except (OSError, ValueError, AttributeError):
            listed = set()
    present: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(out):
        for name in filenames:
            rel = (Path(dirpath) / name).relative_to(out).as_posix()
            if rel != MANIFEST:
                present.add(rel)
        for name in dirnames:
            if (Path(dirpath) / name).is_symlink():
                present.add((Path(dirpath) / name).relative_to(out).as_posix())
    if not m.exists():
        return set(), present
    return present & listed, present - listed


def _remove_file(out: Path, rel: str) -> None:
    """Remove a file the last run wrote, and the folders it leaves empty under ``out``."""
    path = out / rel
    try:
        path.unlink()
    except FileNotFoundError:
        return
    parent = path.parent
    while parent != out:
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _switch(stage: Path, out: Path) -> Path | None:
    """Put ``stage`` where ``out`` is; returns where the old results went (to remove)."""
    if not out.exists():
        os.rename(stage, out)
        return None
    if _exchange(stage, out):
        return stage
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rmdir(old)
    os.rename(out, old)  # a moment with no results at all, never with half of them
    os.rename(stage, out)
    return old


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold the lock file beside ``out`` (``.NAME.lock``) for the whole write."""
    try:
        import fcntl
    except ImportError:  # no advisory locks here: write unlocked
        yield
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = out.parent / f".{out.name}.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666 & ~_UMASK)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"{out}: another reconcile run is writing it; try again when "
                              "it is done") from None
        yield
    finally:
        os.close(fd)
