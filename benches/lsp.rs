//! How soon an editor sees diagnostics after a change: `drx lsp` driven
//! over stdio as an editor drives it, the example opened, then 60 changes
//! (alternately breaking and mending the health check's interval), each
//! timed from sending `didChange` to receiving its `publishDiagnostics`.
//! The server waits 15 ms for typing to pause before it checks; that is in
//! the figures. Also the analysis alone, in process, per change.
//!
//! `cargo bench --bench lsp` prints the median, 95th percentile and worst.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHANGES: usize = 60;

fn send(stdin: &mut impl Write, message: serde_json::Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
    stdin.flush().expect("flush");
}

fn receive(reader: &mut impl BufRead) -> serde_json::Value {
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("read");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse().expect("length");
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("body");
    serde_json::from_slice(&body).expect("json")
}

fn summary(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{label:<44} median {:>7.2} ms   p95 {:>7.2} ms   worst {:>7.2} ms",
        at(0.5).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3
    );
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("examples/payments.drx");
    let text = std::fs::read_to_string(&path).expect("example");
    let broken = text.replacen("interval 30s", "interval 20s", 1);

    let mut analysis = Vec::new();
    for n in 0..CHANGES {
        let started = Instant::now();
        drx::lsp::probe::diagnostics(&path, if n % 2 == 0 { &broken } else { &text });
        analysis.push(started.elapsed());
    }

    let mut child = Command::new(env!("CARGO_BIN_EXE_drx"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("drx lsp");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let uri = format!("file://{}", path.display());
    send(
        &mut stdin,
        serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }),
    );
    while receive(&mut reader)["id"] != 1 {}
    send(
        &mut stdin,
        serde_json::json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
    );
    send(
        &mut stdin,
        serde_json::json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": { "uri": uri, "languageId": "drx", "version": 1, "text": text } } }),
    );
    let published = |reader: &mut BufReader<_>, version: usize| loop {
        let message = receive(reader);
        if message["method"] == "textDocument/publishDiagnostics" && message["params"]["version"] == version {
            return message["params"]["diagnostics"].as_array().map_or(0, Vec::len);
        }
    };
    published(&mut reader, 1);
    let mut latencies = Vec::new();
    for n in 0..CHANGES {
        let version = n + 2;
        let body = if n % 2 == 0 { &broken } else { &text };
        let started = Instant::now();
        send(
            &mut stdin,
            serde_json::json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": body }] } }),
        );
        let found = published(&mut reader, version);
        latencies.push(started.elapsed());
        assert_eq!(found, usize::from(n % 2 == 0), "change {n}");
    }
    send(
        &mut stdin,
        serde_json::json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }),
    );
    while receive(&mut reader)["id"] != 2 {}
    send(
        &mut stdin,
        serde_json::json!({ "jsonrpc": "2.0", "method": "exit" }),
    );
    let _ = child.wait();

    println!("the example ({} bytes), {CHANGES} changes", text.len());
    summary("analysis (parse + check), in process", analysis);
    summary("didChange → publishDiagnostics, over stdio", latencies);
}
