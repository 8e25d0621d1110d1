"""Align a witness with the canonical text, at three levels.

1. **Units** (sentences, or clause groups of long sentences) are paired with rapidfuzz: the
   score of a witness unit against a canonical unit is their longest common subsequence over
   the shorter one's length, on comparison keys. A subsequence survives what digests do to a
   sentence (clauses cut from the middle) and what OCR does (a few characters changed), and
   pairing unit by unit survives sections printed in another order. A unit may pair with two
   adjacent canonical units when the witness cut its sentences differently.
2. **Blocks**: runs of consecutive witness units whose partners follow one another in the
   canonical text (small gaps allowed: what the witness left out) are one aligned stretch.
   A block holds at most ``max_block_units`` units, so no character diff is ever long.
3. **Characters** inside each block are diffed with diff-match-patch on the folded text
   (same length as the text, so positions carry over), with an explicit timeout; a diff
   that the timeout made coarse (far more edited characters than the exact edit distance)
   is recomputed without a limit, which is cheap for pieces this small.

Everything is in positions of the cleaned texts; nothing here decides which reading is right.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from diff_match_patch import diff_match_patch
from rapidfuzz.distance import Indel, LCSseq
from rapidfuzz.process import cdist

from .config import Config
from .normalize import fold, key, mostly_cjk
from .records import Unit

EQUAL, REPLACE, DELETE, INSERT = "equal", "replace", "delete", "insert"


@dataclass(frozen=True, slots=True)
class Op:
    """One step of an alignment: canonical ``[c_start, c_end)`` against witness
    ``[w_start, w_end)``. ``delete``: only the canonical text has it; ``insert``: only the
    witness has it."""

    tag: str
    c_start: int
    c_end: int
    w_start: int
    w_end: int


@dataclass(frozen=True, slots=True)
class Block:
    c_start: int
    c_end: int
    w_start: int
    w_end: int
    ops: tuple[Op, ...]


@dataclass(frozen=True, slots=True)
class Pairing:
    """Witness unit ``w`` pairs with canonical units ``c_lo..c_hi`` (inclusive)."""

    w: int
    c_lo: int
    c_hi: int
    score: float


def _keys(text: str, units: Sequence[Unit]) -> list[str]:
    return [key(text[u.start:u.end]) for u in units]


def _score(common: float, a: int, b: int, config: Config) -> float:
    """Agreement over the shorter length: a trimmed sentence inside its full form scores 1.
    Two short units match by chance more easily, so they need a near-total agreement."""
    s = common / max(min(a, b), 1)
    if max(a, b) < config.short_unit_chars:
        s *= (common / max(a, b, 1)) ** 0.5
    return s


def common_chars(a: str, b: str, run: int) -> int:
    """Characters of ``a`` and ``b`` that agree in order, counting only runs of at least
    ``run`` characters: scattered single letters agree by chance, the more so the smaller
    the alphabet (a Latin key has 26 letters, a Chinese one thousands)."""
    if run <= 1:
        return LCSseq.similarity(a, b)
    return sum(o.src_end - o.src_start for o in LCSseq.opcodes(a, b)
               if o.tag == "equal" and o.src_end - o.src_start >= run)


def _window(wk: str, ck: Sequence[str], lo: int, hi: int, j: int, limit: int,
            run: int) -> tuple[int, int, int]:
    """The canonical units ``a..b`` (within ``lo..hi``, around ``j``) that a witness unit
    draws on, found from an exact alignment with the whole stretch: a digest may condense
    a paragraph's several sentences into one. Returns (a, b, common characters)."""
    lo, hi = max(lo, j - limit), min(hi, j + limit)
    bounds = []
    pos = 0
    for k in range(lo, hi + 1):
        bounds.append(pos)
        pos += len(ck[k])
    joined = "".join(ck[lo:hi + 1])
    touched = []
    for oc in LCSseq.opcodes(wk, joined):
        if oc.tag == "equal" and oc.src_end - oc.src_start >= max(run, 2):
            touched.append(bisect_right(bounds, oc.dest_start) - 1)
            touched.append(bisect_right(bounds, oc.dest_end - 1) - 1)
    if not touched:
        return j, j, 0
    a, b = lo + min(touched), lo + max(touched)
    return a, b, common_chars(wk, "".join(ck[a:b + 1]), run)


