//! Language helpers shared by ingest and summarize: Unicode normalisation,
//! language detection, Russian/Kazakh date parsing and search stemming.

pub mod cross_script;
pub mod dates;
pub mod lang;
pub mod normalize;
pub mod stem;

pub use lang::Lang;
