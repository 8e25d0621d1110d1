"""The HTML review pages: every note marked, every witness text escaped, data for the script
embedded safely, the side-by-side view faithful to each witness, a size budget, same bytes
for the same input. The browser end of it is tests/test_browser.py."""

from __future__ import annotations

import itertools
import json
import random
import shutil
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reconcile.apparatus import rebuild
from reconcile.config import Config
from reconcile.normalize import key
from reconcile.output import write
from reconcile.work import edition_texts
from reconcile.pipeline import Result, run
from reconcile.report import (
    _env,
    json_for_script,
    marked_paragraphs,
    render_decisions_js,
    render_index,
    render_work_report,
    sigla,
    witness_pieces,
)
from tests import synth

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
CONFIG = Config(jobs=1)

# Payloads that survive cleaning (which strips plain HTML tags and ``__``) as well as the
# plain ones; a title and a file name with markup in them.
PAYLOADS = ('<script>window.__pwned=1</script>', '"><img src=x onerror="window.__pwned=2">',
            '<img/src=x/onerror=window.pwned=3>', '<script/x>window.pwned=4</script/x>')
EVIL_TITLE = "政府<img/src=x/onerror=window.pwned=5>工作报告"
EVIL_FILE = 'b"<i>.txt'


def evil_folder(root: Path) -> Path:
    """Two editions of one text; the second carries script and markup in its text, its title
    and its file name."""
    paras = synth.report(3, paragraphs=6)
    ev = [list(p) for p in paras]
    for k, payload in enumerate(PAYLOADS):
        s = ev[k + 1][k % 3]
        ev[k + 1][k % 3] = s[:8] + payload + s[8:]
    root.mkdir(parents=True, exist_ok=True)
    (root / "a.txt").write_text(synth.render(paras, "cjk", title="政府工作报告"), "utf-8")
    (root / EVIL_FILE).write_text(synth.render(ev, "cjk", title=EVIL_TITLE), "utf-8")
    return root


