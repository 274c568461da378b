//! The PyO3 bindings: `cleanse._native`.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::ffi;
use pyo3::intern;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

use crate::evidence::{line_row, RowInput, LINE_COLUMNS};
use crate::features::{Core, Features, STREAM_CHARS};
use crate::keywords::{Automaton, Hit};
use crate::scripts::{Counts, Scripts};
use crate::tables::{Bits, Tables};
use crate::slots::SlotAttr;

/// What `configure` hands over: the Python objects the core returns or defers to.
struct Config {
    /// Called once, on first use: returns the character classes (see `cleanse/native.py`).
    tables_source: Py<PyAny>,
    features_class: Py<PyAny>,
    blank: Py<PyAny>,
    /// The reference `line_features`, for text the core cannot take (lone surrogates).
    fallback: Py<PyAny>,
    object_new: Py<PyAny>,
    field_names: Vec<Py<PyString>>,
}

static CONFIG: OnceLock<Config> = OnceLock::new();
static CORE: OnceLock<Core> = OnceLock::new();

/// The dataclass's fields, then the attributes its `__post_init__` derives from them.
const FIELDS: [&str; 15] = ["stripped", "plain", "cjk", "words", "alnum", "digits",
                            "inner_punct", "final_mark", "heading", "list_item", "link_like",
                            "date_chars", "tokens", "terminal", "prose"];
/// `cleanse.features.TERMINAL`.
const TERMINAL: &str = "。！？!?.…；;";

fn config() -> PyResult<&'static Config> {
    CONFIG.get().ok_or_else(|| PyRuntimeError::new_err(
        "cleanse._native is not configured: import cleanse.features first"))
}

pub(crate) fn core(py: Python<'_>) -> PyResult<&'static Core> {
    if let Some(core) = CORE.get() {
        return Ok(core);
    }
    let source = config()?.tables_source.call0(py)?;
    let (re_word, re_digit, re_space, rx_word, rx_digit, rx_space, cases):
        (String, String, String, String, String, String, Vec<String>) = source.extract(py)?;
    if cases.len() != 26 {
        return Err(PyRuntimeError::new_err("expected the case variants of 26 letters"));
    }
    let letter_cases = std::array::from_fn(|i| cases[i].chars().collect());
    let tables = Tables {
        re_word: Bits::from_members(&re_word),
        re_digit: Bits::from_members(&re_digit),
        re_space: Bits::from_members(&re_space),
        rx_word: Bits::from_members(&rx_word),
        rx_digit: Bits::from_members(&rx_digit),
        rx_space: Bits::from_members(&rx_space),
        letter_cases,
    };
    // Two threads may both build it; either result is the same.
    let _ = CORE.set(Core::new(tables));
    Ok(CORE.get().expect("just set"))
}

/// Hand over the reference's objects: `tables_source()` gives the character classes,
/// `features_class` and `blank` are what `line_features` returns, `fallback` takes text the
/// core cannot (a str with lone surrogates). Later calls are ignored.
#[pyfunction]
fn configure(py: Python<'_>, tables_source: Py<PyAny>, features_class: Py<PyAny>,
             blank: Py<PyAny>, fallback: Py<PyAny>) -> PyResult<()> {
    let object_new = py.import("builtins")?.getattr("object")?.getattr("__new__")?.unbind();
    let field_names = FIELDS.iter().map(|name| PyString::intern(py, name).unbind()).collect();
    let _ = CONFIG.set(Config { tables_source, features_class, blank, fallback, object_new,
                                field_names });
    Ok(())
}

fn features_object(py: Python<'_>, config: &Config, text: &Bound<'_, PyString>, whole: usize,
                   f: Features) -> PyResult<Py<PyAny>> {
    // The frozen dataclass's __init__ sets each slot through object.__setattr__ from Python;
    // setting them here as object.__setattr__ does gives an equal object in a fraction of
    // the time.
    let object = config.object_new.bind(py).call1((config.features_class.bind(py),))?;
    // Most lines need no stripping and carry no markdown: share one str, as Python's
    // str.strip() returns the same object when there is nothing to strip.
    let stripped = if f.stripped.len() == whole {
        text.clone()
    } else {
        PyString::new(py, &f.stripped)
    };
    let plain = if f.plain == f.stripped { stripped.clone() } else { PyString::new(py, &f.plain) };
    let mut mark = [0u8; 4];
    let final_mark = f.final_mark.map_or("", |c| c.encode_utf8(&mut mark));
    // LineFeatures.__post_init__'s attributes (and _is_prose with its default thresholds).
    let tokens = f.cjk + f.words;
    let terminal = f.final_mark.is_some_and(|c| TERMINAL.contains(c));
    let prose = tokens >= 40 || (terminal && tokens >= 8 && !f.heading);
    let values: [Bound<'_, PyAny>; 15] = [
        stripped.into_any(), plain.into_any(), f.cjk.into_pyobject(py)?.into_any(),
        f.words.into_pyobject(py)?.into_any(), f.alnum.into_pyobject(py)?.into_any(),
        f.digits.into_pyobject(py)?.into_any(), f.inner_punct.into_pyobject(py)?.into_any(),
        PyString::new(py, final_mark).into_any(), bool_object(py, f.heading),
        bool_object(py, f.list_item), bool_object(py, f.link_like),
        f.date_chars.into_pyobject(py)?.into_any(), tokens.into_pyobject(py)?.into_any(),
        bool_object(py, terminal), bool_object(py, prose),
    ];
    for (name, value) in config.field_names.iter().zip(&values) {
        crate::slots::set_slot(&object, name.bind(py), value)?;
    }
    Ok(object.unbind())
}

fn bool_object(py: Python<'_>, value: bool) -> Bound<'_, PyAny> {
    pyo3::types::PyBool::new(py, value).to_owned().into_any()
}

/// `cleanse.features.line_features`, natively.
#[pyfunction]
fn line_features(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let config = config()?;
    let Ok(string) = text.downcast::<PyString>() else {
        // Not a str: the reference raises what it raises.
        return config.fallback.call1(py, (text,));
    };
    let Ok(utf8) = string.to_str() else {
        // Lone surrogates, which UTF-8 cannot hold: the reference takes them.
        return config.fallback.call1(py, (text,));
    };
    if utf8.len() > STREAM_CHARS && utf8.chars().count() > STREAM_CHARS {
        // A line the reference matches piece by piece: the core's patterns index characters,
        // which for a 50 MB line would hold 4 bytes per character; such lines are rare
        // enough that the reference's time does not count, and its memory is bounded.
        return config.fallback.call1(py, (text,));
    }
    match core(py)?.line_features(utf8) {
        None => Ok(config.blank.clone_ref(py)),
        Some(f) => features_object(py, config, string, utf8.len(), f),
    }
}

/// `Page.from_capture`'s lines, natively: for each of `texts` (the capture's text split at
/// "\n"), `Line(number, text, line_features(text), [], hints[number - 1] or {})` with
/// numbers from 1, each made as `object.__new__(line_class)` with its six slots set (the
/// dataclass's `__init__` is Python, once per line; `_match_key` starts as None, as there).
#[pyfunction]
fn page_lines<'py>(py: Python<'py>, line_class: &Bound<'py, PyAny>, texts: &Bound<'py, PyList>,
                   hints: &Bound<'py, PyList>) -> PyResult<Bound<'py, PyList>> {
    let config = config()?;
    let object_new = config.object_new.bind(py);
    let names = [intern!(py, "number"), intern!(py, "text"), intern!(py, "features"),
                 intern!(py, "decisions"), intern!(py, "hints"), intern!(py, "_match_key")];
    let lines = PyList::empty(py);
    let hinted = hints.len();
    for (index, text) in texts.iter().enumerate() {
        let features = line_features(py, &text)?;
        let line = object_new.call1((line_class,))?;
        // (Tested against the length first: an IndexError made for each line past the
        // hints -- every line of most text captures -- cost ~0.3 us.)
        let hint = if index < hinted { hints.get_item(index)? } else { PyDict::new(py).into_any() };
        let values: [Bound<'py, PyAny>; 6] = [
            (index + 1).into_pyobject(py)?.into_any(), text, features.into_bound(py),
            PyList::empty(py).into_any(), hint, py.None().into_bound(py),
        ];
        for (name, value) in names.iter().zip(&values) {
            crate::slots::set_slot(&line, name, value)?;
        }
        lines.append(line)?;
    }
    Ok(lines)
}

/// `cleanse.features.plain_text`, natively (raises UnicodeEncodeError for lone surrogates).
#[pyfunction]
fn plain_text(py: Python<'_>, text: &str) -> PyResult<String> {
    Ok(core(py)?.plain_text(text))
}

/// The keyword groups of every `Keywords` matcher, in one automaton.
///
/// `search` and `startswith` remember the texts they scanned (by identity, holding a
/// reference, so an address cannot be reused while it is remembered) with every keyword
/// occurrence in them: the detectors ask several groups about the same line in turn, and each
/// detector asks again about lines others asked about; one scan per line answers them all.
/// The memory is emptied when it holds `SEEN_BYTES` bytes (texts and entries): bounded by
/// bytes, not by a count of texts, so a page of any number of short lines stays remembered
/// across the detectors (a count bound made a 29,000-line page scan each line once per
/// question, not once).
#[pyclass(frozen, module = "cleanse._native")]
pub(crate) struct KeywordAutomaton {
    pub(crate) automaton: Automaton,
    pub(crate) words: Vec<Py<PyString>>,
    seen: Mutex<Seen>,
}

/// Texts scanned (by address) with their keyword occurrences (most lines hold none), and the
/// bytes they take.
#[derive(Default)]
struct Seen {
    hits: SeenHits,
    bytes: usize,
}

/// A scanned text by its address: the text (held, so the address stays its) and its hits.
type SeenHits = HashMap<usize, (Py<PyString>, Box<[Hit]>), BuildAddressHasher>;

/// Hashes the texts' addresses (a multiplication, where the standard SipHash took ~20 ns a
/// lookup): addresses are not chosen by an adversary.
#[derive(Default, Clone, Copy)]
struct BuildAddressHasher;

#[derive(Default)]
struct AddressHasher(u64);

impl std::hash::BuildHasher for BuildAddressHasher {
    type Hasher = AddressHasher;
    fn build_hasher(&self) -> AddressHasher {
        AddressHasher(0)
    }
}

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        // (objects are 16-byte aligned: the low bits carry nothing; Fibonacci hashing mixes
        // the rest into the high bits the table reads)
        (self.0 >> 4).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 << 8) | u64::from(byte);
        }
    }
    fn write_usize(&mut self, value: usize) {
        self.0 = value as u64;
    }
}

