//! Digests: which stories each subscriber gets ([`select`]), how they read
//! ([`render`]), when they are due ([`schedule`]), and the run that queues
//! them in the outbox ([`Digester`]).

pub mod render;
pub mod schedule;
pub mod select;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::i18n::Texts;
use crate::store::{
    Candidate, DigestCommit, DigestEntry, OutKind, Pieces, Schedule, Store, StoreError, SubStatus,
    Subscriber,
};
use crate::text::Lang;
use chrono::Timelike;
use render::{Layout, Names, Style};
use select::{Filters, Index, Selection};

/// How far back a digest looks, whatever the subscriber's watermark.
pub const LOOKBACK_SECS: i64 = 7 * 24 * 3600;
/// The most articles one digest run considers.
pub const MAX_CANDIDATES: usize = 5000;
/// Articles whose text has a followed phrase, by phrase (lowercase).
type FollowHits = HashMap<String, Vec<i64>>;

/// The counts of one digest run.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RunReport {
    pub due: usize,
    pub digests: usize,
    pub messages: usize,
    pub empty: usize,
}

/// Builds and queues digests.
pub struct Digester<'a> {
    pub store: &'a Store,
    pub texts: &'a Texts,
    pub names: &'a (dyn Names + Sync),
    /// Stories per topic before "N more".
    pub cap: usize,
    /// Articles published longer ago go to no digest
    /// (`MAX_ARTICLE_AGE_HOURS`, [`DEFAULT_MAX_AGE`]).
    pub max_age: std::time::Duration,
}

/// Stories in one message of a digest; the rest come with "more".
pub const PAGE_STORIES: usize = 5;

/// Is it the subscriber's quiet hours at `now` (their time zone)?
pub fn is_quiet(sub: &Subscriber, now: i64) -> bool {
    sub.quiet.is_some_and(|q| {
        let at = schedule::local(schedule::zone(&sub.timezone), now);
        q.covers((at.hour() * 60 + at.minute()) as u16)
    })
}

/// How a subscriber's digest is laid out and paged (a channel gets every
/// page at once: its readers scroll).
pub fn layout_of(sub: &Subscriber) -> Layout {
    Layout {
        compact: sub.layout == crate::store::Layout::Compact,
        per_page: if sub.chat_kind == crate::store::ChatKind::Channel {
            usize::MAX
        } else {
            PAGE_STORIES
        },
    }
}

/// The entries one digest run has written as JSON, by what they hold, so
/// that an entry many digests share (the same story at the same place,
/// chosen for the same reasons) is serialized once and held once.
#[derive(Default)]
struct EntryTexts {
    by_hash: HashMap<u64, Vec<EntryText>, foldhash::fast::RandomState>,
    hasher: foldhash::fast::FixedState,
}

/// An entry's position, article, story and reasons, and its JSON.
type EntryText = (i64, i64, i64, select::Reasons, Arc<str>);

impl EntryTexts {
    /// The JSON of the entry at `position` (a [`DigestEntry`]).
    fn text(&mut self, position: i64, e: &select::Entry<'_>) -> Arc<str> {
        use std::hash::{BuildHasher, Hash, Hasher};
        let r = &e.reasons;
        let mut h = self.hasher.build_hasher();
        (position, e.article.id, e.article.story_id).hash(&mut h);
        (&r.topics, &r.follows, &r.regions, r.official, r.quote).hash(&mut h);
        r.score.to_bits().hash(&mut h);
        let same = self.by_hash.entry(h.finish()).or_default();
        if let Some((.., text)) = same.iter().find(|(p, a, s, reasons, _)| {
            *p == position
                && *a == e.article.id
                && *s == e.article.story_id
                && reasons.score.to_bits() == r.score.to_bits()
                && reasons == r
        }) {
            return text.clone();
        }
        let entry = DigestEntry {
            position,
            story_id: e.article.story_id,
            article_id: e.article.id,
            reasons: serde_json::to_string(r).unwrap_or_default(),
        };
        let text: Arc<str> = serde_json::to_string(&entry)
            .unwrap_or_else(|_| "null".into())
            .into();
        same.push((
            position,
            e.article.id,
            e.article.story_id,
            r.clone(),
            text.clone(),
        ));
        text
    }
}

