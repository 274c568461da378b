//! `line_features` of `cleanse/features.py`, computed in one pass of native code.
//!
//! Each function names the Python pattern it stands for; the comments say how its
//! backtracking reduces to the loop written here. Positions and lengths are in characters
//! (code points), as in Python.

use std::borrow::Cow;

use crate::pattern::{self, Matcher, Node};
use crate::tables::Tables;

/// Past this many characters a line is matched piece by piece (`STREAM_CHARS`).
pub const STREAM_CHARS: usize = 100_000;
/// How far past a piece's nominal end a cut looks for a space (`_pieces`).
const CUT_SEARCH: usize = 1000;

/// The ranges of `UNSPACED_RANGES`: Han and kana.
pub fn is_unspaced(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}' | '\u{31f0}'..='\u{31ff}' | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff66}'..='\u{ff9f}'
        | '\u{20000}'..='\u{3134f}')
}

/// The CJK ranges of `CJK_RANGES`: `HANGUL_RANGES` and `UNSPACED_RANGES`.
pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{11ff}' | '\u{3130}'..='\u{318f}' | '\u{ac00}'..='\u{d7af}')
        || is_unspaced(c)
}

const TERMINAL_BEFORE_TAG: &str = "。！？.!?";
const LIST_BULLETS: &str = "-*+•·●▪◦";
const NUMBER_ENDS: &str = ".)、";
const MARKDOWN_PREFIX_STARTS: &str = "#>-*+•·●▪◦0123456789";

/// `CLOSERS`: what `final_mark` looks past.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '」' | '』' | '）' | ')' | ']' | '】' | '》' | '*' | '_' | ' ')
}

/// `INNER_PUNCT`: `[，、,;；：:（）()《》“”"']`.
fn is_inner_punct(c: char) -> bool {
    matches!(c, '，' | '、' | ',' | ';' | '；' | '：' | ':' | '（' | '）' | '(' | ')' | '《' | '》'
             | '“' | '”' | '"' | '\'')
}

/// What `line_features` returns, field for field (`None` for a blank line).
#[derive(Debug, PartialEq, Eq)]
pub struct Features {
    pub stripped: String,
    pub plain: String,
    pub cjk: usize,
    pub words: usize,
    pub alnum: usize,
    pub digits: usize,
    pub inner_punct: usize,
    pub final_mark: Option<char>,
    pub heading: bool,
    pub list_item: bool,
    pub link_like: bool,
    pub date_chars: usize,
}

/// The compiled patterns, built once per set of tables.
pub struct Core {
    pub tables: Tables,
    date: Vec<Node>,
    url: Vec<Node>,
}

impl Core {
    pub fn new(tables: Tables) -> Core {
        let date = pattern::date_or_time(&tables);
        let url = pattern::url(&tables);
        Core { tables, date, url }
    }

