//! Smooth pacing below Telegram's limits. Telegram counts the sends of any
//! one-second window (30 at most), one a second to a chat and 20 a minute
//! to a group. The pacer spaces sends by `overall` and, on the times the
//! sends really went out (a task woken late is counted late), never lets
//! `per_window` of them fall in one `window`: a second plus a margin for the
//! network's jitter, so the sends still fit Telegram's window when some
//! reach it later than others. Slots are handed out one at a time, so no
//! send is promised a time before the one ahead of it has gone; a slot not
//! used is lost, not saved up, so nothing bursts at a window's edge
//! (teloxide's Throttle releases its queue every 250 ms, in bursts, and
//! trips a counter that slides).
//!
//! The clock is injected ([`Clock`]): the service runs on tokio's, the
//! tests on one they advance themselves.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

/// The gaps between sends and how many may fall in one window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pace {
    /// Between any two sends, on the schedule.
    pub overall: Duration,
    /// At most this many sends in any `window`, counted on the times the
    /// sends went out.
    pub per_window: u32,
    /// The sliding window `per_window` counts in.
    pub window: Duration,
    /// Between two sends to one private chat.
    pub chat: Duration,
    /// Between two sends to one group (negative chat id).
    pub group: Duration,
}

impl Default for Pace {
    /// Below Telegram's 30 in any second, 1/s per chat, 20/min per group:
    /// 29 sends in any 1.02 s (28.4/s), so one send a second is left for
    /// the bot's replies and 20 ms for the network's jitter.
    fn default() -> Pace {
        let per_window = 29;
        let window = Duration::from_millis(1020);
        Pace {
            overall: window / per_window,
            per_window,
            window,
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
            per_window: u32::MAX,
            window: Duration::ZERO,
            chat: Duration::ZERO,
            group: Duration::ZERO,
        }
    }

    /// The sends a second this pace sustains at most.
    pub fn per_second(&self) -> f64 {
        let by_gap = if self.overall.is_zero() {
            f64::INFINITY
        } else {
            1.0 / self.overall.as_secs_f64()
        };
        let by_window = if self.window.is_zero() {
            f64::INFINITY
        } else {
            f64::from(self.per_window) / self.window.as_secs_f64()
        };
        by_gap.min(by_window)
    }
}

/// A future the clock resolves when the time has come.
pub type Sleep<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Where the pacer reads the time and waits.
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
    fn sleep_until(&self, at: Instant) -> Sleep<'_>;
}

/// Tokio's clock (the service's).
#[derive(Debug, Default, Clone, Copy)]
pub struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn sleep_until(&self, at: Instant) -> Sleep<'_> {
        Box::pin(tokio::time::sleep_until(at))
    }
}

/// Hands out send slots, one at a time; shared by every task of the sender.
pub struct Pacer {
    pace: Pace,
    clock: Arc<dyn Clock>,
    state: tokio::sync::Mutex<State>,
}

impl fmt::Debug for Pacer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pacer").field("pace", &self.pace).finish()
    }
}

#[derive(Debug, Default)]
struct State {
    /// The next slot on the smooth schedule.
    next_overall: Option<Instant>,
    /// When the last `per_window` sends went out, oldest first.
    sent: VecDeque<Instant>,
    /// When each recent chat is free again.
    next_chat: HashMap<i64, Instant>,
}

/// Chats remembered before the ones free again are forgotten.
const PRUNE_AT: usize = 1024;

impl Pacer {
    pub fn new(pace: Pace) -> Pacer {
        Pacer::with_clock(pace, Arc::new(TokioClock))
    }

    pub fn with_clock(pace: Pace, clock: Arc<dyn Clock>) -> Pacer {
        Pacer {
            pace,
            clock,
            state: tokio::sync::Mutex::new(State::default()),
        }
    }

