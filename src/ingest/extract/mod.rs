//! Main text, title, date, canonical URL and language of one HTML page.
//!
//! The page is parsed once with html5ever (`scraper`) and copied into a
//! compact arena ([`dom`]); [`content`] scores paragraphs readability-style
//! to find the article container, [`hints`] knows what class names and tags
//! say about chrome, [`boiler`] drops text-level chrome (counters, «Читайте
//! также», prompts) and stops at related/popular headings; [`meta`] reads
//! title, date and canonical URL. Everything is pure: bytes in, article out.

mod boiler;
mod content;
mod dom;
mod hints;
mod meta;
mod prefilter;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::text::Lang;
use crate::text::lang::detect;
use crate::text::normalize::normalize;

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
/// Never panics: empty, broken or tag-less input gives what it can.
pub fn extract(html: &str, url: Option<&url::Url>) -> Extracted {
    extract_parsed(&prefilter::strip(html), url)
}

/// [`extract`] without the pre-lexer in front of html5ever: for measuring
/// what it saves (`bench_extract --no-prefilter`). Nesting is not bounded.
#[doc(hidden)]
pub fn extract_unfiltered(html: &str, url: Option<&url::Url>) -> Extracted {
    extract_parsed(html, url)
}

fn extract_parsed(html: &str, url: Option<&url::Url>) -> Extracted {
    let doc = scraper::Html::parse_document(html);
    let dom = dom::Dom::build(&doc);
    drop(doc);
    // Lines of invisible characters only come out of normalisation empty.
    let text = normalize(&content::main_text(&dom))
        .lines()
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let title = normalize(&meta::title(&dom)).replace('\n', " ");
    let published_at = meta::published(&dom);
    let canonical_url = meta::canonical(&dom, url);
    let language = meta::language(&dom, &title, &text);
    Extracted {
        url: url.map(|u| u.to_string()),
        canonical_url,
        title,
        published_at,
        language,
        text,
    }
}

/// Tuning aid: why the text holding `needle` is kept or dropped.
#[doc(hidden)]
pub fn explain(html: &str, needle: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    content::explain(&dom::Dom::build(&doc), needle)
}

/// The language of a page: the text decides when there is enough of it,
/// the `<html lang>` hint otherwise.
fn decide_language(hint: Option<Lang>, sample: &str) -> Lang {
    let letters = sample
        .chars()
        .filter(|c| c.is_alphabetic())
        .take(200)
        .count();
    match hint {
        Some(h) if letters < 40 => h,
        _ if letters == 0 => Lang::Ru,
        _ => detect(sample),
    }
}

#[cfg(test)]
mod tests;
