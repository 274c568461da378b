"""Unlabelled lists of headlines: runs of short lines with dates, authors and summaries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cleanse.detectors.base import Detector
from cleanse.model import Category, Line, Page
from cleanse.structure import prose_anchors

# Portal headline lists tag their items: "[法制] ...", "【热点】...", "...(图)".
TAGGED_HEADLINE = re.compile(r"^\s*[\[【［][^\]】］]{1,6}[\]】］]|[(（](?:组|附)?图[)）]\s*$")


@dataclass
class HeadlineRuns(Detector):
    """Removes lists of other stories that have no heading.

    Article text comes in runs of sentences; a list of headlines does not:
    its lines are short titles, author names, timestamps and at most one
    summary sentence per item. The page is cut into *runs* between prose
    anchors (:func:`cleanse.structure.prose_anchors`). A run with at least
    ``min_dated_lines`` short (non-sentence) lines carrying a date or time, making up at least
    ``min_dated_share`` of the run, and mostly headline-like (non-sentence)
    lines, is a headline list. So is a run with ``min_tagged_lines`` headlines
    carrying a portal's item tag ("[法制] ...", "【热点】...", "...(图)").
    """

    name = "headline_runs"
    min_run_lines: int = 5
    min_dated_lines: int = 3
    min_dated_share: float = 0.15
    min_headline_share: float = 0.5
    min_tagged_lines: int = 4

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        in_prose = prose_anchors(content)
        run: list[Line] = []
        for line, prose in zip(content + [None], in_prose + [True]):  # type: ignore[operator]
            if not prose:
                run.append(line)
                continue
            self._judge(page, run)
            run = []

    def _judge(self, page: Page, run: list[Line]) -> None:
        if len(run) < self.min_run_lines:
            return
        headlines = [line for line in run if not line.features.is_prose()]
        if len(headlines) / len(run) < self.min_headline_share:
            return
        dated = sum(1 for line in headlines if line.features.has_date and not line.features.heading)
        tagged = sum(1 for line in headlines if TAGGED_HEADLINE.search(line.features.plain))
        if dated >= self.min_dated_lines and dated / len(run) >= self.min_dated_share:
            rule, why = "dated_headline_run", f"{dated} with dates"
        elif tagged >= self.min_tagged_lines:
            rule, why = "tagged_headline_run", f"{tagged} with item tags like '[法制]' or '(图)'"
        else:
            return
        for line in run:
            self.label(page, line, rule, Category.TRENDING, 0.7,
                       f"run of {len(run)} headline-like lines, {why}")
