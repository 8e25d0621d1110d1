"""Real OCR of one book by several engines, scored against ground truth (``../shared/data``).

The data set (see its README) holds, per page ``ID``, a transcription ``gt/ID.txt`` and one
reading per engine ``ENGINE/ID.txt``. The folder a user would hand to ``reconcile`` is one
file per page and engine, ``pID_ENGINE.txt``; :func:`prepare` writes it.

Scored, on the same pages and with the same comparison (letters and digits only, page
furniture such as the page number left out of both sides, as ``reconcile``'s cleaning
leaves it out):

- **reconcile**: each work's ``canonical.txt`` against the transcriptions of the pages its
  witnesses hold, joined in page order (a work may hold several consecutive pages);
- **plain vote**: a character alignment of the engines' readings of each page to their
  medoid, majority per position (ROVER), about sixty lines;
- **each engine alone**, and the **best engine per page chosen with hindsight** (oracle).

Grouping: the share of pages whose readings all stand in one work, and whether each work
holds consecutive pages in order.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from reconcile.choice import vote_letters

_PAGE = re.compile(r"^p(?P<id>[^_]+)_(?P<engine>.+)\.txt$")


def engines_of(data: Path) -> list[str]:
    return sorted(d.name for d in data.iterdir() if d.is_dir() and d.name != "gt")


def pages_of(data: Path) -> list[str]:
    engines = engines_of(data)
    return sorted(p.stem for p in (data / "gt").glob("*.txt")
                  if all((data / e / p.name).exists() for e in engines))


def prepare(data: Path, folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for page in pages_of(data):
        for e in engines_of(data):
            shutil.copyfile(data / e / f"{page}.txt", folder / f"p{page}_{e}.txt")


def _clean(text: str) -> str:
    """What ``reconcile`` keeps of a page (furniture out), letters and digits only."""
    from reconcile.clean import clean
    from reconcile.records import Source

    w = clean(Source.from_text("x.txt", text, "utf-8", "0" * 64))
    return alnum(w.text)


def alnum(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFC", text) if c.isalnum())


def rover(texts: list[str]) -> str:
    """The plain vote: align every reading to the medoid, majority per position (the
    same ROVER vote ``reconcile`` offers as a candidate where readings split)."""
    return vote_letters(texts)


def baselines(data: Path) -> dict[str, Any]:
    engines = engines_of(data)
    tot: Counter[str] = Counter()
    n = 0
    for page in pages_of(data):
        gt = _clean((data / "gt" / f"{page}.txt").read_text("utf-8"))
        reads = [_clean((data / e / f"{page}.txt").read_text("utf-8")) for e in engines]
        n += len(gt)
        dists = [Levenshtein.distance(gt, r) for r in reads]
        for e, d in zip(engines, dists):
            tot[e] += d
        tot["oracle"] += min(dists)
        tot["vote"] += Levenshtein.distance(gt, rover(reads))
    out = {"chars": n, "pages": len(pages_of(data))}
    out.update({k: v / n for k, v in tot.items()})
    out["best_engine"] = min(engines, key=lambda e: tot[e])
    return out


def score(data: Path, out_dir: Path) -> dict[str, Any]:
    summary = json.loads((out_dir / "summary.json").read_text("utf-8"))
    gt_of = {p: _clean((data / "gt" / f"{p}.txt").read_text("utf-8")) for p in pages_of(data)}
    engines = engines_of(data)
    dist = chars = 0
    pages_together = 0
    ordered = works = 0
    per_work = []
    seen_pages: set[str] = set()
    for w in summary["works"]:
        files = [f["file"] for x in w["witnesses"] for f in x["files"]]
        got = [_PAGE.match(Path(f).name) for f in files]
        pages_in = sorted({m.group("id") for m in got if m})
        engines_in = Counter(m.group("id") for m in got if m)
        pages_together += sum(1 for p in pages_in if engines_in[p] == len(engines))
        seen_pages.update(pages_in)
        ref = "".join(gt_of.get(p, "") for p in pages_in)
        hyp = alnum((out_dir / w["canonical"]).read_text("utf-8"))
        d = Levenshtein.distance(ref, hyp)
        dist += d
        chars += len(ref)
        works += 1
        # each witness lists its pages in an order: is it the pages' order?
        ok = True
        for x in w["witnesses"]:
            ids = [m.group("id") for m in (_PAGE.match(Path(f["file"]).name) for f in x["files"])
                   if m]
            ok &= ids == sorted(ids)
        ordered += ok
        per_work.append({"work": w["id"], "pages": pages_in, "cer": d / max(1, len(ref))})
    return {"cer": dist / max(1, chars), "chars": chars, "works": works,
            "pages_in_one_work": pages_together / max(1, len(gt_of)),
            "works_in_page_order": ordered / max(1, works), "per_work": per_work}


def clear_stale(out: Path) -> None:
    """The bench owns its results folders: one an older reconcile wrote (no manifest, so the
    tool would refuse it as someone else's) is removed before the run."""
    from reconcile.output import MANIFEST

    if out.is_dir() and not (out / MANIFEST).exists():
        shutil.rmtree(out)


def run_reconcile(reconcile: list[str], folder: Path, out: Path) -> float:
    """``reconcile run FOLDER --out OUT`` as a user runs it (no cache); its wall time."""
    clear_stale(out)
    t0 = time.perf_counter()
    proc = subprocess.run(reconcile + ["run", str(folder), "--out", str(out), "--no-cache",
                                       "-q"], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"reconcile failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return wall


def run(data: Path, work: Path, reconcile: list[str]) -> dict[str, Any]:
    """Prepare the folder, run ``reconcile`` on it (as a subprocess), score it and the
    baselines."""
    folder = work / "input"
    out = work / "out"
    prepare(data, folder)
    wall = run_reconcile(reconcile, folder, out)
    got = score(data, out)
    got["wall_s"] = wall
    got["baselines"] = baselines(data)
    return got


def main() -> None:
    data = Path(sys.argv[1])
    work = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("out/bench/realocr")
    cmd = [sys.executable, "-m", "reconcile"]
    got = run(data, work, cmd)
    b = got["baselines"]
    print(f"reconcile {got['cer']:.2%}  plain vote {b['vote']:.2%}  best engine "
          f"({b['best_engine']}) {b[b['best_engine']]:.2%}  oracle {b['oracle']:.2%}  "
          f"pages together {got['pages_in_one_work']:.0%}  works in order "
          f"{got['works_in_page_order']:.0%}  works {got['works']}  {got['wall_s']:.1f} s")


if __name__ == "__main__":
    main()
