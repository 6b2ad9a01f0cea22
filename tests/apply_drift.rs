//! What the lifecycle test changes behind drx's back, and how it checks
//! that drx set it back: settings changed through the SDK, recovery turned
//! off, tags read back.

use crate::aws::Aws;

/// What someone might do in the console: more memory, shorter log
/// retention, recovery off, a laxer health check, the public-access block
/// gone, and a policy that grants everything.
pub(crate) async fn change_behind_drxs_back(aws: &Aws, suffix: &str, health_check: &str) {
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

pub(crate) async fn set_table_recovery(aws: &Aws, suffix: &str, enabled: bool) {
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
pub(crate) async fn assert_retagged(aws: &Aws, suffix: &str, health_check: &str) {
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
