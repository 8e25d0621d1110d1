"""CollateX's alignment table as JSON (``works/<id>/collatex.json`` with ``--format
collatex``), so that tools built on CollateX can read a work's alignment.

The shape is the one CollateX's ``collate(…, output="json")`` gives: ``{"witnesses":
[ids], "table": [one row per witness: [one cell per column: [tokens] or null]]}``, each
token ``{"t": text as printed, "n": its comparison form}``. A column is a stretch of the
canonical text that every witness printing it prints alike, a note's place (each witness's
reading), or text some witnesses print of their own; ``null`` where a witness prints
nothing there. The witnesses' ids are those of ``notes.json``.
"""

from __future__ import annotations

import re
from typing import Any

from .layout import Layout, layout
from .normalize import key

# A token: one ideograph (or kana, hangul) or a run of other non-space characters, with the
# spaces after it (CollateX's default tokens keep their trailing white space).
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]\s*|"
                    r"[^\s\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]+\s*|\s+")


def tokens(text: str) -> list[dict[str, str]]:
    return [{"n": key(t) or t.strip(), "t": t} for t in _TOKEN.findall(text)]


def alignment_table(notes_doc: dict[str, Any], canonical: str,
                    lay: Layout | None = None) -> dict[str, Any]:
    """The work's alignment as CollateX's JSON alignment table."""
    lay = lay or layout(notes_doc, canonical)  # (one layout serves every export)
    wids = list(lay.witnesses)
    columns: list[dict[str, str]] = []
    readers: list[str] = []
    last: dict[str, int] = {}  # witness -> the last column it prints in

    def add(col: dict[str, str]) -> None:
        for w, text in col.items():
            if text:
                last[w] = len(columns)
        columns.append(col)

    for ev in lay.walk():
        if ev[0] == "paragraph" and ev[1]:
            # the break between two paragraphs ends the last column each witness prints
            for w, k in last.items():
                if not columns[k][w].endswith("\n\n"):
                    columns[k][w] = columns[k][w].rstrip(" ") + "\n\n"
        elif ev[0] == "addition":
            add(dict(ev[1]))
        elif ev[0] == "segment":
            readers = ev[3]
        elif ev[0] == "text":
            add({w: canonical[ev[1]:ev[2]] for w in readers})
        elif ev[0] == "note":
            n = ev[1]
            col = {w: n["chosen"] for w in readers}  # who it does not list reads the lem
            for r in n["readings"]:
                col.update({w["id"]: r["text"] for w in r["witnesses"] if w["id"] in col})
            add(col)
    rows: list[list[list[dict[str, str]] | None]] = [[] for _ in wids]
    for col in columns:
        cells = [tokens(col[w]) if col.get(w) else None for w in wids]
        if any(cells):
            for row, cell in zip(rows, cells):
                row.append(cell or None)
    return {"table": rows, "witnesses": wids}


def witness_text(table: dict[str, Any], witness: str) -> str:
    """What a witness prints, read from an alignment table: its tokens, in order."""
    row = table["table"][table["witnesses"].index(witness)]
    return "".join(t["t"] for cell in row if cell for t in cell)


__all__ = ["alignment_table", "tokens", "witness_text"]