/// Many pages' worth of lines: a line costs its text and `SEEN_ENTRY_BYTES`.
const SEEN_BYTES: usize = 16 << 20;
/// An entry's map slot, reference and boxed slice, beside the text it remembers.
const SEEN_ENTRY_BYTES: usize = 96;

impl KeywordAutomaton {
    pub(crate) fn check_group(&self, group: usize) -> PyResult<()> {
        if group < self.automaton.group_count() {
            Ok(())
        } else {
            Err(PyRuntimeError::new_err(format!("no keyword group {group}")))
        }
    }

    /// The text lowercased by Python's str.lower() (the core's own lowercasing would follow
    /// Rust's Unicode version, not the running Python's).
    fn lowered<'py>(text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
        Ok(text.call_method0("lower")?.downcast_into::<PyString>()?)
    }

    pub(crate) fn first_hit(&self, py: Python<'_>, group: usize, text: &Bound<'_, PyString>)
                 -> PyResult<Option<Hit>> {
        self.check_group(group)?;
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let address = text.as_ptr() as usize;
        if let Some((known, hits)) = seen.hits.get(&address) {
            if known.bind(py).is(text) {
                return Ok(self.automaton.first_in_group(hits, group));
            }
        }
        let tables = &core(py)?.tables;
        // UnicodeEncodeError for lone surrogates: the caller falls back to the reference.
        let utf8 = text.to_str()?;
        // A text of ASCII and caseless characters lowercased here (what `str.lower` gives
        // it), others by Python.
        let python_lowered;
        let lowered = match crate::text::lower_caseless(utf8) {
            Some(lowered) => lowered,
            None => {
                python_lowered = Self::lowered(text)?;
                std::borrow::Cow::Borrowed(python_lowered.to_str()?)
            }
        };
        let hits = self.automaton.occurrences(tables, &lowered);
        let hit = self.automaton.first_in_group(&hits, group);
        let size = lowered.len() + SEEN_ENTRY_BYTES + std::mem::size_of_val(&*hits);
        if seen.bytes + size > SEEN_BYTES {
            seen.hits.clear();
            seen.bytes = 0;
        }
        seen.bytes += size;
        seen.hits.insert(address, (text.clone().unbind(), hits));
        Ok(hit)
    }
}

