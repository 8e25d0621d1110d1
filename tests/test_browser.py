"""The review pages in a real browser: headless Chromium (Debian's ``chromium`` package)
driven by Playwright, pages opened from ``file://``.

In CI (``CI`` set) a missing browser fails the tests: they are never skipped silently there.
Elsewhere they are skipped with the reason. Screenshots go to each test's ``tmp_path``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconcile.config import Config
from reconcile.output import write
from reconcile.pipeline import run
from tests.test_report import evil_folder

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
CHROMIUM = os.environ.get("RECONCILE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests need {reason}")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package (pip install -e '.[test]')")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        _unavailable(f"Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds-out")
    write(run(SEEDS, Config(jobs=1)), out)
    return out


@pytest.fixture(scope="module")
def evil_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("evil-out")
    write(run(evil_folder(tmp_path_factory.mktemp("evil")), Config(jobs=1)), out)
    return out


def _report_2023(out: Path) -> tuple[Path, dict]:
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    work = next(w for w in summary["works"]
                if sorted(x["id"][:3] for x in w["witnesses"]) == ["000", "001", "002"])
    return out / work["report"], work


@pytest.fixture(scope="module")
def large_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Six printings of a 75,000-character English text with a few hundred notes (the
    benchmark's large case, bench/reportload.py): (input folder, results folder)."""
    from bench.reportload import build

    folder = build(tmp_path_factory.mktemp("large") / "data")
    out = tmp_path_factory.mktemp("large-out")
    write(run(folder, Config(jobs=1)), out)
    return folder, out


@pytest.fixture(params=["seeds", "large English"])
def review_case(request: pytest.FixtureRequest, seeds_out: Path) -> tuple[Path, Path]:
    """(report of the work to review, its input folder): the seeds' 2023 report, and the
    large English work."""
    if request.param == "seeds":
        return _report_2023(seeds_out)[0], SEEDS
    folder, out = request.getfixturevalue("large_out")
    (work,) = json.loads((out / "summary.json").read_text("utf-8"))["works"]
    assert work["counts"]["notes"] >= 200
    return out / work["report"], folder


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("request", lambda r: errors.append(f"network: {r.url}")
          if not r.url.startswith(("file:", "data:", "about:")) else None)
    pg.errors = errors  # type: ignore[attr-defined]
    yield pg
    assert errors == []
    ctx.close()


def test_step_with_the_keyboard_to_the_three_readings(page, seeds_out: Path, tmp_path: Path) -> None:
    report, work = _report_2023(seeds_out)
    page.goto(report.as_uri())
    assert page.locator("#canon mark.nt[id]").count() == work["counts"]["notes"]
    assert page.locator("#app tbody tr[id^='r-']").count() == work["counts"]["notes"]
    panel = page.locator("#panel")
    assert panel.is_hidden()
    wanted = ("孟", "盂")  # 大盂 / 大孟 / 太孟: the note on the second character
    for _ in range(work["counts"]["notes"]):
        page.keyboard.press("n")
        if all(r in page.inner_text("#panel ol.readings") for r in wanted):
            break
    readings = page.locator("#panel ol.readings > li .rd").all_inner_texts()
    assert set(wanted) <= set(readings)
    text = panel.inner_text()
    for prefix in ("000_", "001_", "002_"):
        assert prefix in text
    assert any(line.count(":") == 2 and ".txt:" in line for line in text.splitlines())
    assert "substitution" in text and "confidence" in text and "reason" in text
    active = page.evaluate("document.activeElement.id")
    assert active.startswith("m-") and page.locator(f"#{active}").is_visible()
    page.screenshot(path=str(tmp_path / "note.png"))
    # p goes back, n comes again to the same note; Escape closes the panel
    page.keyboard.press("p")
    page.keyboard.press("n")
    assert set(wanted) <= set(page.locator("#panel ol.readings > li .rd").all_inner_texts())
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    # notes needing review come first
    page.keyboard.press("n")
    order = page.evaluate("JSON.parse(document.getElementById('data').textContent).order")
    notes = page.evaluate("JSON.parse(document.getElementById('data').textContent).notes")
    flags = [notes[i]["rv"] for i in order]
    assert flags == sorted(flags, reverse=True)


def test_tab_reaches_the_marks_and_shows_the_note(page, seeds_out: Path) -> None:
    report, _ = _report_2023(seeds_out)
    page.goto(report.as_uri())
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('mark.nt')"):
            break
    else:
        pytest.fail("Tab never reached a mark")
    assert page.locator("#panel").is_visible()
    first = page.evaluate("document.activeElement.id")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('mark.nt')")
    assert page.evaluate("document.activeElement.id") != first


