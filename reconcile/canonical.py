"""Write the canonical text: the columns of the alignment in order, each as chosen.

- A site prints its chosen reading, as the witness it was chosen from prints it.
- Elsewhere the witnesses agree on each token; it is printed as most of them print it
  (letter case, width); where as many print it one way as another, a capital inside a
  word loses (``wennS`` / ``wenns``).
- Where witnesses print a token in different scripts (發展 / 发展: equal in the comparison
  form), it is printed as a witness in the canonical text's script prints it; text no such
  witness prints is converted, run by run (``script.convert_runs``). Such places are
  counted (``script_differences``), not noted.
- Between two tokens goes what the witnesses that print both, one after the other, print
  between them (space, punctuation, a paragraph break), by plurality; a difference there is
  a punctuation difference, counted but not a note.
- Text only digests print, where no full printing covers the place, is kept (it is the only
  witness to it); a digest's own headings and the lead-ins it frames its paragraphs with
  ("本报讯 报告指出，") never reach the table (``work._skipped``).

The result keeps, for every column, where its text stands in the canonical text, so the
apparatus can place notes and say which stretches each witness prints.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .choice import Choice, Lone, vote_case
from .clean import is_heading
from .config import Config
from .normalize import CLAUSE_END
from .records import Kind, Paragraph, by_fields
from .script import Script, convert_runs, differs_in_script_only, in_script
from .sites import Table
from .tokens import is_cjk_token, sep_key


@by_fields
@dataclass(frozen=True, slots=True)
class Canonical:
    """The canonical text of a work and its paragraphs (``text`` has no final newline)."""

    text: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Rendered:
    """The canonical text and where each column's text stands in it: ``[col_start[c],
    col_end[c])`` (a site's columns share the site's span; a column with nothing printed is
    an empty span where it would stand)."""

    canonical: Canonical
    col_start: np.ndarray
    col_end: np.ndarray
    site_span: dict[int, tuple[int, int]]  # site index -> canonical span of its reading
    lone_span: dict[int, tuple[int, int]]  # lone correction index -> its span
    script_differences: int = 0  # columns where witnesses differ in script only


def paragraphs_of(text: str, config: Config) -> tuple[Paragraph, ...]:
    out: list[Paragraph] = []
    pos = 0
    for part in text.split("\n\n"):
        kind = Kind.HEADING if is_heading(part, config) else Kind.BODY
        out.append(Paragraph(pos, pos + len(part), kind))
        pos += len(part) + 2
    return tuple(out) if text else ()


def render(table: Table, sites: Sequence, choices: Sequence[Choice], lones: Sequence[Lone],
           order: Sequence[int], config: Config, scripts: Sequence[Script] = (),
           to: Script = Script.NEUTRAL) -> Rendered:
    """``scripts``: each witness's script; ``to``: the script the text is written in
    (``NEUTRAL``: as the witnesses print it)."""
    n = table.n
    # a witness prints in the canonical text's script, or does not say it prints another
    writes_to = [to is Script.NEUTRAL or (scripts[w] if w < len(scripts) else Script.NEUTRAL)
                 in (to, Script.NEUTRAL) for w in range(len(table.toks))]
    foreign: set[int] = set()  # units whose text comes from a witness in another script
    script_diffs = 0
    n_w = len(table.toks)
    rank = {w: i for i, w in enumerate(order)}
    site_of = np.full(n, -1, dtype=np.int64)
    for i, s in enumerate(sites):
        site_of[s.start:s.end] = i
    lone_of = {ln.c0: (i, ln) for i, ln in enumerate(lones)}
    col_of = table.col_of  # per witness: token -> column
    cells = [a.tolist() for a in table.al.cells]  # per witness: column -> token (-1: none)
    # per column: the one witness that prints it, or -1 (none, or several): the common
    # case, told apart for every column at once (a token's key id is never negative)
    if n_w and n:
        has_token = table.vals >= 0
        sole = np.where(has_token.sum(axis=0) == 1, has_token.argmax(axis=0), -1).tolist()
    else:
        sole = [-1] * n

    # units: (c0, c1, text, carriers: {witness: (first token, last token)}, kind, index)
    units: list[tuple[int, int, str, dict[int, tuple[int, int]], str, int]] = []
    c = 0
    while c < n:
        si = int(site_of[c])
        if si >= 0:
            s, ch = sites[si], choices[si]
            carriers = {}
            for w, (a, b) in zip(s.readers, s.ranges):
                if table.reading_key(w, a, b) == ch.key and b > a:
                    carriers[w] = (a, b - 1)
            if not carriers and ch.text:
                # a reading no witness prints whole (pinned by hand, voted letter by letter):
                # what stands around it is what the witnesses that print the place print
                carriers = {w: (a, b - 1) for w, (a, b) in zip(s.readers, s.ranges) if b > a}
            text = ch.text
            if not ch.pinned and (ch.source < 0 or not writes_to[ch.source]):
                # as a carrier in the canonical text's script prints it, if one does
                own = [w for w in sorted(carriers, key=lambda w: rank.get(w, 99))
                       if writes_to[w]]
                if own and ch.source >= 0:
                    a, b = carriers[own[0]]
                    text = table.reading(own[0], a, b + 1)
                elif text and not in_script(text, to):
                    foreign.add(len(units))
            units.append((s.start, s.end, text, carriers, "site", si))
            c = s.end
            continue
        if c in lone_of:
            li, ln = lone_of[c]
            if not ln.pinned and not in_script(ln.text, to):
                foreign.add(len(units))  # the work's printed form, from another script
            units.append((ln.c0, ln.c1, ln.text, {ln.witness: (ln.t0, ln.t1 - 1)}, "lone", li))
            c = ln.c1
            continue
        w = sole[c]
        if w >= 0:  # one witness prints the column: the common case, made fast
            t = cells[w][c]
            text = table.toks[w].surface(t)
            if not writes_to[w]:
                foreign.add(len(units))
            units.append((c, c + 1, text, {w: (t, t)}, "col", -1))
            c += 1
            continue
        carriers = {}
        printed: list[tuple[int, str]] = []
        for w in range(n_w):
            t = cells[w][c]
            if t >= 0:
                carriers[w] = (t, t)
                printed.append((w, table.toks[w].surface(t)))
        if printed and all(f == printed[0][1] for _, f in printed[1:]):
            # every witness prints the column alike: the common case, made fast
            if not any(writes_to[w] for w, _ in printed):
                foreign.add(len(units))
            units.append((c, c + 1, printed[0][1], carriers, "col", -1))
        elif printed:
            forms: Counter[str] = Counter()
            best_rank: dict[str, int] = {}
            in_target: set[str] = set()
            for w, f in printed:
                forms[f] += 1
                best_rank[f] = min(best_rank.get(f, 99), rank.get(w, 99))
                if writes_to[w]:
                    in_target.add(f)
            text = max(forms, key=lambda f: (f in in_target, forms[f], -best_rank[f]))
            if any(differs_in_script_only(f, text) for f in forms):
                script_diffs += 1
            else:
                text = vote_case(text, list(forms.elements()))  # "wennS" / "wenns"
            if text not in in_target:
                foreign.add(len(units))
            units.append((c, c + 1, text, carriers, "col", -1))
        c += 1

    if to is not Script.NEUTRAL and foreign:
        units = _in_script(units, foreign, to)
    parts: list[str] = []
    pos = 0
    col_start = np.zeros(n, dtype=np.int64)
    col_end = np.zeros(n, dtype=np.int64)
    site_span: dict[int, tuple[int, int]] = {}
    lone_span: dict[int, tuple[int, int]] = {}
    spans: list[tuple[int, int, int, int]] = []  # c0, c1, start, end
    nonempty = [k for k, u in enumerate(units) if u[2]]
    next_of = {a: b for a, b in zip(nonempty, nonempty[1:])}
    text_end = 0  # where the last printed unit's text ends (before what follows it)
    for k, (c0, c1, text, carriers, kind, idx) in enumerate(units):
        start = pos
        parts.append(text)
        pos += len(text)
        spans.append((c0, c1, start, pos))
        if text:
            text_end = pos
        if kind == "site":
            # a reading of nothing stands right after the text before it, so that what a
            # witness prints there (its punctuation too) goes back in its place
            site_span[idx] = (start, pos) if text else (text_end, text_end)
        elif kind == "lone":
            lone_span[idx] = (start, pos)
        if text and k in next_of:
            nxt = units[next_of[k]]
            trail = _trail(table, carriers, col_of, nxt[0], nxt[1], text, nxt[2], rank,
                           nxt[3], nxt[3] if nxt[4] != "col" else None)
            parts.append(trail)
            pos += len(trail)
    if nonempty:
        # what closes the text: the last token's punctuation, as its witnesses print it
        last = units[nonempty[-1]]
        ends = Counter(_split(table.toks[w].trail(t))[0].strip()
                       for w, (_, t) in last[3].items())
        if ends:
            tail = max(ends, key=lambda x: (ends[x], x))
            parts.append(tail)
            pos += len(tail)
    text = "".join(parts).strip()
    lead = len("".join(parts)) - len("".join(parts).lstrip())
    # columns -> canonical offsets (after stripping the lead)
    nxt_start = len(text)
    j = len(spans) - 1
    for cc in range(n - 1, -1, -1):
        while j >= 0 and spans[j][0] > cc:
            nxt_start = spans[j][2] - lead
            j -= 1
        if j >= 0 and spans[j][0] <= cc < spans[j][1]:
            col_start[cc] = spans[j][2] - lead
            col_end[cc] = spans[j][3] - lead
        else:
            col_start[cc] = col_end[cc] = max(0, min(nxt_start, len(text)))
    site_span = {i: (max(0, a - lead), max(0, b - lead)) for i, (a, b) in site_span.items()}
    lone_span = {i: (max(0, a - lead), max(0, b - lead)) for i, (a, b) in lone_span.items()}
    np.clip(col_start, 0, len(text), out=col_start)
    np.clip(col_end, 0, len(text), out=col_end)
    return Rendered(Canonical(text, paragraphs_of(text, config)), col_start, col_end,
                    site_span, lone_span, script_diffs)


def _in_script(units: list, foreign: set[int], to: Script) -> list:
    """The units' texts with each run of consecutive ``foreign`` units converted to ``to``."""
    out = list(units)
    run: list[int] = []
    for k in sorted(foreign) + [-2]:
        if run and k != run[-1] + 1:
            for j, text in zip(run, convert_runs((out[j][2] for j in run), to)):
                out[j] = out[j][:2] + (text,) + out[j][3:]
            run = []
        run.append(k)
    return out


