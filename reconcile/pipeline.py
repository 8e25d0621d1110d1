"""The run, stage by stage: read and clean and fingerprint each file (independent tasks),
join the fingerprints of the whole folder, group the files into works, then collate each
work (independent tasks again).

``process_file`` is the per-file task, ``analyse`` the folder-level step and
``work.process_work`` the per-work task. An :class:`Engine` runs the two maps: the
:class:`Local` one on this machine (a process pool), ``cluster.Dask`` on a Dask cluster;
the join between them runs where :func:`run` is called. The result is the same whichever.
"""

from __future__ import annotations

import os

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Protocol

from .clean import clean
from .config import Config
from .duplicates import Duplicate, across_files, within_file
from .fingerprint import Fingerprinted, fingerprint
from .group import Related, Work, group
from .join import Bands, join_again
from .containers import is_container, read_container
from .read import Url, discover, is_url, kind_of, read_bytes, read_source, relative_id
from .records import Matches, ReadError, Source
from .pool import give_back, jobs_of, large_blocks_mapped, paused_gc, shared_map
from .work import Collated, PackedResult, pins_of, process_work

if TYPE_CHECKING:
    from .cache import Cache

@dataclass(frozen=True, slots=True, eq=False)
class Result:
    config: Config
    records: tuple[Fingerprinted, ...]  # sorted by witness id
    matches: Matches
    works: tuple[Work, ...]
    related: tuple[Related, ...]
    duplicates: tuple[Duplicate, ...]
    errors: tuple[ReadError, ...]
    collated: Collated  # one per work, in the order of ``works``

    def warnings(self) -> list[tuple[str, str]]:
        """(file, message) for what reading a file had to guess or remove, by file."""
        return [(r.witness.id, m) for r in self.records for m in r.witness.source.warnings]

    def unmatched_pins(self) -> list[int]:
        """Indices of ``config.decisions`` that matched no note of any work."""
        used = {i for k in range(len(self.collated)) for i in self.collated.packed(k).pins_matched}
        return [i for i in range(len(self.config.decisions)) if i not in used]


def process_source(source: Source, config: Config) -> Fingerprinted:
    return fingerprint(clean(source, config), config)


def process_file(path: Path, folder: Path, config: Config) -> Fingerprinted | ReadError:
    """Read, clean and fingerprint one file. Needs nothing from any other file."""
    got = read_source(path, folder, config)
    if isinstance(got, ReadError):
        return got
    return process_source(got, config)


def process_container(path: Path, folder: Path, config: Config
                      ) -> list[Fingerprinted] | ReadError:
    """Read a file that holds many witnesses (reconcile/containers.py) and clean and
    fingerprint each."""
    data = read_bytes(path, folder, config)
    if isinstance(data, ReadError):
        return data
    got = read_container(relative_id(path, folder), data)
    if isinstance(got, ReadError):
        return got
    return [process_source(s, config) for s in got]


def analyse(records: Sequence[Fingerprinted], errors: Sequence[ReadError],
            config: Config, cache: Cache | None = None,
            progress: Callable[[str, int, int], None] | None = None,
            engine: Engine | None = None) -> Result:
    """Join and group. The result does not depend on the order of ``records``. ``cache``,
    ``progress`` and ``engine`` are as for :func:`run`."""
    with paused_gc():
        return _analyse(list(records), errors, config, cache, progress, engine)


