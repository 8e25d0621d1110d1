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
- ``deletion`` / ``insertion``: a shorter stretch missing or extra (a dropped character);
- ``substitution``: anything else (a misread character: 大盂 / 大孟).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache

from rapidfuzz.distance import LCSseq

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

#: Kinds that become notes (punctuation only when asked); the others are summarised.
NOTE_KINDS = (INTRUSION, REPETITION, TRANSPOSITION, SUBSTITUTION, INSERTION, DELETION)
#: When one place holds several kinds of difference, the note takes the first of these.
PRIORITY = (INTRUSION, REPETITION, TRANSPOSITION, SUBSTITUTION, DELETION, INSERTION,
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
    counts = Counter(s for s in map(script, text) if s)
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
    if _repeats(kc, kr, key(before), key(after)):
        return REPETITION
    if len(kc) == len(kr) >= 2 and sorted(kc) == sorted(kr):
        return TRANSPOSITION
    if len(kc) >= omission_min_chars and len(kr) * 3 <= len(kc):
        return OMISSION
    if len(kr) >= omission_min_chars and len(kc) * 3 <= len(kr):
        return ADDITION
    rewrite = 6 if dom == "cjk" else 16  # a phrase of Chinese, a few words of English
    if min(len(kc), len(kr)) >= rewrite and LCSseq.similarity(kc, kr) * 5 < max(len(kc), len(kr)) * 2:
        # two long stretches with little in common: the witness prints something else here
        # (a digest's own wording), which is an omission of the one and an addition of the
        # other, not a misreading
        return OMISSION
    if not kr:
        return DELETION
    if not kc:
        return INSERTION
    return SUBSTITUTION


def _repeats(kc: str, kr: str, before: str, after: str) -> bool:
    """One reading is the other plus a copy of the text next to it."""
    for short, long in ((kc, kr), (kr, kc)):
        extra = len(long) - len(short)
        if extra <= 0 or not long.startswith(short) and not long.endswith(short):
            continue
        added = long[len(short):] if long.startswith(short) else long[:extra]
        ctx_before = before + (short if long.startswith(short) else "")
        ctx_after = (short if not long.startswith(short) else "") + after
        if ctx_before.endswith(added) or ctx_after.startswith(added):
            return True
    return False
