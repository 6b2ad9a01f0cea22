//! What the example's plan wires together for AWS: references, ordering,
//! least-privilege policies.

use std::collections::BTreeMap;

use drx::model::resources::{Attributes, Principal, ResourceType};

use crate::test::root;

use crate::plan::*;

#[test]
fn the_plan_carries_the_wiring_aws_needs() {
    let plan = example_plan();
    let find = |address: &str| {
        plan.desired
            .resources
            .iter()
            .find(|r| r.address == address)
            .unwrap_or_else(|| panic!("no {address}"))
    };
    let Attributes::DynamodbTable(table) = &find("payment_transactions.table@us-east-1").attributes else {
        panic!()
    };
    assert_eq!(
        table.stream_view_type.as_ref().map(|v| v.as_str()),
        Some("NEW_AND_OLD_IMAGES")
    );
    assert_eq!(table.billing_mode, "PAY_PER_REQUEST");
    assert!(table.point_in_time_recovery);
    assert_eq!(
        table.name, "payment-transactions-dev",
        "one name for a global table"
    );
    for region in ["us-east-1", "us-east-2"] {
        let Attributes::S3Bucket(bucket) = &find(&format!("payment_docs.bucket@{region}")).attributes else {
            panic!()
        };
        assert!(bucket.versioning && bucket.block_public_access);
        assert_eq!(bucket.name, format!("payment-docs-{region}-dev"));
        let Attributes::LambdaFunction(function) =
            &find(&format!("payment_processor.function@{region}")).attributes
        else {
            panic!()
        };
        assert!(!function.environment.contains_key("AWS_REGION"));
        assert_eq!(
            function.environment["BUCKET_NAME"].as_known(),
            Some(format!("payment-docs-{region}-dev").as_str())
        );
        let Attributes::ApiRoute(route) =
            &find(&format!("payment_api.route[\"GET /health\"]@{region}")).attributes
        else {
            panic!()
        };
        assert_eq!(route.integration_type, "AWS_PROXY");
        assert_eq!(
            route.integration_http_method, "POST",
            "Lambda integrations are invoked with POST"
        );
    }
    let replication = find("payment_docs.replication@us-east-1");
    for needed in [
        "payment_docs.bucket@us-east-1",
        "payment_docs.bucket@us-east-2",
        "payment_docs.replication_role",
    ] {
        assert!(
            replication.dependencies().contains(&needed.to_string()),
            "replication waits for {needed}"
        );
    }
    let Attributes::S3Replication(rules) = &replication.attributes else {
        panic!()
    };
    assert_eq!(rules.rules[0].time_control_minutes, Some(15));
    assert!(rules.rules[0].metrics);
    // Alarms act on the topic of their own region.
    for resource in plan
        .desired
        .resources
        .iter()
        .filter(|r| r.resource_type() == ResourceType::MetricAlarm)
    {
        let Attributes::MetricAlarm(alarm) = &resource.attributes else {
            panic!()
        };
        let region = &resource.region.as_ref().expect("alarms are regional").0;
        for action in &alarm.alarm_actions {
            let text = serde_json::to_string(action).expect("json");
            assert!(
                text.contains(&format!("arn:aws:sns:{region}:")),
                "{} notifies {text}",
                resource.address
            );
        }
    }
    let Attributes::HealthCheck(check) = &find("api.health_check").attributes else {
        panic!()
    };
    assert_eq!(
        (
            check.check_type.as_str(),
            check.request_interval,
            check.failure_threshold
        ),
        ("HTTPS", 30, 3)
    );
    assert_eq!(check.resource_path.as_deref(), Some("/prod/health"));
}

/// The example, checked and planned against no state.
fn example_plan() -> drx::plan::Plan {
    let file = drx::syntax::parse(&example()).expect("parses");
    let topology = drx::check::check(&file, &BTreeMap::new())
        .topology
        .expect("checks");
    drx::plan::plan(&topology, &root().join("examples"), None).expect("plans")
}

#[test]
fn no_iam_policy_grants_every_action_on_every_resource() {
    let plan = example_plan();
    let mut documents = 0;
    for resource in &plan.desired.resources {
        let document = match &resource.attributes {
            Attributes::IamRole(role) => &role.assume_role_policy,
            Attributes::IamRolePolicy(policy) => &policy.document,
            _ => continue,
        };
        documents += 1;
        assert!(
            !document.grants_everything(),
            "{} grants * on *",
            resource.address
        );
        for statement in &document.statements {
            assert!(
                !statement.actions.iter().any(|a| a == "*" || a.ends_with(":*")),
                "{}: {:?}",
                resource.address,
                statement.actions
            );
            // `*` only for actions IAM cannot scope to a resource (Service
            // Authorization Reference: X-Ray's trace uploads have no
            // resource types).
            const UNSCOPED: [&str; 2] = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"];
            assert!(
                !statement.resources.iter().any(|r| r.as_known() == Some("*"))
                    || statement.actions.iter().all(|a| UNSCOPED.contains(&a.as_str())),
                "{}: a * resource for {:?}",
                resource.address,
                statement.actions
            );
        }
    }
    assert_eq!(documents, 8);
}

/// A service trusted to assume a role, or granted a key, acts only for this
/// account's resources (the confused deputy) wherever the service sends the
/// source (S3 replication, CloudWatch alarms); a key policy's `kms:*` is only
/// the account's own administration of its key.
#[test]
fn services_act_only_for_this_account_and_keys_are_administered_by_it_alone() {
    let plan = example_plan();
    let mut keys = 0;
    for resource in &plan.desired.resources {
        match &resource.attributes {
            Attributes::IamRole(role) => {
                for statement in &role.assume_role_policy.statements {
                    if statement.principal == Some(Principal::Service("s3.amazonaws.com".into())) {
                        let condition = statement.condition.as_ref().expect("a condition");
                        assert!(
                            condition["StringEquals"].contains_key("aws:SourceAccount"),
                            "{}",
                            resource.address
                        );
                        assert!(
                            condition["ArnLike"].contains_key("aws:SourceArn"),
                            "{}",
                            resource.address
                        );
                    }
                }
            }
            Attributes::KmsKey(key) => {
                keys += 1;
                for statement in &key.policy.statements {
                    if statement.actions.iter().any(|a| a == "kms:*") {
                        assert!(
                            matches!(&statement.principal, Some(Principal::Aws(_))),
                            "{}: kms:* for {:?}",
                            resource.address,
                            statement.principal
                        );
                    }
                    if let Some(Principal::Service(service)) = &statement.principal {
                        assert_eq!(service, "cloudwatch.amazonaws.com");
                        let condition = statement.condition.as_ref().expect("a condition");
                        assert!(
                            condition["StringEquals"].contains_key("aws:SourceAccount"),
                            "{}",
                            resource.address
                        );
                        assert!(
                            !statement.actions.iter().any(|a| a.ends_with(":*")),
                            "{}: {:?}",
                            resource.address,
                            statement.actions
                        );
                    }
                }
            }
            _ => {}
        }
    }
    assert_eq!(keys, 2);
}
