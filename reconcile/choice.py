"""Choose the reading of every site, on the evidence of :mod:`reconcile.evidence`.

1. **Candidates**: each distinct reading of the witnesses that print the site; where three
   witnesses or more split with no majority, also the reading a vote letter by letter
   among them gives (each engine may misread a different letter of one word).
2. **Two passes**: the first scores every site with equal reliability and the general
   channel; what it decides is what the work teaches: how often each witness agrees, and
   which misreadings each makes. The second pass scores again with those.
3. **Revisions** (the witnesses word a place differently) are scored on the witnesses
   alone, never on plausibility (an author's choice of words is not an OCR slip), and the
   canonical text takes one witness's wording whole; a tie goes to the copy-text, the
   most complete full printing.
4. **Lone witnesses**: where one witness alone prints a place, a token is corrected only
   when the work prints the correction often elsewhere, the printed form nowhere else, the
   two are a known or visual misreading of each other, and the posterior is high; such a
   correction is always marked for review.

Pins (readings fixed by hand) are applied later, on the notes (see :mod:`reconcile.work`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz.distance import Levenshtein

from .classify import INTRUSION, REPETITION, REVISION, classify
from .config import Config
from .evidence import Evidence, Score, known_words, lm_text, looks_alike, word_zipf
from .normalize import fold
from .sites import Site, Table, site_mask
from .tokens import is_cjk_token, tokenize
from .wording import count


@dataclass(frozen=True, slots=True)
class Choice:
    """The reading a site takes. ``text`` is printed as ``source`` prints it (-1: a reading
    no witness prints whole: a letter-by-letter vote or a correction)."""

    site: Site
    key: str
    text: str
    source: int
    reason: str
    confidence: float
    review: bool
    kind: str
    scores: tuple[Score, ...] = ()
    margin: float = 0.0  # how much more the witnesses say for it than for the next reading
    pinned: bool = False  # fixed by hand: printed as typed, never converted


@dataclass
class Context:
    """What the decisions of one work read: the table, the evidence, the roles."""

    table: Table
    evidence: Evidence
    config: Config
    names: Sequence[str]  # short names of the witnesses, for reasons
    order: Sequence[int]  # witnesses by priority: the copy-text first
    digest: Sequence[bool]
    plain: list[str]  # language-model text of each column's commonest token ('' if a gap)
    skipped: Sequence[np.ndarray] = ()  # per witness: tokens left out of the table
    lang: str = ""  # the work's language (a wordfreq code), '' when unknown
    _full_grams: set[str] | None = None

    def printed_elsewhere(self, keys: Sequence[str]) -> float:
        """Share of a passage's three-character pieces the full printings print: a passage a
        digest moved is printed there already."""
        if self._full_grams is None:
            grams: set[str] = set()
            for w, t in enumerate(self.table.toks):
                if not self.digest[w]:
                    s = "".join(t.keys)
                    grams.update(s[i:i + 3] for i in range(len(s) - 2))
            self._full_grams = grams
        s = "".join(keys)
        mine = {s[i:i + 3] for i in range(len(s) - 2)}
        return len(mine & self._full_grams) / len(mine) if mine else 0.0

    def neighbours(self, c0: int, c1: int) -> tuple[str, str]:
        """The tokens next to columns ``[c0, c1)`` in the consensus."""
        a = next((self.plain[k] for k in range(c0 - 1, -1, -1) if self.plain[k]), "")
        b = next((self.plain[k] for k in range(c1, len(self.plain)) if self.plain[k]), "")
        return a, b

    def _near(self, cols: range, n: int) -> list[str]:
        """Keys of the columns in ``cols`` (in that order) until ``n`` characters."""
        out: list[str] = []
        size = 0
        for k in cols:
            x = self.plain[k]
            if x:
                out.append(x)
                size += len(x)
                if size >= n:
                    break
        return out

    def left(self, c: int, n: int = 8) -> str:
        return lm_text(self._near(range(c - 1, -1, -1), n)[::-1])[-n:]

    def right(self, c: int, n: int = 8) -> str:
        return lm_text(self._near(range(c, len(self.plain)), n))[:n]


def column_plain(t: Table) -> list[str]:
    """The commonest token key of each column among the witnesses that have one there
    (between equally common keys, the one the first witness prints); nothing where more
    witnesses leave the column empty than print that key."""
    n_w = len(t.toks)
    if not n_w or not t.n:
        return [""] * t.n
    if n_w > _PLAIN_VECTOR_MAX:
        return _column_plain_loop(t)
    # per witness and column: how many witnesses print its key there (-1: it prints none),
    # for all columns at once; the first witness with the most is the commonest key's
    vals = t.vals
    printed = vals >= 0
    same = np.full(vals.shape, -1, dtype=np.int64)
    for w in range(n_w):
        same[w] = ((vals == vals[w]) & printed).sum(axis=0)
    same[~printed] = -1
    best = same.argmax(axis=0)
    n = same.max(axis=0)
    gaps = (vals == -1).sum(axis=0)
    cells = [c.tolist() for c in t.al.cells]
    keys = [tk.keys for tk in t.toks]
    return ["" if k <= 0 or g > k else keys[w][cells[w][c]]
            for c, (w, k, g) in enumerate(zip(best.tolist(), n.tolist(), gaps.tolist()))]


#: Above this many witnesses the columns are counted one by one (the vector count compares
#: every pair of witnesses).
_PLAIN_VECTOR_MAX = 16


def _column_plain_loop(t: Table) -> list[str]:
    out = []
    n_w = len(t.toks)
    for c in range(t.n):
        counts: Counter[str] = Counter()
        for w in range(n_w):
            tok = t.al.cells[w][c]
            if tok >= 0:
                counts[t.toks[w].keys[tok]] += 1
        gaps = sum(1 for w in range(n_w) if t.vals[w, c] == -1)
        if not counts:
            out.append("")
            continue
        k, n = counts.most_common(1)[0]
        out.append("" if gaps > n else k)
    return out


# --- candidates ---------------------------------------------------------------------------------


def vote_letters(strings: Sequence[str]) -> str:
    """A letter-by-letter majority among readings, aligned to the medoid (ROVER). Also
    the benchmark's plain-vote baseline."""
    n = len(strings)
    med = min(range(n), key=lambda i: (sum(Levenshtein.distance(strings[i], strings[j])
                                            for j in range(n)), i))
    m = strings[med]
    cols = [Counter({m[i]: 1}) for i in range(len(m))]
    ins: list[Counter[str]] = [Counter() for _ in range(len(m) + 1)]
    for j, s in enumerate(strings):
        if j == med:
            continue
        for op in Levenshtein.opcodes(m, s):
            if op.tag in ("equal", "replace"):
                for k in range(op.src_end - op.src_start):
                    cols[op.src_start + k][s[op.dest_start + k]] += 1
            elif op.tag == "delete":
                for a in range(op.src_start, op.src_end):
                    cols[a][""] += 1
            else:
                ins[op.src_start][s[op.dest_start:op.dest_end]] += 1
    out = []
    for i in range(len(m) + 1):
        if ins[i]:
            s, c = ins[i].most_common(1)[0]
            if c * 2 > n:
                out.append(s)
        if i < len(m):
            out.append(max(cols[i].items(), key=lambda kv: (kv[1], kv[0] == m[i], kv[0]))[0])
    return "".join(out)


