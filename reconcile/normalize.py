"""The comparison form of text, and the character classes the other stages reason with.

Witnesses are compared on a folded form (width, compatibility and case folded, CJK and
ASCII punctuation made one, Traditional characters written Simplified) that has exactly one character per original character, so a
position in the folded form is a position in the text. Output keeps the original form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Punctuation that ends a sentence, in CJK and Latin typography.
SENTENCE_END = "。！？!?；;…"
# Punctuation that ends a clause inside a sentence.
CLAUSE_END = "，,、：:"
# Closing marks that may follow a sentence end and still belong to the sentence: 。” ！）
CLOSERS = "”’\"'）)】」』〕》〉]"

# CJK punctuation folded to one ASCII form for comparison. NFKC already folds the
# full-width ASCII block (，→, ；→; ！→!), these are the marks it leaves alone.
_PUNCT_FOLD = {
    "。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"',
    "『": '"', "』": '"', "《": "<", "》": ">", "〈": "<", "〉": ">", "【": "[", "】": "]",
    "〔": "(", "〕": ")", "—": "-", "–": "-", "－": "-", "―": "-", "─": "-", "・": "·",
    "･": "·", "…": ".",
}

# ASCII punctuation that, printed between CJK characters, stands for its full-width form.
_TO_FULLWIDTH = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}


# The character classes, once, as regular-expression class bodies: Han (the unified
# ideographs, extension A, the compatibility block, the supplementary planes), kana, hangul.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
KANA = "\u3040-\u30ff"
HANGUL = "\uac00-\ud7af"
HAN_RE = re.compile(f"[{HAN}]")  # one Han character
_IS_CJK = re.compile(f"[{HAN}{KANA}{HANGUL}]")


def has_han(text: str) -> bool:
    """Whether ``text`` holds a Han character (one regex search, not one per character)."""
    return HAN_RE.search(text) is not None


def is_han(ch: str) -> bool:
    """A Han character (Chinese, or kanji, hanja)."""
    return bool(ch) and HAN_RE.match(ch) is not None


def is_cjk(ch: str) -> bool:
    """A Han, kana or hangul character: a script written without spaces between words."""
    return bool(ch) and _IS_CJK.match(ch) is not None


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    if ch in _PUNCT_FOLD:
        return _PUNCT_FOLD[ch]
    n = unicodedata.normalize("NFKC", ch)
    if len(n) != 1:
        return ch  # ligatures and the like would change the length: compare them as printed
    n = _PUNCT_FOLD.get(n, n)
    if is_han(n):
        from .script import fold_char  # here: script.py reads this module's classes

        return fold_char(n)  # Traditional and Simplified printings compare alike
    low = n.lower()
    if len(low) == 1:
        n = low
    if n.isspace():
        return " "
    return n


class _FoldTable(dict):
    """A ``str.translate`` table filled on first sight of each character: the lookups of
    characters seen before stay in C."""

    def __missing__(self, o: int) -> str:
        got = _fold_char(chr(o))
        self[o] = got
        return got


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Comparison form of ``text``, the same length: ``fold(t)[i]`` compares ``t[i]``."""
    if text.isascii():
        return text.lower().translate(_ASCII_SPACE)
    return text.translate(_FOLD)


_ASCII_SPACE = str.maketrans({c: " " for c in "\t\n\r\x0b\x0c"})


def is_punct_or_space(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "PZC" or ch.isspace()


_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


class _KeyTable(dict):
    """Each character's part of a key: its fold, or nothing where that is a space or
    punctuation. Both steps go character by character, so a key is one ``str.translate``
    (a fold and a regex pass were a fifth of reading a file)."""

    def __missing__(self, o: int) -> str:
        got = _DROP.sub("", fold(chr(o)))
        self[o] = got
        return got


_KEY = _KeyTable()


# ASCII text keeps its letters, lowercased, and its digits: bytes translate that in C
_ASCII_LOWER = bytes(range(128)).lower() + bytes(range(128, 256))
_ASCII_DROP = bytes(c for c in range(128) if not chr(c).isalnum())


def key(text: str) -> str:
    """What fingerprints and containment are computed on: folded, with no spaces or
    punctuation, since OCR and typesetting vary those freely."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_LOWER, _ASCII_DROP).decode("ascii")
    return text.translate(_KEY)


def mostly_cjk(text: str) -> bool:
    sample = text[:400]
    letters = [c for c in sample if c.isalnum()]
    if not letters:
        return False
    return sum(1 for c in letters if is_cjk(c)) * 2 >= len(letters)


def to_cjk_punctuation(text: str) -> str:
    """ASCII , : ; ! ? ( ) printed in Chinese text become their full-width forms; the same
    length, so offsets are kept. ASCII stays ASCII between Latin letters and digits."""
    if text.isascii():
        return text
    # each pass only turns ASCII marks full-width, never back, so repeating it to a fixed
    # point ends, and makes the function idempotent even where one conversion changes the
    # context of its neighbour ("㐀(,㐀")
    while True:
        done = _to_cjk_once(text)
        if done == text:
            return done
        text = done


def _to_cjk_once(text: str) -> str:
    out = list(text)
    n = len(out)
    for i, ch in enumerate(out):
        full = _TO_FULLWIDTH.get(ch)
        if full is None:
            continue
        prev = _neighbour(out, i, -1)
        nxt = _neighbour(out, i, 1, n)
        if ch == "(":
            cjk = is_cjk(nxt) or (is_cjk(prev) and not nxt.isascii())
            cjk = cjk or (is_cjk(prev) and _closes_cjk(out, i, n))
        elif ch == ")":
            cjk = is_cjk(prev) or (is_cjk(nxt) and _opened_cjk(out, i))
        else:
            # a digit after the mark ("2,000") keeps it ASCII, a CJK character before makes
            # it full-width; after a closing full-width mark (”,) also full-width
            cjk = (
                is_cjk(prev) or prev in "”’）》」』】"
                or (is_cjk(nxt) and not (prev.isascii() and prev.isalpha()))
            ) and not (ch in ",:" and nxt.isdigit() and prev.isdigit())
        if cjk:
            out[i] = full
    return "".join(out)


def _neighbour(chars: list[str], i: int, step: int, n: int = 0) -> str:
    j = i + step
    limit = n if step > 0 else -1
    while j != limit and chars[j] == " ":
        j += step
    if j == limit:
        return ""
    return chars[j]


def _closes_cjk(chars: list[str], i: int, n: int) -> bool:
    # "(2023)" after a CJK word: full-width if its closing bracket is followed by CJK
    j = i + 1
    while j < n and j - i < 20 and chars[j] not in ")）":
        j += 1
    return j < n and chars[j] in ")）" and j + 1 < n and is_cjk(chars[j + 1])


def _opened_cjk(chars: list[str], i: int) -> bool:
    j = i - 1
    while j >= 0 and i - j < 20 and chars[j] not in "(（":
        j -= 1
    return j >= 0 and chars[j] == "（"