def test_filter_sort_and_follow_the_apparatus(page, seeds_out: Path, tmp_path: Path) -> None:
    report, work = _report_2023(seeds_out)
    page.goto(report.as_uri())
    rows = page.locator("#app tbody tr")
    assert rows.count() == work["counts"]["notes"]
    kind, n = max(work["counts"]["by_kind"].items(), key=lambda kv: kv[1])
    page.select_option("#f-kind", kind)
    visible = page.locator("#app tbody tr:not([hidden])")
    assert visible.count() == n
    assert set(visible.evaluate_all("rs => rs.map(r => r.dataset.kind)")) == {kind}
    assert f"{n} of {work['counts']['notes']}" in page.inner_text("#f-count")
    page.keyboard.press("a")
    page.screenshot(path=str(tmp_path / "apparatus.png"))
    # by witness: C (the smaller digest) reads differently only where its sigla are listed
    page.select_option("#f-kind", "")
    page.select_option("#f-wit", "C")
    ws = page.locator("#app tbody tr:not([hidden])").evaluate_all("rs => rs.map(r => r.dataset.w)")
    assert ws and all("C" in w.split() for w in ws)
    page.select_option("#f-wit", "")
    # sort by confidence, both ways
    page.click("#app th[data-key=conf] button")
    confs = rows.evaluate_all("rs => rs.map(r => +r.dataset.conf)")
    assert confs == sorted(confs)
    page.click("#app th[data-key=conf] button")
    confs = rows.evaluate_all("rs => rs.map(r => +r.dataset.conf)")
    assert confs == sorted(confs, reverse=True)
    assert page.get_attribute("#app th[data-key=conf]", "aria-sort") == "descending"
    # a row's link goes to its place in the text and opens the note
    link = rows.nth(0).locator("a.go")
    target = link.get_attribute("href")[1:]
    link.click()
    assert page.evaluate("document.activeElement.id") == target
    assert page.locator("#panel").is_visible()
    assert page.locator(f"#{target}").is_visible()


def test_side_by_side_and_coverage_map(page, seeds_out: Path, tmp_path: Path) -> None:
    report, work = _report_2023(seeds_out)
    page.goto(report.as_uri())
    digest = next(x["id"] for x in work["witnesses"] if x["id"].startswith("000"))
    value = page.locator("#sbs-select option", has_text=digest).get_attribute("value")
    page.select_option("#sbs-select", value)
    section = page.locator(f"#sbs-{value}")
    assert section.is_visible()
    assert page.locator("section.sbs:not([hidden])").count() == 1
    assert section.locator(".row.missing").count() >= 1
    assert "not in this witness" in section.locator(".row.missing").first.inner_text()
    assert section.locator(".gapband").count() >= 1
    assert section.locator(".d, .i").count() >= 1  # character differences highlighted
    section.locator(".row:not(.missing):not(.hd)").first.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "side-by-side.png"))
    # the copy-text's identical paragraphs are filled in on both sides
    base = page.locator("#sbs-select option", has_text="edition").get_attribute("value")
    page.select_option("#sbs-select", base)
    same = page.locator(f"#sbs-{base} .w.same").first
    if same.count():
        assert len(same.inner_text()) > 20
    # the coverage map: a stretch printed by the digest jumps to its place in the text
    page.locator("#map").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "coverage.png"))
    before = page.evaluate("window.scrollY")
    bar = page.locator("#map ~ figure a[href^='#at-'] rect.cv").last
    bar.click()
    assert page.evaluate("window.scrollY") > before
    assert page.evaluate("document.activeElement.tagName") == "P"
    assert page.evaluate("!window.CSS || !CSS.highlights || CSS.highlights.has('jump')")


