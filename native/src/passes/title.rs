//! `Title._choice` (`cleanse/detectors/title.py`): the page's title line.

use super::*;
use crate::slots::SlotAttr;

/// What the title detector reads of a line.
struct TitleLine<'py> {
    line: Bound<'py, PyAny>,
    features: Bound<'py, PyAny>,
    decisions: Bound<'py, PyAny>,
    tokens: f64,
    prose: bool,
    heading: bool,
    cjk: f64,
    words: f64,
    number: i64,
}

/// The title detector's choice for one page.
struct TitlePass<'py> {
    py: Python<'py>,
    tables: &'static Tables,
    slice: usize,
    max_tokens: f64,
    never_title: Bound<'py, PyAny>,
}

impl<'py> TitlePass<'py> {
    /// `Title._candidate(page, line)`.
    fn candidate(&self, line: &TitleLine<'py>) -> PyResult<bool> {
        let py = self.py;
        if !(2.0 <= line.tokens && line.tokens <= self.max_tokens) {
            return Ok(false);
        }
        let plain = line.features.slot(intern!(py, "plain"))?;
        let plain = plain.downcast::<PyString>()?;
        if plain.call_method1(intern!(py, "endswith"), (("。", "."),))?.is_truthy()? {
            return Ok(false);
        }
        // LineFeatures.mostly_date, link_like, list_item; then the categories.
        Ok(!line.features.getattr(intern!(py, "mostly_date"))?.is_truthy()?
           && !line.features.slot(intern!(py, "link_like"))?.is_truthy()?
           && !line.features.slot(intern!(py, "list_item"))?.is_truthy()?
           && !has_category(&line.decisions, &self.never_title)?)
    }
}

