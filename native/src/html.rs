//! HTML rendering natively: `cleanse.reading.html._walk` with `_settle_containers`, and
//! `cleanse.reading.main_content.main_content`, over the tree lxml parsed.
//!
//! lxml stays the parser. The core reads the tree lxml built through the two public C
//! layouts involved: lxml's `LxmlElement` (`lxml/etree.h`: a Python object whose
//! `_c_node` is the libxml2 node) and libxml2's `xmlNode`/`xmlAttr` (`libxml/tree.h`),
//! reading what lxml's properties read (`.tag`, `.text`, `.tail`, `.get`, `.items()`,
//! iteration over children, `getparent`, XPath's `string()`) the way lxml reads them. No
//! element proxy is made for the walk; the picker hands its elements back through lxml's
//! C-API `elementFactory`. What the core does not take (a namespaced node, text that is not
//! UTF-8, an attribute value of several nodes, an entity reference) makes it answer None,
//! and the Python reference renders the page.
//!
//! Everything Python decides by its own patterns is asked of Python, once per distinct
//! question: `_class_names` per (class, id, role), `_element_hints` for a non-ASCII style,
//! `_names_weight` per (class, id), the comment and overlay patterns per name. `round(x, 3)`
//! is `rounding::round3`, exactly Python's.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::OnceLock;

use pyo3::exceptions::PyRuntimeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList, PyString, PyTuple, PyType};

use crate::rounding::round3;
use crate::tables::Tables;
use crate::text::runs_to_space;

// ---------------------------------------------------------------------------------------
// The tree, as libxml2 and lxml lay it out.

const ELEMENT_NODE: c_int = 1;
const ATTRIBUTE_NODE: c_int = 2;
const TEXT_NODE: c_int = 3;
const CDATA_NODE: c_int = 4;
const ENTITY_REF_NODE: c_int = 5;
const PI_NODE: c_int = 7;
const COMMENT_NODE: c_int = 8;
const XINCLUDE_START: c_int = 19;
const XINCLUDE_END: c_int = 20;

/// libxml2's `struct _xmlNode` (libxml/tree.h), the fields read here and those before them.
#[repr(C)]
struct XmlNode {
    _private: *mut c_void,
    kind: c_int,
    name: *const c_char,
    children: *mut XmlNode,
    last: *mut XmlNode,
    parent: *mut XmlNode,
    next: *mut XmlNode,
    prev: *mut XmlNode,
    doc: *mut c_void,
    ns: *mut c_void,
    content: *const c_char,
    properties: *mut XmlAttr,
}

/// libxml2's `struct _xmlAttr`, the fields read here and those before them.
#[repr(C)]
struct XmlAttr {
    _private: *mut c_void,
    kind: c_int,
    name: *const c_char,
    children: *mut XmlNode,
    last: *mut XmlNode,
    parent: *mut XmlNode,
    next: *mut XmlAttr,
    prev: *mut XmlAttr,
    doc: *mut c_void,
    ns: *mut c_void,
}

/// lxml's `struct LxmlElement` (lxml/etree.h): the Python object of an element.
#[repr(C)]
struct LxmlElement {
    ob_base: pyo3::ffi::PyObject,
    doc: *mut c_void,
    c_node: *mut XmlNode,
}

type Node = *mut XmlNode;

/// The tree holds something the core does not read as lxml would: the reference renders.
struct Unsupported;

type Read<T> = Result<T, Unsupported>;

/// A node's C string as UTF-8 (lxml decodes it strictly; the core leaves other bytes to it).
///
/// SAFETY (of every reader below): the nodes belong to a document an lxml element of the
/// caller keeps alive for the whole call, and the GIL is held, so no other thread changes it.
fn c_str<'a>(text: *const c_char) -> Read<&'a str> {
    if text.is_null() {
        return Ok("");
    }
    unsafe { CStr::from_ptr(text) }.to_str().map_err(|_| Unsupported)
}

fn kind(node: Node) -> c_int {
    unsafe { (*node).kind }
}

/// lxml's `_isElement`: the nodes iteration over children yields.
fn is_elementish(node: Node) -> bool {
    matches!(kind(node), ELEMENT_NODE | COMMENT_NODE | ENTITY_REF_NODE | PI_NODE)
}

fn next_elementish(mut node: Node) -> Node {
    while !node.is_null() && !is_elementish(node) {
        node = unsafe { (*node).next };
    }
    node
}

fn first_child(node: Node) -> Node {
    next_elementish(unsafe { (*node).children })
}

fn next_sibling(node: Node) -> Node {
    next_elementish(unsafe { (*node).next })
}

/// `len(element)`: zero or not.
fn has_children(node: Node) -> bool {
    !first_child(node).is_null()
}

/// `element.getparent()`: the parent if it is an element-like node, else None (null).
fn parent(node: Node) -> Node {
    let parent = unsafe { (*node).parent };
    if !parent.is_null() && is_elementish(parent) { parent } else { std::ptr::null_mut() }
}

/// `element.tag` of an element node (None for the others: comments, entities, PIs).
fn tag<'a>(node: Node) -> Read<Option<&'a str>> {
    if kind(node) != ELEMENT_NODE {
        if kind(node) == ENTITY_REF_NODE {
            return Err(Unsupported); // (XPath's string() would read the entity's content)
        }
        return Ok(None);
    }
    if !unsafe { (*node).ns }.is_null() {
        return Err(Unsupported); // lxml would name it "{namespace}tag"
    }
    c_str(unsafe { (*node).name }).map(Some)
}

/// lxml's `_textNodeOrSkip`.
fn text_node_or_skip(mut node: Node) -> Node {
    while !node.is_null() {
        match kind(node) {
            TEXT_NODE | CDATA_NODE => return node,
            XINCLUDE_START | XINCLUDE_END => node = unsafe { (*node).next },
            _ => return std::ptr::null_mut(),
        }
    }
    node
}

/// lxml's `_collectText` from ``node``: the run of text nodes starting there, None if none.
fn collect_text<'a>(node: Node) -> Read<Option<Cow<'a, str>>> {
    let first = text_node_or_skip(node);
    if first.is_null() {
        return Ok(None);
    }
    let single: &str = c_str(unsafe { (*first).content })?;
    let mut joined: Option<String> = None;
    let mut node = text_node_or_skip(unsafe { (*first).next });
    while !node.is_null() {
        let piece = c_str(unsafe { (*node).content })?;
        joined.get_or_insert_with(|| single.to_owned()).push_str(piece);
        node = text_node_or_skip(unsafe { (*node).next });
    }
    Ok(Some(match joined {
        Some(text) => Cow::Owned(text),
        None => Cow::Borrowed(single),
    }))
}

fn text<'a>(node: Node) -> Read<Option<Cow<'a, str>>> {
    collect_text(unsafe { (*node).children })
}

fn tail<'a>(node: Node) -> Read<Option<Cow<'a, str>>> {
    collect_text(unsafe { (*node).next })
}

/// An attribute's value as `xmlGetNsProp` gives it (the empty string without children).
fn attribute_value<'a>(attribute: *mut XmlAttr) -> Read<&'a str> {
    let child = unsafe { (*attribute).children };
    if child.is_null() {
        return Ok("");
    }
    if unsafe { (*child).next }.is_null() && matches!(kind(child), TEXT_NODE | CDATA_NODE) {
        return c_str(unsafe { (*child).content });
    }
    Err(Unsupported)
}

/// `element.items()`: each attribute's name with the value of the first attribute of that
/// name (what `xmlGetNsProp` finds).
fn items<'a>(node: Node) -> Read<Vec<(&'a str, &'a str)>> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    let mut attribute = unsafe { (*node).properties };
    while !attribute.is_null() {
        if unsafe { (*attribute).kind } == ATTRIBUTE_NODE {
            if !unsafe { (*attribute).ns }.is_null() {
                return Err(Unsupported);
            }
            let name = c_str(unsafe { (*attribute).name })?;
            let value = match out.iter().find(|(known, _)| *known == name) {
                Some(&(_, value)) => value,
                None => attribute_value(attribute)?,
            };
            out.push((name, value));
        }
        attribute = unsafe { (*attribute).next };
    }
    Ok(out)
}

