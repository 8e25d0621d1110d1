"""Align the witnesses of a work: all of them together, token by token.

**Two witnesses** (:func:`align_pair`), in time linear in their length:

1. *Anchors*: runs of ``k`` tokens that occur once in each text (hashed with numpy). The
   longest chain of anchors in the same order in both (a longest increasing subsequence)
   is the main line of the alignment; runs of anchors off that line, in a stretch the line
   does not already align, are passages the second witness prints elsewhere (a digest that
   moved a section): they are aligned as blocks of their own.
2. *Gaps* between consecutive anchors are aligned exactly (rapidfuzz's bit-parallel
   Levenshtein on token ids), recursively anchored first when they are long.
3. *Differences* the exact alignment leaves (runs of substituted, inserted and deleted
   tokens) are paired token by token by similarity of their letters, so ``Vierte-A`` /
   ``Viertes`` pair and an unrelated phrase does not; a long run with little in common is
   two passages, one omitted and one added, not a string of misreadings.

**All witnesses** (:func:`align_witnesses`): progressive alignment onto a growing table of
columns. The most complete full printings come first; each further witness is aligned with
the table's consensus (the commonest token of each column), its tokens fill the columns
they pair with, and the tokens only it prints become new columns where it prints them. So a
witness is never aligned with one other witness's slips, and the order of the columns, the
order of the canonical text, is the full printings' order: a digest that moves a section
fills that section's columns where they stand.

A witness *covers* the columns between the first and last it prints in each aligned stretch;
a stretch of the consensus it skips that is long enough to be a cut (``Config``'s omission
sizes) opens a hole in what it covers. Where it covers a column it has a token or a gap.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Indel, Levenshtein

from .arrays import runs
from .evidence import looks_alike
from .normalize import has_han
from .tokens import Tokens

# Exact alignment of a gap at most this large (tokens on one side times the other) without
# looking for anchors inside it first: rapidfuzz does 2,000 x 2,000 in a few milliseconds.
_DP_DIRECT = 2_500
# A gap with no anchors is still aligned exactly up to this size; beyond it, it is taken as
# two unrelated passages (bounds time and the traceback's memory).
_DP_MAX = 60_000_000
# Runs of differing tokens up to this many on each side are paired by letter similarity.
_PAIR_MAX = 12
# Anchors off the main chain make a moved block when at least this many run together.
_MIN_BLOCK = 6


@dataclass(frozen=True, slots=True)
class Pairing:
    """Witness ``b`` against reference ``a``: ``a_of_b[j]`` is the reference token that
    witness token ``j`` stands for, or -1 (a token only ``b`` prints)."""

    a_of_b: np.ndarray


def _ids(a: Sequence[str], b: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    table: dict[str, int] = {}
    ia = np.fromiter((table.setdefault(x, len(table)) for x in a), dtype=np.int64, count=len(a))
    ib = np.fromiter((table.setdefault(x, len(table)) for x in b), dtype=np.int64, count=len(b))
    return ia, ib


def _kmer_hashes(ids: np.ndarray, k: int) -> np.ndarray:
    n = len(ids) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    x = ids.astype(np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * np.uint64(0x100000001B3) + (x[j:j + n] + np.uint64(0x9E3779B97F4A7C15))
    return h


def _unique_anchors(a: np.ndarray, b: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions (in ``a`` and ``b``) of the k-mers that occur exactly once in each."""
    ha, hb = _kmer_hashes(a, k), _kmer_hashes(b, k)
    if not len(ha) or not len(hb):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ua, ia, ca = runs(ha)
    ub, ib, cb = runs(hb)
    ua, ia = ua[ca == 1], ia[ca == 1]
    ub, ib = ub[cb == 1], ib[cb == 1]
    common, xa, xb = np.intersect1d(ua, ub, assume_unique=True, return_indices=True)
    pa, pb = ia[xa].astype(np.int64), ib[xb].astype(np.int64)
    order = np.argsort(pa, kind="stable")
    return pa[order], pb[order]


def _lis(values: np.ndarray) -> list[int]:
    """Indices of a longest strictly increasing subsequence of ``values``."""
    tails: list[int] = []
    tail_idx: list[int] = []
    prev = [-1] * len(values)
    for i, v in enumerate(values.tolist()):
        p = bisect_left(tails, v)
        if p == len(tails):
            tails.append(v)
            tail_idx.append(i)
        else:
            tails[p] = v
            tail_idx[p] = i
        prev[i] = tail_idx[p - 1] if p else -1
    out = []
    i = tail_idx[-1] if tail_idx else -1
    while i != -1:
        out.append(i)
        i = prev[i]
    return out[::-1]


