//! Whole detector passes (`detect()` of `cleanse/detectors/<name>.py`), natively.
//!
//! Each pass reads the detector object itself on every call: its dataclass fields (the
//! thresholds), its `Keywords` matchers (their groups in the process's keyword automaton and
//! their word sets) and its compiled patterns, so any configuration reaches the core exactly
//! as it reaches the Python reference, and nothing is cached between calls. The patterns a
//! configuration can change (built from keyword lists, or written in the vocabulary) are
//! called as the Python objects they are; the core evaluates the rest. Text the core cannot
//! take (lone surrogates) goes to the reference: the line to chrome's `_rule`, the key to
//! duplicates' and title's Python, the whole page to the list and page passes' reference
//! method. Each pass returns the decisions; the detector labels them, in the reference's
//! order. tests/test_native.py compares every pass with its reference.

use std::borrow::Cow;

use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::keywords::Hit;
use crate::python::{core, KeywordAutomaton, TextOps};
use crate::detectors::{credit_mark, expander_suffix, tail};
use crate::tables::{Bits, Tables};
use crate::text::strip_punctuation;

pub(crate) mod author_bio;
pub(crate) mod dateline;
pub(crate) mod promo;
pub(crate) mod share;

/// A numeric dataclass field of the detector (an int or a float), as Python compares it.
fn threshold(detector: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> PyResult<f64> {
    detector.getattr(name)?.extract()
}

/// `text` lowercased as Python's `str.lower` does (ASCII directly: the same result).
fn lower<'a>(py: Python<'_>, text: &'a str) -> PyResult<Cow<'a, str>> {
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            return Ok(Cow::Owned(text.to_ascii_lowercase()));
        }
        return Ok(Cow::Borrowed(text));
    }
    let lowered = PyString::new(py, text).call_method0(intern!(py, "lower"))?;
    Ok(Cow::Owned(lowered.downcast::<PyString>()?.to_str()?.to_owned()))
}

/// A `Keywords` matcher of the detector, read off the Python object.
struct Group<'py> {
    /// Its group in the process's automaton (`Keywords._group`).
    id: usize,
    /// Its lowercased words (`Keywords._set`, a frozenset), for `fullmatch`.
    set: Bound<'py, PyAny>,
    /// The length of its longest word (`Keywords._longest`).
    longest: usize,
}

/// What every pass shares: the automaton, the character tables, the punctuation class.
struct Context<'py, 'a> {
    py: Python<'py>,
    automaton: &'a KeywordAutomaton,
    tables: &'static Tables,
    punctuation: &'a Bits,
}

impl<'py, 'a> Context<'py, 'a> {
    fn group(&self, detector: &Bound<'py, PyAny>, name: &Bound<'py, PyString>)
             -> PyResult<Group<'py>> {
        let py = self.py;
        let keywords = detector.getattr(name)?;
        let id: isize = keywords.getattr(intern!(py, "_group"))?.extract()?;
        let id = usize::try_from(id)
            .map_err(|_| PyValueError::new_err("a Keywords matcher without a native group"))?;
        self.automaton.check_group(id)?;
        Ok(Group { id, set: keywords.getattr(intern!(py, "_set"))?,
                   longest: keywords.getattr(intern!(py, "_longest"))?.extract()? })
    }

    /// `Keywords.search`: the group's first word in the text, if any.
    fn search(&self, group: &Group<'py>, text: &Bound<'py, PyString>) -> PyResult<Option<Hit>> {
        self.automaton.first_hit(self.py, group.id, text)
    }

    /// `Keywords.startswith`.
    fn startswith(&self, group: &Group<'py>, text: &Bound<'py, PyString>)
                  -> PyResult<Option<Hit>> {
        Ok(self.search(group, text)?.filter(|hit| hit.start == 0))
    }

    fn word(&self, hit: Hit) -> PyResult<String> {
        Ok(self.automaton.words[hit.word].bind(self.py).to_str()?.to_owned())
    }

    /// `Keywords.fullmatch`: the text, stripped of `str.strip`'s whitespace and lowercased,
    /// is one of the words.
    fn fullmatch(&self, group: &Group<'py>, text: &str) -> PyResult<bool> {
        let text = text.trim_matches(|c| self.tables.re_space.has(c));
        // Lowercasing never shortens text: a longer one cannot be a word.
        if text.len() > group.longest && text.chars().count() > group.longest {
            return Ok(false);
        }
        group.set.contains(lower(self.py, text)?.as_ref())
    }

    /// Whether `Keywords.remove(text)` leaves a letter or digit (`ALNUM_RUN.search`).
    fn alnum_outside(&self, group: &Group<'py>, text: &str) -> PyResult<bool> {
        let lowered = lower(self.py, text)?;
        let lowered = lowered.as_ref();
        let mut copied = 0;
        let alnum = |piece: &str| piece.chars().any(|c| self.tables.re_alnum(c));
        for hit in self.automaton.automaton.all_hits(self.tables, lowered, group.id) {
            if alnum(&lowered[copied..hit.start]) {
                return Ok(true);
            }
            copied = hit.end;
        }
        Ok(alnum(&lowered[copied..]))
    }
}

fn context<'py, 'a>(automaton: &'a Bound<'py, KeywordAutomaton>, text_ops: &'a Bound<'py, TextOps>)
                    -> PyResult<Context<'py, 'a>> {
    let py = automaton.py();
    Ok(Context { py, automaton: automaton.get(), tables: &core(py)?.tables,
                 punctuation: &text_ops.get().punctuation })
}

