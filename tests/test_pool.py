"""Process pools: work goes to forked workers, except where forking is barred."""

from __future__ import annotations

import multiprocessing as mp
import os

import pytest

from reconcile.pool import no_fork, shared_map

from .helpers import in_fresh_interpreter


def _pid(shared: object, item: int) -> int:
    return os.getpid()


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="no fork here")
def test_no_fork_keeps_a_pool_map_in_this_process() -> None:
    # beside a Dask client nothing forks (a fork copies whatever lock a thread holds)
    assert os.getpid() not in set(shared_map(_pid, None, list(range(8)), jobs=2, least=2))
    with no_fork():
        assert set(shared_map(_pid, None, list(range(8)), jobs=2, least=2)) == {os.getpid()}


def test_collection_pauses_in_the_main_thread_only_and_resumes_after_the_outermost() -> None:
    # a run pauses, and so does each of its tasks inside it; collection is back after
    # the run. A Dask worker's threads run tasks that overlap: they leave collection be
    import gc
    import threading

    from reconcile.pool import paused_gc

    assert gc.isenabled()
    with paused_gc():
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    seen: list[bool] = []

    def task() -> None:
        with paused_gc():
            seen.append(gc.isenabled())

    t = threading.Thread(target=task)
    t.start()
    t.join()
    assert seen == [True] and gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def _collecting(shared: object, item: int) -> tuple[bool, bool]:
    from reconcile.pool import paused_gc
    import gc

    outside = gc.isenabled()
    with paused_gc():
        inside = gc.isenabled()
    return outside, inside


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="no fork here")
def test_workers_forked_from_a_paused_run_collect_between_their_tasks() -> None:
    # the run pauses collection in its own process; a worker it forks collects again
    # (its tasks pause for themselves), or hundreds of works' cycles would pile up there
    import gc

    from reconcile.pool import paused_gc

    with paused_gc():
        assert not gc.isenabled()
        got = set(shared_map(_collecting, None, list(range(8)), jobs=2, least=2))
        assert not gc.isenabled()
    assert got == {(True, False)}
    assert gc.isenabled()


def test_fresh_workers_count_among_the_runs_children_and_leave_no_server() -> None:
    # their CPU time is what `time` and the benchmark read of a run; the forkserver that
    # started them is waited for, not left running
    in_fresh_interpreter("""
import math, resource
from multiprocessing import forkserver
from reconcile.pool import shared_map
before = resource.getrusage(resource.RUSAGE_CHILDREN)
got = list(shared_map(math.comb, 200000, [100000] * 4, jobs=2, least=2, fresh=True))
after = resource.getrusage(resource.RUSAGE_CHILDREN)
assert got == [math.comb(200000, 100000)] * 4
used = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
assert used > 0.5, used
assert forkserver._forkserver._forkserver_pid is None
""")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_worker_whose_parent_died_before_it_asked_to_die_with_it_ends() -> None:
    # the run killed between a worker's fork and its prctl sends it no signal: the worker
    # finds itself adopted (its parent is not the process that forked it) and ends
    from reconcile.pool import die_with_parent

    for parent, ends in ((None, False), (os.getpid(), False), (os.getpid() + 10 ** 7, True)):
        pid = os.fork()
        if pid == 0:  # the worker: adopted when its parent is not the one given
            die_with_parent(parent)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == (1 if ends else 0), parent
