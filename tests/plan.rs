//! `drx plan`, `drx graph` and `drx show` on the example: the full inventory,
//! edits against a recorded state, saved plans, and the state's own errors.

use std::collections::BTreeMap;
use std::path::Path;

use drx::model::ResourceState;
use drx::state::{LocalBackend, State};

use crate::test::{Output, Test, root};

pub(crate) fn example() -> String {
    std::fs::read_to_string(root().join("examples/payments.drx")).expect("read the example")
}

/// A scratch copy of the example with a function source for `../lambda`.
pub(crate) fn project(text: &str) -> Test {
    Test::new()
        .file("examples/payments.drx", text)
        .file("lambda/Cargo.toml", "[package]\nname = \"x\"\n")
        .file("lambda/src/main.rs", "fn main() {}\n")
}

pub(crate) fn plan_json(output: &Output) -> serde_json::Value {
    serde_json::from_str(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", output.stdout))
}

pub(crate) fn redactions() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"[0-9a-f]{64}", "[sha256]");
    settings.add_filter(r"drx routes [0-9a-f]{12}", "drx routes [hash]");
    settings
}

/// Records `text` as applied in `dir`: what a successful apply would write
/// (fake physical ids and outputs), so plans can be tested against it.
pub(crate) fn record_applied(dir: &Path, text: &str) -> State {
    let file = drx::syntax::parse(text).expect("parses");
    let checked = drx::check::check(&file, &BTreeMap::new());
    let topology = checked.topology.expect("checks");
    let base = dir.join("examples");
    let plan = drx::plan::plan(&topology, &base, None).expect("plans");
    let mut state = State::new(&plan.stack);
    state.serial = 1;
    state.account_id = Some("123456789012".into());
    for resource in &plan.desired.resources {
        let outputs = resource
            .resource_type()
            .outputs()
            .iter()
            .map(|output| (output.to_string(), format!("{}-{output}", resource.address)))
            .collect();
        state.resources.push(ResourceState {
            address: resource.address.clone(),
            resource_type: resource.resource_type(),
            region: resource.region.clone(),
            physical_id: resource.address.clone(),
            attributes: resource.attributes.to_json(),
            outputs,
            depends_on: resource.dependencies(),
        });
    }
    LocalBackend::beside(&base.join("payments.drx"), &plan.stack)
        .write(&state)
        .expect("write state");
    state
}

