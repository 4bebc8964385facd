//! Benchmark: deliver one message to each of 10,000 subscribers through the
//! fake Telegram Bot API, which enforces Telegram's limits (1 message/s per
//! chat, 30 in any second overall) with 429s. Prints messages/s sustained,
//! 429s received, and messages lost and duplicated. `--throttle` sends
//! through teloxide's Throttle adaptor unpaced instead (the old way), to
//! compare.
//!
//!     cargo run --release --example bench_deliver -- [--subscribers N] [--throttle]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use civic_digest::{NewMessage, OutKind, Store};
use civic_digest::{Pace, Sender};
use civic_digest_sandbox::telegram::{FakeTelegram, Limits};
use teloxide::adaptors::throttle::Limits as ThrottleLimits;
use teloxide::prelude::RequesterExt;
use tokio::sync::Notify;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let subscribers: i64 = match args.iter().position(|a| a == "--subscribers") {
        Some(i) => match args.get(i + 1).and_then(|n| n.parse().ok()) {
            Some(n) if n > 0 => n,
            _ => {
                eprintln!("--subscribers needs a positive number");
                std::process::exit(2);
            }
        },
        None => 10_000,
    };
    let throttle = args.iter().any(|a| a == "--throttle");
    let fake = FakeTelegram::start(Limits::default())
        .await
        .expect("fake Telegram");
    let dir = std::env::temp_dir().join(format!("civic-bench-deliver-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let store = Arc::new(Store::open(&dir.join("bench.db")).expect("store"));
    let text: Arc<str> =
        "📰 <b>Гражданский дайджест</b>\n1. <a href=\"https://liter.kz/a\">Новость</a>".into();
    let messages: Vec<NewMessage> = (1..=subscribers)
        .map(|chat| NewMessage {
            chat_id: chat,
            kind: OutKind::Digest,
            batch: "bench".into(),
            part: 0,
            text: text.clone(),
            disable_preview: true,
        })
        .collect();
    store.enqueue(&messages, 0).expect("enqueue");

    let bot = teloxide::Bot::new("1000000001:BENCH").set_api_url(fake.api_url());
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let start = Instant::now();
    let wake = Arc::new(Notify::new());
    let run = if throttle {
        let bot = bot.throttle(ThrottleLimits::default());
        let sender = Sender::new(bot, store.clone(), wake).with_pace(Pace::unpaced());
        tokio::spawn(async move { sender.run(shutdown).await })
    } else {
        let sender = Sender::new(bot, store.clone(), wake);
        tokio::spawn(async move { sender.run(shutdown).await })
    };
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (pending, sending, ..) = store.outbox_counts().expect("counts");
        if pending + sending == 0 {
            break;
        }
        if start.elapsed() > Duration::from_secs(subscribers as u64 / 10 + 60) {
            eprintln!("giving up: {pending} pending, {sending} sending");
            break;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let _ = stop.send(true);
    let _ = run.await;

    let mut per_chat: HashMap<i64, usize> = HashMap::new();
    for m in fake.all_sent() {
        *per_chat.entry(m.chat_id).or_default() += 1;
    }
    let delivered = per_chat.len() as i64;
    let duplicated: usize = per_chat.values().map(|n| n.saturating_sub(1)).sum();
    let stats = fake.stats();
    println!(
        "{}: delivered {delivered}/{subscribers} in {elapsed:.1} s: {:.1} messages/s sustained; 429s received: {}; lost: {}; duplicated: {duplicated}",
        if throttle {
            "Throttle, unpaced".to_string()
        } else {
            format!("paced (at most {:.1}/s)", Pace::default().per_second())
        },
        delivered as f64 / elapsed,
        stats.too_many_requests,
        subscribers - delivered,
    );
    let _ = std::fs::remove_dir_all(&dir);
}
