//! File-driven diagnostic tests: every `tests/cases/**/*.drx` is checked by
//! the real binary and its rendered diagnostics compared with a snapshot in
//! `tests/snapshots/`. A case under `check/` is named after the code it must
//! produce (`reserved_env_key.drx` → `drx::check::reserved_env_key`); a case
//! under `plan/` is planned instead, and named after its `drx::plan::` code.
//!
//! Add a case: write the file, run `cargo insta test --review` (or
//! `INSTA_UPDATE=always cargo nextest run`), read the new snapshot, commit both.

use drx::check::CheckCode;
use drx::plan::PlanCode;
use drx::syntax::SyntaxCode;
use strum::IntoEnumIterator;

use crate::test::{drx_command, root};

fn run(command: &str, relative: &str) -> (i32, String) {
    let mut args = vec![command, relative];
    // A plan reads no state here: taking the lock would leave a `.drx/`
    // directory among the cases.
    if command == "plan" {
        args.extend(["--lock", "false"]);
    }
    let output = drx_command(&root()).args(args).output().expect("run drx check");
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
        let kind = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let (status, rendered) = run(if kind == "plan" { "plan" } else { "check" }, &relative);
        match kind {
            "plan" => {
                let code = format!("drx::plan::{stem}");
                assert!(
                    rendered.contains(&code),
                    "{relative} should report {code}:\n{rendered}"
                );
            }
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
        let warning_only = [
            "unused_variable",
            "unmonitored_objective",
            "recovery_off",
            "public_route",
            "standby_concurrency",
        ]
        .contains(&stem);
        assert_eq!(
            status,
            if warning_only { 0 } else { 1 },
            "{relative}: wrong exit status:\n{rendered}"
        );
        insta::assert_snapshot!(rendered);
    });
}

/// Every code any stage can report — each error variant, listed by the
/// error types themselves — has a case and is documented.
#[test]
fn every_code_has_a_case_and_documentation() {
    let docs = std::fs::read_to_string(root().join("docs/language.md")).expect("read docs/language.md");
    let snapshots: Vec<String> = std::fs::read_dir(root().join("tests/snapshots"))
        .expect("snapshots")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().contains("every_case_renders"))
        .map(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default())
        .collect();
    let mut missing = Vec::new();
    let mut documented = |code: String| {
        if !docs.contains(&code) {
            missing.push(format!("docs/language.md does not document {code}"));
        }
    };
    let check: Vec<&str> = CheckCode::iter().map(<&str>::from).collect();
    let syntax: Vec<&str> = SyntaxCode::iter().map(<&str>::from).collect();
    let plan: Vec<&str> = PlanCode::iter().map(<&str>::from).collect();
    assert!(check.len() >= 60 && syntax.len() >= 6 && plan.len() >= 2);
    for code in &check {
        documented(format!("drx::check::{code}"));
    }
    for code in &syntax {
        documented(format!("drx::syntax::{code}"));
    }
    for code in &plan {
        documented(format!("drx::plan::{code}"));
    }
    for code in &check {
        if !root().join(format!("tests/cases/check/{code}.drx")).exists() {
            missing.push(format!("no case tests/cases/check/{code}.drx"));
        }
    }
    for code in &plan {
        // A guard: every resource reads only what comes before it in the
        // file's own order of kinds, so no checked file makes a cycle.
        if *code == "dependency_cycle" {
            continue;
        }
        if !root().join(format!("tests/cases/plan/{code}.drx")).exists() {
            missing.push(format!("no case tests/cases/plan/{code}.drx"));
        }
    }
    for code in &syntax {
        let full = format!("drx::syntax::{code}");
        if !snapshots.iter().any(|snapshot| snapshot.contains(&full)) {
            missing.push(format!("no case under tests/cases/syntax/ reports {full}"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