#[pymethods]
impl KeywordAutomaton {
    /// `words`: distinct lowercased keywords; `ascii_word[i]`: whether word i must stand
    /// alone; `groups`: per group, the indices of its words.
    #[new]
    fn new(py: Python<'_>, words: Vec<String>, ascii_word: Vec<bool>, groups: Vec<Vec<usize>>)
           -> PyResult<Self> {
        if ascii_word.len() != words.len() || groups.iter().flatten().any(|&w| w >= words.len()) {
            return Err(PyRuntimeError::new_err("inconsistent keyword groups"));
        }
        let automaton = Automaton::new(&words, ascii_word, &groups)
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        let words = words.iter().map(|w| PyString::new(py, w).unbind()).collect();
        Ok(KeywordAutomaton { automaton, words, seen: Mutex::new(Seen::default()) })
    }

    /// `Keywords.search`: the first keyword of the group in the lowercased text, or None.
    fn search(&self, py: Python<'_>, group: usize, text: &Bound<'_, PyString>)
              -> PyResult<Option<Py<PyString>>> {
        Ok(self.first_hit(py, group, text)?.map(|hit| self.words[hit.word].clone_ref(py)))
    }

    /// `Keywords.startswith`: the keyword the lowercased text starts with, or None.
    fn startswith(&self, py: Python<'_>, group: usize, text: &Bound<'_, PyString>)
                  -> PyResult<Option<Py<PyString>>> {
        Ok(self.first_hit(py, group, text)?.filter(|hit| hit.start == 0)
            .map(|hit| self.words[hit.word].clone_ref(py)))
    }

    /// `Keywords.findall`: the group's non-overlapping keywords, left to right.
    fn findall<'py>(&self, py: Python<'py>, group: usize, text: &Bound<'_, PyString>)
                    -> PyResult<Vec<Py<PyString>>> {
        self.check_group(group)?;
        let lowered = Self::lowered(text)?;
        let hits = self.automaton.all_hits(&core(py)?.tables, lowered.to_str()?, group);
        Ok(hits.iter().map(|hit| self.words[hit.word].clone_ref(py)).collect())
    }

    /// `Keywords.remove`: the lowercased text with each of the group's keywords replaced by
    /// `replacement` (taken literally).
    fn remove(&self, py: Python<'_>, group: usize, text: &Bound<'_, PyString>,
              replacement: &str) -> PyResult<String> {
        self.check_group(group)?;
        let lowered = Self::lowered(text)?;
        let lowered = lowered.to_str()?;
        let hits = self.automaton.all_hits(&core(py)?.tables, lowered, group);
        let mut out = String::with_capacity(lowered.len());
        let mut copied = 0;
        for hit in hits {
            out.push_str(&lowered[copied..hit.start]);
            out.push_str(replacement);
            copied = hit.end;
        }
        out.push_str(&lowered[copied..]);
        Ok(out)
    }
}

/// The script counts of language tagging (`cleanse.deciding.language`), over classes read off
/// the running `regex` (Han, kana, hangul, `LETTER`) and OpenCC's one-variant characters.
#[pyclass(frozen, module = "cleanse._native")]
struct ScriptCounter {
    scripts: Scripts,
}

#[pymethods]
impl ScriptCounter {
    #[new]
    fn new(han: &str, kana: &str, hangul: &str, letter: &str, simplified_only: &str,
           traditional_only: &str) -> Self {
        ScriptCounter { scripts: Scripts::new(han, kana, hangul, letter, simplified_only,
                                              traditional_only) }
    }

    /// `_script_counts(text)`: (Han, kana, hangul characters, letter runs, letters).
    /// Raises UnicodeEncodeError for lone surrogates (the caller asks the reference).
    fn counts(&self, text: &str) -> Counts {
        self.scripts.counts(text)
    }

    /// (Simplified-only characters, Traditional-only characters) in `text`.
    fn variant_counts(&self, text: &str) -> (usize, usize) {
        self.scripts.variant_counts(text)
    }
}

/// The arbiter's per-line text columns (`cleanse.deciding.evidence._line_row`), with
/// `regex`'s `\p{Lu}` read off the running Python (and its `\w` from the core's tables).
#[pyclass(frozen, module = "cleanse._native")]
struct LineRows {
    upper: Bits,
}

#[pymethods]
impl LineRows {
    #[new]
    fn new(upper: &str) -> Self {
        LineRows { upper: Bits::from_members(upper) }
    }

    /// The rows of these `LineFeatures`, as float64 bytes, row after row. Raises
    /// UnicodeEncodeError for text with lone surrogates (the caller asks the reference).
    fn rows<'py>(&self, py: Python<'py>, features: Vec<Bound<'py, PyAny>>)
                 -> PyResult<Bound<'py, PyBytes>> {
        let word = &core(py)?.tables.rx_word;
        let mut out = Vec::with_capacity(features.len() * LINE_COLUMNS * 8);
        for f in &features {
            let stripped = f.slot(intern!(py, "stripped"))?;
            let plain = f.slot(intern!(py, "plain"))?;
            let final_mark = f.slot(intern!(py, "final_mark"))?;
            let input = RowInput {
                stripped: stripped.downcast::<PyString>()?.to_str()?,
                plain: plain.downcast::<PyString>()?.to_str()?,
                cjk: f.slot(intern!(py, "cjk"))?.extract()?,
                words: f.slot(intern!(py, "words"))?.extract()?,
                alnum: f.slot(intern!(py, "alnum"))?.extract()?,
                digits: f.slot(intern!(py, "digits"))?.extract()?,
                inner_punct: f.slot(intern!(py, "inner_punct"))?.extract()?,
                final_mark: final_mark.downcast::<PyString>()?.to_str()?,
                heading: f.slot(intern!(py, "heading"))?.extract()?,
                list_item: f.slot(intern!(py, "list_item"))?.extract()?,
                link_like: f.slot(intern!(py, "link_like"))?.extract()?,
                date_chars: f.slot(intern!(py, "date_chars"))?.extract()?,
            };
            for value in line_row(&input, word, &self.upper) {
                out.extend_from_slice(&value.to_ne_bytes());
            }
        }
        Ok(PyBytes::new(py, &out))
    }
}

/// `cleanse.features.strip_punctuation` and the match key (`_match_key`), with `regex`'s
/// `[\p{P}\p{S}\s]` read off the running Python (and `re`'s `\d`, `\w` from the core's
/// tables).
#[pyclass(frozen, module = "cleanse._native")]
pub(crate) struct TextOps {
    pub(crate) punctuation: Bits,
}

#[pymethods]
impl TextOps {
    #[new]
    fn new(punctuation: &str) -> Self {
        TextOps { punctuation: Bits::from_members(punctuation) }
    }

