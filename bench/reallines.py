"""Real OCR cut into short works: one transcription line, three engines' readings of it.

The Goethe pages (see ``realocr``) are long enough that a whole page nearly always finds
its other readings. A line of forty characters is the hard case for grouping (little text
to match) and for choosing readings (little context). Here each transcription line of at least
:data:`MIN_LINE` characters is one work: every engine's reading of the page is cut into
pieces at the places aligned to the transcription's line ends (the engines' own line breaks
do not correspond to the transcription's, so they are not used), and the folder handed to
``reconcile run`` holds one file per line and engine, ``{sha1(page:line)[:8]}_{engine}.txt``:
names that neither sort by line nor say which page they come from. The manifest mapping
names to (page, line) is written beside the folder, not in it, so the tool cannot read it.

Lines printed more than once (three, the half-title among them) are left out: their
readings are rightly one work. Scored per line, letters and digits only (``realocr.alnum``):

- **grouping**: the line's files all stand in one work and that work holds nothing else;
- **reconcile**: the canonical text of the work holding the line's ABBYY reading (the first
  engine's, if ABBYY has no piece), so a line split apart or merged with others is scored on
  what a user would read for it, not left out;
- beside it the **plain vote** (``realocr.rover``) of the line's readings, **each engine
  alone**, their **average**, and the **best engine per line with hindsight** (oracle).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from .realocr import alnum, engines_of, pages_of, rover, run_reconcile

#: Shorter transcription lines are page numbers, signatures and the last words of a
#: paragraph: too little text to call a work.
MIN_LINE = 15
#: The engine whose reading stands for a line that was not grouped (the best one alone).
LEAD = "abbyy"


def _flat(text: str) -> str:
    """Whitespace, line breaks included, as single spaces: engine breaks mean nothing here."""
    return " ".join(text.replace("\ufeff", "").split())


def cut(lines: list[str], reading: str) -> list[str]:
    """Cut ``reading`` into one piece per line of ``lines`` (a page's transcription).

    Both sides are flattened to one line and aligned character by character; the reading is
    cut where the space that ends each transcription line is aligned. Text the reading has
    at a cut (an insertion) goes to the piece before it, so nothing is dropped: what the
    reading adds at the top of a page lands in the first piece, at the bottom in the last.
    """
    flat = [_flat(x) for x in lines]
    ref = " ".join(flat)
    hyp = _flat(reading)
    # the reading's position aligned to each transcription position (cut points)
    to_hyp = [0] * (len(ref) + 1)
    for op in Levenshtein.opcodes(ref, hyp):
        for k in range(op.src_start, op.src_end):
            if op.tag == "delete":
                to_hyp[k] = op.dest_start
            else:  # equal or replace: the k-th character of one run faces the k-th of the other
                to_hyp[k] = min(op.dest_start + k - op.src_start, op.dest_end)
    to_hyp[len(ref)] = len(hyp)
    pieces, start, at = [], 0, 0
    for i, line in enumerate(flat):
        at += len(line)
        end = to_hyp[at] if i < len(flat) - 1 else len(hyp)
        pieces.append(hyp[start:end].strip())
        start = end
        at += 1  # the joining space
    return pieces


def name_of(page: str, line: int) -> str:
    """A file stem that says nothing about page or line order."""
    return hashlib.sha1(f"{page}:{line}".encode()).hexdigest()[:8]


def prepare(data: Path, folder: Path, manifest: Path) -> dict[str, Any]:
    """Write one file per kept line and engine into ``folder``; the manifest (outside it) maps
    each stem to its page, line number (1-based, in the transcription file), transcription
    and readings."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    engines = engines_of(data)
    gt_of = {p: (data / "gt" / f"{p}.txt").read_text("utf-8").splitlines()
             for p in pages_of(data)}
    # a line printed twice (the half-title on two pages) is one text: its readings belong in
    # one work, so "one work per line" would be the wrong truth for it; left out
    seen = Counter(x.strip() for raw in gt_of.values() for x in raw)
    lines_out: dict[str, Any] = {}
    for page, raw in gt_of.items():
        numbered = [(n, x) for n, x in enumerate(raw, 1) if x.strip()]
        texts = [x for _, x in numbered]
        pieces = {e: cut(texts, (data / e / f"{page}.txt").read_text("utf-8")) for e in engines}
        for i, (n, gt) in enumerate(numbered):
            if len(gt.strip()) < MIN_LINE or seen[gt.strip()] > 1:
                continue
            stem = name_of(page, n)
            reads = {e: pieces[e][i] for e in engines if pieces[e][i]}
            for e, text in reads.items():
                (folder / f"{stem}_{e}.txt").write_text(text + "\n", "utf-8")
            lines_out[stem] = {"page": page, "line": n, "gt": gt.strip(), "readings": reads}
    man = {"engines": engines, "lines": lines_out}
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(man, ensure_ascii=False, indent=1), "utf-8")
    return man


