//! From news sites to clean articles: fetch, feeds, listings, extraction,
//! dedupe, and the poller that drives them.

pub mod extract;
