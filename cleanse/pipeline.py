"""The pipeline: detectors label a page in order, then one step assembles the result."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from cleanse.assemble import assemble
from cleanse.config import Config
from cleanse.detectors.base import Detector
from cleanse.language import LanguageTagger
from cleanse.model import Capture, CleanedDocument, Page, Status
from cleanse.reading import CaptureError, to_capture


@dataclass
class Pipeline:
    """A configured, reusable cleaner. Build once, call :meth:`clean` many times."""

    config: Config = field(default_factory=Config)

    def __post_init__(self) -> None:
        self.detectors: list[Detector] = self.config.build()
        self.tagger = LanguageTagger(self.config.language_backend, self.config.min_letters)

    def label(self, capture: Capture) -> Page:
        """Run every detector over ``capture`` and return the labelled page."""
        page = Page.from_capture(capture, self.config.removal_threshold)
        for detector in self.detectors:
            detector.detect(page)
        return page

    def clean(self, value: "str | bytes | os.PathLike[str] | Capture", *,
              source: str | None = None, kind: str | None = None) -> CleanedDocument:
        """Clean one capture. Unreadable input gives ``status='error'``, never an exception."""
        try:
            capture = to_capture(value, source=source, kind=kind)
        except CaptureError as exc:
            return CleanedDocument(source=source or _path_source(value), status=Status.ERROR,
                                   error=str(exc))
        if not capture.text.strip():
            return CleanedDocument(source=capture.source, status=Status.EMPTY,
                                   error="empty input", kind=capture.kind,
                                   encoding=capture.encoding)
        return assemble(self.label(capture), self.tagger, self.config.min_segment_tokens)


def _path_source(value: object) -> str | None:
    return str(value) if isinstance(value, os.PathLike) else None
