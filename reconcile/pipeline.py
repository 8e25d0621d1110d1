"""The run, stage by stage: read and clean and fingerprint each file (independent tasks),
join the fingerprints of the whole folder, group the files into works, then collate each
work (independent tasks again).

``process_file`` is the per-file task, ``analyse`` the folder-level step and
``work.process_work`` the per-work task; a distributed engine can run the first and last as
maps around the join, as :func:`run` does on one machine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .clean import clean
from .config import Config
from .duplicates import Duplicate, across_files, within_file
from .fingerprint import Fingerprinted, fingerprint
from .group import Related, Work, group
from .join import join
from .read import discover, read_source
from .records import ReadError, Source
from .work import WorkResult, process_work

# Below this many files a process pool costs more than it saves.
_POOL_MIN_FILES = 32


@dataclass(frozen=True, slots=True, eq=False)
class Result:
    config: Config
    records: tuple[Fingerprinted, ...]  # sorted by witness id
    matches: tuple
    works: tuple[Work, ...]
    related: tuple[Related, ...]
    duplicates: tuple[Duplicate, ...]
    errors: tuple[ReadError, ...]
    collated: tuple[WorkResult, ...]  # one per work, in the order of ``works``


def process_source(source: Source, config: Config) -> Fingerprinted:
    return fingerprint(clean(source, config), config)


def process_file(path: Path, folder: Path, config: Config) -> Fingerprinted | ReadError:
    """Read, clean and fingerprint one file. Needs nothing from any other file."""
    got = read_source(path, folder, config)
    if isinstance(got, ReadError):
        return got
    return process_source(got, config)


def analyse(records: Sequence[Fingerprinted], errors: Sequence[ReadError],
            config: Config) -> Result:
    """Join and group. The result does not depend on the order of ``records``."""
    recs = tuple(sorted(records, key=lambda r: r.witness.id))
    matches = tuple(join(recs, config))
    works, related = group(recs, matches, config)
    dups = within_file(recs, matches, config) + across_files(recs, matches, config)
    errs = tuple(sorted(errors, key=lambda e: e.file))
    collated = tuple(process_work(recs, matches, w, config) for w in works)
    return Result(config, recs, matches, tuple(works), tuple(related), tuple(dups), errs,
                  collated)


def run(folder: Path, config: Config | None = None,
        on_error: Callable[[ReadError], None] | None = None) -> Result:
    """Everything ``reconcile run`` computes for ``folder``, without writing anything."""
    config = config or Config()
    folder = Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder}: not a folder")
    paths = discover(folder, config)
    jobs = config.jobs if config.jobs > 0 else (os.cpu_count() or 1)
    if jobs > 1 and len(paths) >= _POOL_MIN_FILES:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            got = list(pool.map(process_file, paths, [folder] * len(paths),
                                [config] * len(paths), chunksize=8))
    else:
        got = [process_file(p, folder, config) for p in paths]
    records: list[Fingerprinted] = []
    errors: list[ReadError] = []
    for item in got:
        if isinstance(item, ReadError):
            errors.append(item)
            if on_error is not None:
                on_error(item)
        else:
            records.append(item)
    return analyse(records, errors, config)
