//! Hardening: the fuzz corpora as regression tests, faults (SIGKILL during
//! ingest and broadcast, full and read-only disks, Telegram down, hostile
//! news sites), abuse and access (moderator commands, limits, SSRF, the
//! token, SQL, escaping). See `SECURITY.md`.

#[path = "../../fuzz/src/checks.rs"]
mod checks;

use std::path::PathBuf;

/// A target's seed directories: its own corpus, plus the test fixtures it
/// shares (the same list `scripts/fuzz.sh` gives the fuzzer).
fn corpus_dirs(target: &str) -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("fuzz/corpus").join(target)];
    let shared: &[&str] = match target {
        "extract" => &["tests/data/extract", "tests/data/site"],
        "feed" => &["tests/data/site"],
        _ => &[],
    };
    dirs.extend(shared.iter().map(|d| root.join(d)));
    dirs
}

/// Every file of every fuzz target's corpus goes through the target's own
/// checks: what the fuzzers found stays fixed.
#[test]
fn fuzz_corpora_pass_their_checks() {
    let mut total = 0;
    for (name, check) in checks::TARGETS {
        let mut files: Vec<PathBuf> = Vec::new();
        for dir in corpus_dirs(name) {
            files.extend(
                std::fs::read_dir(&dir)
                    .unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()))
                    .map(|e| e.expect("corpus entry").path())
                    .filter(|p| p.is_file()),
            );
        }
        files.sort();
        assert!(!files.is_empty(), "corpus {name} is empty");
        for f in files {
            let data = std::fs::read(&f).expect("corpus file");
            let r = std::panic::catch_unwind(|| check(&data));
            assert!(r.is_ok(), "fuzz target {name} fails on {}", f.display());
            total += 1;
        }
    }
    assert!(total >= 6);
}

/// The HTML checker the render target relies on catches what it must.
#[test]
fn html_checker_rejects_unbalanced_and_unescaped_markup() {
    for good in [
        "<b>a</b> &amp; <i>b</i>",
        "1. <a href=\"https://x.kz/?a=1&amp;b=2\">t &lt;3</a>",
        "plain",
    ] {
        assert_eq!(checks::check_html(good), Ok(()), "{good}");
    }
    for bad in [
        "<b>a",
        "<b>a</i>",
        "a & b",
        "a > b",
        "<script>x</script>",
        "<a href=\"x\"y\">t</a>",
        "</b>",
        "&nbsp;",
    ] {
        assert!(checks::check_html(bad).is_err(), "{bad}");
    }
}

// ---------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------

mod faults {
    use std::collections::HashMap;
    use std::path::Path;
    use std::process::Stdio;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use civic_digest::Sender;
    use civic_digest::{FetchError, FetchSettings, Fetcher};
    use civic_digest::{NewMessage, OutKind, Store};
    use civic_digest_sandbox::telegram::{FakeTelegram, Limits};
    use civic_digest_sandbox::{NewsSite, Route};
    use tokio::sync::Notify;

    pub const BIN: &str = env!("CARGO_BIN_EXE_civic-digest");

    /// The seed a run uses unless `CIVIC_TEST_SEED` (or the older
    /// `HARDENING_SEED`) names another.
    pub const DEFAULT_SEED: u64 = 20_261_202;

