"""The read stage: finding the edition files in a folder, decoding them, and reporting the
files that cannot be read as one-line errors instead of raising."""

from __future__ import annotations

import codecs
import hashlib
import os
import random
from dataclasses import replace
from pathlib import Path

import pytest

from reconcile.config import Config
from reconcile.read import discover, read_source
from reconcile.records import ErrorKind, ReadError, Source

TEXT = "政府工作报告。大盂产业新城\n第二行 with ASCII, 123。\n"


def _read(
    tmp_path: Path, name: str, data: bytes, config: Config | None = None
) -> Source | ReadError:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return read_source(path, tmp_path, config or Config())


def _source(got: Source | ReadError) -> Source:
    assert isinstance(got, Source), f"expected a Source, got {got!r}"
    return got


def _error(got: Source | ReadError) -> ReadError:
    assert isinstance(got, ReadError), f"expected a ReadError, got {got!r}"
    return got


def _same_codec(a: str, b: str) -> bool:
    return codecs.lookup(a).name == codecs.lookup(b).name


# --- decoding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param(TEXT.encode("utf-8"), "utf-8", id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig", id="utf-8-bom"),
        pytest.param(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16", id="utf-16-le-bom"),
        pytest.param(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16", id="utf-16-be-bom"),
        pytest.param(codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32", id="utf-32-le-bom"),
        pytest.param(codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"), "utf-32", id="utf-32-be-bom"),
        pytest.param(TEXT.encode("gb18030"), "gb18030", id="gb18030"),
    ],
)
def test_every_supported_encoding_decodes_to_the_same_text_and_names_its_encoding(
    tmp_path: Path, data: bytes, encoding: str
) -> None:
    src = _source(_read(tmp_path, "a.txt", data))
    assert src.text == TEXT
    assert "\ufeff" not in src.text
    assert _same_codec(src.encoding, encoding), src.encoding
    assert src.id == "a.txt"


def test_gb18030_bytes_are_not_valid_utf8_so_the_fallback_is_really_exercised() -> None:
    # Guards the test above: if the sample were valid UTF-8 it would prove nothing.
    with pytest.raises(UnicodeDecodeError):
        TEXT.encode("gb18030").decode("utf-8")


def test_utf8_bom_is_not_left_in_the_text(tmp_path: Path) -> None:
    src = _source(_read(tmp_path, "a.txt", codecs.BOM_UTF8 + "第一段".encode("utf-8")))
    assert src.text == "第一段"
    assert src.position(0) == (1, 1)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_crlf_and_lone_cr_newlines_become_lf(tmp_path: Path, encoding: str) -> None:
    raw = "第一行\r\n第二行\r第三行\r\n\r\n第五行\r"
    src = _source(_read(tmp_path, "a.txt", raw.encode(encoding)))
    assert src.text == "第一行\n第二行\n第三行\n\n第五行\n"
    assert "\r" not in src.text


def test_sha256_is_of_the_file_bytes_not_the_decoded_text(tmp_path: Path) -> None:
    data = "甲\r\n乙".encode("gb18030")
    src = _source(_read(tmp_path, "a.txt", data))
    assert src.sha256 == hashlib.sha256(data).hexdigest()


# --- errors -----------------------------------------------------------------------------------


def test_zero_byte_file_is_an_empty_error(tmp_path: Path) -> None:
    assert _error(_read(tmp_path, "e.txt", b"")).kind is ErrorKind.EMPTY


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"  \n\t\r\n  ", id="ascii-space"),
        pytest.param("\u3000\u3000\n\u3000".encode("utf-8"), id="ideographic-space"),
        pytest.param(codecs.BOM_UTF16_LE + " \n\t".encode("utf-16-le"), id="utf-16-space"),
        pytest.param(codecs.BOM_UTF8 + b"\n\n", id="utf-8-bom-then-newlines"),
        pytest.param(codecs.BOM_UTF8, id="utf-8-bom-only"),
        pytest.param(codecs.BOM_UTF16_BE, id="utf-16-bom-only"),
    ],
)
def test_whitespace_only_file_is_an_empty_error(tmp_path: Path, data: bytes) -> None:
    assert _error(_read(tmp_path, "w.txt", data)).kind is ErrorKind.EMPTY


