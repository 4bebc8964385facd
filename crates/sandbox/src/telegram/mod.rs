//! A fake Telegram Bot API on 127.0.0.1, used by `demo` and by the tests.
//!
//! teloxide talks to it as to Telegram (`Bot::new(token).set_api_url(url)`):
//! `POST {api_url}/bot{TOKEN}/{method}` with a JSON, form or multipart body,
//! answered with Telegram's `{"ok":…}` envelopes. It enforces Telegram's
//! limits (rate, 4096 characters, 64-byte callback data, HTML parse mode)
//! and lets a test play the users: push messages and button taps, block the
//! bot, migrate a group, take the API down. What the bot sent can be read
//! back per chat, and [`FakeTelegram::transcript`] prints the conversation
//! as a person would read it.
//!
//! Any token is accepted and none is kept: the token is only in the request
//! path, which is never stored or logged (only
//! [`FakeTelegram::set_error_page`] sends the path back, as a broken proxy
//! in front of the Bot API does).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use civic_digest_sandbox::telegram::{FakeChat, FakeTelegram, FakeUser, Limits};
//! use teloxide::prelude::*;
//!
//! let fake = FakeTelegram::start(Limits::default()).await?;
//! let bot = Bot::new("123:TEST").set_api_url(fake.api_url());
//! let aigerim = FakeUser::new(1001, "Aigerim").with_language("kk");
//! fake.push_message(FakeChat::private(&aigerim), &aigerim, "/start");
//! // … run the dispatcher with `bot` …
//! fake.wait_for_sent(1001, 1, std::time::Duration::from_secs(5)).await;
//! print!("{}", fake.transcript());
//! # Ok(())
//! # }
//! ```
//!
//! teloxide needs nothing special, with one caveat: reqwest honours
//! `HTTP_PROXY`/`HTTPS_PROXY` even for 127.0.0.1, so where those are set,
//! set `NO_PROXY=127.0.0.1,localhost` too (or give teloxide a client built
//! with `.no_proxy()`). A 5xx answer makes teloxide sleep 10 s before it
//! returns, so tests of [`FakeTelegram::set_unavailable`] should expect that.

mod events;
use civic_digest_telegram_html as html;
mod server;
#[cfg(test)]
mod tests;

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use teloxide::types::{BotCommand, BotCommandScope};
use tokio::net::TcpListener;
use tokio::sync::Notify;

use html::{Entity, EntityKind, Parsed};

/// The user id of the sandbox bot (what `getMe` answers).
pub const BOT_ID: u64 = 7_000_000_001;
/// The username of the sandbox bot.
pub const BOT_USERNAME: &str = "civic_digest_sandbox_bot";
const BOT_NAME: &str = "Civic Digest";

/// Telegram's flood limits as the fake enforces them on `sendMessage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Messages per second to one chat (any chat).
    pub per_chat_per_sec: u32,
    /// Messages per minute to one group or supergroup.
    pub per_group_per_min: u32,
    /// Messages per second to all chats together.
    pub overall_per_sec: u32,
    /// How much shorter than a second (a minute) the per-chat (per-group)
    /// windows are, to absorb the network jitter between a client's clock
    /// and the server's, as Telegram's per-chat counters do. A client that
    /// spaces a chat's messages by a full second, like teloxide's
    /// `Throttle`, never sees a 429; two sends in a row always do. The
    /// overall limit counts any full second, with no allowance. Default
    /// 250 ms.
    pub jitter: Duration,
}

impl Default for Limits {
    /// Telegram's: 1 message/s per chat, 20/min per group, 30/s overall.
    fn default() -> Limits {
        Limits {
            per_chat_per_sec: 1,
            per_group_per_min: 20,
            overall_per_sec: 30,
            jitter: Duration::from_millis(250),
        }
    }
}

impl Limits {
    /// No flood control at all, for tests that don't care.
    pub fn unlimited() -> Limits {
        Limits {
            per_chat_per_sec: u32::MAX,
            per_group_per_min: u32::MAX,
            overall_per_sec: u32::MAX,
            jitter: Duration::ZERO,
        }
    }
}

/// A Telegram user played by a test.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FakeUser {
    pub id: u64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub language_code: Option<String>,
}

