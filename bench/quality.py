"""Quality figures of one ``reconcile run`` (output contract version 2) against the ground
truth of :mod:`bench.generate`, beside two baselines that need no tool.

Definitions (the same words are in ``docs/benchmarks.md``):

- **Grouping** (pairwise, over files): a pair of files is a true pair when the generator
  made both from one work; a predicted pair when ``summary.json`` puts both in one work (a
  work's files are the ``files`` of all its witnesses). Precision = true predicted pairs /
  predicted pairs, recall = true predicted pairs / true pairs, F1 their harmonic mean.
- **Reference text** of a work: its clean text less what no file of the folder prints (a
  page lost from the only printing that had it); whitespace is ignored everywhere.
- **CER** (character error rate) of a text: the Levenshtein distance between it and the
  reference with all whitespace removed, over the reference's length; summed over works
  before dividing (micro average). The texts scored:

  - *canonical*: ``canonical.txt``;
  - *copy text*: the witness ``summary.json`` names as ``copy_text``, its page files each
    cleaned by ``reconcile.pipeline.process_file`` and joined in the order the witness
    lists them by ``reconcile.edition.join_pages``;
  - *best single witness* (baseline): of the work's full printings (every printing but the
    digests), each read with its pages in their true order, the one with the lowest CER;
  - *plain vote* (baseline): the full printings (pages in true order, whitespace removed)
    aligned character by character to their medoid, majority per position (ROVER,
    :func:`bench.realocr.rover`); with one full printing, that printing;
  - *own pages* (paged-only works): every printing of the work that exists only as page
    files, its pages read in their true order.

- **Corruption sites**: every corruption the generator made in a witness has a span of the
  clean text (empty for an insertion); overlapping spans of the witnesses of one work make
  one site. A site is *covered by two or more witnesses* when at least two printings of the
  work (the page files of one printing count once) print its place.
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
- **Page order** (printings over several page files): a printing is *in page order* when
  one predicted witness lists exactly its written files, in their true order.

A predicted work is scored against the generated work most of its copy-text's files come
from. Each generated work is matched to the predicted work whose copy text is one of its
printings and that holds most of its files; a generated work with no such predicted work
counts its sites as neither reported nor restored and is left out of the CER figures.
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

from reconcile.pages import label

from .realocr import rover

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


def sites_of(work: dict[str, Any], base_file: str | Iterable[str] | None = None) -> list[Site]:
    """The corruption sites of a generated work: overlapping corruptions of all witnesses
    merged, each with how many witnesses (printings: the page files of one printing count
    once) print its place. ``base_file``: the copy-text's file or files."""
    base = {base_file} if isinstance(base_file, str) else set(base_file or ())
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
        site.covered = len({w.get("edition") or w["file"] for w in work["witnesses"]
                            if _prints(w["segments"], site.start, site.end)})
        site.base_corrupted = bool(base.intersection(site.files))
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


# --- baselines -------------------------------------------------------------------------------


def reference_text(work: dict[str, Any]) -> tuple[str, int]:
    """The work's clean text less the characters no file prints (a page lost from the only
    printing that had it), and how many characters (whitespace aside) were left out."""
    text = work["text"]
    printed = bytearray(len(text))
    for w in work["witnesses"]:
        for cs, ce, _, _ in w["segments"]:
            printed[cs:ce] = b"\x01" * (ce - cs)
    out = [c for i, c in enumerate(text) if printed[i] or c.isspace()]
    dropped = sum(1 for i, c in enumerate(text) if not printed[i] and not c.isspace())
    return "".join(out), dropped


def plain_vote(texts: Sequence[str]) -> str:
    """The plain majority vote of several readings of one text: whitespace removed, each
    aligned character by character to the medoid, the majority per position."""
    stripped = [strip_ws(t)[0] for t in texts]
    if not stripped:
        return ""
    if len(stripped) == 1:
        return stripped[0]
    return rover(stripped)


def best_single(reference: str, texts: Sequence[str]) -> tuple[int, int, int]:
    """(edit distance, reference length, index) of the reading closest to ``reference``
    (whitespace ignored); the first on a tie."""
    best = (-1, 0, -1)
    for i, t in enumerate(texts):
        d, n = cer(reference, t)
        if best[2] < 0 or d < best[0]:
            best = (d, n, i)
    return best


def full_printings(work: dict[str, Any]) -> list[dict[str, Any]]:
    """The work's printings of its whole text (not digests) with at least one file."""
    return [e for e in work.get("editions", []) if e["kind"] in ("full", "paged") and e["files"]]


# --- pages ---------------------------------------------------------------------------------


def _page_label(x: str) -> str:
    """A page label in ``reconcile``'s one form (``reconcile.pages.label``)."""
    return label(str(x)) or str(x).strip()