    /// A small deterministic generator with a fixed seed, printed, so a
    /// failing run can be repeated (`CIVIC_TEST_SEED=… cargo test`) and
    /// other seeds tried.
    pub struct Rng(u64);
    impl Rng {
        pub fn new() -> Rng {
            let seed = ["CIVIC_TEST_SEED", "HARDENING_SEED"]
                .iter()
                .find_map(|v| std::env::var(v).ok()?.trim().parse().ok())
                .unwrap_or(DEFAULT_SEED);
            eprintln!("hardening: CIVIC_TEST_SEED={seed}");
            Rng(seed | 1)
        }
        pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            lo + self.0 % (hi - lo + 1)
        }
    }

    /// The binary with the environment of a test: no proxy, no token, our
    /// data directory, loopback sources allowed, no politeness pause.
    pub fn civic(db: &Path) -> tokio::process::Command {
        let mut c = tokio::process::Command::new(BIN);
        c.arg("--db")
            .arg(db)
            .env("ALLOW_PRIVATE_SOURCES", "true")
            .env("HOST_DELAY_MS", "0")
            .env("MAX_ARTICLES_PER_POLL", "1000")
            .env("DATA_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/data"))
            .env("NO_PROXY", "*")
            .env_remove("HTTP_PROXY")
            .env_remove("HTTPS_PROXY")
            .env_remove("ALL_PROXY")
            .env_remove("http_proxy")
            .env_remove("https_proxy")
            .env_remove("TELOXIDE_TOKEN")
            .env_remove("MODERATOR_IDS")
            .kill_on_drop(true)
            .stdin(Stdio::null());
        c
    }

    pub fn sql(db: &Path) -> rusqlite::Connection {
        let c = rusqlite::Connection::open(db).expect("open db for checks");
        c.busy_timeout(Duration::from_secs(5))
            .expect("busy timeout");
        c
    }

    pub fn integrity(db: &Path) -> String {
        sql(db)
            .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
            .expect("integrity_check")
    }

    fn count(db: &Path, q: &str) -> i64 {
        sql(db).query_row(q, [], |r| r.get(0)).expect(q)
    }

    /// A kill before the first migration leaves a database file with no
    /// tables yet (the next start migrates it).
    fn migrated(db: &Path) -> bool {
        db.exists()
            && count(
                db,
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'articles'",
            ) == 1
    }

    const SOURCES: usize = 3;
    const PER_SOURCE: usize = 40;

    /// A site with `SOURCES` feeds of `PER_SOURCE` teasers each, every one
    /// linking to its own article page (distinct text, so none is a
    /// duplicate of another). Returns the sources file.
    fn busy_site(site: &NewsSite, dir: &Path) -> std::path::PathBuf {
        let places = [
            "Акмолинской",
            "Туркестанской",
            "Павлодарской",
            "Костанайской",
        ];
        let mut toml = String::new();
        for s in 0..SOURCES {
            let mut items = String::new();
            for i in 0..PER_SOURCE {
                let path = format!("/s{s}/news/{i}-akim-selo.html");
                let place = places[(s + i) % places.len()];
                let title = format!("Аким сельского округа №{s}{i} отчитался о работе");
                let body: String = (0..6)
                    .map(|p| {
                        format!(
                            "<p>В сельском округе №{s}{i} {place} области за {p} квартал \
                             отремонтировали {n} километров дорог и {m} школ. Аким округа \
                             рассказал жителям о бюджете на {y} год, о водопроводе и о \
                             новой амбулатории, которую откроют в селе №{i}.</p>",
                            n = i * 7 + p + s,
                            m = i % 5 + p,
                            y = 2026 + p
                        )
                    })
                    .collect();
                site.set(
                    &path,
                    Route::html(format!(
                        "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"
                    )),
                );
                items.push_str(&format!(
                    "<item><title>{title}</title><link>{}</link><description>Коротко о работе…</description></item>",
                    site.url(&path)
                ));
            }
            let feed = format!("/s{s}/rss.xml");
            site.set(
                &feed,
                Route::rss(format!(
                    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>S{s}</title>{items}</channel></rss>"
                )),
            );
            toml.push_str(&format!(
                "[[source]]\nname = \"Site {s}\"\nurl = \"{}\"\nkind = \"feed\"\n\n",
                site.url(&feed)
            ));
        }
        let path = dir.join("sources.toml");
        std::fs::write(&path, toml).expect("write sources");
        path
    }

    fn ingest_args(sources: &Path) -> Vec<String> {
        vec![
            "ingest".into(),
            "--once".into(),
            "--sources".into(),
            sources.to_string_lossy().into_owned(),
        ]
    }

    /// SIGKILL at random points of `ingest --once`, again and again: the
    /// database stays sound, and the run that finally completes stores
    /// every article exactly once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ingest_killed_at_random_points_keeps_every_article_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("civic.db");
        let site = NewsSite::start().await.expect("news site");
        let sources = busy_site(&site, dir.path());
        let mut rng = Rng::new();
        let mut killed_midway = 0;
        for round in 0..15 {
            let mut child = civic(&db)
                .args(ingest_args(&sources))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn ingest");
            let wait = rng.range(5, 300);
            tokio::time::sleep(Duration::from_millis(wait)).await;
            if child.try_wait().expect("try_wait").is_none() {
                killed_midway += 1;
            }
            child.start_kill().ok();
            child.wait().await.expect("wait");
            if db.exists() {
                assert_eq!(integrity(&db), "ok", "after kill {round} at {wait} ms");
            }
            if migrated(&db) {
                assert_eq!(
                    count(
                        &db,
                        "SELECT COUNT(*) FROM (SELECT url FROM articles GROUP BY url HAVING COUNT(*) > 1)"
                    ),
                    0,
                    "an article stored twice after kill {round}"
                );
            }
        }
        assert!(
            killed_midway >= 5,
            "only {killed_midway} kills hit a running ingest"
        );
        let partial = if migrated(&db) {
            count(&db, "SELECT COUNT(*) FROM articles")
        } else {
            0
        };
        let out = civic(&db)
            .args(ingest_args(&sources))
            .output()
            .await
            .expect("final ingest");
        assert!(
            out.status.success(),
            "final ingest failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(integrity(&db), "ok");
        let total = (SOURCES * PER_SOURCE) as i64;
        assert_eq!(
            count(&db, "SELECT COUNT(DISTINCT url) FROM articles"),
            total,
            "every article stored (partial runs had stored {partial})"
        );
        assert_eq!(count(&db, "SELECT COUNT(*) FROM articles"), total);
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM articles_fts"),
            total,
            "the search index has each article once"
        );
    }

    fn queue_broadcast(db: &Path, chats: std::ops::RangeInclusive<i64>) -> usize {
        let store = Store::open(db).expect("open store");
        let messages: Vec<NewMessage> = chats
            .map(|chat| NewMessage {
                chat_id: chat,
                kind: OutKind::Broadcast,
                batch: "hardening-1".into(),
                part: 0,
                text: format!("<b>Объявление</b> для чата {chat} &amp; всех").into(),
                disable_preview: true,
            })
            .collect();
        store.enqueue(&messages, 0).expect("enqueue")
    }

    fn run_cmd(db: &Path, fake: &FakeTelegram) -> tokio::process::Command {
        let mut c = civic(db);
        c.arg("run")
            .env("TELOXIDE_TOKEN", "123:TEST")
            .env("TELOXIDE_API_URL", fake.api_url().as_str())
            .env("POLL_INTERVAL_SECS", "86400")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(log_file(db));
        c
    }

    /// Appends to `run.log` beside the database (shown when a check fails).
    fn log_file(db: &Path) -> std::fs::File {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(db.with_file_name("run.log"))
            .expect("run log")
    }

    fn run_log(db: &Path) -> String {
        std::fs::read_to_string(db.with_file_name("run.log")).unwrap_or_default()
    }

    fn sent_per_chat(fake: &FakeTelegram) -> HashMap<i64, usize> {
        let mut counts = HashMap::new();
        for m in fake.all_sent() {
            *counts.entry(m.chat_id).or_insert(0) += 1;
        }
        counts
    }

    /// `run` SIGKILLed at random points of a broadcast to 200 chats, then
    /// restarted: every chat gets the message, the outbox ends all sent,
    /// and the repeats are no more than the sends that were in flight at
    /// the kills.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn broadcast_killed_at_random_points_loses_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("civic.db");
        let fake = FakeTelegram::start(Limits::unlimited())
            .await
            .expect("fake telegram");
        const CHATS: i64 = 90;
        assert_eq!(queue_broadcast(&db, 1..=CHATS), CHATS as usize);
        let mut rng = Rng::new();
        let mut in_flight_at_kills = 0;
        let mut kills_mid_broadcast = 0;
        for round in 0..10 {
            let before = fake.all_sent().len();
            let mut child = run_cmd(&db, &fake).spawn().expect("spawn run");
            // Kill once Telegram has taken a random number of this run's
            // sends (0: during start-up), on the fake's events, not a clock.
            let left = count(
                &db,
                "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')",
            );
            let wait = rng.range(0, 12).min(u64::try_from(left).unwrap_or(0));
            if wait > 0 {
                let target = before as u64 + wait;
                fake.wait_for_stats(Duration::from_secs(30), |s| s.messages_accepted >= target)
                    .await;
            }
            child.start_kill().ok();
            child.wait().await.expect("wait");
            assert_eq!(integrity(&db), "ok", "after kill {round} at {wait} sends");
            let in_flight = count(&db, "SELECT COUNT(*) FROM outbox WHERE status = 'sending'");
            let pending = count(&db, "SELECT COUNT(*) FROM outbox WHERE status = 'pending'");
            in_flight_at_kills += in_flight;
            eprintln!(
                "hardening: kill {round} after {wait} sends: {} sent in all, {pending} pending, {in_flight} in flight",
                fake.all_sent().len()
            );
            if fake.all_sent().len() > before && pending + in_flight > 0 {
                kills_mid_broadcast += 1;
            }
            if pending + in_flight == 0 {
                break;
            }
        }
        assert!(
            kills_mid_broadcast >= 2,
            "only {kills_mid_broadcast} kills hit a broadcast under way; log:\n{}",
            run_log(&db)
        );
        // The last run goes to the end.
        let mut child = run_cmd(&db, &fake).spawn().expect("spawn run");
        let left = || {
            count(
                &db,
                "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')",
            )
        };
        let done =
            crate::support::poll_until(Duration::from_secs(60), || async { left() == 0 }).await;
        assert!(done, "{} messages never sent", left());
        child.start_kill().ok();
        child.wait().await.expect("wait");
        assert_eq!(integrity(&db), "ok");
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'"),
            0,
            "every outbox message ends sent"
        );
        let counts = sent_per_chat(&fake);
        let mut repeats = 0;
        for chat in 1..=CHATS {
            let n = counts.get(&chat).copied().unwrap_or(0);
            assert!(n >= 1, "chat {chat} never got the broadcast");
            repeats += n as i64 - 1;
        }
        assert_eq!(
            counts.len(),
            CHATS as usize,
            "no message to a chat not in the outbox"
        );
        assert!(
            repeats <= in_flight_at_kills,
            "{repeats} repeated sends, but only {in_flight_at_kills} were in flight at the kills"
        );
        eprintln!(
            "hardening: broadcast: {repeats} repeats, {in_flight_at_kills} in flight at kills"
        );
    }

    fn no_proxy_bot(url: url::Url) -> teloxide::Bot {
        teloxide::Bot::with_client(
            "123:TEST",
            teloxide::net::default_reqwest_settings()
                .no_proxy()
                .build()
                .expect("http client"),
        )
        .set_api_url(url)
    }

    /// Telegram unreachable (a closed port for many rounds of back-off,
    /// each round standing for the wait having passed, then a round of
    /// 502s): nothing is sent, nothing is given up, the back-off grows;
    /// once Telegram is back every chat gets its message exactly once.
    /// (teloxide sleeps 10 s after a 5xx, so one 502 round stands for
    /// them all.) The sender's pacing and teloxide's sleep run on tokio's
    /// paused clock, which jumps to the next timer whenever nothing else
    /// can run: the HTTP is real, the waiting is not.
    #[tokio::test(start_paused = true)]
    async fn telegram_down_for_long_then_back_loses_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("civic.db");
        const CHATS: i64 = 20;
        queue_broadcast(&db, 1..=CHATS);
        let store = Arc::new(Store::open(&db).expect("open store"));
        let now = || chrono::Utc::now().timestamp();
        let waits = |db: &Path| -> Vec<i64> {
            let c = sql(db);
            let mut st = c
                .prepare("SELECT next_attempt_at FROM outbox WHERE status = 'pending'")
                .expect("prepare");
            st.query_map([], |r| r.get::<_, i64>(0))
                .expect("query")
                .map(|r| r.expect("row") - now())
                .collect()
        };
        let time_passes = |db: &Path| {
            sql(db)
                .execute(
                    "UPDATE outbox SET next_attempt_at = 0 WHERE status = 'pending'",
                    [],
                )
                .expect("advance the clock");
        };
        let mut simulated = 0;
        let mut last_wait = 0;
        let mut rounds = 0;
        // One round: nothing gets through, every message waits to be
        // retried, a little longer than after the round before.
        let mut round = |db: &Path, what: &str| {
            rounds += 1;
            assert_eq!(
                count(
                    db,
                    "SELECT COUNT(*) FROM outbox WHERE status NOT IN ('pending')"
                ),
                0,
                "after round {rounds} ({what}) every message waits to be retried"
            );
            let w = waits(db);
            assert_eq!(w.len(), CHATS as usize, "every message back in the queue");
            let min = w.iter().copied().min().unwrap_or(0);
            assert!(
                min > 0 && min >= last_wait,
                "{what}: back-off {min}s after {last_wait}s"
            );
            last_wait = min;
            simulated += min;
            time_passes(db);
        };

        // A closed port: connection refused, round after round.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = closed.local_addr().expect("addr");
        drop(closed);
        let url = url::Url::parse(&format!("http://{addr}/")).expect("url");
        let sender = Sender::new(no_proxy_bot(url), store.clone(), Arc::new(Notify::new()));
        for _ in 0..6 {
            assert_eq!(sender.drain_once().await.expect("drain"), CHATS as usize);
            round(&db, "connection refused");
        }

        // Then 502 Bad Gateway.
        let fake = FakeTelegram::start(Limits::unlimited())
            .await
            .expect("fake telegram");
        fake.set_unavailable(true);
        let sender = Sender::new(
            no_proxy_bot(fake.api_url()),
            store.clone(),
            Arc::new(Notify::new()),
        );
        sender.drain_once().await.expect("drain");
        assert!(fake.all_sent().is_empty(), "nothing gets through a 502");
        assert!(
            fake.stats().bad_gateway >= CHATS as u64,
            "{:?}",
            fake.stats()
        );
        round(&db, "502");
        eprintln!(
            "hardening: Telegram down for {rounds} rounds, {simulated}s of back-off simulated"
        );
        fake.set_unavailable(false);
        let deadline = Instant::now() + Duration::from_secs(30);
        while count(&db, "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'") > 0 {
            assert!(
                Instant::now() < deadline,
                "not all sent after Telegram came back"
            );
            sender.drain_once().await.expect("drain");
            time_passes(&db);
        }
        let counts = sent_per_chat(&fake);
        for chat in 1..=CHATS {
            assert_eq!(counts.get(&chat), Some(&1), "chat {chat}");
        }
    }

    fn fetcher() -> Fetcher {
        Fetcher::new(FetchSettings {
            timeout: Duration::from_secs(2),
            max_body_bytes: 1024 * 1024,
            host_delay: Duration::ZERO,
            allow_private: true,
        })
        .expect("fetcher")
    }

    /// A site that stalls mid-body, a gzip bomb, an endless chunked stream,
    /// an oversized declared length: each is cut off at the timeout or the
    /// cap, quickly and with a clear error.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hostile_sites_are_cut_off_at_the_cap_and_the_timeout() {
        let site = NewsSite::start().await.expect("news site");
        site.set(
            "/stall",
            Route::Stall {
                first: bytes::Bytes::from_static(b"<html><body><article><p>\xd0\x90\xd0\xba"),
            },
        );
        site.set(
            "/bomb",
            Route::GzipBomb {
                inflated: 16 * 1024 * 1024,
            },
        );
        site.set("/endless", Route::Endless);
        site.set(
            "/slow",
            Route::Slow {
                delay: Duration::from_secs(30),
                then: Box::new(Route::html("late")),
            },
        );
        site.set(
            "/big",
            Route::page(200, "text/html", vec![b'a'; 3 * 1024 * 1024]),
        );
        let f = fetcher();
        for (path, timeout) in [
            ("/stall", true),
            ("/slow", true),
            ("/bomb", false),
            ("/endless", false),
            ("/big", false),
        ] {
            let started = Instant::now();
            let r = f.get(&site.url(path)).await;
            let took = started.elapsed();
            assert!(took < Duration::from_secs(5), "{path} took {took:?}");
            match (r, timeout) {
                (Err(FetchError::Timeout { .. }), true) => {}
                (Err(FetchError::TooLarge { limit, .. }), false) => assert_eq!(limit, 1024 * 1024),
                (other, _) => panic!("{path}: {:?}", other.map(|p| p.body.len())),
            }
        }
    }

    fn file_size(p: &Path) -> u64 {
        std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
    }

    /// The disk fills up during an ingest (the process may not grow any
    /// file past a few KB more than the database had: RLIMIT_FSIZE, with
    /// SIGXFSZ ignored, makes `write` fail as on a full disk): the ingest
    /// says so and fails; the database is sound, and once there is room the
    /// next ingest stores every article once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_disk_gives_a_clear_error_and_no_corruption() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("civic.db");
        let site = NewsSite::start().await.expect("news site");
        let sources = busy_site(&site, dir.path());
        drop(Store::open(&db).expect("create the database"));
        let room_kb = file_size(&db) / 1024 + 24;
        let mut args = vec![
            "-c".to_string(),
            format!("trap '' XFSZ; ulimit -f {room_kb}; exec \"$0\" \"$@\""),
            BIN.to_string(),
            "--db".into(),
            db.to_string_lossy().into_owned(),
        ];
        args.extend(ingest_args(&sources));
        // The same environment as `civic` sets and removes, through bash.
        let mut bash = tokio::process::Command::new("bash");
        for (k, v) in civic(&db).as_std().get_envs() {
            match v {
                Some(v) => bash.env(k, v),
                None => bash.env_remove(k),
            };
        }
        let out = bash
            .args(&args)
            .output()
            .await
            .expect("run ingest on a full disk");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        eprintln!("hardening: full disk: {}\n{stdout}\n{stderr}", out.status);
        assert!(
            !stderr.contains("panicked"),
            "a panic on a full disk:\n{stderr}"
        );
        assert!(
            stderr.contains("disk is full") || stderr.contains("disk I/O error"),
            "no clear error on a full disk:\n{stdout}\n{stderr}"
        );
        assert!(
            !stderr.contains("retry in"),
            "a full disk is blamed on the sources (backed off, in time paused):\n{stderr}"
        );
        assert_eq!(integrity(&db), "ok");
        let out = civic(&db)
            .args(ingest_args(&sources))
            .output()
            .await
            .expect("ingest");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(integrity(&db), "ok");
        let total = (SOURCES * PER_SOURCE) as i64;
        assert_eq!(count(&db, "SELECT COUNT(*) FROM articles"), total);
        assert_eq!(
            count(&db, "SELECT COUNT(DISTINCT url) FROM articles"),
            total
        );
    }

    /// A read-only database (opened read-only: as root a chmod would not
    /// stop us): commands that write fail with a clear error, and nothing
    /// in the file changes.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_read_only_database_gives_a_clear_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("civic.db");
        let site = NewsSite::start().await.expect("news site");
        let sources = busy_site(&site, dir.path());
        drop(Store::open(&db).expect("create the database"));
        let before = std::fs::read(&db).expect("read db");
        let ro = format!("file:{}?mode=ro", db.display());
        for args in [
            ingest_args(&sources),
            vec!["sources".into(), "add".into(), site.url("/s0/rss.xml")],
        ] {
            let out = civic(Path::new(&ro))
                .args(&args)
                .current_dir(dir.path())
                .output()
                .await
                .expect("run on a read-only database");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !out.status.success(),
                "{args:?} succeeded on a read-only database"
            );
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert!(
                stderr.contains("readonly"),
                "{args:?}: no clear error:\n{stderr}"
            );
        }
        assert_eq!(integrity(&db), "ok");
        assert_eq!(
            std::fs::read(&db).expect("read db"),
            before,
            "the file is untouched"
        );
    }
}

