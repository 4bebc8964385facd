//! Shared test helpers: fixtures, a temporary database, the test config.

#![allow(dead_code)]

pub mod bot;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use civic_digest::Config;
use civic_digest::Store;
use civic_digest_sandbox::telegram::Limits;
use civic_digest_sandbox::{NewsSite, Route};

pub fn data_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// A fixture file as text.
pub fn fixture(rel: &str) -> String {
    std::fs::read_to_string(data_path(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

/// The config tests run with: loopback allowed, no politeness pause,
/// short timeouts and a small body cap.
pub fn test_config(dir: &tempfile::TempDir) -> Config {
    let mut c = Config::from_vars([("ALLOW_PRIVATE_SOURCES", "true")]).expect("test config");
    c.database_path = dir.path().join("civic.db");
    c.data_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    c.host_delay = Duration::from_millis(0);
    c.fetch_timeout = Duration::from_secs(2);
    c.max_body_bytes = 1024 * 1024;
    c.poll_interval = Duration::from_secs(600);
    c
}

/// Telegram's limits with the overall one at 40 a second instead of 30,
/// for the tests that check the bot's own pacing end to end (no 429). On a
/// loaded machine a task woken late sends late, and the sends behind it
/// bunch up on arrival: not the pacer's fault. The pace's margin below
/// the real 30/s is checked on a clock the test controls (the
/// `deliver::pace` unit tests); an unpaced burst still meets 429s here.
pub fn paced_limits() -> Limits {
    Limits {
        overall_per_sec: 40,
        ..Limits::default()
    }
}

/// A temporary directory with a database and a running local news site.
pub struct Harness {
    pub dir: tempfile::TempDir,
    pub config: Config,
    pub store: Arc<Store>,
    pub site: NewsSite,
}

impl Harness {
    /// Serves the demo's news site (`data/demo/`) and adds its sources to
    /// the store; keep the site alive while polling.
    pub async fn serve_demo_sources(&self) -> NewsSite {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/demo");
        let (site, site_toml) = NewsSite::serve_dir(&dir).await.expect("demo site");
        let sources = civic_digest::parse_sources_toml(&site_toml, "site.toml").expect("site.toml");
        self.store
            .add_missing_sources(&sources, 0)
            .expect("add sources");
        site
    }

    pub async fn new() -> Harness {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = test_config(&dir);
        let store = Arc::new(Store::open(&config.database_path).expect("open store"));
        let site = NewsSite::start().await.expect("start news site");
        Harness {
            dir,
            config,
            store,
            site,
        }
    }

    /// Serves a fixture file from `tests/data/site/` at `path`.
    pub fn serve(&self, path: &str, fixture_name: &str, content_type: &str) {
        self.site.set(
            path,
            Route::page(200, content_type, fixture(&format!("site/{fixture_name}"))),
        );
    }
}

/// Polls `cond` until it holds, for what no sandbox event reports (a child
/// process's port or log, a database another process writes); `false`
/// once `bound` has passed, which only stops a test that would hang.
pub async fn poll_until<F, Fut>(bound: Duration, mut cond: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    poll_for(bound, || {
        let done = cond();
        async move { done.await.then_some(()) }
    })
    .await
    .is_some()
}

/// [`poll_until`] for a value: the first `Some` that `probe` gives.
pub async fn poll_for<T, F, Fut>(bound: Duration, mut probe: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + bound;
    let mut gap = Duration::from_millis(2);
    loop {
        if let Some(v) = probe().await {
            return Some(v);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(gap).await;
        gap = (gap * 2).min(Duration::from_millis(50));
    }
}
