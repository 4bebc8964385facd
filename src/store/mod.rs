//! SQLite storage behind one [`Store`] type with intention-named methods.
//!
//! Migrations live in `migrations/`, are applied in order and keyed by
//! `PRAGMA user_version`. The database runs in WAL mode with a busy timeout;
//! every multi-step write is one transaction.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use parking_lot::{FairMutex, FairMutexGuard};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::text::stem;

mod bot_support;
mod facets;
mod faults;
pub mod lock;
mod moderation;
mod outbox;
mod pages;
mod subscribers;

pub use crate::model::{
    Article, Fingerprint, NewArticle, NewSource, PollSuccess, Source, SourceKind,
};
pub use facets::{Candidate, QuoteRow};
pub use faults::Fault;
pub use moderation::{AuditEntry, Role, Stats};
pub use outbox::{DigestCommit, DigestEntry, NewMessage, OutKind, OutMessage, Pieces};
pub use pages::{PageTake, more_data};
pub use subscribers::{ChatKind, Layout, Quiet, Schedule, SubStatus, Subscriber};

/// The write-ahead log is copied back into the database by itself once it
/// holds this many pages (32 MB): a bound, the poller checkpoints sooner.
const WAL_AUTOCHECKPOINT_PAGES: i64 = 8_192;

/// Ordered migrations: index + 1 is the `user_version` after each.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_sources_articles.sql"),
    include_str!("migrations/002_subscribers_delivery.sql"),
    include_str!("migrations/003_fingerprints.sql"),
    include_str!("migrations/004_preferences_pages.sql"),
    include_str!("migrations/005_composed_messages.sql"),
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("store: {what} not found")]
    NotFound { what: String },
    #[error("store: a source with URL {0} already exists")]
    DuplicateSource(String),
    #[error(
        "store: the database is at schema version {found}, newer than this build knows ({known}); upgrade civic-digest"
    )]
    TooNew { found: i64, known: i64 },
    /// Another process polls and sends from this database.
    #[error(transparent)]
    Locked(lock::LockError),
    /// A call run on a blocking thread did not finish (it panicked, or the
    /// runtime is shutting down).
    #[error("store: a background call failed: {0}")]
    Background(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The SQLite database. Cheap to share behind an `Arc`; calls are short.
/// One connection writes (and reads what must see a write in progress);
/// a few more only read, so in WAL mode a long read (the subscribers of a
/// digest run) neither waits for the writer nor makes it wait, and a
/// handler's read does not queue behind a batch being written.
pub struct Store {
    /// The writer's connection, handed over in turn: a long run of short
    /// transactions (a digest run queuing 100,000) lets a handler's write
    /// in between its transactions instead of winning the lock again and
    /// again.
    conn: FairMutex<Connection>,
    /// Read-only connections to the same file (none in memory: there the
    /// writer's connection is the only view of the database).
    readers: Vec<FairMutex<Connection>>,
    /// The database file (`None` in memory), for the writer lock.
    path: Option<PathBuf>,
    /// Held by the one process that polls and sends ([`Store::claim_writer`]).
    writer: Mutex<Option<lock::WriterLock>>,
    /// Recent fingerprints, read once and then only the rows added since.
    fingerprints: Mutex<FingerprintCache>,
}

/// The fingerprints of the story window in memory, oldest first. Rows are
/// only ever added to `article_fingerprints` with a higher article id, so
/// rows above `last_id` are all that is new since the last read, whoever
/// wrote them (another process included).
#[derive(Default)]
struct FingerprintCache {
    rows: VecDeque<Fingerprint>,
    /// Each row's signature as its 64 hashes side by side ([`Lanes`]),
    /// `None` for one of another length: comparing a new article with
    /// thousands of them reads one contiguous block, not a heap blob each.
    lanes: VecDeque<Option<Lanes>>,
    ingested_at: VecDeque<i64>,
    /// The highest article id read.
    last_id: i64,
    /// What the rows were loaded for: `(since, limit)` of the first read;
    /// `None` until then, or after a change that makes them stale.
    loaded: Option<(i64, usize)>,
}

impl FingerprintCache {
    fn push(&mut self, f: Fingerprint, ingested_at: i64) {
        self.last_id = self.last_id.max(f.article_id);
        self.lanes.push_back(lanes_of(&f.minhash));
        self.rows.push_back(f);
        self.ingested_at.push_back(ingested_at);
    }

    /// Drops rows older than `since` from the front and keeps at most `limit`.
    fn trim(&mut self, since: i64, limit: usize) {
        while self.rows.len() > limit || self.ingested_at.front().is_some_and(|&t| t < since) {
            self.rows.pop_front();
            self.lanes.pop_front();
            self.ingested_at.pop_front();
        }
    }
}

/// A MinHash signature as stored: 64 hashes of 32 bits, little-endian
/// (`ingest::dedupe::minhash`).
pub type Lanes = [u32; 64];

/// The hashes of a stored signature; `None` when it is not 64 of them.
fn lanes_of(minhash: &[u8]) -> Option<Lanes> {
    let (chunks, rest) = minhash.as_chunks::<4>();
    if chunks.len() != 64 || !rest.is_empty() {
        return None;
    }
    let mut lanes = [0u32; 64];
    for (lane, chunk) in lanes.iter_mut().zip(chunks) {
        *lane = u32::from_le_bytes(*chunk);
    }
    Some(lanes)
}

/// Read-only connections beside the writer's.
const READERS: usize = 3;

/// A read-only connection to a database the writer has opened (and so
/// put in WAL mode and migrated).
fn open_reader(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "query_only", "ON")?;
    conn.pragma_update(None, "cache_size", -16_384)?;
    Ok(conn)
}

fn fingerprint_from_row(r: &Row<'_>) -> rusqlite::Result<(Fingerprint, i64)> {
    Ok((
        Fingerprint {
            article_id: r.get(0)?,
            source_id: r.get(1)?,
            story_id: r.get(2)?,
            minhash: r.get(3)?,
        },
        r.get(4)?,
    ))
}

