"""Keyword lists (``data/vocabulary.toml``) and the matcher built from them."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

import regex

from cleanse import native

if sys.version_info >= (3, 11):
    from re import _constants as _sre
    from re import _parser as _sre_parser

    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import sre_constants as _sre
    import sre_parse as _sre_parser

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


# What required_text reads: patterns that ``re`` parses as ``regex`` does (version 0, simple
# case folding) -- escapes of \d \s \w \b (upper case too) or of punctuation, groups
# ``(?:`` and lookarounds only (no inline flags, which could turn on full case folding or
# verbose mode), repeats ``{m}``, ``{m,}``, ``{m,n}``, ``{,n}`` (no ``{}`` or ``{,}``, which
# one engine might read as text), sets that open with neither ``]`` nor ``^]``, and no
# ``[[``, ``[:`` or set operations.
_READABLE_PATTERN = regex.compile(
    r"(?:[^\\(\[{]|\\[dDsSwWbB]|\\[^0-9A-Za-z]|\((?!\?)|\(\?(?::|=|!|<=|<!)"
    r"|\{\d+(?:,\d*)?\}|\{,\d+\}"
    r"|\[(?!\^?\])(?![\[:])(?:[^\]\\\[&~|-]|\\[^0-9A-Za-z]|\\[dsw]|-(?!-))*\])*")


def required_text(patterns: Iterable[str]) -> list[list[str]] | None:
    """What every text one of ``patterns`` (compiled as :func:`compile_patterns` compiles them)
    matches holds: a list of sequences, each a list of the characters each of its places may
    hold (case aside); a text holding none of the sequences matches none of the patterns.

    For each pattern, the longest run of literal characters (or of sets of them) that every
    match of it must contain: one at its top level, or one opening every alternative of a
    top-level alternation. None when some pattern has no such run, or is one ``re`` might
    read differently from ``regex`` (see ``_READABLE_PATTERN``): then there is nothing to test
    a text by before matching. The native core tests a text by these sequences before it
    calls the patterns (``related_lists``); tests/test_native_required.py checks that no
    text a pattern matches fails the test."""
    found: list[list[str]] = []
    for pattern in patterns:
        if not _READABLE_PATTERN.fullmatch(pattern):
            return None
        try:
            items = _sre_parser.parse(pattern)
        except re.error:
            return None
        candidates = _required_runs(list(items))
        if not candidates:
            return None
        # The candidate whose shortest sequence is longest: the fewest texts hold it.
        for run in max(candidates, key=lambda runs: (min(map(len, runs)), -len(runs))):
            if run not in found:
                found.append(run)
    return found


def _literal_chars(op: Any, av: Any) -> str | None:
    """The characters a literal or a set of literals matches (case aside), else None."""
    if op is _sre.LITERAL:
        return chr(av)
    if op is _sre.IN and av and all(item_op is _sre.LITERAL for item_op, _ in av):
        return "".join(chr(code) for _, code in av)
    return None


def _leading_run(items: list[Any]) -> list[str]:
    run = []
    for op, av in items:
        chars = _literal_chars(op, av)
        if chars is None:
            break
        run.append(chars)
    return run


def _required_runs(items: list[Any]) -> list[list[list[str]]]:
    """Candidates: each a list of runs, one of which every match of ``items`` contains."""
    found: list[list[list[str]]] = []
    run: list[str] = []
    for op, av in items:
        chars = _literal_chars(op, av)
        if chars is not None:
            run.append(chars)
            continue
        if run:
            found.append([run])
            run = []
        if op is _sre.BRANCH:
            leads = [_leading_run(list(alternative)) for alternative in av[1]]
            if leads and all(leads):
                found.append(leads)
        elif op is _sre.SUBPATTERN and not av[1] and not av[2]:  # a group, no flags
            found += _required_runs(list(av[3]))
    if run:
        found.append([run])
    return found


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
