//! The server's answers on the reference example, as plain functions.

use std::path::Path;

use super::analysis::Analysis;
use super::hover::hover;

fn example() -> (String, Analysis) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/payments.drx");
    let text = std::fs::read_to_string(&path).expect("the example");
    let analysis = Analysis::new(&path, &text);
    (text, analysis)
}

fn at(text: &str, needle: &str, nth: usize) -> usize {
    text.match_indices(needle).nth(nth).expect("in the example").0 + 1
}

#[test]
fn the_example_has_no_diagnostics_and_every_name_resolves() {
    let (_, analysis) = example();
    assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
    assert!(analysis.definition("payment_api").is_some());
    let references = analysis
        .occurrences
        .iter()
        .filter(|o| o.name == "payment_processor" && !o.definition)
        .count();
    assert!(references >= 4, "routes, the alarm: {references}");
}

#[test]
fn hover_shows_the_rto_the_rpo_the_resources_and_an_attribute() {
    let (text, analysis) = example();
    let (failover, _) =
        hover(&analysis, at(&text, "failover api", 0) + "failover ".len()).expect("hover on the failover");
    assert!(
        failover.contains("**RTO** us-east-1 → us-east-2: worst case **156 s**"),
        "{failover}"
    );
    assert!(
        failover.contains("| detection | 90 | interval 30 s × failures 3 |"),
        "{failover}"
    );
    let (table, _) = hover(
        &analysis,
        at(&text, "table payment_transactions", 0) + "table ".len(),
    )
    .expect("hover on the table");
    assert!(table.contains("**RPO**"), "{table}");
    assert!(
        table.contains("payment_transactions.table@us-east-1 `payment-transactions-dev`"),
        "{table}"
    );
    let (memory, _) = hover(&analysis, at(&text, "memory 256MB", 0)).expect("hover on memory");
    assert!(memory.starts_with("**memory**"), "{memory}");
    let (reference, _) = hover(
        &analysis,
        at(&text, "payment_transactions.name", 0) + "payment_transactions.".len(),
    )
    .expect("hover on .name");
    assert!(reference.contains("the same in every region"), "{reference}");
}

#[test]
fn nothing_panics_anywhere_in_the_example_or_its_every_prefix() {
    let (text, _) = example();
    let path = Path::new("examples/payments.drx");
    assert_eq!(super::probe::everything(path, &text, 7), 0);
    // Every state typing passes through, cut at every 97th byte.
    let mut cut = 0;
    while cut < text.len() {
        if text.is_char_boundary(cut) {
            super::probe::everything(path, &text[..cut], 13);
        }
        cut += 97;
    }
}
