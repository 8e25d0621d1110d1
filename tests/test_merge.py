"""The canonical text: complete, in order, every reading chosen on evidence."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from reconcile.config import Config, Pin, load_decisions
from reconcile.pipeline import run

from . import synth

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
CONFIG = Config(jobs=1)


@pytest.fixture(scope="module")
def seeds():
    return run(SEEDS, CONFIG)


def _canonical(result, witness_prefix: str) -> str:
    for w, c in zip(result.works, result.collated):
        if any(r.id.startswith(witness_prefix) for r in w.witnesses):
            return c.canonical.text
    raise AssertionError(witness_prefix)


def test_seed_2023_canonical_reads_what_the_evidence_supports(seeds) -> None:
    text = _canonical(seeds, "001")
    # 太孟 / 大孟 / 大盂: each character is read right by two witnesses of three
    assert "推动大孟产业新城与现有开发区整合" in text
    assert "合力和红利" in text
    assert "汾河娄烦" in text and "天美杉杉" in text and "清徐开发区" in text
    assert "要坚定不移聚焦制造业" in text
    assert not re.search(r"[a-z]{2,}", text), "an English word survived in the canonical text"


def test_seed_2023_canonical_holds_the_review_items_only_the_digest_prints_before_item_8(seeds) -> None:
    text = _canonical(seeds, "001")
    eight = text.index("（八）守初心")
    for item in ("强龙头、延链条", "扩内需、提质量", "拓空间、提品质"):
        assert 0 <= text.index(item) < eight
    assert "本报讯" not in text and "报告指出" not in text  # framing does not survive
    assert "过去一年，全市经济社会发展取得新成效" not in text  # a digest's own heading


def test_seed_2022_canonical_holds_its_repeated_paragraph_once(seeds) -> None:
    text = _canonical(seeds, "004")
    assert text.count("（一）真抓实干，全力推动太原一体化经济区建设") == 1


def test_seed_lone_witness_corrections_are_marked_for_review(seeds) -> None:
    c = next(c for c in seeds.collated if len(c.work.witnesses) == 3)
    lone = [n for n in c.notes if "prints this place" in n.reason]
    assert lone and all(n.review for n in lone)
    assert any(n.chosen == "娄" or n.chosen == "娄烦" for n in lone)
    assert all(not n.readings[0].witnesses for n in lone)  # the correction, printed nowhere
    assert "汾河娄烦" in c.canonical.text


def test_every_note_chooses_what_the_canonical_text_reads(seeds) -> None:
    for c in seeds.collated:
        for n in c.notes:
            assert c.canonical.text[n.offset:n.offset + n.length] == n.chosen
            assert n.reason and 0 <= n.confidence <= 1


def _write(tmp: Path, texts: dict[str, str]) -> None:
    for name, text in texts.items():
        (tmp / name).write_text(text, "utf-8")


def test_the_canonical_text_of_identical_witnesses_is_that_text(tmp_path: Path) -> None:
    text = synth.render(synth.report(31, paragraphs=6), "cjk")
    _write(tmp_path, {"a.txt": text, "b.txt": text})
    (c,) = run(tmp_path, CONFIG).collated
    assert c.canonical_file() == text
    assert c.notes == ()


def _tie_folder(tmp: Path, third: str | None) -> str:
    paras = synth.report(41, paragraphs=6)
    base = synth.render(paras, "cjk")
    target = paras[2][1]
    i = 5
    other = base.replace(target, target[:i] + "\u9fa5" + target[i + 1:])
    _write(tmp, {"a.txt": base, "b.txt": other})
    # an independent printing: the same text, its lines broken elsewhere (not a reprint of
    # one page, which would not be a vote of its own)
    if third == "a":
        _write(tmp, {"c.txt": base.replace("。", "。\n")})
    elif third == "b":
        _write(tmp, {"c.txt": other.replace("。", "。\n")})
    return target[i]


@pytest.mark.parametrize("side", ["a", "b"])
def test_a_third_witness_that_agrees_with_one_side_of_a_tie_resolves_it_that_way(
        tmp_path: Path, side: str) -> None:
    original = _tie_folder(tmp_path, side)
    (c,) = run(tmp_path, CONFIG).collated
    (note,) = c.notes
    assert note.chosen == (original if side == "a" else "\u9fa5")
    assert "2 of 3" in note.reason and not note.review


def test_a_reprint_of_the_same_page_is_not_a_second_vote(tmp_path: Path) -> None:
    original = _tie_folder(tmp_path, None)
    (tmp_path / "a-again.txt").write_text((tmp_path / "a.txt").read_text("utf-8"), "utf-8")
    (c,) = run(tmp_path, CONFIG).collated
    assert sorted(r.role for r in c.work.witnesses) == ["duplicate", "edition", "edition"]
    (note,) = c.notes
    assert "witnesses are tied" in note.reason and note.review


def test_a_tie_of_witnesses_is_marked_for_review_whatever_decides_it(tmp_path: Path) -> None:
    original = _tie_folder(tmp_path, None)
    (c,) = run(tmp_path, CONFIG).collated
    (note,) = c.notes
    assert note.chosen in (original, "\u9fa5")
    assert note.review and "witnesses are tied" in note.reason


def test_a_pinned_decision_is_honoured_by_id_and_by_context(tmp_path: Path) -> None:
    _tie_folder(tmp_path, "a")
    (c,) = run(tmp_path, CONFIG).collated
    (note,) = c.notes
    pins = tmp_path.parent / "decisions.json"
    pins.write_text(json.dumps({"decisions": [{"note": note.id, "reading": "\u9fa5"}]}), "utf-8")
    (c2,) = run(tmp_path, replace(CONFIG, decisions=load_decisions(pins))).collated
    assert [n.chosen for n in c2.notes] == ["\u9fa5"] and c2.notes[0].id == note.id
    assert "pinned" in c2.notes[0].reason
    by_context = Pin("\u9fa5", before=note.before[-4:], after=note.after[:4])
    (c3,) = run(tmp_path, replace(CONFIG, decisions=(by_context,))).collated
    assert [n.chosen for n in c3.notes] == ["\u9fa5"]


def test_a_paragraph_only_a_digest_prints_goes_where_it_stands(tmp_path: Path) -> None:
    paras = synth.report(51, paragraphs=8)
    extra = synth.paragraph(__import__("random").Random(5), "cjk")
    full = synth.render(paras[:3] + paras[4:], "cjk")  # the full text lacks paragraph 3
    digest = synth.render([p[:2] for p in paras[1:3]] + [extra] + [paras[4][:2]], "cjk")
    _write(tmp_path, {"full.txt": full, "digest.txt": digest})
    (c,) = run(tmp_path, CONFIG).collated
    text = c.canonical.text
    assert "".join(extra) in text
    assert text.index("".join(paras[2][:1])) < text.index("".join(extra)) < text.index("".join(paras[4][:1]))


def test_a_digest_framing_lead_in_does_not_reach_the_canonical_text(tmp_path: Path) -> None:
    paras = synth.report(61, paragraphs=6)
    full = synth.render(paras[:4], "cjk")
    frame = "本报讯 报告指出，"
    digest = synth.render([[frame + paras[0][0]], [frame + paras[2][0]], [frame] + paras[5][:2]], "cjk")
    _write(tmp_path, {"full.txt": full, "digest.txt": digest})
    (c,) = run(tmp_path, CONFIG).collated
    assert "本报讯" not in c.canonical.text
    assert "".join(paras[5][:2]) in c.canonical.text


def test_the_cli_honours_a_decisions_file_in_the_folder(tmp_path: Path) -> None:
    import subprocess
    import sys
    folder = tmp_path / "in"
    folder.mkdir()
    _tie_folder(folder, "a")
    out = tmp_path / "out"
    args = [sys.executable, "-m", "reconcile", "run", str(folder), "-o", str(out), "--no-cache"]
    subprocess.run(args, check=True, capture_output=True)
    (note,) = json.loads(next(out.glob("works/*/notes.json")).read_text("utf-8"))["notes"]
    (folder / "reconcile-decisions.json").write_text(
        json.dumps({"decisions": [{"note": note["id"], "reading": "\u9fa5"}]}), "utf-8")
    subprocess.run(args, check=True, capture_output=True)
    (again,) = json.loads(next(out.glob("works/*/notes.json")).read_text("utf-8"))["notes"]
    assert again["chosen"] == "\u9fa5" and "pinned" in again["reason"]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    got = subprocess.run(args + ["--decisions", str(bad)], capture_output=True, text=True)
    assert got.returncode == 2 and "bad.json" in got.stderr