def _between(got: str, before: str, after: str) -> str:
    if " " in got and "\n" not in got and before and after and is_cjk_token(before[-1]) \
            and is_cjk_token(after[0]):
        return got.replace(" ", "")  # a space between two ideographs is a scanning slip
    return got


_SPACES = re.compile(r"[ \t]+")


def _norm_trail(trail: str) -> str:
    """Spaces squeezed; a paragraph break kept, with what closes the paragraph before it and
    what opens the next after it."""
    if trail == "" or trail == " ":  # most trails: nothing to squeeze
        return trail
    if "\n\n" in trail:
        head, _, tail = trail.partition("\n\n")
        head = _SPACES.sub(" ", head.replace("\n", " ")).strip()
        tail = _SPACES.sub(" ", tail.replace("\n", " ")).strip()
        return f"{head}\n\n{tail}"
    return _SPACES.sub(" ", trail.replace("\n", " "))


#: Marks that open the text after them (a closing mark belongs to the text before).
OPENING = "（(“‘「『《〈【〔[{\"'"


def _split(trail: str) -> tuple[str, str]:
    """A trail as what closes the text before it and what opens the text after it."""
    i = len(trail)
    while i > 0 and (trail[i - 1] in OPENING or trail[i - 1] == " "):
        i -= 1
    return trail[:i], trail[i:].lstrip(" ")


