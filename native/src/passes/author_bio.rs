//! `AuthorBio._boxes` and `AuthorBio._company_boilerplate` (`cleanse/detectors/author_bio.py`):
//! author bios, about-the-author boxes and closing press-release boilerplate.
//!
//! The name patterns (`BIO_OPENING`, `COMPANY_OPENING`, `ABOUT_HEADING`; `regex`'s `\p{Lu}`
//! and `\p{L}`) and `FIRST_SENTENCE`, `PRONOUN_OPENING` are called as the Python patterns they
//! are, on the few lines a native test finds able to match (`detectors::may_open_bio`,
//! `detectors::opens_with_folded`, or the three closing paragraphs); the loops, the keyword
//! groups and the junk test run natively.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use super::{context, JunkTest, python_slice, threshold, Context, Group};
use crate::detectors::{may_open_bio, opens_with_folded};
use crate::python::{KeywordAutomaton, TextOps};
use crate::slots::SlotAttr;

/// `(index, rule, score, reason)` per line a pass labels.
type Found = Vec<(usize, &'static str, f64, String)>;

/// A content line: the line, its features and its tokens.
struct BioLine<'py> {
    line: Bound<'py, PyAny>,
    features: Bound<'py, PyAny>,
    tokens: f64,
}

impl<'py> BioLine<'py> {
    fn read(line: Bound<'py, PyAny>) -> PyResult<Self> {
        let features = line.slot(intern!(line.py(), "features"))?;
        let tokens = features.slot(intern!(line.py(), "tokens"))?.extract()?;
        Ok(BioLine { line, features, tokens })
    }

    fn plain(&self) -> PyResult<Bound<'py, PyString>> {
        Ok(self.features.slot(intern!(self.line.py(), "plain"))?.downcast_into()?)
    }
}

/// The author-bio detector's thresholds, matchers and patterns, read off it for one page.
struct Bio<'py, 'c> {
    c: &'c Context<'py, 'c>,
    max_bio_tokens: f64,
    max_box_lines: f64,
    max_box_link_tokens: f64,
    professions: Group<'py>,
    headings: Group<'py>,
    labels: Group<'py>,
    bio_opening: Bound<'py, PyAny>,
    about_heading: Bound<'py, PyAny>,
    pronoun_opening: Bound<'py, PyAny>,
    first_sentence: Bound<'py, PyAny>,
}

/// `pattern.match(text)`, None when it does not match.
fn matched<'py>(pattern: &Bound<'py, PyAny>, text: &Bound<'py, PyAny>)
                -> PyResult<Option<Bound<'py, PyAny>>> {
    let found = pattern.call_method1(intern!(pattern.py(), "match"), (text,))?;
    Ok((!found.is_none()).then_some(found))
}

/// `match.group(name)` as a Python string.
fn group<'py>(found: &Bound<'py, PyAny>, name: &Bound<'py, PyAny>)
              -> PyResult<Bound<'py, PyString>> {
    Ok(found.call_method1(intern!(found.py(), "group"), (name,))?.downcast_into()?)
}

