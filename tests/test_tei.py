"""TEI export: every work's ``tei.xml`` is valid against ``tei_all`` (Debian's ``jing``) and
gives back every witness's text (letters and digits, in the witness's own order)."""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reconcile.config import Config
from reconcile.normalize import key
from reconcile.output import write
from reconcile.pipeline import run
from reconcile.tei import TEI_NS, witness_text
from reconcile.work import edition_texts

from . import synth

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "seeds"
SCHEMA = ROOT / "fixtures" / "schemas" / "tei_all.rng"
JING = os.environ.get("RECONCILE_JING", "/usr/bin/jing")
CONFIG = Config(jobs=1)


def _jing(files: list[Path]) -> None:
    if not (Path(JING).is_file() or shutil.which(JING)):
        if os.environ.get("CI"):
            pytest.fail(f"TEI validation cannot run in CI: no jing at {JING}", pytrace=False)
        pytest.skip(f"TEI validation needs jing at {JING} (apt-get install jing)")
    got = subprocess.run([JING, str(SCHEMA), *map(str, files)], capture_output=True, text=True,
                         timeout=300)
    assert got.returncode == 0, got.stdout[-3000:]


def _round_trip(folder: Path, out: Path) -> list[Path]:
    """Run and write; check every witness against the TEI; the TEI files."""
    result = run(folder, CONFIG)
    write(result, out)
    files = []
    for w in result.works:
        tei = out / "works" / w.id / "tei.xml"
        files.append(tei)
        doc = tei.read_text("utf-8")
        ET.fromstring(doc)  # well-formed
        for wit in edition_texts(result.records, w):
            assert key(witness_text(doc, wit.id)) == key(wit.text), (w.id, wit.id)
    return files


def test_the_seeds_export_to_valid_tei_that_gives_back_every_witness(tmp_path: Path) -> None:
    files = _round_trip(SEEDS, tmp_path / "out")
    doc = ET.parse(files[0]).getroot()
    ns = {"t": TEI_NS}
    assert doc.find("t:teiHeader/t:encodingDesc/t:variantEncoding", ns).get("method") == \
        "parallel-segmentation"
    wits = doc.findall(".//t:listWit/t:witness", ns)
    assert len(wits) >= 2
    kinds = {a.get("type") for a in doc.iter(f"{{{TEI_NS}}}app")}
    assert {"omission", "addition", "substitution"} <= kinds
    _jing(files)


def test_a_moved_section_and_markup_characters_come_back_in_the_witness_order(
        tmp_path: Path) -> None:
    # a digest that prints the last section first; text with characters XML escapes
    paras = synth.report(31, "latin", paragraphs=8)
    paras[2][1] = "Costs & benefits <under review> of the \"river\" plan 'B'."
    full = synth.render(paras, "latin")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(full, "utf-8")
    (tmp_path / "in" / "b.txt").write_text(full.replace("council", "counci1", 1), "utf-8")
    digest = [p[:3] for p in paras[6:]] + [p[:3] for p in paras[:3]]
    (tmp_path / "in" / "digest.txt").write_text(synth.render(digest, "latin", title="Digest"),
                                                "utf-8")
    files = _round_trip(tmp_path / "in", tmp_path / "out")
    assert "&amp; benefits &lt;under review&gt;" in files[0].read_text("utf-8")
    _jing(files)


def _wit(covers: list, adds: list | None = None) -> dict:
    return {"role": "edition", "covers": covers, "omitted": [], "additions": adds or [],
            "differences": {}}


def _note(nid: str, at: int, length: int, chosen: str, readings: list) -> dict:
    return {"id": nid, "offset": at, "length": length, "kind": "substitution",
            "chosen": chosen, "reason": "why", "confidence": 0.9, "review": False,
            "context": {"before": "", "after": ""},
            "readings": [{"text": t, "witnesses": [{"id": w, "line": ln, "column": col}
                                                   for w, ln, col in ws]} for t, ws in readings]}


@pytest.mark.parametrize(("canonical", "witnesses", "notes"), [
    # a note over a paragraph break
    ("ab cd\n\nef gh", {"A": _wit([[0, 12, "A", 1, 1]]), "B": _wit([[0, 12, "B", 1, 1]])},
     [_note("n1", 3, 6, "cd\n\nef", [("cd\n\nef", [("A", 1, 4)]), ("xy zw", [("B", 1, 4)])])]),
    # B prints a passage twice, reading it differently each time
    ("one two three four", {"A": _wit([[0, 18, "A", 1, 1]]),
                            "B": _wit([[0, 18, "B", 1, 1], [4, 3, "B", 2, 1]])},
     [_note("n1", 4, 3, "two", [("two", [("A", 1, 5)]), ("tvvo", [("B", 1, 5)]),
                                ("twa", [("B", 2, 1)])])]),
    # two witnesses add a word where their stretch ends, a third where its stretch starts
    ("aaaa bbbb", {"A": _wit([[0, 9, "A", 1, 1]]),
                   "C": _wit([[0, 5, "C", 1, 1], [5, 4, "C", 2, 1]]),
                   "D": _wit([[0, 5, "D", 1, 1], [5, 4, "D", 2, 1]]),
                   "B": _wit([[5, 4, "B", 1, 1]])},
     [_note("n1", 5, 0, "", [("", [("A", 1, 6)]),
                             ("X ", [("C", 1, 6), ("D", 1, 6), ("B", 1, 1)])])]),
])
def test_the_exports_give_back_what_the_notes_rebuild(canonical: str, witnesses: dict,
                                                      notes: list) -> None:
    from reconcile.apparatus import rebuild
    from reconcile.collatex import alignment_table
    from reconcile.collatex import witness_text as table_text
    from reconcile.tei import render_tei

    doc = {"work": "x", "summary": {"witnesses": witnesses}, "notes": notes}
    tei, table = render_tei(doc, canonical, "t"), alignment_table(doc, canonical)
    for w in witnesses:
        want = key(rebuild(canonical, doc, w))
        assert key(witness_text(tei, w)) == want and key(table_text(table, w)) == want
