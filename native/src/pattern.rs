//! A small backtracking matcher for the two `regex`-module patterns of the line features
//! (`DATE_OR_TIME` and `URL` in `cleanse/features.py`).
//!
//! Their results (`findall` lengths, `search` hits) depend on backtracking order: which
//! alternative wins at a position and how far a greedy repeat reaches. A finite-automaton
//! engine (Rust's `regex` crate) has leftmost-first semantics too, but no look-behind and its
//! own Unicode tables, so the patterns are written here as trees and matched the way Python's
//! engines do it: alternatives in order, greedy repeats longest first, assertions in place.
//! Every repeat is of one character class, matched in a loop (no recursion per character),
//! so the stack depth is bounded by the pattern, not the input.

use crate::tables::Tables;

/// One character class.
#[derive(Debug, Clone)]
pub enum Class {
    /// Any of these characters (a literal, with its case variants where case is ignored).
    Any(Vec<char>),
    /// An inclusive range of characters.
    Range(char, char),
    RxDigit,
    RxSpace,
    RxNotSpace,
    /// `regex`'s `[\w-]`.
    RxWordOrDash,
}

#[derive(Debug, Clone)]
pub enum Node {
    /// Between `min` and `max` characters of the class, as many as possible first.
    Repeat(Class, usize, usize),
    Seq(Vec<Node>),
    /// The first alternative that lets the rest of the pattern match.
    Alt(Vec<Node>),
    /// `regex`'s `\b`.
    WordBoundary,
    /// Negative look-behind for one character of the class.
    NotAfter(Class),
}

pub struct Matcher<'t> {
    pub tables: &'t Tables,
}

impl<'t> Matcher<'t> {
    fn class_has(&self, class: &Class, c: char) -> bool {
        match class {
            Class::Any(chars) => chars.contains(&c),
            Class::Range(low, high) => *low <= c && c <= *high,
            Class::RxDigit => self.tables.rx_digit.has(c),
            Class::RxSpace => self.tables.rx_space.has(c),
            Class::RxNotSpace => !self.tables.rx_space.has(c),
            Class::RxWordOrDash => c == '-' || self.tables.rx_word.has(c),
        }
    }

    /// Match `node` at `pos`; on success call `then` with the end, backtracking into `node`
    /// while `then` refuses.
    fn run(&self, node: &Node, text: &[char], pos: usize,
           then: &mut dyn FnMut(usize) -> bool) -> bool {
        match node {
            Node::Repeat(class, min, max) => {
                let mut count = 0;
                while count < *max && pos + count < text.len()
                    && self.class_has(class, text[pos + count]) {
                    count += 1;
                }
                if count < *min {
                    return false;
                }
                (*min..=count).rev().any(|taken| then(pos + taken))
            }
            Node::Seq(items) => self.run_seq(items, text, pos, then),
            Node::Alt(options) => options.iter().any(|option| self.run(option, text, pos, then)),
            Node::WordBoundary => {
                let before = pos > 0 && self.tables.rx_word.has(text[pos - 1]);
                let after = pos < text.len() && self.tables.rx_word.has(text[pos]);
                before != after && then(pos)
            }
            Node::NotAfter(class) => {
                !(pos > 0 && self.class_has(class, text[pos - 1])) && then(pos)
            }
        }
    }

    fn run_seq(&self, items: &[Node], text: &[char], pos: usize,
               then: &mut dyn FnMut(usize) -> bool) -> bool {
        match items.split_first() {
            None => then(pos),
            Some((first, rest)) => {
                self.run(first, text, pos, &mut |next| self.run_seq(rest, text, next, then))
            }
        }
    }

    /// The end of the match of `node` starting at `pos`, if any.
    pub fn match_at(&self, node: &Node, text: &[char], pos: usize) -> Option<usize> {
        let mut end = None;
        self.run(node, text, pos, &mut |e| {
            end = Some(e);
            true
        });
        end
    }

    /// The end of the match at `pos` of the first alternative that matches there (an
    /// alternation of `alternatives`), skipping those the caller knows cannot match.
    pub fn first_match(&self, alternatives: &[Node], possible: &[bool], text: &[char], pos: usize)
                   -> Option<usize> {
        alternatives.iter().zip(possible)
            .filter(|(_, &possible)| possible)
            .find_map(|(node, _)| self.match_at(node, text, pos))
    }

    /// Characters covered by the non-overlapping matches of the alternation (Python's
    /// `findall`), trying only positions where a match can start.
    pub fn covered(&self, alternatives: &[Node], possible: &[bool], text: &[char],
                   can_start: &dyn Fn(&[char], usize) -> bool) -> usize {
        let (mut pos, mut covered) = (0, 0);
        while pos < text.len() {
            if can_start(text, pos) {
                if let Some(end) = self.first_match(alternatives, possible, text, pos) {
                    if end > pos {
                        covered += end - pos;
                        pos = end;
                        continue;
                    }
                }
            }
            pos += 1;
        }
        covered
    }

