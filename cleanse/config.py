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
    [arbiter]
    model = "path/to/model-dir"       # another trained model (default: the shipped one)
    page_threshold = true             # balanced mode: the model chooses each page's threshold
    [site_profile]                    # batch runs with the site_repeats detector
    enabled = true                    # count line repeats per site first (--no-site-profile)
    sample_pages = 50                 # pages counted per site
    max_keys = 4000000                # line keys held in memory while counting
"""

from __future__ import annotations

import sys
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from cleanse.deciding.arbiter import SHIPPED_MODEL, Arbiter
from cleanse.detectors import DEFAULT_PIPELINE, detector_class
from cleanse.detectors.base import Detector

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# One knob for the precision/recall trade-off: the arbiter's calibrated article
# probability a line needs to stay (cleanse.deciding.arbiter). In balanced mode the model's
# page-threshold model moves it per page (Config.page_threshold).
MODES: dict[str, float] = {"precision": 0.7, "balanced": 0.5, "recall": 0.25}


class ConfigError(ValueError):
    """A configuration that names an unknown detector, option or mode, or has a value of
    the wrong type."""


# What each config-file section may hold; a misspelt key would otherwise be ignored.
SECTION_KEYS = {"pipeline": {"detectors", "disable"}, "language": {"backend", "min_letters"},
                "segments": {"min_tokens"}, "limits": {"time_limit"}, "html": {"main_content"},
                "arbiter": {"model", "page_threshold"},
                "site_profile": {"enabled", "sample_pages", "max_keys"}}


def _kind(value: Any) -> str:
    """How an error message names what a value must be."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a whole number" if isinstance(value, int) else "a number"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a string" if isinstance(value, str) else f"a {type(value).__name__}"


def _fits(value: Any, default: Any) -> bool:
    """Whether ``value`` has the type of ``default`` (ints pass for floats, never bools)."""
    if default is None:
        return True
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    if isinstance(default, (list, tuple, set, frozenset)):
        sample = next(iter(default), None)
        return isinstance(value, (list, tuple)) and all(_fits(v, sample) for v in value)
    if isinstance(default, dict):
        sample = next(iter(default.values()), None)
        return isinstance(value, dict) and all(_fits(v, sample) for v in value.values())
    return isinstance(value, type(default))


def _check_value(what: str, value: Any, default: Any) -> None:
    if not _fits(value, default):
        raise ConfigError(f"{what} must be {_kind(default)}, not {type(value).__name__} "
                          f"{value!r}")


def _check_option_types(name: str, cls: type[Detector], options: dict[str, Any]) -> None:
    """Options must have their field's type: a string where a number belongs would only
    fail later, on every capture, as an internal error."""
    defaults = {f.name: f.default if f.default is not MISSING else f.default_factory()
                for f in fields(cls)}
    for key, value in options.items():
        default = defaults[key]
        what = f"detector {name!r} option {key!r}"
        if isinstance(default, dict) and isinstance(value, dict):
            unknown = set(value) - set(default)
            if unknown:
                raise ConfigError(f"{what} has no group(s) {sorted(unknown)}; "
                                  f"groups: {sorted(default)}")
            for group, words in value.items():
                _check_value(f"{what} group {group!r}", words, default[group])
        _check_value(what, value, default)


def _check_order(order: tuple[str, ...]) -> None:
    """Every detector runs after the enabled detectors whose decisions it reads."""
    for position, name in enumerate(order):
        late = [read for read in detector_class(name).reads if read in order[position + 1:]]
        if late:
            raise ConfigError(f"detector {name!r} reads the decisions of {', '.join(late)}, so "
                              f"{'they' if len(late) > 1 else 'it'} must run before it")


