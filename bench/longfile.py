"""One long file: a month of a paper, or a whole book, saved as one file.

Built from the generator's works, each printed once (its longest file), one after another,
until the file holds ``size`` bytes: distinct text, as a month of articles is, not the same
few works repeated (which would measure the duplicate finder instead). With ``witnesses=2``
a second reading of the same file is written beside it, its characters misread at the
generator's rate, so the per-work stages align two long witnesses too."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from .generate import corrupt, generate


def build(root: Path, size: int, witnesses: int = 1, seed: int = 20240501) -> Path:
    """Write ``root/input/`` with the long file(s) and return that folder."""
    root = Path(root)
    if root.exists():
        shutil.rmtree(root)
    n = max(20, size // 2000)  # about 2.5 kB of longest file per generated work
    corpus = root / "corpus"
    truth = generate(corpus, n, seed=seed, unrelated=0)
    by_work: dict[str, Path] = {}
    for name, work in truth["files"].items():
        p = corpus / "input" / name
        if work not in by_work or p.stat().st_size > by_work[work].stat().st_size:
            by_work[work] = p
    parts, total = [], 0
    for work in sorted(by_work):
        text = by_work[work].read_text("utf-8").strip()
        parts.append(text)
        total += len(text.encode()) + 2
        if total >= size:
            break
    inp = root / "input"
    inp.mkdir(parents=True)
    text = "\n\n".join(parts) + "\n"
    (inp / "long-a.txt").write_text(text, "utf-8")
    if witnesses > 1:
        rng = random.Random(seed)
        lang = "zh" if sum(ord(c) > 0x2E80 for c in text[:2000]) > 500 else "en"
        (inp / "long-b.txt").write_text(corrupt(text, rng, lang)[0], "utf-8")
    shutil.rmtree(corpus)
    (root / "about.json").write_text(json.dumps({"bytes": total, "works": len(parts),
                                                 "witnesses": witnesses}), "utf-8")
    return inp
