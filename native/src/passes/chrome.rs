//! `Chrome._rules` (`cleanse/detectors/chrome.py`): page furniture, line by line.

use super::*;
use crate::slots::SlotAttr;

/// The chrome detector's thresholds and matchers, read off the detector for one page.
struct Chrome<'py> {
    detector: Bound<'py, PyAny>,
    max_button_tokens: f64,
    max_footer_tokens: f64,
    max_banner_tokens: f64,
    max_credit_tokens: f64,
    max_wire_credit_tokens: f64,
    max_caption_tokens: f64,
    min_markup_share: f64,
    buttons: Group<'py>,
    legal: Group<'py>,
    notices: Group<'py>,
    comment_form: Group<'py>,
    post_footers: Group<'py>,
    cookies: Group<'py>,
    consent: Group<'py>,
    credits: Group<'py>,
    bylines: Group<'py>,
    wire_credits: Group<'py>,
    pagination: Group<'py>,
    any_inside: Group<'py>,
    any_opening: Group<'py>,
    /// `_contact_field.findall` and each of `_caption_openings`' `match`, looked up once.
    contact_fields: Bound<'py, PyAny>,
    caption_openings: Vec<Bound<'py, PyAny>>,
    /// The module's `CREDIT_TAIL_CHARS`: only the tail of a line can hold a credit.
    credit_tail_chars: usize,
}

impl<'py> Chrome<'py> {
    fn read(context: &Context<'py, '_>, detector: &Bound<'py, PyAny>) -> PyResult<Self> {
        let py = context.py;
        let group = |name| context.group(detector, name);
        Ok(Chrome {
            detector: detector.clone(),
            max_button_tokens: threshold(detector, intern!(py, "max_button_tokens"))?,
            max_footer_tokens: threshold(detector, intern!(py, "max_footer_tokens"))?,
            max_banner_tokens: threshold(detector, intern!(py, "max_banner_tokens"))?,
            max_credit_tokens: threshold(detector, intern!(py, "max_credit_tokens"))?,
            max_wire_credit_tokens: threshold(detector, intern!(py, "max_wire_credit_tokens"))?,
            max_caption_tokens: threshold(detector, intern!(py, "max_caption_tokens"))?,
            min_markup_share: threshold(detector, intern!(py, "min_markup_share"))?,
            buttons: group(intern!(py, "_buttons"))?,
            legal: group(intern!(py, "_legal"))?,
            notices: group(intern!(py, "_notices"))?,
            comment_form: group(intern!(py, "_comment_form"))?,
            post_footers: group(intern!(py, "_post_footers"))?,
            cookies: group(intern!(py, "_cookies"))?,
            consent: group(intern!(py, "_consent"))?,
            credits: group(intern!(py, "_credits"))?,
            bylines: group(intern!(py, "_bylines"))?,
            wire_credits: group(intern!(py, "_wire_credits"))?,
            pagination: group(intern!(py, "_pagination"))?,
            any_inside: group(intern!(py, "_any_inside"))?,
            any_opening: group(intern!(py, "_any_opening"))?,
            contact_fields: detector.getattr(intern!(py, "_contact_field"))?
                .getattr(intern!(py, "findall"))?,
            caption_openings: detector.getattr(intern!(py, "_caption_openings"))?
                .try_iter()?.map(|p| p?.getattr(intern!(py, "match")))
                .collect::<PyResult<_>>()?,
            credit_tail_chars: py.import(intern!(py, "cleanse.detectors.chrome"))?
                .getattr(intern!(py, "CREDIT_TAIL_CHARS"))?.extract()?,
        })
    }