def _analyse(records: list[Fingerprinted], errors: Sequence[ReadError], config: Config,
             cache: Cache | None, progress: Callable[[str, int, int], None] | None,
             engine: Engine | None, place: str = "", bands: Bands | None = None) -> Result:
    """:func:`analyse`, which empties ``records``: the caller gives them up, so that once
    the join has read their shingles they can go. ``place`` names the input folder, under
    which the cache keeps the folder stage's result; ``bands``: the records' bucket keys,
    where the records no longer hold them (closed once the join has read them)."""
    recs = tuple(sorted(records, key=lambda r: r.witness.id))
    records.clear()
    tags = cache.record_tags(recs) if cache is not None and place else []
    key = cache.folder_key(tags, config) if cache is not None and place else ""
    got = cache.lookup_folder(place, key) if key and cache is not None else None
    if got is None:
        # the last join of this folder decided the pairs of the files it saw: a re-run
        # with a file changed scores only that file's pairs
        before = cache.lookup_verdicts(place, config) if key and cache is not None else None
        matches, verdicts = join_again(recs, config, bands, tags, before)
        del before
        if key and cache is not None:
            cache.store_verdicts(place, config, verdicts)
        del verdicts
    else:
        matches = got[0]
    if bands is not None:
        bands.close()
    recs = tuple(r.lean() for r in recs)
    give_back()
    if got is None:
        works, related = group(recs, matches, config, tags,
                               cache.drafts(config) if key and cache is not None else None)
        dups = within_file(recs, matches, config) + across_files(recs, matches, works, config)
        if key and cache is not None:
            cache.store_folder(place, key, (matches, tuple(works), tuple(related), tuple(dups)))
    else:
        _, works, related, dups = got
    errs = tuple(sorted(errors, key=lambda e: e.file))
    if progress is not None:
        progress("folder", 1, 1)
    collated = collate_works(recs, matches, works, related, config, cache, progress, engine)
    return Result(config, recs, matches, tuple(works), tuple(related), tuple(dups), errs,
                  collated)


class Engine(Protocol):
    """Runs the per-file and per-work tasks; yields their results in the order given."""

    def files(self, paths: Sequence[Path], folder: Path, config: Config
              ) -> Iterator[Fingerprinted | ReadError]: ...

    def works(self, recs: Sequence[Fingerprinted], tasks: Sequence[tuple[Work, tuple[int, ...]]],
              config: Config) -> Iterator[PackedResult]: ...


# Below this many files (works) a process pool costs more than it saves, unless the works
# hold this much text between them (three large works: about 0.4 s each, a fork 0.03 s).
_POOL_MIN_FILES = 32
_POOL_MIN_WORKS = 8
_POOL_MIN_CHARS = 20_000
# From this many files, the per-work workers start fresh and are sent their tasks' records:
# forked, each starts as large as the run's process (1.1 GB at 10,000 works, 43,149 files;
# 0.25 GB at 1,000). Sending the records costs about 1 s of CPU a 1,000 works, and the
# forkserver's start 0.1 s: below, the memory saved is not worth it.
_FRESH_MIN_FILES = 10_000


@dataclass(frozen=True, slots=True)
class WorkTask:
    """A per-work task with what it reads: the records of the work's files (by their place
    in the folder, as the work names them) and the texts of its related works' files."""
    work: Work
    records: dict[int, Fingerprinted]
    related: tuple[str, ...]

    @classmethod
    def of(cls, recs: Sequence[Fingerprinted], work: Work, rel: Sequence[int]) -> WorkTask:
        """Work ``work``'s task, its related works' files ``rel`` among ``recs``."""
        return cls(work, {i: recs[i] for i in work.members},
                   tuple(recs[i].witness.text for i in rel))


def work_task(task: WorkTask, config: Config) -> PackedResult:
    """The per-work task; its result packed where it is made, as the run keeps it
    (unpickled and pickled again by the run's process it cost that process 4 s at 10,000
    works)."""
    with paused_gc():
        return PackedResult.of(process_work(task.records, task.work, config, task.related))


def _shared_file(shared: tuple[Path, Config], path: Path) -> Fingerprinted | ReadError:
    return process_file(path, *shared)


def _shared_work(shared: tuple[Sequence[Fingerprinted], Config],
                 task: tuple[Work, tuple[int, ...]]) -> PackedResult:
    recs, config = shared
    return work_task(WorkTask.of(recs, *task), config)


def _fresh_work(config: Config, task: WorkTask) -> PackedResult:
    return work_task(task, config)


