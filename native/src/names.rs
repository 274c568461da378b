//! What an HTML element's class, id and role names say (`cleanse.reading.html._class_names`,
//! `cleanse.reading.main_content._names_weight`), for ASCII names, natively.
//!
//! The reference searches three fixed patterns (`BOILERPLATE_TOKEN`, `POSITIVE`, `NEGATIVE`)
//! through `CaseInsensitive`, which searches an ASCII text's lowercase with `re` and
//! `re.ASCII` (so `\s` is `[ \t\n\r\f\v]`, `\w` is `[a-zA-Z0-9_]`). The core writes each
//! pattern out from its own word lists and is used only when the running Python's patterns
//! are exactly those strings (`ClassNames::new`), so a changed pattern sends every name to
//! the reference. `POSITIVE` and `NEGATIVE` are alternations of literals: a search finds one
//! exactly when one of the words occurs. `BOILERPLATE_TOKEN`'s match (whose text names the
//! furniture) is found as `re` backtracks: the leftmost start; at a start, `^` (only at 0)
//! before a separator; then the words in order, each of its forms longest first (`s?` with
//! its `s` first, `\w*` longest first), each followed by the end (`$`: the end, or before a
//! final newline) before a separator.

/// A word of `BOILERPLATE_TOKEN`'s alternation: a literal, a literal with an optional final
/// `s` (written `...s?`), or a literal followed by `\w*`.
#[derive(Clone, Copy)]
enum Word {
    Plain(&'static str),
    OptionalS(&'static str),
    WordRun(&'static str),
}

use Word::{OptionalS, Plain, WordRun};

const TOKEN_WORDS: &[Word] = &[
    Plain("nav"), Plain("navbar"), Plain("menu"), Plain("footer"), Plain("sidebar"),
    Plain("side-bar"), OptionalS("comment"), Plain("reviews"), Plain("related"), Plain("share"),
    Plain("sharing"), Plain("social"), OptionalS("breadcrumb"), Plain("cookie"), Plain("consent"),
    Plain("banner"), Plain("advert"), OptionalS("ad"), Plain("promo"), Plain("subscribe"),
    Plain("newsletter"), Plain("widget"), Plain("popular"), Plain("trending"), WordRun("recommend"),
    Plain("masthead"), Plain("toolbar"), Plain("pagination"), Plain("pager"), Plain("tags"),
    Plain("byline"), Plain("author-bio"), Plain("gallery"), Plain("carousel"), Plain("slideshow"),
    Plain("slider"), Plain("lightbox"), Plain("caption"), Plain("credit"),
    OptionalS("disclaimer"), Plain("footnotes"), Plain("signature"), Plain("modal"),
    Plain("dialog"), Plain("drawer"), Plain("popup"), Plain("popover"), Plain("offcanvas"),
];

const POSITIVE_WORDS: &[&str] = &["article", "body", "content", "entry", "hentry", "main",
                                   "page", "post", "text", "blog", "story"];

const NEGATIVE_WORDS: &[&str] = &[
    "combx", "comment", "com-", "contact", "foot", "footer", "footnote", "masthead", "media",
    "meta", "outbrain", "promo", "related", "scroll", "shoutbox", "sidebar", "sponsor",
    "shopping", "tags", "tool", "widget", "nav", "menu", "share", "social", "breadcrumb", "ad-",
    "ads", "advert", "banner", "popular", "recommend",
];

/// `main_content.TERM_PREFIXES` and `POST_NAMES`: in a class that names a post, the taxonomy
/// terms blog and shop software writes there ("category-reviews", "tag-social-media") name the
/// post's topics, not the element (`own_names`).
const TERM_PREFIXES: &[&str] = &["category-", "tag-", "format-", "product_cat-", "product_tag-"];
const POST_NAMES: &str = "hentry|post|post-[0-9]+|type-.+";

/// `html.OVERLAY_NAMES`: a furniture marker among them is called "dialog".
const OVERLAY_NAMES: &[&str] = &["modal", "dialog", "drawer", "popup", "popover", "offcanvas",
                                  "lightbox"];

/// The pattern strings the word lists stand for, as Python writes them.
pub fn token_pattern() -> String {
    let words: Vec<String> = TOKEN_WORDS.iter().map(|word| match word {
        Plain(text) => text.to_string(),
        OptionalS(text) => format!("{text}s?"),
        WordRun(text) => format!("{text}\\w*"),
    }).collect();
    format!("(?:^|[-_\\s])(?:{})(?:$|[-_\\s])", words.join("|"))
}

pub fn positive_pattern() -> String {
    POSITIVE_WORDS.join("|")
}

pub fn negative_pattern() -> String {
    NEGATIVE_WORDS.join("|")
}

pub fn overlay_names() -> &'static [&'static str] {
    OVERLAY_NAMES
}

pub fn term_prefixes() -> &'static [&'static str] {
    TERM_PREFIXES
}

pub fn post_names_pattern() -> &'static str {
    POST_NAMES
}

