"""Per-line training labels: how much of each rendered line is article text.

The benchmark gives a page's HTML and its ground-truth main text, not line
labels. :func:`line_labels` aligns the truth to a rendering of the page (one
string per line) and returns, per line, the share of its tokens that belong to
the truth. Tokens are :func:`cleanse.evaluation.tokens` (NFKC, lowercase, one
per word and one per CJK character), so the labels agree with the token F1 the
benchmarks score.

The alignment, in three passes (all about linear in page + truth tokens):

1. **Anchors.** Each *long* line (at least ``LONG`` tokens) votes, trigram by
   trigram, for the truth offset where it would start (truth position minus
   position in the line). Its best offsets (within ``DRIFT`` tokens, to absorb
   small insertions and deletions) give candidate truth regions. A candidate
   needs two trigrams on one offset; trigrams occurring more than
   ``MAX_OCCURRENCES`` times in the truth don't vote, as they say nothing
   about position.
2. **Chain.** The heaviest chain of candidates that advances through the
   truth in document order (each region starting where the previous one ends
   or later; weight = trigrams matched) is the page's alignment. On ties the
   later predecessor wins, so a teaser that repeats the lead above the
   article loses to the lead itself. Chained lines then claim their trigrams
   from the truth's trigram multiset, in document order, before all other
   long lines do: each truth trigram can be claimed as many times as it
   occurs in the truth, so a repeated line, or a teaser or menu repeating
   article text, is not body twice. Only runs of two or more consecutive
   trigrams are claimed (a lone "one of the" matches anywhere). A long line's
   label is the share of its tokens covered by the trigrams it claimed.
3. **Short lines** (``"Home"``, ``"Share"``, a heading ``"Ingredients"``) are
   too short for a bag-of-words match to mean anything, so they are matched in
   order inside the gaps the chain leaves: a short line between chained lines
   A and B can only match truth between A's region and B's. It is body (1.0)
   when, there, its tokens either equal a whole truth line (the first unclaimed
   one after what the previous short line matched; truth lines are the
   truth's ``\\n``-separated lines), or continue the truth exactly where the
   previous aligned line stopped, or end exactly where the next chained line
   starts (a paragraph split over two rendered lines). Gaps before the first
   chained line are walked backwards from it, so of a breadcrumb and a heading
   both equal to the truth's first line, the one next to the article wins.
   Then, anywhere on the page, a run of ``RUN`` or more consecutive short
   lines equal to consecutive whole truth lines is body too (a list copied in
   order; it also covers pages with no long line to anchor on). Everything
   else is 0.0. Each truth position is matched by one short line at most.

Lines with no tokens at all (a rule, a bullet) are 0.0: they cannot be in a
token-level truth. Blank lines are None.

    python -m training.labels        # label quality over ../shared/bench
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import statistics
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from cleanse.evaluation import token_f1, tokens

LONG = 4  # lines with fewer tokens are matched whole and in order only
N = 3  # n-gram order of the long-line match
MAX_OCCURRENCES = 32  # trigrams this frequent in the truth do not vote for a position
DRIFT = 4  # offsets this close count as one alignment (small insertions/deletions)
RUN = 2  # consecutive short lines equal to consecutive truth lines that count anywhere
CANDIDATES = 3  # alternative truth regions kept per long line
OVERLAP = N - 1  # consecutive chained regions may share this many tokens
BODY = 0.5  # label_quality: a line labelled at least this counts as body


@dataclass(frozen=True)
class _Region:
    """A candidate placement of a long line in the truth: tokens [start, end)."""

    line: int
    start: int
    end: int
    weight: int


class _PrefixMax:
    """Fenwick tree of maxima over truth end positions: best chain ending at or before ``i``."""

    def __init__(self, size: int) -> None:
        self.tree: list[tuple[int, int, int] | None] = [None] * (size + 2)

    def update(self, i: int, value: tuple[int, int, int]) -> None:
        i += 1
        while i < len(self.tree):
            current = self.tree[i]
            if current is None or value > current:
                self.tree[i] = value
            i += i & -i

    def query(self, i: int) -> tuple[int, int, int] | None:
        i = min(i + 1, len(self.tree) - 1)
        best = None
        while i > 0:
            current = self.tree[i]
            if current is not None and (best is None or current > best):
                best = current
            i -= i & -i
        return best


def _ngrams(toks: list[str]) -> list[tuple[str, ...]]:
    return [tuple(toks[j:j + N]) for j in range(len(toks) - N + 1)]


def _candidates(line: int, grams: list[tuple[str, ...]],
                index: dict[tuple[str, ...], list[int]]) -> list[_Region]:
    """Up to CANDIDATES truth regions for a long line, by trigram offset votes."""
    hits = []
    votes: Counter[int] = Counter()
    for j, gram in enumerate(grams):
        positions = index.get(gram)
        if positions and len(positions) <= MAX_OCCURRENCES:
            for p in positions:
                hits.append((p - j, j, p))
                votes[p - j] += 1
    regions: list[_Region] = []
    chosen: list[int] = []
    for offset, _ in votes.most_common():
        if len(chosen) == CANDIDATES:
            break
        if any(abs(offset - other) <= DRIFT for other in chosen):
            continue
        near = [(j, p) for d, j, p in hits if abs(d - offset) <= DRIFT]
        weight = len({j for j, _ in near})
        if weight < 2:
            break
        chosen.append(offset)
        regions.append(_Region(line, min(p for _, p in near), max(p for _, p in near) + N,
                               weight))
    return regions


def _chain(regions: list[list[_Region]], size: int) -> list[_Region]:
    """Heaviest chain of regions advancing through the truth in line order (one per line)."""
    tree = _PrefixMax(size)
    flat: list[_Region] = []
    back: list[int] = []
    best: tuple[int, int, int] | None = None
    for candidates in regions:
        scored = []
        for region in candidates:
            previous = tree.query(region.start + OVERLAP)
            flat.append(region)
            back.append(previous[2] if previous else -1)
            total = (previous[0] if previous else 0) + region.weight
            scored.append((total, region.line, len(flat) - 1))
        for value in scored:  # after all queries: a line never chains to itself
            tree.update(flat[value[2]].end, value)
            best = value if best is None or value > best else best
    chain = []
    at = best[2] if best else -1
    while at >= 0:
        chain.append(flat[at])
        at = back[at]
    return chain[::-1]


class _Truth:
    """Truth tokens with the indexes the alignment needs."""

    def __init__(self, truth: str) -> None:
        self.tokens: list[str] = []
        self.lines: dict[tuple[str, ...], list[int]] = defaultdict(list)  # short lines' starts
        for text in truth.split("\n"):
            toks = tokens(text)
            if 0 < len(toks) < LONG:
                self.lines[tuple(toks)].append(len(self.tokens))
            self.tokens.extend(toks)
        self.grams: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for p, gram in enumerate(_ngrams(self.tokens)):
            self.grams[gram].append(p)
        self.claimed: set[int] = set()  # truth positions matched by short lines

    def at(self, start: int, toks: list[str]) -> bool:
        """``toks`` occur at ``start``, unclaimed by another short line."""
        end = start + len(toks)
        return (0 <= start and end <= len(self.tokens) and self.tokens[start:end] == toks
                and not self.claimed.intersection(range(start, end)))

    def whole_line(self, toks: list[str], lo: int, hi: int, last: bool) -> int | None:
        """Start of the first (``last``: last) unclaimed truth line equal to ``toks``
        lying within [lo, hi)."""
        starts = self.lines.get(tuple(toks), [])
        inside = starts[bisect.bisect_left(starts, lo):bisect.bisect_right(starts, hi - len(toks))]
        for start in reversed(inside) if last else inside:
            if self.at(start, toks):
                return start
        return None

    def claim(self, start: int, length: int) -> None:
        self.claimed.update(range(start, start + length))


def _short_lines(segment: list[int], line_tokens: list[list[str]], truth: _Truth,
                 lo: int | None, hi: int | None, labels: list[float | None]) -> None:
    """Label the short lines of one gap of the chain, matched in order inside the
    truth between ``lo`` (end of the previous chained region) and ``hi`` (start of
    the next one); None means the gap is open on that side (truth start or end)."""
    short = [i for i in segment if labels[i] is not None and 0 < len(line_tokens[i]) < LONG]
    backwards = lo is None and hi is not None  # before the first chained line
    low, high = lo or 0, len(truth.tokens) if hi is None else hi
    anchored_low, anchored_high = lo is not None, hi is not None
    for i in reversed(short) if backwards else short:
        toks = line_tokens[i]
        n = len(toks)
        if anchored_low and low + n <= high and truth.at(low, toks):
            start = low
        elif anchored_high and high - n >= low and truth.at(high - n, toks):
            start = high - n
        else:
            start = truth.whole_line(toks, low, high, last=backwards)
        if start is None:
            continue
        labels[i] = 1.0
        truth.claim(start, n)
        if backwards:
            high, anchored_high = start, True
        else:
            low, anchored_low = start + n, True


def _claim(grams: list[tuple[str, ...]], left: Counter[tuple[str, ...]]) -> float:
    """Claim a long line's n-grams from the truth's remaining multiset ``left``;
    the share of its tokens covered by claimed n-grams. Only runs of at least two
    consecutive available n-grams (N + 1 tokens) are claimed: a lone trigram
    ("one of the", "sign up for") matches by chance too often."""
    available = [left[gram] > 0 for gram in grams]
    covered = [False] * (len(grams) + N - 1)
    for j, gram in enumerate(grams):
        in_run = (j > 0 and available[j - 1]) or (j + 1 < len(grams) and available[j + 1])
        if available[j] and in_run and left[gram] > 0:
            left[gram] -= 1
            covered[j:j + N] = [True] * N
    return sum(covered) / len(covered)


def _short_runs(line_tokens: list[list[str]], truth: _Truth,
                labels: list[float | None]) -> None:
    """Label runs of at least RUN consecutive short lines (blank lines aside) still
    unmatched that equal consecutive whole truth lines, wherever they are: a list
    or table copied in order is article text even where the chain does not reach
    (blocks the truth puts in another order, pages without long lines). As for
    trigrams, a line equal to more than MAX_OCCURRENCES truth lines ("Yes" in a
    table) can extend a run but not start one, which keeps this linear."""
    streaks: list[dict[int, int]] = []  # per line of the current sequence: start -> run length
    sequence: list[int] = []

    def settle() -> None:
        at = len(sequence) - 1
        while at >= 0:
            start, length = max(streaks[at].items(), key=lambda item: (item[1], -item[0]),
                                default=(0, 0))
            if length < RUN:
                at -= 1
                continue
            placed = []  # (line, truth start), last line first
            for k in range(at, at - length, -1):
                placed.append((sequence[k], start))
                if k > at - length + 1:
                    start -= len(line_tokens[sequence[k - 1]])
            if not all(truth.at(first, line_tokens[i]) for i, first in placed):
                at -= 1  # part of it went to a run found later in the page
                continue
            for i, first in placed:
                labels[i] = 1.0
                truth.claim(first, len(line_tokens[i]))
            at -= length
        streaks.clear()
        sequence.clear()

    for i, toks in enumerate(line_tokens):
        if labels[i] is None:
            continue
        if labels[i] != 0.0 or not 0 < len(toks) < LONG:
            settle()
            continue
        starts = truth.lines.get(tuple(toks), [])
        previous = len(line_tokens[sequence[-1]]) if sequence else 0
        streak = {start: 1 for start in starts if truth.at(start, toks)
                  } if len(starts) <= MAX_OCCURRENCES else {}
        for start, length in (streaks[-1] if streaks else {}).items():
            nxt = start + previous
            at = bisect.bisect_left(starts, nxt)
            if at < len(starts) and starts[at] == nxt and truth.at(nxt, toks):
                streak[nxt] = length + 1
        streaks.append(streak)
        sequence.append(i)
    settle()


def line_labels(lines: list[str], truth: str) -> list[float | None]:
    """Per line, the share in [0, 1] of its tokens that belong to ``truth`` (None
    for blank lines); see the module docstring for the alignment."""
    labels: list[float | None] = [None if not line.strip() else 0.0 for line in lines]
    reference = _Truth(truth)
    if not reference.tokens:
        return labels
    line_tokens = [tokens(line) if label is not None else [] for line, label in zip(lines, labels)]
    grams = [_ngrams(toks) if len(toks) >= LONG else [] for toks in line_tokens]
    regions = [_candidates(i, line_grams, reference.grams)
               for i, line_grams in enumerate(grams) if line_grams]
    chain = _chain([candidates for candidates in regions if candidates], len(reference.tokens))

    left = Counter({gram: len(positions) for gram, positions in reference.grams.items()})
    chained = {region.line for region in chain}
    order = sorted(chained) + [i for i, line_grams in enumerate(grams)
                               if line_grams and i not in chained]
    for i in order:
        labels[i] = _claim(grams[i], left)

    if chain:  # without anchors, the gaps would be the whole truth: runs only
        bounds = [None, *chain, None]
        for before, after in itertools.pairwise(bounds):
            first = before.line + 1 if before else 0
            stop = after.line if after else len(lines)
            _short_lines(list(range(first, stop)), line_tokens, reference,
                         before.end if before else None, after.start if after else None, labels)
    _short_runs(line_tokens, reference, labels)
    return labels


def label_quality(lines: list[str], truth: str, labels: list[float | None]) -> float:
    """Token recall of the truth by the lines labelled at least 0.5 (1.0 for an
    empty truth): a sanity check that the alignment found the article."""
    if not tokens(truth):
        return 1.0
    kept = "\n".join(line for line, label in zip(lines, labels)
                     if label is not None and label >= BODY)
    return token_f1(kept, truth).recall


def _html_lines(html: str) -> list[str]:
    """cleanse's HTML rendering of the whole page (menus and footers included)."""
    from cleanse.reading.html import render

    return render(html)[0].split("\n")


