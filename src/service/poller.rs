//! The poller: polls each due source once, stores every new article exactly
//! once, groups syndicated copies into stories, and records each failure
//! against its source with exponential back-off and a pause after a run of
//! failures. `ingest --once` calls [`Poller::poll_all`]; `run` calls
//! [`Poller::run`].

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde::Serialize;
use url::Url;

use crate::config::Config;
use crate::ingest::dedupe::{self, SAME_STORY};
use crate::ingest::extract::extract;
use crate::ingest::feed::{FeedItem, parse_feed};
use crate::ingest::fetch::{FetchError, Fetched, Fetcher};
use crate::ingest::listing::article_links;
use crate::model::{NewArticle, PollSuccess, Source, SourceKind, Validators};
use crate::store::{ArticleBatch, Store, StoreError};
use crate::text::lang;
use crate::text::normalize::normalize;

/// How far back a new article is compared for syndicated copies.
const STORY_WINDOW_SECS: i64 = 7 * 24 * 3600;
const STORY_CANDIDATES: usize = 5000;
/// Articles stored in one transaction: one commit and one flush of the
/// search index for the lot, instead of one of each per article. Above
/// the default per-poll cap, so a quick source's poll is one batch.
const BATCH_ARTICLES: usize = 50;
/// A batch is stored once its first article has waited this long: at the
/// default 1 s between two pages of a host, an article is in the store
/// (and a shutdown loses no more than that) a few seconds after it was
/// read, not at the end of a poll of 30 pages.
const BATCH_WAIT: Duration = Duration::from_secs(2);
/// Pages of search-index merging per idle wake (a few MB, milliseconds).
const TIDY_PAGES: i64 = 500;
/// Back-off never waits longer than this.
const MAX_BACKOFF_SECS: i64 = 24 * 3600;
/// Sources of different hosts polled at once.
const HOSTS_IN_PARALLEL: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("poll: {0}")]
    Parse(String),
    /// Reading one page took longer than `PARSE_TIMEOUT_SECS`.
    #[error("poll: {what}: reading it took longer than {secs} s (PARSE_TIMEOUT_SECS)")]
    ParseTimeout { what: String, secs: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The counts of one poll, printed by `ingest --once` as one JSON line.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IngestReport {
    pub sources: usize,
    pub not_modified: usize,
    pub new_articles: usize,
    /// Copies of a story from another outlet, stored under the same story.
    pub syndicated: usize,
    /// Items dropped: the same URL, canonical URL or text as a stored article.
    pub duplicates: usize,
    pub errors: usize,
    pub paused: usize,
    /// The database failed (a full disk, a read-only file): the first such
    /// error, for `ingest --once` to exit with.
    #[serde(skip)]
    pub store_error: Option<String>,
}

impl PollError {
    fn retry_after(&self) -> Option<Duration> {
        match self {
            PollError::Fetch(e) => e.retry_after(),
            _ => None,
        }
    }
}

impl IngestReport {
    /// Adds another poll's counts to these.
    pub fn add(&mut self, other: &IngestReport) {
        self.sources += other.sources;
        self.not_modified += other.not_modified;
        self.new_articles += other.new_articles;
        self.syndicated += other.syndicated;
        self.duplicates += other.duplicates;
        self.errors += other.errors;
        self.paused += other.paused;
        if self.store_error.is_none() {
            self.store_error.clone_from(&other.store_error);
        }
    }
}

/// What to do with an extracted article.
enum Verdict {
    Duplicate,
    New {
        story_id: Option<i64>,
        syndicated: bool,
    },
}

/// Turns an article into the summary stored beside it.
pub type Summarizer = dyn Fn(&ArticleDraft) -> Option<crate::model::Summary> + Send + Sync;

/// An article on its way into the store.
#[derive(Debug, Clone)]
pub struct ArticleDraft {
    pub url: Url,
    pub canonical_url: Option<Url>,
    pub title: String,
    pub text: String,
    pub published_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub language: crate::text::Lang,
}

/// A change in a source's health that moderators hear about.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceEvent {
    /// Paused after `failures` failures in a row.
    Paused {
        source_id: i64,
        name: String,
        failures: u32,
        reason: String,
    },
    /// Working again after `failures` failures in a row.
    Recovered {
        source_id: i64,
        name: String,
        failures: u32,
    },
}

