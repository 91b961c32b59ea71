//! When to try the relay again after its connection fails.
//!
//! The wait starts at 1 s and doubles after each failure up to 30 s; each wait is
//! jittered by ±25 %, so that many devices cut off together (a relay restarting, a
//! meeting room's network coming back) do not all come back in the same instant. A
//! connection that opens, the browser coming back online, or "Sync now" start again
//! from the first wait.
//!
//! ```
//! use throughline::sync::Backoff;
//! let mut backoff = Backoff::default();
//! // `random` is a number in [0, 1): 0.5 is no jitter at all.
//! assert_eq!(backoff.next_wait_ms(0.5), 1_000.0);
//! assert_eq!(backoff.next_wait_ms(0.5), 2_000.0);
//! backoff.reset();
//! assert_eq!(backoff.next_wait_ms(0.5), 1_000.0);
//! ```

/// The first wait, in milliseconds.
const FIRST_WAIT_MS: f64 = 1_000.0;
/// The longest wait, in milliseconds.
const LONGEST_WAIT_MS: f64 = 30_000.0;
/// How far a wait is jittered either way, as a share of it.
const JITTER: f64 = 0.25;

/// The reconnect waits of one connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Backoff {
    wait_ms: f64,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            wait_ms: FIRST_WAIT_MS,
        }
    }
}

impl Backoff {
    /// How long to wait before the next try, given a random number in [0, 1); the wait
    /// after it doubles, up to the longest.
    pub fn next_wait_ms(&mut self, random: f64) -> f64 {
        let wait = self.wait_ms;
        self.wait_ms = (wait * 2.0).min(LONGEST_WAIT_MS);
        let random = if random.is_finite() {
            random.clamp(0.0, 1.0)
        } else {
            0.5
        };
        wait * (1.0 - JITTER + random * 2.0 * JITTER)
    }

    /// Starts again from the first wait (the connection opened, or a person asked).
    pub fn reset(&mut self) {
        self.wait_ms = FIRST_WAIT_MS;
    }
}