def test_a_malicious_witness_runs_nothing(page, evil_out: Path, tmp_path: Path) -> None:
    summary = json.loads((evil_out / "summary.json").read_text("utf-8"))
    report = evil_out / summary["works"][0]["report"]
    originals = sorted((evil_out / summary["works"][0]["originals"]).glob("*.html"))
    assert originals
    for url in ((evil_out / "index.html").as_uri(), *(o.as_uri() for o in originals),
                report.as_uri()):
        page.goto(url)
        page.wait_for_timeout(100)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert page.locator("img").count() == 0
        assert page.locator("script").count() in (0, 1, 2, 3)  # ours: data, decisions, behaviour
        assert "<img/src=x/onerror=window.pwned=5>" in page.inner_text("body") or \
            "original" in url
    body = page.inner_text("body")
    assert "<script/x>window.pwned=4</script/x" in body
    assert "<img/src=x/onerror=window.pwned=3" in body
    assert 'b"<i>.txt' in body
    # the note panel builds its content from the data: still nothing runs
    for _ in range(summary["works"][0]["counts"]["notes"]):
        page.keyboard.press("n")
    assert "pwned" in page.inner_text("#panel")
    for s in page.locator("#sbs-select option").evaluate_all("os => os.map(o => o.value)"):
        page.select_option("#sbs-select", s)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("typeof window.pwned") == "undefined"
    page.screenshot(path=str(tmp_path / "malicious.png"))


def test_index_and_a_narrow_window(page, seeds_out: Path, tmp_path: Path) -> None:
    page.goto((seeds_out / "index.html").as_uri())
    summary = json.loads((seeds_out / "summary.json").read_text("utf-8"))
    links = page.locator("a[href$='report.html']").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert {w["report"] for w in summary["works"]} <= set(links)
    page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
    report, _ = _report_2023(seeds_out)
    page.set_viewport_size({"width": 390, "height": 844})
    for url in ((seeds_out / "index.html").as_uri(), report.as_uri()):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.keyboard.press("n")
    mark = page.evaluate("document.activeElement.getBoundingClientRect().bottom")
    panel_top = page.evaluate("document.getElementById('panel').getBoundingClientRect().top")
    assert mark <= panel_top  # the note's mark is not hidden under the panel
    page.screenshot(path=str(tmp_path / "narrow.png"))
    # CJK text is set in a CJK font
    fam = page.evaluate("getComputedStyle(document.querySelector('#canon')).fontFamily")
    assert "Noto Serif CJK SC" in fam


