//! Sequences of characters a text must hold for a list of patterns to match it
//! (`cleanse.detectors.vocabulary.required_text`): tested before the patterns, which are a
//! Python call, so that the texts holding none of them are not asked about.

use crate::tables::Tables;

/// The sequences, each a list of the characters each of its places matches: the pattern's
/// literal characters with the characters `regex` matches for them when ignoring case.
pub struct Required {
    sequences: Vec<Vec<Vec<char>>>,
    /// Per ASCII character, the sequences that can open with it; the other characters that
    /// open a sequence, sorted, with theirs.
    ascii_first: Vec<Vec<usize>>,
    other_first: Vec<(char, Vec<usize>)>,
}

/// Whether `c` is a CJK unified ideograph (of the main block or extension A): no other
/// character matches one when case is ignored.
fn uncased_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

impl Required {
    /// From `required_text`'s sequences (each place a string of the characters it may
    /// hold). `None` when a place holds a character whose case variants the core does not
    /// know (it knows `regex`'s for the ASCII letters; other ASCII characters, and the
    /// ideographs, have none).
    pub fn new(t: &Tables, spec: &[Vec<String>]) -> Option<Required> {
        let mut sequences = Vec::with_capacity(spec.len());
        for places in spec {
            let mut sequence = Vec::with_capacity(places.len());
            for place in places {
                let mut chars = Vec::new();
                for c in place.chars() {
                    if c.is_ascii_alphabetic() {
                        chars.extend_from_slice(t.cases(c));
                    } else if c.is_ascii() || uncased_ideograph(c) {
                        chars.push(c);
                    } else {
                        return None;
                    }
                }
                if chars.is_empty() {
                    return None;
                }
                sequence.push(chars);
            }
            if sequence.is_empty() {
                return None;
            }
            sequences.push(sequence);
        }
        let mut ascii_first = vec![Vec::new(); 128];
        let mut other: std::collections::BTreeMap<char, Vec<usize>> = Default::default();
        for (index, sequence) in sequences.iter().enumerate() {
            for &c in &sequence[0] {
                let opening = if c.is_ascii() { &mut ascii_first[c as usize] }
                              else { other.entry(c).or_default() };
                if opening.last() != Some(&index) {
                    opening.push(index);
                }
            }
        }
        let other_first = other.into_iter().collect();
        Some(Required { sequences, ascii_first, other_first })
    }

    /// The sequences that can open with `c`.
    fn opening_with(&self, c: char) -> &[usize] {
        if c.is_ascii() {
            &self.ascii_first[c as usize]
        } else {
            self.other_first.binary_search_by_key(&c, |&(first, _)| first)
                .map_or(&[], |at| &self.other_first[at].1)
        }
    }

    /// Whether `text` holds one of the sequences.
    pub fn held_by(&self, text: &str) -> bool {
        text.char_indices().any(|(at, c)| {
            self.opening_with(c).iter().any(|&index| {
                // (its first place holds `c`: the places after it follow `c`)
                let mut rest = text[at + c.len_utf8()..].chars();
                self.sequences[index][1..].iter()
                    .all(|place| rest.next().is_some_and(|c| place.contains(&c)))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_are_found_case_aside() {
        let t = Tables::for_examples();
        let spec = vec![vec!["c".to_string(), "o".into(), "m".into()],
                        vec!["要".into(), "闻聞".into()]];
        let required = Required::new(&t, &spec).expect("known characters");
        assert!(required.held_by("12 COMments"));
        assert!(required.held_by("今日要聞"));
        assert!(!required.held_by("co m 要"));
        assert!(Required::new(&t, &[vec!["é".to_string()]]).is_none());
    }
}