def _measure(page) -> dict[str, tuple[float, float | None, float]]:
    """Per rendering of a page: label quality, token precision of the lines labelled
    body against the truth (low when junk is labelled body; None when no line is),
    share of non-blank lines labelled body."""
    out = {}
    for name, lines in (("html", _html_lines(page.html())),
                        ("text", page.text_rendering().split("\n"))):
        labels = line_labels(lines, page.body)
        marked = [label for label in labels if label is not None]
        kept = "\n".join(line for line, label in zip(lines, labels)
                         if label is not None and label >= BODY)
        share = sum(label >= BODY for label in marked) / len(marked) if marked else 0.0
        precision = token_f1(kept, page.body).precision if tokens(kept) else None
        out[name] = (label_quality(lines, page.body, labels), precision, share)
    return out


def main(argv: list[str] | None = None) -> int:
    from concurrent.futures import ProcessPoolExecutor

    from tqdm import tqdm

    from training.corpus import DEFAULT_BENCH, load_pages

    parser = argparse.ArgumentParser(description="Label quality of the truth alignment.")
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--datasets", nargs="*", help="dataset folder names (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="processes")
    args = parser.parse_args(argv)
    pages = [page for page in load_pages(args.bench, args.datasets) if page.body.strip()]
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(tqdm(pool.map(_measure, pages, chunksize=4), total=len(pages),
                            desc="labelling", unit="page"))
    print("html = cleanse.reading.html.render (whole page), text = inscriptis; pages with an empty "
          "truth left out.\nquality = mean token recall of the truth by lines labelled >= 0.5 "
          "(q<0.9: pages below 0.9); precision = mean token precision of those lines (pages "
          "with any); "
          "body = mean share of non-blank lines labelled >= 0.5")
    print(f"{'dataset':<18}{'rendering':<11}{'pages':>6}{'quality':>9}{'q<0.9':>7}"
          f"{'precision':>11}{'body':>7}")
    for dataset in sorted({page.dataset for page in pages}):
        rows = [result for page, result in zip(pages, results) if page.dataset == dataset]
        for name in ("html", "text"):
            quality, precisions, share = zip(*(row[name] for row in rows))
            precision = [value for value in precisions if value is not None]
            print(f"{dataset:<18}{name:<11}{len(rows):>6}{statistics.mean(quality):>9.3f}"
                  f"{sum(q < 0.9 for q in quality):>7}{statistics.mean(precision):>11.3f}"
                  f"{statistics.mean(share):>7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
