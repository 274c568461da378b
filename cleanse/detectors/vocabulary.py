"""Keyword lists (``data/vocabulary.toml``) and the matcher built from them."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

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


# A keyword made of ASCII letters must stand alone ("share" but not "shared");
# anything else (CJK, symbols) matches inside a line.
ASCII_WORD = re.compile(r"[a-z][a-z' ’.-]*")
NOT_ALNUM_BEFORE, NOT_ALNUM_AFTER = r"(?<![^\W_])", r"(?![^\W_])"


class Keywords:
    """Case-insensitive matcher for a keyword list.

    ASCII words match on word boundaries, everything else (CJK, symbols) as a
    substring. Alternatives are tried longest first so ``"share this"`` wins
    over ``"share"``. Text is lowercased once and matched with the standard
    library's ``re`` (several times faster here than ``regex`` with
    per-alternative lookarounds); whole-line matches are a set lookup.
    """

    def __init__(self, words: Iterable[str]):
        self.words = sorted({w.lower() for w in words if w}, key=len, reverse=True)
        self._set = frozenset(self.words)
        # Lowercasing never shortens text, so a longer line cannot be a keyword (and a
        # 50 MB line is not lowercased, at 12 bytes a character, to learn that).
        self._longest = len(self.words[0]) if self.words else 0
        ascii_words = [w for w in self.words if ASCII_WORD.fullmatch(w)]
        others = [w for w in self.words if not ASCII_WORD.fullmatch(w)]
        alternatives = []
        if ascii_words:
            alternatives.append(NOT_ALNUM_BEFORE + "(?:" + "|".join(map(re.escape, ascii_words))
                                + ")" + NOT_ALNUM_AFTER)
        alternatives.extend(map(re.escape, others))
        self._any = re.compile("|".join(alternatives) or r"(?!)")

    def search(self, text: str) -> str | None:
        match = self._any.search(text.lower())
        return match.group(0) if match else None

    def findall(self, text: str) -> list[str]:
        return self._any.findall(text.lower())

    def remove(self, text: str, replacement: str = " ") -> str:
        """``text`` lowercased, with every keyword replaced."""
        return self._any.sub(replacement, text.lower())

    def fullmatch(self, text: str) -> bool:
        text = text.strip()
        return len(text) <= self._longest and text.lower() in self._set

    def startswith(self, text: str) -> str | None:
        match = self._any.match(text.lower())
        return match.group(0) if match else None


def compile_patterns(patterns: Iterable[str]) -> list[regex.Pattern]:
    return [regex.compile(p, regex.I) for p in patterns]
