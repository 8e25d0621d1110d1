"""Write a run's results: ``summary.json`` and, per work, ``canonical.txt``, ``notes.json``,
``notes.md``, ``shared.json``, ``tei.xml`` and ``report.html``.

The output folder is replaced as a whole: the new results are written to a hidden folder
beside it and switched in by one rename (an atomic exchange where the system has one), so
a reader sees the old results or the new, never a mixture. A work whose files would be
what the last run wrote (the same inputs to them, hashed, and the files as that run left
them) has them linked into the new folder rather than rendered again. The tool owns only
what its manifest (``.reconcile-manifest.json``) lists: a folder that holds anything else is
refused unless ``force``, and then only the files of the last manifest are removed. A lock
file beside the folder keeps a second run from writing it at the same time. The same result
gives the same bytes: no timestamps, no absolute paths, keys in a fixed order.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from .cache import code_hash
from .collatex import alignment_table
from .layout import layout
from .notes_md import render_notes
from .pipeline import Result
from .pool import jobs_of, shared_map
from .read import RESULTS_MANIFEST
from .report import (original_files, related_of_works, render_decisions_js, render_index,
                     render_original, render_work_report)
from .tei import render_tei

SUMMARY_VERSION = 2
_UMASK = os.umask(0)
os.umask(_UMASK)
#: The list of files a run wrote, in the output folder: what the next run may replace.
MANIFEST = RESULTS_MANIFEST


class OutputError(Exception):
    """The results cannot be written where asked (one line, naming the folder)."""


def dumps(obj: Any) -> str:
    """JSON as the results hold it: indented by two spaces, text as it is (not escaped),
    a newline at the end."""
    return _indented(obj) + "\n"


def _indented(obj: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=2)``, by orjson where it writes the
    same text (compared over every JSON file of 1,000 works' results), twenty times faster:
    the standard library indents in Python (a seventh of writing the results). What orjson
    refuses (an integer past 64 bits, a key that is not a string), and text that may hold a
    float it writes otherwise (Python writes 2.5e-05 and 1e+16 with an exponent, orjson
    0.000025 and 1e16), the standard library writes."""
    try:
        text = orjson.dumps(obj, option=orjson.OPT_INDENT_2).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(obj, ensure_ascii=False, indent=2)
    if _OTHER_FLOAT.search(text):  # (or a string that looks so: then only slower)
        return json.dumps(obj, ensure_ascii=False, indent=2)
    return text


#: Where orjson's text may hold a float that Python writes otherwise: a number (a value
#: after its key, or an item on a line of its own) below 1e-4 (four zeros after the point)
#: or with an exponent.
_OTHER_FLOAT = re.compile(r'(?:": |^ *)-?(?:0\.0000|\d+(?:\.\d+)?e)', re.M)


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


def work_paths(work_id: str, formats: Iterable[str] = ()) -> dict[str, str]:
    """A work's files under the results folder (``formats``: the further ones asked for)."""
    base = f"works/{work_id}"
    paths = {"canonical": f"{base}/canonical.txt", "notes": f"{base}/notes.json",
             "notes_md": f"{base}/notes.md", "shared": f"{base}/shared.json",
             "tei": f"{base}/tei.xml"}
    if "collatex" in formats:
        paths["collatex"] = f"{base}/collatex.json"
    paths.update(report=f"{base}/report.html", originals=f"{base}/original")
    return paths


def summary(result: Result) -> dict[str, Any]:
    """What ``summary.json`` holds."""
    return {"version": SUMMARY_VERSION, "works": list(_summary_works(result)),
            **{k: list(v) for k, v in _summary_lists(result)}}


def _summary_works(result: Result) -> Iterator[dict[str, Any]]:
    for k, w in enumerate(result.works):
        summ = result.collated.packed(k).summary
        entry = {
            "id": w.id,
            "title": w.title,
            "copy_text": w.copy_text,
            "witnesses": [r.to_dict() for r in w.witnesses],
            "counts": {"notes": summ["notes"], "review": summ["review"],
                       "by_kind": summ["by_kind"],
                       "punctuation": summ["punctuation"]},
        }
        if summ.get("script"):
            entry["script"] = summ["script"]
        if summ.get("missing_pages"):
            entry["missing_pages"] = summ["missing_pages"]
        entry.update(work_paths(w.id, result.config.formats))
        yield entry