impl FakeUser {
    pub fn new(id: u64, first_name: &str) -> FakeUser {
        FakeUser {
            id,
            first_name: first_name.to_string(),
            last_name: None,
            username: None,
            language_code: None,
        }
    }
    pub fn with_username(mut self, username: &str) -> FakeUser {
        self.username = Some(username.trim_start_matches('@').to_string());
        self
    }
    pub fn with_language(mut self, code: &str) -> FakeUser {
        self.language_code = Some(code.to_string());
        self
    }
    pub(crate) fn json(&self) -> Value {
        let mut v = json!({"id": self.id, "is_bot": false, "first_name": self.first_name});
        if let Some(l) = &self.last_name {
            v["last_name"] = json!(l);
        }
        if let Some(u) = &self.username {
            v["username"] = json!(u);
        }
        if let Some(c) = &self.language_code {
            v["language_code"] = json!(c);
        }
        v
    }
}

/// A chat: a private chat with a user (chat id == user id) or a group
/// (negative id).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FakeChat {
    Private(FakeUser),
    Group {
        id: i64,
        title: String,
    },
    Supergroup {
        id: i64,
        title: String,
    },
    /// A channel, found by its `@username` too.
    Channel {
        id: i64,
        title: String,
        username: String,
    },
}

impl FakeChat {
    /// The private chat with `user`.
    pub fn private(user: &FakeUser) -> FakeChat {
        FakeChat::Private(user.clone())
    }
    /// A basic group; a positive `id` is made negative, as Telegram's are.
    pub fn group(id: i64, title: &str) -> FakeChat {
        FakeChat::Group {
            id: -id.abs(),
            title: title.to_string(),
        }
    }
    /// A supergroup; a positive `id` is made negative.
    pub fn supergroup(id: i64, title: &str) -> FakeChat {
        FakeChat::Supergroup {
            id: -id.abs(),
            title: title.to_string(),
        }
    }
    /// A channel `@username`; a positive `id` is made negative.
    pub fn channel(id: i64, title: &str, username: &str) -> FakeChat {
        FakeChat::Channel {
            id: -id.abs(),
            title: title.to_string(),
            username: username.trim_start_matches('@').to_string(),
        }
    }
    pub fn id(&self) -> i64 {
        match self {
            FakeChat::Private(u) => i64::try_from(u.id).unwrap_or(i64::MAX),
            FakeChat::Group { id, .. }
            | FakeChat::Supergroup { id, .. }
            | FakeChat::Channel { id, .. } => *id,
        }
    }
    /// How the chat is named in the transcript.
    pub fn name(&self) -> &str {
        match self {
            FakeChat::Private(u) => &u.first_name,
            FakeChat::Group { title, .. }
            | FakeChat::Supergroup { title, .. }
            | FakeChat::Channel { title, .. } => title,
        }
    }
    fn json(&self) -> Value {
        match self {
            FakeChat::Private(u) => {
                let mut v = json!({"id": self.id(), "type": "private", "first_name": u.first_name});
                if let Some(l) = &u.last_name {
                    v["last_name"] = json!(l);
                }
                if let Some(n) = &u.username {
                    v["username"] = json!(n);
                }
                v
            }
            FakeChat::Group { id, title } => json!({"id": id, "type": "group", "title": title}),
            FakeChat::Supergroup { id, title } => {
                json!({"id": id, "type": "supergroup", "title": title})
            }
            FakeChat::Channel {
                id,
                title,
                username,
            } => json!({"id": id, "type": "channel", "title": title, "username": username}),
        }
    }
}

/// An inline keyboard button as the bot sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Button {
    pub text: String,
    pub callback_data: Option<String>,
    pub url: Option<String>,
}

/// One version of a bot message's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageVersion {
    /// The text as the bot sent it (HTML source in HTML parse mode).
    pub text: String,
    /// The text as the user reads it (tags stripped, entities decoded).
    pub plain_text: String,
    pub parse_mode: Option<String>,
    /// Inline keyboard rows.
    pub buttons: Vec<Vec<Button>>,
    pub link_preview_disabled: bool,
}

/// A message the bot sent, in its current version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentMessage {
    pub chat_id: i64,
    pub message_id: i32,
    /// The text as the bot sent it (HTML source in HTML parse mode).
    pub text: String,
    /// The text as the user reads it (tags stripped, entities decoded).
    pub plain_text: String,
    pub parse_mode: Option<String>,
    /// Inline keyboard rows.
    pub buttons: Vec<Vec<Button>>,
    pub link_preview_disabled: bool,
    /// Sent with `disable_notification`: it arrived silently.
    pub silent: bool,
    /// Earlier versions, oldest first; empty if never edited.
    pub versions: Vec<MessageVersion>,
    pub deleted: bool,
}

