"""Synthetic editions with known ground truth, for tests: a report, its pages, a digest, an
article quoting it, unrelated texts. Seeded, so every run builds the same folder."""

from __future__ import annotations

import random
from pathlib import Path

HAN = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
WORDS = ("council budget school river market health transport housing water energy "
         "program district public service growth plan project safety culture industry "
         "village road bridge hospital teacher farm park police tax museum library "
         "factory station port airport youth elder reform trade export digital rail").split()


def sentence(rng: random.Random, script: str) -> str:
    if script == "cjk":
        n = rng.randint(18, 40)
        chars = [rng.choice(HAN) for _ in range(n)]
        for i in range(6, n - 4, rng.randint(6, 12)):
            chars[i] = "，"
        return "".join(chars) + "。"
    words = [rng.choice(WORDS) for _ in range(rng.randint(10, 18))]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paragraph(rng: random.Random, script: str, n: int = 4) -> list[str]:
    return [sentence(rng, script) for _ in range(n)]


def joiner(script: str) -> str:
    return "" if script == "cjk" else " "


def report(seed: int, script: str = "cjk", paragraphs: int = 24) -> list[list[str]]:
    rng = random.Random(seed)
    return [paragraph(rng, script) for _ in range(paragraphs)]


def render(paras: list[list[str]], script: str, title: str | None = None) -> str:
    j = joiner(script)
    body = "\n\n".join(j.join(p) for p in paras)
    return f"# {title}\n\n{body}\n" if title else body + "\n"


def digest(paras: list[list[str]], script: str, seed: int) -> str:
    """Every third paragraph, its last sentence cut, a framing line added."""
    rng = random.Random(seed)
    kept = [p[:-1] for p in paras[::3]]
    frame = "本报讯 报告指出，要加快发展。" if script == "cjk" else "The report said growth comes first."
    return render([[frame]] + kept, script, title="摘登" if script == "cjk" else "Digest")


def article(paras: list[list[str]], script: str, seed: int) -> str:
    """An article of its own that quotes two sentences of the report."""
    rng = random.Random(seed)
    own = [paragraph(rng, script) for _ in range(8)]
    own[3] = own[3][:2] + paras[5][1:3] + own[3][2:]
    return render(own, script)


def folder(root: Path, script: str = "cjk", seed: int = 7) -> dict[str, str]:
    """Write a folder and return the expected work of each file (by the file it groups with)."""
    paras = report(seed, script)
    half = len(paras) // 2
    files = {
        "page1.txt": render(paras[:half], script, title="Report" if script != "cjk" else "政府工作报告"),
        "page2.txt": render(paras[half:], script),
        "digest.txt": digest(paras, script, seed + 1),
        "article.txt": article(paras, script, seed + 2),
        "other.txt": render(report(seed + 3, script, paragraphs=10), script),
    }
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, "utf-8")
    return {"page1.txt": "report", "page2.txt": "report", "digest.txt": "report",
            "article.txt": "article", "other.txt": "other"}