class Local:
    """This machine: a process pool of ``config.jobs`` workers (one per core for 0) where
    there are enough tasks to pay for it, else this process."""

    def files(self, paths: Sequence[Path], folder: Path, config: Config
              ) -> Iterator[Fingerprinted | ReadError]:
        yield from shared_map(_shared_file, (folder, config), paths, jobs_of(config.jobs),
                              _POOL_MIN_FILES, chunksize=8)

    def works(self, recs: Sequence[Fingerprinted], tasks: Sequence[tuple[Work, tuple[int, ...]]],
              config: Config) -> Iterator[PackedResult]:
        least = _POOL_MIN_WORKS
        if len(tasks) < least and sum(len(recs[i].witness.text) for w, _ in tasks
                                      for i in w.members) >= _POOL_MIN_CHARS:
            least = 2
        chunk = 1 if len(tasks) < _POOL_MIN_WORKS else 2
        if len(recs) < _FRESH_MIN_FILES:  # forked: the workers share the records
            yield from shared_map(_shared_work, (recs, config), tasks, jobs_of(config.jobs),
                                  least, chunksize=chunk)
            return
        # forked workers would start as large as this process; fresh ones hold the tasks
        # they are given (at 10,000 works 0.2-0.4 GB each, forked 1.2-1.5 GB)
        yield from shared_map(_fresh_work, config, [WorkTask.of(recs, *t) for t in tasks],
                              jobs_of(config.jobs), least, chunksize=chunk, fresh=True)


def collate_works(recs: Sequence[Fingerprinted], matches: Matches, works: Sequence[Work],
                  related: Sequence[Related], config: Config, cache: Cache | None = None,
                  progress: Callable[[str, int, int], None] | None = None,
                  engine: Engine | None = None) -> Collated:
    """The per-work task for every work: from the cache where it holds the result, the rest
    on the engine. The result does not depend on which."""
    rels = related_members(works, related)
    out: list[PackedResult | None] = [None] * len(works)
    keys: list[str] = [""] * len(works)
    todo: list[int] = []
    for k, (w, rel) in enumerate(zip(works, rels)):
        if cache is not None:
            # ``rel``: the records besides its members that the task reads
            keys[k], out[k] = cache.lookup_work(recs, matches, w, config, rel)
        if out[k] is None:
            todo.append(k)
    done = len(works) - len(todo)
    engine = engine or Local()
    for k, res in zip(todo, engine.works(recs, [(works[k], rels[k]) for k in todo], config)):
        out[k] = res
        done += 1
        if progress is not None:
            progress("works", done, len(works))
    if cache is not None:
        cache.store_work([(keys[k], out[k]) for k in todo])
    # a work's matched pins are indices among its own (what its result, and the cache's
    # key, depend on); the run's result gives them among the run's decisions
    for k, res in enumerate(out):
        if res is not None and res.pins_matched:
            index = [i for i, _ in pins_of(config.decisions, works[k].id)]
            out[k] = replace(res, pins_matched=tuple(index[i] for i in res.pins_matched))
    return Collated(works, [r for r in out if r is not None])


# Related works read as support for a work's decisions: the few that share the most with it,
# so that a phrase shared by hundreds of works does not make every work read them all.
_MAX_RELATED = 3


def related_members(works: Sequence[Work], related: Sequence[Related]) -> list[tuple[int, ...]]:
    """For each work, the records of the works most related to it (support for decisions)."""
    by_id = {w.id: w for w in works}
    file_work = {}
    for w in works:
        for r in w.witnesses:
            file_work[r.id] = w.id
    links: dict[str, dict[str, int]] = {w.id: {} for w in works}
    for r in related:
        a, b = file_work.get(r.file), r.work
        if a and b and a != b:
            links[a][b] = max(links[a].get(b, 0), r.chars)
            links[b][a] = max(links[b].get(a, 0), r.chars)
    out = []
    for w in works:
        top = sorted(links[w.id].items(), key=lambda kv: (-kv[1], kv[0]))[:_MAX_RELATED]
        out.append(tuple(sorted(i for o, _ in top for i in by_id[o].members)))
    return out