    /// `Chrome._rule(line)`, for a line whose `plain` is `plain`.
    fn rule(&self, c: &Context<'py, '_>, features: &Bound<'py, PyAny>,
            plain: &Bound<'py, PyString>, text: &str) -> PyResult<Option<Rule>> {
        let py = c.py;
        let tokens: f64 = features.slot_f64(intern!(py, "tokens"))?;
        let alnum: i64 = features.slot(intern!(py, "alnum"))?.extract()?;
        if alnum == 0 {
            return Ok(Some(("no_text", 0.6,
                            "no letters or digits (separator, symbol or emoji)".into())));
        }
        if text.contains('<') || text.contains("&lt;") {
            let chrome = py.import(intern!(py, "cleanse.detectors.chrome"))?;
            let run_length = py.import(intern!(py, "cleanse.features"))?
                .getattr(intern!(py, "run_length"))?;
            let covered: f64 = run_length.call1((chrome.getattr(intern!(py, "MARKUP"))?, plain))?
                .extract()?;
            if covered >= self.min_markup_share * text.chars().count() as f64 {
                return Ok(Some(("markup", 0.8, "HTML or script markup, not visible text".into())));
            }
        }
        if tokens <= self.max_button_tokens {
            let bare = strip_punctuation(text, c.punctuation);
            if c.fullmatch(&self.buttons, bare)? || c.fullmatch(&self.buttons, text)? {
                let shown = if bare.is_empty() { text } else { bare };
                return Ok(Some(("control_label", 0.85,
                                format!("button or control label '{shown}'"))));
            }
            if !c.alnum_outside(&self.buttons, bare)? {
                return Ok(Some(("control_row", 0.8, format!("a row of buttons '{bare}'"))));
            }
        }
        let inside = (tokens <= self.max_banner_tokens || tokens <= self.max_footer_tokens)
            && c.search(&self.any_inside, plain)?.is_some();
        if inside && tokens <= self.max_banner_tokens && c.search(&self.cookies, plain)?.is_some()
            && c.search(&self.consent, plain)?.is_some() {
            return Ok(Some(("cookie_banner", 0.85, "cookie/consent banner".into())));
        }
        if inside && tokens <= self.max_footer_tokens {
            if let Some(hit) = c.search(&self.legal, plain)? {
                return Ok(Some(("legal_footer", 0.8,
                                format!("footer or legal line ('{}')", c.word(hit)?))));
            }
            if let Some(hit) = c.search(&self.comment_form, plain)? {
                return Ok(Some(("comment_form", 0.8,
                                format!("comment form ('{}')", c.word(hit)?))));
            }
        }
        if tokens <= self.max_banner_tokens {
            if inside {
                if let Some(hit) = c.search(&self.notices, plain)? {
                    return Ok(Some(("legal_notice", 0.8,
                                    format!("legal notice ('{}')", c.word(hit)?))));
                }
            }
            // Each field ends in a colon: two fields need two colons.
            if text.matches([':', '：']).nth(1).is_some() {
                let fields = self.contact_fields.call1((plain,))?;
                let fields = fields.downcast::<PyList>()?;
                if fields.len() >= 2 {
                    let shown = fields.iter().take(3).map(|f| Ok(f.downcast::<PyString>()?
                        .to_str()?.to_owned())).collect::<PyResult<Vec<String>>>()?;
                    return Ok(Some(("contact_details", 0.75,
                                    format!("contact details ({})", shown.join(", ")))));
                }
            }
        }
        let opening = (tokens <= self.max_credit_tokens || tokens <= self.max_wire_credit_tokens
                       || tokens <= self.max_footer_tokens)
            && c.startswith(&self.any_opening, plain)?.is_some();
        if opening && tokens <= self.max_credit_tokens {
            if let Some(hit) = c.startswith(&self.credits, plain)? {
                return Ok(Some(("image_credit", 0.7,
                                format!("image caption or credit ('{}')", c.word(hit)?))));
            }
        }
        if tokens <= self.max_caption_tokens && credit_mark(tail(text, self.credit_tail_chars)) {
            // The reference's own method: the credit pattern is built from keyword lists.
            let credit = self.detector.call_method1(intern!(py, "_caption_credit"), (features,))?;
            if credit.is_truthy()? {
                return Ok(Some(("captioned_image", 0.7, format!(
                    "image caption ending in its credit ('{}')",
                    credit.downcast::<PyString>()?.to_str()?))));
            }
        }
        if tokens <= self.max_caption_tokens {
            for opening in &self.caption_openings {
                if !opening.call1((plain,))?.is_none() {
                    return Ok(Some(("captioned_image", 0.7,
                                    "image caption ('In this ... photo')".into())));
                }
            }
        }
        if opening && tokens <= self.max_credit_tokens {
            if let Some(hit) = c.startswith(&self.pagination, plain)? {
                return Ok(Some(("post_link", 0.8,
                                format!("link to the neighbouring post ('{}')", c.word(hit)?))));
            }
            if let Some(hit) = c.startswith(&self.bylines, plain)? {
                return Ok(Some(("byline", 0.6,
                                format!("source/editor byline ('{}')", c.word(hit)?))));
            }
        }
        if opening && tokens <= self.max_wire_credit_tokens {
            if let Some(hit) = c.startswith(&self.wire_credits, plain)? {
                return Ok(Some(("wire_credit", 0.6, format!(
                    "wire-service or citation credit ('{}')", c.word(hit)?))));
            }
        }
        if opening && tokens <= self.max_footer_tokens {
            if let Some(hit) = c.startswith(&self.post_footers, plain)? {
                return Ok(Some(("post_footer", 0.7, format!(
                    "the post's categories or tags ('{}')", c.word(hit)?))));
            }
        }
        let terminal = features.slot(intern!(py, "terminal"))?.is_truthy()?;
        if tokens <= self.max_credit_tokens && !terminal
            && expander_suffix(text, &c.tables.rx_space) {
            return Ok(Some(("expander", 0.7, "ends in an expander link (展开/更多/全文)".into())));
        }
        Ok(None)
    }
}

/// `Chrome._rules(content)`: `(index, rule, score, reason)` for each line of `content` (the
/// page's non-blank lines) that a rule of `detector` (a `Chrome`) matches.
#[pyfunction]
pub(crate) fn chrome_rules<'py>(detector: &Bound<'py, PyAny>,
                                automaton: &Bound<'py, KeywordAutomaton>,
                                text_ops: &Bound<'py, TextOps>, content: &Bound<'py, PyList>)
                                -> PyResult<Vec<Bound<'py, PyTuple>>> {
    let py = detector.py();
    let c = context(automaton, text_ops)?;
    let chrome = Chrome::read(&c, detector)?;
    let mut found = Vec::new();
    for (index, line) in content.iter().enumerate() {
        let (features, in_unit) = line_parts(&line)?;
        if in_unit {
            continue;  // "}" or "<div>" in code is code, a "|---|" row in a table is the table's
        }
        let plain = features.slot(intern!(py, "plain"))?;
        let plain = plain.downcast::<PyString>()?;
        match plain.to_str() {
            Ok(text) => if let Some(rule) = chrome.rule(&c, &features, plain, text)? {
                found.push(found_rule(py, index, rule)?);
            },
            // Lone surrogates: the reference judges the line (its reason may hold them).
            Err(_) => found.extend(reference_rule(detector, index, &line)?),
        }
    }
    Ok(found)
}