impl<'py> Bio<'py, '_> {
    /// `AuthorBio._bio_line(line)`: the reason when the line is a writer's bio.
    fn bio_line(&self, plain: &Bound<'py, PyString>, text: &str, tokens: f64)
                -> PyResult<Option<String>> {
        let (c, py) = (self.c, self.c.py);
        if tokens > self.max_bio_tokens {
            return Ok(None);
        }
        if let Some(hit) = c.startswith(&self.labels, plain)? {
            return Ok(Some(format!("author bio ('{}')", c.word(hit)?)));
        }
        if !may_open_bio(text, &c.tables.rx_space) {
            return Ok(None);
        }
        let Some(opening) = matched(&self.bio_opening, plain)? else { return Ok(None) };
        let sentence = matched(&self.first_sentence, plain)?.expect("FIRST_SENTENCE matches all");
        let sentence = group(&sentence, &0_i32.into_pyobject(py)?.into_any())?;
        if let Some(job) = c.search(&self.professions, &sentence)? {
            let name = group(&opening, intern!(py, "name").as_any())?;
            return Ok(Some(format!("author bio: {name} described as '{}'", c.word(job)?)));
        }
        Ok(None)
    }

    /// `AuthorBio._about_heading(line)`: the name the heading is about ('' for "About the
    /// author"), or None.
    fn about_heading(&self, features: &Bound<'py, PyAny>, text: &str, tokens: f64)
                     -> PyResult<Option<String>> {
        let (c, py) = (self.c, self.c.py);
        if tokens > 6.0 || features.slot(intern!(py, "terminal"))?.is_truthy()? {
            return Ok(None);
        }
        let text = text.trim_matches(|ch| c.tables.re_space.has(ch)).trim_end_matches([':', '：']);
        if c.fullmatch(&self.headings, text)? {
            return Ok(Some(String::new()));
        }
        if !(opens_with_folded(text, "about", c.tables) || opens_with_folded(text, "meet", c.tables))
        {
            return Ok(None);
        }
        match matched(&self.about_heading, PyString::new(py, text).as_any())? {
            Some(heading) => Ok(Some(group(&heading, intern!(py, "name").as_any())?
                .to_str()?.to_owned())),
            None => Ok(None),
        }
    }

    /// `AuthorBio._about_box(content, i, name, found)`: the index after the box under the
    /// heading at `i` (its lines added to `found`); None when a line holds lone surrogates.
    fn about_box(&self, lines: &[BioLine<'py>], i: usize, name: &str, found: &mut Found)
                 -> PyResult<Option<usize>> {
        let space = &self.c.tables.re_space;
        // `name.split()[0]`: a name opens with a capital letter, so it has a first word.
        let first_word = name.split(|ch| space.has(ch)).find(|word| !word.is_empty())
            .unwrap_or("");
        let mut end = i + 1;
        while end < lines.len() && (end - i) as f64 <= self.max_box_lines {
            let plain = lines[end].plain()?;
            let Ok(text) = plain.to_str() else { return Ok(None) };
            let describes = if name.is_empty() {
                matched(&self.bio_opening, &plain)?.is_some()
            } else {
                text.starts_with(first_word)
            };
            if !(describes || matched(&self.pronoun_opening, &plain)?.is_some()
                 || lines[end].tokens <= self.max_box_link_tokens) {
                break;
            }
            end += 1;
        }
        if end == i + 1 {
            return Ok(Some(i + 1));  // "About Town" over a paragraph is a section of the article
        }
        let about = if name.is_empty() {
            "an about-the-author heading".to_owned()
        } else {
            format!("'About {name}'")
        };
        let reason = format!("author or company box under {about}");
        found.extend((i..end).map(|index| (index, "about_box", 0.75, reason.clone())));
        Ok(Some(end))
    }
}

/// `AuthorBio._boxes(page, content)`: the bio lines and about boxes `detector` (an
/// `AuthorBio`) finds among `content` (the page's non-blank lines), as `(index, rule, score,
/// reason)`, in order.
#[pyfunction]
pub(crate) fn author_bio_boxes<'py>(detector: &Bound<'py, PyAny>,
                                    automaton: &Bound<'py, KeywordAutomaton>,
                                    text_ops: &Bound<'py, TextOps>, page: &Bound<'py, PyAny>,
                                    content: &Bound<'py, PyList>)
                                    -> PyResult<Bound<'py, PyAny>> {
    let py = detector.py();
    let c = context(automaton, text_ops)?;
    let module = py.import(intern!(py, "cleanse.detectors.author_bio"))?;
    let junk_test = JunkTest::read(py)?;
    let field = |name| threshold(detector, name);
    let min_prose_share = field(intern!(py, "min_prose_share"))?;
    let bio = Bio {
        c: &c,
        max_bio_tokens: field(intern!(py, "max_bio_tokens"))?,
        max_box_lines: field(intern!(py, "max_box_lines"))?,
        max_box_link_tokens: field(intern!(py, "max_box_link_tokens"))?,
        professions: c.group(detector, intern!(py, "_professions"))?,
        headings: c.group(detector, intern!(py, "_headings"))?,
        labels: c.group(detector, intern!(py, "_labels"))?,
        bio_opening: module.getattr(intern!(py, "BIO_OPENING"))?,
        about_heading: module.getattr(intern!(py, "ABOUT_HEADING"))?,
        pronoun_opening: module.getattr(intern!(py, "PRONOUN_OPENING"))?,
        first_sentence: module.getattr(intern!(py, "FIRST_SENTENCE"))?,
    };
    let mut lines = Vec::with_capacity(content.len());
    let mut prose = Vec::with_capacity(content.len());
    for line in content.iter() {
        let line = BioLine::read(line)?;
        let is_prose = line.features.slot(intern!(py, "prose"))?.is_truthy()?;
        prose.push(if is_prose { line.tokens } else { 0.0 });
        lines.push(line);
    }
    let sum: f64 = prose.iter().sum();
    let total = if sum == 0.0 { 1.0 } else { sum };
    let boxes = || -> PyResult<Option<Found>> {
        let mut found = Found::new();
        let (mut i, mut seen) = (0, 0.0);
        while i < lines.len() {
            let line = &lines[i];
            // The line's rules first, its junk test after (the reference tests junk first):
            // most lines are no bio, and their decisions need not be read.
            if seen / total >= min_prose_share {
                let junk = || junk_test.is_junk(&line.line.slot(intern!(py, "decisions"))?);
                let plain = line.plain()?;
                let Ok(text) = plain.to_str() else { return Ok(None) };
                if let Some(reason) = bio.bio_line(&plain, text, line.tokens)? {
                    if !junk()? {
                        found.push((i, "bio", 0.75, reason));
                    }
                } else if let Some(name) = bio.about_heading(&line.features, text, line.tokens)? {
                    if !junk()? {
                        match bio.about_box(&lines, i, &name, &mut found)? {
                            Some(end) => i = end,
                            None => return Ok(None),
                        }
                        continue;
                    }
                }
            }
            seen += prose[i];
            i += 1;
        }
        Ok(Some(found))
    };
    match boxes()? {
        Some(found) => found.into_pyobject(py).map(|list| list.into_any()),
        // Lone surrogates: the reference decides the page.
        None => detector.call_method1(intern!(py, "_boxes"), (page, content)),
    }
}

/// `AuthorBio._company_boilerplate(page, content)`: the press-release paragraphs about a
/// company that close `content` (the page's non-blank lines), as `(index, rule, score,
/// reason)`.
#[pyfunction]
pub(crate) fn company_boilerplate_labels<'py>(detector: &Bound<'py, PyAny>,
                                              automaton: &Bound<'py, KeywordAutomaton>,
                                              text_ops: &Bound<'py, TextOps>,
                                              page: &Bound<'py, PyAny>,
                                              content: &Bound<'py, PyList>)
                                              -> PyResult<Bound<'py, PyAny>> {
    let py = detector.py();
    let c = context(automaton, text_ops)?;
    let module = py.import(intern!(py, "cleanse.detectors.author_bio"))?;
    let junk_test = JunkTest::read(py)?;
    let max_box_lines: i64 = detector.getattr(intern!(py, "max_box_lines"))?.extract()?;
    let max_company_tokens = threshold(detector, intern!(py, "max_company_tokens"))?;
    let organisations = c.group(detector, intern!(py, "_organisations"))?;
    let company_opening = module.getattr(intern!(py, "COMPANY_OPENING"))?;
    let first_sentence = module.getattr(intern!(py, "FIRST_SENTENCE"))?;
    // `[line for line in content if not page.is_junk(line) and line.features.prose]`, with
    // the lines' indices, then `[-max_box_lines:]`: the last `max_box_lines` of them, found
    // from the end (all of them, or all but the first few, for a window of 0 or less).
    let wanted = usize::try_from(max_box_lines).ok().filter(|&wanted| wanted > 0);
    let mut closing = Vec::new();
    for index in (0..content.len()).rev() {
        if wanted.is_some_and(|wanted| closing.len() == wanted) {
            break;
        }
        let line = BioLine::read(content.get_item(index)?)?;
        if !junk_test.is_junk(&line.line.slot(intern!(py, "decisions"))?)?
            && line.features.slot(intern!(py, "prose"))?.is_truthy()? {
            closing.push((index, line));
        }
    }
    closing.reverse();
    let closing = &closing[python_slice(closing.len(), -max_box_lines, closing.len() as i64)];
    let mut texts = Vec::with_capacity(closing.len());
    for (_, line) in closing {
        let plain = line.plain()?;
        if plain.to_str().is_err() {
            // Lone surrogates: the reference decides the page.
            return detector.call_method1(intern!(py, "_company_boilerplate"), (page, content));
        }
        texts.push(plain);
    }
    for (start, ((_, line), plain)) in closing.iter().zip(&texts).enumerate() {
        let Some(opening) = matched(&company_opening, plain)? else { continue };
        if line.tokens > max_company_tokens {
            continue;
        }
        let sentence = matched(&first_sentence, plain)?.expect("FIRST_SENTENCE matches all");
        let sentence = group(&sentence, &0_i32.into_pyobject(py)?.into_any())?;
        let company = group(&opening, intern!(py, "name").as_any())?;
        let company = company.to_str()?;
        if c.search(&organisations, &sentence)?.is_some()
            && texts[start + 1..].iter().all(|later| {
                later.to_str().expect("checked above").starts_with(company)
            }) {
            let reason = format!("press-release boilerplate about {company}");
            let found: Found = closing[start..].iter()
                .map(|&(index, _)| (index, "company_boilerplate", 0.7, reason.clone())).collect();
            return found.into_pyobject(py).map(|list| list.into_any());
        }
    }
    Found::new().into_pyobject(py).map(|list| list.into_any())
}
