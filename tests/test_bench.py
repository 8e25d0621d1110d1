"""The benchmark's generator and metrics (not the benchmark itself: that is `make bench`)."""

from __future__ import annotations

import json
import random

import pytest

from bench.compare import (
    pair_inputs,
    pairs_from_opcodes,
    pairs_from_pairing,
    reconcile_chars,
    score,
    truth_pairs,
)
from bench.generate import (
    CONFUSABLE_ZH,
    GENERATOR_VERSION,
    PAGE_NAMES,
    corpus,
    corrupt,
    generate,
    make_work,
    overlap_check,
    page_names,
)
from bench.quality import (
    TextMap,
    best_single,
    cer,
    evaluate,
    note_is_true,
    page_order,
    pairwise_f1,
    plain_vote,
    reference_text,
    sites_of,
)
from bench.reallines import cut
from bench.realocr import rover


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
    _check_files(root, truth)


def test_page_files_print_what_the_truth_says(paged):
    root, truth, _ = paged
    _check_files(root, truth)


def _check_files(root, truth):
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
                if work["lang"] == "zh":  # some printings set ASCII punctuation
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


# --- the case of editions that exist only as page files ----------------------------------------


@pytest.fixture(scope="module")
def paged(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench") / "works-60"
    truth = generate(root, 60, seed=7)
    printings = [(w, e) for w in truth["works"] if w["case"] == "paged-only"
                 for e in w["editions"] if e["kind"] == "paged"]
    return root, truth, printings


def test_generator_version_and_both_cases(paged):
    _, truth, printings = paged
    assert truth["generator"] == GENERATOR_VERSION >= 2
    cases = {w["case"] for w in truth["works"]}
    assert {"standard", "paged-only"} <= cases
    share = sum(w["case"] == "paged-only" for w in truth["works"][:60]) / 60
    assert 0.15 < share < 0.45
    assert {e["case"] for w in truth["works"] for e in w["editions"]} >= \
        {"standard", "second-printing", "paged-only"}


def test_paged_only_works_have_no_single_file_printing(paged):
    _, truth, printings = paged
    for w in truth["works"]:
        if w["case"] != "paged-only":
            continue
        kinds = [e["kind"] for e in w["editions"]]
        assert "full" not in kinds
        assert 1 <= kinds.count("paged") <= 2 and 1 <= kinds.count("digest") <= 2
        for e in w["editions"]:
            if e["kind"] == "paged":
                assert 2 <= len(e["files"]) + len(e["missing"]) <= 4
    layouts = {x["layout"] for w in truth["works"] if w["case"] == "paged-only"
               for x in w["witnesses"]}
    assert layouts == {"page", "digest"}


def test_page_names_do_not_sort_by_page(paged):
    root, truth, printings = paged
    styles = set()
    for _, e in printings:
        styles.update(e["names"])
        if len(e["files"]) >= 2:
            assert sorted(e["files"]) != e["files"], e["files"]
        for f in e["files"]:
            assert (root / "input" / f).is_file()
    assert len(styles) >= 5
    assert "{h}" in styles, "some page files carry no page information in their names"
    assert any(x not in PAGE_NAMES[:4] for x in styles), "styles beyond the designed ones"
    # the rule holds for any printing, also where the designed styles would sort
    names, _ = page_names(1, "w0001", 0, ["1", "2", "3"], False, "zh")
    assert sorted(names) != names


def test_page_files_are_the_printing_in_true_order(paged):
    _, truth, printings = paged
    for w, e in printings:
        recs = {x["file"]: x for x in w["witnesses"]}
        last_end = -1
        nums = []
        for f in e["files"]:
            x = recs[f]
            assert x["edition"] == e["id"] and x["layout"] == "page"
            segs = sorted(x["segments"])
            assert segs[0][0] >= last_end, "pages of one printing do not overlap, in order"
            last_end = segs[-1][1]
            nums.append(int("".join(c for c in x["page"] if c.isdigit())))
        assert nums == sorted(nums) and len(set(nums)) == len(nums)
        assert e["pages"] == [recs[f]["page"] for f in e["files"]]


def test_a_lost_page_is_recorded_and_not_written(paged):
    root, truth, printings = paged
    lost = [(w, e) for w, e in printings if e["missing"]]
    assert lost, "some printings lose a page"
    listed = {p.relative_to(root / "input").as_posix() for p in (root / "input").rglob("*")
              if p.is_file()}
    for w, e in lost:
        for m in e["missing"]:
            assert m["file"] not in listed and m["file"] not in truth["files"]
            assert m["page"] not in e["pages"]
            assert m["start"] < m["end"]
            # nothing this printing wrote prints the lost page's text
            for f in e["files"]:
                x = next(x for x in w["witnesses"] if x["file"] == f)
                assert all(ce <= m["start"] or cs >= m["end"] for cs, ce, _, _ in x["segments"])
    # where no other witness prints it, the reference text leaves it out
    alone = [(w, e) for w, e in lost
             if sum(1 for x in w["editions"] if x["kind"] == "paged") == 1]
    assert alone
    w, e = alone[0]
    ref, dropped = reference_text(w)
    assert dropped > 0 and len(ref) < len(w["text"])


def test_some_pages_carry_no_continuation_line_and_some_a_folio(paged):
    root, truth, printings = paged
    pages = [x for w, _ in printings for x in w["witnesses"] if x["layout"] == "page"]
    kinds = [{k for k, _, _ in x["extras"]} for x in pages]
    assert any("page-marker" not in k for k in kinds), "a page with no continuation line"
    assert sum("page-marker" in k for k in kinds) > len(pages) / 2, "most pages have one"
    assert any("folio" in k for k in kinds) and any("folio" not in k for k in kinds)
    joins = [j for _, e in printings for j in e["joins"]]
    assert any(not (j["to"] and j["from"]) for j in joins), "a join with one line or none"
    # page breaks fall in several kinds of place, mid-sentence among them
    assert {"paragraph", "mid"} <= {j["break"] for j in joins}
    # the continuation lines are not only generator 1's three phrasings
    lines = [x["carries"][k] for x in pages for k in ("to", "from") if x["carries"].get(k)]
    assert any(x["carries"].get("to_novel") or x["carries"].get("from_novel") for x in pages)
    assert len(set(lines)) > 10
    # the printed line is in the file where the truth says
    for x in pages[:20]:
        text = (root / "input" / x["file"]).read_text("utf-8")
        for k, a, b in x["extras"]:
            if k == "page-marker":
                assert text[a:b].strip() in (x["carries"]["to"] or "", x["carries"]["from"] or "")


def test_second_printing_markers_name_the_next_page(folder):
    root, truth = folder
    checked = 0
    for w in truth["works"]:
        for e in w["editions"]:
            if e.get("case") != "second-printing":
                continue
            for f, nxt in zip(e["files"], e["pages"][1:]):
                text = (root / "input" / f).read_text("utf-8").strip().splitlines()[-1]
                assert nxt in text, (text, nxt)
                checked += 1
    assert checked


# --- baselines and the page metrics ---------------------------------------------------------


def test_plain_vote_takes_the_majority_per_position():
    assert plain_vote(["道可道非常道", "道可道非當道", "道哥道非常道"]) == "道可道非常道"
    assert plain_vote(["the  house", "the hovse", "tbe house"]) == "thehouse"
    assert plain_vote(["one reading only"]) == "onereadingonly"
    assert plain_vote([]) == ""
    # an insertion carried by one of three is left out, by two of three kept
    assert plain_vote(["abcdef", "abXcdef", "abcdef"]) == "abcdef"
    assert plain_vote(["abXcdef", "abXcdef", "abcdef"]) == "abXcdef"
    assert rover(["abc", "abd", "abc"]) == "abc"


def test_cut_follows_the_transcription_lines_not_the_engine_breaks():
    gt = ["5", "Geh zu ihr, sagte Eduard, und ersuche", "sie, auf mich zu warten. Sage ihr, ich"]
    # the engine breaks its lines elsewhere, adds characters (so no offset of the transcription
    # fits) and misreads a few
    reading = ("\ufeffs\nGeh zu ihr, sagte\nEduard,« nnd ersuche sie,\n\n"
               "aus mich zu warten. Sage ihr, ich\n")
    pieces = cut(gt, reading)
    assert pieces == ["s", "Geh zu ihr, sagte Eduard,« nnd ersuche",
                      "sie, aus mich zu warten. Sage ihr, ich"]
    # nothing of the reading is dropped or repeated
    assert " ".join(pieces) == " ".join(reading.replace("\ufeff", "").split())
    # a line the engine lost is an empty piece; its neighbours stay whole
    assert cut(gt[1:], "Geh zu ihr, sagte Eduard, und ersuche") == [
        "Geh zu ihr, sagte Eduard, und ersuche", ""]


def test_best_single_is_the_closest_reading():
    ref = "天下皆知美之为美"
    got = best_single(ref, ["天下皆知美之为羡", "天下 皆知美之为美", "天下知美"])
    assert got == (0, 8, 1)
    assert best_single(ref, ["天下皆知美之为羡", "天下皆知美之为羡"])[2] == 0


def test_reference_text_keeps_what_some_file_prints():
    work = {"text": "ab cd\n\nef", "witnesses": [
        {"segments": [[0, 2, 0, 2]]}, {"segments": [[7, 8, 0, 1]]}]}
    ref, dropped = reference_text(work)
    assert ref == "ab \n\ne" and dropped == 3


def _summary(witnesses_per_work):
    return {"version": 2, "works": [
        {"id": f"w{k}", "copy_text": ws[0]["id"], "witnesses": ws}
        for k, ws in enumerate(witnesses_per_work)]}


def _wit(files, missing=()):
    return {"id": files[0], "files": [{"file": f} for f in files],
            "missing_pages": [{"page": m} for m in missing]}


def test_page_order_needs_one_witness_in_the_true_order():
    truth = {"works": [
        {"id": "A", "lang": "zh", "editions": [
            {"kind": "paged", "case": "paged-only", "files": ["a1", "a2", "a3"], "missing": []},
            {"kind": "paged", "case": "paged-only", "files": ["b1", "b3"],
             "missing": [{"page": "2"}]}]},
        {"id": "B", "lang": "en", "editions": [
            {"kind": "paged", "case": "second-printing", "files": ["c1", "c2"], "missing": []},
            {"kind": "full", "case": "standard", "files": ["d"], "missing": []}]}]}
    good = _summary([[_wit(["a1", "a2", "a3"]), _wit(["b1", "b3"], ["02"])],
                     [_wit(["c1", "c2"]), _wit(["d"])]])
    got = page_order(good, truth)
    assert got["all"]["share"] == 1.0 and got["all"]["editions"] == 3
    assert got["lost_pages"] == {"lost": 1, "named": 1}
    assert got["false_missing"].get("full", 0) == 0
    bad = _summary([[_wit(["a2", "a1", "a3"]), _wit(["b1"]), _wit(["b3"])],
                    [_wit(["c1", "c2", "d"], ["9"])]])
    got = page_order(bad, truth)
    assert got["all"]["in_order"] == 0
    assert got["all"]["in_one_work"] == 3 and got["all"]["in_one_witness"] == 1
    assert got["paged-only"]["editions"] == 2 and got["second-printing"]["in_one_witness"] == 0
    assert got["lost_pages"] == {"lost": 1, "named": 0}
    assert got["false_missing"]["full"] == 1


def test_evaluate_reads_only_contract_version_2(tmp_path, folder):
    _, truth = folder
    (tmp_path / "summary.json").write_text(json.dumps({"version": 1, "works": []}))
    with pytest.raises(ValueError, match="version"):
        evaluate(tmp_path, tmp_path, truth)


def test_sites_count_printings_not_page_files():
    work = {"witnesses": [
        {"file": "p1", "edition": "E", "segments": [[0, 5, 0, 5]],
         "corruptions": [{"start": 2, "end": 3, "kind": "confusable"}]},
        {"file": "p1-again", "edition": "E", "segments": [[0, 5, 0, 5]], "corruptions": []},
        {"file": "d", "edition": "d", "segments": [[0, 10, 0, 10]], "corruptions": []},
        {"file": "x", "segments": [[6, 10, 0, 4]], "corruptions": []},
    ]}
    site, = sites_of(work, base_file=["p1", "p2"])
    assert site.base_corrupted and site.covered == 2
    assert not sites_of(work, base_file="d")[0].base_corrupted


def test_alignment_adapters_pair_b_with_a():
    assert pairs_from_pairing([-1, 3, 4]) == {(3, 1), (4, 2)}
    a, b = "xyz天下皆知美之为美uvw", "天下皆知美之为美"
    assert reconcile_chars(a, b) == {(3 + j, j) for j in range(len(b))}


def test_stages_are_timed_and_hashed_alike_from_the_kept_records(tmp_path, folder):
    # bench.stages is how a speed change shows it kept the output: the same hashes whether
    # the per-file results are made or read back
    from bench.stages import measure

    root, _ = folder
    first = measure(root / "input", works=3, keep=tmp_path)
    again = measure(root / "input", works=3, keep=tmp_path)
    assert [d for _, d in first.values()] == [d for _, d in again.values()]
    assert first["per file"][0] > 0 and again["per file"][0] == 0.0
    assert list(first) == ["per file", "join", "grouping", "duplicates", "per work (3)"]
