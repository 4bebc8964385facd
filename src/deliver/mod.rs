//! Delivery: the sender drains the outbox with numeric chat ids, paced
//! smoothly below Telegram's limits by its own [`Pacer`] (give it the bot
//! without teloxide's Throttle, whose bursts trip Telegram's counter). A 429 waits its `retry_after`; network
//! errors retry with back-off; 403 (blocked, deactivated, kicked, chat not
//! found) deactivates the subscriber and keeps their settings; "message is
//! too long" re-splits; a chat migrated to a supergroup moves the
//! subscription. Sends that were in flight at a crash go again on restart,
//! so a crash can duplicate at most those and loses none.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use teloxide::ApiError;
use teloxide::RequestError;
use teloxide::payloads::SendMessageSetters;
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, LinkPreviewOptions, ParseMode};
use tokio::sync::Notify;

use crate::config::redact_tokens;
use crate::digest::render::MAX_MESSAGE;
use crate::store::{OutMessage, Store, StoreError, SubStatus};

pub mod pace;
pub use pace::{Pace, Pacer};

/// Messages claimed from the outbox at a time.
const CLAIM: usize = 60;
/// Chats sent to at once (the pacer keeps each chat and the whole bot
/// within Telegram's limits).
const CHATS_IN_PARALLEL: usize = 32;
/// Attempts before a message is given up.
const MAX_ATTEMPTS: i64 = 12;

/// What happened to one message.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sent(i32),
    Retry { after_secs: i64, error: String },
    ChatGone(String),
    Split,
    Moved(i64),
    Failed(String),
}

/// Counts since the sender started.
#[derive(Debug, Default)]
pub struct SendStats {
    pub sent: std::sync::atomic::AtomicU64,
    pub retried: std::sync::atomic::AtomicU64,
    pub rate_limited: std::sync::atomic::AtomicU64,
    pub failed: std::sync::atomic::AtomicU64,
}

