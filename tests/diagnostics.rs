//! File-driven diagnostic tests: every `tests/cases/**/*.drx` is checked by
//! the real binary and its rendered diagnostics compared with a snapshot in
//! `tests/snapshots/`. A case under `check/` is named after the code it must
//! produce (`reserved_env_key.drx` → `drx::check::reserved_env_key`).
//!
//! Add a case: write the file, run `cargo insta test --review` (or
//! `INSTA_UPDATE=always cargo nextest run`), read the new snapshot, commit both.

use std::collections::BTreeSet;

use crate::test::{drx_command, root};

fn run_check(relative: &str) -> (i32, String) {
    let output = drx_command(&root())
        .args(["check", relative])
        .output()
        .expect("run drx check");
    let status = output.status.code().unwrap_or(-1);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    (status, text)
}

#[test]
fn every_case_renders_its_diagnostic() {
    insta::glob!("cases/**/*.drx", |path| {
        let relative = path
            .strip_prefix(root())
            .expect("case under the repository")
            .to_string_lossy()
            .replace('\\', "/");
        let (status, rendered) = run_check(&relative);
        let kind = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        match kind {
            "check" => {
                let code = format!("drx::check::{}", stem.split('-').next().unwrap_or(stem));
                assert!(
                    rendered.contains(&code),
                    "{relative} should report {code}:\n{rendered}"
                );
            }
            _ => assert!(
                rendered.contains("drx::syntax::"),
                "{relative} should be a syntax error:\n{rendered}"
            ),
        }
        let warning_only = ["unused_variable", "unmonitored_objective"].contains(&stem);
        assert_eq!(
            status,
            if warning_only { 0 } else { 1 },
            "{relative}: wrong exit status:\n{rendered}"
        );
        insta::assert_snapshot!(rendered);
    });
}

/// Every code the checker can emit has a case and is documented.
#[test]
fn every_check_code_has_a_case_and_documentation() {
    let report =
        std::fs::read_to_string(root().join("src/diagnostic/check_report.rs")).expect("read check_report.rs");
    let codes: BTreeSet<String> = report
        .split("=> (")
        .skip(1)
        .filter_map(|rest| rest.trim_start().strip_prefix('"'))
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .chain(
            report
                .split("(\"")
                .skip(1)
                .filter_map(|rest| rest.split('"').next())
                .filter(|code| code.chars().all(|c| c.is_ascii_lowercase() || c == '_') && code.contains('_'))
                .map(str::to_string),
        )
        .collect();
    assert!(codes.len() >= 50, "found only {} codes: {codes:?}", codes.len());
    let docs = std::fs::read_to_string(root().join("docs/language.md")).expect("read docs/language.md");
    let mut missing = Vec::new();
    for code in &codes {
        if !root().join(format!("tests/cases/check/{code}.drx")).exists() {
            missing.push(format!("no case tests/cases/check/{code}.drx"));
        }
        if !docs.contains(&format!("drx::check::{code}")) {
            missing.push(format!("docs/language.md does not document drx::check::{code}"));
        }
    }
    for code in [
        "unexpected_token",
        "unexpected_end",
        "unterminated_string",
        "invalid_escape",
        "number_too_large",
    ] {
        if !docs.contains(&format!("drx::syntax::{code}")) {
            missing.push(format!("docs/language.md does not document drx::syntax::{code}"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
