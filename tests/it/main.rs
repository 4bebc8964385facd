//! Integration tests: one binary, sharing `support/` (a local news site, a
//! temporary database, the config tests run with) and `tests/data/`.

mod bot;
mod cli;
mod deliver;
mod digest;
mod first_week;
mod hardening;
mod ingest;
mod layering;
mod preferences;
mod service;
mod setup;
mod summarize_seed;
mod support;
