//! The arbiter's per-line text columns (`cleanse.deciding.evidence._line_row`), natively.
//!
//! Each column is computed as the reference computes it, in the same order of operations,
//! so the floats are the same bits: integer ratios are one IEEE division (Python's true
//! division of small ints is too), `log1p` is the C library's (as Python's `math.log1p`).

use crate::features::is_unspaced;
use crate::tables::Bits;

/// Columns per line (`_LINE_COLUMNS` in evidence.py).
pub const LINE_COLUMNS: usize = 19;

/// The line features a row is made of (`cleanse.features.LineFeatures`).
pub struct RowInput<'a> {
    pub stripped: &'a str,
    pub plain: &'a str,
    pub cjk: usize,
    pub words: usize,
    pub alnum: usize,
    pub digits: usize,
    pub inner_punct: usize,
    pub final_mark: &'a str,
    pub heading: bool,
    pub list_item: bool,
    pub link_like: bool,
    pub date_chars: usize,
}

/// `cleanse.features.TERMINAL`; evidence.py's `SEPARATORS` are matched in `counts`.
const TERMINAL: &str = "。！？!?.…；;";

fn ratio(a: usize, b: usize) -> f64 {
    a as f64 / b as f64
}

fn flag(value: bool) -> f64 {
    if value { 1.0 } else { 0.0 }
}

/// Python's `part in text` for a final mark of at most one character: the empty mark is in
/// every string.
fn mark_in(mark: &str, set: &str) -> bool {
    mark.is_empty() || set.contains(mark)
}

/// Characters counted in one pass over a line's plain text.
struct Counts {
    chars: usize,
    not_spaces: usize,
    separators: usize,
    /// `ITEM_GAPS.findall(plain)` counted: runs of item-gap spaces between two characters
    /// of scripts written without spaces (`UNSPACED_RANGES`).
    item_gaps: usize,
    /// `CAPITALISED.findall(plain)` counted: upper-case letters (`upper`: `regex`'s `\p{Lu}`)
    /// not right after a word character (`word`: `regex`'s `\w`), an apostrophe or a hyphen.
    capitalised: usize,
}

/// Whether `c` may not precede a counted capital (`[\w'’-]`).
fn joins(c: char, word: &Bits) -> bool {
    if c.is_ascii() {
        // regex's \w in ASCII is [0-9A-Za-z_].
        c.is_ascii_alphanumeric() || matches!(c, '_' | '\'' | '-')
    } else {
        c == '’' || word.has(c)
    }
}

fn counts(plain: &str, word: &Bits, upper: &Bits) -> Counts {
    let mut counts =
        Counts { chars: 0, not_spaces: 0, separators: 0, item_gaps: 0, capitalised: 0 };
    let mut previous: Option<char> = None;
    // An item gap: a run of `ITEM_GAPS`'s spaces after a Han or kana character, counted when
    // the next character is one too.
    let (mut after_unspaced, mut in_gap) = (false, false);
    for c in plain.chars() {
        counts.chars += 1;
        if matches!(c, ' ' | '\t' | '\u{3000}' | '\u{a0}') {
            in_gap = in_gap || after_unspaced;
        } else {
            let unspaced = is_unspaced(c);
            counts.item_gaps += (in_gap && unspaced) as usize;
            (after_unspaced, in_gap) = (unspaced, false);
        }
        if c == ' ' {
            previous = Some(c);
            continue;
        }
        counts.not_spaces += 1;
        // regex's \p{Lu} in ASCII is A-Z.
        let is_upper = if c.is_ascii() { c.is_ascii_uppercase() } else { upper.has(c) };
        if is_upper && !previous.is_some_and(|p| joins(p, word)) {
            counts.capitalised += 1;
        } else if matches!(c, '|' | '·' | '•' | '/' | '>' | '»' | '›') {  // SEPARATORS
            counts.separators += 1;
        }
        previous = Some(c);
    }
    counts
}

