//! Every resource of the example read back through the SDK after an apply,
//! and nothing left after a destroy — listed through the SDK, not through
//! drx's state.

use std::collections::BTreeSet;

use crate::aws::Aws;

/// The payment function in `region` as Lambda has it: its memory, its
/// tracing mode and its reserved concurrency.
pub(crate) async fn function_settings(
    aws: &Aws,
    region: &str,
    suffix: &str,
) -> (Option<i32>, Option<String>, Option<i32>) {
    let lambda = aws_sdk_lambda::Client::new(&aws.config(region).await);
    let name = format!("payment-processor-{region}-{suffix}");
    let function = lambda
        .get_function_configuration()
        .function_name(&name)
        .send()
        .await
        .expect("function");
    let reserved = lambda
        .get_function_concurrency()
        .function_name(&name)
        .send()
        .await
        .expect("concurrency");
    (
        function.memory_size(),
        function
            .tracing_config()
            .and_then(|t| t.mode())
            .map(|m| m.as_str().to_string()),
        reserved.reserved_concurrent_executions(),
    )
}

/// Every resource of the example, as AWS reports it.
pub(crate) async fn read_back(aws: &Aws, suffix: &str) {
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
    // Protected against deletion, the table and its replica each.
    assert_eq!(described.deletion_protection_enabled(), Some(true), "the table");
    let replica_table = aws_sdk_dynamodb::Client::new(&aws.config("us-east-2").await)
        .describe_table()
        .table_name(&table)
        .send()
        .await
        .expect("the replica's table")
        .table
        .expect("table");
    assert_eq!(
        replica_table.deletion_protection_enabled(),
        Some(true),
        "the replica"
    );
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

    for region in ["us-east-1", "us-east-2"] {
        // Each bucket through its own region, as S3 requires.
        let s3 = aws.s3(region).await;
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
        // TLS only, and ACLs off: the bucket owns every object.
        let policy = s3
            .get_bucket_policy()
            .bucket(&bucket)
            .send()
            .await
            .expect("a bucket policy");
        let policy: serde_json::Value =
            serde_json::from_str(policy.policy().unwrap_or_default()).expect("policy JSON");
        assert_eq!(policy["Statement"][0]["Effect"], "Deny", "{bucket}: {policy}");
        assert_eq!(
            policy["Statement"][0]["Condition"]["Bool"]["aws:SecureTransport"], "false",
            "{bucket}: {policy}"
        );
        let ownership = s3
            .get_bucket_ownership_controls()
            .bucket(&bucket)
            .send()
            .await
            .expect("ownership controls");
        assert_eq!(
            ownership
                .ownership_controls()
                .and_then(|c| c.rules().first())
                .map(|r| r.object_ownership().as_str()),
            Some("BucketOwnerEnforced"),
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
        // Server access logs go to the region's log bucket, under the
        // bucket's name.
        let log_bucket = format!("s3-access-logs-{region}-{suffix}");
        let logging = s3
            .get_bucket_logging()
            .bucket(&bucket)
            .send()
            .await
            .expect("logging");
        let enabled = logging.logging_enabled().expect("access logs on");
        assert_eq!(
            (enabled.target_bucket(), enabled.target_prefix()),
            (log_bucket.as_str(), format!("{bucket}/").as_str())
        );
        // The log bucket: private, TLS only, delivery granted to S3's
        // logging service for this bucket of this account, logs expiring
        // after a year, not logging itself.
        let policy = s3
            .get_bucket_policy()
            .bucket(&log_bucket)
            .send()
            .await
            .expect("the log bucket's policy");
        let policy: serde_json::Value =
            serde_json::from_str(policy.policy().unwrap_or_default()).expect("policy JSON");
        let statements = policy["Statement"].as_array().expect("statements");
        assert!(
            statements
                .iter()
                .any(|s| s["Condition"]["Bool"]["aws:SecureTransport"] == "false"),
            "{policy}"
        );
        let delivery = statements
            .iter()
            .find(|s| s["Principal"]["Service"] == "logging.s3.amazonaws.com")
            .unwrap_or_else(|| panic!("log delivery in {policy}"));
        assert_eq!(delivery["Action"], "s3:PutObject");
        assert_eq!(
            delivery["Condition"]["ArnLike"]["aws:SourceArn"],
            serde_json::json!([format!("arn:aws:s3:::{bucket}")])
        );
        assert_eq!(
            delivery["Condition"]["StringEquals"]["aws:SourceAccount"],
            "123456789012"
        );
        let lifecycle = s3
            .get_bucket_lifecycle_configuration()
            .bucket(&log_bucket)
            .send()
            .await
            .expect("lifecycle");
        assert_eq!(
            lifecycle.rules()[0].expiration().and_then(|e| e.days()),
            Some(365)
        );
        let block = s3
            .get_public_access_block()
            .bucket(&log_bucket)
            .send()
            .await
            .expect("public access block");
        assert_eq!(
            block
                .public_access_block_configuration()
                .and_then(|b| b.block_public_policy()),
            Some(true)
        );
        let own = s3
            .get_bucket_logging()
            .bucket(&log_bucket)
            .send()
            .await
            .expect("logging");
        assert!(
            own.logging_enabled().is_none(),
            "a log bucket does not log itself"
        );
    }
    let replication = aws
        .s3("us-east-1")
        .await
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
        // Traced with X-Ray, and a reserved concurrency by default.
        assert_eq!(
            function
                .tracing_config()
                .and_then(|t| t.mode())
                .map(|m| m.as_str()),
            Some("Active")
        );
        let reserved = lambda
            .get_function_concurrency()
            .function_name(&name)
            .send()
            .await
            .expect("concurrency");
        assert_eq!(reserved.reserved_concurrent_executions(), Some(100));
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
        let stage = apigateway
            .get_stage()
            .rest_api_id(api_id)
            .stage_name("prod")
            .send()
            .await
            .expect("stage prod");
        // Traced, throttled, and logging a JSON line per request into its
        // own group, with the account's CloudWatch role set to drx's.
        assert!(stage.tracing_enabled());
        let throttle = stage
            .method_settings()
            .and_then(|settings| settings.get("*/*"))
            .expect("throttling of every method");
        assert_eq!(
            (
                throttle.throttling_rate_limit(),
                throttle.throttling_burst_limit()
            ),
            (1000.0, 2000)
        );
        let access_log = stage.access_log_settings().expect("access logs");
        let group = format!("/aws/apigateway/payment-api-{region}-{suffix}/prod");
        assert_eq!(
            access_log.destination_arn(),
            Some(format!("arn:aws:logs:{region}:123456789012:log-group:{group}").as_str())
        );
        let format: serde_json::Value =
            serde_json::from_str(access_log.format().expect("a format")).expect("a JSON format");
        for field in ["requestId", "caller", "httpMethod", "path", "status", "latency"] {
            assert!(format.get(field).is_some(), "{field} in {format}");
        }
        let groups = logs
            .describe_log_groups()
            .log_group_name_prefix(&group)
            .send()
            .await
            .expect("access log group");
        assert_eq!(groups.log_groups().len(), 1, "{group}");
        let account = apigateway.get_account().send().await.expect("account");
        assert_eq!(
            account.cloudwatch_role_arn(),
            Some(format!("arn:aws:iam::123456789012:role/apigateway-cloudwatch-{suffix}").as_str())
        );
        let resources = apigateway
            .get_resources()
            .rest_api_id(api_id)
            .send()
            .await
            .expect("resources");
        // IAM by default; the failover's health path open to Route 53.
        for (method, path, authorization) in [
            ("POST", "/payments", "AWS_IAM"),
            ("GET", "/payments/{id}", "AWS_IAM"),
            ("GET", "/health", "NONE"),
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
            let found = apigateway
                .get_method()
                .rest_api_id(api_id)
                .resource_id(resource.id().expect("id"))
                .http_method(method)
                .send()
                .await
                .expect("method");
            assert_eq!(found.authorization_type(), Some(authorization), "{method} {path}");
        }

        let sns = aws_sdk_sns::Client::new(&config);
        let topic = sns
            .get_topic_attributes()
            .topic_arn(format!(
                "arn:aws:sns:{region}:123456789012:failover-alerts-{region}-{suffix}"
            ))
            .send()
            .await
            .expect("topic");
        // Encrypted with a customer-managed key of its own, rotated, whose
        // policy lets this account's CloudWatch alarms publish.
        let key_arn = topic
            .attributes()
            .and_then(|attributes| attributes.get("KmsMasterKeyId"))
            .expect("the topic is encrypted")
            .clone();
        let kms = aws_sdk_kms::Client::new(&config);
        let key = kms.describe_key().key_id(&key_arn).send().await.expect("the key");
        let metadata = key.key_metadata().expect("metadata");
        assert_eq!(metadata.arn(), Some(key_arn.as_str()));
        assert_eq!(
            metadata.key_manager(),
            Some(&aws_sdk_kms::types::KeyManagerType::Customer)
        );
        let alias = kms
            .describe_key()
            .key_id(format!("alias/failover-alerts-{region}-{suffix}"))
            .send()
            .await
            .expect("the alias");
        assert_eq!(alias.key_metadata().map(|k| k.key_id()), Some(metadata.key_id()));
        let rotation = kms
            .get_key_rotation_status()
            .key_id(&key_arn)
            .send()
            .await
            .expect("rotation");
        assert!(rotation.key_rotation_enabled());
        let policy = kms
            .get_key_policy()
            .key_id(&key_arn)
            .policy_name("default")
            .send()
            .await
            .expect("key policy");
        let policy: serde_json::Value =
            serde_json::from_str(policy.policy().expect("a policy")).expect("JSON");
        let cloudwatch = policy["Statement"]
            .as_array()
            .expect("statements")
            .iter()
            .find(|s| s["Principal"]["Service"] == "cloudwatch.amazonaws.com")
            .expect("a statement for CloudWatch");
        assert_eq!(
            cloudwatch["Action"],
            serde_json::json!(["kms:Decrypt", "kms:GenerateDataKey*"])
        );
        assert_eq!(
            cloudwatch["Condition"]["StringEquals"]["aws:SourceAccount"],
            "123456789012"
        );
        assert_eq!(
            cloudwatch["Condition"]["ArnLike"]["aws:SourceArn"],
            format!("arn:aws:cloudwatch:{region}:123456789012:alarm:*").as_str()
        );

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
    // The role people assume asks for MFA.
    let operator = iam
        .get_role()
        .role_name(format!("dr-operator-{suffix}"))
        .send()
        .await
        .expect("the operator role");
    let trust = operator
        .role()
        .and_then(|r| r.assume_role_policy_document())
        .expect("a trust policy");
    let trust: serde_json::Value =
        serde_json::from_str(&percent_encoding::percent_decode_str(trust).decode_utf8_lossy()).expect("JSON");
    assert_eq!(
        trust["Statement"][0]["Condition"]["Bool"]["aws:MultiFactorAuthPresent"], "true",
        "{trust}"
    );
}

/// Destroy left nothing of the stack: no resource carrying its suffix is
/// listed by any service.
pub(crate) async fn assert_nothing_left(aws: &Aws, suffix: &str) {
    let left = inventory(aws, suffix).await;
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// Every resource of the stack that AWS has, as `kind:id` in the form state
/// records its id, found by listing each service, not through drx.
pub(crate) async fn inventory(aws: &Aws, suffix: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut api_ids = Vec::new();
    for region in ["us-east-1", "us-east-2"] {
        let config = aws.config(region).await;
        let tables = aws_sdk_dynamodb::Client::new(&config)
            .list_tables()
            .send()
            .await
            .expect("tables");
        for table in tables.table_names().iter().filter(|t| t.contains(suffix)) {
            found.insert(format!("table:{table}@{region}"));
        }
        let functions = aws_sdk_lambda::Client::new(&config)
            .list_functions()
            .send()
            .await
            .expect("functions");
        for function in functions.functions() {
            let name = function.function_name().unwrap_or_default();
            if name.contains(suffix) {
                found.insert(format!("lambda_function:{name}"));
            }
        }
        let apis = aws_sdk_apigateway::Client::new(&config)
            .get_rest_apis()
            .limit(500)
            .send()
            .await
            .expect("apis");
        for api in apis.items() {
            if api.name().unwrap_or_default().contains(suffix) {
                let id = api.id().unwrap_or_default().to_string();
                found.insert(format!("api_gateway_rest_api:{id}"));
                api_ids.push(id);
            }
        }
        // Keys are tagged with the stack's environment, the suffix; one
        // scheduled for deletion is gone.
        let kms = aws_sdk_kms::Client::new(&config);
        let keys = kms.list_keys().limit(1000).send().await.expect("keys");
        for key in keys.keys() {
            let id = key.key_id().unwrap_or_default();
            let tags = kms
                .list_resource_tags()
                .key_id(id)
                .send()
                .await
                .expect("key tags");
            let ours = tags
                .tags()
                .iter()
                .any(|tag| tag.tag_key() == "environment" && tag.tag_value() == suffix);
            if !ours {
                continue;
            }
            let described = kms.describe_key().key_id(id).send().await.expect("key");
            let state = described.key_metadata().and_then(|k| k.key_state()).cloned();
            if state != Some(aws_sdk_kms::types::KeyState::PendingDeletion) {
                found.insert(format!("kms_key:{id}"));
            }
        }
        // An alias is part of its key; one whose key is not a live key of
        // the stack is left behind.
        let aliases = kms.list_aliases().limit(100).send().await.expect("aliases");
        for alias in aliases.aliases() {
            let name = alias.alias_name().unwrap_or_default();
            let target = format!("kms_key:{}", alias.target_key_id().unwrap_or_default());
            if name.contains(suffix) && !found.contains(&target) {
                found.insert(format!("kms_alias:{name}"));
            }
        }
        let topics = aws_sdk_sns::Client::new(&config)
            .list_topics()
            .send()
            .await
            .expect("topics");
        for topic in topics.topics() {
            let arn = topic.topic_arn().unwrap_or_default();
            if arn.contains(suffix) {
                found.insert(format!("sns_topic:{arn}"));
            }
        }
        let alarms = aws_sdk_cloudwatch::Client::new(&config)
            .describe_alarms()
            .send()
            .await
            .expect("alarms");
        for alarm in alarms.metric_alarms() {
            let name = alarm.alarm_name().unwrap_or_default();
            if name.contains(suffix) {
                found.insert(format!("cloudwatch_metric_alarm:{name}"));
            }
        }
        let groups = aws_sdk_cloudwatchlogs::Client::new(&config)
            .describe_log_groups()
            .send()
            .await
            .expect("log groups");
        for group in groups.log_groups() {
            let name = group.log_group_name().unwrap_or_default();
            if name.contains(suffix) {
                found.insert(format!("cloudwatch_log_group:{name}"));
            }
        }
    }
    let config = aws.config("us-east-1").await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    for bucket in s3.list_buckets().send().await.expect("buckets").buckets() {
        let name = bucket.name().unwrap_or_default();
        if name.contains(suffix) {
            found.insert(format!("s3_bucket:{name}"));
        }
    }
    let roles = aws_sdk_iam::Client::new(&config)
        .list_roles()
        .max_items(1000)
        .send()
        .await
        .expect("roles");
    for role in roles.roles().iter().filter(|r| r.role_name().contains(suffix)) {
        found.insert(format!("iam_role:{}", role.role_name()));
    }
    let route53 = aws_sdk_route53::Client::new(&config);
    let zones = route53.list_hosted_zones().send().await.expect("zones");
    for zone in zones.hosted_zones().iter().filter(|z| z.name().contains(suffix)) {
        found.insert(format!(
            "route53_zone:{}",
            zone.id().rsplit('/').next().unwrap_or_default()
        ));
    }
    // Health checks carry no name: the stack's are those probing its APIs.
    let checks = route53
        .list_health_checks()
        .max_items(1000)
        .send()
        .await
        .expect("health checks");
    for check in checks.health_checks() {
        let fqdn = check
            .health_check_config()
            .and_then(|c| c.fully_qualified_domain_name())
            .unwrap_or_default();
        if api_ids.iter().any(|id| fqdn.starts_with(&format!("{id}."))) {
            found.insert(format!("route53_health_check:{}", check.id()));
        }
    }
    found
}
