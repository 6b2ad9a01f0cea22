//! The layers of ARCHITECTURE.md, enforced: each module imports only the
//! layers below it, and no two modules import each other, at any depth. Read
//! from the source, as rust-analyzer's tidy tests do.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::test::root;

/// What each top-level module may import (besides itself).
const LAYERS: &[(&str, &[&str])] = &[
    ("source", &[]),
    ("suggest", &[]),
    ("model", &["source"]),
    ("syntax", &["source", "suggest", "model"]),
    ("check", &["source", "suggest", "model", "syntax"]),
    ("state", &["model"]),
    ("aws", &["model", "state"]),
    ("plan", &["source", "model", "check", "state"]),
    ("apply", &["source", "suggest", "model", "plan", "state"]),
    ("operate", &["suggest", "model", "state"]),
    ("diagnostic", &["source", "syntax", "check", "plan"]),
    (
        "lsp",
        &["source", "model", "syntax", "check", "plan", "diagnostic"],
    ),
    (
        "cli",
        &[
            "source",
            "suggest",
            "model",
            "syntax",
            "check",
            "state",
            "aws",
            "plan",
            "apply",
            "operate",
            "diagnostic",
            "lsp",
        ],
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/check/blocks/table.rs` → `["check", "blocks", "table"]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts
}

fn is_module(src: &Path, path: &[String]) -> bool {
    if path.is_empty() {
        return true;
    }
    let joined: PathBuf = path.iter().collect();
    src.join(&joined).with_extension("rs").is_file() || src.join(&joined).join("mod.rs").is_file()
}

/// The modules a file refers to by path: `crate::a::b::…`, `super::x::…`.
fn references(src: &Path, module: &[String], text: &str) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    // Comments and strings name modules too; only code counts.
    let code: String = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    for (start, _) in code.match_indices("crate::").chain(code.match_indices("super::")) {
        if start > 0 && code[..start].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &code[start..];
        let path: Vec<&str> = rest
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .next()
            .unwrap_or_default()
            .split("::")
            .filter(|s| !s.is_empty())
            .collect();
        let mut absolute: Vec<String> = Vec::new();
        let mut segments = path.iter().peekable();
        if segments.peek() == Some(&&"crate") {
            segments.next();
        } else {
            absolute = module.to_vec();
            while segments.peek() == Some(&&"super") {
                segments.next();
                absolute.pop();
            }
        }
        for segment in segments {
            let mut candidate = absolute.clone();
            candidate.push(segment.to_string());
            if is_module(src, &candidate) {
                absolute = candidate;
            } else {
                break;
            }
        }
        if !absolute.is_empty() && absolute != module {
            found.insert(absolute);
        }
    }
    found
}

fn edges() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges = BTreeMap::new();
    for file in files {
        let module = module_of(&src, &file);
        let text = std::fs::read_to_string(&file).expect("read source");
        edges.insert(module.clone(), references(&src, &module, &text));
    }
    edges
}

#[test]
fn every_module_imports_only_the_layers_below_it() {
    let layers: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut wrong = Vec::new();
    for (module, targets) in edges() {
        let Some(top) = module.first() else { continue };
        let Some(allowed) = layers.get(top.as_str()) else {
            wrong.push(format!("{top} is not in ARCHITECTURE.md's layers"));
            continue;
        };
        for target in targets {
            let to = &target[0];
            if to != top && !allowed.contains(&to.as_str()) {
                wrong.push(format!("{} imports {}", module.join("::"), target.join("::")));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_two_modules_import_each_other() {
    // Each reference lifted to the two siblings under the modules' common
    // parent: `check::blocks::table` → `check::values` is `blocks` →
    // `values` inside `check`.
    let mut lifted: BTreeSet<(Vec<String>, Vec<String>)> = BTreeSet::new();
    for (from, targets) in edges() {
        for to in targets {
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if common == from.len() || common == to.len() {
                continue; // a module and its own descendant
            }
            lifted.insert((from[..=common].to_vec(), to[..=common].to_vec()));
        }
    }
    let mutual: Vec<String> = lifted
        .iter()
        .filter(|(a, b)| a < b && lifted.contains(&(b.clone(), a.clone())))
        .map(|(a, b)| format!("{} and {} import each other", a.join("::"), b.join("::")))
        .collect();
    assert!(mutual.is_empty(), "{}", mutual.join("\n"));
}

#[test]
fn only_syntax_touches_pest_and_only_aws_the_sdks() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for file in files {
        let module = module_of(&src, &file);
        let text = std::fs::read_to_string(&file).expect("read source");
        let top = module.first().map(String::as_str).unwrap_or_default();
        if (text.contains("pest::") || text.contains("pest_derive")) && top != "syntax" {
            wrong.push(format!("{} uses pest", file.display()));
        }
        if (text.contains("aws_sdk_") || text.contains("aws_config")) && top != "aws" {
            wrong.push(format!("{} uses the AWS SDK", file.display()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