// ---------------------------------------------------------------------------
// Abuse and access
// ---------------------------------------------------------------------------

mod access {
    use std::time::Duration;

    use civic_digest::Callback;
    use civic_digest::FloodLimiter;
    use civic_digest::Lang;
    use civic_digest::commands::{Access, SPECS};
    use civic_digest::{ChatKind, Role};
    use civic_digest_sandbox::FakeChat;

    use crate::support::bot::{BotHarness, Options, WAIT, user};

    const OWNER: u64 = 900;
    const MODERATOR: u64 = 901;
    const CITIZEN: u64 = 902;

    /// What a moderator command could change, in one snapshot.
    fn state(h: &BotHarness) -> String {
        let sources = h.store.list_sources().expect("sources").len();
        let (pending, sending, sent, failed, dropped) = h.store.outbox_counts().expect("outbox");
        let staff: Vec<String> = h
            .store
            .staff()
            .expect("staff")
            .iter()
            .map(|u| format!("{}:{:?}:{}", u.user_id, u.role, u.banned))
            .collect();
        let banned = h
            .store
            .user(CITIZEN as i64)
            .expect("user")
            .is_some_and(|u| u.banned);
        let keywords = h.store.topic_keywords().expect("keywords").len();
        let hidden = h.store.latest_articles(50).expect("articles").len();
        format!(
            "sources {sources} outbox {pending}/{sending}/{sent}/{failed}/{dropped} staff {staff:?} \
             banned {banned:?} keywords {keywords} visible {hidden}"
        )
    }

