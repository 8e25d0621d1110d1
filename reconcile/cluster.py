"""The per-file and per-work tasks on a Dask cluster (``reconcile[dask]``).

``--scheduler local`` starts a ``LocalCluster`` on this machine (``jobs`` worker processes,
one thread each: the tasks hold the GIL); any other value is the address of a running
scheduler. The engine only maps: the join, the grouping and the writing stay with the
caller, so the output is the bytes a local run writes, whatever the number of workers.

- Per file: one task per batch of files (``pipeline.process_file``), read by path, so
  the workers must see FOLDER at the same path (a shared file system). An unreadable file
  is a ``ReadError`` result, an entry in ``errors``, as locally.
- Per work: one task per work, which carries what it reads (its work's records, the texts
  of its related works' files: ``pipeline.WorkTask``), so that no worker holds the
  folder's records; submitted in batches a few ahead of the results read.
- Failure: a worker that dies takes its tasks with it; the scheduler runs them again
  elsewhere (``retries``, and Dask's own ``allowed-failures`` for a killed worker).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from .config import Config
from .fingerprint import Fingerprinted
from .group import Work
from .pipeline import WorkTask, process_file, work_task
from .pool import jobs_of, no_fork
from .read import Url
from .records import ReadError
from .work import PackedResult

#: A task that raised is run again this many times before the run fails.
RETRIES = 3


#: The most files one per-file task reads, and the most works submitted at once.
_BATCH_MAX = 64
#: Batches of works submitted ahead of the results read, per worker.
_AHEAD = 4


def _process_files(paths: list[Path], folder: Path, config: Config
                   ) -> list[Fingerprinted | ReadError]:
    return [process_file(p, folder, config) for p in paths]


class SchedulerError(Exception):
    """No Dask here, or no scheduler at the address."""


class Dask:
    """An :class:`pipeline.Engine` on a Dask cluster. Use as a context manager: the client
    (and a local cluster) close with it."""

    def __init__(self, scheduler: str, workers: int = 0, timeout: float = 10.0) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise SchedulerError("--scheduler needs Dask: pip install 'reconcile[dask]'") from None
        self._cluster: Any = None
        self._held = ExitStack()
        try:
            if scheduler == "local":
                self._cluster = LocalCluster(n_workers=jobs_of(workers), threads_per_worker=1,
                                             processes=True, dashboard_address=":0")
                self.client = Client(self._cluster)
            else:
                self.client = Client(scheduler, timeout=f"{timeout}s")
        except (OSError, ValueError, TypeError) as exc:  # refused, timed out, not an address
            if self._cluster is not None:
                self._cluster.close()
            raise SchedulerError(f"{scheduler}: no Dask scheduler answers there ({exc})") from None

    def __enter__(self) -> Dask:
        # what stays on the client (the join) must not fork beside the client's threads
        self._held.enter_context(no_fork())
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()
            self._held.close()

    def _workers(self) -> int:
        return max(1, len(self.client.nthreads()))

    def _batch(self, n: int) -> int:
        """Tasks of a batch: about eight batches a worker, at most ``_BATCH_MAX`` tasks."""
        return max(1, min(_BATCH_MAX, n // (self._workers() * 8)))

    def files(self, paths: Sequence[Path], folder: Path, config: Config
              ) -> Iterator[Fingerprinted | ReadError]:
        if not paths:
            return
        # files in batches, a few per worker and round: a task per file costs the scheduler
        # more than reading a page does
        size = self._batch(len(paths))
        # absolute paths: a remote worker does not share this process's working folder (a
        # URL is read by each worker through fsspec as it is)
        if not isinstance(folder, Url):
            folder = Path(os.path.abspath(folder))
            paths = [Path(os.path.abspath(p)) for p in paths]
        whole = list(paths)
        batches = [whole[i:i + size] for i in range(0, len(whole), size)]
        futures = self.client.map(_process_files, batches, folder=folder, config=config,
                                  retries=RETRIES, pure=False)
        for f in futures:  # in order, so the caller's progress counts and keeps order
            yield from f.result()
            f.release()

    def works(self, recs: Sequence[Fingerprinted], tasks: Sequence[tuple[Work, tuple[int, ...]]],
              config: Config) -> Iterator[PackedResult]:
        # each task goes with what it reads (pipeline.WorkTask), so that no worker holds
        # the folder's records; a batch of tasks at a time, a few batches ahead of the
        # results read, so that the scheduler does not hold them all either
        size = self._batch(len(tasks))
        batches = (tasks[i:i + size] for i in range(0, len(tasks), size))
        ahead: deque[list[Any]] = deque()

        def submit() -> None:
            batch = next(batches, None)
            if batch is not None:
                ahead.append(self.client.map(
                    work_task, [WorkTask.of(recs, *t) for t in batch], config=config,
                    retries=RETRIES, pure=False))
        for _ in range(_AHEAD * self._workers()):
            submit()
        while ahead:
            for f in ahead.popleft():
                yield f.result()
                f.release()
            submit()


__all__ = ["Dask", "RETRIES", "SchedulerError"]
