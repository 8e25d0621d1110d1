"""How heavy a large work's review page is: six printings of a 75,000-character English
text, a few hundred notes (the size of Darwin's six editions), run through the tool; the
report's size and its load time in headless Chromium (Debian's ``chromium``, driven by
Playwright, as the browser tests do). Skipped, with the reason, where either is missing."""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
from pathlib import Path
from typing import Any

from .generate import corrupt, generate
from .speed import clear_stale, cold_env, measure, reconcile_cmd

CHROMIUM = os.environ.get("RECONCILE_CHROMIUM", "/usr/bin/chromium")
CHARS = 75_000
WITNESSES = 6
RATE = 0.0005  # misreadings per character and witness: a few hundred notes in all


def build(root: Path, seed: int = 5) -> Path:
    """Write ``root/input`` with the six printings; returns it."""
    if root.exists():
        shutil.rmtree(root)
    truth = generate(root / "corpus", 80, seed=seed, zh_share=0.0, unrelated=0)
    firsts: dict[str, str] = {}
    for name, work in sorted(truth["files"].items()):
        firsts.setdefault(work, name)
    text = ""
    for work, name in sorted(firsts.items()):
        text += (root / "corpus" / "input" / name).read_text("utf-8").strip() + "\n\n"
        if len(text) > CHARS:
            break
    text = text[:CHARS]
    inp = root / "input"
    inp.mkdir(parents=True)
    for k in range(WITNESSES):
        (inp / f"edition-{k + 1}.txt").write_text(
            corrupt(text, random.Random(seed * 100 + k), "en", rate=RATE)[0], "utf-8")
    shutil.rmtree(root / "corpus")
    return inp


def run(work: Path, loads: int = 5) -> dict[str, Any]:
    inp = build(work / "data")
    out = work / "out"
    clear_stale(out)
    m = measure(reconcile_cmd(inp, out), env=cold_env(work / "cache"))
    shutil.rmtree(work / "cache", ignore_errors=True)
    if m["rc"] not in (0, 1):
        return {"failed": m["stderr"][-500:]}
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    w = summary["works"][0]
    report = out / w["report"]
    res: dict[str, Any] = {"chars": CHARS, "witnesses": len(w["witnesses"]),
                           "notes": w["counts"]["notes"], "bytes": report.stat().st_size,
                           "command": " ".join(reconcile_cmd(inp, out))}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        res["load"] = {"skipped": "playwright is not installed (pip install -e '.[test]')"}
        return res
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        res["load"] = {"skipped": f"no Chromium at {CHROMIUM}"}
        return res
    times = []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = b.new_page()
        for _ in range(loads):
            page.goto(report.resolve().as_uri())
            times.append(page.evaluate(
                "performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000.0)
        b.close()
    res["load"] = {"median_s": statistics.median(times), "all_s": times}
    return res
