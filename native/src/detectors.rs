//! Pieces of the detectors' rules that need no Python (`cleanse/detectors/`), for the native
//! detector passes (`passes.rs`, which call them; tests/test_native.py compares the passes
//! with the Python reference).

use crate::tables::Bits;

/// `chrome.EXPANDER_SUFFIX.search(text)`: `(?:展开|展開|更多|阅读全文|閱讀全文|查看全文|全文)
/// \s*[>›»]*$`. Arrows and spaces are disjoint and no word ends in either, so a match is the
/// text's trailing arrows, the spaces before them and a word before those.
pub fn expander_suffix(text: &str, space: &Bits) -> bool {
    const WORDS: [&str; 7] = ["展开", "展開", "更多", "阅读全文", "閱讀全文", "查看全文", "全文"];
    let rest = text.trim_end_matches(['>', '›', '»']);
    let rest = rest.trim_end_matches(|c| space.has(c));
    WORDS.iter().any(|word| rest.ends_with(word))
}

/// `chrome.CREDIT_MARK.search(tail)`: a closing bracket, a colon or a slash.
pub fn credit_mark(text: &str) -> bool {
    text.contains([')', '）', ':', '：', '/'])
}

/// The last `count` characters of `text` (`text[-count:]`).
pub fn tail(text: &str, count: usize) -> &str {
    if count == 0 {
        return "";
    }
    text.char_indices().rev().nth(count - 1).map_or(text, |(start, _)| &text[start..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::Tables;

    #[test]
    fn expander_suffixes() {
        let space = Tables::for_examples().rx_space;
        assert!(expander_suffix("新闻 阅读全文 >>", &space));
        assert!(expander_suffix("展开", &space));
        assert!(!expander_suffix("全文 >> >", &space));
        assert!(!expander_suffix("全文x", &space));
    }

    #[test]
    fn tails_count_characters() {
        assert_eq!(tail("日本語text", 5), "語text");
        assert_eq!(tail("abc", 80), "abc");
        assert_eq!(tail("abc", 0), "");
    }
}