impl Store {
    /// Opens (or creates) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        let mut store = Store::init(Connection::open(path)?)?;
        store.path = Some(path.to_path_buf());
        for _ in 0..READERS {
            store.readers.push(FairMutex::new(open_reader(path)?));
        }
        Ok(store)
    }

    /// A private in-memory database, for tests and previews.
    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store> {
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 64 MB of page cache (the default is 2 MB): the indexes a new
        // article touches (URL, text hash, search terms) stay in memory as
        // the archive grows past the default's reach.
        conn.pragma_update(None, "cache_size", -65_536)?;
        // Statement journals (a multi-row INSERT, an INSERT OR REPLACE)
        // and temporary indexes in memory: a file for them was created,
        // written and closed again in every transaction of a digest run.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // The statements a digest run writes with (see `outbox`) stay
        // prepared beside everything else the writer runs.
        conn.set_prepared_statement_cache_capacity(64);
        // Each stored article is a transaction of its own. SQLite's default
        // copies the log back into the file every 1,000 pages, which in a
        // large archive means writing back the same scattered index pages
        // again and again during one poll; the poller checkpoints once a
        // cycle instead ([`Store::checkpoint`]) and this is only the bound.
        conn.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)?;
        let store = Store {
            conn: FairMutex::new(conn),
            readers: Vec::new(),
            path: None,
            writer: Mutex::new(None),
            fingerprints: Mutex::new(FingerprintCache::default()),
        };
        store.migrate()?;
        tune_search_index(&store.conn())?;
        Ok(store)
    }

    pub(crate) fn conn(&self) -> FairMutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (every
        // write is a transaction), and the lock is not poisoned by it.
        self.conn.lock()
    }

    /// Runs store work on tokio's blocking threads, so an async task never
    /// waits for SQLite, or for the writer's connection, on a runtime
    /// worker (the dispatcher's and the sender's tasks share two). The
    /// sync methods stay for code that already runs off the runtime.
    pub async fn run_blocking<T, F>(self: &std::sync::Arc<Self>, f: F) -> Result<T>
    where
        F: FnOnce(&Store) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| StoreError::Background(e.to_string()))?
    }

    /// Runs store work from async code without holding up the runtime: on
    /// a multi-thread runtime the calling worker hands its other tasks to
    /// another thread for the length of the call (`block_in_place`), so a
    /// handler waiting for SQLite, or for the writer's connection while a
    /// digest run queues, never stalls the dispatcher's and the sender's
    /// other tasks. Unlike [`Store::run_blocking`] the work may borrow.
    /// Outside a multi-thread runtime (a plain thread, a single-thread
    /// test runtime) it simply runs.
    pub fn call<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
        use tokio::runtime::{Handle, RuntimeFlavor};
        match Handle::try_current() {
            Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(|| f(self))
            }
            _ => f(self),
        }
    }

    /// A connection for reads that need not see an uncommitted write: a
    /// free reader, else the least busy guess; the writer's connection when
    /// there are no readers (in memory).
    pub(crate) fn read(&self) -> FairMutexGuard<'_, Connection> {
        if let Some(guard) = self.readers.iter().find_map(|r| r.try_lock()) {
            return guard;
        }
        if self.readers.is_empty() {
            return self.conn();
        }
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let i = NEXT.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        self.readers[i].lock()
    }

    fn migrate(&self) -> Result<()> {
        let mut conn = self.conn();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::TooNew {
                found: version,
                known,
            });
        }
        // Foreign keys are off while migrations run, as SQLite asks for a
        // table rebuild (dropping a parent would cascade to its children);
        // they are checked before each migration commits.
        if (version as usize) < MIGRATIONS.len() {
            conn.pragma_update(None, "foreign_keys", "OFF")?;
        }
        let result = (|| -> Result<()> {
            for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
                let tx = conn.transaction()?;
                tx.execute_batch(sql)?;
                let broken: Option<String> = tx
                    .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
                    .optional()?;
                if let Some(table) = broken {
                    log::warn!(
                        "store: migration {} found broken references in {table}",
                        i + 1
                    );
                }
                tx.pragma_update(None, "user_version", (i + 1) as i64)?;
                tx.commit()?;
                log::info!("store: migrated to schema version {}", i + 1);
            }
            Ok(())
        })();
        conn.pragma_update(None, "foreign_keys", "ON")?;
        result
    }

    /// The schema version this database is at.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    // ---- sources -------------------------------------------------------

    /// Adds a source; refuses a URL that is already there.
    pub fn add_source(&self, s: &NewSource, now: i64) -> Result<i64> {
        let conn = self.conn();
        let res = conn.execute(
            "INSERT INTO sources (name, url, kind, language, region, official, link_selector, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![s.name, s.url, s.kind.as_str(), s.language, s.region, s.official, s.link_selector, now],
        );
        match res {
            Ok(_) => Ok(conn.last_insert_rowid()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(StoreError::DuplicateSource(s.url.clone()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Adds the sources whose URLs are not there yet, in one transaction;
    /// returns how many were added.
    pub fn add_missing_sources(&self, sources: &[NewSource], now: i64) -> Result<usize> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut added = 0;
        for s in sources {
            added += tx.execute(
                "INSERT OR IGNORE INTO sources (name, url, kind, language, region, official, link_selector, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![s.name, s.url, s.kind.as_str(), s.language, s.region, s.official, s.link_selector, now],
            )?;
        }
        tx.commit()?;
        Ok(added)
    }

    pub fn list_sources(&self) -> Result<Vec<Source>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("{SOURCE_SELECT} ORDER BY s.id"))?;
        let rows = stmt.query_map([], source_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn get_source(&self, id: i64) -> Result<Source> {
        let conn = self.conn();
        conn.query_row(
            &format!("{SOURCE_SELECT} WHERE s.id = ?1"),
            [id],
            source_from_row,
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: format!("source {id}"),
        })
    }

    pub fn find_source_by_url(&self, url: &str) -> Result<Option<Source>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                &format!("{SOURCE_SELECT} WHERE s.url = ?1"),
                [url],
                source_from_row,
            )
            .optional()?)
    }

    /// Removes a source; its articles stay, without a source.
    pub fn remove_source(&self, id: i64) -> Result<()> {
        let n = self
            .conn()
            .execute("DELETE FROM sources WHERE id = ?1", [id])?;
        self.forget_fingerprints();
        if n == 0 {
            return Err(StoreError::NotFound {
                what: format!("source {id}"),
            });
        }
        Ok(())
    }

    /// Sources that are not paused and whose next poll time has come.
    pub fn due_sources(&self, now: i64) -> Result<Vec<Source>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "{SOURCE_SELECT} WHERE s.paused = 0 AND s.next_poll_at <= ?1 ORDER BY s.next_poll_at, s.id"
        ))?;
        let rows = stmt.query_map([now], source_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A poll went through (new content or 304): clears the error run.
    pub fn record_poll_success(&self, id: i64, ok: &PollSuccess, now: i64) -> Result<()> {
        self.conn().execute(
            "UPDATE sources SET etag = CASE WHEN ?6 THEN ?2 ELSE etag END,
                 last_modified = CASE WHEN ?6 THEN ?3 ELSE last_modified END,
                 error_count = 0, last_error = NULL, last_success_at = ?4, last_polled_at = ?4,
                 next_poll_at = ?5
             WHERE id = ?1",
            params![
                id,
                ok.validators.as_ref().and_then(|v| v.etag.clone()),
                ok.validators.as_ref().and_then(|v| v.last_modified.clone()),
                now,
                ok.next_poll_at,
                ok.validators.is_some()
            ],
        )?;
        Ok(())
    }

    /// A poll failed: counts it, schedules the retry and, when `pause` is
    /// set, pauses the source with the error as the reason.
    pub fn record_poll_failure(
        &self,
        id: i64,
        error: &str,
        next_poll_at: i64,
        pause: bool,
        now: i64,
    ) -> Result<()> {
        self.conn().execute(
            "UPDATE sources SET error_count = error_count + 1, last_error = ?2, last_polled_at = ?5,
                 next_poll_at = ?3,
                 paused = CASE WHEN ?4 THEN 1 ELSE paused END,
                 pause_reason = CASE WHEN ?4 THEN ?2 ELSE pause_reason END
             WHERE id = ?1",
            params![id, error, next_poll_at, pause, now],
        )?;
        Ok(())
    }

    /// Pauses or resumes a source by hand.
    pub fn set_source_paused(&self, id: i64, paused: bool, reason: Option<&str>) -> Result<()> {
        let n = self.conn().execute(
            "UPDATE sources SET paused = ?2, pause_reason = ?3,
                 error_count = CASE WHEN ?2 THEN error_count ELSE 0 END,
                 next_poll_at = CASE WHEN ?2 THEN next_poll_at ELSE 0 END
             WHERE id = ?1",
            params![id, paused, reason],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: format!("source {id}"),
            });
        }
        Ok(())
    }

    // ---- articles ------------------------------------------------------

    /// Is an article with this URL, or with this URL as its canonical URL,
    /// stored already?
    pub fn knows_url(&self, url: &str) -> Result<bool> {
        knows_url(&self.conn(), url)
    }

    /// The stored article with this exact text hash, if any: `(id, source_id, story_id)`.
    pub fn find_by_content_hash(&self, hash: &str) -> Result<Vec<(i64, Option<i64>, i64)>> {
        find_by_content_hash(&self.conn(), hash)
    }

    /// Fingerprints of the articles ingested since `since`, newest first,
    /// at most `limit`. Read from the narrow `article_fingerprints` table
    /// once, then kept in memory: each later call reads only the rows added
    /// since, so its cost does not grow with the archive.
    pub fn recent_fingerprints(&self, since: i64, limit: usize) -> Result<Vec<Fingerprint>> {
        let mut out = Vec::new();
        self.scan_recent_fingerprints(since, limit, |f| out.push(f.clone()))?;
        Ok(out)
    }

    /// Calls `visit` with each of [`Store::recent_fingerprints`], newest
    /// first, without copying them: finding a new article's story looks at
    /// thousands of fingerprints and keeps none.
    pub fn scan_recent_fingerprints(
        &self,
        since: i64,
        limit: usize,
        mut visit: impl FnMut(&Fingerprint),
    ) -> Result<()> {
        let conn = self.conn();
        let mut cache = self.fingerprints.lock().unwrap_or_else(|e| e.into_inner());
        scan_fingerprints(&conn, &mut cache, since, limit, |f, _| visit(f))
    }

    /// The fingerprints in memory are read again on the next call (their
    /// source ids changed).
    fn forget_fingerprints(&self) {
        self.fingerprints
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .loaded = None;
    }

    /// Merges a bounded share of the search index's segments (about
    /// `pages` pages of work), any level with two or more; `true` when
    /// there was work to do, so calls until `false` leave the index in few
    /// segments. Each stored batch adds a segment, and FTS5 merges them on
    /// the writes only in large steps ([`FTS_AUTOMERGE`]): this does the
    /// rest between polls, where no new article waits for it.
    pub fn tidy_search_index(&self, pages: i64) -> Result<bool> {
        let conn = self.conn();
        let before = conn.total_changes();
        conn.execute(
            "INSERT INTO articles_fts (articles_fts, rank) VALUES ('merge', ?1)",
            [-pages.max(1)],
        )?;
        // SQLite's own sign: fewer than two changes, nothing was merged.
        Ok(conn.total_changes() - before >= 2)
    }

    /// Stores an article with its search terms, in one transaction.
    /// Returns `None` when its URL is there already.
    pub fn insert_article(&self, a: &NewArticle, now: i64) -> Result<Option<i64>> {
        self.article_batch(|batch| batch.insert(a, now))
    }

    /// Runs `work` on one transaction for a batch of articles (a poll's new
    /// articles): one commit, one flush of the search index, instead of one
    /// of each per article. The lookups of [`ArticleBatch`] see what the
    /// batch stored before them, so a copy later in the batch finds an
    /// earlier one; others see the batch only once it is committed, whole.
    /// An error from `work`, or from the commit, stores nothing of it.
    pub fn article_batch<T>(
        &self,
        work: impl FnOnce(&mut ArticleBatch<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.conn();
        let mut cache = self.fingerprints.lock().unwrap_or_else(|e| e.into_inner());
        let result = (|| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut batch = ArticleBatch {
                tx,
                fingerprints: &mut cache,
            };
            let value = work(&mut batch)?;
            batch.tx.commit()?;
            Ok(value)
        })();
        if result.is_err() {
            // The memory may hold rows of the rolled-back batch, whose ids
            // the next articles get again.
            cache.loaded = None;
        }
        result
    }

    pub fn get_article(&self, id: i64) -> Result<Article> {
        let conn = self.conn();
        conn.query_row(
            &format!("{ARTICLE_SELECT} WHERE a.id = ?1"),
            [id],
            article_from_row,
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: format!("article {id}"),
        })
    }

    /// The newest articles first.
    pub fn latest_articles(&self, limit: usize) -> Result<Vec<Article>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("{ARTICLE_SELECT} ORDER BY a.id DESC LIMIT ?1"))?;
        let rows = stmt.query_map([limit as i64], article_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The articles of one story, oldest first.
    pub fn story_articles(&self, story_id: i64) -> Result<Vec<Article>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "{ARTICLE_SELECT} WHERE a.story_id = ?1 ORDER BY a.id"
        ))?;
        let rows = stmt.query_map([story_id], article_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Full-text search in Russian and Kazakh, inflections included; best
    /// matches first, hidden articles left out.
    pub fn search_articles(&self, query: &str, limit: usize) -> Result<Vec<Article>> {
        let Some(expr) = stem::match_query(query) else {
            return Ok(Vec::new());
        };
        let conn = self.conn();
        // The stories of the best hits, best first; each story is shown once,
        // by the copy digests show (an official outlet's, else the first).
        let mut stmt = conn.prepare(
            "SELECT a.story_id FROM articles a JOIN articles_fts f ON f.rowid = a.id
             WHERE articles_fts MATCH ?1 AND a.hidden = 0
             ORDER BY bm25(articles_fts, 3.0, 1.0), a.id DESC LIMIT ?2",
        )?;
        let mut stories: Vec<i64> = Vec::new();
        for story in stmt.query_map(params![expr, (limit * 8) as i64], |r| r.get(0))? {
            let story = story?;
            if !stories.contains(&story) {
                stories.push(story);
            }
        }
        stories.truncate(limit);
        let mut preferred = conn.prepare(&format!(
            "{ARTICLE_SELECT} WHERE a.story_id = ?1 AND a.hidden = 0
             ORDER BY COALESCE(s.official, 0) DESC, a.id LIMIT 1"
        ))?;
        let mut out = Vec::with_capacity(stories.len());
        for story in stories {
            out.extend(preferred.query_row([story], article_from_row).optional()?);
        }
        Ok(out)
    }

    pub fn count_articles(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?)
    }

    /// A consistent copy of the database at `path`, made with SQLite's
    /// online backup while the bot keeps running (pages copied in steps,
    /// writers are not blocked for long).
    pub fn backup_to(&self, path: &Path) -> Result<()> {
        let conn = self.conn();
        let mut dest = Connection::open(path)?;
        let backup = rusqlite::backup::Backup::new(&conn, &mut dest)?;
        backup.run_to_completion(256, Duration::from_millis(5), None)?;
        Ok(())
    }

    /// Copies the write-ahead log back into the database file as far as
    /// readers allow, without waiting for them; returns the pages copied.
    /// Called once after a batch of writes (a poll cycle), so each page
    /// dirtied in the batch is written back once.
    pub fn checkpoint(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(2))?)
    }

    /// Runs SQLite's own consistency check; `Ok(())` when it says "ok".
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// FTS5 merges a level of the search index once it holds this many
/// segments (its default is 4). Each stored batch is a segment; merging
/// every fourth meant merging again and again into the large segments of
/// a big archive on the write path (measured with bench_ingest: 200 new
/// articles into 100,000 took 1.55× the time into an empty database at 4,
/// 1.37× at 8). [`Store::tidy_search_index`] merges the rest off that path.
const FTS_AUTOMERGE: i64 = 8;
/// A level this full is merged whole at once, whatever it costs (FTS5's
/// default is 16, which a big archive reached on ordinary polls; 1.37×
/// alone, 1.20× with [`FTS_AUTOMERGE`]).
const FTS_CRISISMERGE: i64 = 64;

