"""What kind of difference one reading is from another.

The kinds, tested in this order (the first that fits):

- ``whitespace``: only spaces or line breaks differ (ignored);
- ``punctuation``: only punctuation differs (counted; listed only on request);
- ``intrusion``: a word of another script stands in one reading inside text of the
  surrounding script ("合力 and 红利" for "合力和红利") - OCR of a mixed-language line, or a
  translation slip;
- ``repetition``: one reading repeats the text right before or after it ("不移不移");
- ``transposition``: the same characters in another order ("东关" / "关东");
- ``omission`` / ``addition``: a witness lacks, or alone has, a stretch of at least
  ``omission_min_chars`` characters - what a digest leaves out or adds;
- ``revision``: the readings word the place differently (``Habit also has`` / ``Habits
  are inherited and have``): an editor's or an author's change, not a slip of the type;
- ``deletion`` / ``insertion``: a shorter stretch missing or extra (a dropped character);
- ``substitution``: anything else (a misread character: 大盂 / 大孟).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache

from rapidfuzz.distance import LCSseq, Levenshtein

from .normalize import fold, is_cjk, key

WHITESPACE = "whitespace"
PUNCTUATION = "punctuation"
INTRUSION = "intrusion"
REPETITION = "repetition"
TRANSPOSITION = "transposition"
OMISSION = "omission"
ADDITION = "addition"
DELETION = "deletion"
INSERTION = "insertion"
SUBSTITUTION = "substitution"
REVISION = "revision"

#: Kinds that become notes (punctuation only when asked); the others are summarised.
NOTE_KINDS = (REVISION, INTRUSION, REPETITION, TRANSPOSITION, SUBSTITUTION, INSERTION,
              DELETION)
#: When one place holds several kinds of difference, the note takes the first of these.
PRIORITY = (REVISION, INTRUSION, REPETITION, TRANSPOSITION, SUBSTITUTION, DELETION, INSERTION,
            PUNCTUATION)


@lru_cache(maxsize=4096)
def script(ch: str) -> str | None:
    """The script of a letter (``cjk``, ``LATIN``, ``CYRILLIC``...), None for anything else."""
    if is_cjk(ch):
        return "cjk"
    if not ch.isalpha():
        return None
    ch = unicodedata.normalize("NFKC", ch)[:1] or ch
    try:
        return unicodedata.name(ch).split()[0]
    except ValueError:
        return None


def dominant_script(text: str) -> str | None:
    """The script most of the letters are in; between equals, the one met first."""
    counts: Counter[str] = Counter()
    # the characters counted first (in C), in the order each is first met: each script is
    # then met in the order of its first letter, as a count letter by letter meets them
    for ch, n in Counter(text).items():
        s = script(ch)
        if s:
            counts[s] += n
    return counts.most_common(1)[0][0] if counts else None


def foreign_runs(text: str, dominant: str | None) -> set[str]:
    """Runs of two or more letters of a script other than ``dominant`` (folded)."""
    if dominant is None:
        return set()
    runs: set[str] = set()
    cur: list[str] = []
    for ch in fold(text) + " ":
        s = script(ch)
        if s is not None and s != dominant:
            cur.append(ch)
            continue
        if len(cur) >= 2:
            runs.add("".join(cur))
        cur = []
    return runs


def cut_chars(n: int, cjk: bool) -> int:
    """The comparison characters a cut or an addition starts at, from the configured count
    for Chinese: a word of a script written with spaces is about three characters."""
    return n if cjk else 3 * n


def classify(canon: str, reading: str, before: str = "", after: str = "",
             omission_min_chars: int = 4) -> str:
    """The kind of difference of ``reading`` (a witness) from ``canon`` (the canonical text),
    with the canonical text ``before`` and ``after`` the place as context."""
    kc, kr = key(canon), key(reading)
    if kc == kr:
        if "".join(fold(canon).split()) == "".join(fold(reading).split()):
            return WHITESPACE
        return PUNCTUATION
    dom = dominant_script(before + after) or dominant_script(canon + reading)
    fc, fr = foreign_runs(canon, dom), foreign_runs(reading, dom)
    # a foreign word is the difference only when it is most of what differs: a long clause
    # a digest cut is an omission even if an English word stood in it
    for runs, k in ((fc - fr, kc), (fr - fc, kr)):
        if runs and sum(len(r) for r in runs) * 2 >= len(k):
            return INTRUSION
    if _repeats_tokens(canon, reading, before, after):
        return REPETITION
    if len(kc) == len(kr) >= 2 and sorted(kc) == sorted(kr):
        return TRANSPOSITION
    omission_min_chars = cut_chars(omission_min_chars, dom in (None, "cjk"))
    if len(kc) >= omission_min_chars and len(kr) * 3 <= len(kc):
        return OMISSION
    if len(kr) >= omission_min_chars and len(kc) * 3 <= len(kr):
        return ADDITION
    if kc and kr and _reworded(canon, reading, dom == "cjk"):
        return REVISION
    if not kr:
        return DELETION
    if not kc:
        return INSERTION
    return SUBSTITUTION


def _reworded(a: str, b: str, cjk: bool) -> bool:
    """Whether two readings differ in wording rather than in letters: some word of one has
    no near spelling in the other (``has`` / ``have``, ``also`` / ``are``), or, in a script
    without spaces, two characters or more changed with little left in common."""
    ka, kb = key(a), key(b)
    if cjk:
        if min(len(ka), len(kb)) < 2:
            return False
        return LCSseq.similarity(ka, kb) * 2 < max(len(ka), len(kb)) and \
            max(len(ka), len(kb)) >= 3
    wa = [k for k in map(key, fold(a).split()) if k]
    wb = [k for k in map(key, fold(b).split()) if k]
    if not wa or not wb:
        return False
    extra = abs(len(wa) - len(wb))
    if extra and sum(len(w) for w in wa + wb) >= 6:
        # a whole word more or less on one side, and not two halves of one word
        if "".join(wa) != "".join(wb):
            longer, shorter = (wa, wb) if len(wa) > len(wb) else (wb, wa)
            if LCSseq.similarity("".join(longer), "".join(shorter)) < 0.8 * len("".join(longer)):
                return True
    # words compared where they stand against each other (a word more on one side does
    # not shift the rest: "IS Entweder" / "Entweder" is an extra token, not a new wording)
    for op in Levenshtein.opcodes(wa, wb):
        if op.tag != "replace":
            continue
        for x, y in zip(wa[op.src_start:op.src_end], wb[op.dest_start:op.dest_end]):
            if len(x) >= 2 and len(y) >= 2 and LCSseq.similarity(x, y) * 2 < max(len(x), len(y)):
                return True
    return False


@lru_cache(maxsize=4096)
def _units(text: str) -> tuple[str, ...]:
    """What a repetition repeats: characters of a script without spaces, whole words of
    any other (``erstes`` after ``er`` is no repetition; ``the the`` is). Cached: a site's
    context is asked about for every pair of its readings."""
    out: list[str] = []
    for w in fold(text).split():
        k = key(w)
        if not k:
            continue
        if any(is_cjk(c) for c in k):
            out.extend(k)
        else:
            out.append(k)
    return tuple(out)


def _repeats_tokens(canon: str, reading: str, before: str, after: str) -> bool:
    return _repeats(_units(canon), _units(reading), _units(before), _units(after))


def _repeats(kc, kr, before, after) -> bool:
    """One reading is the other plus a copy of the text next to it (the copy may stand on
    either side of the place: ``不移不移`` read against ``不移`` is ``不移`` twice whichever
    of the two the alignment calls the extra one)."""
    for short, long in ((kc, kr), (kr, kc)):
        extra = len(long) - len(short)
        if extra <= 0:
            continue
        # the longer reading in its context, and the shorter one in the same context
        text = before + long + after
        whole = before + short + after
        i = len(before)
        size = extra
        lo = max(0, i - size)
        hi = min(len(text) - 2 * size, i + len(long))
        for j in range(lo, hi + 1):
            if text[j:j + size] == text[j + size:j + 2 * size]:
                # removing one copy must give the shorter reading's text
                if text[:j] + text[j + size:] == whole:
                    return True
    return False
