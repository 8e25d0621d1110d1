"""Tokens: the units that witnesses are aligned on, fitted to the script.

- a Han character or a kana is a token of its own (those scripts do not space their words);
- a run of letters and digits of any other script is a word token (a hangul word too);
- a number keeps its inner separators ("1,000", "3.5", "2023.1.10").

Everything between two tokens (spaces, punctuation, paragraph breaks) is the first token's
*trail*: it is compared and chosen with the token, but a difference in it alone is a
punctuation difference, not a variant. Text before a witness's first token is its *lead*.

A token keeps its place in the witness text (``start``/``end`` of the token, ``stop`` of its
trail), so every reading can be cut from the witness as printed; ``keys`` are the folded
forms compared (case, width and compatibility folded: ``ſ`` is ``s``, ``Ａ`` is ``a``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .normalize import HAN, KANA, fold

_CJK = KANA + HAN  # written one character to a token (hangul is written in words)
_LETTER = rf"[^\W_{_CJK}]"
_MARKS = "\u0300-\u036f"
_TOKEN = re.compile(
    r"\d+(?:[.,:]\d+)+"  # a number with inner separators
    rf"|[{_CJK}]"  # one ideograph or kana
    rf"|{_LETTER}(?:[{_MARKS}]|{_LETTER})*(?:['’]{_LETTER}(?:[{_MARKS}]|{_LETTER})*)*"
)
_IS_CJK = re.compile(rf"[{_CJK}]")


@dataclass(frozen=True, slots=True, eq=False)
class Tokens:
    """The tokens of one text. ``start[i]:end[i]`` is token ``i``; its trail runs to
    ``stop[i]`` (the next token's start, or the end of the text)."""

    text: str
    start: np.ndarray
    end: np.ndarray
    keys: tuple[str, ...]
    cjk: np.ndarray  # bool per token
    # the places as lists too, for reading one at a time (a trail, a surface: asked of
    # every column, where a numpy scalar costs more than the slice); always made from the
    # arrays, so that a copy with other places cannot keep stale ones
    start_list: list[int] = field(init=False, repr=False)
    end_list: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "start_list", self.start.tolist())
        object.__setattr__(self, "end_list", self.end.tolist())

    @property
    def stop(self) -> np.ndarray:
        out = np.empty_like(self.end)
        if len(out):
            out[:-1] = self.start[1:]
            out[-1] = len(self.text)
        return out

    def __len__(self) -> int:
        return len(self.keys)

    def lead(self) -> str:
        return self.text[: self.start_list[0]] if len(self) else self.text

    def surface(self, i: int) -> str:
        return self.text[self.start_list[i]:self.end_list[i]]

    def trail(self, i: int) -> str:
        starts = self.start_list
        return self.text[self.end_list[i]:starts[i + 1] if i + 1 < len(starts) else len(self.text)]

    def span(self, i: int, j: int) -> str:
        """Tokens ``i..j-1`` as printed, with the trails between them (not the last one's)."""
        if j <= i:
            return ""
        return self.text[self.start_list[i]:self.end_list[j - 1]]

    def share_cjk(self) -> float:
        return float(self.cjk.mean()) if len(self) else 0.0


def tokenize(text: str) -> Tokens:
    starts: list[int] = []
    ends: list[int] = []
    for m in _TOKEN.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
    keys = tuple(map(_fold_token, map(text.__getitem__, map(slice, starts, ends))))
    cjk = np.fromiter(map(is_cjk_token, keys), dtype=bool, count=len(keys))
    return Tokens(text, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64),
                  keys, cjk)


def token_keys(text: str) -> tuple[str, ...]:
    """``tokenize(text).keys``, without the tokens' places (a related work's text is read
    for its keys only)."""
    return tuple(map(_fold_token, _TOKEN.findall(text)))


# A work's texts are a few thousand distinct tokens, each met again and again: their folds
# and whether each is a CJK character are kept (folding and matching the same tokens again
# was about 8 % of a work's time).
_fold_token = lru_cache(maxsize=1 << 16)(fold)


class _CjkChars(dict):
    """Whether each character is a CJK character (as it is asked: ``CJK_CHARS[ch]``)."""

    def __missing__(self, ch: str) -> bool:
        got = self[ch] = bool(_IS_CJK.match(ch))
        return got


CJK_CHARS = _CjkChars()


def is_cjk_token(key: str) -> bool:
    return len(key) == 1 and CJK_CHARS[key]


@lru_cache(maxsize=4096)  # a work's trails are a few dozen kinds, asked for again and again
def sep_key(trail: str) -> str:
    """What a trail says for comparison: its punctuation folded, spaces dropped, a paragraph
    break kept (as ``¶``)."""
    if not trail:
        return ""
    out = []
    if "\n\n" in trail:
        out.append("¶")
    f = fold(trail)
    out.extend(c for c in f if not c.isspace())
    return "".join(out)


__all__ = ["CJK_CHARS", "Tokens", "is_cjk_token", "sep_key", "token_keys", "tokenize"]
