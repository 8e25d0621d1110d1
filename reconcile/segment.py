"""Cut paragraphs into sentences, and long sentences into clause groups: the units that are
fingerprinted and matched. No word segmenter is needed: CJK sentences end with their own
punctuation, and a unit is matched on character shingles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .config import Config
from .normalize import CLOSERS, key
from .records import Paragraph, Unit, Witness

# A sentence ends at CJK sentence punctuation, or at a Latin full stop, question or
# exclamation mark followed by a space; closing quotes and brackets stay with it.
_SENTENCE = re.compile(
    rf"[^。！？!?；;…]*?(?:[。！？!?；;…]+[{re.escape(CLOSERS)}]*|\.(?=\s)[{re.escape(CLOSERS)}]*|$)"
)
_CLAUSE = re.compile(r"[^，,、：:]*[，,、：:]*")


def sentences(text: str, start: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, offset by ``start``; spaces between
    sentences are left out."""
    out: list[tuple[int, int]] = []
    for m in _SENTENCE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        if s < e:
            out.append((start + s, start + e))
    return out


def _pieces(text: str, s: int, e: int, limit: int) -> list[tuple[int, int]]:
    """Cut a long sentence at clause marks into pieces of at most ``limit`` key characters
    (a clause longer than that stays whole)."""
    out: list[tuple[int, int]] = []
    cur_s, cur_len = s, 0
    for m in _CLAUSE.finditer(text, s, e):
        if m.start() == m.end():
            continue
        n = len(key(m.group(0)))
        if cur_len and cur_len + n > limit:
            out.append((cur_s, m.start()))
            cur_s, cur_len = m.start(), 0
        cur_len += n
    if cur_s < e:
        out.append((cur_s, e))
    return out


def units(witness: Witness, config: Config) -> list[Unit]:
    return units_of(witness.text, witness.paragraphs, config)


def units_of(text: str, paragraphs: Sequence[Paragraph], config: Config,
             min_chars: int | None = None) -> list[Unit]:
    """The units of a witness, in text order. Short sentences are merged with the next one
    of their paragraph (or the previous, at its end) so that each unit says enough to be
    matched; long ones are cut into clause groups. A paragraph shorter than
    ``min_unit_chars`` ("发展思路：") has no unit: it is too common to say anything."""
    out: list[Unit] = []
    for pi, p in enumerate(paragraphs):
        # (start, end, whether the span ends a sentence)
        spans: list[tuple[int, int, bool]] = []
        for s, e in sentences(text[p.start:p.end], p.start):
            if len(key(text[s:e])) > config.max_unit_chars:
                pieces = _pieces(text, s, e, config.max_unit_chars)
                spans.extend((a, b, k == len(pieces) - 1) for k, (a, b) in enumerate(pieces))
            else:
                spans.append((s, e, True))
        merged: list[list] = []
        pending: list | None = None
        for s, e, ends in spans:
            if pending is not None:
                s = pending[0]
                pending = None
            if len(key(text[s:e])) < config.min_unit_chars:
                pending = [s, e, ends]
                continue
            merged.append([s, e, ends])
        if pending is not None:
            if merged:
                merged[-1][1:] = pending[1:]
            else:
                merged.append(pending)
        for s, e, ends in merged:
            size = len(key(text[s:e]))
            if size >= (config.min_unit_chars if min_chars is None else min_chars):
                out.append(Unit(pi, s, e, size, ends))
    return out