/// A line's features object and whether the line belongs to a block decided whole
/// (`Line.in_unit`: the `block` hint).
fn line_parts<'py>(line: &Bound<'py, PyAny>) -> PyResult<(Bound<'py, PyAny>, bool)> {
    let py = line.py();
    let features = line.getattr(intern!(py, "features"))?;
    let hints = line.getattr(intern!(py, "hints"))?;
    let in_unit = match hints.downcast::<PyDict>() {
        Ok(hints) => hints.contains(intern!(py, "block"))?,
        Err(_) => line.getattr(intern!(py, "in_unit"))?.is_truthy()?,
    };
    Ok((features, in_unit))
}

/// `(index, rule, reason)` per line a pass labels (its score is the detector's one).
type RuleReasons<'py> = Vec<(usize, Bound<'py, PyString>, Bound<'py, PyString>)>;

/// A rule's name, score and reason.
type Rule = (&'static str, f64, String);

/// `(index, rule, score, reason)`: a line of the page's content a rule matched.
fn found_rule<'py>(py: Python<'py>, index: usize, (name, score, reason): Rule)
                   -> PyResult<Bound<'py, PyTuple>> {
    (index, name, score, reason).into_pyobject(py)
}

/// Python strings made once per distinct text for one pass's results: a pass gives many
/// lines the same rule and reason (a region's whole outside, a list's items), and one string
/// each keeps a large page's decisions small (the reference shares them the same way).
struct Shared<'py> {
    py: Python<'py>,
    made: std::collections::HashMap<String, Bound<'py, PyString>>,
}

impl<'py> Shared<'py> {
    fn new(py: Python<'py>) -> Self {
        Shared { py, made: std::collections::HashMap::new() }
    }

    fn text(&mut self, text: &str) -> Bound<'py, PyString> {
        if let Some(made) = self.made.get(text) {
            return made.clone();
        }
        let made = PyString::new(self.py, text);
        self.made.insert(text.to_owned(), made.clone());
        made
    }
}

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
        let tokens: f64 = features.getattr(intern!(py, "tokens"))?.extract()?;
        let alnum: i64 = features.getattr(intern!(py, "alnum"))?.extract()?;
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
        let opening = (tokens <= self.max_credit_tokens || tokens <= self.max_wire_credit_tokens)
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
        let terminal = features.getattr(intern!(py, "terminal"))?.is_truthy()?;
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
        let plain = features.getattr(intern!(py, "plain"))?;
        let plain = plain.downcast::<PyString>()?;
        match plain.to_str() {
            Ok(text) => if let Some(rule) = chrome.rule(&c, &features, plain, text)? {
                found.push(found_rule(py, index, rule)?);
            },
            // Lone surrogates: the reference judges the line (its reason may hold them).
            Err(_) => {
                let rule = detector.call_method1(intern!(py, "_rule"), (&line,))?;
                if !rule.is_none() {
                    let rule = rule.downcast_into::<PyTuple>()?;
                    let mut items = vec![index.into_pyobject(py)?.into_any()];
                    items.extend(rule.iter());
                    found.push(PyTuple::new(py, items)?);
                }
            }
        }
    }
    Ok(found)
}

/// `Line.plain_of_text`: the features' `plain` when the text needs no stripping, else
/// `plain_text(text)` (natively); None for text with lone surrogates.
fn plain_of_text<'py>(line: &Bound<'py, PyAny>, features: &Bound<'py, PyAny>)
                      -> PyResult<Option<Cow<'static, str>>> {
    let py = line.py();
    let text = line.getattr(intern!(py, "text"))?;
    let stripped = features.getattr(intern!(py, "stripped"))?;
    let (Ok(text), Ok(stripped)) = (text.downcast::<PyString>()?.to_str(),
                                    stripped.downcast::<PyString>()?.to_str()) else {
        return Ok(None);
    };
    if text == stripped {
        let plain = features.getattr(intern!(py, "plain"))?;
        return Ok(plain.downcast::<PyString>()?.to_str().ok().map(|p| Cow::Owned(p.to_owned())));
    }
    Ok(Some(Cow::Owned(core(py)?.plain_text(text))))
}

/// The characters of `lowered` that are `re`'s letters and digits (`NOT_ALNUM_RUN.sub("", ...)`),
/// with each digit made `0` when `zero_digits` (the match key).
fn alnum_key(lowered: &str, tables: &Tables, zero_digits: bool) -> String {
    if zero_digits {
        return crate::text::match_key(lowered, tables);
    }
    lowered.chars().filter(|&c| tables.re_alnum(c)).collect()
}

/// `Line.match_key`: the cached key when the line has one, else made natively and cached on
/// the line as the cached property caches it (lines past `slice` characters and lines
/// with lone surrogates: by the property itself).
fn line_match_key(line: &Bound<'_, PyAny>, features: &Bound<'_, PyAny>, tables: &Tables,
                  slice: usize) -> PyResult<String> {
    let py = line.py();
    let dict = line.getattr(intern!(py, "__dict__"))?.downcast_into::<PyDict>()?;
    if let Some(key) = dict.get_item(intern!(py, "match_key"))? {
        return key.extract();
    }
    match plain_of_text(line, features)? {
        Some(plain) if plain.len() <= slice => {
            let key = alnum_key(&lower(py, &plain)?, tables, true);
            dict.set_item(intern!(py, "match_key"), &key)?;
            Ok(key)
        }
        _ => line.getattr(intern!(py, "match_key"))?.extract(),
    }
}

