"""Quality measures shared by the tests and the benchmarks.

* Line labels (``fixtures/seeds/*.labels.tsv``): body recall and junk leak in
  characters. A labelled line counts as *output* when the cleaned text has a
  line equal to it (cleanse keeps lines verbatim, stripped).
* Ground-truth text (``../shared/bench``): token precision / recall / F1 after
  NFKC and lowercasing, without invisible characters (a soft hyphen splits no word a
  reader sees), one token per CJK character and one per word.
"""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import regex

from cleanse.model import CleanedDocument
from cleanse.reading.capture import WITHOUT_INVISIBLE

# One token per CJK character, one per run of other letters and digits: "1956年生人" is
# five tokens, as "1956 年生人" is.
TOKEN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]"
                      r"|[^\W_\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]+")
KEPT_LABELS = {"title", "meta", "body", "optional"}


def tokens(text: str) -> list[str]:
    # Ground truths keep the soft hyphens of their pages ("Assis\u00adtance"): without them
    # on both sides, a word counts as the one word it reads as.
    visible = text.translate(WITHOUT_INVISIBLE)
    return TOKEN.findall(unicodedata.normalize("NFKC", visible).lower())


@dataclass
class TokenScore:
    precision: float
    recall: float
    f1: float


def token_f1(predicted: str, truth: str) -> TokenScore:
    pred, gold = Counter(tokens(predicted)), Counter(tokens(truth))
    overlap = sum((pred & gold).values())
    if not pred and not gold:
        return TokenScore(1.0, 1.0, 1.0)
    precision = overlap / sum(pred.values()) if pred else 0.0
    recall = overlap / sum(gold.values()) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return TokenScore(precision, recall, f1)


def read_labels(path: Path) -> dict[int, str]:
    with path.open(encoding="utf-8") as handle:
        return {int(row["line"]): row["label"] for row in csv.DictReader(handle, delimiter="\t")}


@dataclass
class LabelScore:
    body_chars: int = 0
    body_kept: int = 0
    junk_chars: Counter = field(default_factory=Counter)
    junk_leaked: Counter = field(default_factory=Counter)
    metadata_in_text: bool = False
    lost_lines: list[int] = field(default_factory=list)
    leaked_lines: list[int] = field(default_factory=list)

    @property
    def body_recall(self) -> float:
        return self.body_kept / self.body_chars if self.body_chars else 1.0

    @property
    def junk_leak(self) -> float:
        total = sum(self.junk_chars.values())
        return sum(self.junk_leaked.values()) / total if total else 0.0


def score_labels(doc: CleanedDocument, capture_text: str, labels: dict[int, str]) -> LabelScore:
    lines = capture_text.split("\n")
    output = set(line.strip() for line in doc.markdown.split("\n"))  # capture lines verbatim
    score = LabelScore()
    for number, label in sorted(labels.items()):
        text = lines[number - 1].strip()
        present = text in output
        if label == "body":
            score.body_chars += len(text)
            score.body_kept += len(text) if present else 0
            if not present:
                score.lost_lines.append(number)
        elif label == "meta":
            score.metadata_in_text |= present
        elif label not in KEPT_LABELS:
            score.junk_chars[label] += len(text)
            if present:
                score.junk_leaked[label] += len(text)
                score.leaked_lines.append(number)
    return score
