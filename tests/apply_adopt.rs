//! What AWS has and the state does not record is adopted, never made twice:
//! a create an interrupted apply left pending is found and adopted before
//! planning, for every resource type of the example; and `drx import` adopts
//! each of them by its AWS id into a state that lost them. Either way the
//! records are the ones the apply made, the plan has nothing to do, and
//! destroy leaves nothing behind.

use std::collections::BTreeMap;
use std::path::Path;

use crate::apply::*;
use crate::apply_read_back::assert_nothing_left;
use crate::aws::Aws;

type Records = BTreeMap<String, serde_json::Value>;

fn read_state(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("state.json")).expect("state")).expect("json")
}

fn write_state(dir: &Path, state: &serde_json::Value) {
    std::fs::write(
        dir.join("state.json"),
        serde_json::to_string_pretty(state).expect("json"),
    )
    .expect("write");
}

/// The state's records by address.
fn records(state: &serde_json::Value) -> Records {
    state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| (r["address"].as_str().expect("address").to_string(), r.clone()))
        .collect()
}

/// Each record's AWS id and outputs are the ones the apply recorded.
fn assert_same_records(adopted: &Records, original: &Records) {
    assert_eq!(
        adopted.keys().collect::<Vec<_>>(),
        original.keys().collect::<Vec<_>>(),
        "every resource recorded"
    );
    for (address, record) in original {
        let found = &adopted[address];
        assert_eq!(
            found["physical_id"], record["physical_id"],
            "{address}: the same resource"
        );
        assert_eq!(found["outputs"], record["outputs"], "{address}: the same outputs");
    }
}

/// The caller reference each health check's create gave Route 53: what the
/// journal's intent records as the create's token.
async fn caller_references(aws: &Aws) -> BTreeMap<String, String> {
    let route53 = aws_sdk_route53::Client::new(&aws.config("us-east-1").await);
    let listed = route53.list_health_checks().send().await.expect("list");
    listed
        .health_checks()
        .iter()
        .map(|check| (check.id().to_string(), check.caller_reference().to_string()))
        .collect()
}

#[tokio::test]
async fn every_pending_create_is_adopted_not_made_again() {
    let aws = Aws::new("apply_adopt");
    let suffix = suffix(&aws);
    let dir = project(&example());
    let applied = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(applied.status, 0, "{}\n{}", applied.stdout, applied.stderr);

    // What a kill -9 between each create and its record leaves: every
    // resource in AWS, its intent in state, no record of it.
    let mut state = read_state(dir.path());
    let original = records(&state);
    let references = caller_references(&aws).await;
    let pending: Vec<serde_json::Value> = original
        .values()
        .map(|record| {
            let mut intent = serde_json::json!({
                "address": record["address"], "operation": "create", "type": record["type"],
                "region": record["region"],
            });
            if let Some(reference) = references.get(record["physical_id"].as_str().unwrap_or_default()) {
                intent["token"] = serde_json::json!(reference);
            }
            intent
        })
        .collect();
    state["resources"] = serde_json::json!([]);
    state["pending"] = serde_json::json!(pending);
    write_state(dir.path(), &state);
    let mutations = mutating(&aws);

    let plan = drx(&aws, &suffix, dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(
        plan.status, 0,
        "nothing to create again:\n{}\n{}",
        plan.stdout, plan.stderr
    );
    for address in original.keys() {
        assert!(
            plan.stderr
                .contains(&format!("note: {address} adopted after an interrupted apply")),
            "{address} adopted:\n{}",
            plan.stderr
        );
    }
    // The plan keeps what it adopted only in memory; apply records it.
    let again = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(again.status, 0, "{}\n{}", again.stdout, again.stderr);
    assert_eq!(mutating(&aws), mutations, "adopting changes nothing in AWS");
    let state = read_state(dir.path());
    assert!(state.get("pending").is_none(), "nothing left pending");
    assert_same_records(&records(&state), &original);

    let destroyed = drx(&aws, &suffix, dir.path(), DESTROY);
    assert_eq!(destroyed.status, 0, "{}", destroyed.stdout);
    assert_nothing_left(&aws, &suffix).await;
}

#[tokio::test]
async fn import_adopts_every_type_by_its_aws_id() {
    let aws = Aws::new("apply_import");
    let suffix = suffix(&aws);
    let dir = project(&example());
    let applied = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(applied.status, 0, "{}\n{}", applied.stdout, applied.stderr);

    // The state is lost; AWS still has everything.
    let original = records(&read_state(dir.path()));
    std::fs::remove_file(dir.path().join("state.json")).expect("remove");
    let file = dir.path().join("examples/payments.drx");
    let file = file.to_str().expect("utf-8");

    let undeclared = ran(caller(
        &aws,
        &suffix,
        dir.path(),
        &["import", file, "nope.table@us-east-1", "x"],
    ));
    assert_eq!(undeclared.status, 1);
    assert!(
        undeclared
            .stderr
            .contains("the file declares no nope.table@us-east-1"),
        "{}",
        undeclared.stderr
    );
    let (address, record) = original.iter().next().expect("a resource");
    let missing = ran(caller(
        &aws,
        &suffix,
        dir.path(),
        &["import", file, address, "drx-no-such-id"],
    ));
    assert_eq!(missing.status, 1, "{}", missing.stdout);
    assert!(missing.stderr.contains("error: "), "{}", missing.stderr);

    let mutations = mutating(&aws);
    for (address, record) in &original {
        let id = record["physical_id"].as_str().expect("id");
        let imported = ran(caller(&aws, &suffix, dir.path(), &["import", file, address, id]));
        assert_eq!(imported.status, 0, "{address} {id}:\n{}", imported.stderr);
        assert!(
            imported.stdout.contains(&format!("Imported {address}")),
            "{}",
            imported.stdout
        );
    }
    let again = ran(caller(
        &aws,
        &suffix,
        dir.path(),
        &[
            "import",
            file,
            address,
            record["physical_id"].as_str().expect("id"),
        ],
    ));
    assert_eq!(again.status, 1);
    assert!(again.stderr.contains("already records"), "{}", again.stderr);
    assert_eq!(mutating(&aws), mutations, "importing changes nothing in AWS");
    assert_same_records(&records(&read_state(dir.path())), &original);

    let plan = drx(&aws, &suffix, dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(
        plan.status, 0,
        "imported as applied:\n{}\n{}",
        plan.stdout, plan.stderr
    );
    let destroyed = drx(&aws, &suffix, dir.path(), DESTROY);
    assert_eq!(destroyed.status, 0, "{}", destroyed.stdout);
    assert_nothing_left(&aws, &suffix).await;
}
