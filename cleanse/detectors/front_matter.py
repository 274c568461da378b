"""Front matter at the top of markdown captures: YAML (``---``), TOML (``+++``), and the
header a reader service writes above its markdown (``Title:`` ... ``Markdown Content:``)."""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

from cleanse.detectors.base import Detector
from cleanse.model import Category, Line, Page

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FENCES = {"---": "yaml", "+++": "toml"}
# Jina Reader's header: "Title: ...", "URL Source: ...", maybe "Published Time: ..." and
# warnings, each a "Field: value" line, then "Markdown Content:" above the page.
READER_FIELD = re.compile(r"(?P<key>[A-Z][A-Za-z ]{1,30}):(?: (?P<value>.*))?")
READER_FIRST, READER_LAST = "Title", "Markdown Content"


# A front matter is a few dozen values; aliases can make a small block expand
# exponentially ("billion laughs") or refer to itself, so conversion has a budget.
MAX_VALUES = 10_000
MAX_DEPTH = 50
# libyaml's loader when PyYAML has it (its wheels do): 20x faster than the pure-Python one.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(raw: str) -> Any:
    """``raw`` parsed as YAML, refused before loading when nested deeper than ``MAX_DEPTH``.

    The loaders build nested values by recursion: 3,000 nested ``[`` cost the pure-Python
    loader a second before its RecursionError, and 30,000 crash libyaml's with a segfault.
    The parser's events come from a loop, not recursion, so depth is counted on them first
    (stopping at the first level too many).
    """
    depth = 0
    for event in yaml.parse(raw, Loader=YAML_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise yaml.YAMLError(f"nested deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return yaml.load(raw, Loader=YAML_LOADER)  # YAML_LOADER is a safe loader


@dataclass
class _ToJson:
    """Converts parsed front matter to values ``json.dumps`` writes as strict JSON.

    YAML tags give bytes (``!!binary``), sets (``!!set``), dates and ``.nan``;
    TOML gives dates and ``nan``. Records must stay valid JSON, so: bytes ->
    base64 text, sets -> sorted lists, dates -> ISO strings, NaN/infinity ->
    null. What had to be altered or dropped is noted in ``warnings``.
    """

    warnings: list[str] = field(default_factory=list)
    budget: int = MAX_VALUES

    def convert(self, value: Any, key: str = "", depth: int = 0,
                path: frozenset[int] = frozenset()) -> Any:
        self.budget -= 1
        if self.budget < 0 or depth > MAX_DEPTH:
            self._warn(f"front matter: more than {MAX_VALUES} values or {MAX_DEPTH} levels "
                       "(aliases expanding?); the rest is left out")
            return None
        if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
            return value
        if isinstance(value, float):
            if math.isfinite(value):
                return value
            self._warn(f"front matter {key}: {value} is not a JSON number; written as null")
            return None
        if isinstance(value, (dt.date, dt.datetime, dt.time)):
            return value.isoformat()
        if isinstance(value, (bytes, bytearray)):
            return base64.b64encode(value).decode("ascii")
        if isinstance(value, (dict, list, tuple, set, frozenset)):
            if id(value) in path:
                self._warn(f"front matter {key}: refers to itself; written as null")
                return None
            inner = path | {id(value)}
            if isinstance(value, dict):
                return {str(k): self.convert(v, f"{key}.{k}" if key else str(k), depth + 1, inner)
                        for k, v in value.items()}
            items = value
            if isinstance(value, (set, frozenset)):
                items = sorted(value, key=lambda item: (type(item).__name__, str(item)))
            return [self.convert(v, f"{key}[{i}]", depth + 1, inner) for i, v in enumerate(items)]
        self._warn(f"front matter {key}: a {type(value).__name__} value, written as text")
        return str(value)

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


@dataclass
class FrontMatter(Detector):
    """Moves front matter into ``metadata`` so it never reaches the body.

    Static-site captures start with a fenced block of key/value pairs (title,
    date, tags); reader services (Jina Reader) write ``Title:``, ``URL Source:``
    and ``Published Time:`` lines above ``Markdown Content:``. Either is metadata
    about the page, not article text. The block must open on the first
    non-blank line and close within ``max_lines``.
    """

    name = "front_matter"
    max_lines: int = 200

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        if not content:
            return
        if content[0].features.stripped not in FENCES:
            self._reader_header(page, content)
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
        error = None
        try:
            parsed = _load_yaml(raw) if FENCES[fence] == "yaml" else tomllib.loads(raw)
        except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
            error, parsed = str(exc).splitlines()[0], None
        except RecursionError:  # the parsers recurse once per nesting level
            error, parsed = "nested too deeply to read", None
        # "warnings" in page metadata become the record's warnings (see assemble).
        warnings = page.metadata.setdefault("warnings", [])
        if error:
            warnings.append(f"front matter could not be read, its fields are left out: {error}")
        if isinstance(parsed, dict):
            converter = _ToJson()
            # Kept whole: cleanse.reading.metadata maps its fields (title, date, author...)
            # to the record's and keeps the rest as capture_fields.
            page.metadata["front_matter"] = converter.convert(parsed)
            warnings.extend(converter.warnings)
            title = parsed.get("title")
            if isinstance(title, str) and title.strip():
                page.title = title.strip()
        for line in block:
            self.label(page, line, f"{FENCES[fence]}_front_matter", Category.META, 1.0,
                       f"{FENCES[fence].upper()} front matter: metadata, not article text")

    def _reader_header(self, page: Page, content: list[Line]) -> None:
        """A reader service's ``Field: value`` lines down to ``Markdown Content:``: the
        fields go to the front matter (``URL Source`` and ``Published Time`` are read as
        the url and the publication date), the title to ``page.title``."""
        fields: dict[str, str] = {}
        # The first field is the title: a page whose first line does not open with it is no
        # header (tested before READER_FIELD, whose ".*" would read all of a long first line).
        if not content[0].features.stripped.startswith(READER_FIRST + ":"):
            return
        for last in content[:self.max_lines]:
            match = READER_FIELD.fullmatch(last.features.stripped)
            if match is None:
                return
            if match["key"] == READER_LAST:
                break
            fields.setdefault(match["key"], (match["value"] or "").strip())
        else:
            return
        page.metadata["front_matter"] = fields
        if title := fields.get(READER_FIRST):
            page.title = title
        for line in page.lines[:last.number]:
            self.label(page, line, "reader_header", Category.META, 1.0,
                       "a reader service's header: metadata, not article text")
