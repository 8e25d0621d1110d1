"""The benchmark's generator and metrics (not the benchmark itself: that is `make bench`)."""

from __future__ import annotations

import json
import random

import pytest

from bench.compare import pair_inputs, pairs_from_opcodes, score, truth_pairs
from bench.generate import (
    CONFUSABLE_ZH,
    corpus,
    corrupt,
    generate,
    make_work,
    overlap_check,
)
from bench.quality import TextMap, cer, note_is_true, pairwise_f1, sites_of


def apply(clean: str, s: int, e: int, corruptions: list[dict]) -> str:
    """Clean ``[s, e)`` with the recorded corruptions put in."""
    out, pos = [], s
    for c in sorted(corruptions, key=lambda c: (c["start"], c["end"])):
        if not (s <= c["start"] and c["end"] <= e) or (c["start"] == c["end"] == e):
            continue
        out.append(clean[pos:c["start"]])
        out.append(c["text"])
        pos = c["end"]
    out.append(clean[pos:e])
    return "".join(out)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench") / "works-12"
    truth = generate(root, 12, seed=5)
    return root, truth


def test_corpus_is_shipped_and_sizeable():
    assert sum(len(p) for p in corpus("zh")) > 4000
    assert sum(len(p) for p in corpus("en")) > 8000


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_corrupt_records_every_change(lang):
    text = "\n\n".join(corpus(lang))[:3000]
    out, origin, recs = corrupt(text, random.Random(3), lang, rate=0.05)
    assert recs, "a high rate corrupts something"
    assert len(origin) == len(out)
    assert apply(text, 0, len(text), recs) == out
    for r in recs:
        assert text[r["start"]:r["end"]] == r["clean"]
        assert out[r["at"]:r["at"] + len(r["text"])] == r["text"]
    # every clean character that survives keeps its place, in order
    kept = [o for o in origin if o >= 0]
    assert kept == sorted(kept)
    for k, o in enumerate(origin):
        if o >= 0 and not any(r["start"] <= o < r["end"] for r in recs):
            assert out[k] == text[o]


def test_corrupt_is_seeded():
    text = corpus("zh")[0] * 5
    assert corrupt(text, random.Random(1), "zh") == corrupt(text, random.Random(1), "zh")
    assert corrupt(text, random.Random(1), "zh")[0] != corrupt(text, random.Random(2), "zh")[0]


def test_confusables_are_used():
    text = "".join(a for a, _ in CONFUSABLE_ZH) * 20
    _, _, recs = corrupt(text, random.Random(0), "zh", rate=0.2)
    assert any(r["kind"] == "confusable" for r in recs)


def test_generate_is_reproducible(tmp_path, folder):
    _, truth = folder
    again = generate(tmp_path / "again", 12, seed=5)
    assert json.dumps(again, sort_keys=True) == json.dumps(truth, sort_keys=True)
    other = generate(tmp_path / "other", 12, seed=6)
    assert other["works"][0]["text"] != truth["works"][0]["text"]


def test_smaller_folders_are_prefixes(tmp_path, folder):
    _, truth = folder
    small = generate(tmp_path / "small", 4, seed=5)
    for a, b in zip(small["works"][:4], truth["works"][:4]):
        assert a["text"] == b["text"]


def test_files_print_what_the_truth_says(folder):
    root, truth = folder
    assert len(truth["files"]) >= 12 * 3
    listed = {p.relative_to(root / "input").as_posix() for p in (root / "input").rglob("*")
              if p.is_file()}
    assert listed == set(truth["files"])
    layouts = set()
    for work in truth["works"]:
        for w in work["witnesses"]:
            layouts.add(w["layout"])
            assert truth["files"][w["file"]] == work["id"]
            text = (root / "input" / w["file"]).read_text("utf-8")
            for cs, ce, ws, we in w["segments"]:
                want = apply(work["text"], cs, ce, w["corruptions"])
                got = text[ws:we]
                if work["lang"] == "en":  # wrapped lines: a space became a newline
                    got = got.replace("\n", " ")
                if "：" not in want and "，" in want and "," in got:  # ASCII punctuation
                    got = got.translate(str.maketrans(",;:?!()", "，；：？！（）"))
                assert got == want
            for c in w["corruptions"]:
                assert any(cs <= c["start"] and c["end"] <= ce for cs, ce, _, _ in w["segments"])
    assert {"full", "digest", "unrelated"} <= layouts


