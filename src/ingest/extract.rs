//! Main text, title, date, canonical URL and language of one HTML page.
//! (TODO: extraction helper fills this in.)

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::text::Lang;

/// What extraction finds in one page; serialises to the `extract` JSON.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Extracted {
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub title: String,
    pub published_at: Option<DateTime<FixedOffset>>,
    pub language: Lang,
    /// Clean main text, paragraphs split by `\n`.
    pub text: String,
}

/// Extracts the article from `html`; `url` resolves relative links.
pub fn extract(html: &str, url: Option<&url::Url>) -> Extracted {
    let _ = html;
    Extracted {
        url: url.map(|u| u.to_string()),
        canonical_url: None,
        title: String::new(),
        published_at: None,
        language: Lang::Ru,
        text: String::new(),
    }
}
