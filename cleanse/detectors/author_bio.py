"""Author and company boxes after the article: "About Jane Doe", "Acme is a global provider"."""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from cleanse import native
from cleanse.detectors import LINE_DETECTORS
from cleanse.detectors.base import Detector
from cleanse.detectors.vocabulary import Keywords, vocabulary
from cleanse.model import Category, Line, Page

# "Jane Doe", "J. R. Smith", "Julius", "Molly Wood (@mollywood)" at the start of a line;
# "The Times is ..." is not a person.
NAME = (r"(?!The\b|This\b|An?\b)\p{Lu}[\p{L}.'’-]*"
        r"(?:\s+(?:\p{Lu}[\p{L}.'’-]*|de|van|von|da|di|bin)){0,3}")
HANDLE = r"(?:\s*\(@\w+\))?"
# "... is a Staff Writer at WIRED", "... was formerly an editor", "... joined pv magazine in 2017".
BIO_OPENING = regex.compile(
    rf"^(?P<name>{NAME}){HANDLE}\s+(?:is|was|joined|writes|covers)\b")
# Press-release boilerplate: "Ascom is a global solutions provider ...".
COMPANY_OPENING = regex.compile(
    rf"^(?P<name>{NAME})(?:,? (?:Inc|Ltd|LLC|AG|SA|plc|GmbH)\.?)?,? is (?:a|an|the)\b")
ABOUT_HEADING = regex.compile(rf"^(?i:about|meet)\s+(?P<name>{NAME})$")
PRONOUN_OPENING = regex.compile(r"^(?:he|she|they|his|her|their)\b", regex.I)
FIRST_SENTENCE = regex.compile(r"^.*?(?:[.!?。！？](?=\s|$)|$)")


@dataclass
class AuthorBio(Detector):
    """Removes the author's bio box that follows the article.

    A bio describes the writer, not the story. Two shapes:

    * a line opening with a name and a verb of self-description whose first
      sentence names a writing job ("Dallas Robinson is a freelance writer
      living in Minneapolis", "Phil Helsel is a reporter for NBC News.",
      "Louise Matsakis (@handle) is a Staff Writer at WIRED ..."), or
      opening with a bio label ("作者简介：..."), at most ``max_bio_tokens``
      long and placed after ``min_prose_share`` of the page's prose (the
      article itself may well say that someone is a reporter);
    * a heading "About <Name>" / "About the author" / "关于作者", with up to
      ``max_box_lines`` lines below it that open with that name or a
      pronoun, or are short links ("Read more from this author | Follow");
    * press-release boilerplate: among the last ``max_box_lines`` paragraphs,
      one opening "<Name> is a/an/the ..." whose first sentence names a kind
      of organisation ("Ascom is a global solutions provider ..."), with
      every paragraph after it opening with the same name.
    """

    name = "author_bio"
    reads = (*LINE_DETECTORS, "related_lists", "headline_runs")  # whether a line is junk already
    max_bio_tokens: int = 80
    max_company_tokens: int = 120
    min_prose_share: float = 0.5
    max_box_lines: int = 3
    max_box_link_tokens: int = 12
    keywords: dict[str, list[str]] = field(default_factory=lambda: vocabulary("author_bio"))

    def __post_init__(self) -> None:
        self._professions = Keywords(self.keywords["professions"])
        self._headings = Keywords(self.keywords["headings"])
        self._labels = Keywords(self.keywords["labels"])
        self._organisations = Keywords(self.keywords["organisations"])

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        # The closing paragraphs are those not junk once the boxes are labelled: two passes.
        for name, reference in (("author_bio_boxes", self._boxes),
                                ("company_boilerplate_labels", self._company_boilerplate)):
            self.label_found(page, content, native.detector_pass(
                name, self, reference, page, content), category=Category.BOILERPLATE)

    def _boxes(self, page: Page, content: list[Line]) -> list[tuple[int, str, float, str]]:
        """The bio lines and about boxes of ``content`` (the page's non-blank lines) as
        ``(index, rule, score, reason)``, in order (the reference of the native core's
        ``author_bio_boxes``)."""
        found: list[tuple[int, str, float, str]] = []
        prose = [line.features.tokens if line.features.prose else 0 for line in content]
        total, seen = sum(prose) or 1, 0
        i = 0
        while i < len(content):
            line = content[i]
            if seen / total >= self.min_prose_share and not page.is_junk(line):
                if reason := self._bio_line(line):
                    found.append((i, "bio", 0.75, reason))
                elif (name := self._about_heading(line)) is not None:
                    i = self._about_box(content, i, name, found)
                    continue
            seen += prose[i]
            i += 1
        return found

    def _company_boilerplate(self, page: Page,
                             content: list[Line]) -> list[tuple[int, str, float, str]]:
        """The press-release paragraphs about a company that close the page, as ``(index,
        rule, score, reason)`` (the reference of the native core's
        ``company_boilerplate_labels``)."""
        closing = [i for i, line in enumerate(content)
                   if not page.is_junk(line) and line.features.prose][-self.max_box_lines:]
        for start, i in enumerate(closing):
            line = content[i]
            opening = COMPANY_OPENING.match(line.features.plain)
            if not opening or line.features.tokens > self.max_company_tokens:
                continue
            first_sentence = FIRST_SENTENCE.match(line.features.plain).group(0)  # type: ignore
            company = opening.group("name")
            if self._organisations.search(first_sentence) and all(
                    content[later].features.plain.startswith(company)
                    for later in closing[start + 1:]):
                return [(boilerplate, "company_boilerplate", 0.7,
                         f"press-release boilerplate about {company}")
                        for boilerplate in closing[start:]]
        return []

    def _bio_line(self, line: Line) -> str | None:
        plain = line.features.plain
        if line.features.tokens > self.max_bio_tokens:
            return None
        if label := self._labels.startswith(plain):
            return f"author bio ('{label}')"
        opening = BIO_OPENING.match(plain)
        if opening is None:
            return None
        first_sentence = FIRST_SENTENCE.match(plain).group(0)  # type: ignore[union-attr]
        if job := self._professions.search(first_sentence):
            return f"author bio: {opening.group('name')} described as '{job}'"
        return None

    def _about_heading(self, line: Line) -> str | None:
        """The name the heading is about ('' for "About the author"), or None."""
        features = line.features
        if features.terminal or features.tokens > 6:
            return None
        text = features.plain.strip().rstrip(":：")
        if self._headings.fullmatch(text):
            return ""
        heading = ABOUT_HEADING.match(text)
        return heading.group("name") if heading else None

    def _about_box(self, content: list[Line], i: int, name: str,
                   found: list[tuple[int, str, float, str]]) -> int:
        """Adds the heading at ``i`` and its box to ``found``; the index after the box."""
        end = i + 1
        while end < len(content) and end - i <= self.max_box_lines:
            plain = content[end].features.plain
            describes = (plain.startswith(name.split()[0]) if name else
                         bool(BIO_OPENING.match(plain)))
            if not (describes or PRONOUN_OPENING.match(plain)
                    or content[end].features.tokens <= self.max_box_link_tokens):
                break
            end += 1
        if end == i + 1:
            return i + 1  # "About Town" over an ordinary paragraph is a section of the article
        about = f"'About {name}'" if name else "an about-the-author heading"
        found.extend((index, "about_box", 0.75, f"author or company box under {about}")
                     for index in range(i, end))
        return end
