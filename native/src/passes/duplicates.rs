//! `Duplicates._repeats` (`cleanse/detectors/duplicates.py`): lines repeating an
//! earlier line or the title.

use super::*;
use crate::slots::SlotAttr;

/// `duplicates._introduces_prose(line, following)`.
fn introduces_prose(features: &Bound<'_, PyAny>, tokens: f64, following: Option<&Bound<'_, PyAny>>)
                    -> PyResult<bool> {
    let py = features.py();
    if tokens > 6.0 {
        return Ok(false);
    }
    let Some(following) = following else { return Ok(false) };
    let label = features.slot(intern!(py, "heading"))?.is_truthy()? || {
        let plain = features.slot(intern!(py, "plain"))?;
        let plain = plain.downcast::<PyString>()?;
        plain.call_method1(intern!(py, "endswith"), ((":", "："),))?.is_truthy()?
    } || {
        let stripped = features.slot(intern!(py, "stripped"))?;
        let stripped = stripped.downcast::<PyString>()?;
        stripped.call_method1(intern!(py, "startswith"), ("**",))?.is_truthy()?
            && stripped.call_method1(intern!(py, "endswith"), ("**",))?.is_truthy()?
    };
    Ok(label && following.slot(intern!(py, "features"))?
        .slot(intern!(py, "prose"))?.is_truthy()?)
}

/// `Duplicates._repeats(page, content)`: `(index, reason)` for each line of `content` (the
/// page's non-blank lines) that `detector` (a `Duplicates`) finds repeating an earlier line
/// or the page's title.
#[pyfunction]
pub(crate) fn duplicate_lines<'py>(detector: &Bound<'py, PyAny>,
                                   _automaton: &Bound<'py, KeywordAutomaton>,
                                   _text_ops: &Bound<'py, TextOps>, page: &Bound<'py, PyAny>,
                                   content: &Bound<'py, PyList>)
                                   -> PyResult<Vec<(usize, Bound<'py, PyString>)>> {
    let py = detector.py();
    let tables = &core(py)?.tables;
    let max_tokens = threshold(detector, intern!(py, "max_tokens"))?;
    let min_key_chars = threshold(detector, intern!(py, "min_key_chars"))?;
    let long_sentence_tokens = threshold(detector, intern!(py, "long_sentence_tokens"))?;
    let min_value_digit_share = threshold(detector, intern!(py, "min_value_digit_share"))?;
    let duplicates = py.import(intern!(py, "cleanse.detectors.duplicates"))?;
    let slice: usize = py.import(intern!(py, "cleanse.features"))?
        .getattr(intern!(py, "SLICE"))?.extract()?;
    // Key -> the number of the line it was first seen on (0: the title), and that line's
    // structural signature.
    let mut first_seen: std::collections::HashMap<String, (i64, Option<Bound<'py, PyAny>>)> =
        std::collections::HashMap::new();
    let title = page.getattr(intern!(py, "title"))?;
    if title.is_truthy()? {
        for key in [py.import(intern!(py, "cleanse.features"))?
                        .getattr(intern!(py, "normalize_for_matching"))?.call1((&title,))?,
                    duplicates.getattr(intern!(py, "exact_key"))?.call1((&title,))?] {
            first_seen.insert(key.extract()?, (0, None));
        }
    }
    let signature_key = intern!(py, "signature");
    let empty = PyString::new(py, "");
    let mut found = Vec::new();
    let lines: Vec<Bound<'py, PyAny>> = content.iter().collect();
    for (index, line) in lines.iter().enumerate() {
        let features = line.slot(intern!(py, "features"))?;
        let tokens: f64 = features.slot_f64(intern!(py, "tokens"))?;
        let hints = line.slot(intern!(py, "hints"))?;
        let hints = hints.downcast::<PyDict>()?;
        if tokens > max_tokens {
            continue;
        }
        // Line.code: a line of a code block (code repeats itself).
        if hints.contains(intern!(py, "block"))? && hints.get_item(intern!(py, "tag"))?
                .is_some_and(|tag| tag.eq("pre").unwrap_or(false)) {
            continue;
        }
        let sentence = features.slot(intern!(py, "prose"))?.is_truthy()?;
        let digits: f64 = features.slot_f64(intern!(py, "digits"))?;
        let alnum: f64 = features.slot_f64(intern!(py, "alnum"))?;
        let share = min_value_digit_share * alnum;
        let value = digits >= share && share > 0.0;
        let exact = sentence || value;
        let key = if exact {
            match plain_of_text(line, &features)? {
                Some(plain) => alnum_key(&lower(py, &plain)?, tables, false),
                // Lone surrogates: the reference's key.
                None => duplicates.getattr(intern!(py, "_exact_line_key"))?.call1((line,))?
                    .extract()?,
            }
        } else {
            line_match_key(line, &features, tables, slice)?
        };
        if (key.chars().count() as f64) < min_key_chars {
            continue;
        }
        let signature = hints.get_item(signature_key)?.unwrap_or_else(|| empty.clone().into_any());
        let Some((seen_at, first_signature)) = first_seen.get(&key) else {
            first_seen.insert(key, (line.slot(intern!(py, "number"))?.extract()?,
                                    Some(signature)));
            continue;
        };
        let seen_at = *seen_at;
        if seen_at != 0 {
            let kept = hints.get_item(intern!(py, "main_content"))?
                    .map_or(Ok(false), |v| v.is_truthy())?
                || (signature.is_truthy()? && match first_signature {
                    Some(first) => signature.eq(first)?,
                    None => false,
                })
                || (sentence && tokens >= long_sentence_tokens)
                || introduces_prose(&features, tokens, lines.get(index + 1))?;
            if kept {
                continue;
            }
        }
        found.push((index, if seen_at == 0 { "repeats the title".to_owned() }
                           else { format!("repeats line {seen_at}") }));
    }
    let mut shared = Shared::new(py);
    Ok(found.into_iter().map(|(index, reason)| (index, shared.text(&reason))).collect())
}
