"""Records that flow between the stages. All frozen; dicts appear only at the JSON boundary.

Vocabulary (textual scholarship): a *witness* is one printing of a text (one file); a *work*
is the text that several witnesses print; the *base* witness is the most complete one.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, fields
from enum import Enum
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


def by_fields(cls: type[T]) -> type[T]:
    """Pickle a frozen dataclass by its constructor and its fields' values: a frozen
    dataclass's own ``__setstate__`` looks its fields up again for every object it loads
    (a third of loading a cached record; the cache and the workers load hundreds of
    thousands of units, notes and places)."""
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        return cls, tuple(getattr(self, n) for n in names)
    cls.__reduce__ = __reduce__  # type: ignore[method-assign,assignment]
    return cls


class ErrorKind(str, Enum):
    BINARY = "binary"
    EMPTY = "empty"
    ENCODING = "encoding"
    UNREADABLE = "unreadable"
    TOO_LARGE = "too-large"
    LINK = "link"
    NOT_A_FILE = "not-a-file"


@dataclass(frozen=True, slots=True)
class ReadError:
    """A file that could not be taken in, and why, in one line."""

    file: str
    kind: ErrorKind
    message: str

    def line(self) -> str:
        return f"{self.file}: {self.kind.value}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "kind": self.kind.value, "message": self.message}


@dataclass(frozen=True, slots=True, eq=False)
class Source:
    """A decoded input file. ``text`` has its newlines normalised to ``\\n``; offsets into it
    are code points, and :meth:`position` turns one into the 1-based line and column an
    editor shows for the original file."""

    id: str  # path relative to the input folder, with forward slashes
    text: str
    encoding: str
    sha256: str
    line_starts: tuple[int, ...]
    #: what reading it had to guess or remove (a guessed encoding, stray control characters)
    warnings: tuple[str, ...] = ()
    #: what the file that holds it says (reconcile/containers.py): the witnesses of one
    #: ``collection`` are one work, the pages of one ``printing`` one edition; its ``page``
    collection: str = ""
    printing: str = ""
    page: str = ""

    @classmethod
    def from_text(cls, id: str, text: str, encoding: str, sha256: str,
                  warnings: tuple[str, ...] = ()) -> Source:
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        return cls(id, text, encoding, sha256, tuple(starts), warnings)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1


class Kind(str, Enum):
    HEADING = "heading"
    BODY = "body"


@by_fields
@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of a cleaned witness: ``text[start:end]``."""

    start: int
    end: int
    kind: Kind


@by_fields
@dataclass(frozen=True, slots=True)
class Removal:
    """Something the printing added that cleaning took out, kept so it can be shown.

    ``kind`` is ``page-marker`` (``detail`` says ``from N`` or ``to N``), ``page-number``
    (``detail``: the label), ``pull-quote`` (``detail`` names the line it repeats),
    ``pull-quote-label``, ``markup`` (markdown marks, HTML tags), ``rule`` (a horizontal
    rule) or ``punctuation-line`` (a block of punctuation only, in a file with text)."""

    kind: str
    start: int  # source offsets
    end: int
    text: str
    detail: str = ""


@dataclass(frozen=True, slots=True, eq=False)
class Witness:
    """A cleaned witness: the text a reader would take from the file, with a map from every
    character back to the source.

    The map is stored as runs: cleaned ``run_clean[k] + j`` comes from source
    ``run_source[k] + j`` for ``j`` below the run's length. Characters that cleaning made
    (paragraph breaks, the space that joins two wrapped Latin lines) point at the source
    newline they stand for.
    """

    source: Source
    text: str
    run_clean: np.ndarray
    run_source: np.ndarray
    paragraphs: tuple[Paragraph, ...]
    removals: tuple[Removal, ...]

    @property
    def id(self) -> str:
        return self.source.id

    def source_offset(self, i: int) -> int:
        k = int(np.searchsorted(self.run_clean, i, side="right")) - 1
        return int(self.run_source[k] + (i - self.run_clean[k]))

    def source_offsets(self) -> np.ndarray:
        """The whole map, one source offset per cleaned character."""
        n = len(self.text)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        idx = np.arange(n, dtype=np.int64)
        k = np.searchsorted(self.run_clean, idx, side="right") - 1
        return self.run_source[k] + (idx - self.run_clean[k])

    def position(self, i: int) -> tuple[int, int]:
        """Line and column (1-based) in the original file of cleaned character ``i``."""
        if not self.text:
            return 1, 1
        return self.source.position(self.source_offset(min(i, len(self.text) - 1)))

    def paragraph_at(self, i: int) -> int:
        starts = [p.start for p in self.paragraphs]
        return max(0, bisect_right(starts, i) - 1)

    def body_chars(self) -> int:
        return sum(p.end - p.start for p in self.paragraphs if p.kind is Kind.BODY)


@by_fields
@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence, or a piece of a long sentence cut at clause boundaries: the unit that is
    fingerprinted and matched. ``start``/``end`` index the witness text."""

    paragraph: int
    start: int
    end: int
    size: int  # characters of its comparison key (no spaces or punctuation)
    ends: bool = True  # it ends a sentence (a long sentence is cut into clause groups)


@dataclass(frozen=True, slots=True)
class Match:
    """Two units (``witness index``, ``unit index``) confirmed to share text."""

    a: tuple[int, int]
    b: tuple[int, int]
    containment: float  # share of the smaller unit's shingles found in the larger
    jaccard: float


@dataclass(frozen=True, eq=False)
class Matches:
    """The folder's matches as columns, one row a :class:`Match`, in the join's order:
    unit ``a`` (file ``wa``, unit ``ua``) and ``b`` (``wb``, ``ub``), the share of the
    smaller's shingles found in the larger and their Jaccard (both rounded to 4 places).
    Columns, not objects: 1.7 M matches at 10,000 works were about 0.5 GB as objects and
    slow to send back from the join's workers; the stages that read them select rows with
    numpy. Iterating gives :class:`Match` objects, for reading a few. A unit is at most
    ``2**31`` files and ``2**32`` units in (the join packs the two into one number)."""

    wa: np.ndarray  # int64, as all four places
    ua: np.ndarray
    wb: np.ndarray
    ub: np.ndarray
    containment: np.ndarray  # float64
    jaccard: np.ndarray

    @classmethod
    def of(cls, wa: Any = (), ua: Any = (), wb: Any = (), ub: Any = (), containment: Any = (),
           jaccard: Any = ()) -> Matches:
        """From the six columns, as sequences."""
        return cls(*(np.asarray(x, dtype=np.int64) for x in (wa, ua, wb, ub)),
                   np.asarray(containment, dtype=np.float64),
                   np.asarray(jaccard, dtype=np.float64))

    @classmethod
    def joined(cls, parts: list[Matches]) -> Matches:
        """The rows of ``parts``, one after the other."""
        if not parts:
            return cls.of()
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in _MATCH_FIELDS))

    def where(self, rows: np.ndarray) -> Matches:
        """The rows a boolean mask or an index array selects."""
        return Matches(*(getattr(self, f)[rows] for f in _MATCH_FIELDS))

    def __len__(self) -> int:
        return len(self.wa)

    def __iter__(self) -> Iterator[Match]:
        for wa, ua, wb, ub, c, j in zip(*(getattr(self, f).tolist() for f in _MATCH_FIELDS)):
            yield Match((wa, ua), (wb, ub), c, j)


_MATCH_FIELDS = ("wa", "ua", "wb", "ub", "containment", "jaccard")
