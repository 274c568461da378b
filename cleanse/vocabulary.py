"""Keyword lists (``data/vocabulary.toml``) and the matcher built from them."""

from __future__ import annotations

import sys
from functools import lru_cache
from importlib import resources
from typing import Iterable

import regex

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


@lru_cache(maxsize=1)
def _all_vocabulary() -> dict[str, dict[str, list[str]]]:
    data = resources.files("cleanse").joinpath("data/vocabulary.toml").read_text("utf-8")
    return tomllib.loads(data)


def vocabulary(section: str) -> dict[str, list[str]]:
    """A fresh copy of one detector's keyword groups."""
    return {group: list(words) for group, words in _all_vocabulary().get(section, {}).items()}


def _alternative(word: str) -> str:
    escaped = regex.escape(word.lower())
    if regex.fullmatch(r"[a-z][a-z' ’.-]*", word.lower()):
        return rf"(?<![\p{{L}}\p{{N}}]){escaped}(?![\p{{L}}\p{{N}}])"
    return escaped


class Keywords:
    """Case-insensitive matcher for a keyword list.

    ASCII words match on word boundaries, everything else (CJK, symbols) as a
    substring. Alternatives are tried longest first so ``"share this"`` wins
    over ``"share"``.
    """

    def __init__(self, words: Iterable[str]):
        self.words = sorted({w.lower() for w in words if w}, key=len, reverse=True)
        pattern = "|".join(_alternative(w) for w in self.words) or r"(?!)"
        self._any = regex.compile(pattern, regex.I)

    def search(self, text: str) -> str | None:
        match = self._any.search(text)
        return match.group(0) if match else None

    def findall(self, text: str) -> list[str]:
        return [m.lower() for m in self._any.findall(text)]

    def remove(self, text: str, replacement: str = " ") -> str:
        return self._any.sub(replacement, text)

    def fullmatch(self, text: str) -> bool:
        return self._any.fullmatch(text.strip().lower()) is not None

    def startswith(self, text: str) -> str | None:
        match = self._any.match(text.lower())
        return match.group(0) if match else None


def compile_patterns(patterns: Iterable[str]) -> list[regex.Pattern]:
    return [regex.compile(p, regex.I) for p in patterns]
