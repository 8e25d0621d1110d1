"""The command line: parse, call the library, report. Nothing here computes anything.

Exit status: 0 the run finished (files that could not be read are reported, and the rest
of the folder is processed); 2 usage error, or a folder that does not exist or holds no
readable file. 1 is kept for policies that fail a run (``--fail-on``, to come).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .config import Config
from .output import write
from .pipeline import run as run_pipeline
from .records import ReadError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find the editions of one text in a folder, clean them, and reconcile them.",
)

EXIT_OK = 0
EXIT_POLICY = 1
EXIT_USAGE = 2


def _err(msg: str) -> None:
    print(f"reconcile: {msg}", file=sys.stderr)


def _version(value: bool) -> None:
    if value:
        print(f"reconcile {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = None,
) -> None:
    """Find the editions of one text in a folder, clean them, and reconcile them."""


@app.command("run")
def run_cmd(
    folder: Annotated[Path, typer.Argument(help="Folder of .txt and .md editions (read recursively).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the results to.")] = Path("reconcile-out"),
    jobs: Annotated[int, typer.Option(help="Worker processes for reading and fingerprinting (0: one per core).")] = 0,
    edition_min_coverage: Annotated[
        Optional[float],
        typer.Option(help="Share of the smaller file's text two editions must share (default 0.3)."),
    ] = None,
) -> None:
    """Read every edition in FOLDER, group the files into works, and write the results to OUT."""
    if not folder.is_dir():
        _err(f"{folder}: not a folder")
        raise typer.Exit(EXIT_USAGE)
    config = replace(Config(), jobs=jobs)
    if edition_min_coverage is not None:
        config = replace(config, edition_min_coverage=edition_min_coverage)

    def on_error(e: ReadError) -> None:
        _err(f"error: {e.line()}")

    result = run_pipeline(folder, config, on_error=on_error)
    if not result.records:
        _err(f"{folder}: no readable .txt or .md file")
        raise typer.Exit(EXIT_USAGE)
    summary = write(result, out)
    n = len(result.works)
    _err(f"{len(result.records)} files, {n} work{'s' * (n != 1)}, {len(result.related)} related, "
         f"{len(result.duplicates)} duplicates, {len(result.errors)} unreadable")
    _err(f"results: {summary}")
    raise typer.Exit(EXIT_OK)


def main() -> None:
    app(prog_name="reconcile")
