//! The domain types the pipeline and the storage share: sources, articles,
//! their fingerprints and summaries, a fetch's validators. Plain data; this
//! module uses neither [`crate::ingest`] nor [`crate::store`], so both (and
//! the summarizer, the digest and the bot) can stand on it.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::text::Lang;

/// How a source is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// RSS, Atom or JSON Feed.
    Feed,
    /// An HTML page listing article links, picked with a CSS selector.
    Listing,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Feed => "feed",
            SourceKind::Listing => "listing",
        }
    }
    /// The kind stored as `s`; anything unknown reads as a feed.
    pub(crate) fn parse(s: &str) -> SourceKind {
        if s == "listing" {
            SourceKind::Listing
        } else {
            SourceKind::Feed
        }
    }
}

/// A source to add.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSource {
    pub name: String,
    pub url: String,
    pub kind: SourceKind,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    /// The President's, the government's or an akimat's own site.
    #[serde(default)]
    pub official: bool,
    /// For listings: the CSS selector of the article links.
    #[serde(default)]
    pub link_selector: Option<String>,
}

/// A stored source with its fetch state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub kind: SourceKind,
    pub language: Option<String>,
    pub region: Option<String>,
    pub official: bool,
    pub link_selector: Option<String>,
    pub paused: bool,
    pub pause_reason: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub error_count: u32,
    pub last_error: Option<String>,
    pub last_success_at: Option<i64>,
    pub last_polled_at: Option<i64>,
    pub next_poll_at: i64,
    pub articles: i64,
}

/// What one successful poll leaves behind.
#[derive(Debug, Clone, Default)]
pub struct PollSuccess {
    /// The validators for the next conditional GET; `None` keeps the
    /// stored ones (after a 304).
    pub validators: Option<Validators>,
    pub next_poll_at: i64,
}

/// An article to store.
#[derive(Debug, Clone)]
pub struct NewArticle {
    pub source_id: Option<i64>,
    pub url: String,
    pub canonical_url: Option<String>,
    pub title: String,
    pub text: String,
    pub published_at: Option<DateTime<FixedOffset>>,
    pub language: String,
    pub content_hash: String,
    pub minhash: Vec<u8>,
    /// The story this article joins; `None` starts a new story.
    pub story_id: Option<i64>,
    /// What the summarizer found; stored as JSON and as searchable facets.
    pub summary: Option<Summary>,
}

/// A stored article.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    pub id: i64,
    pub source_id: Option<i64>,
    pub source_name: Option<String>,
    pub url: String,
    pub canonical_url: Option<String>,
    pub title: String,
    pub text: String,
    pub published_at: Option<String>,
    pub language: String,
    pub story_id: i64,
    pub hidden: bool,
    pub ingested_at: i64,
    #[serde(skip)]
    pub summary_json: Option<String>,
}

/// A recent article's near-duplicate fingerprint.
#[derive(Debug, Clone)]
pub struct Fingerprint {
    pub article_id: i64,
    pub source_id: Option<i64>,
    pub story_id: i64,
    pub minhash: Vec<u8>,
}

/// Validators from the last fetch, for a conditional GET.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// One direct quote.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Quote {
    pub text: String,
    /// The fullest name the text gives, or the body ("пресс-служба акимата").
    pub speaker: Option<String>,
    pub speaker_role: Option<String>,
    /// Who relays someone else's words.
    pub via: Option<String>,
    pub score: f32,
}

/// One reform topic an article covers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TopicScore {
    pub id: String,
    pub score: f32,
    pub primary: bool,
}

/// The summary JSON of DESIGN.md.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Summary {
    pub url: Option<String>,
    pub title: String,
    pub published_at: Option<DateTime<FixedOffset>>,
    pub language: Lang,
    pub text: String,
    pub quotes: Vec<Quote>,
    pub topics: Vec<TopicScore>,
    pub regions: Vec<String>,
    pub people: Vec<String>,
    pub key_sentences: Vec<String>,
}

impl Summary {
    /// The primary topic id, if any.
    pub fn primary_topic(&self) -> Option<&str> {
        self.topics
            .iter()
            .find(|t| t.primary)
            .map(|t| t.id.as_str())
    }
}
