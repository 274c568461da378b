"""Detectors: one module each. The default pipeline runs them in this order.

To add a detector, add a module here defining a :class:`Detector` subclass
with a ``name``, and add that name to ``DEFAULT_PIPELINE``.
"""

from __future__ import annotations

import importlib

from cleanse.detectors.base import REGISTRY, Detector

DEFAULT_PIPELINE: tuple[str, ...] = (
    "front_matter",
    "skip_links",
    "breadcrumbs",
    "menus",
    "share",
    "chrome",
    "dom_hints",
    "newsletter",
    "promo",
    "related_lists",
    "headline_runs",
    "author_bio",
    "duplicates",
    "dateline",
    "main_region",
    "title",
)


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
    for name in DEFAULT_PIPELINE:
        importlib.import_module(f"{__name__}.{name}")
    return sorted(REGISTRY)


__all__ = ["DEFAULT_PIPELINE", "Detector", "available", "detector_class"]
