"""Each benchmark writes its own section of docs/benchmarks.md and leaves the others alone."""

from __future__ import annotations

from pathlib import Path

BENCHMARKS_MD = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
ORDER = ("quality", "speed", "metadata", "realworld")


def write_section(name: str, text: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace the ``name`` section (between HTML-comment markers), keeping the others."""
    current = path.read_text("utf-8") if path.exists() else ""
    sections = {}
    for other in ORDER:
        start, end = f"<!-- {other}:start -->", f"<!-- {other}:end -->"
        if start in current and end in current:
            sections[other] = current[current.index(start) + len(start):current.index(end)]
    sections[name] = "\n" + text.strip() + "\n"
    body = "".join(f"<!-- {n}:start -->{sections[n]}<!-- {n}:end -->\n\n"
                   for n in ORDER if n in sections)
    path.write_text("# Benchmarks\n\n" + body.rstrip() + "\n", "utf-8")
