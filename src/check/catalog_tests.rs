//! The block catalog and the checker agree: every attribute the catalog
//! declares is one the checker reads (the checker reading one the catalog
//! does not declare fails a debug assertion in every other test).

use std::collections::BTreeMap;

use super::CheckErrorKind;
use crate::model::blocks::{AttributeSpec, BlockKind, ResourceKind};

/// The attributes the checker called unknown in `text`.
fn unknown_attributes(text: &str) -> Vec<String> {
    let file = crate::syntax::parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    super::check(&file, &BTreeMap::new())
        .problems
        .into_iter()
        .filter_map(|problem| match *problem.kind {
            CheckErrorKind::UnknownAttribute { name, .. } => Some(name),
            _ => None,
        })
        .collect()
}

const TOPOLOGY: &str = "topology t {\n  primary us-east-1\n  secondary us-east-2\n}\n";

/// `name 1` for each attribute: a wrong value, but a known name. Billing
/// is provisioned, since only then is `capacity` read.
fn statements(attributes: &[AttributeSpec]) -> String {
    attributes
        .iter()
        .map(|attribute| match attribute.name {
            "billing" => "  billing provisioned\n".to_string(),
            name => format!("  {name} 1\n"),
        })
        .collect()
}

#[test]
fn every_declared_attribute_is_read_by_the_checker() {
    for kind in ResourceKind::ALL {
        let spec = kind.spec();
        let mut text = format!("{TOPOLOGY}{} x {{\n{}", spec.keyword, statements(spec.attributes));
        for attribute in spec.attributes.iter().filter(|a| !a.nested.is_empty()) {
            text.push_str(&format!(
                "  {} {{\n{}  }}\n",
                attribute.name,
                statements(attribute.nested)
            ));
        }
        if !spec.replicate.is_empty() {
            let target = if kind == ResourceKind::Table {
                "globally"
            } else {
                "to secondary"
            };
            text.push_str(&format!(
                "  replicate {target} {{\n{}  }}\n",
                statements(spec.replicate)
            ));
        }
        if !spec.route.is_empty() {
            text.push_str(&format!(
                "  route GET /x -> f {{\n{}  }}\n",
                statements(spec.route)
            ));
        }
        text.push_str("}\n");
        // Nested blocks also appear as `name 1` above; that one is a type
        // error, not an unknown name.
        assert_eq!(unknown_attributes(&text), Vec::<String>::new(), "in\n{text}");
    }
    let topology = BlockKind::Topology.spec();
    let mut text = format!("topology t {{\n{}", statements(topology.attributes));
    for attribute in topology.attributes.iter().filter(|a| !a.nested.is_empty()) {
        text.push_str(&format!(
            "  {} {{\n{}  }}\n",
            attribute.name,
            statements(attribute.nested)
        ));
    }
    text.push_str("}\n");
    assert_eq!(unknown_attributes(&text), Vec::<String>::new(), "in\n{text}");
}

#[test]
fn an_undeclared_attribute_is_unknown() {
    let text = format!("{TOPOLOGY}function f {{\n  memroy 1\n}}\n");
    assert_eq!(unknown_attributes(&text), ["memroy"]);
}

/// The catalog's `in` is the placement check's: a kind the catalog does not
/// place is refused an `in`, and only such a kind.
#[test]
fn only_kinds_the_catalog_places_take_in() {
    for kind in ResourceKind::ALL {
        let spec = kind.spec();
        let text = format!("{TOPOLOGY}{} x {{\n  in primary\n}}\n", spec.keyword);
        let file = crate::syntax::parse(&text).expect("parses");
        let refused = super::check(&file, &BTreeMap::new())
            .problems
            .iter()
            .any(|problem| matches!(*problem.kind, CheckErrorKind::PlacementNotAllowed { .. }));
        assert_eq!(
            refused,
            !spec.allows(crate::model::blocks::StatementKind::Placement),
            "{}",
            spec.keyword
        );
    }
}
