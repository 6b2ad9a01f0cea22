//! The command line itself: exit codes, output formats, colour, fmt.

use crate::test::{Test, root};

const CLEAN: &str = "topology t {\n  primary us-east-1\n  secondary us-east-2\n}\n";

#[test]
fn check_clean_file_exits_zero() {
    Test::new()
        .file("a.drx", CLEAN)
        .args(["check", "a.drx"])
        .run()
        .status(0)
        .stdout("a.drx: ok: topology t across us-east-1, us-east-2 ()\n")
        .stderr("");
}

#[test]
fn check_reports_every_error_at_once() {
    let output = Test::new()
        .file("a.drx", "topology t {\n  primary us-east-1\n  secondary us-esat-2\n}\n\nfunction f {\n  code \"x\"\n  memory 64MB\n  timeout 20m\n}\n")
        .args(["check", "a.drx"])
        .run()
        .status(1);
    assert_eq!(output.stdout, "a.drx: 3 errors\n");
    for code in ["unknown_region", "lambda_memory", "lambda_timeout"] {
        assert!(
            output.stderr.contains(&format!("drx::check::{code}")),
            "{}",
            output.stderr
        );
    }
}

#[test]
fn warnings_pass_unless_denied() {
    let file = format!("let unused = 1\n\n{CLEAN}");
    let output = Test::new()
        .file("a.drx", &file)
        .args(["check", "a.drx"])
        .run()
        .status(0);
    assert!(
        output.stderr.contains("drx::check::unused_variable"),
        "{}",
        output.stderr
    );
    assert!(output.stdout.contains("(1 warning)"), "{}", output.stdout);
    Test::new()
        .file("a.drx", &file)
        .args(["check", "--deny-warnings", "a.drx"])
        .run()
        .status(1);
}

#[test]
fn json_diagnostics_carry_positions_codes_and_help() {
    let output = Test::new()
        .file(
            "a.drx",
            "topology t {\n  primary us-east-1\n  secondary us-east-1\n}\n",
        )
        .args(["check", "--format", "json", "a.drx"])
        .run()
        .status(1);
    let document: serde_json::Value = serde_json::from_str(&output.stdout).expect("valid JSON");
    let diagnostic = &document["diagnostics"][0];
    assert_eq!(diagnostic["file"], "a.drx");
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(diagnostic["code"], "drx::check::same_region");
    assert_eq!(diagnostic["start"]["line"], 3);
    assert_eq!(diagnostic["start"]["column"], 13);
    assert_eq!(diagnostic["end"]["column"], 22);
    assert_eq!(diagnostic["labels"][0]["primary"], true);
    assert_eq!(diagnostic["labels"][1]["message"], "first used here");
    assert_eq!(diagnostic["labels"][1]["start"]["line"], 2);
    assert!(
        diagnostic["help"]
            .as_str()
            .unwrap_or_default()
            .contains("distinct regions")
    );
}

#[test]
fn syntax_errors_are_json_too() {
    let output = Test::new()
        .file("a.drx", "tabel x {}\n")
        .args(["check", "--format", "json", "a.drx"])
        .run()
        .status(1);
    let document: serde_json::Value = serde_json::from_str(&output.stdout).expect("valid JSON");
    assert_eq!(
        document["diagnostics"][0]["code"],
        "drx::syntax::unexpected_token"
    );
    assert_eq!(document["diagnostics"][0]["help"], "did you mean `table`?");
}

#[test]
fn no_colour_unless_asked() {
    let bad = "topology t {\n  primary us-east-1\n}\n";
    let plain = Test::new()
        .file("a.drx", bad)
        .args(["check", "a.drx"])
        .run()
        .status(1);
    assert!(!plain.stderr.contains('\u{1b}'), "NO_COLOR output has escapes");
    let coloured = Test::new()
        .file("a.drx", bad)
        .args(["check", "--color", "always", "a.drx"])
        .run()
        .status(1);
    assert!(
        coloured.stderr.contains('\u{1b}'),
        "--color always has no escapes"
    );
}