/// `duplicates._introduces_prose(line, following)`.
fn introduces_prose(features: &Bound<'_, PyAny>, tokens: f64, following: Option<&Bound<'_, PyAny>>)
                    -> PyResult<bool> {
    let py = features.py();
    if tokens > 6.0 {
        return Ok(false);
    }
    let Some(following) = following else { return Ok(false) };
    let label = features.getattr(intern!(py, "heading"))?.is_truthy()? || {
        let plain = features.getattr(intern!(py, "plain"))?;
        let plain = plain.downcast::<PyString>()?;
        plain.call_method1(intern!(py, "endswith"), ((":", "："),))?.is_truthy()?
    } || {
        let stripped = features.getattr(intern!(py, "stripped"))?;
        let stripped = stripped.downcast::<PyString>()?;
        stripped.call_method1(intern!(py, "startswith"), ("**",))?.is_truthy()?
            && stripped.call_method1(intern!(py, "endswith"), ("**",))?.is_truthy()?
    };
    Ok(label && following.getattr(intern!(py, "features"))?
        .getattr(intern!(py, "prose"))?.is_truthy()?)
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
        let features = line.getattr(intern!(py, "features"))?;
        let tokens: f64 = features.getattr(intern!(py, "tokens"))?.extract()?;
        let hints = line.getattr(intern!(py, "hints"))?;
        let hints = hints.downcast::<PyDict>()?;
        if tokens > max_tokens {
            continue;
        }
        // Line.code: a line of a code block (code repeats itself).
        if hints.contains(intern!(py, "block"))? && hints.get_item(intern!(py, "tag"))?
                .is_some_and(|tag| tag.eq("pre").unwrap_or(false)) {
            continue;
        }
        let sentence = features.getattr(intern!(py, "prose"))?.is_truthy()?;
        let digits: f64 = features.getattr(intern!(py, "digits"))?.extract()?;
        let alnum: f64 = features.getattr(intern!(py, "alnum"))?.extract()?;
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
            first_seen.insert(key, (line.getattr(intern!(py, "number"))?.extract()?,
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

/// What the list detectors read of a line, read once per page.
struct LineView<'py> {
    line: Bound<'py, PyAny>,
    plain: Bound<'py, PyString>,
    tokens: f64,
    prose: bool,
    list_item: bool,
    date_chars: f64,
    final_mark: Bound<'py, PyString>,
    /// `LineFeatures.mostly_date`.
    mostly_date: bool,
}

impl<'py> LineView<'py> {
    /// None for a line whose plain text the core cannot take (lone surrogates).
    fn read(line: Bound<'py, PyAny>) -> PyResult<Option<Self>> {
        let py = line.py();
        let features = line.getattr(intern!(py, "features"))?;
        let plain = features.getattr(intern!(py, "plain"))?.downcast_into::<PyString>()?;
        let Ok(text) = plain.to_str() else { return Ok(None) };
        let date_chars: f64 = features.getattr(intern!(py, "date_chars"))?.extract()?;
        let mostly_date = date_chars > 0.0
            && date_chars >= 0.5 * text.chars().filter(|&c| c != ' ').count() as f64;
        Ok(Some(LineView {
            tokens: features.getattr(intern!(py, "tokens"))?.extract()?,
            prose: features.getattr(intern!(py, "prose"))?.is_truthy()?,
            list_item: features.getattr(intern!(py, "list_item"))?.is_truthy()?,
            final_mark: features.getattr(intern!(py, "final_mark"))?.downcast_into()?,
            date_chars,
            mostly_date,
            line,
            plain,
        }))
    }

    fn text(&self) -> &str {
        self.plain.to_str().expect("checked when read")
    }

    fn has_date(&self) -> bool {
        self.date_chars > 0.0
    }

    /// Whether one of the line's decisions is of `category` (`Page.has_category`).
    fn has_category(&self, category: &Bound<'py, PyAny>) -> PyResult<bool> {
        let py = self.line.py();
        for decision in self.line.getattr(intern!(py, "decisions"))?.try_iter()? {
            // `in` a list: identity, then equality.
            let found = decision?.getattr(intern!(py, "category"))?;
            if found.is(category) || found.eq(category)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// The page's lines as `LineView`s; when a line holds lone surrogates (UTF-8 cannot hold
/// them), returns from the calling pass what the reference, `detector._labels(arguments)`,
/// decides instead.
macro_rules! views_or_reference {
    ($detector:expr, $content:expr, $arguments:expr) => {
        match line_views($content)? {
            Some(lines) => lines,
            None => return $detector.call_method1(intern!($detector.py(), "_labels"), $arguments),
        }
    };
}

/// The page's lines as `LineView`s, or None when one holds lone surrogates.
fn line_views<'py>(content: &Bound<'py, PyList>) -> PyResult<Option<Vec<LineView<'py>>>> {
    let mut views = Vec::with_capacity(content.len());
    for line in content.iter() {
        match LineView::read(line)? {
            Some(view) => views.push(view),
            None => return Ok(None),
        }
    }
    Ok(Some(views))
}

/// `structure.prose_anchors(content, long_paragraph_tokens, long_sentence_tokens)`, with the
/// module's `DECLARATIVE_ENDINGS` and `VERY_LONG_PARAGRAPH_TOKENS`.
fn prose_anchors(py: Python<'_>, lines: &[LineView<'_>], long_paragraph_tokens: f64,
                 long_sentence_tokens: f64) -> PyResult<Vec<bool>> {
    let structure = py.import(intern!(py, "cleanse.detectors.structure"))?;
    let endings = structure.getattr(intern!(py, "DECLARATIVE_ENDINGS"))?;
    let very_long: f64 = structure.getattr(intern!(py, "VERY_LONG_PARAGRAPH_TOKENS"))?.extract()?;
    let mut flags = Vec::with_capacity(lines.len());
    for line in lines {
        flags.push(line.prose && !line.mostly_date
                   && (endings.contains(&line.final_mark)? || line.tokens >= long_sentence_tokens));
    }
    let count = lines.len();
    let mut anchors = vec![false; count];
    for i in 0..count {
        if !flags[i] {
            continue;
        }
        let text = lines[i].text();
        if (i > 0 && flags[i - 1] && lines[i - 1].text() != text)
            || (i + 1 < count && flags[i + 1] && lines[i + 1].text() != text) {
            anchors[i] = true;
            continue;
        }
        let tokens = lines[i].tokens;
        if tokens < long_paragraph_tokens {
            continue;
        }
        let listed = if tokens >= very_long {
            i + 1 < count && lines[i + 1].mostly_date
        } else {
            [i.checked_sub(1), Some(i + 1)].into_iter().flatten()
                .filter(|&k| k < count)
                .any(|k| lines[k].has_date() && !lines[k].prose)
        };
        anchors[i] = !listed;
    }
    Ok(anchors)
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
    comments_after_share: f64,
    min_prose_before_comments: f64,
    thread_window: i64,
    min_thread_dates: f64,
    max_inline_tokens: f64,
    list_headings: Group<'py>,
    comment_headings: Group<'py>,
    inline: Group<'py>,
}

impl<'py> RelatedLists<'py, '_> {
    /// `RelatedLists._is_list_heading(text)`.
    fn is_list_heading(&self, text: &str) -> PyResult<bool> {
        Ok(self.c.fullmatch(&self.list_headings, text)?
           || self.list_patterns.call1((text,))?.is_truthy()?)
    }

    /// `RelatedLists._comment_section_at(content, i, text, seen_prose, total_prose)`.
    fn comment_section_at(&self, lines: &[LineView<'py>], i: usize, text: Option<&str>,
                          seen_prose: f64, total_prose: f64) -> PyResult<Option<String>> {
        let Some(text) = text.filter(|t| !t.is_empty()) else { return Ok(None) };
        if !self.c.fullmatch(&self.comment_headings, text)? {
            let stripped = lines[i].text().trim_matches(|c| self.c.tables.re_space.has(c));
            if !self.comment_patterns.call1((stripped,))?.is_truthy()? {
                return Ok(None);
            }
        }
        let counted = text.chars().any(|c| self.c.tables.re_digit.has(c));
        Ok(self.comments_start_here(lines, i, seen_prose, total_prose, counted)
            .then(|| text.to_owned()))
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
        let dated = lines[window].iter().filter(|l| l.has_date() && !l.prose).count();
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

/// The range `[start:end]` selects of a sequence of `len` items in Python (both given as
/// Python would see them: a negative end counts from the end).
fn python_slice(len: usize, start: i64, end: i64) -> std::ops::Range<usize> {
    let clamp = |bound: i64| -> usize {
        let bound = if bound < 0 { bound + len as i64 } else { bound };
        bound.clamp(0, len as i64) as usize
    };
    let (start, end) = (clamp(start), clamp(end));
    start..end.max(start)
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
        comments_after_share: threshold(detector, intern!(py, "comments_after_share"))?,
        min_prose_before_comments: threshold(detector, intern!(py, "min_prose_before_comments"))?,
        thread_window: detector.getattr(intern!(py, "thread_window"))?.extract()?,
        min_thread_dates: threshold(detector, intern!(py, "min_thread_dates"))?,
        max_inline_tokens: threshold(detector, intern!(py, "max_inline_tokens"))?,
        list_headings: c.group(detector, intern!(py, "_list_headings"))?,
        comment_headings: c.group(detector, intern!(py, "_comment_headings"))?,
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
    let mut seen_prose = 0.0;
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        if let Some(heading) = headings[i].filter(|h| !h.is_empty()) {
            if !(line.list_item || line.has_category(&nav)?) && pass.is_list_heading(heading)? {
                let mut end = i + 1;
                while end < anchors.len() && !anchors[end] {
                    end += 1;
                }
                // A comment section below a short list ends the list.
                for (j, &text) in comment_texts.iter().enumerate().take(end).skip(i + 1) {
                    if pass.comment_section_at(&lines, j, text, seen_prose, total_prose)?
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
                                                       total_prose)? {
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

/// The menus detector's thresholds and matchers, read off the detector for one page.
struct Menus<'py, 'c> {
    c: &'c Context<'py, 'c>,
    min_items: f64,
    max_item_chars: f64,
    max_item_words: f64,
    long_row_items: f64,
    long_row_item_chars: f64,
    max_long_row_exceptions: f64,
    sections: Group<'py>,
    /// The module's constants.
    heading_tags: Bound<'py, PyAny>,
    sentence_ends: Vec<String>,
    max_latin_item_chars: f64,
}

impl<'py> Menus<'py, '_> {
    fn ends_sentence(&self, text: &str) -> bool {
        self.sentence_ends.iter().any(|end| text.ends_with(end.as_str()))
    }

    /// `Menus._is_short_item(text)` (with `cjk_chars` None).
    fn is_short_item(&self, text: &str) -> bool {
        let space = &self.c.tables.re_space;
        let text = text.trim_matches(|c| space.has(c));
        if text.is_empty() || self.ends_sentence(text) {
            return false;
        }
        let chars = text.chars().count() as f64;
        if text.chars().any(crate::features::is_cjk) {
            return chars <= self.max_item_chars;
        }
        chars <= self.max_latin_item_chars
            && crate::detectors::whitespace_words(text, space) as f64 <= self.max_item_words
    }

    /// `Menus._long_cjk_row(items, inner_punct)`.
    fn long_cjk_row(&self, items: &[&str], inner_punct: f64) -> bool {
        let exceptions = items.len() as f64 * self.max_long_row_exceptions;
        if inner_punct > 2.0 * exceptions {
            return false;
        }
        let space = &self.c.tables.re_space;
        if items.iter().any(|i| self.ends_sentence(i.trim_end_matches(|c| space.has(c)))) {
            return false;
        }
        let long_names = items.iter()
            .filter(|i| i.chars().count() as f64 > self.long_row_item_chars).count();
        long_names as f64 <= exceptions
    }

    /// `Menus._menu_line(line)`, for a line whose `plain` is `text`.
    fn menu_line(&self, line: &MenuLine<'py>, text: &str) -> PyResult<bool> {
        let py = self.c.py;
        if line.code || line.terminal || line.has_date {
            return Ok(false);
        }
        if let Some(tag) = &line.tag {
            if self.heading_tags.contains(tag)? {
                return Ok(false);  // a heading, not a menu
            }
        }
        if line.cjk == 0.0 && line.inner_punct > 1.0 {
            return Ok(false);
        }
        let space = &self.c.tables.re_space;
        if (crate::detectors::whitespace_words(text, space) as f64) < self.min_items
            && !text.contains(crate::detectors::is_item_bar) {
            return Ok(false);
        }
        let items = crate::detectors::menu_items(text, space);
        if (items.len() as f64) < self.min_items {
            return Ok(false);
        }
        if line.cjk != 0.0 && items.len() as f64 >= self.long_row_items {
            return Ok(self.long_cjk_row(&items, line.inner_punct));
        }
        if line.inner_punct > 1.0 || !items.iter().all(|i| self.is_short_item(i)) {
            return Ok(false);
        }
        if line.cjk != 0.0 {
            return Ok(true);
        }
        let mut capitalised = true;
        for item in &items {
            let first = item.chars().next().expect("items are not empty");
            let upper = if first.is_ascii() {
                first.is_ascii_uppercase()
            } else {
                // str.isupper, by the running Python's Unicode database.
                PyString::new(py, first.encode_utf8(&mut [0; 4]))
                    .call_method0(intern!(py, "isupper"))?.is_truthy()?
            };
            if !upper {
                capitalised = false;
                break;
            }
        }
        if capitalised {
            return Ok(true);
        }
        let mut sections = 0;
        for item in &items {
            sections += self.c.fullmatch(&self.sections, item)? as usize;
        }
        Ok(sections >= 2)
    }

    /// `Menus._one_item_line(line)`, for a line whose `plain` is `text`.
    fn one_item_line(&self, line: &MenuLine<'py>, text: &str) -> bool {
        let limit = if self.max_item_chars > self.max_latin_item_chars { self.max_item_chars }
                    else { self.max_latin_item_chars };
        if text.chars().count() as f64 > limit {
            return false;
        }
        !line.code && !line.terminal && !line.has_date && line.alnum > 0.0
            && self.is_short_item(text)
            && crate::detectors::whitespace_words(text, &self.c.tables.re_space) <= 2
    }
}

/// What the menus detector reads of a line.
struct MenuLine<'py> {
    plain: Bound<'py, PyString>,
    code: bool,
    terminal: bool,
    has_date: bool,
    tag: Option<Bound<'py, PyAny>>,
    cjk: f64,
    inner_punct: f64,
    alnum: f64,
    number: i64,
}

impl<'py> MenuLine<'py> {
    fn read(line: &Bound<'py, PyAny>) -> PyResult<Self> {
        let py = line.py();
        let features = line.getattr(intern!(py, "features"))?;
        let hints = line.getattr(intern!(py, "hints"))?.downcast_into::<PyDict>()?;
        let tag = hints.get_item(intern!(py, "tag"))?;
        let code = hints.contains(intern!(py, "block"))?
            && tag.as_ref().is_some_and(|tag| tag.eq("pre").unwrap_or(false));
        let date_chars: f64 = features.getattr(intern!(py, "date_chars"))?.extract()?;
        Ok(MenuLine {
            plain: features.getattr(intern!(py, "plain"))?.downcast_into()?,
            code,
            terminal: features.getattr(intern!(py, "terminal"))?.is_truthy()?,
            has_date: date_chars > 0.0,
            tag,
            cjk: features.getattr(intern!(py, "cjk"))?.extract()?,
            inner_punct: features.getattr(intern!(py, "inner_punct"))?.extract()?,
            alnum: features.getattr(intern!(py, "alnum"))?.extract()?,
            number: line.getattr(intern!(py, "number"))?.extract()?,
        })
    }
}

/// `Menus._labels(content)`: the decisions `detector` (a `Menus`) makes on `content` (the
/// page's non-blank lines), as `(index, rule, reason)`: lines of menu items first, then
/// runs of one-item lines.
#[pyfunction]
pub(crate) fn menu_labels<'py>(detector: &Bound<'py, PyAny>,
                               automaton: &Bound<'py, KeywordAutomaton>,
                               text_ops: &Bound<'py, TextOps>, content: &Bound<'py, PyList>)
                               -> PyResult<Bound<'py, PyAny>> {
    let py = detector.py();
    let mut lines = Vec::with_capacity(content.len());
    for line in content.iter() {
        let read = MenuLine::read(&line)?;
        if read.plain.to_str().is_err() {
            // Lone surrogates: the reference labels the page.
            return detector.call_method1(intern!(py, "_labels"), (content,));
        }
        lines.push(read);
    }
    let c = context(automaton, text_ops)?;
    let module = py.import(intern!(py, "cleanse.detectors.menus"))?;
    let menus = Menus {
        c: &c,
        min_items: threshold(detector, intern!(py, "min_items"))?,
        max_item_chars: threshold(detector, intern!(py, "max_item_chars"))?,
        max_item_words: threshold(detector, intern!(py, "max_item_words"))?,
        long_row_items: threshold(detector, intern!(py, "long_row_items"))?,
        long_row_item_chars: threshold(detector, intern!(py, "long_row_item_chars"))?,
        max_long_row_exceptions: threshold(detector, intern!(py, "max_long_row_exceptions"))?,
        sections: c.group(detector, intern!(py, "_sections"))?,
        heading_tags: module.getattr(intern!(py, "HEADING_TAGS"))?,
        sentence_ends: module.getattr(intern!(py, "SENTENCE_ENDS"))?.extract()?,
        max_latin_item_chars: threshold(&module, intern!(py, "MAX_LATIN_ITEM_CHARS"))?,
    };
    let min_run = threshold(detector, intern!(py, "min_run"))?;
    let mut found: Vec<(usize, &'static str, String)> = Vec::new();
    let mut one_item = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        let text = line.plain.to_str()?;
        if menus.menu_line(line, text)? {
            found.push((index, "menu_line", "one line of short menu items".to_owned()));
        }
        one_item.push(menus.one_item_line(line, text));
    }
    let mut run: Vec<usize> = Vec::new();
    for index in 0..=lines.len() {
        let is_item = index < lines.len() && one_item[index];
        if is_item && run.last().is_none_or(|&last| lines[index].number - lines[last].number <= 2) {
            run.push(index);
            continue;
        }
        if run.len() as f64 >= min_run {
            for &item in &run {
                found.push((item, "menu_run", format!("run of {} one-item lines (a menu)",
                                                      run.len())));
            }
        }
        run = if is_item { vec![index] } else { Vec::new() };
    }
    let mut shared = Shared::new(py);
    found.into_iter().map(|(index, rule, reason)| (index, shared.text(rule), shared.text(&reason)))
        .collect::<Vec<_>>().into_pyobject(py).map(|list| list.into_any())
}

/// `HeadlineRuns._labels(content)`: the decisions `detector` (a `HeadlineRuns`) makes on
/// `content` (the page's non-blank lines), as `(index, rule, reason)`: counted items, glued
/// teasers, then runs of headlines.
#[pyfunction]
pub(crate) fn headline_run_labels<'py>(detector: &Bound<'py, PyAny>,
                                       _automaton: &Bound<'py, KeywordAutomaton>,
                                       _text_ops: &Bound<'py, TextOps>,
                                       content: &Bound<'py, PyList>)
                                       -> PyResult<Bound<'py, PyAny>> {
    let py = detector.py();
    let lines = views_or_reference!(detector, content, (content,));
    let tables = &core(py)?.tables;
    let field = |name| threshold(detector, name);
    let max_section_label_tokens = field(intern!(py, "max_section_label_tokens"))?;
    let max_teaser_chars = field(intern!(py, "max_teaser_chars"))?;
    let min_glued_summary_words = field(intern!(py, "min_glued_summary_words"))?;
    let mut code = Vec::with_capacity(lines.len());
    let mut terminal = Vec::with_capacity(lines.len());
    let mut heading = Vec::with_capacity(lines.len());
    for line in &lines {
        let hints = line.line.getattr(intern!(py, "hints"))?.downcast_into::<PyDict>()?;
        code.push(hints.contains(intern!(py, "block"))? && hints.get_item(intern!(py, "tag"))?
            .is_some_and(|tag| tag.eq("pre").unwrap_or(false)));
        let features = line.line.getattr(intern!(py, "features"))?;
        terminal.push(features.getattr(intern!(py, "terminal"))?.is_truthy()?);
        heading.push(features.getattr(intern!(py, "heading"))?.is_truthy()?);
    }
    let mut found: Vec<(usize, &'static str, String)> = Vec::new();
    // Runs of items (and the section labels among them), as `_streaks` finds them.
    let mut streaks = |is_item: &[bool], min_lines: f64, rule: &'static str, why: &str| {
        if (is_item.iter().filter(|&&item| item).count() as f64) < min_lines {
            return;
        }
        let mut streak: Vec<usize> = Vec::new();
        let mut items = 0;
        for i in 0..=lines.len() {
            if i < lines.len() && is_item[i] {
                streak.push(i);
                items += 1;
                continue;
            }
            if i < lines.len() && i > 0 && streak.last() == Some(&(i - 1))
                && lines[i].tokens <= max_section_label_tokens && !terminal[i]
                && i + 1 < lines.len() && is_item[i + 1] {
                streak.push(i);
                continue;
            }
            if items as f64 >= min_lines {
                for &item in &streak {
                    found.push((item, rule, format!("{items} lines in a row {why}")));
                }
            }
            streak.clear();
            items = 0;
        }
    };
    let counted: Vec<bool> = lines.iter().zip(&code).map(|(line, &c)| {
        !c && crate::detectors::counted_item(line.text(), &tables.re_space, &tables.re_digit)
    }).collect();
    streaks(&counted, field(intern!(py, "min_counted_lines"))?, "counted_items",
            "each ending in a count");
    let module = py.import(intern!(py, "cleanse.detectors.headline_runs"))?;
    let teasers = Teasers {
        py,
        tables,
        sentence_end: module.getattr(intern!(py, "SENTENCE_END"))?.extract()?,
        minor_words: module.getattr(intern!(py, "MINOR_WORDS"))?.extract()?,
    };
    let mut glued = Vec::with_capacity(lines.len());
    for (line, &c) in lines.iter().zip(&code) {
        let text = line.text();
        // `_glued_teaser`'s own tests first: most lines (long, CJK or short ones) fail them.
        let candidate = !c && text.chars().count() as f64 <= max_teaser_chars
            && crate::detectors::whitespace_words(text, &tables.re_space) as f64
                >= min_glued_summary_words;
        glued.push(candidate && teasers.glued(text, min_glued_summary_words)?);
    }
    streaks(&glued, field(intern!(py, "min_glued_lines"))?, "glued_teasers",
            "each a Title Case headline glued to its summary");
    let structure = py.import(intern!(py, "cleanse.detectors.structure"))?;
    let anchors = prose_anchors(
        py, &lines, threshold(&structure, intern!(py, "LONG_PARAGRAPH_TOKENS"))?,
        threshold(&structure, intern!(py, "LONG_SENTENCE_TOKENS"))?)?;
    let min_run_lines = field(intern!(py, "min_run_lines"))?;
    let min_headline_share = field(intern!(py, "min_headline_share"))?;
    let min_dated_lines = field(intern!(py, "min_dated_lines"))?;
    let min_dated_share = field(intern!(py, "min_dated_share"))?;
    let min_tagged_lines = field(intern!(py, "min_tagged_lines"))?;
    // `_judge(run)`: a run between prose anchors that is a list of headlines.
    let mut judge = |run: &[usize]| {
        let size = run.len() as f64;
        if size < min_run_lines {
            return;
        }
        let headlines: Vec<usize> = run.iter().copied().filter(|&i| !lines[i].prose).collect();
        if headlines.len() as f64 / size < min_headline_share {
            return;
        }
        let dated = headlines.iter().filter(|&&i| lines[i].has_date() && !heading[i]).count();
        let why = if dated as f64 >= min_dated_lines && dated as f64 / size >= min_dated_share {
            ("dated_headline_run", format!("{dated} with dates"))
        } else {
            let tagged = headlines.iter().filter(|&&i| {
                crate::detectors::tagged_headline(lines[i].text(), &tables.re_space)
            }).count();
            if tagged as f64 >= min_tagged_lines {
                ("tagged_headline_run", format!("{tagged} with item tags like '[法制]' or '(图)'"))
            } else {
                return;
            }
        };
        for &i in run {
            found.push((i, why.0, format!("run of {} headline-like lines, {}", run.len(), why.1)));
        }
    };
    let mut run = Vec::new();
    for i in 0..=lines.len() {
        if i < lines.len() && !(anchors[i] || code[i]) {
            run.push(i);
            continue;
        }
        judge(&run);
        run.clear();
    }
    let mut shared = Shared::new(py);
    found.into_iter().map(|(index, rule, reason)| (index, shared.text(rule), shared.text(&reason)))
        .collect::<Vec<_>>().into_pyobject(py).map(|list| list.into_any())
}

/// `HeadlineRuns._glued_teaser`'s scans, with the module's `SENTENCE_END` and `MINOR_WORDS`.
struct Teasers<'py> {
    py: Python<'py>,
    tables: &'static Tables,
    sentence_end: Vec<String>,
    minor_words: std::collections::HashSet<String>,
}

impl Teasers<'_> {
    /// `str.isupper` of one character (ASCII directly, others by the running Python).
    fn is_upper(&self, c: char) -> PyResult<bool> {
        if c.is_ascii() {
            return Ok(c.is_ascii_uppercase());
        }
        PyString::new(self.py, c.encode_utf8(&mut [0; 4]))
            .call_method0(intern!(self.py, "isupper"))?.is_truthy()
    }

    /// `TITLE_WORD.findall(text)`: `[^\W\d_][\w'’-]*` (`re`'s classes).
    fn title_words<'t>(&self, text: &'t str) -> Vec<&'t str> {
        let t = self.tables;
        let mut words = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            match start {
                Some(s) if !(t.re_word.has(c) || c == '\'' || c == '’' || c == '-') => {
                    words.push(&text[s..i]);
                    start = None;
                }
                _ => {}
            }
            if start.is_none() && t.re_word.has(c) && !t.re_digit.has(c) && c != '_' {
                start = Some(i);
            }
        }
        if let Some(s) = start {
            words.push(&text[s..]);
        }
        words
    }

    fn words(&self, text: &str) -> f64 {
        crate::detectors::whitespace_words(text, &self.tables.re_space) as f64
    }

    /// `_glued_teaser(line)` past its length and word tests, for a line whose `plain` is
    /// `text` and `min_summary` = `min_glued_summary_words`.
    fn glued(&self, text: &str, min_summary: f64) -> PyResult<bool> {
        let space = &self.tables.re_space;
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let at = |i: usize| chars.get(i).map(|&(_, c)| c);
        if text.contains(':') {
            // GLUED_DATELINE: `\s(?=[A-Z][A-Z.'’ -]{2,30}:\s)`.
            let in_run = |c: char| c.is_ascii_uppercase() || ".'’ -".contains(c);
            for (i, &(start, c)) in chars.iter().enumerate() {
                if !space.has(c) || !at(i + 1).is_some_and(|c| c.is_ascii_uppercase()) {
                    continue;
                }
                let run = chars[i + 2..].iter().take_while(|&&(_, c)| in_run(c)).count();
                if !((2..=30).contains(&run) && at(i + 2 + run) == Some(':')
                     && at(i + 3 + run).is_some_and(|c| space.has(c))) {
                    continue;
                }
                let headline = &text[..start];
                let summary = &text[start + c.len_utf8()..];
                if self.title_words(headline).len() >= 3
                    && !self.sentence_end.iter().any(|end| headline.ends_with(end.as_str()))
                    && self.words(summary) >= min_summary + 1.0 {
                    return Ok(true);
                }
            }
        }
        // GLUE: `(?<=[a-z0-9?!'’\"”)])(?=[A-Z][a-z])`.
        for i in 1..chars.len() {
            let before = chars[i - 1].1;
            if !(before.is_ascii_lowercase() || before.is_ascii_digit() || "?!'’\"”)".contains(before))
                || !chars[i].1.is_ascii_uppercase()
                || !at(i + 1).is_some_and(|c| c.is_ascii_lowercase()) {
                continue;
            }
            let start = chars[i].0;
            let words = self.title_words(&text[..start]);
            if words.len() < 3 || self.words(&text[start..]) < min_summary {
                continue;
            }
            let mut upper = 0;
            let mut title_case = true;
            for word in &words {
                let first = word.chars().next().expect("words are not empty");
                if self.is_upper(first)? {
                    upper += 1;
                } else if !self.is_minor(word)? {
                    title_case = false;
                    break;
                }
            }
            if title_case && upper as f64 >= 0.6 * words.len() as f64 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// `word.lower() in MINOR_WORDS`.
    fn is_minor(&self, word: &str) -> PyResult<bool> {
        Ok(self.minor_words.contains(lower(self.py, word)?.as_ref()))
    }
}

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

/// `Page.is_junk(line)`: the line's strongest junk decision (the first of the highest
/// score, as `Line.strongest` finds it) scores at least `junk_score`.
fn is_junk(decisions: &Bound<'_, PyAny>, junk_categories: &Bound<'_, PyAny>, junk_score: f64)
           -> PyResult<bool> {
    let mut best: Option<f64> = None;
    for decision in decisions.try_iter()? {
        let decision = decision?;
        let py = decision.py();
        if !junk_categories.contains(decision.getattr(intern!(py, "category"))?)? {
            continue;
        }
        let score: f64 = decision.getattr(intern!(py, "score"))?.extract()?;
        if best.is_none_or(|b| score > b) {
            best = Some(score);
        }
    }
    Ok(best.is_some_and(|score| score >= junk_score))
}

/// Whether one of `decisions` has one of `categories` (`Page.has_category`).
fn has_category(decisions: &Bound<'_, PyAny>, categories: &Bound<'_, PyAny>) -> PyResult<bool> {
    for decision in decisions.try_iter()? {
        let decision = decision?;
        if categories.contains(decision.getattr(intern!(decision.py(), "category"))?)? {
            return Ok(true);
        }
    }
    Ok(false)
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
    let model = py.import(intern!(py, "cleanse.model"))?;
    let junk_categories = model.getattr(intern!(py, "JUNK_CATEGORIES"))?;
    let junk_score = threshold(&model, intern!(py, "JUNK_SCORE"))?;
    let meta = PyTuple::new(py, [model.getattr(intern!(py, "Category"))?
                                     .getattr(intern!(py, "META"))?])?.into_any();
    let mut lines = Vec::with_capacity(content.len());
    for line in content.iter() {
        let features = line.getattr(intern!(py, "features"))?;
        let hints = line.getattr(intern!(py, "hints"))?.downcast_into::<PyDict>()?;
        let decisions = line.getattr(intern!(py, "decisions"))?;
        let date_chars: f64 = features.getattr(intern!(py, "date_chars"))?.extract()?;
        lines.push(RegionLine {
            junk: is_junk(&decisions, &junk_categories, junk_score)?,
            decisions,
            in_unit: hints.contains(intern!(py, "block"))?,
            tokens: features.getattr(intern!(py, "tokens"))?.extract()?,
            prose: features.getattr(intern!(py, "prose"))?.is_truthy()?,
            inner_punct: features.getattr(intern!(py, "inner_punct"))?.is_truthy()?,
            list_item: features.getattr(intern!(py, "list_item"))?.is_truthy()?,
            terminal: features.getattr(intern!(py, "terminal"))?.is_truthy()?,
            has_date: date_chars > 0.0,
            link_like: features.getattr(intern!(py, "link_like"))?.is_truthy()?,
            number: line.getattr(intern!(py, "number"))?.extract()?,
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
        } else if line.prose {
            line.tokens
        } else if line.tokens >= content_tokens && line.inner_punct {
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
        let plain = line.features.getattr(intern!(py, "plain"))?;
        let plain = plain.downcast::<PyString>()?;
        if plain.call_method1(intern!(py, "endswith"), (("。", "."),))?.is_truthy()? {
            return Ok(false);
        }
        // LineFeatures.mostly_date, link_like, list_item; then the categories.
        Ok(!line.features.getattr(intern!(py, "mostly_date"))?.is_truthy()?
           && !line.features.getattr(intern!(py, "link_like"))?.is_truthy()?
           && !line.features.getattr(intern!(py, "list_item"))?.is_truthy()?
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
    let model = py.import(intern!(py, "cleanse.model"))?;
    let junk_categories = model.getattr(intern!(py, "JUNK_CATEGORIES"))?;
    let junk_score = threshold(&model, intern!(py, "JUNK_SCORE"))?;
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
        let features = line.getattr(intern!(py, "features"))?;
        let decisions = line.getattr(intern!(py, "decisions"))?;
        if !is_junk(&decisions, &junk_categories, junk_score)? && !has_category(&decisions, &meta)? {
            body.push(index);
        }
        lines.push(TitleLine {
            tokens: features.getattr(intern!(py, "tokens"))?.extract()?,
            prose: features.getattr(intern!(py, "prose"))?.is_truthy()?,
            heading: features.getattr(intern!(py, "heading"))?.is_truthy()?,
            cjk: features.getattr(intern!(py, "cjk"))?.extract()?,
            words: features.getattr(intern!(py, "words"))?.extract()?,
            number: line.getattr(intern!(py, "number"))?.extract()?,
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
            let hints = line.line.getattr(intern!(py, "hints"))?;
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
        let text = line.line.getattr(intern!(py, "text"))?;
        let stripped = line.features.getattr(intern!(py, "stripped"))?;
        let alnum: i64 = line.features.getattr(intern!(py, "alnum"))?.extract()?;
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
        let features = lines_all.get_item(i)?.getattr(intern!(py, "features"))?;
        Ok(!features.getattr(intern!(py, "stripped"))?.is_truthy()?)
    };
    let mut best: Option<(f64, i64, usize)> = None;
    for &index in &candidates {
        let line = &lines[index];
        let mut score = line.tokens.min(30.0) / 30.0;
        let stripped = line.features.getattr(intern!(py, "stripped"))?;
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
        terminal.push(line.line.getattr(intern!(py, "features"))?
            .getattr(intern!(py, "terminal"))?.is_truthy()?);
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
        let features = line.line.getattr(intern!(py, "features"))?;
        let hints = line.line.getattr(intern!(py, "hints"))?.downcast_into::<PyDict>()?;
        let code = hints.contains(intern!(py, "block"))? && hints.get_item(intern!(py, "tag"))?
            .is_some_and(|tag| tag.eq("pre").unwrap_or(false));
        if code || features.getattr(intern!(py, "terminal"))?.is_truthy()? {
            continue;
        }
        if features.getattr(intern!(py, "link_like"))?.is_truthy()?
            && features.getattr(intern!(py, "stripped"))?.downcast::<PyString>()?
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
