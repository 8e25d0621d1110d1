"""The benchmark, end to end: ``python -m bench`` (quick) or ``python -m bench --full``.

1. the seeds folder end to end (median of 3);
2. per size (quick: 10 and 100 works; full: 10, 100 and 1,000): generate the folder, time
   ``reconcile run`` on it as a subprocess, score its output against the ground truth; at
   the largest size, a re-run with one file changed and the cache of the cold run;
   full mode: 10,000 works run once cold, scored for the grouping only (issue 14);
3. real OCR: the Goethe pages read by three engines (``../shared/data/
   goethe-1809-three-engines/``, beside the repository), scored against the transcription
   beside the plain vote, each engine and the oracle; skipped with a note when the folder
   is missing; then the same pages cut into one work per transcription line (short lines);
4. a cProfile of the largest size with ``--jobs 1``;
5. CollateX, reconcile and difflib on the same witness pairs (quick: 1,000 and 2,000
   characters; full: 1,000, 2,000 and 4,000);
6. ``docs/benchmarks.md``, ``docs/bench-time.png`` and ``out/bench/results.json``.
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
from . import reallines, realocr
from .generate import GENERATOR_VERSION, generate, overlap_check
from .quality import evaluate, pairwise_f1, predicted_groups, read_summary, sites_of
from .report import REFERENCE_WALL, TARGETS, plot, reallines_target, render
from .speed import exponents, fit_slope, growth, measure, profile_run, timed_runs
from .speed import reconcile_cmd
from .scale import dask_run, long_files
from . import reportload

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240501
#: Real OCR of one book by three engines, with its transcription (see its README).
REALOCR_DATA = ROOT.parent / "shared" / "data" / "goethe-1809-three-engines"


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

    return {"cpu": cpu, "nproc": os.cpu_count(), "mem_gb": mem, "commit": commit(),
            "python": platform.python_version(), "platform": platform.platform(terse=True),
            "reconcile": ver("reconcile"), "collatex": ver("collatex"),
            "rapidfuzz": ver("rapidfuzz"),
            "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def commit() -> str:
    """The repository's commit, and whether the tool's sources differ from it (the tool may
    be edited while the benchmark runs: the figures are those of this state)."""
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "reconcile"], cwd=ROOT,
                               capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + (" with uncommitted changes under reconcile/" if dirty else "")


def dataset_info(n: int, truth: dict[str, Any], folder: Path) -> dict[str, Any]:
    works = truth["works"]
    langs = Counter(w["lang"] for w in works)
    return {"works": n, "files": len(truth["files"]), "zh": langs["zh"], "en": langs["en"],
            "bytes": sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()),
            "corruptions": sum(len(x["corruptions"]) for w in works for x in w["witnesses"]),
            "sites": sum(len(sites_of(w)) for w in works), "overlap": overlap_check(truth),
            "paged": paged_info(truth)}


def paged_info(truth: dict[str, Any]) -> dict[str, Any]:
    """What the works printed only as page files hold (from the ground truth)."""
    works = [w for w in truth["works"] if w.get("case") == "paged-only"]
    eds = [e for w in works for e in w.get("editions", []) if e["kind"] == "paged"]
    pages = [x for w in works for x in w["witnesses"] if x["layout"] == "page"]
    joins = [j for e in eds for j in e.get("joins", [])]
    lines = [(x["carries"].get(k), x["carries"].get(k + "_novel"))
             for x in pages for k in ("to", "from") if x["carries"].get(k)]
    styles = [st for e in eds for st in e.get("names", [])]
    return {"works": len(works), "printings": len(eds), "files": len(pages),
            "lost": sum(len(e["missing"]) for e in eds),
            "joins": len(joins), "joins_unmarked": sum(1 for j in joins
                                                       if not j["to"] and not j["from"]),
            "folios": sum(1 for x in pages if x["carries"].get("folio")),
            "markers": len(lines), "novel_markers": sum(1 for _, nv in lines if nv),
            "named": sum(1 for st in styles if "{n" in st),
            "hash_only": sum(1 for st in styles if "{n" not in st),
            "breaks": dict(Counter(j["break"] for j in joins))}


def generated(root: Path, n: int, seed: int) -> dict[str, Any]:
    """The folder of ``n`` generated works, reused when its ``truth.json`` (written last) says
    it is of this seed and generator version: 10,000 works take about 40 s to write."""
    try:
        truth = json.loads((root / "truth.json").read_text("utf-8"))
    except (OSError, ValueError):
        truth = None
    if truth and (root / "input").is_dir() and truth.get("generator") == GENERATOR_VERSION \
            and truth.get("seed") == seed and truth.get("n_works") == n:
        return truth
    return generate(root, n, seed=seed)


def scale_run(out: Path, n: int, seed: int) -> dict[str, Any]:
    """Issue 14's large folder: ``n`` works run once, cold, and scored for the grouping
    only (the full quality evaluation of 10,000 works would take longer than the run)."""
    data = out / "data" / f"works-{n}"
    t0 = time.perf_counter()
    truth = generated(data, n, seed)
    gen_s = time.perf_counter() - t0
    inp = data / "input"
    run_out = out / "runs" / f"works-{n}"
    log(f"bench: reconcile run, {n} works ({len(truth['files'])} files), 1 cold run ...")
    sp = timed_runs(inp, run_out, 1, timeout=3600)
    sp.update(works=n, files=len(truth["files"]), generate_s=gen_s,
              bytes=sum(p.stat().st_size for p in inp.rglob("*") if p.is_file()))
    if sp["rc"] in (0, 1) and not sp["timeout"]:
        summary = read_summary(run_out)
        g = pairwise_f1(predicted_groups(summary), truth["files"])
        g.update(predicted_works=len(summary["works"]), true_works=len(truth["works"]))
        sp["grouping"] = g
    return sp


def _pc(x: float, d: int = 1) -> str:
    return f"{100 * x:.{d}f} %"


def quality_findings(q: dict[str, Any]) -> list[str]:
    """Plain statements about the quality figures of one size against the targets."""
    out = []
    names = {"zh": "Chinese", "en": "English"}
    for lang, f in sorted((q.get("by_lang") or {}).items()):
        if not f.get("works") or not f["cer_copy_text"]:
            continue
        r = f["cer_canonical"] / f["cer_copy_text"]
        vs = ("better than" if f["cer_canonical"] < f["cer_plain_vote"] else
              "no better than")
        line = (f"{names[lang]}: canonical CER {_pc(f['cer_canonical'], 2)} against the copy "
                f"text's {_pc(f['cer_copy_text'], 2)} (ratio {r:.2f}, target ≤ "
                f"{TARGETS['cer_ratio']}); the plain vote of the full printings reaches "
                f"{_pc(f['cer_plain_vote'], 2)} and the best single printing "
                f"{_pc(f['cer_best_single'], 2)}, so the canonical text is {vs} the plain vote.")
        if f["cer_best_single"] and f["cer_copy_text"] > 3 * f["cer_best_single"]:
            line += (f" The copy text is {f['cer_copy_text'] / f['cer_best_single']:.0f}× "
                     "worse than the best single printing (text the best printing does not "
                     "carry: pages of other works, pages in a wrong order, a paragraph printed "
                     "twice, page furniture left in), so this ratio flatters the canonical "
                     "text: "
                     "against the best single printing it is "
                     f"{f['cer_canonical'] / f['cer_best_single']:.1f}×.")
        elif r > TARGETS["cer_ratio"] and f["cer_copy_text_ocr"]:
            line += (f" The copy text's recorded OCR corruptions alone make "
                     f"{_pc(f['cer_copy_text_ocr'], 2)}: the rest of its CER is text the "
                     "printing added or repeated that stayed in it.")
        out.append(line)
    for key, target, what in (("sites_reported", "sites_reported", "reported by a note"),
                              ("sites_restored", "sites_restored", "restored")):
        if q[key] < TARGETS[target]:
            per = ", ".join(f"{names[k]} {_pc(v[key])}" for k, v in
                            sorted((q.get("by_lang") or {}).items()) if v.get("sites_covered"))
            kinds = sorted(((v.get(key.split("_")[1], 0) / v["covered"], k, v["covered"])
                            for k, v in q["sites_by_kind"].items() if v.get("covered", 0) >= 10))
            worst = ", ".join(f"{k} {_pc(r, 0)} of {n}" for r, k, n in kinds[:3])
            out.append(f"{_pc(q[key])} of the {q['sites_covered']} sites covered by two "
                       f"printings are {what} (target {_pc(TARGETS[target], 0)}; {per}); "
                       f"{_pc(q['sites_in_additions'])} are filed as a witness's addition or "
                       f"omission instead. Weakest kinds: {worst}.")
    if q["notes_precision"] < TARGETS["notes_precision"]:
        kinds = sorted(((v["true"] / v["notes"], k, v["notes"])
                        for k, v in q["notes_by_kind"].items() if v["notes"] >= 10))
        out.append(f"Notes precision {_pc(q['notes_precision'])} (target "
                   f"{_pc(TARGETS['notes_precision'], 0)}): least precise kinds "
                   + ", ".join(f"{k} {_pc(r, 0)} of {n}" for r, k, n in kinds[:3])
                   + ". A note is false when the place it marks is neither a corruption nor an "
                   "editorial change: typically text of two works or two pages aligned "
                   "against each other.")
    g = q["grouping"]
    if g["f1"] < TARGETS["grouping_f1"]:
        p = q.get("paged") or {}
        gp = p.get("grouping") or {}
        out.append(f"Grouping F1 {g['f1']:.4f} at {q['works']} works (target "
                   f"{TARGETS['grouping_f1']}): {g['predicted_works']} predicted works for "
                   f"{g['true_works']}, precision {g['precision']:.4f}, recall "
                   f"{g['recall']:.4f}"
                   + (f"; over the files of the works printed only as page files alone F1 "
                      f"{gp['f1']:.4f} (precision {gp['precision']:.4f}, recall "
                      f"{gp['recall']:.4f})" if gp else "")
                   + ". Low precision means page files of different works were put in one "
                   "work (pages share no text, so only markers, names and digests link them).")
    p = q.get("paged") or {}
    po = p.get("page_order") or {}
    if po.get("all") and po["all"]["share"] < TARGETS["page_order"]:
        a = po["all"]
        parts = []
        for k, name in (("paged-only", "printed only as pages"),
                        ("second-printing", "second printings beside a single file")):
            if po.get(k):
                v = po[k]
                parts.append(f"{name}: {v['in_order']} of {v['editions']} in order, "
                             f"{v['in_one_work']} in one work")
        out.append(f"{_pc(a['share'])} of {a['editions']} printings over page files are one "
                   f"witness in the true page order (target {_pc(TARGETS['page_order'], 0)}); "
                   + "; ".join(parts) + ".")
    if p.get("works") and p.get("cer_own_pages"):
        r = p["cer_canonical"] / p["cer_own_pages"]
        if r > TARGETS["paged_cer_ratio"]:
            out.append(f"On the works printed only as page files the canonical CER is "
                       f"{_pc(p['cer_canonical'], 2)} against {_pc(p['cer_own_pages'], 2)} for "
                       f"their own pages read in the true order (ratio {r:.2f}, target ≤ "
                       f"{TARGETS['paged_cer_ratio']}); the copy text reads "
                       f"{_pc(p['cer_copy_text'], 2)}: pages put in the wrong work or order "
                       "carry whole passages of error into the canonical text.")
    lost = po.get("lost_pages") or {}
    ff = po.get("false_missing") or {}
    if lost.get("lost") or ff.get("full"):
        out.append(f"Missing pages: {lost.get('named', 0)} of {lost.get('lost', 0)} lost pages "
                   "are named by the witness holding the rest of their printing; "
                   f"{ff.get('full', 0)} of {ff.get('full_printings', 0)} single-file printings "
                   f"and {ff.get('paged', 0)} of {ff.get('paged_printings', 0)} page-file "
                   "printings that lost nothing are said to miss a page.")
    return out


def findings(res: dict[str, Any]) -> list[str]:
    """Plain statements about every missed target, from the figures."""
    out = []
    if res.get("quality"):
        out += quality_findings(res["quality"][-1])
    r = res.get("realocr") or {}
    if r.get("cer") is not None:
        b = r["baselines"]
        ok = r["cer"] <= TARGETS["goethe_cer"]
        out.append(f"Real OCR (Goethe): canonical CER {_pc(r['cer'], 2)} "
                   f"({'within' if ok else 'above'} the {_pc(TARGETS['goethe_cer'], 1)} target) "
                   f"against {_pc(b['vote'], 2)} for the plain vote, "
                   f"{_pc(b[b['best_engine']], 2)} for the best engine ({b['best_engine']}) and "
                   f"{_pc(b['oracle'], 2)} for the oracle; {_pc(r['pages_in_one_work'])} of the "
                   f"pages have all their readings in one work.")
    elif r.get("skipped") or r.get("failed"):
        out.append(f"Real OCR (Goethe) not scored: {r.get('skipped') or r.get('failed')}")
    r = res.get("reallines") or {}
    if r.get("cer") is not None:
        b, p = r["baselines"], r["parts"]
        two = p["grouped, 2 alike"]
        out.append(f"Real OCR, short lines: canonical CER {_pc(r['cer'], 2)} against "
                   f"{_pc(b['average'], 2)} for the average single reading and "
                   f"{_pc(b['vote'], 2)} for the plain vote: the target (below both) is "
                   f"{'met' if reallines_target(r) else 'not met'}. "
                   f"{_pc(r['lines_grouped'])} of the {r['lines']} lines are grouped right; "
                   f"the {p['not grouped']['lines']} others read {_pc(p['not grouped']['cer'], 2)}"
                   f" ({r['lines_merged']} of them merged into works holding other lines, the "
                   f"largest of {r['largest_work']} files; all lines but those read "
                   f"{_pc(p['not merged']['cer'], 2)}). On the lines grouped right the "
                   f"canonical text reads {_pc(p['grouped']['cer'], 2)} against "
                   f"{_pc(p['grouped']['vote'], 2)} for the vote; where two engines read a line "
                   f"identically ({two['lines']} lines) {_pc(two['cer'], 2)} against "
                   f"{_pc(two['vote'], 2)}.")
    elif r.get("skipped") or r.get("failed"):
        why = r.get("skipped") or r["failed"].strip().splitlines()[-1]  # not the traceback
        out.append(f"Real OCR, short lines not scored: {why}")
    for sp in res["speed"]:
        ref = REFERENCE_WALL.get(sp["works"])
        if ref and sp["wall"] > TARGETS["speed_ratio"] * ref:
            out.append(f"{sp['works']} works ({sp['files']} files) take {sp['wall']:.1f} s wall "
                       f"(CPU {sp.get('cpu', 0):.1f} s), {sp['wall'] / ref:.2f} × the previous "
                       f"version's {ref} s (target ≤ {TARGETS['speed_ratio']} ×).")
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
    return out


def draw(res: dict[str, Any], path: Path) -> None:
    """The plot, or a note when matplotlib (the ``bench`` extra) is not installed."""
    try:
        plot(res, path)
    except ImportError as e:
        log(f"bench: no plot ({e}; `make bench` installs the bench extra)")


def run_realocr(data: Path, work: Path) -> dict[str, Any]:
    """The real-OCR part, or why it was not run."""
    if not data.is_dir() or not (data / "gt").is_dir():
        return {"skipped": f"the data folder `{data}` is missing (it lives beside the "
                           "repository, in `../shared/data/`)"}
    base = reconcile_cmd(Path("."), Path("."))[:-4]
    try:
        got = realocr.run(data, work, base)
    except RuntimeError as e:
        return {"failed": str(e)[-1500:]}
    got["engines"] = realocr.engines_of(data)
    got["files"] = len(realocr.pages_of(data)) * len(got["engines"])
    got["data"] = str(data)
    return got


def run_reallines(data: Path, work: Path) -> dict[str, Any]:
    """The real-OCR short-lines part, or why it was not run."""
    if not data.is_dir() or not (data / "gt").is_dir():
        return {"skipped": f"the data folder `{data}` is missing (it lives beside the "
                           "repository, in `../shared/data/`)"}
    try:
        got = reallines.run(data, work, reconcile_cmd(Path("."), Path("."))[:-4])
    except RuntimeError as e:
        return {"failed": str(e)[-1500:]}
    got.pop("per_line")  # 2,000 rows: the parts and the worst lines say what they hold
    got["data"] = str(data)
    return got


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
    ap.add_argument("--realocr-data", type=Path, default=REALOCR_DATA,
                    help="folder of the real-OCR data set (default "
                    "../shared/data/goethe-1809-three-engines beside the repository)")
    ap.add_argument("--no-realocr", action="store_true",
                    help="skip the real-OCR parts (pages and short lines)")
    ap.add_argument("--scale-works", type=int, metavar="N",
                    help="full mode: N works run once cold, grouping F1 only (issue 14; "
                    "default 10000, 0 skips it; the quick mode never runs it)")
    ap.add_argument("--no-dask", action="store_true",
                    help="skip the run on a Dask LocalCluster (for trying the benchmark)")
    ap.add_argument("--no-long", action="store_true",
                    help="skip the long files (for trying the benchmark)")
    ap.add_argument("--no-report-load", action="store_true",
                    help="skip the large review page (for trying the benchmark)")
    ap.add_argument("--from-results", type=Path, metavar="JSON",
                    help="run nothing: write the doc and the plot again from a results.json "
                    "of an earlier run (for changes to the report itself)")
    args = ap.parse_args(argv)
    if args.from_results:
        res = json.loads(args.from_results.read_text("utf-8"))
        res["findings"] = findings(res)
        args.from_results.write_text(json.dumps(res, indent=1, default=str), "utf-8")
        args.doc.write_text(render(res, ROOT), "utf-8")
        draw(res, args.plot)
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
        # one file changed: at the largest size only, where the fixed cost weighs least
        sp = timed_runs(data / "input", run_out, repeats, timeout=3600, warm=True,
                        changed=n == sizes[-1])
        sp.update(works=n, files=info["files"], bytes=info["bytes"])
        res["speed"].append(sp)
        if sp["rc"] != 0:
            log(f"bench: reconcile failed on {n} works:\n{sp['stderr']}")
            return 1
        log(f"bench:   {sp['wall']:.1f} s, peak {sp['tree_peak_mb']:.0f} MB; scoring ...")
        q = evaluate(run_out, data / "input", truth)
        q["works"] = n
        res["quality"].append(q)
        po = q["paged"]["page_order"].get("all", {})
        log(f"bench:   F1 {q['grouping']['f1']:.4f}, CER {q['cer_canonical']:.4f} vs copy "
            f"text {q['cer_copy_text']:.4f}, best single {q['cer_best_single']:.4f}, plain "
            f"vote {q['cer_plain_vote']:.4f}, reported {q['sites_reported']:.3f}, restored "
            f"{q['sites_restored']:.3f}, notes precision {q['notes_precision']:.3f}, page "
            f"order {po.get('share', 0):.3f} of {po.get('editions', 0)}")
    ch = res["speed"][-1].get("changed")
    if ch:
        log(f"bench:   one file changed ({ch['file']}), warm: {ch['wall']:.1f} s, "
            f"{100 * (ch['ratio'] or 0):.1f} % of cold")
    scale_n = (10000 if args.scale_works is None else args.scale_works) if full else 0
    if scale_n > 0:
        res["scale"] = scale_run(out, scale_n, args.seed)
        sc = res["scale"]
        log(f"bench:   {sc['wall']:.1f} s, peak {sc['tree_peak_mb']:.0f} MB, exit {sc['rc']}"
            + (f", F1 {sc['grouping']['f1']:.4f}" if "grouping" in sc else ""))
    elif full:
        res["scale"] = {"skipped": "`--scale-works 0`"}
    elif args.scale_works:
        log("bench: --scale-works is for the full mode: not run")
    largest = sizes[-1]
    if args.no_dask:
        res["dask"] = {"skipped": "`--no-dask`", "works": largest}
    else:
        log(f"bench: the {largest} works again on a two-worker Dask LocalCluster ...")
        res["dask"] = dask_run(out / "data" / f"works-{largest}" / "input",
                               out / "runs" / f"works-{largest}", out / "runs" / "dask")
        res["dask"]["works"] = largest
        if "identical" in res["dask"]:
            log(f"bench:   {res['dask']['wall']:.1f} s, output identical: "
                f"{res['dask']['identical']}")
    long_sizes = [] if args.no_long else [2_000_000, 8_000_000] if full else [1_000_000]
    if long_sizes:
        log(f"bench: one long file ({', '.join(f'{b / 1e6:g} MB' for b in long_sizes)}) ...")
    res["long"] = long_files(long_sizes, out / "runs")
    for r in res["long"]:
        log(f"bench:   {r['bytes'] / 1e6:.1f} MB: {r['wall']:.1f} s, {r['tree_peak_mb']:.0f} MB")
    if args.no_report_load:
        res["report_load"] = {}
    else:
        log("bench: a large work's review page (6 × 75,000 characters, English) ...")
        res["report_load"] = reportload.run(out / "runs" / "report-load")
    r = res["report_load"]
    if "load" in r and "median_s" in r["load"]:
        log(f"bench:   {r['notes']} notes, {r['bytes'] / 1e6:.2f} MB, loads in "
            f"{r['load']['median_s']:.2f} s")
    if args.no_realocr:
        res["realocr"] = {"skipped": "`--no-realocr`"}
        res["reallines"] = {"skipped": "`--no-realocr`"}
    else:
        log(f"bench: real OCR ({args.realocr_data}) ...")
        res["realocr"] = run_realocr(args.realocr_data, out / "realocr")
        r = res["realocr"]
        if "cer" in r:
            log(f"bench:   CER {r['cer']:.4f}, plain vote {r['baselines']['vote']:.4f}, "
                f"oracle {r['baselines']['oracle']:.4f}")
        else:
            log(f"bench:   {r.get('skipped') or r.get('failed')}")
        log("bench: real OCR, short lines (one work per transcription line) ...")
        res["reallines"] = run_reallines(args.realocr_data, out / "reallines")
        r = res["reallines"]
        if "cer" in r:
            log(f"bench:   CER {r['cer']:.4f}, average reading {r['baselines']['average']:.4f}, "
                f"plain vote {r['baselines']['vote']:.4f}, lines grouped "
                f"{r['lines_grouped']:.3f}, {r['wall_s']:.0f} s")
        else:
            log(f"bench:   {r.get('skipped') or r.get('failed')}")
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
    if commit() != res["machine"]["commit"]:
        res["machine"]["commit"] += f" at the start, {commit()} at the end"
    res["elapsed"] = time.perf_counter() - t_start
    res["findings"] = findings(res)
    (out / "results.json").write_text(json.dumps(res, indent=1, default=str), "utf-8")
    args.doc.parent.mkdir(parents=True, exist_ok=True)
    args.doc.write_text(render(res, ROOT), "utf-8")
    draw(res, args.plot)
    log(f"bench: done in {res['elapsed']:.0f} s: {args.doc} and {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