def test_layout_has_markers_breaks_and_digests(folder):
    root, truth = folder
    kinds = {x[0] for w in truth["works"] for wit in w["witnesses"] for x in wit["extras"]}
    assert {"page-marker", "column-break", "framing"} <= kinds
    edits = {e["kind"] for w in truth["works"] for wit in w["witnesses"] for e in wit["editorial"]}
    assert {"cut-sentence", "cut-section", "framing"} <= edits
    texts = "".join(p.read_text("utf-8") for p in (root / "input").rglob("*.*"))
    assert "版" in texts and "Continued" in texts


def test_works_stay_apart(folder):
    _, truth = folder
    o = overlap_check(truth)
    assert o["max"] < 0.6


def test_make_work_quotes_an_earlier_work():
    earlier = [make_work(1, i, "zh", []) for i in range(3)]
    quoted = [make_work(1, i, "zh", earlier) for i in range(3, 80)]
    q = [w for w in quoted if w.quotes]
    assert q
    w = q[0]
    assert w.text[w.quotes[0]["start"]:w.quotes[0]["end"]] == w.quotes[0]["text"]


# --- metrics -------------------------------------------------------------------------------


def test_pairwise_f1():
    truth = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 3}
    assert pairwise_f1([["a", "b", "c"], ["d"], ["e"]], truth)["f1"] == 1.0
    got = pairwise_f1([["a", "b"], ["c", "d"], ["e"]], truth)
    assert got["correct_pairs"] == 1 and got["predicted_pairs"] == 2 and got["true_pairs"] == 3
    assert got["precision"] == pytest.approx(0.5)
    assert got["recall"] == pytest.approx(1 / 3)
    merged = pairwise_f1([["a", "b", "c", "d", "e"]], truth)
    assert merged["recall"] == 1.0 and merged["precision"] == pytest.approx(0.3)


def test_cer_ignores_whitespace():
    assert cer("天下 皆知\n\n美之为美", "天下皆知美之为美") == (0, 8)
    assert cer("abc def", "abx  def") == (1, 6)


def test_text_map_spans_and_restoration():
    clean = "道可道，非常道。\n\n名可名，非常名。"
    canon = "道可道，非常道。\n\n名可名，非當名。"  # one character wrong
    tm = TextMap(clean, canon)
    i = clean.index("常名")
    assert not tm.restored(i, i + 1)
    assert tm.restored(0, 3)
    x, y = tm.ref_to_hyp(i, i + 1)
    assert tm.h[x:y] == "當"
    a, b = tm.hyp_to_ref(canon.index("當"), canon.index("當") + 1)
    assert tm.r[a:b] == "常"


def test_text_map_insertions():
    clean = "合力红利"
    tm = TextMap(clean, "合力 and 红利")
    assert not tm.restored(2, 2)  # the intrusion is in the canonical text
    assert tm.restored(0, 1)
    tm = TextMap(clean, "合力红利")
    assert tm.restored(2, 2)
    tm = TextMap("the any house", "the any any house")
    assert not tm.restored(4, 7)


def test_sites_merge_and_count_witnesses():
    work = {"witnesses": [
        {"file": "a", "segments": [[0, 10, 0, 10]],
         "corruptions": [{"start": 2, "end": 3, "kind": "confusable"}]},
        {"file": "b", "segments": [[0, 5, 0, 5]],
         "corruptions": [{"start": 2, "end": 4, "kind": "transposition"},
                         {"start": 8, "end": 8, "kind": "intrusion"}]},
        {"file": "c", "segments": [[6, 10, 0, 4]], "corruptions": []},
    ]}
    sites = sites_of(work, base_file="a")
    assert [(s.start, s.end) for s in sites] == [(2, 4), (8, 8)]
    assert sites[0].covered == 2 and sites[0].base_corrupted
    assert sites[1].covered == 2 and not sites[1].base_corrupted


def test_note_truth():
    spans = [(5, 6), (20, 20)]
    points = [40]
    assert note_is_true(5, 5, points, spans)
    assert note_is_true(19, 20, points, spans)
    assert note_is_true(41, 41, points, spans)
    assert not note_is_true(10, 12, points, spans)


def test_alignment_scores():
    inp = pair_inputs("zh", 600)
    truth = truth_pairs(inp["oa"], inp["ob"])
    perfect = score(truth, inp)
    assert perfect["f1"] == 1.0 and perfect["site_accuracy"] == 1.0
    none = score(set(), inp)
    assert none["f1"] == 0.0
    shifted = {(i, j + 1) for i, j in truth if j + 1 < len(inp["b"])}
    assert score(shifted, inp)["precision"] < 0.1
    ops = [("equal", 0, 3, 0, 3), ("replace", 3, 5, 3, 4), ("delete", 5, 6, 4, 4)]
    assert pairs_from_opcodes(ops) == {(0, 0), (1, 1), (2, 2), (3, 3)}
