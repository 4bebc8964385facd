//! Shared test helpers: fixtures, a temporary database, the test config.

#![allow(dead_code)]

pub mod bot;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use civic_digest::Config;
use civic_digest::Store;
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

/// A temporary directory with a database and a running local news site.
pub struct Harness {
    pub dir: tempfile::TempDir,
    pub config: Config,
    pub store: Arc<Store>,
    pub site: NewsSite,
}

impl Harness {
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