def _lead(table: Table, carriers: dict[int, tuple[int, int]]) -> str:
    """What opens a unit in the witnesses that print it: the opening marks before it."""
    for w, (first, _) in sorted(carriers.items()):
        toks = table.toks[w]
        before = toks.trail(first - 1) if first > 0 else toks.lead()
        got = _split(before)[1]
        if got:
            return got
    return ""


def _trail(table: Table, carriers: dict[int, tuple[int, int]], col_of: Sequence[np.ndarray], c0: int,
           c1: int, before: str, after: str, rank: dict[int, int],
           opens: dict[int, tuple[int, int]] | None = None,
           then: dict[int, tuple[int, int]] | None = None) -> str:
    """What stands between a unit and the next (which starts in columns ``[c0, c1)``; its
    witnesses ``opens``): the plurality of what the witnesses that print both, one after
    the other, print there."""
    # before a chosen reading, only the witnesses that print it speak for what precedes it
    voters = {w: v for w, v in carriers.items() if then is None or w in then} or carriers
    # the common case: every witness prints the next unit next, with the same trail (one
    # witness that prints both: what it prints between them)
    same = None
    for w, (_, t) in voters.items():
        toks = table.toks[w]
        if not (t + 1 < len(toks) and c0 <= col_of[w][t + 1] < c1):
            break
        tr = toks.trail(t)
        if same is not None and tr != same:
            break
        same = tr
    else:
        if same is not None:
            return _between(_norm_trail(same), before, after)
    votes: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    first: dict[str, int] = {}
    fallback = ""
    fb_rank = 99
    for w, (_, t) in voters.items():
        toks = table.toks[w]
        tr = toks.trail(t)
        if rank.get(w, 99) < fb_rank:
            fallback, fb_rank = tr, rank.get(w, 99)
        if t + 1 < len(toks) and c0 <= col_of[w][t + 1] < c1:
            k = sep_key(tr)
            votes[k] += 1
            forms.setdefault(k, Counter())[_norm_trail(tr)] += 1
            first[k] = min(first.get(k, 99), rank.get(w, 99))
    if votes:
        k = max(votes, key=lambda x: (votes[x], -first[x]))
        return _between(forms[k].most_common(1)[0][0], before, after)
    # nobody prints the two together: what closes the text before, and what opens the
    # text after; a paragraph break if the text before has one
    tr = _norm_trail(_split(fallback)[0])
    # a witness's text ends (or the next one's begins) here: that is a paragraph's end
    if "\n\n" not in tr and (
            all(t == len(table.toks[w]) - 1 for w, (_, t) in voters.items()) or
            (then and all(f == 0 for f, _ in then.values()))):
        tr = tr.strip() + "\n\n"
    lead = _lead(table, opens) if opens else ""
    if lead:
        if "\n\n" in tr:
            return tr + lead
        return (tr if not tr or tr.endswith(" ") or is_cjk_token(after[:1]) else tr + " ") + lead
    if "\n\n" in tr:
        return tr
    if before and after and not (is_cjk_token(before[-1]) and is_cjk_token(after[0])):
        if before[-1] in CLAUSE_END or not tr.strip():
            return " " if not tr.strip() else tr
        return tr if tr.endswith(" ") else tr + " "
    return tr


__all__ = ["OPENING", "Canonical", "Rendered", "paragraphs_of", "render"]
