"""Traditional and Simplified Chinese: which one a witness prints, and how to write a text
in the other.

The same text printed in Hong Kong and in Beijing differs in a third of its characters
(發展 / 发展) and in nothing else. Witnesses are compared on a form where every Traditional
character is folded to its Simplified counterpart (``fold_char``, used by
``normalize.fold``), so such printings group, align and agree; each is still shown as it
is printed, and the canonical text is written in one script (``Config.script``).

Conversion is OpenCC's (the ``opencc`` package): its character tables for the fold, where
one character stands for one character, and its phrase tables for writing a stretch of
text in the other script, where context decides (头发 → 頭髮 but 发展 → 發展).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from .normalize import has_han, is_han


class Script(enum.Enum):
    """How a witness writes Chinese. ``NEUTRAL``: it does not say (no Han, too few
    characters that differ between the scripts, or both in like measure)."""

    SIMPLIFIED = "simplified"
    TRADITIONAL = "traditional"
    NEUTRAL = "neutral"


#: ``Config.script`` values: follow the base witness, or write one script.
CHOICES = ("base", Script.SIMPLIFIED.value, Script.TRADITIONAL.value)

# A witness is in one script when at least this many of its characters are written only
# in that script and the other script's own characters are at most a quarter as many
# (OCR of either script makes a few of the other's shapes).
_MIN_MARKED = 3
_DOMINANCE = 4


@lru_cache(maxsize=2)
def _converter(config: str):  # noqa: ANN202 - opencc has no stubs
    import opencc  # imported on the first Han character: start-up stays lean elsewhere

    return opencc.OpenCC(config)


@lru_cache(maxsize=None)
def fold_char(ch: str) -> str:
    """The Simplified form of one Traditional character (itself otherwise): one character
    for one, so a position in the folded text is a position in the text."""
    got = _converter("t2s").convert(ch)
    return got if len(got) == 1 else ch


@lru_cache(maxsize=None)
def _simplified_only(ch: str) -> bool:
    """A character only Simplified text prints (发, 东): Traditional writes it otherwise."""
    return fold_char(ch) == ch and _converter("s2t").convert(ch) != ch


def script_of(text: str) -> Script:
    """The script ``text`` is printed in, from the characters only one script writes."""
    trad = simp = 0
    for ch, n in Counter(text).items():
        if not is_han(ch):
            continue
        if fold_char(ch) != ch:
            trad += n
        elif _simplified_only(ch):
            simp += n
    if trad >= _MIN_MARKED and trad >= _DOMINANCE * simp:
        return Script.TRADITIONAL
    if simp >= _MIN_MARKED and simp >= _DOMINANCE * trad:
        return Script.SIMPLIFIED
    return Script.NEUTRAL


def convert(text: str, to: Script) -> str:
    """``text`` written in script ``to`` (phrase by phrase); unchanged for ``NEUTRAL`` or
    text with no Han character."""
    if to is Script.NEUTRAL or not has_han(text):
        return text
    return _converter("t2s" if to is Script.SIMPLIFIED else "s2t").convert(text)


def convert_runs(texts: Iterable[str], to: Script) -> list[str]:
    """Each of consecutive ``texts`` in script ``to``, converted as one run so that a
    phrase cut between two of them still converts as a phrase; piece by piece where the
    run's conversion changes its length (the pieces could not be cut back out)."""
    texts = list(texts)
    whole = "".join(texts)
    got = convert(whole, to)
    if len(got) != len(whole):
        return [convert(t, to) for t in texts]
    out, pos = [], 0
    for t in texts:
        out.append(got[pos:pos + len(t)])
        pos += len(t)
    return out


def in_script(text: str, to: Script) -> bool:
    """Whether ``text`` prints no character only the other script writes (so it needs no
    conversion to be written in ``to``)."""
    if to is Script.SIMPLIFIED:
        return all(fold_char(c) == c for c in text if is_han(c))
    if to is Script.TRADITIONAL:
        return not any(_simplified_only(c) for c in text if is_han(c))
    return True


def differs_in_script_only(a: str, b: str) -> bool:
    """``a`` and ``b`` differ, and only where one writes a character in the other script."""
    return a != b and len(a) == len(b) and all(
        x == y or fold_char(x) == fold_char(y) for x, y in zip(a, b))


def target(choice: str, base: Script) -> Script:
    """The script the canonical text is written in: ``Config.script`` (``base``: the base
    witness's, so a Traditional printing's canonical text stays Traditional)."""
    if choice == "base":
        return base
    return Script(choice)


__all__ = ["CHOICES", "Script", "convert", "convert_runs", "differs_in_script_only",
           "fold_char", "in_script", "script_of", "target"]