def pair_units(c_text: str, c_units: Sequence[Unit], w_text: str, w_units: Sequence[Unit],
               config: Config) -> list[Pairing]:
    """Pair each witness unit with the canonical unit(s) it prints, greedily by score; each
    canonical unit is taken at most once (a second printing of it pairs with nothing)."""
    if not c_units or not w_units:
        return []
    ck, wk = _keys(c_text, c_units), _keys(w_text, w_units)
    cl = np.array([len(k) for k in ck], dtype=np.float64)
    # the range of units of each canonical paragraph
    para_lo: dict[int, int] = {}
    para_hi: dict[int, int] = {}
    for k, u in enumerate(c_units):
        para_lo.setdefault(u.paragraph, k)
        para_hi[u.paragraph] = k
    cands: list[tuple[float, int, int, int, int, int]] = []
    top = config.align_candidates
    run = config.align_run_cjk if mostly_cjk(c_text) else config.align_run_other
    for lo in range(0, len(wk), 256):  # in row chunks, so memory stays flat on long works
        rows = wk[lo:lo + 256]
        lcs = cdist(rows, ck, scorer=LCSseq.similarity, dtype=np.int32, workers=1)
        wl = np.array([len(k) for k in rows], dtype=np.float64)
        ratio = lcs / np.maximum(np.minimum(wl[:, None], cl[None, :]), 1.0)
        for r in range(len(rows)):
            i = lo + r
            seen: set[tuple[int, int]] = set()
            for j in np.argsort(-ratio[r], kind="stable")[:top]:
                j = int(j)
                if ratio[r, j] < config.align_min_score * 0.5:
                    break
                options = [(j, j, common_chars(wk[i], ck[j], run))]
                if ratio[r, j] < 0.95:
                    p = c_units[j].paragraph
                    options.append(_window(wk[i], ck, para_lo[p], para_hi[p], j,
                                           config.align_max_span, run))
                for a, b, m in options:
                    if (a, b) in seen:
                        continue
                    seen.add((a, b))
                    length = sum(len(ck[k]) for k in range(a, b + 1))
                    sc = _score(m, len(wk[i]), length, config)
                    if sc >= config.align_min_score and m >= config.min_unit_chars * 0.75:
                        # the higher score, then more agreement, then fewer units
                        cands.append((-round(sc, 6), -m, b - a, i, a, b))
    cands.sort()
    taken_w: set[int] = set()
    taken_c: set[int] = set()
    out: list[Pairing] = []
    for neg, _, _, i, a, b in cands:
        if i in taken_w or any(j in taken_c for j in range(a, b + 1)):
            continue
        taken_w.add(i)
        taken_c.update(range(a, b + 1))
        out.append(Pairing(i, a, b, -neg))
    out.sort(key=lambda p: p.w)
    return _fill_gaps(out, wk, ck, taken_c, config)


def _fill_gaps(pairs: list[Pairing], wk: Sequence[str], ck: Sequence[str], taken_c: set[int],
               config: Config) -> list[Pairing]:
    """Pair what is left between two pairs in order: a unit too short to pair on its own
    ("发展思路：") pairs with the canonical unit that stands in the same gap and reads alike,
    its neighbours' pairs being the context that a short string lacks."""
    out = list(pairs)
    for k in range(len(pairs) + 1):
        prev = pairs[k - 1] if k > 0 else None
        nxt = pairs[k] if k < len(pairs) else None
        w_lo = prev.w + 1 if prev else 0
        w_hi = nxt.w - 1 if nxt else len(wk) - 1
        c_lo = prev.c_hi + 1 if prev else 0
        c_hi = nxt.c_lo - 1 if nxt else len(ck) - 1
        if prev is None or nxt is None or w_lo > w_hi or c_lo > c_hi:
            continue  # only inside a stretch both sides print in order
        j = c_lo
        for i in range(w_lo, w_hi + 1):
            for jj in range(j, c_hi + 1):
                if jj in taken_c:
                    continue
                m = LCSseq.similarity(wk[i], ck[jj])
                if m and m >= config.align_min_score * max(len(wk[i]), len(ck[jj])):
                    out.append(Pairing(i, jj, jj, m / max(len(wk[i]), len(ck[jj]))))
                    taken_c.add(jj)
                    j = jj + 1
                    break
    out.sort(key=lambda p: p.w)
    return out


def blocks_of(pairings: Sequence[Pairing], config: Config) -> list[list[Pairing]]:
    """Runs of pairings that are consecutive in the witness and move forward in the canonical
    text, with at most ``max_gap_units`` canonical units skipped between two of them."""
    runs: list[list[Pairing]] = []
    for p in pairings:
        if runs:
            last = runs[-1][-1]
            if p.w == last.w + 1 and last.c_hi < p.c_lo <= last.c_hi + 1 + config.max_gap_units \
                    and len(runs[-1]) < config.max_block_units:
                runs[-1].append(p)
                continue
        runs.append([p])
    return runs


_DMP_OPS = {-1: DELETE, 0: EQUAL, 1: INSERT}


def _dmp(timeout: float) -> diff_match_patch:
    d = diff_match_patch()
    d.Diff_Timeout = timeout
    return d