def _summary_lists(result: Result) -> list[tuple[str, Iterable[dict[str, Any]]]]:
    """The lists of ``summary.json`` after its works, in order, each made as it is read."""
    return [("related", (r.to_dict() for r in result.related)),
            ("duplicates", (d.to_dict() for d in result.duplicates)),
            ("errors", (e.to_dict() for e in result.errors)),
            ("warnings", ({"file": f, "message": m} for f, m in result.warnings()))]


def summary_text(result: Result) -> Iterator[str]:
    """``dumps(summary(result))`` in pieces, an entry of a list at a time: at 10,000 works
    the whole summary was 0.4 GB of objects and text in the process writing it."""
    yield "{\n  \"version\": " + json.dumps(SUMMARY_VERSION) + ","
    lists = [("works", _summary_works(result)), *_summary_lists(result)]
    for n, (name, items) in enumerate(lists):
        yield f"\n  {json.dumps(name)}: ["
        sep = "\n    "
        for item in items:
            # an entry at the depth of the list's items: JSON text holds no raw newline
            yield sep + _indented(item).replace("\n", "\n    ")
            sep = ",\n    "
        yield ("]" if sep == "\n    " else "\n  ]") + ("," if n + 1 < len(lists) else "")
    yield "\n}\n"


#: Each work's related pairs as its report lists them (report.related_of_works).
Related = dict[str, list[dict[str, Any]]]


def _work_files(result: Result, i: int, related: Related) -> list[tuple[str, str]]:
    """The files of work ``i``: (path under the output folder, text)."""
    w, c = result.works[i], result.collated[i]
    paths = work_paths(w.id, result.config.formats)
    originals = original_files(result, i)
    notes = c.notes_dict()
    lay = layout(notes, c.canonical.text)
    extra = [(paths["collatex"], dumps(alignment_table(notes, c.canonical.text, lay)))] \
        if "collatex" in paths else []
    return extra + [(paths["canonical"], c.canonical_file()),
            (paths["notes"], dumps(notes)),
            (paths["tei"], render_tei(notes, c.canonical.text, w.title,
                                      c.summary.get("language", ""), lay)),
            (paths["notes_md"], render_notes(c, w.copy_text)),
            (paths["shared"], dumps({"work": w.id,
                                     "paragraphs": [s.to_dict() for s in w.shared]})),
            (paths["report"], render_work_report(result, i, originals, related))] + [
        (f"{paths['originals']}/{k}.html", render_original(src))
        for k, src in enumerate(originals)]


# Below this many works a process pool costs more than rendering in this process.
_POOL_MIN_WORKS = 16
#: The parts of a run's results besides its works (see :func:`_part`).
_INDEX, _SUMMARY, _DECISIONS = -1, -2, -3


def _part(shared: tuple[Result, Related], i: int) -> list[tuple[str, str | Iterable[str]]]:
    """The files of one part of the results: work ``i``, or the front page, the summary or
    the decisions; a file's text whole, or in pieces (the summary)."""
    result, related = shared
    if i == _INDEX:
        return [("index.html", render_index(result, related))]
    if i == _SUMMARY:
        return [("summary.json", summary_text(result))]
    if i == _DECISIONS:
        return [("decisions.js", render_decisions_js(result))]
    return _work_files(result, i, related)


def _parts(result: Result) -> list[int]:
    # the front page first: the longest single task starts while the works render
    return [_INDEX, *range(len(result.works)), _SUMMARY, _DECISIONS]


def render(result: Result) -> dict[str, str]:
    """Every file of the results, by path under the output folder (rendered by
    ``config.jobs`` forked processes where there are enough works; the same text either
    way)."""
    files: dict[str, str] = {}
    for part in shared_map(_part_text, (result, related_of_works(result)), _parts(result),
                           jobs_of(result.config.jobs), _POOL_MIN_WORKS):
        files.update(part)
    return files


def _part_text(shared: tuple[Result, Related], i: int) -> list[tuple[str, str]]:
    return [(rel, text if isinstance(text, str) else "".join(text))
            for rel, text in _part(shared, i)]


class _Staged(NamedTuple):
    """What rendering one part into the staging folder did: the paths it holds, and for a
    work the hash of what its files are made of, and each file's digest."""
    paths: list[str]
    key: str = ""
    digests: dict[str, str] = {}


