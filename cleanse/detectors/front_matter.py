"""YAML (``---``) and TOML (``+++``) front matter at the top of markdown captures."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from typing import Any

import yaml

from cleanse.detectors.base import Detector
from cleanse.model import Category, Page

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FENCES = {"---": "yaml", "+++": "toml"}


def _jsonable(value: Any) -> Any:
    """Front matter parsers return dates and other objects; records need JSON."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


@dataclass
class FrontMatter(Detector):
    """Moves front matter into ``metadata`` so it never reaches the body.

    Static-site captures start with a fenced block of key/value pairs (title,
    date, tags). It is metadata about the page, not article text. The block
    must open on the first non-blank line and close within ``max_lines``.
    """

    name = "front_matter"
    max_lines: int = 200

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        if not content or content[0].features.stripped not in FENCES:
            return
        opening = content[0]
        fence = opening.features.stripped
        start = opening.number - 1
        closing = next((line for line in page.lines[start + 1:start + 1 + self.max_lines]
                        if line.text.rstrip() == fence), None)
        if closing is None:
            return
        block = page.lines[start:closing.number]
        raw = "\n".join(line.text for line in block[1:-1])
        parsed: Any
        try:
            parsed = yaml.safe_load(raw) if FENCES[fence] == "yaml" else tomllib.loads(raw)
        except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
            page.metadata["front_matter_error"] = str(exc).splitlines()[0]
            parsed = None
        if isinstance(parsed, dict):
            page.metadata.update(_jsonable(parsed))
            title = parsed.get("title")
            if isinstance(title, str) and title.strip():
                page.title = title.strip()
        for line in block:
            self.label(page, line, f"{FENCES[fence]}_front_matter", Category.META, 1.0,
                       f"{FENCES[fence].upper()} front matter: metadata, not article text")
