"""The per-work task, one way through the stages:

    editions -> tokens -> align -> sites -> evidence -> choice -> canonical -> apparatus

1. each edition's text is its page files joined in page order (:mod:`reconcile.edition`);
2. every witness is tokenised for its script and all are aligned together
   (:mod:`reconcile.align`);
3. the places where they differ are cut into sites as small as the disagreement
   (:mod:`reconcile.sites`);
4. reliability, channel and plausibility are estimated from the work itself, its related
   works and the language (:mod:`reconcile.evidence`), and every site's reading is chosen,
   with lone witnesses corrected only on strong evidence (:mod:`reconcile.choice`);
5. the canonical text is written (:mod:`reconcile.canonical`) and the notes and per-witness
   summaries made on it (:mod:`reconcile.apparatus`); readings pinned by hand win wherever
   they match a note, and the text is written again with them.

The task reads only the work's own files and those of related works (plausibility), so
works are independent tasks.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz.distance import Indel

from .align import align_witnesses
from .apparatus import (Located, Note, Placed, lone_note, punctuation_count,
                        punctuation_notes, site_note,
                        summary_of, witness_summary)
from .canonical import Canonical, render
from .choice import Choice, Context, Lone, column_plain, decide_all, lone_corrections
from .classify import PUNCTUATION, cut_chars
from .config import Config, Pin
from .edition import EditionText, join_pages
from .pages import outer_markers, points_inside
from .policy import open_tie
from .evidence import (CharModel, Evidence, Summed, Support, detect_language, general_model,
                       lm_text)
from .fingerprint import Fingerprinted
from .group import Work, layout_lines, layout_overlap
from .normalize import CLAUSE_END, key, mostly_cjk
from .records import Kind
from .script import Script, script_of, target
from .sites import Site, Table, find_sites, site_mask
from .tokens import Tokens, token_keys, tokenize


@dataclass(frozen=True, slots=True, eq=False)
class WorkResult:
    work: Work
    canonical: Canonical
    notes: tuple[Note, ...]
    summary: dict[str, Any]
    # the pins that matched a note: indices into config.decisions (into the work's own
    # pins, :func:`pins_of`, in a result the cache keeps: see pipeline.collate_works)
    pins_matched: tuple[int, ...] = ()

    def canonical_file(self) -> str:
        return self.canonical.text + "\n" if self.canonical.text else ""

    def notes_dict(self) -> dict[str, Any]:
        return {"work": self.work.id, "notes": [n.to_dict() for n in self.notes],
                "summary": self.summary}


@dataclass(frozen=True, slots=True)
class PackedResult:
    """A work's result as a run keeps it: its canonical text and notes pickled (a third of
    their size as objects: 0.46 GB of them at 10,000 works, 0.14 GB pickled), its summary
    and matched pins as they are (every pass over the works reads those). Holds no
    :class:`Work`: the run's own is put back when unpacked (the cache serves one result to
    runs that number the folder's records differently)."""
    body: bytes
    summary: dict[str, Any]
    pins_matched: tuple[int, ...] = ()
    # what the listings of every work read (the front page, --json), so that they unpack
    # nothing: notes in an open tie (policy.is_open_tie), the canonical text's length and
    # whether it is mostly CJK
    ties: int = 0
    chars: int = 0
    cjk: bool = False
    # the canonical text and notes hashed by value (their ``repr``), for the writer's keys:
    # the pickle of two equal results may differ (it records which objects are one)
    digest: str = ""

    @classmethod
    def of(cls, result: WorkResult) -> PackedResult:
        body = pickle.dumps((result.canonical, result.notes), protocol=pickle.HIGHEST_PROTOCOL)
        ties = sum(1 for n in result.notes if open_tie(
            n.reason, n.confidence,
            lambda n=n: [len(r.witnesses) for r in n.readings if r.witnesses]))
        text = result.canonical.text
        digest = hashlib.sha256(repr((result.canonical, result.notes)).encode(
            "utf-8", "surrogatepass")).hexdigest()
        return cls(body, result.summary, result.pins_matched, ties, len(text),
                   mostly_cjk(text), digest)

    def unpack(self, work: Work) -> WorkResult:
        canonical, notes = pickle.loads(self.body)
        return WorkResult(work, canonical, notes, self.summary, self.pins_matched)