/// The default of `MAX_ARTICLE_AGE_HOURS`: two days.
pub const DEFAULT_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(48 * 3600);

/// Everything a digest's content depends on, besides the articles.
fn signature(sub: &Subscriber, now: i64) -> String {
    let mut parts = vec![
        (sub.schedule == Schedule::Instant).to_string(),
        matches!(sub.schedule, Schedule::Weekly { .. }).to_string(),
        sub.language.clone(),
        sub.low_bandwidth.to_string(),
        sub.seen_article_id.to_string(),
        schedule::local(schedule::zone(&sub.timezone), now)
            .date_naive()
            .to_string(),
        format!("{:?}", layout_of(sub)),
        is_quiet(sub, now).to_string(),
        sub.muted
            .iter()
            .map(|m| m.source_id.to_string())
            .collect::<Vec<_>>()
            .join(","),
    ];
    for list in [&sub.topics, &sub.regions, &sub.follows, &sub.excludes] {
        let mut sorted: Vec<&str> = list.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        parts.push(sorted.join(","));
    }
    parts.join("|")
}

/// Filters of a subscriber.
pub fn filters_of(sub: &Subscriber) -> Filters {
    Filters {
        topics: sub.topics.clone(),
        regions: sub.regions.clone(),
        follows: sub.follows.clone(),
        after_id: sub.seen_article_id,
        weekly: matches!(sub.schedule, Schedule::Weekly { .. }),
        muted_sources: sub.muted.iter().map(|m| m.source_id).collect(),
        excludes: sub.excludes.clone(),
    }
}