/// Whether the C string at ``text`` is ``name`` (compared byte by byte: no strlen, no UTF-8
/// check of names that differ).
fn c_str_is(text: *const c_char, name: &str) -> bool {
    if text.is_null() {
        return false;
    }
    let bytes = name.as_bytes();
    for (i, &byte) in bytes.iter().enumerate() {
        // SAFETY: every byte read is at most the terminator (a shorter string stops here).
        if unsafe { *text.add(i) } as u8 != byte {
            return false;
        }
    }
    unsafe { *text.add(bytes.len()) == 0 }
}

/// `element.get(name)`.
fn get<'a>(node: Node, name: &str) -> Read<Option<&'a str>> {
    let mut attribute = unsafe { (*node).properties };
    while !attribute.is_null() {
        if unsafe { (*attribute).kind } == ATTRIBUTE_NODE && unsafe { (*attribute).ns }.is_null()
            && c_str_is(unsafe { (*attribute).name }, name) {
            return attribute_value(attribute).map(Some);
        }
        attribute = unsafe { (*attribute).next };
    }
    Ok(None)
}

/// XPath's `string()` of an element: its descendant text, in document order.
fn string_value(node: Node, out: &mut String) -> Read<()> {
    let mut child = unsafe { (*node).children };
    while !child.is_null() {
        match kind(child) {
            TEXT_NODE | CDATA_NODE => out.push_str(c_str(unsafe { (*child).content })?),
            ELEMENT_NODE => string_value(child, out)?,
            ENTITY_REF_NODE => return Err(Unsupported),
            _ => {}
        }
        child = unsafe { (*child).next };
    }
    Ok(())
}

/// The elements under ``root`` (itself included) in document order, as `root.iter()` yields
/// them (element-like nodes: comments, PIs and entity references too).
fn preorder(root: Node) -> Vec<Node> {
    let mut out = vec![root];
    let mut stack = vec![first_child(root)];
    while let Some(node) = stack.pop() {
        if node.is_null() {
            continue;
        }
        out.push(node);
        stack.push(next_sibling(node));
        stack.push(first_child(node));
    }
    out
}

// ---------------------------------------------------------------------------------------
// lxml's side: the element type and elementFactory.

/// lxml's `elementFactory(document, node)`: the element's Python object (a new reference).
type ElementFactory = unsafe extern "C" fn(*mut c_void, Node) -> *mut pyo3::ffi::PyObject;

struct Lxml {
    element_type: Py<PyType>,
    element_factory: ElementFactory,
}

static LXML: OnceLock<Lxml> = OnceLock::new();

fn lxml(py: Python<'_>) -> PyResult<&'static Lxml> {
    if let Some(lxml) = LXML.get() {
        return Ok(lxml);
    }
    let etree = py.import("lxml.etree")?;
    let element_type = etree.getattr("_Element")?.downcast_into::<PyType>()?.unbind();
    let capsules = etree.getattr("__pyx_capi__")?;
    let capsule = capsules.get_item("elementFactory")?;
    let capsule = capsule.downcast::<PyCapsule>()?;
    // The capsule's name is the C signature Cython checks; it is read from the capsule.
    let name = unsafe { pyo3::ffi::PyCapsule_GetName(capsule.as_ptr()) };
    let pointer = unsafe { pyo3::ffi::PyCapsule_GetPointer(capsule.as_ptr(), name) };
    if pointer.is_null() {
        return Err(PyErr::fetch(py));
    }
    let signature = unsafe { CStr::from_ptr(name) }.to_string_lossy();
    if signature != "struct LxmlElement *(struct LxmlDocument *, xmlNode *)" {
        return Err(PyRuntimeError::new_err(format!(
            "lxml's elementFactory has an unexpected signature: {signature}")));
    }
    // SAFETY: the capsule holds that function, as its signature says.
    let element_factory = unsafe { std::mem::transmute::<*mut c_void, ElementFactory>(pointer) };
    let _ = LXML.set(Lxml { element_type, element_factory });
    Ok(LXML.get().expect("just set"))
}

/// The libxml2 node of an lxml element, and its document.
fn node_of(py: Python<'_>, element: &Bound<'_, PyAny>) -> PyResult<(Node, *mut c_void)> {
    if !element.is_instance(lxml(py)?.element_type.bind(py))? {
        return Err(pyo3::exceptions::PyTypeError::new_err("expected an lxml element"));
    }
    let raw = element.as_ptr() as *const LxmlElement;
    // SAFETY: an instance of lxml's _Element has this layout (lxml/etree.h).
    let (node, doc) = unsafe { ((*raw).c_node, (*raw).doc) };
    if node.is_null() {
        return Err(pyo3::exceptions::PyValueError::new_err("an lxml element without a node"));
    }
    Ok((node, doc))
}

fn element_object<'py>(py: Python<'py>, doc: *mut c_void, node: Node) -> PyResult<Bound<'py, PyAny>> {
    let raw = unsafe { (lxml(py)?.element_factory)(doc, node) };
    // SAFETY: elementFactory returns a new reference, or NULL with an exception set.
    unsafe { Bound::from_owned_ptr_or_err(py, raw) }
}

// ---------------------------------------------------------------------------------------
// White space as Python sees it.

/// White space to `str.isspace` (`re`'s `\s`, the tables' `re_space`): the ASCII members
/// (\t \n \v \f \r, the separators \x1c-\x1f, space) without a table lookup.
#[inline]
fn py_space(c: char, tables: &Tables) -> bool {
    if c.is_ascii() {
        matches!(c, '\t'..='\r' | '\x1c'..='\x1f' | ' ')
    } else {
        tables.re_space.has(c)
    }
}

/// str.isspace() of a non-empty text.
fn is_space(text: &str, tables: &Tables) -> bool {
    !text.is_empty() && text.chars().all(|c| py_space(c, tables))
}

/// len(text.strip()).
fn stripped_chars(text: &str, tables: &Tables) -> usize {
    text.trim_matches(|c| py_space(c, tables)).chars().count()
}

