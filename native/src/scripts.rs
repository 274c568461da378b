//! Script counts for language tagging (`cleanse.deciding.language`), natively.
//!
//! The reference counts with `regex` patterns: the characters of `\p{Han}`, of
//! `[\p{Hiragana}\p{Katakana}]` and of `\p{Hangul}`, and the runs and characters of
//! `LETTER` (`regex`'s `\w` less digits, `_` and those three scripts). The classes are read
//! off the running `regex` (as the other tables are, see `tables.rs`), and each is counted on
//! its own, as the reference's separate `findall` passes count them: a character that more
//! than one script class holds counts in each.

use crate::tables::Bits;

pub struct Scripts {
    han: Bits,
    kana: Bits,
    hangul: Bits,
    letter: Bits,
    simplified_only: Bits,
    traditional_only: Bits,
}

/// (Han, kana and hangul characters, runs of letters, letters in all of them).
pub type Counts = (usize, usize, usize, usize, usize);

impl Scripts {
    pub fn new(han: &str, kana: &str, hangul: &str, letter: &str, simplified_only: &str,
               traditional_only: &str) -> Scripts {
        Scripts {
            han: Bits::from_members(han),
            kana: Bits::from_members(kana),
            hangul: Bits::from_members(hangul),
            letter: Bits::from_members(letter),
            simplified_only: Bits::from_members(simplified_only),
            traditional_only: Bits::from_members(traditional_only),
        }
    }

    /// `cleanse.deciding.language._script_counts`.
    pub fn counts(&self, text: &str) -> Counts {
        let (mut han, mut kana, mut hangul, mut words, mut word_letters) = (0, 0, 0, 0, 0);
        let mut in_word = false;
        for c in text.chars() {
            if self.letter.has(c) {
                word_letters += 1;
                if !in_word {
                    words += 1;
                    in_word = true;
                }
                continue;
            }
            in_word = false;
            han += self.han.has(c) as usize;
            kana += self.kana.has(c) as usize;
            hangul += self.hangul.has(c) as usize;
        }
        (han, kana, hangul, words, han + kana + hangul + word_letters)
    }

    /// The characters of `text` found only in Simplified, and only in Traditional Chinese
    /// (`cleanse.deciding.language.chinese_variant` compares the two).
    pub fn variant_counts(&self, text: &str) -> (usize, usize) {
        let (mut simplified, mut traditional) = (0, 0);
        for c in text.chars() {
            simplified += self.simplified_only.has(c) as usize;
            traditional += self.traditional_only.has(c) as usize;
        }
        (simplified, traditional)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scripts() -> Scripts {
        // Small classes, enough to check the counting: 中文 Han, か kana, 한 hangul, ASCII
        // letters (and é) as letters; 这 Simplified-only, 這 Traditional-only.
        Scripts::new("中文这這", "か", "한", "abcdefghijklmnopqrstuvwxyzé", "这", "這")
    }

    #[test]
    fn counts_runs_and_characters() {
        let s = scripts();
        assert_eq!(s.counts("abc dé 中文か한"), (2, 1, 1, 2, 9));
        assert_eq!(s.counts(""), (0, 0, 0, 0, 0));
        assert_eq!(s.counts("ab中ab"), (1, 0, 0, 2, 5));
        assert_eq!(s.counts("1a_b"), (0, 0, 0, 2, 2));
    }

    #[test]
    fn counts_variants() {
        let s = scripts();
        assert_eq!(s.variant_counts("这这這中"), (2, 1));
        assert_eq!(s.variant_counts("abc"), (0, 0));
    }
}