def run(folder: Path | str, config: Config | None = None,
        on_error: Callable[[ReadError], None] | None = None,
        cache: Cache | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        engine: Engine | None = None) -> Result:
    """Everything ``reconcile run`` computes for ``folder`` (a path, or an fsspec URL that
    this machine and the engine's workers can read), without writing anything.

    ``engine`` runs the per-file and per-work tasks (default: :class:`Local`).

    ``cache`` (a :class:`reconcile.cache.Cache`) serves the per-file results of unchanged
    files and keeps the new ones (and per-work results; see cache.py); the result is the
    same with or without it. ``progress(stage, done, total)`` is called as each file is
    done (stage ``"files"``), after the folder stage (``"folder"``, 1 of 1) and as each work
    is done (``"works"``)."""
    large_blocks_mapped()
    with paused_gc():  # what the run builds lives until its end: nothing to collect
        return _run(folder, config or Config(), on_error, cache, progress, engine)


def _run(folder: Path | str, config: Config, on_error: Callable[[ReadError], None] | None,
         cache: Cache | None, progress: Callable[[str, int, int], None] | None,
         engine: Engine | None) -> Result:
    folder = Url(folder) if is_url(folder) else Path(folder)
    # what the cache keeps the folder stage under: the folder, or the one file named
    place = str(folder) if isinstance(folder, Url) else os.path.abspath(folder)
    kind = kind_of(folder)
    if kind == "file" and is_container(folder.name):
        folder, paths = folder.parent, [folder]  # one file of many witnesses
    elif kind != "dir":
        raise NotADirectoryError(f"{folder}: not a folder")
    else:
        paths = discover(folder, config)
    # files of many witnesses are read here, in this process, and not cached
    many = [p for p in paths if is_container(p.name)]
    paths = [p for p in paths if not is_container(p.name)]
    got: list[Fingerprinted | ReadError | None] = [None] * len(paths)
    keys: list = [None] * len(paths)
    done = 0
    # each record's bucket keys leave it as it comes (for the cache first, which keeps
    # whole records): the join reads them from ``bands``, which holds them out of memory
    bands = Bands()
    fresh: list[int] = []

    def set_apart(i: int) -> None:
        item = got[i]
        if isinstance(item, Fingerprinted):
            got[i] = bands.add(item)

    def stored(indices: Sequence[int]) -> None:
        if cache is not None:
            cache.store((keys[i], got[i]) for i in indices)
        for i in indices:
            set_apart(i)

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress("files", done, len(paths) + len(many))

    with bands:
        if cache is not None:
            for i, p in enumerate(paths):
                keys[i], got[i] = cache.lookup(p, folder, config)
                if got[i] is not None:
                    set_apart(i)
                    tick()
        todo = [i for i, g in enumerate(got) if g is None]
        engine = engine or Local()
        for i, item in zip(todo, engine.files([paths[i] for i in todo], folder, config)):
            got[i] = item
            fresh.append(i)
            if len(fresh) >= _STORE_EVERY:
                stored(fresh)
                fresh = []
            tick()
        stored(fresh)
        for p in many:
            members = process_container(p, folder, config)
            got.extend([members] if isinstance(members, ReadError) else
                       [bands.add(m) for m in members])
            tick()
        records: list[Fingerprinted] = []
        errors: list[ReadError] = []
        for item in got:
            if isinstance(item, ReadError):
                errors.append(item)
                if on_error is not None:
                    on_error(item)
            elif item is not None:
                records.append(item)
        del got
        return _analyse(records, errors, config, cache, progress, engine, place, bands)


# Per-file results are stored in the cache, and their bucket keys set apart, this many at a
# time: the run holds no more whole records than these.
_STORE_EVERY = 256
