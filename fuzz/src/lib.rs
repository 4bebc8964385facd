//! Fuzz targets for civic-digest: see `checks` (shared with the regression
//! test `tests/it/hardening.rs`) and `../scripts/fuzz.sh`.
#![forbid(unsafe_code)]

pub mod checks;
