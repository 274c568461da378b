//! Small text operations the detectors apply to many lines (`cleanse.features`), natively.

use crate::tables::{Bits, Tables};

/// `cleanse.features.strip_punctuation`: `text` without leading and trailing characters of
/// `punctuation` (`regex`'s `[\p{P}\p{S}\s]`).
pub fn strip_punctuation<'a>(text: &'a str, punctuation: &Bits) -> &'a str {
    text.trim_matches(|c| punctuation.has(c))
}

/// Blocks without case: `str.lower` leaves their characters as they are, in every Unicode
/// version (general punctuation, CJK symbols and punctuation, kana, CJK unified ideographs
/// and extension A, hangul syllables). tests/test_native.py holds the running Python to it.
pub const CASELESS: [(char, char); 5] = [('\u{2000}', '\u{206F}'), ('\u{3000}', '\u{30FF}'),
                                         ('\u{3400}', '\u{4DBF}'), ('\u{4E00}', '\u{9FFF}'),
                                         ('\u{AC00}', '\u{D7A3}')];

/// `text.lower()` (Python's) of a text of ASCII and caseless characters (`CASELESS`): its
/// ASCII capitals lowered, nothing else changed. `None` for any other text: Python's own
/// case mappings lower it.
pub fn lower_caseless(text: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !text.is_ascii() && !text.chars().all(|c| c.is_ascii()
            || CASELESS.iter().any(|&(low, high)| low <= c && c <= high)) {
        return None;
    }
    Some(if text.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(text.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(text)
    })
}

/// `cleanse.features._match_key` of text already lowercased (by Python's `str.lower`): each
/// of `re`'s digits becomes `0`, every other character but `re`'s letters and digits goes.
pub fn match_key(lowered: &str, tables: &Tables) -> String {
    let mut key = String::with_capacity(lowered.len());
    for c in lowered.chars() {
        if tables.re_digit.has(c) {
            key.push('0');
        } else if tables.re_alnum(c) {
            key.push(c);
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_both_ends_only() {
        let punctuation = Bits::from_members(" .,!-【】");
        assert_eq!(strip_punctuation("【 Hello, world! 】", &punctuation), "Hello, world");
        assert_eq!(strip_punctuation("--- ...", &punctuation), "");
        assert_eq!(strip_punctuation("", &punctuation), "");
    }

    #[test]
    fn match_keys_keep_letters_and_zero_digits() {
        let tables = Tables::for_examples();
        assert_eq!(match_key("posted 12 mar, 2024 | 中文_x", &tables), "posted00mar0000中文x");
    }
}

/// Each run of characters that `joins` takes becomes one space: what `re.sub("[...]+", " ",
/// text)` gives for the class `joins` stands for.
pub fn runs_to_space(text: &str, joins: impl Fn(char) -> bool) -> String {
    runs_to(text, joins, ' ')
}

/// Each run of characters that `joins` takes becomes one `replacement`: what
/// `re.sub("[...]+", replacement, text)` gives for the class `joins` stands for.
pub fn runs_to(text: &str, joins: impl Fn(char) -> bool, replacement: char) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_run = false;
    for c in text.chars() {
        if joins(c) {
            if !in_run {
                out.push(replacement);
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    out
}
