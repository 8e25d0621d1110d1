"""Which reading a place takes, on evidence, and why.

The evidence, in this order (the first that decides, decides):

1. **Votes of independent witnesses.** Witnesses that print the same page twice
   (role ``duplicate``) vote once. A reading carried by more independent witnesses than any
   other wins.
2. **When votes tie, or one witness stands alone**:
   - *support elsewhere*: a reading that other witnesses of the work, or of related works,
     print at other places (with a neighbouring character, so "大盂产" rather than "大盂")
     is likelier than one printed nowhere else; support from the witness that carries the
     reading here counts a quarter, since one OCR engine repeats its own misreadings;
   - *typical failures of OCR and typesetting*: a reading with a word of another script in it
     (an intrusion) or a repeated syllable loses to one without (a name may repeat a
     syllable, "杉杉", which is why support comes first);
   - *a digest's wording*: where a digest differs from the full text in words rather than in
     letters (not a known visual confusion), the full text is what the digest abridged;
   - *plausibility*: character trigrams learned from the same texts; only a clear margin counts.
3. **No evidence either way**: the base witness's reading is kept and the note says the tie
   is open.

A reading pinned by hand in the decisions file (by note id, or by the text around the place)
overrides all of this.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .apparatus import Reading, Site
from .classify import INTRUSION, REPETITION, TRANSPOSITION, classify, dominant_script, foreign_runs
from .config import Config, Pin
from .normalize import key

KEEP = "keep"


@dataclass(frozen=True, slots=True)
class Decision:
    chosen: str
    reason: str
    confidence: float
    review: bool


class Trigrams:
    """Character trigram plausibility with add-one smoothing, on comparison keys. Counted on
    first use: most works never need it."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self.tri: Counter[str] = Counter()
        self.bi: Counter[str] = Counter()
        self.vocab = 0

    def _count(self) -> None:
        chars: set[str] = set()
        for t in self.texts:
            k = key(t)
            self.tri.update(k[i:i + 3] for i in range(len(k) - 2))
            self.bi.update(k[i:i + 2] for i in range(len(k) - 1))
            chars.update(k)
        self.vocab = max(len(chars), 1)

    def logp(self, text: str) -> float:
        """Mean log-probability per character of ``text`` (which includes its context)."""
        if not self.vocab:
            self._count()
        k = key(text)
        if len(k) < 3:
            return 0.0
        total = 0.0
        for i in range(len(k) - 2):
            total += math.log((self.tri[k[i:i + 3]] + 1) / (self.bi[k[i:i + 2]] + self.vocab))
        return total / (len(k) - 2)


