//! `Dateline._labels` (`cleanse/detectors/dateline.py`): datelines, bylines and credit lines.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use super::{context, JunkTest, threshold, RuleReasons, Shared};
use crate::python::{core, KeywordAutomaton, TextOps};
use crate::slots::SlotAttr;

/// `Dateline._labels(page, content)`: the lines of `content` (the page's non-blank lines)
/// that `detector` (a `Dateline`) takes for a dateline, byline or credit line and that are
/// not junk already, as `(index, rule, reason)`.
///
/// `metadata.labelled_fields` stays Python (its dates go through dateparser); it is asked
/// only about the lines its own first test lets through (a word of `LABEL_WORDS`, or a
/// character of `FOLDED_ONLY`): for the others it answers `{}` without looking further.
#[pyfunction]
pub(crate) fn dateline_labels<'py>(detector: &Bound<'py, PyAny>,
                                   automaton: &Bound<'py, KeywordAutomaton>,
                                   text_ops: &Bound<'py, TextOps>,
                                   content: &Bound<'py, PyList>)
                                   -> PyResult<RuleReasons<'py>> {
    let py = detector.py();
    let c = context(automaton, text_ops)?;
    let junk_test = JunkTest::read(py)?;
    let credits: Vec<String> = py.import(intern!(py, "cleanse.detectors.dateline"))?
        .getattr(intern!(py, "CREDITS"))?.try_iter()?
        .map(|name| name?.extract()).collect::<PyResult<_>>()?;
    let metadata = py.import(intern!(py, "cleanse.reading.metadata"))?;
    let labelled_fields = metadata.getattr(intern!(py, "labelled_fields"))?;
    let label_words = c.group(&metadata, intern!(py, "LABEL_WORDS"))?;
    let folded_only: Vec<String> = metadata.getattr(intern!(py, "FOLDED_ONLY"))?.extract()?;
    let max_tokens = threshold(detector, intern!(py, "max_tokens"))?;
    let max_byline_tokens = threshold(detector, intern!(py, "max_byline_tokens"))?;
    let dateline_words = c.group(detector, intern!(py, "_dateline_words"))?;
    let byline_words = c.group(detector, intern!(py, "_byline_words"))?;
    let date_patterns = core(py)?;
    let mut shared = Shared::new(py);
    let mut found = Vec::new();
    for (index, line) in content.iter().enumerate() {
        // The tokens, then the text (the reference tests junk first): a long line, or one with
        // no date, no byline word at its start and no field label (most lines), is nothing,
        // and the rest need not be read.
        let features = line.slot(intern!(py, "features"))?;
        let tokens: f64 = features.slot_f64(intern!(py, "tokens"))?;
        if tokens > max_tokens {
            continue;
        }
        let plain = features.slot(intern!(py, "plain"))?.downcast_into::<PyString>()?;
        let junk = || -> PyResult<bool> {
            junk_test.is_junk(&line.slot(intern!(py, "decisions"))?)
        };
        let Ok(text) = plain.to_str() else {
            // Lone surrogates: the reference judges the line (its reason may hold them).
            if !junk()? {
                let rule = detector.call_method1(intern!(py, "_rule"), (&line,))?;
                if !rule.is_none() {
                    let (name, reason) = rule.extract()?;
                    found.push((index, name, reason));
                }
            }
            continue;
        };
        let date_chars: f64 = features.slot_f64(intern!(py, "date_chars"))?;
        let byline_hit = c.startswith(&byline_words, &plain)?;
        let labelled = c.search(&label_words, &plain)?.is_some()
            || folded_only.iter().any(|folded| text.contains(folded.as_str()));
        if date_chars <= 0.0 && byline_hit.is_none() && !labelled {
            continue;
        }
        if junk()? {
            continue;
        }
        if features.slot(intern!(py, "list_item"))?.is_truthy()?
            || features.slot(intern!(py, "terminal"))?.is_truthy()? {
            continue;
        }
        let words: f64 = features.slot_f64(intern!(py, "words"))?;
        let byline = match byline_hit {
            Some(hit) if words >= 2.0 && tokens <= max_byline_tokens => Some(c.word(hit)?),
            _ => None,
        };
        let credited = if labelled {
            let fields = labelled_fields.call1((&plain,))?;
            let fields = fields.downcast::<PyDict>()?;
            let mut named = Vec::new();
            for name in &credits {
                if fields.contains(name)? {
                    named.push(name.as_str());
                }
            }
            named.sort_unstable();
            named.join(" and ")
        } else {
            String::new()
        };
        let mut rule: Option<(&str, String)> = None;
        if date_chars > 0.0 {
            rule = if let Some(byline) = &byline {
                Some(("byline", format!("byline with its date ('{byline}'): who wrote it and when")))
            } else if !credited.is_empty() {
                Some(("dateline", format!("dateline naming the {credited}")))
            } else if let Some(hit) = c.startswith(&dateline_words, &plain)? {
                Some(("dateline", format!("dateline ('{}')", c.word(hit)?)))
            } else if date_chars >= 0.5 * text.chars().filter(|&ch| ch != ' ').count() as f64 {
                Some(("dateline", "a date or time on a line of its own".to_owned()))
            } else if date_patterns.opens_with_date(text) {
                Some(("dateline", "opens with the publication date".to_owned()))
            } else {
                None
            };
        }
        if rule.is_none() {
            if let Some(byline) = &byline {
                rule = Some(("byline", format!("byline ('{byline}'): names the author")));
            } else if !credited.is_empty() {
                rule = Some(("credit", format!("credit line: names the {credited}")));
            }
        }
        if let Some((name, reason)) = rule {
            found.push((index, shared.text(name), shared.text(&reason)));
        }
    }
    Ok(found)
}