def _similar(x: str, y: str) -> float:
    return Indel.normalized_similarity(x, y)


def _pair_run(a: Sequence[str], b: Sequence[str]) -> list[int]:
    """Pair the tokens of a short run of differences ``a`` / ``b``: for each token of ``b``
    the index in ``a`` it pairs with, or -1. A monotone pairing that maximises letter
    similarity; single characters of a script without spaces pair when the run has as
    many on both sides (a misread character)."""
    n, m = len(a), len(b)
    out = [-1] * m
    if n == 0 or m == 0:
        return out
    if n == m and all(len(x) == 1 for x in a) and all(len(y) == 1 for y in b):
        return list(range(n))
    sim = [[_similar(a[x], b[y]) for y in range(m)] for x in range(n)]
    # score[x][y]: best total over a[:x], b[:y]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]
    for x in range(1, n + 1):
        for y in range(1, m + 1):
            best, mv = score[x - 1][y], 1
            if score[x][y - 1] > best:
                best, mv = score[x][y - 1], 2
            s = sim[x - 1][y - 1]
            if s >= 0.34 and score[x - 1][y - 1] + s > best:
                best, mv = score[x - 1][y - 1] + s, 3
            score[x][y] = best
            move[x][y] = mv
    x, y = n, m
    while x and y:
        mv = move[x][y]
        if mv == 3:
            out[y - 1] = x - 1
            x, y = x - 1, y - 1
        elif mv == 1:
            x -= 1
        else:
            y -= 1
    return out


def _exact(a: Sequence[str], b: Sequence[str], ia: np.ndarray, ib: np.ndarray,
           ra: Sequence[int], rb: Sequence[int], out: np.ndarray) -> None:
    """Align reference positions ``ra`` with witness positions ``rb`` exactly; differences
    are paired by :func:`_pair_run`, or left apart when a long run has little in common."""
    if not ra or not rb:
        return
    ops = list(Levenshtein.opcodes(ia[ra].tolist(), ib[rb].tolist()))
    # agreement just outside the stretch (the anchor it starts or ends at) makes an
    # agreement at its edge solid: it continues that anchor
    lead = int(ra[0] > 0 and rb[0] > 0 and ia[ra[0] - 1] == ib[rb[0] - 1]) * _STRAY
    tail = int(ra[-1] + 1 < len(ia) and rb[-1] + 1 < len(ib)
               and ia[ra[-1] + 1] == ib[rb[-1] + 1]) * _STRAY
    stray = _stray(ops, lead, tail)
    k = 0
    while k < len(ops):
        op = ops[k]
        if op.tag == "equal" and k not in stray:
            for t in range(op.src_end - op.src_start):
                out[rb[op.dest_start + t]] = ra[op.src_start + t]
            k += 1
            continue
        # a run of differences: consecutive opcodes other than solid agreements
        s0, d0 = op.src_start, op.dest_start
        while k < len(ops) and (ops[k].tag != "equal" or k in stray):
            k += 1
        s1, d1 = ops[k - 1].src_end, ops[k - 1].dest_end
        n, m = s1 - s0, d1 - d0
        if n == 0 or m == 0:
            continue
        xs = [a[ra[t]] for t in range(s0, s1)]
        ys = [b[rb[t]] for t in range(d0, d1)]
        if (n > _PAIR_MAX or m > _PAIR_MAX) and _similar("".join(xs), "".join(ys)) < 0.35:
            continue  # two different passages: an omission and an addition
        # pair in pieces of the same size in order (one piece for a short run)
        for p in range(0, min(n, m), _PAIR_MAX):
            got = _pair_run(xs[p:p + _PAIR_MAX], ys[p:p + _PAIR_MAX])
            for t, x in enumerate(got):
                if x >= 0:
                    out[rb[d0 + p + t]] = ra[s0 + p + x]


_STRAY = 3  # an agreement this short ...
_WIDE = 12  # ... between stretches this long that do not agree is chance