    /// Every moderator and owner command from the bot's own table, sent by
    /// a citizen (and the owner-only ones by a moderator), is refused,
    /// audited as refused, and changes nothing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_staff_command_is_refused_to_those_without_the_role() {
        let h = BotHarness::start(Options {
            owners: vec![OWNER],
            ..Options::default()
        })
        .await;
        h.store
            .set_role(MODERATOR as i64, Role::Moderator, 0)
            .expect("a moderator");
        let article = h.add_article("https://x.kz/a/1", "Статья", "Текст", &["education"], &[]);
        let citizen = user(CITIZEN, "Citizen", "ru");
        let moderator = user(MODERATOR, "Moder", "ru");
        let before = state(&h);
        let mut tried = 0;
        for spec in SPECS {
            let mut who = Vec::new();
            match spec.access {
                Access::Moderator => who.push((&citizen, "bot.moderators_only")),
                Access::Owner => {
                    who.push((&citizen, "bot.owners_only"));
                    who.push((&moderator, "bot.owners_only"));
                }
                Access::Everyone | Access::Settings => continue,
            }
            let args = match spec.max_args {
                0 => String::new(),
                n if n >= 30 => format!(" {article} https://x.kz/rss {CITIZEN}"),
                _ => format!(" {CITIZEN}"),
            };
            for (u, key) in who {
                let text = format!("/{}{args}", spec.name);
                let r = h.say(u, &text, 1).await;
                assert_eq!(
                    r[0].plain_text,
                    h.texts.t(Lang::Ru, key),
                    "{text} by {}",
                    u.id
                );
                tried += 1;
                let audit = h.store.recent_audit(1).expect("audit");
                assert_eq!(
                    (
                        audit[0].actor_id,
                        audit[0].action.as_str(),
                        audit[0].allowed
                    ),
                    (u.id as i64, spec.name, false),
                    "{text} audited as refused"
                );
            }
        }
        assert!(tried >= 17, "only {tried} commands tried");
        assert_eq!(state(&h), before, "a refused command changed something");
        h.stop().await;
    }

    /// Every kind of callback, crafted by hand: staff kinds are refused to
    /// a citizen whatever the message they hang under; malformed data is
    /// refused as stale; in a group, a member who is not an admin cannot
    /// press a settings button (an admin can).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hand_crafted_callbacks_are_checked_on_the_server() {
        let h = BotHarness::start(Options {
            owners: vec![OWNER],
            ..Options::default()
        })
        .await;
        let citizen = user(CITIZEN, "Citizen", "ru");
        let r = h.say(&citizen, "/settings", 1).await;
        let under = r[0].message_id;
        let draft = h
            .store
            .create_broadcast(OWNER as i64, "<b>hi</b>", 0)
            .expect("draft");
        let kinds = [
            Callback::Topic("education".into()),
            Callback::Region("akmola".into()),
            Callback::AllRegions,
            Callback::Language(Lang::Kk),
            Callback::Broadcast {
                id: draft,
                confirm: true,
            },
            Callback::Broadcast {
                id: draft,
                confirm: false,
            },
            Callback::DeleteMe { confirm: false },
            Callback::Latest("education".into()),
            Callback::HideArticle(1),
            Callback::ArticleTopics(1),
            Callback::ArticleTopic {
                id: 1,
                topic: "education".into(),
            },
        ];
        let staff: Vec<&Callback> = kinds.iter().filter(|c| c.is_staff()).collect();
        assert_eq!(staff.len(), 5, "every staff kind is listed here");
        for cb in staff {
            let answer = h.tap(&citizen, under, &cb.encode()).await;
            assert_eq!(
                answer.as_deref(),
                Some(h.texts.t(Lang::Ru, "bot.moderators_only")),
                "{cb:?}"
            );
            let audit = h.store.recent_audit(1).expect("audit");
            assert_eq!(
                (audit[0].action.as_str(), audit[0].allowed),
                (cb.action(), false)
            );
        }
        assert_eq!(
            h.store.broadcast(draft).expect("draft").2,
            "draft",
            "never sent"
        );
        assert!(h.store.claim_due(i64::MAX, 10).expect("claim").is_empty());
        for forged in [
            "bc:ok:0",
            "bc:ok:-1",
            "bc:ok:1 OR 1=1",
            "bc:yes:1",
            "t:education'; DROP TABLE subscribers; --",
            "t:EDUCATION",
            "r:../../etc",
            "l:xx",
            "",
            "::::",
            &"t:a".repeat(30),
        ] {
            let answer = h.tap(&citizen, under, forged).await;
            assert_eq!(
                answer.as_deref(),
                Some(h.texts.t(Lang::Ru, "bot.callback_invalid")),
                "{forged:?}"
            );
        }
        // An unknown topic id that looks valid changes nothing.
        h.tap(&citizen, under, "t:no_such_topic").await;
        let topics = h
            .store
            .subscriber(CITIZEN as i64)
            .expect("sub")
            .map(|s| s.topics)
            .unwrap_or_default();
        assert!(topics.iter().all(|t| t != "no_such_topic"), "{topics:?}");
        let group = FakeChat::group(-100_777, "Село");
        let in_group = h.say_in(&group, &citizen, "/settings", 1).await[0].message_id;
        for cb in kinds.iter().filter(|c| c.changes_settings()) {
            let answer = h.tap_in(&group, &citizen, in_group, &cb.encode()).await;
            assert_eq!(
                answer.as_deref(),
                Some(h.texts.t(Lang::Ru, "bot.admins_only")),
                "{cb:?} in a group"
            );
        }
        assert!(
            h.store
                .subscriber(-100_777)
                .expect("sub")
                .is_none_or(|s| s.topics.is_empty()),
            "a non-admin changed the group's topics"
        );
        // The check is not simply closed: an admin's press goes through
        // (on a subscribed group: keyboards come with a subscription, and
        // a group without one answers "send /start").
        h.store
            .ensure_subscriber(-100_777, ChatKind::Group, Some("Село"), "ru", 0)
            .expect("subscribe the group");
        let admin = user(CITIZEN + 5, "Admin", "ru");
        h.tg.make_admin(-100_777, &admin);
        let answer = h
            .tap_in(
                &group,
                &admin,
                in_group,
                &Callback::Topic("education".into()).encode(),
            )
            .await;
        assert_ne!(
            answer.as_deref(),
            Some(h.texts.t(Lang::Ru, "bot.admins_only"))
        );
        let topics = h
            .store
            .subscriber(-100_777)
            .expect("sub")
            .map(|s| s.topics)
            .unwrap_or_default();
        assert_eq!(topics, vec!["education"], "the admin's press is saved");
        h.stop().await;
    }

    /// The limits: commands per minute, follows, and the length of every
    /// argument (search queries, region lists, broadcasts).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn limits_hold_for_commands_follows_and_argument_sizes() {
        let h = BotHarness::start(Options {
            owners: vec![OWNER],
            follow_cap: 3,
            flood: FloodLimiter::new(1000, Duration::from_millis(1)),
        })
        .await;
        let u = user(CITIZEN, "Citizen", "ru");
        let owner = user(OWNER, "Owner", "ru");
        for (who, cmd, max) in [
            (&u, "search", 120),
            (&u, "regions", 400),
            (&u, "subscribe", 400),
            (&u, "follow", 64),
            (&owner, "broadcast", 3500),
        ] {
            let spec = SPECS.iter().find(|s| s.name == cmd).expect("known command");
            assert_eq!(spec.max_args, max, "/{cmd} limit");
            let r = h
                .say(who, &format!("/{cmd} {}", "я".repeat(max + 1)), 1)
                .await;
            assert!(
                r[0].plain_text.contains(&format!("/{cmd}"))
                    && r[0].plain_text.contains(&max.to_string()),
                "/{cmd} over the limit: {}",
                r[0].plain_text
            );
        }
        assert!(
            h.store.claim_due(i64::MAX, 10).expect("claim").is_empty(),
            "no broadcast"
        );
        for (i, phrase) in ["Кошанов", "Бектенов", "Ауыл аманаты", "Тоқаев"]
            .iter()
            .enumerate()
        {
            h.say(&u, &format!("/follow {phrase}"), 1).await;
            let follows = h
                .store
                .subscriber(CITIZEN as i64)
                .expect("sub")
                .expect("exists")
                .follows;
            assert_eq!(follows.len(), (i + 1).min(3), "follow cap");
        }
        h.stop().await;

        // A flood: 3 commands a minute, 10 sent at once.
        let h = BotHarness::start(Options {
            flood: FloodLimiter::new(3, Duration::from_secs(60)),
            ..Options::default()
        })
        .await;
        let u = user(CITIZEN + 1, "Fast", "ru");
        for _ in 0..10 {
            h.tg.push_message(FakeChat::private(&u), &u, "/help");
        }
        assert!(h.tg.wait_for_sent(u.id as i64, 4, WAIT).await);
        h.settle(&FakeChat::private(&u)).await;
        let sent = h.tg.sent(u.id as i64);
        assert_eq!(
            sent.len(),
            4,
            "3 answers and one warning: {}",
            h.tg.transcript()
        );
        h.stop().await;
    }

    /// Hostile user input comes back escaped: the fake Bot API rejects
    /// malformed HTML (and a bare `&`), so an unescaped echo shows up as a
    /// missing reply or an apology.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn user_input_is_escaped_in_every_reply() {
        let h = BotHarness::start(Options {
            owners: vec![OWNER],
            ..Options::default()
        })
        .await;
        let evil = "<b>x</b> & <a href=\"y\">";
        let u = user(CITIZEN, "<i>Evil</i> & Co", "ru");
        let owner = user(OWNER, "<b>Owner</b>", "ru");
        h.add_article(
            "https://x.kz/a/\"><b>1",
            "<script>alert(1)</script> & «Аким»",
            "Текст & <b>",
            &["education"],
            &["akmola"],
        );
        h.add_summarized(
            "https://x.kz/a/2?a=1&b=<2>",
            civic_digest::Summary {
                title: "Кошанов & <i>депутаты</i>".into(),
                text: "Текст".into(),
                quotes: vec![civic_digest::Quote {
                    text: "Мы <b>сделаем</b> всё & даже больше".into(),
                    speaker: Some("Ерлан Кошанов".into()),
                    speaker_role: Some("<спикер>".into()),
                    via: Some("A & B".into()),
                    score: 1.0,
                }],
                people: vec!["Ерлан Кошанов".into()],
                ..Default::default()
            },
        );
        let apology = h.texts.t(Lang::Ru, "bot.apology").to_string();
        for (who, text) in [
            (&u, "/start".to_string()),
            (&u, "/quotes Кошанов".to_string()),
            (&u, format!("/follow {evil}")),
            (&u, format!("/subscribe {evil}")),
            (&u, format!("/regions {evil}")),
            (&u, format!("/search {evil}")),
            (&u, format!("/quotes {evil}")),
            (&u, format!("/schedule {evil}")),
            (&u, format!("/why {}", "<&>")),
            (&u, "/latest".to_string()),
            (&u, "/settings".to_string()),
            (&u, format!("/nosuch{}", "<&>")),
            (&u, evil.to_string()),
            (&owner, format!("/addsource {evil}")),
            (&owner, format!("/ban {evil}")),
            (&owner, format!("/retopic 1 {evil}")),
            (&owner, format!("/addkeywords education {evil}")),
            (&owner, format!("/broadcast {evil}")),
        ] {
            let before = h.tg.sent(who.id as i64).len();
            h.tg.push_message(FakeChat::private(who), who, &text);
            assert!(
                h.tg.wait_for_sent(who.id as i64, before + 1, WAIT).await,
                "no reply to {text:?} (rejected HTML?):\n{}",
                h.tg.transcript()
            );
            h.settle(&FakeChat::private(who)).await;
            for m in &h.tg.sent(who.id as i64)[before..] {
                assert_ne!(
                    m.plain_text,
                    apology,
                    "{text:?} failed:\n{}",
                    h.tg.transcript()
                );
                crate::hardening::checks::check_html(&m.text)
                    .unwrap_or_else(|e| panic!("{text:?}: {e}\n{}", m.text));
            }
        }
        assert!(
            h.tg.sent(CITIZEN as i64)
                .iter()
                .any(|m| m.plain_text.contains("Мы <b>сделаем</b> всё & даже больше")),
            "the quote is shown as said:\n{}",
            h.tg.transcript()
        );
        let echoed = h.tg.sent(OWNER as i64);
        assert!(
            echoed.iter().any(|m| m.plain_text.contains(evil)),
            "the broadcast preview shows the text as typed:\n{}",
            h.tg.transcript()
        );
        h.stop().await;
    }
}