    /// Whether the alternation matches anywhere (Python's `search`).
    pub fn found(&self, alternatives: &[Node], possible: &[bool], text: &[char],
                 can_start: &dyn Fn(&[char], usize) -> bool) -> bool {
        (0..text.len()).any(|pos| can_start(text, pos)
                            && self.first_match(alternatives, possible, text, pos).is_some())
    }
}

// Builders: the patterns below read like the Python ones.

pub fn one(chars: &str) -> Node {
    Node::Repeat(Class::Any(chars.chars().collect()), 1, 1)
}

pub fn range(low: char, high: char) -> Node {
    Node::Repeat(Class::Range(low, high), 1, 1)
}

pub fn optional(node: Node) -> Node {
    Node::Alt(vec![node, Node::Seq(vec![])])
}

/// A literal matched case-insensitively the way `regex.I` does (ASCII letters get their
/// case variants; everything else in these patterns has no case).
pub fn literal(tables: &Tables, text: &str) -> Node {
    Node::Seq(text.chars().map(|c| {
        let chars = if c.is_ascii_alphabetic() { tables.cases(c).to_vec() } else { vec![c] };
        Node::Repeat(Class::Any(chars), 1, 1)
    }).collect())
}

pub fn any_of(tables: &Tables, words: &[&str]) -> Node {
    Node::Alt(words.iter().map(|w| literal(tables, w)).collect())
}

const MANY: usize = usize::MAX;

/// `MONTHS` of `cleanse/features.py`: `Jan(?:uary)?|...|Sep(?:t(?:ember)?)?|...`.
fn months(t: &Tables) -> Node {
    let with_tail = |head: &str, tail: &str| {
        Node::Seq(vec![literal(t, head), optional(literal(t, tail))])
    };
    Node::Alt(vec![
        with_tail("jan", "uary"), with_tail("feb", "ruary"), with_tail("mar", "ch"),
        with_tail("apr", "il"), literal(t, "may"), with_tail("jun", "e"), with_tail("jul", "y"),
        with_tail("aug", "ust"),
        Node::Seq(vec![literal(t, "sep"),
                       optional(Node::Seq(vec![literal(t, "t"), optional(literal(t, "ember"))]))]),
        with_tail("oct", "ober"), with_tail("nov", "ember"), with_tail("dec", "ember"),
    ])
}

/// Whether a `DATE_OR_TIME` match can start at `pos`: every alternative starts with a digit,
/// but the one that starts with `\b` and a month name.
pub fn date_can_start(t: &Tables, text: &[char], pos: usize) -> bool {
    let c = text[pos];
    if t.rx_digit.has(c) {
        return true;
    }
    // A month name's first letter as `regex` matches it ignoring case: of ASCII characters
    // only the letter and its capital (tests/test_native.py holds the tables to it), others
    // by the tables' variants (LONG S for `s`).
    let month_letter = if c.is_ascii() {
        matches!(c.to_ascii_lowercase(), 'j' | 'f' | 'm' | 'a' | 's' | 'o' | 'n' | 'd')
    } else {
        "jfmasond".chars().any(|letter| t.cases(letter).contains(&c))
    };
    month_letter && !(pos > 0 && t.rx_word.has(text[pos - 1]))
}

