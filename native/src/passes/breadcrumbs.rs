//! `Breadcrumbs._labels` (`cleanse/detectors/breadcrumbs.py`): breadcrumb trails.

use super::*;
use crate::slots::SlotAttr;

/// `Breadcrumbs._labels(content)`: the decisions `detector` (a `Breadcrumbs`) makes on
/// `content` (the page's non-blank lines), as `(index, rule, score, reason)`.
#[pyfunction]
pub(crate) fn breadcrumb_labels<'py>(detector: &Bound<'py, PyAny>,
                                     automaton: &Bound<'py, KeywordAutomaton>,
                                     text_ops: &Bound<'py, TextOps>,
                                     content: &Bound<'py, PyList>)
                                     -> PyResult<Bound<'py, PyAny>> {
    let py = detector.py();
    let lines = views_or_reference!(detector, content, (content,));
    let c = context(automaton, text_ops)?;
    let min_crumbs = threshold(detector, intern!(py, "min_crumbs"))?;
    let max_crumb_tokens = threshold(detector, intern!(py, "max_crumb_tokens"))?;
    let home = c.group(detector, intern!(py, "_home"))?;
    let space = &c.tables.re_space;
    let mut found: Vec<(usize, &'static str, f64, String)> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let features = line.line.slot(intern!(py, "features"))?;
        let hints = line.line.slot(intern!(py, "hints"))?.downcast_into::<PyDict>()?;
        let code = hints.contains(intern!(py, "block"))? && hints.get_item(intern!(py, "tag"))?
            .is_some_and(|tag| tag.eq("pre").unwrap_or(false));
        if code || features.slot(intern!(py, "terminal"))?.is_truthy()? {
            continue;
        }
        if features.slot(intern!(py, "link_like"))?.is_truthy()?
            && features.slot(intern!(py, "stripped"))?.downcast::<PyString>()?
                .call_method1(intern!(py, "__contains__"), ("://",))?.is_truthy()? {
            continue;
        }
        let text = line.text();
        let Some((crumbs, separators)) = crate::detectors::crumbs(text, space) else {
            continue;
        };
        if crumbs.len() < 2 || separators + 1 < crumbs.len() {
            continue;
        }
        let first = PyString::new(py, crumbs[0]);
        let starts_home = c.search(&home, &first)?.is_some();
        let short = crumbs.iter().all(|crumb| {
            crate::detectors::whitespace_words(crumb, space) as f64 <= max_crumb_tokens
                && crumb.chars().count() <= 20
        });
        if starts_home && short {
            found.push((index, "home_trail", 0.95,
                        format!("breadcrumb trail starting at '{}'", crumbs[0])));
        } else if short && crumbs.len() as f64 >= min_crumbs && line.tokens <= 30.0 {
            found.push((index, "crumb_trail", 0.7,
                        format!("{} short crumbs joined by separators", crumbs.len())));
        }
    }
    found.into_pyobject(py).map(|list| list.into_any())
}