impl SentMessage {
    /// The buttons as `(text, callback_data or url)` rows.
    pub fn button_rows(&self) -> Vec<Vec<(String, String)>> {
        self.buttons
            .iter()
            .map(|row| {
                row.iter()
                    .map(|b| {
                        let target = b.callback_data.clone().or_else(|| b.url.clone());
                        (b.text.clone(), target.unwrap_or_default())
                    })
                    .collect()
            })
            .collect()
    }
    pub fn edited(&self) -> bool {
        !self.versions.is_empty()
    }
}

/// A callback query the bot answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnsweredCallback {
    pub callback_query_id: String,
    pub user_id: u64,
    pub chat_id: i64,
    pub message_id: i32,
    pub data: String,
    pub text: Option<String>,
    pub show_alert: bool,
    pub url: Option<String>,
}

/// Request counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Every request that reached the server.
    pub requests: u64,
    /// Messages accepted by `sendMessage`.
    pub messages_accepted: u64,
    /// 429 answers.
    pub too_many_requests: u64,
    /// 403 answers.
    pub forbidden: u64,
    /// 400 answers.
    pub bad_requests: u64,
    /// 404 answers (unknown methods).
    pub not_found: u64,
    /// 502 answers while unavailable.
    pub bad_gateway: u64,
    /// 409 answers to a `getUpdates` ended by a newer one of the same token.
    pub conflicts: u64,
}

#[derive(Clone, Debug)]
struct Content {
    text: String,
    parsed: Parsed,
    parse_mode: Option<String>,
    reply_markup: Option<Value>,
    buttons: Vec<Vec<Button>>,
    link_preview_disabled: bool,
    silent: bool,
}

impl Content {
    fn version(&self) -> MessageVersion {
        MessageVersion {
            text: self.text.clone(),
            plain_text: self.parsed.text.clone(),
            parse_mode: self.parse_mode.clone(),
            buttons: self.buttons.clone(),
            link_preview_disabled: self.link_preview_disabled,
        }
    }
}

#[derive(Clone, Debug)]
struct StoredMessage {
    chat_id: i64,
    message_id: i32,
    /// `None` for the bot.
    from: Option<FakeUser>,
    date: i64,
    edit_date: Option<i64>,
    current: Content,
    versions: Vec<Content>,
    deleted: bool,
}

impl StoredMessage {
    fn sent(&self) -> SentMessage {
        let v = self.current.version();
        SentMessage {
            chat_id: self.chat_id,
            message_id: self.message_id,
            text: v.text,
            plain_text: v.plain_text,
            parse_mode: v.parse_mode,
            buttons: v.buttons,
            link_preview_disabled: v.link_preview_disabled,
            silent: self.current.silent,
            versions: self.versions.iter().map(Content::version).collect(),
            deleted: self.deleted,
        }
    }
}

struct PendingCallback {
    user_id: u64,
    user_name: String,
    chat_id: i64,
    message_id: i32,
    data: String,
}

