"""The command line: parse, call the library, report. Nothing here computes anything.

Commands: ``run`` (write the results), ``check`` (compare with a baseline), ``baseline``
(record the notes a baseline keeps). Messages for people go to stderr; ``--json`` prints one
summary object to stdout.

Exit status:

- 0: the run finished and the chosen policies (``--fail-on``) found nothing. Files that
  could not be read are reported, and the rest of the folder is processed.
- 1: a policy found something: new notes since the baseline (always a policy of ``check``),
  notes to review, open ties, unreadable files, duplicated text.
- 2: usage or input error: a bad option, a FOLDER that is not a folder or holds no readable
  ``.txt``/``.md`` file, a baseline that is missing or is not one, ``--fail-on new`` without
  a baseline, an output that cannot be written.
- 3: internal error (a bug): a traceback on stderr.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import traceback
from collections import Counter
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer

from . import __version__
from .config import Config, load_decisions
from .policy import (POLICY_HELP, BaselineError, Diff, FailOn, Report, compare, describe,
                     dumps_baseline, evaluate, load_baseline, make_baseline,
                     parse_fail_on, report_of)
from .wording import count

if TYPE_CHECKING:  # the records (and numpy) load with a command, not for --version
    from .read import Url
    from .records import ReadError

#: A decisions file in the input folder is read without being asked for.
DECISIONS_FILE = "reconcile-decisions.json"

app = typer.Typer(
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,  # plain help, as git and ripgrep print it
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Find the editions of one text in a folder, clean them, and reconcile them.",
)

EXIT_OK = 0
EXIT_POLICY = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

#: Start a progress bar only when the work has already taken this long (seconds).
BAR_AFTER = 0.5
#: New or changed notes listed one per line on stderr; the rest are counted (all are in --json).
LIST_MAX = 20

_STAGES = {"files": "reading, cleaning, fingerprinting", "folder": "joining, grouping",
           "works": "collating works"}


# controls (a newline or tab in a file name could forge a line), bidirectional overrides
# that reorder what a terminal shows, undecodable bytes
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def terminal_safe(msg: str) -> str:
    """A message as it may reach a terminal: control characters (an escape sequence in a
    file name) and undecodable bytes shown as escapes, never sent raw."""
    def esc(m: re.Match[str]) -> str:
        c = ord(m.group())
        if c >= 0xD800:
            return f"\\x{c & 0xFF:02x}"  # a byte the name held that is not UTF-8
        return f"\\u{c:04x}" if c > 0xFF else f"\\x{c:02x}"
    return _CONTROL.sub(esc, msg)


def _err(msg: str) -> None:
    print(f"reconcile: {terminal_safe(msg)}", file=sys.stderr)


def _version(value: bool) -> None:
    if value:
        print(f"reconcile {__version__}")
        raise typer.Exit(EXIT_OK)


def _fail_on(values: Optional[list[str]]) -> list[FailOn]:
    try:
        return list(parse_fail_on(values))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


# --- options shared by the commands --------------------------------------------------------

Folder = Annotated[str, typer.Argument(
    metavar="FOLDER", show_default=False,
    help="Folder of .txt and .md editions (read recursively; CollateX .json inputs and .jsonl "
         "archives in it too), or one .json or .jsonl file; or an fsspec URL of either "
         "(s3://bucket/dir, needs the filesystem's package) that the workers can read.")]
Jobs = Annotated[int, typer.Option(
    min=0, help="Worker processes for reading and fingerprinting (0: one per core).")]
EditionMinCoverage = Annotated[Optional[float], typer.Option(
    min=0.0, max=1.0,
    help="Share of the smaller file's text two editions must share (default 0.3).")]
FailOnOpt = Annotated[Optional[list[str]], typer.Option(
    "--fail-on", metavar="POLICY", callback=_fail_on, show_default=False,
    help="Exit 1 when the run finds: " + "; ".join(f"{p.value}: {POLICY_HELP[p]}" for p in FailOn)
    + ". Repeat the option or separate policies with commas.")]
Json = Annotated[bool, typer.Option(
    "--json", metavar="", help="Print a summary object (JSON) to stdout; messages still go to stderr.")]
Quiet = Annotated[bool, typer.Option(
    "--quiet", "-q", metavar="", help="Print only errors and warnings (and why a run fails).")]
Verbose = Annotated[bool, typer.Option(
    "--verbose", "-v", metavar="", help="Also print how long each stage took and what the cache served.")]
CacheDir = Annotated[Optional[Path], typer.Option(
    "--cache-dir", show_default=False,
    help="Folder of the cache of per-file results (default: $RECONCILE_CACHE_DIR, else "
         "$XDG_CACHE_HOME/reconcile, else ~/.cache/reconcile).")]
NoCache = Annotated[bool, typer.Option(
    "--no-cache", metavar="", help="Neither read nor write the cache.")]
FollowLinks = Annotated[bool, typer.Option(
    "--follow-links", metavar="", help="Read files that links in FOLDER point to outside it.")]
Force = Annotated[bool, typer.Option(
    "--force", metavar="", help="Write into a results folder that holds files reconcile did not write "
                    "(they are left alone; only the last run's files are replaced).")]
class ScriptChoice(str, Enum):
    BASE = "base"
    SIMPLIFIED = "simplified"
    TRADITIONAL = "traditional"


ScriptOpt = Annotated[ScriptChoice, typer.Option(
    "--script", case_sensitive=False,
    help="Script of a Chinese canonical text: as the base witness prints it, or simplified "
         "or traditional whatever the witnesses print.")]
class FormatChoice(str, Enum):
    COLLATEX = "collatex"


FormatOpt = Annotated[Optional[list[FormatChoice]], typer.Option(
    "--format", case_sensitive=False, show_default=False,
    help="Also write each work's alignment in this format (repeatable): 'collatex' writes "
         "works/<id>/collatex.json, CollateX's JSON alignment table.")]
SchedulerOpt = Annotated[Optional[str], typer.Option(
    "--scheduler", metavar="ADDRESS", show_default=False,
    help="Run the per-file and per-work tasks on Dask: 'local' starts a cluster of --jobs "
         "workers on this machine, else the address of a scheduler (tcp://host:8786). "
         "Needs reconcile[dask]; the output is the same.")]
Decisions = Annotated[Optional[Path], typer.Option(
    "--decisions", show_default=False,
    help="Readings pinned by hand (JSON; see the README). Default: FOLDER/"
         f"{DECISIONS_FILE} if it exists.")]


@app.callback()
def _main(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", callback=_version, is_eager=True, metavar="",
                     help="Print the version."),
    ] = None,
) -> None:
    """Find the editions of one text in a folder, clean them, and reconcile them.

    Exit status: 0 clean by the chosen --fail-on policies, 1 a policy found something,
    2 usage or input error, 3 internal error.
    """


# --- what the user sees -------------------------------------------------------------------


def want_bar(quiet: bool, isatty: bool, env: Mapping[str, str]) -> bool:
    """Whether a progress bar may be drawn: on a terminal, not in CI, not when asked to be
    quiet, not on a dumb terminal."""
    ci = env.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return isatty and not quiet and not ci and env.get("TERM", "") != "dumb"


class _UI:
    """Messages on stderr, the progress bar, stage timings."""

    def __init__(self, quiet: bool, verbose: bool) -> None:
        self.quiet = quiet
        self.verbose = verbose
        try:
            isatty = sys.stderr.isatty()
        except (AttributeError, ValueError):
            isatty = False
        self.bar_ok = want_bar(quiet, isatty, os.environ)
        self.t0 = time.perf_counter()
        self.marks: dict[str, float] = {}
        self.totals: dict[str, int] = {}
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}

    def say(self, msg: str) -> None:
        if not self.quiet:
            _err(msg)

    def detail(self, msg: str) -> None:
        if self.verbose:
            _err(msg)

    def warn(self, msg: str) -> None:
        _err(f"warning: {msg}")

    def error(self, msg: str) -> None:
        _err(msg)

    def start(self) -> None:
        self.t0 = time.perf_counter()

    def progress(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        self.marks[stage] = now
        self.totals[stage] = total
        if not self.bar_ok:
            return
        if self._bar is None:
            if now - self.t0 < BAR_AFTER:
                return
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                       TimeElapsedColumn)

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(),
                                 console=Console(file=sys.stderr), transient=True)
            self._bar.start()
        task = self._tasks.get(stage)
        if task is None:
            task = self._tasks[stage] = self._bar.add_task(_STAGES.get(stage, stage), total=total)
        self._bar.update(task, completed=done, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def timings(self, cache: Mapping[str, Any] | None, write_s: float | None) -> None:
        if not self.verbose:
            return
        t = self.t0
        files_end = self.marks.get("files", t)
        folder_end = self.marks.get("folder", files_end)
        works_end = self.marks.get("works", folder_end)
        hits = f", {cache['hits']} from the cache" if cache and cache.get("enabled") else ""
        whits = f", {cache['work_hits']} from the cache" if cache and cache.get("enabled") else ""
        _err(f"time: files {files_end - t:.2f} s ({count(self.totals.get('files', 0), 'file')}"
             f"{hits})")
        served = " from the cache" if cache and cache.get("folder_hits") else \
            f"; {count(cache['draft_hits'], 'work')} as grouped before" \
            if cache and cache.get("draft_hits") else ""
        _err(f"time: folder {folder_end - files_end:.2f} s (join, works, related, "
             f"duplicates{served})")
        _err(f"time: works {works_end - folder_end:.2f} s "
             f"({count(self.totals.get('works', 0), 'work')}{whits})")
        if write_s is not None:
            _err(f"time: write {write_s:.2f} s")
        _err(f"time: total {time.perf_counter() - t:.2f} s")


# --- one invocation -----------------------------------------------------------------------


class _InputError(Exception):
    """A usage or input error found after parsing: exit 2, one line on stderr."""


@dataclass
class _Job:
    command: str
    folder: str  # a path, or an fsspec URL
    config: Config
    policies: tuple[FailOn, ...]
    out: Path | None = None  # results folder to write
    force: bool = False  # write into a results folder that holds files of others
    decisions: Path | None = None  # --decisions (else FOLDER's decisions file, if any)
    baseline: Path | None = None  # baseline to compare with
    save_baseline: Path | None = None  # baseline file to write
    json: bool = False
    quiet: bool = False
    verbose: bool = False
    doc: dict[str, Any] = field(default_factory=dict)


def _config(jobs: int, edition_min_coverage: Optional[float], policies: Sequence[FailOn],
            cache_dir: Optional[Path], no_cache: bool, follow_links: bool = False,
            script: ScriptChoice = ScriptChoice.BASE, scheduler: Optional[str] = None,
            formats: Sequence[FormatChoice] = ()) -> Config:
    config = replace(Config(), jobs=jobs, fail_on=tuple(p.value for p in policies),
                     cache_dir=str(cache_dir) if cache_dir is not None else "",
                     cache=not no_cache, follow_links=follow_links, script=script.value,
                     scheduler=scheduler or "",
                     formats=tuple(sorted({f.value for f in formats})))
    if edition_min_coverage is not None:
        config = replace(config, edition_min_coverage=edition_min_coverage)
    return config


def _with_decisions(config: Config, folder: Path | Url, decisions: Path | None) -> Config:
    """The config with the pins of ``--decisions`` (or of FOLDER's decisions file, in a
    folder on this machine): a file that cannot be read or does not fit its schema is a
    usage error naming the field."""
    if decisions is None and isinstance(folder, Path) and (folder / DECISIONS_FILE).is_file():
        decisions = folder / DECISIONS_FILE
    if decisions is None:
        return config
    try:
        return replace(config, decisions=load_decisions(decisions))
    except OSError as exc:
        raise _InputError(f"{decisions}: cannot read the decisions: "
                          f"{exc.strerror or exc}") from None
    except ValueError as exc:
        raise _InputError(str(exc)) from None


def _execute(job: _Job) -> NoReturn:
    ui = _UI(job.quiet, job.verbose)
    doc = job.doc
    doc.update({"reconcile": __version__, "command": job.command, "status": "error",
                "exit_code": EXIT_USAGE, "folder": str(job.folder),
                "fail_on": [p.value for p in job.policies]})
    try:
        if job.quiet and job.verbose:
            raise _InputError("--quiet and --verbose exclude each other")
        code = _work(job, ui)
    except _InputError as exc:
        ui.close()
        ui.error(str(exc))
        doc["error"] = str(exc)
        code = EXIT_USAGE
    finally:
        ui.close()
    doc["exit_code"] = code
    doc["status"] = {EXIT_OK: "ok", EXIT_POLICY: "fail"}.get(code, "error")
    if job.json:
        sys.stdout.write(json.dumps(_ordered(doc), ensure_ascii=False, indent=2) + "\n")
        sys.stdout.flush()
    raise typer.Exit(code)


_DOC_ORDER = ("reconcile", "command", "status", "exit_code", "error", "folder", "fail_on",
              "policies", "counts", "works", "baseline", "new", "removed", "findings",
              "errors", "outputs", "cache")


def _ordered(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: doc[k] for k in _DOC_ORDER if k in doc}


def _open_cache(config: Config, ui: _UI) -> Any:
    if not config.cache:
        return None
    from .cache import Cache, resolve_dir

    return Cache(resolve_dir(config.cache_dir or None), warn=ui.warn)


def _work(job: _Job, ui: _UI) -> int:
    from .containers import is_container
    from .output import OutputError, work_paths, write, write_atomic
    from .read import Url, is_url, kind_of, local_path
    from .pipeline import run as run_pipeline

    doc = job.doc
    config = job.config
    folder: Path | Url = Url(job.folder) if is_url(job.folder) else Path(job.folder)
    try:
        kind = kind_of(folder)
    except OSError as exc:
        raise _InputError(str(exc)) from None
    if not kind and (isinstance(folder, Url) or not folder.exists()):
        raise _InputError(f"{folder}: no such folder")
    many = kind == "file" and is_container(folder.name)
    if kind != "dir" and not many:
        raise _InputError(f"{folder}: not a folder (nor a .json or .jsonl file of witnesses)")
    here = local_path(folder)  # a folder of this machine, by path or by file:// URL
    if job.out is not None and here is not None:
        into, src = Path(os.path.realpath(job.out)), Path(os.path.realpath(here))
        if into == src or src.is_relative_to(into):
            raise _InputError(f"{job.out}: the results folder holds the input folder "
                              f"{folder}; write the results elsewhere")
    config = _with_decisions(config, folder.parent if many else folder, job.decisions)
    if FailOn.NEW in job.policies and job.baseline is None:
        raise _InputError("--fail-on new needs a baseline: --baseline FILE "
                          "(write one with `reconcile baseline FOLDER -o FILE`)")
    base = None
    if job.baseline is not None:
        try:
            base = load_baseline(job.baseline)
        except BaselineError as exc:
            raise _InputError(str(exc)) from None

    def on_error(e: ReadError) -> None:
        _err(f"error: {e.line()}")

    cache = _open_cache(config, ui)
    ui.start()
    try:
        with ExitStack() as stack:
            engine = None
            if config.scheduler:
                from .cluster import Dask, SchedulerError

                try:
                    engine = stack.enter_context(Dask(config.scheduler, config.jobs))
                except SchedulerError as exc:
                    raise _InputError(str(exc)) from None
            result = run_pipeline(folder, config, on_error=on_error, cache=cache,
                                  progress=ui.progress, engine=engine)
    finally:
        if cache is not None:
            cache.close()
    ui.close()
    for file, message in result.warnings():
        ui.warn(f"{file}: {message}")
    for i in result.unmatched_pins():
        pin = config.decisions[i]
        where = f"note {pin.note}" if pin.note else f"context '{pin.before}…{pin.after}'"
        ui.warn(f"decisions: the pin for {where} (reading '{pin.reading}') "
                "matches no note; it was not applied")
    doc["cache"] = cache.stats() if cache is not None else {"enabled": False}
    if not result.records:
        raise _InputError(f"{folder}: no readable .txt, .md, .json or .jsonl witness")

    outputs: dict[str, Any] = {}
    write_s = None
    if job.out is not None:
        t = time.perf_counter()
        try:
            write(result, job.out, force=job.force, warn=ui.warn)
            outputs["summary"] = str(job.out / "summary.json")  # as the user named it
        except OutputError as exc:
            raise _InputError(str(exc)) from None
        except OSError as exc:
            raise _InputError(f"{job.out}: cannot write the results: "
                              f"{exc.strerror or exc}") from None
        outputs["dir"] = str(job.out)
        write_s = time.perf_counter() - t
    # after the write: the write's workers are forked from this process, and need not
    # inherit every note as a dict (about 0.4 GB at 10,000 works)
    report = report_of(result)
    if job.save_baseline is not None:
        try:
            write_atomic(job.save_baseline, dumps_baseline(make_baseline(report)))
        except OSError as exc:
            raise _InputError(f"{job.save_baseline}: cannot write the baseline: "
                              f"{exc.strerror or exc}") from None
        outputs["baseline"] = str(job.save_baseline)
    doc["outputs"] = outputs or None

    diff = compare(report, base) if base is not None else None
    findings = evaluate(report, job.policies, diff)

    _fill_doc(doc, report, diff, findings, job, work_paths)
    _tell(ui, report, diff, findings, job, outputs)
    ui.timings(doc.get("cache"), write_s)
    return EXIT_POLICY if findings else EXIT_OK


def _fill_doc(doc: dict[str, Any], report: Report, diff: Diff | None,
              findings: Mapping[FailOn, list[dict[str, Any]]], job: _Job,
              work_paths: Any) -> None:
    s = report.summary
    works = []
    all_kinds: Counter[str] = Counter()
    for w in s["works"]:
        notes, review, ties, kinds = report.counts(w["id"])
        all_kinds.update(kinds)
        entry: dict[str, Any] = {
            "id": w["id"], "title": w["title"], "copy_text": w.get("copy_text"),
            "witnesses": [x["id"] for x in w["witnesses"]],
            "notes": notes, "review": review, "ties": ties, "by_kind": kinds,
        }
        if job.out is not None:
            entry["outputs"] = {k: str(job.out / v) for k, v in work_paths(w["id"], job.config.formats).items()}
        works.append(entry)
    doc["counts"] = {
        # files read: an edition printed over pages is one witness of several files
        "files": sum(len(x["files"]) for w in s["works"] for x in w["witnesses"]),
        "unreadable": len(s["errors"]),
        "works": len(works),
        "notes": sum(w["notes"] for w in works),
        "review": sum(w["review"] for w in works),
        "ties": sum(w["ties"] for w in works),
        "by_kind": dict(sorted(all_kinds.items())),
        "related": len(s["related"]),
        "duplicates": len(s["duplicates"]),
    }
    doc["works"] = works
    doc["policies"] = {p.value: {"failed": p in findings, "count": len(findings.get(p, []))}
                       for p in job.policies}
    if diff is not None:
        doc["baseline"] = {"file": str(job.baseline), "new": len(diff.new) - diff.changed,
                           "changed": diff.changed, "removed": len(diff.removed),
                           "unchanged": diff.unchanged}
        doc["new"] = diff.new
        doc["removed"] = diff.removed
    doc["findings"] = {p.value: items for p, items in findings.items() if p is not FailOn.NEW}
    doc["errors"] = s["errors"]


def _readings_line(note: Mapping[str, Any]) -> str:
    parts = []
    for r in note["readings"]:
        text = r["text"].replace("\n", "⏎") or "∅"
        where = ", ".join(f"{w['id']} {w['line']}:{w['column']}" for w in r["witnesses"])
        parts.append(f"{text} [{where}]" if where else text)
    return " | ".join(parts)


def _tell(ui: _UI, report: Report, diff: Diff | None,
          findings: Mapping[FailOn, list[dict[str, Any]]], job: _Job,
          outputs: Mapping[str, Any]) -> None:
    doc = job.doc
    c = doc["counts"]
    n = c["works"]
    ui.say(f"{count(c['files'], 'file')}, {count(n, 'work')}, {count(c['notes'], 'note')} "
           f"({c['review']} to review), {c['related']} related, "
           f"{count(c['duplicates'], 'duplicate')}, {c['unreadable']} unreadable")
    if diff is not None:
        ui.say(f"since the baseline: {len(diff.new) - diff.changed} new, {diff.changed} changed, "
               f"{len(diff.removed)} gone, {diff.unchanged} unchanged")
        for item in diff.new[:LIST_MAX]:
            line = (f"{item['change']}: {item['work']} {item['id']} at {item['offset']} "
                    f"{item['kind']}: {_readings_line(item)}")
            if item["change"] == "changed":
                was = " | ".join(r["text"] or "∅" for r in item["was"]["readings"])
                line += f" (was: {was})"
            ui.say(line)
        if len(diff.new) > LIST_MAX:
            ui.say(f"… and {len(diff.new) - LIST_MAX} more (all are in --json)")
    if "summary" in outputs:
        ui.say(f"results: {outputs['summary']}")
    if "baseline" in outputs:
        ui.say(f"baseline: {count(c['notes'], 'note')} of {count(n, 'work')} written to "
               f"{outputs['baseline']}")
    cache = doc.get("cache") or {}
    if cache.get("enabled"):
        ui.detail(f"cache: {cache['dir']}: {count(cache['hits'], 'file')} and "
                  f"{count(cache['work_hits'], 'work')} served, {count(cache['misses'], 'file')} "
                  f"and {count(cache['work_misses'], 'work')} computed")
    for p, items in findings.items():
        _err(f"fail: {p.value}: {describe(p, items)}")
    if job.policies and not findings:
        ui.say(f"passed: {', '.join(p.value for p in job.policies)}")


# --- commands -----------------------------------------------------------------------------


@app.command("run", short_help="Reconcile the editions in FOLDER and write the results.")
def run_cmd(
    folder: Folder,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the results to.")]
    = Path("reconcile-out"),
    jobs: Jobs = 0,
    edition_min_coverage: EditionMinCoverage = None,
    fail_on: FailOnOpt = None,
    baseline: Annotated[Optional[Path], typer.Option(
        "--baseline", "-b", show_default=False,
        help="Baseline file (from `reconcile baseline`) to compare the notes with; needed by "
             "--fail-on new.")] = None,
    json_: Json = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
    decisions: Decisions = None,
    script: ScriptOpt = ScriptChoice.BASE,
    scheduler: SchedulerOpt = None,
    force: Force = False,
    follow_links: FollowLinks = False,
    formats: FormatOpt = None,
) -> None:
    """Read every edition in FOLDER, group the files into works, and write the results to OUT.

    Exits 0 when the run is clean by the --fail-on policies (none by default), 1 when a
    policy finds something, 2 on a usage or input error.
    """
    policies = tuple(fail_on or ())
    _execute(_Job("run", folder, _config(jobs, edition_min_coverage, policies, cache_dir,
                                         no_cache, follow_links, script, scheduler,
                                         formats or ()), policies, out=out, baseline=baseline,
                  json=json_, quiet=quiet, verbose=verbose, force=force,
                  decisions=decisions))


@app.command("check", short_help="Report the notes new or changed since a baseline.")
def check_cmd(
    folder: Folder,
    baseline: Annotated[Path, typer.Option(
        "--baseline", "-b", show_default=False,
        help="Baseline file (from `reconcile baseline`) to compare the notes with.")],
    out: Annotated[Optional[Path], typer.Option(
        "--out", "-o", show_default=False,
        help="Folder to write the results to (by default nothing is written).")] = None,
    jobs: Jobs = 0,
    edition_min_coverage: EditionMinCoverage = None,
    fail_on: FailOnOpt = None,
    json_: Json = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
    decisions: Decisions = None,
    script: ScriptOpt = ScriptChoice.BASE,
    scheduler: SchedulerOpt = None,
    force: Force = False,
    follow_links: FollowLinks = False,
) -> None:
    """Reconcile FOLDER and report only the notes that are new or changed since BASELINE.

    A note is new when its id is not in the baseline, changed when the baseline has its id
    with other readings or another chosen reading. Exits 1 when anything is new or changed
    (or another --fail-on policy finds something), 0 when not, 2 on a usage or input error.
    """
    policies = parse_fail_on([FailOn.NEW.value, *(p.value for p in fail_on or ())])
    _execute(_Job("check", folder, _config(jobs, edition_min_coverage, policies, cache_dir,
                                           no_cache, follow_links, script, scheduler), policies, out=out, baseline=baseline,
                  json=json_, quiet=quiet, verbose=verbose, force=force,
                  decisions=decisions))


@app.command("baseline", short_help="Record the notes of FOLDER in a baseline file.")
def baseline_cmd(
    folder: Folder,
    out: Annotated[Path, typer.Option(
        "--out", "-o", show_default=False,
        help="Baseline file to write (JSON, one note per line; commit it).")],
    jobs: Jobs = 0,
    edition_min_coverage: EditionMinCoverage = None,
    json_: Json = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
    decisions: Decisions = None,
    script: ScriptOpt = ScriptChoice.BASE,
    scheduler: SchedulerOpt = None,
    follow_links: FollowLinks = False,
) -> None:
    """Record the notes of FOLDER (by stable note id) in a baseline file for `reconcile check`.

    Exits 0 when the baseline is written, 2 on a usage or input error.
    """
    _execute(_Job("baseline", folder, _config(jobs, edition_min_coverage, (), cache_dir,
                                              no_cache, follow_links, script, scheduler), (), save_baseline=out,
                  json=json_, quiet=quiet, verbose=verbose, decisions=decisions))


def main() -> None:
    try:
        app(prog_name="reconcile")
    except Exception:  # a bug, not a finding: keep exit 1 for the policies
        sys.stderr.write("reconcile: internal error (a bug; please report it with this "
                         "traceback)\n")
        traceback.print_exc(file=sys.stderr)
        sys.exit(EXIT_INTERNAL)