def _part_key(result: Result, i: int, related: Related | None = None) -> str:
    """The hash of everything work ``i``'s files are rendered from: the work (its files by
    name, not by their place in the folder), its result, the files it was read from, its
    related pairs (its report lists them), the options that shape the files, and the code.
    Not the run's decisions: those that change the work are in its result, and the reports
    read the rest from ``decisions.js``. Written out by value (``repr``); the result's
    canonical text and notes by the digest of theirs made with the result (unpacking and
    writing out every work's result was half of a re-run that changed nothing)."""
    w, c = result.works[i], result.collated.packed(i)
    wits = {f: result.records[f].witness for f in w.members}  # the work's files only
    h = hashlib.sha256()
    for part in (code_hash(), SUMMARY_VERSION, result.config.formats,
                 w.id, w.title, w.witnesses, w.shared,
                 [(e.id, e.role, [wits[f].id for f in e.files]) for e in w.editions],
                 c.summary, [(x.source.id, x.source.encoding) for x in wits.values()],
                 (related_of_works(result) if related is None else related).get(w.id, [])):
        h.update(repr(part).encode("utf-8", "surrogatepass") + b"\0")
    for x in wits.values():
        for text in (x.source.text, x.text):
            data = text.encode("utf-8", "surrogatepass")
            h.update(len(data).to_bytes(8, "little") + data)  # its length: texts hold NULs
    h.update(c.digest.encode())
    return h.hexdigest()


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _reuse(out: Path, stage: Path, before: dict[str, str]) -> bool:
    """Link the last run's files of a part into the staging folder, if each still holds
    what that run wrote (its digest); False (and nothing linked) where one does not."""
    src, dst = os.fspath(out) + os.sep, os.fspath(stage) + os.sep
    try:
        for rel, digest in before.items():
            if os.path.islink(src + rel):  # not ours, whatever it holds
                raise FileNotFoundError(rel)
            with open(src + rel, "rb") as fh:
                if _digest(fh.read()) != digest:
                    raise FileNotFoundError(rel)
        _make_folders(stage, before)
        for rel in before:
            os.link(src + rel, dst + rel)
    except OSError:
        for rel in before:
            try:
                os.unlink(dst + rel)
            except FileNotFoundError:
                pass
        return False
    return True


def _stage_part(shared: tuple[Result, Related, Path, Path, dict[str, Any]], i: int
                ) -> _Staged:
    """Render one part of the results into the staging folder (or link the last run's
    files of a work whose inputs are unchanged)."""
    result, related, stage, out, last = shared
    key = ""  # the front page and the summary: rendered each time
    if i >= 0:
        key = _part_key(result, i, related)
        before = last.get(result.works[i].id)
        if isinstance(before, dict) and before.get("key") == key and \
                isinstance(before.get("files"), dict) and _reuse(out, stage, before["files"]):
            return _Staged(sorted(before["files"]), key, before["files"])
    files = _part((result, related), i)
    _make_folders(stage, (rel for rel, _ in files))
    digests = {rel: _write_plain(stage / rel, text, made=True) for rel, text in files}
    return _Staged(sorted(digests), key, digests)


def _make_folders(stage: Path, rels: Iterable[str]) -> None:
    """The folders under ``stage`` that the files ``rels`` go in, each made once (a work's
    dozen files are in two)."""
    for folder in sorted({os.path.dirname(rel) for rel in rels} - {""}):
        os.makedirs(stage / folder, exist_ok=True)


def write(result: Result, out: Path, force: bool = False,
          warn: Callable[[str], None] | None = None) -> Path:
    """Write everything under ``out``, replacing the last run's results as a whole; returns
    the summary's path. Raises :class:`OutputError` if ``out`` holds files this tool did not
    write (unless ``force``; even then none of them is written over) or another run is
    writing it. ``warn`` hears of anything left where it did not expect it."""
    out = Path(os.path.abspath(out))
    with _locked(out):
        ours, foreign, meta, parts_before = _inventory(out)
        if foreign and not force:
            raise OutputError(
                f"{out}: holds files reconcile did not write ({_first(foreign)}); choose "
                "an empty or new folder, or --force to write beside them")
        if foreign or _in_place(out):
            _write_in_place(out, render(result), ours)
        else:
            _write_whole(out, result, ours, meta, parts_before, warn)
    return out / "summary.json"


