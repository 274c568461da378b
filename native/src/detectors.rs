//! Pieces of the detectors' rules that need no Python (`cleanse/detectors/`), for the native
//! detector passes (`passes.rs`, which call them; tests/test_native.py compares the passes
//! with the Python reference).

use crate::tables::Bits;
use crate::text::runs_to_space;

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

/// `related_lists.COUNT_SUFFIX.sub("", text)`: `[（(]\d+[)）]$` (`regex`'s `\d`) removed. A
/// match can only end the text, and the digits before its closing bracket are the text's
/// whole trailing run of digits (an opening bracket is no digit).
pub fn without_count_suffix<'a>(text: &'a str, digit: &Bits) -> &'a str {
    let Some(inner) = text.strip_suffix([')', '）']) else { return text };
    let before_digits = inner.trim_end_matches(|c| digit.has(c));
    if before_digits.len() == inner.len() {
        return text;
    }
    before_digits.strip_suffix(['(', '（']).unwrap_or(text)
}

/// `bool(related_lists.INLINE_SEPARATOR.match(rest)) and
/// INLINE_SEPARATOR.sub("", rest).strip()`: `^\s*[:：|｜>›»-]\s*` (`regex`'s `\s`) opens
/// `rest` and something other than `str.strip`'s whitespace (`strip_space`) follows it.
pub fn separated_inline(rest: &str, space: &Bits, strip_space: &Bits) -> bool {
    let after_space = rest.trim_start_matches(|c| space.has(c));
    let Some(after_separator) = after_space.strip_prefix([':', '：', '|', '｜', '>', '›', '»', '-'])
        else { return false };
    let after = after_separator.trim_start_matches(|c| space.has(c));
    !after.trim_matches(|c| strip_space.has(c)).is_empty()
}

#[cfg(test)]
mod related_list_tests {
    use super::*;
    use crate::tables::Tables;

    #[test]
    fn count_suffixes() {
        let digit = Tables::for_examples().rx_digit;
        assert_eq!(without_count_suffix("评论 (12)", &digit), "评论 ");
        assert_eq!(without_count_suffix("x(1(23)", &digit), "x(1");
        assert_eq!(without_count_suffix("x()", &digit), "x()");
        assert_eq!(without_count_suffix("x 12)", &digit), "x 12)");
        assert_eq!(without_count_suffix("（7）", &digit), "");
    }

    #[test]
    fn inline_separators() {
        let space = Tables::for_examples().rx_space;
        assert!(separated_inline(" : a story", &space, &space));
        assert!(separated_inline("：标题", &space, &space));
        assert!(!separated_inline(" : ", &space, &space));
        assert!(!separated_inline("story", &space, &space));
    }
}

/// `menus.ITEM_BAR`: `[|·•｜/]`.
pub fn is_item_bar(c: char) -> bool {
    matches!(c, '|' | '·' | '•' | '｜' | '/')
}

/// `[i for i in menus.ITEM_SEPARATOR.split(text) if i.strip()]`, where the separator is
/// `\s*[|·•｜/]\s*|\s+` (`re`'s `\s`, `space`): a separator match starts at every space or
/// bar and takes all the spaces and bars that follow one another, so the items are the
/// maximal runs of other characters.
pub fn menu_items<'a>(text: &'a str, space: &Bits) -> Vec<&'a str> {
    text.split(|c| space.has(c) || is_item_bar(c)).filter(|item| !item.is_empty()).collect()
}

/// `len(text.split())`: the runs of characters other than `str.split`'s whitespace (`space`).
pub fn whitespace_words(text: &str, space: &Bits) -> usize {
    text.split(|c| space.has(c)).filter(|word| !word.is_empty()).count()
}

#[cfg(test)]
mod menu_tests {
    use super::*;
    use crate::tables::Tables;

    #[test]
    fn items_between_bars_and_spaces() {
        let space = Tables::for_examples().re_space;
        assert_eq!(menu_items(" News | Sport  /| Weather·TV ", &space),
                   ["News", "Sport", "Weather", "TV"]);
        assert_eq!(menu_items("教育 健康", &space), ["教育", "健康"]);
        assert!(menu_items(" | ", &space).is_empty());
        assert_eq!(whitespace_words("  a b\tc ", &space), 3);
    }
}

