//! Events a test waits on instead of sleeping. Every request the fake
//! answers, every update a `getUpdates` confirms (or a webhook takes) and
//! every update pushed bumps a counter; the waits below re-check their
//! condition at each bump, so they return as soon as it holds. The
//! timeout is only a bound for a test that would otherwise hang.

use std::time::Duration;

use super::{AnsweredCallback, FakeTelegram, Shared, Stats};

impl Shared {
    /// Something a test may be waiting for happened.
    pub(super) fn event(&self) {
        self.events.send_modify(|n| *n = n.wrapping_add(1));
    }
}

impl FakeTelegram {
    /// Waits until `cond` holds, checking it now and after each event;
    /// `false` if `timeout` passes first or the fake stops.
    pub async fn wait_until(
        &self,
        timeout: Duration,
        mut cond: impl FnMut(&FakeTelegram) -> bool,
    ) -> bool {
        // Subscribed before the first check: an event between the check
        // and the wait is not missed.
        let mut events = self.shared.events.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if cond(self) {
                return true;
            }
            if self.shared.lock().closed {
                return false;
            }
            match tokio::time::timeout_at(deadline, events.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) | Err(_) => return false,
            }
        }
    }

    /// Waits until the bot has taken the update `update_id` (a later
    /// `getUpdates` offset confirmed it, or the webhook accepted it).
    pub async fn wait_until_consumed(&self, update_id: i64, timeout: Duration) -> bool {
        self.wait_until(timeout, |tg| {
            let inner = tg.shared.lock();
            update_id < inner.next_update_id && inner.updates.iter().all(|(id, _)| *id > update_id)
        })
        .await
    }

    /// Waits until the bot has sent at least `n` messages to `chat_id`
    /// (the same as [`FakeTelegram::wait_for_sent`]).
    pub async fn wait_for_messages(&self, chat_id: i64, n: usize, timeout: Duration) -> bool {
        self.wait_for_sent(chat_id, n, timeout).await
    }

    /// Waits until the bot has answered the callback query with `data`
    /// (the first such answer after the `skip` first answers) and returns it.
    pub async fn wait_for_answer(
        &self,
        skip: usize,
        data: &str,
        timeout: Duration,
    ) -> Option<AnsweredCallback> {
        let mut found = None;
        self.wait_until(timeout, |tg| {
            found = tg
                .shared
                .lock()
                .answered
                .iter()
                .skip(skip)
                .find(|a| a.data == data)
                .cloned();
            found.is_some()
        })
        .await;
        found
    }

    /// Whether a `getUpdates` is in progress (held open by the bot).
    pub fn polling(&self) -> bool {
        !self.shared.lock().polling.is_empty()
    }

    /// Waits until the request counters satisfy `cond`.
    pub async fn wait_for_stats(&self, timeout: Duration, cond: impl Fn(&Stats) -> bool) -> bool {
        self.wait_until(timeout, |tg| cond(&tg.stats())).await
    }
}