/// Sets the search index's merge settings, which FTS5 keeps in the
/// database; writes only when they differ (a database opened again is
/// not written to).
fn tune_search_index(conn: &Connection) -> Result<()> {
    for (key, value) in [
        ("automerge", FTS_AUTOMERGE),
        ("crisismerge", FTS_CRISISMERGE),
    ] {
        let have: Option<i64> = conn
            .query_row(
                "SELECT v FROM articles_fts_config WHERE k = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        if have != Some(value) {
            conn.execute(
                "INSERT INTO articles_fts (articles_fts, rank) VALUES (?1, ?2)",
                params![key, value],
            )?;
        }
    }
    Ok(())
}

/// The articles of one transaction ([`Store::article_batch`]): lookups that
/// see what the batch stored so far, and inserts each of which stands or
/// falls alone.
pub struct ArticleBatch<'c> {
    tx: rusqlite::Transaction<'c>,
    fingerprints: &'c mut FingerprintCache,
}

impl ArticleBatch<'_> {
    /// [`Store::knows_url`], the batch's own articles included.
    pub fn knows_url(&self, url: &str) -> Result<bool> {
        knows_url(&self.tx, url)
    }

    /// [`Store::find_by_content_hash`], the batch's own articles included.
    pub fn find_by_content_hash(&self, hash: &str) -> Result<Vec<(i64, Option<i64>, i64)>> {
        find_by_content_hash(&self.tx, hash)
    }

    /// [`Store::scan_recent_fingerprints`], the batch's own articles
    /// included, each with its signature's hashes side by side (`None`
    /// for a signature that is not 64 of them).
    pub fn scan_recent_fingerprints(
        &mut self,
        since: i64,
        limit: usize,
        visit: impl FnMut(&Fingerprint, Option<&Lanes>),
    ) -> Result<()> {
        scan_fingerprints(&self.tx, self.fingerprints, since, limit, visit)
    }

    /// Stores an article with its search terms and facets; `None` when its
    /// URL is there already. An error leaves the batch as it was before
    /// (the article's rows are rolled back to a savepoint), so the caller
    /// may go on with the other articles.
    pub fn insert(&mut self, a: &NewArticle, now: i64) -> Result<Option<i64>> {
        let sp = self.tx.savepoint()?;
        let id = insert_article_rows(&sp, a, now)?;
        sp.commit()?;
        Ok(id)
    }
}

