//! Function packaging: deterministic zips, and a code change that the plan
//! shows as an update of the functions.

use std::collections::BTreeMap;

use crate::test::root;

#[test]
fn two_builds_of_unchanged_code_give_identical_zips() {
    let first = drx::apply::package(
        &root().join("lambda"),
        "dev",
        std::env::consts::ARCH.replace("aarch64", "arm64").as_str(),
        "provided.al2023",
    )
    .expect("package the payment processor");
    let second = drx::apply::package(
        &root().join("lambda"),
        "dev",
        std::env::consts::ARCH.replace("aarch64", "arm64").as_str(),
        "provided.al2023",
    )
    .expect("package again");
    assert_eq!(first.sha256, second.sha256);
    assert_eq!(first.zip, second.zip, "byte-identical");
    let archive = zip_entries(&first.zip);
    assert_eq!(
        archive,
        ["bootstrap"],
        "a custom runtime's zip holds its bootstrap"
    );
}

fn zip_entries(zip: &[u8]) -> Vec<String> {
    // The central directory names every entry; read the names without a zip reader.
    let mut names = Vec::new();
    let mut offset = 0;
    while let Some(position) = zip[offset..]
        .windows(4)
        .position(|w| w == [0x50, 0x4b, 0x01, 0x02])
    {
        let start = offset + position;
        let length = u16::from_le_bytes([zip[start + 28], zip[start + 29]]) as usize;
        names.push(String::from_utf8_lossy(&zip[start + 46..start + 46 + length]).into_owned());
        offset = start + 46 + length;
    }
    names
}

fn plan(text: &str, base: &std::path::Path, state: Option<&drx::state::State>) -> drx::plan::Plan {
    let file = drx::syntax::parse(text).expect("parses");
    let topology = drx::check::check(&file, &BTreeMap::new())
        .topology
        .expect("checks");
    drx::plan::plan(&topology, base, state).expect("plans")
}

#[test]
fn a_source_change_changes_the_code_hash_and_the_plan() {
    // A copy of the function's sources (no build output) beside a copy of the example.
    let dir = tempfile::tempdir().expect("temporary directory");
    copy_sources(&root().join("lambda"), &dir.path().join("lambda"));
    let base = dir.path().join("examples");
    std::fs::create_dir_all(&base).expect("mkdir");
    let text = std::fs::read_to_string(root().join("examples/payments.drx")).expect("example");

    let before = plan(&text, &base, None);
    let mut state = drx::state::State::new(&before.stack);
    for resource in &before.desired.resources {
        state.resources.push(drx::model::ResourceState {
            address: resource.address.clone(),
            resource_type: resource.resource_type(),
            region: resource.region.clone(),
            physical_id: resource.address.clone(),
            attributes: resource.attributes.to_json(),
            outputs: resource
                .resource_type()
                .outputs()
                .iter()
                .map(|o| (o.to_string(), "x".to_string()))
                .collect(),
            depends_on: resource.dependencies(),
        });
    }
    assert!(
        plan(&text, &base, Some(&state)).summary().is_empty(),
        "unchanged code, no changes"
    );

    let main = dir.path().join("lambda/src/payment.rs");
    let source = std::fs::read_to_string(&main).expect("read");
    std::fs::write(&main, source.replace("\"USD\",", "\"USD\", \"UYU\",")).expect("edit");
    let after = plan(&text, &base, Some(&state));
    let updates: Vec<(&str, Vec<&str>)> = after
        .changes
        .iter()
        .filter(|c| c.action != drx::plan::Action::NoOp)
        .map(|c| {
            (
                c.address.as_str(),
                c.attributes
                    .iter()
                    .filter(|a| a.changed)
                    .map(|a| a.name.as_str())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        updates,
        [
            ("payment_processor.function@us-east-1", vec!["code"]),
            ("payment_processor.function@us-east-2", vec!["code"]),
        ]
    );
    assert!(
        after
            .changes
            .iter()
            .all(|c| c.action != drx::plan::Action::Replace)
    );
}

/// Copies a package's sources, without its build output.
fn copy_sources(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let name = entry.file_name();
        if name == "target" {
            continue;
        }
        if entry.file_type().expect("type").is_dir() {
            copy_sources(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).expect("copy");
        }
    }
}
