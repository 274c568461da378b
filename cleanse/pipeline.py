"""The pipeline: detectors label a page in order, then one step assembles the result."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from cleanse.config import Config, ConfigError
from cleanse.deciding.arbiter import ModelError
from cleanse.deciding.assemble import assemble
from cleanse.deciding.language import LanguageTagger
from cleanse.detectors.base import Detector
from cleanse.model import Capture, CleanedDocument, Page, Status
from cleanse.reading.capture import CaptureError, to_capture
from cleanse.site_profile import SiteProfile


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a capture is cleaned, on again after.

    A page is a few tracked objects per line (lines, decisions, features) and makes no
    reference cycles, so the collector finds nothing in it; but once a page outgrows a quarter
    of the process's heap, each full collection walks all of it: a 29,000-line capture spent
    ~12% of its time there (benchmarks/speed.py's 100x). Turned back on only by the call that
    turned it off, so nested or concurrent cleans leave it as they found it.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@dataclass
class Pipeline:
    """A configured, reusable cleaner. Build once, call :meth:`clean` many times."""

    config: Config = field(default_factory=Config)

    def __post_init__(self) -> None:
        self.detectors: list[Detector] = self.config.build()
        try:
            self.arbiter = self.config.arbiter()
        except ModelError as exc:
            raise ConfigError(str(exc)) from None
        self.tagger = LanguageTagger(self.config.language_backend, self.config.min_letters)

    def label(self, capture: Capture, deadline: float | None = None,
              site: SiteProfile | None = None) -> Page:
        """Run every detector over ``capture`` and return the labelled page (see :func:`label`)."""
        return label(capture, self.detectors, deadline, site)

    @_collector_paused()
    def clean(self, value: str | bytes | os.PathLike[str] | Capture, *,
              source: str | None = None, kind: str | None = None,
              charset: str | None = None, explain: bool = False,
              site: SiteProfile | None = None) -> CleanedDocument:
        """Clean one capture. Unreadable input gives ``status='error'``, never an exception.

        ``charset`` is the encoding declared for ``bytes`` by their transport
        (an HTTP ``Content-Type``), if any. ``explain`` adds to each span the arbiter
        removed on its own the evidence that weighed most (milliseconds per span).
        ``site`` is the profile of the capture's site (how often lines recur across its
        pages, :mod:`cleanse.site_profile`): the ``site_repeats`` detector reads it as
        ``Page.site``; batch runs build it (:mod:`cleanse.running.sites`), and without
        it that detector says nothing.
        """
        limit = self.config.time_limit
        deadline = time.monotonic() + limit if limit else None
        try:
            capture = to_capture(value, source=source, kind=kind, charset=charset)
            _check(deadline, "decoding")
            if not capture.text or capture.text.isspace():  # (strip() would copy the text)
                why = "the HTML has no visible text" if capture.kind == "html" else "empty input"
                return CleanedDocument(source=capture.source, status=Status.EMPTY,
                                       error=why, kind=capture.kind,
                                       encoding=capture.encoding,
                                       warnings=capture.metadata.get("warnings", []))
            page = self.label(capture, deadline, site)
            judgement = self.arbiter.judge(page, explain)
        except CaptureError as exc:
            return CleanedDocument(source=source or _path_source(value), status=Status.ERROR,
                                   error=str(exc))
        except TimeLimitExceeded as exc:
            return CleanedDocument(source=source or _path_source(value), status=Status.TIMEOUT,
                                   error=f"time limit of {limit:g} s exceeded during {exc}; "
                                         "raise time_limit or split the capture")
        doc = assemble(page, judgement, self.tagger, self.config.min_segment_tokens)
        doc.warnings[:0] = doc.metadata.pop("warnings", [])  # reading and detectors collect them
        return doc


def label(capture: Capture, detectors: list[Detector], deadline: float | None = None,
          site: SiteProfile | None = None) -> Page:
    """Run ``detectors`` in order over ``capture``: the labelled page, nothing decided yet.

    ``deadline`` (a ``time.monotonic()`` value) is checked after each step;
    past it, :class:`TimeLimitExceeded` names the step that was running. ``site``
    becomes the page's ``site`` (the profile of its site, see :meth:`Pipeline.clean`).
    """
    page = Page.from_capture(capture)
    page.site = site
    _check(deadline, "splitting into lines")
    for detector in detectors:
        detector.detect(page)
        _check(deadline, f"detector {detector.name}")
    return page


class TimeLimitExceeded(Exception):
    """A capture ran past ``Config.time_limit``; the message names the step."""


def _check(deadline: float | None, step: str) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise TimeLimitExceeded(step)


def _path_source(value: object) -> str | None:
    return str(value) if isinstance(value, os.PathLike) else None