def baselines(man: dict[str, Any]) -> dict[str, Any]:
    """CER of each engine alone, their average, the oracle and the plain vote, per line."""
    engines = man["engines"]
    tot: Counter[str] = Counter()
    n = 0
    for ln in man["lines"].values():
        gt = alnum(ln["gt"])
        # a missing piece reads as nothing: the engine lost the line
        reads = [alnum(ln["readings"].get(e, "")) for e in engines]
        dists = [Levenshtein.distance(gt, r) for r in reads]
        n += len(gt)
        for e, d in zip(engines, dists):
            tot[e] += d
        tot["oracle"] += min(dists)
        tot["vote"] += Levenshtein.distance(gt, rover(reads))
    out: dict[str, Any] = {k: v / max(1, n) for k, v in tot.items()}
    out["average"] = sum(tot[e] for e in engines) / len(engines) / max(1, n)
    out["best_engine"] = min(engines, key=lambda e: tot[e])
    out["chars"] = n
    return out


def score(man: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    summary = json.loads((out_dir / "summary.json").read_text("utf-8"))
    engines = man["engines"]
    lead = LEAD if LEAD in engines else engines[0]
    work_of: dict[str, str] = {}  # file name -> work id
    files_of: dict[str, set[str]] = {}
    for w in summary["works"]:
        files_of[w["id"]] = {Path(f["file"]).name for x in w["witnesses"] for f in x["files"]}
        for f in files_of[w["id"]]:
            work_of[f] = w["id"]
    canon = {w["id"]: (out_dir / w["canonical"]).read_text("utf-8") for w in summary["works"]}
    per_line = []
    for stem, ln in man["lines"].items():
        names = {f"{stem}_{e}.txt" for e in ln["readings"]}
        works = {work_of.get(f) for f in names}
        grouped = len(works) == 1 and None not in works and files_of[works.pop()] == names
        who = lead if lead in ln["readings"] else next(iter(ln["readings"]))
        wid = work_of.get(f"{stem}_{who}.txt")
        # a file in no work (dropped by the tool) stands for itself
        hyp = canon[wid] if wid else ln["readings"][who]
        gt = alnum(ln["gt"])
        per_line.append({
            "name": stem, "page": ln["page"], "line": ln["line"], "grouped": grouped,
            "work": wid, "chars": len(gt), "dist": Levenshtein.distance(gt, alnum(hyp)),
            "vote_dist": Levenshtein.distance(
                gt, rover([alnum(ln["readings"].get(e, "")) for e in engines])),
            # the lead's work holds readings of other lines: the line was merged away
            "merged": bool(wid) and any(f.split("_")[0] != stem for f in files_of[wid]),
            # how many engines read the line exactly alike (the tool may take two identical
            # files for one text copied, not for two engines agreeing)
            "agree": max(Counter(ln["readings"].values()).values())})
    n = len(per_line)

    def part(rows: list[dict]) -> dict[str, Any]:
        c = sum(r["chars"] for r in rows)
        return {"lines": len(rows), "chars": c,
                "cer": sum(r["dist"] for r in rows) / max(1, c),
                "vote": sum(r["vote_dist"] for r in rows) / max(1, c),
                "worse": sum(r["dist"] > r["vote_dist"] for r in rows),
                "better": sum(r["dist"] < r["vote_dist"] for r in rows)}

    grouped = [r for r in per_line if r["grouped"]]
    return {"cer": part(per_line)["cer"], "chars": part(per_line)["chars"], "lines": n,
            "files": sum(len(ln["readings"]) for ln in man["lines"].values()),
            "works": len(summary["works"]), "lines_grouped": len(grouped) / max(1, n),
            "lines_merged": sum(r["merged"] for r in per_line),
            "largest_work": max((len(f) for f in files_of.values()), default=0),
            "parts": {"all": part(per_line), "grouped": part(grouped),
                      "not grouped": part([r for r in per_line if not r["grouped"]]),
                      "merged": part([r for r in per_line if r["merged"]]),
                      "not merged": part([r for r in per_line if not r["merged"]]),
                      **{f"grouped, {k} alike": part([r for r in grouped if r["agree"] == k])
                         for k in (1, 2, 3)}},
            "per_line": per_line}


def worst(man: dict[str, Any], got: dict[str, Any], out_dir: Path, k: int = 5) -> list[dict]:
    """The correctly grouped lines where the canonical text loses most against the plain
    vote, with what was read, chosen and true: the choice of readings at its worst, apart
    from grouping errors (a merged line loses everything and teaches nothing)."""
    summary = json.loads((out_dir / "summary.json").read_text("utf-8"))
    canon_path = {w["id"]: w["canonical"] for w in summary["works"]}
    rows = sorted((r for r in got["per_line"] if r["grouped"] and r["dist"] > r["vote_dist"]),
                  key=lambda r: (r["vote_dist"] - r["dist"], r["name"]))[:k]
    out = []
    for r in rows:
        ln = man["lines"][r["name"]]
        out.append({"page": ln["page"], "line": ln["line"], "name": r["name"], "gt": ln["gt"],
                    "readings": ln["readings"],
                    "canonical": (out_dir / canon_path[r["work"]]).read_text("utf-8").strip(),
                    "vote": rover([alnum(ln["readings"].get(e, "")) for e in man["engines"]]),
                    "dist": r["dist"], "vote_dist": r["vote_dist"]})
    return out


def run(data: Path, work: Path, reconcile: list[str]) -> dict[str, Any]:
    """Prepare the folder, run ``reconcile`` on it (as a subprocess), score it and the
    baselines."""
    folder, out, manifest = work / "input", work / "out", work / "manifest.json"
    man = prepare(data, folder, manifest)
    wall = run_reconcile(reconcile, folder, out)
    got = score(man, out)
    got["wall_s"] = wall
    got["baselines"] = baselines(man)
    got["worst"] = worst(man, got, out)
    got["engines"] = man["engines"]
    got["pages"] = len(pages_of(data))
    got["min_line"] = MIN_LINE
    got["lead"] = LEAD if LEAD in man["engines"] else man["engines"][0]
    return got


def main() -> None:
    data = Path(sys.argv[1])
    work = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("out/bench/reallines")
    got = run(data, work, [sys.executable, "-m", "reconcile"])
    b = got["baselines"]
    print(f"lines {got['lines']} ({got['files']} files, {got['chars']} chars)  reconcile "
          f"{got['cer']:.2%}  plain vote {b['vote']:.2%}  average reading {b['average']:.2%}  "
          + "  ".join(f"{e} {b[e]:.2%}" for e in got["engines"])
          + f"  oracle {b['oracle']:.2%}  lines grouped {got['lines_grouped']:.1%}  works "
          f"{got['works']}  {got['wall_s']:.1f} s")
    for k, v in got["parts"].items():
        print(f"  {k}: {v['lines']} lines, reconcile {v['cer']:.2%} vs vote {v['vote']:.2%} "
              f"(worse on {v['worse']}, better on {v['better']})")
    for x in got["worst"]:
        print(f"\n{x['page']}:{x['line']} ({x['name']}) canonical "
              f"{x['dist']} edits, vote {x['vote_dist']}\n  gt:        {x['gt']}\n"
              + "".join(f"  {e + ':':10} {t}\n" for e, t in x["readings"].items())
              + f"  canonical: {x['canonical']}\n  vote:      {x['vote']} (letters and digits)")


if __name__ == "__main__":
    main()