/// `_collapse_space`: each run of white space one space, none at either end.
fn collapse_space(text: &str, tables: &Tables) -> String {
    if text.contains(['\x1c', '\x1d', '\x1e', '\x1f']) {
        // regex's \s runs become one space, then str.strip().
        return runs_to_space(text, |c| tables.rx_space.has(c))
            .trim_matches(|c| py_space(c, tables)).to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c| py_space(c, tables)).filter(|word| !word.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Python's `str.expandtabs(4)`.
fn expand_tabs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut column = 0usize;
    for c in text.chars() {
        match c {
            '\t' => {
                let spaces = 4 - column % 4;
                out.extend(std::iter::repeat_n(' ', spaces));
                column += spaces;
            }
            '\n' | '\r' => {
                out.push(c);
                column = 0;
            }
            _ => {
                out.push(c);
                column += 1;
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The render walk (`cleanse.reading.html._walk`, `_Open`, `_Renderer`, `_settle_containers`).

// The tag sets of cleanse/reading/html.py (BLOCKS, PARAGRAPHS) and main_content.py
// (INVISIBLE) are the matches of `is_block`, `walk_tree` and `is_invisible`.
const BOILERPLATE_TAGS: [&str; 5] = ["nav", "footer", "aside", "form", "dialog"];
const SEMANTIC_FURNITURE: [&str; 3] = ["nav", "footer", "aside"];
/// `html.WRAPPER_TESTED_FURNITURE`: furniture however much prose, unless a wrapper.
const WRAPPER_TESTED_FURNITURE: [&str; 2] = ["dialog", "reviews"];
/// `html.LAYOUT_TESTED_FURNITURE`: a page builder's name for every block of a page.
const LAYOUT_TESTED_FURNITURE: [&str; 1] = ["widget"];
const SIGNATURE_LEVELS: usize = 4;
const MAX_BOILERPLATE_SHARE: f64 = 0.5;
const MAX_PROSE_SHARE: f64 = 0.5;
const MAX_DIALOG_SHARE: f64 = 0.8;
const PARAGRAPH_CHARS: usize = 80;

/// `tag in BLOCKS` (a match: the compiler tests the length first, not 38 strings in turn).
fn is_block(tag: &str) -> bool {
    matches!(tag, "address" | "article" | "aside" | "blockquote" | "dd" | "details" | "dialog"
        | "div" | "dl" | "dt" | "fieldset" | "figcaption" | "figure" | "footer" | "form" | "h1"
        | "h2" | "h3" | "h4" | "h5" | "h6" | "header" | "hr" | "li" | "main" | "nav" | "ol" | "p"
        | "pre" | "section" | "table" | "tr" | "ul" | "caption" | "summary" | "br" | "center"
        | "menu")
}

fn is_block_hint(tag: &str) -> bool {
    is_block(tag) || tag == "td" || tag == "th"
}

fn is_paragraph(tag: &str) -> bool {
    matches!(tag, "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "pre" | "table"
        | "ul" | "ol" | "figure" | "section" | "article")
}

fn is_invisible(tag: &str) -> bool {
    matches!(tag, "script" | "style" | "template" | "svg" | "iframe" | "title" | "select"
        | "option" | "button" | "input" | "textarea" | "canvas" | "object" | "embed" | "map"
        | "math")
}

/// `_swallowed_page`: an unclosed <button> holding the rest of the page (a <div> below it).
fn swallowed_page(node: Node, name: &str) -> Read<bool> {
    if name != "button" {
        return Ok(false);
    }
    for descendant in preorder(node).into_iter().skip(1) {
        if tag(descendant)? == Some("div") {
            return Ok(true);
        }
    }
    Ok(false)
}


/// A furniture container on a line's path: (its marker, the next one out). Its index among
/// the containers is its identity, as its key is the reference's.
struct Container {
    marker: usize,
    outer: Option<usize>,
}

/// `_Open`: what an open element hands down.
struct State<'a> {
    parent: usize,
    node: Node,
    tag: &'a str,
    key: u64,
    link: bool,
    pre_inside: bool,
    main: bool,
    depth: u64,
    title_depth: u64,
    resolved: bool,
    containers: Option<usize>,
    furniture_depth: u64,
    block_tag: &'a str,
    content: bool,
    quote: bool,
    hidden: bool,
    pre: Option<u64>,
    content_classes: i64,
    signature: Vec<usize>,
    context: Option<usize>,
}

const OUTSIDE: usize = 0;

/// What an element says by its tag and attributes: (its furniture marker's id, hidden,
/// content-named, its signature step's id).
type Known = (Option<usize>, bool, i64, usize);

/// A state's line hints, built once (`_Open.context` less the containers and link density).
struct Context<'py> {
    tag: Bound<'py, PyString>,
    in_content: bool,
    quote: bool,
    depth: u64,
    furniture_depth: u64,
    content_classes: i64,
    signature: Bound<'py, PyString>,
    main: bool,
    hidden: bool,
    block: Option<u64>,
    title_affinity: Option<Bound<'py, PyAny>>,
    holds_title: bool,
    containers: Option<usize>,
    /// The hints every line of this state starts from (`context_hints`).
    hints: Bound<'py, PyDict>,
}

struct Line<'py> {
    text: String,
    /// None: a blank paragraph break (hints `{}`); Some(None): the final flush's line
    /// (hints hold only the link density).
    context: Option<Option<usize>>,
    link_density: Option<Bound<'py, PyAny>>,
}

struct Walk<'a, 'py> {
    py: Python<'py>,
    tables: &'a Tables,
    element_hints: &'a Bound<'py, PyAny>,
    class_names_function: &'a Bound<'py, PyAny>,
    /// `_class_names`' answers on this page.
    class_names: HashMap<(String, String, String), (String, i64)>,
    states: Vec<State<'a>>,
    containers: Vec<Container>,
    markers: Vec<String>,
    marker_ids: HashMap<String, usize>,
    steps: Vec<String>,
    step_ids: HashMap<String, usize>,
    /// `_Renderer.seen`: (tag, attributes) -> (marker id or none, hidden, content, step id).
    seen: HashMap<Vec<u8>, Known>,
    contexts: Vec<Context<'py>>,
    title_depth: u64,
    parts: String,
    link_chars: usize,
    lines: Vec<Line<'py>>,
}

impl<'a, 'py> Walk<'a, 'py> {
    fn open(&mut self, parent: usize, node: Node, tag: &'a str, key: u64, is_main: bool,
            on_title_path: bool) -> usize {
        let p = &self.states[parent];
        let depth = p.depth + 1;
        let state = State {
            parent, node, tag, key,
            link: p.link || tag == "a",
            pre_inside: p.pre_inside || tag == "pre",
            main: p.main || is_main,
            depth,
            title_depth: if on_title_path { depth } else { p.title_depth },
            resolved: false, containers: None, furniture_depth: 0, block_tag: "",
            content: false, quote: false, hidden: false, pre: None, content_classes: 0,
            signature: Vec::new(), context: None,
        };
        self.states.push(state);
        self.states.len() - 1
    }

    fn intern(names: &mut Vec<String>, ids: &mut HashMap<String, usize>, name: String) -> usize {
        if let Some(&id) = ids.get(&name) {
            return id;
        }
        names.push(name.clone());
        ids.insert(name, names.len() - 1);
        names.len() - 1
    }

    fn element_hints(&mut self, tag: &str, node: Node) -> PyResult<Read<Known>> {
        let attributes = match items(node) {
            Ok(attributes) => attributes,
            Err(unsupported) => return Ok(Err(unsupported)),
        };
        // Each piece after its length: no two lists of attributes share a key.
        let mut key = Vec::with_capacity(tag.len() + 64);
        for piece in std::iter::once(tag).chain(attributes.iter().flat_map(|&(n, v)| [n, v])) {
            key.extend_from_slice(&(piece.len() as u64).to_le_bytes());
            key.extend_from_slice(piece.as_bytes());
        }
        if let Some(&known) = self.seen.get(&key) {
            return Ok(Ok(known));
        }
        let (marker, hidden, content, step) = match self.hints_of(tag, &attributes)? {
            Some(known) => known,
            None => {
                // A style the core does not lowercase as Python does: the reference's own.
                let py = self.py;
                let pairs: Vec<Bound<'py, PyTuple>> = attributes.iter()
                    .map(|&(name, value)| PyTuple::new(py, [name, value]))
                    .collect::<PyResult<_>>()?;
                let answer = self.element_hints.call1((tag, PyTuple::new(py, pairs)?))?;
                answer.extract::<(String, bool, i64, String)>()?
            }
        };
        let marker = if marker.is_empty() {
            None
        } else {
            Some(Self::intern(&mut self.markers, &mut self.marker_ids, marker))
        };
        let step = Self::intern(&mut self.steps, &mut self.step_ids, step);
        let known = (marker, hidden, content, step);
        self.seen.insert(key, known);
        Ok(Ok(known))
    }

    /// `_element_hints(tag, attributes)`, asking Python's `_class_names` (once per distinct
    /// class, id and role); None for a non-ASCII style, which Python lowercases.
    fn hints_of(&mut self, tag: &str, attributes: &[(&str, &str)])
                -> PyResult<Option<(String, bool, i64, String)>> {
        let named = |name: &str| attributes.iter().find(|(n, _)| *n == name).map(|&(_, v)| v);
        let css_class = named("class").unwrap_or("");
        let (element_id, role) = (named("id").unwrap_or(""), named("role").unwrap_or(""));
        let style = named("style").unwrap_or("");
        if !style.is_ascii() {
            return Ok(None);
        }
        let (mut furniture, content) = if css_class.is_empty() && element_id.is_empty()
            && role.is_empty() {
            (String::new(), 0)
        } else {
            let key = (css_class.to_owned(), element_id.to_owned(), role.to_owned());
            match self.class_names.get(&key) {
                Some(known) => known.clone(),
                None => {
                    let answer: (String, i64) = self.class_names_function
                        .call1((css_class, element_id, role))?.extract()?;
                    self.class_names.insert(key, answer.clone());
                    answer
                }
            }
        };
        if named("aria-modal") == Some("true") {
            furniture = "dialog".to_owned();
        }
        let squeezed: String = style.chars().filter(|&c| c != ' ')
            .map(|c| c.to_ascii_lowercase()).collect();
        let hidden = tag == "noscript" || named("hidden").is_some()
            || named("aria-hidden") == Some("true")
            || squeezed.contains("display:none") || squeezed.contains("visibility:hidden");
        let marker = if BOILERPLATE_TAGS.contains(&tag) {
            tag.to_owned()
        } else if tag == "html" || tag == "body" {
            String::new()
        } else {
            furniture
        };
        let first_class = css_class.split(' ').next().unwrap_or("");
        Ok(Some((marker, hidden, content, format!("{tag}.{first_class}"))))
    }

    /// `_Open._resolve`: this state and its unresolved ancestors, outermost first.
    fn resolve(&mut self, index: usize) -> PyResult<Read<()>> {
        let mut chain = Vec::new();
        let mut state = index;
        while !self.states[state].resolved {
            chain.push(state);
            state = self.states[state].parent;
        }
        for &state in chain.iter().rev() {
            let (parent, node, tag, key) = {
                let s = &self.states[state];
                (s.parent, s.node, s.tag, s.key)
            };
            let (marker, hidden, content_named, step) = match self.element_hints(tag, node)? {
                Ok(known) => known,
                Err(unsupported) => return Ok(Err(unsupported)),
            };
            let p = &self.states[parent];
            let mut containers = p.containers;
            let mut furniture_depth = p.furniture_depth;
            if let Some(marker) = marker {
                self.containers.push(Container { marker, outer: containers });
                containers = Some(self.containers.len() - 1);
                furniture_depth += 1;
            }
            let block_tag = if is_block_hint(tag) { tag } else { p.block_tag };
            // `COMMENT_MARKERS` (`passes/related_lists.rs`: `COMMENT_CONTAINERS`): an <article>
            // that names itself a comment is no content outside the main-content pick.
            let content = p.content || ((tag == "article" || tag == "main")
                && (self.states[state].main
                    || !marker.is_some_and(|m| matches!(self.markers[m].as_str(),
                                                        "comment" | "comments"))));
            let quote = p.quote || tag == "blockquote";
            let hidden = p.hidden || hidden;
            let pre = p.pre.or(if tag == "pre" { Some(key) } else { None });
            let content_classes = p.content_classes + content_named;
            let keep = p.signature.len().min(SIGNATURE_LEVELS - 1);
            let mut signature = p.signature[p.signature.len() - keep..].to_vec();
            signature.push(step);
            let s = &mut self.states[state];
            s.containers = containers;
            s.furniture_depth = furniture_depth;
            s.block_tag = block_tag;
            s.content = content;
            s.quote = quote;
            s.hidden = hidden;
            s.pre = pre;
            s.content_classes = content_classes;
            s.signature = signature;
            s.resolved = true;
        }
        Ok(Ok(()))
    }

    /// `_Open.context`: the index of the state's hints.
    fn context(&mut self, index: usize) -> PyResult<Read<usize>> {
        if let Some(context) = self.states[index].context {
            return Ok(Ok(context));
        }
        if let Err(unsupported) = self.resolve(index)? {
            return Ok(Err(unsupported));
        }
        let py = self.py;
        let s = &self.states[index];
        let signature: Vec<&str> = s.signature.iter().map(|&step| self.steps[step].as_str()).collect();
        let (title_affinity, holds_title) = if self.title_depth > 0 {
            let rounded = round3(s.title_depth as f64 / self.title_depth as f64);
            (Some(pyo3::types::PyFloat::new(py, rounded).into_any()), rounded == 1.0)
        } else {
            (None, false)
        };
        let mut context = Context {
            tag: PyString::new(py, s.block_tag),
            in_content: s.content,
            quote: s.quote,
            depth: s.depth,
            furniture_depth: s.furniture_depth,
            content_classes: s.content_classes,
            signature: PyString::new(py, &signature.join("/")),
            main: s.main,
            hidden: s.hidden,
            block: s.pre,
            title_affinity,
            holds_title,
            containers: s.containers,
            hints: PyDict::new(py),
        };
        context.hints = context_hints(py, &context)?;
        self.contexts.push(context);
        let id = self.contexts.len() - 1;
        self.states[index].context = Some(id);
        Ok(Ok(id))
    }

    fn add(&mut self, text: &str, linked: bool) {
        self.parts.push_str(text);
        if linked {
            self.link_chars += stripped_chars(text, self.tables);
        }
    }

    /// `round(link_chars / total, 3)`.
    fn density(&self, link_chars: usize, total: usize) -> Bound<'py, PyAny> {
        pyo3::types::PyFloat::new(self.py, round3(link_chars as f64 / total as f64)).into_any()
    }

    /// `_Renderer.flush`; ``innermost`` None is the final flush (no hints but the density).
    fn flush(&mut self, innermost: Option<usize>, paragraph_end: bool) -> PyResult<Read<()>> {
        if !self.parts.is_empty() {
            let joined = std::mem::take(&mut self.parts);
            let link_chars = std::mem::replace(&mut self.link_chars, 0);
            if !is_space(&joined, self.tables) {
                let context = match innermost {
                    None => None,
                    Some(state) => match self.context(state)? {
                        Ok(context) => Some(context),
                        Err(unsupported) => return Ok(Err(unsupported)),
                    },
                };
                self.emit(&joined, link_chars, context)?;
            }
            self.parts = joined;
            self.parts.clear();
        }
        if paragraph_end && self.lines.last().is_some_and(|line| !line.text.is_empty()) {
            self.lines.push(Line { text: String::new(), context: None, link_density: None });
        }
        Ok(Ok(()))
    }

    fn emit(&mut self, joined: &str, link_chars: usize, context: Option<usize>) -> PyResult<()> {
        if let Some(id) = context.filter(|&id| self.contexts[id].block.is_some()) {
            let expanded = expand_tabs(joined);
            let texts: Vec<&str> = expanded.split('\n')
                .map(|line| line.trim_end_matches(|c| py_space(c, self.tables)))
                .filter(|line| stripped_chars(line, self.tables) > 0)
                .collect();
            let total: usize = texts.iter().map(|text| stripped_chars(text, self.tables)).sum();
            for text in texts {
                let density = self.density(link_chars, total);
                self.lines.push(Line { text: text.to_owned(), context: Some(Some(id)),
                                       link_density: Some(density) });
            }
        } else {
            let text = collapse_space(joined, self.tables);
            if !text.is_empty() {
                let density = self.density(link_chars, text.chars().count());
                self.lines.push(Line { text, context: Some(context), link_density: Some(density) });
            }
        }
        Ok(())
    }
}

/// The core's answers about a tag: (in `html.BLOCKS`, in `html.PARAGRAPHS`, in
/// `main_content.INVISIBLE`, in `html.BOILERPLATE_TAGS`, in `html.SEMANTIC_FURNITURE`, in
/// `main_content.TEXT_HOLDERS`, in `main_content.BLOCK_CHILDREN`): how the tests hold the
/// core's tag sets to the modules'.
#[pyfunction]
pub(crate) fn tag_classes(tag: &str) -> (bool, bool, bool, bool, bool, bool, bool) {
    (is_block(tag), is_paragraph(tag), is_invisible(tag), BOILERPLATE_TAGS.contains(&tag),
     SEMANTIC_FURNITURE.contains(&tag), TEXT_HOLDERS.contains(&tag),
     BLOCK_CHILDREN.contains(&tag))
}

/// `round3` of each value: how the tests hold it to Python's `round(x, 3)`.
#[pyfunction]
pub(crate) fn round3_each(values: Vec<f64>) -> PyResult<Vec<f64>> {
    if values.iter().any(|x| !x.is_finite() || *x < 0.0) {
        return Err(pyo3::exceptions::PyValueError::new_err("finite values >= 0 only"));
    }
    Ok(values.into_iter().map(round3).collect())
}

/// `_walk` from ``root``, then `_settle_containers`: (the rendered text, each line's hints),
/// or None when the tree holds what the core does not read.
#[pyfunction]
pub(crate) fn render_walk<'py>(py: Python<'py>, root: &Bound<'py, PyAny>,
                               main_parts: Vec<Bound<'py, PyAny>>,
                               title_path: Vec<Bound<'py, PyAny>>, title_depth: u64,
                               element_hints: &Bound<'py, PyAny>,
                               class_names: &Bound<'py, PyAny>)
                               -> PyResult<Option<(String, Bound<'py, PyList>)>> {
    let tables = &crate::python::core(py)?.tables;
    let (root, _) = node_of(py, root)?;
    let mains = main_parts.iter().map(|e| node_of(py, e).map(|(n, _)| n))
        .collect::<PyResult<Vec<_>>>()?;
    let titles = title_path.iter().map(|e| node_of(py, e).map(|(n, _)| n))
        .collect::<PyResult<Vec<_>>>()?;
    let outside = State {
        parent: OUTSIDE, node: std::ptr::null_mut(), tag: "", key: 0, link: false,
        pre_inside: false, main: false, depth: 0, title_depth: 0, resolved: true,
        containers: None, furniture_depth: 0, block_tag: "", content: false, quote: false,
        hidden: false, pre: None, content_classes: 0, signature: Vec::new(), context: None,
    };
    let mut walk = Walk {
        py, tables, element_hints, class_names_function: class_names,
        class_names: HashMap::new(), states: vec![outside], containers: Vec::new(),
        markers: Vec::new(), marker_ids: HashMap::new(), steps: Vec::new(),
        step_ids: HashMap::new(), seen: HashMap::new(), contexts: Vec::new(), title_depth,
        parts: String::new(), link_chars: 0, lines: Vec::new(),
    };
    match walk_tree(&mut walk, root, &mains, &titles)? {
        Ok(()) => {}
        Err(Unsupported) => return Ok(None),
    }
    if let Err(Unsupported) = walk.flush(None, true)? {
        return Ok(None);
    }
    let boilerplate = settle(&walk);
    let mut text = String::new();
    let list = PyList::empty(py);
    for (index, line) in walk.lines.iter().enumerate() {
        if index > 0 {
            text.push('\n');
        }
        text.push_str(&line.text);
        list.append(hints_dict(py, &walk, line, boilerplate[index])?)?;
    }
    Ok(Some((text, list)))
}

fn walk_tree<'a, 'py>(walk: &mut Walk<'a, 'py>, root: Node, mains: &[Node], titles: &[Node])
                      -> PyResult<Read<()>> {
    macro_rules! read {
        ($e:expr) => {
            match $e {
                Ok(value) => value,
                Err(Unsupported) => return Ok(Err(Unsupported)),
            }
        };
    }
    let mut opened: u64 = 0;
    // (element, its state, its next child); the outside's one child is the root.
    let mut frames: Vec<(Node, usize, Node)> = Vec::new();
    let mut element: Node = std::ptr::null_mut();
    let mut state = OUTSIDE;
    let mut next: Node = root;
    let mut root_pending = true;
    loop {
        // The next child of ``element`` (for the outside: the root, once).
        let child = if element.is_null() {
            if root_pending { root_pending = false; root } else { std::ptr::null_mut() }
        } else {
            next
        };
        if !child.is_null() {
            if !element.is_null() {
                next = next_sibling(child);
            }
            let tag = read!(tag(child));
            let visible = match tag {
                None => None,
                Some(tag) if is_invisible(tag) && !read!(swallowed_page(child, tag)) => None,
                Some(tag) => Some(tag),
            };
            let Some(tag) = visible else {
                if let Some(tail) = read!(tail(child)).filter(|tail| !tail.is_empty()) {
                    let link = walk.states[state].link;
                    walk.add(&tail, link);
                }
                continue;
            };
            opened += 1;
            if !is_block(tag) && !has_children(child) {
                let link = walk.states[state].link;
                if let Some(text) = read!(text(child)).filter(|text| !text.is_empty()) {
                    walk.add(&text, link || tag == "a");
                }
                if tag == "td" || tag == "th" {
                    walk.parts.push(' ');
                }
                if !element.is_null() {
                    if let Some(tail) = read!(tail(child)).filter(|tail| !tail.is_empty()) {
                        walk.add(&tail, link);
                    }
                }
                continue;
            }
            let is_main = !walk.states[state].main && mains.contains(&child);
            let inner = walk.open(state, child, tag, opened, is_main, titles.contains(&child));
            if !walk.parts.is_empty() && is_block(tag) {
                read!(walk.flush(Some(state), false)?);
            }
            if let Some(text) = read!(text(child)).filter(|text| !text.is_empty()) {
                if !walk.parts.is_empty() || walk.states[inner].pre_inside
                    || !is_space(&text, walk.tables) {
                    let link = walk.states[inner].link;
                    walk.add(&text, link);
                }
            }
            frames.push((element, state, next));
            element = child;
            state = inner;
            next = first_child(child);
            continue;
        }
        // The children of ``element`` are done: it closes.
        if element.is_null() {
            break;
        }
        let tag = walk.states[state].tag;
        if is_block(tag) {
            let paragraph = is_paragraph(tag);
            if !walk.parts.is_empty() || paragraph {
                read!(walk.flush(Some(state), paragraph)?);
            }
        } else if tag == "td" || tag == "th" {
            walk.parts.push(' ');
        }
        let closed = element;
        let (outer, outer_state, outer_next) = frames.pop().expect("an open element");
        element = outer;
        state = outer_state;
        next = outer_next;
        if !element.is_null() {
            if let Some(tail) = read!(tail(closed)).filter(|tail| !tail.is_empty()) {
                if !walk.parts.is_empty() || walk.states[state].pre_inside
                    || !is_space(&tail, walk.tables) {
                    let link = walk.states[state].link;
                    walk.add(&tail, link);
                }
            }
        }
    }
    Ok(Ok(()))
}

/// `_settle_containers`: per line, the marker of the outermost furniture container that
/// counts (see the reference), if any.
fn settle(walk: &Walk<'_, '_>) -> Vec<Option<usize>> {
    // Containers on each line's path, outermost first.
    let paths: Vec<Vec<usize>> = walk.lines.iter().map(|line| {
        let mut path = Vec::new();
        if let Some(Some(context)) = line.context {
            let mut container = walk.contexts[context].containers;
            while let Some(index) = container {
                path.push(index);
                container = walk.containers[index].outer;
            }
        }
        path.reverse();
        path
    }).collect();
    let count = walk.containers.len();
    let (mut chars, mut prose, mut content_inside) = (vec![0usize; count], vec![0usize; count],
                                                       vec![0usize; count]);
    let mut holding_title = vec![false; count];
    let mut content_lines = 0usize;
    let mut page_chars = 0usize;
    let mut prose_chars = 0usize;
    // Per layout-tested marker, the text of the lines inside any container so named.
    let layout_tested: Vec<bool> = walk.markers.iter()
        .map(|marker| LAYOUT_TESTED_FURNITURE.contains(&marker.as_str())).collect();
    let (mut marker_chars, mut marker_prose) = (vec![0usize; walk.markers.len()],
                                                vec![0usize; walk.markers.len()]);
    let mut line_markers: Vec<usize> = Vec::new();
    for (line, path) in walk.lines.iter().zip(&paths) {
        let length = line.text.chars().count();
        page_chars += length;
        if length >= PARAGRAPH_CHARS {
            prose_chars += length;
        }
        let context = match line.context {
            Some(Some(context)) => Some(&walk.contexts[context]),
            _ => None,
        };
        let in_content = context.is_some_and(|c| c.in_content);
        content_lines += in_content as usize;
        if context.is_some_and(|c| c.holds_title) {
            for &index in path {
                holding_title[index] = true;
            }
        }
        for &index in path {
            chars[index] += length;
            if length >= PARAGRAPH_CHARS {
                prose[index] += length;
            }
            if in_content {
                content_inside[index] += 1;
            }
        }
        line_markers.clear();
        line_markers.extend(path.iter().map(|&index| walk.containers[index].marker)
                                .filter(|&marker| layout_tested[marker]));
        line_markers.sort_unstable();
        line_markers.dedup();
        for &marker in &line_markers {
            marker_chars[marker] += length;
            if length >= PARAGRAPH_CHARS {
                marker_prose[marker] += length;
            }
        }
    }
    let limit = MAX_BOILERPLATE_SHARE * page_chars as f64;
    let prose_limit = MAX_PROSE_SHARE * prose_chars as f64;
    let dialog_limit = MAX_DIALOG_SHARE * page_chars as f64;
    let layout: Vec<bool> = marker_chars.iter().zip(&marker_prose)
        .map(|(&held, &held_prose)| held as f64 > limit || held_prose as f64 > prose_limit)
        .collect();
    let counts = |index: usize| -> bool {
        if layout[walk.containers[index].marker] {
            return false;
        }
        let marker = walk.markers[walk.containers[index].marker].as_str();
        if WRAPPER_TESTED_FURNITURE.contains(&marker) {
            return !holding_title[index] && chars[index] as f64 <= dialog_limit;
        }
        if SEMANTIC_FURNITURE.contains(&marker) && content_inside[index] < content_lines {
            return true;
        }
        chars[index] as f64 <= limit && prose[index] as f64 <= prose_limit
    };
    paths.iter().map(|path| {
        path.iter().copied().find(|&index| counts(index)).map(|index| walk.containers[index].marker)
    }).collect()
}

fn hints_dict<'py>(py: Python<'py>, walk: &Walk<'_, 'py>, line: &Line<'py>,
                   boilerplate: Option<usize>) -> PyResult<Bound<'py, PyDict>> {
    let dict = match line.context {
        None => return Ok(PyDict::new(py)),  // a paragraph break
        Some(None) => PyDict::new(py),
        // The state's hints, copied (each line has a dict of its own, as in the reference).
        Some(Some(context)) => walk.contexts[context].hints.copy()?,
    };
    if let Some(density) = &line.link_density {
        dict.set_item(intern!(py, "link_density"), density)?;
    }
    if let Some(marker) = boilerplate {
        dict.set_item(intern!(py, "boilerplate"), &walk.markers[marker])?;
    }
    Ok(dict)
}

