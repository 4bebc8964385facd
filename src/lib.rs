//! civic-digest: civic news digests for Kazakhstan, delivered in Telegram.
//!
//! Data flows one way: ingest (fetch, parse feeds and pages, [`extract`],
//! dedupe) → [`summarize`] (quotes, speakers, topics, regions) → [`Store`]
//! (SQLite) → digest → deliver → Telegram; the text module holds the
//! language helpers both ingest and summarize stand on, and [`service`]
//! wires them into a running bot.
#![forbid(unsafe_code)]

mod bot;
mod config;
mod data;
mod deliver;
mod digest;
mod i18n;
mod ingest;
mod model;
pub mod service;
mod store;
mod summarize;
mod telegram;
mod text;

// The public surface: what the binary, the examples, the fuzz targets and
// the tests use. Everything else stays inside the crate.
pub use bot::callback::{Callback, MAX_CALLBACK_BYTES};
pub use bot::flood::FloodLimiter;
pub use bot::names::Names;
pub use bot::{
    BotDeps, BotT, DEFAULT_FOLLOW_CAP, commands, dispatcher, menu, set_commands, telegram_limits,
    throttled,
};
pub use config::{Config, Secret, redact_tokens};
pub use deliver::{Outcome, Pace, Sender};
pub use digest::render::{Layout as EntryLayout, MAX_MESSAGE, Style, render_digest, to_plain};
pub use digest::select::{Filters, Index};
pub use digest::{DEFAULT_MAX_AGE, Digester, filters_of};
pub use i18n::Texts;
pub use ingest::charset::decode as decode_charset;
pub use ingest::extract::{explain as explain_extraction, extract, extract_unfiltered};
pub use ingest::feed::parse_feed;
pub use ingest::fetch::{FetchError, FetchSettings, Fetcher};
pub use ingest::probe::probe;
pub use ingest::sources::{load_sources_file, parse_opml, parse_sources_toml, to_opml};
pub use service::poller::{IngestReport, PollError, Poller};
pub use store::{
    Candidate, ChatKind, Fault, Layout, NewArticle, NewMessage, NewSource, OutKind, PollSuccess,
    Role, Schedule, SourceKind, Store, StoreError, SubStatus,
};
pub use summarize::{
    ArticleInput, Knowledge, Quote, Summary, TopicScore, eval, explain as explain_summary,
    summarize, summarize_plain_text,
};
pub use text::Lang;
pub use text::dates::{find_date, parse_date};
pub use text::morph::available as morphology_available;
