"""A cache of per-file (and per-work) results, so a run redoes only what changed.

One SQLite database (stdlib ``sqlite3``) in a cache folder: ``--cache-dir``, else
``$RECONCILE_CACHE_DIR``, else ``$XDG_CACHE_HOME/reconcile``, else ``~/.cache/reconcile``.

**Per file**: the pickled result of ``pipeline.process_file`` (a ``Fingerprinted``: cleaned
witness, units, bucket keys), under a key made of

- the sha256 of the file's bytes and its id (path relative to the folder, which the witness
  carries);
- the Config fields that can change the per-file result: every field except those known to
  act only later (:data:`NOT_PER_FILE`), so a new cleaning option is covered by default;
- the code: the tool's version, a hash of the package's own source files, and the versions
  of Python and of the libraries the result depends on. A changed line of ``clean.py``
  is a new key, not a stale hit.

**The folder stage**: the join's matches, the works, related files and duplicates, under
the code, the Config fields that can change results (but the decisions) and every record's
source (id, sha256, what its container says). One entry per input folder, replaced when
the folder changes: a run where nothing changed (a CI re-run, a run after a decision) skips
the join and the grouping.

**Per work**: the result of ``work.process_work`` (canonical text, notes, summary), under
the code, the Config fields that can change results (all but :data:`NOT_RESULT`; of the
decisions, the pins that may apply to the work), the work (id, title, member ids, roles,
shared paragraphs), the (id, sha256) of its members and of the records of other works it
reads for support, and the matches with an end in any of them. So a run where one file
changed redoes that file, the join, and the works that file is in or supports. The caller declares what the task reads (``reads``); the task gets a view of the
records that checks it, and a result that read anything undeclared is not kept.

A hit is checked (the record's id and sha256 are the file's) before it is used. Writes are
transactions in WAL mode with a busy timeout, so concurrent runs sharing the folder are safe;
entries are content-addressed, so two runs writing the same key write the same value (but
the entry that names a folder's last folder-stage key, which the last run to write it sets).

A cache must never fail a run: any problem (a corrupt database, a read-only folder, a
locked file, an entry that does not unpickle) is warned about once, on stderr, and the run
goes on computing. A database that is not a database any more is moved aside
(``cache-v1.sqlite3.corrupt``) and a new one started. Entries not used for :data:`KEEP_DAYS`
days are dropped.

The cache holds pickles: point ``--cache-dir`` only at a folder you trust (as with any
build cache).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .config import Config

if TYPE_CHECKING:
    from .fingerprint import Fingerprinted
    from .group import Work
    from .join import Verdicts
    from .records import Matches
    from .work import PackedResult, WorkResult

ENV_DIR = "RECONCILE_CACHE_DIR"
SCHEMA = 1
#: One database per schema: a tool with another schema leaves this one alone.
DB_NAME = f"cache-v{SCHEMA}.sqlite3"
#: Entries unused for this many days are dropped at the end of a run that wrote.
KEEP_DAYS = 30
#: Config fields that change no result at all (how a run is run and reported).
NOT_RESULT: frozenset[str] = frozenset({"jobs", "fail_on", "cache_dir", "cache", "scheduler",
                                        "formats"})
# The folder stage and the per-work task read no pins from the config's decisions (a work's
# key hashes the pins that may apply to it).
_WORK_EXCLUDES: frozenset[str] = NOT_RESULT | {"decisions"}
#: Config fields that do not change the per-file result (read, clean, fingerprint): they
#: act at the join, grouping, alignment or running stages, or change no result at all.
#: Everything else is in the key.
NOT_PER_FILE: frozenset[str] = NOT_RESULT | frozenset({
    "suffixes",
    "lsh_threshold", "max_bucket", "match_containment", "match_char_similarity", "match_short_chars", "match_short_containment",
    "edition_min_coverage", "short_file_chars", "short_file_best_similarity", "related_min_chars",
    "related_min_containment",
    "duplicate_min_jaccard", "duplicate_witness_coverage", "duplicate_min_chars", "digest_max_ratio",
    "omission_min_chars", "omission_min_chars_full", "list_punctuation", "context_chars",
    "prior_accuracy", "prior_weight", "evidence_passes", "channel_space", "channel_strength",
    "channel_pooled", "channel_alike", "channel_typical", "digest_rewording",
    "plausibility_weight", "plausibility_cap", "support_weight", "support_cap", "lm_order",
    "lm_beta", "general_words", "general_mass", "language", "review_below",
    "lone_min_count", "lone_min_confidence", "lone_min_cohesion", "lone_plausibility_cap",
    "insert_max_overlap", "decisions", "script", "follow_links",
})
_LIBRARIES = ("numpy", "datasketch", "rapidfuzz", "diff-match-patch", "opencc")


def default_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$RECONCILE_CACHE_DIR``, else ``$XDG_CACHE_HOME/reconcile``, else
    ``~/.cache/reconcile``."""
    env = os.environ if env is None else env
    if env.get(ENV_DIR):
        return Path(env[ENV_DIR]).expanduser()
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]).expanduser() / "reconcile"
    return Path("~").expanduser() / ".cache" / "reconcile"


