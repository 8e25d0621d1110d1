"""An edition's text: the cleaned text of its page files joined in page order.

A page that ends mid-sentence and a page that goes on with it are one paragraph (a word
hyphenated across the pages is one word again); otherwise pages meet at a paragraph break.
Every character still maps to its file, line and column.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .clean import ends_paragraph
from .normalize import is_cjk
from .records import Kind, Witness


@dataclass(frozen=True, slots=True, eq=False)
class EditionText:
    """``text`` is made of the pages' texts: page ``k`` occupies ``[starts[k], ends[k])``
    (its text less a hyphen dropped at a join); what the joins added points at the end of
    the page before."""

    id: str
    pages: tuple[Witness, ...]
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def locate(self, i: int) -> tuple[str, int, int, int]:
        """(file, page index, line, column) of character ``i`` of the edition text."""
        if not self.pages:
            return self.id, 0, 1, 1
        k = self.page_of(i)
        local = min(max(0, i - self.starts[k]), max(0, len(self.pages[k].text) - 1))
        line, col = self.pages[k].position(local)
        return self.pages[k].id, k, line, col

    def page_of(self, i: int) -> int:
        """Index of the page character ``i`` of the edition text stands on."""
        return max(0, bisect_right(self.starts, i) - 1)

    def kinds(self) -> np.ndarray:
        """Per character: True inside a heading paragraph of its page."""
        out = np.zeros(len(self.text), dtype=bool)
        for k, w in enumerate(self.pages):
            for p in w.paragraphs:
                if p.kind is Kind.HEADING:
                    a = self.starts[k] + p.start
                    b = min(self.starts[k] + p.end, self.ends[k])
                    out[a:b] = True
        return out


def continues(prev: Witness, nxt: Witness) -> bool:
    """Whether the next page goes on with the sentence the previous one stopped in."""
    if not prev.paragraphs or not nxt.paragraphs:
        return False
    last = prev.paragraphs[-1]
    first = nxt.paragraphs[0]
    if last.kind is not Kind.BODY or first.kind is not Kind.BODY:
        return False
    tail = prev.text[last.start:last.end]
    head = nxt.text[first.start:first.end]
    if ends_paragraph(tail):
        return False
    a, b = tail.rstrip()[-1:], head[:1]
    if not a or not b:
        return False
    if is_cjk(a) or is_cjk(b):
        return True
    return b.islower() or b.isdigit() or not b.isalpha()


def join_pages(edition_id: str, pages: Sequence[Witness]) -> EditionText:
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for k, w in enumerate(pages):
        text = w.text
        if k:
            prev = pages[k - 1]
            if continues(prev, w):
                last = parts[-1]
                a, b = last[-1:], text[:1]
                if a == "-" and len(last) > 1 and last[-2].isalpha() and b.islower():
                    parts[-1] = last[:-1]  # a word hyphenated across the pages
                    pos -= 1
                    ends[-1] -= 1
                elif not (is_cjk(a) or is_cjk(b)) and not a.isspace():
                    parts.append(" ")
                    pos += 1
            else:
                parts.append("\n\n")
                pos += 2
        starts.append(pos)
        parts.append(text)
        pos += len(text)
        ends.append(pos)
    return EditionText(edition_id, tuple(pages), "".join(parts), tuple(starts), tuple(ends))


__all__ = ["EditionText", "continues", "join_pages"]