/// `DATE_OR_TIME` of `cleanse/features.py`, as its list of alternatives.
pub fn date_or_time(t: &Tables) -> Vec<Node> {
    let digit = || Node::Repeat(Class::RxDigit, 1, 1);
    let digits = |min, max| Node::Repeat(Class::RxDigit, min, max);
    let spaces = |min| Node::Repeat(Class::RxSpace, min, MANY);
    let maybe = |c: char| Node::Repeat(Class::Any(vec![c]), 0, 1);
    let year = || Node::Seq(vec![Node::Alt(vec![literal(t, "19"), literal(t, "20")]),
                                 digit(), digit()]);
    let month_number = || Node::Alt(vec![
        Node::Seq(vec![maybe('0'), range('1', '9')]),
        Node::Seq(vec![one("1"), range('0', '2')]),
    ]);
    let day_number = || Node::Alt(vec![
        Node::Seq(vec![maybe('0'), range('1', '9')]),
        Node::Seq(vec![one("12"), digit()]),
        Node::Seq(vec![one("3"), one("01")]),
    ]);
    let hour = || Node::Alt(vec![
        Node::Seq(vec![Node::Repeat(Class::Any(vec!['0', '1']), 0, 1), digit()]),
        Node::Seq(vec![one("2"), range('0', '3')]),
    ]);
    let minute = || Node::Seq(vec![range('0', '5'), digit()]);
    let loose_minute = || Node::Seq(vec![Node::Repeat(Class::Range('0', '5'), 0, 1), digit()]);
    let separator = || one("-/.");

    vec![
        // \b(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])\b
        Node::Seq(vec![Node::WordBoundary, year(), separator(), month_number(), separator(),
                       day_number(), Node::WordBoundary]),
        // (?:(?:19|20)\d\d\s*年\s*)?(?:0?[1-9]|1[0-2])\s*月\s*(?:0?[1-9]|[12]\d|3[01])\s*[日号號]
        Node::Seq(vec![optional(Node::Seq(vec![year(), spaces(0), one("年"), spaces(0)])),
                       month_number(), spaces(0), one("月"), spaces(0), day_number(),
                       spaces(0), one("日号號")]),
        // \b(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?\b
        Node::Seq(vec![Node::WordBoundary, hour(), one(":"), minute(),
                       optional(Node::Seq(vec![one(":"), minute()])), Node::WordBoundary]),
        // (?:[01]?\d|2[0-3])\s*[点點时時]\s*[0-5]?\d\s*分(?:\s*[0-5]?\d\s*秒)?
        Node::Seq(vec![hour(), spaces(0), one("点點时時"), spaces(0), loose_minute(),
                       spaces(0), one("分"),
                       optional(Node::Seq(vec![spaces(0), loose_minute(), spaces(0),
                                               one("秒")]))]),
        // \bMONTHS\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d\b
        Node::Seq(vec![Node::WordBoundary, months(t), maybe('.'), spaces(1), digits(1, 2),
                       optional(any_of(t, &["st", "nd", "rd", "th"])), maybe(','), spaces(1),
                       year(), Node::WordBoundary]),
        // \b\d{1,2}\s+MONTHS\.?,?\s+(?:19|20)\d\d\b
        Node::Seq(vec![Node::WordBoundary, digits(1, 2), spaces(1), months(t), maybe('.'),
                       maybe(','), spaces(1), year(), Node::WordBoundary]),
        // \b\d{1,4}\s+(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\s+ago\b
        Node::Seq(vec![Node::WordBoundary, digits(1, 4), spaces(1),
                       Node::Alt(["minute", "min", "hour", "hr", "day", "week", "month"].iter()
                           .map(|unit| Node::Seq(vec![
                               literal(t, unit),
                               Node::Repeat(Class::Any(t.cases('s').to_vec()), 0, 1)]))
                           .collect()),
                       spaces(1), literal(t, "ago"), Node::WordBoundary]),
        // (?<!\d)\d{1,4}\s*(?:分钟|分鐘|小时|小時|天|周|週)前
        Node::Seq(vec![Node::NotAfter(Class::RxDigit), digits(1, 4), spaces(0),
                       any_of(t, &["分钟", "分鐘", "小时", "小時", "天", "周", "週"]),
                       one("前")]),
    ]
}

/// Which `DATE_OR_TIME` alternatives can match somewhere in `text`, from characters each
/// one needs (a cheap scan that spares trying them at every digit).
pub fn date_possible(t: &Tables, text: &[char]) -> [bool; 8] {
    let has = |f: &dyn Fn(char) -> bool| text.iter().any(|&c| f(c));
    let year = text.windows(2).any(|pair| matches!(pair, ['1', '9'] | ['2', '0']));
    [
        year && has(&|c| matches!(c, '-' | '/' | '.')),
        has(&|c| c == '月'),
        has(&|c| c == ':'),
        has(&|c| c == '分'),
        year,
        year,
        has(&|c| t.cases('g').contains(&c)),
        has(&|c| c == '前'),
    ]
}

/// `URL` of `cleanse/features.py`, as its list of alternatives:
/// `https?://\S+|www\.\S+|(?<![\w-])[\w-]{1,63}\.(?:com|net|org|io|cn|co|info|app)\b`.
pub fn url(t: &Tables) -> Vec<Node> {
    vec![
        Node::Seq(vec![literal(t, "http"), Node::Repeat(Class::Any(t.cases('s').to_vec()), 0, 1),
                       literal(t, "://"), Node::Repeat(Class::RxNotSpace, 1, MANY)]),
        Node::Seq(vec![literal(t, "www."), Node::Repeat(Class::RxNotSpace, 1, MANY)]),
        Node::Seq(vec![Node::NotAfter(Class::RxWordOrDash),
                       Node::Repeat(Class::RxWordOrDash, 1, 63), one("."),
                       any_of(t, &["com", "net", "org", "io", "cn", "co", "info", "app"]),
                       Node::WordBoundary]),
    ]
}

/// Which `URL` alternatives can match somewhere in `text`: `://`, `.` after a `w`, and `.`
/// before the first letter of a domain ending.
pub fn url_possible(t: &Tables, text: &[char]) -> [bool; 3] {
    let after_dot = |letters: &str| text.windows(2).any(|pair| {
        pair[0] == '.' && letters.chars().any(|letter| t.cases(letter).contains(&pair[1]))
    });
    [
        text.windows(3).any(|w| w == [':', '/', '/']),
        text.windows(2).any(|pair| pair[1] == '.' && t.cases('w').contains(&pair[0])),
        after_dot("cnoia"),
    ]
}

/// Whether a `URL` match can start at `pos`: at `h` or `w`, or where a run of `[\w-]` starts.
pub fn url_can_start(t: &Tables, text: &[char], pos: usize) -> bool {
    let c = text[pos];
    let word_or_dash = |c: char| c == '-' || t.rx_word.has(c);
    t.cases('h').contains(&c) || t.cases('w').contains(&c)
        || (word_or_dash(c) && !(pos > 0 && word_or_dash(text[pos - 1])))
}
