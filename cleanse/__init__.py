"""cleanse: clean article text, with language tags, from raw web captures.

    >>> import cleanse
    >>> doc = cleanse.clean(open("page.txt", encoding="utf-8").read())
    >>> doc.text, doc.language, doc.explain()
"""

from __future__ import annotations

import os
from functools import lru_cache

from cleanse.config import Config, ConfigError
from cleanse.model import Capture, Category, CleanedDocument, Decision, Line, Page, Status
from cleanse.pipeline import Pipeline

__version__ = "0.1.0"


@lru_cache(maxsize=1)
def _default_pipeline() -> Pipeline:
    return Pipeline()


def clean(capture: str | bytes | os.PathLike[str] | Capture, *, config: Config | None = None,
          source: str | None = None, kind: str | None = None,
          charset: str | None = None) -> CleanedDocument:
    """Clean one capture: text (``str``), raw ``bytes``, or a path (``pathlib.Path``).

    ``kind`` forces ``"text"``, ``"markdown"``, ``"html"`` or ``"json"`` instead of
    detecting it. ``charset`` is the encoding an HTTP header declared for
    ``bytes``; it beats the page's ``<meta charset>``. Build a
    :class:`Pipeline` once when cleaning many captures with a custom ``config``.
    """
    pipeline = _default_pipeline() if config is None else Pipeline(config)
    return pipeline.clean(capture, source=source, kind=kind, charset=charset)


__all__ = [
    "Capture",
    "Category",
    "CleanedDocument",
    "Config",
    "ConfigError",
    "Decision",
    "Line",
    "Page",
    "Pipeline",
    "Status",
    "__version__",
    "clean",
]
