"""``docs/benchmarks.md`` and ``docs/bench-time.png`` from the results of one benchmark run."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

# The targets of issue 5, checked against what the run measured.
TARGETS = {
    "seeds_s": 2.0,
    "works1000_s": 180.0,
    "works1000_rss_mb": 4096.0,
    "exponent": 1.15,
    "collatex_speedup_4000": 100.0,
    "cer_ratio": 0.5,
    "sites_reported": 0.95,
    "sites_restored": 0.85,
}

NOT_RUN = "not measured (quick run: `make bench-full`)"


def _pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{100 * x:.{digits}f} %"


def _s(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.3f} s" if x < 1 else f"{x:.1f} s" if x < 100 else f"{x:.0f} s"


def _mb(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.0f} MB" if x < 1024 else f"{x / 1024:.2f} GB"


def _status(ok: bool | None) -> str:
    return NOT_RUN if ok is None else ("PASS" if ok else "**MISS**")


def _rel(p: str, root: Path) -> str:
    try:
        return str(Path(p).resolve().relative_to(root))
    except ValueError:
        return str(p)


def _cmd(cmd: str, root: Path) -> str:
    parts = []
    for tok in cmd.split():
        if tok.startswith("/"):
            tok = _rel(tok, root)
        parts.append(tok)
    return "`" + " ".join(parts) + "`"


def main_rows(res: dict[str, Any], root: Path) -> list[tuple[str, str, str, str, str]]:
    rows = []
    full = res["mode"] == "full"
    seeds = res["seeds"]
    rows.append(("Seeds folder end to end (5 files, median of 3)",
                 f"{_s(seeds['wall'])} (CPU {_s(seeds.get('cpu'))})",
                 "≤ 2 s", _status(seeds["wall"] <= TARGETS["seeds_s"]),
                 _cmd(seeds["command"], root)))
    speed = res["speed"]
    for r in speed:
        n = r["works"]
        is1000 = n == 1000
        rows.append((f"Wall time, {n} works ({r['files']} files)"
                     + (f", median of {len(r['walls'])}" if len(r["walls"]) > 1 else ""),
                     f"{_s(r['wall'])} (CPU {_s(r.get('cpu'))})", "≤ 180 s" if is1000 else "—",
                     _status(r["wall"] <= TARGETS["works1000_s"]) if is1000 else "—",
                     _cmd(r["command"], root)))
        rows.append((f"Peak RSS, {n} works (whole process tree; largest process)",
                     f"{_mb(r['tree_peak_mb'])}; {_mb(r['maxrss_mb'])}",
                     "≤ 4 GB" if is1000 else "—",
                     _status(r["tree_peak_mb"] <= TARGETS["works1000_rss_mb"]) if is1000 else "—",
                     "same run"))
    if not any(r["works"] == 1000 for r in speed):
        rows.append(("Wall time and peak RSS, 1,000 works", "—", "≤ 180 s, ≤ 4 GB", NOT_RUN,
                     "`make bench-full`"))
    if "import_s" in res:
        rows.append(("Start-up: `import reconcile.pipeline, reconcile.output`; "
                     "`reconcile --version` (median of 3)",
                     f"{_s(res['import_s'])}; {_s(res['version_s'])}", "—", "—",
                     "`python -c \"import reconcile.pipeline, reconcile.output\"`"))
    ex = res["exponents"]
    for e in ex:
        last = e is ex[-1]
        judged = last and e["to"] >= 1000
        rows.append((f"Growth exponent, {e['from']} → {e['to']} works (log-log slope of time)",
                     f"{e['slope']:.2f}", "≤ 1.15" if judged else "—",
                     _status(e["slope"] <= TARGETS["exponent"]) if judged else
                     ("— (startup-dominated sizes)" if not last else NOT_RUN),
                     "the runs above"))
    q = res["quality"][-1]
    qn = q["works"]
    src = f"`reconcile run` of {qn} works above, scored by `bench.quality.evaluate`"
    g = q["grouping"]
    rows.append((f"Work grouping, pairwise over files ({qn} works)",
                 f"F1 {g['f1']:.4f} (P {g['precision']:.4f}, R {g['recall']:.4f})", "—", "—",
                 src))
    ratio = q["cer_canonical"] / q["cer_base"] if q["cer_base"] else None
    rows.append(("Canonical text CER vs base edition CER",
                 f"{_pct(q['cer_canonical'], 2)} vs {_pct(q['cer_base'], 2)}"
                 + (f" (ratio {ratio:.2f})" if ratio is not None else ""),
                 "ratio ≤ 0.5", _status(ratio is not None and ratio <= TARGETS["cer_ratio"]), src))
    ratio2 = q["cer_canonical"] / q["cer_base_ocr"] if q["cer_base_ocr"] else None
    rows.append(("Canonical CER vs the base's OCR corruptions alone (no repeated paragraph)",
                 f"{_pct(q['cer_canonical'], 2)} vs {_pct(q['cer_base_ocr'], 2)}"
                 + (f" (ratio {ratio2:.2f})" if ratio2 is not None else ""),
                 "(stricter reading: ratio ≤ 0.5)",
                 "PASS" if ratio2 is not None and ratio2 <= 0.5 else "**MISS**", src))
    rows.append((f"Corruption sites covered by ≥ 2 witnesses that a note reports "
                 f"({q['sites_covered']} sites)", _pct(q["sites_reported"]), "≥ 95 %",
                 _status(q["sites_reported"] >= TARGETS["sites_reported"]), src))
    rows.append(("… that the canonical text restores", _pct(q["sites_restored"]), "≥ 85 %",
                 _status(q["sites_restored"] >= TARGETS["sites_restored"]), src))
    rows.append((f"Precision of the notes ({q['notes']} notes)", _pct(q["notes_precision"]),
                 "—", "—", src))
    cx = res.get("compare") or []
    if cx:
        sizes = sorted({r["chars"] for r in cx})
        for n in sizes:
            for lang in sorted({r["lang"] for r in cx if r["chars"] == n}):
                sel = {r["method"]: r for r in cx if r["chars"] == n and r["lang"] == lang}
                c, rc = sel.get("CollateX"), sel.get("reconcile char_diff")
                if not c or not rc:
                    continue
                if c.get("seconds"):
                    sp = c["seconds"] / rc["seconds"] if rc["seconds"] else math.inf
                    val = (f"{_s(c['seconds'])} / {_mb(c['maxrss_mb'])} vs {_s(rc['seconds'])}: "
                           f"{sp:,.0f}×")
                    ok = sp >= TARGETS["collatex_speedup_4000"] if n == 4000 else None
                else:
                    val = f"CollateX {c.get('error', 'failed')} after {_s(c['wall'])}"
                    ok = True if n == 4000 and c.get("timeout") else None
                rows.append((f"CollateX vs reconcile, {n} characters per witness ({lang}): "
                             "time / peak RSS, speed-up", val,
                             "≥ 100×" if n == 4000 else "—",
                             _status(ok) if n == 4000 else "—",
                             "`python -m bench.compare --worker` (subprocess) vs "
                             "`reconcile.align.char_diff`"))
        if 4000 not in sizes:
            rows.append(("CollateX vs reconcile at 4,000 characters per witness", "—",
                         "≥ 100×", NOT_RUN, "`make bench-full`"))
        top = max(sizes)
        for lang in sorted({r["lang"] for r in cx if r["chars"] == top}):
            sel = {r["method"]: r for r in cx if r["chars"] == top and r["lang"] == lang}
            c, rc = sel.get("CollateX"), sel.get("reconcile char_diff")
            if c and rc and c.get("f1") is not None:
                ok = rc["f1"] >= c["f1"] and rc["site_accuracy"] >= c["site_accuracy"]
                rows.append((f"Alignment quality at {top} characters ({lang}): pair F1, "
                             "site accuracy (reconcile vs CollateX)",
                             f"{rc['f1']:.4f}, {_pct(rc['site_accuracy'])} vs "
                             f"{c['f1']:.4f}, {_pct(c['site_accuracy'])}",
                             "at least as good", _status(ok), "same pairs"))
    return rows


def render(res: dict[str, Any], root: Path) -> str:
    m = res["machine"]
    L: list[str] = []
    add = L.append
    add("# Benchmarks")
    add("")
    add("Written by the benchmark itself (`bench/`); do not edit by hand: run "
        f"`{res['make']}` again. This run: `{res['argv']}`, {res['mode']} mode, "
        f"{res['elapsed']:.0f} s in all.")
    add("")
    add(f"Machine: {m['cpu']}, `nproc` {m['nproc']}, {m['mem_gb']:.1f} GiB memory, "
        f"Python {m['python']}, {m['platform']}; load average {m['load_before']} before the run "
        f"and {m['load_after']} after it (the machine is shared: wall times carry that noise). "
        f"reconcile {m['reconcile']}, CollateX {m.get('collatex', '—')}, "
        f"rapidfuzz {m.get('rapidfuzz', '—')}.")
    add("")
    add("## Main figures")
    add("")
    add("| figure | value | target | status | command |")
    add("|---|---|---|---|---|")
    for row in main_rows(res, root):
        add("| " + " | ".join(x.replace("|", "\\|") for x in row) + " |")
    add("")
    misses = [r for r in main_rows(res, root) if "MISS" in r[3]]
    if misses:
        add("Missed targets: " + "; ".join(f"{r[0]} ({r[1]}, target {r[2]})" for r in misses)
            + ". See *Reading the figures* below.")
        add("")

    add("## Corpus")
    add("")
    c = res["corpus"]
    add(f"Generated by `bench.generate` (seed {c['seed']}, generator version "
        f"{c['generator']}) from the public-domain texts in `bench/corpus/` "
        "(see its README). Each folder holds the first N works of one sequence, so the "
        "smaller folders are prefixes of the larger, plus N/10 unrelated single files.")
    add("")
    add("| works | files | Chinese / English works | corruptions | sites | "
        "largest paragraph overlap between two works (mean, p99, max) |")
    add("|---|---|---|---|---|---|")
    for d in res["datasets"]:
        o = d["overlap"]
        add(f"| {d['works']} | {d['files']} | {d['zh']} / {d['en']} | {d['corruptions']} | "
            f"{d['sites']} | {o['mean']:.2f}, {o['p99']:.2f}, {o['max']:.2f} |")
    add("")
    add("The overlap column is the largest share of one paragraph's shingles found in a "
        "paragraph of another work, over sampled pairs of works of one language: works that "
        "drew the same corpus paragraph stay below what `reconcile` needs to match two "
        "sentences (0.6 containment), so a merged pair in the grouping is the tool's error, "
        "not the generator's.")
    add("")

    add("## Speed and memory")
    add("")
    add("| works | files | input | wall, cold (median) | all cold runs | CPU (user + sys, all "
        "processes) | peak RSS, tree | peak RSS, largest process | re-run, cache warm | exit |")
    add("|---|---|---|---|---|---|---|---|---|---|")
    seeds = dict(res["seeds"], works="seeds", files=5, bytes=0)
    for r in [seeds] + res["speed"]:
        warm = r.get("warm")
        add(f"| {r['works']} | {r['files']} | "
            + (f"{r['bytes'] / 1e6:.1f} MB" if r["bytes"] else "—") + f" | {_s(r['wall'])} | "
            + ", ".join(f"{w:.2f}" for w in r["walls"]) + f" | {_s(r.get('cpu'))} | "
            f"{_mb(r['tree_peak_mb'])} | "
            f"{_mb(r['maxrss_mb'])} | {_s(warm['wall']) if warm else '—'} | {r['rc']} |")
    add("")
    add("CPU is the user and system time of the run and every process it waited for (its "
        "pool workers), median over the cold runs: less sensitive than wall time to other "
        "load on the machine, and above the wall time when the pool keeps both cores busy.")
    add("")
    add("Every timed run is cold: `RECONCILE_CACHE_DIR` points at an empty folder, so the "
        "tool's cache (if it has one) holds nothing. *Re-run, cache warm* runs the same "
        "folder once more with the cache the last cold run filled.")
    add("")
    if res["exponents"]:
        add("Growth: " + "; ".join(f"{e['from']} → {e['to']} works: n^{e['slope']:.2f}"
                                   for e in res["exponents"])
            + (f"; least-squares over all sizes: n^{res['fit']:.2f}" if res.get("fit") else "")
            + ". Between the small sizes the fixed cost (interpreter start, imports, the "
            "process pool) dominates, so only the slope between the two largest sizes says "
            "how the work grows.")
        add("")
    add("![time against corpus size](bench-time.png)")
    add("")

    p = res.get("profile")
    if p and "stages" in p:
        add(f"### Where the time goes ({p['works']} works, one process)")
        add("")
        add(f"Profile: {_cmd(p['command'], root)} (cProfile, `--jobs 1` so that every stage "
            f"runs in the profiled process; {_s(p['wall'])} wall under the profiler, "
            f"{_s(p['profile_total'])} profiled).")
        add("")
        add("Stages: every function that the orchestrating modules (`reconcile/pipeline.py`, "
            "`reconcile/cli.py`) call, with the time spent in it from those calls (functions "
            "under 0.5 % left out).")
        add("")
        add("| stage | function | calls | seconds | share |")
        add("|---|---|---|---|---|")
        for s in sorted(p["stages"], key=lambda s: -s["seconds"]):
            add(f"| {s['stage']} | `{s['function']}` | {s['calls']} | {s['seconds']:.1f} | "
                f"{_pct(s['share'])} |")
        add("")
        stages = sorted((s for s in p["stages"] if not s.get("wrapper")),
                        key=lambda s: -s["seconds"])
        add("In words: " + ", ".join(f"{s['stage']} takes {_pct(s['share'], 0)}"
                                      for s in stages[:3] if s["seconds"] > 0) + ".")
        add("")
        add("Functions by own time (top 15):")
        add("")
        add("| function | own s | cumulative s | calls | share |")
        add("|---|---|---|---|---|")
        for f in p["top_tottime"]:
            add(f"| `{f['function']}` | {f['tottime']:.2f} | {f['cumtime']:.2f} | {f['calls']} | "
                f"{_pct(f['share'])} |")
        add("")
        add("`reconcile` functions by cumulative time:")
        add("")
        add("| function | cumulative s | own s | calls | share |")
        add("|---|---|---|---|---|")
        for f in p["top_cumtime"]:
            add(f"| `{f['function']}` | {f['cumtime']:.2f} | {f['tottime']:.2f} | {f['calls']} | "
                f"{_pct(f['share'])} |")
        add("")

    gr = res.get("growth")
    if gr and gr["functions"]:
        add(f"### Which parts grow fastest ({gr['from']} → {gr['to']} works)")
        add("")
        add(f"Own time of each function (≥ 1 % of the {gr['to']}-work profile) in the profiles "
            f"of {gr['from']} and {gr['to']} works, as a log-log slope; *per call* divides by "
            "the number of calls first, so a per-work task whose every call scans the whole "
            "folder shows a per-call slope near 1 (quadratic overall).")
        add("")
        add("| function | own s (small → large) | calls (small → large) | slope | per call | "
            "share of the large profile |")
        add("|---|---|---|---|---|---|")
        for f in gr["functions"][:12]:
            add(f"| `{f['function']}` | {f['tottime_small']:.2f} → {f['tottime']:.2f} | "
                f"{f['calls_small']} → {f['calls']} | {f['slope']:.2f} | "
                f"{f['slope_per_call']:.2f} | {_pct(f['share'])} |")
        add("")

    add("## Quality")
    add("")
    add("| works | grouping P / R / F1 | predicted / true works | canonical CER | base CER | "
        "base OCR-only CER | sites (≥ 2 witnesses) | reported | restored | "
        "base wrong: restored | not in notes but in additions/omissions | notes | "
        "notes precision |")
    add("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for q in res["quality"]:
        g = q["grouping"]
        add(f"| {q['works']} | {g['precision']:.4f} / {g['recall']:.4f} / {g['f1']:.4f} | "
            f"{g['predicted_works']} / {g['true_works']} | {_pct(q['cer_canonical'], 2)} | "
            f"{_pct(q['cer_base'], 2)} | {_pct(q['cer_base_ocr'], 2)} | "
            f"{q['sites_covered']} of {q['sites']} | {_pct(q['sites_reported'])} | "
            f"{_pct(q['sites_restored'])} | {_pct(q['sites_base_corrupted_restored'])} of "
            f"{q['sites_base_corrupted']} | {_pct(q['sites_in_additions'])} | {q['notes']} | "
            f"{_pct(q['notes_precision'])} |")
    add("")
    q = res["quality"][-1]
    if q.get("by_lang"):
        add(f"By language ({q['works']} works):")
        add("")
        add("| language | works | canonical CER | base CER | sites | reported | restored | "
            "base wrong: restored | notes | notes precision |")
        add("|---|---|---|---|---|---|---|---|---|---|")
        for lang, v in sorted(q["by_lang"].items()):
            cov = v.get("covered", 0) or 1
            chars = v.get("cer_n", 0) or 1
            wrong = v.get("base_corrupted", 0) or 1
            notes = v.get("notes", 0) or 1
            add(f"| {lang} | {v.get('works', 0)} | {_pct(v.get('cer_d', 0) / chars, 2)} | "
                f"{_pct(v.get('base_d', 0) / chars, 2)} | "
                f"{v.get('covered', 0)} | {_pct(v.get('reported', 0) / cov)} | "
                f"{_pct(v.get('restored', 0) / cov)} | "
                f"{_pct(v.get('base_corrupted_restored', 0) / wrong)} | "
                f"{v.get('notes', 0)} | {_pct(v.get('notes_true', 0) / notes)} |")
        add("")
    add(f"By kind of corruption ({q['works']} works; a site where witnesses are corrupted "
        "differently lists every kind):")
    add("")
    add("| kind | sites | reported | restored | base wrong | base wrong: restored | "
        "in additions/omissions instead |")
    add("|---|---|---|---|---|---|---|")
    for k, v in sorted(q["sites_by_kind"].items(), key=lambda kv: -kv[1].get("covered", 0)):
        n = v.get("covered", 0)
        if not n:
            continue
        bw = v.get("base_corrupted", 0)
        add(f"| {k} | {n} | {_pct(v.get('reported', 0) / n)} | {_pct(v.get('restored', 0) / n)} | "
            f"{bw} | {_pct(v.get('base_corrupted_restored', 0) / bw) if bw else '—'} | "
            f"{_pct(v.get('in_additions', 0) / n)} |")
    add("")
    add("Notes by kind:")
    add("")
    add("| kind | notes | true | precision |")
    add("|---|---|---|---|")
    for k, v in sorted(q["notes_by_kind"].items(), key=lambda kv: -kv[1]["notes"]):
        add(f"| {k} | {v['notes']} | {v['true']} | {_pct(v['true'] / v['notes'])} |")
    add("")

    cx = res.get("compare") or []
    if cx:
        add("## Side by side: CollateX, reconcile, difflib")
        add("")
        add("Same witness pairs for every method: two independent OCR-like corruptions "
            f"({res['compare_noise']:g}× the folders' rate) of the same clean text of N "
            "characters (the corpus in order). CollateX 2.3 is tokenised per character "
            "(`{\"t\": c}` tokens, `segmentation=False`) and runs in a subprocess (time inside "
            "the worker around `collate()`, peak RSS of the subprocess, timeout "
            f"{res['compare_timeout']:.0f} s). `reconcile char_diff` is "
            "`reconcile.align.char_diff` (diff-match-patch on the folded text, cut at long "
            "exact agreements above 4,000 characters); `reconcile align` is the whole "
            "per-witness path (`reconcile.align.align`: units paired, blocks, character "
            "diffs); difflib is `SequenceMatcher(None, a, b, autojunk=False)`. In-process "
            "times are the best of 3.")
        add("")
        add("| language | characters | method | time | peak RSS | speed-up of reconcile "
            "char_diff | pair precision | pair recall | pair F1 | site accuracy (sites) |")
        add("|---|---|---|---|---|---|---|---|---|---|")
        for r in cx:
            ref = next((x for x in cx if x["lang"] == r["lang"] and x["chars"] == r["chars"]
                        and x["method"] == "reconcile char_diff"), None)
            sp = (r["seconds"] / ref["seconds"]) if ref and r.get("seconds") and ref["seconds"] \
                else None
            if r.get("seconds") is None:
                add(f"| {r['lang']} | {r['chars']} | {r['method']} | {r.get('error', 'failed')} "
                    f"after {_s(r.get('wall'))} | {_mb(r.get('maxrss_mb'))} | — | — | — | — | — |")
                continue
            mem = _mb(r.get("maxrss_mb")) if r["method"] == "CollateX" else "in-process"
            ratio = f"{sp:,.0f}×" if sp is not None and r["method"] != "reconcile char_diff" \
                else "—"
            add(f"| {r['lang']} | {r['chars']} | {r['method']} | {_s(r['seconds'])} | {mem} | "
                f"{ratio} | "
                f"{r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | "
                f"{_pct(r['site_accuracy'])} ({r['sites']}) |")
        add("")

    add("## Definitions")
    add("")
    add(DEFINITIONS)
    add("")
    if res.get("findings"):
        add("## Reading the figures")
        add("")
        for f in res["findings"]:
            add(f"- {f}")
        add("")
    return "\n".join(L)


DEFINITIONS = """\
- **Ground truth.** `bench.generate` builds each work's *clean text* (title, dateline,
  paragraphs) from the corpus and prints it as 2–6 witness files; every change is recorded in
  `truth.json` beside the folder: the clean spans each file prints (and where in the file),
  every OCR-like corruption with its clean span and the text printed instead, every editorial
  change (cut sentence, clause or section, reordered section, framing, repeated paragraph)
  and every layout addition (page markers, column breaks, pull quotes, markdown).