/// Receives source health events.
pub type EventSink = dyn Fn(SourceEvent) + Send + Sync;

/// Failures in a row after which a success counts as a recovery.
const RECOVERY_AFTER: u32 = 3;

pub struct Poller {
    store: Arc<Store>,
    fetcher: Fetcher,
    interval: Duration,
    max_failures: u32,
    max_articles: usize,
    parse_timeout: Duration,
    summarizer: Option<Box<Summarizer>>,
    events: Option<Box<EventSink>>,
    /// Counts of every poll since start, for metrics.
    totals: std::sync::Mutex<(IngestReport, Option<i64>)>,
}

impl Poller {
    pub fn new(store: Arc<Store>, config: &Config) -> Result<Poller, PollError> {
        Ok(Poller {
            store,
            fetcher: Fetcher::new(config.into())?,
            interval: config.poll_interval,
            max_failures: config.max_source_failures,
            max_articles: config.max_articles_per_poll,
            parse_timeout: config.parse_timeout,
            summarizer: None,
            events: None,
            totals: std::sync::Mutex::new((IngestReport::default(), None)),
        })
    }

    /// Source health events (paused, recovered) go to `sink`.
    pub fn with_events(mut self, sink: Box<EventSink>) -> Poller {
        self.events = Some(sink);
        self
    }