def _stray(ops: list, lead: int = 0, tail: int = 0) -> set[int]:
    """Indices of the agreements an exact alignment found by chance: between two solid
    agreements, where the texts share few tokens (a passage only one of them prints), the
    word or two that recur there (``政府``, ``the``) are no alignment. They are treated as
    part of the disagreement around them. ``lead`` / ``tail``: agreeing tokens just before
    (after) the stretch, which an agreement at its first (last) place continues."""
    def length(k: int) -> int:
        op = ops[k]
        return (op.src_end - op.src_start + (lead if k == 0 else 0)
                + (tail if k == len(ops) - 1 else 0))
    solid = [k for k, op in enumerate(ops) if op.tag == "equal" and length(k) >= _STRAY]
    bounds = [-1] + solid + [len(ops)]
    out: set[int] = set()
    for lo, hi in zip(bounds, bounds[1:]):
        if hi - lo < 2:
            continue
        inner = range(lo + 1, hi)
        na = ops[hi - 1].src_end - ops[lo + 1].src_start
        nb = ops[hi - 1].dest_end - ops[lo + 1].dest_start
        same = sum(ops[k].src_end - ops[k].src_start for k in inner if ops[k].tag == "equal")
        # both texts print a stretch here, and they share little of it: two passages
        if min(na, nb) >= _WIDE and same < 0.3 * max(na, nb):
            out.update(k for k in inner if ops[k].tag == "equal")
    return out


def _fill(a: Sequence[str], b: Sequence[str], ia: np.ndarray, ib: np.ndarray,
          ra: list[int], rb: list[int], k: int, out: np.ndarray, depth: int = 0) -> None:
    """Align the positions ``ra`` (reference) with ``rb`` (witness), both in order."""
    if not ra or not rb:
        return
    if len(ra) * len(rb) <= _DP_DIRECT or depth > 6:
        if len(ra) * len(rb) <= _DP_MAX:
            _exact(a, b, ia, ib, ra, rb, out)
        return
    sa, sb = ia[ra], ib[rb]
    pa, pb = _unique_anchors(sa, sb, k)
    chain = _lis(pb) if len(pa) else []
    if not chain:
        if k > 2:
            _fill(a, b, ia, ib, ra, rb, k - 1, out, depth + 1)
        elif len(ra) * len(rb) <= _DP_MAX:
            _exact(a, b, ia, ib, ra, rb, out)
        return
    prev_a = prev_b = 0
    for c in chain:
        x, y = int(pa[c]), int(pb[c])
        if x < prev_a or y < prev_b:
            continue  # overlaps the previous anchor's k-mer
        _fill(a, b, ia, ib, ra[prev_a:x], rb[prev_b:y], k, out, depth + 1)
        for t in range(k):
            out[rb[y + t]] = ra[x + t]
        prev_a, prev_b = x + k, y + k
    _fill(a, b, ia, ib, ra[prev_a:], rb[prev_b:], k, out, depth + 1)


def anchor_size(share_cjk: float) -> int:
    """Tokens per anchor: four characters of Chinese, three words of a spaced script."""
    return 4 if share_cjk >= 0.5 else 3


def align_pair(a: Sequence[str], b: Sequence[str], k: int | None = None) -> Pairing:
    """Align witness keys ``b`` with reference keys ``a`` (see the module docstring)."""
    out = np.full(len(b), -1, dtype=np.int64)
    if not len(a) or not len(b):
        return Pairing(out)
    ia, ib = _ids(a, b)
    if k is None:
        k = anchor_size(sum(1 for x in a[:2000] if len(x) == 1 and not x.isascii()) /
                        max(1, min(len(a), 2000)))
    pa, pb = _unique_anchors(ia, ib, k)
    moved: list[tuple[int, int, int, int]] = []
    if len(pa) >= 2:
        chain = set(_lis(pb))
        moved = _moved_blocks(pa, pb, chain, k)
    a_taken = np.zeros(len(a), dtype=bool)
    b_taken = np.zeros(len(b), dtype=bool)
    for a0, a1, b0, b1 in moved:
        _fill(a, b, ia, ib, list(range(a0, a1)), list(range(b0, b1)), k, out)
        a_taken[a0:a1] = True
        b_taken[b0:b1] = True
    ra = np.flatnonzero(~a_taken).tolist()
    rb = np.flatnonzero(~b_taken).tolist()
    _fill(a, b, ia, ib, ra, rb, k, out)
    _extend(a, b, ia, ib, out)
    _shift_gaps(ia, ib, out)
    return Pairing(out)


