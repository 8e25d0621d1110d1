"""The one configuration object. Every CLI flag maps onto a field here.

Defaults are chosen for newspaper printings of long official documents; each field says
why it has the value it has. Vary it with ``dataclasses.replace``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

#: English page numbers in words, as markers print them ("continued on page Six").
NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
                "fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty")
# A jump line's direction: "Please turn to", "Continued from", "Cont'd on", "See", "From".
_JUMP = (r"(?i:(?:please[^\S\n]+)?(?:(?:continued|cont(?:'|’)?d\.?|cont\.|continues|"
         r"concluded|turn(?:ed)?|jumps?|story[^\S\n]+continues)(?:[^\S\n]+(?:on|to|from|at))?"
         r"|see|from)[^\S\n]+)")
# A slug in capitals that names the story: "BUDGET, ", "COUNCIL VOTES, ".
_SLUG = r"[A-Z][A-Z'’.&\-]*(?:[^\S\n][A-Z'’.&\-]+){0,4},[^\S\n]*"
_PAGE = (r"(?i:(?:page|pg\.?|p\.)[^\S\n]*(?:[A-Z]?-?\d{1,3}|[A-Z]?(?:" + NUMBER_WORDS
         + r")\b))")

# Continuation markers that newspapers print where an article jumps pages. They are matched
# inside any bracket (ASCII, full-width, lenticular) or none, with any digit width; the
# bracket test lives in clean.py, these are the bare phrases (the whole-line jump pattern
# at the end carries its own brackets and anchors).
DEFAULT_PAGE_MARKERS: tuple[str, ...] = (
    # 上接第1版 / 下转08版 / 下接第3版 / 转第3版 / 接A2版 / 上接第一版 (下轉 in Traditional
    # printings)
    r"(?:上接|紧接|緊接|下[转轉接]|接|[转轉])\s*第?\s*[A-Za-z]?\s*[\d一二三四五六七八九十〇零]{1,3}\s*版",
    # Continued on page 3 / Continued from Page A1 / continued on page Six, column 6
    r"(?i:continued\s+(?:on|from)\s+(?:page|p\.|pg\.?)\s*(?:[A-Z]?\d{1,3}|" + NUMBER_WORDS
    + r")(?:\s*,?\s*col(?:umn|\.)?\s*\w{1,6})?)",
    r"(?i:suite\s+(?:en|de\s+la)\s+page\s*\d{1,3})",
    r"(?i:fortsetzung\s+(?:(?:auf|von)\s+)?seite\s*\d{1,3})",
    # A jump line of its own, as papers word them: "(Cont'd on Page A3)", "Please turn to
    # page B7", "See BUDGET, Page A6", "COUNCIL, from Page 1". Looser wordings than the
    # ones above, so only a whole line: a direction, perhaps a slug in capitals, the page
    # (or the slug first), in brackets or starting with a capital letter ("see the table
    # on page 12" and "from the first edition, page 12" are text).
    r"(?m:^[^\S\n]*(?:[(\[（【][^\S\n]*|(?=[A-Z]))(?:" + _JUMP + "(?:" + _SLUG + ")?|" + _SLUG
    + _JUMP + ")" + _PAGE + r"[^\S\n]*[)\]）】]?[^\S\n]*$)",
    # The same jump, slug first, where the page's text runs on in the same line (a lost
    # line break): "LAID AN, from Page 3 cuted declare." The text after it goes on in
    # small letters, the middle of the sentence the page before broke.
    r"(?m:^[^\S\n]*" + _SLUG + r"(?i:from)[^\S\n]+" + _PAGE + r"(?=[^\S\n]+[a-z]))",
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
    from .schemas import DECISIONS, check, load_json

    data = load_json(path, "decisions file")
    check(path, data, DECISIONS, "decisions file")
    pins = []
    for d in data["decisions"]:
        pins.append(Pin(d["reading"], d.get("note", ""), d.get("before", ""), d.get("after", ""),
                        d.get("work", "")))
    return tuple(pins)


@dataclass(frozen=True, slots=True)
class Config:
    """Options of a run. Immutable; build variants with :func:`dataclasses.replace`."""

    # --- reading -------------------------------------------------------------------------
    #: File name endings read from the folder (lower case, with the dot).
    suffixes: tuple[str, ...] = (".txt", ".md", ".json", ".jsonl")
    #: Files larger than this are reported as errors instead of read: a scanned archive
    #: page is tens of kilobytes, so 20 MiB is a mistake (a dump, a binary), not a page.
    max_file_bytes: int = 20 * 1024 * 1024
    #: Read files that links in the folder point to outside it (``--follow-links``). Off:
    #: a link to ``/etc/passwd`` dropped in an archive is reported, not published.
    follow_links: bool = False

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
    #: ... or when the shorter unit is this similar, character by character, to its
    #: best-matching stretch of the longer: the same line under OCR noise too dense for
    #: shingles (each slip costs k of them).
    match_char_similarity: float = 0.85
    #: Units shorter than this (comparison characters) match only with this share of
    #: their shingles in the other, or on their characters: a phrase two different lines
    #: share ("versetzte Charlotte") is most of a short unit's shingles.
    match_short_chars: int = 48
    match_short_containment: float = 0.9
    #: Two files are editions of one work when the smaller shares at least this share of
    #: its text with the larger. A digest of a report split over pages still shares about
    #: half with one page; an article quoting a report shares a tenth.
    edition_min_coverage: float = 0.3
    #: Files this short (comparison characters: a line or two) that share a unit are also
    #: editions when their whole texts are ``match_char_similarity`` alike.
    short_file_chars: int = 200
    #: A short file also joins the short file most like it in the whole folder when they
    #: are at least this alike (rapidfuzz ratio of their comparison texts): three engines'
    #: readings of one line, one of them too noisy to share a unit with the others. On
    #: real three-engine OCR of a book's lines, a reading is likelier to its own line's
    #: readings than to any other line's in 99.9 % of cases; this level keeps a file whose
    #: partners are missing from joining another line (1.7 % of lines there reach it).
    short_file_best_similarity: float = 0.7
    #: Files of different works that share at least this many characters of body text, in
    #: units matched with at least ``related_min_containment``, are "related".
    related_min_chars: int = 20
    related_min_containment: float = 0.6
    #: Units this similar (Jaccard of shingles) within one file are a repeated printing.
    duplicate_min_jaccard: float = 0.9
    #: A witness whose text is at least this share covered by another witness, both ways,
    #: and is the same text in the same lines, is a duplicate printing of it ...
    duplicate_witness_coverage: float = 0.95
    #: ... if it is at least this long (characters): two independent readings of a line or
    #: two agree exactly often enough (OCR engines that both read it right), while over a
    #: page they never do, so only there is an identical text one printing saved twice.
    duplicate_min_chars: int = 300
    #: A witness whose matched paragraphs are at most this share of their partners' length
    #: abridges them: a digest. Above it the witness prints the full text: a page.
    digest_max_ratio: float = 0.85

    # --- alignment and sites -----------------------------------------------------------
    #: A stretch of the text a witness skips is a cut (an *omission*: a hole in what it
    #: covers, summarised, not a note) from this many comparison characters of Chinese up;
    #: shorter, it is a slip (a *deletion* note). Three times as many for a spaced script (a
    #: word is about three Chinese characters). A digest cuts words; a full printing drops
    #: only what a slip drops.
    omission_min_chars: int = 3
    omission_min_chars_full: int = 4
    #: List punctuation-only differences as notes (otherwise they are only counted).
    list_punctuation: bool = False
    #: Characters of canonical text shown before and after each note.
    context_chars: int = 12
    #: The script of a Chinese canonical text (``--script``): "base" writes it as the base
    #: witness does (a Traditional printing's text stays Traditional), "simplified" or
    #: "traditional" write it so whatever the witnesses print. Witnesses are compared with
    #: the scripts folded either way (see script.py).
    script: str = "base"

    # --- evidence (see evidence.py) --------------------------------------------------------
    #: How often a witness prints the chosen reading, before the work says otherwise: the
    #: share of tokens a fair OCR engine or printing gets right.
    prior_accuracy: float = 0.95
    #: How many observed tokens the prior accuracy weighs as.
    prior_weight: float = 50.0
    #: Passes over the sites: the first decides with the prior; each further pass learns
    #: reliability and channel from the decisions before and decides again.
    evidence_passes: int = 2
    #: The channel: each witness's edits are a distribution over the possible edits, from
    #: what it was seen to do at the work's sites, what all witnesses were seen to do
    #: (worth ``channel_pooled`` edits) and a prior worth ``channel_strength`` per edit over
    #: about ``channel_space`` possible edits, where two characters that look alike
    #: (four-corner code for Han characters, Unicode confusables for the rest) are
    #: ``channel_alike`` times as likely as any other pair.
    channel_space: float = 2000.0
    channel_strength: float = 0.5
    channel_pooled: float = 20.0
    channel_alike: float = 10.0
    #: Likelihood of a typical failure as one slip: a word of another script inside the text,
    #: a repeated syllable.
    channel_typical: float = 0.05
    #: A digest words things its own way: the likelihood of any difference of its, per word.
    digest_rewording: float = 0.3
    #: Weight of plausibility in context against the witnesses' votes, and its cap (in
    #: nats): plausibility can break ties and outvote a witness of doubtful reliability, but
    #: never several witnesses.
    plausibility_weight: float = 1.0
    plausibility_cap: float = 3.0
    #: Weight (nats per text) of support elsewhere: each other text of the work, or of a
    #: related work, that prints a reading next to the same neighbour (see ``Support``),
    #: counted up to ``support_cap`` texts.
    support_weight: float = 3.0
    support_cap: float = 3.0
    #: Weight (nats) of being a word of the language (``wordfreq``; languages written with
    #: spaces) where some readings of a place are words and others are not: engines that
    #: share a glyph's misreading (Fraktur "tz" read "h") outvote the one that read it.
    lexicon_weight: float = 4.0
    #: The character n-gram model of plausibility: order and smoothing.
    lm_order: int = 4
    lm_beta: float = 2.0
    #: The language's general model (``wordfreq``): how many of its commonest words, and how
    #: many occurrences of text they weigh as against the work's own.
    general_words: int = 30000
    general_mass: float = 200000.0
    #: The language for the general model (a ``wordfreq`` code such as ``de`` or ``zh``);
    #: empty: detected from the text.
    language: str = ""

    # --- choosing readings ----------------------------------------------------------------
    #: A reading chosen with a posterior below this is marked for review.
    review_below: float = 0.75
    #: A lone witness's token is corrected only towards a form the work (and related works)
    #: print at least this often next to the same neighbour, and never where its own form is
    #: printed elsewhere, and only with at least this posterior.
    lone_min_count: int = 3
    lone_min_confidence: float = 0.5
    #: ... and only towards a pair that is a word: at least this share of the occurrences of
    #: its rarer token are in the pair.
    lone_min_cohesion: float = 0.5
    #: The cap on plausibility where one witness alone prints the place (nats).
    lone_plausibility_cap: float = 8.0
    #: A whole paragraph only a digest prints is text the full printings lost unless this
    #: share of it is printed there already (then the digest moved it).
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
    #: Where the per-file and per-work tasks run (``--scheduler``): "" on this machine (see
    #: ``jobs``), "local" on a Dask ``LocalCluster`` of ``jobs`` workers, or the address of
    #: a Dask scheduler ("tcp://host:8786"). The output is the same bytes (see cluster.py).
    scheduler: str = ""
    #: Further formats to write each work's alignment in (``--format``): "collatex" writes
    #: ``works/<id>/collatex.json``, CollateX's JSON alignment table.
    formats: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        from .script import CHOICES

        if self.script not in CHOICES:
            raise ValueError(f"script must be one of {', '.join(CHOICES)}, not {self.script!r}")

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


__all__ = ["Config", "DEFAULT_PAGE_MARKERS", "Pin", "load_decisions"]
