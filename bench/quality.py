"""Quality figures of one ``reconcile run`` against the ground truth of :mod:`bench.generate`.

Definitions (the same words are in ``docs/benchmarks.md``):

- **Grouping** (pairwise, over files): a pair of files is a true pair when the generator
  made both from one work; a predicted pair when ``summary.json`` puts both in one work.
  Precision = true predicted pairs / predicted pairs, recall = true predicted pairs / true
  pairs, F1 their harmonic mean.
- **CER** (character error rate) of a text against the work's clean text: the Levenshtein
  distance between the two with all whitespace removed, over the clean text's length
  (without whitespace); summed over works before dividing (micro average). The canonical
  text is ``canonical.txt``; the base edition's text is the base witness's cleaned text, as
  ``reconcile.pipeline.process_file`` makes it.
- **Corruption sites**: every corruption the generator made in a witness has a span of the
  clean text (empty for an insertion); overlapping spans of the witnesses of one work make
  one site. A site is *covered by two or more witnesses* when at least two witnesses of the
  work print its place (the corrupted witness included).
- A site is **reported** when a note of the work's output overlaps it: the site's span is
  mapped into ``canonical.txt`` through an alignment of the clean text with the canonical
  text (rapidfuzz ``Levenshtein.opcodes``, whitespace removed), and a note's closed span
  ``[offset, offset + length]`` must meet the mapped closed span.
- A site is **restored** when the canonical text has the clean text at that place: the
  alignment has no edit overlapping the site's span (no insertion at or inside it).
- A note is **true** when its span, mapped back into the clean text, meets (closed spans) the
  span of a corruption in any witness of the work, or lies within one character of a place
  where a digest or the typesetter changed the text (a cut sentence, clause or section, a
  reordered section, added framing, a repeated paragraph). **Precision of the notes** = true
  notes / notes.

A predicted work is scored against the generated work of its base witness. Each generated
work is matched to the predicted work whose base is one of its files and that holds most of
its files; a generated work with no such predicted work counts its sites as neither reported
nor restored.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import comb
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

# --- grouping ----------------------------------------------------------------------------


def pairwise_f1(predicted: Iterable[Iterable[str]], truth: dict[str, str]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a grouping of files. ``predicted`` is a list of
    groups of file names; ``truth`` maps every file to its true group. Files missing from
    the prediction count as groups of one."""
    cell: Counter[tuple[int, str]] = Counter()
    seen: set[str] = set()
    sizes_p: list[int] = []
    for k, group in enumerate(predicted):
        g = [f for f in group if f in truth]
        sizes_p.append(len(g))
        for f in g:
            cell[(k, truth[f])] += 1
            seen.add(f)
    sizes_p.extend(1 for f in truth if f not in seen)
    sizes_t = Counter(truth.values())
    tp = sum(comb(n, 2) for n in cell.values())
    pp = sum(comb(n, 2) for n in sizes_p)
    tt = sum(comb(n, 2) for n in sizes_t.values())
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": tt,
            "predicted_pairs": pp, "correct_pairs": tp}


# --- text maps -----------------------------------------------------------------------------


