//! The whole process: `demo` as a user runs it, and `run` against the fake
//! Telegram API and the local news site — health, metrics, and a SIGTERM in
//! the middle of a delivery that loses nothing and resumes on restart.

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use civic_digest::{ChatKind, NewMessage, NewSource, OutKind, SourceKind, Store};
use civic_digest_sandbox::telegram::{FakeTelegram, Limits};

use crate::support::{Harness, data_path};

const BIN: &str = env!("CARGO_BIN_EXE_civic-digest");
const TOKEN: &str = "1234567890:SERVICE-TEST-TOKEN-abcdefghijklmnop";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_prints_a_digest_with_a_quote_and_its_speaker() {
    let out = tokio::process::Command::new(BIN)
        .arg("demo")
        .env("DATA_DIR", data_path("../../data"))
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("DATABASE_PATH")
        .output()
        .await
        .unwrap();
    let transcript = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{transcript}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(transcript.contains("👤 Айгерім: /start"), "{transcript}");
    assert!(transcript.contains("📰"), "a digest: {transcript}");
    // «quote» — Speaker Name
    let quoted = transcript
        .lines()
        .filter(|l| {
            l.contains("» — ")
                && l.trim_end()
                    .split("» — ")
                    .nth(1)
                    .is_some_and(|s| s.split_whitespace().count() >= 2)
        })
        .count();
    assert!(quoted >= 3, "quotes with full speaker names: {transcript}");
    assert!(transcript.contains("Кошанов"), "{transcript}");
    assert!(
        transcript.contains("⚡"),
        "the akim's instant news: {transcript}"
    );
    assert!(
        transcript.contains("/stats") && transcript.contains("/sources"),
        "{transcript}"
    );
    assert!(
        !transcript.contains("DEMO-SANDBOX-TOKEN"),
        "the token never shows"
    );
}

/// A port for a child process to listen on. It is let go before the child
/// binds it, so it comes from below the kernel's ephemeral range (32768 and
/// up on Linux): the servers other tests start on port 0, and every
/// outgoing connection, take theirs from that range and cannot take it in
/// between. Each call tries the next port, from a start that differs per
/// test process.
fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    const LOW: u32 = 20_000;
    const SPAN: u32 = 12_000;
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let start = std::process::id() % SPAN;
    for _ in 0..SPAN {
        let next = NEXT.fetch_add(1, Ordering::Relaxed) % SPAN;
        let port = (LOW + (start + next) % SPAN) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port in {LOW}..{}", LOW + SPAN);
}

