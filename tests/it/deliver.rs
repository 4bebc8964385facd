//! Delivery through the fake Telegram Bot API, which enforces Telegram's
//! limits: every message once, 429s waited out, blocked and migrated chats,
//! "message is too long", and a restart in the middle of a broadcast.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use civic_digest::{ChatKind, NewMessage, OutKind, Store, SubStatus};
use civic_digest::{Pace, Sender};
use civic_digest_sandbox::telegram::{FakeTelegram, Limits};
use tokio::sync::Notify;

fn store() -> Arc<Store> {
    Arc::new(Store::open_in_memory().unwrap())
}

fn broadcast(store: &Store, chats: impl IntoIterator<Item = i64>, batch: &str, text: &str) {
    let messages: Vec<NewMessage> = chats
        .into_iter()
        .map(|chat| NewMessage {
            chat_id: chat,
            kind: OutKind::Broadcast,
            batch: batch.into(),
            part: 0,
            text: text.into(),
            disable_preview: true,
        })
        .collect();
    store.enqueue(&messages, 0).unwrap();
}

fn plain_bot(fake: &FakeTelegram) -> teloxide::Bot {
    teloxide::Bot::new("123456:TEST-TOKEN").set_api_url(fake.api_url())
}

/// Drains until nothing is pending or `limit` passes.
async fn drain<B>(sender: &Sender<B>, store: &Store, limit: Duration)
where
    B: teloxide::prelude::Requester + Clone + Send + Sync + 'static,
    B::Err: Into<teloxide::RequestError>,
{
    // Messages waiting out a retry come due on the store's clock.
    crate::support::poll_until(limit, move || async move {
        sender.drain_once().await.unwrap();
        let (pending, sending, ..) = store.outbox_counts().unwrap();
        pending + sending == 0
    })
    .await;
}