def strip_ws(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace, and the offset in ``text`` of each kept character."""
    idx = [i for i, c in enumerate(text) if not c.isspace()]
    return "".join(text[i] for i in idx), idx


def cer(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance, reference length), both on the texts with whitespace removed."""
    r, _ = strip_ws(reference)
    h, _ = strip_ws(hypothesis)
    return Levenshtein.distance(r, h), len(r)


class TextMap:
    """An alignment of a reference (clean) text with a hypothesis (canonical) text,
    whitespace ignored, answering where a span of one stands in the other and whether the
    hypothesis has the reference's text there."""

    def __init__(self, ref: str, hyp: str) -> None:
        self.ref, self.hyp = ref, hyp
        self.r, self.ri = strip_ws(ref)
        self.h, self.hi = strip_ws(hyp)
        ops = Levenshtein.opcodes(self.r, self.h)
        self.edits = [(o.src_start, o.src_end) for o in ops if o.tag != "equal"]
        self.edit_starts = [e[0] for e in self.edits]
        # where each character of one text starts and ends in the other (stripped offsets);
        # a character the other text lacks stands at an empty place
        self.r_lo, self.r_hi = _maps(ops, len(self.r), src=True)
        self.h_lo, self.h_hi = _maps(ops, len(self.h), src=False)

    def _span(self, s: int, e: int, idx: Sequence[int], lo: Sequence[int],
              hi: Sequence[int]) -> tuple[int, int]:
        """Stripped span of the other text standing for original ``[s, e)`` of this one."""
        a, b = bisect_left(idx, s), bisect_left(idx, e)
        x = lo[a] if a < len(lo) else (hi[-1] if hi else 0)
        y = max(x, hi[b - 1]) if b > a else x
        return x, y

    def ref_to_hyp(self, s: int, e: int) -> tuple[int, int]:
        """Stripped hypothesis span standing for reference ``[s, e)`` (original offsets)."""
        return self._span(s, e, self.ri, self.r_lo, self.r_hi)

    def hyp_to_ref(self, s: int, e: int) -> tuple[int, int]:
        """Stripped reference span standing for hypothesis ``[s, e)`` (original offsets)."""
        return self._span(s, e, self.hi, self.h_lo, self.h_hi)

    def hyp_stripped(self, s: int, e: int) -> tuple[int, int]:
        """Hypothesis ``[s, e)`` in stripped offsets."""
        return bisect_left(self.hi, s), bisect_left(self.hi, e)

    def ref_stripped(self, s: int, e: int) -> tuple[int, int]:
        return bisect_left(self.ri, s), bisect_left(self.ri, e)

    def restored(self, s: int, e: int) -> bool:
        """Whether the hypothesis has the reference's text at reference ``[s, e)`` (for an
        empty span: nothing inserted there)."""
        a, b = bisect_left(self.ri, s), bisect_left(self.ri, e)
        k = bisect_right(self.edit_starts, b) - 1
        while k >= 0:
            ss, se = self.edits[k]
            if se < a:
                break
            if ss == se:
                if a <= ss <= b:
                    return False  # text inserted at or inside the place
            elif (ss < b and a < se) or (a == b and ss < a < se):
                return False
            k -= 1
        return True


def _maps(ops: Sequence[Any], n: int, src: bool) -> tuple[list[int], list[int]]:
    lo = [0] * n
    hi = [0] * n
    for o in ops:
        s0, s1, d0, d1 = (o.src_start, o.src_end, o.dest_start, o.dest_end) if src else \
            (o.dest_start, o.dest_end, o.src_start, o.src_end)
        for k in range(s1 - s0):
            if o.tag in ("equal", "replace") and d0 + k < d1:
                lo[s0 + k] = d0 + k
                hi[s0 + k] = d0 + k + 1
            else:
                lo[s0 + k] = hi[s0 + k] = min(d0 + k, d1) if o.tag == "replace" else d0
    return lo, hi


# --- sites -------------------------------------------------------------------------------


@dataclass
class Site:
    start: int
    end: int
    kinds: list[str]
    files: list[str]  # the witnesses corrupted here
    covered: int = 0  # witnesses that print the place
    base_corrupted: bool = False


def _prints(segments: Sequence[Sequence[int]], s: int, e: int) -> bool:
    for cs, ce, _, _ in segments:
        if (s == e and cs <= s < ce) or (s < e and cs <= s and e <= ce):
            return True
    return False


def sites_of(work: dict[str, Any], base_file: str | None = None) -> list[Site]:
    """The corruption sites of a generated work: overlapping corruptions of all witnesses
    merged, each with how many witnesses print its place."""
    items = []
    for w in work["witnesses"]:
        for c in w["corruptions"]:
            items.append((c["start"], c["end"], c["kind"], w["file"]))
    items.sort()
    out: list[Site] = []
    for s, e, kind, f in items:
        if out:
            last = out[-1]
            if s < last.end or (s == last.end and (s == e or last.start == last.end)) \
                    or (last.start == last.end and s == last.start):
                last.end = max(last.end, e)
                last.kinds.append(kind)
                last.files.append(f)
                continue
        out.append(Site(s, e, [kind], [f]))
    for site in out:
        site.covered = sum(1 for w in work["witnesses"]
                           if _prints(w["segments"], site.start, site.end))
        site.base_corrupted = base_file is not None and base_file in site.files
    return out


def editorial_points(work: dict[str, Any]) -> list[int]:
    """Clean offsets where a digest or the typesetter changed the text: both ends of every
    cut, reordered section and repeated paragraph, and where framing was added."""
    pts: set[int] = set()
    for w in work["witnesses"]:
        for ed in w["editorial"]:
            pts.add(ed["start"])
            pts.add(ed["end"])
    return sorted(pts)


def note_is_true(a: int, b: int, points: Sequence[int],
                 spans: Sequence[tuple[int, int]]) -> bool:
    """Whether ``[a, b]`` (closed, stripped clean offsets) meets a corruption span (sorted,
    closed) or lies within one character of an editorial point (sorted)."""
    k = bisect_left(spans, (a - 200, -1))
    while k < len(spans) and spans[k][0] <= b:
        s, e = spans[k]
        if s <= b and a <= e:
            return True
        k += 1
    j = bisect_left(points, a - 1)
    return j < len(points) and points[j] <= b + 1


def _meets(spans: Sequence[tuple[int, int]], starts: Sequence[int], x: int, y: int,
           reach: int = 400) -> bool:
    """Whether a closed span of ``spans`` (sorted by start) meets closed ``[x, y]``."""
    j = bisect_right(starts, y) - 1
    while j >= 0 and starts[j] >= x - reach:
        s, e = spans[j]
        if s <= y and x <= e:
            return True
        j -= 1
    return False


# --- one run -----------------------------------------------------------------------------


def evaluate(out_dir: Path, input_dir: Path, truth: dict[str, Any],
             base_texts: dict[str, str] | None = None) -> dict[str, Any]:
    """Every quality figure of the run written to ``out_dir`` for the folder ``input_dir``.
    ``base_texts`` (file -> cleaned text) may be given; otherwise each base witness is read
    and cleaned with ``reconcile.pipeline.process_file``."""
    out_dir, input_dir = Path(out_dir), Path(input_dir)
    summary = json.loads((out_dir / "summary.json").read_text("utf-8"))
    files = truth["files"]
    works = {w["id"]: w for w in truth["works"]}
    groups = [[x["id"] for x in w["witnesses"]] for w in summary["works"]]
    grouping = pairwise_f1(groups, files)
    grouping.update(predicted_works=len(summary["works"]), true_works=len(works))

    # the predicted work that stands for each generated work
    best: dict[str, tuple[int, int]] = {}
    for k, w in enumerate(summary["works"]):
        tw = files.get(w["base"])
        if tw is None:
            continue
        n = sum(1 for x in w["witnesses"] if files.get(x["id"]) == tw)
        if tw not in best or n > best[tw][0]:
            best[tw] = (n, k)

    if base_texts is None:
        base_texts = _cleaned({w["base"] for w in summary["works"]}, input_dir)

    cer_canon = [0, 0]
    cer_base = [0, 0]
    cer_base_ocr = [0, 0]
    multi = 0
    st: Counter[str] = Counter()
    by_lang: dict[str, Counter] = defaultdict(Counter)
    by_kind: dict[str, Counter] = defaultdict(Counter)
    notes_by_kind: dict[str, Counter] = defaultdict(Counter)
    unmatched = 0
    cache: dict[int, tuple[TextMap, dict[str, Any]]] = {}

    def load(k: int) -> tuple[TextMap, dict[str, Any]]:
        if k not in cache:
            w = summary["works"][k]
            canon = (out_dir / w["canonical"]).read_text("utf-8")
            notes = json.loads((out_dir / w["notes"]).read_text("utf-8"))
            cache[k] = (TextMap(works[files[w["base"]]]["text"], canon), notes)
        return cache[k]

    for wid, work in works.items():
        if len(work["witnesses"]) < 2:
            continue
        multi += 1
        if wid not in best:
            unmatched += 1
            for site in sites_of(work):
                st["all"] += 1
                st["covered"] += site.covered >= 2
            continue
        k = best[wid][1]
        pw = summary["works"][k]
        tm, notes = load(k)
        lang = by_lang[work["lang"]]
        lang["works"] += 1
        d, n = cer(work["text"], tm.hyp)
        cer_canon[0] += d
        cer_canon[1] += n
        lang["cer_d"] += d
        lang["cer_n"] += n
        d, n = cer(work["text"], base_texts[pw["base"]])
        cer_base[0] += d
        cer_base[1] += n
        lang["base_d"] += d
        bw = next(w for w in work["witnesses"] if w["file"] == pw["base"])
        cer_base_ocr[0] += sum(_cost(c) for c in bw["corruptions"])
        cer_base_ocr[1] += n
        nspans = sorted(tm.hyp_stripped(x["offset"], x["offset"] + x["length"])
                        for x in notes["notes"])
        nstarts = [a for a, _ in nspans]
        # what the per-witness summaries list instead of notes: additions and omissions
        aspans = []
        for info in notes["summary"]["witnesses"].values():
            for a in info["additions"]:
                aspans.append(tm.hyp_stripped(a["offset"], a["offset"]))
            for o, L in info["omitted"]:
                aspans.append(tm.hyp_stripped(o, o + L))
        aspans.sort()
        astarts = [a for a, _ in aspans]
        for site in sites_of(work, pw["base"]):
            st["all"] += 1
            if site.covered < 2:
                continue
            kind = "+".join(sorted(set(site.kinds)))
            x, y = tm.ref_to_hyp(site.start, site.end)
            reported = _meets(nspans, nstarts, x, y)
            restored = tm.restored(site.start, site.end)
            elsewhere = not reported and _meets(aspans, astarts, x, y, reach=10 ** 9)
            for c in (st, by_kind[kind], lang):
                c["covered"] += 1
                c["reported"] += reported
                c["restored"] += restored
                c["in_additions"] += elsewhere
                if site.base_corrupted:
                    c["base_corrupted"] += 1
                    c["base_corrupted_restored"] += restored

    # precision of the notes, over every predicted work
    for k, pw in enumerate(summary["works"]):
        tw = files.get(pw["base"])
        if tw is None:
            continue
        work = works[tw]
        tm, notes = load(k)
        if not notes["notes"]:
            continue
        points = sorted({tm.ref_stripped(p, p)[0] for p in editorial_points(work)})
        cspans = sorted(tm.ref_stripped(c["start"], c["end"]) for w in work["witnesses"]
                        for c in w["corruptions"])
        for note in notes["notes"]:
            a, b = tm.hyp_to_ref(note["offset"], note["offset"] + note["length"])
            ok = note_is_true(a, b, points, cspans)
            notes_by_kind[note["kind"]]["notes"] += 1
            notes_by_kind[note["kind"]]["true"] += ok
            by_lang[work["lang"]]["notes"] += 1
            by_lang[work["lang"]]["notes_true"] += ok
    notes_total = sum(v["notes"] for v in notes_by_kind.values())
    notes_true = sum(v["true"] for v in notes_by_kind.values())

    cov = st["covered"]

    def share(a: float, b: float) -> float:
        return a / b if b else 0.0

    return {
        "grouping": grouping,
        "works_scored": multi - unmatched,
        "works_unmatched": unmatched,
        "cer_canonical": share(*cer_canon),
        "cer_base": share(*cer_base),
        "cer_base_ocr": share(*cer_base_ocr),
        "cer_chars": cer_canon[1],
        "sites": st["all"],
        "sites_covered": cov,
        "sites_reported": share(st["reported"], cov),
        "sites_restored": share(st["restored"], cov),
        "sites_in_additions": share(st["in_additions"], cov),
        "sites_base_corrupted": st["base_corrupted"],
        "sites_base_corrupted_restored": share(st["base_corrupted_restored"],
                                               st["base_corrupted"]),
        "sites_by_kind": {k: dict(v) for k, v in sorted(by_kind.items())},
        "by_lang": {k: dict(v) for k, v in sorted(by_lang.items())},
        "notes": notes_total,
        "notes_true": notes_true,
        "notes_precision": share(notes_true, notes_total),
        "notes_by_kind": {k: dict(v) for k, v in sorted(notes_by_kind.items())},
    }


def _cost(c: dict[str, Any]) -> int:
    """Edit distance one corruption adds to a witness, whitespace ignored."""
    return Levenshtein.distance(strip_ws(c["clean"])[0], strip_ws(c["text"])[0])


def _cleaned(names: Iterable[str], folder: Path) -> dict[str, str]:
    """Each named file read and cleaned as ``reconcile`` does it (its per-file stage)."""
    from reconcile.config import Config
    from reconcile.pipeline import process_file

    config = Config()
    out = {}
    for name in sorted(names):
        rec = process_file(folder / name, folder, config)
        out[name] = getattr(getattr(rec, "witness", None), "text", "")
    return out
