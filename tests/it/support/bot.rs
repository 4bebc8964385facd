//! A running bot for tests: the real dispatcher from `schema()` on the
//! fake Telegram Bot API, with a temporary database.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use civic_digest::Config;
use civic_digest::Texts;
use civic_digest::{BotDeps, BotT, FloodLimiter};
use civic_digest::{Knowledge, Summary, TopicScore};
use civic_digest::{NewArticle, Store};
use civic_digest_sandbox::telegram::Limits as FakeLimits;
use civic_digest_sandbox::{FakeChat, FakeTelegram, FakeUser, NewsSite, SentMessage};
use teloxide::adaptors::throttle::Limits;
use teloxide::dispatching::ShutdownToken;

use super::test_config;

/// How long a test waits for the bot at most: a bound for a test that
/// would hang, never a pause (every wait ends at the event it waits for).
pub const WAIT: Duration = Duration::from_secs(10);

/// The user [`BotHarness::settle`] taps as; no test plays them.
pub const PROBE_USER: u64 = 999_000_001;

/// Throttle limits that never slow a test down.
pub fn fast_limits() -> Limits {
    Limits {
        messages_per_sec_chat: 1000,
        messages_per_min_chat: 100_000,
        messages_per_min_channel_or_supergroup: 100_000,
        messages_per_sec_overall: 1000,
    }
}

pub struct BotHarness {
    pub dir: tempfile::TempDir,
    pub config: Config,
    pub store: Arc<Store>,
    pub tg: FakeTelegram,
    /// A local news site, for `/addsource`.
    pub site: NewsSite,
    pub bot: BotT,
    pub deps: BotDeps,
    pub texts: Arc<Texts>,
    shutdown: ShutdownToken,
    task: tokio::task::JoinHandle<()>,
    probes: AtomicU64,
}

/// Options for [`BotHarness::start`].
pub struct Options {
    pub owners: Vec<u64>,
    pub flood: FloodLimiter,
    pub follow_cap: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            owners: Vec::new(),
            // generous: tests that are not about flooding never hit it
            flood: FloodLimiter::new(1000, Duration::from_millis(1)),
            follow_cap: civic_digest::DEFAULT_FOLLOW_CAP,
        }
    }
}

impl BotHarness {
    pub async fn start(opts: Options) -> BotHarness {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = test_config(&dir);
        config.moderator_ids = opts.owners.clone();
        let store = Arc::new(Store::open(&config.database_path).expect("open store"));
        let tg = FakeTelegram::start(FakeLimits::unlimited())
            .await
            .expect("start fake telegram");
        let bot = civic_digest::throttled(
            teloxide::Bot::with_client(
                "1000:test-token",
                // reqwest honours HTTP_PROXY even for 127.0.0.1
                teloxide::net::default_reqwest_settings()
                    .no_proxy()
                    .build()
                    .expect("http client"),
            )
            .set_api_url(tg.api_url()),
            fast_limits(),
        );
        let site = NewsSite::start().await.expect("start news site");
        let texts = Arc::new(Texts::embedded());
        let mut deps = BotDeps::new(
            store.clone(),
            Arc::new(RwLock::new(Knowledge::embedded())),
            texts.clone(),
            Arc::new(config.clone()),
            Arc::new(tokio::sync::Notify::new()),
        )
        .expect("bot deps")
        .with_flood(opts.flood);
        deps.follow_cap = opts.follow_cap;
        let mut dispatcher = civic_digest::dispatcher(bot.clone(), deps.clone());
        let shutdown = dispatcher.shutdown_token();
        let task = tokio::spawn(async move { dispatcher.dispatch().await });
        BotHarness {
            dir,
            config,
            store,
            tg,
            site,
            bot,
            deps,
            texts,
            shutdown,
            task,
            probes: AtomicU64::new(0),
        }
    }

    /// A user writes in their private chat; waits for `replies` more bot
    /// messages there and returns them.
    pub async fn say(&self, user: &FakeUser, text: &str, replies: usize) -> Vec<SentMessage> {
        self.say_in(&FakeChat::private(user), user, text, replies)
            .await
    }

