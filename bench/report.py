"""``docs/benchmarks.md`` and ``docs/bench-time.png`` from the results of one benchmark run."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

# The targets, checked against what the run measured.
TARGETS = {
    # kept from the first benchmark (issue 5)
    "seeds_s": 2.0,
    "works1000_s": 180.0,
    "works1000_rss_mb": 4096.0,
    "exponent": 1.15,
    "collatex_speedup_4000": 100.0,
    # output contract 2
    "notes_precision": 0.95,
    "sites_reported": 0.97,
    "sites_restored": 0.92,
    "cer_ratio": 0.3,  # canonical CER / copy-text CER, per language
    "grouping_f1": 0.99,
    "page_order": 0.98,
    "paged_cer_ratio": 0.5,  # canonical CER / own pages in true order, paged-only works
    "goethe_cer": 0.006,
    "speed_ratio": 1.5,  # wall time against the previous version's
}

# The targets of issue 14 ("Scale"): this machine (2 cores), cold cache, generated corpus.
SCALE_TARGETS = {
    "version_s": 0.15,
    "seeds_s": 0.8,
    "works1000_s": 20.0,
    "works10000_s": 240.0,
    "works10000_rss_mb": 1536.0,
    "exponent": 1.05,  # between 1,000 and 10,000 works
    "changed_ratio": 0.05,  # warm re-run with one file changed / cold run
    # one 20 MB file "in seconds": read as under a minute, judged on an extrapolation from
    # the largest long file run (20 MB is not run: minutes today)
    "long_bytes": 20_000_000,
    "long_s": 60.0,
}

#: Wall time of the previous version (reconcile before output contract 2, generator 1: 36
#: and 363 files), from the docs/benchmarks.md it wrote on this machine (`make bench-full`).
REFERENCE_WALL = {10: 3.9, 100: 13.2}
REFERENCE_FILES = {10: 36, 100: 363}

NOT_RUN = "not measured (quick run: `make bench-full`)"
LANGS = {"zh": "Chinese", "en": "English"}


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


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _cer_line(f: dict[str, Any]) -> str:
    r = _ratio(f["cer_canonical"], f["cer_copy_text"])
    return (f"{_pct(f['cer_canonical'], 2)} vs copy text {_pct(f['cer_copy_text'], 2)}"
            + (f" (ratio {r:.2f})" if r is not None else "")
            + f"; best single witness {_pct(f['cer_best_single'], 2)}, plain vote "
            f"{_pct(f['cer_plain_vote'], 2)}")


def _by_lang(q: dict[str, Any], key: str, digits: int = 1) -> str:
    parts = [f"{lang} {_pct(v[key], digits)}" for lang, v in sorted(q.get("by_lang", {}).items())
             if v.get("works")]
    return f" ({', '.join(parts)})" if parts else ""


def quality_rows(res: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    rows: list[tuple[str, str, str, str, str]] = []
    if not res.get("quality"):
        return rows
    q = res["quality"][-1]
    qn = q["works"]
    src = f"`reconcile run` of {qn} works above, scored by `bench.quality.evaluate`"
    g = q["grouping"]
    rows.append((f"Work grouping, pairwise over files ({qn} works, {g['true_works']} true, "
                 f"{g['predicted_works']} predicted)",
                 f"F1 {g['f1']:.4f} (P {g['precision']:.4f}, R {g['recall']:.4f})",
                 f"≥ {TARGETS['grouping_f1']}", _status(g["f1"] >= TARGETS["grouping_f1"]),
                 src))
    rows.append((f"Canonical CER, all works ({q['works_scored']} works scored, "
                 f"{q['works_unmatched']} with no predicted work of their own)", _cer_line(q),
                 "—", "—", src))
    for lang, f in sorted(q.get("by_lang", {}).items()):
        if not f.get("works"):
            continue
        r = _ratio(f["cer_canonical"], f["cer_copy_text"])
        rows.append((f"Canonical CER vs copy-text CER, {LANGS[lang]} ({f['works']} works)",
                     _cer_line(f), f"ratio ≤ {TARGETS['cer_ratio']}",
                     _status(r is not None and r <= TARGETS["cer_ratio"]), src))
    r2 = _ratio(q["cer_canonical"], q["cer_copy_text_ocr"])
    rows.append(("Canonical CER vs the copy text's recorded OCR corruptions alone (no repeated "
                 "paragraph, no cleaning leftovers)",
                 f"{_pct(q['cer_canonical'], 2)} vs {_pct(q['cer_copy_text_ocr'], 2)}"
                 + (f" (ratio {r2:.2f})" if r2 is not None else ""), "—", "—", src))
    rows.append((f"Corruption sites covered by ≥ 2 witnesses that a note reports "
                 f"({q['sites_covered']} sites)",
                 _pct(q["sites_reported"]) + _by_lang(q, "sites_reported"),
                 f"≥ {100 * TARGETS['sites_reported']:.0f} %",
                 _status(q["sites_reported"] >= TARGETS["sites_reported"]), src))
    rows.append(("… that the canonical text restores",
                 _pct(q["sites_restored"]) + _by_lang(q, "sites_restored"),
                 f"≥ {100 * TARGETS['sites_restored']:.0f} %",
                 _status(q["sites_restored"] >= TARGETS["sites_restored"]), src))
    rows.append((f"Precision of the notes ({q['notes']} notes)",
                 _pct(q["notes_precision"]) + _by_lang(q, "notes_precision"),
                 f"≥ {100 * TARGETS['notes_precision']:.0f} %",
                 _status(q["notes_precision"] >= TARGETS["notes_precision"]), src))
    p = q.get("paged") or {}
    po = p.get("page_order") or {}
    if po.get("all"):
        a = po["all"]
        sub = "; ".join(f"{name} {_pct(po[k]['share'])} of {po[k]['editions']}"
                        for k, name in (("paged-only", "printed only as pages"),
                                        ("second-printing", "second printings"),
                                        ("with-missing", "with a lost page"))
                        if po.get(k))
        rows.append((f"Printings over page files whose files one witness lists in the true order "
                     f"({a['editions']} printings, {qn} works)",
                     f"{_pct(a['share'])} ({a['in_order']}; in one work {a['in_one_work']}, in "
                     f"one witness {a['in_one_witness']}); {sub}",
                     f"≥ {100 * TARGETS['page_order']:.0f} %",
                     _status(a["share"] >= TARGETS["page_order"]), src))
    if p.get("works"):
        r = _ratio(p["cer_canonical"], p.get("cer_own_pages"))
        rows.append((f"Works printed only as page files ({p['works']} of {p['true_works']} "
                     "scored): canonical CER vs their printings' own pages read in the true "
                     "order",
                     f"{_pct(p['cer_canonical'], 2)} vs {_pct(p.get('cer_own_pages'), 2)}"
                     + (f" (ratio {r:.2f})" if r is not None else "")
                     + f"; copy text {_pct(p['cer_copy_text'], 2)}, best single witness "
                     f"{_pct(p['cer_best_single'], 2)}, plain vote {_pct(p['cer_plain_vote'], 2)}",
                     f"ratio ≤ {TARGETS['paged_cer_ratio']}",
                     _status(r is not None and r <= TARGETS["paged_cer_ratio"]), src))
        gp = p["grouping"]
        rows.append(("… their grouping, pairwise over their files",
                     f"F1 {gp['f1']:.4f} (P {gp['precision']:.4f}, R {gp['recall']:.4f})",
                     "—", "—", src))
    lost = po.get("lost_pages") or {}
    if lost.get("lost"):
        ff = po.get("false_missing", {})
        rows.append(("Lost pages that the printing's witness names in `missing_pages`; "
                     "printings with no lost page whose witness names one",
                     f"{lost.get('named', 0)} of {lost['lost']}; "
                     f"page files {ff.get('paged', 0)} of {ff.get('paged_printings', 0)}, "
                     f"single files {ff.get('full', 0)} of {ff.get('full_printings', 0)}",
                     "—", "—", src))
    return rows


def realocr_rows(res: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    r = res.get("realocr")
    if not r:
        return []
    if r.get("skipped"):
        return [("Real OCR: Goethe 1809, three engines", f"skipped: {r['skipped']}",
                 f"≤ {100 * TARGETS['goethe_cer']:.1f} %", "not measured", "—")]
    if r.get("failed"):
        return [("Real OCR: Goethe 1809, three engines",
                 "reconcile failed: " + r["failed"].strip().splitlines()[-1][:200],
                 f"≤ {100 * TARGETS['goethe_cer']:.1f} %", _status(False),
                 "`python -m bench.realocr ../shared/data/goethe-1809-three-engines`")]
    b = r["baselines"]
    cmd = "`python -m bench.realocr ../shared/data/goethe-1809-three-engines`"
    return [
        (f"Real OCR, Goethe 1809 ({b['pages']} pages × {len(r['engines'])} engines): CER of "
         "the canonical texts (plain vote, best engine, oracle beside)",
         f"{_pct(r['cer'], 2)}; plain vote {_pct(b['vote'], 2)}, best engine "
         f"({b['best_engine']}) {_pct(b[b['best_engine']], 2)}, oracle {_pct(b['oracle'], 2)}",
         f"≤ {100 * TARGETS['goethe_cer']:.1f} %", _status(r["cer"] <= TARGETS["goethe_cer"]),
         cmd),
        ("… pages whose three readings stand in one work; works whose witnesses list their "
         "pages in page order",
         f"{_pct(r['pages_in_one_work'])}; {_pct(r['works_in_page_order'])} of {r['works']} "
         f"works", "—", "—", "same run"),
    ]


def _code(text: str) -> str:
    """OCR text as a code span (it may hold a backtick: then a double-backtick span)."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


