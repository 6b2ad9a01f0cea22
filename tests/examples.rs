//! Every example checks clean; formatting is idempotent and never changes
//! what a file means; the edits the language issue names each fail with
//! exactly one precise diagnostic.

use std::collections::BTreeMap;
use std::path::PathBuf;

use drx::check::{Environment, check};
use drx::syntax::{format, parse};

use crate::test::{Test, drx_command, root};

fn example_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "drx"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "examples/ has no .drx files");
    files
}

fn case_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["tests/cases/check", "tests/cases/syntax"] {
        for entry in std::fs::read_dir(root().join(dir)).expect("cases directory") {
            files.push(entry.expect("directory entry").path());
        }
    }
    files.sort();
    files
}

fn environment() -> BTreeMap<String, String> {
    BTreeMap::from([("ENVIRONMENT_SUFFIX".to_string(), "fmttest".to_string())])
}

#[test]
fn every_example_passes_check() {
    for path in example_files() {
        let output = drx_command(&root())
            .arg("check")
            .arg(&path)
            .output()
            .expect("run drx");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "{} fails check:\n{stderr}{stdout}",
            path.display()
        );
        assert!(stderr.is_empty(), "{} has warnings:\n{stderr}", path.display());
        assert!(stdout.contains(": ok: topology"), "{stdout}");
    }
}

#[test]
fn every_example_plans() {
    let state = tempfile::tempdir().expect("temporary directory");
    for path in example_files() {
        let state_file = state.path().join(format!(
            "{}.json",
            path.file_stem().unwrap_or_default().to_string_lossy()
        ));
        let output = drx_command(&root())
            .arg("plan")
            .arg("--state")
            .arg(&state_file)
            .arg(&path)
            .output()
            .expect("run drx");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{} does not plan:\n{}",
            path.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("to add, 0 to change, 0 to destroy."), "{stdout}");
        assert!(!state_file.exists(), "planning writes no state");
    }
}

#[test]
fn every_example_is_formatted() {
    for path in example_files() {
        let output = drx_command(&root())
            .args(["fmt", "--check"])
            .arg(&path)
            .output()
            .expect("run drx");
        assert!(
            output.status.success(),
            "{} is not in canonical layout; run `drx fmt {}`",
            path.display(),
            path.display()
        );
    }
}

/// Formatting twice gives what formatting once gave, for every example and
/// test case; and the checked result is the same before and after.
#[test]
fn fmt_is_idempotent_and_preserves_meaning() {
    let environment = environment();
    for path in example_files().into_iter().chain(case_files()) {
        let text = std::fs::read_to_string(&path).expect("read file");
        let Ok(file) = parse(&text) else { continue };
        let once = format(&file, &text);
        let reparsed = parse(&once).unwrap_or_else(|e| {
            panic!(
                "{} formats to text that does not parse: {e:?}\n{once}",
                path.display()
            )
        });
        let twice = format(&reparsed, &once);
        assert_eq!(once, twice, "{}: fmt is not idempotent", path.display());
        assert_eq!(
            meaning(&file, &environment),
            meaning(&reparsed, &environment),
            "{}: fmt changed the meaning",
            path.display()
        );
        assert_eq!(
            comments(&text),
            comments(&once),
            "{}: fmt lost or changed a comment",
            path.display()
        );
    }
}

