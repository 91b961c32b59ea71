//! The time the relay's rules are decided at: milliseconds since 1970, as statements,
//! grants and challenges carry it.

/// Now, in milliseconds since 1970 (0 on a clock set before it).
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
