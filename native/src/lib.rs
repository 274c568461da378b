//! Native core of `cleanse` (the Python extension `cleanse._native`).
//!
//! The pure-Python code in `cleanse/` is the reference implementation; everything here must
//! give byte-identical results (tests/test_native.py checks it). Ported so far: per-line
//! features (`cleanse.features.line_features`), the keyword matcher
//! (`cleanse.detectors.vocabulary.Keywords`) and the arbiter's trees
//! (`cleanse.deciding.forest`), the script counts of language tagging
//! (`cleanse.deciding.language`) the arbiter's per-line text columns
//! (`cleanse.deciding.evidence`), two line operations of `cleanse.features`
//! (`strip_punctuation`, the match key) and the whole passes of thirteen detectors
//! (`passes/<detector>.rs`, what they share in `passes.rs`, their fixed patterns in
//! `detectors.rs`), and HTML rendering over the tree lxml parsed (`html.rs`: the render walk,
//! the DOM main-content picker, the elements page metadata is read from; `rounding.rs`:
//! Python's `round(x, 3)`). See docs/native.md.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod detectors;
pub mod evidence;
pub mod features;
pub mod forest;
pub mod judging;
pub mod keywords;
pub mod markdown;
pub mod names;
pub mod pattern;
pub mod required;
pub mod rounding;
pub mod scripts;
pub mod tables;
pub mod text;

#[cfg(feature = "python")]
mod html;
#[cfg(feature = "python")]
mod passes;
#[cfg(feature = "python")]
mod python;
#[cfg(feature = "python")]
mod slots;