/// `_Open.context`'s dict without its containers (settled apart, then dropped).
fn context_hints<'py>(py: Python<'py>, c: &Context<'py>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item(intern!(py, "tag"), &c.tag)?;
    dict.set_item(intern!(py, "in_content"), c.in_content)?;
    dict.set_item(intern!(py, "quote"), c.quote)?;
    dict.set_item(intern!(py, "depth"), c.depth)?;
    dict.set_item(intern!(py, "furniture_depth"), c.furniture_depth)?;
    dict.set_item(intern!(py, "content_classes"), c.content_classes)?;
    dict.set_item(intern!(py, "signature"), &c.signature)?;
    if c.main {
        dict.set_item(intern!(py, "main_content"), true)?;
    }
    if c.hidden {
        dict.set_item(intern!(py, "hidden"), true)?;
    }
    if let Some(block) = c.block {
        dict.set_item(intern!(py, "block"), block)?;
    }
    if let Some(affinity) = &c.title_affinity {
        dict.set_item(intern!(py, "title_affinity"), affinity)?;
    }
    Ok(dict)
}

// ---------------------------------------------------------------------------------------
// The DOM main-content picker (`cleanse.reading.main_content.main_content`).

const TEXT_HOLDERS: [&str; 8] = ["p", "pre", "td", "div", "section", "article", "li",
    "blockquote"];