def char_diff(c: str, w: str, config: Config, c0: int = 0, w0: int = 0) -> list[Op]:
    """Character alignment of canonical ``c`` and witness ``w`` (positions offset by ``c0`` and
    ``w0``). Compared in folded form. Inputs longer than ``max_diff_chars`` are first cut at
    exact agreements of ``diff_anchor_chars`` or more on an optimal alignment (rapidfuzz's
    bit-parallel LCS), so diff-match-patch, pure Python, only refines the small pieces
    between them: its cost grows with length times differences, and a digest differs a lot."""
    fc, fw = fold(c), fold(w)
    if len(fc) + len(fw) <= config.max_diff_chars:
        return _diff_piece(fc, fw, config, c0, w0)
    ops: list[Op] = []
    ci = wi = 0
    for oc in LCSseq.opcodes(fc, fw):
        if oc.tag == "equal" and oc.src_end - oc.src_start >= config.diff_anchor_chars:
            ops.extend(_diff_piece(fc[ci:oc.src_start], fw[wi:oc.dest_start], config,
                                   c0 + ci, w0 + wi))
            ops.append(Op(EQUAL, c0 + oc.src_start, c0 + oc.src_end,
                          w0 + oc.dest_start, w0 + oc.dest_end))
            ci, wi = oc.src_end, oc.dest_end
    ops.extend(_diff_piece(fc[ci:], fw[wi:], config, c0 + ci, w0 + wi))
    return _merge(ops)


def _diff_piece(fc: str, fw: str, config: Config, c0: int, w0: int) -> list[Op]:
    if not fc and not fw:
        return []
    if fc == fw:
        return [Op(EQUAL, c0, c0 + len(fc), w0, w0 + len(fw))]
    diffs = _dmp(config.diff_timeout).diff_main(fc, fw, False)
    edited = sum(len(t) for op, t in diffs if op)
    if edited > 1.5 * Indel.distance(fc, fw) + 8:
        # the timeout cut the search short and left a coarse diff: redo it exactly
        diffs = _dmp(0).diff_main(fc, fw, False)
    # Only move edit boundaries to natural breaks: the semantic clean-up would fold a
    # digest's many short kept phrases into one long replacement.
    _dmp(config.diff_timeout).diff_cleanupSemanticLossless(diffs)
    ops: list[Op] = []
    ci, wi = c0, w0
    for op, t in diffs:
        n = len(t)
        tag = _DMP_OPS[op]
        if tag == EQUAL:
            ops.append(Op(EQUAL, ci, ci + n, wi, wi + n))
            ci += n
            wi += n
        elif tag == DELETE:
            ops.append(Op(DELETE, ci, ci + n, wi, wi))
            ci += n
        else:
            ops.append(Op(INSERT, ci, ci, wi, wi + n))
            wi += n
    return _merge(_bridge(_merge(ops)))


def _bridge(ops: list[Op]) -> list[Op]:
    """Two small edits with one character between them are one edit: a swapped pair
    ("关东" for "东关") or a misread pair is one difference, not two."""
    out: list[Op] = []
    for op in ops:
        if len(out) >= 2 and op.tag != EQUAL and out[-1].tag == EQUAL \
                and out[-1].c_end - out[-1].c_start <= 1 and out[-2].tag != EQUAL:
            first = out[-2]
            if op.c_end - first.c_start <= 6 and op.w_end - first.w_start <= 6:
                out[-2:] = [Op(REPLACE, first.c_start, op.c_end, first.w_start, op.w_end)]
                continue
        out.append(op)
    return out


def _merge(ops: list[Op]) -> list[Op]:
    """Adjacent deletes and inserts become one replace; adjacent equals one equal."""
    out: list[Op] = []
    for op in ops:
        if op.c_start == op.c_end and op.w_start == op.w_end:
            continue
        if out:
            last = out[-1]
            if last.tag == EQUAL and op.tag == EQUAL:
                out[-1] = Op(EQUAL, last.c_start, op.c_end, last.w_start, op.w_end)
                continue
            if last.tag != EQUAL and op.tag != EQUAL:
                out[-1] = Op(REPLACE, last.c_start, op.c_end, last.w_start, op.w_end)
                continue
        out.append(op)
    return [Op(DELETE if o.w_start == o.w_end and o.tag != EQUAL else
               INSERT if o.c_start == o.c_end and o.tag != EQUAL else o.tag,
               o.c_start, o.c_end, o.w_start, o.w_end) for o in out]


def align(c_text: str, c_units: Sequence[Unit], w_text: str, w_units: Sequence[Unit],
          config: Config) -> list[Block]:
    """The aligned blocks of a witness against the canonical text, in witness order."""
    out: list[Block] = []
    for run in blocks_of(pair_units(c_text, c_units, w_text, w_units, config), config):
        cs, ce = c_units[run[0].c_lo].start, c_units[run[-1].c_hi].end
        ws, we = w_units[run[0].w].start, w_units[run[-1].w].end
        ops = char_diff(c_text[cs:ce], w_text[ws:we], config, cs, ws)
        out.append(Block(cs, ce, ws, we, tuple(ops)))
    return out