/// `headline_runs.COUNTED_ITEM.search(text)`: `[(（\[]\s*\d[\d,.]*\s*[)）\]]\s*$` (`re`'s
/// `\s`, `\d`). Read from the end: spaces, a closing bracket, spaces, then a run of digits,
/// commas and dots (the whole run: nothing before it could continue the match) that starts
/// with a digit, spaces and an opening bracket.
pub fn counted_item(text: &str, space: &Bits, digit: &Bits) -> bool {
    let rest = text.trim_end_matches(|c| space.has(c));
    let Some(rest) = rest.strip_suffix([')', '）', ']']) else { return false };
    let rest = rest.trim_end_matches(|c| space.has(c));
    let before = rest.trim_end_matches(|c| digit.has(c) || c == ',' || c == '.');
    if !rest[before.len()..].chars().next().is_some_and(|c| digit.has(c)) {
        return false;
    }
    before.trim_end_matches(|c| space.has(c)).ends_with(['(', '（', '['])
}

/// `headline_runs.TAGGED_HEADLINE.search(text)`: `^\s*[\[【［][^\]】］]{1,6}[\]】］]` (a tag of
/// one to six characters opening the line) or `[(（](?:组|附)?图[)）]\s*$` (`re`'s `\s`).
pub fn tagged_headline(text: &str, space: &Bits) -> bool {
    const CLOSERS: [char; 3] = [']', '】', '］'];
    let start = text.trim_start_matches(|c| space.has(c));
    if let Some(inside) = start.strip_prefix(['[', '【', '［']) {
        let tag = inside.chars().take_while(|c| !CLOSERS.contains(c)).count();
        if (1..=6).contains(&tag) && inside.chars().nth(tag).is_some() {
            return true;
        }
    }
    let end = text.trim_end_matches(|c| space.has(c));
    let Some(rest) = end.strip_suffix([')', '）']).and_then(|r| r.strip_suffix('图')) else {
        return false;
    };
    rest.ends_with(['(', '（'])
        || rest.strip_suffix(['组', '附']).is_some_and(|r| r.ends_with(['(', '（']))
}

#[cfg(test)]
mod headline_tests {
    use super::*;
    use crate::tables::Tables;

    #[test]
    fn counted_items() {
        let t = Tables::for_examples();
        assert!(counted_item("Week 12 power rankings (133)", &t.re_space, &t.re_digit));
        assert!(counted_item("往事如烟（ 1,234 ） ", &t.re_space, &t.re_digit));
        assert!(!counted_item("x (,12)", &t.re_space, &t.re_digit));
        assert!(!counted_item("x (a12)", &t.re_space, &t.re_digit));
        assert!(!counted_item("x (12) y", &t.re_space, &t.re_digit));
    }

    #[test]
    fn tagged_headlines() {
        let space = Tables::for_examples().re_space;
        assert!(tagged_headline(" [法制] 标题", &space));
        assert!(tagged_headline("标题(组图) ", &space));
        assert!(tagged_headline("标题（图）", &space));
        assert!(!tagged_headline("[] x", &space));
        assert!(!tagged_headline("[1234567] x", &space));
        assert!(!tagged_headline("标题(多图)", &space));
    }
}

/// `breadcrumbs.SEPARATOR`'s characters: `[>＞›»/|→]+`.
fn is_crumb_separator(c: char) -> bool {
    matches!(c, '>' | '＞' | '›' | '»' | '/' | '|' | '→')
}

/// The crumbs of a line (`[c.strip() for c in SEPARATOR.split(text) if c.strip()]`, with
/// `str.strip`'s whitespace `space`) and its number of separator runs
/// (`len(SEPARATOR.findall(text))`); None when it holds no separator.
pub fn crumbs<'a>(text: &'a str, space: &Bits) -> Option<(Vec<&'a str>, usize)> {
    let mut runs = 0;
    let mut previous = false;
    for c in text.chars() {
        let separator = is_crumb_separator(c);
        runs += (separator && !previous) as usize;
        previous = separator;
    }
    if runs == 0 {
        return None;
    }
    let crumbs = text.split(is_crumb_separator).map(|c| c.trim_matches(|ch| space.has(ch)))
        .filter(|c| !c.is_empty()).collect();
    Some((crumbs, runs))
}

#[cfg(test)]
mod crumb_tests {
    use super::*;
    use crate::tables::Tables;