def resolve_dir(option: str | os.PathLike[str] | None,
                env: Mapping[str, str] | None = None) -> Path:
    """The cache folder: the ``--cache-dir`` value if given, else :func:`default_dir`."""
    if option is not None and str(option) != "":
        return Path(option).expanduser()
    return default_dir(env)


_CODE_HASH: str | None = None


def code_hash() -> str:
    """Tool version, the package's files (sources and report templates), Python and
    library versions, hashed."""
    global _CODE_HASH
    if _CODE_HASH is None:
        from importlib import metadata

        h = hashlib.sha256()
        h.update(f"reconcile {__version__} schema {SCHEMA} python {sys.version_info[:2]}".encode())
        for lib in _LIBRARIES:
            try:
                h.update(f"\0{lib} {metadata.version(lib)}".encode())
            except metadata.PackageNotFoundError:
                h.update(f"\0{lib} ?".encode())
        pkg = Path(__file__).resolve().parent
        for p in sorted(p for p in pkg.rglob("*") if p.is_file() and p.suffix != ".pyc"):
            h.update(b"\0" + p.relative_to(pkg).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
        _CODE_HASH = h.hexdigest()
    return _CODE_HASH


def config_hash(config: Config, exclude: frozenset[str]) -> str:
    got = _CONFIG_HASHES.get((id(config), exclude))
    if got is not None and got[0] is config:
        return got[1]
    items = sorted((k, v) for k, v in config.to_dict().items() if k not in exclude)
    value = hashlib.sha256(repr(items).encode()).hexdigest()
    if len(_CONFIG_HASHES) > 64:
        _CONFIG_HASHES.clear()
    _CONFIG_HASHES[(id(config), exclude)] = (config, value)
    return value


# The last configs hashed, by identity (a Config is frozen): every file's key hashes the
# run's one config, and hashing it each time was 0.15 s of a 1,000-work run served whole.
_CONFIG_HASHES: dict[tuple[int, frozenset[str]], tuple[Config, str]] = {}


class FileKey(str):
    """A per-file cache key, remembering the sha256 it was made from."""

    sha256: str
    file_id: str

    def __new__(cls, value: str, sha256: str, file_id: str) -> FileKey:
        obj = super().__new__(cls, value)
        obj.sha256 = sha256
        obj.file_id = file_id
        return obj


#: Where the folder stage's result is kept, under its key (the folder's entry names it).
_FOLDER_RESULT = "folder-result:"


#: The slot of the last folder's join verdicts (see Cache.lookup_verdicts).
_LAST_VERDICTS = "verdicts-last"


def _verdicts_slot(place: str) -> str:
    return "verdicts:" + hashlib.sha256(place.encode("utf-8", "surrogatepass")).hexdigest()


def _folder_slot(place: str) -> str:
    return "folder:" + hashlib.sha256(place.encode("utf-8", "surrogatepass")).hexdigest()


def _tag(file_id: str) -> int:
    """A 64-bit tag of a file's id, the same in every run and process."""
    return int.from_bytes(hashlib.blake2b(file_id.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "little")


def _insert_streamed(con: sqlite3.Connection, key: str, kind: str, value: Any,
                     today: int) -> None:
    """One row whose value goes through a temporary file, never whole in memory."""
    import tempfile

    with tempfile.TemporaryFile(prefix="reconcile-cache-") as fh:
        pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        size = fh.tell()
        fh.seek(0)
        row = con.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, zeroblob(?), ?)",
                          (key, kind, size, today)).lastrowid
        with con.blobopen("entries", "value", row) as blob:
            while chunk := fh.read(1 << 20):
                blob.write(chunk)