/// `POST_NAMES`' full match of one class: "hentry", "post", "post-<digits>", "type-<any>".
fn post_name(name: &str) -> bool {
    name == "hentry" || name == "post"
        || name.strip_prefix("post-")
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        || name.strip_prefix("type-").is_some_and(|rest| !rest.is_empty())
}

/// A taxonomy term: a `TERM_PREFIXES` prefix and a slug.
fn term(name: &str) -> bool {
    TERM_PREFIXES.iter().any(|prefix| name.len() > prefix.len() && name.starts_with(prefix))
}

/// `main_content.own_names`: `css_class` without its taxonomy terms when it names a post, its
/// other classes joined by a space; else itself. Classes are separated by HTML's white space.
pub fn own_names(css_class: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if !TERM_PREFIXES.iter().any(|prefix| css_class.contains(prefix)) {
        return Cow::Borrowed(css_class);
    }
    let names: Vec<&str> = css_class.split(|c| matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r'))
        .filter(|name| !name.is_empty()).collect();
    if !names.iter().any(|name| post_name(name)) {
        return Cow::Borrowed(css_class);
    }
    let own: Vec<&str> = names.iter().copied().filter(|name| !term(name)).collect();
    if own.len() == names.len() { Cow::Borrowed(css_class) } else { Cow::Owned(own.join(" ")) }
}

/// `re`'s `\s` under `re.ASCII`, or `-` or `_`: the separators around a token.
fn separator(byte: u8) -> bool {
    matches!(byte, b'-' | b'_' | b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// `re`'s `\w` under `re.ASCII`.
fn word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Where `(?:$|[-_\s])` ends when tried at `at`: `$` first (the end, or a final newline),
/// then one separator.
fn token_end(text: &[u8], at: usize) -> Option<usize> {
    if at == text.len() || (at + 1 == text.len() && text[at] == b'\n') {
        return Some(at);
    }
    (at < text.len() && separator(text[at])).then_some(at + 1)
}

/// Where the word alternation followed by the token end matches from `at`, trying the
/// words in order and each word's forms longest first, as `re` backtracks.
fn words_at(text: &[u8], at: usize) -> Option<usize> {
    let rest = &text[at..];
    for word in TOKEN_WORDS {
        match *word {
            Plain(literal) => {
                if rest.starts_with(literal.as_bytes()) {
                    if let Some(end) = token_end(text, at + literal.len()) {
                        return Some(end);
                    }
                }
            }
            OptionalS(literal) => {
                if rest.starts_with(literal.as_bytes()) {
                    let after = at + literal.len();
                    if text.get(after) == Some(&b's') {
                        if let Some(end) = token_end(text, after + 1) {
                            return Some(end);
                        }
                    }
                    if let Some(end) = token_end(text, after) {
                        return Some(end);
                    }
                }
            }
            WordRun(literal) => {
                if rest.starts_with(literal.as_bytes()) {
                    let after = at + literal.len();
                    let run = text[after..].iter().take_while(|&&b| word_byte(b)).count();
                    for length in (0..=run).rev() {
                        if let Some(end) = token_end(text, after + length) {
                            return Some(end);
                        }
                    }
                }
            }
        }
    }
    None
}

/// `BOILERPLATE_TOKEN`'s first match in the lowercase ASCII `text`, as (start, end).
pub fn token_match(text: &[u8]) -> Option<(usize, usize)> {
    for start in 0..=text.len() {
        if start == 0 {
            if let Some(end) = words_at(text, 0) {
                return Some((0, end));
            }
        }
        if start < text.len() && separator(text[start]) {
            if let Some(end) = words_at(text, start + 1) {
                return Some((start, end));
            }
        }
    }
    None
}

fn holds_any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|word| text.contains(word))
}

/// `_class_names(css_class, element_id, role)` of ASCII names: (the furniture marker or "",
/// 1 if the class or id names content, else 0), a post's taxonomy terms left out.
pub fn class_names(css_class: &str, element_id: &str, role: &str) -> (String, i64) {
    let css_class = own_names(css_class);
    let all = format!("{css_class} {element_id} {role}").to_ascii_lowercase();
    let names = format!("{css_class} {element_id}").to_ascii_lowercase();
    let content = (holds_any(&names, POSITIVE_WORDS) && !holds_any(&names, NEGATIVE_WORDS)) as i64;
    let Some((start, end)) = token_match(all.as_bytes()) else {
        return (String::new(), content);
    };
    // `group(0).strip("-_ ").lower()` (already lowercase).
    let marker = all[start..end].trim_matches(|c| c == '-' || c == '_' || c == ' ');
    let marker = if OVERLAY_NAMES.contains(&marker) { "dialog" } else { marker };
    (marker.to_string(), content)
}

/// `_names_weight(css_class, element_id)` of ASCII names (None or empty: no weight), a post's
/// taxonomy terms left out.
pub fn names_weight(css_class: Option<&str>, element_id: Option<&str>) -> i64 {
    let mut weight = 0;
    let css_class = css_class.map(own_names);
    for value in [css_class.as_deref(), element_id].into_iter().flatten() {
        if value.is_empty() {
            continue;
        }
        let lowered = value.to_ascii_lowercase();
        weight += if holds_any(&lowered, POSITIVE_WORDS) { 25 } else { 0 }
            - if holds_any(&lowered, NEGATIVE_WORDS) { 25 } else { 0 };
    }
    weight
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marker(text: &str) -> Option<&str> {
        token_match(text.as_bytes()).map(|(start, end)| &text[start..end])
    }

    #[test]
    fn tokens_match_as_re_backtracks() {
        assert_eq!(marker("main-nav"), Some("-nav"));
        assert_eq!(marker("navbar-top"), Some("navbar-"));
        assert_eq!(marker("navigation"), None);
        assert_eq!(marker("comments"), Some("comments"));
        assert_eq!(marker("x comment_box"), Some(" comment_"));
        assert_eq!(marker("recommended_items x"), Some("recommended_items "));
        assert_eq!(marker("nav\n"), Some("nav"));
        assert_eq!(marker("nav\tx"), Some("nav\t"));
        assert_eq!(marker("ads-top"), Some("ads-"));
        assert_eq!(marker("adsx ad"), Some(" ad"));
        assert_eq!(marker(""), None);
    }

    #[test]
    fn patterns_are_written_as_python_writes_them() {
        assert!(token_pattern().starts_with("(?:^|[-_\\s])(?:nav|navbar|menu|"));
        assert!(token_pattern().contains("|comments?|") && token_pattern().contains("|recommend\\w*|"));
        assert_eq!(positive_pattern(), "article|body|content|entry|hentry|main|page|post|text|blog|story");
    }
}
