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
//!
//! One module per detector (`passes/<detector>.rs`); this file holds what they share: reading
//! thresholds and keyword groups off the detector (`Context`, `Group`), Python's lowercasing,
//! the lines as the list passes read them (`LineView`, `views_or_reference!`), the junk and
//! category tests of `Page`, prose anchors, Python's slices, and the results' strings
//! (`found_rule`, `Shared`).

use std::borrow::Cow;
use std::collections::HashMap;

use pyo3::exceptions::PyValueError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::keywords::Hit;
use crate::python::{core, KeywordAutomaton, TextOps};
use crate::detectors::{credit_mark, expander_suffix, tail};
use crate::tables::{Bits, Tables};
use crate::text::strip_punctuation;
use crate::slots::SlotAttr;

/// A numeric dataclass field of the detector (an int or a float), as Python compares it.
fn threshold(detector: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> PyResult<f64> {
    detector.getattr(name)?.extract()
}

/// `text` lowercased as Python's `str.lower` does (ASCII directly: the same result).
fn lower<'a>(py: Python<'_>, text: &'a str) -> PyResult<Cow<'a, str>> {
    if let Some(lowered) = crate::text::lower_caseless(text) {
        return Ok(lowered);  // (ASCII and caseless characters: the same result)
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
    let features = line.slot(intern!(py, "features"))?;
    let hints = line.slot(intern!(py, "hints"))?;
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

/// For a line the core does not take (lone surrogates): the reference's
/// `detector._rule(line)` as `(index, *rule)`, or None when it matches nothing.
fn reference_rule<'py>(detector: &Bound<'py, PyAny>, index: usize, line: &Bound<'py, PyAny>)
                       -> PyResult<Option<Bound<'py, PyTuple>>> {
    let py = detector.py();
    let rule = detector.call_method1(intern!(py, "_rule"), (line,))?;
    if rule.is_none() {
        return Ok(None);
    }
    let mut items = vec![index.into_pyobject(py)?.into_any()];
    items.extend(rule.downcast_into::<PyTuple>()?.iter());
    Ok(Some(PyTuple::new(py, items)?))
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

/// `Line.plain_of_text`: the features' `plain` when the text needs no stripping, else
/// `plain_text(text)` (natively); None for text with lone surrogates.
fn plain_of_text<'py>(line: &Bound<'py, PyAny>, features: &Bound<'py, PyAny>)
                      -> PyResult<Option<Cow<'static, str>>> {
    let py = line.py();
    let text = line.slot(intern!(py, "text"))?;
    let stripped = features.slot(intern!(py, "stripped"))?;
    let (Ok(text), Ok(stripped)) = (text.downcast::<PyString>()?.to_str(),
                                    stripped.downcast::<PyString>()?.to_str()) else {
        return Ok(None);
    };
    if text == stripped {
        let plain = features.slot(intern!(py, "plain"))?;
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

/// `Line.match_key`: the key kept in the line's `_match_key` slot when it has one, else made
/// natively and kept there as the property keeps it (lines past `slice` characters and lines
/// with lone surrogates: by the property itself).
fn line_match_key(line: &Bound<'_, PyAny>, features: &Bound<'_, PyAny>, tables: &Tables,
                  slice: usize) -> PyResult<String> {
    let py = line.py();
    let slot = intern!(py, "_match_key");
    let kept = line.slot(slot)?;
    if !kept.is_none() {
        return kept.extract();
    }
    match plain_of_text(line, features)? {
        Some(plain) if plain.len() <= slice => {
            let key = alnum_key(&lower(py, &plain)?, tables, true);
            line.setattr(slot, &key)?;
            Ok(key)
        }
        _ => line.getattr(intern!(py, "match_key"))?.extract(),
    }
}

/// `evidence._earlier_copies(lines)`: per line, how many lines before it share its match key
/// (a line whose key is empty copies nothing). Keys as `line_match_key` makes them, kept on
/// the lines as the property keeps them.
#[pyfunction]
pub(crate) fn earlier_copies(lines: &Bound<'_, PyList>) -> PyResult<Vec<usize>> {
    let py = lines.py();
    let tables = &core(py)?.tables;
    let slice: usize = py.import(intern!(py, "cleanse.features"))?
        .getattr(intern!(py, "SLICE"))?.extract()?;
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(lines.len());
    let mut earlier = Vec::with_capacity(lines.len());
    for line in lines.iter() {
        let features = line.slot(intern!(py, "features"))?;
        let key = line_match_key(&line, &features, tables, slice)?;
        if key.is_empty() {
            earlier.push(0);
            continue;
        }
        let before = seen.entry(key).or_default();
        earlier.push(*before);
        *before += 1;
    }
    Ok(earlier)
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
        let features = line.slot(intern!(py, "features"))?;
        let plain = features.slot(intern!(py, "plain"))?.downcast_into::<PyString>()?;
        let Ok(text) = plain.to_str() else { return Ok(None) };
        let date_chars: f64 = features.slot_f64(intern!(py, "date_chars"))?;
        let mostly_date = date_chars > 0.0
            && date_chars >= 0.5 * text.chars().filter(|&c| c != ' ').count() as f64;
        Ok(Some(LineView {
            tokens: features.slot_f64(intern!(py, "tokens"))?,
            prose: features.slot(intern!(py, "prose"))?.is_truthy()?,
            list_item: features.slot(intern!(py, "list_item"))?.is_truthy()?,
            final_mark: features.slot(intern!(py, "final_mark"))?.downcast_into()?,
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
        for decision in self.line.slot(intern!(py, "decisions"))?.try_iter()? {
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

/// `Page.is_junk(line)`, with what it reads off `cleanse.model` (read once per pass).
struct JunkTest<'py> {
    categories: Bound<'py, PyAny>,
    score: f64,
}

impl<'py> JunkTest<'py> {
    fn read(py: Python<'py>) -> PyResult<Self> {
        let model = py.import(intern!(py, "cleanse.model"))?;
        Ok(JunkTest { categories: model.getattr(intern!(py, "JUNK_CATEGORIES"))?,
                      score: threshold(&model, intern!(py, "JUNK_SCORE"))? })
    }

    /// The line's strongest junk decision (the first of the highest score, as
    /// `Line.strongest` finds it) scores at least `JUNK_SCORE`.
    fn is_junk(&self, decisions: &Bound<'_, PyAny>) -> PyResult<bool> {
        let mut best: Option<f64> = None;
        for decision in decisions.try_iter()? {
            let decision = decision?;
            let py = decision.py();
            if !self.categories.contains(decision.getattr(intern!(py, "category"))?)? {
                continue;
            }
            let score: f64 = decision.getattr(intern!(py, "score"))?.extract()?;
            if best.is_none_or(|b| score > b) {
                best = Some(score);
            }
        }
        Ok(best.is_some_and(|score| score >= self.score))
    }
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

// One module per detector (declared after the shared items and the macro they use).
pub(crate) mod author_bio;
pub(crate) mod breadcrumbs;
pub(crate) mod chrome;
pub(crate) mod dateline;
pub(crate) mod duplicates;
pub(crate) mod headline_runs;
pub(crate) mod main_region;
pub(crate) mod menus;
pub(crate) mod newsletter;
pub(crate) mod promo;
pub(crate) mod related_lists;
pub(crate) mod share;
pub(crate) mod title;