    /// Raises UnicodeEncodeError for lone surrogates (the caller asks the reference).
    fn strip_punctuation<'py>(&self, text: &Bound<'py, PyString>)
                             -> PyResult<Bound<'py, PyString>> {
        let utf8 = text.to_str()?;
        let stripped = crate::text::strip_punctuation(utf8, &self.punctuation);
        if stripped.len() == utf8.len() {
            return Ok(text.clone());  // nothing stripped: the same str, no copy
        }
        Ok(PyString::new(text.py(), stripped))
    }

    /// `_match_key(text)`: lowercased by Python's `str.lower`, digits to `0`, all but
    /// letters and digits dropped. Raises UnicodeEncodeError for lone surrogates.
    fn match_key(&self, py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<String> {
        if let Some(lowered) = crate::text::lower_caseless(text.to_str()?) {
            return Ok(crate::text::match_key(&lowered, &core(py)?.tables));
        }
        let lowered = text.call_method0(intern!(py, "lower"))?;
        let lowered = lowered.downcast::<PyString>()?;
        Ok(crate::text::match_key(lowered.to_str()?, &core(py)?.tables))
    }
}

/// The arbiter's DOM columns of HTML lines (`cleanse.deciding.evidence._dom_row`), read from
/// each line's hints: `tag_groups` and `furniture_groups` map a hint to its column among
/// `tag_columns` and `furniture_columns` (evidence.py's tables, handed over as they are).
#[pyclass(frozen, module = "cleanse._native")]
struct DomRows {
    tag_column: HashMap<String, usize>,
    furniture_column: HashMap<String, usize>,
    other_furniture: usize,
    tags: usize,
    furnitures: usize,
}

/// A hint's value as `float()` makes it, for the types the renderer writes (float, int, bool);
/// anything else is a TypeError, and the caller asks the reference (which reads any value).
fn number(value: &Bound<'_, PyAny>) -> PyResult<f64> {
    if let Ok(float) = value.downcast::<pyo3::types::PyFloat>() {
        return Ok(float.value());
    }
    if value.is_instance_of::<pyo3::types::PyInt>() {
        // Rounded to nearest, ties to even, as int.__float__ rounds.
        return Ok(value.extract::<i64>()? as f64);
    }
    Err(pyo3::exceptions::PyTypeError::new_err("a hint of another type"))
}

#[pymethods]
impl DomRows {
    #[new]
    fn new(tag_groups: HashMap<String, String>, tag_columns: Vec<String>,
           furniture_groups: HashMap<String, String>, furniture_columns: Vec<String>)
           -> PyResult<Self> {
        let index = |columns: &[String], group: &str| columns.iter().position(|c| c == group)
            .ok_or_else(|| PyRuntimeError::new_err(format!("no column for group {group}")));
        let tag_column = tag_groups.iter().map(|(tag, group)| Ok((tag.clone(), index(&tag_columns, group)?)))
            .collect::<PyResult<_>>()?;
        let furniture_column = furniture_groups.iter()
            .map(|(name, group)| Ok((name.clone(), index(&furniture_columns, group)?)))
            .collect::<PyResult<_>>()?;
        Ok(DomRows { tag_column, furniture_column,
                     other_furniture: index(&furniture_columns, "other")?,
                     tags: tag_columns.len(), furnitures: furniture_columns.len() })
    }

    /// The rows of these lines' hints (dicts), as float64 bytes, row after row. A TypeError
    /// for hints other than the renderer's (the caller asks the reference).
    fn rows<'py>(&self, py: Python<'py>, hints: Vec<Bound<'py, PyDict>>)
                 -> PyResult<Bound<'py, PyBytes>> {
        let width = 14 + self.tags + self.furnitures;
        let mut row = vec![0.0f64; width];
        let mut out = Vec::with_capacity(hints.len() * width * 8);
        for hint in &hints {
            let get = |key: &Bound<'py, PyString>| hint.get_item(key);
            let truth = |key: &Bound<'py, PyString>| -> PyResult<f64> {
                Ok(match get(key)? { Some(value) if value.is_truthy()? => 1.0, _ => 0.0 })
            };
            let or = |key: &Bound<'py, PyString>, default: f64| -> PyResult<f64> {
                get(key)?.map_or(Ok(default), |value| number(&value))
            };
            row.fill(0.0);
            row[0] = 1.0;
            row[1] = or(intern!(py, "link_density"), 0.0)?;
            row[2] = truth(intern!(py, "in_content"))?;
            row[3] = truth(intern!(py, "quote"))?;
            row[4] = truth(intern!(py, "hidden"))?;
            row[5] = truth(intern!(py, "main_content"))?;
            row[6] = or(intern!(py, "depth"), 0.0)?;
            row[7] = or(intern!(py, "furniture_depth"), 0.0)?;
            // float(min(value, 3)): the value unless 3 is smaller.
            row[8] = match get(intern!(py, "content_classes"))? {
                None => 0.0,
                Some(value) if value.is_instance_of::<pyo3::types::PyInt>() =>
                    value.extract::<i64>()?.min(3) as f64,
                Some(value) => {
                    let v = number(&value)?;
                    if 3.0 < v { 3.0 } else { v }
                }
            };
            row[9] = or(intern!(py, "title_affinity"), f64::NAN)?;
            // row[10..14]: structure and page shares, filled per page.
            if let Some(tag) = get(intern!(py, "tag"))? {
                let tag = tag.downcast::<PyString>()?;
                if let Some(&column) = self.tag_column.get(tag.to_str()?) {
                    row[14 + column] = 1.0;
                }
            }
            if let Some(furniture) = get(intern!(py, "boilerplate"))? {
                let furniture = furniture.downcast::<PyString>()?.to_str()?;
                if !furniture.is_empty() {
                    let column = self.furniture_column.get(furniture).copied()
                        .unwrap_or(self.other_furniture);
                    row[14 + self.tags + column] = 1.0;
                }
            }
            for value in &row {
                out.extend_from_slice(&value.to_ne_bytes());
            }
        }
        Ok(PyBytes::new(py, &out))
    }
}

/// The arbiter's detector columns (`cleanse.deciding.evidence._detector_row`) of lines with
/// decisions: per detector its strongest junk score, per category its strongest score, the
/// strongest junk score and the number of junk decisions. `category_slot` and `junk` are
/// evidence.py's dicts, keyed by the category objects themselves (looked up as Python
/// looks them up); `detector_slot` names the detectors with a column.
#[pyclass(frozen, module = "cleanse._native")]
struct DetectorRows {
    detector_slot: HashMap<String, usize>,
    category_slot: Py<PyDict>,
    junk: Py<PyDict>,
    strongest: usize,
    junk_count: usize,
}

