//! The block catalog against what blocks really lower to.

use std::collections::BTreeMap;

use crate::test::root;

use crate::plan::*;

/// The block catalog, the checker and the lowering agree: every reference
/// the catalog lets a file make lowers to a value, and every resource a block
/// lowers to is one its catalog entry names.
#[test]
fn the_block_catalog_matches_what_blocks_lower_to() {
    use drx::model::blocks::ResourceKind;
    let text = example();
    let file = drx::syntax::parse(&text).expect("parses");
    let checked = drx::check::check(&file, &BTreeMap::new());
    let topology = checked.topology.expect("the example checks");
    let block_of_kind = |kind: ResourceKind| -> String {
        let keyword = kind.spec().keyword;
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("{keyword} ")))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("the example has a {keyword}"))
            .to_string()
    };
    let mut with_outputs = text.clone();
    for kind in ResourceKind::ALL {
        let block = block_of_kind(kind);
        for reference in kind.spec().references {
            let placement = if kind.spec().is_global_reference(reference) {
                ""
            } else {
                " in primary"
            };
            with_outputs.push_str(&format!(
                "output ref_{}_{reference} = {block}.{reference}{placement}\n",
                kind.spec().keyword
            ));
        }
    }
    project(&with_outputs)
        .args(["plan", "--json", "examples/payments.drx"])
        .run()
        .status(0);

    let plan = drx::plan::plan(&topology, &root().join("examples"), None).expect("plans");
    // Every block of the example, by name.
    let kinds: BTreeMap<String, ResourceKind> = text
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let (keyword, name) = (words.next()?, words.next()?);
            let kind = ResourceKind::ALL
                .into_iter()
                .find(|k| k.spec().keyword == keyword)?;
            Some((name.to_string(), kind))
        })
        .collect();
    for resource in &plan.desired.resources {
        let kind = kinds[&resource.block];
        assert!(
            kind.spec().lowers_to.contains(&resource.resource_type()),
            "{} lowers to {}, which its catalog entry does not name",
            kind.spec().keyword,
            resource.resource_type()
        );
    }
}
