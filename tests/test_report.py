"""The visual explain report (cleanse.running.report): its markup, bounds and escaping,
then the page in a real browser (headless Debian chromium through selenium)."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SEEDS

from cleanse.features import normalize_for_matching
from cleanse.pipeline import Pipeline
from cleanse.running.cli import main
from cleanse.running.report import (
    CATEGORIES,
    COLOURS,
    UNSAFE,
    ExplainedCapture,
    Limits,
    build_report,
    explain_capture,
)

from helpers import EN, page

# A capture that tries to break out of the page: markup in lines, in what reasons quote,
# in its name; a control character, a lone surrogate and a bidi override.
HOSTILE_LINES = [
    "Home", "News", "Sports", "Weather", "Contact",
    "# Breaking </script><script>document.title='pwned'</script> story",
    EN[0] + ' <img src=x onerror="document.title=\'pwned\'">',
    EN[1] + " \x00\x07 \ud800 \u202eevil",
    EN[2] + ' "><svg onload="document.title=\'pwned\'"></svg>',
    EN[3],
    "Share on Facebook", "Share on X",
    "Subscribe to our newsletter <iframe src=javascript:alert(1)>",
]
HOSTILE_SOURCE = '<img src=x onerror="document.title=\'pwned\'">.txt'
HOSTILE_HTML = ("<html><head><title>A &lt;script&gt; title</title></head><body><article>"
                "<h1>Markup &lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; in text</h1>"
                + "".join(f"<p>{line} &lt;b onmouseover=alert(1)&gt;</p>" for line in EN)
                + "</article><footer>Copyright &lt;script&gt;alert(1)&lt;/script&gt;</footer>"
                "</body></html>")


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="module")
def seeds(pipeline) -> list[ExplainedCapture]:
    return [explain_capture(pipeline, path, source=path.name) for path in SEEDS]


@pytest.fixture(scope="module")
def hostile(pipeline) -> list[ExplainedCapture]:
    return [explain_capture(pipeline, "\n".join(HOSTILE_LINES), source=HOSTILE_SOURCE,
                            kind="markdown"),
            explain_capture(pipeline, HOSTILE_HTML, source="hostile.html")]


class Structure(HTMLParser):
    """What the page's markup says: per capture, its removed spans (first, last, category)
    and for each line its text and the span (index) that holds it."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.captures: dict[str, dict] = {}
        self.tags: list[str] = []
        self.depth = 0
        self.capture: dict | None = None
        self.span_depth = self.line_depth = 0
        self.line: int | None = None
        self.in_text = False
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "article" and "capture" in classes:
            self.capture = self.captures[attributes["id"]] = {"spans": [], "lines": {}}
        elif tag == "div":
            self.depth += 1
            if "rm" in classes:
                self.span_depth = self.depth
                self.capture["spans"].append((int(attributes["data-first"]),
                                              int(attributes["data-last"]),
                                              attributes["data-cat"]))
            elif "l" in classes:
                self.line_depth, self.line = self.depth, int(attributes["data-n"])
                span = len(self.capture["spans"]) - 1 if self.span_depth else None
                self.capture["lines"][self.line] = {"text": "", "span": span,
                                                    "title": "title" in classes}
        elif tag == "span" and "t" in classes:
            self.in_text = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "div":
            if self.depth == self.line_depth:
                self.line_depth, self.line = 0, None
            if self.depth == self.span_depth:
                self.span_depth = 0
            self.depth -= 1
        elif tag == "span":
            self.in_text = False

    def handle_data(self, data: str) -> None:
        if self.in_text and self.line is not None:
            self.capture["lines"][self.line]["text"] += data


def record_spans(explained: ExplainedCapture) -> list[tuple[int, int, str]]:
    return [(s["first_line"], s["last_line"], s["category"]) for s in explained.record["removed"]]