def _check_known(names: Any) -> None:
    """Every name in ``names`` is a detector (a typo must not silently do nothing)."""
    for name in names:
        try:
            detector_class(name)
        except KeyError as exc:
            raise ConfigError(str(exc.args[0])) from None


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
    # The arbiter's model directory (model.txt.gz + manifest.json); "shipped": the package's own.
    arbiter_model: str = SHIPPED_MODEL
    # In balanced mode, let the model choose each page's keep threshold (listings, product
    # grids and forums need a lower one than articles); False: 0.5 everywhere.
    page_threshold: bool = True
    # Batch runs with the site_repeats detector: a first pass counts, per site, on how many
    # of its first ``site_sample_pages`` pages each line occurs (cleanse.running.sites),
    # holding at most ``site_max_keys`` line keys at a time.
    site_profile: bool = True
    site_sample_pages: int = 50
    site_max_keys: int = 4_000_000

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            default = spec.default if spec.default is not MISSING else spec.default_factory()
            if not (value is None and spec.name == "time_limit"):
                _check_value(spec.name, value, default)
        if self.time_limit is not None and self.time_limit <= 0:
            raise ConfigError(f"time_limit must be positive or None, not {self.time_limit!r}")
        if self.site_sample_pages < 2:
            raise ConfigError(f"site_sample_pages must be at least 2 (a line repeats across "
                              f"pages), not {self.site_sample_pages!r}")
        if self.site_max_keys < 1:
            raise ConfigError(f"site_max_keys must be positive, not {self.site_max_keys!r}")
        if self.mode not in MODES:
            raise ConfigError(f"unknown mode {self.mode!r}; choose one of {', '.join(MODES)}")
        for name in self.detectors:
            try:
                detector_class(name)
            except KeyError as exc:
                raise ConfigError(str(exc.args[0])) from None
        _check_order(self.detectors)
        for name, opts in self.options.items():
            cls = detector_class(name)
            unknown = set(opts) - set(cls.option_names())
            if unknown:
                raise ConfigError(f"detector {name!r} has no option(s) {sorted(unknown)}; "
                                  f"options: {cls.option_names()}")
            _check_option_types(name, cls, opts)

    @property
    def keep_threshold(self) -> float:
        """The article probability a line needs to stay, set by the mode (in balanced mode,
        where the page's threshold starts)."""
        return MODES[self.mode]

    def arbiter(self) -> Arbiter:
        return Arbiter(keep_threshold=self.keep_threshold, model=self.arbiter_model,
                       page_threshold=self.page_threshold and self.mode == "balanced")

    def disable(self, *names: str) -> Config:
        _check_known(names)
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
        """Instantiate the detectors in order with the user's options."""
        built = []
        for name in self.detectors:
            cls = detector_class(name)
            options = dict(self.options.get(name, {}))
            if "keywords" in options:
                defaults = cls().keywords  # type: ignore[attr-defined]
                options["keywords"] = {**defaults, **options["keywords"]}
            built.append(cls(**options))
        return built

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        known = {"mode", "pipeline", "language", "detectors", "segments", "limits", "arbiter",
                 "site_profile"}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"unknown config section(s) {sorted(unknown)}; "
                              f"known: {sorted(known)}")
        for section, value in data.items():
            if section in SECTION_KEYS:
                _check_value(f"[{section}]", value, {})
                unknown = set(value) - SECTION_KEYS[section]
                if unknown:
                    raise ConfigError(f"[{section}] has no key(s) {sorted(unknown)}; "
                                      f"keys: {sorted(SECTION_KEYS[section])}")
        if not isinstance(data.get("detectors", {}), dict) or not all(
                isinstance(v, dict) for v in data.get("detectors", {}).values()):
            raise ConfigError("[detectors] must hold one table per detector: "
                              "[detectors.main_region]")
        pipeline = data.get("pipeline", {})
        _check_value("[pipeline] disable", pipeline.get("disable", []), [""])
        _check_value("[pipeline] detectors", pipeline.get("detectors", []), [""])
        _check_known(pipeline.get("disable", []))
        order = tuple(pipeline.get("detectors", DEFAULT_PIPELINE))
        disabled = set(pipeline.get("disable", []))
        language = data.get("language", {})
        sites = data.get("site_profile", {})
        return cls(
            detectors=tuple(d for d in order if d not in disabled),
            options=dict(data.get("detectors", {})),
            mode=data.get("mode", "balanced"),
            language_backend=language.get("backend", "cld2"),
            min_letters=language.get("min_letters", 12),
            min_segment_tokens=data.get("segments", {}).get("min_tokens", 25),
            time_limit=data.get("limits", {}).get("time_limit", 60.0) or None,
            arbiter_model=str(data.get("arbiter", {}).get("model", SHIPPED_MODEL)),
            page_threshold=data.get("arbiter", {}).get("page_threshold", True),
            site_profile=sites.get("enabled", True),
            site_sample_pages=sites.get("sample_pages", 50),
            site_max_keys=sites.get("max_keys", 4_000_000),
        )

    @classmethod
    def from_toml(cls, path: str | Path) -> Config:
        try:
            data = tomllib.loads(Path(path).read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}") from exc
        return cls.from_dict(data)
