"""The Dask engine: the same bytes as a local run, whatever the workers; a killed worker
costs a retry, not the run; an unreadable file is an error entry, as locally."""

from __future__ import annotations

import os
import signal
from dataclasses import replace
from pathlib import Path

import pytest

from reconcile.config import Config
from reconcile.output import write
from reconcile.pipeline import Local, run

distributed = pytest.importorskip("distributed")

from reconcile.cluster import Dask, SchedulerError  # noqa: E402

from bench.generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    generate(root, 12, seed=11)
    inp = root / "input"
    (inp / "broken.txt").write_bytes(b"\x00\x01binary\xff" * 40)
    return inp


@pytest.fixture(scope="module")
def cluster():
    with Dask("local", workers=2) as engine:
        yield engine


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_a_dask_run_writes_the_bytes_of_a_local_run(corpus: Path, cluster: Dask,
                                                    tmp_path: Path) -> None:
    config = Config(jobs=2)
    local = run(corpus, config)
    dask = run(corpus, replace(config, scheduler="local"), engine=cluster)
    assert [e.file for e in dask.errors] == ["broken.txt"]  # an error entry, not a failure
    write(local, tmp_path / "local")
    write(dask, tmp_path / "dask")
    assert _tree(tmp_path / "local") == _tree(tmp_path / "dask")
    assert len(local.works) > 5


def test_a_killed_worker_costs_a_retry_not_the_run(tmp_path: Path, cluster: Dask) -> None:
    generate(tmp_path, 40, seed=12)  # enough files that most are still queued at the kill
    corpus = tmp_path / "input"
    config = Config(jobs=1)
    paths = sorted(p for p in corpus.rglob("*") if p.is_file())
    expected = [r.witness.id if hasattr(r, "witness") else r.file
                for r in Local().files(paths, corpus, config)]
    pids = cluster.client.run(os.getpid)
    got = []
    for i, r in enumerate(cluster.files(paths, corpus, config)):
        if i == 0:  # tasks are queued on both workers now: kill one of them
            os.kill(next(iter(pids.values())), signal.SIGKILL)
        got.append(r.witness.id if hasattr(r, "witness") else r.file)
    assert got == expected
    assert set(cluster.client.run(os.getpid).values()) != set(pids.values())  # it was killed


def test_no_scheduler_at_the_address_is_one_clear_error() -> None:
    with pytest.raises(SchedulerError, match="tcp://127.0.0.1:9"):
        Dask("tcp://127.0.0.1:9", timeout=1)


def test_the_cli_runs_on_a_local_cluster(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from reconcile.cli import app

    seeds = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
    runner = CliRunner()
    for name, extra in (("here", []), ("dask", ["--scheduler", "local", "--jobs", "2"])):
        res = runner.invoke(app, ["run", str(seeds), "-o", str(tmp_path / name), "--no-cache",
                                  "-q", *extra])
        assert res.exit_code == 0, res.output
    assert _tree(tmp_path / "here") == _tree(tmp_path / "dask")


def test_a_relative_folder_is_read_by_the_workers(corpus: Path, cluster: Dask,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus.parent)
    got = run(Path(corpus.name), Config(jobs=2), engine=cluster)
    assert [e.file for e in got.errors] == ["broken.txt"]  # the rest were read
    assert len(got.records) > 10



def test_a_folder_named_by_a_url_is_read_by_the_workers(corpus: Path, cluster: Dask,
                                                         tmp_path: Path) -> None:
    # an fsspec URL (here file://, as s3:// would be on a cluster): each worker opens the
    # files through fsspec; the results are the bytes of a run on the folder itself
    local = run(corpus, Config(jobs=2))
    remote = run(corpus.as_uri(), Config(jobs=2), engine=cluster)
    assert [e.file for e in remote.errors] == ["broken.txt"]
    write(local, tmp_path / "local")
    write(remote, tmp_path / "url")
    assert _tree(tmp_path / "local") == _tree(tmp_path / "url")


def test_a_url_folder_skips_what_a_folder_skips(tmp_path: Path) -> None:
    # fsspec's in-memory file system: hidden files, a results folder of ours and the wrong
    # suffixes are not read; a missing folder is a clear error
    import fsspec

    from reconcile.read import RESULTS_MANIFEST, Url, discover

    fs = fsspec.filesystem("memory")
    root = "/reconcile-test-skips"
    for name in ("a.txt", "sub/b.md", ".hidden.txt", "sub/.git/c.txt", "notes.pdf",
                 f"out/{RESULTS_MANIFEST}", "out/works/w/canonical.txt"):
        fs.pipe(f"{root}/{name}", "政府工作报告指出，今年经济运行总体平稳。".encode())
    try:
        found = discover(Url(f"memory://{root}"), Config())
        assert [p.name for p in found] == ["a.txt", "b.md"]
        got = run(f"memory://{root}", Config(jobs=1))
        assert sorted(r.witness.id for r in got.records) == ["a.txt", "sub/b.md"]
        with pytest.raises(NotADirectoryError):
            run(f"memory://{root}/none", Config(jobs=1))
    finally:
        fs.rm(root, recursive=True)


def test_the_cli_reads_a_folder_named_by_a_url(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from reconcile.cli import app

    seeds = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
    runner = CliRunner()
    for name, folder in (("path", str(seeds)), ("url", seeds.as_uri())):
        res = runner.invoke(app, ["run", folder, "-o", str(tmp_path / name), "--no-cache", "-q"])
        assert res.exit_code == 0, res.output
    assert _tree(tmp_path / "path") == _tree(tmp_path / "url")
    res = runner.invoke(app, ["run", seeds.as_uri() + "-none", "-o", str(tmp_path / "x")])
    assert res.exit_code == 2 and "no such folder" in res.output


def test_a_url_folder_reads_only_regular_files(tmp_path: Path) -> None:
    # through file:// as through a path: a FIFO is an error entry (opening it would wait
    # for a writer for ever), and a link is read only with --follow-links
    (tmp_path / "ok.txt").write_text("政府工作报告指出，今年经济运行总体平稳，主要预期目标顺利完成。\n",
                                     "utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "outside.txt").symlink_to("/etc/hostname")
    got = run(tmp_path.as_uri(), Config(jobs=1))
    assert [r.witness.id for r in got.records] == ["ok.txt"]
    assert {e.file: e.kind.value for e in got.errors} == {"outside.txt": "link",
                                                          "pipe.txt": "not-a-file"}


def test_a_results_folder_that_holds_the_url_folder_is_refused(tmp_path: Path) -> None:
    # as for a path: writing the results over the folder being read (here by file://)
    # would replace the input with the results
    from typer.testing import CliRunner

    from reconcile.cli import app

    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.txt").write_text("政府工作报告指出，今年经济运行总体平稳，主要预期目标顺利完成。\n", "utf-8")
    res = CliRunner().invoke(app, ["run", inp.as_uri(), "-o", str(tmp_path), "--force"])
    assert res.exit_code == 2 and "holds the input folder" in res.output
    assert (inp / "a.txt").exists()
