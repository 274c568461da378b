"""Pages nobody tuned cleanse on: trafilatura's real-world regression pages and their asserts.

trafilatura's repository keeps about 110 real pages (``tests/cache/``, most in German and
English) and, in ``tests/realworld_tests.py``, strings its output must and must not contain
for each. cleanse's models never trained on them (nor are they in ``../shared``), so they are
an unseen check of what it keeps and what it leaks -- with one reservation: some furniture
phrases of the vocabulary (German "related" headings, WordPress's comment-form and post-footer
lines) were added after reading this set's leaks, so for those strings it is no longer
unseen. Read the trafilatura rows as a check
that the asserts were read right, not as a peer: its authors wrote the asserts against its own
output, so it passes them by construction. Its default also keeps reader comments, which
cleanse removes by design; the "no comments" row shows how many must-contain strings are
comments.

    git clone --depth 1 https://github.com/adbar/trafilatura /tmp/trafilatura
    python benchmarks/realworld.py /tmp/trafilatura [--misses] [--json OUT.json] [--write]

Every system gets the same string (decoded as cleanse decodes bytes); cleanse cleans it as
HTML and as a text capture (its inscriptis rendering, as the bench's text captures are made).
Strings are compared with every run of white space as one space. Only the asserts that hold
for the test's plain-text call count: an assert under ``if xmloutput:`` (or any condition that
is false when its names are false) does not, nor does one that is not a string literal.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import cleanse  # noqa: E402
from cleanse.reading.capture import decode  # noqa: E402

from docs_section import write_section  # noqa: E402

WHITE_SPACE = re.compile(r"\s+")


@dataclass
class PageAsserts:
    """One test page: its file under ``tests/cache/`` and the strings the tests assert."""

    url: str
    file: str
    must: list[str] = field(default_factory=list)
    must_not: list[str] = field(default_factory=list)


def read_asserts(tests_file: Path) -> list[PageAsserts]:
    """The pages of ``realworld_tests.py`` that carry text asserts, in the file's order.

    A statement ``result = <loader>(URL, ...)`` whose URL is a key of ``MOCK_PAGES`` makes
    that page current, unless it turns an output option on (``formatting=True``: its asserts
    are markup); ``assert "..." in result`` and ``assert "..." not in result`` after it are
    its asserts."""
    tree = ast.parse(tests_file.read_text("utf-8"))
    mock_pages: dict[str, str] = next(
        (ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
         and getattr(node.targets[0], "id", None) == "MOCK_PAGES"), {})
    pages: dict[str, PageAsserts] = {}
    current: PageAsserts | None = None  # the page the last loader call loaded
    for statement in _plain_call_statements(tree):
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
            call = statement.value
            if call.args and isinstance(call.args[0], ast.Constant) \
                    and call.args[0].value in mock_pages:
                url = call.args[0].value
                # A call that turns an output option on (formatting=True) asserts markup.
                plain = not any(isinstance(k.value, ast.Constant) and k.value.value is True
                                for k in call.keywords)
                current = pages.setdefault(url, PageAsserts(url, mock_pages[url])) \
                    if plain else None
        elif isinstance(statement, ast.Assert) and current is not None:
            test = statement.test
            if isinstance(test, ast.Compare) and len(test.ops) == 1 \
                    and isinstance(test.ops[0], ast.In | ast.NotIn) \
                    and getattr(test.comparators[0], "id", None) == "result" \
                    and isinstance(test.left, ast.Constant) and isinstance(test.left.value, str):
                wanted = current.must if isinstance(test.ops[0], ast.In) else current.must_not
                wanted.append(test.left.value)
    return [page for page in pages.values() if page.must or page.must_not]


def _plain_call_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Every statement of the module's test functions that runs in the plain-text call, in
    order: an ``if`` contributes its branch that runs when every name in its condition is
    false (``xmloutput``, ``formatting``); one that cannot be worked out contributes none."""
    def walk(statements: list[ast.stmt]) -> Iterator[ast.stmt]:
        for statement in statements:
            if isinstance(statement, ast.If):
                holds = _with_flags_off(statement.test)
                if holds is not None:
                    yield from walk(statement.body if holds else statement.orelse)
            else:
                yield statement

    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            yield from walk(node.body)


def _with_flags_off(condition: ast.expr) -> bool | None:
    """A condition's value when every name in it is ``False``, or None when it is more than
    names, constants, ``not``, ``and``, ``or`` and one ``is``/``==`` comparison
    (``xmloutput is False``): the file is read, never run."""
    if isinstance(condition, ast.Name):
        return False
    if isinstance(condition, ast.Constant):
        return bool(condition.value)
    if isinstance(condition, ast.Compare) and len(condition.ops) == 1 \
            and isinstance(condition.ops[0], ast.Is | ast.IsNot | ast.Eq | ast.NotEq):
        sides = []
        for side in (condition.left, condition.comparators[0]):
            if isinstance(side, ast.Name):
                sides.append(False)
            elif isinstance(side, ast.Constant):
                sides.append(side.value)
            else:
                return None
        same = sides[0] is sides[1] if isinstance(condition.ops[0], ast.Is | ast.IsNot) \
            else sides[0] == sides[1]
        return same if isinstance(condition.ops[0], ast.Is | ast.Eq) else not same
    if isinstance(condition, ast.UnaryOp) and isinstance(condition.op, ast.Not):
        value = _with_flags_off(condition.operand)
        return None if value is None else not value
    if isinstance(condition, ast.BoolOp):
        values = [_with_flags_off(v) for v in condition.values]
        if None in values:
            return None
        return all(values) if isinstance(condition.op, ast.And) else any(values)
    return None