#[pymethods]
impl DetectorRows {
    #[new]
    fn new(detector_slot: HashMap<String, usize>, category_slot: Py<PyDict>, junk: Py<PyDict>,
           strongest: usize, junk_count: usize) -> Self {
        DetectorRows { detector_slot, category_slot, junk, strongest, junk_count }
    }

    /// The rows of these lines' decisions (lists of `Decision` tuples: detector, rule,
    /// category, score, reason), as float64 bytes. An error for a category evidence.py does
    /// not know or a decision of another shape (the caller asks the reference).
    fn rows<'py>(&self, py: Python<'py>, decisions: Vec<Bound<'py, pyo3::types::PyList>>)
                 -> PyResult<Bound<'py, PyBytes>> {
        let category_slot = self.category_slot.bind(py);
        let junk = self.junk.bind(py);
        let missing = || pyo3::exceptions::PyKeyError::new_err("a category without a column");
        let mut row = vec![0.0f64; self.junk_count + 1];
        let mut out = Vec::with_capacity(decisions.len() * row.len() * 8);
        for line in &decisions {
            row.fill(0.0);
            for decision in line.iter() {
                let decision = decision.downcast::<pyo3::types::PyTuple>()?;
                let category = decision.get_item(2)?;
                let score = number(&decision.get_item(3)?)?;
                let slot: usize = category_slot.get_item(&category)?.ok_or_else(missing)?
                    .extract()?;
                if score > row[slot] {
                    row[slot] = score;
                }
                if junk.get_item(&category)?.ok_or_else(missing)?.is_truthy()? {
                    row[self.junk_count] += 1.0;
                    if score > row[self.strongest] {
                        row[self.strongest] = score;
                    }
                    let detector = decision.get_item(0)?;
                    let detector = detector.downcast::<PyString>()?;
                    if let Some(&slot) = self.detector_slot.get(detector.to_str()?) {
                        if score > row[slot] {
                            row[slot] = score;
                        }
                    }
                }
            }
            for value in &row {
                out.extend_from_slice(&value.to_ne_bytes());
            }
        }
        Ok(PyBytes::new(py, &out))
    }
}

/// `Page.label_found` (cleanse/model.py): for each item of `found` -- a sequence of the index
/// into `content`, then the rule unless `rule` is given, the category unless `category` is
/// given, the score unless `score` is given (a float, or a dict giving each rule's), then
/// the reason -- appends the decision `(detector, rule, category, round(score, 3), reason)`,
/// a `decision_type` made by `tuple.__new__` as `Page.label_many` makes it, to the line's
/// `decisions`. Python's `round(x, 3)` is `rounding::round3` for a float that is finite and
/// not negative, else Python's own. Whether a decision of the category `title` was added.
#[pyfunction]
#[pyo3(signature = (detector, content, found, rule, category, score, decision_type, title))]
#[allow(clippy::too_many_arguments)]
fn label_found<'py>(py: Python<'py>, detector: &Bound<'py, PyString>, content: &Bound<'py, PyList>,
                    found: &Bound<'py, PyAny>, rule: Option<Bound<'py, PyAny>>,
                    category: Option<Bound<'py, PyAny>>, score: Option<Bound<'py, PyAny>>,
                    decision_type: &Bound<'py, pyo3::types::PyType>, title: &Bound<'py, PyAny>)
                    -> PyResult<bool> {
    let decisions_name = intern!(py, "decisions");
    let round = py.import(intern!(py, "builtins"))?.getattr(intern!(py, "round"))?;
    let scores = match &score {
        Some(value) => value.downcast::<PyDict>().ok(),
        None => None,
    };
    let make = DecisionMaker::new(decision_type)?;
    // The rounded scores met in this call, by the bits of the score.
    let mut rounded: Vec<(u64, Bound<'py, PyAny>)> = Vec::new();
    let mut titled = false;
    for item in found.try_iter()? {
        let item = item?;
        // A tuple's items are read in place; another sequence's by indexing, as unpacking does.
        let tuple = item.downcast::<pyo3::types::PyTuple>().ok();
        let mut at = 0usize;
        let mut next = || -> PyResult<Bound<'py, PyAny>> {
            let value = match tuple {
                Some(tuple) => tuple.get_item(at)?,
                None => item.get_item(at)?,
            };
            at += 1;
            Ok(value)
        };
        let index = next()?;
        // A list's item as `content[index]` finds it (a negative index counts from the end).
        let line = match index.extract::<isize>() {
            Ok(i) if i >= 0 && (i as usize) < content.len() => content.get_item(i as usize)?,
            _ => content.as_any().get_item(&index)?,
        };
        let line_rule = match &rule { Some(value) => value.clone(), None => next()? };
        let line_category = match &category { Some(value) => value.clone(), None => next()? };
        let line_score = match (&score, scores) {
            (_, Some(scores)) => scores.as_any().get_item(&line_rule)?,
            (Some(value), None) => value.clone(),
            (None, _) => next()?,
        };
        let reason = next()?;
        // SAFETY: a live object; the GIL is held.
        let exact_float = unsafe { ffi::PyFloat_CheckExact(line_score.as_ptr()) } != 0;
        let value = if exact_float { line_score.extract::<f64>()? } else { f64::NAN };
        let line_score = if exact_float && value.is_finite() && value.is_sign_positive() {
            let bits = value.to_bits();
            match rounded.iter().find(|(known, _)| *known == bits) {
                Some((_, object)) => object.clone(),
                None => {
                    let object = pyo3::types::PyFloat::new(py, crate::rounding::round3(value))
                        .into_any();
                    rounded.push((bits, object.clone()));
                    object
                }
            }
        } else {
            round.call1((line_score, 3))?
        };
        titled = titled || line_category.is(title);
        let decision = make.make(py, [detector.as_any(), &line_rule, &line_category,
                                      &line_score, &reason])?;
        let decisions = line.slot(decisions_name)?;
        match decisions.downcast::<PyList>() {
            Ok(list) => list.append(decision)?,
            Err(_) => {
                decisions.call_method1(intern!(py, "append"), (decision,))?;
            }
        }
    }
    Ok(titled)
}

/// `tuple.__new__(decision_type, fields)` for a tuple subclass (a named tuple): as
/// CPython's `tuple_subtype_new` makes it, the type's `tp_alloc` for that many items, each
/// item referenced in turn.
struct DecisionMaker<'py> {
    decision_type: &'py Bound<'py, pyo3::types::PyType>,
    alloc: ffi::allocfunc,
}

