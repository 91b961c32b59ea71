//! Helpers shared by the relay's tests.

pub mod config;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends a raw `GET` over TCP (so no client library normalises the path first) and
/// returns the whole response, head and body.
pub async fn raw_get(address: std::net::SocketAddr, path: &str) -> String {
    raw_request(address, path, &["Host: localhost"]).await
}

/// Sends a raw request with `headers` (each `Name: value`) and returns the response.
pub async fn raw_request(address: std::net::SocketAddr, path: &str, headers: &[&str]) -> String {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut request = format!("GET {path} HTTP/1.1\r\nConnection: close\r\n");
    for header in headers {
        request.push_str(header);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}
