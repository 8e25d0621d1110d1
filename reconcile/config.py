"""The one configuration object. Every CLI flag maps onto a field here.

Defaults are chosen for newspaper printings of long official documents; each field says
why it has the value it has. Vary it with ``dataclasses.replace``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

# Continuation markers that newspapers print where an article jumps pages. They are matched
# inside any bracket (ASCII, full-width, lenticular) or none, with any digit width; the
# bracket test lives in clean.py, these are the bare phrases.
DEFAULT_PAGE_MARKERS: tuple[str, ...] = (
    # 上接第1版 / 下转08版 / 转第3版 / 接A2版 / 上接第一版
    r"(?:上接|下转|接|转)\s*第?\s*[A-Za-z]?\s*[\d一二三四五六七八九十〇零]{1,3}\s*版",
    # Continued on page 3 / Continued from Page A1 / See PAGE 5
    r"(?i:continued\s+(?:on|from)\s+(?:page|p\.)\s*[A-Z]?\d{1,3})",
    r"(?i:suite\s+(?:en|de\s+la)\s+page\s*\d{1,3})",
    r"(?i:fortsetzung\s+(?:auf|von)\s+seite\s*\d{1,3})",
)


# Characters that OCR and worn type confuse, one group per string: Han characters with the
# same outline but a stroke more or less, and Latin letters and digits of the same shape.
DEFAULT_CONFUSABLES: tuple[str, ...] = (
    "大太犬丈", "盂孟盖盅", "己已巳", "未末", "日曰", "人入八", "土士", "千干于", "刀力",
    "类娄", "戊戌戍", "茶荼", "拔拨", "候侯", "析折", "治冶", "杨扬", "天夭", "王玉主",
    "木本术", "申甲由田", "贝见", "休体", "今令", "历厉", "壁璧", "辨辩辫", "晴睛", "徐除",
    "0OoD", "1lI|", "5S", "8B", "2Z", "6b", "9g", "uv", "ce",
)


@dataclass(frozen=True, slots=True)
class Pin:
    """A reading fixed by hand: at the note with id ``note``, or wherever the canonical text
    reads ``before`` just before the place and ``after`` just after it."""

    reading: str
    note: str = ""
    before: str = ""
    after: str = ""
    work: str = ""


def load_decisions(path: str | Path) -> tuple[Pin, ...]:
    """Read a decisions file: ``{"decisions": [{"note": "n…", "reading": "大盂"},
    {"before": "推动", "after": "产业新城", "reading": "大盂"}]}``."""
    data = json.loads(Path(path).read_text("utf-8"))
    pins = []
    for d in data.get("decisions", []):
        if "reading" not in d or not (d.get("note") or d.get("before") or d.get("after")):
            raise ValueError(f"{path}: each decision needs 'reading' and 'note' or 'before'/'after'")
        pins.append(Pin(d["reading"], d.get("note", ""), d.get("before", ""), d.get("after", ""),
                        d.get("work", "")))
    return tuple(pins)


@dataclass(frozen=True, slots=True)
class Config:
    """Options of a run. Immutable; build variants with :func:`dataclasses.replace`."""

    # --- reading -------------------------------------------------------------------------
    #: File name endings read from the folder (lower case, with the dot).
    suffixes: tuple[str, ...] = (".txt", ".md")
    #: Files larger than this are reported as errors instead of read: a scanned archive
    #: page is tens of kilobytes, so 20 MiB is a mistake (a dump, a binary), not a page.
    max_file_bytes: int = 20 * 1024 * 1024

    # --- cleaning ------------------------------------------------------------------------
    #: Regular expressions for page-continuation phrases (see DEFAULT_PAGE_MARKERS).
    page_markers: tuple[str, ...] = DEFAULT_PAGE_MARKERS
    #: A block no longer than this, with no sentence punctuation, is a heading. Newspaper
    #: headlines and report section titles stay under 40 characters; a sentence cut short
    #: by a column break is usually longer.
    heading_max_chars: int = 40
    #: A block is a pull quote when at least this share of its characters repeats, clause by
    #: clause, body text elsewhere in the same file. Below 1.0 because pull quotes trim.
    pullquote_min_repeat: float = 0.85

    # --- fingerprinting ------------------------------------------------------------------
    #: Character shingle length for text that is mostly CJK (one character carries about
    #: a word) and for other scripts (five characters are about a word).
    shingle_cjk: int = 3
    shingle_other: int = 5
    #: MinHash permutations; 128 keeps the Jaccard estimate within about +-0.09.
    num_perm: int = 128
    #: Seed of the MinHash permutations, fixed so fingerprints are reproducible.
    seed: int = 1
    #: Sentences longer than this (comparison characters) are cut at clause boundaries into
    #: pieces, so that a digest that drops clauses still matches piece by piece.
    max_unit_chars: int = 80
    #: Units shorter than this are too common to fingerprint on their own ("二、", "同时").
    min_unit_chars: int = 8

    # --- joining and grouping ------------------------------------------------------------
    #: Jaccard level the LSH bands are tuned for. Low, because candidates are confirmed by
    #: an exact containment score; at 0.3 a unit whose text is 70 % of its partner's and
    #: wholly contained in it is still found with probability above 0.95.
    lsh_threshold: float = 0.3
    #: Band buckets with more members than this link each member to the first one only,
    #: so a phrase printed in thousands of files costs linear, not quadratic, work.
    max_bucket: int = 32
    #: A candidate unit pair is a match when the smaller unit's shingles are at least this
    #: share contained in the larger one (the exact check behind the estimate).
    match_containment: float = 0.6
    #: Two files are editions of one work when the smaller shares at least this share of
    #: its text with the larger. A digest of a report split over pages still shares about
    #: half with one page; an article quoting a report shares a tenth.
    edition_min_coverage: float = 0.3
    #: Files of different works that share at least this many characters of body text, in
    #: units matched with at least ``related_min_containment``, are "related".
    related_min_chars: int = 20
    related_min_containment: float = 0.6
    #: Units this similar (Jaccard of shingles) within one file are a repeated printing.
    duplicate_min_jaccard: float = 0.9
    #: A witness whose text is at least this share covered by another witness, both ways,
    #: is a duplicate printing of it.
    duplicate_witness_coverage: float = 0.95
    #: A witness whose matched paragraphs are at most this share of their partners' length
    #: abridges them: a digest. Above it the witness prints the full text: a page.
    digest_max_ratio: float = 0.85

    # --- alignment -----------------------------------------------------------------------
    #: A witness unit pairs with a canonical unit when their longest common subsequence is at
    #: least this share of the shorter one: a trimmed sentence keeps most of its characters
    #: in order, an unrelated one shares scattered characters only.
    align_min_score: float = 0.75
    #: Canonical units tried per witness unit (the best by score), and how far (in units,
    #: within one paragraph) a witness unit may reach: a digest condenses several sentences.
    align_candidates: int = 3
    align_max_span: int = 8
    #: Two units both shorter than this (comparison characters) pair only when nearly
    #: identical: two short headings share half their characters by chance.
    short_unit_chars: int = 16
    #: Agreement between units counts runs of at least this many characters in order: one
    #: Chinese character in common means little, two mean a word; a Latin key needs four.
    align_run_cjk: int = 2
    align_run_other: int = 4
    #: Canonical units a witness may skip inside one aligned block (what a digest cuts).
    max_gap_units: int = 3
    #: Units per aligned block; keeps every character diff small.
    max_block_units: int = 24
    #: Longest text (both sides together) diffed in one diff-match-patch call; longer inputs
    #: are first cut at exact agreements of at least ``diff_anchor_chars`` characters.
    max_diff_chars: int = 64
    diff_anchor_chars: int = 6
    #: diff-match-patch's time limit per call, in seconds. A diff the limit made coarse is
    #: detected and redone without it.
    diff_timeout: float = 1.0
    #: A stretch missing from (or only in) a witness is an omission (addition) from this many
    #: characters up; shorter ones are deletions (insertions), the size of OCR slips. OCR
    #: drops single characters; editors cut words.
    omission_min_chars: int = 2
    #: The same for a full printing (base, page, duplicate): it does not abridge, so a few
    #: characters it lacks are an OCR or typesetting slip and get a note.
    omission_min_chars_full: int = 4
    #: List punctuation-only differences as notes (otherwise they are only counted).
    list_punctuation: bool = False
    #: Characters of canonical text shown before and after each note.
    context_chars: int = 12

    # --- choosing readings ----------------------------------------------------------------
    #: A reading chosen by fewer than this share of the independent witnesses' votes is
    #: marked for review.
    review_below: float = 0.6
    #: Support (independent texts printing a reading elsewhere; see decide.py) needed to
    #: break a tie, and by how much it must exceed the other readings' support.
    support_min: float = 1.0
    support_margin: float = 0.5
    #: Mean log-probability per character by which a reading must beat the others under
    #: the texts' own trigrams to break a tie (about a factor e per character).
    ngram_margin: float = 1.0
    #: Confidence given to each kind of evidence that breaks a tie.
    confidence_typical: float = 0.8
    confidence_support: float = 0.7
    confidence_digest: float = 0.65
    confidence_ngram: float = 0.55
    #: Characters that print or scan alike, one group per string. A lone witness is only
    #: corrected towards a word printed elsewhere when the two differ by such characters.
    confusables: tuple[str, ...] = DEFAULT_CONFUSABLES
    #: A lone witness's word is corrected only if the form printed elsewhere occurs at least
    #: this often, in at least ``lone_min_witnesses`` other texts, and its own form nowhere else.
    lone_min_count: int = 3
    lone_min_witnesses: int = 1
    #: ... and only towards a pair that is a word: at least this share of the occurrences of
    #: its rarer character are in the pair (see ``Evidence.cohesion``).
    lone_min_cohesion: float = 0.5
    #: A paragraph only other witnesses print is put into the canonical text unless this
    #: share of its shingles is there already (a restatement, a displaced copy).
    insert_max_overlap: float = 0.6
    #: Readings pinned by hand (see ``load_decisions``); later runs honour them.
    decisions: tuple[Pin, ...] = ()

    # --- CI and cache --------------------------------------------------------------------
    #: What makes ``reconcile run``/``check`` exit 1 (``--fail-on``): any of "new",
    #: "review", "ties", "unreadable", "duplicates" (see policy.py). None: a finished run
    #: exits 0 whatever it found.
    fail_on: tuple[str, ...] = ()
    #: Folder of the cache of per-file results (``--cache-dir``). Empty: $RECONCILE_CACHE_DIR,
    #: else $XDG_CACHE_HOME/reconcile, else ~/.cache/reconcile (see cache.py).
    cache_dir: str = ""
    #: Use the cache (``--no-cache`` turns it off). The CLI opens it; the library uses a
    #: cache only when given one (``pipeline.run(cache=...)``). Results are the same either way.
    cache: bool = True

    # --- running -------------------------------------------------------------------------
    #: Worker processes for the per-file stage: 0 is one per core, 1 runs in-process. The
    #: output is the same either way.
    jobs: int = 0

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["decisions"] = [vars_of(p) for p in self.decisions]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown config keys: {', '.join(sorted(unknown))}")
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        if "decisions" in values:
            values["decisions"] = tuple(p if isinstance(p, Pin) else Pin(**p)
                                        for p in values["decisions"])
        return replace(cls(), **values)


def vars_of(p: Pin) -> dict[str, str]:
    return {f.name: getattr(p, f.name) for f in fields(p)}


__all__ = ["Config", "DEFAULT_CONFUSABLES", "DEFAULT_PAGE_MARKERS", "Pin", "load_decisions"]