// ---------------------------------------------------------------------------
// SSRF, the token, SQL
// ---------------------------------------------------------------------------

mod guards {
    use std::path::Path;
    use std::time::Duration;

    use civic_digest::{FetchError, FetchSettings, Fetcher};
    use civic_digest::{NewMessage, OutKind, Store};
    use civic_digest_sandbox::telegram::{FakeTelegram, Limits};
    use civic_digest_sandbox::{FakeChat, FakeUser, NewsSite, Route};

    use super::faults::{civic, sql};

    fn fetcher(allow_private: bool) -> Fetcher {
        Fetcher::new(FetchSettings {
            timeout: Duration::from_secs(3),
            max_body_bytes: 1024 * 1024,
            host_delay: Duration::ZERO,
            allow_private,
        })
        .expect("fetcher")
    }

    async fn refused(f: &Fetcher, url: &str) {
        match f.get(url).await {
            Err(FetchError::Blocked { .. }) | Err(FetchError::InvalidUrl { .. }) => {}
            Err(FetchError::Redirect { message, .. }) if message.contains("scheme") => {}
            // a redirect to a non-http scheme is not followed
            Err(FetchError::Status { status, .. }) if (300..400).contains(&status) => {}
            other => panic!("{url} was not refused: {:?}", other.map(|p| p.url)),
        }
    }

