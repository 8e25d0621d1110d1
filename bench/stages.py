"""Each stage of a run, timed alone in one process, with a hash of what it produced.

For work on speed: a change that should keep the output shows the same hashes, and the CPU
time of the stage it touches, without the noise of the pool or of the other stages. The
per-file results are kept in a pickle beside the folder's name in ``--keep`` (they take
minutes to make at 10,000 works); delete it after changing the per-file stage.

    python -m bench.stages FOLDER [--works N] [--keep DIR]

Prints, per stage, the CPU seconds and a short hash: per file (cleaning and
fingerprinting every file), join, grouping, duplicates, and per work (the first N works,
with their related works as the run reads them)."""

from __future__ import annotations

import argparse
import hashlib
import pickle
import time
from pathlib import Path
from typing import Any

from reconcile.config import Config
from reconcile.duplicates import across_files, within_file
from reconcile.group import group
from reconcile.join import join
from reconcile.pipeline import Local, discover, related_members
from reconcile.pool import paused_gc
from reconcile.work import process_work


def _hash(obj: Any) -> str:
    return hashlib.sha256(repr(obj).encode("utf-8", "surrogatepass")).hexdigest()[:12]


def measure(folder: Path, works: int = 300, keep: Path | None = None) -> dict[str, tuple[float, str]]:
    """{stage: (CPU seconds, hash)}; the per-file stage is (0.0, hash) when read from
    ``keep``."""
    config = Config(jobs=1)
    out: dict[str, tuple[float, str]] = {}
    stored = keep / f"{folder.resolve().parent.name}-{folder.name}.pkl" if keep else None
    if stored is not None and stored.exists():
        recs = pickle.loads(stored.read_bytes())
        out["per file"] = (0.0, _hash([(r.witness.text, r.units) for r in recs]))
    else:
        t = time.process_time()
        recs = sorted(Local().files(discover(folder, config), folder, config),
                      key=lambda r: r.witness.id)
        out["per file"] = (time.process_time() - t,
                           _hash([(r.witness.text, r.units) for r in recs]))
        if stored is not None:
            stored.parent.mkdir(parents=True, exist_ok=True)
            stored.write_bytes(pickle.dumps(recs))
    recs = tuple(recs)
    with paused_gc():  # as the run does
        t = time.process_time()
        matches = join(recs, config)
        out["join"] = (time.process_time() - t, _hash(tuple(matches)))
        recs = tuple(r.lean() for r in recs)
        t = time.process_time()
        found, related = group(recs, matches, config)
        out["grouping"] = (time.process_time() - t, _hash((found, related)))
        t = time.process_time()
        dups = within_file(recs, matches, config) + across_files(recs, matches, found, config)
        out["duplicates"] = (time.process_time() - t, _hash(dups))
        rels = related_members(found, related)
        h = hashlib.sha256()
        t = time.process_time()
        for w, rel in list(zip(found, rels))[:works]:
            h.update(repr(process_work(recs, w, config, [recs[i].witness.text for i in rel])
                          ).encode("utf-8", "surrogatepass"))
        out[f"per work ({min(works, len(found))})"] = (time.process_time() - t,
                                                     h.hexdigest()[:12])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--works", type=int, default=300, help="works to collate (default 300)")
    ap.add_argument("--keep", type=Path, help="folder to keep the per-file results in")
    args = ap.parse_args(argv)
    for stage, (cpu, digest) in measure(args.folder, args.works, args.keep).items():
        print(f"{stage:20} {cpu:8.2f} s CPU  {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
