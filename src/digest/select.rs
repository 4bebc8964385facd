//! Which stories go into one subscriber's digest, and why.
//!
//! A digest run loads the candidate articles once and indexes them: bitsets
//! by topic, by region and by followed phrase, each article's story, and
//! each story's preferred copy (an official outlet first, then the first to
//! publish) with the other outlets. A subscriber then costs a few bitset
//! operations and a short sort, however many subscribers there are.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::store::Candidate;

/// What a subscriber follows. No topics means every topic; no regions means
/// all of Kazakhstan; followed phrases add their stories to what the topics
/// and regions give, they never narrow it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub topics: Vec<String>,
    pub regions: Vec<String>,
    pub follows: Vec<String>,
    /// Only articles with a larger id are new to this subscriber.
    pub after_id: i64,
    /// A weekly digest: it covers the whole week, however short the
    /// maximum age of instant and daily news.
    pub weekly: bool,
    /// Sources whose copies never show: a story comes from another
    /// outlet, or not at all.
    pub muted_sources: Vec<i64>,
    /// Words and phrases: a story whose title, key sentence or quote has
    /// one (any form of each word, in any script) does not come.
    pub excludes: Vec<String>,
}

/// The match keys of a word: the cross-script skeleton of the word and of
/// each of its stems (Токаева, Тоқаев and Tokayev share one).
fn word_keys(word: &str) -> Vec<String> {
    use crate::text::{cross_script::name_skeleton, stem::stems_of};
    let mut keys: Vec<String> = std::iter::once(word.to_string())
        .chain(stems_of(word))
        .map(|w| name_skeleton(&w))
        .filter(|k| k.chars().count() >= 2)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Every match key of a text.
fn text_keys(text: &str) -> HashSet<String> {
    crate::text::stem::words(text)
        .flat_map(|w| word_keys(&w))
        .collect()
}

/// An excluded phrase as the keys of each of its words.
fn phrase_keys(phrase: &str) -> Vec<Vec<String>> {
    crate::text::stem::words(phrase)
        .map(|w| word_keys(&w))
        .filter(|k| !k.is_empty())
        .collect()
}

/// Does a text (as its keys) have every word of the phrase?
fn has_phrase(keys: &HashSet<String>, phrase: &[Vec<String>]) -> bool {
    !phrase.is_empty() && phrase.iter().all(|w| w.iter().any(|k| keys.contains(k)))
}

/// How far back a weekly digest reaches at least.
const WEEK_SECS: i64 = 7 * 24 * 3600;

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
    pub also: &'a [&'a str],
    pub reasons: Reasons,
}

/// Entries under one topic header (or the "followed" or "other" header).
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

fn has(bits: &Bits, i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

/// The "followed" group, which is not a topic.
const FOLLOWED: u16 = u16::MAX;
/// Stories with no topic that nobody follows ("other news", shown last).
const OTHER: u16 = u16::MAX - 1;

struct Story<'a> {
    /// The preferred copy.
    rep: usize,
    copies: Vec<usize>,
    also: Vec<&'a str>,
    /// Score from official outlet, quote, recency and syndication.
    base: f32,
}

/// The candidates of one digest run, indexed.
pub struct Index<'a> {
    candidates: &'a [Candidate],
    topic_ids: Vec<&'a str>,
    by_topic: Vec<Bits>,
    by_region: HashMap<&'a str, Bits>,
    by_follow: HashMap<String, Bits>,
    /// Candidates recent enough for a digest (published within the maximum
    /// age), and for a weekly one (within a week, or the maximum age if longer).
    fresh: Bits,
    fresh_week: Bits,
    /// Per candidate: (topic index, score) of its topics.
    topics: Vec<Vec<(u16, f32)>>,
    story_of: Vec<usize>,
    stories: Vec<Story<'a>>,
    /// Candidate ids, newest first (the order they were loaded in).
    ids_desc: Vec<i64>,
    /// Per candidate: the match keys of its title, key sentence and quote,
    /// made on the first exclusion asked for.
    keys: OnceLock<Vec<HashSet<String>>>,
}

