//! A create an interrupted apply left pending is resolved before planning:
//! the REST API and the hosted zone AWS made (and drx never recorded) are
//! found and adopted, so nothing is made twice and nothing is left behind.

use crate::apply::*;
use crate::aws::Aws;

#[tokio::test]
async fn pending_creates_are_adopted_not_made_again() {
    let aws = Aws::new("apply_adopt");
    let suffix = suffix(&aws);
    let dir = project(&example());
    let applied = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(applied.status, 0, "{}\n{}", applied.stdout, applied.stderr);

    // What a kill -9 between CreateRestApi and its record leaves: the API in
    // AWS, its intent in state, no record of it.
    let address = "payment_api.rest_api@us-east-2";
    let zone_address = "api.zone";
    let state_path = dir.path().join("state.json");
    let mut state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state_path).expect("state")).expect("json");
    let resources = state["resources"].as_array_mut().expect("resources");
    let mut take = |wanted: &str| {
        let position = resources
            .iter()
            .position(|r| r["address"] == wanted)
            .expect("recorded");
        resources.remove(position)
    };
    let record = take(address);
    let zone = take(zone_address);
    state["pending"] = serde_json::json!([
        {
            "address": address, "operation": "create", "type": "api_gateway_rest_api",
            "region": "us-east-2", "name": record["attributes"]["name"],
        },
        {
            "address": zone_address, "operation": "create", "type": "route53_zone",
            "region": null, "name": zone["attributes"]["name"],
        },
    ]);
    std::fs::write(&state_path, serde_json::to_string_pretty(&state).expect("json")).expect("write");

    let plan = drx(&aws, &suffix, dir.path(), &["plan", "--detailed-exitcode"]);
    assert!(
        plan.stderr
            .contains(&format!("note: {address} adopted after an interrupted apply")),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stderr.contains(record["physical_id"].as_str().expect("id")),
        "{}",
        plan.stderr
    );
    assert_eq!(plan.status, 0, "nothing to create again:\n{}", plan.stdout);

    let again = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(again.status, 0, "{}\n{}", again.stdout, again.stderr);
    let state = std::fs::read_to_string(&state_path).expect("state");
    assert!(
        state.contains(address) && !state.contains("\"pending\""),
        "adopted and recorded"
    );
    let apis = aws_sdk_apigateway::Client::new(&aws.config("us-east-2").await)
        .get_rest_apis()
        .send()
        .await
        .expect("list");
    let named: Vec<_> = apis
        .items()
        .iter()
        .filter(|api| api.name().is_some_and(|n| n.ends_with(&suffix)))
        .collect();
    assert_eq!(named.len(), 1, "one REST API, not two");

    let destroyed = drx(&aws, &suffix, dir.path(), DESTROY);
    assert_eq!(destroyed.status, 0, "{}", destroyed.stdout);
    let apis = aws_sdk_apigateway::Client::new(&aws.config("us-east-2").await)
        .get_rest_apis()
        .send()
        .await
        .expect("list");
    assert!(
        !apis
            .items()
            .iter()
            .any(|api| api.name().is_some_and(|n| n.ends_with(&suffix))),
        "nothing is left behind"
    );
}
