"""Unlabelled lists of headlines: runs of short lines with dates, authors and summaries."""

from __future__ import annotations

from dataclasses import dataclass

from cleanse.detectors.base import Detector
from cleanse.model import Category, Line, Page
from cleanse.structure import prose_anchors


@dataclass
class HeadlineRuns(Detector):
    """Removes lists of other stories that have no heading.

    Article text comes in runs of sentences; a list of headlines does not:
    its lines are short titles, author names, timestamps and at most one
    summary sentence per item. The page is cut into *runs* between prose
    anchors (:func:`cleanse.structure.prose_anchors`). A run with at least
    ``min_dated_lines`` short (non-sentence) lines carrying a date or time, making up at least
    ``min_dated_share`` of the run, and mostly headline-like (non-sentence)
    lines, is a headline list.
    """

    name = "headline_runs"
    min_run_lines: int = 5
    min_dated_lines: int = 3
    min_dated_share: float = 0.15
    min_headline_share: float = 0.5

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
        dated = sum(1 for line in run if line.features.has_date and not line.features.heading
                    and not line.features.is_prose())
        headline_like = sum(1 for line in run if not line.features.is_prose())
        if dated >= self.min_dated_lines and dated / len(run) >= self.min_dated_share and \
                headline_like / len(run) >= self.min_headline_share:
            for line in run:
                self.label(page, line, "dated_headline_run", Category.TRENDING, 0.7,
                           f"run of {len(run)} headline-like lines, {dated} with dates")
