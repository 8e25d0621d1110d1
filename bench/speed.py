"""Speed and memory of ``reconcile run`` as a subprocess, and a profile of one run.

Wall time is measured around the subprocess (interpreter start included: that is what a
user waits for). Memory is measured two ways: the largest resident set of any one process
of the run (``ru_maxrss`` from ``os.wait4``, which covers the pool workers the run waited
for), and the peak of the whole process tree's resident memory summed, sampled every 0.1 s
with psutil when it is installed. The second is what the machine must have.
"""

from __future__ import annotations

import hashlib
import math
import os
import pstats
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .realocr import clear_stale


#: Seconds between two samples of a run's memory (see :func:`measure`).
PSS_EVERY = 2.0


def _resident(proc: Any) -> int:
    """A process's share of the machine's memory: its proportional set size where the
    system tells it (forked workers share their parent's pages; summing their RSS would
    count those pages once per process), else its RSS."""
    import psutil

    try:
        return proc.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):
        return proc.memory_info().rss


def measure(cmd: Sequence[str], timeout: float | None = None, sample: float = 0.1,
            env: dict[str, str] | None = None, cwd: Path | None = None) -> dict[str, Any]:
    """Run ``cmd``; return wall seconds, exit code, peak RSS of its largest process and
    peak memory of its whole tree (MiB, proportional: see :func:`_resident`; sampled every
    :data:`PSS_EVERY` seconds), and the tail of its stderr. A run past ``timeout`` is
    killed and reported with ``timeout: True``."""
    try:
        import psutil
    except ImportError:  # the tree figure is optional
        psutil = None
    err_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-stderr-{os.getpid()}.txt"
    with open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=subprocess.DEVNULL, stderr=err, env=env,
                                cwd=cwd, start_new_session=True)
        tree_peak = 0
        timed_out = False
        status = None
        ru = None
        ps = psutil.Process(proc.pid) if psutil else None
        next_sample = t0 + sample
        while True:
            pid, st, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, ru = st, usage
                break
            if ps is not None and time.perf_counter() >= next_sample:
                # reading a process's PSS walks its page tables (0.1 s for a few GB): often,
                # it would take a core from the run it measures
                next_sample = time.perf_counter() + PSS_EVERY
                try:
                    rss = _resident(ps)
                    for ch in ps.children(recursive=True):
                        try:
                            rss += _resident(ch)
                        except psutil.Error:
                            pass
                    tree_peak = max(tree_peak, rss)
                except psutil.Error:
                    pass
            if timeout is not None and time.perf_counter() - t0 > timeout:
                timed_out = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                _, status, ru = os.wait4(proc.pid, 0)
                break
            time.sleep(sample)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = err_path.read_text("utf-8", "replace")
    err_path.unlink(missing_ok=True)
    maxrss = ru.ru_maxrss / 1024 if ru else 0.0  # KiB on Linux
    cpu = ru.ru_utime + ru.ru_stime if ru else 0.0
    return {"wall": wall, "cpu": cpu, "rc": proc.returncode, "timeout": timed_out,
            "maxrss_mb": maxrss, "tree_peak_mb": max(tree_peak / 2**20, maxrss),
            "stderr": stderr[-2000:]}


def cold_env(cache_dir: Path) -> dict[str, str]:
    """The environment of a run whose cache (if the tool has one) starts empty in
    ``cache_dir``: every timed run is a cold run unless it says otherwise."""
    env = dict(os.environ)
    env["RECONCILE_CACHE_DIR"] = str(cache_dir)
    return env


def reconcile_cmd(folder: Path, out: Path, jobs: int | None = None) -> list[str]:
    exe = Path(sys.executable).with_name("reconcile")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "reconcile"]
    cmd += ["run", str(folder), "--out", str(out)]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    return cmd


