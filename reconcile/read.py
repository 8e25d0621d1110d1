"""Find the edition files in a folder and decode them.

Decoding tries, in order: a byte-order mark (UTF-8, UTF-16, UTF-32), strict UTF-8, strict
GB18030 (a superset of GBK and GB2312, the usual encodings of Chinese files). GB18030 maps
almost any byte string to *some* text, so its result must also look like text.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from .config import Config
from .records import ErrorKind, ReadError, Source

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def discover(folder: Path, config: Config) -> list[Path]:
    """Every file under ``folder`` whose name ends in one of ``config.suffixes``, in a stable
    order (by relative path, code point order), whatever order the file system lists them.
    Hidden files and folders (a leading dot) are skipped; links are not followed."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith("."):
                continue
            if name.lower().endswith(config.suffixes):
                found.append(Path(dirpath) / name)
    return sorted(found, key=lambda p: relative_id(p, folder))


def relative_id(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


def read_source(path: Path, folder: Path, config: Config) -> Source | ReadError:
    """Read and decode one file. Never raises for a bad file: returns a :class:`ReadError`."""
    fid = relative_id(path, folder)
    try:
        size = path.stat().st_size
        if size > config.max_file_bytes:
            return ReadError(
                fid, ErrorKind.TOO_LARGE,
                f"{size} bytes, more than the limit of {config.max_file_bytes} (max_file_bytes)",
            )
        data = path.read_bytes()
    except OSError as exc:
        return ReadError(fid, ErrorKind.UNREADABLE, exc.strerror or str(exc))
    return decode(fid, data)


def decode(fid: str, data: bytes) -> Source | ReadError:
    if not data.strip():
        what = "no bytes" if not data else "only white space"
        return ReadError(fid, ErrorKind.EMPTY, f"the file holds {what}")
    text, encoding = _decode_bytes(data)
    if text is None:
        if b"\x00" in data[:8192]:
            return ReadError(fid, ErrorKind.BINARY, "binary data (NUL bytes), not text")
        return ReadError(
            fid, ErrorKind.ENCODING, "not UTF-8, UTF-16/32 with a byte-order mark, or GB18030"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ReadError(fid, ErrorKind.EMPTY, "the file holds only white space")
    bad = _control_share(text)
    if bad > 0.01:
        return ReadError(fid, ErrorKind.BINARY, f"binary data ({bad:.0%} control characters)")
    return Source.from_text(fid, text, encoding, hashlib.sha256(data).hexdigest())


def _decode_bytes(data: bytes) -> tuple[str | None, str]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                return None, name
            return text.lstrip("\ufeff"), name
    if b"\x00" in data:
        # UTF-16 without a BOM, or binary: neither is asked of us, and guessing is how
        # mojibake is made
        return None, ""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None, "gb18030"
    return (text, "gb18030") if _looks_like_text(text) else (None, "gb18030")


def _looks_like_text(text: str) -> bool:
    """Text decoded from random bytes scatters over rare blocks; real text is mostly letters
    of a few scripts, digits, punctuation and space."""
    if not text:
        return False
    odd = 0
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Co", "Cn", "Cs") or (cat == "Cc" and ch not in "\t\n\r\f"):
            odd += 1
    return odd <= len(text) * 0.001


def _control_share(text: str) -> float:
    sample = text[:65536]
    bad = sum(
        1 for ch in sample if ch < " " and ch not in "\t\n\r\f" or "\x7f" <= ch < "\xa0"
    )
    return bad / len(sample)


def read_folder(folder: Path, config: Config) -> Iterator[Source | ReadError]:
    for path in discover(folder, config):
        yield read_source(path, folder, config)
