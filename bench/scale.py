"""Scale figures of issue 14 beside the corpus runs: one long file, and the same corpus on
a two-worker Dask ``LocalCluster`` (the same bytes as the local run, and its time)."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path
from typing import Any

from .longfile import build
from .speed import clear_stale, cold_env, measure, reconcile_cmd


def long_files(sizes: list[int], work: Path, timeout: float = 1800) -> list[dict[str, Any]]:
    """For each size (bytes), one file that long, run cold: wall time, peak memory, speed."""
    rows = []
    for size in sizes:
        inp = build(work / f"long-{size}", size)
        got = inp / "long-a.txt"
        out = work / f"long-{size}-out"
        clear_stale(out)
        cache = work / f"long-{size}-cache"
        shutil.rmtree(cache, ignore_errors=True)
        m = measure(reconcile_cmd(inp, out), timeout=timeout, env=cold_env(cache))
        shutil.rmtree(cache, ignore_errors=True)
        rows.append({"bytes": got.stat().st_size, "wall": m["wall"], "cpu": m["cpu"],
                     "tree_peak_mb": m["tree_peak_mb"], "rc": m["rc"], "timeout": m["timeout"],
                     "mb_per_s": got.stat().st_size / 1e6 / m["wall"] if m["wall"] else 0.0,
                     "command": " ".join(reconcile_cmd(inp, out))})
    return rows


def _same_tree(a: Path, b: Path) -> tuple[bool, list[str]]:
    files_a = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file())
    files_b = sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.is_file())
    if files_a != files_b:
        return False, sorted(set(files_a) ^ set(files_b))[:5]
    _, mismatch, errors = filecmp.cmpfiles(a, b, files_a, shallow=False)
    return not mismatch and not errors, (mismatch + errors)[:5]


def dask_run(folder: Path, local_out: Path, work: Path, timeout: float = 3600
             ) -> dict[str, Any]:
    """``--scheduler local --jobs 2`` on ``folder``, cold; its output compared byte for byte
    with ``local_out`` (a local run of the same folder)."""
    out = work / "dask-out"
    clear_stale(out)
    cache = work / "dask-cache"
    shutil.rmtree(cache, ignore_errors=True)
    cmd = reconcile_cmd(folder, out, jobs=2) + ["--scheduler", "local"]
    try:
        import distributed  # noqa: F401
    except ImportError:
        return {"skipped": "Dask is not installed (pip install 'reconcile[dask]')"}
    m = measure(cmd, timeout=timeout, env=cold_env(cache))
    shutil.rmtree(cache, ignore_errors=True)
    same, differ = _same_tree(local_out, out) if m["rc"] in (0, 1) else (False, [])
    return {"wall": m["wall"], "cpu": m["cpu"], "tree_peak_mb": m["tree_peak_mb"],
            "rc": m["rc"], "identical": same, "differ": differ, "command": " ".join(cmd),
            "stderr": m["stderr"][-2000:] if m["rc"] not in (0, 1) else ""}
