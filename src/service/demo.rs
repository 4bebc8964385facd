//! `demo`: the whole product, offline, in under a minute. A local news
//! site serves `data/demo/`, a fake Telegram Bot API stands in for
//! Telegram, and the real `run` wiring (poller, summarizer, scheduler,
//! dispatcher, outbox and sender) runs against both. Scripted people then
//! use the bot, and the chat transcript is returned as a person would read
//! it.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::run::{Service, ServiceError};
use crate::config::{Config, Secret};
use civic_digest_sandbox::NewsSite;
use civic_digest_sandbox::telegram::{FakeChat, FakeTelegram, FakeUser, Limits};

/// The demo's moderator (an owner through `MODERATOR_IDS`).
pub const MODERATOR_ID: u64 = 900_001;
const CITIZEN_ID: u64 = 900_101;
const AKIM_ID: u64 = 900_202;
/// How long any one step may wait for the bot.
const STEP: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo: {0}")]
    Setup(String),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("demo: {0}")]
    Step(String),
}

/// Runs the demo in `work_dir` (its database goes there) with the data
/// files of `data_dir`; returns the transcript.
pub async fn run_demo(data_dir: &Path, work_dir: &Path) -> Result<String, DemoError> {
    // The demo site of `data/demo/`: files under `data_dir/demo/` when they
    // are there, else the copy built into the binary.
    let (site, site_toml) = NewsSite::serve_files(|name| {
        crate::data::read(data_dir, &format!("demo/{name}"))
            .map(|b| b.into_owned())
            .map_err(|e| format!("sandbox: {e}"))
    })
    .await
    .map_err(DemoError::Setup)?;
    let sources = crate::ingest::sources::parse_sources_toml(&site_toml, "site.toml")
        .map_err(|e| DemoError::Setup(e.to_string()))?;
    let telegram = FakeTelegram::start(Limits::default())
        .await
        .map_err(|e| DemoError::Setup(format!("cannot start the Telegram sandbox: {e}")))?;
    let mut config = Config::from_vars([("ALLOW_PRIVATE_SOURCES", "true"), ("HOST_DELAY_MS", "0")])
        .map_err(|e| DemoError::Setup(e.to_string()))?;
    config.database_path = work_dir.join("demo.db");
    config.data_dir = data_dir.to_path_buf();
    config.telegram_token = Some(Secret::new("1000000001:DEMO-SANDBOX-TOKEN-NOT-A-REAL-ONE"));
    config.telegram_api_url = Some(telegram.api_url());
    config.moderator_ids = vec![MODERATOR_ID];
    config.fetch_timeout = Duration::from_secs(5);
    // The demo's articles keep their dates (26-29 November 2025): old news
    // by MAX_ARTICLE_AGE_HOURS, but what the demo is there to show.
    config.max_article_age = Duration::from_secs(100 * 366 * 86_400);

    let mut service = Service::open(config)?;
    service.scheduler_tick = Duration::from_secs(2);
    let service = Arc::new(service);
    service
        .store
        .add_missing_sources(&sources, chrono::Utc::now().timestamp())
        .map_err(|e| DemoError::Setup(e.to_string()))?;
    let bot = service.telegram()?;
    let (stop, shutdown) = watch::channel(false);
    let running = tokio::spawn(service.clone().run(bot, shutdown));

    let script = script(&service, &telegram, sources.len()).await;
    let _ = stop.send(true);
    match tokio::time::timeout(Duration::from_secs(15), running).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => return Err(e.into()),
        Ok(Err(e)) => {
            return Err(DemoError::Step(format!(
                "the bot stopped with an error: {e}"
            )));
        }
        Err(_) => return Err(DemoError::Step("the bot did not stop within 15 s".into())),
    }
    drop(site);
    script?;
    Ok(telegram.transcript())
}

/// What the people in the demo do.
async fn script(service: &Service, tg: &FakeTelegram, sources: usize) -> Result<(), DemoError> {
    wait_for_ingest(service, sources).await?;

    // A citizen in Kazakh: /start, picks the language and topics with the
    // buttons, then asks for the digest.
    let aigerim = FakeUser::new(CITIZEN_ID, "Айгерім").with_language("kk");
    let chat = FakeChat::private(&aigerim);
    say(tg, &chat, &aigerim, "/start", 3).await?;
    tap(tg, &chat, &aigerim, "l:kk").await?;
    for topic in ["t:local_elections", "t:rural_development", "t:education"] {
        tap(tg, &chat, &aigerim, topic).await?;
    }
    say(tg, &chat, &aigerim, "/digest", 1).await?;

    // A rural akim follows their region, instantly, in Russian.
    let akim = FakeUser::new(AKIM_ID, "Бекзат").with_language("ru");
    let chat = FakeChat::private(&akim);
    say(tg, &chat, &akim, "/start", 3).await?;
    say(tg, &chat, &akim, "/regions", 1).await?;
    tap(tg, &chat, &akim, "r:turkistan").await?;
    say(tg, &chat, &akim, "/schedule instant", 1).await?;
    // The scheduler sends the region's news within a tick or two.
    let before = tg.sent(chat.id()).len();
    if !tg.wait_for_sent(chat.id(), before + 1, STEP).await {
        return Err(DemoError::Step(
            "the akim's instant news did not arrive".into(),
        ));
    }

    // A moderator looks at the numbers and the sources.
    let moderator = FakeUser::new(MODERATOR_ID, "Модератор").with_language("ru");
    let chat = FakeChat::private(&moderator);
    say(tg, &chat, &moderator, "/stats", 1).await?;
    say(tg, &chat, &moderator, "/sources", 1).await?;
    Ok(())
}

/// Waits until every source has been polled once.
async fn wait_for_ingest(service: &Service, sources: usize) -> Result<(), DemoError> {
    let deadline = tokio::time::Instant::now() + STEP;
    loop {
        let list = service
            .store
            .list_sources()
            .map_err(|e| DemoError::Step(e.to_string()))?;
        let polled = list.iter().filter(|s| s.last_polled_at.is_some()).count();
        if polled >= sources {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(DemoError::Step(format!(
                "only {polled} of {sources} sources were polled in time"
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sends a message and waits for `replies` more bot messages in the chat.
async fn say(
    tg: &FakeTelegram,
    chat: &FakeChat,
    from: &FakeUser,
    text: &str,
    replies: usize,
) -> Result<(), DemoError> {
    let before = tg.sent(chat.id()).len();
    tg.push_message(chat, from, text);
    if tg.wait_for_sent(chat.id(), before + replies, STEP).await {
        Ok(())
    } else {
        Err(DemoError::Step(format!("no answer to {text:?} in time")))
    }
}

/// Taps the newest button with this callback data and waits for the answer.
async fn tap(
    tg: &FakeTelegram,
    chat: &FakeChat,
    from: &FakeUser,
    data: &str,
) -> Result<(), DemoError> {
    let message = tg
        .sent(chat.id())
        .into_iter()
        .rev()
        .find(|m| {
            m.buttons
                .iter()
                .flatten()
                .any(|b| b.callback_data.as_deref() == Some(data))
        })
        .ok_or_else(|| DemoError::Step(format!("no button {data:?} on screen")))?;
    let answered = tg.answered_callbacks().len();
    tg.push_callback(chat, from, message.message_id, data);
    let deadline = tokio::time::Instant::now() + STEP;
    while tg.answered_callbacks().len() <= answered {
        if tokio::time::Instant::now() > deadline {
            return Err(DemoError::Step(format!(
                "the tap on {data:?} was not answered"
            )));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}
