"""Detectors: one module each. The default pipeline runs them in this order.

To add a detector, add a module here defining a :class:`Detector` subclass
with a ``name``, and add that name to one of the stages below. A detector
that reads earlier decisions declares whose (``Detector.reads``); the
configuration refuses an order that runs it before them.
"""

from __future__ import annotations

import importlib

from cleanse.detectors.base import REGISTRY, Detector

# Detectors that judge one line at a time.
LINE_DETECTORS: tuple[str, ...] = (
    "front_matter",
    "skip_links",
    "breadcrumbs",
    "menus",
    "share",
    "chrome",
    "dom_hints",
    "newsletter",
    "promo",
)
# Detectors that judge runs and repeats of lines.
LIST_DETECTORS: tuple[str, ...] = (
    "related_lists",
    "headline_runs",
    "author_bio",
    "duplicates",
    "copies",
)
# Detectors that read what the others found: bylines among the remaining lines, the
# article's region, its title.
PAGE_DETECTORS: tuple[str, ...] = (
    "dateline",
    "main_region",
    "title",
)
DEFAULT_PIPELINE: tuple[str, ...] = LINE_DETECTORS + LIST_DETECTORS + PAGE_DETECTORS
# Registered but not in the default pipeline (``Config().enable(name, ...)`` turns one on).
OPTIONAL_DETECTORS: tuple[str, ...] = ("site_repeats",)


def detector_class(name: str) -> type[Detector]:
    """The registered class for ``name``, importing ``cleanse.detectors.<name>`` if needed."""
    if name not in REGISTRY:
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError:
            pass
    if name not in REGISTRY:
        raise KeyError(f"unknown detector {name!r}; known: {', '.join(sorted(available()))}")
    return REGISTRY[name]


def available() -> list[str]:
    """Names of every detector that can be put in a pipeline."""
    for name in DEFAULT_PIPELINE + OPTIONAL_DETECTORS:
        importlib.import_module(f"{__name__}.{name}")
    return sorted(REGISTRY)


__all__ = ["DEFAULT_PIPELINE", "LINE_DETECTORS", "LIST_DETECTORS", "PAGE_DETECTORS", "Detector",
           "available", "detector_class"]
