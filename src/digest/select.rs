//! Which stories go into one subscriber's digest, and why.
//!
//! Candidates are indexed once per run as bitsets (by topic, by region, by
//! followed phrase), so each subscriber costs a few hundred word operations
//! however many articles there are.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::store::Candidate;

/// What a subscriber follows. No topics and no follows means every topic;
/// no regions means all of Kazakhstan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub topics: Vec<String>,
    pub regions: Vec<String>,
    pub follows: Vec<String>,
    /// Only articles with a larger id are new to this subscriber.
    pub after_id: i64,
}

/// Why an entry was chosen; stored for `/why N`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reasons {
    pub topics: Vec<String>,
    pub follows: Vec<String>,
    pub regions: Vec<String>,
    pub official: bool,
    pub quote: bool,
    pub score: f32,
}

/// One story of a digest: the preferred copy and the other outlets.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub article: &'a Candidate,
    pub also: Vec<&'a str>,
    pub reasons: Reasons,
}

/// Entries under one topic header (or the "followed" header).
#[derive(Debug, Clone)]
pub struct Group<'a> {
    /// A topic id, or `followed`.
    pub topic: String,
    pub entries: Vec<Entry<'a>>,
    /// Matching stories left out by the cap.
    pub more: usize,
}

/// A subscriber's digest before rendering.
#[derive(Debug, Clone, Default)]
pub struct Selection<'a> {
    pub groups: Vec<Group<'a>>,
    /// The newest article id considered: the subscriber's next watermark.
    pub max_article_id: i64,
}

impl Selection<'_> {
    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(|g| g.entries.is_empty())
    }
    pub fn entries(&self) -> impl Iterator<Item = &Entry<'_>> {
        self.groups.iter().flat_map(|g| g.entries.iter())
    }
}

type Bits = Vec<u64>;

fn bits_with(len: usize, idx: impl IntoIterator<Item = usize>) -> Bits {
    let mut b = vec![0u64; len.div_ceil(64)];
    for i in idx {
        b[i / 64] |= 1 << (i % 64);
    }
    b
}

/// The candidates of one digest run, indexed.
pub struct Index<'a> {
    candidates: &'a [Candidate],
    by_topic: HashMap<&'a str, Bits>,
    by_region: HashMap<&'a str, Bits>,
    by_follow: HashMap<String, Bits>,
    all: Bits,
    now: i64,
}

