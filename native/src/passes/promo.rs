//! `Promo._labels` (`cleanse/detectors/promo.py`): advertising lines, scored on vocabulary and
//! context.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};

use super::{context, lower, reference_rule, threshold};
use crate::python::{core, KeywordAutomaton, TextOps};
use crate::slots::SlotAttr;

/// `Promo._labels(content)`: the promo lines `detector` (a `Promo`) finds among `content`
/// (the page's non-blank lines), as `(index, rule, score, reason)`.
///
/// Most lines hold no promo word and are ruled out by the keyword scan. On the few that
/// do, `features.URL` is matched natively (`Core::url_match`) and the score is added up with
/// Python's arithmetic on the detector's fields (ints stay ints, as in the reference).
#[pyfunction]
pub(crate) fn promo_labels<'py>(detector: &Bound<'py, PyAny>,
                                automaton: &Bound<'py, KeywordAutomaton>,
                                text_ops: &Bound<'py, TextOps>, content: &Bound<'py, PyList>)
                                -> PyResult<Vec<Bound<'py, PyTuple>>> {
    let py = detector.py();
    let c = context(automaton, text_ops)?;
    let max_tokens = threshold(detector, intern!(py, "max_tokens"))?;
    let terms_group = c.group(detector, intern!(py, "_terms"))?;
    let cta_group = c.group(detector, intern!(py, "_cta"))?;
    let mut found = Vec::new();
    for (index, line) in content.iter().enumerate() {
        // The keyword scan first (the reference tests the tokens first): most lines hold no
        // promo word, and their tokens need not be read.
        let features = line.slot(intern!(py, "features"))?;
        let plain = features.slot(intern!(py, "plain"))?.downcast_into::<PyString>()?;
        // Lone surrogates (in `plain` or in `stripped`): the reference judges the line.
        let Ok(text) = plain.to_str() else {
            found.extend(reference_rule(detector, index, &line)?);
            continue;
        };
        if c.search(&terms_group, &plain)?.is_none()
            || features.slot(intern!(py, "tokens"))?.extract::<f64>()? > max_tokens {
            continue;
        }
        // `{t.lower() for t in findall(plain)}`, sorted as Python sorts strings.
        let lowered = lower(py, text)?;
        let mut terms: Vec<String> = Vec::new();
        for hit in c.automaton.automaton.all_hits(c.tables, lowered.as_ref(), terms_group.id) {
            terms.push(lower(py, &c.word(hit)?)?.into_owned());
        }
        terms.sort_unstable();
        terms.dedup();
        if terms.is_empty() {
            continue;
        }
        let cta = match c.search(&cta_group, &plain)? {
            Some(hit) => Some(c.word(hit)?),
            None => None,
        };
        let stripped = features.slot(intern!(py, "stripped"))?.downcast_into::<PyString>()?;
        let Ok(stripped) = stripped.to_str() else {
            found.extend(reference_rule(detector, index, &line)?);
            continue;
        };
        let domain = core(py)?.url_match(stripped);
        if cta.is_none() && domain.is_none() {
            continue;
        }
        let field = |name| detector.getattr(name);
        let zero = 0_i32.into_pyobject(py)?.into_any();
        let score = field(intern!(py, "base_score"))?
            .add(field(intern!(py, "per_term"))?.mul(terms.len().min(3))?)?
            .add(if cta.is_some() { field(intern!(py, "cta_bonus"))? } else { zero.clone() })?
            .add(if domain.is_some() { field(intern!(py, "domain_bonus"))? } else { zero.clone() })?
            .sub(if features.slot(intern!(py, "prose"))?.is_truthy()? {
                field(intern!(py, "sentence_penalty"))?
            } else {
                zero
            })?;
        // `min(score, 1.0)`: the first of the smallest.
        let one = 1.0_f64.into_pyobject(py)?.into_any();
        let score = if one.lt(&score)? { one } else { score };
        let hints = terms[..terms.len().min(3)].join(", ");
        let why = match &cta {
            Some(cta) => format!("call to action '{cta}'"),
            None => format!("domain '{}'", domain.expect("a call to action or a domain")),
        };
        let reason = format!("promo vocabulary ({hints}) with {why}");
        found.push(PyTuple::new(py, [index.into_pyobject(py)?.into_any(),
                                     PyString::new(py, "promo_line").into_any(), score,
                                     PyString::new(py, &reason).into_any()])?);
    }
    Ok(found)
}