    fn strip<'a>(&self, text: &'a str) -> &'a str {
        let space = |c| self.tables.re_space.has(c);
        text.trim_matches(space)
    }

    /// `line_features(text)`.
    pub fn line_features(&self, text: &str) -> Option<Features> {
        let stripped = self.strip(text);
        if stripped.is_empty() {
            return None;
        }
        let plain = self.plain_text(stripped);
        let t = &self.tables;
        let (mut cjk, mut alnum, mut digits, mut punct) = (0, 0, 0, 0);
        for c in plain.chars() {
            cjk += is_cjk(c) as usize;
            alnum += t.re_alnum(c) as usize;
            digits += t.re_digit.has(c) as usize;
            punct += is_inner_punct(c) as usize;
        }
        let words = pieces(&plain).iter().map(|piece| self.count_words(piece)).sum();
        // `plain[:-1]`: every character but the last.
        let inner_punct = punct - plain.chars().next_back().is_some_and(is_inner_punct) as usize;
        let link_like = ((stripped.contains('.') || stripped.contains(':'))
                         && self.has_url(stripped))
            || (stripped.contains("](") && has_markdown_link(stripped));
        // Every date or time form contains a digit.
        let date_chars = if digits > 0 {
            pieces(&plain).iter().map(|piece| self.date_chars(piece)).sum()
        } else {
            0
        };
        Some(Features {
            stripped: stripped.to_string(),
            final_mark: self.final_mark(&plain),
            heading: stripped.starts_with('#'),
            list_item: self.list_marker(stripped),
            plain,
            cjk,
            words,
            alnum,
            digits,
            inner_punct,
            link_like,
            date_chars,
        })
    }

    /// `plain_text(text)`: markdown links, prefixes and emphasis removed, then stripped.
    pub fn plain_text(&self, text: &str) -> String {
        let mut plain: Cow<str> = Cow::Borrowed(text);
        if plain.contains("](") {
            plain = Cow::Owned(replace_markdown_links(&plain));
        }
        let first = plain.trim_start_matches(|c| self.tables.re_space.has(c)).chars().next();
        if first.is_some_and(|c| MARKDOWN_PREFIX_STARTS.contains(c)) {
            let rest = self.markdown_prefix_end(&plain);
            if rest > 0 {
                plain = Cow::Owned(plain[rest..].to_string());
            }
        }
        if plain.contains(['*', '_', '`']) {
            plain = Cow::Owned(remove_emphasis(&plain));
        }
        self.strip(&plain).to_string()
    }

    /// Byte length of the `MARKDOWN_PREFIX` match at the start (0 when none):
    /// `^\s*(?:#{1,6}\s+|>\s*|[-*+•·●▪◦]\s+|\d{1,3}[.)、]\s+)+`.
    ///
    /// The alternatives start with different characters and none can start with a space, so
    /// each repetition is decided by its first character and greedy runs never need to give
    /// anything back: a run of more than six `#` or three digits fails whatever is retried.
    fn markdown_prefix_end(&self, text: &str) -> usize {
        let t = &self.tables;
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let at = |i: usize| chars.get(i).map(|&(_, c)| c);
        let run = |mut i: usize, f: &dyn Fn(char) -> bool| {
            while at(i).is_some_and(f) {
                i += 1;
            }
            i
        };
        let space = |c: char| t.re_space.has(c);
        let mut i = run(0, &space);
        let mut repetitions = 0;
        loop {
            let next = match at(i) {
                Some('#') => {
                    let end = run(i, &|c| c == '#');
                    (end - i <= 6 && at(end).is_some_and(space)).then(|| run(end, &space))
                }
                Some('>') => Some(run(i + 1, &space)),
                Some(c) if LIST_BULLETS.contains(c) => {
                    at(i + 1).is_some_and(space).then(|| run(i + 1, &space))
                }
                Some(c) if t.re_digit.has(c) => {
                    let end = run(i, &|c| t.re_digit.has(c));
                    (end - i <= 3 && at(end).is_some_and(|c| NUMBER_ENDS.contains(c))
                     && at(end + 1).is_some_and(space)).then(|| run(end + 1, &space))
                }
                _ => None,
            };
            match next {
                Some(end) => {
                    i = end;
                    repetitions += 1;
                }
                None => break,
            }
        }
        if repetitions == 0 {
            0
        } else {
            chars.get(i).map_or(text.len(), |&(offset, _)| offset)
        }
    }

    /// `LIST_MARKER.match(text)`: `[-*+•·●▪◦]\s|\d{1,3}[.)、]\s` at the start.
    fn list_marker(&self, text: &str) -> bool {
        let t = &self.tables;
        let mut chars = text.chars();
        let first = chars.next();
        match first {
            Some(c) if LIST_BULLETS.contains(c) => chars.next().is_some_and(|c| t.re_space.has(c)),
            Some(c) if t.re_digit.has(c) => {
                let mut digits = 1;
                let mut next = chars.next();
                while next.is_some_and(|c| t.re_digit.has(c)) {
                    digits += 1;
                    next = chars.next();
                }
                digits <= 3 && next.is_some_and(|c| NUMBER_ENDS.contains(c))
                    && chars.next().is_some_and(|c| t.re_space.has(c))
            }
            _ => false,
        }
    }

    /// `count(WORD, text)` for one piece: `[^\W\d_{CJK}][\w'’-]*`. A word starts at a
    /// letter-like character and runs over word characters, apostrophes and hyphens; the
    /// character that ends it is none of those, so it cannot start the next word.
    fn count_words(&self, text: &str) -> usize {
        let t = &self.tables;
        let (mut count, mut inside) = (0, false);
        for c in text.chars() {
            let word_char = t.re_word.has(c);
            if inside && (word_char || c == '\'' || c == '’' || c == '-') {
                continue;
            }
            inside = word_char && c != '_' && !t.re_digit.has(c) && !is_cjk(c);
            count += inside as usize;
        }
        count
    }

    /// `run_length(DATE_OR_TIME, text)` for one piece.
    fn date_chars(&self, text: &str) -> usize {
        let chars: Vec<char> = text.chars().collect();
        let possible = pattern::date_possible(&self.tables, &chars);
        let matcher = Matcher { tables: &self.tables };
        matcher.covered(&self.date, &possible, &chars,
                        &|text, pos| pattern::date_can_start(&self.tables, text, pos))
    }

    /// `bool(DATE_OR_TIME.match(text))`: a date or time opens the text.
    pub fn opens_with_date(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        if chars.is_empty() || !pattern::date_can_start(&self.tables, &chars, 0) {
            return false;
        }
        let possible = pattern::date_possible(&self.tables, &chars);
        Matcher { tables: &self.tables }.first_match(&self.date, &possible, &chars, 0).is_some()
    }

    /// The match of `URL.search(text)`, if any: the leftmost position where an alternative
    /// matches, and the end the first alternative matching there gives (the `regex` order).
    pub fn url_match<'t>(&self, text: &'t str) -> Option<&'t str> {
        let chars: Vec<char> = text.chars().collect();
        let possible = pattern::url_possible(&self.tables, &chars);
        if !possible.contains(&true) {
            return None;
        }
        let matcher = Matcher { tables: &self.tables };
        let (start, end) = (0..chars.len()).find_map(|pos| {
            if !pattern::url_can_start(&self.tables, &chars, pos) {
                return None;
            }
            matcher.first_match(&self.url, &possible, &chars, pos).map(|end| (pos, end))
        })?;
        let byte = |index: usize| text.char_indices().nth(index).map_or(text.len(), |(at, _)| at);
        Some(&text[byte(start)..byte(end)])
    }

    /// `bool(URL.search(text))`.
    fn has_url(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let possible = pattern::url_possible(&self.tables, &chars);
        if !possible.contains(&true) {
            return false;
        }
        let matcher = Matcher { tables: &self.tables };
        matcher.found(&self.url, &possible, &chars,
                      &|text, pos| pattern::url_can_start(&self.tables, text, pos))
    }

    /// `final_mark(text)`: the last visible character, past closing quotes, brackets and an
    /// end tag.
    fn final_mark(&self, text: &str) -> Option<char> {
        let mut stripped = text.trim_end_matches(|c| self.tables.re_space.has(c));
        if stripped.ends_with([')', '）']) {
            stripped = self.without_trailing_tag(stripped);
        }
        stripped.trim_end_matches(is_closer).chars().next_back()
    }

    /// `TRAILING_TAG.sub("", text)` for a text ending in a closing bracket:
    /// `(?<=[。！？.!?])\s*[（(][^()（）]{1,12}[)）]$`. The tag's opening bracket can only be
    /// the last bracket before the final one; the spaces before it are taken whole, since the
    /// look-behind needs a sentence end, which is not a space.
    fn without_trailing_tag<'a>(&self, text: &'a str) -> &'a str {
        let mut before_close = text.char_indices().rev().skip(1);
        let mut inside = 0;
        let open = loop {
            match before_close.next() {
                Some((offset, c)) if "()（）".contains(c) => break Some((offset, c)),
                Some(_) if inside < 12 => inside += 1,
                _ => break None,
            }
        };
        let Some((open, '(' | '（')) = open else { return text };
        if inside == 0 {
            return text;
        }
        let head = text[..open].trim_end_matches(|c| self.tables.rx_space.has(c));
        match head.chars().next_back() {
            Some(c) if TERMINAL_BEFORE_TAG.contains(c) => head,
            _ => text,
        }
    }
}

