"""Build a work's canonical text: the base witness, completed from the others, every place
read on evidence.

1. The draft is the base witness less the paragraphs it prints twice.
2. Every witness is collated with the draft. Where they differ, :mod:`decide` picks the
   reading; where one witness alone prints a place, a word is corrected only on strong
   evidence (see :func:`lone_corrections`).
3. Paragraphs that only other witnesses print are put in where they stand relative to the
   text around them (before the paragraph their next aligned text belongs to, or after the
   one their previous aligned text belongs to). Their headings (a digest's own titles) and
   their framing (a lead-in such as "本报讯 报告指出，" that starts several paragraphs of that
   witness) are left out, and so is anything the canonical text already holds.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .apparatus import Addition, Canonical, Collation, Site
from .clean import is_heading
from .config import Config
from .decide import Decision, Evidence, decide
from .fingerprint import shingles
from .normalize import CLAUSE_END, fold, is_cjk, key, mostly_cjk
from .records import Kind, Paragraph, Witness


@dataclass(frozen=True, slots=True)
class Change:
    """Draft ``[start, end)`` becomes ``text``, for ``decision``."""

    start: int
    end: int
    text: str
    decision: Decision


@dataclass(frozen=True, slots=True)
class Insertion:
    at: int  # a paragraph boundary of the draft
    paragraphs: tuple[str, ...]
    witness: str
    changes: tuple[Change, ...] = ()  # lone corrections, in the joined paragraphs' offsets


def canonical_of(text: str, config: Config) -> Canonical:
    paras: list[Paragraph] = []
    pos = 0
    for part in text.split("\n\n"):
        kind = Kind.HEADING if is_heading(part, config) else Kind.BODY
        paras.append(Paragraph(pos, pos + len(part), kind))
        pos += len(part) + 2
    return Canonical(text, tuple(paras))


def framing_prefixes(col: Collation, config: Config) -> set[str]:
    """Lead-ins a witness adds to the text it prints ("本报讯 报告指出，", "The report said,"):
    a paragraph's first clause that two or more paragraphs of the witness start with, and
    that at least once stands right before text aligned with the canonical text (so it is
    the witness's framing, not a phrase of the text such as "这一年，")."""
    w = col.witness
    starts: Counter[str] = Counter()
    framed: set[str] = set()
    block_starts = sorted(b.w_start for b in col.blocks)
    for p in w.paragraphs:
        if p.kind is not Kind.BODY:
            continue
        text = w.text[p.start:p.end]
        m = re.match(rf"[^{re.escape(CLAUSE_END)}。.!?！？]{{1,24}}[{re.escape(CLAUSE_END)}]", text)
        if not m or len(key(m.group(0))) > 12:
            continue
        starts[m.group(0)] += 1
        end = p.start + m.end()
        i = bisect_left(block_starts, end)
        if i < len(block_starts) and block_starts[i] - end <= 3:
            framed.add(m.group(0))
        for a in col.additions:
            # set aside as the witness's own at the paragraph's start, aligned text after it
            if abs(a.w_start - p.start) <= 1 and end - 1 <= a.w_end <= p.end and any(
                    b.w_start <= a.w_end < b.w_end for b in col.blocks):
                framed.add(m.group(0))
    return {s for s, n in starts.items() if n >= 2 and s in framed}


def _strip_framing(text: str, prefixes: set[str]) -> str:
    for p in sorted(prefixes, key=len, reverse=True):
        if text.startswith(p):
            return text[len(p):].lstrip()
    return text


def _para_bounds(text: str) -> list[int]:
    """Offsets where paragraphs start, and the text's end."""
    out = [0]
    i = text.find("\n\n")
    while i != -1:
        out.append(i + 2)
        i = text.find("\n\n", i + 2)
    return out + [len(text) + 2]


def insertions(draft: Canonical, cols: Sequence[Collation], roles: dict[str, str],
               base: str, config: Config) -> list[Insertion]:
    """Whole paragraphs other witnesses print and the draft lacks, with where they go."""
    k = 3 if mostly_cjk(draft.text) else 5
    have = set(shingles(key(draft.text), k).tolist())
    starts = _para_bounds(draft.text)
    order = {"page": 0, "digest": 1, "duplicate": 2}
    out: list[Insertion] = []
    for col in sorted(cols, key=lambda c: (order.get(roles.get(c.witness.id, ""), 3),
                                           c.witness.id)):
        w = col.witness
        if w.id == base:
            continue
        frames = framing_prefixes(col, config)
        blocks = sorted(col.blocks, key=lambda b: b.w_start)
        for add in col.additions:
            paras = _whole_paragraphs(w, add)
            kept: list[str] = []
            for text in paras:
                if is_heading(text, config):
                    continue  # a digest's own title; headings keep the full text's form
                text = _strip_framing(text, frames)
                sk = shingles(key(text), k)
                if len(key(text)) < config.min_unit_chars or not len(sk):
                    continue
                inside = sum(1 for s in sk.tolist() if s in have) / len(sk)
                if inside >= config.insert_max_overlap:
                    continue  # the canonical text says this already
                kept.append(text)
                have.update(sk.tolist())
            if kept:
                out.append(Insertion(_anchor(add, blocks, starts), tuple(kept), w.id))
    return out


def _whole_paragraphs(w: Witness, add: Addition) -> list[str]:
    """The witness paragraphs that lie wholly inside an addition."""
    out = []
    for p in w.paragraphs:
        if add.w_start <= p.start and p.end <= add.w_end:
            out.append(w.text[p.start:p.end])
    return out


def _anchor(add: Addition, blocks, starts: list[int]) -> int:
    """A paragraph boundary of the draft: before the paragraph the witness's next aligned
    text belongs to, or, at the witness's end, after the one its last aligned text ends in."""
    nxt = next((b for b in blocks if b.w_start >= add.w_end), None)
    if nxt is not None:
        c = nxt.c_start
        return max(s for s in starts if s <= c) if c > 0 else 0
    prev = [b for b in blocks if b.w_end <= add.w_start]
    if prev:
        c = prev[-1].c_end
        return min(s for s in starts if s >= c)
    return starts[-1]


@dataclass(frozen=True, slots=True)
class Rejected:
    """A reading the evidence turned down at a place where witnesses disagree."""

    text: str
    chosen: str
    decision: Decision


def lone_corrections(draft: Canonical, cols: Sequence[Collation], ev: Evidence,
                     learned: dict[str, Counter[str]],
                     rejected: Sequence[Rejected] = ()) -> list[Change]:
    """Corrections of the places of the draft only one witness prints (see
    :func:`corrections_in`)."""
    covered = _coverage_count(draft, cols)
    lone = [n == 1 for n in covered]
    return corrections_in(draft.text, lone, ev, learned, rejected)


def corrections_in(text: str, lone: Sequence[bool], ev: Evidence,
                   learned: dict[str, Counter[str]],
                   rejected: Sequence[Rejected] = ()) -> list[Change]:
    """Places only one witness prints (``lone[i]``), corrected only on strong evidence, and
    always marked for review:

    - the same misreading the evidence corrected where witnesses disagree ("太孟" turned
      down for "大盂" at one place is corrected where only its witness prints it), if the two
      differ by characters that look alike;
    - a word of another script inside Chinese text, where the work's other places show what
      witnesses print instead of that word ("and" where others print "和");
    - a pair of characters printed nowhere else, next to a word printed often elsewhere that
      differs from it only by characters that look alike ("类烦" where "娄烦" is common).
    """
    out: list[Change] = []

    def free(s: int, e: int) -> bool:
        return all(lone[s:e]) and not any(c.start < e and s < c.end for c in out)

    for r in rejected:
        if len(key(r.text)) < 2 or not ev.confusable_pair(r.text, r.chosen):
            continue
        at = text.find(r.text)
        while at != -1:
            e = at + len(r.text)
            if free(at, e):
                out.append(Change(at, e, r.chosen, Decision(
                    r.chosen, f"only one witness prints this place; it reads '{r.text}', which "
                    f"the evidence turned down for '{r.chosen}' where witnesses disagree "
                    f"({r.decision.reason})", 0.5, True)))
            at = text.find(r.text, e)
    if mostly_cjk(text):
        for m in _FOREIGN_WORD.finditer(text):
            s, e = m.start(), m.end()
            if len(m.group(0).strip()) < 2 or not free(s, e) or not (
                    s > 0 and is_cjk(text[s - 1]) and e < len(text) and is_cjk(text[e])):
                continue
            word = m.group(0).strip().lower()
            seen = learned.get(word)
            if seen:
                repl, n = seen.most_common(1)[0]
                out.append(Change(s, e, repl, Decision(
                    repl, f"only one witness prints this place; '{word}' is a word of another "
                    f"script inside the text, and where other witnesses differ it stands {n} "
                    f"time(s) for '{repl or '∅'}'", 0.5, True)))
    for i in range(len(text) - 1):
        a = text[i:i + 2]
        if not (is_cjk(a[0]) and is_cjk(a[1])) or not free(i, i + 2):
            continue
        if ev.pair_counts(a)[0] > 1:
            continue
        fix = _lookalike(a, ev)
        if fix is not None:
            cand, total, holders, pos, alt = fix
            out.append(Change(i, i + 2, cand, Decision(
                cand, f"only one witness prints this place; '{a}' occurs nowhere else, while "
                f"'{cand}' occurs {total} times in {holders} text(s) of the work and related "
                f"works, and '{a[pos]}'/'{alt}' look alike in print", 0.5, True)))
    return sorted(out, key=lambda c: c.start)


_FOREIGN_WORD = re.compile(r"[ \t]*[A-Za-z]*[a-z][A-Za-z'’-]*[ \t]*")


def _lookalike(a: str, ev: Evidence) -> tuple[str, int, int, int, str] | None:
    for pos in (0, 1):
        for alt in sorted(ev.confusable.get(a[pos], ())):
            cand = a[:pos] + alt + a[pos + 1:]
            total, holders = ev.pair_counts(cand)
            if total >= ev.config.lone_min_count and holders >= ev.config.lone_min_witnesses \
                    and ev.cohesion(cand) >= ev.config.lone_min_cohesion:
                return cand, total, holders, pos, alt
    return None


def _coverage_count(draft: Canonical, cols: Sequence[Collation]) -> list[int]:
    n = [0] * (len(draft.text) + 1)
    for col in cols:
        for cv in col.covers:
            for i in range(cv.c_start, cv.c_end):
                n[i] += 1
    return n


def learned_replacements(sites: Sequence[Site], ev: Evidence) -> dict[str, Counter[str]]:
    """What witnesses print where another prints a foreign word: {word: {replacement: n}}."""
    out: dict[str, Counter[str]] = {}
    for site in sites:
        for r in site.readings:
            words = re.findall(r"[A-Za-z][A-Za-z'’-]+", r.text)
            if len(words) != 1 or not r.witnesses:
                continue
            others = [o for o in site.readings if o is not r and o.witnesses
                      and not re.search(r"[A-Za-z]{2}", o.text)]
            for o in others:
                out.setdefault(words[0].lower(), Counter())[o.text.strip()] += 1
    return out


def apply(draft: Canonical, changes: Sequence[Change], inserts: Sequence[Insertion],
          config: Config) -> tuple[Canonical, list[tuple[int, int, Decision]]]:
    """The canonical text with the changes made and the paragraphs put in, and where each
    decision's reading now stands."""
    events: list[tuple[int, int, object]] = []
    for c in changes:
        events.append((c.start, 1, c))
    for ins in inserts:
        events.append((ins.at, 0, ins))
    events = [(min(at, len(draft.text)), kind, ev) for at, kind, ev in events]
    events.sort(key=lambda e: (e[0], e[1]))
    out: list[str] = []
    placed: list[tuple[int, int, Decision]] = []
    pos = 0
    length = 0
    for at, _, ev in events:
        if at < pos:
            continue
        out.append(draft.text[pos:at])
        length += at - pos
        pos = at
        if isinstance(ev, Change):
            out.append(ev.text)
            placed.append((length, length + len(ev.text), ev.decision))
            length += len(ev.text)
            pos = ev.end
        else:
            body = "\n\n".join(ev.paragraphs)
            lead = "\n\n" if draft.text and at >= len(draft.text) else ""
            tail = "" if not draft.text or at >= len(draft.text) else "\n\n"
            out.append(lead)
            length += len(lead)
            pos_in = 0
            for c in sorted(ev.changes, key=lambda c: c.start):
                out.append(body[pos_in:c.start])
                length += c.start - pos_in
                out.append(c.text)
                placed.append((length, length + len(c.text), c.decision))
                length += len(c.text)
                pos_in = c.end
            out.append(body[pos_in:] + tail)
            length += len(body) - pos_in + len(tail)
    out.append(draft.text[pos:])
    return canonical_of("".join(out), config), placed


def keeps_paragraphs(draft_reading: str, chosen: str) -> bool:
    """A chosen reading must not merge or split the draft's paragraphs."""
    return draft_reading.count("\n\n") == chosen.count("\n\n")


def fold_eq(a: str, b: str) -> bool:
    return "".join(fold(a).split()) == "".join(fold(b).split())