    #[test]
    fn crumbs_between_separator_runs() {
        let space = Tables::for_examples().re_space;
        let (crumbs, runs) = crumbs("首页 > 科技 >> 正文 / ", &space).unwrap();
        assert_eq!((crumbs, runs), (vec!["首页", "科技", "正文"], 3));
        assert!(super::crumbs("no trail here", &space).is_none());
    }
}

/// Whether `share.COUNTER` (`^[\d,.]+...`) can match `text`: it opens with one of `re`'s
/// digits `digit`, a comma or a full stop. Only such text is handed to the pattern itself.
pub fn may_count(text: &str, digit: &Bits) -> bool {
    text.chars().next().is_some_and(|c| c == ',' || c == '.' || digit.has(c))
}

/// `share.SEPARATORS.sub(" ", text).strip()`: each run of `re`'s whitespace `space` and the
/// separators `|/·•,，、:：()（）[]` becomes one space, then `str.strip`'s whitespace (the
/// same class) goes from both ends.
pub fn share_separated(text: &str, space: &Bits) -> String {
    let separator = |c: char| space.has(c) || "|/·•,，、:：()（）[]".contains(c);
    runs_to_space(text, separator).trim_matches(|c| space.has(c)).to_owned()
}

#[cfg(test)]
mod share_tests {
    use super::*;
    use crate::tables::Tables;

    #[test]
    fn separator_runs_become_one_space() {
        let space = Tables::for_examples().re_space;
        assert_eq!(share_separated("  a | b//c·,d  ", &space), "a b c d");
        assert_eq!(share_separated("（微博）", &space), "微博");
        assert_eq!(share_separated("", &space), "");
    }

    #[test]
    fn counters_open_with_a_digit_comma_or_stop() {
        let digit = Tables::for_examples().re_digit;
        assert!(may_count("1,234 likes", &digit) && may_count(",5", &digit));
        assert!(may_count(".5k", &digit));
        assert!(!may_count("likes 12", &digit) && !may_count("", &digit));
    }
}

/// Whether `author_bio.BIO_OPENING` (a name, then `\s+(?:is|was|joined|writes|covers)\b`)
/// can match `text`: it opens with a letter that may be `regex`'s `\p{Lu}` (an ASCII capital
/// or any character outside ASCII: Unicode versions agree on ASCII only) and holds one of the
/// verbs right after `regex`'s whitespace `space`.
pub fn may_open_bio(text: &str, space: &Bits) -> bool {
    const VERBS: [&str; 5] = ["is", "was", "joined", "writes", "covers"];
    let Some(first) = text.chars().next() else { return false };
    if first.is_ascii() && !first.is_ascii_uppercase() {
        return false;
    }
    text.char_indices().any(|(at, c)| {
        space.has(c) && VERBS.iter().any(|verb| text[at + c.len_utf8()..].starts_with(verb))
    })
}

/// Whether `text` opens with the ASCII lowercase `word` as `regex` matches it ignoring case
/// (each letter by its case variants in `tables`).
pub fn opens_with_folded(text: &str, word: &str, tables: &crate::tables::Tables) -> bool {
    let mut chars = text.chars();
    word.chars().all(|letter| chars.next().is_some_and(|c| tables.cases(letter).contains(&c)))
}

#[cfg(test)]
mod author_bio_tests {
    use super::*;
    use crate::tables::Tables;

    #[test]
    fn bio_openings_need_a_capital_and_a_verb_after_a_space() {
        let space = Tables::for_examples().rx_space;
        assert!(may_open_bio("Jane Doe is a reporter", &space));
        assert!(may_open_bio("Élodie\twrites about food", &space));
        assert!(may_open_bio("Molly Wood (@mollywood) joined", &space));
        assert!(!may_open_bio("jane doe is a reporter", &space));
        assert!(!may_open_bio("Jane Doe, reporter", &space));
        assert!(!may_open_bio("", &space));
    }

    #[test]
    fn folded_openings() {
        let tables = Tables::for_examples();
        assert!(opens_with_folded("ABOUT Jane", "about", &tables));
        assert!(opens_with_folded("Meet", "meet", &tables));
        assert!(!opens_with_folded("Abou", "about", &tables));
        assert!(!opens_with_folded("xabout", "about", &tables));
    }
}
