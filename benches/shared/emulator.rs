//! The emulator's control API, for the benchmarks that run against it.

use std::io::{Read, Write};

/// Sends one request to the emulator's control API; it must answer 200.
pub(crate) fn control(endpoint: &str, method: &str, path: &str, body: &str) {
    let address = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(address).expect("the emulator (scripts/emulator start)");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}