    /// Waits for this chat's next slot; returns when the send may go.
    pub async fn wait(&self, chat_id: i64) {
        loop {
            let mut state = self.state.lock().await;
            match self.plan(&state, chat_id, self.clock.now()) {
                Ok(at) => {
                    // The slot is held while waiting for it: the next one
                    // is planned from the time this send really goes out.
                    self.clock.sleep_until(at).await;
                    let went = self.clock.now();
                    self.record(&mut state, chat_id, at, went);
                    return;
                }
                Err(free) => {
                    // A chat that must wait holds no slot the others could use.
                    drop(state);
                    self.clock.sleep_until(free).await;
                }
            }
        }
    }

    /// The slot for a send to `chat_id` asked for at `now`: `Ok(at)`, or
    /// `Err(t)` when the chat is not free before `t`.
    fn plan(&self, state: &State, chat_id: i64, now: Instant) -> Result<Instant, Instant> {
        let mut at = state.next_overall.map_or(now, |t| t.max(now));
        if let Some(&last) = state.sent.back() {
            // A late send is not followed by one right on its heels.
            at = at.max(last + self.pace.overall / 2);
        }
        let n = usize::try_from(self.pace.per_window).unwrap_or(usize::MAX);
        if n > 0 && state.sent.len() >= n {
            at = at.max(state.sent[state.sent.len() - n] + self.pace.window);
        }
        match state.next_chat.get(&chat_id) {
            Some(&free) if free > at => Err(free),
            _ => Ok(at),
        }
    }

    /// A send planned for `at` went out at `went`.
    fn record(&self, state: &mut State, chat_id: i64, at: Instant, went: Instant) {
        state.next_overall = Some(at + self.pace.overall);
        state.sent.push_back(went);
        let keep = usize::try_from(self.pace.per_window).unwrap_or(usize::MAX);
        while state.sent.len() > keep.min(PRUNE_AT) {
            state.sent.pop_front();
        }
        let gap = if chat_id < 0 {
            self.pace.group
        } else {
            self.pace.chat
        };
        if state.next_chat.len() >= PRUNE_AT {
            state.next_chat.retain(|_, free| *free > went);
        }
        state.next_chat.insert(chat_id, went + gap);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use futures_util::StreamExt;

    use super::*;

    /// A clock the test moves: it stands still until a sleep ends, and
    /// each sleep ends late by the next of `late` (in turn), as a busy
    /// machine wakes tasks.
    struct TestClock {
        now: Mutex<Instant>,
        late: Vec<Duration>,
        sleeps: Mutex<usize>,
    }

    impl TestClock {
        fn new(late: Vec<Duration>) -> Arc<TestClock> {
            Arc::new(TestClock {
                now: Mutex::new(Instant::now()),
                late,
                sleeps: Mutex::new(0),
            })
        }
    }

    impl Clock for TestClock {
        fn now(&self) -> Instant {
            *self.now.lock().unwrap()
        }
        fn sleep_until(&self, at: Instant) -> Sleep<'_> {
            let mut k = self.sleeps.lock().unwrap();
            let late = if self.late.is_empty() {
                Duration::ZERO
            } else {
                self.late[*k % self.late.len()]
            };
            *k += 1;
            let mut now = self.now.lock().unwrap();
            *now = (*now).max(at + late);
            // Let the other tasks run, as a real sleep would.
            Box::pin(tokio::task::yield_now())
        }
    }