    /// Everything polled since start, and the time of the last successful poll.
    pub fn totals(&self) -> (IngestReport, Option<i64>) {
        self.totals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn emit(&self, event: SourceEvent) {
        if let Some(sink) = &self.events {
            sink(event);
        }
    }

    /// Summaries are made as articles are stored.
    pub fn with_summarizer(mut self, f: Box<Summarizer>) -> Poller {
        self.summarizer = Some(f);
        self
    }

    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    /// Polls every source that is not paused, whatever its schedule.
    pub async fn poll_all(&self, now: i64) -> Result<IngestReport, PollError> {
        let sources: Vec<Source> = self
            .store
            .call(|db| db.list_sources())?
            .into_iter()
            .filter(|s| !s.paused)
            .collect();
        Ok(self.poll_sources(sources, now).await)
    }

    /// Polls the sources whose next poll time has come.
    pub async fn poll_due(&self, now: i64) -> Result<IngestReport, PollError> {
        let sources = self.store.call(|db| db.due_sources(now))?;
        Ok(self.poll_sources(sources, now).await)
    }

    /// Polls until `shutdown` turns true, waking every few seconds to see
    /// which sources are due. One log line per cycle that did anything.
    pub async fn run(&self, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        // The search index has segments to merge (each stored batch adds
        // one): merged in small steps when a wake finds no source due.
        let mut untidy = true;
        loop {
            let now = chrono::Utc::now().timestamp();
            // A shutdown stops the cycle at its next wait: a page fetch or
            // the host delay. A source's articles are stored in batches and
            // its poll is recorded only when it finished, so what was not
            // stored yet (the batch in progress too) is fetched again after
            // the restart.
            let cycle = tokio::select! {
                r = self.poll_due(now) => r,
                _ = shutdown.wait_for(|stop| *stop) => {
                    log::info!("poller: stopped in the middle of a cycle");
                    return;
                }
            };
            match cycle {
                Ok(r) if r.sources > 0 => {
                    untidy |= r.new_articles + r.syndicated > 0;
                    log::info!(
                        "poller: cycle: {} sources, {} not modified, {} new, {} syndicated, {} duplicates, {} errors",
                        r.sources,
                        r.not_modified,
                        r.new_articles,
                        r.syndicated,
                        r.duplicates,
                        r.errors
                    )
                }
                Ok(_) if untidy => {
                    match self
                        .store
                        .run_blocking(|s| s.tidy_search_index(TIDY_PAGES))
                        .await
                    {
                        Ok(more) => untidy = more,
                        Err(e) => {
                            untidy = false;
                            log::warn!("poller: merging the search index: {e}");
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => log::error!("poller: cycle failed: {e}"),
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                log::info!("poller: stopped");
                return;
            }
        }
    }

    /// Hosts in parallel, the sources of one host one after another.
    async fn poll_sources(&self, sources: Vec<Source>, now: i64) -> IngestReport {
        let mut by_host: BTreeMap<String, Vec<Source>> = BTreeMap::new();
        for s in sources {
            let host = Url::parse(&s.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default();
            by_host.entry(host).or_default().push(s);
        }
        let reports: Vec<IngestReport> = futures_util::stream::iter(by_host.into_values())
            .map(|group| async move {
                let mut report = IngestReport::default();
                for source in group {
                    report.add(&self.poll_source(&source, now).await);
                }
                report
            })
            .buffer_unordered(HOSTS_IN_PARALLEL)
            .collect()
            .await;
        let mut total = IngestReport::default();
        for r in &reports {
            total.add(r);
        }
        // The articles of this cycle go from the log into the file in one
        // go, not a checkpoint every few articles.
        if total.new_articles + total.syndicated > 0
            && let Err(e) = self.store.call(|db| db.checkpoint())
        {
            log::warn!("poller: checkpoint after the cycle: {e}");
        }
        total
    }

    /// Polls one source and records the outcome against it.
    pub async fn poll_source(&self, source: &Source, now: i64) -> IngestReport {
        let mut report = IngestReport {
            sources: 1,
            ..Default::default()
        };
        match self.fetch_source(source, now, &mut report).await {
            Ok(polled) => {
                // A feed's own TTL may lengthen the interval, never shorten it.
                let ttl = i64::from(polled.ttl_minutes.unwrap_or(0))
                    .saturating_mul(60)
                    .min(MAX_BACKOFF_SECS);
                let next = now + (self.interval.as_secs() as i64).max(ttl);
                let ok = PollSuccess {
                    validators: polled.validators,
                    next_poll_at: next,
                };
                if let Err(e) = self
                    .store
                    .call(|db| db.record_poll_success(source.id, &ok, now))
                {
                    log::error!("poller: source {} ({}): {e}", source.id, source.name);
                }
                if source.error_count >= RECOVERY_AFTER {
                    log::info!(
                        "poller: source {} ({}) recovered after {} failures",
                        source.id,
                        source.name,
                        source.error_count
                    );
                    self.emit(SourceEvent::Recovered {
                        source_id: source.id,
                        name: source.name.clone(),
                        failures: source.error_count,
                    });
                }
                self.totals.lock().unwrap_or_else(|e| e.into_inner()).1 = Some(now);
            }
            Err(PollError::Store(e)) => {
                // Our database failed (a full disk, a read-only file), not
                // the source: it is neither backed off nor paused for it.
                report.errors += 1;
                log::error!("poller: source {} ({}): {e}", source.id, source.name);
                report.store_error = Some(e.plain());
            }
            Err(e) => {
                report.errors += 1;
                let failures = source.error_count + 1;
                let pause = failures >= self.max_failures;
                let backoff = (self.interval.as_secs() as i64)
                    .saturating_mul(1 << failures.min(10))
                    .min(MAX_BACKOFF_SECS);
                // Never sooner than the server asked (429/503 Retry-After).
                let wait = e
                    .retry_after()
                    .map_or(backoff, |d| backoff.max(d.as_secs() as i64));
                let message = e.to_string();
                if pause {
                    report.paused += 1;
                    log::warn!(
                        "poller: source {} ({}) paused after {failures} failures: {message}",
                        source.id,
                        source.name
                    );
                } else {
                    log::warn!(
                        "poller: source {} ({}) failed ({failures} in a row), retry in {wait}s: {message}",
                        source.id,
                        source.name
                    );
                }
                if let Err(e) = self
                    .store
                    .call(|db| db.record_poll_failure(source.id, &message, now + wait, pause, now))
                {
                    log::error!("poller: source {} ({}): {e}", source.id, source.name);
                }
                if pause {
                    self.emit(SourceEvent::Paused {
                        source_id: source.id,
                        name: source.name.clone(),
                        failures,
                        reason: message,
                    });
                }
            }
        }
        self.totals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .add(&report);
        report
    }

    async fn fetch_source(
        &self,
        source: &Source,
        now: i64,
        report: &mut IngestReport,
    ) -> Result<Polled, PollError> {
        let validators = Validators {
            etag: source.etag.clone(),
            last_modified: source.last_modified.clone(),
        };
        let page = match self
            .fetcher
            .get_conditional(&source.url, &validators)
            .await?
        {
            Fetched::NotModified => {
                report.not_modified += 1;
                return Ok(Polled {
                    validators: None,
                    ttl_minutes: None,
                });
            }
            Fetched::Page(page) => page,
        };
        let (body, base) = (page.text(), page.url.clone());
        let (kind, selector) = (source.kind, source.link_selector.clone());
        let (mut items, ttl_minutes) = self
            .bounded(&source.url, move || match kind {
                SourceKind::Feed => parse_feed(&body, &base)
                    .map(|f| {
                        (
                            f.items.into_iter().map(Item::Feed).collect::<Vec<_>>(),
                            f.ttl_minutes,
                        )
                    })
                    .map_err(|e| PollError::Parse(e.to_string())),
                SourceKind::Listing => article_links(&body, &base, selector.as_deref())
                    .map(|links| (links.into_iter().map(Item::Link).collect(), None))
                    .map_err(|e| PollError::Parse(e.to_string())),
            })
            .await??;
        // Newest first whatever order the feed lists them in (undated ones
        // after, in their order): what the cap leaves waits for the next poll.
        items.sort_by_key(|i| std::cmp::Reverse(i.published_at()));
        let mut complete = true;
        let mut pages = 0;
        // Articles read and summarized, waiting to be stored together.
        let mut batch: Vec<NewArticle> = Vec::new();
        let mut batch_since = std::time::Instant::now();
        for item in items {
            let url = dedupe::canonical_url(item.url());
            if in_batch(&batch, url.as_str()) || self.store.call(|db| db.knows_url(url.as_str()))? {
                report.duplicates += 1;
                continue;
            }
            // The cap counts pages fetched, never items already stored.
            if item.needs_page() {
                if pages >= self.max_articles {
                    complete = false;
                    continue;
                }
                pages += 1;
            }
            match self.read_item(source, item, url).await {
                Ok(Some(article)) => {
                    if batch.is_empty() {
                        batch_since = std::time::Instant::now();
                    }
                    batch.push(article);
                    if batch.len() >= BATCH_ARTICLES || batch_since.elapsed() >= BATCH_WAIT {
                        complete &= self.store_batch(source, &mut batch, now, report)?;
                    }
                }
                Ok(None) => report.duplicates += 1,
                Err(e @ PollError::Store(_)) => return Err(e),
                Err(e @ PollError::ParseTimeout { .. }) => {
                    // What was read before is kept: the next poll reads
                    // the feed in full and skips it as stored.
                    self.store_batch(source, &mut batch, now, report)?;
                    return Err(e);
                }
                Err(e) => {
                    complete = false;
                    report.errors += 1;
                    log::warn!("poller: source {} ({}): {e}", source.id, source.name);
                }
            }
        }
        complete &= self.store_batch(source, &mut batch, now, report)?;
        // Items that failed or were left for later must be seen again: the
        // next poll fetches the feed in full instead of getting a 304.
        let validators = if complete {
            page.validators
        } else {
            Validators::default()
        };
        Ok(Polled {
            validators: Some(validators),
            ttl_minutes,
        })
    }

    /// Reads one item into an article ready to store (summarized); `None`
    /// for a duplicate of a stored article.
    async fn read_item(
        &self,
        source: &Source,
        item: Item,
        url: Url,
    ) -> Result<Option<NewArticle>, PollError> {
        let draft = match item {
            Item::Feed(f) if !f.is_teaser() => ArticleDraft {
                language: lang::detect(&f.text),
                url: url.clone(),
                canonical_url: None,
                title: f.title,
                text: f.text,
                published_at: f.published_at,
            },
            other => {
                let page = self.fetcher.get(url.as_str()).await?;
                let (html, base) = (page.text(), page.url.clone());
                let found = self
                    .bounded(url.as_str(), move || extract(&html, Some(&base)))
                    .await?;
                let feed = match other {
                    Item::Feed(f) => Some(f),
                    Item::Link(_) => None,
                };
                ArticleDraft {
                    url: url.clone(),
                    canonical_url: found
                        .canonical_url
                        .as_deref()
                        .and_then(|c| Url::parse(c).ok())
                        .map(|c| dedupe::canonical_url(&c)),
                    title: Some(found.title)
                        .filter(|t| !t.is_empty())
                        .or_else(|| feed.as_ref().map(|f| f.title.clone()))
                        .unwrap_or_default(),
                    published_at: found
                        .published_at
                        .or_else(|| feed.as_ref().and_then(|f| f.published_at)),
                    language: found.language,
                    text: if found.text.trim().is_empty() {
                        feed.map(|f| f.text).unwrap_or_default()
                    } else {
                        found.text
                    },
                }
            }
        };
        self.prepare_draft(source, draft)
    }

    /// Normalizes a draft, computes its dedupe keys and summary. Articles
    /// the store already holds (by canonical URL, or the same text from the
    /// same outlet) are dropped here, before the summarizer's work; the
    /// story is found when the batch is stored ([`Poller::store_batch`]).
    fn prepare_draft(
        &self,
        source: &Source,
        mut draft: ArticleDraft,
    ) -> Result<Option<NewArticle>, PollError> {
        draft.title = normalize(draft.title.trim());
        draft.text = normalize(&draft.text);
        if draft.text.trim().is_empty() {
            return Err(PollError::Parse(format!(
                "{}: no article text found",
                draft.url
            )));
        }
        if let Some(c) = &draft.canonical_url
            && c != &draft.url
            && self.store.call(|db| db.knows_url(c.as_str()))?
        {
            return Ok(None);
        }
        let hash = dedupe::content_hash(&draft.text);
        if self
            .store
            .call(|db| db.find_by_content_hash(&hash))?
            .iter()
            .any(|(_, src, _)| *src == Some(source.id))
        {
            return Ok(None);
        }
        let minhash = dedupe::minhash(&draft.text);
        let summary = self.summarizer.as_ref().and_then(|f| f(&draft));
        Ok(Some(NewArticle {
            source_id: Some(source.id),
            url: draft.url.to_string(),
            canonical_url: draft.canonical_url.map(|c| c.to_string()),
            title: draft.title,
            text: draft.text,
            published_at: draft.published_at,
            // The summary's language, so the article and its summary agree.
            language: summary
                .as_ref()
                .map_or(draft.language, |s| s.language)
                .code()
                .to_string(),
            content_hash: hash,
            minhash,
            story_id: None,
            summary,
        }))
    }

    /// Stores the batch's articles in one transaction, each judged against
    /// the store and the articles before it in the batch: a duplicate is
    /// dropped, a copy joins its story. An article the store refuses (a
    /// constraint) is counted as an error and the others are stored;
    /// `false` then, so the source's feed is read in full next time. A
    /// failure of the database stores none of them (the poll is not
    /// recorded, so they are read again).
    fn store_batch(
        &self,
        source: &Source,
        batch: &mut Vec<NewArticle>,
        now: i64,
        report: &mut IngestReport,
    ) -> Result<bool, PollError> {
        if batch.is_empty() {
            return Ok(true);
        }
        let articles = std::mem::take(batch);
        let outcomes = self.store.call(|db| {
            db.article_batch(|tx| {
                let mut outcomes = Vec::with_capacity(articles.len());
                for mut article in articles {
                    let known = match &article.canonical_url {
                        Some(c) => c != &article.url && tx.knows_url(c)?,
                        None => false,
                    };
                    let verdict = if known {
                        Verdict::Duplicate
                    } else {
                        judge(tx, source, &article.content_hash, &article.minhash, now)?
                    };
                    let Verdict::New {
                        story_id,
                        syndicated,
                    } = verdict
                    else {
                        outcomes.push(Stored::Duplicate);
                        continue;
                    };
                    article.story_id = story_id;
                    outcomes.push(match tx.insert(&article, now) {
                        Ok(Some(_)) => Stored::New { syndicated },
                        Ok(None) => Stored::Duplicate,
                        Err(e) if e.concerns_one_row() => Stored::Refused(article.url, e),
                        Err(e) => return Err(e),
                    });
                }
                Ok(outcomes)
            })
        })?;
        let mut complete = true;
        for outcome in outcomes {
            match outcome {
                Stored::New { syndicated: true } => report.syndicated += 1,
                Stored::New { syndicated: false } => report.new_articles += 1,
                Stored::Duplicate => report.duplicates += 1,
                Stored::Refused(url, e) => {
                    complete = false;
                    report.errors += 1;
                    log::warn!(
                        "poller: source {} ({}): {url}: not stored: {e}",
                        source.id,
                        source.name
                    );
                }
            }
        }
        Ok(complete)
    }

    /// Runs `parse` on a thread of its own and waits at most the parse
    /// timeout: a page that takes longer is abandoned (its thread finishes
    /// on its own) and the poller goes on.
    async fn bounded<T: Send + 'static>(
        &self,
        what: &str,
        parse: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PollError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("poller-parse".into())
            // Deeply nested pages need room on the stack.
            .stack_size(16 * 1024 * 1024)
            .spawn(move || {
                let _ = tx.send(parse());
            })
            .map_err(|e| PollError::Parse(format!("{what}: no thread to read it on: {e}")))?;
        match tokio::time::timeout(self.parse_timeout, rx).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_)) => Err(PollError::Parse(format!("{what}: reading it failed"))),
            Err(_) => Err(PollError::ParseTimeout {
                what: what.to_string(),
                secs: self.parse_timeout.as_secs_f64().ceil() as u64,
            }),
        }
    }
}

/// What became of one article of a batch.
enum Stored {
    New {
        syndicated: bool,
    },
    Duplicate,
    /// The store refused this article (the others are stored).
    Refused(String, StoreError),
}

/// Same text from the same outlet is a duplicate; the same or nearly the
/// same text from another outlet is a syndicated copy of its story.
fn judge(
    batch: &mut ArticleBatch<'_>,
    source: &Source,
    hash: &str,
    minhash: &[u8],
    now: i64,
) -> Result<Verdict, StoreError> {
    let same_text = batch.find_by_content_hash(hash)?;
    if same_text.iter().any(|(_, src, _)| *src == Some(source.id)) {
        return Ok(Verdict::Duplicate);
    }
    if let Some((_, _, story)) = same_text.first() {
        return Ok(Verdict::New {
            story_id: Some(*story),
            syndicated: true,
        });
    }
    // The most similar at or above SAME_STORY; of equals, the oldest
    // (the fingerprints come newest first).
    let mut best: Option<(f32, i64, Option<i64>)> = None;
    let own = dedupe::lanes(minhash);
    batch.scan_recent_fingerprints(now - STORY_WINDOW_SECS, STORY_CANDIDATES, |f, lanes| {
        let floor = best.map_or(SAME_STORY, |(b, _, _)| b);
        let sim = match (&own, lanes) {
            (Some(a), Some(b)) => dedupe::similar_lanes(a, b, floor),
            _ => dedupe::similar_enough(minhash, &f.minhash, floor),
        };
        if let Some(sim) = sim {
            best = Some((sim, f.story_id, f.source_id));
        }
    })?;
    Ok(match best {
        Some((_, story_id, source_id)) => Verdict::New {
            story_id: Some(story_id),
            syndicated: source_id != Some(source.id),
        },
        None => Verdict::New {
            story_id: None,
            syndicated: false,
        },
    })
}

/// Whether an article of the batch has this URL or canonical URL.
fn in_batch(batch: &[NewArticle], url: &str) -> bool {
    batch
        .iter()
        .any(|a| a.url == url || a.canonical_url.as_deref() == Some(url))
}

/// What one successful poll of a source found out.
struct Polled {
    /// New validators to keep (`None`: keep the stored ones, after a 304).
    validators: Option<Validators>,
    ttl_minutes: Option<u32>,
}

enum Item {
    Feed(FeedItem),
    Link(Url),
}

impl Item {
    fn url(&self) -> &Url {
        match self {
            Item::Feed(f) => &f.url,
            Item::Link(u) => u,
        }
    }

    fn published_at(&self) -> Option<i64> {
        match self {
            Item::Feed(f) => f.published_at.map(|d| d.timestamp()),
            Item::Link(_) => None,
        }
    }

    /// Whether storing it takes a fetch of the article page.
    fn needs_page(&self) -> bool {
        match self {
            Item::Feed(f) => f.is_teaser(),
            Item::Link(_) => true,
        }
    }
}