- **Corruptions**: visually confusable characters (大/太, 盂/孟, 己/已, 未/末, 土/士, 日/曰,
  …; l/1, O/0, rn/m, cl/d, e/c, …), digit confusions (3/8, 1/7, …), random substitutions,
  transposed pairs, repeated syllables or words, dropped characters and foreign-word
  intrusions (`and`, `products` inside Chinese; `und`, `les` inside English), independently
  in every witness, at least three characters apart.
- **Grouping F1** (pairwise, over files): a pair of files is a true pair when both print one
  generated work (an unrelated file is a work of its own), a predicted pair when
  `summary.json` puts both in one work. Precision = correct predicted pairs / predicted
  pairs; recall = correct predicted pairs / true pairs; F1 = their harmonic mean.
- **CER**: Levenshtein distance (rapidfuzz) between a text and the work's clean text, both
  with all whitespace removed, over the clean text's length; summed over the works with two
  or more witnesses before dividing. *Canonical CER* uses `canonical.txt`; *base CER* the base
  witness's (`summary.json` `base`) cleaned text from `reconcile.pipeline.process_file`;
  *base OCR-only CER* counts only the base's recorded corruptions (not the paragraph a page
  jump printed twice, nor cleaning leftovers) over the same length.
- **Corruption site**: the clean span of a corruption (empty for an insertion); overlapping
  spans of the witnesses of one work are one site. *Covered by two or more witnesses*: at
  least two files of the work print that place (the corrupted one included).