impl<'py> DecisionMaker<'py> {
    fn new(decision_type: &'py Bound<'py, pyo3::types::PyType>) -> PyResult<Self> {
        if !decision_type.is_subclass_of::<pyo3::types::PyTuple>()? {
            return Err(pyo3::exceptions::PyTypeError::new_err("not a tuple type"));
        }
        // SAFETY: a live type object; the GIL is held. A tuple subclass defined in Python is
        // a heap type, whose slots PyType_GetSlot reads (and tuple's own tp_alloc otherwise).
        let slot = unsafe { ffi::PyType_GetSlot(decision_type.as_ptr().cast(), ffi::Py_tp_alloc) };
        if slot.is_null() {
            return Err(pyo3::exceptions::PyTypeError::new_err("a type without tp_alloc"));
        }
        // SAFETY: the tp_alloc slot holds an allocfunc.
        let alloc = unsafe { std::mem::transmute::<*mut std::ffi::c_void, ffi::allocfunc>(slot) };
        Ok(DecisionMaker { decision_type, alloc })
    }

    fn make<const N: usize>(&self, py: Python<'py>, fields: [&Bound<'py, PyAny>; N])
                            -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: tp_alloc of a tuple subtype gives a new tuple of N empty (NULL) items, GC
        // tracked, or NULL with an exception set; each item is set once with a new reference
        // (PyTuple_SetItem steals it), before the tuple is seen by anything else.
        unsafe {
            let object = (self.alloc)(self.decision_type.as_ptr().cast(), N as ffi::Py_ssize_t);
            if object.is_null() {
                return Err(PyErr::fetch(py));
            }
            let object = Bound::from_owned_ptr(py, object);
            for (i, field) in fields.into_iter().enumerate() {
                if ffi::PyTuple_SetItem(object.as_ptr(), i as ffi::Py_ssize_t,
                                        field.clone().into_ptr()) != 0 {
                    return Err(PyErr::fetch(py));
                }
            }
            Ok(object)
        }
    }
}

/// `_class_names` and `_names_weight` of ASCII names (`names.rs`), made only for the
/// patterns the core writes out (`ClassNames.matching`).
#[pyclass(frozen, module = "cleanse._native")]
struct ClassNames;

fn ascii(texts: &[&str]) -> PyResult<()> {
    if texts.iter().all(|text| text.is_ascii()) {
        Ok(())
    } else {
        Err(pyo3::exceptions::PyValueError::new_err("names must be ASCII"))
    }
}

#[pymethods]
impl ClassNames {
    /// The matcher when the running Python's patterns (`BOILERPLATE_TOKEN`, `POSITIVE`,
    /// `NEGATIVE`), overlay names and taxonomy terms (`TERM_PREFIXES`, `POST_NAMES`) are
    /// exactly those the core matches, else None.
    #[staticmethod]
    fn matching(token: &str, positive: &str, negative: &str, overlay: Vec<String>,
                terms: Vec<String>, post_names: &str) -> Option<ClassNames> {
        let mut overlay = overlay;
        overlay.sort();
        let mut known: Vec<&str> = crate::names::overlay_names().to_vec();
        known.sort();
        (token == crate::names::token_pattern() && positive == crate::names::positive_pattern()
         && negative == crate::names::negative_pattern() && overlay == known
         && terms == crate::names::term_prefixes()
         && post_names == crate::names::post_names_pattern())
            .then_some(ClassNames)
    }

    /// `_class_names(css_class, element_id, role)`; ValueError unless all are ASCII.
    fn class_names(&self, css_class: &str, element_id: &str, role: &str) -> PyResult<(String, i64)> {
        ascii(&[css_class, element_id, role])?;
        Ok(crate::names::class_names(css_class, element_id, role))
    }

    /// `_names_weight(css_class, element_id)`; ValueError unless both are ASCII (or None).
    fn names_weight(&self, css_class: Option<&str>, element_id: Option<&str>) -> PyResult<i64> {
        ascii(&[css_class.unwrap_or(""), element_id.unwrap_or("")])?;
        Ok(crate::names::names_weight(css_class, element_id))
    }

    /// `BOILERPLATE_TOKEN`'s match in a lowercase ASCII text, as (start, end), or None.
    fn token_match(&self, text: &str) -> PyResult<Option<(usize, usize)>> {
        ascii(&[text])?;
        Ok(crate::names::token_match(text.as_bytes()))
    }
}

/// float64 values from their native-endian bytes (numpy's `tobytes()`).
fn floats(data: &[u8]) -> PyResult<Vec<f64>> {
    if data.len() % 8 != 0 {
        return Err(pyo3::exceptions::PyValueError::new_err("not float64 bytes"));
    }
    Ok(data.chunks_exact(8).map(|b| f64::from_ne_bytes(b.try_into().expect("8 bytes"))).collect())
}

fn float_bytes<'py>(py: Python<'py>, values: &[f64]) -> Bound<'py, PyBytes> {
    let mut out = Vec::with_capacity(values.len() * 8);
    for value in values {
        out.extend_from_slice(&value.to_ne_bytes());
    }
    PyBytes::new(py, &out)
}

/// `cleanse.deciding.evidence._window_means` of `n` rows of `width` float64 columns (their
/// bytes, row after row): the means as float64 bytes, row after row, window after window.
#[pyfunction]
fn window_means<'py>(py: Python<'py>, values: &[u8], n: usize, width: usize,
                     windows: Vec<usize>) -> PyResult<Bound<'py, PyBytes>> {
    let values = floats(values)?;
    if values.len() != n * width {
        return Err(pyo3::exceptions::PyValueError::new_err("values are not n rows of width"));
    }
    Ok(float_bytes(py, &crate::evidence::window_means(&values, n, width, &windows)))
}

/// `_shape_repeats(line_shapes(rows))` of `cleanse.deciding.evidence`, from each line's
/// `log_tokens` and its shape flag columns (float64 bytes, row after row, `1 + flags` columns
/// a row), the length `classes` and the pattern bounds; float64 bytes, one a line.
#[pyfunction]
fn shape_repeats<'py>(py: Python<'py>, values: &[u8], flags: usize, classes: Vec<f64>,
                      max_period: usize, min_repeats: usize) -> PyResult<Bound<'py, PyBytes>> {
    let values = floats(values)?;
    let width = flags + 1;
    if values.len() % width != 0 || min_repeats == 0 {
        return Err(pyo3::exceptions::PyValueError::new_err("values are not rows of 1 + flags"));
    }
    let shapes: Vec<i64> = values.chunks_exact(width)
        .map(|row| crate::evidence::line_shape(row[0], &row[1..], &classes))
        .collect();
    Ok(float_bytes(py, &crate::evidence::shape_repeats(&shapes, max_period, min_repeats)))
}

