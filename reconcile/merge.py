"""The canonical text of a work.

For now the canonical text is the base witness as cleaned, less the paragraphs it prints
twice; choosing readings across witnesses comes with alignment.
"""

from __future__ import annotations

from collections.abc import Sequence

from .config import Config
from .duplicates import repeated_paragraphs
from .fingerprint import Fingerprinted
from .group import Work
from .records import Match


def canonical_text(records: Sequence[Fingerprinted], matches: Sequence[Match], work: Work,
                   config: Config) -> str:
    rec = records[work.base]
    drop = repeated_paragraphs(rec, matches, work.base, config)
    w = rec.witness
    paras = [w.text[p.start:p.end] for i, p in enumerate(w.paragraphs) if i not in drop]
    return "\n\n".join(paras) + "\n" if paras else ""