def timed_runs(folder: Path, out: Path, repeats: int, timeout: float | None = None,
               scratch: Path | None = None, warm: bool = False,
               changed: bool = False) -> dict[str, Any]:
    """``repeats`` cold runs of ``reconcile run`` (each with an empty cache folder); the
    median wall time and the largest memory. With ``warm``, one more run reusing the last
    run's cache (nothing changed in the folder); with ``changed``, one more on a copy of
    the folder with one file changed, reusing that cache too (:func:`changed_run`)."""
    scratch = Path(scratch or out.parent / f"{out.name}-cache")
    clear_stale(out)
    sources = tool_sources() if changed else ""
    runs = []
    for k in range(repeats):
        if scratch.exists():
            shutil.rmtree(scratch)
        runs.append(measure(reconcile_cmd(folder, out), timeout=timeout, env=cold_env(scratch)))
    walls = sorted(r["wall"] for r in runs)
    cpus = sorted(r["cpu"] for r in runs)
    res = {"wall": walls[len(walls) // 2], "walls": walls, "cpu": cpus[len(cpus) // 2],
           "rc": max(r["rc"] for r in runs),
           "timeout": any(r["timeout"] for r in runs),
           "maxrss_mb": max(r["maxrss_mb"] for r in runs),
           "tree_peak_mb": max(r["tree_peak_mb"] for r in runs),
           "stderr": runs[-1]["stderr"], "command": " ".join(reconcile_cmd(folder, out))}
    if warm and res["rc"] in (0, 1):
        w = measure(reconcile_cmd(folder, out), timeout=timeout, env=cold_env(scratch))
        res["warm"] = {"wall": w["wall"], "cpu": w["cpu"], "tree_peak_mb": w["tree_peak_mb"],
                       "rc": w["rc"]}
    if changed and res["rc"] in (0, 1):
        res["changed"] = changed_run(folder, out, scratch, timeout=timeout)
        res["changed"]["ratio"] = res["changed"]["wall"] / res["wall"] if res["wall"] else None
        # the cache keys hold a hash of the tool's sources: edited meanwhile, nothing hits
        res["changed"]["sources_changed"] = tool_sources() != sources
    if scratch.exists():
        shutil.rmtree(scratch)
    return res


#: The sentence appended to the changed file, in the file's language (a Han character in
#: it: Chinese), so that the change reads as an edit of the text, not as noise.
ADDED_SENTENCE = {"zh": "这一句是为基准测试改动一个文件而加的。",
                  "en": "This sentence was added to change one file for the benchmark."}


def tool_sources() -> str:
    """A digest of the tool's Python sources, as its cache's code hash covers them."""
    from importlib.util import find_spec

    spec = find_spec("reconcile")
    pkg = Path(spec.origin).parent if spec and spec.origin else None
    h = hashlib.sha256()
    for p in sorted(pkg.rglob("*.py")) if pkg else []:
        h.update(p.relative_to(pkg).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def link_copy(src: Path, dst: Path) -> None:
    """``src`` copied to ``dst`` as hard links, file by file: no bytes copied (the 1,000-work
    folder is 17 MB, the 10,000-work one ten times that), and nothing of ``src`` is
    changed as long as a file of the copy is replaced (unlinked, written anew), never
    written to."""
    if dst.exists():
        shutil.rmtree(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(src, dst, copy_function=os.link)


def change_one(folder: Path) -> str:
    """Replace the first ``.txt`` file of ``folder`` (relative paths in sorted order) by a
    new file holding its text with one sentence appended; its relative path. The old file
    is unlinked first: in a :func:`link_copy` it is the original's other name."""
    path = min((p for p in folder.rglob("*.txt") if p.is_file()),
               key=lambda p: p.relative_to(folder).as_posix())
    text = path.read_text("utf-8").rstrip("\n")
    zh = any("\u4e00" <= c <= "\u9fff" for c in text)
    path.unlink()
    path.write_text(text + ("" if zh else " ") + ADDED_SENTENCE["zh" if zh else "en"] + "\n",
                    "utf-8")
    return path.relative_to(folder).as_posix()


def changed_run(folder: Path, out: Path, cache: Path, timeout: float | None = None
                ) -> dict[str, Any]:
    """A warm re-run with one file changed: ``folder`` copied (hard links) beside ``out``
    with one file replaced (:func:`change_one`), run with the cache folder ``cache`` that the
    runs of ``folder`` filled. The cache keys a file by its path relative to the folder and
    its content, so every other file of the copy hits. The run writes over a copy of
    ``out`` (the results of ``folder``), as a user's re-run writes over the last results."""
    work = out.parent / f"{out.name}-one-changed"
    inp, dst = work / "input", work / "out"
    link_copy(folder, inp)
    name = change_one(inp)
    if dst.exists():
        shutil.rmtree(dst)
    if out.is_dir():
        shutil.copytree(out, dst)  # a real copy: the tool may rewrite its files in place
    m = measure(reconcile_cmd(inp, dst), timeout=timeout, env=cold_env(cache))
    shutil.rmtree(inp)  # only links: the original folder stays as it is
    return {"wall": m["wall"], "cpu": m["cpu"], "tree_peak_mb": m["tree_peak_mb"],
            "rc": m["rc"], "timeout": m["timeout"], "file": name,
            "command": " ".join(reconcile_cmd(inp, dst)),
            "stderr": m["stderr"][-2000:] if m["rc"] not in (0, 1) else ""}


def exponents(points: Sequence[tuple[float, float]]) -> list[dict[str, float]]:
    """Log-log slope between consecutive (size, time) points."""
    out = []
    for (n1, t1), (n2, t2) in zip(points, points[1:]):
        if n1 > 0 and n2 > n1 and t1 > 0 and t2 > 0:
            out.append({"from": n1, "to": n2, "slope": math.log(t2 / t1) / math.log(n2 / n1)})
    return out


def fit_slope(points: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of log time on log size."""
    pts = [(math.log(n), math.log(t)) for n, t in points if n > 0 and t > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / den if den else None


# --- profile -------------------------------------------------------------------------------

#: Friendly names of the functions the orchestrating modules call (the stages of a run).
STAGE_NAMES = {
    "discover": "discover files",
    "process_file": "read + clean + fingerprint (per file)",
    "join": "join (LSH + containment)",
    "group": "group into works",
    "within_file": "duplicates within files",
    "across_files": "duplicates across files",
    "process_work": "collate works (align, choose readings, notes)",
    "write": "write outputs (JSON, notes.md, HTML reports)",
    "lookup": "cache look-ups",
    "store": "cache writes",
    "report_of": "run report",
    "read_source": "read and decode files",
    "clean": "clean (layout, with the source map)",
    "fingerprint": "segment + MinHash fingerprints",
    "_find_and_load": "imports (modules loaded when first used)",
}
#: Modules that only orchestrate: a stage is a function they call.
ORCHESTRATORS = ("reconcile/pipeline.py", "reconcile/cli.py", "reconcile/__main__.py")


def profile_run(folder: Path, out: Path, prof: Path, timeout: float | None = None
                ) -> dict[str, Any]:
    """``reconcile run --jobs 1`` under cProfile (one process, so every stage is seen)."""
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "reconcile", "run",
           str(folder), "--out", str(out), "--jobs", "1"]
    scratch = out.parent / f"{out.name}-cache"
    if scratch.exists():
        shutil.rmtree(scratch)
    clear_stale(out)
    got = measure(cmd, timeout=timeout, env=cold_env(scratch))
    if scratch.exists():
        shutil.rmtree(scratch)
    got["command"] = " ".join(["python"] + cmd[1:])
    if got["rc"] != 0 or not prof.exists():
        got["error"] = "profile run failed"
        return got
    got.update(read_profile(prof))
    return got


def _where(key: tuple[str, int, str]) -> str:
    file, line, func = key
    if file == "~":
        return func
    parts = Path(file).parts
    if "reconcile" in parts:
        file = "/".join(parts[parts.index("reconcile"):])
    elif "site-packages" in parts:
        file = "/".join(parts[parts.index("site-packages") + 1:])
    else:
        file = Path(file).name
    return f"{file}:{line}({func})"


def read_profile(prof: Path, top: int = 15) -> dict[str, Any]:
    """Stages (every function the orchestrating modules call, with the time spent in it from
    those calls), the functions with the most own time, and ``reconcile``'s functions by
    cumulative time."""
    st = pstats.Stats(str(prof))
    stats = st.stats  # type: ignore[attr-defined]
    total = st.total_tt  # type: ignore[attr-defined]

    def orchestrator(file: str) -> bool:
        return file.replace("\\", "/").endswith(ORCHESTRATORS)

    stages = []
    for key, (cc, nc, tt, ct, callers) in stats.items():
        if orchestrator(key[0]) or key[0] == "~":
            continue
        if "reconcile" not in Path(key[0]).parts and key[2] != "_find_and_load":
            continue  # the CLI framework around the run
        secs = sum(v[3] for c, v in callers.items() if orchestrator(c[0]))
        calls = sum(v[1] for c, v in callers.items() if orchestrator(c[0]))
        if secs <= 0.005 * total:
            continue
        label = STAGE_NAMES.get(key[2], key[2])
        wrapper = key[0].replace("\\", "/").endswith("reconcile/cache.py") \
            and key[2] not in STAGE_NAMES
        if wrapper:
            label = f"cache layer around a task ({key[2]}; holds the task's own time)"
        stages.append({"stage": label, "function": _where(key), "wrapper": wrapper,
                       "seconds": secs, "share": secs / total if total else 0.0,
                       "calls": calls})
    stages.sort(key=lambda s: -s["seconds"])
    by_tt = sorted(stats.items(), key=lambda kv: -kv[1][2])[:top]
    own = [{"function": _where(k), "tottime": v[2], "cumtime": v[3], "calls": v[1],
            "share": v[2] / total if total else 0.0} for k, v in by_tt]
    ours = [(k, v) for k, v in stats.items() if "reconcile" in Path(k[0]).parts
            and k[2] != "<module>" and not orchestrator(k[0])]
    by_ct = sorted(ours, key=lambda kv: -kv[1][3])[:top + 5]
    cum = [{"function": _where(k), "tottime": v[2], "cumtime": v[3], "calls": v[1],
            "share": v[3] / total if total else 0.0} for k, v in by_ct]
    funcs = {_where(k): [v[2], v[1]] for k, v in
             sorted(stats.items(), key=lambda kv: -kv[1][2])[:300]}
    return {"profile_total": total, "stages": stages, "top_tottime": own, "top_cumtime": cum,
            "functions": funcs}


def growth(small: dict[str, Any], large: dict[str, Any], n_small: int, n_large: int,
           min_share: float = 0.01) -> list[dict[str, Any]]:
    """How each function's own time grows between two profiles: the log-log slope of its own
    time and of its own time per call, for functions with at least ``min_share`` of the
    larger profile. A per-call cost that grows with the folder is a scan of folder-wide
    data inside a per-file or per-work task."""
    out = []
    k = math.log(n_large / n_small)
    total = large["profile_total"] or 1.0
    for name, (tt, calls) in large["functions"].items():
        if tt < min_share * total or name not in small["functions"]:
            continue
        tt0, calls0 = small["functions"][name]
        if tt0 <= 0 or calls0 <= 0 or calls <= 0:
            continue
        out.append({"function": name, "share": tt / total, "tottime": tt, "tottime_small": tt0,
                    "calls": calls, "calls_small": calls0,
                    "slope": math.log(tt / tt0) / k,
                    "slope_per_call": math.log((tt / calls) / (tt0 / calls0)) / k})
    out.sort(key=lambda r: -r["slope"])
    return out