impl StoreError {
    /// Whether the error concerns one row (a constraint, a value too big)
    /// rather than the database (a full disk, a read-only or broken file):
    /// after the first the other articles of a batch can still be stored.
    pub fn concerns_one_row(&self) -> bool {
        use rusqlite::ErrorCode as C;
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                matches!(e.code, C::ConstraintViolation | C::TooBig | C::TypeMismatch)
            }
            StoreError::Sqlite(
                rusqlite::Error::ToSqlConversionFailure(_)
                | rusqlite::Error::InvalidParameterCount(..)
                | rusqlite::Error::InvalidColumnType(..),
            ) => true,
            _ => false,
        }
    }
}

fn knows_url(conn: &Connection, url: &str) -> Result<bool> {
    // Two lookups, one per index: `url = ?1 OR canonical_url = ?1` in one
    // statement is planned as an OR over both indexes too, but this says so.
    let mut by_url = conn.prepare_cached("SELECT 1 FROM articles WHERE url = ?1")?;
    if by_url.exists([url])? {
        return Ok(true);
    }
    let mut by_canonical =
        conn.prepare_cached("SELECT 1 FROM articles WHERE canonical_url = ?1 LIMIT 1")?;
    Ok(by_canonical.exists([url])?)
}

fn find_by_content_hash(conn: &Connection, hash: &str) -> Result<Vec<(i64, Option<i64>, i64)>> {
    let mut stmt = conn
        .prepare_cached("SELECT id, source_id, story_id FROM articles WHERE content_hash = ?1")?;
    let rows = stmt.query_map([hash], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn scan_fingerprints(
    conn: &Connection,
    cache: &mut FingerprintCache,
    since: i64,
    limit: usize,
    mut visit: impl FnMut(&Fingerprint, Option<&Lanes>),
) -> Result<()> {
    let fresh = match cache.loaded {
        Some((s, l)) => since >= s && limit <= l,
        None => false,
    };
    if fresh {
        let mut stmt = conn.prepare_cached(
            "SELECT article_id, source_id, story_id, minhash, ingested_at FROM article_fingerprints
             WHERE article_id > ?1 ORDER BY article_id",
        )?;
        let rows = stmt.query_map([cache.last_id], fingerprint_from_row)?;
        for row in rows {
            let (f, at) = row?;
            cache.push(f, at);
        }
    } else {
        *cache = FingerprintCache::default();
        let mut stmt = conn.prepare_cached(
            "SELECT article_id, source_id, story_id, minhash, ingested_at FROM article_fingerprints
             WHERE ingested_at >= ?1 ORDER BY article_id DESC LIMIT ?2",
        )?;
        let mut rows = stmt
            .query_map(params![since, limit as i64], fingerprint_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.reverse();
        for (f, at) in rows {
            cache.push(f, at);
        }
        let max: i64 = conn.query_row(
            "SELECT COALESCE(MAX(article_id), 0) FROM article_fingerprints",
            [],
            |r| r.get(0),
        )?;
        cache.last_id = cache.last_id.max(max);
        cache.loaded = Some((since, limit));
    }
    cache.trim(since, limit);
    cache
        .rows
        .iter()
        .zip(&cache.lanes)
        .zip(&cache.ingested_at)
        .rev()
        .filter(|(_, at)| **at >= since)
        .take(limit)
        .for_each(|((f, lanes), _)| visit(f, lanes.as_ref()));
    Ok(())
}

/// The rows of one article: the article, its fingerprint, its search terms
/// and its facets. `None` when its URL is there already.
fn insert_article_rows(conn: &Connection, a: &NewArticle, now: i64) -> Result<Option<i64>> {
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO articles (source_id, url, canonical_url, title, text, published_at,
                 language, content_hash, minhash, story_id, summary_json, ingested_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, COALESCE(?10, 0), ?11, ?12)",
        )?
        .execute(params![
            a.source_id,
            a.url,
            a.canonical_url,
            a.title,
            a.text,
            a.published_at.map(|d| d.to_rfc3339()),
            a.language,
            a.content_hash,
            a.minhash,
            a.story_id,
            a.summary.as_ref().and_then(|s| serde_json::to_string(s).ok()),
            now
        ])?;
    if inserted == 0 {
        return Ok(None);
    }
    let id = conn.last_insert_rowid();
    if a.story_id.is_none() {
        conn.prepare_cached("UPDATE articles SET story_id = id WHERE id = ?1")?
            .execute([id])?;
    }
    conn.prepare_cached(
        "INSERT INTO article_fingerprints (article_id, source_id, story_id, ingested_at, minhash)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        id,
        a.source_id,
        a.story_id.unwrap_or(id),
        now,
        a.minhash
    ])?;
    conn.prepare_cached("INSERT INTO articles_fts (rowid, title, body) VALUES (?1, ?2, ?3)")?
        .execute(params![
            id,
            stem::index_terms(&a.title),
            stem::index_terms(&a.text)
        ])?;
    if let Some(summary) = &a.summary {
        facets::insert_facets(conn, id, summary)?;
    }
    Ok(Some(id))
}

const SOURCE_SELECT: &str = "SELECT s.id, s.name, s.url, s.kind, s.language, s.region, s.official,
    s.link_selector, s.paused, s.pause_reason, s.etag, s.last_modified, s.error_count, s.last_error,
    s.last_success_at, s.last_polled_at, s.next_poll_at,
    (SELECT count(*) FROM articles a WHERE a.source_id = s.id)
    FROM sources s";

fn source_from_row(r: &Row<'_>) -> rusqlite::Result<Source> {
    Ok(Source {
        id: r.get(0)?,
        name: r.get(1)?,
        url: r.get(2)?,
        kind: SourceKind::parse(&r.get::<_, String>(3)?),
        language: r.get(4)?,
        region: r.get(5)?,
        official: r.get(6)?,
        link_selector: r.get(7)?,
        paused: r.get(8)?,
        pause_reason: r.get(9)?,
        etag: r.get(10)?,
        last_modified: r.get(11)?,
        error_count: r.get(12)?,
        last_error: r.get(13)?,
        last_success_at: r.get(14)?,
        last_polled_at: r.get(15)?,
        next_poll_at: r.get(16)?,
        articles: r.get(17)?,
    })
}

const ARTICLE_SELECT: &str = "SELECT a.id, a.source_id, s.name, a.url, a.canonical_url, a.title,
    a.text, a.published_at, a.language, a.story_id, a.hidden, a.ingested_at, a.summary_json
    FROM articles a LEFT JOIN sources s ON s.id = a.source_id";

fn article_from_row(r: &Row<'_>) -> rusqlite::Result<Article> {
    Ok(Article {
        id: r.get(0)?,
        source_id: r.get(1)?,
        source_name: r.get(2)?,
        url: r.get(3)?,
        canonical_url: r.get(4)?,
        title: r.get(5)?,
        text: r.get(6)?,
        published_at: r.get(7)?,
        language: r.get(8)?,
        story_id: r.get(9)?,
        hidden: r.get(10)?,
        ingested_at: r.get(11)?,
        summary_json: r.get(12)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_do_not_wait_for_a_write_in_progress() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("civic.db")).unwrap();
        store
            .ensure_subscriber(1, subscribers::ChatKind::Private, None, "ru", 0)
            .unwrap();
        // A long write holds the writer's connection, mid-transaction.
        let mut writer = store.conn();
        let tx = writer.transaction().unwrap();
        tx.execute(
            "UPDATE subscribers SET language = 'kk' WHERE chat_id = 1",
            [],
        )
        .unwrap();
        // Reads go on meanwhile (on one connection they would wait for the
        // writer: here, in its own thread, for ever), and see what was
        // committed, not the write in progress.
        let sub = store.subscriber(1).unwrap().expect("subscriber");
        assert_eq!(sub.language, "ru");
        let all = store.subscribers_with_status(SubStatus::Active).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(store.outbox_counts().unwrap(), (0, 0, 0, 0, 0));
        tx.commit().unwrap();
        drop(writer);
        assert_eq!(store.subscriber(1).unwrap().unwrap().language, "kk");
    }

    #[tokio::test]
    async fn blocking_calls_run_off_the_runtime() {
        let store = std::sync::Arc::new(Store::open_in_memory().unwrap());
        let version = store.run_blocking(|s| s.schema_version()).await.unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
        let failed = store
            .run_blocking(|_| -> Result<()> { panic!("a call that panics") })
            .await;
        assert!(
            matches!(failed, Err(StoreError::Background(_))),
            "{failed:?}"
        );
    }

    /// A task waiting in [`Store::call`] for the writer's connection (held
    /// here by another thread, as a digest run holds it) leaves the one
    /// runtime worker to the other tasks.
    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn a_call_waiting_for_the_writer_leaves_the_worker_free() {
        let store = std::sync::Arc::new(Store::open_in_memory().unwrap());
        let (held_tx, held_rx) = std::sync::mpsc::channel::<()>();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let holder = {
            let store = store.clone();
            std::thread::spawn(move || {
                let _conn = store.conn();
                held_tx.send(()).unwrap();
                release_rx.recv().unwrap();
            })
        };
        held_rx.recv().unwrap();
        let (waiting_tx, waiting_rx) = tokio::sync::oneshot::channel();
        let waiter = {
            let store = store.clone();
            tokio::spawn(async move {
                waiting_tx.send(()).unwrap();
                store.call(|s| s.kv_set("k", "v"))
            })
        };
        waiting_rx.await.unwrap();
        // The waiter is now inside the call, on the only worker. (Waited
        // for on this thread, not with a tokio timer: a blocked worker
        // would not drive one.)
        let (ran_tx, ran_rx) = std::sync::mpsc::channel();
        tokio::spawn(async move { ran_tx.send(7).unwrap() });
        let ran = ran_rx.recv_timeout(std::time::Duration::from_secs(20));
        release_tx.send(()).unwrap();
        holder.join().unwrap();
        assert_eq!(ran, Ok(7), "another task ran while the call waited");
        waiter.await.unwrap().unwrap();
        assert_eq!(store.kv_get("k").unwrap().as_deref(), Some("v"));
    }

    fn source(url: &str) -> NewSource {
        NewSource {
            name: "Liter.kz".into(),
            url: url.into(),
            kind: SourceKind::Feed,
            language: Some("ru".into()),
            region: None,
            official: false,
            link_selector: None,
        }
    }

    fn article(url: &str, title: &str, text: &str) -> NewArticle {
        NewArticle {
            source_id: None,
            url: url.into(),
            canonical_url: None,
            title: title.into(),
            text: text.into(),
            published_at: None,
            language: "ru".into(),
            content_hash: format!("h-{url}"),
            minhash: vec![1, 2, 3],
            story_id: None,
            summary: None,
        }
    }

    #[test]
    fn migrations_run_once_and_set_user_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        store
            .add_source(&source("https://liter.kz/feed/"), 0)
            .unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.list_sources().unwrap().len(), 1);
        let mode: String = store
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        // Statement journals stay in memory (2: MEMORY).
        let temp: i64 = store
            .conn()
            .query_row("PRAGMA temp_store", [], |r| r.get(0))
            .unwrap();
        assert_eq!(temp, 2);
    }

    #[test]
    fn the_log_is_copied_back_when_asked_not_every_few_articles() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("wal.db")).unwrap();
        let every: i64 = store
            .conn()
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
            .unwrap();
        assert_eq!(every, WAL_AUTOCHECKPOINT_PAGES);
        for i in 0..20 {
            store
                .insert_article(&article(&format!("https://a.kz/{i}"), "T", "текст"), 0)
                .unwrap();
        }
        assert!(store.checkpoint().unwrap() > 0, "the articles' pages");
        let (log, copied): (i64, i64) = store
            .conn()
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(copied, log, "everything in the log is in the file");
    }

    #[test]
    fn backup_is_a_consistent_copy() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("live.db")).unwrap();
        store
            .add_source(&source("https://liter.kz/feed/"), 0)
            .unwrap();
        let copy = dir.path().join("copy.db");
        store.backup_to(&copy).unwrap();
        let restored = Store::open(&copy).unwrap();
        assert_eq!(restored.list_sources().unwrap().len(), 1);
        assert_eq!(restored.integrity_check().unwrap(), "ok");
    }

    #[test]
    fn duplicate_source_is_refused_with_a_clear_error() {
        let store = Store::open_in_memory().unwrap();
        store
            .add_source(&source("https://liter.kz/feed/"), 0)
            .unwrap();
        let err = store
            .add_source(&source("https://liter.kz/feed/"), 0)
            .unwrap_err();
        assert!(matches!(err, StoreError::DuplicateSource(_)), "{err}");
        assert_eq!(
            store
                .add_missing_sources(
                    &[source("https://liter.kz/feed/"), source("https://x.kz/rss")],
                    0
                )
                .unwrap(),
            1
        );
    }

    #[test]
    fn failures_back_off_and_pause_with_reason() {
        let store = Store::open_in_memory().unwrap();
        let id = store
            .add_source(&source("https://liter.kz/feed/"), 0)
            .unwrap();
        store
            .record_poll_failure(id, "HTTP 500", 100, false, 10)
            .unwrap();
        store
            .record_poll_failure(id, "HTTP 500", 200, true, 20)
            .unwrap();
        let s = store.get_source(id).unwrap();
        assert_eq!(s.error_count, 2);
        assert!(s.paused);
        assert_eq!(s.pause_reason.as_deref(), Some("HTTP 500"));
        assert!(store.due_sources(1000).unwrap().is_empty());
        store.set_source_paused(id, false, None).unwrap();
        assert_eq!(store.due_sources(1000).unwrap().len(), 1);
        store
            .record_poll_success(
                id,
                &PollSuccess {
                    validators: Some(crate::model::Validators {
                        etag: Some("\"v1\"".into()),
                        last_modified: None,
                    }),
                    next_poll_at: 500,
                },
                30,
            )
            .unwrap();
        let s = store.get_source(id).unwrap();
        assert_eq!((s.error_count, s.etag.as_deref()), (0, Some("\"v1\"")));
        // After a 304 the validators stay; after a partial poll they are cleared.
        let keep = PollSuccess {
            validators: None,
            next_poll_at: 600,
        };
        store.record_poll_success(id, &keep, 40).unwrap();
        assert_eq!(
            store.get_source(id).unwrap().etag.as_deref(),
            Some("\"v1\"")
        );
        let clear = PollSuccess {
            validators: Some(Default::default()),
            next_poll_at: 700,
        };
        store.record_poll_success(id, &clear, 50).unwrap();
        assert_eq!(store.get_source(id).unwrap().etag, None);
    }

    #[test]
    fn a_syndicated_story_is_found_once_by_its_official_copy() {
        let store = Store::open_in_memory().unwrap();
        let mut official = source("https://akorda.kz/rss");
        official.official = true;
        let official = store.add_source(&official, 0).unwrap();
        let text = "Глава государства провел совещание по выборам акимов.";
        let first = store
            .insert_article(
                &article("https://liter.kz/1", "Совещание по выборам", text),
                0,
            )
            .unwrap()
            .unwrap();
        let mut copy = article("https://akorda.kz/1", "Совещание по выборам акимов", text);
        copy.source_id = Some(official);
        copy.story_id = Some(first);
        store.insert_article(&copy, 0).unwrap();
        let mut late = article("https://zakon.kz/1", "Совещание по выборам", text);
        late.story_id = Some(first);
        store.insert_article(&late, 0).unwrap();
        store
            .insert_article(
                &article("https://liter.kz/2", "Выборы в аулах", "Другие выборы."),
                0,
            )
            .unwrap();

        let hits = store.search_articles("выборы", 10).unwrap();
        let urls: Vec<&str> = hits.iter().map(|a| a.url.as_str()).collect();
        assert_eq!(hits.len(), 2, "{urls:?}");
        assert!(urls.contains(&"https://akorda.kz/1"), "{urls:?}");
    }

    #[test]
    fn search_finds_inflected_russian_and_kazakh_forms() {
        let store = Store::open_in_memory().unwrap();
        store
            .insert_article(
                &article(
                    "https://a.kz/1",
                    "Итоги выборов сельских акимов",
                    "Прошли выборы в аулах.",
                ),
                0,
            )
            .unwrap();
        store
            .insert_article(
                &article(
                    "https://a.kz/2",
                    "Ауыл әкімдерінің жиыны",
                    "Мектептерде жөндеу жүріп жатыр.",
                ),
                0,
            )
            .unwrap();
        let hits = store.search_articles("выборы", 10).unwrap();
        assert_eq!(hits.len(), 1);
        assert!(hits[0].title.contains("выборов"));
        let hits = store.search_articles("әкім", 10).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(store.search_articles("мектеп", 10).unwrap().len(), 1);
        assert!(store.search_articles("бюджет", 10).unwrap().is_empty());
        assert!(
            store
                .search_articles("\"; DROP TABLE articles; --", 10)
                .unwrap()
                .is_empty()
        );
        assert_eq!(store.count_articles().unwrap(), 2);
    }

    fn with_minhash(url: &str, minhash: u8) -> NewArticle {
        let mut a = article(url, "T", "x");
        a.minhash = vec![minhash; 256];
        a
    }

    #[test]
    fn recent_fingerprints_keep_the_window_and_see_other_writers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.db");
        let store = Store::open(&path).unwrap();
        let old = store
            .insert_article(&with_minhash("https://a.kz/old", 1), 100)
            .unwrap()
            .unwrap();
        let a = store
            .insert_article(&with_minhash("https://a.kz/a", 2), 1000)
            .unwrap()
            .unwrap();
        let ids = |v: Vec<Fingerprint>| v.iter().map(|f| f.article_id).collect::<Vec<_>>();
        assert_eq!(ids(store.recent_fingerprints(500, 10).unwrap()), vec![a]);
        // Written after the first read, by this store and by another process.
        let mut copy = with_minhash("https://b.kz/a", 3);
        copy.story_id = Some(a);
        let b = store.insert_article(&copy, 1100).unwrap().unwrap();
        let other = Store::open(&path).unwrap();
        let c = other
            .insert_article(&with_minhash("https://c.kz/1", 4), 1200)
            .unwrap()
            .unwrap();
        let got = store.recent_fingerprints(500, 10).unwrap();
        assert_eq!(ids(got.clone()), vec![c, b, a]);
        assert_eq!((got[1].story_id, got[1].minhash[0]), (a, 3));
        assert_eq!((got[2].story_id, got[0].story_id), (a, c));
        // The window moves on; a wider one reads the table again.
        assert_eq!(
            ids(store.recent_fingerprints(1050, 10).unwrap()),
            vec![c, b]
        );
        assert_eq!(ids(store.recent_fingerprints(1050, 1).unwrap()), vec![c]);
        assert_eq!(
            ids(store.recent_fingerprints(0, 10).unwrap()),
            vec![c, b, a, old]
        );
    }

    #[test]
    fn fingerprints_of_articles_stored_before_the_upgrade_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.execute_batch(MIGRATIONS[1]).unwrap();
            conn.pragma_update(None, "user_version", 2).unwrap();
            conn.execute(
                "INSERT INTO articles (url, title, text, language, content_hash, minhash, story_id, ingested_at)
                 VALUES ('https://a.kz/1', 'T', 'x', 'ru', 'h', x'0707', 1, 50)",
                [],
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let got = store.recent_fingerprints(0, 10).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].story_id, got[0].minhash.clone()), (1, vec![7, 7]));
    }

    #[test]
    fn a_removed_source_leaves_its_fingerprints_without_it() {
        let store = Store::open_in_memory().unwrap();
        let src = store
            .add_source(&source("https://liter.kz/feed/"), 0)
            .unwrap();
        let mut a = with_minhash("https://liter.kz/1", 1);
        a.source_id = Some(src);
        store.insert_article(&a, 10).unwrap();
        assert_eq!(
            store.recent_fingerprints(0, 10).unwrap()[0].source_id,
            Some(src)
        );
        store.remove_source(src).unwrap();
        assert_eq!(store.recent_fingerprints(0, 10).unwrap()[0].source_id, None);
    }

    #[test]
    fn the_search_index_merges_late_and_is_tidied_between_polls() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fts.db");
        let store = Store::open(&path).unwrap();
        let setting = |k: &str| -> i64 {
            store
                .conn()
                .query_row("SELECT v FROM articles_fts_config WHERE k = ?1", [k], |r| {
                    r.get(0)
                })
                .unwrap()
        };
        assert_eq!(setting("automerge"), FTS_AUTOMERGE);
        assert_eq!(setting("crisismerge"), FTS_CRISISMERGE);
        // One segment per transaction: twelve of them, fewer than
        // automerge leaves unmerged for long.
        for i in 0..12 {
            store
                .insert_article(
                    &article(
                        &format!("https://a.kz/{i}"),
                        "Выборы акимов",
                        "Прошли выборы.",
                    ),
                    0,
                )
                .unwrap();
        }
        assert!(store.tidy_search_index(1000).unwrap(), "there was work");
        let mut steps = 1;
        while store.tidy_search_index(1000).unwrap() {
            steps += 1;
            assert!(steps < 20, "tidying ends");
        }
        assert!(!store.tidy_search_index(1000).unwrap());
        assert_eq!(store.search_articles("выборы", 50).unwrap().len(), 12);
        // Opened again, the settings are there and nothing is written.
        drop(store);
        let again = Store::open(&path).unwrap();
        let changes = again.conn().total_changes();
        assert_eq!(changes, 0);
    }

    #[test]
    fn a_batch_sees_its_own_articles_and_others_see_it_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let store = Store::open(&path).unwrap();
        let other = Store::open(&path).unwrap();
        let mut a = with_minhash("https://a.kz/1", 5);
        a.content_hash = "same".into();
        let ids = store
            .article_batch(|b| {
                let first = b.insert(&a, 100)?.expect("stored");
                assert!(b.knows_url("https://a.kz/1")?);
                assert_eq!(b.find_by_content_hash("same")?, vec![(first, None, first)]);
                let mut seen = Vec::new();
                b.scan_recent_fingerprints(0, 10, |f, lanes| {
                    assert_eq!(lanes, Some(&[0x0505_0505; 64]));
                    seen.push(f.article_id)
                })?;
                assert_eq!(seen, vec![first]);
                // Not committed yet: another connection sees nothing.
                assert_eq!(other.count_articles()?, 0);
                assert_eq!(b.insert(&a, 100)?, None, "the same URL twice");
                let second = b.insert(&with_minhash("https://a.kz/2", 6), 100)?;
                Ok(vec![Some(first), second])
            })
            .unwrap();
        assert_eq!(ids.len(), 2);
        assert_eq!(other.count_articles().unwrap(), 2);
    }

    #[test]
    fn a_failed_batch_stores_nothing_and_its_fingerprints_are_forgotten() {
        let store = Store::open_in_memory().unwrap();
        let failed: Result<()> = store.article_batch(|b| {
            b.insert(&with_minhash("https://a.kz/1", 1), 100)?;
            // The fingerprints are read into memory, then rolled back.
            b.scan_recent_fingerprints(0, 10, |_, _| {})?;
            Err(StoreError::NotFound {
                what: "a reason to stop".into(),
            })
        });
        assert!(failed.is_err());
        assert_eq!(store.count_articles().unwrap(), 0);
        assert!(store.recent_fingerprints(0, 10).unwrap().is_empty());
        // The next article gets the rolled-back one's id: its own
        // fingerprint is the one found.
        store
            .insert_article(&with_minhash("https://b.kz/1", 2), 200)
            .unwrap();
        let got = store.recent_fingerprints(0, 10).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].minhash[0], 2);
    }

    #[test]
    fn an_article_refused_in_a_batch_leaves_the_others_stored() {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute_batch(
                // After the article's own row: the savepoint takes it back.
                "CREATE TRIGGER refuse BEFORE INSERT ON article_fingerprints
                 WHEN substr(NEW.minhash, 1, 1) = x'09'
                 BEGIN SELECT RAISE(ABORT, 'refused'); END;",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let mut refused = article("https://a.kz/2", "Отказ", "y");
        refused.minhash = vec![9; 256];
        let (first, err, third) = store
            .article_batch(|b| {
                let first = b.insert(&with_minhash("https://a.kz/1", 1), 10)?;
                let err = b.insert(&refused, 10).expect_err("refused");
                let third = b.insert(&with_minhash("https://a.kz/3", 3), 10)?;
                Ok((first, err, third))
            })
            .unwrap();
        assert!(err.concerns_one_row(), "{err}");
        assert!(first.is_some() && third.is_some());
        assert_eq!(store.count_articles().unwrap(), 2);
        assert!(!store.knows_url("https://a.kz/2").unwrap());
        // Its fingerprint went with it.
        let minhashes: Vec<u8> = store
            .recent_fingerprints(0, 10)
            .unwrap()
            .iter()
            .map(|f| f.minhash[0])
            .collect();
        assert_eq!(minhashes, vec![3, 1]);
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }

    #[test]
    fn same_url_is_stored_once_and_story_defaults_to_own_id() {
        let store = Store::open_in_memory().unwrap();
        let id = store
            .insert_article(&article("https://a.kz/1", "T", "x"), 0)
            .unwrap()
            .unwrap();
        assert!(
            store
                .insert_article(&article("https://a.kz/1", "T", "x"), 0)
                .unwrap()
                .is_none()
        );
        assert_eq!(store.get_article(id).unwrap().story_id, id);
        assert!(store.knows_url("https://a.kz/1").unwrap());
        let mut copy = article("https://b.kz/1", "T", "x");
        copy.story_id = Some(id);
        let copy_id = store.insert_article(&copy, 0).unwrap().unwrap();
        assert_eq!(
            store
                .story_articles(id)
                .unwrap()
                .iter()
                .map(|a| a.id)
                .collect::<Vec<_>>(),
            vec![id, copy_id]
        );
    }
}