- **Reported**: the site's span, mapped into `canonical.txt` through an alignment of the clean
  text with the canonical text (rapidfuzz `Levenshtein.opcodes`, whitespace removed), meets
  (closed intervals) the span `[offset, offset + length]` of a note of that work.
  *In additions/omissions*: not reported, but the mapped place meets an `additions` anchor
  or an `omitted` span of a witness in `notes.json` (the tool saw a difference there and
  filed it as a witness's own text or a cut, not as a variant).
- **Restored**: the alignment of clean and canonical text has no edit overlapping the site
  (for an insertion: nothing inserted at its point): the canonical text reads as the clean
  text there. *Base wrong: restored* restricts this to sites where the base witness itself
  is corrupted: the share the choice of readings repairs.
- **Precision of the notes**: a note is true when its span, mapped back into the clean text,
  meets (closed intervals) the clean span of a corruption in any witness of the work, or lies
  within one character of an editorial change's boundary (cut, reorder, framing, repeated
  paragraph). Precision = true notes / notes, over all predicted works, each scored against
  the generated work of its base witness.
- **Work matching**: each generated work is scored on the predicted work whose base witness is
  one of its files and that holds most of its files; a generated work without one counts its
  sites as neither reported nor restored.
- **Speed**: wall time of `reconcile run FOLDER --out DIR` as a subprocess (interpreter start
  included; median of 3 runs up to 100 works, one run above), default `--jobs` (one worker
  per core). Peak RSS: the process tree's summed resident memory sampled every 0.1 s
  (psutil), and the largest single process's `ru_maxrss` from `os.wait4`. Growth exponent:
  log(t2/t1) / log(n2/n1) between consecutive sizes.