def _extend(a: Sequence[str], b: Sequence[str], ia: np.ndarray, ib: np.ndarray,
            out: np.ndarray) -> None:
    """Grow each aligned stretch over the unpaired tokens at its edges while they go on
    pairing with the unpaired tokens beside the reference's stretch: a moved section's
    first words before its first anchor ("Vestcd Construed, whenever" before "people thirds
    of"), which no anchor reaches. A token pairs when it is the same, alike in its letters,
    or a single character between two that are the same (a misread ideograph)."""
    n, m = len(ia), len(ib)
    used = np.zeros(n, dtype=bool)
    used[out[out >= 0]] = True

    def fits(i: int, j: int, step: int) -> bool:
        if not (0 <= i < n) or used[i]:
            return False
        if ia[i] == ib[j] or _similar(a[i], b[j]) >= 0.5:
            return True
        if len(a[i]) != 1 or len(b[j]) != 1:
            return False
        i2, j2 = i + step, j + step  # one misread character, the next one agreeing ...
        if 0 <= i2 < n and 0 <= j2 < m and out[j2] < 0 and not used[i2] and ia[i2] == ib[j2]:
            return True
        # ... or, looking like it, the only one left between two stretches (天 read 夭
        # just after a cut)
        return (not (0 <= j2 < m) or out[j2] >= 0) and looks_alike(a[i], b[j])
    for step in (1, -1):
        js = range(m) if step == 1 else range(m - 1, -1, -1)
        for j in js:
            if out[j] >= 0:
                continue
            prev = j - step
            if not (0 <= prev < m) or out[prev] < 0:
                continue
            # a run of unpaired tokens starts at j: extend the neighbour's stretch into it
            run, jj, i = [], j, int(out[prev]) + step
            while 0 <= jj < m and out[jj] < 0 and fits(i, jj, step):
                run.append((i, jj))
                used[i] = True
                i, jj = i + step, jj + step
            same = sum(1 for x, y in run if ia[x] == ib[y])
            # mostly the same tokens; or a misread word or two, each plainly the other's
            # ('Impeaehmeuts' at the edge of a digest's cut, beside its anchor)
            alike = len(run) <= 2 and all(_similar(a[x], b[y]) >= ALIKE and len(a[x]) >= 4
                                          for x, y in run) or \
                len(run) == 1 and len(a[run[0][0]]) == len(b[run[0][1]]) == 1
            if run and (2 * same >= len(run) or alike):
                for x, y in run:
                    out[y] = x
            else:
                for x, _ in run:
                    used[x] = False


#: Letter similarity (Indel, normalised) of a misread word to the word it stands for.
ALIKE = 0.75

_REPEAT = 8  # tokens: a run printed twice by mistake (a syllable, a word, a phrase)


def _shift_gaps(ia: np.ndarray, ib: np.ndarray, out: np.ndarray) -> None:
    """Put each gap as late as equal tokens allow, in either text: a syllable printed twice
    (``不移不移`` against ``不移``) then reads as the second copy, whole, not as the tail of
    one and the head of the other (``移不``)."""
    n = len(out)
    # gaps in the reference: witness token j pairs with i after skipping a short run of
    # reference tokens; move the pairing to the start of the run while the token repeats.
    # A long run is a passage the witness does not print: a character that recurs at its
    # start, 40 characters back, is no reason to pair there.
    prev_i, shifting = -1, False
    for j in range(n):
        i = int(out[j])
        if i < 0:
            shifting = False
            continue
        gap = i - prev_i - 1
        moved = 0 < gap and ib[j] == ia[i] and ia[prev_i + 1] == ia[i] and (
            shifting or gap <= _REPEAT)
        if moved:
            out[j] = prev_i + 1
        shifting = moved
        prev_i = int(out[j])
    # gaps in the witness: a run of its unpaired tokens followed by a paired one with the
    # same key as the run's first token
    j = 0
    while j < n:
        if out[j] >= 0:
            j += 1
            continue
        j0 = j
        while j < n and out[j] < 0:
            j += 1
        j1 = j
        if j1 - j0 > _REPEAT:
            continue  # a passage of its own, not a token printed twice
        while j1 < n and out[j1] >= 0 and ib[j0] == ib[j1] and (j0 == 0 or out[j0 - 1] < out[j1]):
            out[j0] = out[j1]
            out[j1] = -1
            j0 += 1
            j1 += 1
        j = j1


