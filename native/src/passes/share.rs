//! `Share._labels` (`cleanse/detectors/share.py`): share widgets and bare counters.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use super::{context, found_rule, lower, reference_rule, threshold, Rule};
use crate::python::{KeywordAutomaton, TextOps};
use crate::detectors::{may_count, share_separated};
use crate::slots::SlotAttr;

/// `Line.code`: the line belongs to a code block (the `block` hint, from a `<pre>`).
pub(super) fn is_code(line: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = line.py();
    let hints = line.slot(intern!(py, "hints"))?;
    let Ok(hints) = hints.downcast::<PyDict>() else {
        return line.getattr(intern!(py, "code"))?.is_truthy();
    };
    if !hints.contains(intern!(py, "block"))? {
        return Ok(false);
    }
    match hints.get_item(intern!(py, "tag"))? {
        Some(tag) => tag.eq(intern!(py, "pre")),
        None => Ok(false),
    }
}

/// `Share._labels(content)`: the counters and share widgets `detector` (a `Share`) finds
/// among `content` (the page's non-blank lines), as `(index, rule, score, reason)`.
///
/// `COUNTER` is called as the Python pattern it is (its `re.I` folds letters as `re` does),
/// on the few texts that open with a digit, a comma or a full stop.
#[pyfunction]
pub(crate) fn share_labels<'py>(detector: &Bound<'py, PyAny>,
                                automaton: &Bound<'py, KeywordAutomaton>,
                                text_ops: &Bound<'py, TextOps>, content: &Bound<'py, PyList>)
                                -> PyResult<Vec<Bound<'py, PyTuple>>> {
    let py = detector.py();
    let c = context(automaton, text_ops)?;
    let tables = c.tables;
    let counter = py.import(intern!(py, "cleanse.detectors.share"))?
        .getattr(intern!(py, "COUNTER"))?;
    let max_tokens = threshold(detector, intern!(py, "max_tokens"))?;
    let tokens_group = c.group(detector, intern!(py, "_tokens"))?;
    let mut found = Vec::new();
    for (index, line) in content.iter().enumerate() {
        let features = line.slot(intern!(py, "features"))?;
        let tokens: f64 = features.slot_f64(intern!(py, "tokens"))?;
        if tokens > max_tokens {
            continue;
        }
        let plain = features.slot(intern!(py, "plain"))?.downcast_into::<PyString>()?;
        let Ok(text) = plain.to_str() else {
            // Lone surrogates: the reference judges the line.
            found.extend(reference_rule(detector, index, &line)?);
            continue;
        };
        // The text before the final mark and code (the reference tests those first): most
        // lines are neither counters nor hold a share word, and the rest need not be read.
        let counted = may_count(text, &tables.re_digit);
        if !counted && c.search(&tokens_group, &plain)?.is_none() {
            continue;
        }
        if features.slot(intern!(py, "terminal"))?.is_truthy()?
            || is_code(&line)? {
            continue;
        }
        if counted && !counter.call_method1(intern!(py, "match"), (&plain,))?.is_none() {
            let rule: Rule = ("counter", 0.65, "bare counter (likes, shares, comments)".into());
            found.push(found_rule(py, index, rule)?);
            continue;
        }
        if c.search(&tokens_group, &plain)?.is_none() {
            continue;  // no share word at all (most lines)
        }
        // `Keywords.remove(plain.lower())`: lowercased twice, as the reference does.
        let once = lower(py, text)?;
        let lowered = lower(py, once.as_ref())?;
        let lowered = lowered.as_ref();
        let mut remainder = String::with_capacity(lowered.len());
        let mut copied = 0;
        for hit in c.automaton.automaton.all_hits(tables, lowered, tokens_group.id) {
            remainder.push_str(&lowered[copied..hit.start]);
            remainder.push(' ');
            copied = hit.end;
        }
        remainder.push_str(&lowered[copied..]);
        let mut remainder = share_separated(&remainder, &tables.re_space);
        if may_count(&remainder, &tables.re_digit) {
            remainder = counter.call_method1(intern!(py, "sub"), ("", &remainder))?.extract()?;
        }
        if remainder.trim_matches(|ch: char| ch == ' ' || ch.is_ascii_digit()).is_empty() {
            let rule: Rule = ("share_widget", 0.9,
                              "only share-network and share-action words".into());
            found.push(found_rule(py, index, rule)?);
        }
    }
    Ok(found)
}
