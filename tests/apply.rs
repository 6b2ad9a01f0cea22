//! `drx apply`, `drx output` and `drx destroy` end to end, against the
//! emulator: every resource read back through the SDK, a second apply that
//! changes nothing, an in-place update, drift, faults, and a clean destroy.

use std::path::Path;
use std::process::Command;

use crate::aws::Aws;
use crate::test::root;

/// A unique, DNS-safe environment suffix for one test's stack.
fn suffix(aws: &Aws) -> String {
    let id = aws.access_key.to_lowercase();
    format!("t{}", &id[id.len() - 10..])
}

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

/// drx as this test's AWS caller, on the copy of the example in `dir`.
fn drx_command(aws: &Aws, suffix: &str, dir: &Path, args: &[&str]) -> Command {
    let mut command = caller(aws, suffix, dir, args);
    command.arg(dir.join("examples/payments.drx"));
    command
}

/// drx as this test's AWS caller, with the state in `dir`.
fn caller(aws: &Aws, suffix: &str, dir: &Path, args: &[&str]) -> Command {
    let home = std::env::var("HOME").unwrap_or_default();
    let mut command = Command::new(env!("CARGO_BIN_EXE_drx"));
    command
        .current_dir(root())
        .args(args)
        .arg("--state")
        .arg(dir.join("state.json"))
        .env("NO_COLOR", "1")
        .env("ENVIRONMENT_SUFFIX", suffix)
        .env("AWS_ACCESS_KEY_ID", &aws.access_key)
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("HOME", dir)
        // Packaging runs cargo, which must still find its toolchain.
        .env(
            "RUSTUP_HOME",
            std::env::var("RUSTUP_HOME").unwrap_or_else(|_| format!("{home}/.rustup")),
        )
        .env(
            "CARGO_HOME",
            std::env::var("CARGO_HOME").unwrap_or_else(|_| format!("{home}/.cargo")),
        );
    command
}

/// Runs drx as this test's AWS caller, on the copy of the example in `dir`.
fn drx(aws: &Aws, suffix: &str, dir: &Path, args: &[&str]) -> Run {
    ran(drx_command(aws, suffix, dir, args))
}

