"""Side by side: CollateX, ``reconcile`` and ``difflib`` aligning the same witness pairs.

Each pair is two independent OCR-like corruptions (:func:`bench.generate.corrupt`) of the
same clean text of N characters (the corpus paragraphs in order, cut at N), so every
character of both witnesses knows the clean character it comes from. The *true pairs* are
the (i, j) where character i of witness A and character j of witness B come from one clean
character. Each method's *aligned pairs* are the characters it puts in one column (CollateX,
tokenised per character) or one equal or replace operation (reconcile, difflib: an equal
run pairs its characters in order, a replacement pairs them in order up to the shorter
side). Scores:

- pair precision / recall / F1 of the aligned pairs against the true pairs;
- site accuracy: the share of corruption sites (in either witness) around which the method
  aligns exactly the true pairs (a window of two clean characters either side).

CollateX runs in a subprocess (``python -m bench.compare --worker IN OUT``) with a timeout;
its time is measured inside the worker around ``collate()`` only, and its memory as the
subprocess's peak RSS.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .generate import DEFAULT_RATE, corpus, corrupt, inventory

Pairs = set[tuple[int, int]]


#: Corruption rate of the compared witnesses, as a multiple of the folders' rate: noisier
#: pairs tell the aligners apart on more sites.
NOISE = 3.0


def pair_inputs(lang: str, n: int, seed: int = 7) -> dict[str, Any]:
    """Clean text of ``n`` characters and two independently corrupted witnesses of it."""
    paras = corpus(lang)
    sep = "\n\n"
    text = sep.join(paras)
    while len(text) < n:
        text = text + sep + sep.join(paras)
    clean = text[:n]
    inv = "".join(inventory("zh")) if lang == "zh" else ""
    rate = DEFAULT_RATE[lang] * NOISE
    a, oa, ra = corrupt(clean, random.Random(f"{seed}/{lang}/{n}/A"), lang, rate, inventory=inv)
    b, ob, rb = corrupt(clean, random.Random(f"{seed}/{lang}/{n}/B"), lang, rate, inventory=inv)
    return {"lang": lang, "n": n, "clean": clean, "a": a, "b": b, "oa": oa, "ob": ob,
            "ra": ra, "rb": rb}


def truth_pairs(oa: Sequence[int], ob: Sequence[int]) -> Pairs:
    where_b = {o: j for j, o in enumerate(ob) if o >= 0}
    return {(i, where_b[o]) for i, o in enumerate(oa) if o >= 0 and o in where_b}


def pairs_from_opcodes(ops: Iterable[tuple[str, int, int, int, int]]) -> Pairs:
    out: Pairs = set()
    for tag, a0, a1, b0, b1 in ops:
        if tag in ("equal", "replace"):
            for k in range(min(a1 - a0, b1 - b0)):
                out.add((a0 + k, b0 + k))
    return out


def _zones(origin: Sequence[int]) -> list[int]:
    """Clean offset of each character, an added one taking its predecessor's."""
    out = []
    last = 0
    for o in origin:
        if o >= 0:
            last = o
        out.append(last)
    return out


def score(pairs: Pairs, inp: dict[str, Any], window: int = 2) -> dict[str, float]:
    truth = truth_pairs(inp["oa"], inp["ob"])
    tp = len(pairs & truth)
    precision = tp / len(pairs) if pairs else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    za, zb = _zones(inp["oa"]), _zones(inp["ob"])
    sites = sorted({(r["start"], r["end"]) for r in inp["ra"] + inp["rb"]})
    by_a: dict[int, list[tuple[int, int]]] = {}
    for p in pairs:
        by_a.setdefault(za[p[0]], []).append(p)
    by_b: dict[int, list[tuple[int, int]]] = {}
    for p in pairs:
        by_b.setdefault(zb[p[1]], []).append(p)
    t_by: dict[int, list[tuple[int, int]]] = {}
    for p in truth:
        t_by.setdefault(za[p[0]], []).append(p)
    ok = 0
    for s, e in sites:
        lo, hi = s - window, e + window
        want = {p for z in range(lo, hi) for p in t_by.get(z, ())}
        # every predicted pair with either side at this place (a pair whose other side is
        # elsewhere is a wrong pairing of a character of this place)
        got = {p for z in range(lo, hi) for p in by_a.get(z, []) + by_b.get(z, [])}
        ok += got == want
    return {"precision": precision, "recall": recall, "f1": f1,
            "site_accuracy": ok / len(sites) if sites else 1.0, "sites": len(sites),
            "pairs": len(pairs), "true_pairs": len(truth)}


# --- the methods ---------------------------------------------------------------------------


def pairs_from_pairing(a_of_b: Sequence[int]) -> Pairs:
    """Character pairs of a ``reconcile.align.Pairing``: ``(a_of_b[j], j)`` where paired."""
    return {(int(i), j) for j, i in enumerate(a_of_b) if i >= 0}


def reconcile_chars(a: str, b: str) -> Pairs:
    """``reconcile.align.align_pair`` on the two texts' characters (``list(text)``): B's
    character ``j`` pairs with A's ``a_of_b[j]``."""
    from reconcile.align import align_pair

    return pairs_from_pairing(align_pair(list(a), list(b)).a_of_b.tolist())


