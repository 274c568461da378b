"""The switch between the native core (``cleanse._native``, Rust) and the Python reference.

The native core computes line features and keyword matches with byte-identical results
(tests/test_native.py); the pure-Python code stays the reference implementation. It is used
when the extension is built and importable, unless the environment says ``CLEANSE_NATIVE=0``;
``use_native(False)`` switches to the reference for the rest of the process (or inside a
``with`` block). See docs/native.md.
"""

from __future__ import annotations

import os
import re
import string
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any, TypeVar

import numpy
import regex

ENV_VAR = "CLEANSE_NATIVE"

T = TypeVar("T")


def _load() -> ModuleType | None:
    try:
        from cleanse import _native
    except ImportError:
        return None
    return _native


core: ModuleType | None = _load()
"""The extension module, or None when it was not built."""

enabled: bool = core is not None and os.environ.get(ENV_VAR, "1").strip() != "0"
"""Whether the native core answers (read on every call by the code that dispatches)."""


# The core reads the trees lxml parses through lxml's element struct (lxml/etree.h) and
# libxml2's node structs (libxml/tree.h), which have kept their layout for many years. A
# changed layout would crash rather than fail, so other versions than those tested render
# with the reference (docs/native.md).
TESTED_LXML_MAJORS = (5, 6)
TESTED_LIBXML_MAJORS = (2,)


def _tested_lxml() -> bool:
    import lxml.etree

    return (lxml.etree.LXML_VERSION[0] in TESTED_LXML_MAJORS
            and lxml.etree.LIBXML_VERSION[0] in TESTED_LIBXML_MAJORS)


lxml_tested: bool = _tested_lxml()
"""Whether the installed lxml and libxml2 are versions whose trees the core was tested on."""


def reads_lxml_trees() -> bool:
    """Whether the core reads lxml's trees itself: it answers, and the lxml is a tested one."""
    return enabled and lxml_tested


@contextmanager
def _restoring(previous: bool) -> Iterator[None]:
    global enabled
    try:
        yield
    finally:
        enabled = previous


def use_native(on: bool = True):
    """Use the native core (``True``, when built) or the Python reference (``False``).

    Takes effect at once, for the whole process; used as a context manager, it lasts until
    the block ends. Asking for the native core when it is not built raises ImportError.
    """
    global enabled
    if on and core is None:
        raise ImportError("cleanse._native is not built: reinstall cleanse with a Rust "
                          "toolchain (see docs/native.md)")
    previous, enabled = enabled, on
    return _restoring(previous)


def _every_character() -> str:
    """All code points but the surrogates (the core never sees those: UTF-8 cannot hold them)."""
    codes = numpy.arange(sys.maxunicode + 1, dtype="<u4")
    codes = codes[(codes < 0xD800) | (codes > 0xDFFF)]
    return codes.tobytes().decode("utf-32-le")


def members(*patterns: re.Pattern[str] | regex.Pattern[str]) -> list[str]:
    """Per pattern (a class repeated, ``[...]+``), every character it matches, as one string:
    how the core learns a class the way the running ``re`` or ``regex`` sees it."""
    everything = _every_character()
    return ["".join(pattern.findall(everything)) for pattern in patterns]


def character_tables() -> tuple[str, str, str, str, str, str, list[str]]:
    r"""The character classes the core's patterns use, as the running Python sees them.

    ``re`` and ``regex`` each carry their own Unicode database, which changes with their
    versions, so the core reads the classes off them instead of using its own (0.1-0.2 s,
    once per process, on first use): the members of ``re``'s ``\w``, ``\d``, ``\s`` (``\s``
    is also what ``str.strip`` removes), of ``regex``'s ``\w``, ``\d``, ``\s``, and for each
    letter a..z the characters ``regex`` matches for it when ignoring case.
    """
    everything = _every_character()

    def members(pattern: re.Pattern[str] | regex.Pattern[str]) -> str:
        return "".join(pattern.findall(everything))

    cased = regex.findall(r"[a-z]", everything, regex.I)
    cases = ["".join(c for c in cased if regex.fullmatch(letter, c, regex.I))
             for letter in string.ascii_lowercase]
    return (members(re.compile(r"\w+")), members(re.compile(r"\d+")),
            members(re.compile(r"\s+")), members(regex.compile(r"\w+")),
            members(regex.compile(r"\d+")), members(regex.compile(r"\s+")), cases)


def detector_pass(name: str, detector: object, reference: Callable[..., T], *args: Any) -> T:
    """A detector's pass over a page: the core's function ``name`` when the core answers,
    else ``reference(*args)``, the detector's own Python (the reference implementation).

    The core's function takes the detector itself, on every call: it reads the thresholds,
    keyword matchers and patterns off it, so a configuration reaches both alike. It also
    takes the process's keyword automaton and text operations (built on first use), then
    ``args``; lines it cannot take (lone surrogates) it hands to the detector's per-line
    Python, so both give the same decisions (tests/test_native.py).
    """
    if not enabled:
        return reference(*args)
    groups, text_ops = _pass_objects or _first_pass_objects()
    return getattr(core, name)(detector, groups.automaton(), text_ops, *args)


# What every pass is handed besides the detector: the registry of keyword groups (its
# automaton is asked for on each call: it is rebuilt when a group is added) and the text
# operations, which never change once built. Found on the first pass, not on every one: an
# import statement in a function costs a few microseconds each time it runs.
_pass_objects: tuple[Any, Any] | None = None


def _first_pass_objects() -> tuple[Any, Any]:
    global _pass_objects
    # Imported here: both modules import this one.
    from cleanse.detectors.vocabulary import _GROUPS
    from cleanse.features import _native_text
    _pass_objects = (_GROUPS, _native_text())
    return _pass_objects
