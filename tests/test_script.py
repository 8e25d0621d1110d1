"""Traditional and Simplified printings of one text: they group, align and agree; script is
never a note; the canonical text is written in the base's script or the one chosen.

Metamorphic: a folder with one witness rewritten in the other script must give the same
works and the same notes as the folder as printed."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import opencc
import pytest
from typer.testing import CliRunner

from reconcile.cli import app
from reconcile.config import Config
from reconcile.normalize import fold, key
from reconcile.pipeline import run
from reconcile.script import Script, convert_runs, differs_in_script_only, script_of

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
S2T = opencc.OpenCC("s2t")


def _material() -> tuple[str, str]:
    """A real Chinese text (the first paragraphs of the longest bundled file) and a digest
    of it: every other paragraph, one character changed, in another order of nothing."""
    longest = max(FIXTURE.glob("*.txt"), key=lambda p: p.stat().st_size)
    paras = [p for p in re.split(r"\n\s*\n", longest.read_text("utf-8")) if len(p) > 60][:14]
    full = "\n\n".join(paras) + "\n"
    kept = paras[1::2]
    slip = kept[2]
    i = next(i for i, c in enumerate(slip) if "\u4e00" <= c <= "\u9fff" and i > 10)
    kept[2] = slip[:i] + ("二" if slip[i] != "二" else "三") + slip[i + 1:]
    return full, "\n\n".join(kept) + "\n"


def _folder(root: Path, full: str, digest: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "full.txt").write_text(full, "utf-8")
    (root / "digest.txt").write_text(digest, "utf-8")
    return root


def _run(root: Path, config: Config | None = None):
    result = run(root, replace(config or Config(), jobs=1))
    assert len(result.works) == 1, [w.id for w in result.works]
    return result.works[0], result.collated[0]


def _notes(collated) -> list[tuple[str, int, tuple[str, ...]]]:
    return [(n.kind, n.offset, tuple(key(r.text) for r in n.readings)) for n in collated.notes]


def test_fold_makes_the_scripts_one_and_keeps_the_length() -> None:
    text = "發展經濟，頭髮與臺灣"
    assert fold(text) == fold(S2T.convert(fold(text)))
    assert len(fold(text)) == len(text)
    assert key("政府工作報告") == key("政府工作报告")


def test_script_of_a_witness() -> None:
    full, _ = _material()
    assert script_of(full) is Script.SIMPLIFIED
    assert script_of(S2T.convert(full)) is Script.TRADITIONAL
    assert script_of("Habit also has a decided influence") is Script.NEUTRAL
    assert script_of("人口") is Script.NEUTRAL  # nothing that only one script writes


def test_convert_runs_keeps_phrases_across_pieces() -> None:
    # 头发 converts as a phrase (頭髮) though cut between two pieces
    assert convert_runs(["剪头", "发"], Script.TRADITIONAL) == ["剪頭", "髮"]
    assert differs_in_script_only("发展", "發展")
    assert not differs_in_script_only("发展", "发屉")


@pytest.mark.parametrize("which", ["digest.txt", "full.txt"])
def test_a_witness_in_the_other_script_changes_no_work_and_no_note(tmp_path: Path,
                                                                   which: str) -> None:
    full, digest = _material()
    plain_work, plain = _run(_folder(tmp_path / "plain", full, digest))
    texts = {"full.txt": full, "digest.txt": digest}
    texts[which] = S2T.convert(texts[which])
    work, mixed = _run(_folder(tmp_path / "mixed", texts["full.txt"], texts["digest.txt"]))
    assert [w.role for w in work.witnesses] == [w.role for w in plain_work.witnesses]
    assert _notes(mixed) == _notes(plain)
    assert mixed.summary["script"]["differences"] > 0
    # the canonical text follows the base (the full printing) ...
    expected = plain.canonical.text if which == "digest.txt" else S2T.convert(plain.canonical.text)
    assert mixed.canonical.text == expected
    # ... unless an option chooses
    _, chosen = _run(tmp_path / "mixed", Config(script="simplified"))
    assert script_of(chosen.canonical.text) is Script.SIMPLIFIED
    assert _notes(chosen) == _notes(plain)


def test_the_summary_says_each_witness_script(tmp_path: Path) -> None:
    full, digest = _material()
    root = _folder(tmp_path / "in", full, S2T.convert(digest))
    res = CliRunner().invoke(app, ["run", str(root), "-o", str(tmp_path / "out"), "--no-cache",
                                   "-q", "--script", "traditional"])
    assert res.exit_code == 0, res.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    entry = summary["works"][0]
    assert entry["script"]["canonical"] == "traditional"
    assert entry["script"]["witnesses"] == {"full.txt": "simplified", "digest.txt": "traditional"}
    canonical = (tmp_path / "out" / entry["canonical"]).read_text("utf-8")
    assert script_of(canonical) is Script.TRADITIONAL
    report = (tmp_path / "out" / entry["report"]).read_text("utf-8")
    assert "in script only" in report


def test_an_unknown_script_is_refused() -> None:
    with pytest.raises(ValueError, match="script"):
        Config(script="klingon")


def test_a_pinned_reading_is_printed_as_typed_whatever_the_script(tmp_path: Path) -> None:
    from reconcile.config import Pin

    full, digest = _material()
    root = _folder(tmp_path / "in", full, S2T.convert(digest))
    _, first = _run(root)
    note = next(n for n in first.notes if n.length)
    # 乾 is a character OpenCC would write 干 in Simplified: typed by hand, it stays
    _, pinned = _run(root, Config(decisions=(Pin("乾", note=note.id),)))
    got = next(n for n in pinned.notes if n.id == note.id)
    assert got.chosen == "乾"
    assert pinned.canonical.text[got.offset:got.offset + 1] == "乾"


def test_counting_characters_first_says_what_a_count_letter_by_letter_says() -> None:
    # dominant_script and script_of count each distinct character once (in C), then
    # weigh it: the answer, ties included, must be that of a count letter by letter
    import random
    from collections import Counter

    from reconcile.classify import dominant_script, script
    from reconcile.normalize import is_han
    from reconcile.script import (_DOMINANCE, _MIN_MARKED, Script, _simplified_only, fold_char,
                                  script_of)

    def dominant_by_letter(text: str) -> str | None:
        counts = Counter(s for s in map(script, text) if s)
        return counts.most_common(1)[0][0] if counts else None

    def script_by_letter(text: str) -> Script:
        trad = sum(1 for c in text if is_han(c) and fold_char(c) != c)
        simp = sum(1 for c in text if is_han(c) and fold_char(c) == c and _simplified_only(c))
        if trad >= _MIN_MARKED and trad >= _DOMINANCE * simp:
            return Script.TRADITIONAL
        if simp >= _MIN_MARKED and simp >= _DOMINANCE * trad:
            return Script.SIMPLIFIED
        return Script.NEUTRAL

    rng = random.Random(5)
    alphabet = "abcXYZабв中文發东國の한 ,.1"
    for _ in range(400):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert dominant_script(text) == dominant_by_letter(text), text
        assert script_of(text * 20) == script_by_letter(text * 20), text
