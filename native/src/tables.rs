//! Character classes read off the running Python, so that the native core agrees with the
//! reference implementation character for character.
//!
//! Python's `re` and the third-party `regex` module each carry their own Unicode database
//! (and their own idea of `\w`, `\d`, `\s` and of case-insensitive letters), and both differ
//! from Rust's `char` methods (Rust's `is_alphabetic` includes combining marks, for one).
//! Instead of hard-coding one Unicode version, the Python side lists the members of each
//! class once per process (see `cleanse/native.py`) and the core keeps them as bitsets.

const CODE_POINTS: usize = 0x11_0000;

/// Membership of every code point in one class.
#[derive(Clone)]
pub struct Bits(Vec<u64>);

impl Bits {
    pub fn from_members(members: &str) -> Bits {
        let mut words = vec![0u64; CODE_POINTS / 64];
        for c in members.chars() {
            let code = c as usize;
            words[code >> 6] |= 1 << (code & 63);
        }
        Bits(words)
    }

    #[inline]
    pub fn has(&self, c: char) -> bool {
        let code = c as usize;
        (self.0[code >> 6] >> (code & 63)) & 1 == 1
    }
}

/// The classes the ported patterns use.
pub struct Tables {
    /// `re`'s `\w` (str.isalnum() or `_`).
    pub re_word: Bits,
    /// `re`'s `\d` (str.isdecimal()).
    pub re_digit: Bits,
    /// `re`'s `\s`, which is also what str.strip() removes (str.isspace()).
    pub re_space: Bits,
    /// `regex`'s `\w` (alphabetic, marks, decimal digits, connector punctuation, joiners).
    pub rx_word: Bits,
    /// `regex`'s `\d`.
    pub rx_digit: Bits,
    /// `regex`'s `\s`.
    pub rx_space: Bits,
    /// For each ASCII letter `a`..=`z`, the characters `regex` matches for it under IGNORECASE
    /// (the two ASCII cases plus, e.g., KELVIN SIGN for `k`, LONG S for `s`).
    pub letter_cases: [Vec<char>; 26],
}

impl Tables {
    /// `re`'s `[^\W_]`: a letter or digit.
    #[inline]
    pub fn re_alnum(&self, c: char) -> bool {
        c != '_' && self.re_word.has(c)
    }

    /// The characters an ASCII letter matches case-insensitively in `regex`.
    pub fn cases(&self, letter: char) -> &[char] {
        &self.letter_cases[(letter.to_ascii_lowercase() as u8 - b'a') as usize]
    }

    /// Tables that follow Rust's own Unicode data: for the core's unit tests and timing
    /// example, whose inputs stay in ASCII and CJK, where every database agrees.
    pub fn for_examples() -> Tables {
        let all: Vec<char> = (0..CODE_POINTS as u32).filter_map(char::from_u32).collect();
        let members = |f: &dyn Fn(char) -> bool| -> String {
            all.iter().copied().filter(|&c| f(c)).collect()
        };
        let word = members(&|c| c.is_alphanumeric() || c == '_');
        let digit = members(&|c| c.is_ascii_digit());
        let space = members(&|c| c.is_whitespace());
        let letter_cases = std::array::from_fn(|i| {
            let lower = (b'a' + i as u8) as char;
            let mut cases = vec![lower, lower.to_ascii_uppercase()];
            cases.extend(match lower {
                'i' => vec!['\u{130}'],
                'k' => vec!['\u{212a}'],
                's' => vec!['\u{17f}'],
                _ => vec![],
            });
            cases
        });
        Tables {
            re_word: Bits::from_members(&word),
            re_digit: Bits::from_members(&digit),
            re_space: Bits::from_members(&space),
            rx_word: Bits::from_members(&word),
            rx_digit: Bits::from_members(&digit),
            rx_space: Bits::from_members(&space),
            letter_cases,
        }
    }
}
