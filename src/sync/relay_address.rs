//! A relay's address as a person types it ("relay.example.org", "https://relay.example.org/team",
//! "wss://…/sync") made into the WebSocket address of its `/sync`.
//!
//! ```
//! use throughline::sync::relay_sync_address;
//! assert_eq!(relay_sync_address("https://relay.example.org/team").unwrap(), "wss://relay.example.org/team/sync");
//! assert_eq!(relay_sync_address("127.0.0.1:8080").unwrap(), "ws://127.0.0.1:8080/sync");
//! assert!(relay_sync_address("ftp://relay.example.org").is_err());
//! ```

/// Why what a person typed is not a relay's address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RelayAddressError {
    #[error("Write the relay's address, e.g. https://relay.example.org.")]
    Empty,
    #[error("\"{0}\" is not an address: it has spaces in it.")]
    Spaces(String),
    /// A scheme other than https, http, wss or ws.
    #[error("A relay is reached over https or http, not {0}.")]
    Scheme(String),
    #[error("\"{0}\" does not name a relay's host.")]
    NoHost(String),
}

/// The `ws://` or `wss://` address of the relay's `/sync`, or why the text is not a
/// relay address.
pub fn relay_sync_address(typed: &str) -> Result<String, RelayAddressError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(RelayAddressError::Empty);
    }
    if typed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(RelayAddressError::Spaces(typed.to_owned()));
    }
    let (secure, rest) = match typed.split_once("://") {
        Some(("https" | "wss", rest)) => (true, rest),
        Some(("http" | "ws", rest)) => (false, rest),
        Some((scheme, _)) => return Err(RelayAddressError::Scheme(scheme.to_owned())),
        // No scheme: a local address is plain, anything else is assumed secure.
        None => {
            let local = typed.starts_with("localhost")
                || typed.starts_with("127.")
                || typed.starts_with("[::1]");
            (!local, typed)
        }
    };
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (host, path) = match rest.find('/') {
        Some(at) => (&rest[..at], rest[at..].trim_end_matches('/')),
        None => (rest, ""),
    };
    if host.is_empty() || host.contains('@') {
        return Err(RelayAddressError::NoHost(typed.to_owned()));
    }
    let path = if path.ends_with("/sync") {
        path.to_owned()
    } else {
        format!("{path}/sync")
    };
    Ok(format!(
        "{}://{host}{path}",
        if secure { "wss" } else { "ws" }
    ))
}

#[cfg(test)]
mod tests {
    use super::{relay_sync_address, RelayAddressError};

    #[test]
    fn addresses_people_type_become_sync_addresses() {
        for (typed, expected) in [
            ("relay.example.org", "wss://relay.example.org/sync"),
            ("http://127.0.0.1:8080/", "ws://127.0.0.1:8080/sync"),
            ("localhost:8080", "ws://localhost:8080/sync"),
            (
                "wss://relay.example.org/sync",
                "wss://relay.example.org/sync",
            ),
            (
                "https://example.org/throughline/?x=1",
                "wss://example.org/throughline/sync",
            ),
        ] {
            assert_eq!(relay_sync_address(typed).unwrap(), expected, "{typed}");
        }
        for (bad, why) in [
            ("", RelayAddressError::Empty),
            ("  ", RelayAddressError::Empty),
            ("ftp://x", RelayAddressError::Scheme("ftp".into())),
            ("https://", RelayAddressError::NoHost("https://".into())),
            (
                "https://user@host",
                RelayAddressError::NoHost("https://user@host".into()),
            ),
            ("two words", RelayAddressError::Spaces("two words".into())),
        ] {
            assert_eq!(relay_sync_address(bad), Err(why), "{bad}");
        }
    }
}