fn ran(mut command: Command) -> Run {
    let output = command.output().expect("run drx");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A scratch copy of the example, its function code beside it.
fn project(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir_all(dir.path().join("examples")).expect("mkdir");
    std::fs::write(dir.path().join("examples/payments.drx"), text).expect("write example");
    // The function code is the repository's own package.
    let text = std::fs::read_to_string(dir.path().join("examples/payments.drx")).expect("read");
    let pointed = text.replace(
        "code \"../lambda\"",
        &format!("code {:?}", root().join("lambda").display().to_string()),
    );
    std::fs::write(dir.path().join("examples/payments.drx"), pointed).expect("write");
    dir
}

fn example() -> String {
    std::fs::read_to_string(root().join("examples/payments.drx")).expect("read the example")
}

const APPLY: &[&str] = &["apply", "--auto-approve", "--cargo-profile", "dev"];
const DESTROY: &[&str] = &["destroy", "--auto-approve", "--allow-data-loss"];

fn mutating(aws: &Aws) -> u64 {
    aws.requests()["mutating"].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn apply_reads_back_reapplies_nothing_updates_recreates_and_destroys() {
    let aws = Aws::new("apply_e2e");
    let suffix = suffix(&aws);
    let dir = project(&example());
    let run = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(run.status, 0, "apply failed:\n{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("Apply complete: 51 created, 0 updated, 0 deleted."),
        "{}",
        run.stdout
    );

    read_back(&aws, &suffix).await;

    // Outputs carry the reference's keys with real values.
    let output = drx(&aws, &suffix, dir.path(), &["output", "--json"]);
    let outputs: serde_json::Value = serde_json::from_str(&output.stdout).expect("output --json");
    for key in [
        "primaryApiEndpoint",
        "secondaryApiEndpoint",
        "failoverDnsName",
        "healthCheckId",
        "alarmArns",
    ] {
        assert!(!outputs[key].is_null(), "missing {key}: {outputs}");
    }
    assert!(
        outputs["primaryApiEndpoint"]
            .as_str()
            .unwrap_or_default()
            .contains(".execute-api.us-east-1.amazonaws.com/prod")
    );
    assert_eq!(
        outputs["failoverDnsName"],
        format!("api.payment-{suffix}.test.local")
    );
    assert_eq!(outputs["alarmArns"].as_array().map(Vec::len), Some(6));

    // A second apply changes nothing and mutates nothing.
    let before = mutating(&aws);
    let again = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(again.status, 0, "{}", again.stderr);
    assert!(again.stdout.contains("No changes."), "{}", again.stdout);
    assert_eq!(
        mutating(&aws),
        before,
        "the second apply made mutating calls: {}",
        aws.requests()
    );

    // More memory: the function in each region is updated in place.
    std::fs::write(
        dir.path().join("examples/payments.drx"),
        std::fs::read_to_string(dir.path().join("examples/payments.drx"))
            .expect("read")
            .replace("memory 256MB", "memory 512MB"),
    )
    .expect("edit");
    let updated = drx(&aws, &suffix, dir.path(), APPLY);
    assert!(
        updated
            .stdout
            .contains("Apply complete: 0 created, 2 updated, 0 deleted."),
        "{}\n{}",
        updated.stdout,
        updated.stderr
    );
    for region in ["us-east-1", "us-east-2"] {
        let lambda = aws_sdk_lambda::Client::new(&aws.config(region).await);
        let function = lambda
            .get_function_configuration()
            .function_name(format!("payment-processor-{region}-{suffix}"))
            .send()
            .await
            .expect("function");
        assert_eq!(function.memory_size(), Some(512));
    }

    // A topic deleted behind drx's back is drift, and is created again.
    let sns = aws_sdk_sns::Client::new(&aws.config("us-east-2").await);
    sns.delete_topic()
        .topic_arn(format!(
            "arn:aws:sns:us-east-2:123456789012:failover-alerts-us-east-2-{suffix}"
        ))
        .send()
        .await
        .expect("delete topic");
    let plan = drx(&aws, &suffix, dir.path(), &["plan"]);
    assert!(
        plan.stderr
            .contains("drift: failover_alerts.topic@us-east-2 no longer exists"),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stdout
            .contains("# failover_alerts.topic@us-east-2 will be created"),
        "{}",
        plan.stdout
    );
    let recreated = drx(&aws, &suffix, dir.path(), APPLY);
    assert!(
        recreated.stdout.contains("Apply complete: 1 created"),
        "{}\n{}",
        recreated.stdout,
        recreated.stderr
    );
    assert!(
        sns.get_topic_attributes()
            .topic_arn(format!(
                "arn:aws:sns:us-east-2:123456789012:failover-alerts-us-east-2-{suffix}"
            ))
            .send()
            .await
            .is_ok()
    );

    // Settings changed behind drx's back are drift, shown and set back.
    let health_check = outputs["healthCheckId"].as_str().expect("healthCheckId");
    change_behind_drxs_back(&aws, &suffix, health_check).await;
    let plan = drx(&aws, &suffix, dir.path(), &["plan"]);
    for drift in [
        "drift: payment_processor.function@us-east-1 memory_size is 1024 in AWS, 512 as last applied",
        "drift: payment_processor.log_group@us-east-2 retention_days is 1 in AWS, 14 as last applied",
        "drift: payment_transactions.table@us-east-1 point_in_time_recovery is false in AWS, true as last applied",
        "drift: api.health_check failure_threshold is 5 in AWS, 3 as last applied",
        "drift: payment_docs.bucket@us-east-2 block_public_access is false in AWS, true as last applied",
        "drift: payment_processor.role_policy document changed outside drx (the plan shows how)",
    ] {
        assert!(
            plan.stderr.contains(drift),
            "missing {drift:?} in:\n{}",
            plan.stderr
        );
    }
    assert_eq!(
        plan.stderr.matches("drift:").count(),
        6,
        "only what changed is drift:\n{}",
        plan.stderr
    );
    for address in [
        "payment_processor.function@us-east-1",
        "payment_processor.log_group@us-east-2",
        "payment_transactions.table@us-east-1",
        "api.health_check",
        "payment_docs.bucket@us-east-2",
        "payment_processor.role_policy",
    ] {
        assert!(
            plan.stdout
                .contains(&format!("# {address} will be updated in place")),
            "{address}:\n{}",
            plan.stdout
        );
    }
    let json = drx(&aws, &suffix, dir.path(), &["plan", "--json"]);
    let document: serde_json::Value = serde_json::from_str(&json.stdout).expect("plan --json");
    let memory = document["drift"]
        .as_array()
        .expect("drift")
        .iter()
        .find(|d| d["attribute"] == "memory_size")
        .expect("memory drift");
    assert_eq!(
        (&memory["address"], &memory["last_applied"], &memory["actual"]),
        (
            &serde_json::json!("payment_processor.function@us-east-1"),
            &serde_json::json!(512),
            &serde_json::json!(1024)
        )
    );
    assert_eq!(document["drift"].as_array().map(Vec::len), Some(6));
    // Through a saved plan: it carries the refreshed state, so a setting
    // only the live value differs in (recovery) is set back too.
    let saved_plan = dir.path().join("drift.json");
    let saved_plan = saved_plan.to_str().expect("path");
    let saved = drx(&aws, &suffix, dir.path(), &["plan", "-o", saved_plan]);
    assert_eq!(saved.status, 0, "{}", saved.stderr);
    let restored = ran(caller(
        &aws,
        &suffix,
        dir.path(),
        &["apply", "--auto-approve", "--cargo-profile", "dev", saved_plan],
    ));
    assert!(
        restored
            .stdout
            .contains("Apply complete: 0 created, 6 updated, 0 deleted."),
        "{}\n{}",
        restored.stdout,
        restored.stderr
    );
    read_back(&aws, &suffix).await;
    let settled = drx(&aws, &suffix, dir.path(), &["plan"]);
    assert!(
        !settled.stderr.contains("drift:") && settled.stdout.contains("No changes."),
        "{}\n{}",
        settled.stdout,
        settled.stderr
    );
    // And straight from the file: recovery turned off again is turned on.
    set_table_recovery(&aws, &suffix, false).await;
    let fixed = drx(&aws, &suffix, dir.path(), APPLY);
    assert!(
        fixed
            .stderr
            .contains("drift: payment_transactions.table@us-east-1 point_in_time_recovery is false in AWS")
            && fixed
                .stdout
                .contains("Apply complete: 0 created, 1 updated, 0 deleted."),
        "{}\n{}",
        fixed.stdout,
        fixed.stderr
    );
    read_back(&aws, &suffix).await;

    // New tags: every tagged resource is updated in place, and a key no
    // longer wanted is removed, not left behind.
    std::fs::write(
        dir.path().join("examples/payments.drx"),
        std::fs::read_to_string(dir.path().join("examples/payments.drx"))
            .expect("read")
            .replace(
                "tags { project: \"payment-processing\", environment: suffix }",
                "tags { project: \"payments\", owner: \"dr-team\" }",
            ),
    )
    .expect("edit");
    let retagged = drx(&aws, &suffix, dir.path(), APPLY);
    assert!(
        retagged.stdout.contains("Apply complete: 0 created,")
            && retagged.stdout.contains("updated, 0 deleted."),
        "{}\n{}",
        retagged.stdout,
        retagged.stderr
    );
    assert_retagged(&aws, &suffix, health_check).await;
    let settled = drx(&aws, &suffix, dir.path(), &["plan"]);
    assert!(
        settled.stdout.contains("No changes."),
        "{}\n{}",
        settled.stdout,
        settled.stderr
    );

    // Destroy leaves nothing carrying the suffix, in either region.
    let destroyed = drx(&aws, &suffix, dir.path(), DESTROY);
    assert_eq!(destroyed.status, 0, "{}\n{}", destroyed.stdout, destroyed.stderr);
    assert!(
        destroyed
            .stdout
            .contains("Destroy complete: 0 created, 0 updated, 51 deleted."),
        "{}",
        destroyed.stdout
    );
    assert_nothing_left(&aws, &suffix).await;
}

/// What someone might do in the console: more memory, shorter log
/// retention, recovery off, a laxer health check, the public-access block
/// gone, and a policy that grants everything.
async fn change_behind_drxs_back(aws: &Aws, suffix: &str, health_check: &str) {
    aws_sdk_lambda::Client::new(&aws.config("us-east-1").await)
        .update_function_configuration()
        .function_name(format!("payment-processor-us-east-1-{suffix}"))
        .memory_size(1024)
        .send()
        .await
        .expect("change memory");
    aws_sdk_cloudwatchlogs::Client::new(&aws.config("us-east-2").await)
        .put_retention_policy()
        .log_group_name(format!("/aws/lambda/payment-processor-us-east-2-{suffix}"))
        .retention_in_days(1)
        .send()
        .await
        .expect("change retention");
    set_table_recovery(aws, suffix, false).await;
    aws_sdk_route53::Client::new(&aws.config("us-east-1").await)
        .update_health_check()
        .health_check_id(health_check)
        .failure_threshold(5)
        .send()
        .await
        .expect("change threshold");
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&aws.config("us-east-2").await)
            .force_path_style(true)
            .build(),
    )
    .delete_public_access_block()
    .bucket(format!("payment-docs-us-east-2-{suffix}"))
    .send()
    .await
    .expect("remove the public-access block");
    aws_sdk_iam::Client::new(&aws.config("us-east-1").await)
        .put_role_policy()
        .role_name(format!("payment-processor-role-{suffix}"))
        .policy_name("least-privilege")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        )
        .send()
        .await
        .expect("widen the policy");
}