fn counts_per_chat(fake: &FakeTelegram) -> HashMap<i64, usize> {
    let mut counts = HashMap::new();
    for m in fake.all_sent() {
        *counts.entry(m.chat_id).or_insert(0) += 1;
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paced_sends_reach_every_chat_once_without_a_429() {
    // Telegram's counting, 1/s per chat; overall 30 in any second, with a
    // margin for a loaded machine (`paced_limits`).
    let fake = FakeTelegram::start(crate::support::paced_limits())
        .await
        .unwrap();
    let store = store();
    broadcast(&store, 1..=70, "b1", "<b>Новости</b> дня");
    broadcast(&store, 1..=5, "b2", "Вторая часть");
    let sender = Sender::new(plain_bot(&fake), store.clone(), Arc::new(Notify::new()));
    let started = tokio::time::Instant::now();
    drain(&sender, &store, Duration::from_secs(30)).await;
    let took = started.elapsed();
    eprintln!(
        "deliver: 75 paced sends in {:.2} s, {} × 429",
        took.as_secs_f64(),
        fake.stats().too_many_requests
    );
    assert_eq!(fake.stats().too_many_requests, 0);
    let counts = counts_per_chat(&fake);
    assert_eq!(counts.len(), 70);
    for chat in 1..=70 {
        assert_eq!(counts[&chat], if chat <= 5 { 2 } else { 1 }, "chat {chat}");
    }
    // each chat's messages arrive in order
    let first = fake.sent(3);
    assert!(first[0].plain_text.contains("Новости") && first[1].plain_text.contains("Вторая"));
    assert_eq!(store.outbox_counts().unwrap().2, 75, "all marked sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_is_waited_out_and_nothing_is_lost_or_doubled() {
    let fake = FakeTelegram::start(Limits::default()).await.unwrap();
    let store = store();
    for i in 0..4 {
        broadcast(
            &store,
            [77],
            &format!("storm-{i}"),
            &format!("Сообщение {i}"),
        );
    }
    // Unpaced: the bot runs straight into Telegram's 1 message/s.
    let sender = Sender::new(plain_bot(&fake), store.clone(), Arc::new(Notify::new()))
        .with_pace(Pace::unpaced());
    drain(&sender, &store, Duration::from_secs(40)).await;
    assert!(fake.stats().too_many_requests >= 1, "the storm happened");
    let texts: Vec<String> = fake.sent(77).iter().map(|m| m.plain_text.clone()).collect();
    assert_eq!(texts.len(), 4, "{texts:?}");
    for i in 0..4 {
        assert_eq!(
            texts
                .iter()
                .filter(|t| **t == format!("Сообщение {i}"))
                .count(),
            1,
            "{texts:?}"
        );
    }
    assert!(
        sender
            .stats
            .rate_limited
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_user_is_deactivated_and_keeps_settings() {
    let fake = FakeTelegram::start(Limits::unlimited()).await.unwrap();
    let store = store();
    store
        .ensure_subscriber(501, ChatKind::Private, None, "ru", 0)
        .unwrap();
    store.add_topics(501, &["education".into()]).unwrap();
    store
        .ensure_subscriber(502, ChatKind::Private, None, "ru", 0)
        .unwrap();
    fake.block_chat(501);
    broadcast(&store, [501, 501, 502], "b", "Привет");
    broadcast(&store, [501], "b2", "Ещё");
    let sender = Sender::new(plain_bot(&fake), store.clone(), Arc::new(Notify::new()));
    drain(&sender, &store, Duration::from_secs(10)).await;
    let gone = store.subscriber(501).unwrap().unwrap();
    assert_eq!(gone.status, SubStatus::Blocked);
    assert_eq!(gone.topics, vec!["education"], "settings kept");
    assert_eq!(
        store.subscriber(502).unwrap().unwrap().status,
        SubStatus::Active
    );
    assert_eq!(fake.sent(502).len(), 1);
    let (pending, sending, sent, failed, dropped) = store.outbox_counts().unwrap();
    assert_eq!((pending, sending, sent, failed), (0, 0, 1, 0));
    assert_eq!(
        dropped, 2,
        "the blocked chat's messages are dropped, not retried forever"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrated_groups_move_and_long_messages_are_resplit() {
    let fake = FakeTelegram::start(Limits::unlimited()).await.unwrap();
    let store = store();
    store
        .ensure_subscriber(-42, ChatKind::Group, Some("Акимы"), "ru", 0)
        .unwrap();
    store.add_regions(-42, &["akmola".into()]).unwrap();
    fake.migrate_chat(-42, -100_042);
    broadcast(&store, [-42], "g", "Новости группы");
    // Telegram counts some texts longer than we do: 5000 characters here.
    let long: String = (0..100)
        .map(|i| format!("Строка {i}: {}\n", "текст ".repeat(7)))
        .collect();
    broadcast(&store, [9], "long", &long);
    let sender = Sender::new(plain_bot(&fake), store.clone(), Arc::new(Notify::new()));
    drain(&sender, &store, Duration::from_secs(10)).await;
    let moved = store.subscriber(-100_042).unwrap().unwrap();
    assert_eq!(moved.regions, vec!["akmola"]);
    assert_eq!(fake.sent(-100_042).len(), 1);
    let parts = fake.sent(9);
    assert!(parts.len() >= 2, "re-split into {} parts", parts.len());
    let joined: String = parts
        .iter()
        .map(|p| p.plain_text.clone())
        .collect::<Vec<_>>()
        .join("\n");
    for i in [0, 50, 99] {
        assert!(
            joined.contains(&format!("Строка {i}:")),
            "line {i} delivered"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_in_the_middle_of_a_broadcast_delivers_each_message_once() {
    let fake = FakeTelegram::start(Limits::unlimited()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("civic.db");
    {
        let store = Arc::new(Store::open(&path).unwrap());
        broadcast(&store, 1..=30, "bc-1", "Важное объявление");
        let sender = Sender::new(plain_bot(&fake), store.clone(), Arc::new(Notify::new()));
        // First run: ten messages go out...
        for m in store.claim_due(i64::MAX, 10).unwrap() {
            if let civic_digest::Outcome::Sent(id) = sender.send(&m).await {
                store.mark_sent(m.id, i64::from(id), 1).unwrap();
            }
        }
        // ...then the process dies holding five claimed messages: two of them
        // reached Telegram, three never left.
        let in_flight = store.claim_due(i64::MAX, 5).unwrap();
        for m in &in_flight[..2] {
            let _ = sender.send(m).await;
        }
        assert_eq!(in_flight.len(), 5);
    }
    let before_restart = fake.all_sent().len();
    // Restart: a new process, a new sender, the same database.
    let store = Arc::new(Store::open(&path).unwrap());
    let sender = Sender::new(plain_bot(&fake), store.clone(), Arc::new(Notify::new()));
    let (tx, rx) = tokio::sync::watch::channel(false);
    let run = {
        let sender_store = store.clone();
        let fake_url = fake.api_url();
        tokio::spawn(async move {
            let sender = Sender::new(
                teloxide::Bot::new("123456:TEST-TOKEN").set_api_url(fake_url),
                sender_store,
                Arc::new(Notify::new()),
            );
            sender.run(rx).await;
        })
    };
    crate::support::poll_until(Duration::from_secs(10), || async {
        let (pending, sending, ..) = store.outbox_counts().unwrap();
        pending + sending == 0
    })
    .await;
    let _ = tx.send(true);
    run.await.unwrap();
    drop(sender);
    let counts = counts_per_chat(&fake);
    assert_eq!(counts.len(), 30, "no message lost");
    let doubled: Vec<i64> = counts
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(c, _)| *c)
        .collect();
    assert!(
        doubled.len() <= 2,
        "duplicates only among the sends in flight: {doubled:?}"
    );
    assert!(counts.values().all(|n| *n <= 2));
    assert_eq!(
        before_restart, 12,
        "ten sent and two in flight before the crash"
    );
    assert_eq!(store.outbox_counts().unwrap().2, 30);
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

/// Issue 11, item 11: a proxy's error page repeats the request path, token
/// and all; with a token too short for the token pattern, the configured
/// value is what keeps it out of `outbox.last_error`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_token_in_an_error_page_never_reaches_the_outbox() {
    const SHORT: &str = "55:wXy7";
    let fake = FakeTelegram::start(Limits::unlimited()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::support::test_config(&dir);
    config.telegram_token = Some(civic_digest::Secret::new(SHORT));
    config.telegram_api_url = Some(fake.api_url());
    let service = civic_digest::service::run::Service::open(config).unwrap();
    let bot = service.telegram().unwrap();
    broadcast(&service.store, [501], "leak-1", "Объявление");
    fake.set_error_page(Some(404));
    let sender = Sender::new(bot, service.store.clone(), Arc::new(Notify::new()));
    sender.drain_once().await.unwrap();
    let conn = rusqlite::Connection::open(&service.config.database_path).unwrap();
    let error: String = conn
        .query_row(
            "SELECT last_error FROM outbox WHERE chat_id = 501",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        error.starts_with("Telegram's answer could not be read"),
        "{error}"
    );
    assert!(error.contains("/bot***/"), "the page is shown: {error}");
    assert!(!error.contains("wXy7"), "{error}");
}