REALLINES_CMD = "`python -m bench.reallines ../shared/data/goethe-1809-three-engines`"


def reallines_target(r: dict[str, Any]) -> bool:
    """The short-lines goal: the canonical text below the average single reading and below
    the plain vote."""
    b = r["baselines"]
    return r["cer"] < b["average"] and r["cer"] < b["vote"]


def reallines_rows(res: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    r = res.get("reallines")
    what = "Real OCR, short lines: Goethe 1809, one work per transcription line"
    target = "below the average reading and the plain vote"
    if not r:
        return []
    if r.get("skipped") or r.get("failed"):
        why = (f"skipped: {r['skipped']}" if r.get("skipped") else
               "reconcile failed: " + r["failed"].strip().splitlines()[-1][:200])
        return [(what, why, target, "not measured" if r.get("skipped") else _status(False),
                 REALLINES_CMD)]
    b = r["baselines"]
    g = r["parts"]["grouped"]
    return [
        (f"Real OCR, short lines ({r['lines']} transcription lines × {len(r['engines'])} "
         "engines, one work each): CER of the canonical texts (average reading, plain vote, "
         "oracle beside)",
         f"{_pct(r['cer'], 2)}; average reading {_pct(b['average'], 2)}, plain vote "
         f"{_pct(b['vote'], 2)}, best engine ({b['best_engine']}) "
         f"{_pct(b[b['best_engine']], 2)}, oracle {_pct(b['oracle'], 2)}",
         target, _status(reallines_target(r)), REALLINES_CMD),
        ("… lines whose readings form one work holding nothing else; CER on those lines "
         "(plain vote beside)",
         f"{_pct(r['lines_grouped'])}; {_pct(g['cer'], 2)} (vote {_pct(g['vote'], 2)})",
         "—", "—", "same run"),
    ]


def main_rows(res: dict[str, Any], root: Path) -> list[tuple[str, str, str, str, str]]:
    from .compare import RECONCILE

    rows = []
    seeds = res["seeds"]
    rows.append(("Seeds folder end to end (5 files, median of 3)",
                 f"{_s(seeds['wall'])} (CPU {_s(seeds.get('cpu'))})",
                 "≤ 2 s", _status(seeds["wall"] <= TARGETS["seeds_s"]),
                 _cmd(seeds["command"], root)))
    speed = res["speed"]
    for r in speed:
        n = r["works"]
        is1000 = n == 1000
        ref = REFERENCE_WALL.get(n)
        if ref:
            target = (f"≤ {TARGETS['speed_ratio']} × {ref} s = "
                      f"{TARGETS['speed_ratio'] * ref:.1f} s (previous version, "
                      f"{REFERENCE_FILES[n]} files)")
            ok = _status(r["wall"] <= TARGETS["speed_ratio"] * ref)
        elif is1000:
            target, ok = "≤ 180 s", _status(r["wall"] <= TARGETS["works1000_s"])
        else:
            target, ok = "—", "—"
        rows.append((f"Wall time, {n} works ({r['files']} files)"
                     + (f", median of {len(r['walls'])}" if len(r["walls"]) > 1 else ""),
                     f"{_s(r['wall'])} (CPU {_s(r.get('cpu'))})"
                     + (f"; {r['wall'] / ref:.2f} × the previous version's" if ref else ""),
                     target, ok, _cmd(r["command"], root)))
        rows.append((f"Peak memory, {n} works (whole process tree, PSS; largest process, RSS)",
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
    rows += quality_rows(res)
    rows += realocr_rows(res)
    rows += reallines_rows(res)
    cx = res.get("compare") or []
    if cx:
        sizes = sorted({r["chars"] for r in cx})
        for n in sizes:
            for lang in sorted({r["lang"] for r in cx if r["chars"] == n}):
                sel = {r["method"]: r for r in cx if r["chars"] == n and r["lang"] == lang}
                c, rc = sel.get("CollateX"), sel.get(RECONCILE)
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
                             "`reconcile.align.align_pair` on characters"))
        if 4000 not in sizes:
            rows.append(("CollateX vs reconcile at 4,000 characters per witness", "—",
                         "≥ 100×", NOT_RUN, "`make bench-full`"))
        top = max(sizes)
        for lang in sorted({r["lang"] for r in cx if r["chars"] == top}):
            sel = {r["method"]: r for r in cx if r["chars"] == top and r["lang"] == lang}
            c, rc = sel.get("CollateX"), sel.get(RECONCILE)
            if c and rc and c.get("f1") is not None:
                ok = rc["f1"] >= c["f1"] and rc["site_accuracy"] >= c["site_accuracy"]
                rows.append((f"Alignment quality at {top} characters ({lang}): pair F1, "
                             "site accuracy (reconcile vs CollateX)",
                             f"{rc['f1']:.4f}, {_pct(rc['site_accuracy'])} vs "
                             f"{c['f1']:.4f}, {_pct(c['site_accuracy'])}",
                             "at least as good", _status(ok), "same pairs"))
    return rows


def _row(cells: list[Any]) -> str:
    return "| " + " | ".join(str(x).replace("|", "\\|") for x in cells) + " |"


def _cer_table(add, r: dict, first: list[tuple[str, float]], unit: str) -> None:
    """A real-OCR section's table: the given rows, then each engine alone and the best
    engine per ``unit`` chosen with hindsight."""
    b = r["baselines"]
    add("| reading | CER |")
    add("|---|---|")
    for what, cer in first:
        add(f"| {what} | {_pct(cer, 2)} |")
    for e in r["engines"]:
        add(f"| {e} alone | {_pct(b[e], 2)} |")
    add(f"| best engine per {unit}, chosen with hindsight (oracle) | {_pct(b['oracle'], 2)} |")
    add("")


def _absent(res: dict[str, Any], why: str) -> str:
    """The status of a figure this run has not: the quick mode's note, else why."""
    return NOT_RUN if res.get("mode") == "quick" else f"not measured ({why})"


def _failed(r: dict[str, Any]) -> str | None:
    """Why a run has no figure (timeout, exit code), or None when it ran through."""
    if r.get("timeout"):
        return f"timeout after {_s(r['wall'])}"
    return None if r.get("rc") in (0, 1) else f"failed (exit {r.get('rc')})"


def _long_extrapolated(long: list[dict[str, Any]]) -> dict[str, Any] | None:
    """20 MB in one file, from the largest long file run: at its speed (MB/s), and at the
    growth measured between the long files when that is faster than linear."""
    ok = [r for r in long if not _failed(r) and r["wall"] > 0]
    if not ok:
        return None
    last = max(ok, key=lambda r: r["bytes"])
    x = SCALE_TARGETS["long_bytes"] / last["bytes"]
    got = {"from": last, "linear": last["wall"] * x, "slope": None}
    first = min(ok, key=lambda r: r["bytes"])
    if first["bytes"] < last["bytes"]:
        got["slope"] = math.log(last["wall"] / first["wall"]) / math.log(
            last["bytes"] / first["bytes"])
    # a slope below 1 is the fixed cost of a run fading, not a speed to count on
    got["seconds"] = last["wall"] * x ** max(1.0, got["slope"] or 1.0)
    return got


def scale_rows(res: dict[str, Any], root: Path) -> list[tuple[str, str, str, str, str]]:
    """Issue 14's targets, each with what this run measured (results of an older benchmark
    lack some: "not measured")."""
    T = SCALE_TARGETS
    old = "results of a run without it"
    rows = []
    v = res.get("version_s")
    rows.append(("`reconcile --version` (median of 3)", _s(v), f"≤ {T['version_s']} s",
                 _status(v <= T["version_s"]) if v is not None else f"not measured ({old})",
                 "`reconcile --version`"))
    seeds = res["seeds"]
    rows.append(("Seeds folder, cold (5 files, median of 3 cold runs)",
                 f"{_s(seeds['wall'])} (CPU {_s(seeds.get('cpu'))})",
                 f"≤ {T['seeds_s']} s (issue 5: ≤ 2 s, in *Main figures*)",
                 _status(seeds["wall"] <= T["seeds_s"]), _cmd(seeds["command"], root)))
    w1k = next((r for r in res["speed"] if r["works"] == 1000), None)
    rows.append(("Wall time, 1,000 works, cold" + (f" ({w1k['files']:,} files)" if w1k else ""),
                 f"{_s(w1k['wall'])} (CPU {_s(w1k.get('cpu'))})" if w1k else "—",
                 f"≤ {T['works1000_s']:.0f} s",
                 _status(w1k["wall"] <= T["works1000_s"]) if w1k else
                 _absent(res, "no 1,000-work run: `--sizes`"),
                 _cmd(w1k["command"], root) if w1k else "`make bench-full`"))
    rows += _scale_run_rows(res, root)
    ch = next((r for r in reversed(res["speed"]) if r.get("changed")), None)
    if ch:
        c, warm = ch["changed"], ch.get("warm")
        bad = _failed(c)
        ratio = _ratio(c["wall"], ch["wall"])
        edited = c.get("sources_changed")
        rows.append((f"Re-run with one file changed, cache warm ({ch['works']:,} works, "
                     f"`{c['file']}` with a sentence appended): wall, share of the cold run",
                     bad or f"{_s(c['wall'])} = {_pct(ratio)} of {_s(ch['wall'])} cold"
                     + (f" (nothing changed: {_s(warm['wall'])} = "
                        f"{_pct(warm['wall'] / ch['wall'])})" if warm and ch["wall"] else ""),
                     f"≤ {100 * T['changed_ratio']:.0f} % of cold",
                     "not measured (the tool's sources were edited during the runs, so "
                     "its cache keys changed)" if edited and not bad else
                     _status(not bad and ratio is not None and ratio <= T["changed_ratio"]),
                     _cmd(c["command"], root)))
    else:
        rows.append(("Re-run with one file changed, cache warm", "—",
                     f"≤ {100 * T['changed_ratio']:.0f} % of cold", f"not measured ({old})",
                     "`make bench`"))
    ext = _long_extrapolated(res.get("long") or [])
    mb = T["long_bytes"] / 1e6
    if ext:
        f = ext["from"]
        rows.append((f"One long file of {mb:.0f} MB (not run: extrapolated from "
                     f"{f['bytes'] / 1e6:.1f} MB)",
                     f"{f['mb_per_s']:.2f} MB/s at {f['bytes'] / 1e6:.1f} MB "
                     f"({_s(f['wall'])}); {mb:.0f} MB: ≈ {_s(ext['linear'])} at that speed"
                     + (f", ≈ {_s(ext['seconds'])} at the measured growth "
                        f"n^{ext['slope']:.2f}" if ext["seconds"] > ext["linear"] else ""),
                     f"in seconds: ≤ {T['long_s']:.0f} s", _status(ext["seconds"] <= T["long_s"]),
                     _cmd(f["command"], root)))
    else:
        rows.append((f"One long file of {mb:.0f} MB", "—", f"in seconds: ≤ {T['long_s']:.0f} s",
                     "not measured (no long file ran through)", "`make bench-full`"))
    return rows


def _scale_run_rows(res: dict[str, Any], root: Path) -> list[tuple[str, str, str, str, str]]:
    """The 10,000-work run: wall time, memory, the growth from the largest size below it, and
    the grouping F1 (a check that the run at that size still groups right; no target)."""
    T = SCALE_TARGETS
    targets = (f"≤ {T['works10000_s']:.0f} s", f"≤ {_mb(T['works10000_rss_mb'])}",
               f"≤ {T['exponent']}")
    sc = res.get("scale")
    if not sc or sc.get("skipped"):
        why = _absent(res, sc["skipped"] if sc else "results of a run without it")
        return [("Wall time, 10,000 works, cold", "—", targets[0], why, "`make bench-full`"),
                ("Peak memory, 10,000 works (whole process tree, PSS)", "—", targets[1], why,
                 "same run"),
                ("Growth exponent, 1,000 → 10,000 works (log-log slope of time)", "—",
                 targets[2], why, "the runs above")]
    n = sc["works"]
    # the targets are for 10,000 works: a smaller --scale-works run is shown, not judged
    judged = n >= 10000
    aside = f"— ({n:,} works, not 10,000: `--scale-works`)"
    bad = _failed(sc)
    g = sc.get("grouping")
    rows = [(f"Wall time, {n:,} works ({sc['files']:,} files, {sc['bytes'] / 1e6:.0f} MB), one "
             "cold run",
             bad or f"{_s(sc['wall'])} (CPU {_s(sc.get('cpu'))})",
             targets[0], _status(not bad and sc["wall"] <= T["works10000_s"]) if judged
             else aside, _cmd(sc["command"], root)),
            (f"Peak memory, {n:,} works (whole process tree, PSS; largest process, RSS)",
             f"{_mb(sc['tree_peak_mb'])}; {_mb(sc['maxrss_mb'])}", targets[1],
             _status(sc["tree_peak_mb"] <= T["works10000_rss_mb"]) if judged else aside,
             "same run")]
    if g:
        rows.append((f"… its work grouping, pairwise over files ({g['true_works']:,} true, "
                     f"{g['predicted_works']:,} predicted works)",
                     f"F1 {g['f1']:.4f} (P {g['precision']:.4f}, R {g['recall']:.4f})",
                     "—", "—", "same run, scored by `bench.quality.pairwise_f1`"))
    below = [r for r in res["speed"] if r["works"] < n and not _failed(r)]
    if below and not bad:
        b = max(below, key=lambda r: r["works"])
        k = math.log(sc["wall"] / b["wall"]) / math.log(n / b["works"])
        rows.append((f"Growth exponent, {b['works']:,} → {n:,} works (log-log slope of time)",
                     f"{k:.2f}", targets[2],
                     _status(k <= T["exponent"]) if judged and b["works"] >= 1000 else
                     f"— ({b['works']:,} → {n:,} works, not 1,000 → 10,000)",
                     "the runs above"))
    else:
        rows.append(("Growth exponent, 1,000 → 10,000 works (log-log slope of time)", "—",
                     targets[2], "not measured (no smaller run or the large run failed)",
                     "the runs above"))
    return rows


def _real_ocr_section(add, res: dict, key: str, title: str) -> dict | None:
    """The heading of a real-OCR section and its results, or None: no section when it was
    not run, and why it has no figures when the data was missing or the run failed."""
    r = res.get(key)
    if not r:
        return None
    add(title)
    add("")
    if not (r.get("skipped") or r.get("failed")):
        return r
    add(f"Skipped: {r['skipped']}" if r.get("skipped") else
        f"`reconcile run` failed on the folder:\n\n```\n{r['failed']}\n```")
    add("")
    return None


def _scale_sections(add, res: dict[str, Any], root: Path) -> None:
    """One long file, and the corpus on a Dask LocalCluster (issue 14)."""
    long = res.get("long") or []
    if long:
        add("### One long file (a month of a paper, a book)")
        add("")
        add("One file of distinct generated works, one after another (`bench/longfile.py`), "
            "run cold; the per-file and per-work stages must grow linearly with it.")
        add("")
        add("| file | wall | CPU | peak RSS, tree | MB/s | exit |")
        add("|---|---|---|---|---|---|")
        for r in long:
            add(f"| {r['bytes'] / 1e6:.1f} MB | {_s(r['wall'])} | {_s(r['cpu'])} | "
                f"{_mb(r['tree_peak_mb'])} | {r['mb_per_s']:.3f} | "
                + ("timeout" if r["timeout"] else str(r["rc"])) + " |")
        if len(long) >= 2 and long[0]["wall"] and long[-1]["wall"]:
            import math
            k = math.log(long[-1]["wall"] / long[0]["wall"]) / math.log(
                long[-1]["bytes"] / long[0]["bytes"])
            add("")
            add(f"Growth {long[0]['bytes'] / 1e6:.0f} → {long[-1]['bytes'] / 1e6:.0f} MB: "
                f"n^{k:.2f}.")
        add("")
        add(f"Command: {_cmd(long[-1]['command'], root)}")
        add("")
    r = res.get("report_load")
    if r:
        add("### A large work's review page")
        add("")
        if "failed" in r:
            add(f"The run failed: `{r['failed']}`.")
        else:
            load = r.get("load", {})
            took = (f"loads in **{load['median_s']:.2f} s** (median of "
                    f"{len(load['all_s'])} loads in headless Chromium: "
                    + ", ".join(f"{t:.2f}" for t in load["all_s"]) + ")") \
                if "median_s" in load else f"load not measured: {load.get('skipped')}"
            add(f"{r['witnesses']} printings of a {r['chars']:,}-character English text "
                f"(`bench/reportload.py`), {r['notes']} notes: `report.html` is "
                f"**{r['bytes'] / 1e6:.2f} MB** and {took}. Target: under 1.5 MB and 0.5 s "
                "at 350 notes.")
        add("")
    d = res.get("dask")
    if d:
        add(f"### On Dask: {d.get('works', '?')} works on a two-worker LocalCluster")
        add("")
        if "skipped" in d:
            add(f"Not run: {d['skipped']}.")
        else:
            local = next((r for r in res["speed"] if r["works"] == d.get("works")), None)
            add(f"{_cmd(d['command'], root)}: {_s(d['wall'])} wall (local engine, same "
                f"folder: {_s(local['wall']) if local else '—'}), peak RSS of the tree "
                f"{_mb(d['tree_peak_mb'])}, exit {d['rc']}. Output byte-identical to the "
                f"local run: **{'yes' if d['identical'] else 'no'}**"
                + (f" (differ: {', '.join(d['differ'])})" if d.get("differ") else "") + ".")
        add("")


def _scale_targets(add, res: dict[str, Any], root: Path) -> None:
    """The section of issue 14's targets."""
    add("## Scale (issue 14)")
    add("")
    add("The targets of issue 14 on this machine, cold cache (an empty `RECONCILE_CACHE_DIR`), "
        "generated corpus. The full mode runs 10,000 works once, cold, and scores only its "
        "grouping; the growth exponent is taken between it and the largest size above. The "
        "re-run with one file changed runs the largest size's folder again as hard links "
        "with its first `.txt` file (in sorted order) replaced by its text and one more "
        "sentence, with the cache its cold runs filled (the cache keys files by relative path "
        "and content). The 20 MB file is not run: its time is extrapolated from the largest "
        "long file (see *One long file* below).")
    add("")
    rows = scale_rows(res, root)
    passes, misses = _target_table(add, "measured", rows)
    add(f"Issue 14 targets: {len(passes)} pass, {len(misses)} miss"
        + (", the rest are not measured or not judged in this run."
           if len(passes) + len(misses) < len(rows) - sum(r[2] == "—" for r in rows) else ".")
        + (" Missed: " + "; ".join(f"{r[0]} ({r[1]}, target {r[2]})" for r in misses) + "."
           if misses else ""))
    if misses:
        add("")
        add("Why each missed target is missed, stage by stage, and what would meet it: "
            "`docs/scaling.md`, *The targets missed, and why* (written by hand from these "
            "runs; read it beside the date of this run).")
    add("")


def _target_table(add, value: str, rows: list) -> tuple[list, list]:
    """A table of (figure, value, target, status, command) rows; its passes and misses."""
    add(f"| figure | {value} | target | status | command |")
    add("|---|---|---|---|---|")
    for row in rows:
        add(_row(list(row)))
    add("")
    return [r for r in rows if r[3] == "PASS"], [r for r in rows if "MISS" in r[3]]


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
        f"reconcile {m['reconcile']} (commit {m.get('commit', 'unknown')}), "
        f"CollateX {m.get('collatex', '—')}, rapidfuzz {m.get('rapidfuzz', '—')}.")
    add("")
    add("## Main figures")
    add("")
    add("Every quality figure stands beside what a reader gets without the tool: the *copy "
        "text* (the one witness `summary.json` names), the *best single witness* (the full "
        "printing closest to the truth, its pages in their true order: chosen with "
        "hindsight) and a *plain vote* (the full printings aligned character by character, "
        "majority per position). See *Definitions*.")
    add("")
    rows = main_rows(res, root)
    passes, misses = _target_table(add, "value", rows)
    add(f"Targets: {len(passes)} pass, {len(misses)} miss"
        + (", the rest are not measured in this mode." if any(NOT_RUN in r[3] for r in rows)
           else "."))
    add("")
    if misses:
        add("Missed targets: " + "; ".join(f"{r[0]} ({r[1]}, target {r[2]})" for r in misses)
            + ". See *Reading the figures* below.")
        add("")
    _scale_targets(add, res, root)

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
    if any(d.get("paged") for d in res["datasets"]):
        add("Works printed only as page files (about 30 %: one or two printings of 2–4 page "
            "files each, no single-file printing, one or two digests):")
        add("")
        add("| works | such works | printings | page files | lost pages (files not written) | "
            "page joins with no continuation line | pages with a folio or page number | "
            "continuation lines in a phrasing generator 1 never used | names: with a page "
            "field / hash only | joins: paragraph, sentence, clause, mid-sentence, mid-word |")
        add("|---|---|---|---|---|---|---|---|---|---|")
        for d in res["datasets"]:
            pg = d.get("paged")
            if not pg:
                continue
            br = pg["breaks"]
            add(f"| {d['works']} | {pg['works']} | {pg['printings']} | {pg['files']} | "
                f"{pg['lost']} | {pg['joins_unmarked']} of {pg['joins']} | "
                f"{pg['folios']} | {pg['novel_markers']} of {pg['markers']} | "
                f"{pg['named']} / {pg['hash_only']} | "
                f"{br.get('paragraph', 0)}, {br.get('sentence', 0)}, {br.get('clause', 0)}, "
                f"{br.get('mid', 0)}, {br.get('hyphen', 0) + br.get('word', 0)} |")
        add("")
        add("File names never sort in page order within a printing (the hash differs per "
            "file); name styles include `{hash}_p{n}`, `{hash}-page{n}`, `第{n}版_{hash}`, "
            "`{hash}` alone and others the tool was not written for (`{hash}_07`, "
            "`{hash}(第3页)`, `{hash} p.3`, `{hash}_S3`). Continuation lines and folios are "
            "drawn from a pool that includes brackets, widths, numerals and phrasings "
            "(`【下转第三版】`, `（紧接第２版）`, `(Cont'd on Page 3)`, `(Turn to Page A3)`, "
            "`THE EVENING STAR, MAY 3, 1901 3`) nobody tuned the tool for.")
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
    add(f"Previous version (before output contract 2; generator 1, {REFERENCE_FILES[10]} and "
        f"{REFERENCE_FILES[100]} files): {REFERENCE_WALL[10]} s at 10 works and "
        f"{REFERENCE_WALL[100]} s at 100 works on this machine, the reference for the "
        f"target of at most {TARGETS['speed_ratio']} × that. Generator 2 makes different "
        "folders (pages instead of single-file printings for about 30 % of the works), so "
        "the comparison is by size in works, not on identical files.")
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
    _scale_sections(add, res, root)

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
    add("CER against the reference text (whitespace ignored), summed over the works with two "
        "or more witnesses; *best single* and *plain vote* are the baselines (see "
        "*Definitions*).")
    add("")
    add("| works | language | grouping P / R / F1 | predicted / true works | canonical CER | "
        "copy-text CER | best single | plain vote | copy text OCR-only | sites (≥ 2 "
        "witnesses) | reported | restored | copy text wrong: restored | not in notes but "
        "in additions/omissions | notes | notes precision |")
    add("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for q in res["quality"]:
        g = q["grouping"]
        for lang, f in [("all", q)] + sorted(q.get("by_lang", {}).items()):
            gcol = (f"{g['precision']:.4f} / {g['recall']:.4f} / {g['f1']:.4f}"
                    if lang == "all" else "")
            wcol = f"{g['predicted_works']} / {g['true_works']}" if lang == "all" else \
                f"{f['works']} scored"
            add(f"| {q['works']} | {lang} | {gcol} | {wcol} | {_pct(f['cer_canonical'], 2)} | "
                f"{_pct(f['cer_copy_text'], 2)} | {_pct(f['cer_best_single'], 2)} | "
                f"{_pct(f['cer_plain_vote'], 2)} | {_pct(f['cer_copy_text_ocr'], 2)} | "
                f"{f['sites_covered']} of {f['sites']} | {_pct(f['sites_reported'])} | "
                f"{_pct(f['sites_restored'])} | "
                f"{_pct(f['sites_copy_text_corrupted_restored'])} of "
                f"{f['sites_copy_text_corrupted']} | {_pct(f['sites_in_additions'])} | "
                f"{f['notes']} | {_pct(f['notes_precision'])} |")
    add("")
    q = res["quality"][-1]
    p = q.get("paged") or {}
    if p.get("works") or (p.get("page_order") or {}).get("all"):
        add(f"### Works printed only as page files ({q['works']} works)")
        add("")
        add("| scope | works scored | canonical CER | own pages, true order | copy-text CER | "
            "best single | plain vote | reported | restored | notes precision | unprinted "
            "characters left out |")
        add("|---|---|---|---|---|---|---|---|---|---|---|")
        for lang, f in [("all", p)] + sorted(p.get("by_lang", {}).items()):
            add(f"| {lang} | {f['works']} | {_pct(f['cer_canonical'], 2)} | "
                f"{_pct(f.get('cer_own_pages'), 2)} ({f.get('own_pages_printings', 0)} "
                f"printings) | {_pct(f['cer_copy_text'], 2)} | {_pct(f['cer_best_single'], 2)} | "
                f"{_pct(f['cer_plain_vote'], 2)} | {_pct(f['sites_reported'])} | "
                f"{_pct(f['sites_restored'])} | {_pct(f['notes_precision'])} | "
                f"{f['unprinted_chars']} |")
        add("")
        gp = p.get("grouping")
        if gp:
            add(f"Grouping over their files alone: P {gp['precision']:.4f}, R {gp['recall']:.4f}, "
                f"F1 {gp['f1']:.4f} ({gp['correct_pairs']} of {gp['predicted_pairs']} predicted "
                f"pairs right, {gp['true_pairs']} true pairs; {p.get('true_works', 0)} works).")
            add("")
        po = p.get("page_order") or {}
        add("Page order, every printing over two or more page files:")
        add("")
        add("| printings | n | files in one work | in one witness (nothing else in it) | "
            "listed in the true order |")
        add("|---|---|---|---|---|")
        names = {"all": "all", "paged-only": "printed only as pages",
                 "second-printing": "second printing beside a single-file one",
                 "with-missing": "that lost a page", "zh": "Chinese", "en": "English"}
        for k, name in names.items():
            v = po.get(k)
            if not v:
                continue
            n = v["editions"]
            add(f"| {name} | {n} | {_pct(v['in_one_work'] / n)} | "
                f"{_pct(v['in_one_witness'] / n)} | {_pct(v['in_order'] / n)} |")
        add("")
        lost = po.get("lost_pages") or {}
        ff = po.get("false_missing") or {}
        add(f"Lost pages: {lost.get('named', 0)} of {lost.get('lost', 0)} named by the "
            "witness holding the rest of their printing (`missing_pages`, same page label). "
            f"Printings that lost nothing but whose witness names a missing page: "
            f"{ff.get('paged', 0)} of {ff.get('paged_printings', 0)} over page files, "
            f"{ff.get('full', 0)} of {ff.get('full_printings', 0)} single files (a single "
            "file that jumps from one page to another prints both ends of the jump).")
        add("")
        wrong = po.get("wrong") or []
        if wrong:
            add("First printings over page files not put together in order (true files in "
                "page order → the predicted work / witness holding each; what that witness "
                "lists when it holds them all):")
            add("")
            for w in wrong[:8]:
                listed = w["listed"]
                more = f" … ({len(listed)} files)" if len(listed) > 6 else ""
                add(f"- {w['work']} ({w.get('case', '')}): `{'`, `'.join(w['files'])}` → "
                    + ", ".join(f"`{x}`" if x else "none" for x in w["predicted"])
                    + (f"; lists `{'`, `'.join(listed[:6])}`{more}" if listed else ""))
            add("")

    add(f"By kind of corruption ({q['works']} works; a site where witnesses are corrupted "
        "differently lists every kind):")
    add("")
    add("| kind | sites | reported | restored | copy text wrong | copy text wrong: restored | "
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

    r = _real_ocr_section(add, res, "realocr",
                          "## Real OCR: Goethe, *Die Wahlverwandtschaften* (1809), three engines")
    if r:
        b = r["baselines"]
        add(f"`../shared/data/goethe-1809-three-engines/`: {b['pages']} pages of a Fraktur "
            f"print, each read by {', '.join(r['engines'])}, with a hand transcription. The "
            "folder handed to `reconcile run` holds one file per page and engine "
            f"(`p{{page}}_{{engine}}.txt`, {r['files']} files); {_s(r['wall_s'])} wall. "
            "CER over letters and digits only (whitespace, punctuation and the page "
            "furniture `reconcile` cleans away left out of both sides), "
            f"{b['chars']} characters of transcription.")
        add("")
        _cer_table(add, r, [
            ("**reconcile** (each work's `canonical.txt` against its pages' "
             "transcriptions in page order)", r["cer"]),
            ("plain vote (ROVER: engines aligned to their medoid per page, majority)",
             b["vote"])], "page")
        add(f"Grouping: {_pct(r['pages_in_one_work'])} of the pages have their three "
            f"readings in one work; {r['works']} works, {_pct(r['works_in_page_order'])} of "
            "them with every witness listing its pages in page order.")
        add("")
        worst = sorted(r.get("per_work", []), key=lambda w: -w["cer"])[:5]
        if worst:
            add("Works with the highest CER: " + "; ".join(
                f"{w['work']} (pages {', '.join(w['pages'])}) {_pct(w['cer'], 2)}"
                for w in worst) + ".")
            add("")


    r = _real_ocr_section(add, res, "reallines", "## Real OCR, short lines (one work per line)")
    if r:
        b = r["baselines"]
        add(f"The same {r['pages']} pages, each engine's reading cut at the places aligned "
            f"to the transcription's line ends (`bench.reallines.cut`): every transcription "
            f"line of at least {r['min_line']} characters, printed once in the book, is "
            "one work of "
            "one file per engine, `{sha1(page:line)[:8]}_{engine}.txt` (names "
            "that do not sort by line; the manifest stays outside the folder). "
            f"{r['lines']} lines, {r['files']} files, {b['chars']} characters of "
            f"transcription; {_s(r['wall_s'])} wall. Each line is scored on the canonical "
            f"text of the work holding its {r['lead']} reading, whether or not the line "
            "was grouped right, so a line split apart or merged with others counts at what "
            "a reader gets for it. Letters and digits only.")
        add("")
        _cer_table(add, r, [
            ("**reconcile** (canonical text of the work holding the line)", r["cer"]),
            ("average single reading (the engines' mean)", b["average"]),
            ("plain vote (ROVER over the line's readings)", b["vote"])], "line")
        ok = reallines_target(r)
        add(f"Target: the canonical CER below the average single reading "
            f"({_pct(b['average'], 2)}) and below the plain vote ({_pct(b['vote'], 2)}): "
            + ("**met**." if ok else "**not met** ("
               + ("above the average reading" if r["cer"] >= b["average"] else
                  "below the average reading") + ", "
               + ("above" if r["cer"] >= b["vote"] else "below") + " the plain vote)."))
        add("")
        add(f"Grouping: {_pct(r['lines_grouped'])} of the lines have all their readings in "
            f"one work that holds nothing else; {r['works']} works; {r['lines_merged']} "
            f"lines are scored on a work that also holds other lines' readings (the "
            f"largest holds {r['largest_work']} files).")
        add("")
        add("| which lines | lines | CER reconcile | CER plain vote | reconcile worse / better "
            "than the vote (lines) |")
        add("|---|---|---|---|---|")
        names = {"all": "all", "grouped": "grouped right",
                 "not grouped": "not grouped right",
                 "merged": "… scored on a work holding other lines",
                 "not merged": "all but those",
                 "grouped, 1 alike": "grouped right, three different readings",
                 "grouped, 2 alike": "grouped right, two readings identical",
                 "grouped, 3 alike": "grouped right, three readings identical"}
        for k, v in r["parts"].items():
            add(f"| {names.get(k, k)} | {v['lines']} | {_pct(v['cer'], 2)} | "
                f"{_pct(v['vote'], 2)} | {v['worse']} / {v['better']} |")
        add("")
        if r.get("worst"):
            add("Lines grouped right where the canonical text loses most to the plain "
                "vote (the vote shown as compared: letters and digits):")
            add("")
            for x in r["worst"]:
                add(f"- page {x['page']}, line {x['line']} (`{x['name']}`), canonical "
                    f"{x['dist']} edits, vote {x['vote_dist']}: transcription "
                    f"{_code(x['gt'])}; "
                    + "; ".join(f"{e} {_code(t)}" for e, t in x["readings"].items())
                    + f"; canonical {_code(x['canonical'])}; vote {_code(x['vote'])}")
            add("")

    cx = res.get("compare") or []
    if cx:
        from .compare import RECONCILE

        add("## Side by side: CollateX, reconcile, difflib")
        add("")
        add("Same witness pairs for every method: two independent OCR-like corruptions "
            f"({res['compare_noise']:g}× the folders' rate) of the same clean text of N "
            "characters (the corpus in order). CollateX 2.3 is tokenised per character "
            "(`{\"t\": c}` tokens, `segmentation=False`) and runs in a subprocess (time inside "
            "the worker around `collate()`, peak RSS of the subprocess, timeout "
            f"{res['compare_timeout']:.0f} s). `{RECONCILE}` is "
            "`reconcile.align.align_pair(list(a), list(b))` (anchors of unique character "
            "runs, exact alignment between them; `k` left to the tool); `reconcile tokens` is "
            "the tool's own path: both texts cut into its tokens (`reconcile.tokens.tokenize`: "
            "a Han character or a word, folded), the keys aligned by `align_pair`, and the "
            "characters of paired tokens and of their trails paired in order; difflib is "
            "`SequenceMatcher(None, a, b, autojunk=False)`. In-process times are the best of 3.")
        add("")
        add(f"| language | characters | method | time | peak RSS | speed-up of {RECONCILE} | "
            "pair precision | pair recall | pair F1 | site accuracy (sites) |")
        add("|---|---|---|---|---|---|---|---|---|---|")
        for r in cx:
            ref = next((x for x in cx if x["lang"] == r["lang"] and x["chars"] == r["chars"]
                        and x["method"] == RECONCILE), None)
            sp = (r["seconds"] / ref["seconds"]) if ref and r.get("seconds") and ref["seconds"] \
                else None
            if r.get("seconds") is None:
                add(f"| {r['lang']} | {r['chars']} | {r['method']} | {r.get('error', 'failed')} "
                    f"after {_s(r.get('wall'))} | {_mb(r.get('maxrss_mb'))} | — | — | — | — | — |")
                continue
            mem = _mb(r.get("maxrss_mb")) if r["method"] == "CollateX" else "in-process"
            ratio = (f"{sp:,.0f}×" if sp >= 10 else f"{sp:.1f}×") \
                if sp is not None and r["method"] != RECONCILE else "—"
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
  paragraphs) from the corpus and prints it as 2–8 witness files; every change is recorded in
  `truth.json` beside the folder: the clean spans each file prints (and where in the file),
  every OCR-like corruption with its clean span and the text printed instead, every editorial
  change (cut sentence, clause or section, reordered section, framing, repeated paragraph),
  every layout addition (page markers, folios, column breaks, pull quotes, markdown), and
  per work its *printings* (`editions`): a single file, or page files in their true order
  with their page labels and any page lost (its file not written).
- **Cases.** *Standard* works: a full printing in one file (with page jumps inside it), often
  a second printing (one file, or page files beside it), digests. *Printed only as page
  files* (about 30 % of the works): one or two printings, each over 2–4 page files, and one
  or two digests; file names that do not sort in page order; continuation lines on most
  page joins, in phrasings, brackets and widths drawn at random (some the tool was never
  written for), on neither side of some joins; a folio or page number at the head of some
  pages; page joins between paragraphs, between sentences, after a comma, mid-sentence or
  mid-word (sometimes hyphenated); a page lost now and then (one printing in four with
  three or more pages).
- **Corruptions**: visually confusable characters (大/太, 盂/孟, 己/已, 未/末, 土/士, 日/曰,
  …; l/1, O/0, rn/m, cl/d, e/c, …), digit confusions (3/8, 1/7, …), random substitutions,
  transposed pairs, repeated syllables or words, dropped characters and foreign-word
  intrusions (`and`, `products` inside Chinese; `und`, `les` inside English), independently
  in every witness, at least three characters apart.
- **Grouping F1** (pairwise, over files): a pair of files is a true pair when both print one
  generated work (an unrelated file is a work of its own), a predicted pair when
  `summary.json` puts both in one work (a work's files: the `files` of all its witnesses).
  Precision = correct predicted pairs / predicted pairs; recall = correct predicted pairs /
  true pairs; F1 = their harmonic mean.
- **Reference text**: a work's clean text less the characters no file of the folder prints
  (only a page lost from the only printing that had it; counted as *unprinted characters*).
- **CER**: Levenshtein distance (rapidfuzz) between a text and the reference text, both with
  all whitespace removed, over the reference's length; summed over the works with two or
  more witnesses before dividing. *Canonical*: `canonical.txt`. *Copy text*: the witness
  `summary.json` names as `copy_text`, its page files cleaned by
  `reconcile.pipeline.process_file` and joined by `reconcile.edition.join_pages` in the
  order the witness lists them. *Copy text OCR-only*: only the recorded corruptions of the
  copy text's files, over the same length (no repeated paragraph, no cleaning leftovers).
- **Baselines** (per work, from the truth, no tool decision involved but its per-file
  cleaning): the *full printings* are every printing but the digests, each read as its
  files cleaned by `process_file` and joined by `join_pages` in their true page order.
  *Best single witness*: the full printing with the lowest CER (chosen with hindsight).
  *Plain vote*: the full printings, whitespace removed, aligned character by character to
  their medoid (the one with the least total edit distance to the others), majority per
  position, an insertion kept when more than half carry it (ROVER; `bench.realocr.rover`);
  with one full printing, that printing. *Own pages* (works printed only as page files):
  each of the work's page-file printings read in its true order, summed.
- **Corruption site**: the clean span of a corruption (empty for an insertion); overlapping
  spans of the witnesses of one work are one site. *Covered by two or more witnesses*: at
  least two printings of the work (the page files of one printing count once) print that
  place.
- **Reported**: the site's span, mapped into `canonical.txt` through an alignment of the clean
  text with the canonical text (rapidfuzz `Levenshtein.opcodes`, whitespace removed), meets
  (closed intervals) the span `[offset, offset + length]` of a note of that work.
  *In additions/omissions*: not reported, but the mapped place meets an `additions` anchor
  or an `omitted` span of a witness in `notes.json` (the tool saw a difference there and
  filed it as a witness's own text or a cut, not as a variant).
- **Restored**: the alignment of clean and canonical text has no edit overlapping the site
  (for an insertion: nothing inserted at its point): the canonical text reads as the clean
  text there. *Copy text wrong: restored* restricts this to sites where the copy text itself
  is corrupted: the share the choice of readings repairs.
- **Precision of the notes**: a note is true when its span, mapped back into the clean text,
  meets (closed intervals) the clean span of a corruption in any witness of the work, or lies
  within one character of an editorial change's boundary (cut, reorder, framing, repeated
  paragraph). Precision = true notes / notes, over all predicted works, each scored against
  the generated work most of its copy text's files come from.
- **Work matching**: each generated work is scored on the predicted work whose copy text comes
  from it and that holds most of its files; a generated work without one counts its sites as
  neither reported nor restored and is left out of the CER figures (*works scored*).
- **Page order**: a printing over two or more page files is *in page order* when one
  predicted witness lists exactly its written files, in their true order; *in one witness*
  when one witness holds exactly those files in any order; *in one work* when they are all
  in one predicted work. *Lost pages named*: the witness holding the first written file of a
  printing that lost a page lists that page's label in `missing_pages`.
- **Real OCR** (`bench.realocr`): each work's canonical text against the transcriptions of
  the pages its witnesses hold, joined in page order; letters and digits only, NFC, page
  furniture cleaned from both sides by `reconcile.clean`; the plain vote and the oracle per
  page over the same pages.
- **Real OCR, short lines** (`bench.reallines`): each engine's page reading and the
  transcription, whitespace flattened, aligned character by character (rapidfuzz
  `Levenshtein.opcodes`); the reading is cut where each transcription line's closing space
  is aligned. A line is *grouped right* when its files are exactly the files of one work.
  CER per line against the canonical text of the work holding its ABBYY reading (any
  grouping); the baselines over the line's readings (a missing piece reads as nothing);
  *average reading*: the engines' CERs averaged.
- **Speed**: wall time of `reconcile run FOLDER --out DIR` as a subprocess (interpreter start
  included; median of 3 runs up to 100 works, one run above), default `--jobs` (one worker
  per core). Peak memory: the process tree's summed proportional set size (PSS: a page
  the forked workers share with their parent counts once, split between them) sampled
  every 2 s (psutil; reading it costs the machine a tenth of a second per gigabyte), and the largest single process's RSS (`ru_maxrss` from `os.wait4`). Growth exponent:
  log(t2/t1) / log(n2/n1) between consecutive sizes.
- **Alignment quality** (side by side): true pairs are the (i, j) with character i of witness A
  and character j of witness B made from one clean character; a method's pairs are the
  characters it aligns (one CollateX column; `a_of_b` of `align_pair`; one equal or replace
  operation of difflib, paired in order up to the shorter side). Pair precision / recall /
  F1 against the true pairs; *site accuracy*: the share of corruption sites (either
  witness) where the pairs the method makes with characters within two clean characters of
  the site are exactly the true ones."""


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
            for method, color in (("CollateX", "C3"), ("reconcile align_pair", "C0"),
                                  ("reconcile tokens", "C2"), ("difflib", "C1")):
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