const BLOCK_CHILDREN: [&str; 25] = ["blockquote", "dl", "div", "img", "ol", "p", "pre", "table",
    "ul", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "form", "header", "footer",
    "nav", "aside", "li", "tr", "td"];
const CLAUSE_MARKS: [char; 6] = [',', '，', '、', ';', '；', '。'];
const SENTENCE_MARKS: [char; 6] = ['.', '。', '!', '！', '?', '？'];
const MIN_PARAGRAPH_CHARS: usize = 25;
const TOP_CANDIDATES: usize = 8;
const SIBLING_SHARE: f64 = 0.2;
const MIN_SIBLING_SCORE: f64 = 10.0;
const MIN_SIBLING_PARAGRAPH_CHARS: usize = 80;
const MAX_SIBLING_LINK_DENSITY: f64 = 0.25;
const LEVELS_UP: usize = 2;
const MAX_LINK_DENSITY: f64 = 0.3;
const MIN_KEPT_CHARS: usize = 500;
const MIN_KEPT_SHARE: f64 = 0.1;
const PARAGRAPH_ANCESTORS: usize = 8;

fn tag_weight(tag: &str) -> i64 {
    match tag {
        "div" => 5,
        "article" | "main" => 10,
        "section" | "pre" | "td" | "blockquote" => 3,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5,
        "nav" | "aside" | "footer" => -25,
        _ => 0,
    }
}

