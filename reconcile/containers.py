"""Files that hold many witnesses: a CollateX input file (``.json``) and a JSON lines archive
(``.jsonl``, one page per record, as passim and OCR pipelines export them).

Each witness becomes a :class:`Source` of its own, with the id ``FILE#ID``. What the file
says about the witnesses is kept on the source for the grouping: the witnesses of one
CollateX file are one work (``collection``); the pages of a JSON lines archive that give
one ``series`` (and ``date``) are one printing (``printing``), with their ``page`` (or
``seq``) as the page number.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from .read import decode
from .records import ErrorKind, ReadError, Source

#: Suffixes of the files read here (``Config.suffixes`` must list them to read them).
SUFFIXES = (".json", ".jsonl")


def is_container(name: str) -> bool:
    """Whether a file of this name holds many witnesses (read here, not as text)."""
    return name.lower().endswith(SUFFIXES)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _source(fid: str, wid: str, text: str, **meta: str) -> Source | ReadError:
    """A member as a file is read (reconcile/read.py: control characters, overstrikes, a
    lone surrogate JSON may hold becomes U+FFFD)."""
    src = decode(f"{fid}#{wid}", _SURROGATE.sub("\ufffd", text).encode("utf-8"))
    return replace(src, **meta) if isinstance(src, Source) and meta else src


def read_collatex(fid: str, data: bytes) -> list[Source] | ReadError:
    """The witnesses of a CollateX input file, ``{"witnesses": [{"id", "content"}]}`` (or
    ``"tokens": [{"t": …}]`` for a witness given as tokens), as one work. A JSON file with
    no ``witnesses`` is not input (a decisions file, a baseline): no witnesses, no error."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return ReadError(fid, ErrorKind.ENCODING, f"not JSON ({exc.__class__.__name__}: {exc})")
    except RecursionError:
        return ReadError(fid, ErrorKind.ENCODING, "not JSON this tool reads (nested too deep)")
    if not isinstance(doc, dict) or "witnesses" not in doc:
        return []  # another JSON file (a decisions file, a baseline): not input
    wits = doc["witnesses"]
    if not isinstance(wits, list) or not wits:
        return ReadError(fid, ErrorKind.ENCODING,
                         'not a CollateX input file ("witnesses" is no list of {"id", "content"})')
    out: list[Source] = []
    seen: set[str] = set()
    for k, w in enumerate(wits):
        wid = _text(w.get("id")) if isinstance(w, dict) else None
        text = _text(w.get("content")) if isinstance(w, dict) else None
        if isinstance(w, dict) and text is None and isinstance(w.get("tokens"), list):
            parts = [_text(t.get("t")) if isinstance(t, dict) else None for t in w["tokens"]]
            text = "".join(parts) if all(p is not None for p in parts) else None
        if not wid or text is None:
            return ReadError(fid, ErrorKind.ENCODING, f"witness {k + 1} has no string "
                             '"id" and "content" (or "tokens")')
        if wid in seen:
            return ReadError(fid, ErrorKind.ENCODING, f"witness id {wid!r} is given twice")
        seen.add(wid)
        if text.strip():  # each witness a printing of its own, all of them one work
            src = _source(fid, wid, text, collection=fid, printing=f"{fid}#{wid}")
            if isinstance(src, ReadError):
                return src
            out.append(src)
    if not out:
        return ReadError(fid, ErrorKind.EMPTY, "every witness is empty")
    return out


def read_jsonl(fid: str, data: bytes) -> list[Source] | ReadError:
    """The pages of a JSON lines archive: one record per line, ``{"id", "text"}`` with
    ``series``, ``date``, ``page`` and ``seq`` optional. A line that is no such record
    refuses the archive, naming the line: a run never works on part of an archive."""
    try:
        # (JSON strings may hold U+2028 and the like raw: only a newline ends a record)
        lines = data.decode("utf-8-sig").split("\n")
    except UnicodeDecodeError as exc:
        return ReadError(fid, ErrorKind.ENCODING, f"not UTF-8 ({exc})")
    out: list[Source] = []
    seen: set[str] = set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            return ReadError(fid, ErrorKind.ENCODING, f"line {n} is not JSON ({exc})")
        except RecursionError:
            return ReadError(fid, ErrorKind.ENCODING, f"line {n} is nested too deep")
        rid = rec.get("id") if isinstance(rec, dict) else None
        text = rec.get("text") if isinstance(rec, dict) else None
        if isinstance(rid, int) and not isinstance(rid, bool):
            rid = str(rid)
        if not isinstance(rid, str) or not rid or not isinstance(text, str):
            return ReadError(fid, ErrorKind.ENCODING,
                             f'line {n} is not a record with a string "id" and "text"')
        if rid in seen:
            return ReadError(fid, ErrorKind.ENCODING, f"line {n}: id {rid!r} is given twice")
        seen.add(rid)
        if not text.strip():
            continue
        meta = {k: str(rec[k]) for k in ("series", "date", "page", "seq")
                if isinstance(rec.get(k), (str, int)) and not isinstance(rec.get(k), bool)}
        printing = "\x1f".join((meta["series"], meta.get("date", ""))) if "series" in meta else ""
        page = meta.get("page") or meta.get("seq", "")
        src = _source(fid, rid, text, printing=printing, page=page)
        if isinstance(src, ReadError):
            return ReadError(fid, src.kind, f"line {n}: {src.message}")
        out.append(src)
    if not out:
        return ReadError(fid, ErrorKind.EMPTY, "the archive holds no record with text")
    return out


def read_container(fid: str, data: bytes) -> list[Source] | ReadError:
    """The witnesses of a many-witness file, by its suffix."""
    if fid.lower().endswith(".jsonl"):
        return read_jsonl(fid, data)
    return read_collatex(fid, data)


__all__ = ["SUFFIXES", "is_container", "read_collatex", "read_container", "read_jsonl"]
