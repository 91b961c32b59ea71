//! Quotas: how fast one connection (one device) may send, how many documents a workspace
//! may create, and how much disk it may take. Each is refused with an `error` message
//! saying which limit was reached, counted at `/metrics`, and nothing already stored is
//! lost: a workspace over its disk quota keeps every document readable, and only its
//! new changes are refused until an operator raises the limit or data is removed.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use throughline_relay::quota::MessageRate;
//! let start = Instant::now();
//! let mut rate = MessageRate::new(2, start); // two a second, bursts of ten
//! assert!((0..10).all(|_| rate.take(start)));
//! assert!(!rate.take(start), "the burst is spent");
//! assert!(rate.take(start + Duration::from_millis(500)), "one more every half second");
//! ```

use std::time::Instant;

/// The limits, from the relay's settings.
#[derive(Debug, Clone, Copy)]
pub struct Quotas {
    /// Messages one connection may send a second, on average (bursts of five seconds'
    /// worth pass).
    pub messages_per_second: u32,
    /// Documents one workspace may own.
    pub documents_per_workspace: usize,
    /// Bytes one workspace's documents may take on disk.
    pub workspace_bytes: u64,
}

impl Default for Quotas {
    fn default() -> Self {
        Self {
            messages_per_second: 500,
            documents_per_workspace: 50_000,
            workspace_bytes: 2 * 1024 * 1024 * 1024,
        }
    }
}

/// A connection's message budget: a token bucket of five seconds' worth, refilled at the
/// rate.
#[derive(Debug, Clone)]
pub struct MessageRate {
    per_second: f64,
    capacity: f64,
    tokens: f64,
    last: Instant,
}

impl MessageRate {
    pub fn new(per_second: u32, now: Instant) -> Self {
        let per_second = f64::from(per_second.max(1));
        let capacity = per_second * 5.0;
        Self {
            per_second,
            capacity,
            tokens: capacity,
            last: now,
        }
    }

    /// Spends one message; `false` when the budget is spent.
    pub fn take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Why a workspace may not grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OverQuota {
    #[error("this workspace has reached this relay's limit of {0} documents")]
    Documents(usize),
    #[error("this workspace has used its {} on this relay; changes are not taken until the limit is raised or data is removed", in_words(*.0))]
    Bytes(u64),
}

/// A number of bytes as people read it: "40 KB", "2 GB".
fn in_words(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quota_is_said_in_units_people_read() {
        assert_eq!(
            OverQuota::Bytes(2 * 1024 * 1024 * 1024).to_string(),
            "this workspace has used its 2 GB on this relay; changes are not taken until the limit is raised or data is removed"
        );
        assert_eq!(in_words(40_000), "39 KB");
        assert_eq!(in_words(512), "512 bytes");
    }
}
