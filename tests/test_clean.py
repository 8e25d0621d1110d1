"""Layout cleaning: each rule on a small case, and the seeds' known layout faults."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconcile.clean import clean, ends_paragraph, is_heading
from reconcile.config import Config
from reconcile.read import read_source
from reconcile.records import Kind

from .helpers import cleaned, paragraphs

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"


@pytest.mark.parametrize("marker", [
    "(上接第1版)", "（下转第3版）", "(下转08版)", "【上接第３版】", "〔下转第十二版〕", "上接第1版",
    "（下接第3版）", "(Continued on page 3)", "continued from Page A1",
])
def test_page_markers_are_removed_in_any_bracket_and_width(marker: str) -> None:
    w = cleaned(f"{marker}\n\n第一段正文到此为止。\n\n第二段{marker}正文。")
    assert "接第" not in w.text and "转第" not in w.text and "ontinued" not in w.text
    assert w.text == "第一段正文到此为止。\n\n第二段正文。"
    assert [r.kind for r in w.removals] == ["page-marker", "page-marker"]


@pytest.mark.parametrize(("line", "detail"), [
    ("(Cont'd on Page A3)", "to a3"), ("Please turn to page B07", "to b07"),
    ("See BUDGET, Page A6", "to a6"), ("COUNCIL VOTES, from Page 1", "from 1"),
    ("【Turn to Page 11】", "to 11"), ("CONTINUED FROM PAGE Five", "from 5"),
    ("Fortsetzung Seite 4", "to 4"), ("（紧接第２版）", "from 2"),
])
def test_a_jump_line_of_its_own_is_a_marker(line: str, detail: str) -> None:
    w = cleaned(f"{line}\n\nThe council met on Monday.\n\nIt voted, see page 12 of the plan.\n")
    assert [(r.kind, r.detail) for r in w.removals] == [("page-marker", detail)]
    assert w.text == "The council met on Monday.\n\nIt voted, see page 12 of the plan."


@pytest.mark.parametrize(("head", "page"), [
    ("April 2, 1884 THE EVENING STAR Page 07", "07"), ("THE EVENING STAR, MAY 3, 1901 3", "3"),
    ("12 THE TIMES, JUNE 1, 1899", "12"), ("PAGE 4 THE TIMES", "4"),
])
def test_a_running_head_that_names_the_page_is_furniture(head: str, page: str) -> None:
    w = cleaned(f"{head}\n\nThe council met on Monday and voted.\n\nIt closed the road.\n")
    assert [(r.kind, r.detail) for r in w.removals] == [("page-number", page)]


@pytest.mark.parametrize("head", ["Chapter 3", "The war of 1812 was fought in 3",
                                  "Page 4 of the plan"])
def test_a_first_line_that_ends_in_a_number_is_text(head: str) -> None:
    assert cleaned(f"{head}\n\nThe council met on Monday and voted.\n").text.startswith(head)


@pytest.mark.parametrize("line", [
    "See Smith, History of England, p. 45", "from the first edition, page 12",
    "see the table on page 12", "turn the book to page 12", "IBID., p. 12",
    "discussed at length on page 12", "Page 4 of the 1850 plan was lost", "12 JUNE 1944",
    "along U.S. 1",
])
def test_a_first_or_last_line_that_ends_at_a_page_is_text(line: str) -> None:
    w = cleaned(f"{line}\n\nThe council met on Monday.\n\nIt voted.\n\n{line}\n")
    assert w.removals == () or not w.removals
    assert w.text.startswith(line) and w.text.endswith(line)


@pytest.mark.parametrize(("line", "removal"), [
    ("DONE DEAL, from Page two", ("page-marker", "from 2")),
    ("Turned from Page 3", ("page-marker", "from 3")),
])
def test_a_jump_line_names_the_page_after_its_page_word(line: str, removal: tuple) -> None:
    w = cleaned(f"{line}\n\nThe council met on Monday.\n")
    assert [(r.kind, r.detail) for r in w.removals] == [removal]


def test_a_jump_slug_the_page_runs_on_after_is_a_marker() -> None:
    # a lost line break: the page's first words follow the jump in one line
    w = cleaned("LAID AN, from Page 3 cuted declare. The law stands.\n")
    assert [(r.kind, r.detail) for r in w.removals] == [("page-marker", "from 3")]
    assert w.text == "cuted declare. The law stands."
    for line in ("The plan, from page 3 on, reads", "Smith, from page 3 onward we read"):
        assert cleaned(line + "\n").text == line


@pytest.mark.parametrize("line", ["See page 12.", "from page to page", "Page 3 of the plan"])
def test_a_line_that_only_mentions_a_page_is_text(line: str) -> None:
    assert line in cleaned(f"The council met.\n\n{line}\n").text


def test_page_marker_detail_says_direction_and_page() -> None:
    w = cleaned("（上接第1版）正文开始。\n\n正文结束。（下转第十二版）")
    assert [r.detail for r in w.removals] == ["from 1", "to 12"]
    # 下接: "goes on below", on the page it names
    assert [r.detail for r in cleaned("正文开始。\n\n正文结束。（下接第3版）").removals] == ["to 3"]


def test_markdown_debris_is_removed() -> None:
    text = "# 标题一\n\n## 小节标题\n\n**本报讯** 报告指出，要加快发展。\n\n> 引用的一句话。\n\n---\n\n* 列表项目之一。\n"
    assert paragraphs(text) == ["标题一", "小节标题", "本报讯 报告指出，要加快发展。",
                                "引用的一句话。", "列表项目之一。"]


def test_markdown_link_keeps_its_text() -> None:
    assert paragraphs("见[政府网站](http://example.org)的全文。") == ["见政府网站的全文。"]


def test_paragraph_broken_by_a_column_is_joined() -> None:
    assert paragraphs("实施五市产业协同工程。强化与晋\n\n中市对接互动，积极发展。") == [
        "实施五市产业协同工程。强化与晋中市对接互动，积极发展。"]


def test_paragraph_broken_after_a_comma_is_joined() -> None:
    assert paragraphs("文化遗产保护与文旅产业融合发展，\n\n历史文化名城特色充分彰显。") == [
        "文化遗产保护与文旅产业融合发展，历史文化名城特色充分彰显。"]


def test_a_heading_is_not_joined_to_what_follows_or_precedes() -> None:
    text = "改造提升太原工具厂，打\n\n以品质提升为核心 打造宜居宜业幸福城市\n\n本报讯 报告指出，要以品质提升为核心。"
    assert paragraphs(text) == ["改造提升太原工具厂，打", "以品质提升为核心 打造宜居宜业幸福城市",
                                "本报讯 报告指出，要以品质提升为核心。"]


def test_a_colon_ending_a_paragraph_opens_a_list_and_is_not_joined() -> None:
    assert paragraphs("重点抓好以下工作：\n\n（一）以制造业振兴为主攻方向。") == [
        "重点抓好以下工作：", "（一）以制造业振兴为主攻方向。"]


def test_wrapped_latin_lines_are_joined_with_a_space_and_dehyphenated() -> None:
    assert paragraphs("The report was pub-\nlished on Monday and\nread widely.") == [
        "The report was published on Monday and read widely."]


def test_latin_paragraph_broken_by_a_column_is_joined_with_a_space() -> None:
    assert paragraphs("The council agreed to\n\nraise the budget.") == [
        "The council agreed to raise the budget."]


def test_pull_quotes_that_repeat_the_body_are_taken_out_with_their_label() -> None:
    body = "报告指出，要扛起省会担当，在促进区域协调发展上更好发挥引领带动作用。加快太忻一体化经济区建设，打造高品质产业新城。"
    text = f"# 标题\n\n金句\n\n- 扛起省会担当，在促进区域协调发展上更好发挥引领带动作用。\n- 加快太忻一体化经济区建设，打造高品质产业新城。\n\n{body}"
    w = cleaned(text)
    assert [w.text[p.start:p.end] for p in w.paragraphs] == ["标题", body]
    assert [r.kind for r in w.removals if r.kind.startswith("pull-quote")] == [
        "pull-quote-label", "pull-quote", "pull-quote"]
    assert {r.text for r in w.removals if r.kind == "markup"} == {"# ", "- "}
    assert all(r.detail == "repeats line 8" for r in w.removals if r.kind == "pull-quote")


def test_a_pull_quote_of_a_paragraph_split_by_a_column_is_found() -> None:
    text = "金句\n\n扎实推进改革，打造开发区建设升级版。\n\n各开发区要抓好配套，扎实推进改革，打造开发区建设\n\n升级版。"
    assert paragraphs(text) == ["各开发区要抓好配套，扎实推进改革，打造开发区建设升级版。"]


def test_a_paragraph_printed_twice_is_not_a_pull_quote() -> None:
    para = "建设太原一体化经济区是引领山西中部城市群高质量发展的关键之举，我们要坚定扛起省会责任。"
    assert paragraphs(f"{para}\n\n中间一段别的内容，写得比较长一些。\n\n{para}") == [
        para, "中间一段别的内容，写得比较长一些。", para]


def test_a_new_sentence_is_not_a_pull_quote() -> None:
    text = "加快发展现代农业。\n\n报告指出，要加快发展现代服务业，推动经济高质量发展。"
    assert len(paragraphs(text)) == 2


def test_ascii_punctuation_in_chinese_becomes_full_width_and_numbers_stay() -> None:
    assert paragraphs("报告指出,增长6.5%,投资2,000亿元(同比)。") == ["报告指出，增长6.5%，投资2,000亿元（同比）。"]


@pytest.mark.parametrize("text,heading", [
    ("政府工作报告", True), ("以消费升级为契机 全力促进服务业提质增效", True),
    ("过去一年，全市经济社会发展取得新成效", True), ("发展思路：", False),
    ("进一步增强城市承载能力。加快城市更新步伐", False),
    ("繁荣发展文化事业，扩大优质文化产品供给，加快建设丁果仙大剧院", False),
    ("The State of the Union", True), ("The council agreed to raise the budget.", False),
])
def test_headings_are_short_and_unpunctuated(text: str, heading: bool) -> None:
    assert is_heading(text, Config()) is heading


@pytest.mark.parametrize("text,ends", [
    ("到此为止。", True), ("说：“好！”", True), ("如下：", True), ("全方位", False), ("发展，", False),
    ("It ended.", True), ("and then", False),
])
def test_paragraph_ends(text: str, ends: bool) -> None:
    assert ends_paragraph(text) is ends


def test_every_cleaned_character_maps_back_to_its_line_and_column() -> None:
    w = cleaned("\n\n(上接第1版)\n\n# 标题\n\n**本报讯** 第一句,第二句。")
    src = w.source.text
    for i, ch in enumerate(w.text):
        off = w.source_offset(i)
        if ch not in "\n，":
            assert src[off] == ch
    i = w.text.index("本")
    assert w.position(i) == (7, 3)


def _seed(name: str):
    path = next(SEEDS.glob(f"{name}_*.txt"))
    return clean(read_source(path, SEEDS, Config()))


def test_seed_digest_loses_markers_markdown_and_pull_quotes() -> None:
    w = _seed("000")
    assert "金句" not in w.text and "#" not in w.text and "**" not in w.text
    assert "上接" not in w.text and "下转" not in w.text
    kinds = [r.kind for r in w.removals]
    assert kinds.count("pull-quote") >= 10 and kinds.count("page-marker") == 2
    # the column break inside 晋/中市 is joined
    assert "强化与晋中市对接互动" in w.text


def test_seed_full_page_keeps_its_displaced_fragment_apart() -> None:
    w = _seed("002")
    paras = [w.text[p.start:p.end] for p in w.paragraphs]
    assert any(p.startswith("造国内领先的高端刀具研发和制造基地") for p in paras)
    assert any(p.endswith("改造提升太原工具厂，打") for p in paras)


def test_seed_headings_are_found() -> None:
    w = _seed("002")
    heads = [w.text[p.start:p.end] for p in w.paragraphs if p.kind is Kind.HEADING]
    assert heads[0] == "2023年政府工作报告（摘登）"
    assert "幸福太原是有温度的" in heads
