//! `Menus._labels` (`cleanse/detectors/menus.py`): menu bars and runs of menu items.

use super::*;
use crate::slots::SlotAttr;

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
        let features = line.slot(intern!(py, "features"))?;
        let hints = line.slot(intern!(py, "hints"))?.downcast_into::<PyDict>()?;
        let tag = hints.get_item(intern!(py, "tag"))?;
        let code = hints.contains(intern!(py, "block"))?
            && tag.as_ref().is_some_and(|tag| tag.eq("pre").unwrap_or(false));
        let date_chars: f64 = features.slot_f64(intern!(py, "date_chars"))?;
        Ok(MenuLine {
            plain: features.slot(intern!(py, "plain"))?.downcast_into()?,
            code,
            terminal: features.slot(intern!(py, "terminal"))?.is_truthy()?,
            has_date: date_chars > 0.0,
            tag,
            cjk: features.slot(intern!(py, "cjk"))?.extract()?,
            inner_punct: features.slot(intern!(py, "inner_punct"))?.extract()?,
            alnum: features.slot_f64(intern!(py, "alnum"))?,
            number: line.slot(intern!(py, "number"))?.extract()?,
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