/// Drains the outbox into Telegram.
pub struct Sender<B> {
    bot: B,
    store: Arc<Store>,
    wake: Arc<Notify>,
    pacer: Pacer,
    pub stats: Arc<SendStats>,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl<B> Sender<B>
where
    B: Requester + Clone + Send + Sync + 'static,
    B::Err: Into<RequestError>,
{
    pub fn new(bot: B, store: Arc<Store>, wake: Arc<Notify>) -> Sender<B> {
        Sender {
            bot,
            store,
            wake,
            pacer: Pacer::new(Pace::default()),
            stats: Arc::new(SendStats::default()),
        }
    }

    /// The same sender with other gaps between sends.
    pub fn with_pace(mut self, pace: Pace) -> Sender<B> {
        self.pacer = Pacer::new(pace);
        self
    }

    /// Sends until `shutdown` turns true, then finishes the sends in
    /// flight. Messages left `sending` by a crash go back to the queue first.
    pub async fn run(&self, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        match self.store.requeue_in_flight() {
            Ok(n) if n > 0 => log::warn!(
                "deliver: {n} messages were in flight at the last stop; sending them again"
            ),
            Ok(_) => {}
            Err(e) => log::error!("deliver: {e}"),
        }
        loop {
            if *shutdown.borrow() {
                break;
            }
            let sent = match self.drain_once().await {
                Ok(n) => n,
                Err(e) => {
                    log::error!("deliver: {e}");
                    0
                }
            };
            if sent == 0 {
                tokio::select! {
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        log::info!("deliver: stopped");
    }

    /// Claims the due messages and sends them: chats in parallel, each
    /// chat's messages in order. Returns how many were handled.
    pub async fn drain_once(&self) -> Result<usize, StoreError> {
        let at = now();
        let batch = self
            .store
            .run_blocking(move |store| store.claim_due(at, CLAIM))
            .await?;
        let handled = batch.len();
        let mut by_chat: BTreeMap<i64, Vec<OutMessage>> = BTreeMap::new();
        for m in batch {
            by_chat.entry(m.chat_id).or_default().push(m);
        }
        futures_util::stream::iter(by_chat.into_values())
            .for_each_concurrent(CHATS_IN_PARALLEL, |messages| async move {
                let mut gone = false;
                for m in messages {
                    if gone {
                        // The chat went away mid-batch: its messages were dropped.
                        continue;
                    }
                    self.pacer.wait(m.chat_id).await;
                    let outcome = self.send(&m).await;
                    gone = matches!(outcome, Outcome::ChatGone(_) | Outcome::Moved(_));
                    // Off the runtime's workers: the writer may be busy
                    // queuing a digest run, and other sends are due.
                    let stats = self.stats.clone();
                    let id = m.id;
                    let settled = self
                        .store
                        .run_blocking(move |store| settle(store, &stats, &m, outcome))
                        .await;
                    if let Err(e) = settled {
                        log::error!("deliver: message {id}: {e}");
                    }
                }
            })
            .await;
        Ok(handled)
    }

    /// One sendMessage, classified.
    pub async fn send(&self, m: &OutMessage) -> Outcome {
        let mut request = self
            .bot
            .send_message(ChatId(m.chat_id), m.text.clone())
            .parse_mode(ParseMode::Html)
            .link_preview_options(link_preview(m.disable_preview));
        // Quiet hours and a digest's "more" button (see store::pages).
        if m.silent {
            request = request.disable_notification(true);
        }
        if let Some(markup) = m.keyboard.as_deref().and_then(|k| {
            serde_json::from_str::<teloxide::types::InlineKeyboardMarkup>(k)
                .inspect_err(|e| log::warn!("deliver: message {}: bad keyboard: {e}", m.id))
                .ok()
        }) {
            request = request.reply_markup(markup);
        }
        match request.await.map_err(Into::into) {
            Ok(msg) => Outcome::Sent(msg.id.0),
            Err(e) => classify(e, m.attempts),
        }
    }
}

/// Writes what happened to one message.
fn settle(
    store: &Store,
    stats: &SendStats,
    m: &OutMessage,
    outcome: Outcome,
) -> Result<(), StoreError> {
    use std::sync::atomic::Ordering::Relaxed;
    let now = now();
    match outcome {
        Outcome::Sent(id) => {
            stats.sent.fetch_add(1, Relaxed);
            store.mark_sent(m.id, i64::from(id), now)
        }
        Outcome::Retry { after_secs, error } => {
            stats.retried.fetch_add(1, Relaxed);
            if error.contains("retry after") {
                stats.rate_limited.fetch_add(1, Relaxed);
            }
            log::warn!(
                "deliver: message {} to chat {}: {error}; retry in {after_secs}s",
                m.id,
                m.chat_id
            );
            store.retry_at(m.id, &error, now + after_secs)
        }
        Outcome::ChatGone(reason) => {
            log::info!(
                "deliver: chat {} is gone ({reason}); subscriber deactivated, settings kept",
                m.chat_id
            );
            if let Err(e) = store.set_subscriber_status(m.chat_id, SubStatus::Blocked, now) {
                // Not a subscriber (a moderator notice, a deleted chat): nothing to keep.
                log::debug!("deliver: chat {}: {e}", m.chat_id);
            }
            store.drop_chat_messages(m.chat_id, &reason).map(|_| ())
        }
        Outcome::Split => {
            let parts = split_text(&m.text);
            log::warn!(
                "deliver: message {} was too long for Telegram; re-split into {} parts",
                m.id,
                parts.len()
            );
            store.split_message(m.id, &parts, now)
        }
        Outcome::Moved(new_id) => {
            log::info!(
                "deliver: chat {} migrated to {new_id}; subscription moved",
                m.chat_id
            );
            store.move_chat(m.chat_id, new_id, now)?;
            // This message moved with the chat: send it again, now.
            store.retry_at(m.id, "chat migrated to a supergroup", now)
        }
        Outcome::Failed(error) => {
            stats.failed.fetch_add(1, Relaxed);
            log::error!(
                "deliver: message {} to chat {} failed for good: {error}",
                m.id,
                m.chat_id
            );
            store.mark_failed(m.id, &error)
        }
    }
}

/// Link previews on or off (off saves bandwidth on slow connections).
pub fn link_preview(disabled: bool) -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: disabled,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

/// Maps a Telegram error to what the outbox does next.
pub fn classify(e: RequestError, attempts: i64) -> Outcome {
    let backoff = (5i64 << attempts.clamp(0, 7)).min(600);
    match e {
        RequestError::RetryAfter(secs) => Outcome::Retry {
            after_secs: i64::from(secs.seconds()).max(1),
            error: format!("retry after {}s", secs.seconds()),
        },
        RequestError::MigrateToChatId(id) => Outcome::Moved(id.0),
        // Telegram's own 5xx come back as JSON teloxide does not know
        // ("Bad Gateway", "Internal Server Error"): wait and retry.
        RequestError::Api(ApiError::Unknown(d)) if is_server_error(&d) => {
            retry_or_give_up(redact_tokens(&d), attempts, backoff)
        }
        RequestError::Api(api) => match api {
            ApiError::BotBlocked
            | ApiError::UserDeactivated
            | ApiError::ChatNotFound
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::BotKickedFromChannel
            | ApiError::GroupDeactivated
            | ApiError::CantInitiateConversation
            | ApiError::CantTalkWithBots => Outcome::ChatGone(api.to_string()),
            ApiError::MessageIsTooLong => Outcome::Split,
            other => Outcome::Failed(redact_tokens(&other.to_string())),
        },
        // Unreachable, or an answer that could not be read (shown, redacted).
        other => retry_or_give_up(
            crate::telegram::describe_telegram_error(&other),
            attempts,
            backoff,
        ),
    }
}

fn retry_or_give_up(error: String, attempts: i64, backoff: i64) -> Outcome {
    if attempts >= MAX_ATTEMPTS {
        Outcome::Failed(error)
    } else {
        Outcome::Retry {
            after_secs: backoff,
            error,
        }
    }
}

/// The descriptions of Telegram's 5xx answers.
fn is_server_error(description: &str) -> bool {
    let d = description.to_ascii_lowercase();
    [
        "internal server error",
        "bad gateway",
        "service unavailable",
        "gateway timeout",
    ]
    .iter()
    .any(|e| d.contains(e))
}

/// Splits a message Telegram found too long into parts at blank lines
/// (entry boundaries), then at lines; each part keeps whole lines, so no
/// HTML tag is cut.
pub fn split_text(text: &str) -> Vec<String> {
    // Telegram counted more than we did: aim well below the limit.
    let target = MAX_MESSAGE / 2;
    let parts =
        crate::digest::render::fill(text.split('\n').map(str::to_string), target, usize::MAX);
    if parts.len() < 2 {
        // One enormous line: cut it by characters (plain text by then).
        let chars: Vec<char> = text.chars().collect();
        return chars.chunks(target).map(|c| c.iter().collect()).collect();
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_outbox_actions() {
        assert_eq!(
            classify(RequestError::Api(ApiError::BotBlocked), 1),
            Outcome::ChatGone(ApiError::BotBlocked.to_string())
        );
        assert_eq!(
            classify(RequestError::Api(ApiError::MessageIsTooLong), 1),
            Outcome::Split
        );
        assert_eq!(
            classify(RequestError::MigrateToChatId(ChatId(-100123)), 1),
            Outcome::Moved(-100123)
        );
        match classify(
            RequestError::RetryAfter(teloxide::types::Seconds::from_seconds(7)),
            1,
        ) {
            Outcome::Retry { after_secs, .. } => assert_eq!(after_secs, 7),
            other => panic!("{other:?}"),
        }
        let io = RequestError::Io(Arc::new(std::io::Error::other("connection reset")));
        assert!(matches!(classify(io, 1), Outcome::Retry { .. }));
        let io = RequestError::Io(Arc::new(std::io::Error::other("connection reset")));
        assert!(matches!(classify(io, MAX_ATTEMPTS), Outcome::Failed(_)));
    }

    #[test]
    fn split_keeps_whole_lines() {
        let text: String = (0..200)
            .map(|i| format!("<b>{i}</b> {}\n", "слово ".repeat(10)))
            .collect();
        let parts = split_text(&text);
        assert!(parts.len() >= 2);
        for p in &parts {
            assert!(p.encode_utf16().count() <= MAX_MESSAGE);
            assert_eq!(p.matches("<b>").count(), p.matches("</b>").count());
        }
    }
}
