//! `Newsletter._labels` (`cleanse/detectors/newsletter.py`): subscribe prompts
//! and the lines around them.

use super::*;
use crate::slots::SlotAttr;

/// `Newsletter._labels(content)`: the decisions `detector` (a `Newsletter`) makes on
/// `content` (the page's non-blank lines), as `(index, rule, score, reason)`: pitches above
/// sign-up buttons first, then prompts and the lines around them.
#[pyfunction]
pub(crate) fn newsletter_labels<'py>(detector: &Bound<'py, PyAny>,
                                     automaton: &Bound<'py, KeywordAutomaton>,
                                     text_ops: &Bound<'py, TextOps>,
                                     content: &Bound<'py, PyList>)
                                     -> PyResult<Bound<'py, PyAny>> {
    let py = detector.py();
    let lines = views_or_reference!(detector, content, (content,));
    let c = context(automaton, text_ops)?;
    let field = |name| threshold(detector, name);
    let max_tokens = field(intern!(py, "max_tokens"))?;
    let max_prose_tokens = field(intern!(py, "max_prose_tokens"))?;
    let max_weak_sentence_tokens = field(intern!(py, "max_weak_sentence_tokens"))?;
    let max_button_tokens = field(intern!(py, "max_button_tokens"))?;
    let max_pitch_lines: i64 = detector.getattr(intern!(py, "max_pitch_lines"))?.extract()?;
    let max_pitch_tokens = field(intern!(py, "max_pitch_tokens"))?;
    let strong = c.group(detector, intern!(py, "_strong"))?;
    let weak = c.group(detector, intern!(py, "_weak"))?;
    let cta = c.group(detector, intern!(py, "_cta"))?;
    let lead_ins = c.group(detector, intern!(py, "_lead_ins"))?;
    let pitch = c.group(detector, intern!(py, "_pitch"))?;
    let strong_or_weak = c.group(detector, intern!(py, "_strong_or_weak"))?;
    let mut terminal = Vec::with_capacity(lines.len());
    for line in &lines {
        terminal.push(line.line.slot(intern!(py, "features"))?
            .slot(intern!(py, "terminal"))?.is_truthy()?);
    }
    let mut found: Vec<(usize, &'static str, f64, String)> = Vec::new();
    // Sign-up buttons and the pitch right above them (`_label_pitch`).
    for (button, line) in lines.iter().enumerate() {
        if !(line.tokens <= max_button_tokens && c.search(&weak, &line.plain)?.is_some()) {
            continue;
        }
        let window = python_slice(lines.len(), (button as i64 - max_pitch_lines).max(0),
                                  button as i64);
        for index in window.rev() {
            let above = &lines[index];
            if above.tokens > max_pitch_tokens || !(c.search(&pitch, &above.plain)?.is_some()
                                                    || c.search(&weak, &above.plain)?.is_some()) {
                break;
            }
            found.push((index, "signup_pitch", 0.7, "pitch right above a sign-up button".into()));
        }
    }
    // `_prompt(line)` of every line.
    let mut prompts: Vec<Option<(&'static str, f64, String)>> = Vec::with_capacity(lines.len());
    for (line, &terminal) in lines.iter().zip(&terminal) {
        prompts.push((|| -> PyResult<Option<(&'static str, f64, String)>> {
            if line.tokens > max_tokens || c.search(&strong_or_weak, &line.plain)?.is_none() {
                return Ok(None);
            }
            let long_sentence = terminal && line.tokens > max_prose_tokens;
            if let Some(hit) = c.search(&strong, &line.plain)? {
                if !long_sentence {
                    return Ok(Some(("subscribe_prompt", 0.9,
                                    format!("subscribe/follow prompt ('{}')", c.word(hit)?))));
                }
            }
            if terminal && line.tokens > max_weak_sentence_tokens {
                return Ok(None);
            }
            if let Some(weak_hit) = c.search(&weak, &line.plain)? {
                if let Some(cta_hit) = c.search(&cta, &line.plain)? {
                    return Ok(Some(("subscribe_cta", 0.7, format!(
                        "'{}' with call to action '{}'", c.word(weak_hit)?, c.word(cta_hit)?))));
                }
            }
            Ok(None)
        })()?);
    }
    let space = &c.tables.re_space;
    for (i, line) in lines.iter().enumerate() {
        if let Some((rule, score, reason)) = &prompts[i] {
            found.push((i, rule, *score, reason.clone()));
            continue;
        }
        let before = i + 1 < prompts.len() && prompts[i + 1].is_some();
        let after = i > 0 && prompts[i - 1].is_some();
        let short = line.tokens <= 20.0;
        if before && short && (c.search(&lead_ins, &line.plain)?.is_some()
                               || line.text().trim_end_matches(|ch| space.has(ch))
                                   .ends_with(['?', '？'])) {
            found.push((i, "lead_in", 0.65, "question leading into a subscribe prompt".into()));
        } else if after && short && c.search(&weak, &line.plain)?.is_some() {
            found.push((i, "prompt_tail", 0.65, "short line continuing a subscribe prompt".into()));
        }
    }
    found.into_pyobject(py).map(|list| list.into_any())
}