def reconcile_tokens(a: str, b: str) -> Pairs:
    """The tool's own path: both texts cut into tokens (``reconcile.tokens.tokenize``: a Han
    character, or a word), the folded keys aligned by ``align_pair``; the characters of two
    paired tokens, and then of their trails (spaces, punctuation), paired in order up to
    the shorter."""
    from reconcile.align import align_pair
    from reconcile.tokens import tokenize

    ta, tb = tokenize(a), tokenize(b)
    a_of_b = align_pair(list(ta.keys), list(tb.keys)).a_of_b.tolist()
    sa, ea, za = ta.start.tolist(), ta.end.tolist(), ta.stop.tolist()
    sb, eb, zb = tb.start.tolist(), tb.end.tolist(), tb.stop.tolist()
    out: Pairs = set()
    for j, i in enumerate(a_of_b):
        if i < 0:
            continue
        for k in range(min(ea[i] - sa[i], eb[j] - sb[j])):
            out.add((sa[i] + k, sb[j] + k))
        for k in range(min(za[i] - ea[i], zb[j] - eb[j])):
            out.add((ea[i] + k, eb[j] + k))
    return out


def difflib_pairs(a: str, b: str) -> Pairs:
    from difflib import SequenceMatcher

    return pairs_from_opcodes(SequenceMatcher(None, a, b, autojunk=False).get_opcodes())


def collatex_pairs(a: str, b: str) -> Pairs:
    from collatex import Collation, collate

    c = Collation()
    c.add_witness({"id": "A", "tokens": [{"t": x, "n": x, "i": k} for k, x in enumerate(a)]})
    c.add_witness({"id": "B", "tokens": [{"t": x, "n": x, "i": k} for k, x in enumerate(b)]})
    table = collate(c, output="table", segmentation=False)
    out: Pairs = set()
    for col in table.columns:
        ta = col.tokens_per_witness.get("A") or []
        tb = col.tokens_per_witness.get("B") or []
        for x, y in zip(ta, tb):
            out.add((x.token_data["i"], y.token_data["i"]))
    return out


#: The method the speed-up and the quality comparison with CollateX are stated for.
RECONCILE = "reconcile align_pair"
METHODS = {
    RECONCILE: reconcile_chars,
    "reconcile tokens": reconcile_tokens,
    "difflib": difflib_pairs,
}


def timed(fn, a: str, b: str, repeats: int = 3) -> tuple[float, Pairs]:
    best = float("inf")
    got: Pairs = set()
    for _ in range(repeats):
        t = time.perf_counter()
        got = fn(a, b)
        best = min(best, time.perf_counter() - t)
    return best, got


def run_collatex(a: str, b: str, timeout: float, workdir: Path) -> dict[str, Any]:
    from .speed import measure

    workdir.mkdir(parents=True, exist_ok=True)
    inp = workdir / "collatex-in.json"
    out = workdir / "collatex-out.json"
    out.unlink(missing_ok=True)
    inp.write_text(json.dumps({"a": a, "b": b}, ensure_ascii=False), "utf-8")
    cmd = [sys.executable, "-m", "bench.compare", "--worker", str(inp), str(out)]
    got = measure(cmd, timeout=timeout, cwd=Path(__file__).resolve().parent.parent)
    res: dict[str, Any] = {"wall": got["wall"], "maxrss_mb": got["maxrss_mb"],
                           "tree_peak_mb": got["tree_peak_mb"], "timeout": got["timeout"],
                           "rc": got["rc"]}
    if got["rc"] == 0 and out.exists():
        data = json.loads(out.read_text("utf-8"))
        res["seconds"] = data["seconds"]
        res["pairs"] = {tuple(p) for p in data["pairs"]}
    else:
        res["error"] = "timeout" if got["timeout"] else got["stderr"][-500:]
    return res


def compare(sizes: Sequence[int], langs: Sequence[str] = ("zh", "en"), timeout: float = 600,
            workdir: Path | None = None, log=print) -> list[dict[str, Any]]:
    """Every method on every (language, size) pair; one row per method and pair."""
    workdir = workdir or Path(tempfile.mkdtemp(prefix="bench-collatex-"))
    rows = []
    for lang in langs:
        for n in sizes:
            inp = pair_inputs(lang, n)
            for name, fn in METHODS.items():
                secs, pairs = timed(fn, inp["a"], inp["b"])
                rows.append({"lang": lang, "chars": n, "method": name, "seconds": secs,
                             **score(pairs, inp)})
            log(f"bench: collatex {lang} {n} characters per witness ...")
            cx = run_collatex(inp["a"], inp["b"], timeout, workdir)
            row = {"lang": lang, "chars": n, "method": "CollateX", "wall": cx["wall"],
                   "maxrss_mb": cx["maxrss_mb"], "timeout": cx["timeout"]}
            if "pairs" in cx:
                row.update(seconds=cx["seconds"], **score(cx["pairs"], inp))
            else:
                row.update(seconds=None, error=cx.get("error", ""))
            rows.append(row)
    return rows


def _worker(inp: str, out: str) -> None:
    data = json.loads(Path(inp).read_text("utf-8"))
    t = time.perf_counter()
    pairs = collatex_pairs(data["a"], data["b"])
    secs = time.perf_counter() - t
    Path(out).write_text(json.dumps({"seconds": secs, "pairs": sorted(pairs)}), "utf-8")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        _worker(sys.argv[2], sys.argv[3])
    else:
        print("usage: python -m bench.compare --worker IN.json OUT.json", file=sys.stderr)
        sys.exit(2)