class Collated(Sequence[WorkResult]):
    """The works' results, in the order of the works: each unpacked when it is read and not
    kept (but the last, which the writing of one work reads several times), so that a run
    holds its results in a third of the memory. Read the summaries and matched pins with
    :meth:`packed`, which unpacks nothing."""
    __slots__ = ("_works", "_packed", "_last")

    def __init__(self, works: Sequence[Work], packed: Sequence[PackedResult]) -> None:
        if len(works) != len(packed):
            raise ValueError("one result a work")
        self._works = tuple(works)
        self._packed = tuple(packed)
        self._last: tuple[int, WorkResult] | None = None

    def __getstate__(self) -> tuple[tuple[Work, ...], tuple[PackedResult, ...]]:
        return self._works, self._packed

    def __setstate__(self, state: tuple[tuple[Work, ...], tuple[PackedResult, ...]]) -> None:
        self._works, self._packed = state
        self._last = None

    def __len__(self) -> int:
        return len(self._packed)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):  # the results of those works, still packed
            return Collated(self._works[i], self._packed[i])
        i = range(len(self))[i]  # a negative index, or IndexError
        last = self._last
        if last is not None and last[0] == i:
            return last[1]
        got = self._packed[i].unpack(self._works[i])
        self._last = (i, got)
        return got

    def packed(self, i: int) -> PackedResult:
        return self._packed[i]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Collated):
            return NotImplemented
        return self._works == other._works and self._packed == other._packed

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Collated({len(self)} works)"


def edition_texts(records: Sequence[Fingerprinted] | Mapping[int, Fingerprinted],
                  work: Work) -> list[EditionText]:
    return [join_pages(e.id, [records[i].witness for i in e.files]) for e in work.editions]


def _omission_sizes(toks: Sequence[Tokens], digest: Sequence[bool], config: Config) -> list[int]:
    """Key characters of the consensus a witness must skip for the skip to be a cut: a
    digest cuts words, a full printing only drops them by a slip; a word of a spaced script
    is about three times a Chinese character."""
    out = []
    for t, d in zip(toks, digest):
        n = config.omission_min_chars if d else config.omission_min_chars_full
        out.append(cut_chars(n, t.share_cjk() >= 0.5))
    return out


def _repeated(e: EditionText) -> list[tuple[int, int, str]]:
    """Paragraphs an edition prints again (the typesetter set one a second time): (start,
    end, key) of each later copy of a body paragraph of twenty comparison characters or more
    that repeats an earlier one (equal, or nearly: each copy was read on its own)."""
    seen_pre: dict[str, list[str]] = {}
    seen_suf: dict[str, list[str]] = {}
    out = []
    for k, w in enumerate(e.pages):
        for p in w.paragraphs:
            if p.kind is not Kind.BODY:
                continue
            kk = key(w.text[p.start:p.end])
            if len(kk) < 20:
                continue
            cands = seen_pre.get(kk[:8], []) + seen_suf.get(kk[-8:], [])
            if any(c == kk or (abs(len(c) - len(kk)) <= len(kk) // 10 and
                               Indel.normalized_similarity(c, kk) >= 0.9) for c in cands):
                out.append((e.starts[k] + p.start, e.starts[k] + p.end, kk))
                continue
            seen_pre.setdefault(kk[:8], []).append(kk)
            seen_suf.setdefault(kk[-8:], []).append(kk)
    return out