@dataclass
class Evidence:
    """What a work's decisions may draw on besides the site itself."""

    config: Config
    base: str  # the base witness's id
    roles: dict[str, str]  # witness id -> role
    voter: dict[str, str]  # witness id -> the independent witness it votes as
    texts: dict[str, str]  # witness id -> key of its text (the work's and related works')
    trigrams: Trigrams
    confusable: dict[str, set[str]] = field(default_factory=dict)
    _pairs: Counter[str] | None = None
    _holders: Counter[str] | None = None

    _chars: Counter[str] | None = None

    def pair_counts(self, pair: str) -> tuple[int, int]:
        """How often a two-character string occurs in the texts, and in how many texts."""
        if self._pairs is None:
            self._pairs, self._holders, self._chars = Counter(), Counter(), Counter()
            for t in self.texts.values():
                grams = [t[i:i + 2] for i in range(len(t) - 1)]
                self._pairs.update(grams)
                self._holders.update(set(grams))
                self._chars.update(t)
        return self._pairs[pair], self._holders[pair]

    def cohesion(self, pair: str) -> float:
        """How much a pair is a word: its count over the count of its rarer character. A
        name ("娄烦") holds nearly every occurrence of its characters; two characters that
        meet across a word boundary ("建" + "太原") hold few."""
        n, _ = self.pair_counts(pair)
        assert self._chars is not None
        return n / max(min(self._chars[pair[0]], self._chars[pair[1]]), 1)

    @classmethod
    def build(cls, config: Config, base: str, roles: dict[str, str], voter: dict[str, str],
              texts: dict[str, str]) -> Evidence:
        conf: dict[str, set[str]] = {}
        for group in config.confusables:
            for ch in group:
                conf.setdefault(ch, set()).update(c for c in group if c != ch)
        return cls(config, base, roles, voter, {w: key(t) for w, t in texts.items()},
                   Trigrams(list(texts.values())), conf)

    def confusable_pair(self, a: str, b: str) -> bool:
        ka, kb = key(a), key(b)
        if len(ka) != len(kb) or not ka:
            return False
        diff = [(x, y) for x, y in zip(ka, kb) if x != y]
        return bool(diff) and all(y in self.confusable.get(x, ()) for x, y in diff)

    @staticmethod
    def _around(k: str, before: str, after: str, m: int) -> str:
        return key(before)[-m:] + k + key(after)[:m]

    def probes(self, reading: str, before: str, after: str, rivals: Sequence[str]) -> set[str]:
        """Strings that witness this reading elsewhere: the reading with one or two
        characters of context on both sides, and, for a reading of two characters or more
        (a name, not a particle), with one character on one side, unless a rival reading's
        surroundings contain that string too ("不移聚" is in "不移聚焦", the text without the
        doubled syllable, so it cannot speak for "不移不移")."""
        k = key(reading)
        out = {self._around(k, before, after, m) for m in (1, 2)}
        if len(k) >= 2:
            around_rivals = [self._around(key(r), before, after, m) for r in rivals for m in (1, 2)]
            for p in (key(before)[-1:] + k, k + key(after)[:1]):
                if not any(p in q for q in around_rivals):
                    out.add(p)
        # three characters at least: two are too often a common word ("美好" around "特")
        return {p for p in out if len(p) >= 3 and p != k}

    def support(self, reading: str, before: str, after: str, carriers: Sequence[str],
                rivals: Sequence[str] = ()) -> float:
        """How many other texts print this reading in this company, one vote each (a quarter
        for each further place in a text that carries it here). An occurrence inside a rival
        reading's probe does not count: "美杉奥特" is no evidence when the text reads
        "美杉杉奥特"."""
        mine = self.probes(reading, before, after, rivals)
        if not mine:
            return 0.0
        theirs = {q for r in rivals for q in self.probes(r, before, after, [reading])}
        score = 0.0
        for wid, text in self.texts.items():
            n = 0
            for p in mine:
                c = text.count(p)
                if c:
                    c -= max((text.count(q) for q in theirs if p in q and q != p), default=0)
                n = max(n, c)
            if wid in carriers:
                score += 0.25 * max(n - 1, 0)  # less the place itself
            elif n > 0:
                score += 1.0
        return score


def pinned(pins: Sequence[Pin], note_id: str, before: str, after: str) -> Pin | None:
    for p in pins:
        if p.note and p.note == note_id:
            return p
        if not p.note and (p.before or p.after) and before.endswith(p.before) \
                and after.startswith(p.after):
            return p
    return None


def decide(site: Site, ev: Evidence, before: str, after: str, note_id: str = "") -> Decision:
    """The reading this place takes. ``site.readings[0]`` is the current canonical text's."""
    cfg = ev.config
    readings = [r for r in site.readings if r.witnesses]
    canonical = site.readings[0].text
    pin = pinned(cfg.decisions, note_id, before, after)
    if pin is not None:
        return Decision(pin.reading, "pinned by hand in the decisions file", 1.0, False)
    if not readings:
        return Decision(canonical, "no witness prints this place", 0.0, True)

    votes = {r.text: len({ev.voter.get(w.id, w.id) for w in r.witnesses}) for r in readings}
    total = sum(votes.values())
    ranked = sorted(readings, key=lambda r: (-votes[r.text], _base_first(r, ev)))
    top = ranked[0]
    if len(ranked) == 1 or votes[top.text] > votes[ranked[1].text]:
        n = votes[top.text]
        return Decision(top.text, f"carried by {n} of {total} independent witnesses",
                        round(n / total, 2), n / total < cfg.review_below)

    tied = [r for r in ranked if votes[r.text] == votes[top.text]]
    return _tie(tied, ev, before, after)


