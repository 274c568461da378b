"""Pipeline configuration: which detectors run, in what order, with which options.

Everything here can come from Python (``Config(...)``, ``config.disable(...)``)
or from a TOML file (``Config.from_toml(path)``, the CLI's ``--config``)::

    mode = "balanced"                 # precision | balanced | recall
    [pipeline]
    detectors = ["front_matter", ...] # full order (optional)
    disable = ["promo"]
    [language]
    backend = "cld2"                  # or "langdetect"
    [detectors.main_region]
    short_penalty = 3.0
    [detectors.newsletter.keywords]
    strong = ["subscribe to our"]
    [limits]
    time_limit = 60                   # seconds per capture; 0 for none
    [html]
    main_content = true               # false: render and judge the whole page
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cleanse.detectors import DEFAULT_PIPELINE, detector_class
from cleanse.detectors.base import Detector

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# One knob for the precision/recall trade-off: each mode is a removal
# threshold plus detector options layered under the user's own options.
MODES: dict[str, dict[str, Any]] = {
    "precision": {"removal_threshold": 0.45,
                  "options": {"main_region": {"short_penalty": 3.0, "content_weight": 0.3,
                                              "max_lead_lines": 0}}},
    "balanced": {"removal_threshold": 0.5, "options": {}},
    "recall": {"removal_threshold": 0.6,
               "options": {"main_region": {"short_penalty": 1.0, "content_weight": 0.8,
                                           "junk_penalty": 6.0, "max_lead_lines": 2}}},
}


class ConfigError(ValueError):
    """A configuration that names an unknown detector, option or mode."""


@dataclass(frozen=True)
class Config:
    detectors: tuple[str, ...] = DEFAULT_PIPELINE
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    mode: str = "balanced"
    language_backend: str = "cld2"
    min_letters: int = 12
    min_segment_tokens: int = 25
    # Seconds one capture may take; checked between pipeline steps. None: no limit.
    time_limit: float | None = 60.0
    # HTML: render only the DOM's main content (see cleanse.main_content), or the whole page.
    html_main_content: bool = True

    def __post_init__(self) -> None:
        if self.time_limit is not None and self.time_limit <= 0:
            raise ConfigError(f"time_limit must be positive or None, not {self.time_limit!r}")
        if self.mode not in MODES:
            raise ConfigError(f"unknown mode {self.mode!r}; choose one of {', '.join(MODES)}")
        for name in self.detectors:
            try:
                detector_class(name)
            except KeyError as exc:
                raise ConfigError(str(exc.args[0])) from None
        for name, opts in self.options.items():
            cls = detector_class(name)
            unknown = set(opts) - set(cls.option_names())
            if unknown:
                raise ConfigError(f"detector {name!r} has no option(s) {sorted(unknown)}; "
                                  f"options: {cls.option_names()}")

    @property
    def removal_threshold(self) -> float:
        return MODES[self.mode]["removal_threshold"]

    def disable(self, *names: str) -> Config:
        return replace(self, detectors=tuple(d for d in self.detectors if d not in names))

    def enable(self, name: str, *, before: str | None = None,
               after: str | None = None) -> Config:
        order = [d for d in self.detectors if d != name]
        if before is not None:
            order.insert(order.index(before), name)
        elif after is not None:
            order.insert(order.index(after) + 1, name)
        else:
            order.append(name)
        return replace(self, detectors=tuple(order))

    def with_options(self, detector: str, **options: Any) -> Config:
        merged = {k: dict(v) for k, v in self.options.items()}
        merged.setdefault(detector, {}).update(options)
        return replace(self, options=merged)

    def build(self) -> list[Detector]:
        """Instantiate the detectors in order, mode defaults under user options."""
        mode_options = MODES[self.mode]["options"]
        built = []
        for name in self.detectors:
            cls = detector_class(name)
            options = {**mode_options.get(name, {}), **self.options.get(name, {})}
            if "keywords" in options:
                defaults = cls().keywords  # type: ignore[attr-defined]
                options["keywords"] = {**defaults, **options["keywords"]}
            built.append(cls(**options))
        return built

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        known = {"mode", "pipeline", "language", "detectors", "segments", "limits", "html"}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"unknown config section(s) {sorted(unknown)}; "
                              f"known: {sorted(known)}")
        pipeline = data.get("pipeline", {})
        order = tuple(pipeline.get("detectors", DEFAULT_PIPELINE))
        disabled = set(pipeline.get("disable", []))
        language = data.get("language", {})
        return cls(
            detectors=tuple(d for d in order if d not in disabled),
            options=dict(data.get("detectors", {})),
            mode=data.get("mode", "balanced"),
            language_backend=language.get("backend", "cld2"),
            min_letters=language.get("min_letters", 12),
            min_segment_tokens=data.get("segments", {}).get("min_tokens", 25),
            time_limit=data.get("limits", {}).get("time_limit", 60.0) or None,
            html_main_content=bool(data.get("html", {}).get("main_content", True)),
        )

    @classmethod
    def from_toml(cls, path: str | Path) -> Config:
        try:
            data = tomllib.loads(Path(path).read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}") from exc
        return cls.from_dict(data)
