//! Who may open a sync connection: the access token, and limits on connections in total
//! and per address. A refused peer is told why before any handshake; others are not
//! affected.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use crate::metrics::{Metrics, Refusal};

/// The rules and the live counts.
pub struct Admission {
    token: Option<String>,
    max_connections: usize,
    max_per_address: usize,
    per_address: Mutex<HashMap<IpAddr, usize>>,
    metrics: Arc<Metrics>,
}

/// A connection's place; giving it up (on drop) frees it for someone else.
pub struct Slot {
    admission: Arc<Admission>,
    address: IpAddr,
}

impl Admission {
    pub fn new(
        token: Option<String>,
        max_connections: usize,
        max_per_address: usize,
        metrics: Arc<Metrics>,
    ) -> Arc<Self> {
        Arc::new(Self {
            token,
            max_connections,
            max_per_address,
            per_address: Mutex::new(HashMap::new()),
            metrics,
        })
    }

    /// Checks the token and the limits, and takes a place for the connection.
    pub fn admit(self: &Arc<Self>, address: IpAddr, token: Option<&str>) -> Result<Slot, Refusal> {
        if let Some(expected) = &self.token {
            if !token.is_some_and(|given| constant_time_eq(given.as_bytes(), expected.as_bytes())) {
                self.metrics.refused(Refusal::Token);
                return Err(Refusal::Token);
            }
        }
        let mut per_address = self
            .per_address
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let open = self.metrics.connections_open.load(Ordering::Relaxed) as usize;
        if open >= self.max_connections {
            self.metrics.refused(Refusal::TooManyConnections);
            return Err(Refusal::TooManyConnections);
        }
        let from_here = per_address.entry(address).or_default();
        if *from_here >= self.max_per_address {
            self.metrics.refused(Refusal::TooManyFromAddress);
            return Err(Refusal::TooManyFromAddress);
        }
        *from_here += 1;
        self.metrics
            .connections_open
            .fetch_add(1, Ordering::Relaxed);
        self.metrics
            .connections_accepted
            .fetch_add(1, Ordering::Relaxed);
        Ok(Slot {
            admission: Arc::clone(self),
            address,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut per_address = self
            .admission
            .per_address
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = per_address.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                per_address.remove(&self.address);
            }
        }
        self.admission
            .metrics
            .connections_open
            .fetch_sub(1, Ordering::Relaxed);
    }
}

/// Compares two secrets in time that depends only on their lengths, so the comparison
/// does not tell an attacker how much of a guess was right.
fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    if given.len() != expected.len() {
        return false;
    }
    given
        .iter()
        .zip(expected)
        .fold(0u8, |diff, (a, b)| diff | (a ^ b))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_compared_whole() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secreT", b"secret"));
        assert!(!constant_time_eq(b"secret-longer", b"secret"));
        assert!(!constant_time_eq(b"", b"secret"));
    }

    #[test]
    fn limits_hold_and_places_come_back() {
        let metrics = Arc::new(Metrics::default());
        let admission = Admission::new(Some("t".into()), 3, 2, metrics.clone());
        let here: IpAddr = "127.0.0.1".parse().unwrap();
        let there: IpAddr = "127.0.0.2".parse().unwrap();
        assert_eq!(admission.admit(here, None).err(), Some(Refusal::Token));
        assert_eq!(
            admission.admit(here, Some("wrong")).err(),
            Some(Refusal::Token)
        );
        let a = admission.admit(here, Some("t")).unwrap();
        let _b = admission.admit(here, Some("t")).unwrap();
        assert_eq!(
            admission.admit(here, Some("t")).err(),
            Some(Refusal::TooManyFromAddress)
        );
        let _c = admission.admit(there, Some("t")).unwrap();
        assert_eq!(
            admission.admit(there, Some("t")).err(),
            Some(Refusal::TooManyConnections)
        );
        drop(a);
        assert!(
            admission.admit(here, Some("t")).is_ok(),
            "a closed connection frees its place"
        );
        assert!(metrics
            .render()
            .contains("throughline_errors_total{kind=\"token\"} 2"));
    }
}
