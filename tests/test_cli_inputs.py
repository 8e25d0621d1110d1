"""The command line on bad input, run as CI runs it: a child process, no TTY, CI=true.

A folder with unreadable files still gives a result (exit 0) and one stderr line per bad
file; a folder that does not exist or holds nothing readable is a usage error (exit 2).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from reconcile.cli import app

GB_TEXT = (
    "政府工作报告指出，今年经济运行总体平稳，主要预期目标顺利完成。"
    "全年城镇新增就业一千二百多万人，城镇调查失业率保持在较低水平。"
    "我们坚持稳中求进工作总基调，推动高质量发展取得新的成效。\n"
)
U16_TEXT = (
    "大盂产业新城位于太原市北部，规划面积一百多平方公里。"
    "新城重点发展新材料、高端装备制造和现代物流等产业。"
    "目前已有数十家企业签约入驻，一批重大项目相继开工建设。\n"
)
PLAIN_TEXT = (
    "春天来了，山坡上的桃花开得正艳，远远望去像一片粉色的云。"
    "村民们趁着好天气下地春耕，田野里到处是一片繁忙的景象。"
    "孩子们在河边放风筝，清脆的笑声随着春风传得很远很远。\n"
)


def _run(folder: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reconcile", "run", str(folder), "--out", str(out)],
        capture_output=True, text=True, env={**os.environ, "CI": "true"},
        stdin=subprocess.DEVNULL, timeout=60,
    )


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory: pytest.TempPathFactory):
    """One run over a folder of two bad and three good files (shared: it costs a process)."""
    root = tmp_path_factory.mktemp("mixed")
    folder = root / "in"
    folder.mkdir()
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 2
    (folder / "bin.txt").write_bytes(png)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "gb.txt").write_bytes(GB_TEXT.encode("gb18030"))
    (folder / "u16.md").write_bytes(U16_TEXT.encode("utf-16"))  # with a BOM
    (folder / "plain.txt").write_bytes(PLAIN_TEXT.encode("utf-8"))
    assert (folder / "u16.md").read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    before = _hashes(folder)
    out = root / "out"
    proc = _run(folder, out)
    return folder, out, proc, before


def test_unreadable_files_do_not_fail_the_run(mixed_run) -> None:
    _, _, proc, _ = mixed_run
    assert proc.returncode == 0, proc.stderr


def test_each_bad_file_gets_exactly_one_stderr_line_saying_what_is_wrong(mixed_run) -> None:
    _, _, proc, _ = mixed_run
    lines = _lines(proc.stderr)
    bin_lines = [line for line in lines if "bin.txt" in line]
    empty_lines = [line for line in lines if "empty.txt" in line]
    assert len(bin_lines) == 1, proc.stderr
    assert len(empty_lines) == 1, proc.stderr
    assert re.search(r"\bbinary\b", bin_lines[0]), bin_lines[0]
    assert re.search(r"\bempty\b", empty_lines[0].replace("empty.txt", "")), empty_lines[0]
    # the readable files are not reported as errors
    for name in ("gb.txt", "u16.md", "plain.txt"):
        assert not any(name in line for line in lines), proc.stderr


def test_bad_input_prints_no_traceback(mixed_run) -> None:
    _, _, proc, _ = mixed_run
    assert "Traceback" not in proc.stderr
    assert "Traceback" not in proc.stdout


def test_summary_lists_exactly_the_two_bad_files_with_their_kinds(mixed_run) -> None:
    _, out, _, _ = mixed_run
    summary_path = out / "summary.json"
    assert summary_path.is_file()
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    errors = {e["file"]: e["kind"] for e in summary["errors"]}
    assert errors == {"bin.txt": "binary", "empty.txt": "empty"}
    assert len(summary["errors"]) == 2


def test_readable_files_in_any_encoding_become_witnesses_of_works(mixed_run) -> None:
    _, out, _, _ = mixed_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    witnesses = [w["id"] for work in summary["works"] for w in work["witnesses"]]
    assert sorted(witnesses) == ["gb.txt", "plain.txt", "u16.md"]


def test_decoded_text_reaches_the_canonical_output(mixed_run) -> None:
    # The GB18030 and UTF-16 files were decoded, not turned into mojibake.
    _, out, _, _ = mixed_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    canon = "".join(
        (out / work["canonical"]).read_text(encoding="utf-8") for work in summary["works"]
    )
    for phrase in ("政府工作报告指出", "大盂产业新城", "山坡上的桃花"):
        assert phrase in canon


def test_the_input_folder_is_left_byte_for_byte_unchanged(mixed_run) -> None:
    folder, _, _, before = mixed_run
    assert _hashes(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == sorted(before)


def test_missing_folder_is_a_usage_error_with_one_line_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    proc = _run(missing, tmp_path / "out")
    assert proc.returncode == 2
    lines = _lines(proc.stderr)
    assert len(lines) == 1, proc.stderr
    assert "no-such-folder" in lines[0]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_folder_holding_only_an_empty_file_is_a_usage_error(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    proc = _run(folder, tmp_path / "out")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = _lines(proc.stderr)
    assert any("empty.txt" in line and "empty" in line.replace("empty.txt", "") for line in lines)
    assert any(str(folder) in line for line in lines), proc.stderr
    assert not (tmp_path / "out" / "summary.json").exists()


# --- help -------------------------------------------------------------------------------------


def _flat(text: str) -> str:
    """Help text without the table borders and line wrapping of rich's layout."""
    text = re.sub(r"[\u2500-\u257f]", " ", text)
    return " ".join(text.split())


def test_help_of_the_app_and_of_run_documents_every_option() -> None:
    runner = CliRunner()
    env = {"COLUMNS": "200", "TERMINAL_WIDTH": "200", "NO_COLOR": "1"}

    top = runner.invoke(app, ["--help"], env=env)
    assert top.exit_code == 0, top.output
    assert "run" in top.output
    assert "Find the editions of one text" in _flat(top.output)

    got = runner.invoke(app, ["run", "--help"], env=env)
    assert got.exit_code == 0, got.output
    flat = _flat(got.output)
    run = typer.main.get_command(app).commands["run"]  # type: ignore[attr-defined]
    options = [p for p in run.params if p.param_type_name == "option"]
    assert {p.name for p in options} >= {"out", "jobs", "edition_min_coverage"}
    for p in options:
        for name in p.opts:
            assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", flat), name
        assert p.help, f"--{p.name} has no help text"
        assert "".join(p.help.split()) in "".join(flat.split()), p.help  # wraps anywhere