def test_png_bytes_with_nuls_are_a_binary_error(tmp_path: Path) -> None:
    rng = random.Random(7)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(512))
    assert b"\x00" in png
    assert _error(_read(tmp_path, "image.txt", png)).kind is ErrorKind.BINARY


def test_high_bytes_that_are_neither_utf8_nor_plausible_gb18030_are_an_error(
    tmp_path: Path,
) -> None:
    data = bytes(range(0x80, 0x100)) * 20
    err = _error(_read(tmp_path, "hi.txt", data))
    assert err.kind in (ErrorKind.ENCODING, ErrorKind.BINARY)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_random_bytes_without_nul_are_an_error_not_mojibake(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    data = bytes(rng.randrange(1, 256) for _ in range(4096))
    assert b"\x00" not in data
    err = _error(_read(tmp_path, "r.txt", data))
    assert err.kind in (ErrorKind.ENCODING, ErrorKind.BINARY)


def test_file_over_max_file_bytes_is_too_large_and_one_at_the_limit_is_read(tmp_path: Path) -> None:
    config = replace(Config(), max_file_bytes=10)
    err = _error(_read(tmp_path, "big.txt", b"a" * 11, config))
    assert err.kind is ErrorKind.TOO_LARGE
    assert "10" in err.message
    src = _source(_read(tmp_path, "fits.txt", b"a" * 10, config))
    assert src.text == "a" * 10


def test_dangling_symlink_is_an_unreadable_error(tmp_path: Path) -> None:
    link = tmp_path / "x.txt"
    link.symlink_to(tmp_path / "does-not-exist.txt")
    err = _error(read_source(link, tmp_path, Config()))
    assert err.kind is ErrorKind.UNREADABLE
    assert err.file == "x.txt"


def test_error_line_names_the_relative_file_and_the_kind(tmp_path: Path) -> None:
    err = _error(_read(tmp_path, "sub/dir/empty.txt", b""))
    line = err.line()
    assert err.file == "sub/dir/empty.txt"
    assert "sub/dir/empty.txt" in line
    assert "empty" in line.replace("sub/dir/empty.txt", "")
    assert str(tmp_path) not in line
    assert "\n" not in line


def test_error_to_dict_uses_the_kind_value(tmp_path: Path) -> None:
    err = _error(_read(tmp_path, "big.txt", b"abcdef", replace(Config(), max_file_bytes=1)))
    assert err.to_dict()["kind"] == "too-large"
    assert err.to_dict()["file"] == "big.txt"


# --- positions --------------------------------------------------------------------------------


def test_position_is_one_based_line_and_column_in_code_points() -> None:
    text = "第一行abc\n\n政府工作报告\nx"
    src = Source.from_text("t.txt", text, "utf-8", "0" * 64)
    assert src.position(0) == (1, 1)
    assert src.position(3) == (1, 4)  # 'a' after three CJK characters: code points, not bytes
    assert src.position(6) == (1, 7)  # the newline ending line 1
    assert src.position(7) == (2, 1)  # the empty line's start (its newline)
    assert src.position(8) == (3, 1)  # line start
    assert src.position(12) == (3, 5)  # '报'
    assert src.position(14) == (3, 7)  # the newline ending line 3
    assert src.position(15) == (4, 1)  # 'x'
    assert text[12] == "报" and text[15] == "x"


def test_position_counts_lines_of_the_original_crlf_file(tmp_path: Path) -> None:
    src = _source(_read(tmp_path, "a.txt", "甲乙\r\n丙丁\r\n\r\n戊".encode("gb18030")))
    assert src.text == "甲乙\n丙丁\n\n戊"
    assert src.position(src.text.index("丙")) == (2, 1)
    assert src.position(src.text.index("丁")) == (2, 2)
    assert src.position(src.text.index("戊")) == (4, 1)


def test_position_of_a_non_bmp_character_counts_one_column(tmp_path: Path) -> None:
    # U+20000 is one code point (two UTF-16 units, four UTF-8 bytes).
    src = _source(_read(tmp_path, "a.txt", "\U00020000甲".encode("utf-16")))
    assert src.text == "\U00020000甲"
    assert src.position(1) == (1, 2)


# --- discover ---------------------------------------------------------------------------------


def _touch(root: Path, rel: str) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("正文。", encoding="utf-8")


def _ids(paths: list[Path], folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in paths]


def test_discover_takes_only_txt_and_md_in_any_case(tmp_path: Path) -> None:
    for rel in ["a.txt", "b.md", "C.TXT", "d.Md", "e.rst", "f.txt.bak", "g.text", "README",
                "h.md~", "i.html", "txt", "j.mdx"]:
        _touch(tmp_path, rel)
    (tmp_path / "dir.txt").mkdir()  # a folder named like a file is not a file
    assert _ids(discover(tmp_path, Config()), tmp_path) == ["C.TXT", "a.txt", "b.md", "d.Md"]


def test_discover_recurses_into_subfolders(tmp_path: Path) -> None:
    for rel in ["top.txt", "sub/a.txt", "sub/deeper/b.md", "other/c.txt"]:
        _touch(tmp_path, rel)
    assert _ids(discover(tmp_path, Config()), tmp_path) == [
        "other/c.txt", "sub/a.txt", "sub/deeper/b.md", "top.txt",
    ]


def test_discover_skips_hidden_files_and_hidden_folders(tmp_path: Path) -> None:
    for rel in ["seen.txt", ".hidden.txt", ".git/x.txt", "sub/.cache/y.md", "sub/.z.md",
                "sub/ok.md"]:
        _touch(tmp_path, rel)
    assert _ids(discover(tmp_path, Config()), tmp_path) == ["seen.txt", "sub/ok.md"]


def test_discover_sorts_by_relative_posix_path_whatever_the_creation_order(tmp_path: Path) -> None:
    # Code point order of the posix path: '-' < '.' < '/' < 'A' < 'a'. A sort by path parts
    # would put "a/b.txt" before "a.txt"; a sort by name alone would mix the folders.
    names = ["a/b.txt", "a.txt", "a-b.txt", "B.txt", "b.txt", "a/a.txt", "z/a.txt", "ab.txt"]
    expected = sorted(names)
    assert expected == ["B.txt", "a-b.txt", "a.txt", "a/a.txt", "a/b.txt", "ab.txt", "b.txt",
                        "z/a.txt"]
    for folder, order in [(tmp_path / "forward", names), (tmp_path / "backward", names[::-1])]:
        for rel in order:
            _touch(folder, rel)
        assert _ids(discover(folder, Config()), folder) == expected


def test_discover_order_does_not_depend_on_the_file_system_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for rel in ["b.txt", "a.txt", "s/d.txt", "s/c.txt", "r/e.txt"]:
        _touch(tmp_path, rel)
    real_walk = os.walk

    def reversed_walk(top, *args, **kwargs):  # type: ignore[no-untyped-def]
        for dirpath, dirnames, filenames in real_walk(top, *args, **kwargs):
            dirnames.sort(reverse=True)
            filenames = sorted(filenames, reverse=True)
            yield dirpath, dirnames, filenames

    monkeypatch.setattr(os, "walk", reversed_walk)
    assert _ids(discover(tmp_path, Config()), tmp_path) == [
        "a.txt", "b.txt", "r/e.txt", "s/c.txt", "s/d.txt",
    ]


def test_discover_reads_a_folder_that_is_inside_a_hidden_one(tmp_path: Path) -> None:
    folder = tmp_path / ".archive" / "in"
    _touch(folder, "a.txt")
    _touch(folder, "sub/b.md")
    assert _ids(discover(folder, Config()), folder) == ["a.txt", "sub/b.md"]


def test_ids_of_read_files_are_relative_posix_paths(tmp_path: Path) -> None:
    _touch(tmp_path, "sub/a.txt")
    _touch(tmp_path, "sub/inner/b.md")
    got = [read_source(p, tmp_path, Config()) for p in discover(tmp_path, Config())]
    assert [_source(g).id for g in got] == ["sub/a.txt", "sub/inner/b.md"]
