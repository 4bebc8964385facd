//! Language helpers shared by ingest and summarize: Unicode normalisation,
//! language detection, Russian/Kazakh date parsing and search stemming.

pub mod cross_script;
pub mod dates;
pub mod kazakh;
pub mod lang;
pub mod morph;
pub mod normalize;
pub mod stem;
pub mod translit;

pub use lang::Lang;