def _base_first(r: Reading, ev: Evidence) -> tuple[int, str]:
    return (0 if any(w.id == ev.base for w in r.witnesses) else 1, r.text)


def _carriers(r: Reading) -> list[str]:
    return [w.id for w in r.witnesses]


def _tie(tied: list[Reading], ev: Evidence, before: str, after: str) -> Decision:
    cfg = ev.config
    names = " / ".join(r.text.strip() or "∅" for r in tied)
    base = next((r for r in tied if any(w.id == ev.base for w in r.witnesses)), tied[0])

    # support elsewhere in the work and in related works
    texts = [r.text for r in tied]
    sup = {r.text: ev.support(r.text, before, after, _carriers(r),
                              [t for t in texts if t != r.text]) for r in tied}
    best = max(tied, key=lambda r: (sup[r.text], r is base))
    rest = max((sup[r.text] for r in tied if r is not best), default=0.0)
    if sup[best.text] >= cfg.support_min and sup[best.text] - rest >= cfg.support_margin:
        return Decision(best.text, f"tie ({names}) broken: {best.text.strip() or '∅'} is "
                        f"printed elsewhere in the work or related works (support {sup[best.text]:g} "
                        f"against {rest:g})", cfg.confidence_support, False)

    # typical failures: an intrusion or a repeated syllable loses to a reading without one
    flawed = {r.text for r in tied if _typical_failure(r, tied, before, after)}
    sound = [r for r in tied if r.text not in flawed]
    if flawed and len(sound) == 1:
        kind = _failure_kind(sound[0], tied, before, after)
        return Decision(sound[0].text, f"tie ({names}) broken: the other reading has {kind}, "
                        "a typical OCR or typesetting failure", cfg.confidence_typical, False)
    if sound:
        tied = sound

    # a digest's own wording, where it differs in words rather than in letters
    full = [r for r in tied if any(ev.roles.get(w.id) in ("base", "page") for w in r.witnesses)]
    digest = [r for r in tied if r not in full
              and all(ev.roles.get(w.id) == "digest" for w in r.witnesses)]
    if len(full) == 1 and digest and not any(ev.confusable_pair(full[0].text, d.text)
                                             for d in digest):
        kind = classify(full[0].text, digest[0].text, before, after)
        if kind != TRANSPOSITION:
            return Decision(full[0].text, f"tie ({names}): the digest words it differently; the "
                            "full text's reading is kept", cfg.confidence_digest, False)

    # plausibility under the texts' own character trigrams
    ctx_b, ctx_a = before[-2:], after[:2]
    lp = {r.text: ev.trigrams.logp(ctx_b + r.text + ctx_a) for r in tied}
    best = max(tied, key=lambda r: (lp[r.text], r is base))
    rest = max((lp[r.text] for r in tied if r is not best), default=-1e9)
    if lp[best.text] - rest >= cfg.ngram_margin:
        return Decision(best.text, f"tie ({names}) broken by plausibility: its characters are "
                        f"likelier in this context ({lp[best.text]:.2f} against {rest:.2f} per "
                        "character)", cfg.confidence_ngram, True)

    return Decision(base.text, f"open tie ({names}): no evidence either way; the base "
                    "witness's reading is kept", 0.5, True)


def _typical_failure(r: Reading, tied: Sequence[Reading], before: str, after: str) -> bool:
    return any(_failure_kind(o, [r, o], before, after) for o in tied if o is not r)


def _failure_kind(good: Reading, pair: Sequence[Reading], before: str, after: str) -> str:
    """What is wrong with the readings other than ``good``, relative to it ('' if nothing)."""
    for other in pair:
        if other is good:
            continue
        kind = classify(good.text, other.text, before, after)
        if kind == REPETITION and len(key(other.text)) > len(key(good.text)):
            return "a repeated syllable"
        if kind == INTRUSION:
            dom = dominant_script(before + after)
            if foreign_runs(other.text, dom) - foreign_runs(good.text, dom):
                return "a word of another script inside the text"
    return ""