/// A map that remembers the order keys came in (as Python's dict does).
struct Ordered<V> {
    keys: Vec<Node>,
    values: HashMap<Node, V>,
}

impl<V: Copy> Ordered<V> {
    fn new() -> Self {
        Ordered { keys: Vec::new(), values: HashMap::new() }
    }

    fn get(&self, key: Node) -> Option<V> {
        self.values.get(&key).copied()
    }

    fn entry(&mut self, key: Node, default: impl FnOnce() -> V) -> &mut V {
        let keys = &mut self.keys;
        self.values.entry(key).or_insert_with(|| {
            keys.push(key);
            default()
        })
    }
}

struct Picker<'a, 'py> {
    py: Python<'py>,
    tables: &'a Tables,
    names_weight: &'a Bound<'py, PyAny>,
    comment: &'a Bound<'py, PyAny>,
    overlay: &'a Bound<'py, PyAny>,
    weights: HashMap<(Option<&'a str>, Option<&'a str>), i64>,
    /// Per pattern (comment, overlay), what its search said of a name.
    searched: [HashMap<String, bool>; 2],
    /// `_Within`'s memory, per test.
    within: [HashMap<Node, bool>; 2],
}

impl<'a, 'py> Picker<'a, 'py> {
    fn class_weight(&mut self, node: Node) -> PyResult<Read<i64>> {
        let key = match (get(node, "class"), get(node, "id")) {
            (Ok(class), Ok(id)) => (class, id),
            _ => return Ok(Err(Unsupported)),
        };
        if let Some(&weight) = self.weights.get(&key) {
            return Ok(Ok(weight));
        }
        let weight: i64 = self.names_weight.call1(key)?.extract()?;
        self.weights.insert(key, weight);
        Ok(Ok(weight))
    }

    /// ``pattern``'s search of "{class} {id}" (each '' when missing) found something.
    fn names_match(&mut self, which: usize, node: Node) -> PyResult<Read<bool>> {
        let (class, id) = match (get(node, "class"), get(node, "id")) {
            (Ok(class), Ok(id)) => (class.unwrap_or(""), id.unwrap_or("")),
            _ => return Ok(Err(Unsupported)),
        };
        // `_comments`/`_overlay`: a post's taxonomy terms name no comment thread, no dialog.
        let name = format!("{} {id}", crate::names::own_names(class));
        if let Some(&found) = self.searched[which].get(&name) {
            return Ok(Ok(found));
        }
        let pattern = if which == 0 { self.comment } else { self.overlay };
        let found = !pattern.call_method1(intern!(self.py, "search"), (name.as_str(),))?.is_none();
        self.searched[which].insert(name, found);
        Ok(Ok(found))
    }

    /// `_comments` (0) or `_overlay` (1) of one node.
    fn test(&mut self, which: usize, node: Node) -> PyResult<Read<bool>> {
        if which == 1 {
            let tag = match tag(node) {
                Ok(tag) => tag,
                Err(unsupported) => return Ok(Err(unsupported)),
            };
            let (modal, role) = match (get(node, "aria-modal"), get(node, "role")) {
                (Ok(modal), Ok(role)) => (modal, role),
                _ => return Ok(Err(Unsupported)),
            };
            if tag == Some("dialog") || modal == Some("true")
                || matches!(role, Some("dialog") | Some("alertdialog")) {
                return Ok(Ok(true));
            }
        }
        self.names_match(which, node)
    }

    /// `_Within(test)(node)`: the node or an ancestor passes.
    fn within(&mut self, which: usize, element: Node) -> PyResult<Read<bool>> {
        let mut path = Vec::new();
        let mut node = element;
        let mut found = false;
        while !node.is_null() {
            if let Some(&known) = self.within[which].get(&node) {
                found = known;
                break;
            }
            match self.test(which, node)? {
                Ok(true) => {
                    found = true;
                    break;
                }
                Ok(false) => {}
                Err(unsupported) => return Ok(Err(unsupported)),
            }
            path.push(node);
            node = parent(node);
        }
        for node in path {
            self.within[which].insert(node, found);
        }
        Ok(Ok(found))
    }

    /// The text of a paragraph candidate, stripped.
    fn stripped<'t>(&self, text: &'t str) -> &'t str {
        text.trim_matches(|c| py_space(c, self.tables))
    }
}

