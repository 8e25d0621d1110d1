"""Process pools on this machine: one per core, their workers ended with the run.

``shared_map`` forks its workers after setting what they read, so a large shared value (the
folder's records, the whole result) is inherited, not pickled to each task; only the small
task arguments and the results cross. Where ``fork`` is missing, where forking is barred
(``no_fork``: beside a Dask client), or there is too little to do, it runs in this process:
the results are the same either way.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing as mp
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1
# What the forked workers of the running shared_map read, and the function they apply.
_SHARED: tuple[Any, Callable[..., Any]] | None = None
_PARENT: int | None = None  # the process that forks the pool's workers (die_with_parent)
# Open holds that forbid forking (a Dask client's threads are running: a fork copies
# whatever lock a thread holds at that moment).
_NO_FORK = 0


@contextmanager
def no_fork() -> Iterator[None]:
    """While inside, shared_map runs everything in this process."""
    global _NO_FORK
    _NO_FORK += 1
    try:
        yield
    finally:
        _NO_FORK -= 1


def jobs_of(jobs: int) -> int:
    """Worker processes for ``Config.jobs``: 0 is one per core."""
    return jobs if jobs > 0 else (os.cpu_count() or 1)


def die_with_parent(parent: int | None = None) -> None:
    """A pool worker ends when the run does, even when the run is killed (Linux; elsewhere
    the pool's own shutdown is all there is). ``parent``: the process that forked it,
    where known: one killed before the worker asked for the signal (between the fork and
    this call) sends none, and the worker, adopted by another, ends here."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            pass
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def give_back() -> None:
    """Return the memory Python has freed to the system (glibc's ``malloc_trim``). Freed
    memory otherwise stays with the process: the join's signatures, once dropped, left
    0.65 GB resident at 10,000 works, and forked workers start from that much."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).malloc_trim(0)
        except (OSError, AttributeError):
            pass


# glibc's mallopt parameter: the size from which a block is mapped from the system (and
# unmapped when freed) instead of carved from the heap
_M_MMAP_THRESHOLD = -3
_MAPPED_FROM = 4 << 20


def large_blocks_mapped() -> None:
    """Blocks of 4 MB and more are mapped from the system and go back to it when freed.
    glibc raises that threshold each time such a block is freed, up to 32 MB, so that
    after the join the folder-wide arrays of the tally (tens of MB each) came from the heap
    and, once freed, were held as holes: the run's largest process grew 0.2 GB more than
    what the tally holds at 10,000 works. Fixing the threshold stops the raising (at 1 MB
    every array of a megabyte in the tasks was mapped: 1 s more system time at 1,000
    works)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, _MAPPED_FROM)
        except (OSError, AttributeError):
            pass


_PAUSED = 0  # paused_gc blocks the main thread is inside (they nest: a run, its tasks)
_RESUME = False  # whether collection was on when the outermost came in


@contextmanager
def paused_gc() -> Iterator[None]:
    """While inside, no automatic garbage collection: a task's own objects are freed by
    their counts as it goes, and a collection would walk all of them again and again
    (13 % of a 2 MB work, 5 % of an ordinary one; in the run's own process, related
    works at 10,000 works took 11.9 s collected, 5.6 s not). Collection is back when the
    outermost block leaves; the cycles left are collected then.

    Only the main thread pauses: collection is the whole process's, and the tasks of a
    worker's threads (Dask's) overlap, so that paused by each it would never resume."""
    global _PAUSED, _RESUME
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if _PAUSED == 0:
        _RESUME = gc.isenabled()
        gc.disable()
    _PAUSED += 1
    try:
        yield
    finally:
        _PAUSED -= 1
        if _PAUSED == 0 and _RESUME:
            gc.enable()


def _start_worker() -> None:
    """A forked worker: it ends with the run, and collects its garbage as the process it
    was forked from did before pausing (the tasks pause it for themselves)."""
    global _PAUSED, _RESUME
    die_with_parent(_PARENT)
    if _PAUSED:
        _PAUSED, on, _RESUME = 0, _RESUME, False
        if on:
            gc.enable()


def _start_fresh(shared: Any, fn: Callable[..., Any]) -> None:
    """A worker started by the forkserver: what it reads comes pickled, once."""
    global _SHARED
    die_with_parent()
    large_blocks_mapped()
    _SHARED = (shared, fn)


def _stop_forkserver() -> None:
    """End the forkserver and wait for it. It has waited for its workers, so their CPU time
    and memory then count among this process's children's (what ``time`` and
    ``getrusage`` report: else a run's CPU time left out its per-work stage), and no idle
    server outlives the map. (``_stop`` is the standard library's own, not public.)"""
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        stop()


def _call(item: Any) -> Any:
    assert _SHARED is not None
    shared, fn = _SHARED
    return fn(shared, item)


def shared_map(fn: Callable[[Any, T], R], shared: Any, items: Sequence[T], jobs: int,
               least: int, chunksize: int = 0, fresh: bool = False) -> Iterator[R]:
    """``fn(shared, item)`` for each item, in order: in ``jobs`` forked workers when there
    are at least ``least`` items, else here.

    ``fresh``: the workers are started from a fresh interpreter (the forkserver, which
    imports ``fn``'s module once), not forked from this process, and ``shared`` is pickled
    to each once: for a process grown large (a forked worker starts as large as it, and
    each worker's memory counts) whose tasks carry what they read in their items."""
    global _SHARED, _PARENT
    pooled = jobs > 1 and len(items) >= least
    chunk = chunksize or max(1, len(items) // (jobs * 8))
    if pooled and fresh and "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload([fn.__module__])  # where the server has not started yet
        try:
            yield from _pool_map(ctx, jobs, _start_fresh, (shared, fn), items, chunk)
        finally:
            _stop_forkserver()
    elif pooled and not _NO_FORK and "fork" in mp.get_all_start_methods():
        _SHARED = (shared, fn)
        _PARENT = os.getpid()
        give_back()
        # what the workers inherit is left out of their garbage collections: a collection
        # writes to every object it tracks, and each page written is copied into the worker
        # (at 10,000 works most of the folder's records, again in each worker)
        gc.freeze()
        try:
            yield from _pool_map(mp.get_context("fork"), jobs, _start_worker, (), items, chunk)
        finally:
            _SHARED = None
            gc.unfreeze()
    else:
        for item in items:
            yield fn(shared, item)


def _pool_map(ctx: Any, jobs: int, start: Callable[..., None], args: tuple[Any, ...],
              items: Sequence[Any], chunk: int) -> Iterator[Any]:
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=start,
                             initargs=args) as pool:
        yield from pool.map(_call, items, chunksize=chunk)

__all__ = ["die_with_parent", "give_back", "jobs_of", "large_blocks_mapped", "no_fork",
           "paused_gc", "shared_map"]
