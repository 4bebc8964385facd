//! Smooth pacing below Telegram's limits: one send every `overall` (1/29 s)
//! in all, one every `chat` (1 s) to a chat and one every `group` (3 s, so
//! 20 a minute) to a group. Sends are spaced, never bunched: a slot not used
//! is lost, not saved up, so nothing bursts at a window's edge (teloxide's
//! Throttle releases its queue every 250 ms, in bursts, and trips a counter
//! that slides).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The gaps between two sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pace {
    /// Between any two sends.
    pub overall: Duration,
    /// Between two sends to one private chat.
    pub chat: Duration,
    /// Between two sends to one group (negative chat id).
    pub group: Duration,
}

impl Default for Pace {
    /// Just below Telegram's 30/s, 1/s per chat, 20/min per group: 29/s
    /// leaves one send a second for the bot's replies.
    fn default() -> Pace {
        Pace {
            // Rounded up, so 29 gaps are a full second.
            overall: Duration::from_nanos(1_000_000_000u64.div_ceil(29)),
            chat: Duration::from_secs(1),
            group: Duration::from_secs(3),
        }
    }
}

impl Pace {
    /// No pacing at all (tests that want to meet a 429).
    pub fn unpaced() -> Pace {
        Pace {
            overall: Duration::ZERO,
            chat: Duration::ZERO,
            group: Duration::ZERO,
        }
    }
}

/// Hands out send slots; shared by every task of the sender.
#[derive(Debug)]
pub struct Pacer {
    pace: Pace,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    next_overall: Option<Instant>,
    next_chat: HashMap<i64, Instant>,
}

/// Chats remembered before the ones free again are forgotten.
const PRUNE_AT: usize = 1024;

impl Pacer {
    pub fn new(pace: Pace) -> Pacer {
        Pacer {
            pace,
            state: Mutex::new(State::default()),
        }
    }

    /// The slot for a send to `chat_id` asked for at `now`: `Ok(at)`
    /// reserves the send at `at`; `Err(t)` says the chat is not free before
    /// `t` (nothing reserved, ask again then), so a chat that must wait
    /// holds no slot the others could use.
    pub fn slot(&self, chat_id: i64, now: Instant) -> Result<Instant, Instant> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let at = state.next_overall.map_or(now, |t| t.max(now));
        if let Some(&free) = state.next_chat.get(&chat_id)
            && free > at
        {
            return Err(free);
        }
        state.next_overall = Some(at + self.pace.overall);
        let gap = if chat_id < 0 {
            self.pace.group
        } else {
            self.pace.chat
        };
        if state.next_chat.len() >= PRUNE_AT {
            state.next_chat.retain(|_, free| *free > now);
        }
        state.next_chat.insert(chat_id, at + gap);
        Ok(at)
    }

    /// Waits for this chat's next slot.
    pub async fn wait(&self, chat_id: i64) {
        loop {
            match self.slot(chat_id, Instant::now()) {
                Ok(at) => return tokio::time::sleep_until(at).await,
                Err(free) => tokio::time::sleep_until(free).await,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `messages[i]` sends to chat `chats[i]` as the sender's tasks
    /// would (each chat's sends in order, all chats at once) on a clock of
    /// its own; returns (chat, send time) in the order reserved.
    fn simulate(pacer: &Pacer, chats: &[(i64, usize)], t0: Instant) -> Vec<(i64, Duration)> {
        let mut ready: Vec<(Instant, usize, usize)> = chats.iter().map(|_| (t0, 0, 0)).collect();
        for (i, r) in ready.iter_mut().enumerate() {
            r.1 = i;
        }
        let mut sent = Vec::new();
        loop {
            let Some(next) = ready
                .iter_mut()
                .filter(|r| r.2 < chats[r.1].1)
                .min_by_key(|r| (r.0, r.1))
            else {
                return sent;
            };
            let chat = chats[next.1].0;
            match pacer.slot(chat, next.0) {
                Ok(at) => {
                    sent.push((chat, at - t0));
                    next.0 = at;
                    next.2 += 1;
                }
                Err(free) => next.0 = free,
            }
        }
    }

    fn max_in_window(times: &mut [Duration], window: Duration) -> usize {
        times.sort();
        let mut max = 0;
        let mut start = 0;
        for end in 0..times.len() {
            while times[end] - times[start] >= window {
                start += 1;
            }
            max = max.max(end - start + 1);
        }
        max
    }

    #[test]
    fn sends_are_spaced_below_every_limit_and_keep_the_pace() {
        let pacer = Pacer::new(Pace::default());
        // 600 private chats with one message, 5 with three, 2 groups with 25.
        let mut chats: Vec<(i64, usize)> = (1..=600).map(|c| (c, 1)).collect();
        chats.extend((601..=605).map(|c| (c, 3)));
        chats.extend([(-1, 25), (-2, 25)]);
        let sent = simulate(&pacer, &chats, Instant::now());
        assert_eq!(sent.len(), 600 + 15 + 50);

        let mut all: Vec<Duration> = sent.iter().map(|s| s.1).collect();
        assert!(max_in_window(&mut all, Duration::from_secs(1)) <= 29);
        // Smooth: no two sends closer than 1/29 s, so no burst anywhere.
        for w in all.windows(2) {
            assert!(w[1] - w[0] >= Pace::default().overall, "{w:?}");
        }
        for chat in [601, -1] {
            let mut times: Vec<Duration> =
                sent.iter().filter(|s| s.0 == chat).map(|s| s.1).collect();
            assert!(max_in_window(&mut times, Duration::from_secs(1)) <= 1);
            if chat < 0 {
                assert!(max_in_window(&mut times, Duration::from_secs(60)) <= 20);
            }
        }
        // The groups' and repeated chats' waits cost the others nothing:
        // until the one-message chats are done, every slot is used.
        let private_done = sent
            .iter()
            .filter(|s| (1..=600).contains(&s.0))
            .map(|s| s.1)
            .max();
        for w in all.windows(2).filter(|w| Some(w[1]) <= private_done) {
            assert_eq!(w[1] - w[0], Pace::default().overall, "{w:?}");
        }
    }

    #[test]
    fn an_idle_pacer_does_not_save_up_slots() {
        let pacer = Pacer::new(Pace::default());
        let t0 = Instant::now();
        assert_eq!(pacer.slot(1, t0), Ok(t0));
        // Ten idle seconds later the next sends are still spaced.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(pacer.slot(2, later), Ok(later));
        assert_eq!(pacer.slot(3, later), Ok(later + Pace::default().overall));
        // Chat 2 waits its second without holding a slot.
        assert_eq!(pacer.slot(2, later), Err(later + Duration::from_secs(1)));
        let next = later + 2 * Pace::default().overall;
        assert_eq!(pacer.slot(4, later), Ok(next));
    }
}
