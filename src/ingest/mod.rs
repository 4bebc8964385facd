//! From news sites to clean articles: fetch, feeds, listings, extraction,
//! dedupe. No storage here: the poller that drives these steps and stores
//! what they find is [`crate::service::poller`].

pub mod charset;
pub mod dedupe;
pub mod extract;
pub mod feed;
pub mod fetch;
pub mod listing;
pub mod probe;
pub mod sources;
