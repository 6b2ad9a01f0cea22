//! `drx explain`: the derivation of the example and of variants that change
//! one number, as text and JSON snapshots.

use crate::test::{Output, Test, root};

fn example() -> String {
    std::fs::read_to_string(root().join("examples/payments.drx")).expect("read the example")
}

fn explain(text: &str, json: bool) -> Output {
    let mut args = vec!["explain", "examples/payments.drx"];
    if json {
        args.insert(1, "--json");
    }
    Test::new().file("examples/payments.drx", text).args(args).run()
}

fn edit(from: &str, to: &str) -> String {
    let text = example();
    assert!(text.contains(from), "the example no longer contains {from:?}");
    text.replacen(from, to, 1)
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(&output.stdout).expect("explain --json prints JSON")
}

#[test]
fn the_example_recovers_in_156_seconds() {
    let output = explain(&example(), false).status(0);
    assert!(
        output.stdout.contains("worst case         156 s"),
        "{}",
        output.stdout
    );
    insta::assert_snapshot!("explain_payments", output.stdout);

    let output = explain(&example(), true).status(0);
    let document = json(&output);
    assert_eq!(document["rto"][0]["worst_case_seconds"], 156);
    assert_eq!(document["rto"][0]["verdict"]["kind"], "holds");
    let terms: Vec<u64> = document["rto"][0]["terms"]
        .as_array()
        .expect("terms")
        .iter()
        .map(|term| term["seconds"].as_u64().expect("seconds"))
        .collect();
    assert_eq!(terms, [90, 6, 0, 60, 0]);
    insta::assert_json_snapshot!("explain_payments_json", document);
}

#[test]
fn a_ten_second_interval_recovers_in_96_seconds() {
    let output = explain(&edit("interval 30s", "interval 10s"), false).status(0);
    assert!(
        output.stdout.contains("worst case          96 s"),
        "{}",
        output.stdout
    );
    insta::assert_snapshot!("explain_fast_interval", output.stdout);
}

#[test]
fn a_ten_minute_ttl_breaks_the_rto() {
    let text = edit("ttl 60s", "ttl 600s");
    let output = explain(&text, false).status(1);
    assert!(output.stdout.contains("NOT MET: 396 s over"), "{}", output.stdout);
    insta::assert_snapshot!("explain_ttl_600", output.stdout);
    let document = json(&explain(&text, true).status(1));
    assert_eq!(
        document["rto"][0]["verdict"],
        serde_json::json!({ "kind": "violated", "excess": 396 })
    );

    let check = Test::new()
        .file("examples/payments.drx", &text)
        .args(["check", "examples/payments.drx"])
        .run()
        .status(1);
    assert!(
        check.stderr.contains("drx::check::rto_not_met"),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains("DNS caching alone takes 10 min"),
        "{}",
        check.stderr
    );
}

#[test]
fn a_bucket_without_rtc_under_an_rpo_is_an_error() {
    let text = edit("    time_control 15m\n    metrics on\n", "");
    let output = explain(&text, false).status(1);
    assert!(
        output.stdout.contains("NOT MET: no bound exists"),
        "{}",
        output.stdout
    );
    insta::assert_snapshot!("explain_bucket_without_rtc", output.stdout);
    let check = Test::new()
        .file("examples/payments.drx", &text)
        .args(["check", "examples/payments.drx"])
        .run()
        .status(1);
    assert!(
        check.stderr.contains("drx::check::rpo_unbounded"),
        "{}",
        check.stderr
    );
}

#[test]
fn the_references_rpo_claim_is_caught() {
    // The reference claims RPO < 1 min for the whole system while its bucket
    // replicates with RTC (15 min): without the bucket's own objective, drx
    // points at both.
    let text = edit("  rpo 15m\n", "");
    let check = Test::new()
        .file("examples/payments.drx", &text)
        .args(["check", "--format", "json", "examples/payments.drx"])
        .run()
        .status(1);
    let document: serde_json::Value = serde_json::from_str(&check.stdout).expect("JSON");
    let diagnostics = document["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "drx::check::rpo_not_met");
    let lines: Vec<u64> = diagnostics[0]["labels"]
        .as_array()
        .expect("labels")
        .iter()
        .map(|label| label["start"]["line"].as_u64().expect("line"))
        .collect();
    let line_of = |needle: &str| text[..text.find(needle).expect("in text")].matches('\n').count() as u64 + 1;
    assert_eq!(lines, [line_of("time_control 15m"), line_of("rpo 1m")]);
}

#[test]
fn check_prints_one_verdict_line_per_objective() {
    let output = Test::new()
        .file("examples/payments.drx", &example())
        .args(["check", "examples/payments.drx"])
        .run()
        .status(0);
    let verdicts: Vec<&str> = output.stdout.lines().skip(1).collect();
    assert_eq!(verdicts.len(), 3, "{}", output.stdout);
    assert!(
        verdicts[0].starts_with("  RTO 5 min (topology): holds, 144 s to spare; worst case 156 s"),
        "{}",
        verdicts[0]
    );
    assert!(
        verdicts[1].starts_with("  RPO 1 min (topology): holds typically"),
        "{}",
        verdicts[1]
    );
    assert!(
        verdicts[2].starts_with("  RPO 15 min (bucket payment_docs): holds"),
        "{}",
        verdicts[2]
    );
}

#[test]
fn explain_refuses_a_broken_file() {
    let output = Test::new()
        .file("a.drx", "topology t {")
        .args(["explain", "a.drx"])
        .run()
        .status(1);
    assert!(
        output.stderr.contains("drx::syntax::unexpected_end"),
        "{}",
        output.stderr
    );
}