/// `_pieces(text)`: the text cut every `STREAM_CHARS` characters, at the next space within
/// `CUT_SEARCH` characters if there is one. A text of at most `STREAM_CHARS` is one piece.
pub fn pieces(text: &str) -> Vec<&str> {
    if text.len() <= STREAM_CHARS || text.chars().count() <= STREAM_CHARS {
        return vec![text];
    }
    let mut offsets: Vec<usize> = text.char_indices().map(|(offset, _)| offset).collect();
    let length = offsets.len();
    offsets.push(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    while start < length {
        let nominal = start + STREAM_CHARS;
        let window = nominal.min(length)..(nominal + CUT_SEARCH).min(length);
        let end = window.clone().find(|&i| chars[i] == ' ').unwrap_or(nominal.min(length));
        out.push(&text[offsets[start]..offsets[end]]);
        start = end;
    }
    out
}

/// Where the `MARKDOWN_LINK` match starting at byte `open` (a `[`) ends, and its label:
/// `\[([^\[\]]*)\]\([^()\[\]]*\)`. Each bracket class stops at the first bracket, which must
/// then be the closing one; giving characters back only exposes a non-bracket.
fn markdown_link_at(bytes: &[u8], open: usize) -> Option<(usize, usize, usize)> {
    let label_end = open + 1 + bytes[open + 1..].iter().position(|b| b"[]".contains(b))?;
    if bytes[label_end] != b']' || bytes.get(label_end + 1) != Some(&b'(') {
        return None;
    }
    let target = label_end + 2;
    let close = target + bytes[target..].iter().position(|b| b"()[]".contains(b))?;
    (bytes[close] == b')').then_some((open + 1, label_end, close + 1))
}

/// `MARKDOWN_LINK.sub(r"\1", text)`: `![label](target)` and `[label](target)` become `label`.
/// The delimiters are ASCII, so the scan works on bytes without splitting a character.
fn replace_markdown_links(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        let open = if bytes[i] == b'!' && bytes.get(i + 1) == Some(&b'[') { i + 1 } else { i };
        if bytes[open] == b'[' {
            if let Some((label_start, label_end, end)) = markdown_link_at(bytes, open) {
                out.push_str(&text[copied..i]);
                out.push_str(&text[label_start..label_end]);
                copied = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// `bool(MARKDOWN_LINK.search(text))`.
fn has_markdown_link(text: &str) -> bool {
    let bytes = text.as_bytes();
    (0..bytes.len()).any(|i| bytes[i] == b'[' && markdown_link_at(bytes, i).is_some())
}

/// `EMPHASIS.sub("", text)` with `(\*\*|__|\*|`)`: every `*` and backtick goes, and
/// underscores go in pairs (a run of five keeps one).
fn remove_emphasis(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' | '`' => {}
            '_' if chars.peek() == Some(&'_') => {
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn core() -> Core {
        Core::new(Tables::for_examples())
    }

    #[test]
    fn plain_text_removes_markdown() {
        let core = core();
        assert_eq!(core.plain_text("## **Hello** [world](http://x.y) __a___"), "Hello world a_");
        assert_eq!(core.plain_text("1. 2) - item"), "item");
        assert_eq!(core.plain_text("1234. not a list"), "1234. not a list");
        assert_eq!(core.plain_text("####### seven"), "####### seven");
        assert_eq!(core.plain_text("![alt](img.png)[x]"), "alt[x]");
    }

    #[test]
    fn counts_words_cjk_and_dates() {
        let core = core();
        let f = core.line_features("  Posted 3 hours ago, 2024-05-06 12:30 今天下午3点20分  ").unwrap();
        assert_eq!(f.words, 3); // Posted, hours, ago (digits and CJK do not start words)
        assert_eq!(f.cjk, 6);
        assert_eq!((f.alnum, f.digits, f.inner_punct), (36, 16, 2));
        // "3 hours ago", "2024-05-06", "12:30", "3点20分" (as the Python reference counts)
        assert_eq!(f.date_chars, 31);
        assert_eq!(f.final_mark, Some('分'));
        assert!(core.line_features(" \t ").is_none());
    }

    #[test]
    fn final_mark_skips_closers_and_end_tags() {
        let core = core();
        assert_eq!(core.final_mark("答案。（小小）"), Some('。'));
        assert_eq!(core.final_mark("a (b)"), Some('b'));
        assert_eq!(core.final_mark("He said \"yes.\"**"), Some('.'));
        assert_eq!(core.final_mark(""), None);
    }

    #[test]
    fn urls_and_list_markers() {
        let core = core();
        assert_eq!(core.url_match("see example.com now"), Some("example.com"));
        assert_eq!(core.url_match("a HTTPS://x/y z www.b.cn"), Some("HTTPS://x/y"));
        assert_eq!(core.url_match("example.comics"), None);
        assert!(core.has_url("see example.com now"));
        assert!(core.has_url("HTTPS://x"));
        assert!(!core.has_url("example.comics"));
        assert!(!core.has_url("http:// x"));
        assert!(core.list_marker("12. item"));
        assert!(!core.list_marker("1234. item"));
    }

    #[test]
    fn long_lines_are_cut_at_spaces() {
        let text = "word ".repeat(50_000);
        let cut = pieces(&text);
        assert!(cut.len() > 1);
        assert_eq!(cut.concat(), text);
        assert!(cut[1..].iter().all(|piece| piece.starts_with(' ')));
    }
}