- **Alignment quality** (side by side): true pairs are the (i, j) with character i of witness A
  and character j of witness B made from one clean character; a method's pairs are the
  characters it aligns (one CollateX column; one equal or replace operation, paired in order
  up to the shorter side). Pair precision / recall / F1 against the true pairs; *site
  accuracy*: the share of corruption sites (either witness) where the pairs the method makes
  with characters within two clean characters of the site are exactly the true ones."""


def plot(res: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cx = res.get("compare") or []
    fig, axes = plt.subplots(1, 2 if cx else 1, figsize=(11 if cx else 6, 4.2))
    if not cx:
        axes = [axes]
    ax = axes[0]
    sp = res["speed"]
    n = [r["works"] for r in sp]
    t = [r["wall"] for r in sp]
    ax.loglog(n, t, "o-", label="reconcile run (wall, median)")
    if len(n) >= 2:
        for k, style in ((1.0, ":"), (1.15, "--")):
            ref = [t[-1] * (x / n[-1]) ** k for x in n]
            ax.loglog(n, ref, style, color="grey", label=f"n^{k:g} through the largest run")
    ax.axhline(180, color="red", lw=0.8, label="target at 1,000 works: 180 s")
    ax.set_xlabel("works (about 4 files each)")
    ax.set_ylabel("seconds")
    ax.set_title("reconcile: time against corpus size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    if cx:
        ax = axes[1]
        for lang, marker in (("zh", "o"), ("en", "s")):
            for method, color in (("CollateX", "C3"), ("reconcile char_diff", "C0"),
                                  ("reconcile align", "C2"), ("difflib", "C1")):
                pts = [(r["chars"], r["seconds"]) for r in cx
                       if r["lang"] == lang and r["method"] == method and r.get("seconds")]
                if pts:
                    ax.loglog(*zip(*pts), marker=marker, color=color,
                              linestyle="-" if lang == "zh" else "--",
                              label=f"{method} ({lang})")
        ax.set_xlabel("characters per witness")
        ax.set_ylabel("seconds (one witness pair)")
        ax.set_title("pair alignment: CollateX vs reconcile vs difflib")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="center left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