def _decide_export_and_run_again(browser: object, folder: Path, report: Path, typed: str,
                                 tmp_path: Path) -> None:
    """Decide three notes by keyboard (those needing review first: the first reading, the
    second, one typed), reload, export; a run with the exported file finds each pinned."""
    from reconcile.config import load_decisions

    ctx = browser.new_context(viewport={"width": 1280, "height": 900},  # type: ignore[attr-defined]
                              accept_downloads=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(report.as_uri())
    data = page.evaluate("JSON.parse(document.getElementById('data').textContent)")
    decided: dict[str, str] = {}
    page.keyboard.press("n")  # the first note (needing review, if any does)
    for key in ("1", "2", "typed"):
        i = page.evaluate("+document.activeElement.getAttribute('data-i')")
        note = data["notes"][i]
        if key == "typed":
            page.keyboard.press("e")
            page.keyboard.type(typed)
            page.keyboard.press("Enter")
            decided[note["id"]] = typed
            page.locator(f"#m-{note['id']}").focus()
        else:
            page.keyboard.press(key)
            decided[note["id"]] = note["r"][int(key) - 1]["t"]
        assert "Your decision" in page.inner_text("#panel")
        page.keyboard.press("n")
    assert "Decided 3 of" in page.inner_text("#progress")
    assert page.locator("#canon mark.nt.decided").count() == 3  # a cue beyond colour
    page.screenshot(path=str(tmp_path / "decided.png"))
    # a reload of the same run keeps them
    page.reload()
    assert "Decided 3 of" in page.inner_text("#progress")
    with page.expect_download() as got:
        page.click("#export")
    exported = tmp_path / "reconcile-decisions.json"
    got.value.save_as(str(exported))
    assert errors == []
    ctx.close()

    pins = load_decisions(exported)
    assert {p.note: p.reading for p in pins} == decided
    again = run(folder, Config(jobs=1, decisions=pins))
    by_id = {n.id: n for c in again.collated for n in c.notes}
    for note_id, reading in decided.items():
        assert by_id[note_id].chosen == reading
        assert not by_id[note_id].review
        assert "pinned" in by_id[note_id].reason
    assert again.unmatched_pins() == []


def test_decide_three_notes_by_keyboard_export_and_run_again(browser, seeds_out: Path,
                                                             tmp_path: Path) -> None:
    report, _ = _report_2023(seeds_out)
    _decide_export_and_run_again(browser, SEEDS, report, "〇", tmp_path)


def test_the_export_keeps_the_decisions_the_run_was_given(browser, tmp_path: Path) -> None:
    # the run's decisions reach each report from decisions.js beside index.html; an export
    # from any report keeps them, or the next run would lose them
    from reconcile.config import Pin, load_decisions

    pins = (Pin("大盂", before="推动", after="产业新城"), Pin("x", note="n0", work="other"))
    out = tmp_path / "out"
    summary = json.loads(write(run(SEEDS, Config(jobs=1, decisions=pins)), out).read_text("utf-8"))
    report = out / next(w["report"] for w in summary["works"] if w["counts"]["notes"])
    ctx = browser.new_context(accept_downloads=True)  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.goto(report.as_uri())
    assert page.locator("#decide .warn").count() == 0
    with page.expect_download() as got:
        page.click("#export")
    got.value.save_as(str(tmp_path / "d.json"))
    assert load_decisions(tmp_path / "d.json") == pins
    # a report copied without decisions.js says that its export lacks them
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(report, alone / "report.html")
    page.goto((alone / "report.html").as_uri())
    assert "decisions.js is missing" in page.inner_text("#decide")
    ctx.close()


def test_the_same_on_a_large_english_work(browser, large_out: tuple[Path, Path],
                                          tmp_path: Path) -> None:
    folder, out = large_out
    (work,) = json.loads((out / "summary.json").read_text("utf-8"))["works"]
    _decide_export_and_run_again(browser, folder, out / work["report"], "plainly", tmp_path)


def test_a_note_opens_the_original_file_at_its_line(page, review_case: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    report, folder = review_case
    page.goto(report.as_uri())
    page.keyboard.press("n")
    item = page.locator("#panel ol.readings > li", has=page.locator("a.orig")).first
    link = item.locator("a.orig").first
    where = link.inner_text()  # file:line:column
    reading = item.locator(".rd").first.inner_text()
    file, line, column = where.rsplit(":", 2)
    # a click opens it inside the report ...
    link.click()
    assert page.locator("dialog#orig").is_visible()
    inside = page.frame_locator("#orig-frame")
    assert inside.locator("mark.at").inner_text()
    assert inside.locator(f"#L{line} .tx").inner_text() == \
        (folder / file).read_text("utf-8").split("\n")[int(line) - 1]
    page.keyboard.press("Escape")
    assert not page.locator("dialog#orig").is_visible()
    # ... and as a page of its own
    page.goto(page.evaluate("document.getElementById('orig-page').href"))
    page.wait_for_selector("mark.at")
    assert page.url.split("#")[0].endswith(".html") and "/original/" in page.url
    assert file in page.inner_text("header")
    # the line as the file holds it, the reading marked at its column
    source = (folder / file).read_text("utf-8").split("\n")[int(line) - 1]
    assert page.inner_text(f"#L{line} .tx") == source
    marked = page.inner_text("mark.at")
    assert marked and source[int(column) - 1:].startswith(marked)
    if reading != "nothing":
        assert marked == reading[:len(marked)]
    page.screenshot(path=str(tmp_path / "original.png"))
    page.go_back()
    assert page.url.endswith("report.html") or "report.html" in page.url


def test_the_coverage_map_is_reached_and_walked_by_keyboard(page, review_case: tuple[Path, Path],
                                                            seeds_out: Path) -> None:
    report, _ = review_case
    page.goto(report.as_uri())
    in_map = "!!document.activeElement.closest && !!document.activeElement.closest('figure.cov')"
    label = "document.activeElement.getAttribute('aria-label')"
    page.keyboard.press("c")
    assert page.evaluate(in_map)
    first = page.evaluate(label)
    page.keyboard.press("ArrowRight")  # the next place in the same row
    assert page.evaluate(in_map) and page.evaluate(label) != first
    page.keyboard.press("Tab")  # one stop per row: the first witness's row
    assert page.evaluate(in_map) and page.evaluate(label).split(" ")[0] == "A"
    page.keyboard.press("Enter")  # goes to the stretch in the canonical text
    page.wait_for_function("!!document.activeElement.closest('#canon')")
    # the decision bar is there for a work with notes, and absent where nothing can be decided
    assert page.locator("#decide").count() == 1
    summary = json.loads((seeds_out / "summary.json").read_text("utf-8"))
    lone = next(w for w in summary["works"] if not w["counts"]["notes"])
    page.goto((seeds_out / lone["report"]).as_uri())
    assert page.locator("#decide").count() == 0


def test_the_heat_view_shades_places_by_how_many_witnesses_dissent(page, tmp_path: Path) -> None:
    # five readings of one passage: two witnesses dissent at one place, one at another
    text = ("The committee met in the old town hall on a cold morning in March and agreed, "
            "after a long debate about the roads, the school and the harbour, to publish "
            "its accounts every quarter and to keep the minutes open to every citizen who "
            "asks to read them, whatever the hour and whatever the season of the year.\n")
    inp = tmp_path / "in"
    inp.mkdir()
    variants = [text, text, text, text.replace("harbour", "harbor"),
                text.replace("harbour", "harbor").replace("quarter", "quartet")]
    for k, v in enumerate(variants):
        (inp / f"w{k}.txt").write_text(v, "utf-8")
    write(run(inp, Config(jobs=1)), tmp_path / "out")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    page.goto((tmp_path / "out" / summary["works"][0]["report"]).as_uri())
    shade = ("ds => ds.map(d => getComputedStyle(document.querySelector("
             "`#canon mark.nt[id][data-dissent='${d}']`)).backgroundColor)")
    dissents = sorted(set(page.locator("#canon mark.nt[id]").evaluate_all(
        "ms => ms.map(m => m.getAttribute('data-dissent'))")), key=int)
    assert len(dissents) >= 2  # places where one witness dissents, and where more do
    before = page.evaluate(shade, dissents)
    page.keyboard.press("h")
    assert page.get_attribute("#heat", "aria-pressed") == "true"
    after = page.evaluate(shade, dissents)
    assert after != before
    # deeper for more dissent: the alpha of the shade grows with the count
    alphas = [float(c.rsplit(",", 1)[1].rstrip(")")) if c.startswith("rgba") else 1.0
              for c in after]
    assert alphas == sorted(alphas) and alphas[0] < alphas[-1]


def test_at_420_px_the_apparatus_is_labelled_cards_and_still_sorts(
        page, review_case: tuple[Path, Path]) -> None:
    report, _ = review_case
    page.set_viewport_size({"width": 420, "height": 900})
    page.goto(report.as_uri())
    label = page.evaluate("getComputedStyle(document.querySelector('#app tbody td:nth-child(3)'),"
                          " '::before').content")
    assert "Kind" in label
    button = page.locator("#app th[data-key='conf'] button")
    assert button.is_visible()
    button.click()
    assert page.get_attribute("#app th[data-key='conf']", "aria-sort") == "ascending"
    confs = page.locator("#app tbody tr").evaluate_all("rs => rs.map(r => +r.dataset.conf)")
    assert confs == sorted(confs)
    assert page.evaluate("document.documentElement.scrollWidth") <= 421


def test_side_by_side_compares_any_two_witnesses(page, seeds_out: Path) -> None:
    report, _ = _report_2023(seeds_out)
    page.goto(report.as_uri())
    sigla = page.locator("#sbs-select option").evaluate_all("os => os.map(o => o.value)")
    assert len(sigla) == 3
    me, other = sigla[1], sigla[0]
    page.select_option("#sbs-select", me)
    row = page.locator(f"section.sbs[data-s='{me}'] .row[id]").first
    n = row.get_attribute("id").rsplit("-", 1)[1]
    canonical_left = row.locator(".c").inner_text()
    page.select_option("#sbs-against", other)
    theirs = page.locator(f"#s-{other}-{n} .w")
    expected = theirs.inner_text() if theirs.count() else f"not in {other}"
    assert row.locator(".c").inner_text() == expected
    assert f"Witness {other}" in page.inner_text(f"section.sbs[data-s='{me}'] .row.hd")
    page.select_option("#sbs-against", "")  # back to the canonical text
    assert row.locator(".c").inner_text() == canonical_left


def test_jump_keys_move_focus_not_only_the_view(page, seeds_out: Path) -> None:
    report, _ = _report_2023(seeds_out)
    page.goto(report.as_uri())
    # focus lands where Tab goes on into the section (a heading, a mark), never in a
    # control that would take the next key for itself
    for key, target in (("a", "#apparatus"), ("s", "#sbs"), ("t", "#canon mark"),
                        ("c", "figure.cov a"), ("a", "#apparatus")):
        page.keyboard.press(key)
        assert page.evaluate(f"document.activeElement.matches({target!r})"), key
    page.keyboard.press("Tab")  # from the apparatus heading into its first filter
    assert page.evaluate("document.activeElement.id") == "f-kind"
