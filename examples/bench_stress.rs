//! Stress and speed checks that left the test suite (they wait out real
//! pacing or measure wall-clock time, which a debug build on a busy
//! machine makes meaningless). Each prints its figure and fails (exit 1)
//! if the bound it checks is missed.
//!
//!     cargo run --release --example bench_stress -- [private-replies] [nested-divs]
//!
//! - `private-replies`: 22 replies to one private chat through teloxide's
//!   Throttle with our limits, against the fake Bot API's 1 message/s:
//!   about 21 s and no 429 (teloxide's default limits hold the 21st for a
//!   minute).
//! - `nested-divs`: an article beside a tower of 100,000 nested `<div>`s
//!   is still extracted, and quickly (the test suite keeps a smaller
//!   tower for the correctness of it).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use civic_digest::extract;
use civic_digest_sandbox::telegram::{FakeTelegram, Limits as FakeLimits};
use teloxide::prelude::{ChatId, Requester};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let all = args.is_empty();
    let mut ok = true;
    if all || args.iter().any(|a| a == "private-replies") {
        ok &= private_replies().await;
    }
    if all || args.iter().any(|a| a == "nested-divs") {
        ok &= nested_divs();
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

async fn private_replies() -> bool {
    let tg = match FakeTelegram::start(FakeLimits::default()).await {
        Ok(tg) => tg,
        Err(e) => {
            eprintln!("private-replies: cannot start the fake Bot API: {e}");
            return false;
        }
    };
    let client = match teloxide::net::default_reqwest_settings().no_proxy().build() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("private-replies: no HTTP client: {e}");
            return false;
        }
    };
    let bot = civic_digest::throttled(
        teloxide::Bot::with_client("1000:bench-token", client).set_api_url(tg.api_url()),
        civic_digest::telegram_limits(),
    );
    let started = Instant::now();
    let sends = (0..22).map(|i| {
        let bot = bot.clone();
        async move { bot.send_message(ChatId(5005), format!("reply {i}")).await }
    });
    let Ok(all) = tokio::time::timeout(
        Duration::from_secs(35),
        futures_util::future::join_all(sends),
    )
    .await
    else {
        println!("private-replies: 22 replies not sent within 35 s");
        return false;
    };
    let took = started.elapsed();
    let failed = all.iter().filter(|r| r.is_err()).count();
    let sent = tg.sent(5005).len();
    let too_many = tg.stats().too_many_requests;
    println!(
        "private-replies: 22 replies to one private chat in {:.1} s, {sent} sent, {failed} failed, {too_many} × 429",
        took.as_secs_f64()
    );
    failed == 0 && sent == 22 && too_many == 0
}

fn nested_divs() -> bool {
    let n = 100_000;
    let html = format!(
        "<html><body><article class=\"post\"><h1>Ремонт дорог</h1>\
         <p>Аким района рассказал жителям о ремонте дорог, школ и больниц в этом году, \
         и пообещал отчитаться о каждой работе.</p>\
         <p>Работы начнутся весной и закончатся к осени, сообщили в акимате района.</p></article>\
         {}<p>Абзац на самом дне башни.</p>{}</body></html>",
        "<div class=\"x\">".repeat(n),
        "</div>".repeat(n)
    );
    let started = Instant::now();
    let a = extract(&html, None);
    let took = started.elapsed();
    let found = a.text.contains("Аким района рассказал") && a.text.contains("Работы начнутся");
    println!(
        "nested-divs: an article beside {n} nested divs ({} KB) extracted in {:.0} ms, article text {}",
        html.len() / 1024,
        took.as_secs_f64() * 1000.0,
        if found { "found" } else { "MISSING" }
    );
    found && took < Duration::from_secs(5)
}
