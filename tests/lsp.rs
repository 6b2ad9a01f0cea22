//! `drx lsp` driven as an editor drives it: plain JSON-RPC over stdio,
//! framed with `Content-Length`. Initialize, open the example (no
//! diagnostics), break an interval (an error on that line with its code),
//! mend it (cleared), hover, go to definition, complete, format, list
//! symbols, shut down and exit.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

use crate::test::root;

struct Editor {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: u64,
}

fn read_message(reader: &mut BufReader<ChildStdout>) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Editor {
    fn start() -> Editor {
        let mut child = Command::new(env!("CARGO_BIN_EXE_drx"))
            .arg("lsp")
            .env("ENVIRONMENT_SUFFIX", "dev")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start drx lsp");
        let stdin = child.stdin.take().expect("stdin");
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        let (send, messages) = channel();
        std::thread::spawn(move || {
            while let Some(message) = read_message(&mut reader) {
                if send.send(message).is_err() {
                    break;
                }
            }
        });
        Editor {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its answer, passing over notifications.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self
                .messages
                .recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|_| panic!("no answer to {method}"));
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
        }
    }

    /// The next diagnostics published for `version`.
    fn diagnostics(&mut self, version: i64) -> Vec<Value> {
        loop {
            let message = self
                .messages
                .recv_timeout(Duration::from_secs(20))
                .expect("diagnostics published");
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["version"] == version
            {
                return message["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }
}

fn position(text: &str, needle: &str, extra: usize) -> Value {
    let at = text.find(needle).expect("in the example") + extra;
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |n| n + 1);
    json!({ "line": line, "character": column })
}

#[test]
fn an_editor_session_over_stdio() {
    let path = root().join("examples/payments.drx");
    let text = std::fs::read_to_string(&path).expect("example");
    let uri = format!("file://{}", path.display());
    let document = json!({ "uri": uri });
    let mut editor = Editor::start();

    let initialized = editor.request(
        "initialize",
        json!({ "processId": null, "rootUri": null, "capabilities": {} }),
    );
    let capabilities = &initialized["capabilities"];
    for capability in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "documentFormattingProvider",
        "documentSymbolProvider",
        "completionProvider",
    ] {
        assert!(!capabilities[capability].is_null(), "{capability}: {initialized}");
    }
    editor.notify("initialized", json!({}));

    editor.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "drx", "version": 1, "text": text } }),
    );
    assert_eq!(editor.diagnostics(1), Vec::<Value>::new(), "the example is clean");

    // An interval Route 53 does not offer: an error on that line, with its code.
    let broken = text.replacen("interval 30s", "interval 20s", 1);
    editor.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": broken }] }),
    );
    let found = editor.diagnostics(2);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["code"], "drx::check::health_check_interval");
    assert_eq!(found[0]["severity"], 1);
    assert_eq!(
        found[0]["range"]["start"]["line"],
        position(&text, "interval 30s", 0)["line"]
    );
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("help: use `interval 30s`"),
        "{found:?}"
    );

    editor.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": text }] }),
    );
    assert_eq!(editor.diagnostics(3), Vec::<Value>::new(), "cleared");

    let hover = editor.request(
        "textDocument/hover",
        json!({ "textDocument": document, "position": position(&text, "failover api", "failover ".len()) }),
    );
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(shown.contains("worst case **156 s**"), "{hover}");

    // A route's function: its block.
    let definition = editor.request(
        "textDocument/definition",
        json!({ "textDocument": document, "position": position(&text, "-> payment_processor", 4) }),
    );
    assert_eq!(definition["uri"], uri);
    assert_eq!(
        definition["range"]["start"],
        position(&text, "payment_processor {", 0)
    );

    let references = editor.request(
        "textDocument/references",
        json!({ "textDocument": document, "position": position(&text, "payment_processor {", 0), "context": { "includeDeclaration": true } }),
    );
    assert!(
        references.as_array().is_some_and(|r| r.len() >= 5),
        "{references}"
    );

    // Inside the function, at the start of a line: its attributes.
    let completion = editor.request(
        "textDocument/completion",
        json!({ "textDocument": document, "position": position(&text, "  memory 256MB", 2) }),
    );
    let labels: Vec<&str> = completion
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|item| item["label"].as_str())
        .collect();
    for expected in ["memory", "timeout", "runtime", "in"] {
        assert!(labels.contains(&expected), "{expected} in {labels:?}");
    }

    let rename = editor.request(
        "textDocument/rename",
        json!({ "textDocument": document, "position": position(&text, "alerts failover_alerts", "alerts ".len()), "newName": "pager" }),
    );
    let edits = rename["changes"][&uri].as_array().expect("edits");
    assert_eq!(
        edits.len(),
        1 + text.matches("notify failover_alerts").count(),
        "{rename}"
    );

    // Formatting: the example is formatted; a messy copy is not.
    let formatted = editor.request(
        "textDocument/formatting",
        json!({ "textDocument": document, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(formatted, json!([]));
    let messy = text.replacen("  billing on_demand", "      billing    on_demand", 1);
    editor.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 4 }, "contentChanges": [{ "text": messy }] }),
    );
    editor.diagnostics(4);
    let formatted = editor.request(
        "textDocument/formatting",
        json!({ "textDocument": document, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(formatted[0]["newText"], text.as_str());

    let symbols = editor.request("textDocument/documentSymbol", json!({ "textDocument": document }));
    let names: Vec<&str> = symbols
        .as_array()
        .expect("symbols")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    for expected in [
        "suffix",
        "payment",
        "payment_transactions",
        "payment_api",
        "api",
        "primaryApiEndpoint",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }

    assert_eq!(editor.request("shutdown", Value::Null), Value::Null);
    editor.notify("exit", Value::Null);
    let status = editor.child.wait().expect("exit");
    assert!(status.success(), "{status}");
}

/// The diagnostic cases and the example cut short through the server's
/// analysis, hover, definition and completion at many offsets (the
/// property tests in fuzz.rs send their inputs through it too).
#[test]
fn every_case_file_goes_through_the_server() {
    let mut texts = vec![
        String::new(),
        "{".into(),
        "}".into(),
        "table".into(),
        "table t {".into(),
        "function f {\n  env { A: b.".into(),
        "alarm a { when x.".into(),
        "\u{feff}topology t { primary us-east-1 }".into(),
        "let x = \"${".into(),
        "output o = [".into(),
        "failover f { health_check { interval".into(),
    ];
    let example = std::fs::read_to_string(root().join("examples/payments.drx")).expect("example");
    // The example cut at many points, as typing leaves it.
    for cut in (0..example.len()).step_by(211) {
        if example.is_char_boundary(cut) {
            texts.push(example[..cut].to_string());
        }
    }
    for case in ["check", "syntax"] {
        if let Ok(entries) = std::fs::read_dir(root().join("tests/cases").join(case)) {
            for entry in entries.flatten() {
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    texts.push(text);
                }
            }
        }
    }
    for text in &texts {
        drx::lsp::probe::everything(std::path::Path::new("fuzz.drx"), text, 3);
    }
}
