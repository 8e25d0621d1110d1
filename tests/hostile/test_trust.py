"""Hostile inputs and hostile surroundings: what `reconcile run` must never do whatever it is
pointed at (delete what is not its own, publish what was not asked, block, lose a run to one
bad name, leave half a result, render markup it did not mean). Each test failed before the
fix it holds."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reconcile.config import Config
from reconcile.output import MANIFEST, OutputError, write
from reconcile.pipeline import run

TEXT = ("春天来了，田野里的油菜花开得金灿灿的，蜜蜂在花丛中忙碌地飞来飞去。\n"
        "孩子们在河边放风筝，清脆的笑声随着春风传得很远很远。\n")
OTHER = ("Im Herbst fallen die Blätter von den Bäumen, und der Wind trägt sie über die "
         "Felder bis an den Rand des Waldes.\n")
CONFIG = Config(jobs=1, cache=False)


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reconcile", *args, "--no-cache"],
                          capture_output=True, text=True, env={**os.environ, "CI": "true"},
                          stdin=subprocess.DEVNULL, timeout=timeout)


def _folder(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "a.txt").write_text(TEXT, "utf-8")
    (root / "b.txt").write_text(TEXT.replace("金灿灿", "金闪闪"), "utf-8")
    return root


def _another_tools(out: Path) -> None:
    """A folder another tool wrote, with our file names in it."""
    (out / "works" / "essay").mkdir(parents=True)
    (out / "works" / "essay" / "canonical.txt").write_text("theirs", "utf-8")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


# --- 1. deleting what is not ours ----------------------------------------------------------


def test_out_pointed_at_the_input_folder_is_refused_and_deletes_nothing(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "in")
    before = _tree(folder)
    got = _cli("run", str(folder), "--out", str(folder))
    assert got.returncode == 2 and str(folder) in got.stderr
    assert _tree(folder) == before


def test_a_folder_of_another_tool_is_refused_and_kept_whole_even_with_force(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "in")
    site = tmp_path / "site"
    _another_tools(site)
    (site / "index.html").write_text("<p>their site</p>", "utf-8")
    before = _tree(site)
    got = _cli("run", str(folder), "--out", str(site))
    assert got.returncode == 2 and "did not write" in got.stderr and "--force" in got.stderr
    assert _tree(site) == before
    # --force writes beside their files but never over one of them
    forced = _cli("run", str(folder), "--out", str(site), "--force")
    assert forced.returncode == 2 and "would overwrite index.html" in forced.stderr
    assert _tree(site) == before


def test_force_beside_foreign_files_replaces_only_what_the_last_run_wrote(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "in")
    out = tmp_path / "out"
    _another_tools(out)
    assert _cli("run", str(folder), "--out", str(out), "--force").returncode == 0
    first = json.loads((out / MANIFEST).read_text("utf-8"))["files"]
    (folder / "b.txt").unlink()
    (folder / "c.txt").write_text(OTHER, "utf-8")
    assert _cli("run", str(folder), "--out", str(out), "--force").returncode == 0
    second = set(json.loads((out / MANIFEST).read_text("utf-8"))["files"])
    assert (out / "works" / "essay" / "canonical.txt").read_text("utf-8") == "theirs"
    for rel in set(first) - second:
        assert not (out / rel).exists()
    assert all((out / rel).is_file() for rel in second)


def test_results_inside_the_input_folder_are_never_read_back(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "in")
    out = folder / "results"
    counts = []
    for _ in range(3):
        got = _cli("run", str(folder), "--out", str(out))
        assert got.returncode == 0, got.stderr
        s = json.loads((out / "summary.json").read_text("utf-8"))
        counts.append(sorted(f["file"] for w in s["works"] for x in w["witnesses"]
                             for f in x["files"]))
    assert counts[0] == counts[1] == counts[2] == ["a.txt", "b.txt"]


# --- 2. the output is replaced as a whole --------------------------------------------------


def test_a_crash_while_writing_leaves_the_last_results_whole(tmp_path: Path, monkeypatch) -> None:
    folder = _folder(tmp_path / "in")
    out = tmp_path / "out"
    write(run(folder, CONFIG), out)
    before = _tree(out)
    (folder / "c.txt").write_text(OTHER, "utf-8")
    result = run(folder, CONFIG)
    import reconcile.output as output

    calls = {"n": 0}
    real = output._write_plain

    def dying(path: Path, text: str, **kw) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # the run is killed halfway through the write
        real(path, text, **kw)
    monkeypatch.setattr(output, "_write_plain", dying)
    with pytest.raises(KeyboardInterrupt):
        write(result, out)
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "in", "out"]


def test_a_second_writer_is_refused_while_the_first_holds_the_folder(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "in")
    out = tmp_path / "out"
    result = run(folder, CONFIG)
    with open(tmp_path / ".out.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(OutputError, match="another reconcile run"):
            write(result, out)
    assert not out.exists()
    write(result, out)
    assert (out / "summary.json").is_file()


# --- 3. reading what was not asked ----------------------------------------------------------


def test_links_out_of_the_folder_fifos_and_devices_are_refused_not_read(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "in")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n" * 20, "utf-8")
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.txt")
    got = _cli("run", str(folder), "--out", str(tmp_path / "out"), timeout=60)
    assert got.returncode == 0, got.stderr
    s = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    kinds = {e["file"]: e["kind"] for e in s["errors"]}
    assert kinds == {"passwd.txt": "link", "zero.txt": "link", "pipe.txt": "not-a-file"}
    assert "root:x" not in "".join(p.read_text("utf-8") for p in (tmp_path / "out").rglob("*.txt"))
    for name in ("passwd.txt", "zero.txt", "pipe.txt"):
        assert sum(name in line for line in got.stderr.splitlines()) == 1
    # a link that stays inside the folder is an ordinary file; --follow-links reads the rest
    (folder / "again.txt").symlink_to(folder / "a.txt")
    (folder / "zero.txt").unlink()
    (folder / "pipe.txt").unlink()
    follow = run(folder, Config(jobs=1, cache=False, follow_links=True))
    assert {r.witness.id for r in follow.records} == {"a.txt", "b.txt", "again.txt", "passwd.txt"}


# --- 5. one bad name ------------------------------------------------------------------------


def test_names_the_file_system_holds_never_end_the_run(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "in")
    raw = os.fsencode(str(folder)) + b"/caf\xe9-\x1b[31m.txt"
    with open(raw, "wb") as fh:
        fh.write(OTHER.encode("utf-8"))
    deep = folder / ("政府工作报告全文" * 4) / ("第一部分摘要" * 4)
    deep.mkdir(parents=True)
    (deep / ("太原市人民政府二〇二三年政府工作报告摘登" * 3 + ".txt")).write_text(
        OTHER.replace("Herbst", "Winter"), "utf-8")
    got = _cli("run", str(folder), "--out", str(tmp_path / "out"))
    assert got.returncode == 0, got.stderr
    assert "\x1b" not in got.stderr
    s = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    files = {f["file"] for w in s["works"] for x in w["witnesses"] for f in x["files"]}
    assert "caf\\xe9-\x1b[31m.txt" in files
    for w in s["works"]:
        assert len(w["id"].encode("utf-8")) <= 100
        assert (tmp_path / "out" / w["canonical"]).is_file()


# --- 8. injection through notes.md ----------------------------------------------------------


def test_notes_md_renders_no_markup_it_did_not_mean(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    base = "The committee met on Monday and agreed the plan for the new bridge over the river."
    (folder / "a`b.txt").write_text(base.replace("agreed", 'agreed <img src="https://x.io/t.png">'),
                                    "utf-8")
    (folder / "c.txt").write_text(base.replace("agreed", "agreed [x](https://x.io)"), "utf-8")
    (folder / "d.txt").write_text(base, "utf-8")
    out = tmp_path / "out"
    write(run(folder, CONFIG), out)
    (md,) = list(out.rglob("notes.md"))
    text = md.read_text("utf-8")
    assert "<img" not in text and "](https" not in text and "https://" not in text
    assert "``a`b.txt``" in text


# --- 7. control files -----------------------------------------------------------------------


@pytest.mark.parametrize("content, field", [
    ("[]", "the file"),
    ('{"decisions": [{"note": "n1", "reading": 7}]}', "$.decisions[0].reading"),
    ('{"decisions": [{"reading": "x"}]}', "$.decisions[0]"),
    ('{"decisions": [{"note": "n1", "reading": "x", "colour": "red"}]}', "$.decisions[0]"),
    ("{not json", "invalid JSON"),
])
def test_a_bad_decisions_file_is_one_line_naming_the_field(tmp_path: Path, content: str,
                                                           field: str) -> None:
    folder = _folder(tmp_path / "in")
    (folder / "reconcile-decisions.json").write_text(content, "utf-8")
    got = _cli("run", str(folder), "--out", str(tmp_path / "out"))
    assert got.returncode == 2 and "Traceback" not in got.stderr
    (line,) = got.stderr.strip().splitlines()
    assert "reconcile-decisions.json" in line and field in line


def test_a_baseline_with_a_field_of_the_wrong_type_is_one_line_naming_it(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "in")
    base = tmp_path / "base.json"
    assert _cli("baseline", str(folder), "-o", str(base)).returncode == 0
    data = json.loads(base.read_text("utf-8"))
    data["notes"].append({"work": ["a", "list"], "id": "n0", "chosen": "x", "readings": []})
    base.write_text(json.dumps(data), "utf-8")
    got = _cli("check", str(folder), "-b", str(base))
    assert got.returncode == 2 and "Traceback" not in got.stderr
    (line,) = got.stderr.strip().splitlines()
    assert "base.json" in line and f"$.notes[{len(data['notes']) - 1}].work" in line


# --- 4. silent garbage ----------------------------------------------------------------------


def test_latin_1_and_big5_are_read_as_what_they_are_and_the_guess_is_said(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    german = "Herr Müller ist größer als die anderen Männer in der Straße am Fluß.\n" * 3
    chinese = ("太原市人民政府工作報告。過去一年，我們堅持穩中求進工作總基調，經濟社會發展取得新成效。"
               "全市地區生產總值增長百分之五，城鄉居民收入穩步提高。\n") * 2
    (folder / "de.txt").write_bytes(german.encode("latin-1"))
    (folder / "tw.txt").write_bytes(chinese.encode("big5"))
    out = tmp_path / "out"
    got = _cli("run", str(folder), "--out", str(out))
    assert got.returncode == 0, got.stderr
    s = json.loads((out / "summary.json").read_text("utf-8"))
    texts = "".join((out / w["canonical"]).read_text("utf-8") for w in s["works"])
    assert "Müller" in texts and "größer" in texts and "堅持穩中求進" in texts
    warned = {w["file"] for w in s["warnings"] if "encoding guessed" in w["message"]}
    assert warned == {"de.txt", "tw.txt"}
    assert sum("de.txt" in line and "guessed" in line for line in got.stderr.splitlines()) == 1


def test_a_man_page_with_overstrike_and_a_form_feed_is_read_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    page = ("N\bNA\bAM\bME\bE\n     ls - list directory contents\n\f\n"
            "D\bDE\bES\bSC\bCR\bRI\bIP\bPT\bTI\bIO\bON\bN\n     List information about the "
            "FILEs (the current directory by default).\n")
    (folder / "ls.txt").write_text(page, "utf-8")
    result = run(folder, CONFIG)
    assert not result.errors
    (rec,) = result.records
    assert "NAME" in rec.witness.source.text and "\b" not in rec.witness.source.text
    assert any("overstruck" in m for _, m in result.warnings())


# --- 6. losing characters -------------------------------------------------------------------


def test_the_cleaner_records_what_it_removes_and_keeps_text_that_only_looks_like_a_tag() -> None:
    from reconcile.clean import clean
    from reconcile.records import Source

    text = "Price: a<b and c>d holds.<br> See <p class=\"x\">this</p>.\n\n**Bold** here.\n\n……\n"
    w = clean(Source.from_text("x.txt", text, "utf-8", "0" * 64))
    assert "a<b and c>d" in w.text
    kept = set(w.text)
    for ch in set(text) - kept - set(" \n"):
        # every character that is gone is inside a recorded removal
        assert any(ch in r.text for r in w.removals), ch
    assert {r.text for r in w.removals if r.kind == "markup"} >= {"<br>", "</p>", "**"}
    # a file of punctuation only keeps it: that is its text
    (only,) = run_text("。，、！……")
    assert only == "。，、！……"


def run_text(text: str) -> list[str]:
    from reconcile.clean import clean
    from reconcile.records import Source

    return [clean(Source.from_text("p.txt", text + "\n", "utf-8", "0" * 64)).text]


# --- 2. (cont.) pool workers die with the run ----------------------------------------------


def _children(pid: int) -> set[int]:
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.add(int(d.name))
    return out


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
def test_pool_workers_die_when_the_run_is_killed(tmp_path: Path) -> None:
    import signal
    import time

    from .. import synth

    folder = tmp_path / "in"
    folder.mkdir()
    for k in range(400):
        (folder / f"f{k:03}.txt").write_text(synth.render(synth.report(k, paragraphs=30), "cjk"),
                                            "utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "reconcile", "run", str(folder), "--out",
                             str(tmp_path / "out"), "--jobs", "2", "--no-cache", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 60
        while not workers and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            workers = _children(proc.pid)
        if not workers:
            pytest.skip("the run ended before its pool started")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        alive = workers
        while alive and time.monotonic() < deadline:
            time.sleep(0.1)
            alive = {p for p in alive if Path(f"/proc/{p}").exists() and
                     (Path(f"/proc/{p}") / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"}
        assert not alive, f"pool workers outlived the run: {sorted(alive)}"
    finally:
        if proc.poll() is None:
            proc.kill()


# --- 1. (cont.) found by review ----------------------------------------------------------------


def test_force_never_writes_through_a_link_inside_the_results_folder(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "in")
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "theirs.txt").write_text("theirs", "utf-8")
    (out / "works").symlink_to(outside, target_is_directory=True)
    before = _tree(outside)
    with pytest.raises(OutputError, match="works"):
        write(run(folder, CONFIG), out, force=True)
    assert _tree(outside) == before == {}


def test_dot_as_the_results_folder_and_a_file_browsers_files_are_no_obstacle(
        tmp_path: Path, monkeypatch) -> None:
    folder = _folder(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    write(run(folder, CONFIG), Path("."))
    (out / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    write(run(folder, CONFIG), Path("."))  # a Finder's file is neither ours nor refused
    assert (out / ".DS_Store").read_bytes() == b"\x00\x00\x00\x01Bud1"
    assert (out / "summary.json").is_file()


def test_an_empty_folder_a_person_made_in_the_results_is_not_ours_to_remove(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "in")
    out = tmp_path / "out"
    write(run(folder, CONFIG), out)
    (out / "my-notes").mkdir()
    with pytest.raises(OutputError, match="my-notes"):
        write(run(folder, CONFIG), out)
    assert (out / "my-notes").is_dir()
