"""Newsletter, subscribe and follow prompts ("订阅我们的 Newsletter", "Subscribe now")."""

from __future__ import annotations

from dataclasses import dataclass, field

from cleanse import native
from cleanse.detectors.base import Detector
from cleanse.detectors.vocabulary import Keywords, vocabulary
from cleanse.model import Category, Line, Page


@dataclass
class Newsletter(Detector):
    """Removes calls to subscribe or follow, and their lead-in question.

    A *strong* phrase ("subscribe to our", "订阅我们的", "点击关注") marks a
    prompt by itself. A *weak* word ("subscribe", "订阅", "email") needs a
    call-to-action word ("your", "free", "免费", "立即") on the same line,
    and a sentence must be short (``max_weak_sentence_tokens``) -- so
    "subscribe" in a sentence of the article stays. A short question just before a prompt
    ("喜欢这篇文章?", "Enjoyed this article?") goes with it, and so does a short
    line just after one that carries a weak word ("每周精选完全免费随时退订").
    A sign-up button ("SUBSCRIBE", "Sign Up", "订阅") takes with it up to
    ``max_pitch_lines`` short lines right above it that pitch the service
    ("Breaking News Emails" / "Get breaking news alerts ...").
    """

    name = "newsletter"
    max_tokens: int = 60
    max_prose_tokens: int = 30
    max_weak_sentence_tokens: int = 12
    max_button_tokens: int = 3
    max_pitch_lines: int = 2
    max_pitch_tokens: int = 30
    keywords: dict[str, list[str]] = field(default_factory=lambda: vocabulary("newsletter"))

    def __post_init__(self) -> None:
        self._strong = Keywords(self.keywords["strong"])
        self._weak = Keywords(self.keywords["weak"])
        self._cta = Keywords(self.keywords["cta"])
        self._lead_ins = Keywords(self.keywords["lead_ins"])
        self._pitch = Keywords(self.keywords["pitch"])
        # Most lines hold neither kind of word: one scan rules out both.
        self._strong_or_weak = Keywords(self.keywords["strong"] + self.keywords["weak"])

    def _prompt(self, line: Line) -> tuple[str, float, str] | None:
        features = line.features
        if features.tokens > self.max_tokens or self._strong_or_weak.search(features.plain) is None:
            return None
        # A long sentence of the article may mention a newsletter in passing.
        long_sentence = features.terminal and features.tokens > self.max_prose_tokens
        if (hit := self._strong.search(features.plain)) and not long_sentence:
            return "subscribe_prompt", 0.9, f"subscribe/follow prompt ('{hit}')"
        if features.terminal and features.tokens > self.max_weak_sentence_tokens:
            return None
        weak = self._weak.search(features.plain)
        if weak and (cta := self._cta.search(features.plain)):
            return "subscribe_cta", 0.7, f"'{weak}' with call to action '{cta}'"
        return None

    def _signup_button(self, line: Line) -> bool:
        return (line.features.tokens <= self.max_button_tokens
                and self._weak.search(line.features.plain) is not None)

    def _pitch_lines(self, content: list[Line], button: int) -> list[int]:
        """The indices of the lines right above the sign-up button at ``button`` that pitch
        the service, nearest first."""
        pitch = []
        for index in reversed(range(max(0, button - self.max_pitch_lines), button)):
            features = content[index].features
            if features.tokens > self.max_pitch_tokens or not (
                    self._pitch.search(features.plain)
                    or self._weak.search(features.plain)):
                break
            pitch.append(index)
        return pitch

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        self.label_found(page, content, native.detector_pass(
            "newsletter_labels", self, self._labels, content), category=Category.NEWSLETTER)

    def _labels(self, content: list[Line]) -> list[tuple[int, str, float, str]]:
        """The decisions on ``content`` as ``(index, rule, score, reason)``: pitches above
        sign-up buttons, then prompts and the lines around them (the reference of the native
        core's ``newsletter_labels``)."""
        found = [(index, "signup_pitch", 0.7, "pitch right above a sign-up button")
                 for i, line in enumerate(content) if self._signup_button(line)
                 for index in self._pitch_lines(content, i)]
        prompts = [self._prompt(line) for line in content]
        for i, (line, prompt) in enumerate(zip(content, prompts)):
            if prompt:
                found.append((i, *prompt))
                continue
            before = prompts[i + 1] if i + 1 < len(prompts) else None
            after = prompts[i - 1] if i > 0 else None
            short = line.features.tokens <= 20
            if before and short and (self._lead_ins.search(line.features.plain)
                                     or line.features.plain.rstrip().endswith(("?", "？"))):
                found.append((i, "lead_in", 0.65, "question leading into a subscribe prompt"))
            elif after and short and self._weak.search(line.features.plain):
                found.append((i, "prompt_tail", 0.65, "short line continuing a subscribe prompt"))
        return found
