"""What a detector is, and the registry that finds one by name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from cleanse.model import Category, Label, Line, Page

REGISTRY: dict[str, type[Detector]] = {}


@dataclass
class Detector:
    """A pipeline step that labels lines of a :class:`~cleanse.model.Page`.

    Subclasses are dataclasses: every field is a named, documented threshold
    or keyword table that a config file may override. ``name`` is how the
    pipeline refers to the detector; defining a subclass registers it.
    """

    name: ClassVar[str] = ""
    # Detectors whose decisions this one reads. Each of them that is enabled must run
    # earlier (checked when the configuration is built); a disabled one just says nothing.
    reads: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            REGISTRY[cls.name] = cls

    def detect(self, page: Page) -> None:
        raise NotImplementedError

    def label(self, page: Page, line: Line, rule: str, category: Category,
              score: float, reason: str) -> None:
        page.label(line, self.name, rule, category, score, reason)

    def label_many(self, page: Page,
                   labels: Iterable[Label]) -> None:
        """:meth:`label` for each ``(line, rule, category, score, reason)``, in one call."""
        page.label_many(self.name, labels)

    def label_found(self, page: Page, content: list[Line], found: Iterable[Sequence[Any]],
                    **given: Any) -> None:
        """:meth:`Page.label_found` under this detector's name: ``found`` are the
        ``(index, [rule], [category], [score], reason)`` a pass returned for ``content``."""
        page.label_found(self.name, content, found, **given)

    @classmethod
    def option_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def describe(cls) -> str:
        """First line of the docstring: what this detector removes."""
        return (cls.__doc__ or "").strip().splitlines()[0]