def big_folder(root: Path) -> Path:
    """A work of about 30,000 characters: the full text, a copy with an OCR slip every
    hundred characters, its second half as a page, and a digest."""
    paras = synth.report(11, paragraphs=250)
    text = synth.render(paras, "cjk", title="政府工作报告")
    rng = random.Random(5)
    noisy = list(text)
    for i in range(50, len(noisy), 97):
        if noisy[i] not in "，。\n#":
            noisy[i] = rng.choice(synth.HAN)
    root.mkdir(parents=True, exist_ok=True)
    (root / "full.txt").write_text(text, "utf-8")
    (root / "noisy.txt").write_text("".join(noisy), "utf-8")
    (root / "page2.txt").write_text(synth.render(paras[len(paras) // 2:], "cjk"), "utf-8")
    (root / "digest.txt").write_text(synth.digest(paras, "cjk", 3), "utf-8")
    return root


@pytest.fixture(scope="module")
def seeds() -> Result:
    return run(SEEDS, CONFIG)


@pytest.fixture(scope="module")
def evil(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return run(evil_folder(tmp_path_factory.mktemp("evil")), CONFIG)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return run(big_folder(tmp_path_factory.mktemp("big")), CONFIG)


class Page(HTMLParser):
    """What the tests look at in a page: every tag with its attributes, the text of the
    canonical text block (paragraph by paragraph), the marks, the JSON data block."""

    VOID = frozenset({"meta", "br", "img", "input", "link", "hr", "wbr"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.paragraphs: list[str] = []
        self.marks: list[dict[str, str | None]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._stack: list[str] = []
        self._canon = -1
        self._script: dict[str, str | None] | None = None
        self._buf: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script":
            self._script, self._buf = a, []
        if tag in self.VOID:
            return
        self._stack.append(tag)
        if a.get("id") == "canon":
            self._canon = len(self._stack)
        if self._canon >= 0 and tag == "p":
            self.paragraphs.append("")
        if self._canon >= 0 and tag == "mark":
            self.marks.append(a)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._buf)))
            self._script = None
        if tag in self.VOID or not self._stack:
            return
        if self._canon == len(self._stack):
            self._canon = -1
        self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._buf.append(data)
        elif self._canon >= 0 and self.paragraphs and "p" in self._stack[self._canon:]:
            self.paragraphs[-1] += data

    def data(self) -> dict:
        return json.loads(next(t for a, t in self.scripts if a.get("id") == "data"))


def test_templates_autoescape_and_assets_cannot_close_their_tags() -> None:
    assert _env().autoescape is True
    tpl = Path(__file__).resolve().parent.parent / "reconcile" / "templates"
    for name in ("style.css", "report.js"):
        assert "</" not in (tpl / name).read_text("utf-8")


def test_every_note_is_marked_in_the_canonical_text(seeds: Result, big: Result) -> None:
    for result in (seeds, big):
        for i, c in enumerate(result.collated):
            page = Page(render_work_report(result, i))
            # the text block holds the canonical text exactly, paragraph by paragraph
            assert "\n\n".join(page.paragraphs) == c.canonical.text
            anchors = {m["id"] for m in page.marks if m.get("id")}
            assert anchors == {f"m-{n.id}" for n in c.notes}
            for m in page.marks:
                if m.get("id"):
                    assert m.get("tabindex") == "0" and m.get("role") == "button"
            # a zero-length note is a visible caret
            carets = {m["id"] for m in page.marks if "caret" in (m.get("class") or "")}
            assert {f"m-{n.id}" for n in c.notes if n.length == 0} <= carets
            # and every note is in the data the apparatus table is built from (in the
            # browser: test_browser), not in markup a second time
            assert [n["id"] for n in page.data()["notes"]] == [
                n.id for n in sorted(c.notes, key=lambda n: (n.offset, n.length, n.id))]
            assert not [a for t, a in page.tags if t == "tr" and (a.get("id") or "").startswith("r-")]


def test_the_seed_report_marks_the_three_readings_of_one_place(seeds: Result) -> None:
    i = next(k for k, w in enumerate(seeds.works) if len(w.witnesses) == 3)
    html = render_work_report(seeds, i)
    data = Page(html).data()
    # 大盂 / 大孟 / 太孟: one slip per witness, a note for each character
    for pair in ({"大", "太"}, {"孟", "盂"}):
        hit = [n for n in data["notes"] if pair == {r["t"] for r in n["r"]}]
        assert len(hit) == 1 and all(len(r["w"]) >= 1 for r in hit[0]["r"])
    # navigation: notes needing review first, each group in text order
    order = data["order"]
    rv = [data["notes"][k]["rv"] for k in order]
    assert rv == sorted(rv, reverse=True)
    assert sorted(order) == list(range(len(data["notes"])))
    assert "<kbd>n</kbd>" in html and "<kbd>j</kbd>" in html and "<kbd>Esc</kbd>" in html


def test_witness_text_is_escaped_and_runs_nothing(evil: Result) -> None:
    for html in [render_work_report(evil, i) for i in range(len(evil.works))] + [render_index(evil)]:
        page = Page(html)
        assert not [t for t, a in page.tags if t in {"img", "iframe", "object", "embed", "svg:script"}
                        # ours: the original file's frame, empty until a note opens it
                        and not (t == "iframe" and a.get("id") == "orig-frame" and "src" not in a)]
        assert not [(t, k) for t, a in page.tags for k in a if k.lower().startswith("on")]
        # ours: the page's data, the run's decisions beside index.html, the behaviour
        assert [a for a, _ in page.scripts] in ([{"type": "application/json", "id": "data"},
                                                 {"src": "../../decisions.js"}, {}], [])
        assert "<script/x>" not in html and "<img" not in html and "<i>" not in html
        assert "&lt;img/src=x/onerror=window.pwned=5&gt;" in html  # the title, as text
        if "<h2 id=\"witnesses\">" in html:  # a report names its files (the index, its works)
            assert EVIL_FILE.replace('"', "&#34;").replace("<", "&lt;").replace(">", "&gt;") in html
    html = render_work_report(evil, 0)
    assert "&lt;script/x&gt;window.pwned=4&lt;/script/x&gt;" in html
    assert "&lt;img/src=x/onerror=window.pwned=3&gt;" in html
    block = next(t for a, t in Page(html).scripts if a.get("id") == "data")
    assert "<" not in block and ">" not in block and "&" not in block
    readings = {r["t"] for n in json.loads(block)["notes"] for r in n["r"]}
    assert any("<script/x>window.pwned=4</script/x" in r for r in readings)


def test_json_for_script_cannot_break_out() -> None:
    nasty = {"a": "</script><script>alert(1)</script>", "b": "<!-- & -->", "c": "\u2028\u2029",
             "d": "]]>", "e": ["'\"\\"], "</script>": 1}
    out = str(json_for_script(nasty))
    for ch in "<>&\u2028\u2029":
        assert ch not in out
    assert json.loads(out) == nasty


def test_a_30000_character_work_stays_well_under_2_mb(big: Result) -> None:
    assert len(big.works) == 1 and len(big.collated[0].canonical.text) >= 30_000
    assert len(big.works[0].witnesses) == 4 and len(big.collated[0].notes) > 100
    size = len(render_work_report(big, 0).encode("utf-8"))
    assert size < 1_500_000, size
    assert len(render_index(big).encode("utf-8")) < 300_000


def test_pages_are_deterministic(tmp_path: Path) -> None:
    a, b = run(SEEDS, CONFIG), run(SEEDS, CONFIG)
    for i in range(len(a.works)):
        assert render_work_report(a, i) == render_work_report(b, i)
    assert render_index(a) == render_index(b)
    write(a, tmp_path / "a")
    write(b, tmp_path / "b")
    for name in ["index.html"] + [f"works/{w.id}/report.html" for w in a.works]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_side_by_side_shows_each_witness_text_faithfully(seeds: Result, big: Result) -> None:
    """The witness side of the comparison, in the witness's order, is its text over what it
    prints: the same letters and digits as ``apparatus.rebuild`` gives from the output."""
    for result in (seeds, big):
        witnesses = {e.id: e for w in result.works for e in edition_texts(result.records, w)}
        for c in result.collated:
            notes = c.notes_dict()
            for wid, info in c.summary["witnesses"].items():
                pieces = [p for p in witness_pieces(c.canonical.text, info, witnesses[wid])
                          if p.w_text]
                pieces.sort(key=lambda p: p.w_start)
                mine = "".join(p.w_text for p in pieces)
                assert key(mine) == key(rebuild(c.canonical.text, notes, wid)), wid
                # and the canonical side covers the canonical text once, in order
                canon = sorted((p for p in witness_pieces(c.canonical.text, info, witnesses[wid])
                                if p.c_end > p.c_start), key=lambda p: p.c_start)
                covered = [(p.c_start, p.c_end) for p in canon]
                assert all(a[1] <= b[0] for a, b in itertools.pairwise(covered))


def test_side_by_side_has_a_view_per_witness_and_omissions_as_bands(seeds: Result) -> None:
    i = next(k for k, w in enumerate(seeds.works) if len(w.witnesses) == 3)
    html = render_work_report(seeds, i)
    page = Page(html)
    names = sigla([r.id for r in seeds.works[i].witnesses])
    options = [a.get("value") for t, a in page.tags if t == "option"]
    sections = [a for t, a in page.tags if t == "section" and "sbs" in (a.get("class") or "")]
    assert [s["data-s"] for s in sections] == list(names.values())
    assert set(names.values()) <= set(options)
    assert sum(1 for s in sections if "hidden" not in s) == 1
    assert html.count('class="row missing"') >= 2 and "not in this witness" in html
    # the coverage map: a bar per printed or omitted stretch, each a link to its place
    info = seeds.collated[i].summary["witnesses"]
    bars = sum(len(v["covers"]) + len(v["omitted"]) for v in info.values())
    links = [a for t, a in page.tags if t == "a" and (a.get("href") or "").startswith("#at-")]
    assert len(links) == bars
    assert "<svg" in html


def test_index_lists_works_duplicates_and_errors_and_reports_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    (folder / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    (folder / "empty.md").write_text("", "utf-8")
    result = run(folder, CONFIG)
    out = tmp_path / "out"
    summary = json.loads(write(result, out).read_text("utf-8"))
    html = (out / "index.html").read_text("utf-8")
    assert "index" not in summary
    reports = {}
    for w in summary["works"]:
        assert f'href="{w["report"]}"' in html
        assert (out / w["report"]).is_file()
        reports[w["id"]] = report = (out / w["report"]).read_text("utf-8")
        row = html[html.index(f'<tr id="w-{w["id"]}">'):].split("</tr>")[0]
        assert w["title"] in row
        assert f'<td class="num">{w["counts"]["notes"]}</td>' in row
        for kind, n in w["counts"]["by_kind"].items():
            assert f"{kind} {n}" in row
        for wit in w["witnesses"]:  # the index names the work; its report, the files
            assert wit["id"] in report
            for f in wit.get("files", []):
                assert f"<code>{f['file']}</code>" in report
    # a related pair: in the reports of both its works, with the passages they share
    assert summary["related"]
    for r in summary["related"]:
        mine = next(w["id"] for w in summary["works"]
                    if any(r["file"] in (x["id"], *(f["file"] for f in x.get("files", [])))
                           for x in w["witnesses"]))
        for wid in (mine, r["work"]):
            for p in r["passages"]:
                assert p["text"] in reports[wid]
                assert f'{p["file"]}:{p["line"]}:{p["column"]}' in reports[wid]
        assert f'href="../{r["work"]}/report.html"' in reports[mine] or mine == r["work"]
    assert f'{len(summary["related"])} related pair' in html
    for d in summary["duplicates"]:
        for p in d["places"]:
            assert f'{p["file"]}:{p["line"]}:{p["column"]}' in html
    assert len(summary["errors"]) == 2
    for e in summary["errors"]:
        assert e["file"] in html and e["message"].replace("'", "&#39;") in html
    # a work report links back to the index
    assert 'href="../../index.html"' in (out / summary["works"][0]["report"]).read_text("utf-8")


def test_the_index_grows_by_a_row_per_work(seeds: Result) -> None:
    # a page of an archive must still open: each work adds a row, not its witnesses' tables
    # or its coverage map (those are in its report)
    one = len(render_index(replace(seeds, works=seeds.works[:1], collated=seeds.collated[:1])))
    all_ = len(render_index(seeds))
    assert (all_ - one) / (len(seeds.works) - 1) < 1200
    assert "<svg" not in render_index(seeds)


def test_marks_split_at_paragraph_breaks_and_points_stay_visible() -> None:
    from types import SimpleNamespace as N

    text = "甲乙丙丁\n\n戊己庚辛"
    spans = [(0, 4), (6, 10)]
    notes = [N(offset=0, length=0), N(offset=1, length=2), N(offset=2, length=1),  # overlaps
             N(offset=3, length=4), N(offset=4, length=0), N(offset=5, length=0),
             N(offset=10, length=0)]
    paras = marked_paragraphs(text, spans, notes)
    # the text is whole, each note has exactly one anchor part
    assert ["".join(p.text for p in para) for para in paras] == ["甲乙丙丁", "戊己庚辛"]
    anchors = [p.note for para in paras for p in para if p.note >= 0 and p.first]
    assert sorted(anchors) == list(range(len(notes)))
    # the note across the break is split in two parts; points are empty parts
    assert [(p.text, p.first) for para in paras for p in para if p.note == 3] == \
        [("丁", True), ("戊", False)]
    assert all(p.text == "" for para in paras for p in para if p.note in (0, 2, 4, 5, 6))


def test_side_by_side_compares_spaced_scripts_word_by_word() -> None:
    from reconcile.report import _diff

    diffs = _diff("It is not perfectly clear that habit", "It is now perfectly clear, that habits")
    changed = [t for op, t in diffs if op]
    assert changed == ["not", "now", ",", "habit", "habits"]  # words, never letters
    assert "".join(t for op, t in diffs if op >= 0) == "It is now perfectly clear, that habits"
    # scripts without spaces still compare character by character
    assert [t for op, t in _diff("政府工作报告发展", "政府工作报吿发展") if op] == ["告", "吿"]


def test_the_page_exports_the_pins_it_was_given_in_the_decisions_schema(seeds: Result) -> None:
    from dataclasses import replace as _replace

    from reconcile.config import Pin
    from reconcile.schemas import DECISIONS, problem

    pins = (Pin("", before="推动", after="产业新城"), Pin("大盂</script>", note="n0", work="w"))
    result = _replace(seeds, config=_replace(seeds.config, decisions=pins))
    js = render_decisions_js(result)
    assert "<" not in js.split("=", 1)[1]  # nothing in it can end a script
    given = json.loads(js.split("window.reconcileGiven = ", 1)[1].rstrip(";\n"))
    assert given[0] == {"reading": "", "before": "推动", "after": "产业新城"}
    assert given[1]["reading"] == "大盂</script>"
    assert problem({"decisions": given}, DECISIONS) is None
    # a report does not carry them: a decision taken leaves the other works' reports as
    # they were
    assert render_work_report(result, 0) == render_work_report(seeds, 0)


# The side-by-side view's two sides as Jinja macros wrote them before they were written in
# Python (report._left_html, _right_html): the same bytes for every kind of piece.
_MACROS = """{% macro left(parts) %}{% for p in parts %}{% if p.cls == "d" %}<del class="d">{{ p.text }}</del>{% elif p.cls %}<span class="{{ p.cls }}" title="not in this witness">{{ p.text }}</span>{% else %}{{ p.text }}{% endif %}{% endfor %}{% endmacro %}
{% macro right(parts) %}{% for p in parts %}
{%- if p.cls == "i" %}<ins class="i">{{ p.text }}</ins>
{%- elif p.cls == "i ws" %}<ins class="i ws" title="a break only in this witness"></ins>
{%- elif p.cls == "dm" %}<span class="dm" title="the witness lacks the struck-out text opposite"></span>
{%- elif p.cls == "gapband" %}<span class="gapband" title="{{ p.chars }} characters of the canonical text are not in this witness">not in this witness · {{ p.chars|thousands }}</span>
{%- elif p.cls == "add" and p.fold %}<details class="add"><summary>only in this witness: {{ p.chars|thousands }} characters, line {{ p.line }}:{{ p.column }}</summary>{{ p.text }}</details>
{%- elif p.cls == "page" %}<span class="pagebreak" title="the next page file of this edition begins here">⎘ {{ p.text }}</span>
{%- elif p.cls == "add" %}<span class="add" title="only in this witness (line {{ p.line }}:{{ p.column }})">{{ p.text }}</span>
{%- else %}{{ p.text }}{% endif %}
{%- endfor %}{% endmacro %}
{{ left(parts) }}|{{ right(parts) }}"""


def test_side_by_side_pieces_as_the_macros_wrote_them():
    from reconcile.report import _left_html, _right_html

    macros = _env().from_string(_MACROS)
    rng = random.Random(7)
    texts = ["", "a", "<b>&\"'", "中文 text", "x" * 30, " \n "]
    kinds = ["", "d", "om", "i", "i ws", "dm", "gapband", "add", "page", "other"]
    for _ in range(300):
        parts = [{"cls": rng.choice(kinds), "text": rng.choice(texts),
                  "chars": rng.choice([0, 7, 1234, 1234567]), "fold": rng.random() < 0.5,
                  "line": rng.randint(1, 999), "column": rng.randint(1, 99)}
                 for _ in range(rng.randint(0, 6))]
        assert macros.render(parts=parts) == f"{_left_html(parts)}|{_right_html(parts)}"


_COVERAGE_LOOPS = """{% for t in ticks %}<a href="{{ href }}#m-{{ t.id }}" tabindex="{{ 0 if loop.first else -1 }}" aria-label="{{ t.kind }} at {{ t.offset }}{{ ', needs review' if t.review }}"><line class="tick{{ ' rv' if t.review }}" x1="{{ t.x }}" x2="{{ t.x }}" y1="0" y2="12" vector-effect="non-scaling-stroke"><title>{{ t.kind }} at {{ t.offset }}{{ ', needs review' if t.review }}</title></line></a>{% endfor %}|{% for r in rows %}{% for b in r.bars %}<a href="{{ href }}#at-{{ b.offset }}-{{ b.length }}" tabindex="{{ 0 if loop.first else -1 }}" aria-label="{{ r.siglum }} {{ 'prints' if b.cls == 'cv' else 'omits' }} {{ b.offset }}+{{ b.length }}"><rect class="{{ b.cls }}" x="{{ b.x }}" y="0" width="{{ b.w }}" height="12"><title>{{ r.siglum }} {{ "prints" if b.cls == "cv" else "omits" }} {{ b.offset }}+{{ b.length }}{% if b.line %} (its {{ b.line }}:{{ b.column }}){% endif %}</title></rect></a>{% endfor %}{% endfor %}"""


def test_coverage_map_as_the_loops_wrote_it():
    from reconcile.report import _coverage_bars, _coverage_ticks

    loops = _env().from_string(_COVERAGE_LOOPS)
    rng = random.Random(11)
    for _ in range(200):
        ticks = [{"x": rng.choice([0.0, 12.5, 999.99]), "id": rng.choice(["n1", "w-3<&>"]),
                  "review": rng.random() < 0.5, "kind": rng.choice(["substitution", "a\"b"]),
                  "offset": rng.randint(0, 10 ** 6)} for _ in range(rng.randint(0, 4))]
        rows = [{"siglum": rng.choice(["A", "<B>"]), "bars": [
            {"x": rng.choice([0.0, 3.25]), "w": rng.choice([0.8, 100.0]),
             "offset": rng.randint(0, 999), "length": rng.randint(1, 99),
             "line": rng.choice([0, 3]), "column": rng.randint(1, 9),
             "cls": rng.choice(["cv", "om"])} for _ in range(rng.randint(0, 4))]}
            for _ in range(rng.randint(0, 3))]
        href = rng.choice(["", "report.html", "a&b.html"])
        want = loops.render(ticks=ticks, rows=rows, href=href)
        assert want == f"{_coverage_ticks(ticks, href)}|" + "".join(
            str(_coverage_bars(r, href)) for r in rows)
