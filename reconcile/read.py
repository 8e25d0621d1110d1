"""Find the edition files in a folder and decode them.

Decoding tries, in order: a byte-order mark (UTF-8, UTF-16, UTF-32), strict UTF-8, strict
GB18030 (a superset of GBK and GB2312, the usual encodings of Chinese files). GB18030 maps
almost any byte string to *some* text, so its result must also look like text.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from .config import Config
from .normalize import HAN, HAN_RE
from .records import ErrorKind, ReadError, Source
from .wording import count

#: The list of files a run wrote, in its results folder (output.py writes it): a folder
#: that holds one is results, never input.
RESULTS_MANIFEST = ".reconcile-manifest.json"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class Url(str):
    """A file or folder named by an ``fsspec`` URL (``s3://bucket/dir``, ``gs://``,
    ``file://``, ``memory://``): what a Dask worker on another machine can read. A string,
    so that it travels to the workers as it is; ``name`` and ``/`` as a path's."""

    __slots__ = ()

    @property
    def name(self) -> str:
        return self.rstrip("/").rsplit("/", 1)[-1]

    def _parts(self) -> tuple[str, str]:
        """("scheme://", the path after it without trailing slashes but a root's "/")."""
        scheme = _URL.match(self)
        cut = scheme.end() if scheme else 0
        rest = self[cut:]
        return self[:cut], rest.rstrip("/") if rest.strip("/") else rest[:1]

    @property
    def parent(self) -> Url:
        scheme, rest = self._parts()
        head = rest.rsplit("/", 1)[0] if "/" in rest else ""
        return Url(scheme + (head or ("/" if rest.startswith("/") else "")))

    def __truediv__(self, other: str) -> Url:
        scheme, rest = self._parts()
        return Url(f"{scheme}{rest}{'' if not rest or rest.endswith('/') else '/'}{other}")


def is_url(folder: object) -> bool:
    """Whether ``folder`` is an fsspec URL rather than a path on this machine."""
    return isinstance(folder, str) and bool(_URL.match(folder))


def _fs(url: str):  # -> (fsspec filesystem, its path)
    """The file system of ``url``; OSError (one line) when this machine cannot use it."""
    try:
        from fsspec.core import url_to_fs

        return url_to_fs(url)
    except ImportError as exc:  # fsspec, or the file system's own package (s3fs)
        raise OSError(f"{url}: cannot read this kind of URL here ({exc}; fsspec comes with "
                      "pip install 'reconcile[dask]')") from None
    except ValueError as exc:  # an unknown protocol
        raise OSError(f"{url}: {exc}") from None


def local_path(folder: Path | Url) -> Path | None:
    """The folder as a path of this machine: itself, or a ``file://`` URL's path; else None."""
    if not isinstance(folder, Url):
        return folder
    if not folder.lower().startswith("file://"):
        return None
    return Path(_fs(folder)[1])


def kind_of(folder: Path | Url) -> str:
    """``"dir"``, ``"file"`` (a regular file) or ``""`` (nothing there, or something else).
    OSError when a URL's file system cannot be used here."""
    if isinstance(folder, Url):
        fs, path = _fs(folder)
        try:
            return "dir" if fs.isdir(path) else "file" if fs.isfile(path) else ""
        except (OSError, ValueError):
            return ""
    return "dir" if folder.is_dir() else "file" if folder.is_file() else ""


def _discover_url(folder: Url, config: Config) -> list[Url]:
    fs, root = _fs(folder)
    root = root.rstrip("/")
    listed = [str(p) for p in fs.find(root, withdirs=False)]  # sorted below, by id
    rels = [p[len(root):].lstrip("/") for p in listed]
    # results folders of ours (they hold the manifest) are never input
    results = {r.rsplit("/", 1)[0] for r in rels if r.rsplit("/", 1)[-1] == RESULTS_MANIFEST
               and "/" in r}
    found = []
    for rel in rels:
        parts = rel.split("/")
        if any(part.startswith(".") for part in parts) or \
                any("/".join(parts[:i]) in results for i in range(1, len(parts))):
            continue
        if parts[-1].lower().endswith(config.suffixes):
            found.append(folder / rel)
    return sorted(found, key=lambda p: relative_id(p, folder))


def discover(folder: Path | Url, config: Config) -> list:
    """Every file under ``folder`` whose name ends in one of ``config.suffixes``, in a stable
    order (by relative path, code point order), whatever order the file system lists them.
    Hidden files and folders (a leading dot) are skipped, and results folders this tool wrote
    (they hold its manifest); links to folders are not followed. ``folder`` may be an
    :class:`Url`."""
    if isinstance(folder, Url):
        return _discover_url(folder, config)
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        if RESULTS_MANIFEST in filenames and Path(dirpath) != Path(folder):
            dirnames[:] = []  # a results folder of ours: never read back as input
            continue
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith("."):
                continue
            if name.lower().endswith(config.suffixes):
                found.append(Path(dirpath) / name)
    return sorted(found, key=lambda p: relative_id(p, folder))


def relative_id(path: Path | Url, folder: Path | Url) -> str:
    """A file's id: its path under the folder. A name that is not valid UTF-8 (the file
    system holds bytes) keeps its odd bytes as ``\\xNN`` escapes, so that every id can be
    written to JSON and HTML."""
    if isinstance(path, Url):
        return path[len(folder.rstrip("/")):].lstrip("/")
    rel = path.relative_to(folder).as_posix()
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        rel = os.fsencode(rel).decode("utf-8", "backslashreplace")
    return rel


def read_bytes(path: Path, folder: Path, config: Config) -> bytes | ReadError:
    """The bytes of one file, read only if it is a regular file inside ``folder`` (a link
    that leads out of it only with ``config.follow_links``) and within the size limit.
    Never blocks (a FIFO is refused, not opened for a writer that never comes) and never
    raises for a bad file."""
    fid = relative_id(path, folder)
    if isinstance(path, Url):
        return _read_url(path, fid, config)
    try:
        if path.is_symlink():
            target = Path(os.path.realpath(path))
            inside = target.is_relative_to(Path(os.path.realpath(folder)))
            if not inside and not config.follow_links:
                return ReadError(fid, ErrorKind.LINK, "a link to a file outside the folder "
                                 "(not read; --follow-links reads it)")
        # never wait for a writer (a FIFO); bytes as they are (Windows' text mode is not)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) |
                     getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return ReadError(fid, ErrorKind.UNREADABLE, exc.strerror or str(exc))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            what = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a device or socket"
            return ReadError(fid, ErrorKind.NOT_A_FILE, f"{what}, not a regular file")
        if st.st_size > config.max_file_bytes:
            return ReadError(fid, ErrorKind.TOO_LARGE, f"{st.st_size} bytes, more than the "
                             f"limit of {config.max_file_bytes} (max_file_bytes)")
        chunks, got = [], 0
        while got <= config.max_file_bytes:
            chunk = os.read(fd, min(1 << 20, config.max_file_bytes + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > config.max_file_bytes:  # it grew while being read
            return ReadError(fid, ErrorKind.TOO_LARGE, f"more than the limit of "
                             f"{config.max_file_bytes} bytes (max_file_bytes)")
        return b"".join(chunks)
    except OSError as exc:
        return ReadError(fid, ErrorKind.UNREADABLE, exc.strerror or str(exc))
    finally:
        os.close(fd)


def _read_url(url: Url, fid: str, config: Config) -> bytes | ReadError:
    """As :func:`read_bytes` for a file named by a URL: only a regular file is opened (a
    FIFO would block), and a link only with ``follow_links``."""
    try:
        fs, path = _fs(url)
        info = fs.info(path)
        if info.get("islink") and not config.follow_links:
            return ReadError(fid, ErrorKind.LINK, "a link (in a folder named by a URL, read "
                             "only with --follow-links)")
        if info.get("type") != "file":
            return ReadError(fid, ErrorKind.NOT_A_FILE, "not a regular file")
        size = info.get("size")
        if size is not None and size > config.max_file_bytes:
            return ReadError(fid, ErrorKind.TOO_LARGE, f"{size} bytes, more than the limit of "
                             f"{config.max_file_bytes} (max_file_bytes)")
        with fs.open(path, "rb") as fh:
            data = fh.read(config.max_file_bytes + 1)
    except (OSError, ValueError) as exc:
        return ReadError(fid, ErrorKind.UNREADABLE, str(exc) or type(exc).__name__)
    if len(data) > config.max_file_bytes:
        return ReadError(fid, ErrorKind.TOO_LARGE, f"more than the limit of "
                         f"{config.max_file_bytes} bytes (max_file_bytes)")
    return data


def read_source(path: Path, folder: Path, config: Config) -> Source | ReadError:
    """Read and decode one file. Never raises for a bad file: returns a :class:`ReadError`."""
    data = read_bytes(path, folder, config)
    if isinstance(data, ReadError):
        return data
    return decode(relative_id(path, folder), data)


def decode(fid: str, data: bytes) -> Source | ReadError:
    if not data.strip():
        what = "no bytes" if not data else "only white space"
        return ReadError(fid, ErrorKind.EMPTY, f"the file holds {what}")
    text, encoding, guessed = _decode_bytes(data)
    if text is None:
        if b"\x00" in data[:8192]:
            return ReadError(fid, ErrorKind.BINARY, "binary data (NUL bytes), not text")
        return ReadError(
            fid, ErrorKind.ENCODING, "not UTF-8, UTF-16/32 with a byte-order mark, GB18030 "
            "or an encoding the detector can tell"
        )
    warnings: list[str] = []
    if guessed:
        warnings.append(f"encoding guessed as {encoding} (not UTF-8 or GB18030); check the text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ReadError(fid, ErrorKind.EMPTY, "the file holds only white space")
    # a man-page renderer's overstrike (X\bX bold, _\bX underline) is the letter once
    text, struck = _OVERSTRIKE.subn(r"\1", text)
    bad = _control_share(text)
    if bad > 0.01:
        return ReadError(fid, ErrorKind.BINARY, f"binary data ({bad:.0%} control characters)")
    text, stray = _STRAY.subn("", text)
    if struck or stray:
        what = [count(struck, "overstruck letter")] if struck else []
        what += [count(stray, "control character")] if stray else []
        warnings.append(f"removed {' and '.join(what)}")
    return Source.from_text(fid, text, encoding, hashlib.sha256(data).hexdigest(),
                            tuple(warnings))


_OVERSTRIKE = re.compile(r"(?:.\x08)+(.)")  # bold, underline, bold underline
# controls with no place in text (tab, newline and form feed stay: cleaning reads them)
_STRAY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _decode_bytes(data: bytes) -> tuple[str | None, str, bool]:
    """The text, the encoding and whether the encoding is a guess."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                return None, name, False
            return text.lstrip("\ufeff"), name, False
    if b"\x00" in data:
        # UTF-16 without a BOM, or binary: neither is asked of us, and guessing is how
        # mojibake is made
        return None, "", False
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _looks_like_text(text) and not _latin_read_as_cjk(text):
        return text, "gb18030", False
    return _detect(data)


_HAN_IN_LATIN = re.compile(f"(?<=[A-Za-z])[{HAN}](?=[A-Za-z])")


def _latin_read_as_cjk(text: str) -> bool:
    """GB18030 reads a Latin accented letter and the ASCII letter after it as one Han
    character ("Müller" in Latin-1 becomes "M黮ler"): Han characters that mostly stand
    alone between ASCII letters are such pairs, not Chinese."""
    han = len(HAN_RE.findall(text))
    return han > 0 and len(_HAN_IN_LATIN.findall(text)) >= 0.2 * han


def _detect(data: bytes) -> tuple[str | None, str, bool]:
    """A maintained detector's best guess (charset-normalizer), taken only when it reads as
    text and does not turn Latin letters into Han characters."""
    from charset_normalizer import from_bytes

    for match in from_bytes(data):
        name = match.encoding
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_like_text(text) and not _latin_read_as_cjk(text):
            return text, name, True
    return None, "", False


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