def _manifest(files: Iterable[str], parts: dict[str, Any] | None = None) -> str:
    doc: dict[str, Any] = {"reconcile": "results", "files": sorted(files)}
    if parts:
        doc["parts"] = {k: parts[k] for k in sorted(parts)}
    return dumps(doc)


def _last_parts(parts: Any, ours: set[str]) -> dict[str, Any]:
    """The last run's works, from its manifest's ``parts``: {work id: {"key", "files":
    {path: digest}}}, only those whose every file is one of ours."""
    if not isinstance(parts, dict):
        return {}
    return {k: v for k, v in parts.items() if isinstance(v, dict) and
            isinstance(v.get("files"), dict) and all(f in ours for f in v["files"])}


def _write_whole(out: Path, result: Result, ours: set[str], keep: list[str],
                 parts_before: Any, warn: Callable[[str], None] | None) -> None:
    """Stage the results beside ``out`` and switch them in; the old results go. ``keep``: a
    file browser's own files (.DS_Store), which move with the folder; ``parts_before``: the
    last manifest's ``parts``. Each part is written
    to the staging folder by the process that renders it, so no process holds the whole
    results."""
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        files: list[str] = []
        parts: dict[str, Any] = {}
        last = _last_parts(parts_before, ours) if ours else {}
        shared = (result, related_of_works(result), stage, out, last)
        for i, part in zip(_parts(result), shared_map(
                _stage_part, shared, _parts(result),
                jobs_of(result.config.jobs), _POOL_MIN_WORKS)):
            files.extend(part.paths)
            if i >= 0:
                parts[result.works[i].id] = {"key": part.key, "files": part.digests}
        _write_plain(stage / MANIFEST, _manifest(files, parts))
        for rel in keep:
            shutil.copy2(out / rel, stage / rel)
        os.chmod(stage, 0o777 & ~_UMASK)
        old = _switch(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if old is not None:
        left = _discard(old, ours | set(keep) | {MANIFEST})
        if left and warn is not None:
            warn(f"{out}: {_first(left)} appeared while the results were written; kept in "
                 f"{old}")


def _write_in_place(out: Path, files: dict[str, str], ours: set[str]) -> None:
    """Beside files of others (or where the folder cannot be switched, a mount point):
    replace ours one by one, never a file or through a link that is not ours."""
    for rel in sorted(files):
        parent = out
        for part in Path(rel).parts[:-1]:
            parent = parent / part
            if parent.is_symlink() or (parent.exists() and not parent.is_dir()):
                raise OutputError(f"{out}: {parent.relative_to(out)} is not a folder of "
                                  "reconcile's (a link or a file); choose an empty or new folder")
        if os.path.lexists(out / rel) and rel not in ours:
            raise OutputError(f"{out}: would overwrite {rel}, which reconcile did not write; "
                              "choose an empty or new folder")
    # the manifest first lists both runs' files: a run stopped halfway leaves none unowned
    write_atomic(out / MANIFEST, _manifest(ours | set(files)))
    for rel, text in files.items():
        write_atomic(out / rel, text)
    for rel in sorted(ours - set(files)):
        _remove_file(out, rel)
    write_atomic(out / MANIFEST, _manifest(files))


def _in_place(out: Path) -> bool:
    """Whether the folder must be written in place: a mount point (a container volume) or
    a folder whose parent this user cannot write cannot be switched, and a switch under the
    feet of a shell standing in it (``-o .``) would leave the shell in a deleted folder."""
    if not out.is_dir():
        return False
    try:
        here = Path(os.getcwd())
    except OSError:
        here = None
    inside = here is not None and (here == out or here.is_relative_to(out))
    return inside or os.path.ismount(out) or not os.access(out.parent, os.W_OK)


def _discard(old: Path, allowed: set[str]) -> set[str]:
    """Remove the files of the old results the manifest lists (and the folders they leave
    empty); returns what else is there (left in place)."""
    left: set[str] = set()
    top = os.fspath(old)
    for dirpath, dirnames, filenames in os.walk(old, topdown=False):
        base = _relative(dirpath, old)
        for name in filenames + [d for d in dirnames
                                 if os.path.islink(os.path.join(dirpath, d))]:
            path = os.path.join(dirpath, name)
            rel = base + name
            if rel in allowed and not os.path.islink(path):
                os.unlink(path)
            else:
                left.add(rel)
        if dirpath != top:
            try:
                os.rmdir(dirpath)
            except OSError:
                pass
    if not left:
        try:
            os.rmdir(old)
        except OSError:
            left.add(".")
    return left


def _write_plain(path: Path, text: str | bytes | Iterable[str], made: bool = False) -> str:
    """Write ``text`` (or its UTF-8 bytes, or its pieces) as it is, to a new file (made
    with the mode the user's umask gives) in a staging folder (``made``: its folder is
    there already): the results use "\\n" on every system. The digest of what was
    written."""
    if not made:
        path.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.blake2b(digest_size=16)
    with open(path, "xb") as fh:
        for piece in [text] if isinstance(text, (str, bytes)) else text:
            data = piece.encode("utf-8") if isinstance(piece, str) else piece
            fh.write(data)
            h.update(data)
    return h.hexdigest()


def _first(paths: set[str]) -> str:
    first = sorted(paths)[0]
    more = len(paths) - 1
    return first + (f" and {more} more" if more else "")


#: Files a file browser leaves in any folder it shows: neither ours nor a reason to refuse.
_METADATA = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".directory"})
_LOCK_INSIDE = ".reconcile.lock"  # where the parent cannot hold the lock file


