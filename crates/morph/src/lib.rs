//! Loads rsmorphy's Russian dictionary. rsmorphy's `from_file` is generic,
//! so its reading code (gzip, DAWG) is compiled in the crate that calls it;
//! called from here, that is this crate, which every profile optimises
//! (the root `Cargo.toml`), and a debug build loads the dictionary in a
//! fraction of a second instead of seconds.

use std::path::Path;

use rsmorphy::MorphAnalyzer;

/// The analyzer with the dictionary in `dir` (panics, as rsmorphy does, on
/// a damaged dictionary).
pub fn load(dir: &Path) -> MorphAnalyzer {
    MorphAnalyzer::from_file(dir)
}