/// `_own_text`: the text of ``node`` outside its block children.
fn own_text(node: Node, out: &mut String) -> Read<()> {
    if let Some(text) = text(node)? {
        out.push_str(&text);
    }
    let mut child = first_child(node);
    while !child.is_null() {
        if let Some(tag) = tag(child)? {
            if !BLOCK_CHILDREN.contains(&tag) && !is_invisible(tag) {
                string_value(child, out)?;
            }
        }
        if let Some(tail) = tail(child)? {
            out.push_str(&tail);
        }
        child = next_sibling(child);
    }
    Ok(())
}

/// `_link_density`: `len(string(node))` and the sum of `len(string(a))` over the `<a>`
/// elements of `node.iter("a")` (itself included), counted in one walk: a text inside `k`
/// of those links counts `k` times, as the reference's sum counts it.
fn link_density(node: Node) -> Read<f64> {
    let (mut chars, mut links) = (0usize, 0usize);
    // (next node to visit, how many links enclose it)
    let mut stack: Vec<(Node, usize)> = vec![(node, 0)];
    while let Some((current, enclosing)) = stack.pop() {
        match kind(current) {
            TEXT_NODE | CDATA_NODE if current != node => {
                let count = c_str(unsafe { (*current).content })?.chars().count();
                chars += count;
                links += count * enclosing;
            }
            ELEMENT_NODE => {
                if !unsafe { (*current).ns }.is_null() {
                    return Err(Unsupported); // (as tag() reads it)
                }
                let inside = enclosing + c_str_is(unsafe { (*current).name }, "a") as usize;
                // Children pushed last first: visited in document order (not that sums care).
                let mut child = unsafe { (*current).last };
                while !child.is_null() {
                    stack.push((child, inside));
                    child = unsafe { (*child).prev };
                }
            }
            ENTITY_REF_NODE => return Err(Unsupported),
            _ => {}
        }
    }
    Ok(if chars > 0 { links as f64 / chars as f64 } else { 0.0 })
}

/// The elements holding the article, in document order (see the reference); None when it
/// finds none, or (`Err`) when the tree holds what the core does not read.
fn pick(picker: &mut Picker<'_, '_>, root: Node) -> PyResult<Read<Option<Vec<Node>>>> {
    macro_rules! read {
        ($e:expr) => {
            match $e {
                Ok(value) => value,
                Err(Unsupported) => return Ok(Err(Unsupported)),
            }
        };
    }
    let elements = preorder(root);
    let mut scores: Ordered<f64> = Ordered::new();
    let mut paragraph_chars: Ordered<usize> = Ordered::new();
    let mut page_paragraph_chars = 0usize;
    let mut buffer = String::new();
    for &element in &elements {
        let Some(holder) = read!(tag(element)) else { continue };
        if !TEXT_HOLDERS.contains(&holder) {
            continue;
        }
        let whole = holder == "p" || holder == "pre";
        buffer.clear();
        if whole {
            read!(string_value(element, &mut buffer));
        } else {
            read!(own_text(element, &mut buffer));
        }
        let text = picker.stripped(&buffer);
        let length = text.chars().count();
        if length < MIN_PARAGRAPH_CHARS {
            continue;
        }
        let parent_node = parent(element);
        if parent_node.is_null() {
            continue;
        }
        let clauses = text.chars().filter(|c| CLAUSE_MARKS.contains(c)).count();
        let share = length as f64 / 100.0;
        let score = (1 + clauses) as f64 + if 3.0 < share { 3.0 } else { share };
        page_paragraph_chars += length;
        let container = if whole { parent_node } else { element };
        for (target, share) in [(container, 1.0), (parent(container), 0.5)] {
            if target.is_null() {
                continue;
            }
            if scores.get(target).is_none() {
                let weight = tag_weight(read!(tag(target)).unwrap_or(""))
                    + read!(picker.class_weight(target)?);
                scores.entry(target, || weight as f64);
            }
            *scores.entry(target, || 0.0) += score * share;
        }
        *paragraph_chars.entry(element, || 0) += length;
        let mut ancestor = parent(element);
        for _ in 0..PARAGRAPH_ANCESTORS - 1 {
            if ancestor.is_null() {
                break;
            }
            *paragraph_chars.entry(ancestor, || 0) += length;
            ancestor = parent(ancestor);
        }
    }
    let mut ranked: Vec<(Node, f64)> = scores.keys.iter()
        .map(|&node| (node, scores.get(node).expect("scored"))).collect();
    ranked.sort_by(|a, b| (-a.1).partial_cmp(&-b.1).expect("scores are numbers"));
    let (mut best, mut best_score, mut best_link_density) = (None, 0.0f64, 0.0f64);
    for &(candidate, score) in ranked.iter().take(TOP_CANDIDATES) {
        let density = read!(link_density(candidate));
        let mut score = score * (1.0 - density);
        if read!(picker.within(0, parent(candidate))?) {
            score /= 4.0;
        }
        if read!(picker.within(1, candidate)?) {
            score /= 4.0;
        }
        if score > best_score {
            (best, best_score, best_link_density) = (Some(candidate), score, density);
        }
    }
    let Some(best) = best else { return Ok(Ok(None)) };
    if best_link_density > MAX_LINK_DENSITY {
        return Ok(Ok(None));
    }
    let mut selected = vec![best];
    // _split_parts
    let threshold = if best_score * SIBLING_SHARE > MIN_SIBLING_SCORE {
        best_score * SIBLING_SHARE
    } else {
        MIN_SIBLING_SCORE
    };
    let mut node = best;
    for level in 0..=LEVELS_UP {
        let parent_node = parent(node);
        if parent_node.is_null() || matches!(read!(tag(parent_node)), Some("body") | Some("html")) {
            break;
        }
        let mut sibling = first_child(parent_node);
        while !sibling.is_null() {
            let current = sibling;
            sibling = next_sibling(sibling);
            if current == node {
                continue;
            }
            let Some(sibling_tag) = read!(tag(current)) else { continue };
            if is_invisible(sibling_tag) {
                continue;
            }
            let continues = scores.get(current).unwrap_or(0.0) >= threshold || (
                paragraph_chars.get(current).unwrap_or(0) >= MIN_SIBLING_PARAGRAPH_CHARS
                && read!(picker.class_weight(current)?) >= 0
                && read!(link_density(current)) < MAX_SIBLING_LINK_DENSITY);
            if continues || (level == 0 && sibling_tag == "p"
                             && read!(short_sentence(picker, current))) {
                selected.push(current);
            }
        }
        node = parent_node;
    }
    // _same_class_parts
    let css_class = read!(get(best, "class"));
    if let Some(css_class) = css_class.filter(|class| !class.is_empty()) {
        let best_tag = read!(tag(best));
        let mut chosen: std::collections::HashSet<Node> = selected.iter().copied().collect();
        let mut enclosing: std::collections::HashSet<Node> = std::collections::HashSet::new();
        for &element in &selected {
            let mut ancestor = parent(element);
            while !ancestor.is_null() {
                enclosing.insert(ancestor);
                ancestor = parent(ancestor);
            }
        }
        for &candidate in &paragraph_chars.keys {
            if read!(get(candidate, "class")) != Some(css_class) || read!(tag(candidate)) != best_tag
                || chosen.contains(&candidate) || enclosing.contains(&candidate) {
                continue;
            }
            let mut ancestors = Vec::new();
            let mut ancestor = parent(candidate);
            while !ancestor.is_null() {
                ancestors.push(ancestor);
                ancestor = parent(ancestor);
            }
            if ancestors.iter().any(|a| chosen.contains(a)) {
                continue;
            }
            if paragraph_chars.get(candidate).expect("counted") >= MIN_SIBLING_PARAGRAPH_CHARS
                && read!(link_density(candidate)) < MAX_SIBLING_LINK_DENSITY
                && !read!(picker.within(0, parent(candidate))?) {
                selected.push(candidate);
                chosen.insert(candidate);
                enclosing.extend(ancestors);
            }
        }
    }
    let kept: usize = selected.iter().map(|&e| paragraph_chars.get(e).unwrap_or(0)).sum();
    if kept < MIN_KEPT_CHARS && (kept as f64) < MIN_KEPT_SHARE * page_paragraph_chars as f64 {
        return Ok(Ok(None));
    }
    // Document order: no part lies inside another (siblings of the path, or outside every
    // part chosen), so it is the order of both the reference's sort keys.
    let position: HashMap<Node, usize> = elements.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    selected.sort_by_key(|node| position[node]);
    Ok(Ok(Some(selected)))
}