/// `cleanse.deciding.evidence._short_runs` of the lines whose `log_tokens` (float64 bytes)
/// are below `bound`: float64 bytes, one a line.
#[pyfunction]
fn short_runs<'py>(py: Python<'py>, log_tokens: &[u8], bound: f64) -> PyResult<Bound<'py, PyBytes>> {
    let short: Vec<bool> = floats(log_tokens)?.into_iter().map(|value| value < bound).collect();
    Ok(float_bytes(py, &crate::evidence::short_runs(&short)))
}

/// `cleanse.deciding.arbiter._decide_runs_whole`'s runs: the `(start, stop, whole)` of each
/// run of `run_lines` or more consecutive `lines` that carry decisions, no hard decision
/// (`hard[i] is None`), and one key -- the detector and rule of the line's strongest removal
/// (`_strongest_removal`: the first decision whose category is `meta`, else the first of the
/// highest score among those in `junk`), which must be neither a `meta` decision nor one of
/// `region`'s `(detector, rule)` pairs, and the line's shape (`evidence.line_shapes`, from
/// `shape_rows`: each line's `log_tokens` and `flags` flag columns, float64 bytes). `whole`
/// is whether the run's length-weighted probability (`np.average(probabilities[run],
/// weights=[1 + len(stripped)])`, numpy's arithmetic) reaches `threshold`.
///
/// Python's own operations where they can differ by type: the category is compared by
/// identity with `meta` and looked up in `junk` (a frozenset), scores are compared with
/// `>` (two floats natively, anything else by Python), detectors and rules with `==` (after
/// identity, as a tuple compares its items), region pairs looked up as tuples. `None` when a
/// decision is not a `decision_type` (the caller runs the reference).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn runs_whole<'py>(py: Python<'py>, lines: &Bound<'py, PyList>, hard: &Bound<'py, PyList>,
                   shape_rows: &[u8], flags: usize, classes: Vec<f64>, probabilities: &[u8],
                   threshold: f64, run_lines: usize, meta: &Bound<'py, PyAny>,
                   junk: &Bound<'py, PyAny>, region: &Bound<'py, PyAny>,
                   decision_type: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyList>>> {
    let n = lines.len();
    let out = PyList::empty(py);
    let decisions_name = intern!(py, "decisions");
    // (`labelled` of the reference: lines with decisions and no hard one.)
    let mut labelled: Vec<(usize, Bound<'py, PyList>)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let decisions = line.slot(decisions_name)?;
        if !decisions.is_truthy()? || !hard.get_item(i)?.is_none() {
            continue;
        }
        let Ok(decisions) = decisions.downcast_into::<PyList>() else { return Ok(None) };
        labelled.push((i, decisions));
    }
    if labelled.len() < run_lines {
        return Ok(Some(out));
    }
    let rows = floats(shape_rows)?;
    let width = flags + 1;
    let probabilities = floats(probabilities)?;
    if rows.len() != n * width || probabilities.len() != n || hard.len() != n {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "rows, probabilities and lines differ"));
    }
    // Each key as an id: equal ids exactly when the keys compare equal.
    let mut keys: Vec<Option<usize>> = vec![None; n];
    let mut distinct: Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>, i64)> = Vec::new();
    let mut in_region: HashMap<(usize, usize), bool> = HashMap::new();
    for (i, decisions) in &labelled {
        let mut strongest: Option<Bound<'py, pyo3::types::PyTuple>> = None;
        let mut strongest_score: Option<Bound<'py, PyAny>> = None;
        let mut is_meta = false;
        for decision in decisions.iter() {
            // SAFETY: live objects; the GIL is held.
            if unsafe { ffi::Py_TYPE(decision.as_ptr()) } as *mut ffi::PyObject
                != decision_type.as_ptr() {
                return Ok(None);
            }
            let decision = decision.downcast_into::<pyo3::types::PyTuple>()?;
            let category = decision.get_item(2)?;
            if category.is(meta) {
                is_meta = true;
                break;
            }
            if !junk.contains(&category)? {
                continue;
            }
            let score = decision.get_item(3)?;
            let stronger = match &strongest_score {
                None => true,
                Some(best) => greater(&score, best)?,
            };
            if stronger {
                strongest = Some(decision);
                strongest_score = Some(score);
            }
        }
        let Some(strongest) = strongest.filter(|_| !is_meta) else { continue };
        let detector = strongest.get_item(0)?;
        let rule = strongest.get_item(1)?;
        let pair = (detector.as_ptr() as usize, rule.as_ptr() as usize);
        let region_rule = match in_region.get(&pair) {
            Some(&known) => known,
            None => {
                let known = region.contains(
                    pyo3::types::PyTuple::new(py, [&detector, &rule])?)?;
                in_region.insert(pair, known);
                known
            }
        };
        if region_rule {
            continue;
        }
        let row = &rows[i * width..(i + 1) * width];
        let shape = crate::evidence::line_shape(row[0], &row[1..], &classes);
        // Lines of one run follow each other: only the previous line's key can be equal.
        let previous = if *i > 0 { keys[i - 1] } else { None };
        let mut id = None;
        if let Some(p) = previous {
            let (d, r, s) = &distinct[p];
            if *s == shape && same(&detector, d)? && same(&rule, r)? {
                id = Some(p);
            }
        }
        keys[*i] = Some(id.unwrap_or_else(|| {
            distinct.push((detector, rule, shape));
            distinct.len() - 1
        }));
    }
    let stripped_name = intern!(py, "stripped");
    let features_name = intern!(py, "features");
    for (start, stop) in crate::judging::runs_of_keys(&keys, run_lines) {
        let mut weights = Vec::with_capacity(stop - start);
        for i in start..stop {
            let stripped = lines.get_item(i)?.slot(features_name)?.slot(stripped_name)?;
            weights.push(1 + stripped.len()? as i64);
        }
        let Some(mean) = crate::judging::weighted_mean(&probabilities[start..stop], &weights)
        else {
            return Err(pyo3::exceptions::PyZeroDivisionError::new_err(
                "Weights sum to zero, can't be normalized"));
        };
        out.append((start, stop, mean >= threshold))?;
    }
    Ok(Some(out))
}