    /// Loopback and private addresses, in every spelling (names the system
    /// resolver maps to them, IPv6 and IPv4-mapped forms, short and numeric
    /// IPv4), are refused unless private sources are allowed; link-local and
    /// metadata addresses always; and so are redirects to them. No request
    /// reaches the site.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn private_link_local_and_metadata_addresses_are_refused() {
        let site = NewsSite::start().await.expect("news site");
        site.set("/feed", Route::rss("<rss version=\"2.0\"><channel/></rss>"));
        let port = site.addr().port();
        let strict = fetcher(false);
        for host in [
            "127.0.0.1",
            "localhost",
            "LOCALHOST",
            "[::1]",
            "[0:0:0:0:0:0:0:1]",
            "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]",
            "[64:ff9b::127.0.0.1]",
            "127.1",
            "2130706433",
            "0x7f.0.0.1",
            "0177.0.0.1",
            "0.0.0.0",
            "[::]",
        ] {
            refused(&strict, &format!("http://{host}:{port}/feed")).await;
        }
        assert_eq!(site.hits("/feed"), 0, "a request got past the guard");

        let lax = fetcher(true);
        for url in [
            "http://169.254.169.254/latest/meta-data/".to_string(),
            "http://[::ffff:169.254.169.254]/latest/meta-data/".into(),
            "http://[::ffff:a9fe:a9fe]/".into(),
            "http://[fe80::1]/".into(),
            "http://[fd00:ec2::254]/".into(),
            format!("http://0.0.0.0:{port}/feed"),
            format!("http://[::]:{port}/feed"),
            "file:///etc/passwd".into(),
            "gopher://127.0.0.1:70/".into(),
        ] {
            if url.contains("fd00:ec2") {
                // a private (ULA) address: refused only when strict
                refused(&strict, &url).await;
                continue;
            }
            refused(&strict, &url).await;
            refused(&lax, &url).await;
        }
        assert_eq!(site.hits("/feed"), 0);