impl Digester<'_> {
    /// Candidates and index inputs for subscribers whose watermark is at
    /// least `after_id`.
    fn load(
        &self,
        after_id: i64,
        follows: BTreeSet<String>,
        now: i64,
    ) -> Result<(Vec<Candidate>, FollowHits), StoreError> {
        let candidates =
            self.store
                .digest_candidates(after_id, now - LOOKBACK_SECS, MAX_CANDIDATES)?;
        let mut hits = HashMap::new();
        for phrase in follows {
            let ids = self.store.article_ids_matching(&phrase, after_id)?;
            hits.insert(phrase.to_lowercase(), ids);
        }
        Ok((candidates, hits))
    }

    /// Renders one subscriber's selection into a digest ready to queue.
    pub fn build(
        &self,
        sub: &Subscriber,
        selection: &Selection<'_>,
        batch: &str,
        kind: OutKind,
        now: i64,
    ) -> DigestCommit {
        let mut blocks = render::Blocks::default();
        let mut entries = EntryTexts::default();
        self.build_with(sub, selection, batch, kind, now, &mut blocks, &mut entries)
    }

    /// [`Digester::build`], reusing the entry blocks and entry texts of
    /// the run.
    #[allow(clippy::too_many_arguments)]
    fn build_with(
        &self,
        sub: &Subscriber,
        selection: &Selection<'_>,
        batch: &str,
        kind: OutKind,
        now: i64,
        blocks: &mut render::Blocks,
        entry_texts: &mut EntryTexts,
    ) -> DigestCommit {
        let lang = Lang::from_code(&sub.language).unwrap_or_default();
        let style = Style {
            lang,
            low_bandwidth: sub.low_bandwidth,
            instant: kind == OutKind::Instant,
        };
        let at = schedule::local(schedule::zone(&sub.timezone), now);
        let layout = layout_of(sub);
        let parts: Vec<Pieces> =
            render::render_with(selection, self.texts, self.names, style, layout, at, blocks)
                .into_iter()
                .map(render::Composed::into_pieces)
                .collect();
        // The entries as a JSON array, each entry a piece the digests
        // that share it hold once.
        let mut entries: Vec<Arc<str>> = vec![blocks.phrase("[").into_text()];
        if !parts.is_empty() {
            let comma = blocks.phrase(",").into_text();
            for (i, e) in selection.entries().enumerate() {
                if i > 0 {
                    entries.push(comma.clone());
                }
                entries.push(entry_texts.text(i as i64 + 1, e));
            }
        }
        entries.push(blocks.phrase("]").into_text());
        DigestCommit {
            chat_id: sub.chat_id,
            kind,
            batch: batch.into(),
            parts: parts.into(),
            entries: entries.into(),
            prev_seen_article_id: sub.seen_article_id,
            seen_article_id: selection.max_article_id,
            silent: is_quiet(sub, now),
            more: (layout.per_page != usize::MAX)
                .then(|| Arc::from(self.texts.t(lang, "digest.more_button"))),
        }
    }

    /// The digest a due subscriber gets in a run.
    fn build_due(
        &self,
        sub: &Subscriber,
        index: &Index<'_>,
        now: i64,
        blocks: &mut render::Blocks,
        entry_texts: &mut EntryTexts,
    ) -> DigestCommit {
        let kind = if sub.schedule == Schedule::Instant {
            OutKind::Instant
        } else {
            OutKind::Digest
        };
        let selection = index.select(&filters_of(sub), self.cap_for(sub));
        self.build_with(
            sub,
            &selection,
            // Unique per subscriber watermark: two runs in one second
            // never share a batch (see commit_digests).
            &format!("{}-{now}-{}", kind.as_str(), sub.seen_article_id),
            kind,
            now,
            blocks,
            entry_texts,
        )
    }

    fn max_age_secs(&self) -> i64 {
        i64::try_from(self.max_age.as_secs()).unwrap_or(i64::MAX)
    }

    fn cap_for(&self, sub: &Subscriber) -> usize {
        if sub.low_bandwidth {
            self.cap.min(3)
        } else {
            self.cap
        }
    }

    /// Builds the digests due at `now` (scheduled ones whose slot has
    /// passed, instant ones with new articles) and hands each to `sink`,
    /// in the order of chat ids (the order they are stored in, so that
    /// queuing writes each stored page once). Subscribers who follow the
    /// same things in the same language get the same digest: it is
    /// selected and rendered once, and its pieces shared. Distinct digests
    /// are built on all cores.
    pub fn for_each_due(
        &self,
        now: i64,
        mut sink: impl FnMut(DigestCommit) -> Result<(), StoreError>,
    ) -> Result<RunReport, StoreError> {
        let max_id = self.store.max_visible_article_id()?;
        let subs = self.store.subscribers_with_status(SubStatus::Active)?;
        let due: Vec<&Subscriber> = subs
            .iter()
            .filter(|s| match s.schedule {
                Schedule::Instant => s.seen_article_id < max_id,
                other => {
                    schedule::is_due(other, schedule::zone(&s.timezone), s.last_digest_at, now)
                }
            })
            .collect();
        let mut report = RunReport {
            due: due.len(),
            ..Default::default()
        };
        let Some(after_id) = due.iter().map(|s| s.seen_article_id).min() else {
            return Ok(report);
        };
        let follows: BTreeSet<String> =
            due.iter().flat_map(|s| s.follows.iter().cloned()).collect();
        let (candidates, hits) = self.load(after_id, follows, now)?;
        let index = Index::new(&candidates, &hits, now, self.max_age_secs());
        // One digest per distinct signature, built on every core (each
        // thread renders its own blocks; the store keeps each text once
        // whichever thread made it).
        let mut slots: HashMap<String, usize> = HashMap::new();
        let mut distinct: Vec<&Subscriber> = Vec::new();
        let slot_of: Vec<usize> = due
            .iter()
            .map(|sub| {
                *slots.entry(signature(sub, now)).or_insert_with(|| {
                    distinct.push(sub);
                    distinct.len() - 1
                })
            })
            .collect();
        drop(slots);
        // Built in blocks of slots on every core but one (left to the
        // sink), the blocks taken in order, and handed to `sink` in the
        // subscribers' order as soon as their slot is built: the first
        // digests are queued while the later ones are still being built. A
        // subscriber's slot is one an earlier subscriber made or the next
        // one, so the blocks are awaited in order.
        const BLOCK: usize = 256;
        let blocks = distinct.len().div_ceil(BLOCK);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get().saturating_sub(1).clamp(1, 4))
            .min(blocks.max(1));
        let next = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| -> Result<(), StoreError> {
            let (sender, receiver) = std::sync::mpsc::channel::<(usize, Vec<DigestCommit>)>();
            for _ in 0..threads {
                let (sender, next, index, distinct) = (sender.clone(), &next, &index, &distinct);
                scope.spawn(move || {
                    let mut blocks_made = render::Blocks::default();
                    let mut entry_texts = EntryTexts::default();
                    loop {
                        let b = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if b >= blocks {
                            break;
                        }
                        let subs = &distinct[b * BLOCK..((b + 1) * BLOCK).min(distinct.len())];
                        let built = subs
                            .iter()
                            .map(|sub| {
                                self.build_due(sub, index, now, &mut blocks_made, &mut entry_texts)
                            })
                            .collect();
                        // (the receiver is gone when the sink failed)
                        if sender.send((b, built)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(sender);
            let mut built: Vec<DigestCommit> = Vec::with_capacity(distinct.len());
            let mut waiting: HashMap<usize, Vec<DigestCommit>> = HashMap::new();
            for (sub, &slot) in due.iter().zip(&slot_of) {
                while slot >= built.len() {
                    // a worker that panicked sends nothing more: the scope
                    // passes its panic on
                    let Ok((b, block)) = receiver.recv() else {
                        return Ok(());
                    };
                    waiting.insert(b, block);
                    while let Some(block) = waiting.remove(&(built.len() / BLOCK)) {
                        built.extend(block);
                    }
                }
                let mut commit = built[slot].clone();
                commit.chat_id = sub.chat_id;
                if commit.parts.is_empty() {
                    report.empty += 1;
                } else {
                    report.digests += 1;
                    // A paged digest sends its first part; "more" the others.
                    report.messages += if commit.more.is_some() {
                        1
                    } else {
                        commit.parts.len()
                    };
                }
                sink(commit)?;
            }
            Ok(())
        })?;
        Ok(report)
    }

    /// Queues the digests due at `now`, written as they are built (see
    /// [`Digester::for_each_due`]) in transactions of some hundreds, each
    /// shared piece stored once for the whole run (see
    /// [`Store::digest_writer`]).
    pub fn run_due(&self, now: i64) -> Result<RunReport, StoreError> {
        let mut writer = self.store.digest_writer(now);
        let report = self.for_each_due(now, |commit| writer.push(commit))?;
        writer.finish()?;
        Ok(report)
    }

    /// `/digest`: what is new for this subscriber now, queued at once.
    /// Returns the number of stories (0: nothing new, nothing queued).
    pub fn digest_now(&self, sub: &Subscriber, now: i64) -> Result<usize, StoreError> {
        let follows = sub.follows.iter().cloned().collect();
        let (candidates, hits) = self.load(sub.seen_article_id, follows, now)?;
        let index = Index::new(&candidates, &hits, now, self.max_age_secs());
        let selection = index.select(&filters_of(sub), self.cap_for(sub));
        let stories = selection.entries().count();
        let commit = self.build(
            sub,
            &selection,
            &format!("now-{now}-{}", sub.seen_article_id),
            OutKind::Digest,
            now,
        );
        self.store.commit_digests(&[commit], now)?;
        Ok(stories)
    }

    /// A preview of the digest such filters would give, without queuing:
    /// the messages, and the selection's entries as JSON-ready rows.
    pub fn preview(
        &self,
        filters: &Filters,
        style: Style,
        now: i64,
    ) -> Result<(Vec<String>, Vec<serde_json::Value>), StoreError> {
        self.preview_as(filters, style, Layout::default(), now)
    }

    /// [`Digester::preview`] in a layout.
    pub fn preview_as(
        &self,
        filters: &Filters,
        style: Style,
        layout: Layout,
        now: i64,
    ) -> Result<(Vec<String>, Vec<serde_json::Value>), StoreError> {
        let (candidates, hits) = self.load(
            filters.after_id,
            filters.follows.iter().cloned().collect(),
            now,
        )?;
        let index = Index::new(&candidates, &hits, now, self.max_age_secs());
        let selection = index.select(filters, self.cap);
        let at = schedule::local(schedule::DEFAULT_TZ, now);
        let messages =
            render::render_digest_as(&selection, self.texts, self.names, style, layout, at);
        let rows = selection
            .groups
            .iter()
            .flat_map(|g| {
                g.entries.iter().map(move |e| {
                    serde_json::json!({
                        "group": g.topic,
                        "article_id": e.article.id,
                        "story_id": e.article.story_id,
                        "title": e.article.title,
                        "url": e.article.url,
                        "source": e.article.source_name,
                        "also": e.also,
                        "quote": e.article.quote.as_ref().map(|(t, s)| serde_json::json!({"text": t, "speaker": s})),
                        "regions": e.article.regions,
                        "reasons": e.reasons,
                    })
                })
            })
            .collect();
        Ok((messages, rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Candidate;
    use select::{Entry, Reasons};

    fn candidate(id: i64) -> Candidate {
        Candidate {
            id,
            story_id: id,
            source_id: Some(1),
            source_name: "Outlet".into(),
            official: false,
            url: format!("https://outlet.kz/{id}"),
            title: format!("Новость {id}"),
            language: "ru".into(),
            ingested_at: 0,
            published_at: None,
            topics: vec![],
            regions: vec![],
            people: vec![],
            quote: None,
            key_sentence: None,
        }
    }

    /// An entry's text is its JSON as `/why` reads it; the same entry in
    /// another digest is the same text, held once; any difference in what
    /// it holds is another text.
    #[test]
    fn entry_texts_are_their_json_and_shared_when_the_same() {
        let (a, b) = (candidate(7), candidate(8));
        let reasons = Reasons {
            topics: vec!["education".into()],
            follows: vec!["Кошанов \"Е.\"".into()],
            regions: vec!["almaty".into()],
            official: true,
            quote: false,
            score: 1.25,
        };
        let entry = |c, reasons: &Reasons| Entry {
            article: c,
            also: &[],
            reasons: reasons.clone(),
        };
        let mut texts = EntryTexts::default();
        let first = texts.text(1, &entry(&a, &reasons));
        let expected = serde_json::to_string(&DigestEntry {
            position: 1,
            story_id: 7,
            article_id: 7,
            reasons: serde_json::to_string(&reasons).unwrap(),
        })
        .unwrap();
        assert_eq!(&*first, expected);
        let read: DigestEntry = serde_json::from_str(&first).unwrap();
        assert_eq!(read.article_id, 7);
        assert!(Arc::ptr_eq(&first, &texts.text(1, &entry(&a, &reasons))));
        let mut other_score = reasons.clone();
        other_score.score = 1.5;
        let mut other_region = reasons.clone();
        other_region.regions = vec!["astana".into()];
        let others = [
            texts.text(2, &entry(&a, &reasons)),
            texts.text(1, &entry(&b, &reasons)),
            texts.text(1, &entry(&a, &other_score)),
            texts.text(1, &entry(&a, &other_region)),
        ];
        for (i, other) in others.iter().enumerate() {
            assert_ne!(**other, *first, "entry {i}");
        }
        assert!(others[3].contains("astana"));
    }
}
