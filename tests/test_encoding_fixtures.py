"""Legacy-encoded HTML pages in fixtures/encodings decode to the right title, body and language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cleanse

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "encodings"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text("utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_decodes_to_title_and_body(name):
    expected = EXPECTED[name]
    doc = cleanse.clean(FIXTURES / name)
    assert doc.status is cleanse.Status.OK and doc.decode_errors == 0
    assert doc.title == expected["title"]
    assert doc.language == expected["language"]
    assert doc.text.split("\n\n") == expected["body"]  # menus and footers gone, body whole
