//! From news sites to clean articles: fetch, feeds, listings, extraction,
//! dedupe, and the poller that drives them.

pub mod charset;
pub mod dedupe;
pub mod extract;
pub mod feed;
pub mod fetch;
pub mod listing;
pub mod poller;
pub mod probe;
pub mod sources;