_CUT_INSIDE = 24  # anchor sizes: the longest cut inside a moved passage that still joins it


def _moved_blocks(pa: np.ndarray, pb: np.ndarray, chain: set[int], k: int
                  ) -> list[tuple[int, int, int, int]]:
    """Runs of anchors off the main chain that agree among themselves and lie where the
    chain aligns nothing, in both texts: a passage printed in another place."""
    on = sorted(chain)
    ca, cb = pa[on], np.sort(pb[on])
    runs: list[list[int]] = []
    for i in range(len(pa)):
        if i in chain:
            continue
        if runs:
            last = runs[-1][-1]
            # (the witness may cut a clause or a sentence inside the passage it moved)
            if 0 < pa[i] - pa[last] <= _CUT_INSIDE * k and 0 < pb[i] - pb[last] <= 4 * k:
                runs[-1].append(i)
                continue
        runs.append([i])
    out = []
    for run in runs:
        # a passage printed elsewhere, not a stock phrase that recurs: several anchors,
        # spanning a sentence at least
        if len(run) < _MIN_BLOCK or pb[run[-1]] - pb[run[0]] < 4 * k:
            continue
        a0, a1 = int(pa[run[0]]), int(pa[run[-1]]) + k
        b0, b1 = int(pb[run[0]]), int(pb[run[-1]]) + k
        # the chain must not align anything inside either span (else it is a repeat)
        inside_a = np.searchsorted(ca, a1) - np.searchsorted(ca, a0)
        inside_b = np.searchsorted(cb, b1) - np.searchsorted(cb, b0)
        if inside_a == 0 and inside_b == 0:
            out.append((a0, a1, b0, b1))
    # keep them disjoint
    out.sort(key=lambda t: -(t[1] - t[0]))
    kept: list[tuple[int, int, int, int]] = []
    for blk in out:
        if all(blk[1] <= o[0] or o[1] <= blk[0] for o in kept) and \
                all(blk[3] <= o[2] or o[3] <= blk[2] for o in kept):
            kept.append(blk)
    return sorted(kept, key=lambda t: t[2])


# --- the table of all witnesses ----------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Alignment:
    """The witnesses of a work in one table. ``cells[w][c]`` is the token of witness ``w``
    in column ``c`` (columns in canonical order), -1 where it has none; ``covers[w]`` are
    the column ranges ``[c0, c1)`` it prints (where it has none inside them, it has a gap)."""

    n_columns: int
    cells: tuple[np.ndarray, ...]
    covers: tuple[tuple[tuple[int, int], ...], ...]

    def covered(self, w: int) -> np.ndarray:
        """Per column, whether witness ``w`` covers it."""
        m = np.zeros(self.n_columns, dtype=bool)
        for c0, c1 in self.covers[w]:
            m[c0:c1] = True
        return m


def _foreign(k: str, share_cjk: float) -> bool:
    return share_cjk >= 0.5 and not has_han(k) and not k.isdigit()


def _weight(k: str, share_cjk: float) -> int:
    """Comparison characters a token counts for when measuring what a witness skips: a word
    of another script inside Chinese text counts as one (it is likelier an intrusion than
    a cut)."""
    if share_cjk >= 0.5 and len(k) > 1 and not has_han(k):
        return 1
    return len(k)


def _column_key(keys_of: Sequence[Sequence[str]], col: dict[int, int]) -> str:
    """The consensus of a column: its commonest key, the earlier witness's on a tie."""
    if len(col) == 1:
        (w, t), = col.items()
        return keys_of[w][t]
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for w, t in col.items():
        x = keys_of[w][t]
        counts[x] = counts.get(x, 0) + 1
        first.setdefault(x, w)
    return max(counts, key=lambda x: (counts[x], -first[x]))


def _skip_sizes(fg: np.ndarray, wt: np.ndarray) -> np.ndarray:
    """Key characters each column counts for in a skip: its weight, except that a run of
    words of another script is one intrusion, whatever its length."""
    prev = np.zeros(len(fg), dtype=bool)
    prev[1:] = fg[:-1]
    return np.where(fg & prev, 0, wt)


