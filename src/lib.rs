//! civic-digest: civic news digests for Kazakhstan, delivered in Telegram.
//!
//! Data flows one way: [`ingest`] (fetch, parse feeds and pages, extract,
//! dedupe) → [`summarize`] (quotes, speakers, topics, regions) → [`store`]
//! (SQLite) → digest → deliver → Telegram. [`text`] holds the language
//! helpers both ingest and summarize stand on.
#![forbid(unsafe_code)]

pub mod bot;
pub mod config;
pub mod data;
pub mod deliver;
pub mod digest;
pub mod i18n;
pub mod ingest;
pub mod service;
pub mod store;
pub mod summarize;
pub mod text;