fn start_run(h: &Harness, fake: &FakeTelegram, metrics: u16) -> tokio::process::Child {
    tokio::process::Command::new(BIN)
        .arg("run")
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", fake.api_url().as_str())
        .env("DATABASE_PATH", &h.config.database_path)
        .env("DATA_DIR", data_path("../../data"))
        .env("ALLOW_PRIVATE_SOURCES", "true")
        .env("HOST_DELAY_MS", "0")
        .env("METRICS_ADDR", format!("127.0.0.1:{metrics}"))
        .env("MODERATOR_IDS", "4242")
        .env("RUST_LOG", "civic_digest=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

async fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let resp = reqwest::get(format!("http://127.0.0.1:{port}{path}"))
        .await
        .ok()?;
    let status = resp.status().as_u16();
    Some((status, resp.text().await.ok()?))
}

async fn sigterm_and_wait(child: &mut tokio::process::Child) -> (bool, String) {
    let pid = child.id().unwrap().to_string();
    let status = tokio::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(status.success());
    let waited = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("run stops within 20 s")
        .unwrap();
    let mut logs = String::new();
    if let Some(mut err) = child.stderr.take() {
        use tokio::io::AsyncReadExt;
        let _ = err.read_to_string(&mut logs).await;
    }
    (waited.success(), logs)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_serves_health_and_stops_cleanly_mid_delivery_then_resumes() {
    let h = Harness::new().await;
    // (overall 40/s: a margin for a loaded machine, see `paced_limits`)
    let fake = FakeTelegram::start(crate::support::paced_limits())
        .await
        .unwrap();
    h.serve("/zakon/atom.xml", "zakon_atom.xml", "application/atom+xml");
    {
        let store = Store::open(&h.config.database_path).unwrap();
        store
            .add_source(
                &NewSource {
                    name: "Zakon".into(),
                    url: h.site.url("/zakon/atom.xml"),
                    kind: SourceKind::Feed,
                    language: None,
                    region: None,
                    official: false,
                    link_selector: None,
                },
                0,
            )
            .unwrap();
        // A broadcast to 90 subscribers waits in the outbox: ~3 s at 30 messages/s.
        let chats: Vec<i64> = (1..=90).map(|i| 10_000 + i).collect();
        for &c in &chats {
            store
                .ensure_subscriber(c, ChatKind::Private, None, "ru", 0)
                .unwrap();
        }
        let messages: Vec<NewMessage> = chats
            .iter()
            .map(|&c| NewMessage {
                chat_id: c,
                kind: OutKind::Broadcast,
                batch: "broadcast-1".into(),
                part: 0,
                text: "Объявление".into(),
                disable_preview: true,
            })
            .collect();
        store.enqueue(&messages, 0).unwrap();
    }
    let metrics = free_port();
    let mut child = start_run(&h, &fake, metrics);

    // Health and metrics over HTTP while it runs.
    let health =
        crate::support::poll_for(Duration::from_secs(10), || http_get(metrics, "/healthz")).await;
    if health.is_none() {
        let _ = child.start_kill();
        let out = child.wait_with_output().await.unwrap();
        panic!(
            "no /healthz; run said:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(health.map(|(s, _)| s), Some(200));

    // SIGTERM in the middle of the delivery.
    fake.wait_until(Duration::from_secs(5), |tg| tg.all_sent().len() >= 15)
        .await;
    let (_, body) = http_get(metrics, "/metrics").await.unwrap();
    for name in [
        "civic_sources{state=\"up\"}",
        "civic_articles_stored",
        "civic_messages_sent_total",
        "civic_telegram_429_total",
        "civic_outbox_depth",
        "civic_last_successful_poll_timestamp_seconds",
        "civic_digests_queued_total",
    ] {
        assert!(body.contains(name), "{name} missing from /metrics:\n{body}");
    }
    let (clean, logs) = sigterm_and_wait(&mut child).await;
    assert!(clean, "exit status after SIGTERM; logs:\n{logs}");
    assert!(logs.contains("stopped cleanly"), "{logs}");
    assert!(
        !logs.contains(TOKEN) && !logs.contains("SERVICE-TEST-TOKEN"),
        "the token never appears in logs"
    );
    let sent_before = fake.all_sent().len();
    assert_eq!(
        fake.stats().too_many_requests,
        0,
        "Telegram's limits respected"
    );
    assert!(
        sent_before < 90,
        "stopped in the middle: {sent_before} sent"
    );
    {
        let store = Store::open(&h.config.database_path).unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok");
        let (pending, sending, sent, ..) = store.outbox_counts().unwrap();
        assert_eq!(sending, 0, "sends in flight were finished or released");
        assert_eq!(
            sent as usize, sent_before,
            "what Telegram got is marked sent"
        );
        assert_eq!(pending as usize, 90 - sent_before);
        assert!(store.count_articles().unwrap() >= 1, "the poller ran");
    }

    // Restart: the rest goes out, each subscriber gets it once.
    let mut child = start_run(&h, &fake, free_port());
    fake.wait_until(Duration::from_secs(20), |tg| tg.all_sent().len() >= 90)
        .await;
    let (clean, logs) = sigterm_and_wait(&mut child).await;
    assert!(clean, "{logs}");
    let mut per_chat: HashMap<i64, usize> = HashMap::new();
    for m in fake.all_sent() {
        *per_chat.entry(m.chat_id).or_default() += 1;
    }
    assert_eq!(per_chat.len(), 90, "nothing lost");
    // (A restarted process does not know what the last one sent in its
    // final second, so a 429 or two may come; they are waited out.)
    assert!(per_chat.values().all(|n| *n == 1), "nothing sent twice");
}

#[tokio::test]
async fn run_without_a_token_says_how_to_get_one() {
    let out = tokio::process::Command::new(BIN)
        .arg("run")
        .env_remove("TELOXIDE_TOKEN")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("@BotFather") && err.contains("demo"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_mode_receives_updates_with_the_secret_token() {
    let h = Harness::new().await;
    let fake = FakeTelegram::start(Limits::unlimited()).await.unwrap();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/telegram");
    let mut child = tokio::process::Command::new(BIN)
        .arg("run")
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", fake.api_url().as_str())
        .env("DATABASE_PATH", &h.config.database_path)
        .env("DATA_DIR", data_path("../../data"))
        .env("WEBHOOK_URL", &url)
        .env("WEBHOOK_ADDR", format!("127.0.0.1:{port}"))
        .env("WEBHOOK_SECRET", "demo-secret_42")
        .env("ALLOW_PRIVATE_SOURCES", "true")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    fake.wait_until(Duration::from_secs(10), |tg| tg.webhook().is_some())
        .await;
    assert_eq!(
        fake.webhook(),
        Some((url.clone(), Some("demo-secret_42".to_string())))
    );
    // A forged update without the secret is refused. (teloxide sets the
    // webhook, then starts listening: the first tries may find no one.)
    let forged = crate::support::poll_for(Duration::from_secs(5), || async {
        match reqwest::Client::new()
            .post(&url)
            .body("{}")
            .header("content-type", "application/json")
            .send()
            .await
        {
            Ok(r) => Some(r),
            Err(e) if e.is_connect() => None,
            Err(e) => panic!("{e}"),
        }
    })
    .await;
    let forged = forged.expect("the webhook listens within 5 s");
    assert!(forged.status().is_client_error(), "{}", forged.status());
    // A real one, posted by Telegram with the secret, is answered.
    let user = civic_digest_sandbox::telegram::FakeUser::new(777, "Dana").with_language("en");
    fake.push_message(
        civic_digest_sandbox::telegram::FakeChat::private(&user),
        &user,
        "/help",
    );
    assert!(
        fake.wait_for_sent(777, 1, Duration::from_secs(15)).await,
        "the bot answered through the webhook"
    );
    assert!(fake.sent(777)[0].plain_text.contains("/topics"));
    let (clean, logs) = sigterm_and_wait(&mut child).await;
    assert!(clean, "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_hear_when_a_source_is_paused() {
    let mut h = Harness::new().await;
    let fake = FakeTelegram::start(Limits::unlimited()).await.unwrap();
    h.site.set(
        "/down.xml",
        civic_digest_sandbox::Route::page(500, "text/plain", "down"),
    );
    h.config.max_source_failures = 1;
    h.config.moderator_ids = vec![4242];
    h.config.telegram_token = Some(civic_digest::Secret::new(TOKEN));
    h.config.telegram_api_url = Some(fake.api_url());
    let service =
        std::sync::Arc::new(civic_digest::service::run::Service::open(h.config.clone()).unwrap());
    service
        .store
        .add_source(
            &NewSource {
                name: "Сломанный сайт".into(),
                url: h.site.url("/down.xml"),
                kind: SourceKind::Feed,
                language: None,
                region: None,
                official: false,
                link_selector: None,
            },
            0,
        )
        .unwrap();
    let bot = service.telegram().unwrap();
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(service.clone().run(bot, shutdown));
    assert!(
        fake.wait_for_sent(4242, 1, Duration::from_secs(20)).await,
        "the owner got a notice"
    );
    let notice = fake.sent(4242)[0].plain_text.clone();
    assert!(
        notice.contains("Сломанный сайт")
            && notice.contains("HTTP 500")
            && notice.contains("/resumesource"),
        "{notice}"
    );
    let _ = stop.send(true);
    tokio::time::timeout(Duration::from_secs(20), running)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

// ---------------------------------------------------------------------------
// Issue 11: one process per database, prompt stops, no token in the log.
// ---------------------------------------------------------------------------

/// The binary these tests run: `CIVIC_DIGEST_BIN` may name another build
/// (an older one, to measure a figure before a fix).
fn bin() -> String {
    std::env::var("CIVIC_DIGEST_BIN").unwrap_or_else(|_| BIN.to_string())
}

/// `run` on `db` against the fake, logging (info) to `run.log` beside it.
fn run_on(db: &Path, fake: &FakeTelegram, token: &str) -> tokio::process::Command {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(db.with_file_name("run.log"))
        .unwrap();
    let mut c = tokio::process::Command::new(bin());
    c.arg("run")
        .env("TELOXIDE_TOKEN", token)
        .env("TELOXIDE_API_URL", fake.api_url().as_str())
        .env("DATABASE_PATH", db)
        .env("DATA_DIR", data_path("../../data"))
        .env("ALLOW_PRIVATE_SOURCES", "true")
        .env("HOST_DELAY_MS", "0")
        .env("MAX_ARTICLES_PER_POLL", "1000")
        .env("RUST_LOG", "info")
        .env("NO_PROXY", "*")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("MODERATOR_IDS")
        .env_remove("METRICS_ADDR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .kill_on_drop(true);
    c
}

fn run_log(db: &Path) -> String {
    std::fs::read_to_string(db.with_file_name("run.log")).unwrap_or_default()
}

fn articles(db: &Path) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.busy_timeout(Duration::from_secs(5)).unwrap();
    c.query_row("SELECT COUNT(DISTINCT url) FROM articles", [], |r| r.get(0))
        .unwrap_or(0)
}

async fn wait_health(port: u16, secs: u64) -> bool {
    crate::support::poll_until(Duration::from_secs(secs), || async {
        http_get(port, "/healthz")
            .await
            .is_some_and(|(s, _)| s == 200)
    })
    .await
}

/// Sends SIGTERM and returns how long the process took to exit (at most
/// `limit`; `None` if it was still running then) and whether it exited 0.
async fn sigterm_timed(
    child: &mut tokio::process::Child,
    limit: Duration,
) -> Option<(Duration, bool)> {
    let pid = child.id()?.to_string();
    let started = std::time::Instant::now();
    let status = tokio::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(status.success());
    let waited = tokio::time::timeout(limit, child.wait()).await.ok()?.ok()?;
    Some((started.elapsed(), waited.success()))
}

/// A feed of `n` teasers, each linking to its own article page.
fn teaser_feed(site: &civic_digest_sandbox::NewsSite, n: usize) -> String {
    let places = [
        "Акмолинской",
        "Туркестанской",
        "Павлодарской",
        "Костанайской",
    ];
    let mut items = String::new();
    for i in 0..n {
        let path = format!("/slow/news/{i}-akim.html");
        let title = format!("Аким сельского округа №{i} отчитался о работе");
        let body: String = (0..6)
            .map(|p| {
                format!(
                    "<p>В сельском округе №{i} {} области за {p} квартал отремонтировали \
                     {} километров дорог и {} школ. Аким рассказал жителям о бюджете на {} \
                     год, о водопроводе и о новой амбулатории в селе №{i}.</p>",
                    places[i % places.len()],
                    i * 7 + p,
                    i % 5 + p,
                    2026 + p
                )
            })
            .collect();
        site.set(
            &path,
            civic_digest_sandbox::Route::html(format!(
                "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"
            )),
        );
        items.push_str(&format!(
            "<item><title>{title}</title><link>{}</link><description>Коротко о работе…</description></item>",
            site.url(&path)
        ));
    }
    site.set(
        "/slow/rss.xml",
        civic_digest_sandbox::Route::rss(format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Slow</title>{items}</channel></rss>"
        )),
    );
    site.url("/slow/rss.xml")
}

/// Item 6: a second `run` (or `ingest`) on a database that a `run` is
/// using refuses to start and says why; after the first is SIGKILLed, its
/// lock does not block a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_on_one_database_is_refused_and_a_killed_one_does_not_block() {
    let h = Harness::new().await;
    let db = h.config.database_path.clone();
    let fake = FakeTelegram::start(Limits::unlimited()).await.unwrap();
    let port = free_port();
    let mut first = run_on(&db, &fake, TOKEN)
        .env("METRICS_ADDR", format!("127.0.0.1:{port}"))
        .spawn()
        .unwrap();
    assert!(wait_health(port, 20).await, "{}", run_log(&db));

    let started = std::time::Instant::now();
    let second = tokio::time::timeout(
        Duration::from_secs(20),
        run_on(&db, &fake, TOKEN).stderr(Stdio::piped()).output(),
    )
    .await
    .expect("the second run does not stay up")
    .unwrap();
    let said = String::from_utf8_lossy(&second.stderr);
    eprintln!(
        "service: a second run exited after {:.2} s: {}",
        started.elapsed().as_secs_f64(),
        said.trim()
    );
    assert!(!second.status.success(), "{said}");
    assert!(
        said.contains("another civic-digest process") && said.contains("civic.db"),
        "{said}"
    );
    let ingest = tokio::process::Command::new(bin())
        .args(["ingest", "--once"])
        .env("DATABASE_PATH", &db)
        .env("DATA_DIR", data_path("../../data"))
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    let said = String::from_utf8_lossy(&ingest.stderr);
    assert!(!ingest.status.success(), "ingest too: {said}");
    assert!(said.contains("another civic-digest process"), "{said}");
    assert_eq!(fake.stats().conflicts, 0, "only one process ever polled");

    // SIGKILL: no clean-up, the lock file stays, and still a restart works.
    first.start_kill().unwrap();
    first.wait().await.unwrap();
    assert!(db.with_file_name("civic.db.lock").exists());
    let port = free_port();
    let mut third = run_on(&db, &fake, TOKEN)
        .env("METRICS_ADDR", format!("127.0.0.1:{port}"))
        .spawn()
        .unwrap();
    assert!(
        wait_health(port, 20).await,
        "restart after SIGKILL: {}",
        run_log(&db)
    );
    let (_, clean) = sigterm_timed(&mut third, Duration::from_secs(20))
        .await
        .expect("stops");
    assert!(clean, "{}", run_log(&db));
}

/// Item 7: SIGTERM while a poll fetches page after page at the default
/// 1 s host delay: `run` exits within 2 s, and what it had not fetched is
/// fetched after the restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_poll_stops_within_two_seconds_and_loses_nothing() {
    const ITEMS: i64 = 25;
    let h = Harness::new().await;
    let db = h.config.database_path.clone();
    let fake = FakeTelegram::start(Limits::unlimited()).await.unwrap();
    let url = teaser_feed(&h.site, ITEMS as usize);
    {
        let store = Store::open(&db).unwrap();
        store
            .add_source(
                &NewSource {
                    name: "Slow".into(),
                    url,
                    kind: SourceKind::Feed,
                    language: None,
                    region: None,
                    official: false,
                    link_selector: None,
                },
                0,
            )
            .unwrap();
    }
    let mut child = run_on(&db, &fake, TOKEN)
        .env("HOST_DELAY_MS", "1000")
        .spawn()
        .unwrap();
    let going =
        crate::support::poll_until(Duration::from_secs(40), || async { articles(&db) >= 1 }).await;
    assert!(going, "the poll never got going: {}", run_log(&db));
    let (took, clean) = sigterm_timed(&mut child, Duration::from_secs(60))
        .await
        .expect("run stops");
    eprintln!(
        "service: SIGTERM mid-poll: exit after {:.2} s",
        took.as_secs_f64()
    );
    let stored = articles(&db);
    assert!(clean, "{}", run_log(&db));
    assert!(
        took < Duration::from_secs(2),
        "exit after {took:?}: {}",
        run_log(&db)
    );
    assert!(stored < ITEMS, "stopped in the middle ({stored} stored)");

    // The restart needs no politeness pause to show nothing was lost.
    let mut child = run_on(&db, &fake, TOKEN)
        .env("HOST_DELAY_MS", "0")
        .spawn()
        .unwrap();
    let all =
        crate::support::poll_until(Duration::from_secs(40), || async { articles(&db) >= ITEMS })
            .await;
    assert!(
        all,
        "only {} of {ITEMS} after the restart: {}",
        articles(&db),
        run_log(&db)
    );
    let (_, clean) = sigterm_timed(&mut child, Duration::from_secs(20))
        .await
        .expect("stops");
    assert!(clean);
    assert_eq!(articles(&db), ITEMS, "each article once");
}

/// Item 7: a SIGTERM at any moment of start-up (before and while the
/// dispatcher starts, during a getMe that Telegram answers slowly) stops
/// `run` within 2 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_start_up_stops_run_within_two_seconds() {
    let h = Harness::new().await;
    let db = h.config.database_path.clone();
    let fake = FakeTelegram::start(Limits::unlimited()).await.unwrap();
    let mut worst = Duration::ZERO;
    // Once the dispatcher is polling (first: no earlier run's poll can be
    // held open yet); densely where the dispatcher starts (150–310 ms
    // after start here; a signal there used to leave `run` up for good);
    // then during teloxide's 10 s wait after a 502 to getMe. The first
    // and the last on the fake's events, not a clock.
    enum When {
        After(u64),
        InTheWaitAfterA502,
        Polling,
    }
    let moments = [When::Polling, When::After(0)]
        .into_iter()
        .chain((0..14).map(|k| When::After(150 + 12 * k)))
        .chain([When::InTheWaitAfterA502]);
    for when in moments {
        fake.set_unavailable(matches!(when, When::InTheWaitAfterA502));
        let bad_gateway = fake.stats().bad_gateway;
        let mut child = run_on(&db, &fake, TOKEN).spawn().unwrap();
        let delay = match when {
            When::After(ms) => {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                format!("{ms} ms after start")
            }
            When::InTheWaitAfterA502 => {
                let answered = fake
                    .wait_for_stats(Duration::from_secs(20), |s| s.bad_gateway > bad_gateway)
                    .await;
                assert!(answered, "no 502 answered: {}", run_log(&db));
                "in the wait after a 502".to_string()
            }
            When::Polling => {
                let polling = fake
                    .wait_until(Duration::from_secs(20), |tg| tg.polling())
                    .await;
                assert!(polling, "the dispatcher never polled: {}", run_log(&db));
                "once polling".to_string()
            }
        };
        let stopped = sigterm_timed(&mut child, Duration::from_secs(15)).await;
        let Some((took, _)) = stopped else {
            panic!(
                "SIGTERM {delay}: still running after 15 s: {}",
                run_log(&db)
            );
        };
        eprintln!(
            "service: SIGTERM {delay}: exit after {:.2} s",
            took.as_secs_f64()
        );
        worst = worst.max(took);
        assert!(
            took < Duration::from_secs(2),
            "SIGTERM {delay}: exit after {took:?}: {}",
            run_log(&db)
        );
    }
    eprintln!(
        "service: SIGTERM during start-up: worst exit {:.2} s",
        worst.as_secs_f64()
    );
}

/// Items 11 and 15: a proxy answers with an HTML page that repeats the
/// request path. The log says Telegram's answer could not be read and
/// shows it, and a token too short for the token pattern is still never
/// in it: neither in our lines nor in the update listener's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_answer_is_named_and_the_token_never_logged() {
    const SHORT: &str = "77:qZx9";
    let h = Harness::new().await;
    let db = h.config.database_path.clone();
    let fake = FakeTelegram::start(Limits::unlimited()).await.unwrap();
    fake.set_error_page(Some(404));
    let port = free_port();
    let mut child = run_on(&db, &fake, SHORT)
        .env("METRICS_ADDR", format!("127.0.0.1:{port}"))
        .spawn()
        .unwrap();
    // getMe meets the error page.
    assert!(
        fake.wait_for_stats(Duration::from_secs(20), |s| s.requests >= 1)
            .await
    );
    fake.set_error_page(None);
    assert!(wait_health(port, 20).await, "{}", run_log(&db));
    // The long poll in progress brings this update; the bot's reply and
    // the next getUpdates meet the error page.
    assert!(
        fake.wait_until(Duration::from_secs(20), |tg| tg.polling())
            .await,
        "no getUpdates: {}",
        run_log(&db)
    );
    fake.set_error_page(Some(404));
    let user = civic_digest_sandbox::telegram::FakeUser::new(778, "Asel").with_language("en");
    fake.push_message(
        civic_digest_sandbox::telegram::FakeChat::private(&user),
        &user,
        "/help",
    );
    // Until the update listener has met the page and said so.
    let listener_met_it = || {
        run_log(&db).lines().any(|l| {
            l.contains("Telegram's answer could not be read") && l.contains("getting updates")
        })
    };
    crate::support::poll_until(Duration::from_secs(20), || async { listener_met_it() }).await;
    fake.set_error_page(None);
    let (_, clean) = sigterm_timed(&mut child, Duration::from_secs(20))
        .await
        .expect("stops");
    let log = run_log(&db);
    assert!(clean, "{log}");
    assert!(!log.contains("qZx9"), "the token leaked:\n{log}");
    let unreadable: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("Telegram's answer could not be read"))
        .collect();
    assert!(
        unreadable.iter().any(|l| l.contains("run:")),
        "getMe: {log}"
    );
    assert!(
        unreadable.iter().any(|l| l.contains("getting updates")),
        "the update listener: {log}"
    );
    assert!(
        unreadable.iter().all(|l| l.contains("/bot***/")),
        "the answer is shown, redacted: {log}"
    );
    assert!(!log.contains("Telegram is unreachable"), "{log}");
    for line in unreadable {
        eprintln!("service: {line}");
    }
}
