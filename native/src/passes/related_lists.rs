//! `RelatedLists._labels` (`cleanse/detectors/related_lists.py`): related-story
//! lists and comment sections.

use std::collections::HashMap;

use super::*;
use crate::slots::SlotAttr;

/// `related_lists.MIN_COUNTER_REPEATS`: a comment heading repeated on this many lines (its
/// digits aside, at one tag-and-class path) is a teaser card's counter.
const MIN_COUNTER_REPEATS: usize = 3;

/// A line's counter key (`related_lists._counter_repeats`): its tag-and-class path (hint
/// `signature`, "" when none) and `text` with every run of digits as "0".
fn counter_key(line: &LineView<'_>, text: &str, digit: &crate::tables::Bits)
               -> PyResult<(String, String)> {
    let py = line.line.py();
    let signature = match hints(line)?.get_item(intern!(py, "signature"))? {
        Some(value) if value.is_truthy()? => value.extract::<String>()?,
        _ => String::new(),
    };
    Ok((signature, crate::text::runs_to(text, |c| digit.has(c), '0')))
}

/// A decision of a page pass: `(index, rule, category, score, reason)`.
type Labelled<'py> = (usize, &'static str, Bound<'py, PyAny>, f64, String);

/// The related-lists detector's thresholds and matchers, read off the detector for one page.
struct RelatedLists<'py, 'c> {
    c: &'c Context<'py, 'c>,
    /// The detector's `_list_patterns` and `_comment_patterns` (text -> whether a pattern
    /// of the group matches it whole).
    list_patterns: Bound<'py, PyAny>,
    comment_patterns: Bound<'py, PyAny>,
    /// What a text must hold for `_list_patterns` and `_comment_patterns` to match it (the
    /// detector's `_list_required` and `_comment_required`, `vocabulary.required_text`), when
    /// known: a text without it is not asked about.
    list_required: Option<crate::required::Required>,
    comment_required: Option<crate::required::Required>,
    comments_after_share: f64,
    min_prose_before_comments: f64,
    thread_window: i64,
    min_thread_dates: f64,
    max_inline_tokens: f64,
    /// `max_label_words`, `min_labels_before`, `min_labels_after` (`_among_labels`).
    max_label_words: f64,
    min_labels_before: usize,
    min_labels_after: usize,
    list_headings: Group<'py>,
    comment_headings: Group<'py>,
    review_headings: Group<'py>,
    inline: Group<'py>,
}

impl<'py> RelatedLists<'py, '_> {
    /// `RelatedLists._is_list_heading(text)`.
    fn is_list_heading(&self, text: &str) -> PyResult<bool> {
        Ok(self.c.fullmatch(&self.list_headings, text)?
           || (self.list_required.as_ref().is_none_or(|r| r.held_by(text))
               && self.list_patterns.call1((text,))?.is_truthy()?))
    }

    /// `RelatedLists._comment_section_at(content, i, text, seen_prose, total_prose, title,
    /// counter_repeats)`.
    fn comment_section_at(&self, lines: &[LineView<'py>], i: usize, text: Option<&str>,
                          seen_prose: f64, total_prose: f64, title: &(i64, String),
                          counter_repeats: &[usize])
                          -> PyResult<Option<String>> {
        let Some(text) = text.filter(|t| !t.is_empty()) else { return Ok(None) };
        if (i as i64) < title.0 || other_furniture(&lines[i], &title.1)? {
            return Ok(None);
        }
        // Where the line sits first, as the reference asks (the patterns are a Python call).
        let counted = text.chars().any(|c| self.c.tables.re_digit.has(c));
        if !self.comments_start_here(lines, i, seen_prose, total_prose, counted) {
            return Ok(None);
        }
        if !self.c.fullmatch(&self.comment_headings, text)? {
            let stripped = lines[i].text().trim_matches(|c| self.c.tables.re_space.has(c));
            if (!self.comment_required.as_ref().is_none_or(|r| r.held_by(stripped))
                || !self.comment_patterns.call1((stripped,))?.is_truthy()?)
                && (!self.c.fullmatch(&self.review_headings, text)?
                    || self.among_labels(lines, i)?) {
                return Ok(None);
            }
        }
        if counter_repeats[i] >= MIN_COUNTER_REPEATS {
            return Ok(None);  // a teaser card's counter, one of many
        }
        Ok(Some(text.to_owned()))
    }

    /// `RelatedLists._label(line)`: a few words (a CJK character a half word), not prose.
    fn label(&self, line: &LineView<'py>) -> PyResult<bool> {
        if line.prose {
            return Ok(false);
        }
        let py = line.line.py();
        let features = line.line.slot(intern!(py, "features"))?;
        let words = features.slot_f64(intern!(py, "words"))?
            + features.slot_f64(intern!(py, "cjk"))? / 2.0;
        Ok(0.0 < words && words <= self.max_label_words)
    }

    /// `RelatedLists._among_labels(content, i)`: the review heading at `i` is a label itself,
    /// and a tab among tab labels or the heading of a filter's facets.
    fn among_labels(&self, lines: &[LineView<'py>], i: usize) -> PyResult<bool> {
        if !self.label(&lines[i])? {
            return Ok(false);
        }
        let mut before = 0;
        while before < self.min_labels_before && i >= before + 1
                && self.label(&lines[i - before - 1])? {
            before += 1;
        }
        let mut after = 0;
        while after < self.min_labels_after && i + after + 1 < lines.len()
                && self.label(&lines[i + after + 1])? {
            after += 1;
        }
        Ok(before >= self.min_labels_before || after >= self.min_labels_after
           || (before > 0 && after > 0))
    }

    /// `RelatedLists._comments_start_here(content, i, seen_prose, total_prose, counted)`.
    fn comments_start_here(&self, lines: &[LineView<'py>], i: usize, seen_prose: f64,
                           total_prose: f64, counted: bool) -> bool {
        if seen_prose / total_prose >= self.comments_after_share {
            return true;
        }
        if seen_prose < self.min_prose_before_comments {
            return false;
        }
        if counted {
            return true;
        }
        let window = python_slice(lines.len(), i as i64 + 1, i as i64 + 1 + self.thread_window);
        // A dated item in a run of list items is no thread's header.
        let dated = window.filter(|&k| {
            let l = &lines[k];
            l.has_date() && !l.prose
                && !(l.list_item && k + 1 < lines.len() && lines[k + 1].list_item)
        }).count();
        dated as f64 >= self.min_thread_dates
    }

    /// `RelatedLists._inline_link(page, line)`'s prefix, when the line is an inline link.
    fn inline_link(&self, line: &LineView<'py>) -> PyResult<Option<String>> {
        if line.tokens > self.max_inline_tokens {
            return Ok(None);
        }
        let Some(hit) = self.c.startswith(&self.inline, &line.plain)? else { return Ok(None) };
        let prefix = self.c.word(hit)?;
        // plain[len(prefix):]: the lowercased word's length in characters.
        let text = line.text();
        let cut = text.char_indices().nth(prefix.chars().count()).map_or(text.len(), |(i, _)| i);
        let tables = self.c.tables;
        Ok(crate::detectors::separated_inline(&text[cut..], &tables.rx_space, &tables.re_space)
            .then_some(prefix))
    }
}

/// The detector's `required_text` sequences of `name`, when it has them and the core knows
/// their characters' case variants.
fn required(detector: &Bound<'_, PyAny>, name: &Bound<'_, PyString>, tables: &Tables)
            -> PyResult<Option<crate::required::Required>> {
    let Some(spec) = detector.getattr_opt(name)? else { return Ok(None) };
    if spec.is_none() {
        return Ok(None);
    }
    let spec: Vec<Vec<String>> = spec.extract()?;
    Ok(crate::required::Required::new(tables, &spec))
}

/// Which detectors call a line navigation (`RelatedLists._menu_entry`).
enum Navigation {
    None,
    MenuRunOnly,
    Other,
}

fn navigation(line: &LineView<'_>, nav: &Bound<'_, PyAny>) -> PyResult<Navigation> {
    let py = nav.py();
    let mut found = Navigation::None;
    for decision in line.line.slot(intern!(py, "decisions"))?.try_iter()? {
        let decision = decision?;
        let category = decision.getattr(intern!(py, "category"))?;
        if !category.is(nav) {
            continue;
        }
        let detector = decision.getattr(intern!(py, "detector"))?;
        let rule = decision.getattr(intern!(py, "rule"))?;
        if detector.extract::<&str>()? != "menus" || rule.extract::<&str>()? != "menu_run" {
            return Ok(Navigation::Other);
        }
        found = Navigation::MenuRunOnly;
    }
    Ok(found)
}

/// The furniture markers of a comment section's own container
/// (`cleanse.reading.html.COMMENT_MARKERS`; `html.rs` matches the same two).
const COMMENT_CONTAINERS: [&str; 2] = ["comment", "comments"];

/// A line's hints dict (`Line.hints`).
fn hints<'py>(line: &LineView<'py>) -> PyResult<Bound<'py, PyDict>> {
    Ok(line.line.slot(intern!(line.line.py(), "hints"))?.downcast_into::<PyDict>()?)
}

/// Whether `hints` holds `key` with a true value (`hints.get(key)`, truthy).
fn hint_true(hints: &Bound<'_, PyDict>, key: &Bound<'_, PyString>) -> PyResult<bool> {
    hints.get_item(key)?.map_or(Ok(false), |v| v.is_truthy())
}

/// `RelatedLists._other_furniture(line, title_marker)`: the line sits in a furniture container
/// other than a comment section's, outside any `<article>`/`<main>`, and of another kind than
/// the title heading's.
fn other_furniture(line: &LineView<'_>, title_marker: &str) -> PyResult<bool> {
    let py = line.line.py();
    let hints = hints(line)?;
    let Some(container) = hints.get_item(intern!(py, "boilerplate"))? else { return Ok(false) };
    if !container.is_truthy()? {
        return Ok(false);
    }
    if let Ok(name) = container.downcast::<PyString>() {
        let name = name.to_str()?;
        if COMMENT_CONTAINERS.contains(&name) || name == title_marker {
            return Ok(false);
        }
    }
    Ok(!hint_true(&hints, intern!(py, "in_content"))?)
}

/// `RelatedLists._title_heading(content)`: the index of the title heading's last line (hint
/// `title_affinity` 1, not hidden), -1 when none is known, and the furniture marker of its
/// first line that has one ("" for none).
fn title_heading(lines: &[LineView<'_>]) -> PyResult<(i64, String)> {
    let mut end = -1;
    let mut marker = String::new();
    for (index, line) in lines.iter().enumerate() {
        let py = line.line.py();
        let hints = hints(line)?;
        let Some(affinity) = hints.get_item(intern!(py, "title_affinity"))? else { continue };
        if !affinity.eq(1.0)? || hint_true(&hints, intern!(py, "hidden"))? {
            continue;
        }
        end = index as i64;
        if marker.is_empty() {
            if let Some(container) = hints.get_item(intern!(py, "boilerplate"))? {
                if container.is_truthy()? {
                    marker = container.extract()?;
                }
            }
        }
    }
    Ok((end, marker))
}

/// `RelatedLists._labels(page, content)`: the decisions `detector` (a `RelatedLists`) makes
/// on `content` (the page's non-blank lines), as `(index, rule, category, score, reason)`.
#[pyfunction]
pub(crate) fn related_list_labels<'py>(detector: &Bound<'py, PyAny>,
                                       automaton: &Bound<'py, KeywordAutomaton>,
                                       text_ops: &Bound<'py, TextOps>, page: &Bound<'py, PyAny>,
                                       content: &Bound<'py, PyList>)
                                       -> PyResult<Bound<'py, PyAny>> {
    let py = detector.py();
    let lines = views_or_reference!(detector, content, (page, content));
    let c = context(automaton, text_ops)?;
    let pass = RelatedLists {
        c: &c,
        list_patterns: detector.getattr(intern!(py, "_list_patterns"))?,
        comment_patterns: detector.getattr(intern!(py, "_comment_patterns"))?,
        list_required: required(detector, intern!(py, "_list_required"), c.tables)?,
        comment_required: required(detector, intern!(py, "_comment_required"), c.tables)?,
        comments_after_share: threshold(detector, intern!(py, "comments_after_share"))?,
        min_prose_before_comments: threshold(detector, intern!(py, "min_prose_before_comments"))?,
        thread_window: detector.getattr(intern!(py, "thread_window"))?.extract()?,
        min_thread_dates: threshold(detector, intern!(py, "min_thread_dates"))?,
        max_inline_tokens: threshold(detector, intern!(py, "max_inline_tokens"))?,
        max_label_words: threshold(detector, intern!(py, "max_label_words"))?,
        min_labels_before: detector.getattr(intern!(py, "min_labels_before"))?.extract()?,
        min_labels_after: detector.getattr(intern!(py, "min_labels_after"))?.extract()?,
        list_headings: c.group(detector, intern!(py, "_list_headings"))?,
        comment_headings: c.group(detector, intern!(py, "_comment_headings"))?,
        review_headings: c.group(detector, intern!(py, "_review_headings"))?,
        inline: c.group(detector, intern!(py, "_inline"))?,
    };
    let max_heading_tokens = threshold(detector, intern!(py, "max_heading_tokens"))?;
    let max_comment_heading_tokens =
        threshold(detector, intern!(py, "max_comment_heading_tokens"))?;
    let anchors = prose_anchors(py, &lines,
                                threshold(detector, intern!(py, "long_paragraph_tokens"))?,
                                threshold(detector, intern!(py, "long_sentence_tokens"))?)?;
    let category = py.import(intern!(py, "cleanse.model"))?.getattr(intern!(py, "Category"))?;
    let nav = category.getattr(intern!(py, "NAV"))?;
    let trending = category.getattr(intern!(py, "TRENDING"))?;
    let comment = category.getattr(intern!(py, "COMMENT"))?;
    let prose_tokens: Vec<f64> = lines.iter().map(|l| if l.prose { l.tokens } else { 0.0 })
        .collect();
    let total: f64 = prose_tokens.iter().sum();
    let total_prose = if total == 0.0 { 1.0 } else { total };
    // Each line's text as a heading (`_heading_texts`), within the longer of the two limits.
    let limit = if max_comment_heading_tokens > max_heading_tokens { max_comment_heading_tokens }
                else { max_heading_tokens };
    let tables = c.tables;
    let texts: Vec<Option<&str>> = lines.iter().map(|l| {
        let plain = l.text();
        if l.tokens > limit || l.tokens == 0.0 || plain.ends_with(['。', '.', '!', '！']) {
            return None;
        }
        let stripped = plain.trim_matches(|ch| tables.re_space.has(ch));
        Some(strip_punctuation(crate::detectors::without_count_suffix(stripped, &tables.rx_digit),
                               c.punctuation))
    }).collect();
    let headings: Vec<Option<&str>> = texts.iter().zip(&lines)
        .map(|(t, l)| t.filter(|_| l.tokens <= max_heading_tokens)).collect();
    let comment_texts: Vec<Option<&str>> = texts.iter().zip(&lines)
        .map(|(t, l)| t.filter(|_| l.tokens <= max_comment_heading_tokens)).collect();
    let mut found: Vec<Labelled<'py>> = Vec::new();
    let title = title_heading(&lines)?;
    // `_counter_repeats`: per line, how many lines share its counter key (0 without a
    // heading text).
    let keys = lines.iter().zip(&comment_texts)
        .map(|(line, text)| text.filter(|t| !t.is_empty())
             .map(|text| counter_key(line, text, &tables.re_digit)).transpose())
        .collect::<PyResult<Vec<_>>>()?;
    let mut counts: HashMap<&(String, String), usize> = HashMap::new();
    for key in keys.iter().flatten() {
        *counts.entry(key).or_insert(0) += 1;
    }
    let counter_repeats: Vec<usize> = keys.iter()
        .map(|key| key.as_ref().map_or(0, |key| counts[key])).collect();
    let mut seen_prose = 0.0;
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        if let Some(heading) = headings[i].filter(|h| !h.is_empty()) {
            // `_menu_entry`: a menu's entry, unless only a menu run names it, the run ends on
            // it and the prose began.
            let menu_entry = match navigation(line, &nav)? {
                Navigation::None => false,
                Navigation::Other => true,
                Navigation::MenuRunOnly => seen_prose == 0.0
                    || (i + 1 < lines.len() && lines[i + 1].has_category(&nav)?),
            };
            if !(line.list_item || menu_entry) && pass.is_list_heading(heading)? {
                let mut end = i + 1;
                while end < anchors.len() && !anchors[end] {
                    end += 1;
                }
                // A comment section below a short list ends the list.
                for (j, &text) in comment_texts.iter().enumerate().take(end).skip(i + 1) {
                    if pass.comment_section_at(&lines, j, text, seen_prose, total_prose,
                                               &title, &counter_repeats)?
                            .is_some() {
                        end = j;
                        break;
                    }
                }
                if end > i + 1 {
                    found.push((i, "list_heading", trending.clone(), 0.9,
                                format!("heading '{heading}' opens a list of other stories")));
                    for item in i + 1..end {
                        found.push((item, "list_item", trending.clone(), 0.8,
                                    format!("item of the list under '{heading}'")));
                    }
                    i = end;
                    continue;
                }
            }
        }
        if let Some(heading) = pass.comment_section_at(&lines, i, comment_texts[i], seen_prose,
                                                       total_prose, &title, &counter_repeats)? {
            for item in i..lines.len() {
                found.push((item, "comment_section", comment.clone(), 0.75,
                            format!("comment section after heading '{heading}'")));
            }
            break;
        }
        if let Some(prefix) = pass.inline_link(line)? {
            found.push((i, "inline_link", trending.clone(), 0.75,
                        format!("inline '{prefix}' link to another story")));
        }
        seen_prose += prose_tokens[i];
        i += 1;
    }
    let mut shared = Shared::new(py);
    found.into_iter()
        .map(|(index, rule, category, score, reason)|
             (index, shared.text(rule), category, score, shared.text(&reason)))
        .collect::<Vec<_>>().into_pyobject(py).map(|list| list.into_any())
}