def test_every_removed_span_is_where_the_record_says(seeds, hostile):
    captures = [*seeds, *hostile]  # text, markdown and HTML (rendered lines)
    assert {c.record["kind"] for c in captures} == {"text", "markdown", "html"}
    structure = Structure(build_report(captures))
    assert len(structure.captures) == len(captures)
    for index, explained in enumerate(captures, start=1):
        shown = structure.captures[f"c{index}"]
        assert shown["spans"] == record_spans(explained)
        assert sorted(shown["lines"]) == list(range(1, len(explained.lines) + 1))
        for number, line in shown["lines"].items():
            assert line["text"] == UNSAFE.sub("\ufffd", explained.lines[number - 1])
            inside = [i for i, (first, last, _) in enumerate(shown["spans"])
                      if first <= number <= last]
            assert line["span"] == (inside[0] if inside else None), (index, number)


def test_the_title_line_is_marked_and_kept(seeds):
    marked = 0
    for explained in seeds:
        lines = Structure(build_report([explained])).captures["c1"]["lines"]
        titles = [n for n, line in lines.items() if line["title"]]
        assert titles == ([explained.title_line] if explained.title_line else [])
        if explained.title_line:
            marked += 1
            assert lines[explained.title_line]["span"] is None
            line_key = normalize_for_matching(explained.lines[explained.title_line - 1])
            line_key = line_key.lstrip("# ")
            title_key = normalize_for_matching(explained.record["title"])
            assert line_key in title_key or title_key in line_key
    assert marked >= len(seeds) - 1


def test_summary_counts_add_up(seeds):
    markup = build_report(seeds)
    expected: dict[str, int] = {}
    for explained in seeds:
        for span in explained.record["removed"]:
            expected[span["category"]] = expected.get(span["category"], 0) + span["chars"]
    table = markup.split("<caption>Removed characters by category</caption>")[1]
    table = table.split("</table>")[0]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">([\d,]+)</td>', table))
    assert {k: int(v.replace(",", "")) for k, v in rows.items()} == expected
    assert f"<dt>captures</dt><dd>{len(seeds)}</dd>" in markup


def test_each_capture_says_its_keep_threshold(seeds):
    for explained in seeds:
        markup = build_report([explained])
        threshold = explained.record["keep_threshold"]
        assert f"<dt>kept at</dt><dd>p(article) ≥ {threshold:g}</dd>" in markup


def test_filters_search_and_jump_are_present(seeds):
    markup = build_report(seeds)
    for category in [*CATEGORIES, "other", "kept"]:
        assert f'data-filter="{category}"' in markup
    for category in CATEGORIES:
        assert f".hide-{category} .rm.c-{category}{{display:none}}" in markup
    assert 'id="q" type="search"' in markup
    assert markup.count('<option value="c') == len(seeds)
    assert markup.count('class="skip" href="#captures"') == 1


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_keep_text_readable_in_light_and_dark():
    css = build_report([])
    light_page, light_text = re.search(r":root\{[^}]*?--bg:(#\w+);--fg:(#\w+)", css).groups()
    dark_page, dark_text = re.search(r"dark\)\{:root\{--bg:(#\w+);--fg:(#\w+)", css).groups()
    for light_tint, light_accent, dark_tint, dark_accent, _ in COLOURS.values():
        assert contrast(light_text, light_tint) >= 7 and contrast(dark_text, dark_tint) >= 7
        assert contrast(light_accent, light_page) >= 4.5
        assert contrast(dark_accent, dark_page) >= 4.5


def test_hostile_captures_cannot_inject_markup(hostile):
    markup = build_report(hostile)
    markup.encode("utf-8")  # lone surrogates would fail here
    assert markup.count("<script") == 1 and markup.count("</script>") == 1
    assert markup.count("<svg") == 1  # the summary's chart
    for tag in ("<img", "<iframe", "<b onmouseover"):
        assert tag not in markup
    assert "\x00" not in markup and "\x07" not in markup
    assert "&lt;/script&gt;&lt;script&gt;document.title=&#x27;pwned&#x27;" in markup
    structure = Structure(markup)
    lines = structure.captures["c1"]["lines"]
    assert lines[6]["text"] == HOSTILE_LINES[5]
    assert lines[7]["text"] == HOSTILE_LINES[6]
    # Controls and the lone surrogate are shown as U+FFFD (reading already drops NULs).
    assert lines[8]["text"] == re.sub("[\x00-\x08\ud800-\udfff]", "\ufffd",
                                      hostile[0].lines[7])
    assert lines[8]["text"].endswith("\ufffd \ufffd \u202eevil")
    html_lines = [line["text"] for line in structure.captures["c2"]["lines"].values()]
    assert "Copyright <script>alert(1)</script>" in html_lines


