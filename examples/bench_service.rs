//! Benchmark: the whole service (`run`: scheduler, sender, dispatcher)
//! against the sandbox Telegram, which counts sends as Telegram does (30 in
//! any second, 1 a second per chat, 20 a minute per group) and answers 429
//! beyond. N subscribers, each with their own settings and "seen" mark, are
//! all due for their daily digest when the service starts. While the
//! scheduler queues their digests, a new user writes `/start` and then
//! `/settings` every second; the bench prints how long each took to be
//! answered (target ≤ 300 ms), then how fast the queue drained, the 429s,
//! and the messages lost and duplicated.
//!
//!     cargo run --release --example bench_service -- [--subscribers N] [--deliver-secs S]
//!
//! Without `--deliver-secs` it waits until every digest is delivered (at
//! about 28 a second: 10,000 subscribers take six minutes).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use civic_digest::service::run::Service;
use civic_digest::{Config, Secret};
use civic_digest_sandbox::telegram::{FakeChat, FakeTelegram, FakeUser, Limits};

mod support;
use support::Rng;

const TOKEN: &str = "1000000001:BENCH-service-token";

fn arg(args: &[String], name: &str) -> Option<u64> {
    let i = args.iter().position(|a| a == name)?;
    match args.get(i + 1).and_then(|n| n.parse().ok()) {
        Some(n) => Some(n),
        None => {
            eprintln!("{name} needs a number");
            std::process::exit(2);
        }
    }
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let subscribers = arg(&args, "--subscribers").unwrap_or(100_000) as usize;
    let deliver_secs = arg(&args, "--deliver-secs");
    let articles = 2_000;

    let fake = FakeTelegram::start(Limits::default())
        .await
        .expect("fake Telegram");
    let dir = std::env::temp_dir().join(format!("civic-bench-service-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut config = Config {
        database_path: dir.join("bench.db"),
        data_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"),
        telegram_token: Some(Secret::new(TOKEN)),
        telegram_api_url: Some(fake.api_url()),
        ..Config::default()
    };
    // No sources: the poller stays idle.
    config.poll_interval = Duration::from_secs(3600);

    let t = Instant::now();
    let now = chrono::Utc::now().timestamp();
    {
        let store = civic_digest::Store::open(&config.database_path).expect("store");
        let mut rng = Rng(0x5eed_0f5e_4111_ce00);
        support::audience::seed_articles(&store, &mut rng, articles, now);
        drop(store);
        support::audience::seed_subscribers(
            &config.database_path,
            &mut rng,
            subscribers,
            articles,
            now - 2 * 86_400,
        );
    }
    println!(
        "setup: {articles} articles, {subscribers} subscribers due in {:.1} s [{}]",
        t.elapsed().as_secs_f64(),
        support::load()
    );

    let service = Arc::new(Service::open(config).expect("service"));
    let bot = service.telegram().expect("bot");
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let start = Instant::now();
    let running = tokio::spawn(service.clone().run(bot, shutdown));

    // Commands while the digests are queued: a new user each time round.
    let mut latencies: Vec<(&str, Duration)> = Vec::new();
    let mut unanswered = 0;
    let mut user_id = 900_000_000u64;
    let queued_in = loop {
        let queued = service.counters.digests_queued.load(Relaxed) > 0;
        if queued || start.elapsed() > Duration::from_secs(300) {
            break start.elapsed();
        }
        user_id += 1;
        let user = FakeUser::new(user_id, "Айгуль").with_language("ru");
        let chat = user_id as i64;
        // /start answers with three messages (greeting, language,
        // topics), teloxide's Throttle one a second in a chat; /settings
        // with one. Each is timed to its first answer, and replies stay
        // a second apart (one send a second is theirs beside the digests).
        for (command, first, all) in [("/start", 1, 3), ("/settings", 4, 4)] {
            let asked = Instant::now();
            fake.push_message(FakeChat::private(&user), &user, command);
            if fake
                .wait_for_sent(chat, first, Duration::from_secs(30))
                .await
            {
                latencies.push((command, asked.elapsed()));
            } else {
                unanswered += 1;
            }
            fake.wait_for_sent(chat, all, Duration::from_secs(30)).await;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    };
    let queued = service.counters.digest_messages_queued.load(Relaxed);
    println!(
        "queued {} digests ({queued} messages) in {:.2} s after start [{}]",
        service.counters.digests_queued.load(Relaxed),
        queued_in.as_secs_f64(),
        support::load()
    );
    let worst = |name: &str| {
        let mut l: Vec<f64> = latencies
            .iter()
            .filter(|(c, _)| *c == name)
            .map(|(_, d)| millis(*d))
            .collect();
        l.sort_by(f64::total_cmp);
        match (l.first(), l.get(l.len() / 2), l.last()) {
            (Some(min), Some(median), Some(max)) => format!(
                "{name}: {} answered, min {min:.0} ms, median {median:.0} ms, max {max:.0} ms",
                l.len()
            ),
            _ => format!("{name}: none answered"),
        }
    };
    println!(
        "while queuing: {}; {}; {unanswered} unanswered (target ≤ 300 ms)",
        worst("/start"),
        worst("/settings")
    );

    // Delivery: until every queued message is out, or for `deliver_secs`.
    let t = Instant::now();
    let deadline = deliver_secs.map(Duration::from_secs);
    let sent_at_start = fake.stats().messages_accepted;
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (pending, sending, ..) = service.store.outbox_counts().expect("counts");
        if pending + sending == 0 || deadline.is_some_and(|d| t.elapsed() >= d) {
            break;
        }
        if deadline.is_none()
            && t.elapsed() > Duration::from_secs(queued.max(subscribers as u64) / 10 + 120)
        {
            eprintln!("giving up: {pending} pending, {sending} sending");
            break;
        }
    }
    let elapsed = t.elapsed().as_secs_f64();
    let stats = fake.stats();
    let sent = stats.messages_accepted - sent_at_start;
    let _ = stop.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(30), running).await;

    let mut per_chat: HashMap<(i64, String), usize> = HashMap::new();
    for m in fake.all_sent() {
        if m.chat_id <= subscribers as i64 {
            *per_chat.entry((m.chat_id, m.text.clone())).or_default() += 1;
        }
    }
    let duplicated: usize = per_chat.values().map(|n| n.saturating_sub(1)).sum();
    let chats = per_chat
        .keys()
        .map(|k| k.0)
        .collect::<std::collections::HashSet<_>>();
    let (pending, sending, marked_sent, failed, dropped) =
        service.store.outbox_counts().expect("counts");
    // Marked sent in the outbox but never received, or given up.
    let lost = (marked_sent - per_chat.len() as i64).max(0) + failed + dropped;
    println!(
        "delivery: {sent} messages in {elapsed:.1} s: {:.1} messages/s sustained; 429s received: {}; \
         {} subscribers reached; left in the queue: {}; lost: {lost} ({failed} failed, {dropped} dropped); \
         duplicated: {duplicated} [{}]",
        sent as f64 / elapsed,
        stats.too_many_requests,
        chats.len(),
        pending + sending,
        support::load()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