impl<'a> Index<'a> {
    /// `follow_hits` maps a followed phrase (lowercase) to the ids of the
    /// articles whose text has it (from the search index).
    pub fn new(
        candidates: &'a [Candidate],
        follow_hits: &HashMap<String, Vec<i64>>,
        now: i64,
    ) -> Index<'a> {
        let n = candidates.len();
        let mut by_topic: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_region: HashMap<&str, Vec<usize>> = HashMap::new();
        let pos: HashMap<i64, usize> = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        for (i, c) in candidates.iter().enumerate() {
            for (t, _, _) in &c.topics {
                by_topic.entry(t.as_str()).or_default().push(i);
            }
            for r in &c.regions {
                by_region.entry(r.as_str()).or_default().push(i);
            }
        }
        let mut by_follow = HashMap::new();
        for (phrase, ids) in follow_hits {
            let needle = phrase.to_lowercase();
            let mut idx: Vec<usize> = ids.iter().filter_map(|id| pos.get(id).copied()).collect();
            idx.extend(
                candidates
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.people.iter().any(|p| p.to_lowercase().contains(&needle)))
                    .map(|(i, _)| i),
            );
            by_follow.insert(needle, bits_with(n, idx));
        }
        Index {
            candidates,
            by_topic: by_topic
                .into_iter()
                .map(|(k, v)| (k, bits_with(n, v)))
                .collect(),
            by_region: by_region
                .into_iter()
                .map(|(k, v)| (k, bits_with(n, v)))
                .collect(),
            by_follow,
            all: bits_with(n, 0..n),
            now,
        }
    }

    fn union<'k>(&self, map: &HashMap<&str, Bits>, keys: impl Iterator<Item = &'k str>) -> Bits {
        let mut out = vec![0u64; self.all.len()];
        for k in keys {
            if let Some(b) = map.get(k) {
                for (o, x) in out.iter_mut().zip(b) {
                    *o |= x;
                }
            }
        }
        out
    }

    /// The subscriber's digest: matching stories grouped by topic, one
    /// entry per story (official outlet preferred, then the first to
    /// publish), best first, at most `cap` per topic.
    pub fn select(&self, f: &Filters, cap: usize) -> Selection<'a> {
        let every_topic = f.topics.is_empty() && f.follows.is_empty();
        let mut matched = if every_topic {
            self.all.clone()
        } else {
            self.union(&self.by_topic, f.topics.iter().map(String::as_str))
        };
        let mut follow_bits: Vec<(&str, &Bits)> = Vec::new();
        for phrase in &f.follows {
            if let Some(b) = self.by_follow.get(&phrase.to_lowercase()) {
                follow_bits.push((phrase.as_str(), b));
                for (m, x) in matched.iter_mut().zip(b) {
                    *m |= x;
                }
            }
        }
        if !f.regions.is_empty() {
            let regions = self.union(&self.by_region, f.regions.iter().map(String::as_str));
            for (m, r) in matched.iter_mut().zip(&regions) {
                *m &= r;
            }
        }
        // Best copy per story.
        let mut stories: HashMap<i64, Vec<usize>> = HashMap::new();
        let mut max_id = f.after_id;
        for (w, word) in matched.iter().enumerate() {
            let mut word = *word;
            while word != 0 {
                let i = w * 64 + word.trailing_zeros() as usize;
                word &= word - 1;
                let c = &self.candidates[i];
                max_id = max_id.max(c.id);
                if c.id > f.after_id {
                    stories.entry(c.story_id).or_default().push(i);
                }
            }
        }
        // Considered but unmatched articles also move the watermark.
        if let Some(newest) = self.candidates.iter().map(|c| c.id).max() {
            max_id = max_id.max(newest);
        }
        let mut groups: HashMap<String, Vec<Entry<'a>>> = HashMap::new();
        for copies in stories.values() {
            let best = *copies
                .iter()
                .min_by_key(|&&i| (!self.candidates[i].official, self.candidates[i].id))
                .unwrap_or(&copies[0]);
            let c = &self.candidates[best];
            let mut also: Vec<&str> = copies
                .iter()
                .filter(|&&i| i != best)
                .map(|&i| self.candidates[i].source_name.as_str())
                .filter(|n| !n.is_empty() && *n != c.source_name)
                .collect();
            also.sort_unstable();
            also.dedup();
            let follows: Vec<String> = follow_bits
                .iter()
                .filter(|(_, b)| copies.iter().any(|&i| b[i / 64] & (1 << (i % 64)) != 0))
                .map(|(p, _)| p.to_string())
                .collect();
            let topics: Vec<String> = c
                .topics
                .iter()
                .filter(|(t, _, _)| every_topic || f.topics.contains(t))
                .map(|(t, _, _)| t.clone())
                .collect();
            let regions: Vec<String> = c
                .regions
                .iter()
                .filter(|r| f.regions.is_empty() || f.regions.contains(r))
                .cloned()
                .collect();
            let topic_score = c
                .topics
                .iter()
                .filter(|(t, _, _)| topics.contains(t))
                .map(|(_, s, _)| *s)
                .fold(0.0f32, f32::max);
            let age_hours = ((self.now - c.ingested_at).max(0) as f32) / 3600.0;
            let score = topic_score.min(1.0)
                + if c.official { 0.4 } else { 0.0 }
                + if c.quote.is_some() { 0.3 } else { 0.0 }
                + if follows.is_empty() { 0.0 } else { 1.0 }
                + 0.5 * (-age_hours / 48.0).exp()
                + 0.1 * also.len().min(3) as f32;
            let header = if !follows.is_empty() && topics.is_empty() {
                "followed".to_string()
            } else {
                c.topics
                    .iter()
                    .filter(|(t, _, _)| topics.contains(t))
                    .max_by(|a, b| {
                        (a.2, a.1)
                            .partial_cmp(&(b.2, b.1))
                            .unwrap_or(std::cmp::Ordering::Equal)
                    })
                    .map(|(t, _, _)| t.clone())
                    .unwrap_or_else(|| "followed".to_string())
            };
            let reasons = Reasons {
                topics,
                follows,
                regions,
                official: c.official,
                quote: c.quote.is_some(),
                score,
            };
            groups.entry(header).or_default().push(Entry {
                article: c,
                also,
                reasons,
            });
        }
        let mut groups: Vec<Group<'a>> = groups
            .into_iter()
            .map(|(topic, mut entries)| {
                entries.sort_by(|a, b| {
                    b.reasons
                        .score
                        .total_cmp(&a.reasons.score)
                        .then(b.article.id.cmp(&a.article.id))
                });
                let more = entries.len().saturating_sub(cap);
                entries.truncate(cap);
                Group {
                    topic,
                    entries,
                    more,
                }
            })
            .collect();
        // Followed first, then the group with the best story.
        groups.sort_by(|a, b| {
            let key = |g: &Group<'_>| {
                (
                    g.topic != "followed",
                    -g.entries.first().map_or(0.0, |e| e.reasons.score),
                )
            };
            key(a)
                .partial_cmp(&key(b))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.topic.cmp(&b.topic))
        });
        Selection {
            groups,
            max_article_id: max_id,
        }
    }
}
