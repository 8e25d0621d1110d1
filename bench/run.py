"""The benchmark, end to end: ``python -m bench`` (quick) or ``python -m bench --full``.

1. the seeds folder end to end (median of 3);
2. per size (quick: 10 and 100 works; full: 10, 100 and 1,000): generate the folder, time
   ``reconcile run`` on it as a subprocess, score its output against the ground truth;
3. a cProfile of the largest size with ``--jobs 1``;
4. CollateX, reconcile and difflib on the same witness pairs (quick: 1,000 and 2,000
   characters; full: 1,000, 2,000 and 4,000);
5. ``docs/benchmarks.md``, ``docs/bench-time.png`` and ``out/bench/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from importlib import metadata
from pathlib import Path
from typing import Any

from . import compare as compare_mod
from .generate import GENERATOR_VERSION, generate, overlap_check
from .quality import evaluate, sites_of
from .report import TARGETS, plot, render
from .speed import exponents, fit_slope, growth, measure, profile_run, timed_runs
from .speed import reconcile_cmd

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240501


def reconcile_cmd_version() -> list[str]:
    return reconcile_cmd(Path("."), Path("."))[:-4] + ["--version"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) / 2**20
    except OSError:
        pass

    def ver(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {"cpu": cpu, "nproc": os.cpu_count(), "mem_gb": mem,
            "python": platform.python_version(), "platform": platform.platform(terse=True),
            "reconcile": ver("reconcile"), "collatex": ver("collatex"),
            "rapidfuzz": ver("rapidfuzz"),
            "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def dataset_info(n: int, truth: dict[str, Any], folder: Path) -> dict[str, Any]:
    works = truth["works"]
    langs = Counter(w["lang"] for w in works)
    return {"works": n, "files": len(truth["files"]), "zh": langs["zh"], "en": langs["en"],
            "bytes": sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()),
            "corruptions": sum(len(x["corruptions"]) for w in works for x in w["witnesses"]),
            "sites": sum(len(sites_of(w)) for w in works), "overlap": overlap_check(truth)}


def findings(res: dict[str, Any]) -> list[str]:
    """Plain statements about every missed target, from the figures."""
    out = []
    q = res["quality"][-1]
    if q["cer_base"] and q["cer_canonical"] / q["cer_base"] > TARGETS["cer_ratio"]:
        out.append(f"Canonical CER {100 * q['cer_canonical']:.2f} % is more than half the base "
                   f"edition's {100 * q['cer_base']:.2f} %: where the base witness itself is "
                   "wrong the canonical text repairs "
                   f"{100 * q['sites_base_corrupted_restored']:.1f} % of the sites.")
    if q["cer_base_ocr"] and q["cer_canonical"] / q["cer_base_ocr"] > 0.5:
        out.append(f"Against the base's OCR corruptions alone ({100 * q['cer_base_ocr']:.2f} %, "
                   "i.e. without the paragraph printed twice that the canonical text drops), "
                   f"the canonical CER ({100 * q['cer_canonical']:.2f} %) is "
                   f"{q['cer_canonical'] / q['cer_base_ocr']:.2f} of it: most of the gain in the "
                   "headline CER ratio comes from dropping repeated paragraphs, not from choosing "
                   "readings.")
    if q["sites_reported"] < TARGETS["sites_reported"]:
        kinds = sorted(((v.get("reported", 0) / v["covered"], k, v["covered"])
                        for k, v in q["sites_by_kind"].items() if v.get("covered", 0) >= 10))
        worst = ", ".join(f"{k} {100 * r:.0f} % of {n}" for r, k, n in kinds[:3])
        out.append(f"{100 * q['sites_reported']:.1f} % of the sites covered by two witnesses are "
                   f"reported by a note (target 95 %); {100 * q['sites_in_additions']:.1f} % "
                   "are filed instead as a witness's addition or omission (unaligned "
                   "stretches, or an inserted word of two letters or more, which the apparatus "
                   f"counts as an addition). Least reported kinds: {worst}.")
    for lang, v in sorted((q.get("by_lang") or {}).items()):
        cov = v.get("covered", 0)
        if cov and v.get("reported", 0) / cov < TARGETS["sites_reported"]:
            out.append(f"In {'Chinese' if lang == 'zh' else 'English'} works alone "
                       f"{100 * v['reported'] / cov:.1f} % of {cov} sites are reported and "
                       f"{100 * v.get('restored', 0) / cov:.1f} % restored; "
                       f"{100 * v.get('in_additions', 0) / cov:.1f} % are filed as a witness's "
                       "addition or omission instead (a short sentence with one OCR error that "
                       "did not pair at the unit level is printed as a whole omission plus "
                       "addition).")
    if q["sites_restored"] < TARGETS["sites_restored"]:
        out.append(f"{100 * q['sites_restored']:.1f} % of the covered sites are restored "
                   f"(target 85 %); {100 * q['sites_base_corrupted_restored']:.1f} % of those "
                   "where the base witness is wrong.")
    for r in res["speed"]:
        if r["works"] == 1000 and r["wall"] > TARGETS["works1000_s"]:
            out.append(f"1,000 works take {r['wall']:.0f} s (target 180 s).")
        if r["works"] == 1000 and r["tree_peak_mb"] > TARGETS["works1000_rss_mb"]:
            out.append(f"1,000 works peak at {r['tree_peak_mb']:.0f} MB (target 4 GB).")
    ex = res["exponents"]
    if ex and ex[-1]["to"] >= 1000 and ex[-1]["slope"] > TARGETS["exponent"]:
        out.append(f"Time grows as n^{ex[-1]['slope']:.2f} between {ex[-1]['from']} and "
                   f"{ex[-1]['to']} works (target n^1.15).")
    seeds = res["seeds"]
    if seeds["wall"] > TARGETS["seeds_s"]:
        small = min(res["speed"], key=lambda r: r["works"]) if res["speed"] else None
        also = (f" ({small['works']} works, {small['files']} files: "
                f"{small['wall']:.2f} s)" if small else "")
        out.append(f"The seeds folder (5 files) takes {seeds['wall']:.2f} s wall and "
                   f"{seeds.get('cpu', 0):.2f} s CPU (target 2 s){also}: the time is the fixed "
                   "cost of a run (starting Python, importing the tool and its libraries"
                   + (f": `import reconcile.pipeline, reconcile.output` alone takes "
                      f"{res['import_s']:.2f} s, `reconcile --version` {res['version_s']:.2f} s"
                      if "import_s" in res else "")
                   + "), not the text; the cold runs ranged "
                   + ", ".join(f"{w:.2f}" for w in seeds["walls"]) + " s and a warm re-run "
                   f"took {seeds.get('warm', {}).get('wall', 0):.2f} s.")
    m = res["machine"]
    load = max(float(x) for x in (m["load_before"].split()[:1] + m["load_after"].split()[:1]))
    if load > (m["nproc"] or 1):
        out.append(f"The machine was busy with other work during the run (1-minute load average "
                   f"up to {load:.1f} on {m['nproc']} cores): wall times are inflated; the CPU "
                   "column is the steadier figure.")
    p = res.get("profile")
    if p and p.get("stages"):
        top = sorted((s for s in p["stages"] if not s.get("wrapper")),
                     key=lambda s: -s["seconds"])[0]
        fn = p["top_tottime"][0]["function"] if p.get("top_tottime") else ""
        out.append(f"The profile of {p['works']} works puts {100 * top['share']:.0f} % of the "
                   f"time in {top['stage']} (`{top['function']}`); the function with the "
                   f"most own time is `{fn}`.")
    gr = res.get("growth")
    if gr:
        fast = [f for f in gr["functions"] if f["slope"] >= 1.4 and f["share"] >= 0.01]
        if fast:
            out.append(f"Superlinear parts, from the profiles of {gr['from']} and {gr['to']} "
                       "works: " + "; ".join(
                           f"`{f['function']}` own time n^{f['slope']:.2f}, per call "
                           f"n^{f['slope_per_call']:.2f} ({100 * f['share']:.1f} % of the "
                           f"{gr['to']}-work profile)" for f in fast[:5])
                       + ". A per-call cost that grows with the folder means each call (one per "
                       "work or file) scans data of the whole folder, and calls that grow "
                       "faster than the folder mean more candidate pairs per file: either way "
                       "these parts are superlinear and will weigh more on larger folders even "
                       "where the overall exponent looks linear.")
    for r in res["speed"]:
        warm = r.get("warm")
        if r["works"] == max(x["works"] for x in res["speed"]) and warm \
                and warm["wall"] > 0.7 * r["wall"]:
            out.append(f"A re-run of the unchanged {r['works']}-work folder with a warm cache "
                       f"takes {warm['wall']:.0f} s against {r['wall']:.0f} s cold: the cache "
                       "saves little there, since the folder-level stages (join, grouping, "
                       "writing the outputs) run again in full.")
    g = q["grouping"]
    if g["f1"] < 1:
        out.append(f"Grouping is not perfect at {q['works']} works: {g['predicted_works']} "
                   f"predicted works for {g['true_works']} (precision {g['precision']:.4f}, "
                   f"recall {g['recall']:.4f}).")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="10 and 100 works, CollateX at "
                      "1,000 and 2,000 characters (the default; `make bench`)")
    mode.add_argument("--full", action="store_true", help="10, 100 and 1,000 works, CollateX "
                      "at 1,000, 2,000 and 4,000 characters (`make bench-full`)")
    ap.add_argument("--sizes", help="comma-separated numbers of works (overrides the mode)")
    ap.add_argument("--cx-sizes", help="comma-separated characters per witness for CollateX")
    ap.add_argument("--cx-timeout", type=float, default=900.0,
                    help="seconds one CollateX alignment may take (default 900)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "bench",
                    help="working folder (generated data, outputs; default out/bench)")
    ap.add_argument("--doc", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument("--plot", type=Path, default=ROOT / "docs" / "bench-time.png")
    ap.add_argument("--no-collatex", action="store_true", help="skip the side-by-side")
    ap.add_argument("--no-profile", action="store_true", help="skip the profile run")
    ap.add_argument("--from-results", type=Path, metavar="JSON",
                    help="run nothing: write the doc and the plot again from a results.json "
                    "of an earlier run (for changes to the report itself)")
    args = ap.parse_args(argv)
    if args.from_results:
        res = json.loads(args.from_results.read_text("utf-8"))
        res["findings"] = findings(res)
        args.from_results.write_text(json.dumps(res, indent=1, default=str), "utf-8")
        args.doc.write_text(render(res, ROOT), "utf-8")
        plot(res, args.plot)
        log(f"bench: rewrote {args.doc} and {args.plot} from {args.from_results}")
        return 0
    full = bool(args.full)
    sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else \
        ([10, 100, 1000] if full else [10, 100])
    cx_sizes = [int(x) for x in args.cx_sizes.split(",")] if args.cx_sizes else \
        ([1000, 2000, 4000] if full else [1000, 2000])
    # English per-character alignment is the slower for CollateX (a small alphabet: more
    # matching tokens); it runs in the full mode up to 2,000 characters
    cx_langs = {n: (["zh", "en"] if full and n <= 2000 else ["zh"]) for n in cx_sizes}

    t_start = time.perf_counter()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {
        "mode": "full" if full else "quick", "make": "make bench-full" if full else "make bench",
        "argv": " ".join(["python -m bench"] + (argv if argv is not None else sys.argv[1:])),
        "machine": machine(),
        "corpus": {"seed": args.seed, "generator": GENERATOR_VERSION},
        "compare_noise": compare_mod.NOISE, "compare_timeout": args.cx_timeout,
    }

    log("bench: start-up cost ...")
    imp = [measure([sys.executable, "-c", "import reconcile.pipeline, reconcile.output"])
           for _ in range(3)]
    res["import_s"] = sorted(r["wall"] for r in imp)[1]
    res["version_s"] = sorted(measure(reconcile_cmd_version())["wall"] for _ in range(3))[1]
    log("bench: seeds folder, 3 runs ...")
    res["seeds"] = timed_runs(ROOT / "fixtures" / "seeds", out / "runs" / "seeds", 3, warm=True)

    res["datasets"], res["speed"], res["quality"] = [], [], []
    for n in sizes:
        data = out / "data" / f"works-{n}"
        log(f"bench: generating {n} works ...")
        truth = generate(data, n, seed=args.seed)
        info = dataset_info(n, truth, data / "input")
        res["datasets"].append(info)
        repeats = 3 if n <= 100 else 1
        log(f"bench: reconcile run, {n} works ({info['files']} files), {repeats} run(s) ...")
        run_out = out / "runs" / f"works-{n}"
        sp = timed_runs(data / "input", run_out, repeats, timeout=3600, warm=True)
        sp.update(works=n, files=info["files"], bytes=info["bytes"])
        res["speed"].append(sp)
        if sp["rc"] != 0:
            log(f"bench: reconcile failed on {n} works:\n{sp['stderr']}")
            return 1
        log(f"bench:   {sp['wall']:.1f} s, peak {sp['tree_peak_mb']:.0f} MB; scoring ...")
        q = evaluate(run_out, data / "input", truth)
        q["works"] = n
        res["quality"].append(q)
        log(f"bench:   F1 {q['grouping']['f1']:.4f}, CER {q['cer_canonical']:.4f} vs "
            f"{q['cer_base']:.4f}, reported {q['sites_reported']:.3f}, restored "
            f"{q['sites_restored']:.3f}, notes precision {q['notes_precision']:.3f}")
    pts = [(r["works"], r["wall"]) for r in res["speed"]]
    res["exponents"] = exponents(pts)
    res["fit"] = fit_slope(pts)

    if not args.no_profile:
        profiles = []
        for n in sizes[-2:]:
            log(f"bench: profiling {n} works (--jobs 1) ...")
            prof = out / f"profile-{n}.prof"
            p = profile_run(out / "data" / f"works-{n}" / "input", out / "runs" / f"profile-{n}",
                            prof, timeout=7200)
            p["works"] = n
            profiles.append(p)
        res["profile"] = profiles[-1]
        if len(profiles) == 2 and all("functions" in p for p in profiles):
            res["growth"] = {"from": profiles[0]["works"], "to": profiles[1]["works"],
                             "functions": growth(profiles[0], profiles[1],
                                                 profiles[0]["works"], profiles[1]["works"])}
        for p in profiles:
            p.pop("functions", None)

    if not args.no_collatex:
        rows = []
        for n in cx_sizes:
            rows += compare_mod.compare([n], cx_langs[n], timeout=args.cx_timeout,
                                        workdir=out / "collatex", log=log)
        res["compare"] = rows

    res["machine"]["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    res["elapsed"] = time.perf_counter() - t_start
    res["findings"] = findings(res)
    (out / "results.json").write_text(json.dumps(res, indent=1, default=str), "utf-8")
    args.doc.parent.mkdir(parents=True, exist_ok=True)
    args.doc.write_text(render(res, ROOT), "utf-8")
    plot(res, args.plot)
    log(f"bench: done in {res['elapsed']:.0f} s: {args.doc} and {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