def _same_space(text: str) -> str:
    return WHITE_SPACE.sub(" ", text).strip()


@dataclass
class Outcome:
    """What one system's text held of one page's asserts."""

    missed: list[str]
    leaked: list[str]
    empty: bool


def judge(text: str, page: PageAsserts) -> Outcome:
    flat = _same_space(text)
    return Outcome([s for s in page.must if _same_space(s) not in flat],
                   [s for s in page.must_not if _same_space(s) in flat], not flat)


def systems() -> dict[str, Callable[[str], str]]:
    """System name -> a function from the page's HTML string to its extracted text."""
    import trafilatura
    from inscriptis import get_text

    pipeline = cleanse.Pipeline()
    return {
        "cleanse (html)": lambda html: pipeline.clean(html, kind="html").text,
        "cleanse (text capture)": lambda html: pipeline.clean(get_text(html)).text,
        "trafilatura": lambda html: trafilatura.extract(html) or "",
        "trafilatura, no comments": lambda html: trafilatura.extract(
            html, include_comments=False) or "",
    }


def report(pages: list[PageAsserts], outcomes: dict[str, dict[str, Outcome]]) -> str:
    """The section of docs/benchmarks.md: what each system found and leaked, in all."""
    must = sum(len(p.must) for p in pages)
    must_not = sum(len(p.must_not) for p in pages)
    rows = []
    for name, by_page in outcomes.items():
        found = must - sum(len(o.missed) for o in by_page.values())
        leaked = sum(len(o.leaked) for o in by_page.values())
        passing = sum(not o.missed and not o.leaked for o in by_page.values())
        empty = sum(o.empty for o in by_page.values())
        rows.append(f"| {name} | {found}/{must} ({found / must:.1%}) | {leaked}/{must_not} "
                    f"({leaked / must_not:.1%}) | {empty} | {passing}/{len(pages)} |")
    return "\n".join([
        "## Unseen pages: trafilatura's real-world asserts", "",
        f"{len(pages)} real pages (most German or English) from trafilatura's "
        "`tests/realworld_tests.py`, with the strings its output must contain "
        f"({must}) and must not contain ({must_not}); cleanse's models never trained on "
        "them, but some furniture phrases of its vocabulary (German \"related\" headings, "
        "WordPress's comment-form and post-footer lines) were added after reading their "
        "leaks (`python benchmarks/realworld.py CHECKOUT --write`). trafilatura's authors wrote "
        "the asserts against its output, so its rows only show that the asserts were read "
        "right; its default keeps reader comments, which cleanse removes by design (the "
        "\"no comments\" row: how many must-contain strings are comments).", "",
        "| system | must-contain found | must-not leaked | empty | pages passing all |",
        "|---|---|---|---|---|", *rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trafilatura", type=Path,
                        help="a checkout of github.com/adbar/trafilatura (its tests/ folder)")
    parser.add_argument("--misses", action="store_true",
                        help="list each string cleanse missed or leaked, page by page")
    parser.add_argument("--json", type=Path, help="write every page's outcome per system here")
    parser.add_argument("--write", action="store_true",
                        help="write the table to docs/benchmarks.md (its realworld section)")
    args = parser.parse_args(argv)
    tests = args.trafilatura / "tests"
    if not (tests / "realworld_tests.py").is_file():
        print(f"no tests/realworld_tests.py under {args.trafilatura}: clone "
              "https://github.com/adbar/trafilatura there first", file=sys.stderr)
        return 1
    pages = read_asserts(tests / "realworld_tests.py")
    extractors = systems()
    outcomes: dict[str, dict[str, Outcome]] = {name: {} for name in extractors}
    for page in tqdm(pages, desc="pages", unit="page", file=sys.stderr):
        html, _, _ = decode((tests / "cache" / page.file).read_bytes())
        for name, extract in extractors.items():
            outcomes[name][page.file] = judge(extract(html), page)
    text = report(pages, outcomes)
    print(text)
    if args.write:
        write_section("realworld", text)
    if args.misses:
        for name in [system for system in outcomes if system.startswith("cleanse")]:
            print(f"\n{name}:")
            for file, outcome in outcomes[name].items():
                for s in outcome.missed:
                    print(f"  missed  {file}: {s[:90]!r}")
                for s in outcome.leaked:
                    print(f"  leaked  {file}: {s[:90]!r}")
    if args.json:
        args.json.write_text(json.dumps(
            {name: {file: vars(o) for file, o in by_page.items()}
             for name, by_page in outcomes.items()}, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