/// `Title._choice(page, content)`: the title line `detector` (a `Title`) chooses among
/// `content` (the page's non-blank lines), as `(index, rule, score, reason)`, or None.
#[pyfunction]
pub(crate) fn title_choice<'py>(detector: &Bound<'py, PyAny>,
                                _automaton: &Bound<'py, KeywordAutomaton>,
                                _text_ops: &Bound<'py, TextOps>, page: &Bound<'py, PyAny>,
                                content: &Bound<'py, PyList>)
                                -> PyResult<Option<(usize, &'static str, f64, &'static str)>> {
    let py = detector.py();
    let junk_test = JunkTest::read(py)?;
    let model = py.import(intern!(py, "cleanse.model"))?;
    let meta = PyList::new(py, [model.getattr(intern!(py, "Category"))?
                                    .getattr(intern!(py, "META"))?])?.into_any();
    let title_module = py.import(intern!(py, "cleanse.detectors.title"))?;
    let pass = TitlePass {
        py,
        tables: &core(py)?.tables,
        slice: py.import(intern!(py, "cleanse.features"))?.getattr(intern!(py, "SLICE"))?
            .extract()?,
        max_tokens: threshold(detector, intern!(py, "max_tokens"))?,
        never_title: title_module.getattr(intern!(py, "NEVER_TITLE"))?,
    };
    let mut lines = Vec::with_capacity(content.len());
    let mut body = Vec::new();
    for (index, line) in content.iter().enumerate() {
        let features = line.slot(intern!(py, "features"))?;
        let decisions = line.slot(intern!(py, "decisions"))?;
        if !junk_test.is_junk(&decisions)? && !has_category(&decisions, &meta)? {
            body.push(index);
        }
        lines.push(TitleLine {
            tokens: features.slot_f64(intern!(py, "tokens"))?,
            prose: features.slot(intern!(py, "prose"))?.is_truthy()?,
            heading: features.slot(intern!(py, "heading"))?.is_truthy()?,
            cjk: features.slot(intern!(py, "cjk"))?.extract()?,
            words: features.slot_f64(intern!(py, "words"))?,
            number: line.slot(intern!(py, "number"))?.extract()?,
            line,
            features,
            decisions,
        });
    }
    if body.is_empty() {
        return Ok(None);
    }
    let title = page.getattr(intern!(py, "title"))?;
    if title.is_truthy()? {
        // `_match_known_title`, then `_html_heading`.
        let key: String = py.import(intern!(py, "cleanse.features"))?
            .getattr(intern!(py, "normalize_for_matching"))?.call1((&title,))?.extract()?;
        let key_chars = key.chars().count() as f64;
        let min_match_chars = threshold(detector, intern!(py, "min_match_chars"))?;
        for (index, line) in lines.iter().enumerate() {
            if has_category(&line.decisions, &pass.never_title)? || line.tokens > pass.max_tokens {
                continue;
            }
            let candidate = line_match_key(&line.line, &line.features, pass.tables, pass.slice)?;
            let chars = candidate.chars().count() as f64;
            if chars >= min_match_chars && (key.contains(candidate.as_str())
                                            || (candidate.contains(key.as_str())
                                                && 2.0 * key_chars >= chars)) {
                return Ok(Some((index, "matches_known_title", 1.0,
                                "matches the title given in the capture's metadata")));
            }
        }
        for (index, line) in lines.iter().enumerate() {
            let hints = line.line.slot(intern!(py, "hints"))?;
            let hints = hints.downcast::<PyDict>()?;
            if hints.get_item(intern!(py, "tag"))?.is_some_and(|tag| tag.eq("h1").unwrap_or(false))
                && pass.candidate(line)? {
                return Ok(Some((index, "html_h1", 0.9, "the page's <h1> above the article")));
            }
            if line.prose {
                return Ok(None);
            }
        }
        return Ok(None);
    }
    // `_best_candidate`.
    let lookback: i64 = detector.getattr(intern!(py, "lookback"))?.extract()?;
    let start = body[0];
    let first = &lines[start];
    let mut pool: Vec<usize> = python_slice(lines.len(), (start as i64 - lookback).max(0),
                                            start as i64).collect();
    if first.heading || !first.prose {
        pool.push(start);
    }
    let (cjk, words) = body.iter().fold((0.0, 0.0), |(c, w), &i| (c + lines[i].cjk,
                                                                   w + lines[i].words));
    let body_is_cjk = cjk > words;
    let mut candidates = Vec::new();
    for index in pool {
        if pass.candidate(&lines[index])? {
            candidates.push(index);
        }
    }
    if candidates.is_empty() {
        return Ok(None);
    }
    let mut keys = std::collections::HashMap::new();
    for &index in &candidates {
        let line = &lines[index];
        keys.insert(index, line_match_key(&line.line, &line.features, pass.tables, pass.slice)?);
    }
    let key_lengths: std::collections::HashSet<i64> = keys.values()
        .map(|key| key.chars().count() as i64).collect();
    // How many lines share each candidate's key (only lines that can: see the reference).
    let mut repeats: std::collections::HashMap<&str, usize> =
        keys.values().map(|key| (key.as_str(), 0)).collect();
    for line in &lines {
        let text = line.line.slot(intern!(py, "text"))?;
        let stripped = line.features.slot(intern!(py, "stripped"))?;
        let alnum: i64 = line.features.slot(intern!(py, "alnum"))?.extract()?;
        if text.eq(&stripped)? && !key_lengths.contains(&alnum) {
            continue;  // its key has `alnum` characters: no candidate's length
        }
        let key = line_match_key(&line.line, &line.features, pass.tables, pass.slice)?;
        if let Some(count) = repeats.get_mut(key.as_str()) {
            *count += 1;
        }
    }
    let lines_all = page.getattr(intern!(py, "lines"))?.downcast_into::<PyList>()?;
    let blank = |i: usize| -> PyResult<bool> {
        let features = lines_all.get_item(i)?.slot(intern!(py, "features"))?;
        Ok(!features.slot(intern!(py, "stripped"))?.is_truthy()?)
    };
    let mut best: Option<(f64, i64, usize)> = None;
    for &index in &candidates {
        let line = &lines[index];
        let mut score = line.tokens.min(30.0) / 30.0;
        let stripped = line.features.slot(intern!(py, "stripped"))?;
        score += if stripped.call_method1(intern!(py, "startswith"), ("# ",))?.is_truthy()? {
            2.0
        } else if line.heading { 1.0 } else { 0.0 };
        // `_isolated`: blank lines (or the page's edge) on both sides.
        let i = line.number - 1;
        let count = lines_all.len() as i64;
        let before = i == 0 || blank((i - 1) as usize)?;
        let after = i + 1 >= count || blank((i + 1) as usize)?;
        score += if before && after { 1.0 } else { 0.0 };
        score += if (line.cjk > line.words) == body_is_cjk { 1.0 } else { 0.0 };
        score -= if repeats[keys[&index].as_str()] > 1 { 1.0 } else { 0.0 };
        let rank = (score, -line.number, index);
        if best.is_none_or(|(s, n, _)| (rank.0, rank.1) > (s, n)) {
            best = Some(rank);
        }
    }
    let (_, _, index) = best.expect("candidates are not empty");
    Ok(Some((index, "heading_above_body", 0.9, "headline-like line just above the article")))
}