/// `_short_sentence`.
fn short_sentence(picker: &Picker<'_, '_>, node: Node) -> Read<bool> {
    let mut buffer = String::new();
    string_value(node, &mut buffer)?;
    let text = picker.stripped(&buffer);
    let length = text.chars().count();
    if length == 0 || length > MIN_SIBLING_PARAGRAPH_CHARS {
        return Ok(false);
    }
    // `[.。!！?？]\s*$` (regex's \s): the last character that is not such a space is a mark.
    let last = text.chars().rev().find(|&c| !picker.tables.rx_space.has(c));
    if !last.is_some_and(|c| SENTENCE_MARKS.contains(&c)) {
        return Ok(false);
    }
    Ok(link_density(node)? == 0.0)
}

/// `main_content(root)` natively: the elements (lxml's, made by its `elementFactory`), None
/// when it finds none, or `False` when the tree holds what the core does not read (the
/// reference then picks).
#[pyfunction]
pub(crate) fn pick_main_content<'py>(py: Python<'py>, root: &Bound<'py, PyAny>,
                                     names_weight: &Bound<'py, PyAny>,
                                     comment: &Bound<'py, PyAny>, overlay: &Bound<'py, PyAny>)
                                     -> PyResult<Bound<'py, PyAny>> {
    let tables = &crate::python::core(py)?.tables;
    let (root, doc) = node_of(py, root)?;
    let mut picker = Picker {
        py, tables, names_weight, comment, overlay, weights: HashMap::new(),
        searched: [HashMap::new(), HashMap::new()], within: [HashMap::new(), HashMap::new()],
    };
    match pick(&mut picker, root)? {
        Err(Unsupported) => Ok(pyo3::types::PyBool::new(py, false).to_owned().into_any()),
        Ok(None) => Ok(py.None().into_bound(py)),
        Ok(Some(nodes)) => {
            let list = PyList::empty(py);
            for node in nodes {
                list.append(element_object(py, doc, node)?)?;
            }
            Ok(list.into_any())
        }
    }
}

// ---------------------------------------------------------------------------------------
// Byline elements (`cleanse.reading.metadata._byline_element`).

/// `body.iter("*")` less the elements `_byline_element` would pass over at once: those
/// without a class, id or rel, those whose tag is one of `not_byline_tags`, and those whose
/// rel does not hold "author" and whose ASCII class and id hold none of `byline_words`
/// (`metadata.BYLINE_WORD_LIST`, ASCII; a class or id with other characters is kept: Python
/// lowercases those). The reference then tests each element left exactly as before. None
/// when the tree holds what the core does not read.
#[pyfunction]
pub(crate) fn byline_candidates<'py>(py: Python<'py>, body: &Bound<'py, PyAny>,
                                     byline_words: Vec<String>, not_byline_tags: Vec<String>)
                                     -> PyResult<Option<Bound<'py, PyList>>> {
    let tables = &crate::python::core(py)?.tables;
    let (body, doc) = node_of(py, body)?;
    let names = BylineNames { words: &byline_words, not_tags: &not_byline_tags };
    let list = PyList::empty(py);
    for node in preorder(body) {
        match byline_candidate(node, &names, tables) {
            Ok(false) => {}
            Ok(true) => list.append(element_object(py, doc, node)?)?,
            Err(Unsupported) => return Ok(None),
        }
    }
    Ok(Some(list))
}

/// What `metadata.py` names a byline element by (its constants, passed in on each call).
struct BylineNames<'a> {
    words: &'a [String],
    not_tags: &'a [String],
}

fn byline_candidate(node: Node, names: &BylineNames, tables: &Tables) -> Read<bool> {
    let Some(tag) = tag(node)? else { return Ok(false) };
    if names.not_tags.iter().any(|not| not == tag) || unsafe { (*node).properties }.is_null() {
        return Ok(false);
    }
    let (class, id, rel) = (get(node, "class")?.unwrap_or(""), get(node, "id")?.unwrap_or(""),
                            get(node, "rel")?.unwrap_or(""));
    if class.is_empty() && id.is_empty() && rel.is_empty() {
        return Ok(false);
    }
    if rel.split(|c| py_space(c, tables)).any(|word| word == "author") {
        return Ok(true);
    }
    if !class.is_ascii() || !id.is_ascii() {
        return Ok(true);
    }
    // In "{class} {id}" lowercased; no word holds a space, so none spans the two.
    // (An empty word matches anywhere, as an empty alternative of the regex does.)
    Ok([class, id].iter().any(|name| names.words.iter().any(|word| {
        word.is_empty() || name.as_bytes().windows(word.len()).any(|piece| piece.eq_ignore_ascii_case(word.as_bytes()))
    })))
}

// ---------------------------------------------------------------------------------------
// The elements `cleanse.reading.metadata.from_html` reads, in one pass.

/// XPath's white space (`normalize-space`).
fn xpath_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// The elements and values `metadata.from_html` reads off the page, found in one walk
/// instead of seven (`cleanse.reading.metadata._page_elements` is the reference):
/// `(metas, title, canonical, scripts, itemprops, times, h1s)`: `root.iter("meta")`,
/// `root.find(".//title")`, `CANONICAL(root)` (the hrefs), `JSON_LD_SCRIPTS(root)`, the
/// parents of `ITEMPROPS(root)`, `root.iter("time")`, `root.iter("h1")`. None when the tree
/// holds what the core does not read.
#[pyfunction]
pub(crate) fn page_elements<'py>(py: Python<'py>, root: &Bound<'py, PyAny>)
                                 -> PyResult<Option<Bound<'py, PyTuple>>> {
    let (root, doc) = node_of(py, root)?;
    let (metas, scripts, itemprops, times, h1s) = (PyList::empty(py), PyList::empty(py),
        PyList::empty(py), PyList::empty(py), PyList::empty(py));
    let canonical = PyList::empty(py);
    let mut title: Option<Bound<'py, PyAny>> = None;
    for node in preorder(root) {
        let tag = match tag(node) {
            Ok(Some(tag)) => tag,
            Ok(None) => continue,
            Err(Unsupported) => return Ok(None),
        };
        let element = || element_object(py, doc, node);
        match tag {
            "meta" => metas.append(element()?)?,
            "title" if title.is_none() && node != root => title = Some(element()?),
            "time" => times.append(element()?)?,
            "h1" => h1s.append(element()?)?,
            _ => {}
        }
        if tag == "link" {
            let (rel, href) = match (get(node, "rel"), get(node, "href")) {
                (Ok(rel), Ok(href)) => (rel, href),
                _ => return Ok(None),
            };
            if let (Some(rel), Some(href)) = (rel, href) {
                if rel.split(xpath_space).any(|word| word == "canonical") {
                    canonical.append(href)?;
                }
            }
        }
        if tag == "script" {
            let Ok(kind) = get(node, "type") else { return Ok(None) };
            let lowered: Option<String> = kind.map(|kind| kind.chars().map(|c| match c {
                'J' => 'j', 'S' => 's', 'O' => 'o', 'N' => 'n', 'L' => 'l', 'D' => 'd', _ => c,
            }).collect());
            if lowered.is_some_and(|kind| kind.contains("ld+json")) {
                scripts.append(element()?)?;
            }
        }
        // `//@itemprop`: each itemprop attribute, its element in document order.
        let mut attribute = unsafe { (*node).properties };
        while !attribute.is_null() {
            if unsafe { (*attribute).kind } == ATTRIBUTE_NODE {
                if !unsafe { (*attribute).ns }.is_null() {
                    return Ok(None);
                }
                if c_str_is(unsafe { (*attribute).name }, "itemprop") {
                    itemprops.append(element()?)?;
                }
            }
            attribute = unsafe { (*attribute).next };
        }
    }
    let title = match title {
        Some(title) => title,
        None => py.None().into_bound(py),
    };
    Ok(Some(PyTuple::new(py, [metas.into_any(), title, canonical.into_any(), scripts.into_any(),
                              itemprops.into_any(), times.into_any(), h1s.into_any()])?))
}