def _skipped(eds: Sequence[EditionText], toks: Sequence[Tokens], digest: Sequence[bool]
             ) -> list[np.ndarray]:
    """Tokens each witness keeps out of the alignment: a digest's own headings (its titles,
    headings restating its text) and the lead-ins it frames its paragraphs with, and a
    second copy of a paragraph it prints twice, unless another full printing prints it
    twice too (then the text repeats it: a refrain)."""
    reps = [_repeated(e) for e in eds]
    full_text = "".join(key(e.text) for e, d in zip(eds, digest) if not d)
    out = []
    for w, (e, t, d) in enumerate(zip(eds, toks, digest)):
        mask = np.zeros(len(t), dtype=bool)
        if d and len(t):
            heading, framing = _own_tokens(e, t, full_text)
            mask = heading | framing
        others = {k for v, r in enumerate(reps) if v != w and not digest[v] for _, _, k in r}
        for a, b, k in reps[w]:
            if k in others:
                continue
            mask |= (t.start >= a) & (t.start < b)
        out.append(mask)
    return out


# A printing may lead the alignment if it has at least this share of the longest's tokens
# (a fragment, not a reading that drops or adds a few).
_LEAD_SHARE = 0.5


def _order(toks: Sequence[Tokens], roles: Sequence[str]) -> list[int]:
    """The order witnesses join the alignment: full printings first, the one closest to all
    the others (the medoid) before the rest, which read nearer to it first; then digests,
    then duplicates. The first sets the order of the columns, and a noisy reading that led
    would have the others aligned with its noise."""
    rank = {"edition": 0, "digest": 1, "duplicate": 2}
    full = [i for i, r in enumerate(roles) if r == "edition"]
    rest = sorted((i for i in range(len(roles)) if roles[i] != "edition"),
                  key=lambda i: (rank.get(roles[i], 3), i))
    if len(full) <= 2:
        return full + rest
    sample = ["".join(t.keys)[:20000] for t in toks]
    dist = {(a, b): Indel.distance(sample[a], sample[b]) for a in full for b in full if a < b}

    def d(a: int, b: int) -> int:
        return 0 if a == b else dist[(min(a, b), max(a, b))]
    # only a printing about as long as the longest may lead: one that lost pages is close
    # to nothing whole, and the columns would follow its fragment (a later page first)
    most = max(len(toks[a]) for a in full)
    whole = [a for a in full if len(toks[a]) >= _LEAD_SHARE * most]
    med = min(whole, key=lambda a: (sum(d(a, b) for b in full), a))
    others = sorted((a for a in full if a != med), key=lambda a: (d(med, a), a))
    return [med] + others + rest


def _breaks(e: EditionText, toks: Tokens) -> frozenset[int]:
    """Tokens of an edition before which a continuation marker says its text jumps to a page
    it does not hold: what it covers stops there."""
    out: set[int] = set()
    for k, w in enumerate(e.pages):
        markers = outer_markers(w)
        if not markers:
            continue
        offs = w.source_offsets()
        for r in markers:
            if points_inside(r.detail.partition(" ")[0], k, len(e.pages)):
                continue  # the page it names is the edition's next (previous) page
            pos = e.starts[k] + int(np.searchsorted(offs, r.start))
            t = int(np.searchsorted(toks.start, pos))
            if 0 < t < len(toks):
                out.add(t)
    return frozenset(out)


def _voter_weights(eds: Sequence[EditionText], roles: Sequence[str]) -> list[float]:
    """A duplicate (the same printing again) shares one vote with what it duplicates."""
    weight = [1.0] * len(eds)
    if "duplicate" not in roles:
        return weight
    layout = [sum((layout_lines(p) for p in e.pages), Counter()) for e in eds]
    groups: dict[int, list[int]] = {}
    for i, r in enumerate(roles):
        if r != "duplicate":
            continue
        best, score = -1, 0.0
        for j, rj in enumerate(roles):
            if j == i or rj == "duplicate":
                continue
            same, small = layout_overlap(layout[i], layout[j])
            same = same / small if small else 0.0
            if same > score:
                best, score = j, same
        if best >= 0 and score >= 0.8:
            groups.setdefault(best, [best]).append(i)
    for members in groups.values():
        for i in members:
            weight[i] = 1.0 / len(members)
    return weight


