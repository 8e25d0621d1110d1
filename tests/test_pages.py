"""Editions printed over several page files: which pages are one printing, their order, the
pages that are missing, and independence from what the files are called and how they are
listed."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile.config import Config
from reconcile.output import write
from reconcile.pages import (CROWD, PageFacts, facts, follows, in_section, label, link_score,
                             name_page, order, page_links)
from reconcile.pipeline import run

from . import synth
from .helpers import cleaned

CONFIG = Config(jobs=1)


def _report(seed: int = 71, paragraphs: int = 18, script: str = "cjk") -> list[list[str]]:
    return synth.report(seed, script, paragraphs=paragraphs)


def _pages(paras: list[list[str]], cuts: tuple[int, ...]) -> list[list[list[str]]]:
    bounds = (0,) + cuts + (len(paras),)
    return [paras[a:b] for a, b in zip(bounds, bounds[1:])]


def _write(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, "utf-8")


def _edition(result):
    work = next(w for w in result.works if any(r.role == "edition" for r in w.witnesses))
    return work, next(r for r in work.witnesses if r.role == "edition")


@pytest.mark.parametrize(("name", "page"), [
    ("a0c7bf4c5a86 p.4.md", "4"), ("9ff5e328b9bf(第5页).txt", "5"), ("report page 12.txt", "12"),
    ("x_p3.txt", "3"), ("第3版_ab12cd34.txt", "3"),
])
def test_a_name_that_says_page_before_its_number_names_a_page(name: str, page: str) -> None:
    got = name_page(name)
    assert got is not None and got.explicit and got.label == page


def test_labels_and_names() -> None:
    assert label("03") == "3" and label("a3") == "A3" and follows("2", "3")
    assert not follows("A2", "B3")
    assert name_page("scans/7f3a9c1e_p2.txt").label == "2"
    assert not name_page("scans/7f3a9c1e_p2.txt").exact  # the hash says nothing of a series
    p14, p15 = name_page("p0014_abbyy.txt"), name_page("p0015_abbyy.txt")
    assert p14.template == p15.template and p14.exact and follows(p14.label, p15.label)
    f = facts(cleaned("第3版\n（上接第2版）正文继续。\n（下转第4版）\n"))
    assert (f.printed, f.frm, f.to) == ("3", ("2",), ("4",))


def test_page_order_from_markers_whatever_the_names(tmp_path: Path) -> None:
    paras = _report()
    pages = _pages(paras, (6, 12))
    files = {}
    names = ["e9c2a1_scan.txt", "03bb7f_scan.txt", "a71d44_scan.txt"]  # sort: 2nd, 3rd, 1st
    for k, (name, body) in enumerate(zip([names[2], names[0], names[1]], pages)):
        top = f"（上接第{k}版）\n\n" if k else ""  # page k + 1 goes on from page k
        foot = f"\n（下转第{k + 2}版）" if k < 2 else ""
        files[name] = top + synth.render(body, "cjk") + foot
    files["digest.txt"] = synth.render([p[:2] for p in paras[::4]], "cjk")
    _write(tmp_path, files)
    work, edition = _edition(run(tmp_path, CONFIG))
    assert edition.files == ("a71d44_scan.txt", "e9c2a1_scan.txt", "03bb7f_scan.txt")
    assert edition.ordered_by == "markers"


def test_page_order_from_the_order_a_digest_prints_them(tmp_path: Path) -> None:
    paras = _report(seed=72)
    pages = _pages(paras, (9,))
    # no markers, no page numbers: names that sort the wrong way round
    _write(tmp_path, {"b.txt": synth.render(pages[0], "cjk"), "a.txt": synth.render(pages[1], "cjk"),
                      "digest.txt": synth.render([p[:2] for p in paras[::3]], "cjk")})
    result = run(tmp_path, CONFIG)
    work, edition = _edition(result)
    assert edition.files == ("b.txt", "a.txt") and edition.ordered_by == "witnesses"
    assert len(result.works) == 1  # the pages share no text; the digest links them


def test_page_order_from_nothing_falls_back_to_names_and_says_so(tmp_path: Path) -> None:
    paras = _report(seed=73)
    pages = _pages(paras, (9,))
    # a digest that prints one sentence of each page: it links them but orders nothing
    digest = synth.render([pages[1][0][:2], pages[0][0][:2]], "cjk")
    _write(tmp_path, {"y.txt": synth.render(pages[0], "cjk"), "x.txt": synth.render(pages[1], "cjk"),
                      "d.txt": digest})
    out = tmp_path / "out"
    shutil.move(str(tmp_path), str(tmp_path.parent / "in"))
    folder = tmp_path.parent / "in"
    summary = json.loads(write(run(folder, CONFIG), out).read_text("utf-8"))
    (w,) = summary["works"]
    edition = next(x for x in w["witnesses"] if x["role"] == "edition")
    assert [f["file"] for f in edition["files"]] in (["x.txt", "y.txt"], ["y.txt", "x.txt"])
    assert edition["pages_ordered_by"] in ("witnesses", "file names (nothing else decides)")


def test_pages_that_share_nothing_and_are_linked_by_nothing_stay_apart(tmp_path: Path) -> None:
    paras = _report(seed=74)
    pages = _pages(paras, (9,))
    _write(tmp_path, {"a.txt": synth.render(pages[0], "cjk"), "b.txt": synth.render(pages[1], "cjk")})
    assert len(run(tmp_path, CONFIG).works) == 2


def test_a_missing_page_is_reported_with_the_witnesses_that_supply_its_text(tmp_path: Path) -> None:
    paras = _report(seed=75)
    pages = _pages(paras, (6, 12))
    files = {"p2.txt": "（上接第1版）\n\n" + synth.render(pages[1], "cjk") + "\n（下转第3版）",
             "p3.txt": "（上接第2版）\n\n" + synth.render(pages[2], "cjk"),
             "digest.txt": synth.render([p[:2] for p in paras[::2]], "cjk")}
    _write(tmp_path / "in", files)
    summary = json.loads(write(run(tmp_path / "in", CONFIG), tmp_path / "out").read_text("utf-8"))
    (w,) = summary["works"]
    edition = w["witnesses"][0]
    assert [f["file"] for f in edition["files"]] == ["p2.txt", "p3.txt"]
    (gap,) = w["missing_pages"]
    assert gap["page"] == "1" and gap["side"] == "before" and gap["supplied_by"] == ["digest.txt"]
    text = (tmp_path / "out" / w["canonical"]).read_text("utf-8")
    assert "".join(pages[0][0][:2]) in text  # page 1's text, from the digest, comes first
    assert text.index("".join(pages[0][0][:2])) < text.index("".join(pages[1][0]))
    # the work's report says it too: which edition, which page, who supplies it; the
    # index counts the pages missing in the work's row
    page = (tmp_path / "out" / w["report"]).read_text("utf-8")
    assert "<h3>Missing pages</h3>" in page
    gap_line = page[page.index("<h3>Missing pages</h3>"):].split("</li>")[0]
    assert "<code>p2.txt</code> comes from page 1" in gap_line
    assert "<code>digest.txt</code>" in gap_line
    index = (tmp_path / "out" / "index.html").read_text("utf-8")
    row = index[index.index(f'<tr id="w-{w["id"]}">'):].split("</tr>")[0]
    assert '<td class="num">1</td>' in row  # one page missing


def test_two_pages_that_name_the_lost_page_between_them_are_one_printing(tmp_path: Path) -> None:
    # page 2 goes on to page 3, page 7 comes from page 3, and page 3 is not in the folder:
    # the numbers are only in the names, and a digest prints passages of both pages
    paras = _report(seed=96, paragraphs=24)
    first, lost, last = _pages(paras, (8, 16))
    _write(tmp_path / "in", {
        "d85f0c2b_02.txt": synth.render(first, "cjk") + "\n下转第3版",
        "654e1a9d_07.txt": "上接第3版\n\n" + synth.render(last, "cjk"),
        "digest.txt": synth.render([p[:2] for p in paras[::2]], "cjk")})
    summary = json.loads(write(run(tmp_path / "in", CONFIG), tmp_path / "out").read_text("utf-8"))
    (w,) = summary["works"]
    edition = next(x for x in w["witnesses"] if x["role"] == "edition")
    assert [f["file"] for f in edition["files"]] == ["d85f0c2b_02.txt", "654e1a9d_07.txt"]
    assert {g["page"] for g in w["missing_pages"]} == {"3"}


def test_a_digest_is_no_edition_beside_a_printing_that_lost_a_page(tmp_path: Path) -> None:
    # the only printing lacks its first page; the digest prints that page's text whole and
    # abridges the rest: more text in all than the printing, but a digest of it
    paras = _report(seed=97, paragraphs=16)
    lost, kept = _pages(paras, (5,))
    _write(tmp_path, {
        "b1e0c4_S2.txt": "（上接第1版）\n\n" + synth.render(kept, "cjk"),
        "digest.txt": synth.render(lost + [p[:3] for p in kept[::2]], "cjk")})
    (work,) = run(tmp_path, CONFIG).works
    assert {r.files: r.role for r in work.witnesses} == {
        ("b1e0c4_S2.txt",): "edition", ("digest.txt",): "digest"}


def _paged_folder(root: Path, names: list[str], seed: int) -> None:
    paras = _report(seed=76)
    pages = _pages(paras, (6, 12))
    for k, (name, body) in enumerate(zip(names, pages)):
        top = f"（上接第{k}版）\n\n" if k else ""
        foot = f"\n（下转第{k + 2}版）" if k < 2 else ""
        (root / name).write_text(top + synth.render(body, "cjk") + foot, "utf-8")
    (root / "digest.txt").write_text(synth.render([p[:2] for p in paras[::4]], "cjk"), "utf-8")


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.permutations(["q1.txt", "m7.txt", "a3.txt"]), st.integers(0, 1000))
def test_renaming_or_listing_the_pages_otherwise_changes_nothing_but_names(
        tmp_path_factory, names, seed) -> None:
    one = tmp_path_factory.mktemp("one")
    two = tmp_path_factory.mktemp("two")
    _paged_folder(one, ["page-a.txt", "page-b.txt", "page-c.txt"], seed)
    _paged_folder(two, list(names), seed)
    rename = dict(zip(["page-a.txt", "page-b.txt", "page-c.txt"], names))
    out1, out2 = one / "out", two / "out"
    write(run(one, CONFIG), out1)
    write(run(two, CONFIG), out2)
    got1 = sorted(p.relative_to(out1).as_posix() for p in out1.rglob("*") if p.is_file())
    got2 = sorted(p.relative_to(out2).as_posix() for p in out2.rglob("*") if p.is_file())
    stem = {k.removesuffix(".txt"): v.removesuffix(".txt") for k, v in rename.items()}

    def renamed(text: str) -> str:
        for a, b in sorted(rename.items()):
            text = text.replace(a, "\x00" + b)
        for a, b in sorted(stem.items()):
            text = text.replace(a, "\x00" + b)
        return text.replace("\x00", "")
    assert sorted(renamed(p) for p in got1) == got2
    for p in got1:
        # (the manifest's hashes of each work's inputs and files are of the names too)
        if p.endswith((".txt", ".json")) and p != ".reconcile-manifest.json":
            a = renamed((out1 / p).read_text("utf-8"))
            b = (out2 / renamed(p)).read_text("utf-8")
            if p.endswith(".json"):
                # the ids of notes hash the work id, which is a file name: compare the rest
                strip = lambda d: json.loads(d.replace('"n', '"x'))  # noqa: E731
                a_doc, b_doc = json.loads(a), json.loads(b)
                for doc in (a_doc, b_doc):
                    for n in doc.get("notes", []) if isinstance(doc, dict) else []:
                        n["id"] = ""
                assert a_doc == b_doc, p
            else:
                assert a == b, p


def test_the_side_by_side_view_shows_an_edition_once_with_its_page_boundaries(
        tmp_path: Path) -> None:
    from reconcile.report import render_work_report
    paras = _report(seed=73)
    pages = _pages(paras, (6, 12))
    names = ["e9c2a1_scan.txt", "03bb7f_scan.txt", "a71d44_scan.txt"]
    files = {}
    for k, (name, body) in enumerate(zip(names, pages)):
        top = f"（上接第{k}版）\n\n" if k else ""
        foot = f"\n（下转第{k + 2}版）" if k < 2 else ""
        files[name] = top + synth.render(body, "cjk") + foot
    files["digest.txt"] = synth.render([p[:2] for p in paras[::4]], "cjk")
    _write(tmp_path / "in", files)
    result = run(tmp_path / "in", CONFIG)
    work, edition = _edition(result)
    html = render_work_report(result, result.works.index(work))
    # one view for the edition, the other two files named only where their pages begin
    assert html.count('class="pagebreak"') == 2
    for name in names[1:]:
        assert f"⎘ {name}</span>" in html
    assert html.index(f"⎘ {names[1]}") < html.index(f"⎘ {names[2]}")


def test_a_marker_naming_a_page_finds_it_by_the_number_in_its_name(tmp_path: Path) -> None:
    # the names carry a number that no word says is a page ("_06"), and the hashes make
    # them sort the wrong way; "continued on page 6" names the file ending in 6
    paras = _report(seed=81)
    pages = _pages(paras, (9,))
    _write(tmp_path, {
        "a1c2_06.txt": "（上接第3版）\n\n" + synth.render(pages[1], "cjk"),
        "f3a9_03.txt": synth.render(pages[0], "cjk") + "\n（下转第6版）",
        "digest.txt": synth.render([p[:2] for p in paras[::3]], "cjk")})
    work, edition = _edition(run(tmp_path, CONFIG))
    assert edition.files == ("f3a9_03.txt", "a1c2_06.txt") and edition.ordered_by == "markers"


def test_a_marker_many_pages_could_answer_joins_the_two_a_digest_prints(tmp_path: Path) -> None:
    # two unrelated works, each with a "page 5": the marker on page 3 alone cannot say
    # which page 5 it goes on to; the digest that prints text of both pages can
    paras = _report(seed=82)
    pages = _pages(paras, (9,))
    other = _report(seed=83, paragraphs=10)
    _write(tmp_path, {
        "x_S3.txt": synth.render(pages[0], "cjk") + "\n（下转第5版）",
        "y_S5.txt": synth.render(pages[1], "cjk"),
        "z_S5.txt": synth.render(other, "cjk"),
        "digest.txt": synth.render([p[:2] for p in paras[::3]], "cjk")})
    result = run(tmp_path, CONFIG)
    work, edition = _edition(result)
    assert edition.files == ("x_S3.txt", "y_S5.txt")
    assert not any("z_S5.txt" in r.files for w in result.works if w is work for r in w.witnesses)


def test_a_line_sharing_a_phrase_with_each_of_two_pages_does_not_join_them(tmp_path: Path) -> None:
    # page 3 of one work goes on "to page 5", and a page 5 of another work is in the
    # folder; a short file of its own words shares a phrase of a dozen characters with
    # each. A tenth of a short file is no digest of both: in a folder of thousands of works
    # such chance phrases tie scores of them into one
    one, two = _report(seed=96), _report(seed=97, paragraphs=10)
    rng = random.Random(98)
    line = synth.sentence(rng, "cjk") + one[4][2][:12] + "。" + two[3][2][:12] + "。"
    _write(tmp_path, {"a_S3.txt": synth.render(one[:12], "cjk") + "\n（下转第5版）",
                      "b_S5.txt": synth.render(two, "cjk"), "line.txt": line + "\n"})
    works = run(tmp_path, CONFIG).works
    assert not any({"a_S3.txt", "b_S5.txt"} <= {f for r in w.witnesses for f in r.files}
                   for w in works)


def test_a_marker_and_a_third_file_do_not_merge_two_works_text_already_made(
        tmp_path: Path) -> None:
    # page 3 of one report goes on "to page 5", and page 5 of another report is in the
    # folder; each page has a digest of its own, so text already made each a work. Both
    # pages print one stock sentence, and a short file quotes it: a marker and a quotation
    # tie a page no text placed, never two works (in a folder of 10,000 works such
    # quotations joined hundreds)
    one, two = _report(seed=101), _report(seed=102, paragraphs=10)
    stock = "坚持以人民为中心的发展思想，全面推进乡村振兴，加快建设现代化经济体系。"
    one[4] = one[4][:2] + [stock] + one[4][2:]
    two[3] = two[3][:2] + [stock] + two[3][2:]
    _write(tmp_path, {
        "5d0e9c41a7b2_p3.txt": synth.render(one[:12], "cjk") + "\n（下转第5版）",
        "e83a6f0b2c19_p5.txt": synth.render(two, "cjk"),
        "a-digest.txt": synth.render([p[:2] for p in one[:12:2]], "cjk"),
        "b-digest.txt": synth.render([p[:2] for p in two[::2]], "cjk"),
        "line.txt": synth.sentence(random.Random(103), "cjk") + stock + "\n"})
    works = run(tmp_path, CONFIG).works
    assert not any({"5d0e9c41a7b2_p3.txt", "e83a6f0b2c19_p5.txt"} <=
                   {f for r in w.witnesses for f in r.files} for w in works)


@pytest.mark.parametrize("script", ["cjk", "latin"])
def test_a_digest_quoting_a_passage_two_works_share_does_not_join_their_pages(
        tmp_path: Path, script: str) -> None:
    # one report is printed whole and as a page 3 that goes on "to page 5" (its page 5
    # lost); another report is printed as a page 5 with a digest of its own. Both reports
    # hold one stock paragraph. A digest of the first quotes page 3 and two sentences of the
    # stock: what it draws from the other page 5 the first report already holds, so
    # it is no sign that page 5 goes on from page 3
    one, two = _report(seed=111, script=script), _report(seed=112, script=script,
                                                         paragraphs=10)
    stock = synth.paragraph(random.Random(113), script)
    one[14], two[3] = stock, stock
    more = "（下转第5版）" if script == "cjk" else "Continued on page 5"
    _write(tmp_path, {
        "a-whole.txt": synth.render(one, script),
        "5d0e9c41a7b2_p3.txt": synth.render(one[:9], script) + f"\n{more}\n",
        "e83a6f0b2c19_p5.txt": synth.render(two, script),
        "b-digest.txt": synth.render([p[:2] for p in two[::2]], script),
        "c-digest.txt": synth.render([one[2][:2], one[6][:2], one[12][:2], one[15][:1], stock[:2]], script)})
    works = run(tmp_path, CONFIG).works
    files = [{f for r in w.witnesses for f in r.files} for w in works]
    assert not any({"5d0e9c41a7b2_p3.txt", "e83a6f0b2c19_p5.txt"} <= f for f in files)
    assert any({"a-whole.txt", "5d0e9c41a7b2_p3.txt", "c-digest.txt"} <= f for f in files)


def test_a_marker_naming_a_crowded_page_is_scored_only_against_pages_text_ties_to_it() -> None:
    # page 3 goes on "to page 5"; more files than a crowd are page 5. Only the one a third
    # file's text ties to it is scored, and the others stand as rivals: the link is
    # neither sole nor unrivalled, as it would not be had every pair been scored
    a = PageFacts("3", ("5",), (), starts_mid=False, ends_mid=True)
    fives = [PageFacts("5", (), (), starts_mid=True, ends_mid=False)] * (CROWD + 1)
    everything = page_links([a, *fives], [None] * (CROWD + 2))
    assert len(everything) == CROWD + 1 and not any(k.sole or k.unrivalled for k in everything)
    (got,) = page_links([a, *fives], [None] * (CROWD + 2), near=lambda i: {1} if i == 0 else {0})
    assert (got.a, got.b) == (0, 1) and not got.sole and not got.unrivalled
    assert got.score == everything[0].score
    # below a crowd, every pair is scored whatever text ties them
    assert len(page_links([a, *fives[:CROWD]], [None] * (CROWD + 1), near=lambda i: ())) == CROWD
    # a crowd of pages that come "from page 5" (a lost page 5 between it and them, a
    # direction's worth at most) rivals nothing: page 4 "to 5" and page 5 "from 4" stay sole
    four = PageFacts("4", ("5",), (), starts_mid=False, ends_mid=True)
    five = PageFacts("5", (), ("4",), starts_mid=True, ends_mid=False)
    later = [PageFacts("", (), ("5",), starts_mid=True, ends_mid=False)] * (CROWD + 6)
    pair = [k for k in page_links([four, five, *later], [None] * (CROWD + 8),
                                  near=lambda i: ()) if (k.a, k.b) == (0, 1)]
    assert pair and pair[0].sole and pair[0].joins()


def test_two_pages_that_name_each_other_join_unless_another_page_answers_too(tmp_path: Path) -> None:
    # page 3 says it goes on on page 5, page 5 says it comes from page 3, in jump lines
    # worded as no rule names them; they share no text and nothing else prints them. A
    # third file that also says it comes from page 3 makes the markers ambiguous.
    paras = synth.report(86, "latin", paragraphs=18)
    pages = _pages(paras, (9,))
    files = {"k1_S3.txt": synth.render(pages[0], "latin") + "\n\n(Please turn to Page 5)",
             "q9_S5.txt": "BUDGET, from Page 3\n\n" + synth.render(pages[1], "latin")}
    _write(tmp_path, files)
    work, edition = _edition(run(tmp_path, CONFIG))
    assert edition.files == ("k1_S3.txt", "q9_S5.txt")
    other = synth.report(87, "latin", paragraphs=8)
    (tmp_path / "z2_S5.txt").write_text("(Cont'd from page 3)\n\n" + synth.render(other, "latin"),
                                        "utf-8")
    result = run(tmp_path, CONFIG)
    assert len(result.works) == 3


def test_two_pages_that_name_each_other_join_when_a_digest_quotes_a_sentence_of_each(
        tmp_path: Path) -> None:
    # two printings, each over pages 3 and 5 that name each other (scanner's hashes for
    # names): the markers alone cannot say which page 5 goes with which page 3. A long digest prints much of one page 3 and a
    # paragraph of its page 5: a small share of the digest, a large one of the short page.
    paras = synth.report(94, "latin", paragraphs=24)
    first, second = paras[:20], paras[20:]
    rival = synth.report(95, "latin", paragraphs=12)
    _write(tmp_path, {
        "5d0e9c41a7b2_p3.txt": synth.render(first, "latin") + "\n\n(Continued on page 5)",
        "e83a6f0b2c19_p5.txt": "(Continued from page 3)\n\n" + synth.render(second, "latin"),
        "71c4b8d2e0fa_p3.txt": synth.render(rival[:8], "latin") + "\n\n(Continued on page 5)",
        "0a9f3e6d5c87_p5.txt": "(Continued from page 3)\n\n" + synth.render(rival[8:], "latin"),
        "digest.txt": synth.render(first[2:18] + second[1:2], "latin")})
    result = run(tmp_path, CONFIG)
    work = next(w for w in result.works if any("digest.txt" in r.files for r in w.witnesses))
    files = {f for r in work.witnesses for f in r.files}
    assert files == {"5d0e9c41a7b2_p3.txt", "e83a6f0b2c19_p5.txt", "digest.txt"}
    assert any(r.files == ("5d0e9c41a7b2_p3.txt", "e83a6f0b2c19_p5.txt") for r in work.witnesses)


def _mixed_digest(paras: list[list[str]], cut: int, seed: int) -> str:
    """A digest with text of its own and a sentence of two paragraphs from each side of
    ``cut``: about a quarter of it from each, too little to make it an edition of either."""
    own = synth.paragraph(random.Random(seed), "cjk", 5)
    drawn = [[p[1]] for p in paras[:cut][2:5] + paras[cut:][2:5]]
    return synth.render([own[:3]] + drawn[:3] + [own[3:]] + drawn[3:], "cjk")


def test_pages_a_digest_draws_from_join_on_a_sentence_cut_at_the_foot(tmp_path: Path) -> None:
    # hash names, no markers, no numbers: page 1 stops mid-sentence, and a digest prints
    # passages of both; nothing else says they are one printing
    paras = _report(seed=88, paragraphs=20)
    first, second = _pages(paras, (10,))
    head = synth.render(first, "cjk").rstrip("\n").rstrip("。")  # cut mid-sentence
    _write(tmp_path, {"9f2c1e7a.txt": head + "\n", "3b7d0a44.txt": synth.render(second, "cjk"),
                      "digest.txt": _mixed_digest(paras, 10, 91)})
    (work,) = run(tmp_path, CONFIG).works
    roles = {r.files: r.role for r in work.witnesses}
    assert roles == {("9f2c1e7a.txt", "3b7d0a44.txt"): "edition", ("digest.txt",): "digest"}


def test_a_digest_of_two_whole_works_does_not_join_them(tmp_path: Path) -> None:
    # a compilation: two complete reports, each ending on a full stop, and a file made of
    # passages of both
    one, two = _report(seed=89, paragraphs=10), _report(seed=90, paragraphs=10)
    _write(tmp_path, {"one.txt": synth.render(one, "cjk"), "two.txt": synth.render(two, "cjk"),
                      "both.txt": _mixed_digest(one + two, 10, 92)})
    works = run(tmp_path, CONFIG).works
    assert not any({"one.txt", "two.txt"} <= {f for r in w.witnesses for f in r.files}
                   for w in works)


def test_a_page_no_witness_prints_joins_the_page_that_names_it(tmp_path: Path) -> None:
    # pages 2 and 3 of a printing and a digest of page 2 only; page 3 shares no text with
    # any file. The two pages name each other, and no other pair of files does better.
    # Another work's page 3 (its own digest beside it) says only that it is page 3.
    paras = _report(seed=93, paragraphs=16)
    first, second = _pages(paras, (8,))
    other = _report(seed=94, paragraphs=8)
    _write(tmp_path, {"c0ffee11_p2.txt": synth.render(first, "cjk") + "\n（下转第3版）",
                      "d00d2222_p3.txt": "（上接第2版）\n\n" + synth.render(second, "cjk"),
                      "digest.txt": synth.render([p[:2] for p in first[::2]], "cjk"),
                      "e1e1e1e1_p3.txt": synth.render(other, "cjk"),
                      "other-digest.txt": synth.render([p[:2] for p in other[::2]], "cjk")})
    result = run(tmp_path, CONFIG)
    files = {w.id: {f for r in w.witnesses for f in r.files} for w in result.works}
    assert {"c0ffee11_p2.txt", "d00d2222_p3.txt", "digest.txt"} in files.values()
    assert any(r.files == ("c0ffee11_p2.txt", "d00d2222_p3.txt")
               for w in result.works for r in w.witnesses)


def test_pages_numbered_in_two_ways_are_ordered_by_their_markers(tmp_path: Path) -> None:
    # one page prints its number as "A6", the other's name says 13; "A6" and "13" are
    # not one numbering, so the markers decide
    paras = _report(seed=95, paragraphs=16)
    first, second = _pages(paras, (8,))
    _write(tmp_path, {"ff01.txt": "- A6 -\n\n" + synth.render(first, "cjk") + "\n（下转第A13版）",
                      "0a02_P13.txt": "（上接第A6版）\n\n" + synth.render(second, "cjk"),
                      "digest.txt": synth.render([p[:2] for p in paras[::3]], "cjk")})
    work, edition = _edition(run(tmp_path, CONFIG))
    assert edition.files == ("ff01.txt", "0a02_P13.txt")


def test_a_page_is_no_digest_of_a_printing_that_repeats_a_paragraph(tmp_path: Path) -> None:
    paras = _report(seed=84)
    full = paras[:8] + paras[4:8] + paras[8:]  # the full printing prints 4-7 twice
    pages = _pages(paras, (8,))
    _write(tmp_path, {"full.txt": synth.render(full, "cjk"),
                      "q_p2.txt": synth.render(pages[0], "cjk") + "\n（下转第3版）",
                      "r_p3.txt": "（上接第2版）\n\n" + synth.render(pages[1], "cjk")})
    (work,) = run(tmp_path, CONFIG).works
    roles = {r.files: r.role for r in work.witnesses}
    assert roles == {("full.txt",): "edition", ("q_p2.txt", "r_p3.txt"): "edition"}


def test_a_digest_is_judged_against_the_whole_printing_not_one_page(tmp_path: Path) -> None:
    # the report exists only as two page files; the digest's paragraphs each join a
    # passage of page 1 to one of page 2, so beside either page alone it is no shorter,
    # beside the printing it is well under its length
    paras = _report(seed=85, paragraphs=16)
    pages = _pages(paras, (8,))
    mixed = [paras[k][:3] + paras[k + 8][:3] for k in range(8)]
    _write(tmp_path, {"a71d44_p2.txt": synth.render(pages[0], "cjk") + "\n（下转第3版）",
                      "03bb7f_p3.txt": "（上接第2版）\n\n" + synth.render(pages[1], "cjk"),
                      "digest.txt": synth.render(mixed, "cjk")})
    (work,) = run(tmp_path, CONFIG).works
    roles = {r.files: r.role for r in work.witnesses}
    assert roles == {("a71d44_p2.txt", "03bb7f_p3.txt"): "edition", ("digest.txt",): "digest"}


def test_a_marker_naming_another_page_outweighs_a_sentence_cut_at_the_foot() -> None:
    # page a breaks off mid-sentence and says it goes on on page 4; b is page 5 and
    # starts mid-sentence: the sentence goes on on page 4, not on b
    a = PageFacts("3", ("4",), (), starts_mid=False, ends_mid=True)
    b = PageFacts("5", (), (), starts_mid=True, ends_mid=False)
    assert link_score(a, b, None, None)[0] < 0
    c = PageFacts("4", (), (), starts_mid=True, ends_mid=False)
    assert link_score(a, c, None, None)[0] > link_score(a, b, None, None)[0]


def test_a_page_named_without_its_section_letter_takes_the_one_its_markers_use() -> None:
    # "…_S5" comes from page A4: it is page A5, the page "continued from page A5" names
    s5 = facts(cleaned("(Cont'd from Page A4)\n\nthe rest of the sentence.\n"))
    s6 = facts(cleaned("CONTINUED FROM PAGE AFive\n\nThe next part begins.\n"))
    n5, n6 = in_section(name_page("e49b_S5.md"), s5), in_section(name_page("5131_S6.md"), s6)
    assert (n5.page, n6.page) == ("A5", "A6") and n5.label == "5"
    assert "markers" in link_score(s5, s6, n5, n6)[1]
    # markers in two sections say nothing of the page's own letter
    both = PageFacts("", ("B2",), ("A4",), False, False)
    assert in_section(name_page("x_S5.md"), both).page == "5"


def test_two_printings_broken_at_other_places_are_told_apart_by_their_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two printings of one report, each over two pages, broken after paragraph 7 (x) and
    # after paragraph 4 (y). y's first page says it goes on on page 2, and x's second page
    # says it comes from page 1, so the markers alone pair y1 with x2. The text says
    # otherwise: in x, y1's last sentence goes on with y2's first.
    paras = _report(seed=97, paragraphs=14, script="latin")
    _write(tmp_path, {
        "3f2a p.1.md": synth.render(paras[:8], "latin"),
        "9c1b p.2.md": "(Continued from page 1)\n\n" + synth.render(paras[8:], "latin"),
        "e11c_01.txt": synth.render(paras[:5], "latin") + "\n(Continued on page 2)\n",
        "a7d0_02.txt": synth.render(paras[5:], "latin")})
    printings = {r.files for w in run(tmp_path, CONFIG).works for r in w.witnesses}
    assert printings == {("3f2a p.1.md", "9c1b p.2.md"), ("e11c_01.txt", "a7d0_02.txt")}
    monkeypatch.setattr("reconcile.pages.JUNCTION", 0)
    printings = {r.files for w in run(tmp_path, CONFIG).works for r in w.witnesses}
    assert ("e11c_01.txt", "9c1b p.2.md") in printings  # what the markers alone would say


@pytest.mark.parametrize("readings", [
    # one engine garbles the line's end (and drops its stop), another its start: the
    # first's clean sentence is followed, in the third reading, by the second's clean one,
    # but each has a whole sentence left over that nothing prints between them
    ("the council met on the hill. It voted for the plan!",
     "the council met on the hill. lt vofed fcr tne plam",
     "the coumcil mct om the hlll. It voted for the plan!"),
    # the third shares one of the line's two clauses with the others, a small part of its
    # text: still a reading of the same line (the Goethe lines, 0052:5)
    ("er gleich das wünschenswerthe. sehr wohl kannte,",
     "er gleich das wünschenswerthe, sehr wohl kannte,",
     "er gleich oae wünschenswkthcsehr wohl kannte;")])
def test_readings_of_one_line_however_garbled_are_not_pages(tmp_path: Path,
                                                            readings: tuple[str, ...]) -> None:
    _write(tmp_path, {f"3a16_{engine}.txt": text + "\n"
                      for engine, text in zip(("abbyy", "tesseract", "ocropus"), readings)})
    result = run(tmp_path, CONFIG)
    assert all(len(r.files) == 1 for w in result.works for r in w.witnesses)


def test_pages_whose_formulas_echo_each_other_are_still_one_printing(tmp_path: Path) -> None:
    # A text of formulas (a constitution: "No Person shall be a Senator who..." and, a page
    # later, "No Person shall be a Representative who..."): the two pages' sentences match
    # in part, one another and the full printing's. They are different sentences, and the
    # pages are still two parts of one printing, which the full printing orders.
    paras = _report(seed=23, paragraphs=6, script="latin")
    formulas = [
        ("No Person shall be a Senator who shall not have attained to the Age of thirty "
         "Years, and been nine Years a Citizen of the United States.",
         "No Person shall be a Representative who shall not have attained to the Age of "
         "twenty five Years, and been seven Years a Citizen of the United States."),
        ("The Senate of the United States shall be composed of two Senators from each "
         "State, chosen by the Legislature thereof, for six Years.",
         "The House of Representatives shall be composed of Members chosen every second "
         "Year by the People of the several States, for two Years."),
        ("The Senators shall receive a Compensation for their Services, to be ascertained "
         "by Law, and paid out of the Treasury of the United States.",
         "The Representatives shall receive a Compensation for their Services, to be "
         "ascertained by Law, and paid out of the Treasury of the several States.")]
    for k, (one, other) in enumerate(formulas):
        paras[k][1] = one
        paras[3 + k][2] = other
    _write(tmp_path, {"c4e1a9.txt": synth.render(paras, "latin"),
                      "7b0f2d.md": synth.render(paras[:3], "latin"),
                      "e93c5a.md": synth.render(paras[3:], "latin")})
    (work,) = run(tmp_path, CONFIG).works
    assert {r.files for r in work.witnesses} == {("c4e1a9.txt",), ("7b0f2d.md", "e93c5a.md")}


def test_a_pull_quote_printed_on_two_pages_does_not_make_them_two_printings(
        tmp_path: Path) -> None:
    # a sentence of page 1 is printed again as a pull quote on page 2, and the full printing
    # prints it twice as well: the pages still print different parts of the work
    paras = _report(seed=31, paragraphs=4, script="latin")
    quote = ("The council will open the new library to every reader of the city before the "
             "winter comes, and it will keep its doors open late on every working day.")
    paras[0][2] = quote
    paras[3].insert(1, quote)
    _write(tmp_path, {"c4e1a9.txt": synth.render(paras, "latin"),
                      "7b0f2d.md": synth.render(paras[:2], "latin"),
                      "e93c5a.md": synth.render(paras[2:], "latin")})
    (work,) = run(tmp_path, CONFIG).works
    assert {r.files for r in work.witnesses} == {("c4e1a9.txt",), ("7b0f2d.md", "e93c5a.md")}


def test_markers_that_agree_order_pages_before_a_page_that_only_seems_last() -> None:
    # x goes on to B3; y comes from B2 and says nothing at its foot (its text ends with a
    # paragraph and goes on unannounced); z comes from B3 and goes on to 13. y only seems
    # a last page: that y comes from B2 and z from B3 puts y first, and the witnesses'
    # order is asked before the guess
    x = PageFacts("", to=("B3",), frm=(), starts_mid=False, ends_mid=True)
    y = PageFacts("", to=(), frm=("B2",), starts_mid=True, ends_mid=False)
    z = PageFacts("", to=("13",), frm=("B3",), starts_mid=False, ends_mid=False)
    got, how = order([0, 1, 2], [x, y, z], [None] * 3, ["c", "b", "a"], lambda a, b: 0)
    assert got == [0, 1, 2] and how == "markers"
    # where markers say nothing of the pair, the witnesses' order outweighs the guess
    # that a page naming only the page before it is the last
    w = PageFacts("", to=("14",), frm=(), starts_mid=False, ends_mid=False)
    got, how = order([1, 3], [x, y, z, w], [None] * 4, ["c", "b", "a", "d"],
                     lambda a, b: 1 if (a, b) == (1, 3) else -1 if (a, b) == (3, 1) else 0)
    assert got == [1, 3] and how == "witnesses"
    # markers that say both orders (a from A2 on to A7, b from A3 on to A6) leave it to
    # the witnesses, whichever way round the pages are listed
    a = PageFacts("", to=("A7",), frm=("A2",), starts_mid=False, ends_mid=False)
    b = PageFacts("", to=("A6",), frm=("A3",), starts_mid=False, ends_mid=False)
    for members in ([0, 1], [1, 0]):
        got, how = order(members, [a, b], [None] * 2, ["p", "q"],
                         lambda i, j: 1 if (i, j) == (1, 0) else -1 if (i, j) == (0, 1) else 0)
        assert got == [1, 0] and how == "witnesses"