        // Redirects are checked hop by hop.
        for (path, to) in [
            (
                "/r/meta",
                "http://169.254.169.254/latest/meta-data/".to_string(),
            ),
            ("/r/meta6", "http://[::ffff:169.254.169.254]/".into()),
            ("/r/ll", "http://[fe80::1]/".into()),
            ("/r/zero", format!("http://0.0.0.0:{port}/feed")),
            ("/r/file", "file:///etc/passwd".into()),
        ] {
            site.set(path, Route::Redirect { to });
            refused(&lax, &site.url(path)).await;
        }
        assert_eq!(site.hits("/feed"), 0);
        // Allowed when asked for: the guard is not simply closed.
        assert!(lax.get(&site.url("/feed")).await.is_ok());
        assert_eq!(site.hits("/feed"), 1);
    }

    /// The real binary with private sources not allowed: `localhost` and an
    /// IPv4-mapped loopback source are refused, and say why.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ingest_refuses_loopback_sources_by_name_and_mapped_address() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("civic.db");
        let site = NewsSite::start().await.expect("news site");
        site.set("/feed", Route::rss("<rss version=\"2.0\"><channel/></rss>"));
        let port = site.addr().port();
        let sources = dir.path().join("sources.toml");
        std::fs::write(
            &sources,
            format!(
                "[[source]]\nname = \"A\"\nurl = \"http://localhost:{port}/feed\"\nkind = \"feed\"\n\n\
                 [[source]]\nname = \"B\"\nurl = \"http://[::ffff:127.0.0.1]:{port}/feed\"\nkind = \"feed\"\n"
            ),
        )
        .expect("sources");
        let out = civic(&db)
            .env("ALLOW_PRIVATE_SOURCES", "false")
            .args(["ingest", "--once", "--sources"])
            .arg(&sources)
            .output()
            .await
            .expect("ingest");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
        assert_eq!(line["errors"], 2, "{stdout}");
        assert_eq!(site.hits("/feed"), 0);
        let errors: Vec<String> = {
            let c = sql(&db);
            let mut st = c
                .prepare("SELECT last_error FROM sources ORDER BY id")
                .expect("prepare");
            st.query_map([], |r| r.get::<_, String>(0))
                .expect("query")
                .map(|r| r.expect("row"))
                .collect()
        };
        assert_eq!(errors.len(), 2);
        for e in errors {
            assert!(e.contains("ALLOW_PRIVATE_SOURCES"), "{e}");
        }
    }

    const TOKEN: &str = "123456789:AAHardeningSecret_tokenValue-0123456789";

    fn leaks(hay: &[u8]) -> bool {
        let secret = TOKEN.split_once(':').map_or(TOKEN, |(_, s)| s);
        [TOKEN, secret]
            .iter()
            .any(|needle| hay.windows(needle.len()).any(|w| w == needle.as_bytes()))
    }

    /// `run` with a token and RUST_LOG=trace, against the fake Bot API
    /// (deliveries, a command, a stretch of 502s) and then against a closed
    /// port: the token is in no line of stdout or stderr, and in no byte of
    /// the database files.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_token_is_never_printed_logged_or_stored() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("civic.db");
        {
            let store = Store::open(&db).expect("store");
            let messages: Vec<NewMessage> = (1..=3)
                .map(|chat| NewMessage {
                    chat_id: chat,
                    kind: OutKind::Broadcast,
                    batch: "token".into(),
                    part: 0,
                    text: "Привет".into(),
                    disable_preview: true,
                })
                .collect();
            store.enqueue(&messages, 0).expect("enqueue");
        }
        let fake = FakeTelegram::start(Limits::unlimited())
            .await
            .expect("fake");
        let log = dir.path().join("out.log");
        let spawn = |api: String| {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log)
                .expect("log");
            civic(&db)
                .arg("run")
                .env("TELOXIDE_TOKEN", TOKEN)
                .env("TELOXIDE_API_URL", api)
                .env("RUST_LOG", "trace")
                .env("MODERATOR_IDS", "900")
                .env("POLL_INTERVAL_SECS", "86400")
                .stdout(file.try_clone().expect("log"))
                .stderr(file)
                .spawn()
                .expect("spawn run")
        };
        let mut child = spawn(fake.api_url().to_string());
        assert!(
            fake.wait_until(Duration::from_secs(30), |tg| tg.all_sent().len() >= 3)
                .await,
            "run never delivered"
        );
        let owner = FakeUser::new(900, "Owner").with_language("ru");
        fake.push_message(FakeChat::private(&owner), &owner, "/stats");
        assert!(fake.wait_for_sent(900, 1, Duration::from_secs(10)).await);
        fake.set_unavailable(true);
        fake.push_message(FakeChat::private(&owner), &owner, "/help");
        assert!(
            fake.wait_for_stats(Duration::from_secs(30), |s| s.bad_gateway >= 1)
                .await,
            "run met no 502"
        );
        fake.set_unavailable(false);
        child.start_kill().ok();
        child.wait().await.expect("wait");

        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = closed.local_addr().expect("addr");
        drop(closed);
        let logged = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0) as usize;
        let mut child = spawn(format!("http://{addr}/"));
        // Until the run has met the closed port and said so.
        let tried = || {
            let text = std::fs::read(&log).unwrap_or_default();
            String::from_utf8_lossy(text.get(logged..).unwrap_or_default())
                .contains("Telegram is unreachable")
        };
        crate::support::poll_until(Duration::from_secs(20), || async { tried() }).await;
        child.start_kill().ok();
        child.wait().await.expect("wait");

        let out = std::fs::read(&log).expect("log");
        let text = String::from_utf8_lossy(&out);
        assert!(
            text.contains("TRACE") && text.lines().count() > 50,
            "trace logging was on: {} lines",
            text.lines().count()
        );
        assert!(
            text.contains(&addr.to_string()) || text.contains("onnect"),
            "the closed port was tried"
        );
        if leaks(&out) {
            let lines: Vec<&str> = text
                .lines()
                .filter(|l| leaks(l.as_bytes()))
                .take(5)
                .collect();
            panic!("the token is in the output:\n{}", lines.join("\n"));
        }
        for suffix in ["", "-wal", "-shm"] {
            let path = format!("{}{suffix}", db.display());
            if let Ok(bytes) = std::fs::read(Path::new(&path)) {
                assert!(!leaks(&bytes), "the token is in {path}");
            }
        }
    }

    /// Every SQL statement built with `format!` in `src/` interpolates only
    /// table and column names, `?` placeholder lists and SELECT constants,
    /// never a value; and the private helpers that take a table or column
    /// are only ever called with string literals.
    #[test]
    fn sql_is_parameterised() {
        let sql_word =
            regex::Regex::new(r"\b(SELECT|INSERT|UPDATE|DELETE|PRAGMA|CREATE|DROP|ALTER|WHERE)\b")
                .expect("regex");
        let placeholder = regex::Regex::new(r"\{([A-Za-z_]*)(:[^}]*)?\}").expect("regex");
        let allowed = ["table", "column", "sql", "filter"];
        let mut files = Vec::new();
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("src dir") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    files.push(p);
                }
            }
        }
        let mut checked = 0;
        for f in &files {
            let src = std::fs::read_to_string(f).expect("source");
            for (at, _) in src.match_indices("format!(") {
                let rest = &src[at + 8..];
                let Some(open) = rest.find('"') else { continue };
                if !rest[..open].trim().is_empty() {
                    continue;
                }
                let body = &rest[open + 1..];
                let Some(close) = body.find('"') else {
                    continue;
                };
                let literal = &body[..close];
                if !sql_word.is_match(literal) {
                    continue;
                }
                checked += 1;
                let after: String = body[close..].chars().take(120).collect();
                for cap in placeholder.captures_iter(literal) {
                    let name = &cap[1];
                    let ok = allowed.contains(&name)
                        || name.ends_with("_SELECT")
                        || (name.is_empty() && after.contains("marks("));
                    assert!(
                        ok,
                        "{}: SQL interpolates {{{name}}}: {literal:?}",
                        f.display()
                    );
                }
            }
        }
        assert!(checked >= 10, "only {checked} SQL format! strings found");
        // The helpers with a table or column parameter get literals only.
        let subs = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/subscribers.rs"),
        )
        .expect("subscribers.rs");
        for (call, literal) in [
            (
                r"self\.(toggle|add_values|remove_values)\(",
                r#"self\.(toggle|add_values|remove_values)\(\s*"[a-z_]+",\s*"[a-z_]+","#,
            ),
            (
                r"self\.update_subscriber\(",
                r#"self\.update_subscriber\(\s*chat_id,\s*"[a-z_]+ = \?2","#,
            ),
        ] {
            let calls = regex::Regex::new(call)
                .expect("regex")
                .find_iter(&subs)
                .count();
            let literals = regex::Regex::new(literal)
                .expect("regex")
                .find_iter(&subs)
                .count();
            assert!(calls > 0, "{call} not found");
            assert_eq!(
                calls, literals,
                "{call} called with a non-literal table, column or SET"
            );
        }
    }
}