async fn set_table_recovery(aws: &Aws, suffix: &str, enabled: bool) {
    aws_sdk_dynamodb::Client::new(&aws.config("us-east-1").await)
        .update_continuous_backups()
        .table_name(format!("payment-transactions-{suffix}"))
        .point_in_time_recovery_specification(
            aws_sdk_dynamodb::types::PointInTimeRecoverySpecification::builder()
                .point_in_time_recovery_enabled(enabled)
                .build()
                .expect("specification"),
        )
        .send()
        .await
        .expect("set point-in-time recovery");
}

/// The tags of one resource of each tagged kind, as AWS reports them.
async fn assert_retagged(aws: &Aws, suffix: &str, health_check: &str) {
    let expect = |what: &str, tags: std::collections::BTreeMap<String, String>| {
        assert_eq!(
            tags.get("project").map(String::as_str),
            Some("payments"),
            "{what}: {tags:?}"
        );
        assert_eq!(
            tags.get("owner").map(String::as_str),
            Some("dr-team"),
            "{what}: {tags:?}"
        );
        assert!(
            !tags.contains_key("environment"),
            "{what} kept a removed tag: {tags:?}"
        );
    };
    let region = "us-east-1";
    let account = "123456789012";
    let dynamodb = aws_sdk_dynamodb::Client::new(&aws.config(region).await);
    let tags = dynamodb
        .list_tags_of_resource()
        .resource_arn(format!(
            "arn:aws:dynamodb:{region}:{account}:table/payment-transactions-{suffix}"
        ))
        .send()
        .await
        .expect("table tags");
    expect(
        "table",
        tags.tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect(),
    );
    let function = aws_sdk_lambda::Client::new(&aws.config(region).await)
        .get_function()
        .function_name(format!("payment-processor-{region}-{suffix}"))
        .send()
        .await
        .expect("function");
    expect(
        "function",
        function.tags().cloned().unwrap_or_default().into_iter().collect(),
    );
    let logs = aws_sdk_cloudwatchlogs::Client::new(&aws.config(region).await)
        .list_tags_for_resource()
        .resource_arn(format!(
            "arn:aws:logs:{region}:{account}:log-group:/aws/lambda/payment-processor-{region}-{suffix}"
        ))
        .send()
        .await
        .expect("log group tags");
    expect(
        "log group",
        logs.tags().cloned().unwrap_or_default().into_iter().collect(),
    );
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&aws.config(region).await);
    let alarm = cloudwatch
        .list_tags_for_resource()
        .resource_arn(format!(
            "arn:aws:cloudwatch:{region}:{account}:alarm:primary-health-{region}-{suffix}"
        ))
        .send()
        .await
        .expect("alarm tags");
    expect(
        "alarm",
        alarm
            .tags()
            .iter()
            .map(|t| {
                (
                    t.key().unwrap_or_default().to_string(),
                    t.value().unwrap_or_default().to_string(),
                )
            })
            .collect(),
    );
    let role = aws_sdk_iam::Client::new(&aws.config(region).await)
        .list_role_tags()
        .role_name(format!("payment-processor-role-{suffix}"))
        .send()
        .await
        .expect("role tags");
    expect(
        "role",
        role.tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect(),
    );
    let check = aws_sdk_route53::Client::new(&aws.config(region).await)
        .list_tags_for_resource()
        .resource_type(aws_sdk_route53::types::TagResourceType::Healthcheck)
        .resource_id(health_check)
        .send()
        .await
        .expect("health check tags");
    expect(
        "health check",
        check
            .resource_tag_set()
            .map(|set| {
                set.tags()
                    .iter()
                    .map(|t| {
                        (
                            t.key().unwrap_or_default().to_string(),
                            t.value().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
    );
}

/// Every resource of the example, as AWS reports it.
async fn read_back(aws: &Aws, suffix: &str) {
    let table = format!("payment-transactions-{suffix}");
    let dynamodb = aws_sdk_dynamodb::Client::new(&aws.config("us-east-1").await);
    let described = dynamodb
        .describe_table()
        .table_name(&table)
        .send()
        .await
        .expect("table")
        .table
        .expect("table");
    assert_eq!(
        described
            .stream_specification()
            .and_then(|s| s.stream_view_type())
            .map(|v| v.as_str()),
        Some("NEW_AND_OLD_IMAGES")
    );
    assert_eq!(
        described
            .billing_mode_summary()
            .and_then(|b| b.billing_mode())
            .map(|m| m.as_str()),
        Some("PAY_PER_REQUEST")
    );
    let replica = described
        .replicas()
        .iter()
        .find(|r| r.region_name() == Some("us-east-2"))
        .expect("replica");
    assert_eq!(replica.replica_status().map(|s| s.as_str()), Some("ACTIVE"));
    let backups = dynamodb
        .describe_continuous_backups()
        .table_name(&table)
        .send()
        .await
        .expect("backups");
    let pitr = backups
        .continuous_backups_description()
        .and_then(|d| d.point_in_time_recovery_description());
    assert_eq!(
        pitr.and_then(|p| p.point_in_time_recovery_status())
            .map(|s| s.as_str()),
        Some("ENABLED")
    );

    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&aws.config("us-east-1").await)
            .force_path_style(true)
            .build(),
    );
    for region in ["us-east-1", "us-east-2"] {
        let bucket = format!("payment-docs-{region}-{suffix}");
        let versioning = s3
            .get_bucket_versioning()
            .bucket(&bucket)
            .send()
            .await
            .expect("versioning");
        assert_eq!(
            versioning.status().map(|s| s.as_str()),
            Some("Enabled"),
            "{bucket}"
        );
        let encryption = s3
            .get_bucket_encryption()
            .bucket(&bucket)
            .send()
            .await
            .expect("encryption");
        let rule = &encryption
            .server_side_encryption_configuration()
            .expect("configuration")
            .rules()[0];
        assert_eq!(
            rule.apply_server_side_encryption_by_default()
                .map(|d| d.sse_algorithm().as_str()),
            Some("AES256")
        );
        let block = s3
            .get_public_access_block()
            .bucket(&bucket)
            .send()
            .await
            .expect("public access block");
        let block = block.public_access_block_configuration().expect("configuration");
        assert_eq!(
            (block.block_public_acls(), block.restrict_public_buckets()),
            (Some(true), Some(true))
        );
    }
    let replication = s3
        .get_bucket_replication()
        .bucket(format!("payment-docs-us-east-1-{suffix}"))
        .send()
        .await
        .expect("replication");
    let rule = &replication
        .replication_configuration()
        .expect("configuration")
        .rules()[0];
    let destination = rule.destination().expect("destination");
    assert_eq!(
        destination.bucket(),
        format!("arn:aws:s3:::payment-docs-us-east-2-{suffix}")
    );
    assert_eq!(
        destination
            .replication_time()
            .and_then(|t| t.time())
            .and_then(|t| t.minutes()),
        Some(15)
    );
    assert_eq!(
        destination.metrics().map(|m| m.status().as_str()),
        Some("Enabled")
    );

    let mut configurations = Vec::new();
    for region in ["us-east-1", "us-east-2"] {
        let config = aws.config(region).await;
        let name = format!("payment-processor-{region}-{suffix}");
        let lambda = aws_sdk_lambda::Client::new(&config);
        let function = lambda
            .get_function_configuration()
            .function_name(&name)
            .send()
            .await
            .expect("function");
        let variables = function
            .environment()
            .and_then(|e| e.variables())
            .cloned()
            .unwrap_or_default();
        assert!(!variables.contains_key("AWS_REGION"), "no reserved keys");
        assert_eq!(
            variables.get("BUCKET_NAME"),
            Some(&format!("payment-docs-{region}-{suffix}"))
        );
        assert_eq!(variables.get("TABLE_NAME"), Some(&table));
        configurations.push((
            function.memory_size(),
            function.timeout(),
            function.runtime().map(|r| r.as_str().to_string()),
            function.handler().map(str::to_string),
        ));
        let policy = lambda
            .get_policy()
            .function_name(&name)
            .send()
            .await
            .expect("invoke permission");
        assert!(
            policy
                .policy()
                .unwrap_or_default()
                .contains("apigateway.amazonaws.com")
        );

        let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
        let groups = logs
            .describe_log_groups()
            .log_group_name_prefix(format!("/aws/lambda/{name}"))
            .send()
            .await
            .expect("log groups");
        assert_eq!(groups.log_groups()[0].retention_in_days(), Some(14));

        let apigateway = aws_sdk_apigateway::Client::new(&config);
        let apis = apigateway.get_rest_apis().send().await.expect("apis");
        let api = apis
            .items()
            .iter()
            .find(|a| a.name() == Some(format!("payment-api-{region}-{suffix}").as_str()))
            .expect("api");
        let api_id = api.id().expect("id");
        apigateway
            .get_stage()
            .rest_api_id(api_id)
            .stage_name("prod")
            .send()
            .await
            .expect("stage prod");
        let resources = apigateway
            .get_resources()
            .rest_api_id(api_id)
            .send()
            .await
            .expect("resources");
        for (method, path) in [
            ("POST", "/payments"),
            ("GET", "/payments/{id}"),
            ("GET", "/health"),
        ] {
            let resource = resources
                .items()
                .iter()
                .find(|r| r.path() == Some(path))
                .unwrap_or_else(|| panic!("no {path}"));
            let integration = apigateway
                .get_integration()
                .rest_api_id(api_id)
                .resource_id(resource.id().expect("id"))
                .http_method(method)
                .send()
                .await
                .expect("integration");
            assert_eq!(integration.r#type().map(|t| t.as_str()), Some("AWS_PROXY"));
            assert_eq!(integration.http_method(), Some("POST"));
        }

        let sns = aws_sdk_sns::Client::new(&config);
        sns.get_topic_attributes()
            .topic_arn(format!(
                "arn:aws:sns:{region}:123456789012:failover-alerts-{region}-{suffix}"
            ))
            .send()
            .await
            .expect("topic");

        let cloudwatch = aws_sdk_cloudwatch::Client::new(&config);
        let alarms = cloudwatch
            .describe_alarms()
            .alarm_name_prefix("")
            .send()
            .await
            .expect("alarms");
        let ours: Vec<_> = alarms
            .metric_alarms()
            .iter()
            .filter(|a| a.alarm_name().is_some_and(|n| n.ends_with(suffix)))
            .collect();
        assert!(!ours.is_empty(), "no alarms in {region}");
        for alarm in ours {
            for action in alarm.alarm_actions() {
                assert!(
                    action.starts_with(&format!("arn:aws:sns:{region}:")),
                    "{action} is not in {region}"
                );
            }
        }
    }
    assert_eq!(
        configurations[0], configurations[1],
        "identical configuration in both regions"
    );

    let route53 = aws_sdk_route53::Client::new(&aws.config("us-east-1").await);
    let zones = route53.list_hosted_zones().send().await.expect("zones");
    let zone = zones
        .hosted_zones()
        .iter()
        .find(|z| z.name().trim_end_matches('.') == format!("payment-{suffix}.test.local"))
        .expect("zone");
    let records = route53
        .list_resource_record_sets()
        .hosted_zone_id(zone.id())
        .send()
        .await
        .expect("records");
    let failover: Vec<&str> = records
        .resource_record_sets()
        .iter()
        .filter_map(|r| r.failover().map(|f| f.as_str()))
        .collect();
    assert!(
        failover.contains(&"PRIMARY") && failover.contains(&"SECONDARY"),
        "{failover:?}"
    );
    let primary = records
        .resource_record_sets()
        .iter()
        .find(|r| r.failover().map(|f| f.as_str()) == Some("PRIMARY"))
        .expect("primary");
    let check_id = primary
        .health_check_id()
        .expect("the primary record is health-checked");
    let check = route53
        .get_health_check()
        .health_check_id(check_id)
        .send()
        .await
        .expect("health check");
    let config = check
        .health_check()
        .map(|c| c.health_check_config())
        .expect("config")
        .expect("config");
    assert_eq!(config.r#type().as_str(), "HTTPS");
    assert_eq!(
        (config.request_interval(), config.failure_threshold()),
        (Some(30), Some(3))
    );
    assert!(
        config
            .fully_qualified_domain_name()
            .unwrap_or_default()
            .ends_with(".execute-api.us-east-1.amazonaws.com")
    );
    assert_eq!(config.resource_path(), Some("/prod/health"));

    let iam = aws_sdk_iam::Client::new(&aws.config("us-east-1").await);
    for role in [
        format!("payment-processor-role-{suffix}"),
        format!("payment-docs-replication-{suffix}"),
        format!("dr-operator-{suffix}"),
    ] {
        iam.get_role()
            .role_name(&role)
            .send()
            .await
            .unwrap_or_else(|e| panic!("role {role}: {e:?}"));
    }
}

async fn assert_nothing_left(aws: &Aws, suffix: &str) {
    for region in ["us-east-1", "us-east-2"] {
        let config = aws.config(region).await;
        let tables = aws_sdk_dynamodb::Client::new(&config)
            .list_tables()
            .send()
            .await
            .expect("tables");
        assert!(
            !tables.table_names().iter().any(|t| t.contains(suffix)),
            "tables left in {region}"
        );
        let functions = aws_sdk_lambda::Client::new(&config)
            .list_functions()
            .send()
            .await
            .expect("functions");
        assert!(
            !functions
                .functions()
                .iter()
                .any(|f| f.function_name().unwrap_or_default().contains(suffix))
        );
        let apis = aws_sdk_apigateway::Client::new(&config)
            .get_rest_apis()
            .send()
            .await
            .expect("apis");
        assert!(
            !apis
                .items()
                .iter()
                .any(|a| a.name().unwrap_or_default().contains(suffix))
        );
        let topics = aws_sdk_sns::Client::new(&config)
            .list_topics()
            .send()
            .await
            .expect("topics");
        assert!(
            !topics
                .topics()
                .iter()
                .any(|t| t.topic_arn().unwrap_or_default().contains(suffix))
        );
        let alarms = aws_sdk_cloudwatch::Client::new(&config)
            .describe_alarms()
            .send()
            .await
            .expect("alarms");
        assert!(
            !alarms
                .metric_alarms()
                .iter()
                .any(|a| a.alarm_name().unwrap_or_default().contains(suffix))
        );
        let groups = aws_sdk_cloudwatchlogs::Client::new(&config)
            .describe_log_groups()
            .send()
            .await
            .expect("log groups");
        assert!(
            !groups
                .log_groups()
                .iter()
                .any(|g| g.log_group_name().unwrap_or_default().contains(suffix))
        );
    }
    let config = aws.config("us-east-1").await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    let buckets = s3.list_buckets().send().await.expect("buckets");
    assert!(
        !buckets
            .buckets()
            .iter()
            .any(|b| b.name().unwrap_or_default().contains(suffix))
    );
    let roles = aws_sdk_iam::Client::new(&config)
        .list_roles()
        .send()
        .await
        .expect("roles");
    assert!(!roles.roles().iter().any(|r| r.role_name().contains(suffix)));
    let route53 = aws_sdk_route53::Client::new(&config);
    let zones = route53.list_hosted_zones().send().await.expect("zones");
    assert!(!zones.hosted_zones().iter().any(|z| z.name().contains(suffix)));
}

#[tokio::test]
async fn apply_converges_through_throttling() {
    let aws = Aws::new("apply_throttled");
    let suffix = suffix(&aws);
    let dir = project(&example());
    aws.inject(serde_json::json!({ "error_rate": 0.2 }));
    let run = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(
        run.status, 0,
        "apply did not converge:\n{}\n{}",
        run.stdout, run.stderr
    );
    assert!(
        run.stdout.contains("Apply complete: 51 created"),
        "{}",
        run.stdout
    );
    aws.clear_faults();
    let destroyed = drx(&aws, &suffix, dir.path(), DESTROY);
    assert_eq!(destroyed.status, 0, "{}\n{}", destroyed.stdout, destroyed.stderr);
}

#[tokio::test]
async fn a_failure_stops_only_its_dependents_and_a_reapply_finishes() {
    let aws = Aws::new("apply_failure");
    let suffix = suffix(&aws);
    let dir = project(&example());
    // Creating the topics is denied: a failure no retry cures.
    aws.inject(serde_json::json!({ "service": "sns", "operation": "CreateTopic", "error_rate": 1.0, "error": "access_denied" }));
    let run = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("failed: failover_alerts.topic@us-east-1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("skipped: lambda_errors.alarm@us-east-1"),
        "alarms need their topic: {}",
        run.stdout
    );
    // Independent resources were applied and recorded.
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("state.json")).expect("state"))
            .expect("json");
    let recorded: Vec<&str> = state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(|r| r["address"].as_str())
        .collect();
    for independent in [
        "payment_transactions.table@us-east-1",
        "payment_processor.function@us-east-2",
        "api.zone",
    ] {
        assert!(
            recorded.contains(&independent),
            "{independent} was not recorded: {recorded:?}"
        );
    }
    assert!(!recorded.iter().any(|a| a.starts_with("failover_alerts.")));

    aws.clear_faults();
    let again = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(again.status, 0, "{}\n{}", again.stdout, again.stderr);
    assert!(again.stdout.contains("Apply complete"), "{}", again.stdout);
    let finished = drx(&aws, &suffix, dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(finished.status, 0, "{}", finished.stdout);
    drx(&aws, &suffix, dir.path(), DESTROY);
}

#[tokio::test]
async fn ctrl_c_stops_scheduling_saves_state_and_a_reapply_finishes() {
    let aws = Aws::new("apply_interrupted");
    let suffix = suffix(&aws);
    let dir = project(&example());
    // Slow calls, so the interrupt lands mid-apply.
    aws.inject(serde_json::json!({ "delay_ms": 200 }));
    let mut args = APPLY.to_vec();
    args.extend(["--parallelism", "2"]);
    let child = drx_command(&aws, &suffix, dir.path(), &args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start drx");
    // Wait until something has been created, then interrupt.
    let state_file = dir.path().join("state.json");
    for _ in 0..200 {
        if std::fs::read_to_string(&state_file).is_ok_and(|s| s.contains("\"address\"")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let output = child.wait_with_output().expect("drx exits");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("Apply interrupted"), "{stdout}");

    // What was done is recorded, and the state is whole.
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state_file).expect("state")).expect("valid state");
    let recorded = state["resources"].as_array().map(Vec::len).unwrap_or(0);
    assert!(recorded > 0 && recorded < 51, "{recorded} resources recorded");

    aws.clear_faults();
    let finished = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(finished.status, 0, "{}\n{}", finished.stdout, finished.stderr);
    let plan = drx(&aws, &suffix, dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.status, 0, "{}", plan.stdout);
    drx(&aws, &suffix, dir.path(), DESTROY);
}
