"""Keyword lists (``data/vocabulary.toml``) and the matcher built from them."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import regex

from cleanse import native

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


class _Groups:
    """Every keyword group in the process, for one native automaton over all of them.

    Groups are registered as matchers are built (equal word lists share one group) and the
    automaton is rebuilt on the next search after a new group arrives, so the pipeline's
    detectors, built once, cost one build.
    """

    def __init__(self) -> None:
        self._ids: dict[tuple[str, ...], int] = {}
        self._automaton = None

    def register(self, words: list[str]) -> int:
        key = tuple(words)
        if key not in self._ids:
            self._ids[key] = len(self._ids)
            self._automaton = None
        return self._ids[key]

    def automaton(self):
        """The automaton over every registered group (built when missing)."""
        automaton = self._automaton
        if automaton is None:
            words = sorted({w for group in self._ids for w in group})
            index = {w: i for i, w in enumerate(words)}
            automaton = native.core.KeywordAutomaton(
                words, [bool(ASCII_WORD.fullmatch(w)) for w in words],
                [[index[w] for w in group] for group in self._ids])
            self._automaton = automaton
        return automaton


_GROUPS = _Groups()


class Keywords:
    """Case-insensitive matcher for a keyword list.

    ASCII words match on word boundaries, everything else (CJK, symbols) as a
    substring. Alternatives are tried longest first so ``"share this"`` wins
    over ``"share"``. Text is lowercased once and matched with the standard
    library's ``re`` (several times faster here than ``regex`` with
    per-alternative lookarounds); whole-line matches are a set lookup.

    The native core (``cleanse.native``), when enabled, answers instead from one
    Aho-Corasick automaton over every group, with the same results; the ``re`` pattern is
    the reference, and takes text the core cannot (strings with lone surrogates).
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
        self._register()

    def __setstate__(self, state: dict[str, object]) -> None:
        # Group ids belong to one process: a matcher sent to another one (a worker
        # process, a Ray actor) registers its words with that process's automaton.
        self.__dict__.update(state)
        self._register()

    def _register(self) -> None:
        """This matcher's group in the process's native automaton (-1: no core built)."""
        self._group = _GROUPS.register(sorted(self.words)) if native.core is not None else -1

    def search(self, text: str) -> str | None:
        if native.enabled:
            try:
                return _GROUPS.automaton().search(self._group, text)
            except UnicodeEncodeError:
                pass
        match = self._any.search(text.lower())
        return match.group(0) if match else None

    def findall(self, text: str) -> list[str]:
        if native.enabled:
            try:
                return _GROUPS.automaton().findall(self._group, text)
            except UnicodeEncodeError:
                pass
        return self._any.findall(text.lower())

    def remove(self, text: str, replacement: str = " ") -> str:
        """``text`` lowercased, with every keyword replaced."""
        # re.sub reads escapes in the replacement; the core takes it literally.
        if native.enabled and "\\" not in replacement:
            try:
                return _GROUPS.automaton().remove(self._group, text, replacement)
            except UnicodeEncodeError:
                pass
        return self._any.sub(replacement, text.lower())

    def fullmatch(self, text: str) -> bool:
        text = text.strip()
        return len(text) <= self._longest and text.lower() in self._set

    def startswith(self, text: str) -> str | None:
        if native.enabled:
            try:
                return _GROUPS.automaton().startswith(self._group, text)
            except UnicodeEncodeError:
                pass
        match = self._any.match(text.lower())
        return match.group(0) if match else None


def compile_patterns(patterns: Iterable[str]) -> list[regex.Pattern]:
    return [regex.compile(p, regex.I) for p in patterns]


# A pattern with a global inline flag ("(?x)", "(?V1)") or with groups (and so perhaps
# backreferences) means something else inside an alternation of several patterns.
GLOBAL_FLAGS = regex.compile(r"\(\?[a-zA-Z0-9-]+\)")


def combined_patterns(patterns: list[str]) -> list[regex.Pattern]:
    """``compile_patterns(patterns)`` as one alternation when that can mean the same: then
    ``any(p.match(text) for p in found)`` (or ``search``, ``fullmatch``) is one call, where
    a list of patterns took a call each for nearly every line (each call costs ~0.5 us in
    ``regex`` before it looks at the text). Patterns with global flags or groups stay apart.
    """
    compiled = compile_patterns(patterns)
    if len(compiled) < 2 or any(GLOBAL_FLAGS.search(p) or c.groups
                                for p, c in zip(patterns, compiled)):
        return compiled
    return [regex.compile("|".join(f"(?:{p})" for p in patterns), regex.I)]
