//! A per-user token bucket: a user who sends commands faster than the
//! bucket refills is told once to slow down, then ignored until a token
//! is back.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What to do with one update from a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    /// Over the limit for the first time in this run: say so, once.
    Warn,
    /// Over the limit, told already: ignore.
    Drop,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
    warned: bool,
}

/// Token buckets by user id.
#[derive(Debug)]
pub struct FloodLimiter {
    capacity: f64,
    refill_per_sec: f64,
    buckets: Mutex<HashMap<i64, Bucket>>,
}

/// Buckets kept before idle ones are forgotten.
const MAX_BUCKETS: usize = 10_000;

impl Default for FloodLimiter {
    /// A burst of 12 commands or taps (someone ticking topics), then one
    /// a second.
    fn default() -> FloodLimiter {
        FloodLimiter::new(12, Duration::from_secs(1))
    }
}

impl FloodLimiter {
    /// A bucket of `burst` tokens, one back every `refill_every`.
    pub fn new(burst: u32, refill_every: Duration) -> FloodLimiter {
        FloodLimiter {
            capacity: f64::from(burst.max(1)),
            refill_per_sec: 1.0 / refill_every.as_secs_f64().max(0.001),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `user` at `now`.
    pub fn check(&self, user: i64, now: Instant) -> Verdict {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_BUCKETS {
            let capacity = self.capacity;
            let rate = self.refill_per_sec;
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.last).as_secs_f64() * rate < capacity
            });
        }
        let b = buckets.entry(user).or_insert(Bucket {
            tokens: self.capacity,
            last: now,
            warned: false,
        });
        let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.refill_per_sec).min(self.capacity);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            b.warned = false;
            Verdict::Allow
        } else if b.warned {
            Verdict::Drop
        } else {
            b.warned = true;
            Verdict::Warn
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_one_warning_then_silence_then_refill() {
        let f = FloodLimiter::new(3, Duration::from_secs(2));
        let t0 = Instant::now();
        let verdicts: Vec<Verdict> = (0..6).map(|_| f.check(1, t0)).collect();
        assert_eq!(
            verdicts,
            vec![
                Verdict::Allow,
                Verdict::Allow,
                Verdict::Allow,
                Verdict::Warn,
                Verdict::Drop,
                Verdict::Drop
            ]
        );
        assert_eq!(f.check(2, t0), Verdict::Allow, "users are separate");
        assert_eq!(f.check(1, t0 + Duration::from_secs(1)), Verdict::Drop);
        assert_eq!(f.check(1, t0 + Duration::from_secs(3)), Verdict::Allow);
        // after a refill the warning may come again
        assert_eq!(f.check(1, t0 + Duration::from_secs(3)), Verdict::Warn);
    }
}