/// What a file means: its checked topology (spans are not serialized) or,
/// if it has errors, the messages it produces.
fn meaning(file: &drx::syntax::ast::File, environment: &dyn Environment) -> String {
    let checked = check(file, environment);
    match &checked.topology {
        Some(topology) => serde_json::to_string_pretty(topology).expect("serialize topology"),
        None => checked
            .problems
            .iter()
            .map(|p| p.kind.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn comments(text: &str) -> Vec<String> {
    parse(text)
        .map(|file| file.comments.into_iter().map(|c| c.text).collect())
        .unwrap_or_default()
}

fn payments() -> String {
    std::fs::read_to_string(root().join("examples/payments.drx")).expect("read the example")
}

/// Checks an edited copy of the example and returns its diagnostics as JSON.
fn check_edit(edited: &str, env: &[(&str, &str)]) -> Vec<serde_json::Value> {
    let mut test = Test::new().file("examples/payments.drx", edited).args([
        "check",
        "--format",
        "json",
        "examples/payments.drx",
    ]);
    for (key, value) in env {
        test = test.env(key, value);
    }
    let output = test.run().status(1);
    let document: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON output");
    document["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .clone()
}

fn edit(from: &str, to: &str) -> String {
    let original = payments();
    assert!(original.contains(from), "the example no longer contains {from:?}");
    original.replacen(from, to, 1)
}

fn assert_one(diagnostics: &[serde_json::Value], code: &str, line: u64, at: &str, edited: &str) {
    assert_eq!(
        diagnostics.len(),
        1,
        "expected exactly one diagnostic: {diagnostics:#?}"
    );
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["code"], code, "{diagnostic:#?}");
    assert_eq!(diagnostic["start"]["line"], line, "{diagnostic:#?}");
    let start = diagnostic["start"]["offset"].as_u64().expect("offset") as usize;
    let end = diagnostic["end"]["offset"].as_u64().expect("offset") as usize;
    assert_eq!(
        &edited[start..end],
        at,
        "the span must be the offending token: {diagnostic:#?}"
    );
    assert!(!diagnostic["help"].as_str().unwrap_or_default().is_empty());
}

fn line_of(text: &str, needle: &str) -> u64 {
    let offset = text.find(needle).expect("needle in text");
    text[..offset].matches('\n').count() as u64 + 1
}

#[test]
fn primary_equal_to_secondary() {
    let edited = edit("secondary us-east-2", "secondary us-east-1");
    assert_one(
        &check_edit(&edited, &[]),
        "drx::check::same_region",
        line_of(&edited, "secondary us-east-1"),
        "us-east-1",
        &edited,
    );
}

#[test]
fn reserved_lambda_env_key() {
    let edited = edit(
        "env { TABLE_NAME:",
        "env { AWS_REGION: \"us-east-1\", TABLE_NAME:",
    );
    assert_one(
        &check_edit(&edited, &[]),
        "drx::check::reserved_env_key",
        line_of(&edited, "AWS_REGION"),
        "AWS_REGION",
        &edited,
    );
}

#[test]
fn domain_under_example_com() {
    let edited = edit(
        "domain \"api.payment-${suffix}.test.local\"",
        "domain \"api.payment-${suffix}.example.com\"",
    );
    let edited = edited.replacen("  zone \"payment-${suffix}.test.local\"\n", "", 1);
    assert_one(
        &check_edit(&edited, &[]),
        "drx::check::reserved_domain",
        line_of(&edited, "example.com"),
        "\"api.payment-${suffix}.example.com\"",
        &edited,
    );
}

#[test]
fn health_check_interval_of_20_seconds() {
    let edited = edit("interval 30s", "interval 20s");
    assert_one(
        &check_edit(&edited, &[]),
        "drx::check::health_check_interval",
        line_of(&edited, "interval 20s"),
        "20s",
        &edited,
    );
}

#[test]
fn bucket_name_too_long_once_the_suffix_is_applied() {
    // 50 characters: 60 with the region, 64 with the default suffix `-dev`.
    let long = "payment_documents_for_receipts_and_monthly_reports";
    assert_eq!(long.len(), 50);
    let edited = payments().replace("payment_docs", long);
    let diagnostics = check_edit(&edited, &[]);
    assert_one(
        &diagnostics,
        "drx::check::bucket_name",
        line_of(&edited, &format!("bucket {long}")),
        long,
        &edited,
    );
    let message = diagnostics[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("payment-documents-for-receipts-and-monthly-reports-us-east-1-dev"),
        "{message}"
    );
    assert!(message.contains("64 characters long"), "{message}");
}

#[test]
fn reference_to_an_undefined_name() {
    let edited = edit(
        "BUCKET_NAME: payment_docs.name",
        "BUCKET_NAME: payment_documents.name",
    );
    assert_one(
        &check_edit(&edited, &[]),
        "drx::check::unknown_name",
        line_of(&edited, "payment_documents"),
        "payment_documents",
        &edited,
    );
}
