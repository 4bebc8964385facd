//! The summarizer: key quotes with speakers, reform topics, regions, people.
//! A pure library: text in, [`Summary`] out.
//! (TODO: summarizer helper fills this in.)

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::text::Lang;

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
