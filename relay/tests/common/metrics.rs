//! Reading the relay's `/metrics` from a test (included with `#[path]` by the tests that
//! use it).

use std::time::Duration;

use crate::common::raw_get;

/// The value of one `/metrics` line, e.g. `throughline_documents_open`.
pub async fn metric(address: std::net::SocketAddr, name: &str) -> u64 {
    let metrics = raw_get(address, "/metrics").await;
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{name} ")))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {metrics}"))
}

/// Waits (up to 10 s) until `metric` of the relay satisfies `test`.
pub async fn until_metric(address: std::net::SocketAddr, name: &str, test: impl Fn(u64) -> bool) {
    for _ in 0..200 {
        if test(metric(address, name).await) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{name} never reached the expected value");
}
