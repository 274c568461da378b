//! `MainRegion._labels` (`cleanse/detectors/main_region.py`): the lines outside
//! the main region.

use super::*;
use crate::slots::SlotAttr;

/// What main_region reads of a line.
struct RegionLine<'py> {
    decisions: Bound<'py, PyAny>,
    in_unit: bool,
    tokens: f64,
    prose: bool,
    inner_punct: bool,
    list_item: bool,
    terminal: bool,
    has_date: bool,
    link_like: bool,
    number: i64,
    /// `Page.is_junk(line)`.
    junk: bool,
}

/// `MainRegion._labels(page, content)`: the decisions `detector` (a `MainRegion`) makes on
/// `content` (the page's non-blank lines), as `(index, rule, reason)`: the lines before and
/// after the main region that carry no `meta` decision.
#[pyfunction]
pub(crate) fn main_region_labels<'py>(detector: &Bound<'py, PyAny>,
                                      _automaton: &Bound<'py, KeywordAutomaton>,
                                      _text_ops: &Bound<'py, TextOps>,
                                      content: &Bound<'py, PyList>)
                                      -> PyResult<RuleReasons<'py>> {
    let py = detector.py();
    let junk_test = JunkTest::read(py)?;
    let model = py.import(intern!(py, "cleanse.model"))?;
    let meta = PyTuple::new(py, [model.getattr(intern!(py, "Category"))?
                                     .getattr(intern!(py, "META"))?])?.into_any();
    let mut lines = Vec::with_capacity(content.len());
    for line in content.iter() {
        let features = line.slot(intern!(py, "features"))?;
        let hints = line.slot(intern!(py, "hints"))?.downcast_into::<PyDict>()?;
        let decisions = line.slot(intern!(py, "decisions"))?;
        let date_chars: f64 = features.slot_f64(intern!(py, "date_chars"))?;
        lines.push(RegionLine {
            junk: junk_test.is_junk(&decisions)?,
            decisions,
            in_unit: hints.contains(intern!(py, "block"))?,
            tokens: features.slot_f64(intern!(py, "tokens"))?,
            prose: features.slot(intern!(py, "prose"))?.is_truthy()?,
            inner_punct: features.slot(intern!(py, "inner_punct"))?.is_truthy()?,
            list_item: features.slot(intern!(py, "list_item"))?.is_truthy()?,
            terminal: features.slot(intern!(py, "terminal"))?.is_truthy()?,
            has_date: date_chars > 0.0,
            link_like: features.slot(intern!(py, "link_like"))?.is_truthy()?,
            number: line.slot(intern!(py, "number"))?.extract()?,
        });
    }
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let field = |name| threshold(detector, name);
    let content_tokens = field(intern!(py, "content_tokens"))?;
    let content_weight = field(intern!(py, "content_weight"))?;
    let short_penalty = field(intern!(py, "short_penalty"))?;
    let junk_penalty = field(intern!(py, "junk_penalty"))?;
    let junk_token_weight = field(intern!(py, "junk_token_weight"))?;
    let max_lead_lines = field(intern!(py, "max_lead_lines"))?;
    let max_inline_junk_lines = field(intern!(py, "max_inline_junk_lines"))?;
    let story_box_penalty = field(intern!(py, "story_box_penalty"))?;
    let min_closing_items = field(intern!(py, "min_closing_items"))?;
    let max_list_heading_tokens = field(intern!(py, "max_list_heading_tokens"))?;
    // `MainRegion.weight(page, line)`.
    let mut weights: Vec<f64> = lines.iter().map(|line| {
        if line.in_unit {
            content_weight * line.tokens
        } else if line.junk {
            -(junk_penalty + junk_token_weight * line.tokens)
        } else if line.prose && (line.terminal || line.inner_punct) {
            line.tokens
        } else if line.tokens >= content_tokens && (line.inner_punct || line.prose) {
            content_weight * line.tokens
        } else {
            -short_penalty
        }
    }).collect();
    // A few junk lines between paragraphs must not split the article.
    let count = lines.len();
    let mut i = 1;
    while i + 1 < count {
        let mut end = i;
        while end + 1 < count && weights[end] < -short_penalty {
            end += 1;
        }
        if end > i && lines[i - 1].prose && lines[end].prose {
            let size = end - i;
            if size as f64 <= max_inline_junk_lines {
                weights[i..end].fill(-short_penalty);
            } else if story_box(py, &lines[i..end])? {
                weights[i..end].fill(-story_box_penalty / size as f64);
            }
        }
        i = end + 1;
    }
    // The run of lines with the largest total weight.
    let (mut best, mut best_start, mut best_end) = (0.0, None, 0);
    let (mut running, mut start) = (0.0, 0);
    for (i, &w) in weights.iter().enumerate() {
        if running <= 0.0 {
            running = 0.0;
            start = i;
        }
        running += w;
        if running > best {
            (best, best_start, best_end) = (running, Some(start), i);
        }
    }
    let Some(mut best_start) = best_start else {
        return Ok(Vec::new());  // no prose anywhere
    };
    // `_heading_like`: a line right above the region that joins it.
    let heading_like = |line: &RegionLine| !line.junk && (3.0..=40.0).contains(&line.tokens)
        && !line.terminal && !line.has_date && !line.link_like;
    let mut lead = 0.0;
    while lead < max_lead_lines && best_start > 0 && heading_like(&lines[best_start - 1]) {
        best_start -= 1;
        lead += 1.0;
    }
    // `_closing_list_end`: a headed list that closes the article joins it.
    let closing = best_end + 1;
    if closing < count {
        let heading = &lines[closing];
        if !(heading.list_item || heading.terminal || heading.junk
             || heading.tokens > max_list_heading_tokens) {
            let mut i = closing + 1;
            let mut items = 0.0;
            while i < count && lines[i].list_item && !lines[i].junk {
                items += 1.0;
                i += 1;
            }
            if !(items < min_closing_items
                 || (i < count && !lines[i].junk && lines[i].prose)) {
                best_end = i - 1;
            }
        }
    }
    let span = format!("(lines {}-{})", lines[best_start].number, lines[best_end].number);
    let mut found = Vec::new();
    for (side, range) in [("before", 0..best_start), ("after", best_end + 1..count)] {
        // One string each for the side's lines, as the reference makes them.
        let rule = PyString::new(py, &format!("outside_region_{side}"));
        let reason = PyString::new(py, &format!("{side} the main text region {span}"));
        for index in range {
            if !has_category(&lines[index].decisions, &meta)? {
                found.push((index, rule.clone(), reason.clone()));
            }
        }
    }
    Ok(found)
}

/// `MainRegion._story_box(lines)`: every junk decision on the lines is related_lists'.
fn story_box(py: Python<'_>, lines: &[RegionLine<'_>]) -> PyResult<bool> {
    for line in lines {
        for decision in line.decisions.try_iter()? {
            let decision = decision?;
            // `decision.category.is_junk`, as the reference asks it.
            if decision.getattr(intern!(py, "category"))?.getattr(intern!(py, "is_junk"))?
                    .is_truthy()?
                && !decision.getattr(intern!(py, "detector"))?.eq("related_lists")? {
                return Ok(false);
            }
        }
    }
    Ok(true)
}