def page_order(summary: dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    """How the run put together the printings that span several page files.

    For every true printing with two or more written files: are they in one predicted work,
    in one predicted witness (and nothing else in it), and listed there in the true order.
    For every printing that lost a page: does the witness holding its files name the lost
    page among its ``missing_pages``. And how many witnesses name a missing page though
    their printing lost none."""
    where: dict[str, tuple[int, int]] = {}
    for k, w in enumerate(summary["works"]):
        for j, x in enumerate(w["witnesses"]):
            for f in x["files"]:
                where[f["file"]] = (k, j)
    res: dict[str, Counter] = defaultdict(Counter)
    lost = Counter()
    false_flags = Counter()
    wrong: list[dict[str, Any]] = []
    for tw in truth["works"]:
        for e in tw.get("editions", []):
            files = e["files"]
            if e["kind"] == "paged" and len(files) >= 2:
                got = [where.get(f) for f in files]
                one_work = all(g is not None for g in got) and len({g[0] for g in got}) == 1
                one_wit = one_work and len(set(got)) == 1
                listed: list[str] = []
                if one_wit:
                    k, j = got[0]
                    listed = [f["file"] for f in summary["works"][k]["witnesses"][j]["files"]]
                exact = one_wit and listed == files
                same_set = one_wit and sorted(listed) == sorted(files)
                for scope in ("all", e.get("case", "paged"), tw["lang"]) + \
                        (("with-missing",) if e["missing"] else ()):
                    c = res[scope]
                    c["editions"] += 1
                    c["in_one_work"] += one_work
                    c["in_one_witness"] += same_set
                    c["in_order"] += exact
                if not exact:
                    wrong.append({
                        "work": tw["id"], "case": e.get("case"), "files": files,
                        "predicted": [f"{summary['works'][g[0]]['id']} / "
                                      f"{summary['works'][g[0]]['witnesses'][g[1]]['id']}"
                                      if g else None for g in got],
                        "listed": listed})
            if e["kind"] not in ("full", "paged") or not files:
                continue
            g = where.get(files[0])
            x = summary["works"][g[0]]["witnesses"][g[1]] if g else {}
            named = {_page_label(m.get("page", "")) for m in x.get("missing_pages", [])}
            if e["missing"]:
                for m in e["missing"]:
                    lost["lost"] += 1
                    lost["named"] += _page_label(m["page"]) in named
            elif named:
                false_flags[e["kind"]] += 1
            false_flags[e["kind"] + "_printings"] += not e["missing"]
    out: dict[str, Any] = {k: dict(v) for k, v in sorted(res.items())}
    for v in out.values():
        v["share"] = v["in_order"] / v["editions"] if v["editions"] else 0.0
    out["lost_pages"] = dict(lost)
    out["false_missing"] = dict(false_flags)
    out["wrong"] = wrong[:50]
    return out


# --- one run -----------------------------------------------------------------------------

#: What each scope accumulates (see :func:`figures`).


def figures(c: Counter) -> dict[str, Any]:
    """The figures of one scope (all works, one language, one case) from its counts."""
    def share(a: float, b: float) -> float:
        return a / b if b else 0.0

    n = c["n"]
    cov = c["covered"]
    out = {
        "works": c["works"],
        "cer_canonical": share(c["canon"], n),
        "cer_copy_text": share(c["copy"], n),
        "cer_copy_text_ocr": share(c["copy_ocr"], n),
        "cer_best_single": share(c["best"], n),
        "cer_plain_vote": share(c["vote"], n),
        "cer_chars": n,
        "unprinted_chars": c["unprinted"],
        "sites": c["all"],
        "sites_covered": cov,
        "sites_reported": share(c["reported"], cov),
        "sites_restored": share(c["restored"], cov),
        "sites_in_additions": share(c["in_additions"], cov),
        "sites_copy_text_corrupted": c["base_corrupted"],
        "sites_copy_text_corrupted_restored": share(c["base_corrupted_restored"],
                                                    c["base_corrupted"]),
        "notes": c["notes"],
        "notes_true": c["notes_true"],
        "notes_precision": share(c["notes_true"], c["notes"]),
    }
    if c["own_n"]:
        out["cer_own_pages"] = share(c["own"], c["own_n"])
        out["own_pages_printings"] = c["own_printings"]
    return out


def _owner(files: Sequence[str], truth_files: dict[str, str]) -> str | None:
    got = Counter(truth_files[f] for f in files if f in truth_files)
    if not got:
        return None
    top = max(got.values())
    return next(truth_files[f] for f in files if got.get(truth_files.get(f, ""), 0) == top)


def read_summary(out_dir: Path) -> dict[str, Any]:
    """``summary.json`` of a run, refused unless it is of the output contract this
    benchmark reads."""
    summary = json.loads((Path(out_dir) / "summary.json").read_text("utf-8"))
    if summary.get("version") != 2:
        raise ValueError(f"{Path(out_dir) / 'summary.json'}: output contract version "
                         f"{summary.get('version')}, this benchmark reads version 2")
    return summary


def predicted_groups(summary: dict[str, Any]) -> list[list[str]]:
    """Per predicted work, its files: the ``files`` of all its witnesses."""
    return [[f["file"] for x in w["witnesses"] for f in x["files"]] for w in summary["works"]]


def evaluate(out_dir: Path, input_dir: Path, truth: dict[str, Any],
             witnesses: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every quality figure of the run written to ``out_dir`` for the folder ``input_dir``,
    overall, per language and for the works printed only as page files, with the
    baselines. ``witnesses`` (file -> cleaned ``Witness``) may be given; the files needed
    are otherwise read and cleaned with ``reconcile.pipeline.process_file``."""
    out_dir, input_dir = Path(out_dir), Path(input_dir)
    summary = read_summary(out_dir)
    files = truth["files"]
    works = {w["id"]: w for w in truth["works"]}
    groups = predicted_groups(summary)
    grouping = pairwise_f1(groups, files)
    grouping.update(predicted_works=len(summary["works"]), true_works=len(works))
    paged_ids = {w["id"] for w in truth["works"] if w.get("case") == "paged-only"}
    paged_files = {f: t for f, t in files.items() if t in paged_ids}
    grouping_paged = pairwise_f1([[f for f in g if f in paged_files] for g in groups],
                                 paged_files)

    # each predicted work's copy text: its witness, its files, the generated work it prints
    copy: list[dict[str, Any]] = []
    for w in summary["works"]:
        x = next((x for x in w["witnesses"] if x["id"] == w["copy_text"]), None)
        fs = [f["file"] for f in x["files"]] if x else []
        copy.append({"id": w["copy_text"], "files": fs, "owner": _owner(fs, files)})
    best: dict[str, tuple[int, int]] = {}
    for k, w in enumerate(summary["works"]):
        tw = copy[k]["owner"]
        if tw is None:
            continue
        n = sum(1 for f in groups[k] if files.get(f) == tw)
        if tw not in best or n > best[tw][0]:
            best[tw] = (n, k)

    need: set[str] = set()
    for k in {k for _, k in best.values()}:
        need.update(copy[k]["files"])
    for wid in best:
        for e in full_printings(works[wid]):
            need.update(e["files"])
    wits = dict(witnesses or {})
    wits.update(_cleaned(sorted(need - set(wits)), input_dir))

    def text_of(eid: str, fs: Sequence[str]) -> str:
        from reconcile.edition import join_pages

        pages = [wits[f] for f in fs if wits.get(f) is not None]
        return join_pages(eid, pages).text if pages else ""

    scopes: dict[str, Counter] = defaultdict(Counter)
    by_kind: dict[str, Counter] = defaultdict(Counter)
    notes_by_kind: dict[str, Counter] = defaultdict(Counter)
    per_work: list[dict[str, Any]] = []
    unmatched = 0
    multi = 0
    cache: dict[int, tuple[TextMap, dict[str, Any]]] = {}

    def load(k: int) -> tuple[TextMap, dict[str, Any]]:
        if k not in cache:
            w = summary["works"][k]
            canon = (out_dir / w["canonical"]).read_text("utf-8")
            notes = json.loads((out_dir / w["notes"]).read_text("utf-8"))
            cache[k] = (TextMap(works[copy[k]["owner"]]["text"], canon), notes)
        return cache[k]

    def scopes_of(work: dict[str, Any]) -> list[Counter]:
        out = [scopes["all"], scopes[work["lang"]]]
        if work.get("case") == "paged-only":
            out.append(scopes["paged-only"])
            out.append(scopes[f"paged-only/{work['lang']}"])
        return out

    for wid, work in works.items():
        if len(work["witnesses"]) < 2:
            continue
        multi += 1
        sc = scopes_of(work)
        if wid not in best:
            unmatched += 1
            for site in sites_of(work):
                for c in sc:
                    c["all"] += 1
                    c["covered"] += site.covered >= 2
            continue
        k = best[wid][1]
        tm, notes = load(k)
        ref, unprinted = reference_text(work)
        d_canon, n = cer(ref, tm.hyp)
        d_copy, _ = cer(ref, text_of(copy[k]["id"], copy[k]["files"]))
        fulls = full_printings(work)
        texts = [text_of(e["id"], e["files"]) for e in fulls]
        d_best, _, _ = best_single(ref, texts) if texts else (n, n, -1)
        d_vote, _ = cer(ref, plain_vote(texts)) if texts else (n, n)
        cf = set(copy[k]["files"])
        d_ocr = sum(_cost(c) for w in work["witnesses"] if w["file"] in cf
                    for c in w["corruptions"])
        own = [(cer(ref, t), e) for t, e in zip(texts, fulls) if e["kind"] == "paged"] \
            if work.get("case") == "paged-only" else []
        for c in sc:
            c["works"] += 1
            c["canon"] += d_canon
            c["copy"] += d_copy
            c["copy_ocr"] += d_ocr
            c["best"] += d_best
            c["vote"] += d_vote
            c["n"] += n
            c["unprinted"] += unprinted
            for (d, nn), _ in own:
                c["own"] += d
                c["own_n"] += nn
                c["own_printings"] += 1
        per_work.append({"work": wid, "lang": work["lang"], "case": work.get("case"),
                         "predicted": summary["works"][k]["id"], "chars": n,
                         "canonical": d_canon, "copy_text": d_copy, "best_single": d_best,
                         "plain_vote": d_vote, "printings": len(fulls),
                         "own_pages": [d for (d, _), _ in own]})
        nspans = sorted(tm.hyp_stripped(x["offset"], x["offset"] + x["length"])
                        for x in notes["notes"])
        nstarts = [a for a, _ in nspans]
        # what the per-witness summaries list instead of notes: additions and omissions
        aspans = []
        for info in notes["summary"]["witnesses"].values():
            for a in info.get("additions", []):
                aspans.append(tm.hyp_stripped(a["offset"], a["offset"]))
            for o, L in info.get("omitted", []):
                aspans.append(tm.hyp_stripped(o, o + L))
        aspans.sort()
        astarts = [a for a, _ in aspans]
        for site in sites_of(work, cf):
            for c in sc:
                c["all"] += 1
            if site.covered < 2:
                continue
            kind = "+".join(sorted(set(site.kinds)))
            x, y = tm.ref_to_hyp(site.start, site.end)
            reported = _meets(nspans, nstarts, x, y)
            restored = tm.restored(site.start, site.end)
            elsewhere = not reported and _meets(aspans, astarts, x, y, reach=10 ** 9)
            for c in sc + [by_kind[kind]]:
                c["covered"] += 1
                c["reported"] += reported
                c["restored"] += restored
                c["in_additions"] += elsewhere
                if site.base_corrupted:
                    c["base_corrupted"] += 1
                    c["base_corrupted_restored"] += restored

    # precision of the notes, over every predicted work
    for k, pw in enumerate(summary["works"]):
        tw = copy[k]["owner"]
        if tw is None:
            continue
        work = works[tw]
        tm, notes = load(k)
        if not notes["notes"]:
            continue
        points = sorted({tm.ref_stripped(p, p)[0] for p in editorial_points(work)})
        cspans = sorted(tm.ref_stripped(c["start"], c["end"]) for w in work["witnesses"]
                        for c in w["corruptions"])
        sc = scopes_of(work)
        for note in notes["notes"]:
            a, b = tm.hyp_to_ref(note["offset"], note["offset"] + note["length"])
            ok = note_is_true(a, b, points, cspans)
            notes_by_kind[note["kind"]]["notes"] += 1
            notes_by_kind[note["kind"]]["true"] += ok
            for c in sc:
                c["notes"] += 1
                c["notes_true"] += ok

    out = {
        "grouping": grouping,
        "works_scored": multi - unmatched,
        "works_unmatched": unmatched,
        **figures(scopes["all"]),
        "sites_by_kind": {k: dict(v) for k, v in sorted(by_kind.items())},
        "by_lang": {lang: figures(scopes[lang]) for lang in ("zh", "en") if scopes[lang]},
        "notes_by_kind": {k: dict(v) for k, v in sorted(notes_by_kind.items())},
        "paged": {
            **figures(scopes["paged-only"]),
            "grouping": grouping_paged,
            "true_works": len(paged_ids),
            "by_lang": {lang: figures(scopes[f"paged-only/{lang}"]) for lang in ("zh", "en")
                        if scopes[f"paged-only/{lang}"]},
            "page_order": page_order(summary, truth),
        },
        "per_work": per_work,
    }
    return out


def _cost(c: dict[str, Any]) -> int:
    """Edit distance one corruption adds to a witness, whitespace ignored."""
    return Levenshtein.distance(strip_ws(c["clean"])[0], strip_ws(c["text"])[0])


def _cleaned(names: Iterable[str], folder: Path) -> dict[str, Any]:
    """Each named file read and cleaned as ``reconcile`` does it (its per-file stage): the
    ``Witness``, or None for a file it cannot read."""
    from reconcile.config import Config
    from reconcile.pipeline import process_file

    config = Config()
    out = {}
    for name in sorted(names):
        rec = process_file(folder / name, folder, config)
        out[name] = getattr(rec, "witness", None)
    return out
