//! The resource graph, clustered by region: Graphviz dot and Mermaid.
//! Edges point from a resource to what depends on it (creation order).

use std::collections::BTreeMap;

use crate::plan::Plan;

fn clusters(plan: &Plan) -> BTreeMap<String, Vec<usize>> {
    let mut clusters: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, resource) in plan.desired.resources.iter().enumerate() {
        let cluster = resource
            .region
            .as_ref()
            .map_or("global".to_string(), |r| r.0.clone());
        clusters.entry(cluster).or_default().push(index);
    }
    clusters
}

pub fn dot(plan: &Plan) -> String {
    let resources = &plan.desired.resources;
    let graph = plan.graph();
    let mut out = format!(
        "digraph \"{}\" {{\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
        plan.stack
    );
    for (cluster, members) in clusters(plan) {
        out.push_str(&format!(
            "  subgraph \"cluster_{cluster}\" {{\n    label=\"{cluster}\";\n"
        ));
        for index in members {
            let resource = &resources[index];
            out.push_str(&format!(
                "    \"{}\" [label=\"{}\\n{}\"];\n",
                escape(&resource.address),
                escape(&resource.address),
                resource.resource_type().name()
            ));
        }
        out.push_str("  }\n");
    }
    for (index, resource) in resources.iter().enumerate() {
        for &dependency in graph.dependencies(index) {
            out.push_str(&format!(
                "  \"{}\" -> \"{}\";\n",
                escape(&resources[dependency].address),
                escape(&resource.address)
            ));
        }
    }
    out.push_str("}\n");
    out
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

pub fn mermaid(plan: &Plan) -> String {
    let resources = &plan.desired.resources;
    let graph = plan.graph();
    let mut out = String::from("flowchart LR\n");
    for (cluster, members) in clusters(plan) {
        out.push_str(&format!(
            "  subgraph {} [\"{cluster}\"]\n",
            cluster.replace('-', "_")
        ));
        for index in members {
            let resource = &resources[index];
            let label = resource.address.replace('"', "#quot;");
            out.push_str(&format!(
                "    n{index}[\"{label}<br/>{}\"]\n",
                resource.resource_type().name()
            ));
        }
        out.push_str("  end\n");
    }
    for index in 0..resources.len() {
        for &dependency in graph.dependencies(index) {
            out.push_str(&format!("  n{dependency} --> n{index}\n"));
        }
    }
    out
}