_LEAD = re.compile(rf"^[^{re.escape(CLAUSE_END)}。.!?！？]{{1,24}}[{re.escape(CLAUSE_END)}]")


def _own_tokens(e: EditionText, toks: Tokens, full_text: str) -> tuple[np.ndarray, np.ndarray]:
    """Per token: in a heading of the edition; in a lead-in it frames paragraphs with (a
    first clause that starts two paragraphs or more and that no full printing prints)."""
    heading_chars = e.kinds()
    heading = heading_chars[toks.start] if len(toks) else np.zeros(0, dtype=bool)
    framing = np.zeros(len(toks), dtype=bool)
    starts: dict[str, list[tuple[int, int]]] = {}
    for k, w in enumerate(e.pages):
        for p in w.paragraphs:
            if p.kind is not Kind.BODY:
                continue
            m = _LEAD.match(w.text[p.start:p.end])
            if m and len(key(m.group(0))) <= 12:
                a = e.starts[k] + p.start
                starts.setdefault(m.group(0), []).append((a, a + m.end()))
    for lead, spans in starts.items():
        if len(spans) < 2 or key(lead) in full_text:
            continue
        for a, b in spans:
            framing |= (toks.start >= a) & (toks.start < b)
    return heading, framing


@lru_cache(maxsize=64)
def _keys_of(text: str) -> tuple[str, ...]:
    """Token keys of a related work's text: several works may read the same file."""
    return token_keys(text)


def _pair_counts(pieces: Sequence[Sequence[str]]) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for keys in pieces:
        out.update(zip(keys, keys[1:]))
    return out


