//! One Aho-Corasick automaton over every keyword group (`Keywords` of
//! `cleanse/detectors/vocabulary.py`).
//!
//! The Python matcher compiles each group to `(?<![^\W_])(?:ascii words)(?![^\W_])|other|...`
//! with the alternatives longest first, and searches the lowercased text. Its answer is
//! therefore the match with the smallest key (start, not an ASCII word, longer first), among
//! occurrences whose ASCII words stand alone. That key does not depend on the group, so one
//! scan finds every occurrence of every keyword, and each group's answer is the smallest key
//! among the occurrences of its own words.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::tables::Tables;

/// One occurrence of a keyword in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub start: usize,
    /// Python tries the ASCII-word alternative before the others at the same position.
    pub not_ascii_word: bool,
    /// Longer words are tried first.
    pub shorter: std::cmp::Reverse<usize>,
    pub end: usize,
    pub word: usize,
}

pub struct Automaton {
    automaton: AhoCorasick,
    /// Per word: whether it must stand alone (Python's `ASCII_WORD`).
    ascii_word: Vec<bool>,
    /// Per group: a bitset over words.
    members: Vec<Vec<u64>>,
    group_count: usize,
}

impl Automaton {
    /// `words` are distinct and lowercased; `groups` hold indices into `words`.
    pub fn new(words: &[String], ascii_word: Vec<bool>, groups: &[Vec<usize>])
               -> Result<Automaton, aho_corasick::BuildError> {
        let automaton = AhoCorasick::builder().match_kind(MatchKind::Standard).build(words)?;
        let mut members = vec![vec![0u64; words.len().div_ceil(64)]; groups.len()];
        for (group, word_ids) in groups.iter().enumerate() {
            for &word in word_ids {
                members[group][word >> 6] |= 1 << (word & 63);
            }
        }
        Ok(Automaton { automaton, ascii_word, members, group_count: groups.len() })
    }

    pub fn group_count(&self) -> usize {
        self.group_count
    }

    fn in_group(&self, group: usize, word: usize) -> bool {
        (self.members[group][word >> 6] >> (word & 63)) & 1 == 1
    }

    /// Every occurrence the Python pattern could report: ASCII words only where no letter or
    /// digit (by `re`'s tables) touches them.
    fn hits<'a>(&'a self, tables: &'a Tables, text: &'a str)
                -> impl Iterator<Item = Hit> + 'a {
        self.automaton.find_overlapping_iter(text).filter_map(move |found| {
            let (start, end, word) = (found.start(), found.end(), found.pattern().as_usize());
            let ascii = self.ascii_word[word];
            if ascii {
                let before = text[..start].chars().next_back();
                let after = text[end..].chars().next();
                if before.is_some_and(|c| tables.re_alnum(c))
                    || after.is_some_and(|c| tables.re_alnum(c)) {
                    return None;
                }
            }
            Some(Hit { start, not_ascii_word: !ascii, shorter: std::cmp::Reverse(end - start),
                       end, word })
        })
    }

    /// Every occurrence of every group's words, in one scan (see `first_in_group`).
    pub fn occurrences(&self, tables: &Tables, text: &str) -> Box<[Hit]> {
        self.hits(tables, text).collect()
    }

    /// A group's `search` answer among a text's `occurrences`: the smallest of its own.
    pub fn first_in_group(&self, occurrences: &[Hit], group: usize) -> Option<Hit> {
        occurrences.iter().filter(|hit| self.in_group(group, hit.word)).min().copied()
    }

    /// One group's non-overlapping matches, left to right (`findall`, `sub`): after each
    /// match, the best one starting at or after its end.
    pub fn all_hits(&self, tables: &Tables, text: &str, group: usize) -> Vec<Hit> {
        let mut candidates: Vec<Hit> = self.hits(tables, text)
            .filter(|hit| self.in_group(group, hit.word)).collect();
        candidates.sort_unstable();
        let mut taken = Vec::new();
        let mut position = 0;
        for hit in candidates {
            if hit.start >= position {
                position = hit.end;
                taken.push(hit);
            }
        }
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn automaton(groups: &[&[&str]]) -> (Automaton, Vec<String>) {
        let mut words: Vec<String> = Vec::new();
        let mut ids = Vec::new();
        for group in groups {
            ids.push(group.iter().map(|w| {
                words.iter().position(|known| known == w).unwrap_or_else(|| {
                    words.push(w.to_string());
                    words.len() - 1
                })
            }).collect());
        }
        let ascii = words.iter().map(|w| w.chars().all(|c| c.is_ascii_lowercase() || " '.-".contains(c))).collect();
        (Automaton::new(&words, ascii, &ids).unwrap(), words)
    }

    #[test]
    fn ascii_words_stand_alone_and_longest_wins() {
        let tables = Tables::for_examples();
        let (a, words) = automaton(&[&["share", "share this"], &["分享", "x!"]]);
        let found = a.occurrences(&tables, "shared; share this! 分享");
        assert_eq!(words[a.first_in_group(&found, 0).unwrap().word], "share this");
        assert_eq!(words[a.first_in_group(&found, 1).unwrap().word], "分享");
        let all = a.all_hits(&tables, "share, share this, shares share", 0);
        let found: Vec<&str> = all.iter().map(|h| words[h.word].as_str()).collect();
        assert_eq!(found, ["share", "share this", "share"]);
    }
}
