"""Invented captures for detector tests: an article body plus junk around it.

Detectors only attach decisions (evidence); the arbiter decides what goes. A
detector test therefore reads the labelled page (:func:`labelled`, every
default detector in order, since later detectors read earlier decisions) and
asks which rules fired on a line (:func:`rules`); only "the article is kept"
is also asserted end to end, through ``cleanse.clean``.
"""

from __future__ import annotations

import signal

import cleanse
import cleanse.pipeline
import cleanse.reading.capture
from cleanse.model import JUNK_SCORE, Category, Line

ZH_HANS = [
    "上海市政府周三宣布，将在明年投入两百亿元建设新的地铁线路，以缓解城市交通压力。",
    "据官方介绍，新线路全长四十五公里，设站三十座，预计二零二八年建成通车。",
    "交通专家认为，这一计划将显著改善城市东部居民的通勤条件，同时带动沿线经济发展。",
    "不过也有市民担心，施工期间可能会对周边道路造成较大影响，希望政府提前做好规划。",
]
ZH_HANT = [
    "臺北市政府週三宣布，將在明年投入兩百億元興建新的捷運路線，以紓解城市交通壓力。",
    "據官方介紹，新路線全長四十五公里，設站三十座，預計二零二八年完工通車。",
    "交通專家認為，這項計畫將顯著改善城市東部居民的通勤條件，同時帶動沿線經濟發展。",
    "不過也有市民擔心，施工期間可能會對周邊道路造成較大影響，希望政府提前做好規劃。",
]
EN = [
    "The city council approved a new light rail line on Wednesday, ending years of debate.",
    "Officials said the line would run for twenty-eight miles and serve thirty stations.",
    "Transport experts expect the project to shorten commutes for residents of the east side.",
    "Some residents worry that construction will disrupt local roads for several years.",
]
JA = [
    "東京都は水曜日、新しい地下鉄路線の建設に二千億円を投じると発表した。",
    "新路線は全長四十五キロで、三十の駅が設けられる予定だという。",
    "専門家は、この計画が東部の住民の通勤を大きく改善すると見ている。",
    "一方で、工事期間中の交通への影響を心配する声も上がっている。",
]


def page(*blocks: str) -> str:
    """Blocks joined as paragraphs (blank line between), like an innerText capture."""
    return "\n\n".join(blocks) + "\n"


def kept(text: str, **kwargs) -> str:
    return cleanse.clean(text, **kwargs).text


def removed_lines(doc: cleanse.CleanedDocument) -> set[int]:
    return {n for span in doc.removed for n in range(span.first_line, span.last_line + 1)}


def labelled(text: str, kind: str | None = None,
             config: cleanse.Config | None = None) -> cleanse.Page:
    """``text`` labelled by every detector of ``config`` (default: all), in order: no arbiter."""
    capture = cleanse.reading.capture.to_capture(text, kind=kind)
    return cleanse.pipeline.label(capture, (config or cleanse.Config()).build())


def _removing(line: Line) -> set[tuple[str, str]]:
    """(detector, rule) of the junk or meta decisions of at least JUNK_SCORE on ``line``."""
    return {(d.detector, d.rule) for d in line.decisions
            if (d.category.is_junk or d.category is Category.META) and d.score >= JUNK_SCORE}


def lines_with(page: cleanse.Page, needle: str) -> list[Line]:
    """The lines containing ``needle``; at least one must, so that no assertion is vacuous."""
    found = [line for line in page.lines if needle in line.text]
    assert found, f"no line contains {needle!r}"
    return found


def rules(page: cleanse.Page, needle: str) -> set[tuple[str, str]]:
    """(detector, rule) of the junk/meta decisions scoring at least 0.5 on the lines that hold
    ``needle``."""
    return {rule for line in lines_with(page, needle) for rule in _removing(line)}


def assert_flagged(page: cleanse.Page, needle: str, *wanted: tuple[str, str]) -> None:
    """Every line holding ``needle`` carries a junk/meta decision of at least 0.5, and (if any are
    given) one of the ``wanted`` (detector, rule) pairs."""
    for line in lines_with(page, needle):
        found = _removing(line)
        assert found, f"line {line.number} carries no junk decision: {line.text!r}"
        if wanted:
            assert found & set(wanted), f"line {line.number} {line.text!r}: {found}, not {wanted}"


def assert_unflagged(page: cleanse.Page, body: list[str]) -> None:
    """No junk/meta decision of at least 0.5 lands on a line of ``body``."""
    for paragraph in body:
        for line in lines_with(page, paragraph):
            assert not _removing(line), f"body line {line.number} flagged: {_removing(line)}"


def interruptible() -> None:
    """``preexec_fn`` for a CLI process a test interrupts with SIGINT: Python keeps SIGINT
    ignored when it starts with it ignored (a test run launched as a background job), and
    the run would then never see the Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
