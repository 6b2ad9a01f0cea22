//! The editor support in `editors/`: the TextMate grammar knows every
//! keyword the language has, tokenizes the examples and the diagnostic
//! cases as VS Code would (vscode-textmate on Oniguruma, from npm), and
//! the VS Code extension's manifest points at what exists.

use std::process::Command;

use drx::model::blocks::{self, BlockKind};

use crate::test::root;

fn grammar() -> serde_json::Value {
    let text =
        std::fs::read_to_string(root().join("editors/vscode/syntaxes/drx.tmLanguage.json")).expect("grammar");
    serde_json::from_str(&text).expect("the grammar is JSON")
}

/// The words of the first `(a|b|c)` group of a pattern.
fn alternatives(pattern: &str) -> Vec<String> {
    let start = pattern.find('(').expect("a group") + 1;
    let end = start + pattern[start..].find(')').expect("closed");
    pattern[start..end].split('|').map(str::to_string).collect()
}

#[test]
fn the_grammar_knows_every_declaration_and_statement_keyword() {
    let grammar = grammar();
    let mut declared = alternatives(
        grammar["repository"]["declaration"]["match"]
            .as_str()
            .expect("pattern"),
    );
    declared.sort();
    let mut catalog: Vec<String> = blocks::declaration_keywords().map(str::to_string).collect();
    catalog.sort();
    assert_eq!(
        declared, catalog,
        "the grammar's declarations are the block catalog's"
    );

    let statements = alternatives(
        grammar["repository"]["statement"]["match"]
            .as_str()
            .expect("pattern"),
    );
    for kind in BlockKind::all() {
        for statement in kind.spec().statements {
            assert!(
                statements.contains(&statement.keyword().to_string()),
                "`{}` is not highlighted",
                statement.keyword()
            );
        }
    }
}

#[test]
fn vscode_textmate_tokenizes_the_examples_and_every_case() {
    let node = std::env::var("DRX_NODE").unwrap_or_else(|_| {
        panic!("DRX_NODE is not set: run the tests with scripts/test, which installs the grammar test's npm packages")
    });
    let mut files: Vec<String> = Vec::new();
    for dir in ["examples", "tests/cases/check", "tests/cases/plan"] {
        for entry in std::fs::read_dir(root().join(dir)).expect("directory").flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "drx") {
                files.push(path.display().to_string());
            }
        }
    }
    files.sort();
    let output = Command::new(node)
        .arg(root().join("editors/test/grammar.test.js"))
        .args(&files)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout.lines().count(), files.len(), "{stdout}");
    assert!(stdout.contains("payments.drx: "), "{stdout}");
}

#[test]
fn the_vscode_extension_starts_drx_lsp_for_drx_files() {
    let dir = root().join("editors/vscode");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("package.json")).expect("manifest"))
            .expect("json");
    let language = &manifest["contributes"]["languages"][0];
    assert_eq!(language["id"], "drx");
    assert_eq!(language["extensions"][0], ".drx");
    for file in [
        manifest["main"].as_str().expect("main"),
        manifest["contributes"]["grammars"][0]["path"]
            .as_str()
            .expect("grammar"),
        language["configuration"].as_str().expect("configuration"),
    ] {
        assert!(dir.join(file).exists(), "{file} is missing");
    }
    let client = std::fs::read_to_string(dir.join("extension.js")).expect("client");
    assert!(client.contains(r#"args: ["lsp"]"#), "{client}");
    assert_eq!(
        manifest["contributes"]["configuration"]["properties"]["drx.path"]["default"],
        "drx"
    );
}