def align_witnesses(toks: Sequence[Tokens], order: Sequence[int],
                    omit_min: Sequence[int],
                    breaks: Sequence[frozenset[int]] | None = None,
                    skip: Sequence[np.ndarray | None] | None = None) -> Alignment:
    """Progressive alignment of all witnesses, in ``order`` (the first sets the initial
    order of the columns). ``omit_min[w]``: key characters of the consensus a witness must
    skip for the skip to be a hole in what it covers (a cut) rather than a gap (a slip).
    ``breaks[w]``: tokens of witness ``w`` before which its text jumps (a page it continues
    from or on is missing), so that what it covers stops there whatever it skips.
    ``skip[w]``: tokens of ``w`` left out of the table (a digest's own headings): they
    stand in no column."""
    breaks = breaks or [frozenset()] * len(toks)
    skip = skip or [None] * len(toks)
    keys_of = [t.keys for t in toks]
    cols: list[dict[int, int]] = []  # in current order; col -> {witness: token}
    cover_ids: dict[int, list[list[int]]] = {}  # witness -> [[first col id, last col id]]
    ids: list[int] = []  # stable id of each column, in current order
    next_id = 0
    share = max((t.share_cjk() for t in toks), default=0.0)
    k = anchor_size(share)
    # per column id: its consensus key, and, from the token that opened it, whether it is
    # a word of another script and what it weighs in a skip
    cons: dict[int, str] = {}
    fg: dict[int, bool] = {}
    wt: dict[int, int] = {}

    def opened(cid: int, key: str) -> None:
        cons[cid] = key
        fg[cid] = _foreign(key, share)
        wt[cid] = _weight(key, share)
    for n, w in enumerate(order):
        keys = keys_of[w]
        if not len(keys):
            cover_ids[w] = []
            continue
        if not cols:
            kept = [j for j in range(len(keys)) if skip[w] is None or not skip[w][j]]
            cols = [{w: j} for j in kept]
            ids = list(range(len(kept)))
            next_id = len(kept)
            for cid, j in enumerate(kept):
                opened(cid, keys[j])
            pos_of = {j: p for p, j in enumerate(kept)}
            cuts = sorted(pos_of[j] for j in breaks[w] if j in pos_of and pos_of[j] > 0)
            bounds = [0] + cuts + [len(kept)]
            cover_ids[w] = [[a, b - 1] for a, b in zip(bounds, bounds[1:]) if b > a]
            continue
        ref = [cons[cid] for cid in ids]
        keep = np.flatnonzero(~skip[w]) if skip[w] is not None else np.arange(len(keys))
        sub = align_pair(ref, [keys[j] for j in keep.tolist()], k).a_of_b
        a_of_b = np.full(len(keys), -2, dtype=np.int64)  # -2: left out
        a_of_b[keep] = sub
        for j, i in enumerate(a_of_b.tolist()):
            if i >= 0:
                cols[i][w] = j
                cons[ids[i]] = _column_key(keys_of, cols[i])
        # where the witness's unpaired tokens go: after the column of the token before
        # them in the witness (within the same block), else before the next one's
        after: dict[int, list[int]] = {}
        before: dict[int, list[int]] = {}
        last_i = -1
        pending: list[int] = []
        def para_end(i: int, limit: int) -> int:
            """Where a whole paragraph the witness alone prints goes: after the paragraph
            of the consensus that column ``i`` stands in (not in its middle)."""
            for p in range(i, min(limit, len(cols))):
                wx, x = next(iter(cols[p].items()))
                if "\n\n" in toks[wx].trail(x):
                    return p
            return i

        def whole(run: list[int]) -> bool:
            t = toks[w]
            j = run[0] - 1
            while j >= 0 and a_of_b[j] == -2 and "\n\n" not in t.trail(j):
                j -= 1  # a lead-in left out of the table opens the paragraph
            return (j < 0 or "\n\n" in t.trail(j)) and (
                run[-1] == len(t) - 1 or "\n\n" in t.trail(run[-1]))

        for j, i in enumerate(a_of_b.tolist()):
            if i == -2:
                continue
            if i < 0:
                pending.append(j)
                continue
            if pending:
                if last_i >= 0 and last_i < i:
                    at = para_end(last_i, i) if whole(pending) else last_i
                    after.setdefault(at, []).extend(pending)
                else:
                    before.setdefault(i, []).extend(pending)
                pending = []
            last_i = i
        if pending:
            if last_i >= 0:
                at = para_end(last_i, len(cols)) if whole(pending) else last_i
                after.setdefault(at, []).extend(pending)
            else:
                before.setdefault(0, []).extend(pending)
        # text only this witness prints that lands a token or two inside another witness's
        # stretch, next to where that stretch begins (a page it lacks), goes at the break
        starts = {c[0] for v in cover_ids.values() for c in v}
        for i in sorted(before):
            p = i
            while p > 0 and i - p < 3 and ids[p] not in starts and w not in cols[p - 1]:
                p -= 1
            if p != i and ids[p] in starts:
                before.setdefault(p, [])[:0] = before.pop(i)
        new_cols: list[dict[int, int]] = []
        new_ids: list[int] = []
        first_new = next_id  # columns this witness opens have ids from here on

        def open_column(j: int) -> None:
            nonlocal next_id
            new_cols.append({w: j})
            new_ids.append(next_id)
            opened(next_id, keys[j])
            next_id += 1
        for i, col in enumerate(cols):
            for j in before.get(i, ()):
                open_column(j)
            new_cols.append(col)
            new_ids.append(ids[i])
            for j in after.get(i, ()):
                open_column(j)
        # what the witness covers: runs of its tokens in column order, cut where it skips
        # enough of the consensus to be a cut
        has_w = np.fromiter((w in c for c in new_cols), dtype=bool, count=len(new_cols))
        mine = np.flatnonzero(has_w).tolist()
        sizes = _skip_sizes(np.fromiter((fg[c] for c in new_ids), dtype=bool,
                                        count=len(new_ids)),
                            np.fromiter((wt[c] for c in new_ids), dtype=np.int64,
                                        count=len(new_ids)))
        prefix = np.r_[0, np.cumsum(np.where(has_w, 0, sizes))]
        runs: list[list[int]] = []
        for p in mine:
            if runs:
                last = runs[-1][1]
                skipped = int(prefix[p] - prefix[last + 1])
                j = new_cols[p][w]
                jumped = j in breaks[w] and new_cols[last][w] < j
                # a skip next to text of the witness's own is a replacement, not a cut,
                # unless both are long (another passage)
                own = new_ids[p] >= first_new or new_ids[last] >= first_new
                limit = omit_min[w] * (4 if own else 1)
                if skipped < limit and not jumped:
                    runs[-1][1] = p
                    continue
            runs.append([p, p])
        cover_ids[w] = [[new_ids[s], new_ids[e]] for s, e in runs]
        cols, ids = new_cols, new_ids
    pos = {cid: p for p, cid in enumerate(ids)}
    n_cols = len(cols)
    # key characters of the columns, to measure what lies before or after a witness
    size = np.r_[0, np.cumsum(_skip_sizes(
        np.fromiter((fg[c] for c in ids), dtype=bool, count=n_cols),
        np.fromiter((wt[c] for c in ids), dtype=np.int64, count=n_cols)))].astype(np.int64)
    cells = [np.full(n_cols, -1, dtype=np.int64) for _ in toks]
    for p, col in enumerate(cols):
        for w, t in col.items():
            cells[w][p] = t
    covers = []
    for w in range(len(toks)):
        arr = cells[w]
        cv = sorted([pos[s], pos[e] + 1] for s, e in cover_ids.get(w, []))
        # a witness whose text begins (ends) where the others' does covers their first
        # (last) columns too: a few tokens only another prints there (a misread page
        # number) are a place they disagree on, not a place only one prints
        n = len(toks[w])
        if cv and n:
            first = int(np.flatnonzero(arr == 0)[0]) if (arr == 0).any() else -1
            last = int(np.flatnonzero(arr == n - 1)[0]) if (arr == n - 1).any() else -1
            if first == cv[0][0] and 0 < size[first] < 2 * omit_min[w]:
                cv[0][0] = 0
            if last == cv[-1][1] - 1 and 0 < size[n_cols] - size[last + 1] < 2 * omit_min[w]:
                cv[-1][1] = n_cols
        covers.append(tuple((a, b) for a, b in cv))
    return Alignment(n_cols, tuple(cells), tuple(covers))


__all__ = ["Alignment", "Pairing", "align_pair", "align_witnesses", "anchor_size"]