def _today() -> int:
    return int(time.time() // 86400)


class Cache:
    """The cache of one folder, opened for one run (or several, in one process).

    ``hits``/``misses`` count per-file lookups, ``work_hits``/``work_misses`` per-work ones,
    ``stored`` entries written; ``enabled`` turns False after a problem (warned once).
    Not shared between processes: each run opens its own (the database is what is shared).
    """

    def __init__(self, directory: str | os.PathLike[str],
                 warn: Callable[[str], None] | None = None) -> None:
        self.directory = Path(directory)
        self.path = self.directory / DB_NAME
        self._warn_fn = warn
        self._warned = False
        self.hits = 0
        self.misses = 0
        self.work_hits = 0
        self.work_misses = 0
        self.folder_hits = 0
        self.draft_hits = 0  # works the grouping took as it made them before
        self.stored = 0
        self._used: list[str] = []
        self._wrote = False
        self._con: sqlite3.Connection | None = None
        self._matches_ref: object = None
        # the files the matches name, sorted, and the row of the match naming each
        self._by_record: tuple[Any, Any] = ((), ())
        self._tags_ref: object = None
        self._tags: Any = None  # a 64-bit tag of each record's id (see _matches_of)
        self.enabled = True
        self._open()

    # --- plumbing ---------------------------------------------------------------------

    def warn(self, msg: str) -> None:
        """Warn once per cache: one problem is enough to say, and the run goes on."""
        if self._warned:
            return
        self._warned = True
        if self._warn_fn is not None:
            self._warn_fn(msg)
        else:
            print(f"reconcile: warning: {msg}", file=sys.stderr)

    def _fail(self, what: str, exc: BaseException) -> None:
        self.warn(f"cache {self.path}: {what}: {exc}; going on without the cache")
        self.enabled = False
        self._close_connection()
        malformed = isinstance(exc, sqlite3.DatabaseError) and \
            not isinstance(exc, sqlite3.OperationalError)
        if malformed:  # the next run starts a new one
            try:
                self._move_aside()
            except OSError:
                pass

    def _move_aside(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            p = self.path.with_name(DB_NAME + suffix)
            if p.exists():
                os.replace(p, p.with_name(f"{DB_NAME}.corrupt{suffix}"))

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            try:
                con.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError:
                pass  # a file system without shared memory: the default journal still works
            con.execute("PRAGMA synchronous=NORMAL")
            con.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
            con.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, "
                        "kind TEXT NOT NULL, value BLOB NOT NULL, used INTEGER NOT NULL)")
            con.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
            row = con.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone()
            if row is None or row[0] != str(SCHEMA):
                raise sqlite3.OperationalError(f"cache schema {row[0] if row else None!r}, "
                                               f"expected {SCHEMA}")
        except BaseException:
            con.close()
            raise
        return con

    def _open(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._con = self._connect()
        except sqlite3.OperationalError as exc:  # locked, read-only, cannot open, other schema
            self._fail("cannot open", exc)
        except sqlite3.DatabaseError as exc:  # not a database, malformed
            self._set_aside(exc)
        except OSError as exc:
            self._fail("cannot create", exc)

    def _set_aside(self, exc: BaseException) -> None:
        """Move a broken database aside and start a new one."""
        self.warn(f"cache {self.path}: {exc}; moved aside to {DB_NAME}.corrupt, starting anew")
        try:
            self._move_aside()
            self._con = self._connect()
        except (sqlite3.Error, OSError):
            self.enabled = False
            self._con = None

    def _close_connection(self) -> None:
        if self._con is not None:
            try:
                self._con.close()
            except sqlite3.Error:
                pass
            self._con = None

    def _get(self, key: str) -> Any | None:
        if not self.enabled or self._con is None:
            return None
        try:
            row = self._con.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            self._fail("cannot read", exc)
            return None
        return None if row is None else self._loaded(key, row[0])

    def _get_many(self, keys: Sequence[str]) -> list[Any | None]:
        """:meth:`_get` of each of ``keys``, a few hundred keys a query (one query a key
        was most of looking up 11,661 works' groupings)."""
        if not self.enabled or self._con is None:
            return [None] * len(keys)
        blobs: dict[str, bytes] = {}
        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                blobs.update(self._con.execute(
                    f"SELECT key, value FROM entries WHERE key IN ({','.join('?' * len(chunk))})",
                    chunk).fetchall())
        except sqlite3.Error as exc:
            self._fail("cannot read", exc)
            return [None] * len(keys)
        return [None if k not in blobs else self._loaded(k, blobs[k]) for k in keys]

    def _loaded(self, key: str, blob: bytes) -> Any | None:
        """An entry's value, marked used; None where it does not load."""
        try:
            value = pickle.loads(blob)
        except Exception as exc:  # a damaged entry: recompute, and overwrite it
            self.warn(f"cache {self.path}: an entry does not load ({type(exc).__name__}: {exc}); "
                      "recomputing it")
            return None
        self._used.append(key)
        return value

    def _put(self, rows: Sequence[tuple[str, str, Any]], large: bool = False) -> None:
        """Keep ``rows`` (key, kind, value) in one transaction, or none of them. Each value
        is pickled as SQLite takes it, not all first: the 43,149 records of 10,000 works
        pickled at once were 1.2 GB beside the records themselves. A ``large`` value (the
        folder stage's result) is pickled to a temporary file and copied into its row a
        megabyte at a time: its pickle and SQLite's copy of it (0.2 GB at 10,000 works)
        were the run's largest moment."""
        if not rows or not self.enabled or self._con is None:
            return
        today = _today()
        con = self._con
        blobs = ((k, kind, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL), today)
                 for k, kind, v in rows)
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                if large:
                    for k, kind, v in rows:
                        _insert_streamed(con, k, kind, v, today)
                else:
                    con.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", blobs)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        except sqlite3.DataError as exc:  # a value too large to keep: the cache is sound
            self.warn(f"cache {self.path}: a result too large to keep ({exc}); going on")
            return
        except sqlite3.Error as exc:
            self._fail("cannot write", exc)
            return
        except Exception as exc:  # a value pickle cannot write: nothing of these is kept
            self.warn(f"cache {self.path}: cannot store a result ({type(exc).__name__}: {exc})")
            return
        self.stored += len(rows)
        self._wrote = True

    def close(self) -> None:
        """Mark the entries this run used, drop long-unused ones, close. Never raises."""
        if self.enabled and self._con is not None:
            today = _today()
            try:
                self._con.execute("BEGIN IMMEDIATE")
                try:
                    used = sorted(set(self._used))
                    for i in range(0, len(used), 500):
                        chunk = used[i:i + 500]
                        self._con.execute(
                            f"UPDATE entries SET used = ? WHERE used < ? AND key IN "
                            f"({','.join('?' * len(chunk))})", (today, today, *chunk))
                    if self._wrote:
                        self._con.execute("DELETE FROM entries WHERE used < ?",
                                          (today - KEEP_DAYS,))
                    self._con.execute("COMMIT")
                except BaseException:
                    self._con.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                self.warn(f"cache {self.path}: cannot update ({exc})")
        self._used.clear()
        self._close_connection()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def stats(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "dir": str(self.directory), "hits": self.hits,
                "misses": self.misses, "work_hits": self.work_hits,
                "work_misses": self.work_misses, "folder_hits": self.folder_hits,
                "draft_hits": self.draft_hits, "stored": self.stored}

    def entries(self) -> int:
        """Entries in the database (0 if it cannot be read)."""
        if not self.enabled or self._con is None:
            return 0
        try:
            return int(self._con.execute("SELECT count(*) FROM entries").fetchone()[0])
        except sqlite3.Error:
            return 0

    # --- per file ---------------------------------------------------------------------

    def file_key(self, file_id: str, sha256: str, config: Config) -> FileKey:
        h = hashlib.sha256("\0".join(
            ("file", code_hash(), config_hash(config, NOT_PER_FILE), file_id, sha256)).encode())
        return FileKey(h.hexdigest(), sha256, file_id)

    def lookup(self, path: Path, folder: Path,
               config: Config) -> tuple[FileKey | None, Fingerprinted | None]:
        """The key of ``path`` and its cached result, if any. ``(None, None)`` when the file
        cannot be read here (``process_file`` will report it) or the cache is off."""
        if not self.enabled:
            return None, None
        from .read import read_bytes, relative_id

        data = read_bytes(path, folder, config)
        if not isinstance(data, bytes):
            return None, None  # process_file reports it
        file_id = relative_id(path, folder)
        key = self.file_key(file_id, hashlib.sha256(data).hexdigest(), config)
        got = self._get(key)
        if got is not None:
            try:
                ok = got.witness.id == file_id and got.witness.source.sha256 == key.sha256
            except AttributeError:
                ok = False
            if ok:
                self.hits += 1
                return key, got
            self.warn(f"cache {self.path}: an entry is not what its key says; recomputing it")
        self.misses += 1
        return key, None

    def store(self, items: Iterable[tuple[FileKey | None, Any]]) -> None:
        """Keep the per-file results just computed (errors and unkeyed files are skipped; so
        is a result whose file changed since its key was made)."""
        from .fingerprint import Fingerprinted

        rows = []
        for key, rec in items:
            if key is None or not isinstance(rec, Fingerprinted):
                continue
            if rec.witness.id != key.file_id or rec.witness.source.sha256 != key.sha256:
                continue
            rows.append((str(key), "file", rec))
        self._put(rows)

    # --- the folder stage -------------------------------------------------------------

    @staticmethod
    def record_tags(records: Sequence[Fingerprinted]) -> list[str]:
        """A tag of each record: its source's fields hashed (its id, the sha256 of its text,
        what its container says of it), which with the per-file options make the record."""
        from .records import Source

        names = [f.name for f in fields(Source) if f.name not in ("text", "line_starts")]
        return [hashlib.sha256(repr([getattr(r.witness.source, n) for n in names]).encode(
            "utf-8", "surrogatepass")).hexdigest()[:32] for r in records]

    def folder_key(self, tags: Sequence[str], config: Config) -> str:
        """Key of the folder stage's result (the join, the works, related files and
        duplicates): code, the Config fields that can change results (not the decisions,
        which it does not read), and the tags of every record in order
        (:meth:`record_tags`)."""
        h = hashlib.sha256(self._join_key(config).encode())
        for t in tags:
            h.update(b"\0" + t.encode())
        return h.hexdigest()

    @staticmethod
    def _join_key(config: Config) -> str:
        return f"folder\0{code_hash()}\0{config_hash(config, _WORK_EXCLUDES)}"

    def lookup_folder(self, place: str, key: str) -> Any | None:
        """The folder stage's result for the folder ``place`` under ``key``, if it is the
        one last stored for that folder. The folder's entry holds the key alone, so that a
        changed folder does not load the old result to find it stale."""
        if not self.enabled or not place or self._get(_folder_slot(place)) != key:
            return None
        got = self._get(_FOLDER_RESULT + key)
        if got is not None:
            self.folder_hits += 1
        return got

    def store_folder(self, place: str, key: str, value: Any) -> None:
        """Keep the folder stage's result for ``place``, replacing the one kept before for
        it: one per folder, so the cache gathers no stale copies of a large folder's
        matches."""
        if not place or not self.enabled or self._con is None:
            return
        slot = _folder_slot(place)
        old = self._get(slot)
        self._put([(_FOLDER_RESULT + key, "folder", value), (slot, "folder", key)], large=True)
        if isinstance(old, str) and old != key:
            try:
                self._con.execute("DELETE FROM entries WHERE key = ?", (_FOLDER_RESULT + old,))
            except sqlite3.Error:
                pass

    def lookup_verdicts(self, place: str, config: Config) -> Verdicts | None:
        """The last join's verdicts for the folder ``place`` (join.Verdicts), else those of
        the last folder joined (a folder copied or moved, or a new one beside it: the
        verdicts name files by path and content, so any join's serve the pairs of files
        it saw), if it ran with the same code and options."""
        if not self.enabled or not place:
            return None
        key = self._join_key(config)
        last = self._get(_LAST_VERDICTS)
        for slot in dict.fromkeys((_verdicts_slot(place), last)):
            got = self._get(slot) if isinstance(slot, str) else None
            if isinstance(got, tuple) and len(got) == 2 and got[0] == key:
                return got[1]
        return None

    def store_verdicts(self, place: str, config: Config, verdicts: Verdicts) -> None:
        """Keep a join's verdicts for ``place`` (replacing the last), and name it the last
        folder joined."""
        if place and self.enabled:
            slot = _verdicts_slot(place)
            self._put([(slot, "folder", (self._join_key(config), verdicts)),
                       (_LAST_VERDICTS, "folder", slot)], large=True)

    def drafts(self, config: Config) -> _Drafts:
        """The works the grouping made before, for it to take again (group.Drafts), under
        this code and these options."""
        return _Drafts(self, self._join_key(config))

    # --- per work ---------------------------------------------------------------------

    def _matches_of(self, records: Sequence[Fingerprinted], matches: Matches,
                    deps: Sequence[int]) -> Any:
        """The matches with an end in one of ``deps``, by file, not index: a row of six
        64-bit numbers each (a tag of file a's id, its unit, the same of b, the bits of the
        containment and the Jaccard), the rows sorted. The key hashes their bytes: a sorted
        list of tuples of ids, written out, was 18 s of the 10,000 works' run (1.5 ms a
        work, before the workers could start). ``matches`` is indexed by record once per
        run: its rows by the files they name."""
        import numpy as np  # here, not above: the cache's own uses need none

        from .arrays import distinct
        if self._matches_ref is not matches:
            rows = np.arange(len(matches))
            other = matches.wb != matches.wa
            files = np.concatenate([matches.wa, matches.wb[other]])
            order = np.argsort(files, kind="stable")
            self._by_record = (files[order], np.concatenate([rows, rows[other]])[order])
            self._matches_ref = matches
        if self._tags_ref is not records:
            self._tags = np.array([_tag(r.witness.id) for r in records], dtype=np.uint64)
            self._tags_ref = records
        files, rows = self._by_record
        lo = np.searchsorted(files, deps, side="left")
        hi = np.searchsorted(files, deps, side="right")
        got = distinct(np.concatenate([rows[a:b] for a, b in zip(lo.tolist(), hi.tolist())]
                                      or [rows[:0]]))
        m = matches.where(got)
        tags = self._tags
        table = np.stack([tags[m.wa], m.ua.astype(np.uint64), tags[m.wb],
                          m.ub.astype(np.uint64),
                          np.ascontiguousarray(m.containment, dtype=np.float64).view(np.uint64),
                          np.ascontiguousarray(m.jaccard, dtype=np.float64).view(np.uint64)],
                         axis=1)
        return table[np.lexsort(table.T[::-1])]

    def work_key(self, records: Sequence[Fingerprinted], matches: Matches, work: Work,
                 config: Config, reads: Sequence[int] = ()) -> str:
        """Key of a work's result: code, the Config fields that can change results (of the
        decisions, only the pins that may apply to the work), the work (id, title, members,
        roles, shared paragraphs), the (id, sha256) of its members and of the other records
        it ``reads``, and the matches with an end in any of them."""
        from .work import pins_of

        deps = sorted(set(work.members) | set(reads))
        ident = (work.id, work.title, [records[i].witness.id for i in work.members],
                 work.witnesses, work.shared)
        files = [(records[i].witness.id, records[i].witness.source.sha256) for i in deps]
        parts = ("work", code_hash(), config_hash(config, _WORK_EXCLUDES), repr(ident), repr(files),
                 repr([p for _, p in pins_of(config.decisions, work.id)]))
        h = hashlib.sha256("\0".join(parts).encode())
        h.update(self._matches_of(records, matches, deps).tobytes())
        return h.hexdigest()

    def lookup_work(self, records: Sequence[Fingerprinted], matches: Matches,
                    work: Work, config: Config, reads: Sequence[int]
                    ) -> tuple[str, WorkResult | PackedResult | None]:
        """The key of a work's result and the result if the cache holds it (counted as a hit
        or a miss). For callers that compute misses elsewhere (a process pool) and give them
        back with :meth:`store_work`; the task must read only the members and ``reads``. A
        result stored packed (``work.PackedResult``, as a run stores them) comes back so."""
        if not self.enabled:
            return "", None
        from .work import PackedResult

        key = self.work_key(records, matches, work, config, reads)
        got = self._get(key)
        if got is not None:
            if isinstance(got, PackedResult):  # holds no Work: the run puts its own back
                result = got
            else:
                try:
                    result = replace(got, work=work)  # Work holds this run's record indices
                except (TypeError, ValueError):
                    result = None
            if result is not None:
                self.work_hits += 1
                return key, result
        self.work_misses += 1
        return key, None

    def store_work(self, items: Sequence[tuple[str, WorkResult | PackedResult]]) -> None:
        self._put([(key, "work", result) for key, result in items if key])

    def work(self, records: Sequence[Fingerprinted], matches: Matches, work: Work,
             config: Config, reads: Sequence[int],
             compute: Callable[[Sequence[Fingerprinted]], WorkResult]) -> WorkResult:
        """``compute(records)`` (``work.process_work`` for ``work``), served from the cache
        when nothing it depends on changed (see :meth:`work_key`); its ``pins_matched``
        count among the work's own pins (``work.pins_of``), as process_work gives them. ``reads`` are the indices
        of the records the task reads besides the work's members. ``compute`` is given a
        view of ``records`` that notes what is read: a result that read any other record is
        not kept (the key would not cover it), and a warning says so."""
        if not self.enabled:
            return compute(records)
        key, got = self.lookup_work(records, matches, work, config, reads)
        if got is not None:
            return got
        view = _ReadsView(records)
        result = compute(view)
        allowed = set(work.members) | set(reads)
        if view.all or not view.read <= allowed:
            self.warn("cache: the per-work task read records it does not declare (pipeline."
                      "analyse, cache.work(reads=...)); its results are not cached")
            return result
        if is_dataclass(result) and "work" in {f.name for f in fields(result)}:
            self._put([(key, "work", result)])
        return result


class _Drafts:
    """A cache's works as the grouping made them (group.Drafts), its keys put under the
    code and options (``prefix``)."""

    def __init__(self, cache: Cache, prefix: str) -> None:
        self._cache = cache
        self._prefix = prefix

    def _key(self, key: str) -> str:
        return "draft:" + hashlib.sha256(f"{self._prefix}\0{key}".encode()).hexdigest()

    def lookup_drafts(self, keys: Sequence[str]) -> list[Work | None]:
        from .group import Work

        got = self._cache._get_many([self._key(k) for k in keys])
        out = [w if isinstance(w, Work) else None for w in got]
        self._cache.draft_hits += sum(1 for w in out if w is not None)
        return out

    def store_drafts(self, items: Sequence[tuple[str, Work]]) -> None:
        self._cache._put([(self._key(k), "draft", w) for k, w in items])


class _ReadsView(Sequence):
    """A read-only view of the records that notes which indices are read."""

    def __init__(self, records: Sequence[Any]) -> None:
        self._records = records
        self.read: set[int] = set()
        self.all = False

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            self.all = True
            return self._records[i]
        self.read.add(i if i >= 0 else len(self._records) + i)
        return self._records[i]

    def __iter__(self):
        self.all = True
        return iter(self._records)


__all__ = ["Cache", "DB_NAME", "ENV_DIR", "KEEP_DAYS", "NOT_PER_FILE", "NOT_RESULT",
           "code_hash", "config_hash", "default_dir", "resolve_dir"]