impl<'a> Index<'a> {
    /// `candidates` newest first; `follow_hits` maps a followed phrase
    /// (lowercase) to the ids of the articles whose text has it. Articles
    /// published more than `max_age` seconds before `now` (by their date,
    /// else by when they were stored) go to no digest.
    pub fn new(
        candidates: &'a [Candidate],
        follow_hits: &HashMap<String, Vec<i64>>,
        now: i64,
        max_age: i64,
    ) -> Index<'a> {
        let n = candidates.len();
        let mut topic_pos: HashMap<&str, u16> = HashMap::new();
        let mut topic_ids: Vec<&str> = Vec::new();
        let mut topic_lists: Vec<Vec<usize>> = Vec::new();
        let mut region_lists: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut topics = Vec::with_capacity(n);
        for (i, c) in candidates.iter().enumerate() {
            let mut mine = Vec::with_capacity(c.topics.len());
            for (t, score, _) in &c.topics {
                let k = *topic_pos.entry(t.as_str()).or_insert_with(|| {
                    topic_ids.push(t.as_str());
                    topic_lists.push(Vec::new());
                    (topic_ids.len() - 1) as u16
                });
                topic_lists[k as usize].push(i);
                mine.push((k, *score));
            }
            topics.push(mine);
            for r in &c.regions {
                region_lists.entry(r.as_str()).or_default().push(i);
            }
        }
        let pos: HashMap<i64, usize> = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        let by_follow = follow_hits
            .iter()
            .map(|(phrase, ids)| {
                let needle = phrase.to_lowercase();
                let mut idx: Vec<usize> =
                    ids.iter().filter_map(|id| pos.get(id).copied()).collect();
                idx.extend(
                    candidates
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| {
                            c.people.iter().any(|p| p.to_lowercase().contains(&needle))
                        })
                        .map(|(i, _)| i),
                );
                (needle, bits_with(n, idx))
            })
            .collect();
        // Stories: the preferred copy is official first, then the oldest.
        let mut slot: HashMap<i64, usize> = HashMap::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut story_of = Vec::with_capacity(n);
        for (i, c) in candidates.iter().enumerate() {
            let s = *slot.entry(c.story_id).or_insert_with(|| {
                members.push(Vec::new());
                members.len() - 1
            });
            members[s].push(i);
            story_of.push(s);
        }
        let stories = members
            .into_iter()
            .map(|copies| {
                let rep = *copies
                    .iter()
                    .min_by_key(|&&i| (!candidates[i].official, candidates[i].id))
                    .unwrap_or(&copies[0]);
                let c = &candidates[rep];
                let mut also: Vec<&str> = copies
                    .iter()
                    .map(|&i| candidates[i].source_name.as_str())
                    .filter(|name| !name.is_empty() && *name != c.source_name)
                    .collect();
                also.sort_unstable();
                also.dedup();
                let age_hours = ((now - c.ingested_at).max(0) as f32) / 3600.0;
                let base = if c.official { 0.4 } else { 0.0 }
                    + if c.quote.is_some() { 0.3 } else { 0.0 }
                    + 0.5 * (-age_hours / 48.0).exp()
                    + 0.1 * also.len().min(3) as f32;
                Story {
                    rep,
                    copies,
                    also,
                    base,
                }
            })
            .collect();
        let published_since = |age: i64| {
            let oldest = now.saturating_sub(age);
            bits_with(
                n,
                candidates
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.published_at.unwrap_or(c.ingested_at) >= oldest)
                    .map(|(i, _)| i),
            )
        };
        let (fresh, fresh_week) = (
            published_since(max_age),
            published_since(max_age.max(WEEK_SECS)),
        );
        Index {
            candidates,
            topic_ids,
            fresh,
            fresh_week,
            by_topic: topic_lists.into_iter().map(|l| bits_with(n, l)).collect(),
            by_region: region_lists
                .into_iter()
                .map(|(k, v)| (k, bits_with(n, v)))
                .collect(),
            by_follow,
            topics,
            story_of,
            stories,
            ids_desc: candidates.iter().map(|c| c.id).collect(),
            keys: OnceLock::new(),
        }
    }

    /// The subscriber's digest: matching stories grouped by topic, one
    /// entry per story, best first, at most `cap` per group.
    pub fn select(&self, f: &Filters, cap: usize) -> Selection<'_> {
        let n = self.candidates.len();
        let words = n.div_ceil(64);
        let every_topic = f.topics.is_empty();
        let wanted: Vec<u16> = f
            .topics
            .iter()
            .filter_map(|t| {
                self.topic_ids
                    .iter()
                    .position(|id| id == t)
                    .map(|p| p as u16)
            })
            .collect();
        let mut matched = vec![0u64; words];
        if every_topic {
            matched.iter_mut().for_each(|w| *w = u64::MAX);
        }
        for &t in &wanted {
            for (m, x) in matched.iter_mut().zip(&self.by_topic[t as usize]) {
                *m |= x;
            }
        }
        if !f.regions.is_empty() {
            let mut regions = vec![0u64; words];
            for r in &f.regions {
                if let Some(b) = self.by_region.get(r.as_str()) {
                    for (o, x) in regions.iter_mut().zip(b) {
                        *o |= x;
                    }
                }
            }
            for (m, r) in matched.iter_mut().zip(&regions) {
                *m &= r;
            }
        }
        // A follow adds its stories, whatever the topics and regions say.
        let follows: Vec<(&str, &Bits)> = f
            .follows
            .iter()
            .filter_map(|p| {
                self.by_follow
                    .get(&p.to_lowercase())
                    .map(|b| (p.as_str(), b))
            })
            .collect();
        for (_, b) in &follows {
            for (m, x) in matched.iter_mut().zip(b.iter()) {
                *m |= x;
            }
        }
        // Old news goes to no digest, followed or not.
        let fresh = if f.weekly {
            &self.fresh_week
        } else {
            &self.fresh
        };
        for (m, x) in matched.iter_mut().zip(fresh) {
            *m &= x;
        }
        // Only articles newer than the watermark: a prefix, newest first.
        let newer = self.ids_desc.partition_point(|&id| id > f.after_id);
        for (w, m) in matched.iter_mut().enumerate() {
            let lo = w * 64;
            if lo >= newer {
                *m = 0;
            } else if newer - lo < 64 {
                *m &= (1u64 << (newer - lo)) - 1;
            }
        }
        if n > 0 && matched.len() * 64 > n {
            let last = matched.len() - 1;
            matched[last] &= if n.is_multiple_of(64) {
                u64::MAX
            } else {
                (1u64 << (n % 64)) - 1
            };
        }

        let muted = |i: usize| {
            self.candidates[i]
                .source_id
                .is_some_and(|id| f.muted_sources.contains(&id))
        };
        let excluded: Vec<Vec<Vec<String>>> = f
            .excludes
            .iter()
            .map(|p| phrase_keys(p))
            .filter(|p| !p.is_empty())
            .collect();
        let keys = (!excluded.is_empty()).then(|| {
            self.keys.get_or_init(|| {
                self.candidates
                    .iter()
                    .map(|c| {
                        let quote = c.quote.as_ref().map_or("", |(q, _)| q.as_str());
                        let lead = c.key_sentence.as_deref().unwrap_or("");
                        text_keys(&format!("{}\n{lead}\n{quote}", c.title))
                    })
                    .collect()
            })
        });
        // A story shown from another outlet than its preferred one.
        let mut reps: HashMap<usize, usize> = HashMap::new();
        // Pick the group and score of each matched story, cheaply.
        let mut seen = vec![false; self.stories.len()];
        // (group, best score, chosen (score, story) best first, left out):
        // each group keeps only its best `cap`, so no long list is sorted.
        type Picked = (u16, f32, Vec<(f32, usize)>, usize);
        let mut groups: Vec<Picked> = Vec::new();
        let cap = cap.max(1);
        for (w, word) in matched.iter().enumerate() {
            let mut word = *word;
            while word != 0 {
                let i = w * 64 + word.trailing_zeros() as usize;
                word &= word - 1;
                // A story that began before the watermark was in an earlier
                // digest: a late syndicated copy does not bring it back.
                if self.candidates[i].story_id <= f.after_id || muted(i) {
                    continue;
                }
                let s = self.story_of[i];
                if std::mem::replace(&mut seen[s], true) {
                    continue;
                }
                let copies = &self.stories[s].copies;
                if let Some(keys) = keys
                    && copies
                        .iter()
                        .any(|&c| excluded.iter().any(|p| has_phrase(&keys[c], p)))
                {
                    continue;
                }
                let mut rep = self.stories[s].rep;
                if muted(rep) {
                    let Some(&other) = copies
                        .iter()
                        .filter(|&&c| !muted(c))
                        .min_by_key(|&&c| (!self.candidates[c].official, self.candidates[c].id))
                    else {
                        continue;
                    };
                    rep = other;
                    reps.insert(s, rep);
                }
                let best_topic = self.topics[rep]
                    .iter()
                    .filter(|(t, _)| every_topic || wanted.contains(t))
                    .fold(None, |best: Option<(u16, f32)>, &(t, sc)| match best {
                        Some((_, b)) if b >= sc => best,
                        _ => Some((t, sc)),
                    });
                let followed = follows.iter().any(|(_, b)| has(b, i) || has(b, rep));
                let (group, topic_score) = match best_topic {
                    Some((t, sc)) => (t, sc.min(1.0)),
                    None if followed => (FOLLOWED, 0.0),
                    None => (OTHER, 0.0),
                };
                let score = self.stories[s].base + topic_score + if followed { 1.0 } else { 0.0 };
                let g = match groups.iter().position(|g| g.0 == group) {
                    Some(g) => &mut groups[g],
                    None => {
                        groups.push((group, score, Vec::with_capacity(cap.min(8)), 0));
                        groups.last_mut().expect("just pushed")
                    }
                };
                // After the stories scoring as well: the first matched
                // (the newest) goes first among equals.
                let at = g.2.partition_point(|&(other, _)| other >= score);
                if at < cap {
                    if g.2.len() == cap {
                        g.2.pop();
                        g.3 += 1;
                    }
                    g.2.insert(at, (score, s));
                    g.1 = g.2[0].0;
                } else {
                    g.3 += 1;
                }
            }
        }
        // Groups with followed first, then by their best story, "other" last.
        groups.sort_by(|a, b| {
            (a.0 != FOLLOWED)
                .cmp(&(b.0 != FOLLOWED))
                .then((a.0 == OTHER).cmp(&(b.0 == OTHER)))
                .then(b.1.total_cmp(&a.1))
                .then(a.0.cmp(&b.0))
        });
        let groups = groups
            .into_iter()
            .map(|(group, _, entries, more)| Group {
                topic: match group {
                    FOLLOWED => "followed".to_string(),
                    OTHER => "other".to_string(),
                    _ => self.topic_ids[group as usize].to_string(),
                },
                entries: entries
                    .into_iter()
                    .map(|(score, s)| {
                        let rep = reps.get(&s).copied();
                        self.entry(s, rep, score, f, every_topic, &follows)
                    })
                    .collect(),
                more,
            })
            .collect();
        let newest = self.ids_desc.first().copied().unwrap_or(0);
        Selection {
            groups,
            max_article_id: newest.max(f.after_id),
        }
    }

    fn entry(
        &self,
        s: usize,
        rep: Option<usize>,
        score: f32,
        f: &Filters,
        every_topic: bool,
        follows: &[(&str, &Bits)],
    ) -> Entry<'_> {
        let story = &self.stories[s];
        let c = &self.candidates[rep.unwrap_or(story.rep)];
        let copies = &story.copies;
        let reasons = Reasons {
            topics: c
                .topics
                .iter()
                .filter(|(t, _, _)| every_topic || f.topics.contains(t))
                .map(|(t, _, _)| t.clone())
                .collect(),
            follows: follows
                .iter()
                .filter(|(_, b)| copies.iter().any(|&i| has(b, i)))
                .map(|(p, _)| p.to_string())
                .collect(),
            regions: c
                .regions
                .iter()
                .filter(|r| f.regions.is_empty() || f.regions.contains(r))
                .cloned()
                .collect(),
            official: c.official,
            quote: c.quote.is_some(),
            score,
        };
        Entry {
            article: c,
            // Shown from another outlet (the preferred one is muted): the
            // list of the others would name the muted one.
            also: if rep.is_some() { &[] } else { &story.also },
            reasons,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sixty articles over three topics, with scores that tie, newest
    /// first; every fourth a copy of the story before it.
    fn candidates(now: i64) -> Vec<Candidate> {
        (0..60i64)
            .rev()
            .map(|i| Candidate {
                id: i + 1,
                story_id: if i % 4 == 3 { i } else { i + 1 },
                source_id: Some(i % 3 + 1),
                source_name: format!("Outlet {}", i % 3),
                official: i % 5 == 0,
                url: format!("https://outlet.kz/{i}"),
                title: format!("Новость {i}"),
                language: "ru".into(),
                ingested_at: now - 3600,
                published_at: Some(now - 7200 + i),
                topics: vec![(
                    ["education", "healthcare", "local_government"][i as usize % 3].into(),
                    0.5 + (i % 4) as f32 / 10.0,
                    true,
                )],
                regions: vec![["almaty", "astana"][i as usize % 2].into()],
                people: vec![],
                quote: (i % 2 == 0).then(|| ("Сделаем".into(), None)),
                key_sentence: None,
            })
            .collect()
    }

    /// A capped group holds the first stories of the whole group, best
    /// first and the newest first among equals, and counts the rest.
    #[test]
    fn a_capped_group_is_the_head_of_the_whole_group() {
        let now = 1_764_000_000;
        let candidates = candidates(now);
        let index = Index::new(&candidates, &HashMap::new(), now, 48 * 3600);
        for f in [
            Filters::default(),
            Filters {
                topics: vec!["healthcare".into(), "education".into()],
                after_id: 17,
                ..Filters::default()
            },
            Filters {
                regions: vec!["astana".into()],
                ..Filters::default()
            },
        ] {
            let whole = index.select(&f, usize::MAX);
            for g in &whole.groups {
                assert_eq!(g.more, 0);
                for pair in g.entries.windows(2) {
                    let (a, b) = (&pair[0], &pair[1]);
                    assert!(
                        a.reasons.score > b.reasons.score
                            || (a.reasons.score == b.reasons.score && a.article.id > b.article.id),
                        "{} then {}",
                        a.article.id,
                        b.article.id
                    );
                }
            }
            for cap in [1, 3, 5] {
                let capped = index.select(&f, cap);
                let topics = |s: &Selection<'_>| -> Vec<String> {
                    s.groups.iter().map(|g| g.topic.clone()).collect()
                };
                assert_eq!(topics(&capped), topics(&whole));
                for (c, w) in capped.groups.iter().zip(&whole.groups) {
                    let ids = |g: &Group<'_>| -> Vec<i64> {
                        g.entries.iter().map(|e| e.article.id).collect()
                    };
                    let head: Vec<i64> = ids(w).into_iter().take(cap).collect();
                    assert_eq!(ids(c), head);
                    assert_eq!(c.more, w.entries.len() - c.entries.len());
                }
            }
        }
    }
}
