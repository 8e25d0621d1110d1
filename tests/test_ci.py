"""`reconcile` in CI, run as CI runs it: a child process, CI=true, no TTY, stdin closed.

Exit codes (0 clean, 1 a policy found something, 2 usage or input error), baselines and
`check`, `--json` on stdout with the human lines on stderr, no progress bar or colour,
byte-identical output across runs and file orders, help text for every command.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from reconcile import cli
from reconcile.cli import app, want_bar
from reconcile.policy import (BaselineError, FailOn, is_open_tie, load_baseline,
                              parse_fail_on)

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
DIGEST = "002_0eb4157994b25008.txt"  # a digest of the 2023 report (base 001)
# A phrase the digest prints once, well away from any note; its 6th character is replaced
# by one that no seed prints, so the edit makes exactly one new note.
PHRASE = "推进清徐老陈醋专业镇"
EDITED = PHRASE[:5] + "犇" + PHRASE[6:]
ANSI = re.compile(r"\x1b\[|\x1b\]")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


def reconcile(*args: object, cache: Path | None = None, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess[str]:
    """The CLI as CI runs it."""
    environ = {**os.environ, "CI": "true", **(env or {})}
    environ.pop("FORCE_COLOR", None)
    if cache is not None:
        environ["RECONCILE_CACHE_DIR"] = str(cache)
    return subprocess.run([sys.executable, "-m", "reconcile", *map(str, args)],
                          env=environ, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=300)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def copy_seeds(dest: Path, reverse: bool = False) -> Path:
    dest.mkdir(parents=True)
    for p in sorted(SEEDS.iterdir(), reverse=reverse):
        shutil.copyfile(p, dest / p.name)
    return dest


def lines(text: str) -> list[str]:
    return [x for x in text.splitlines() if x.strip()]


# --- exit codes ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def policy_run(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path):
    out = tmp_path_factory.mktemp("policy") / "out"
    proc = reconcile("run", SEEDS, "--out", out, "--fail-on", "review,ties",
                     "--fail-on", "duplicates", "--fail-on", "unreadable", "--json",
                     cache=cache_dir)
    return out, proc


def test_exit_1_when_a_policy_finds_something(policy_run) -> None:
    out, proc = policy_run
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["status"] == "fail" and doc["exit_code"] == 1
    assert doc["fail_on"] == ["review", "ties", "unreadable", "duplicates"]
    # the seeds have notes to review and duplicated text, but read cleanly
    ties = {"ties"} if doc["counts"]["ties"] else set()
    assert {k for k, v in doc["policies"].items() if v["failed"]} == {"review", "duplicates"} | ties
    assert doc["policies"]["unreadable"] == {"failed": False, "count": 0}
    assert doc["policies"]["duplicates"]["count"] == doc["counts"]["duplicates"] > 0
    assert doc["policies"]["review"]["count"] == doc["counts"]["review"] > 0
    fails = [x for x in lines(proc.stderr) if x.startswith("reconcile: fail: ")]
    assert [f.split(":")[2].strip() for f in fails] == ["review"] + sorted(ties) + ["duplicates"]
    # a failing run still writes its results
    assert (out / "summary.json").is_file()


def test_policy_counts_agree_with_the_notes_written(policy_run) -> None:
    out, proc = policy_run
    doc = json.loads(proc.stdout)
    review = ties = 0
    for w in json.loads((out / "summary.json").read_text("utf-8"))["works"]:
        notes = json.loads((out / w["notes"]).read_text("utf-8"))["notes"]
        review += sum(1 for n in notes if n["review"])
        ties += sum(1 for n in notes if is_open_tie(n))
    assert doc["counts"]["review"] == review
    assert doc["counts"]["ties"] == ties == len(doc["findings"].get("ties", []))


def test_exit_0_when_the_policies_find_nothing(tmp_path: Path, cache_dir: Path) -> None:
    proc = reconcile("run", SEEDS, "-o", tmp_path / "out", "--fail-on", "unreadable",
                     cache=cache_dir)
    assert proc.returncode == 0, proc.stderr
    assert "reconcile: passed: unreadable" in proc.stderr


def test_unreadable_files_fail_the_run_only_when_asked(tmp_path: Path, cache_dir: Path) -> None:
    folder = copy_seeds(tmp_path / "in")
    (folder / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    plain = reconcile("run", folder, "-o", tmp_path / "a", cache=cache_dir)
    assert plain.returncode == 0, plain.stderr
    failing = reconcile("run", folder, "-o", tmp_path / "b", "--fail-on", "unreadable",
                        "--json", cache=cache_dir)
    assert failing.returncode == 1, failing.stderr
    doc = json.loads(failing.stdout)
    assert [e["file"] for e in doc["errors"]] == ["scan.txt"]
    assert doc["findings"]["unreadable"][0]["kind"] == "binary"
    assert any("scan.txt" in x and x.startswith("reconcile: fail: unreadable")
               for x in lines(failing.stderr))


@pytest.mark.parametrize("case", ["missing-folder", "nothing-readable", "bad-policy",
                                  "new-without-baseline", "missing-baseline", "not-a-baseline",
                                  "quiet-and-verbose"])
def test_exit_2_for_usage_and_input_errors(case: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("春天来了，山坡上的桃花开得正艳，远远望去像一片粉色的云。\n",
                                  "utf-8")
    junk = tmp_path / "junk.json"
    junk.write_text('{"notes": 3}', "utf-8")
    args: list[object] = {
        "missing-folder": ["run", tmp_path / "nope", "-o", tmp_path / "out"],
        "nothing-readable": ["run", tmp_path / "empty", "-o", tmp_path / "out"],
        "bad-policy": ["run", folder, "-o", tmp_path / "out", "--fail-on", "review,typos"],
        "new-without-baseline": ["run", folder, "-o", tmp_path / "out", "--fail-on", "new"],
        "missing-baseline": ["check", folder, "--baseline", tmp_path / "none.json"],
        "not-a-baseline": ["check", folder, "--baseline", junk],
        "quiet-and-verbose": ["run", folder, "-o", tmp_path / "out", "-q", "-v"],
    }[case]
    if case == "nothing-readable":
        (tmp_path / "empty").mkdir()
        (tmp_path / "empty" / "x.txt").write_bytes(b"")
    proc = reconcile(*args, "--json", "--no-cache")
    assert proc.returncode == 2, (case, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out" / "summary.json").exists()
    if case == "bad-policy":
        assert "typos" in proc.stderr and "not a policy" in proc.stderr
        assert proc.stdout == ""  # the parser refused it: no run, no JSON
    else:
        doc = json.loads(proc.stdout)
        assert doc["status"] == "error" and doc["exit_code"] == 2
        assert doc["error"] in proc.stderr


def test_baseline_file_errors_say_what_is_wrong(tmp_path: Path) -> None:
    p = tmp_path / "b.json"
    for text, msg in [("{", "invalid JSON"), ("[]", "not a baseline"),
                      ('{"format": "reconcile-baseline", "version": 99, "notes": []}', "version")]:
        p.write_text(text, "utf-8")
        with pytest.raises(BaselineError, match=msg):
            load_baseline(p)


def test_an_internal_error_exits_3_not_1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    import reconcile.pipeline

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(reconcile.pipeline, "run", boom)
    monkeypatch.setattr(sys, "argv", ["reconcile", "run", str(SEEDS), "-o", str(tmp_path),
                                      "--no-cache"])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    assert exc.value.code == 3
    err = capsys.readouterr().err
    assert "internal error" in err and "RuntimeError: a bug" in err


# --- baseline and check -------------------------------------------------------------------


@pytest.fixture(scope="module")
def baseline_flow(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path):
    root = tmp_path_factory.mktemp("flow")
    folder = copy_seeds(root / "editions")
    base = root / "reconcile-baseline.json"
    made = reconcile("baseline", folder, "-o", base, "--json", cache=cache_dir)
    same = reconcile("check", folder, "--baseline", base, "--json", cache=cache_dir)
    digest = folder / DIGEST
    text = digest.read_text("utf-8")
    assert text.count(PHRASE) == 1
    digest.write_text(text.replace(PHRASE, EDITED), "utf-8")
    edited = reconcile("check", folder, "--baseline", base, "--json", cache=cache_dir)
    return folder, base, made, same, edited


def test_baseline_records_every_note_by_stable_id(baseline_flow) -> None:
    _, base, made, _, _ = baseline_flow
    assert made.returncode == 0, made.stderr
    doc = json.loads(made.stdout)
    assert doc["outputs"] == {"baseline": str(base)}
    data = load_baseline(base)
    assert len(data["notes"]) == doc["counts"]["notes"] > 0
    for n in data["notes"]:
        assert set(n) == {"work", "id", "kind", "offset", "chosen", "readings", "review"}
        assert all(set(r) == {"text", "witnesses"} for r in n["readings"])
    # one note per line, in a fixed order
    text = base.read_text("utf-8")
    assert sum(1 for x in text.splitlines() if x.startswith('    {"work"')) == len(data["notes"])
    keys = [(n["work"], n["offset"], n["id"]) for n in data["notes"]]
    assert keys == sorted(keys)


def test_check_against_its_own_baseline_is_clean(baseline_flow) -> None:
    _, _, _, same, _ = baseline_flow
    assert same.returncode == 0, same.stderr
    doc = json.loads(same.stdout)
    assert doc["new"] == [] and doc["removed"] == []
    assert doc["baseline"]["unchanged"] == doc["counts"]["notes"]
    assert doc["outputs"] is None  # check writes nothing unless --out is given


def test_an_edited_witness_gives_exactly_the_new_note(baseline_flow) -> None:
    folder, _, _, _, edited = baseline_flow
    assert edited.returncode == 1, edited.stderr
    doc = json.loads(edited.stdout)
    assert doc["baseline"]["new"] == 1 and doc["baseline"]["changed"] == 0
    assert doc["baseline"]["removed"] == 0
    [note] = doc["new"]
    assert note["change"] == "new" and note["work"].startswith("001_")
    carried = {r["text"]: [w["id"] for w in r["witnesses"]] for r in note["readings"]}
    assert carried.get("犇") == [DIGEST]
    assert carried.get("陈") and DIGEST not in carried["陈"]
    # the reading points at the edited character in the file
    [ref] = [w for r in note["readings"] for w in r["witnesses"] if r["text"] == "犇"]
    file_lines = (folder / DIGEST).read_text("utf-8").split("\n")
    assert file_lines[ref["line"] - 1][ref["column"] - 1] == "犇"
    # and people read it on stderr
    err = lines(edited.stderr)
    assert any(x.startswith(f"reconcile: new: {note['work']} {note['id']}") and "犇" in x
               for x in err)
    assert any(x.startswith("reconcile: fail: new: 1 new and 0 changed") for x in err)


def test_check_also_applies_other_policies(baseline_flow, cache_dir: Path) -> None:
    folder, base, _, _, _ = baseline_flow
    proc = reconcile("check", folder, "-b", base, "--fail-on", "duplicates", "--json",
                     cache=cache_dir)
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["fail_on"] == ["new", "duplicates"]
    assert doc["policies"]["duplicates"]["failed"]


def test_compare_tells_changed_from_new() -> None:
    from reconcile.policy import Report, compare, make_baseline

    def note(nid: str, readings: list[tuple[str, list[str]]]) -> dict:
        return {"id": nid, "offset": 5, "length": 1, "kind": "substitution",
                "chosen": readings[0][0], "reason": "", "confidence": 0.5, "review": True,
                "readings": [{"text": t, "witnesses": [{"id": w, "line": 1, "column": 1}
                                                       for w in ws]} for t, ws in readings]}

    before = Report({}, {"w": [note("n1", [("a", ["x"]), ("b", ["y"])]),
                               note("n2", [("c", ["x"]), ("d", ["y"])])]})
    after = Report({}, {"w": [note("n1", [("a", ["x"]), ("b", ["y"])]),
                              note("n2", [("c", ["x"]), ("e", ["y"])]),
                              note("n3", [("f", ["x"]), ("g", ["y"])])]})
    base = json.loads(json.dumps(make_baseline(before)))
    diff = compare(after, base)
    assert [(n["id"], n["change"]) for n in diff.new] == [("n2", "changed"), ("n3", "new")]
    assert diff.unchanged == 1 and diff.removed == []
    assert compare(before, make_baseline(after)).removed[0]["id"] == "n3"


# --- policies -----------------------------------------------------------------------------


def test_fail_on_takes_repeats_and_commas_in_a_fixed_order() -> None:
    assert parse_fail_on(["ties,new", " review ", "new"]) == (FailOn.NEW, FailOn.REVIEW,
                                                             FailOn.TIES)
    assert parse_fail_on([]) == ()
    with pytest.raises(ValueError, match="typo"):
        parse_fail_on(["typo"])


@pytest.mark.parametrize("reason,confidence,counts,expected", [
    ("open tie (关东 / 东关): no evidence either way", 0.5, [1, 1], True),
    ("the tie remains open", 0.9, [2, 1], True),
    ("tie (料 / 护) broken: 料 is printed elsewhere", 0.5, [1, 1], False),
    ("tie (料 / 护): the digest words it differently; the full text's reading is kept", 0.65,
     [1, 1], False),
    ("base witness's reading, carried by 1 of 2 witnesses", 0.5, [1, 1], True),
    ("base witness's reading, carried by 2 of 4 witnesses", 0.5, [2, 2], True),
    ("carried by 1 of 3", 0.33, [1, 1, 1], False),
    ("carried by 2 of 3", 0.67, [2, 1], False),
    ("", 0.5, [0, 1], False),
])
def test_open_ties(reason: str, confidence: float, counts: list[int], expected: bool) -> None:
    note = {"reason": reason, "confidence": confidence,
            "readings": [{"text": str(i), "witnesses": [{"id": f"{i}.{k}"} for k in range(c)]}
                         for i, c in enumerate(counts)]}
    assert is_open_tie(note) is expected


# --- byte-identical output, JSON, quiet CI ------------------------------------------------


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory: pytest.TempPathFactory):
    """Two runs of one folder (cold, then warm cache) and a run of the files copied in the
    other order into a folder of another name, without the cache."""
    root = tmp_path_factory.mktemp("identical")
    cache = root / "cache"
    a = copy_seeds(root / "editions")
    b = copy_seeds(root / "renamed-elsewhere", reverse=True)
    procs = [reconcile("run", a, "-o", root / "out1", "--json", cache=cache),
             reconcile("run", a, "-o", root / "out2", "--json", cache=cache),
             reconcile("run", b, "-o", root / "out3", "--json", "--no-cache", cache=cache)]
    bases = [reconcile("baseline", a, "-o", root / "b1.json", cache=cache),
             reconcile("baseline", b, "-o", root / "b2.json", "--no-cache")]
    return root, procs, bases


def test_output_is_byte_identical_across_runs_orders_and_the_cache(three_runs) -> None:
    root, procs, bases = three_runs
    for p in procs + bases:
        assert p.returncode == 0, p.stderr
    first = tree(root / "out1")
    assert "summary.json" in first and len(first) > 5
    assert tree(root / "out2") == first
    assert tree(root / "out3") == first
    assert (root / "b1.json").read_bytes() == (root / "b2.json").read_bytes()


def test_the_second_run_is_served_by_the_cache(three_runs) -> None:
    _, procs, _ = three_runs
    cold, warm, off = (json.loads(p.stdout)["cache"] for p in procs)
    assert cold["enabled"] and cold["hits"] == 0 and cold["misses"] == 5
    assert warm["hits"] == 5 and warm["misses"] == 0 and warm["work_hits"] > 0
    assert off == {"enabled": False}


def test_json_goes_to_stdout_and_messages_to_stderr(three_runs) -> None:
    root, procs, _ = three_runs
    doc = json.loads(procs[0].stdout)
    assert doc["status"] == "ok" and doc["exit_code"] == 0 and doc["command"] == "run"
    assert doc["counts"]["files"] == 5 and doc["counts"]["works"] == len(doc["works"]) == 3
    for w in doc["works"]:
        assert {"id", "title", "witnesses", "notes", "review", "ties", "by_kind",
                "outputs"} <= set(w)
        assert Path(w["outputs"]["canonical"]).is_file()
    assert sum(sum(w["by_kind"].values()) for w in doc["works"]) == doc["counts"]["notes"]
    assert doc["outputs"]["summary"] == str(root / "out1" / "summary.json")
    assert doc["errors"] == []
    assert "reconcile:" not in procs[0].stdout
    err = lines(procs[0].stderr)
    assert err and all(x.startswith("reconcile: ") for x in err)
    assert any("results:" in x for x in err)


def test_no_progress_bar_or_escape_codes_in_ci(three_runs) -> None:
    _, procs, bases = three_runs
    for p in procs + bases:
        for stream in (p.stdout, p.stderr):
            assert not ANSI.search(stream)
            assert "\r" not in stream and "━" not in stream


def test_the_bar_is_only_for_a_terminal_outside_ci() -> None:
    assert want_bar(False, True, {})
    assert not want_bar(False, False, {})  # piped
    assert not want_bar(False, True, {"CI": "true"})
    assert not want_bar(False, True, {"CI": "1", "NO_COLOR": "1"})
    assert want_bar(False, True, {"CI": "false"})
    assert not want_bar(True, True, {})  # --quiet
    assert not want_bar(False, True, {"TERM": "dumb"})


def test_quiet_prints_only_errors_and_verbose_prints_timings(tmp_path: Path,
                                                              cache_dir: Path) -> None:
    folder = copy_seeds(tmp_path / "in")
    (folder / "empty.txt").write_bytes(b"")
    quiet = reconcile("run", folder, "-o", tmp_path / "q", "--quiet", cache=cache_dir)
    assert quiet.returncode == 0
    assert lines(quiet.stderr) == [x for x in lines(quiet.stderr) if "empty.txt" in x]
    assert len(lines(quiet.stderr)) == 1
    verbose = reconcile("run", folder, "-o", tmp_path / "v", "--verbose", cache=cache_dir)
    assert verbose.returncode == 0
    stages = [x.split()[2] for x in lines(verbose.stderr) if x.startswith("reconcile: time: ")]
    assert stages == ["files", "folder", "works", "write", "total"]
    assert tree(tmp_path / "q") == tree(tmp_path / "v")


# --- help -----------------------------------------------------------------------------------


def _flat(text: str) -> str:
    text = re.sub(r"[\u2500-\u257f]", " ", text)
    return " ".join(text.split())


@pytest.mark.parametrize("command", ["run", "check", "baseline"])
def test_every_command_and_option_has_help(command: str) -> None:
    runner = CliRunner()
    env = {"COLUMNS": "200", "TERMINAL_WIDTH": "200", "NO_COLOR": "1"}
    top = runner.invoke(app, ["--help"], env=env)
    assert top.exit_code == 0
    group = typer.main.get_command(app)
    cmd = group.commands[command]  # type: ignore[attr-defined]
    assert cmd.help and cmd.short_help and _flat(cmd.short_help) in _flat(top.output)
    got = runner.invoke(app, [command, "--help"], env=env)
    assert got.exit_code == 0, got.output
    flat = _flat(got.output)
    assert "Exits" in flat
    for p in cmd.params:
        assert p.help if hasattr(p, "help") else True, p.name
        if p.param_type_name != "option":
            assert "FOLDER" in flat
            continue
        assert p.help, f"{command} --{p.name} has no help text"
        # help text wraps anywhere, a hyphenated word included: compared without spaces
        assert "".join(p.help.split()) in "".join(flat.split()), p.help
        for name in p.opts:
            assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", flat), name
    if command != "baseline":
        for policy in FailOn:
            assert policy.value in flat


def test_help_runs_in_ci_without_escape_codes() -> None:
    proc = reconcile("check", "--help", env={"COLUMNS": "120"})
    assert proc.returncode == 0
    assert "--baseline" in proc.stdout and not ANSI.search(proc.stdout)


# --- ready to use -------------------------------------------------------------------------


def test_the_example_workflow_runs_green_here_and_names_nothing_to_fill_in(tmp_path: Path) -> None:
    # its reconcile step, run as the runner would (bash, the workflow's env, a fresh
    # folder), on the bundled seeds: exit 0 and a summary; nothing a user must edit
    root = Path(__file__).resolve().parent.parent
    workflow = (root / ".github" / "workflows" / "reconcile.yml").read_text("utf-8")
    for bad in ("OWNER", "v0.1.0", "cache: pip", "editions/"):
        assert bad not in workflow, bad
    step = workflow.split("- name: Reconcile the editions", 1)[1]
    script = step.split("run: |", 1)[1].split("\n\n", 1)[0]
    script = "\n".join(line[10:] for line in script.splitlines() if line.strip())
    default = re.search(r"EDITIONS: \$\{\{ vars\.RECONCILE_EDITIONS \|\| '([^']+)' \}\}", workflow)
    assert default and (root / default.group(1)).is_dir()
    env = {**os.environ, "CI": "true", "EDITIONS": str(root / default.group(1)),
           "BASELINE": "reconcile-baseline.json",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    got = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert got.returncode == 0, got.stderr
    doc = json.loads((tmp_path / "reconcile.json").read_text("utf-8"))
    assert doc["status"] == "ok" and (tmp_path / "reconcile-out" / "summary.json").is_file()
    hooks = (root / ".pre-commit-hooks.yaml").read_text("utf-8")
    for piece in ("- id: reconcile-check", "entry: reconcile check", "language: python",
                  "pass_filenames: false"):
        assert piece in hooks, piece
    readme = (root / "README.md").read_text("utf-8")
    assert "rev: v0.1.0" not in readme and "OWNER" not in readme


def test_make_run_installs_the_tool_only_and_the_project_file_warns_of_nothing() -> None:
    # `make run` on a fresh machine: runtime dependencies only (pytest, hypothesis and
    # Playwright come with `make test`); and no deprecated pyproject form for setuptools to
    # warn about (the license as a table)
    import tomllib

    root = Path(__file__).resolve().parent.parent
    dry = subprocess.run(["make", "-n", "-B", "run"], cwd=root, capture_output=True, text=True,
                         timeout=60)
    installs = [ln for ln in dry.stdout.splitlines() if "pip install" in ln]
    assert installs and not any("[" in ln for ln in installs), installs
    project = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    assert isinstance(project["project"]["license"], str)
    assert any(r.replace(" ", "").startswith("setuptools>=77")
               for r in project["build-system"]["requires"])


def test_messages_read_like_a_careful_tools(tmp_path: Path) -> None:
    # one style: correct plurals, the path and the reason, -h accepted, flags without a
    # type label, a reason that ends before its confidence begins
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "only.txt").write_text("春天来了，田野里的油菜花开得金灿灿的，蜜蜂在花丛中忙碌地飞来飞去。\n", "utf-8")
    env = {**os.environ, "CI": "true"}
    got = subprocess.run([sys.executable, "-m", "reconcile", "run", str(folder), "-o",
                          str(tmp_path / "out"), "--no-cache", "-v"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert got.returncode == 0, got.stderr
    assert "reconcile: 1 file, 1 work, 0 notes" in got.stderr
    assert "(1 file)" in got.stderr and "(1 work)" in got.stderr  # the --verbose times too
    assert not re.search(r"\b1 (files|works|notes|duplicates)\b", got.stderr)
    missing = subprocess.run([sys.executable, "-m", "reconcile", "run", str(tmp_path / "nope")],
                             capture_output=True, text=True, env=env, timeout=60)
    assert missing.returncode == 2 and "no such folder" in missing.stderr
    assert "nope" in missing.stderr
    for args in (["-h"], ["run", "-h"], ["check", "-h"]):
        helped = subprocess.run([sys.executable, "-m", "reconcile", *args], capture_output=True,
                                text=True, env={**env, "COLUMNS": "100"}, timeout=60)
        assert helped.returncode == 0 and "Usage:" in helped.stdout
        assert "<bool>" not in helped.stdout
    seeds = Path(__file__).resolve().parent.parent / "fixtures" / "golden" / "seeds" / "expected"
    for md in seeds.rglob("notes.md"):
        text = md.read_text("utf-8")
        assert "(s)" not in text
        assert not re.search(r"[^.。!?] Confidence: ", text)


def test_fail_on_duplicates_passes_editions_that_agree_and_fails_a_printing_that_repeats(
        tmp_path: Path) -> None:
    from . import synth

    paras = synth.report(91, paragraphs=12)
    agree = tmp_path / "agree"
    agree.mkdir()
    (agree / "a.txt").write_text(synth.render(paras, "cjk"), "utf-8")
    # another printing: the same text in other lines (one saved twice is a duplicate)
    (agree / "b.txt").write_text(synth.render(paras, "cjk").replace("，", "，\n"), "utf-8")
    (agree / "digest.txt").write_text(synth.render([p[:2] for p in paras[::3]] + paras[5:6],
                                                   "cjk"), "utf-8")
    env = {**os.environ, "CI": "true"}

    def fail_on(folder: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "reconcile", "run", str(folder), "-o",
                               str(tmp_path / f"out-{folder.name}"), "--no-cache",
                               "--fail-on", "duplicates", "--json"],
                              capture_output=True, text=True, env=env, timeout=120)
    got = fail_on(agree)
    assert got.returncode == 0, got.stderr
    # one printing over two pages whose second page prints a paragraph of the first again
    repeat = tmp_path / "repeat"
    repeat.mkdir()
    (repeat / "x_p1.txt").write_text(synth.render(paras[:6], "cjk") + "\n（下转第2版）\n", "utf-8")
    (repeat / "x_p2.txt").write_text("（上接第1版）\n\n" + synth.render(paras[3:4] + paras[6:], "cjk"),
                                     "utf-8")
    got = fail_on(repeat)
    assert got.returncode == 1, got.stderr
    doc = json.loads(got.stdout)
    assert any(d["kind"] == "across-files" for d in doc["findings"]["duplicates"])


def test_the_readmes_examples_are_what_a_run_of_the_seeds_gives(tmp_path: Path) -> None:
    # the README shows note ids and figures from the bundled seeds: they must still hold
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text("utf-8")
    got = subprocess.run([sys.executable, "-m", "reconcile", "run", str(root / "fixtures" / "seeds"),
                          "-o", str(tmp_path / "out"), "--json", "--no-cache"],
                         capture_output=True, text=True, env={**os.environ, "CI": "true"},
                         timeout=300)
    doc = json.loads(got.stdout)
    ids = {n["id"] for p in (tmp_path / "out" / "works").glob("*/notes.json")
           for n in json.loads(p.read_text("utf-8"))["notes"]}
    # the `check --json` example shows one note that is new since the baseline (an edit of
    # the seeds): every other id the README quotes is a note of the seeds
    example_new = set(re.findall(r'"change": "new", "work": "[^"]*", "id": "(n[0-9a-f]{10})"',
                                 readme))
    quoted = set(re.findall(r'"(?:id|note)": "(n[0-9a-f]{10})"', readme)) - example_new
    assert quoted and quoted <= ids, sorted(quoted - ids)
    shown = re.search(r'"counts": \{"files": (\d+), "unreadable": (\d+), "works": (\d+), '
                      r'"notes": (\d+), "review": (\d+), "ties": (\d+),', readme)
    assert shown, "the README's --json example lost its counts"
    c = doc["counts"]
    assert tuple(map(int, shown.groups())) == (c["files"], c["unreadable"], c["works"],
                                               c["notes"], c["review"], c["ties"])
    assert f'"related": {c["related"]}, "duplicates": {c["duplicates"]}' in readme
    # the library example imports what the modules hold
    for module, names in re.findall(r"^from (reconcile\.\w+) import ([\w, ]+)$", readme, re.M):
        mod = __import__(module, fromlist=["x"])
        for name in names.split(","):
            assert hasattr(mod, name.strip()), f"{module}.{name.strip()}"


def test_the_count_of_files_counts_every_page_file(tmp_path: Path) -> None:
    # an edition printed over pages is one witness of several files: the count says files
    from bench.generate import generate

    truth = generate(tmp_path / "corpus", 12, seed=11)
    got = subprocess.run([sys.executable, "-m", "reconcile", "run", str(tmp_path / "corpus" / "input"),
                          "-o", str(tmp_path / "out"), "--no-cache", "--json", "-q"],
                         capture_output=True, text=True, timeout=300)
    assert got.returncode == 0, got.stderr
    doc = json.loads(got.stdout)
    witnesses = sum(len(w["witnesses"]) for w in doc["works"])
    assert doc["counts"]["files"] == len(truth["files"]) > witnesses


def test_open_ties_counted_where_the_notes_are_made_are_those_of_their_dicts() -> None:
    # the run counts open ties on the notes as objects (work.PackedResult); --fail-on ties
    # and the baselines read the dicts: one rule, policy.open_tie, the same answers. The
    # seeds' notes, their reasons and confidences varied so that every branch is taken
    from dataclasses import replace

    from reconcile.config import Config
    from reconcile.pipeline import run
    from reconcile.policy import is_open_tie
    from reconcile.work import PackedResult

    result = run(SEEDS, Config(jobs=1))
    wr = result.collated[0]
    notes = []
    for k, n in enumerate(wr.notes):
        reason = ["an open tie", "the tie was broken by the support", "", "x"][k % 4]
        notes.append(replace(n, reason=reason, confidence=[0.5, 0.4, 0.65, None][k // 4 % 4]
                             if k // 4 % 4 != 3 else 0.5))
    varied = replace(wr, notes=tuple(notes))
    want = sum(1 for n in notes if is_open_tie(n.to_dict()))
    assert 0 < want < len(notes)
    assert PackedResult.of(varied).ties == want
