//! The README's tour shows real output: its console blocks are re-run here.

use crate::test::{Test, root};

fn console_blocks() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("read README.md");
    readme
        .split("```console\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap_or_default().to_string())
        .collect()
}

fn check_output(example: &str) -> String {
    let output = Test::new()
        .file("examples/payments.drx", example)
        .args(["check", "examples/payments.drx"])
        .run();
    format!(
        "$ drx check examples/payments.drx\n{}{}",
        output.stderr, output.stdout
    )
}

#[test]
fn tour_output_is_real() {
    let blocks = console_blocks();
    assert_eq!(blocks.len(), 3, "the tour has three console blocks");
    let example = std::fs::read_to_string(root().join("examples/payments.drx")).expect("read example");
    assert_eq!(blocks[0], check_output(&example), "README: checking the example");

    // "Change the health-check interval to `20s` and set `AWS_REGION` in the
    // function's environment."
    let broken = example.replacen("interval 30s", "interval 20s", 1).replacen(
        "env { TABLE_NAME",
        "env { AWS_REGION: \"us-east-1\", TABLE_NAME",
        1,
    );
    assert_eq!(
        blocks[1],
        check_output(&broken),
        "README: checking the broken example"
    );
    let explained = Test::new()
        .file("examples/payments.drx", &example)
        .args(["explain", "examples/payments.drx"])
        .run();
    assert_eq!(
        blocks[2],
        format!("$ drx explain examples/payments.drx\n{}", explained.stdout),
        "README: explaining the example"
    );
}