def _inventory(out: Path) -> tuple[set[str], set[str], list[str], Any]:
    """The files under ``out`` the last manifest lists (ours), every other entry (a file, a
    link, a folder that holds none of ours): what is not ours, and a file browser's own
    files (.DS_Store), which are neither, in one walk; and the manifest's ``parts`` (what
    its works' files were rendered from), read with it."""
    if not out.exists() and not out.is_symlink():
        return set(), set(), [], None
    if out.is_symlink() or not out.is_dir():
        raise OutputError(f"{out}: not a folder")
    listed: set[str] = set()
    parts: Any = None
    m = out / MANIFEST
    has_manifest = m.is_file() and not m.is_symlink()
    if has_manifest:
        try:
            got = json.loads(m.read_text("utf-8"))
            listed = {f for f in got.get("files", []) if isinstance(f, str)}
            parts = got.get("parts")
        except (OSError, ValueError, AttributeError, RecursionError):
            listed = set()
    holders = {f[:i] for f in listed for i in _slashes(f)}

    def unreadable(err: OSError) -> None:
        raise OutputError(f"{out}: cannot look through it ({err.filename}: "
                          f"{err.strerror}); choose another folder")
    present: set[str] = set()
    others: set[str] = set()
    meta: list[str] = []
    # paths as strings: Path objects for each of a large folder's files were a third of
    # a re-run's write
    for dirpath, dirnames, filenames in os.walk(out, onerror=unreadable):
        base = _relative(dirpath, out)
        for name in filenames:
            rel = base + name
            if name in _METADATA:
                full = os.path.join(dirpath, name)
                if not os.path.islink(full) and os.path.isfile(full):
                    meta.append(rel)
                continue
            if rel in (MANIFEST, _LOCK_INSIDE):
                continue
            present.add(rel)
        for name in dirnames:
            rel = base + name
            if os.path.islink(os.path.join(dirpath, name)) or rel not in holders:
                others.add(rel)
    meta.sort()
    if not has_manifest:
        return set(), present | others, meta, None
    return present & listed, (present - listed) | {d for d in others if not any(
        f.startswith(d + "/") for f in present - listed)}, meta, parts


def _slashes(rel: str) -> Iterator[int]:
    """Where each folder of a relative path ends: ``a/b/c`` gives the ends of ``a`` and
    ``a/b``."""
    i = rel.find("/")
    while i > 0:
        yield i
        i = rel.find("/", i + 1)


def _relative(dirpath: str, root: Path) -> str:
    """A folder under ``root`` as the prefix of its files' relative paths ("" or "a/b/")."""
    rel = os.path.relpath(dirpath, root)
    return "" if rel == "." else rel.replace(os.sep, "/") + "/"


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
    try:
        os.rename(stage, out)
    except BaseException:
        os.rename(old, out)
        raise
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
    if _in_place(out) and not os.access(out.parent, os.W_OK):
        lock = out / _LOCK_INSIDE
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