def test_the_page_loads_nothing_and_allows_only_its_own_script(seeds):
    markup = build_report(seeds)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)""", markup)
    assert "<link" not in markup and "@import" not in markup and "url(" not in markup
    script = markup.split("<script>")[1].split("</script>")[0]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', markup)[1]
    assert f"script-src 'sha256-{digest}'" in policy and "default-src 'none'" in policy


def test_the_page_is_deterministic(pipeline):
    text = page("Home", "News", *EN)
    first = build_report([explain_capture(pipeline, text, source="a.txt")])
    second = build_report([explain_capture(pipeline, text, source="a.txt")])
    assert first == second


def test_limits_bound_the_page_and_say_what_was_left_out(pipeline):
    long_line = "word " * 1000
    text = page(*EN, long_line, *[f"Line {i} of filler text here." for i in range(60)])
    captures = [explain_capture(pipeline, text, source=f"{i}.txt") for i in range(5)]
    limits = Limits(max_captures=2, max_lines=20, max_line_chars=100)
    markup = build_report(captures, limits=limits, not_included=7)
    structure = Structure(markup)
    assert sorted(structure.captures) == ["c1", "c2"]
    assert max(structure.captures["c1"]["lines"]) == 20
    assert "10 more were left out" in markup  # 3 cleaned but not shown, 7 never cleaned
    assert f"Lines 21–{len(captures[0].lines)} not shown" in markup
    long_number = text.split("\n").index(long_line) + 1
    assert len(structure.captures["c1"]["lines"][long_number]["text"]) == 100
    assert f"{len(long_line) - 100:,} more characters" in markup
    tight = build_report(captures, limits=Limits(max_chars=50))
    assert len(Structure(tight).captures["c2"]["lines"]) == 0
    assert "Lines not shown: this page already holds 50 characters" in tight


def test_a_capture_that_cannot_be_read_is_listed_with_its_error(pipeline):
    failed = explain_capture(pipeline, b"\x89PNG\r\n\x1a\n" + bytes(100), source="image.txt")
    assert failed.record["status"] == "error" and failed.lines == []
    markup = build_report([failed])
    assert "status</dt><dd>error: binary input: looks like a PNG image" in markup


def test_cli_writes_the_report(tmp_path, capsys):
    out = tmp_path / "sub" / "report.html"
    assert main(["report", str(SEEDS[0].parent), "-o", str(out), "--max-captures", "2"]) == 0
    markup = out.read_text("utf-8")
    assert len(Structure(markup).captures) == 2
    assert f"{len(SEEDS) - 2} more were left out" in markup
    assert "report of 2 captures written" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "missing"), "-o", str(out)]) == 2


# --- In a real browser ------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser():
    """Headless chromium driven by chromedriver (Debian's packages: chromium, chromium-driver)."""
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="selenium is not installed (pip install selenium)")
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.skip("chromium or chromedriver not found (apt-get install chromium "
                    "chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def open_page(browser, tmp_path: Path, markup: str, width: int = 1280):
    path = tmp_path / "report.html"
    path.write_text(markup, "utf-8")
    browser.set_window_size(width, 900)
    browser.get(path.as_uri())
    browser.get_log("browser")  # the log of an earlier page must not count
    browser.refresh()
    assert browser.find_element("css selector", "body").get_attribute("data-ready") == "yes"


def console_problems(browser) -> list[dict]:
    return [entry for entry in browser.get_log("browser")
            if entry["level"] in ("SEVERE", "WARNING")]


# The live DOM, read the way Structure reads the markup.
DOM_SPANS = """
return Array.from(document.querySelectorAll("article.capture")).map(function (a) {
  return {id: a.id,
          spans: Array.from(a.querySelectorAll(".rm")).map(function (s) {
            return [+s.dataset.first, +s.dataset.last, s.dataset.cat,
                    Array.from(s.querySelectorAll(".l")).map(function (l) { return +l.dataset.n; }),
                    getComputedStyle(s).backgroundColor];
          }),
          kept: getComputedStyle(a.querySelector(".lines")).backgroundColor};
});
"""


def test_seeds_render_in_chromium_with_spans_where_the_record_says(browser, seeds, tmp_path):
    open_page(browser, tmp_path, build_report(seeds))
    assert console_problems(browser) == []
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    dom = browser.execute_script(DOM_SPANS)
    assert [capture["id"] for capture in dom] == [f"c{i}" for i in range(1, len(seeds) + 1)]
    colours: dict[str, set[str]] = {}
    for capture, explained in zip(dom, seeds):
        assert [tuple(s[:3]) for s in capture["spans"]] == record_spans(explained)
        for first, last, category, numbers, colour in capture["spans"]:
            assert numbers == list(range(first, last + 1))
            assert colour != capture["kept"]  # coloured, unlike kept text
            colours.setdefault(category, set()).add(colour)
    assert all(len(shades) == 1 for shades in colours.values())
    assert len({shade for shades in colours.values() for shade in shades}) == len(colours)


def test_spans_explain_themselves_on_hover_focus_and_filters_hide_them(browser, seeds, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    open_page(browser, tmp_path, build_report(seeds))
    span = browser.find_elements("css selector", "#c1 .rm")[-1]
    why = span.find_element("css selector", ".why")
    assert not why.is_displayed()
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", span)
    ActionChains(browser).move_to_element(span).perform()
    assert why.is_displayed()
    record = seeds[0].record["removed"][-1]
    assert record["detector"] in why.text and record["reason"][:20] in why.text
    ActionChains(browser).move_to_element(browser.find_element("css selector", "h1")).perform()
    # Keyboard: the skip link comes first, then the controls; spans are tab stops.
    body = browser.find_element("css selector", "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("class") == "skip"
    browser.execute_script("arguments[0].focus()", span)
    assert why.is_displayed()
    category = span.get_attribute("data-cat")
    box = browser.find_element("css selector", f'input[data-filter="{category}"]')
    box.click()
    assert not span.is_displayed()
    box.click()
    assert span.is_displayed()


def test_search_and_jump(browser, seeds, tmp_path):
    from selenium.webdriver.common.keys import Keys

    open_page(browser, tmp_path, build_report(seeds))
    word = seeds[2].lines[seeds[2].title_line - 1].strip("# ")[:4]
    expected = sum(word.lower() in line.lower() for s in seeds for line in s.lines)
    query = browser.find_element("css selector", "#q")
    query.send_keys(word, Keys.ENTER)
    found = browser.find_element("css selector", "#found").text
    assert found.startswith("1 of ")
    assert len(browser.find_elements("css selector", ".l.hit")) == expected
    current = browser.find_element("css selector", ".l.current")
    assert word.lower() in current.text.lower()
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("css selector", "#jump")).select_by_value("c3")
    assert browser.switch_to.active_element.get_attribute("id") == "c3-h"


def test_hostile_captures_do_not_execute_in_chromium(browser, hostile, tmp_path):
    open_page(browser, tmp_path, build_report(hostile, heading="hostile"))
    assert browser.title == "hostile"
    assert console_problems(browser) == []  # a blocked injected handler would be logged
    assert browser.execute_script(
        "return document.querySelectorAll('img, svg:not(.chart svg), iframe, "
        "#captures script').length") == 0
    lines = browser.execute_script(
        "return Array.from(document.querySelectorAll('#c1 .l .t'))"
        ".map(function (t) { return t.textContent; });")
    assert lines[5] == HOSTILE_LINES[5]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_page_fits_desktop_and_phone_widths_in_light_and_dark(browser, seeds, tmp_path,
                                                                  width):
    open_page(browser, tmp_path, build_report(seeds), width)
    backgrounds = []
    for scheme in ("light", "dark"):
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": scheme}]})
        assert browser.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth")
        backgrounds.append(browser.execute_script(
            "return getComputedStyle(document.body).backgroundColor"))
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    assert backgrounds[0] == "rgb(255, 255, 255)" and backgrounds[1] == "rgb(20, 20, 20)"