#[test]
fn missing_file_is_a_clear_error() {
    let output = Test::new().args(["check", "nope.drx"]).run().status(1);
    assert!(
        output.stderr.starts_with("error: cannot read nope.drx:"),
        "{}",
        output.stderr
    );
}

#[test]
fn usage_errors_exit_two() {
    Test::new().args(["check"]).run().status(2);
    Test::new().args(["frobnicate"]).run().status(2);
}

#[test]
fn help_shows_examples() {
    let output = Test::new().args(["--help"]).run().status(0);
    assert!(
        output.stdout.contains("drx check examples/payments.drx"),
        "{}",
        output.stdout
    );
    let output = Test::new().args(["check", "--help"]).run().status(0);
    assert!(output.stdout.contains("--deny-warnings"), "{}", output.stdout);
}

#[test]
fn fmt_rewrites_in_place_and_check_mode_changes_nothing() {
    let messy = "topology t {primary us-east-1\n secondary us-east-2   // dr\n}";
    let output = Test::new()
        .file("a.drx", messy)
        .args(["fmt", "--check", "a.drx"])
        .run()
        .status(1)
        .stdout("a.drx: not formatted\n");
    assert_eq!(output.read("a.drx"), messy);
    let output = Test::new()
        .file("a.drx", messy)
        .args(["fmt", "a.drx"])
        .run()
        .status(0)
        .stdout("a.drx: formatted\n");
    assert_eq!(
        output.read("a.drx"),
        "topology t {\n  primary us-east-1\n  secondary us-east-2 // dr\n}\n"
    );
}

#[test]
fn fmt_refuses_a_file_that_does_not_parse() {
    let output = Test::new()
        .file("a.drx", "topology t {")
        .args(["fmt", "a.drx"])
        .run()
        .status(1);
    assert!(
        output.stderr.contains("drx::syntax::unexpected_end"),
        "{}",
        output.stderr
    );
    assert_eq!(output.read("a.drx"), "topology t {");
}

/// `drx plan --json … | head -1`: the reader goes away; drx stops quietly
/// instead of panicking on the closed pipe.
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    use std::io::Read;
    let dir = tempfile::tempdir().expect("temporary directory");
    let example = std::fs::read_to_string(root().join("examples/payments.drx")).expect("example");
    std::fs::create_dir_all(dir.path().join("examples")).expect("mkdir");
    std::fs::write(dir.path().join("examples/payments.drx"), example).expect("write");
    std::fs::create_dir_all(dir.path().join("lambda/src")).expect("mkdir");
    std::fs::write(dir.path().join("lambda/Cargo.toml"), "[package]\nname = \"x\"\n").expect("write");
    std::fs::write(dir.path().join("lambda/src/main.rs"), "fn main() {}\n").expect("write");
    let mut child = crate::test::drx_command(dir.path())
        .args(["plan", "--json", "examples/payments.drx"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run drx");
    // Read one byte, then hang up: the plan (~100 KB) outlasts any pipe
    // buffer, so drx's next writes find the pipe closed.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).expect("the plan starts");
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let status = child.wait().expect("drx ends");
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr, "", "nothing is said of it");
}

/// `drx completions SHELL` prints a script that knows every command.
#[test]
fn completions_name_every_command_in_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = Test::new().args(["completions", shell]).run().status(0);
        for command in [
            "check", "plan", "apply", "failover", "failback", "drill", "lsp", "status",
        ] {
            assert!(output.stdout.contains(command), "{shell}: no `{command}`");
        }
        // Flags too: fish writes them `-l auto-approve`, the others `--auto-approve`.
        assert!(output.stdout.contains("auto-approve"), "{shell}: no flags");
    }
    Test::new().args(["completions", "tcsh"]).run().status(2);
}