/// `a > b` as Python compares them: two floats natively, anything else by Python.
fn greater(a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<bool> {
    // SAFETY: live objects; the GIL is held.
    unsafe {
        if ffi::PyFloat_CheckExact(a.as_ptr()) != 0 && ffi::PyFloat_CheckExact(b.as_ptr()) != 0 {
            // (exact floats: `PyFloat_AsDouble` reads the value, it cannot fail)
            return Ok(ffi::PyFloat_AsDouble(a.as_ptr()) > ffi::PyFloat_AsDouble(b.as_ptr()));
        }
    }
    a.gt(b)
}

/// `a == b` as a tuple compares its items (`PyObject_RichCompareBool`: identity first; `a` is
/// the later line's, as the reference's `key[stop] == key[start]`).
fn same(a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(a.is(b) || a.eq(b)?)
}

/// The lines of a text capture `cleanse.reading.markdown` asks its patterns about, as
/// indices into `text.split("\n")`: with `unfenced`, the lines `unfenced_code` asks
/// `_code_line` about (`markdown::may_be_code_shaped`, with `CODE_FIRST`, `CODE_LAST`,
/// `CODE_OPENERS`); with `pipes`, those `_pipe_tables` matches `TABLE_DELIMITER` against
/// (`markdown::may_be_table_delimiter`). The text is encoded once, not line by line, and its
/// encoding is not kept (a str keeps the UTF-8 it was asked for). `None` when it holds a lone
/// surrogate (the caller tests the lines itself).
#[pyfunction]
fn markdown_candidates<'py>(py: Python<'py>, text: &Bound<'py, PyString>,
                            first: &Bound<'py, PyAny>, last: &Bound<'py, PyAny>,
                            openers: Vec<String>, unfenced: bool,
                            pipes: bool) -> PyResult<Option<(Vec<usize>, Vec<usize>)>> {
    let tables = &core(py)?.tables;
    // The sets' one-character strings (nothing else equals one character of a line).
    let single = |members: &Bound<'py, PyAny>| -> PyResult<Vec<char>> {
        let mut chars = Vec::new();
        for member in members.try_iter()? {
            let member = member?;
            if let Ok(member) = member.downcast::<PyString>() {
                let mut text = member.to_str()?.chars();
                if let (Some(c), None) = (text.next(), text.next()) {
                    chars.push(c);
                }
            }
        }
        Ok(chars)
    };
    let (first, last) = (single(first)?, single(last)?);
    let Ok(encoded) = text.encode_utf8() else { return Ok(None) };
    let Ok(text) = std::str::from_utf8(encoded.as_bytes()) else { return Ok(None) };
    let mut code = Vec::new();
    let mut table = Vec::new();
    let mut before: Option<&str> = None;
    // (`str.split("\n")` and `str::split('\n')` cut at the same characters.)
    for (i, line) in text.split('\n').enumerate() {
        if unfenced && crate::markdown::may_be_code_shaped(tables, line, &first, &last, &openers) {
            code.push(i);
        }
        if pipes {
            if before.is_some_and(|above| crate::markdown::may_be_table_delimiter(above, line)) {
                table.push(i);
            }
            before = Some(line);
        }
    }
    Ok(Some((code, table)))
}

/// Whether `text` holds one of `spec`'s sequences (`vocabulary.required_text`), as the
/// passes test it; `None` when the core does not know the case variants of a character of
/// `spec` (the passes then call the patterns on every text). For the tests.
#[pyfunction]
fn required_text_held(py: Python<'_>, spec: Vec<Vec<String>>, text: &str)
                      -> PyResult<Option<bool>> {
    Ok(crate::required::Required::new(&core(py)?.tables, &spec).map(|r| r.held_by(text)))
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(configure, module)?)?;
    module.add_function(wrap_pyfunction!(crate::slots::register_slots, module)?)?;
    module.add_function(wrap_pyfunction!(line_features, module)?)?;
    module.add_function(wrap_pyfunction!(page_lines, module)?)?;
    module.add_function(wrap_pyfunction!(window_means, module)?)?;
    module.add_function(wrap_pyfunction!(label_found, module)?)?;
    module.add_class::<ClassNames>()?;
    module.add_function(wrap_pyfunction!(shape_repeats, module)?)?;
    module.add_function(wrap_pyfunction!(short_runs, module)?)?;
    module.add_function(wrap_pyfunction!(runs_whole, module)?)?;
    module.add_function(wrap_pyfunction!(markdown_candidates, module)?)?;
    module.add_function(wrap_pyfunction!(required_text_held, module)?)?;
    module.add_function(wrap_pyfunction!(plain_text, module)?)?;
    module.add_function(wrap_pyfunction!(crate::passes::earlier_copies, module)?)?;
    module.add_function(wrap_pyfunction!(crate::passes::chrome::chrome_rules, module)?)?;
    module.add_function(wrap_pyfunction!(crate::passes::duplicates::duplicate_lines, module)?)?;
    module.add_function(wrap_pyfunction!(crate::passes::related_lists::related_list_labels, module)?)?;
    module.add_function(wrap_pyfunction!(crate::passes::menus::menu_labels, module)?)?;
    module.add_function(wrap_pyfunction!(crate::passes::headline_runs::headline_run_labels, module)?)?;
    module.add_function(wrap_pyfunction!(crate::passes::main_region::main_region_labels, module)?)?;
    module.add_function(wrap_pyfunction!(crate::passes::title::title_choice, module)?)?;
    module.add_function(wrap_pyfunction!(crate::passes::newsletter::newsletter_labels, module)?)?;
    module.add_function(wrap_pyfunction!(crate::passes::breadcrumbs::breadcrumb_labels, module)?)?;
    module.add_function(wrap_pyfunction!(crate::passes::dateline::dateline_labels, module)?)?;
    module.add_function(wrap_pyfunction!(crate::passes::share::share_labels, module)?)?;
    module.add_function(wrap_pyfunction!(crate::passes::promo::promo_labels, module)?)?;
    module.add_function(wrap_pyfunction!(crate::passes::author_bio::author_bio_boxes, module)?)?;
    module.add_function(wrap_pyfunction!(crate::passes::author_bio::company_boilerplate_labels, module)?)?;
    module.add_function(wrap_pyfunction!(crate::html::render_walk, module)?)?;
    module.add_function(wrap_pyfunction!(crate::html::pick_main_content, module)?)?;
    module.add_function(wrap_pyfunction!(crate::html::byline_candidates, module)?)?;
    module.add_function(wrap_pyfunction!(crate::html::round3_each, module)?)?;
    module.add_function(wrap_pyfunction!(crate::html::tag_classes, module)?)?;
    module.add_function(wrap_pyfunction!(crate::html::page_elements, module)?)?;
    module.add_class::<KeywordAutomaton>()?;
    module.add_class::<ScriptCounter>()?;
    module.add_class::<LineRows>()?;
    module.add_class::<TextOps>()?;
    module.add_class::<DomRows>()?;
    module.add_class::<DetectorRows>()?;
    module.add_class::<crate::forest::python::PyForest>()?;
    Ok(())
}
