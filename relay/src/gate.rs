//! What the relay checks at the door, before a request reaches sync or metrics: whose
//! address a connection counts against (the forwarded client's, only behind a proxy the
//! operator named), whether a browser page from another site may open a sync socket (its
//! `Origin`), and who may read `/metrics`.
//!
//! ```
//! use std::net::IpAddr;
//! use axum::http::HeaderMap;
//! use throughline_relay::Gate;
//! let proxy: IpAddr = "10.0.0.2".parse().unwrap();
//! let gate = Gate::new(vec![proxy], vec![], None);
//! let mut headers = HeaderMap::new();
//! headers.insert("x-forwarded-for", "203.0.113.9, 10.0.0.2".parse().unwrap());
//! // Behind the named proxy, the client's own address counts…
//! assert_eq!(gate.client_address(proxy, &headers), "203.0.113.9".parse::<IpAddr>().unwrap());
//! // …and from anywhere else the header is the sender's word, not taken.
//! let other: IpAddr = "198.51.100.7".parse().unwrap();
//! assert_eq!(gate.client_address(other, &headers), other);
//! ```

use std::net::IpAddr;

use axum::http::{header, HeaderMap};

/// The relay's door checks, set from its configuration.
#[derive(Debug, Clone, Default)]
pub struct Gate {
    trusted_proxies: Vec<IpAddr>,
    allowed_origins: Vec<String>,
    metrics_token: Option<String>,
}

impl Gate {
    pub fn new(
        trusted_proxies: Vec<IpAddr>,
        allowed_origins: Vec<String>,
        metrics_token: Option<String>,
    ) -> Self {
        Self {
            trusted_proxies,
            allowed_origins: allowed_origins
                .into_iter()
                .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
                .filter(|o| !o.is_empty())
                .collect(),
            metrics_token: metrics_token.filter(|t| !t.is_empty()),
        }
    }

    /// The address a connection counts against: the TCP peer's, unless that peer is a
    /// trusted proxy; then the nearest address in `X-Forwarded-For` that is not one
    /// (a client can write anything at the left end of the header, so the chain is read
    /// from the right, through the proxies the operator named).
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusted_proxies.contains(&peer) {
            return peer;
        }
        let chain: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|part| part.trim().parse().ok())
            .collect();
        chain
            .into_iter()
            .rev()
            .find(|address| !self.trusted_proxies.contains(address))
            .unwrap_or(peer)
    }

    /// Whether a sync socket may be opened by this request. A browser always sends the
    /// page's `Origin`: it must be this relay's own (the `Host` it was asked under) or one
    /// the operator allowed, so another site's page cannot use a visitor's browser to
    /// reach the relay. Programs that are not browsers send none and are let through
    /// (the access checks after the upgrade apply to them as to anyone).
    pub fn origin_allowed(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get(header::ORIGIN) else {
            return true;
        };
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
        if self.allowed_origins.contains(&origin) {
            return true;
        }
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(|h| h.trim().to_ascii_lowercase());
        let origin_host = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        matches!((origin_host, host), (Some(o), Some(h)) if o == h)
    }

    /// Whether this request may read `/metrics`: with the metrics token when one is set
    /// (`Authorization: Bearer …`), otherwise only from this machine.
    pub fn metrics_allowed(&self, peer: IpAddr, headers: &HeaderMap) -> bool {
        match &self.metrics_token {
            Some(token) => headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .is_some_and(|given| constant_time_eq(given.trim().as_bytes(), token.as_bytes())),
            None => peer.is_loopback(),
        }
    }
}

/// Compares two secrets in time that does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn a_forwarded_address_counts_only_behind_a_named_proxy_read_from_the_right() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let inner: IpAddr = "10.0.0.3".parse().unwrap();
        let gate = Gate::new(vec![proxy, inner], vec![], None);
        // The client forged a left-most entry; the proxies appended the real one.
        let forged = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.3")]);
        assert_eq!(
            gate.client_address(proxy, &forged),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        // No header: the proxy's own address.
        assert_eq!(gate.client_address(proxy, &HeaderMap::new()), proxy);
        // Nobody trusted: the header is ignored.
        let open = Gate::default();
        assert_eq!(open.client_address(proxy, &forged), proxy);
    }

    #[test]
    fn a_browser_page_from_another_site_cannot_open_a_socket() {
        let gate = Gate::new(vec![], vec!["https://app.example.org".into()], None);
        let same = headers(&[
            ("origin", "http://relay.local:8080"),
            ("host", "relay.local:8080"),
        ]);
        assert!(gate.origin_allowed(&same));
        let allowed = headers(&[
            ("origin", "https://app.example.org/"),
            ("host", "relay.local"),
        ]);
        assert!(gate.origin_allowed(&allowed));
        let other = headers(&[("origin", "https://evil.example"), ("host", "relay.local")]);
        assert!(!gate.origin_allowed(&other));
        let null = headers(&[("origin", "null"), ("host", "relay.local")]);
        assert!(!gate.origin_allowed(&null));
        assert!(
            gate.origin_allowed(&headers(&[("host", "relay.local")])),
            "not a browser"
        );
    }

    #[test]
    fn metrics_need_the_token_or_this_machine() {
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let remote: IpAddr = "203.0.113.9".parse().unwrap();
        let open = Gate::default();
        assert!(open.metrics_allowed(local, &HeaderMap::new()));
        assert!(!open.metrics_allowed(remote, &HeaderMap::new()));
        let guarded = Gate::new(vec![], vec![], Some("s3cret".into()));
        assert!(!guarded.metrics_allowed(local, &HeaderMap::new()));
        assert!(guarded.metrics_allowed(remote, &headers(&[("authorization", "Bearer s3cret")])));
        assert!(!guarded.metrics_allowed(remote, &headers(&[("authorization", "Bearer s3cre")])));
    }
}