    pub async fn say_in(
        &self,
        chat: &FakeChat,
        user: &FakeUser,
        text: &str,
        replies: usize,
    ) -> Vec<SentMessage> {
        let before = self.tg.sent(chat.id()).len();
        self.tg.push_message(chat, user, text);
        let ok = self
            .tg
            .wait_for_sent(chat.id(), before + replies, WAIT)
            .await;
        assert!(
            ok,
            "no {replies} replies to {text:?}; transcript:\n{}",
            self.tg.transcript()
        );
        self.tg.sent(chat.id()).split_off(before)
    }

    /// Waits until the bot has handled every update pushed so far in
    /// `chat`, for checks that nothing (more) was sent or stored. teloxide
    /// handles one chat's updates one after another, so a probe pushed
    /// last in the chat is answered only once those before it are done.
    /// The probe is a tap, by a user no test plays, on a button of no
    /// message: the bot only acknowledges it, sends nothing to the chat
    /// and stores nothing.
    pub async fn settle(&self, chat: &FakeChat) {
        let data = format!("probe:{}", self.probes.fetch_add(1, Ordering::Relaxed));
        let skip = self.tg.answered_callbacks().len();
        let probe = FakeUser::new(PROBE_USER, "Probe");
        self.tg.push_callback(chat, &probe, i32::MAX, &data);
        let answered = self.tg.wait_for_answer(skip, &data, WAIT).await;
        assert!(
            answered.is_some(),
            "the bot never got to the probe in {}; transcript:\n{}",
            chat.name(),
            self.tg.transcript()
        );
    }

    /// A user taps a button under the bot message `message_id` in their
    /// private chat; waits until the callback is answered and returns the
    /// answer's text.
    pub async fn tap(&self, user: &FakeUser, message_id: i32, data: &str) -> Option<String> {
        self.tap_in(&FakeChat::private(user), user, message_id, data)
            .await
    }

    pub async fn tap_in(
        &self,
        chat: &FakeChat,
        user: &FakeUser,
        message_id: i32,
        data: &str,
    ) -> Option<String> {
        let before = self.tg.answered_callbacks().len();
        self.tg.push_callback(chat, user, message_id, data);
        let answered = self
            .tg
            .wait_until(WAIT, |tg| tg.answered_callbacks().len() > before)
            .await;
        assert!(
            answered,
            "callback {data:?} not answered; transcript:\n{}",
            self.tg.transcript()
        );
        self.tg.answered_callbacks()[before].text.clone()
    }

    /// The current version of a message the bot sent.
    pub fn message(&self, chat_id: i64, message_id: i32) -> SentMessage {
        self.tg
            .sent(chat_id)
            .into_iter()
            .find(|m| m.message_id == message_id)
            .expect("message sent")
    }

    /// Stores an article with topics and regions, as the poller would.
    pub fn add_article(
        &self,
        url: &str,
        title: &str,
        text: &str,
        topics: &[&str],
        regions: &[&str],
    ) -> i64 {
        let summary = Summary {
            title: title.into(),
            text: text.into(),
            topics: topics
                .iter()
                .enumerate()
                .map(|(i, t)| TopicScore {
                    id: t.to_string(),
                    score: 1.0,
                    primary: i == 0,
                })
                .collect(),
            regions: regions.iter().map(|r| r.to_string()).collect(),
            ..Default::default()
        };
        self.add_summarized(url, summary)
    }

    /// Stores an article whose title and text are the summary's.
    pub fn add_summarized(&self, url: &str, summary: Summary) -> i64 {
        self.store
            .insert_article(
                &NewArticle {
                    source_id: None,
                    url: url.into(),
                    canonical_url: None,
                    title: summary.title.clone(),
                    text: summary.text.clone(),
                    published_at: None,
                    language: "ru".into(),
                    content_hash: format!("hash-{url}"),
                    minhash: vec![0; 8],
                    story_id: None,
                    summary: Some(summary),
                },
                chrono::Utc::now().timestamp(),
            )
            .expect("insert article")
            .expect("new article")
    }

    pub async fn stop(self) {
        if let Ok(done) = self.shutdown.shutdown() {
            let _ = tokio::time::timeout(Duration::from_secs(3), done).await;
        }
        self.task.abort();
    }
}

/// A citizen with a Telegram language.
pub fn user(id: u64, name: &str, lang: &str) -> FakeUser {
    FakeUser::new(id, name).with_language(lang)
}