pub fn line_row(f: &RowInput, word: &Bits, upper: &Bits) -> [f64; LINE_COLUMNS] {
    let counts = counts(f.plain, word, upper);
    let chars = counts.chars.max(1);
    let tokens = f.cjk + f.words;
    let terminal = !f.final_mark.is_empty() && TERMINAL.contains(f.final_mark);
    let capitalised = if f.words == 0 { 0.0 } else { ratio(counts.capitalised, f.words).min(1.0) };
    let prose = tokens >= 40 || (terminal && tokens >= 8 && !f.heading);
    let mostly_date = f.date_chars > 0 && f.date_chars as f64 >= 0.5 * counts.not_spaces as f64;
    let share = |part: usize| if f.alnum > 0 { ratio(part, f.alnum) } else { 0.0 };
    [
        (counts.chars as f64).ln_1p(),
        (tokens as f64).ln_1p(),
        share(f.cjk),
        share(f.digits),
        ratio(f.inner_punct, tokens.max(1)),
        flag(terminal),
        flag(mark_in(f.final_mark, "?？!！")),
        flag(mark_in(f.final_mark, ":：")),
        flag(f.heading),
        flag(f.list_item),
        flag(f.link_like),
        ratio(f.date_chars, chars).min(1.0),
        flag(mostly_date),
        flag(prose),
        flag(tokens >= 40),
        capitalised,
        counts.separators as f64,
        counts.item_gaps as f64,
        if f.stripped.contains("](") { f.stripped.matches("](").count() as f64 } else { 0.0 },
    ]
}

/// `evidence._window_means`: per line, for each half-width of `windows` in turn, the mean of
/// each of the `width` columns of `values` (`n` rows, row after row) over the lines within
/// that many of it, NaN ignored (NaN where a column has no value in the window); the result
/// row after row, window after window. The reference's arithmetic, step for step: running
/// sums as `np.cumsum` adds (its first sum is the first value itself; a NaN adds 0.0), a
/// window's total as the difference of two running sums (the one before the page is 0.0),
/// divided by the count of values as a double.
pub fn window_means(values: &[f64], n: usize, width: usize, windows: &[usize]) -> Vec<f64> {
    assert_eq!(values.len(), n * width, "values must hold n rows of width columns");
    let mut sums = vec![0.0f64; (n + 1) * width];
    let mut counts = vec![0u64; (n + 1) * width];
    for i in 0..n {
        for c in 0..width {
            let value = values[i * width + c];
            let valid = !value.is_nan();
            let value = if valid { value } else { 0.0 };
            let (before, here) = (i * width + c, (i + 1) * width + c);
            sums[here] = if i == 0 { value } else { sums[before] + value };
            counts[here] = counts[before] + valid as u64;
        }
    }
    let stride = windows.len() * width;
    let mut out = vec![0.0f64; n * stride];
    for i in 0..n {
        for (k, &w) in windows.iter().enumerate() {
            let lo = i.saturating_sub(w);
            let hi = (i + w + 1).min(n);
            for c in 0..width {
                let count = counts[hi * width + c] - counts[lo * width + c];
                let total = sums[hi * width + c] - sums[lo * width + c];
                out[i * stride + k * width + c] =
                    if count > 0 { total / count as f64 } else { f64::NAN };
            }
        }
    }
    out
}

/// `evidence.line_shapes`: a line's shape from its `log_tokens` and flag columns -- the
/// number of `classes` (ascending) below `log_tokens` (`np.searchsorted(side="left")`, where
/// NaN sorts after every number), then bit `k + 2` for each flag column `k` above zero.
pub fn line_shape(log_tokens: f64, flags: &[f64], classes: &[f64]) -> i64 {
    let mut shape = classes.iter()
        .filter(|&&bound| bound < log_tokens || (log_tokens.is_nan() && !bound.is_nan()))
        .count() as i64;
    for (bit, &flag) in flags.iter().enumerate() {
        if flag > 0.0 {
            shape += 1 << (bit + 2);
        }
    }
    shape
}