def process_work(records: Sequence[Fingerprinted] | Mapping[int, Fingerprinted], work: Work,
                 config: Config, related: Sequence[str] = ()) -> WorkResult:
    """Canonical text and notes of one work. ``records``: the folder's records, or those of
    the work's files by their place in the folder (what the work's indices name);
    ``related``: the texts of the files of related works, read only for plausibility."""
    eds = edition_texts(records, work)
    roles = [e.role for e in work.editions]
    digest = [r == "digest" for r in roles]
    toks = [tokenize(e.text) for e in eds]
    order = _order(toks, roles)
    skipped = _skipped(eds, toks, digest)
    al = align_witnesses(toks, order, _omission_sizes(toks, digest, config),
                         [_breaks(e, t) for e, t in zip(eds, toks)], skipped)
    table = Table(al, toks)
    sites = find_sites(table)
    plain = column_plain(table)

    # plausibility: the work's agreed text, related works, the language
    agreed_keys = _agreed_keys(plain, sites)
    rel_keys = [_keys_of(text) for text in related]
    lang = config.language or detect_language(toks[0].keys if toks else ())
    own = CharModel(config.lm_order, config.lm_beta)
    own.add([f" {lm_text(piece)} " for piece in agreed_keys] +
                [f" {lm_text(ks)} " for ks in rel_keys], 1.0)
    general = general_model(lang, config.lm_order, config.lm_beta, config.general_words,
                            config.general_mass) if config.general_mass > 0 else CharModel(
        config.lm_order, config.lm_beta)
    model = Summed(own, general)
    support = Support([t.keys for t in toks] + list(rel_keys),
                      list(range(len(toks))) + [-1] * len(rel_keys))
    ev = Evidence(config, len(eds), _voter_weights(eds, roles), digest, model, support, lang)
    names = [e.id for e in eds]
    ctx = Context(table, ev, config, names, order, digest, plain, skipped, lang)
    choices = decide_all(ctx, sites)

    counts = _pair_counts(agreed_keys + list(rel_keys))
    lones = lone_corrections(ctx, sites, choices, counts)

    def locate(w: int, offset: int) -> tuple[str, int, int, int]:
        return eds[w].locate(offset)

    loc = Located(names, locate)
    scripts = [script_of(e.text) for e in eds]
    to = target(config.script, scripts[order[0]])
    found, placed, rendered = _notes(work.id, table, sites, choices, lones, order, loc,
                                     digest, config, ev.slip_like, scripts, to)
    matched: list[int] = []
    pins = [p for _, p in pins_of(config.decisions, work.id)]
    if pins:
        choices, lones, matched = _apply_pins(work.id, pins, found, choices, lones)
        if matched:
            found, placed, rendered = _notes(work.id, table, sites, choices, lones, order,
                                             loc, digest, config, ev.slip_like,
                                             scripts, to)
    notes = [n for n, _, _ in found]

    counts_by = [Counter() for _ in eds]
    for pl in placed:
        if pl.note is not None:
            for r in pl.note.readings[1:]:
                for ref in r.witnesses:
                    counts_by[names.index(ref.id)][pl.note.kind] += 1
        for w, kind in pl.aside.items():
            counts_by[w][kind] += 1
    punct = 0
    for w in range(len(eds)):
        p = punctuation_count(table, w, rendered)
        if p:
            counts_by[w][PUNCTUATION] += p
            punct += p
    files = [[records[i].witness.id for i in e.files] for e in work.editions]
    wits = witness_summary(table, rendered, sites, choices, placed, loc, roles, files,
                           counts_by)
    summary = summary_of(notes, wits, punct)
    missing = _missing_pages(work, wits, len(rendered.canonical.text))
    if missing:
        summary["missing_pages"] = missing
    summary["language"] = lang
    if to is not Script.NEUTRAL or any(sc is not Script.NEUTRAL for sc in scripts):
        # Chinese: the canonical text's script, each witness's, and the places where the
        # witnesses differ in script only (not notes: every character of them agrees)
        summary["script"] = {"canonical": to.value, "differences": rendered.script_differences,
                             "witnesses": {names[w]: scripts[w].value for w in range(len(eds))}}
    summary["reliability"] = {names[w]: round(ev.acc[w], 4) for w in range(len(eds))}
    return WorkResult(work, rendered.canonical, tuple(notes), summary, tuple(matched))


def _missing_pages(work: Work, wits: dict[str, Any], length: int) -> list[dict[str, Any]]:
    """For each page an edition's markers name and the folder lacks: where the canonical
    text it would have held stands (between the stretches of the edition around the marker),
    and which witnesses supply that text."""
    out = []
    for r in work.witnesses:
        info = wits.get(r.id)
        if not info or not r.missing:
            continue
        files = info.get("files", [r.id])
        order = {f: i for i, f in enumerate(files)}
        # the stretches of the edition before and after the place the marker stands
        covers = sorted((c[0], c[0] + c[1], (order.get(c[2], 0), c[3], c[4]))
                        for c in info["covers"])
        for m in r.missing:
            at = (order.get(m.file, 0), m.line, m.column)
            before_it = [c for c in covers if c[2] <= at]
            after_it = [c for c in covers if c[2] > at]
            lo = max((c[1] for c in before_it), default=0)
            hi = min((c[0] for c in after_it), default=length)
            if hi < lo:
                lo, hi = (0, hi) if m.side == "before" else (lo, length)
            span = (lo, hi)
            supplied = sorted(wid for wid, other in wits.items() if wid != r.id and any(
                c[0] < span[1] and span[0] < c[0] + c[1] for c in other["covers"]))
            out.append({"witness": r.id, "page": m.page, "side": m.side,
                        "named_by": {"file": m.file, "line": m.line, "column": m.column},
                        "canonical": [span[0], max(0, span[1] - span[0])],
                        "supplied_by": supplied})
    return out