    /// A fixed pseudo-random sequence of durations below `max_ms`.
    fn jitter(seed: u64, n: usize, max_us: u64) -> Vec<Duration> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                Duration::from_micros(x % max_us)
            })
            .collect()
    }

    /// Sends `n` messages to each chat as the sender does (each chat's in
    /// order, 32 chats at once); returns (chat, time it went out) in order.
    async fn run(pacer: &Pacer, clock: &TestClock, chats: &[(i64, usize)]) -> Vec<(i64, Instant)> {
        let sent = Mutex::new(Vec::new());
        futures_util::stream::iter(chats.iter().copied())
            .for_each_concurrent(32, |(chat, n)| {
                let sent = &sent;
                async move {
                    for _ in 0..n {
                        pacer.wait(chat).await;
                        sent.lock().unwrap().push((chat, clock.now()));
                    }
                }
            })
            .await;
        sent.into_inner().unwrap()
    }

    fn max_in_window(times: &[Instant], window: Duration) -> usize {
        let mut times = times.to_vec();
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

    #[tokio::test(flavor = "current_thread")]
    async fn sends_stay_below_every_limit_even_when_tasks_wake_late() {
        // Wake-ups up to 30 ms late, then up to 20 ms of network on the way.
        let clock = TestClock::new(jitter(7, 997, 30_000));
        let pacer = Pacer::with_clock(Pace::default(), clock.clone());
        let mut chats: Vec<(i64, usize)> = (1..=600).map(|c| (c, 1)).collect();
        chats.extend((601..=605).map(|c| (c, 3)));
        chats.extend([(-1, 25), (-2, 25)]);
        let sent = run(&pacer, &clock, &chats).await;
        assert_eq!(sent.len(), 600 + 15 + 50);

        let network = jitter(11, sent.len(), 20_000);
        let arrived: Vec<Instant> = sent.iter().zip(&network).map(|(s, d)| s.1 + *d).collect();
        // Telegram's window: 30 at most; one is left for the replies.
        assert_eq!(max_in_window(&arrived, Duration::from_secs(1)), 29);
        for chat in [601, -1] {
            let times: Vec<Instant> = sent
                .iter()
                .zip(&network)
                .filter(|(s, _)| s.0 == chat)
                .map(|(s, d)| s.1 + *d)
                .collect();
            // The sandbox's per-chat window allows 250 ms of jitter.
            assert!(max_in_window(&times, Duration::from_millis(750)) <= 1);
            if chat < 0 {
                assert!(max_in_window(&times, Duration::from_secs(60)) <= 20);
            }
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_pace_holds_at_28_a_second_and_has_no_bursts() {
        // A timer that wakes up to 1 ms late, as tokio's does.
        let clock = TestClock::new(jitter(3, 101, 1_000));
        let pacer = Pacer::with_clock(Pace::default(), clock.clone());
        let chats: Vec<(i64, usize)> = (1..=2_000).map(|c| (c, 1)).collect();
        let t0 = clock.now();
        let sent = run(&pacer, &clock, &chats).await;
        let rate = sent.len() as f64 / (clock.now() - t0).as_secs_f64();
        assert!(rate >= 28.0, "{rate:.2}/s");
        let times: Vec<Instant> = sent.iter().map(|s| s.1).collect();
        // Smooth: no two sends closer than half a gap, nowhere a burst.
        for w in times.windows(2) {
            assert!(w[1] - w[0] >= Pace::default().overall / 2, "{w:?}");
        }
        assert!(max_in_window(&times, Duration::from_millis(100)) <= 3);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn an_idle_pacer_does_not_save_up_slots() {
        let clock = TestClock::new(Vec::new());
        let pacer = Pacer::with_clock(Pace::default(), clock.clone());
        let t0 = clock.now();
        pacer.wait(1).await;
        assert_eq!(clock.now(), t0);
        // Ten idle seconds later the next sends are still spaced.
        let later = t0 + Duration::from_secs(10);
        clock.sleep_until(later).await;
        pacer.wait(2).await;
        assert_eq!(clock.now(), later);
        pacer.wait(3).await;
        assert_eq!(clock.now(), later + Pace::default().overall);
        // Chat 2 waits out its second.
        pacer.wait(2).await;
        assert_eq!(clock.now(), later + Duration::from_secs(1));
    }

    #[test]
    fn the_default_pace_sustains_more_than_28_a_second() {
        let pace = Pace::default();
        assert!(pace.per_second() >= 28.0 && pace.per_second() < 29.0);
        assert!(Pace::unpaced().per_second().is_infinite());
    }
}