def _lower_keep_length(s: str) -> str:
    """Lower case, letter for letter (``İ`` lowers to two characters: it stays)."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


def vote_case(text: str, printed: Sequence[str]) -> str:
    """The chosen text with each letter in the case most of the readings print it in
    (aligned letter by letter, case aside): an engine that prints a word-final ``s`` as
    ``S`` (``GypShat`` beside ``Sypshat`` and ``anshat``) loses to the others. A tie keeps
    the chosen case, unless the letter is a capital inside a word (after a small letter or
    a contraction's apostrophe: ``wenn'S``), which a printed word seldom has."""
    low = _lower_keep_length(text)
    if low == text.upper() or not any(c.isupper() for c in text) and \
            not any(c.isupper() for p in printed for c in p):
        return text
    votes: list[Counter[bool]] = [Counter() for _ in text]
    for p in printed:
        for op in Levenshtein.opcodes(low, _lower_keep_length(p)):
            if op.tag != "equal":
                continue
            for k in range(op.src_end - op.src_start):
                ch = p[op.dest_start + k]
                if ch.isalpha() and ch.lower() != ch.upper():
                    votes[op.src_start + k][ch.isupper()] += 1
    out = []
    for i, ch in enumerate(text):
        v = votes[i]
        if not ch.isalpha() or ch.lower() == ch.upper() or not v:
            out.append(ch)
            continue
        up, down = v[True], v[False]
        # inside a word: after a small letter, or after a contraction's apostrophe (wenn's)
        inner = i > 0 and (text[i - 1].isalpha() and text[i - 1].islower() or
                           text[i - 1] in "'’" and i > 1 and text[i - 2].isalpha())
        if up > down or (up == down and ch.isupper() and not inner):
            out.append(ch.upper() if len(ch.upper()) == 1 else ch)
        else:
            out.append(ch.lower() if len(ch.lower()) == 1 else ch)
    return "".join(out)


def _key_of(text: str) -> str:
    return " ".join(tokenize(text).keys)


def _whole_paragraphs(toks, a: int, b: int, skipped=None) -> bool:
    """Tokens ``a..b-1`` are whole paragraphs of their witness (less a lead-in left out of
    the table), of twenty characters or more."""
    size = sum(len(k) for k in toks.keys[a:b])
    j = a - 1
    while j >= 0 and skipped is not None and skipped[j] and "\n\n" not in toks.trail(j):
        j -= 1
    return size >= 20 and (j < 0 or "\n\n" in toks.trail(j)) and (
        b == len(toks) or "\n\n" in toks.trail(b - 1))


def _without_intrusion(k: str, left: str, right: str) -> str | None:
    """``k`` less its words of another script, where the text around is Chinese."""
    toks = k.split(" ") if k else []
    if not (is_cjk_token(left[-1:]) or is_cjk_token(right[:1])):
        return None
    kept = [x for x in toks if is_cjk_token(x) or x.isdigit()]
    if len(kept) == len(toks) or len(toks) - len(kept) > 2:
        return None
    return " ".join(kept)


@lru_cache(maxsize=1 << 16)  # asked again for every site in the second pass
def _typical(t: str, x: str, left: str, right: str) -> bool:
    """Whether ``x`` is ``t`` with a typical failure: a word of another script inside the
    text, or a syllable repeated."""
    if not x or x == t:
        return False
    kind = classify(t, x, left, right)
    return kind in (INTRUSION, REPETITION) and len(x.replace(" ", "")) >= len(t.replace(" ", ""))


# --- deciding -----------------------------------------------------------------------------------


def _site_readings(ctx: Context, site: Site) -> list[tuple[int, str, str]]:
    """(witness, key, printed text) of every reader of the site."""
    t = ctx.table
    out = []
    for w, (a, b) in zip(site.readers, site.ranges):
        out.append((w, t.reading_key(w, a, b), t.reading(w, a, b)))
    return out


def _surface_for(ctx: Context, readings: Sequence[tuple[int, str, str]], key: str
                 ) -> tuple[str, int]:
    """How the chosen reading is printed: the most common printing among the witnesses that
    read it; between equally common ones, the one nearest all the site's printings (``es``
    over ``eS`` where a third witness prints ``es`` in another word), then the witness of
    highest priority."""
    forms: Counter[str] = Counter()
    first: dict[str, int] = {}
    rank = {w: i for i, w in enumerate(ctx.order)}
    for w, k, text in readings:
        if k == key:
            forms[text] += 1
            if text not in first or rank.get(w, 99) < rank.get(first[text], 99):
                first[text] = w
    if not forms:
        return "", -1
    top = max(forms.values())
    tied = [f for f in forms if forms[f] == top]
    if len(tied) > 1:
        near = {f: sum(Levenshtein.distance(f, text) for _, _, text in readings) for f in tied}
        text = min(tied, key=lambda f: (near[f], rank.get(first[f], 99)))
    else:
        text = tied[0]
    return text, first[text]


def decide_site(ctx: Context, site: Site) -> Choice:
    readings = _site_readings(ctx, site)
    keys = sorted({k for _, k, _ in readings})
    left, right = ctx.left(site.start), ctx.right(site.end)
    support = Counter(k for _, k, _ in readings)
    revision = _is_revision(ctx, readings)
    cands = list(keys)
    synth_text = ""
    sizes = [len(k.split(" ")) for _, k, _ in readings]
    lengths = [len(k) for _, k, _ in readings]
    if not revision and len(readings) >= 3 and support.most_common(1)[0][1] * 2 <= len(readings) \
            and max(sizes) <= 2 and max(lengths) - min(lengths) <= 2:
        # a letter-by-letter vote only within a word or two of like length: over longer
        # readings it splices fragments
        printed = [" ".join(text.split()) for _, _, text in readings]
        synth_text = vote_letters(printed)
        sk = _key_of(synth_text)
        if sk not in cands:
            cands.append(sk)
        else:
            synth_text = ""
    for _, k, _ in readings:
        # a reading with a word of another script taken out: what an intrusion stood in
        clean = _without_intrusion(k, left, right)
        if clean is not None and clean not in cands:
            cands.append(clean)
    typical = {(t, x): _typical(t, x, left, right) for t in cands for x in keys}
    typical.update({(x, t): _typical(x, t, left, right) for t in cands for x in keys
                    if (x, t) not in typical})
    # a digest printing whole paragraphs the others lack: a full printing loses a column
    # or a paragraph more easily than a digest invents one
    for w, k, _ in readings:
        a, b = site.ranges[site.readers.index(w)]
        if ctx.digest[w] and b > a and _whole_paragraphs(
                ctx.table.toks[w], a, b, ctx.skipped[w] if ctx.skipped else None) and \
                ctx.printed_elsewhere(ctx.table.toks[w].keys[a:b]) < ctx.config.insert_max_overlap:
            for x in keys:
                if not x:
                    typical[(k, x)] = True
    scores = ctx.evidence.score(cands, [(w, k) for w, k, _ in readings], left, right,
                                typical, use_plausibility=not revision,
                                neighbours=ctx.neighbours(site.start, site.end),
                                words=[known_words(c, ctx.lang, strict=True)
                                       for c in cands])
    rank = {w: i for i, w in enumerate(ctx.order)}

    def prio(s: Score) -> tuple:
        carriers = [rank.get(w, 99) for w, k, _ in readings if k == s.text]
        return (round(s.posterior, 9), -min(carriers, default=99))
    best = max(scores, key=prio)
    if best.text in support:
        text, source = _surface_for(ctx, readings, best.text)
    else:
        text, source = synth_text, -1
    if not revision and text:
        cased = vote_case(text, [t for _, _, t in readings])
        if cased != text:
            text, source = cased, -1
    reason = _reason(ctx, readings, scores, best, revision)
    conf = round(best.posterior, 2)
    kind = REVISION if revision else ""
    review = best.posterior < ctx.config.review_below
    runner = max((s for s in scores if s is not best), key=lambda s: s.posterior, default=None)
    margin = best.votes - runner.votes if runner is not None else 99.0
    if revision:
        # every wording is genuine: how sure is how many full printings word it so, not
        # how unlike an OCR slip the others are
        full = [k for w, k, _ in readings if not ctx.digest[w]]
        conf = round(full.count(best.text) / len(full), 2) if full else conf
        review = margin < 0.5
    if margin < 0.5:
        review = True  # the witnesses are tied: plausibility alone decided
    return Choice(site, best.text, text, source, reason, conf, review, kind, tuple(scores),
                  margin)


def _is_revision(ctx: Context, readings: Sequence[tuple[int, str, str]]) -> bool:
    """The full printings word the place differently (digests' own wordings do not make a
    revision: they abridge)."""
    full = [(w, k, text) for w, k, text in readings if not ctx.digest[w]]
    # a wording is words of the language: a reading with a word no dictionary knows
    # ("thn" for "ihm", "Zufrledenheit") is misread, and misreadings are voted on
    forms = sorted({text for _, _, text in full if known_words(text, ctx.lang)})
    if len(forms) < 2:
        return False
    for i in range(len(forms)):
        for j in range(i + 1, len(forms)):
            if classify(forms[i], forms[j]) == REVISION:
                return True
    return False


def _names(ctx: Context, ws: Sequence[int]) -> str:
    return ", ".join(ctx.names[w] for w in sorted(ws, key=lambda w: ctx.names[w]))


def _reason(ctx: Context, readings: Sequence[tuple[int, str, str]], scores: Sequence[Score],
            best: Score, revision: bool) -> str:
    carriers = [w for w, k, _ in readings if k == best.text]
    n, total = len(carriers), len(readings)
    rest = sorted((s for s in scores if s is not best), key=lambda s: -s.posterior)
    parts = []
    if revision:
        parts.append("the witnesses word this place differently (a revision, not a slip); "
                     "the canonical text follows one wording whole")
    if carriers:
        parts.append(f"read by {n} of {total} witnesses ({_names(ctx, carriers)})")
    else:
        parts.append(f"no witness prints it whole: the letter-by-letter majority of the "
                     f"{total} readings")
    if rest and revision:
        if abs(best.votes - rest[0].votes) < 0.5:
            parts.append("the witnesses are tied: the copy-text's wording is kept")
    elif rest:
        second = rest[0]
        gain_votes = best.votes - second.votes
        gain_plaus = best.plausibility - second.plausibility
        bits = [f"witness evidence {gain_votes:+.1f}"]
        if abs(gain_plaus) >= 0.05:
            bits.append(f"plausibility in context {gain_plaus:+.1f}")
        if best.text and second.text and not revision:
            word = known_words(best.text, ctx.lang, strict=True)
            if word != known_words(second.text, ctx.lang, strict=True):
                w = ctx.config.lexicon_weight
                bits.append(f"of it {w:+.1f} for being a word of the "
                            f"language ({ctx.lang}) where the other is none" if word else
                            f"of it {-w:+.1f} for being no word of the language "
                            f"({ctx.lang}) where the other is one")
        parts.append(f"against the next reading: {', '.join(bits)} (log-odds)")
        if abs(best.votes - second.votes) < 0.5:
            parts.append("the witnesses are tied" + (
                ": no evidence either way, an open tie; the copy-text's reading is kept"
                if abs(gain_plaus) < 0.5 else "; plausibility alone decides"))
    return "; ".join(parts) + "."


def decide_all(ctx: Context, sites: Sequence[Site]) -> list[Choice]:
    """Every site, in two passes (see the module docstring)."""
    choices = [decide_site(ctx, s) for s in sites]
    for _ in range(max(0, ctx.config.evidence_passes - 1)):
        _learn(ctx, sites, choices)
        choices = [decide_site(ctx, s) for s in sites]
    return choices


def _learn(ctx: Context, sites: Sequence[Site], choices: Sequence[Choice]) -> None:
    """Reliability and channel from the decisions: agreement per witness over the columns
    it shares with another witness, and the edits of each reading the decision rejected."""
    t = ctx.table
    ev = ctx.evidence
    n_w = len(t.toks)
    in_site = site_mask(t.n, sites)
    shared = t.cover.sum(axis=0) >= 2
    agree = [float(((t.cover[w]) & shared & ~in_site).sum()) for w in range(n_w)]
    events = list(agree)
    for s, ch in zip(sites, choices):
        if ch.margin < 0.5:
            continue  # a tie says nothing of who reads better
        for w, (a, b) in zip(s.readers, s.ranges):
            k = t.reading_key(w, a, b)
            if k != ch.key and ctx.digest[w] and not ev.slip_like(ch.key, k):
                continue  # a digest's own editing says nothing of how well it was read
            events[w] += 1
            if k == ch.key:
                agree[w] += 1
            elif ch.confidence >= 0.7 and ch.kind != REVISION and not ctx.digest[w]:
                # a digest's differences are mostly its own editing, not misreadings
                ev.channel.learn(w, ch.key.replace(" ", ""), k.replace(" ", ""))
    ev.learn_reliability(agree, events)


# --- lone witnesses -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lone:
    """A correction where one witness alone prints the place: its tokens ``t0..t1`` at
    columns ``c0..c1`` become ``text``."""

    witness: int
    c0: int
    c1: int
    t0: int
    t1: int
    text: str
    reason: str
    confidence: float
    pinned: bool = False


def lone_corrections(ctx: Context, sites: Sequence[Site], choices: Sequence[Choice],
                     counts: Counter[tuple[str, str]]) -> list[Lone]:
    """Corrections of places one witness alone prints (see the module docstring).
    ``counts``: occurrences of pairs of neighbouring tokens in the work's agreed text and
    related works."""
    t = ctx.table
    cfg = ctx.config
    n_cov = t.cover.sum(axis=0)
    in_site = site_mask(t.n, sites)
    learned = ctx.evidence.channel.confusions()
    foreign = _foreign_replacements(ctx, sites, choices)
    out: list[Lone] = []
    lone_cols = np.flatnonzero((n_cov == 1) & ~in_site)
    if not len(lone_cols):
        return out
    plain = ctx.plain
    singles: Counter[str] = Counter()
    for (a, b), n in counts.items():
        singles[a] += n

    def cohesive(a: str, b: str) -> bool:
        """The pair is a word: it holds most occurrences of its rarer token (a name such as
        娄烦 holds nearly all of its characters'; 建 + 太原 meet by chance)."""
        n = counts.get((a, b), 0)
        return n >= cfg.lone_min_count and n >= cfg.lone_min_cohesion * max(
            1, min(singles.get(a, 0), singles.get(b, 0)))

    # the neighbours each token makes a word with in the agreed text: the only forms a lone
    # token is corrected towards (kept apart from every neighbour, these stay small where a
    # common token such as 的 follows hundreds of others); a foreign word is corrected
    # towards any neighbour printed often enough
    after: dict[str, set[str]] = {}
    before: dict[str, set[str]] = {}
    after_any: dict[str, set[str]] = {}
    before_any: dict[str, set[str]] = {}
    # and each token's neighbours on either side, counted
    left_of: dict[str, Counter[str]] = {}
    right_of: dict[str, Counter[str]] = {}
    for (a, b), n in counts.items():
        left_of.setdefault(b, Counter())[a] += n
        right_of.setdefault(a, Counter())[b] += n
        if n >= cfg.lone_min_count:
            after_any.setdefault(a, set()).add(b)
            before_any.setdefault(b, set()).add(a)
            if cohesive(a, b):
                after.setdefault(a, set()).add(b)
                before.setdefault(b, set()).add(a)
    forms: dict[str, Counter[str]] = {}

    def printed(k: str) -> str:
        """The commonest printed form of key ``k`` in the work's witnesses."""
        if not forms:
            for tk in t.toks:  # (key, form) pairs counted in one pass, then by key
                both = Counter(zip(tk.keys, map(tk.surface, range(len(tk)))))
                for (kk, form), n in both.items():
                    forms.setdefault(kk, Counter())[form] += n
        got = forms.get(k)
        return min(got, key=lambda f: (-got[f], f)) if got else k

    # the witness that covers each lone column, and its token there: for all at once
    lone_w = t.cover[:, lone_cols].argmax(axis=0)
    lone_tok = np.stack(t.al.cells)[lone_w, lone_cols]
    for c, w, tok in zip(lone_cols.tolist(), lone_w.tolist(), lone_tok.tolist()):
        if tok < 0:
            continue
        k = t.toks[w].keys[tok]
        prev = plain[c - 1] if c > 0 else ""
        nxt = plain[c + 1] if c + 1 < t.n else ""
        # a word does not run over punctuation: a neighbour across a mark is no evidence
        # (169家，托位 is no 依托)
        if tok > 0 and t.toks[w].trail(tok - 1).strip():
            prev = ""
        if t.toks[w].trail(tok).strip():
            nxt = ""
        if counts.get((prev, k), 0) > 1 or counts.get((k, nxt), 0) > 1:
            continue  # its own form is printed elsewhere (the place itself counts once)
        cands: list[str] = []
        # the neighbours' printed partners: any for a foreign word, else cohesive ones only
        fa, fb = (after_any, before_any) if k in foreign else (after, before)
        near = fa.get(prev, set()) | fb.get(nxt, set())
        if k in foreign and _inside_cjk(prev, nxt):
            cands = [foreign[k]]
        elif is_cjk_token(k):
            if ctx.lang and max(word_zipf(prev + k, ctx.lang), word_zipf(k + nxt, ctx.lang)) \
                    >= _WORD_ZIPF:
                continue  # it makes a word of the language with its neighbour (两端, 老牌)
            cands = sorted(x for x in near if x != k and is_cjk_token(x) and (
                looks_alike(k, x) or x in learned.get(k, ())))
        elif len(k) >= 3 and not k.isdigit():
            cands = sorted(x for x in near if x != k and len(x) == len(k) and all(
                a == b or looks_alike(a, b) or a in learned.get(b, ()) for a, b in zip(x, k)))
        best = None
        for cand in cands:
            seen = max(counts.get((prev, cand), 0), counts.get((cand, nxt), 0))
            if best is None or seen > best[1]:
                best = (cand, seen)
        if best is None:
            continue
        cand, seen = best
        if k not in foreign and (_bound_elsewhere(cand, prev, counts, left_of, 0, cfg) or
                                 _bound_elsewhere(cand, nxt, counts, right_of, 1, cfg)):
            continue  # 绣 stands after 锦 wherever the work prints it, never after 区
        left, right = ctx.left(c), ctx.right(c + 1)
        # one witness and the whole work: plausibility is not capped as it is against
        # several witnesses' votes
        scores = ctx.evidence.score([k, cand], [(w, k)], left, right,
                                    {(cand, k): k in foreign}, neighbours=(prev, nxt),
                                    cap=cfg.lone_plausibility_cap, held_out=k)
        post = next(s.posterior for s in scores if s.text == cand)
        if k in foreign:
            # the work shows this word standing for that text where witnesses disagree:
            # the intrusion is corrected as it was there, and marked for review
            post = max(post, 0.5)
        elif post < cfg.lone_min_confidence:
            continue
        # the candidate as the work prints it (its key is a comparison form: folded case,
        # width and script)
        text = printed(cand) if is_cjk_token(cand) else _recase(t.toks[w].surface(tok), cand)
        reason = (f"only {ctx.names[w]} prints this place; it reads '{t.toks[w].surface(tok)}', "
                  f"which the work prints nowhere else, while '{cand}' stands here "
                  f"{count(seen, 'time')} elsewhere in the work and related works")
        if is_cjk_token(k) and looks_alike(k, cand):
            reason += f", and '{k}'/'{cand}' look alike in print"
        elif k in foreign:
            reason += f"; '{k}' is a word of another script inside the text"
        out.append(Lone(w, c, c + 1, tok, tok + 1, text, reason + ".", round(post, 2)))
    return out


#: A lone witness's character that makes a word this common (Zipf) with a neighbour is read
#: as printed: an OCR slip rarely lands on a common word (两端 for 高端, 老牌 for 老旧).
_WORD_ZIPF = 3.0


def _bound_elsewhere(cand: str, here: str, counts: Counter[tuple[str, str]],
                     side_of: dict[str, Counter[str]], side: int, cfg: Config) -> bool:
    """Whether ``cand`` is part of a word with another neighbour on that side (``side``
    0: before it, 1: after it): the work never prints it next to ``here``, and nearly
    always (four times in five) next to one other token: 锦绣 puts no 绣 after 区."""
    if not here or counts.get((here, cand) if side == 0 else (cand, here), 0):
        return False
    got = side_of.get(cand)
    if not got:
        return False
    total = sum(got.values())
    return total >= cfg.lone_min_count and got.most_common(1)[0][1] >= 0.8 * total


def _inside_cjk(prev: str, nxt: str) -> bool:
    return is_cjk_token(prev[-1:]) and is_cjk_token(nxt[:1])


def _recase(printed: str, key: str) -> str:
    if printed.isupper():
        return key.upper()
    if printed[:1].isupper():
        return key[:1].upper() + key[1:]
    return key


_LATIN_WORD = re.compile(r"^[^\W\d_]+$")


def _foreign_replacements(ctx: Context, sites: Sequence[Site], choices: Sequence[Choice]
                          ) -> dict[str, str]:
    """Words of another script that witnesses print where the chosen reading has other
    text, and what they stand for: {word: replacement}."""
    t = ctx.table
    seen: dict[str, Counter[str]] = {}
    for s, ch in zip(sites, choices):
        if ch.confidence < 0.7:
            continue
        for w, (a, b) in zip(s.readers, s.ranges):
            k = t.reading_key(w, a, b)
            if k == ch.key:
                continue
            extra = [x for x in k.split(" ") if x and not is_cjk_token(x)
                     and _LATIN_WORD.match(x) and x not in ch.key.split(" ")]
            if len(extra) == 1 and all(is_cjk_token(x) for x in ch.key.split(" ") if x):
                rest = [x for x in k.split(" ") if x != extra[0]]
                mine = ch.key.split(" ")
                # what the foreign word stands for: the chosen tokens it displaced
                repl = "".join(x for x in mine if x not in rest) if ch.key else ""
                seen.setdefault(extra[0], Counter())[repl] += 1
    return {word: c.most_common(1)[0][0] for word, c in seen.items()
            if c.most_common(1)[0][0]}


__all__ = ["Choice", "Context", "Lone", "column_plain", "decide_all", "decide_site",
           "lone_corrections", "vote_letters"]
