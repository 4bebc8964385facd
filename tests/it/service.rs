//! The whole process: `demo` as a user runs it, and `run` against the fake
//! Telegram API and the local news site — health, metrics, and a SIGTERM in
//! the middle of a delivery that loses nothing and resumes on restart.

use std::collections::HashMap;
use std::process::Stdio;
use std::time::Duration;

use civic_digest::sandbox::telegram::{FakeTelegram, Limits};
use civic_digest::store::{ChatKind, NewMessage, NewSource, OutKind, SourceKind, Store};

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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
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
    let fake = FakeTelegram::start(Limits::default()).await.unwrap();
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
    let mut health = None;
    for _ in 0..100 {
        health = http_get(metrics, "/healthz").await;
        if health.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
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
    for _ in 0..200 {
        if fake.all_sent().len() >= 15 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
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
    for _ in 0..400 {
        if fake.all_sent().len() >= 90 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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
    for _ in 0..100 {
        if fake.webhook().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        fake.webhook(),
        Some((url.clone(), Some("demo-secret_42".to_string())))
    );
    // A forged update without the secret is refused.
    let forged = reqwest::Client::new()
        .post(&url)
        .body("{}")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert!(forged.status().is_client_error(), "{}", forged.status());
    // A real one, posted by Telegram with the secret, is answered.
    let user = civic_digest::sandbox::telegram::FakeUser::new(777, "Dana").with_language("en");
    fake.push_message(
        civic_digest::sandbox::telegram::FakeChat::private(&user),
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
        civic_digest::sandbox::Route::page(500, "text/plain", "down"),
    );
    h.config.max_source_failures = 1;
    h.config.moderator_ids = vec![4242];
    h.config.telegram_token = Some(civic_digest::config::Secret::new(TOKEN));
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
