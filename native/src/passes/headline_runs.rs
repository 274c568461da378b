//! `HeadlineRuns._labels` (`cleanse/detectors/headline_runs.py`): runs of
//! headlines and teasers.

use super::*;
use crate::slots::SlotAttr;

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
        let hints = line.line.slot(intern!(py, "hints"))?.downcast_into::<PyDict>()?;
        code.push(hints.contains(intern!(py, "block"))? && hints.get_item(intern!(py, "tag"))?
            .is_some_and(|tag| tag.eq("pre").unwrap_or(false)));
        let features = line.line.slot(intern!(py, "features"))?;
        terminal.push(features.slot(intern!(py, "terminal"))?.is_truthy()?);
        heading.push(features.slot(intern!(py, "heading"))?.is_truthy()?);
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