def _agreed_keys(plain: Sequence[str], sites: Sequence[Site]) -> list[list[str]]:
    """The keys every witness agrees on, in runs cut at the sites."""
    in_site = site_mask(len(plain), sites)
    out: list[list[str]] = []
    cur: list[str] = []
    for c, k in enumerate(plain):
        if in_site[c]:
            if cur:
                out.append(cur)
                cur = []
            continue
        if k:
            cur.append(k)
    if cur:
        out.append(cur)
    return out


def _notes(work_id: str, table: Table, sites: Sequence[Site], choices: Sequence[Choice],
           lones: Sequence[Lone], order: Sequence[int], loc: Located,
           digest: Sequence[bool], config: Config, slip, scripts: Sequence[Script],
           to: Script):
    rendered = render(table, sites, choices, lones, order, config, scripts, to)
    text = rendered.canonical.text
    taken: set[str] = set()
    placed: list[Placed] = []
    found: list[tuple[Note, str, int]] = []
    # places of the canonical text where more than one site of no length stands (what a
    # witness adds there, in its order, must not be parted)
    points = Counter(a for a, b in (rendered.site_span[i] for i in range(len(sites))) if a == b)
    shared = {p for p, k in points.items() if k > 1}
    for i, (s, ch) in enumerate(zip(sites, choices)):
        pl = site_note(work_id, table, s, ch, rendered.site_span[i], text, loc, digest, config,
                       taken, slip, movable=rendered.site_span[i][0] not in shared)
        placed.append(pl)
        if pl.note is not None:
            found.append((pl.note, "site", i))
    for i, ln in enumerate(lones):
        found.append((lone_note(work_id, table, ln, rendered.lone_span[i], text, loc, config,
                                taken), "lone", i))
    if config.list_punctuation:
        in_site = site_mask(table.n, sites)
        for ln in lones:
            in_site[ln.c0:ln.c1] = True
        found += [(n, "punctuation", -1) for n in
                  punctuation_notes(work_id, table, rendered, in_site, loc, config, taken,
                                    sites, placed)]
    found.sort(key=lambda x: (x[0].offset, x[0].length, x[0].id))
    return found, placed, rendered


def pins_of(decisions: Sequence[Pin], work_id: str) -> list[tuple[int, Pin]]:
    """The pins that may apply to a work, with their index among ``decisions``: those that
    name it and those that name no work. A work's result depends on these only, so a
    decision taken in another work's report leaves its cached result good."""
    return [(i, p) for i, p in enumerate(decisions) if not p.work or p.work == work_id]


def _pin_for(pins: Sequence[Pin], work_id: str, note: Note) -> int:
    for i, p in enumerate(pins):
        if p.work and p.work != work_id:
            continue
        if p.note and p.note == note.id:
            return i
        if not p.note and (p.before or p.after) and note.before.endswith(p.before) \
                and note.after.startswith(p.after):
            return i
    return -1


def _apply_pins(work_id: str, pins: Sequence[Pin], found: Sequence[tuple[Note, str, int]],
                choices: Sequence[Choice], lones: Sequence[Lone]
                ) -> tuple[list[Choice], list[Lone], list[int]]:
    """Readings pinned by hand, applied wherever a pin matches a note (by id or by the text
    around it): at a site or at a lone witness's correction alike."""
    choices = list(choices)
    lones = list(lones)
    matched: set[int] = set()
    reason = "pinned by hand in the decisions file"
    for note, what, k in found:
        i = _pin_for(pins, work_id, note)
        if i < 0:
            continue
        matched.add(i)
        reading = pins[i].reading
        if what == "site":
            choices[k] = replace(choices[k], text=reading,
                                 key=" ".join(tokenize(reading).keys), source=-1,
                                 reason=reason, confidence=1.0, review=False, pinned=True)
        else:
            lones[k] = replace(lones[k], text=reading, reason=reason, confidence=1.0,
                               pinned=True)
    return choices, lones, sorted(matched)


__all__ = ["Collated", "PackedResult", "WorkResult", "edition_texts", "pins_of", "process_work"]