pub(crate) fn changes(document: &serde_json::Value) -> Vec<(String, String)> {
    document["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|change| change["action"] != "no-op")
        .map(|change| {
            (
                change["address"].as_str().unwrap_or_default().to_string(),
                change["action"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_example_plans_the_full_inventory() {
    let output = project(&example())
        .args(["plan", "examples/payments.drx"])
        .run()
        .status(0);
    assert!(
        output
            .stdout
            .contains("Plan: 61 to add, 0 to change, 0 to destroy."),
        "{}",
        output.stdout
    );
    redactions().bind(|| insta::assert_snapshot!("plan_payments", output.stdout));

    let output = project(&example())
        .args(["plan", "--json", "examples/payments.drx"])
        .run()
        .status(0);
    let document = plan_json(&output);
    assert_eq!(
        document["summary"],
        serde_json::json!({ "add": 61, "change": 0, "destroy": 0 })
    );
    let mut types: BTreeMap<String, usize> = BTreeMap::new();
    for change in document["changes"].as_array().expect("changes") {
        *types
            .entry(change["type"].as_str().unwrap_or_default().to_string())
            .or_default() += 1;
    }
    // The inventory of DESIGN.md §2, resource by resource, and what secure
    // defaults add: API Gateway's CloudWatch role (account settings in each
    // region), an access log group per stage, a KMS key per topic and a log
    // bucket per region.
    let expected: BTreeMap<String, usize> = [
        ("iam_role", 4),
        ("iam_role_policy", 4),
        ("api_gateway_account", 2),
        ("dynamodb_table", 1),
        ("dynamodb_table_replica", 1),
        ("s3_bucket", 4),
        ("s3_bucket_replication", 1),
        ("lambda_function", 2),
        ("cloudwatch_log_group", 4),
        ("api_gateway_rest_api", 2),
        ("api_gateway_resource", 6),
        ("api_gateway_method", 6),
        ("lambda_permission", 6),
        ("api_gateway_deployment", 2),
        ("api_gateway_stage", 2),
        ("route53_zone", 1),
        ("route53_health_check", 1),
        ("route53_record", 2),
        ("sns_topic", 2),
        ("kms_key", 2),
        ("cloudwatch_metric_alarm", 6),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(types, expected);
    redactions().bind(|| insta::assert_json_snapshot!("plan_payments_json", document));
}

#[test]
fn an_applied_example_has_no_changes() {
    let test = project(&example());
    let dir = test.dir().to_path_buf();
    record_applied(&dir, &example());
    let output = test
        .args([
            "plan",
            "--refresh",
            "false",
            "--detailed-exitcode",
            "examples/payments.drx",
        ])
        .run()
        .status(0);
    assert!(
        output
            .stdout
            .starts_with("No changes. Stack payment-dev matches the configuration (61 resources)."),
        "{}",
        output.stdout
    );
}

#[test]
fn more_memory_updates_only_the_functions_in_place() {
    let test = project(&example().replacen("memory 256MB", "memory 512MB", 1));
    record_applied(test.dir(), &example());
    let output = test
        .args([
            "plan",
            "--refresh",
            "false",
            "--json",
            "--detailed-exitcode",
            "examples/payments.drx",
        ])
        .run()
        .status(2);
    let document = plan_json(&output);
    assert_eq!(
        changes(&document),
        [
            (
                "payment_processor.function@us-east-1".to_string(),
                "update".to_string()
            ),
            (
                "payment_processor.function@us-east-2".to_string(),
                "update".to_string()
            ),
        ]
    );
    let function = document["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["action"] == "update")
        .expect("update");
    let changed: Vec<&serde_json::Value> = function["attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .filter(|a| a["changed"] == true)
        .collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["name"], "memory_size");
    assert_eq!(
        (changed[0]["before"].clone(), changed[0]["after"].clone()),
        (serde_json::json!(256), serde_json::json!(512))
    );
}

#[test]
fn a_new_table_key_replaces_the_table_and_is_flagged_as_data_loss() {
    let test = project(&example().replacen("key paymentId: string", "key transactionId: string", 1));
    record_applied(test.dir(), &example());
    let output = test
        .args(["plan", "--refresh", "false", "examples/payments.drx"])
        .run()
        .status(0);
    assert!(
        output
            .stdout
            .contains("# payment_transactions.table@us-east-1 must be replaced — DESTROYS DATA"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("# forces replacement"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("Warning: 2 changes destroy data"),
        "{}",
        output.stdout
    );
    redactions().bind(|| insta::assert_snapshot!("plan_table_key", output.stdout));
    let test = project(&example().replacen("key paymentId: string", "key transactionId: string", 1));
    record_applied(test.dir(), &example());
    let document = plan_json(
        &test
            .args(["plan", "--refresh", "false", "--json", "examples/payments.drx"])
            .run()
            .status(0),
    );
    let table = document["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["address"] == "payment_transactions.table@us-east-1")
        .expect("table");
    assert_eq!(table["action"], "replace");
    assert_eq!(table["replace_because"], serde_json::json!(["partition_key"]));
    assert_eq!(table["destroys_data"], true);
    assert_eq!(
        changes(&document),
        [
            (
                "payment_transactions.replica@us-east-2".to_string(),
                "replace".to_string()
            ),
            (
                "payment_transactions.table@us-east-1".to_string(),
                "replace".to_string()
            ),
        ],
        "a replica goes with its table"
    );
}

#[test]
fn a_removed_alarm_is_one_delete() {
    let text = example();
    let start = text.find("alarm dynamo_health_alarm {").expect("alarm");
    let end = start + text[start..].find("}\n\n").expect("end") + 3;
    let edited =
        format!("{}{}", &text[..start], &text[end..]).replacen("  dynamo_health_alarm.arn,\n", "", 1);
    let test = project(&edited);
    record_applied(test.dir(), &example());
    let document = plan_json(
        &test
            .args(["plan", "--refresh", "false", "--json", "examples/payments.drx"])
            .run()
            .status(0),
    );
    assert_eq!(
        changes(&document),
        [(
            "dynamo_health_alarm.alarm@us-east-1".to_string(),
            "delete".to_string()
        )]
    );
    assert_eq!(
        document["summary"],
        serde_json::json!({ "add": 0, "change": 0, "destroy": 1 })
    );
}

#[test]
fn plan_needs_the_function_code() {
    let output = Test::new()
        .file("examples/payments.drx", &example())
        .args(["plan", "examples/payments.drx"])
        .run()
        .status(1);
    assert!(
        output.stderr.contains("drx::plan::code_not_found"),
        "{}",
        output.stderr
    );
}

#[test]
fn the_graph_is_acyclic_and_clustered_by_region() {
    let output = project(&example())
        .args(["graph", "examples/payments.drx"])
        .run()
        .status(0);
    for cluster in [
        "subgraph \"cluster_global\"",
        "subgraph \"cluster_us-east-1\"",
        "subgraph \"cluster_us-east-2\"",
    ] {
        assert!(output.stdout.contains(cluster), "{}", output.stdout);
    }
    insta::assert_snapshot!("graph_payments_dot", output.stdout);
    let mermaid = project(&example())
        .args(["graph", "--format", "mermaid", "examples/payments.drx"])
        .run()
        .status(0);
    assert!(mermaid.stdout.starts_with("flowchart LR\n"));
    insta::assert_snapshot!("graph_payments_mermaid", mermaid.stdout);

    let file = drx::syntax::parse(&example()).expect("parses");
    let topology = drx::check::check(&file, &BTreeMap::new())
        .topology
        .expect("checks");
    let plan = drx::plan::plan(&topology, &root().join("examples"), None).expect("plans");
    let graph = plan.graph();
    assert!(graph.find_cycle().is_none());
    // Independent resources stay independent: the two regions' functions
    // share only the global role.
    let index = |address: &str| {
        plan.desired
            .resources
            .iter()
            .position(|r| r.address == address)
            .expect("resource")
    };
    let east1 = index("payment_processor.function@us-east-1");
    let east2 = index("payment_processor.function@us-east-2");
    assert!(!graph.dependencies(east1).contains(&east2) && !graph.dependencies(east2).contains(&east1));
}