/// `evidence._shape_repeats`: log(1 + how many times the pattern of shapes around each line
/// repeats back to back), 0.0 outside such a pattern; a pattern is 2 to `max_period` lines
/// of at least two shapes, seen at least `min_repeats` times in a row; where patterns of
/// several lengths cover a line, the most repeated counts.
pub fn shape_repeats(shapes: &[i64], max_period: usize, min_repeats: usize) -> Vec<f64> {
    let n = shapes.len();
    let mut repeats = vec![0.0f64; n];
    for period in 2..=max_period {
        if n < min_repeats * period {
            break;
        }
        // Runs of lines j with shapes[j] == shapes[j + period]: [start, stop).
        let mut j = 0;
        while j < n - period {
            if shapes[j] != shapes[j + period] {
                j += 1;
                continue;
            }
            let start = j;
            while j < n - period && shapes[j] == shapes[j + period] {
                j += 1;
            }
            let stop = j;
            if stop - start < (min_repeats - 1) * period {
                continue;
            }
            let first = shapes[start];
            if shapes[start..start + period].iter().all(|&shape| shape == first) {
                continue; // one shape again and again: a run, which short_run already counts
            }
            let count = ((stop - start) / period + 1) as f64;
            let value = count.ln_1p();
            for covered in &mut repeats[start..(stop + period).min(n)] {
                // np.maximum: a NaN never arises here (counts are finite).
                if value > *covered {
                    *covered = value;
                }
            }
        }
    }
    repeats
}

/// `evidence._short_runs`: log(1 + length of the run of consecutive short lines each line
/// belongs to), 0.0 for a line that is not short.
pub fn short_runs(short: &[bool]) -> Vec<f64> {
    let n = short.len();
    let mut runs = vec![0.0f64; n];
    let mut start = 0;
    while start < n {
        let mut stop = start + 1;
        while stop < n && short[stop] == short[start] {
            stop += 1;
        }
        if short[start] {
            let value = ((stop - start) as f64).ln_1p();
            runs[start..stop].iter_mut().for_each(|run| *run = value);
        }
        start = stop;
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(plain: &'a str, words: usize, final_mark: &'a str) -> RowInput<'a> {
        RowInput { stripped: plain, plain, cjk: 0, words, alnum: plain.len(), digits: 0,
                   inner_punct: 0, final_mark, heading: false, list_item: false,
                   link_like: false, date_chars: 0 }
    }

    fn ascii_classes() -> (Bits, Bits) {
        let word: String = ('0'..='9').chain('A'..='Z').chain('a'..='z').chain(['_']).collect();
        let upper: String = ('A'..='Z').collect();
        (Bits::from_members(&word), Bits::from_members(&upper))
    }

    #[test]
    fn capitalised_words_start_after_a_non_word_character() {
        let (word, upper) = ascii_classes();
        assert_eq!(counts("Hello World O'Neil X-Ray ABC", &word, &upper).capitalised, 5);
        let row = line_row(&input("Hello World", 2, ""), &word, &upper);
        assert_eq!(row[15], 1.0);
    }

    #[test]
    fn an_empty_final_mark_counts_as_question_and_colon() {
        // As Python's `"" in "?？!！"` does.
        let (word, upper) = ascii_classes();
        let row = line_row(&input("abc", 1, ""), &word, &upper);
        assert_eq!((row[5], row[6], row[7]), (0.0, 1.0, 1.0));
        let row = line_row(&input("abc.", 1, "."), &word, &upper);
        assert_eq!((row[5], row[6], row[7]), (1.0, 0.0, 0.0));
    }

    #[test]
    fn separators_and_links_are_counted() {
        let (word, upper) = ascii_classes();
        let row = line_row(&input("a | b » [x](y) [z](w)", 4, ")"), &word, &upper);
        assert_eq!((row[16], row[17], row[18]), (2.0, 0.0, 2.0));  // no item gaps
    }

    #[test]
    fn item_gaps_are_spaces_between_han_or_kana() {
        let (word, upper) = ascii_classes();
        for (text, gaps) in [("首页 新闻\u{3000}\u{3000}财经\t体育", 3.0), ("苹果 iPhone 发布会", 0.0),
                             ("한국어 문장은 띄어 씁니다", 0.0), ("ニュース 天気", 1.0)] {
            let row = line_row(&input(text, 1, ""), &word, &upper);
            assert_eq!(row[17], gaps, "{text}");
        }
    }
}