struct Inner {
    limits: Limits,
    closed: bool,
    unavailable: bool,
    /// While set, every request gets an HTML error page with this status.
    error_page: Option<u16>,
    /// Chat-scoped command menus need a chat the fake has seen.
    require_known_chats: bool,
    /// Tokens (hashed) with a `getUpdates` in progress, and which one.
    polling: HashMap<u64, u64>,
    next_poll: u64,
    next_update_id: i64,
    updates: VecDeque<(i64, Value)>,
    chats: HashMap<i64, FakeChat>,
    next_message_id: HashMap<i64, i32>,
    messages: Vec<StoredMessage>,
    blocked: HashSet<i64>,
    migrated: HashMap<i64, i64>,
    commands: HashMap<(String, String), Vec<(String, String)>>,
    pending_callbacks: HashMap<String, PendingCallback>,
    next_callback: u64,
    answered: Vec<AnsweredCallback>,
    chat_actions: Vec<(i64, String)>,
    stats: Stats,
    sends_overall: VecDeque<Instant>,
    sends_per_chat: HashMap<i64, VecDeque<Instant>>,
    transcript: Vec<String>,
    /// Set by setWebhook: updates are POSTed there (with the secret token
    /// header) instead of waiting for getUpdates.
    webhook: Option<Webhook>,
    /// (chat, user) pairs that are the chat's administrators.
    admins: HashMap<(i64, u64), FakeUser>,
    /// Channels where the bot is an administrator that may post.
    channel_admin: HashSet<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Webhook {
    pub(crate) url: String,
    pub(crate) secret_token: Option<String>,
}

struct Shared {
    inner: Mutex<Inner>,
    updates_changed: Notify,
    sent_changed: Notify,
    /// Bumped at each event a test may wait for ([`events`]).
    events: tokio::sync::watch::Sender<u64>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running fake Telegram Bot API. Dropping it stops the server.
pub struct FakeTelegram {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.updates_changed.notify_waiters();
        self.shared.sent_changed.notify_waiters();
        self.shared.event();
        self.task.abort();
    }
}

impl FakeTelegram {
    /// Starts the fake API on `127.0.0.1:0`.
    pub async fn start(limits: Limits) -> std::io::Result<FakeTelegram> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                limits,
                closed: false,
                unavailable: false,
                error_page: None,
                require_known_chats: false,
                polling: HashMap::new(),
                next_poll: 0,
                next_update_id: 1,
                updates: VecDeque::new(),
                chats: HashMap::new(),
                next_message_id: HashMap::new(),
                messages: Vec::new(),
                blocked: HashSet::new(),
                migrated: HashMap::new(),
                commands: HashMap::new(),
                pending_callbacks: HashMap::new(),
                next_callback: 1,
                answered: Vec::new(),
                chat_actions: Vec::new(),
                stats: Stats::default(),
                sends_overall: VecDeque::new(),
                sends_per_chat: HashMap::new(),
                transcript: Vec::new(),
                webhook: None,
                admins: HashMap::new(),
                channel_admin: HashSet::new(),
            }),
            updates_changed: Notify::new(),
            sent_changed: Notify::new(),
            events: tokio::sync::watch::Sender::new(0),
        });
        let pump = tokio::spawn(webhook_pump(shared.clone()));
        let server = server::serve(listener, shared.clone());
        let task = tokio::spawn(async move {
            server.await;
            pump.abort();
        });
        log::info!("sandbox: telegram: fake Bot API listening on {addr}");
        Ok(FakeTelegram { addr, shared, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL to give teloxide: `bot.set_api_url(fake.api_url())`.
    pub fn api_url(&self) -> url::Url {
        let base = format!("http://{}/", self.addr);
        match url::Url::parse(&base) {
            Ok(u) => u,
            // A SocketAddr always forms a valid URL.
            Err(e) => unreachable!("sandbox: telegram: bad base URL {base}: {e}"),
        }
    }

    /// Changes the flood limits from now on.
    pub fn set_limits(&self, limits: Limits) {
        self.shared.lock().limits = limits;
    }

    /// A user writes `text` in `chat`; returns the update id. A text that
    /// starts with `/` carries a `bot_command` entity. Writing to the bot in
    /// a private chat unblocks it, as in Telegram.
    pub fn push_message(
        &self,
        chat: impl Borrow<FakeChat>,
        from: impl Borrow<FakeUser>,
        text: &str,
    ) -> i64 {
        let (chat, from) = (chat.borrow(), from.borrow());
        let update_id = {
            let mut inner = self.shared.lock();
            inner.chats.insert(chat.id(), chat.clone());
            if matches!(chat, FakeChat::Private(_)) {
                inner.blocked.remove(&chat.id());
            }
            let mut parsed = Parsed::plain(text);
            if text.starts_with('/') {
                let end = text.find(char::is_whitespace).unwrap_or(text.len());
                parsed.entities.push(Entity {
                    kind: EntityKind::BotCommand,
                    start: 0,
                    end,
                });
            }
            let message_id = inner.next_message_id(chat.id());
            let msg = StoredMessage {
                chat_id: chat.id(),
                message_id,
                from: Some(from.clone()),
                date: now_unix(),
                edit_date: None,
                current: Content {
                    text: text.to_string(),
                    parsed,
                    parse_mode: None,
                    reply_markup: None,
                    buttons: Vec::new(),
                    link_preview_disabled: false,
                    silent: false,
                },
                versions: Vec::new(),
                deleted: false,
            };
            let json = inner.message_json(&msg);
            inner.messages.push(msg);
            let line = match chat {
                FakeChat::Private(_) => format!("👤 {}: {text}", from.first_name),
                _ => format!("👤 {} (in {}): {text}", from.first_name, chat.name()),
            };
            inner.transcript.push(line);
            inner.push_update("message", json)
        };
        log::debug!("sandbox: telegram: pushed message update {update_id}");
        self.shared.updates_changed.notify_waiters();
        update_id
    }

    /// A user taps the inline button with `data` under the bot's message
    /// `message_id` in `chat`; returns the update id.
    pub fn push_callback(
        &self,
        chat: impl Borrow<FakeChat>,
        from: impl Borrow<FakeUser>,
        message_id: i32,
        data: &str,
    ) -> i64 {
        let (chat, from) = (chat.borrow(), from.borrow());
        let update_id = {
            let mut inner = self.shared.lock();
            inner.chats.insert(chat.id(), chat.clone());
            let id = format!("{}{:08}", from.id, inner.next_callback);
            inner.next_callback += 1;
            let stored = inner
                .messages
                .iter()
                .find(|m| m.chat_id == chat.id() && m.message_id == message_id)
                .cloned();
            let (message, label) = match &stored {
                Some(m) if !m.deleted => {
                    let label = m
                        .current
                        .buttons
                        .iter()
                        .flatten()
                        .find(|b| b.callback_data.as_deref() == Some(data))
                        .map(|b| format!("[{}]", b.text));
                    (inner.message_json(m), label)
                }
                _ => (
                    json!({"chat": chat.json(), "message_id": message_id, "date": 0}),
                    None,
                ),
            };
            let label = label.unwrap_or_else(|| format!("a button (data {data:?})"));
            inner
                .transcript
                .push(format!("👤 {} taps {label}", from.first_name));
            inner.pending_callbacks.insert(
                id.clone(),
                PendingCallback {
                    user_id: from.id,
                    user_name: from.first_name.clone(),
                    chat_id: chat.id(),
                    message_id,
                    data: data.to_string(),
                },
            );
            let query = json!({
                "id": id,
                "from": from.json(),
                "message": message,
                "chat_instance": format!("ci{}", chat.id()),
                "data": data,
            });
            inner.push_update("callback_query", query)
        };
        log::debug!("sandbox: telegram: pushed callback update {update_id}");
        self.shared.updates_changed.notify_waiters();
        update_id
    }

    /// The user blocks the bot (or the bot is kicked from the group): sends
    /// to this chat get 403.
    pub fn block_chat(&self, chat_id: i64) {
        self.shared.lock().blocked.insert(chat_id);
    }

    /// The user blocks the bot in a private chat (or removes it from a
    /// group), as Telegram reports it: sends get 403 from now on, and a
    /// `my_chat_member` update says the bot's status is "kicked".
    pub fn push_bot_blocked(
        &self,
        chat: impl Borrow<FakeChat>,
        from: impl Borrow<FakeUser>,
    ) -> i64 {
        let (chat, from) = (chat.borrow(), from.borrow());
        let update_id = {
            let mut inner = self.shared.lock();
            inner.chats.insert(chat.id(), chat.clone());
            inner.blocked.insert(chat.id());
            let bot = json!({"id": BOT_ID, "is_bot": true, "first_name": BOT_NAME, "username": BOT_USERNAME});
            let update = json!({
                "chat": chat.json(),
                "from": from.json(),
                "date": now_unix(),
                "old_chat_member": {"user": bot.clone(), "status": "member"},
                "new_chat_member": {"user": bot, "status": "kicked", "until_date": 0},
            });
            inner
                .transcript
                .push(format!("👤 {} blocks the bot", from.first_name));
            inner.push_update("my_chat_member", update)
        };
        self.shared.updates_changed.notify_waiters();
        update_id
    }

    pub fn unblock_chat(&self, chat_id: i64) {
        self.shared.lock().blocked.remove(&chat_id);
    }

    /// The group `old_id` became the supergroup `new_id`: sends to the old id
    /// get 400 with `migrate_to_chat_id`.
    pub fn migrate_chat(&self, old_id: i64, new_id: i64) {
        let mut inner = self.shared.lock();
        let title = inner
            .chats
            .get(&old_id)
            .map(|c| c.name().to_string())
            .unwrap_or_else(|| format!("Chat {old_id}"));
        inner
            .chats
            .insert(new_id, FakeChat::Supergroup { id: new_id, title });
        inner.migrated.insert(old_id, new_id);
    }

    /// While set, every request gets 502 Bad Gateway.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.shared.lock().unavailable = unavailable;
    }

    /// While `Some(status)`, every request is answered as a broken proxy
    /// would: an HTML page with that status that repeats the request path
    /// (token included). teloxide cannot parse it.
    pub fn set_error_page(&self, status: Option<u16>) {
        self.shared.lock().error_page = status;
    }

    /// From now on `setMyCommands`/`deleteMyCommands` for a chat scope
    /// answer "Bad Request: chat not found" unless the chat has written
    /// to the bot (was pushed), as Telegram does. Off by default.
    pub fn require_known_chats(&self, on: bool) {
        self.shared.lock().require_known_chats = on;
    }

    /// The messages the bot sent to `chat_id`, oldest first.
    pub fn sent(&self, chat_id: i64) -> Vec<SentMessage> {
        self.shared
            .lock()
            .messages
            .iter()
            .filter(|m| m.from.is_none() && m.chat_id == chat_id)
            .map(StoredMessage::sent)
            .collect()
    }

    /// Every message the bot sent, in order.
    pub fn all_sent(&self) -> Vec<SentMessage> {
        self.shared
            .lock()
            .messages
            .iter()
            .filter(|m| m.from.is_none())
            .map(StoredMessage::sent)
            .collect()
    }

    /// Waits until the bot has sent at least `n` messages to `chat_id`;
    /// `false` if `timeout` passes first.
    pub async fn wait_for_sent(&self, chat_id: i64, n: usize, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.sent_changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let inner = self.shared.lock();
                let count = inner
                    .messages
                    .iter()
                    .filter(|m| m.from.is_none() && m.chat_id == chat_id)
                    .count();
                if count >= n {
                    return true;
                }
                if inner.closed {
                    return false;
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return false;
            }
        }
    }

    /// The callback queries the bot answered, in order.
    pub fn answered_callbacks(&self) -> Vec<AnsweredCallback> {
        self.shared.lock().answered.clone()
    }

    /// The chat actions (`typing`, …) the bot sent to `chat_id`.
    pub fn chat_actions(&self, chat_id: i64) -> Vec<String> {
        self.shared
            .lock()
            .chat_actions
            .iter()
            .filter(|(c, _)| *c == chat_id)
            .map(|(_, a)| a.clone())
            .collect()
    }

    /// The commands set for exactly this scope and language (`None` for
    /// the commands without a language).
    pub fn commands(&self, scope: &BotCommandScope, lang: Option<&str>) -> Vec<BotCommand> {
        let Ok(scope) = serde_json::to_value(scope) else {
            return Vec::new();
        };
        let key = (server::scope_key(&scope), lang.unwrap_or("").to_string());
        self.shared
            .lock()
            .commands
            .get(&key)
            .map(|list| {
                list.iter()
                    .map(|(c, d)| BotCommand::new(c.clone(), d.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Updates pushed but not yet confirmed by a `getUpdates` offset.
    pub fn pending_updates(&self) -> usize {
        self.shared.lock().updates.len()
    }

    pub fn stats(&self) -> Stats {
        self.shared.lock().stats
    }

    /// The whole conversation in order, as a person would read it.
    pub fn transcript(&self) -> String {
        let inner = self.shared.lock();
        let mut out = inner.transcript.join("\n");
        if !out.is_empty() {
            out.push('\n');
        }
        out
    }
}

/// While a webhook is set, POSTs each update to it in order, with the
/// secret token header; an update the bot does not accept with a 2xx is
/// tried again.
async fn webhook_pump(shared: Arc<Shared>) {
    let client = reqwest::Client::new();
    loop {
        let notified = shared.updates_changed.notified();
        let next = {
            let inner = shared.lock();
            inner
                .webhook
                .clone()
                .and_then(|w| inner.updates.front().cloned().map(|u| (w, u)))
        };
        let Some((hook, (id, update))) = next else {
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep(Duration::from_millis(200)) => {}
            }
            continue;
        };
        let mut request = client.post(&hook.url).json(&update);
        if let Some(secret) = &hook.secret_token {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        match request.send().await {
            Ok(resp) if resp.status().is_success() => {
                let mut inner = shared.lock();
                if inner.updates.front().map(|u| u.0) == Some(id) {
                    inner.updates.pop_front();
                }
                drop(inner);
                shared.event();
            }
            Ok(resp) => {
                log::debug!(
                    "sandbox: telegram: webhook answered {} to update {id}",
                    resp.status()
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => {
                log::debug!("sandbox: telegram: webhook unreachable: {e}");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

impl FakeTelegram {
    /// Makes `user` an administrator of the group `chat_id` (getChatMember
    /// then answers "administrator"; everyone else is a "member").
    pub fn make_admin(&self, chat_id: i64, user: &FakeUser) {
        self.shared
            .lock()
            .admins
            .insert((chat_id, user.id), user.clone());
    }

    /// A channel the sandbox knows (getChat finds it by `@username`); with
    /// `bot_admin` the bot is its administrator and may post there, else
    /// getChatMember says the bot "left" and a send gets 403.
    pub fn add_channel(&self, chat: &FakeChat, bot_admin: bool) {
        let mut inner = self.shared.lock();
        inner.chats.insert(chat.id(), chat.clone());
        if bot_admin {
            inner.channel_admin.insert(chat.id());
        } else {
            inner.channel_admin.remove(&chat.id());
        }
    }

    /// The webhook the bot set, if any: (url, secret token).
    pub fn webhook(&self) -> Option<(String, Option<String>)> {
        self.shared
            .lock()
            .webhook
            .clone()
            .map(|w| (w.url, w.secret_token))
    }
}

impl Inner {
    fn next_message_id(&mut self, chat_id: i64) -> i32 {
        let next = self.next_message_id.entry(chat_id).or_insert(1);
        let id = *next;
        *next += 1;
        id
    }

    fn push_update(&mut self, kind: &str, payload: Value) -> i64 {
        let id = self.next_update_id;
        self.next_update_id += 1;
        let mut update = json!({"update_id": id});
        update[kind] = payload;
        self.updates.push_back((id, update));
        id
    }

    fn chat(&self, chat_id: i64) -> FakeChat {
        match self.chats.get(&chat_id) {
            Some(c) => c.clone(),
            None if chat_id > 0 => FakeChat::Private(FakeUser::new(
                u64::try_from(chat_id).unwrap_or_default(),
                &format!("User {chat_id}"),
            )),
            None => FakeChat::Group {
                id: chat_id,
                title: format!("Chat {chat_id}"),
            },
        }
    }

    fn message_json(&self, m: &StoredMessage) -> Value {
        let from = match &m.from {
            Some(u) => u.json(),
            None => bot_user_json(),
        };
        let mut v = json!({
            "message_id": m.message_id,
            "from": from,
            "date": m.date,
            "chat": self.chat(m.chat_id).json(),
            "text": m.current.parsed.text,
        });
        let entities = m.current.parsed.entities_json();
        if !entities.is_empty() {
            v["entities"] = Value::Array(entities);
        }
        if let Some(markup) = &m.current.reply_markup
            && markup.get("inline_keyboard").is_some()
        {
            v["reply_markup"] = markup.clone();
        }
        if m.current.link_preview_disabled {
            v["link_preview_options"] = json!({"is_disabled": true});
        }
        if let Some(d) = m.edit_date {
            v["edit_date"] = json!(d);
        }
        v
    }

    /// The transcript entry for a bot message (new or edited).
    fn bot_line(&self, m: &StoredMessage, edited: bool) -> String {
        let chat = self.chat(m.chat_id);
        let mark = if edited { " (edited)" } else { "" };
        let text = m.current.parsed.readable();
        let mut lines = text.lines();
        let mut out = format!("🤖 → {}{mark}: {}", chat.name(), lines.next().unwrap_or(""));
        for line in lines {
            out.push_str("\n   ");
            out.push_str(line);
        }
        for row in &m.current.buttons {
            out.push_str("\n   ");
            let cells: Vec<String> = row.iter().map(|b| format!("[ {} ]", b.text)).collect();
            out.push_str(&cells.join(" "));
        }
        out
    }
}

fn bot_user_json() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": BOT_NAME, "username": BOT_USERNAME})
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
