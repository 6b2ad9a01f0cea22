//! Every secure default can be relaxed by its one line, and tightened again
//! in place — what a stack applied before the defaults meets on upgrade: the
//! example applied with each relaxation AWS shows as such, then applied as
//! it is, reads back as the defaults say, plans no change and destroys to
//! nothing.

use crate::apply::{APPLY, DESTROY, drx, example, project, suffix};
use crate::apply_read_back::{assert_nothing_left, read_back};
use crate::aws::Aws;

/// The example with every default the language can relax relaxed.
fn relaxed() -> String {
    let edits = [
        (
            "  stage prod\n",
            "  stage prod\n  auth none\n  tracing off\n  logs off\n",
        ),
        ("  timeout 30s\n", "  timeout 30s\n  tracing off\n"),
        (
            "  encryption aes256\n",
            "  encryption aes256\n  tls_only off\n  acls enabled\n  access_logs off\n",
        ),
        (
            "  recovery point_in_time\n",
            "  recovery point_in_time\n  deletion_protection off\n",
        ),
        (
            "alerts failover_alerts {\n",
            "alerts failover_alerts {\n  encryption none\n",
        ),
        ("  trust account_root\n", "  trust account_root\n  mfa optional\n"),
    ];
    let mut text = example();
    for (at, with) in edits {
        assert!(text.contains(at), "the example has {at:?}");
        text = text.replacen(at, with, 1);
    }
    text
}

#[tokio::test]
async fn every_default_relaxed_then_tightened_in_place() {
    let aws = Aws::new("apply_relaxed");
    let suffix = suffix(&aws);
    let dir = project(&relaxed());
    let applied = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(applied.status, 0, "{}\n{}", applied.stdout, applied.stderr);
    assert!(
        applied.stderr.contains("drx::check::public_route"),
        "a public route is a warning: {}",
        applied.stderr
    );

    let config = aws.config("us-east-1").await;
    let sns = aws_sdk_sns::Client::new(&config);
    let topic = sns
        .get_topic_attributes()
        .topic_arn(format!(
            "arn:aws:sns:us-east-1:123456789012:failover-alerts-us-east-1-{suffix}"
        ))
        .send()
        .await
        .expect("topic");
    assert!(
        topic
            .attributes()
            .and_then(|a| a.get("KmsMasterKeyId"))
            .is_none_or(|key| key.is_empty()),
        "unencrypted"
    );
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    let docs = format!("payment-docs-us-east-1-{suffix}");
    let logging = s3
        .get_bucket_logging()
        .bucket(&docs)
        .send()
        .await
        .expect("logging");
    assert!(logging.logging_enabled().is_none(), "no access logs");
    assert!(
        s3.get_bucket_policy().bucket(&docs).send().await.is_err(),
        "no TLS-only policy"
    );
    assert!(
        s3.head_bucket()
            .bucket(format!("s3-access-logs-us-east-1-{suffix}"))
            .send()
            .await
            .is_err(),
        "no log bucket"
    );
    let gateway = aws_sdk_apigateway::Client::new(&config);
    let apis = gateway.get_rest_apis().limit(500).send().await.expect("apis");
    let api = apis
        .items()
        .iter()
        .find(|a| a.name() == Some(format!("payment-api-us-east-1-{suffix}").as_str()))
        .and_then(|a| a.id())
        .expect("api")
        .to_string();
    let stage = gateway
        .get_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .send()
        .await
        .expect("stage");
    assert!(!stage.tracing_enabled());
    assert!(
        stage
            .access_log_settings()
            .is_none_or(|l| l.destination_arn().is_none())
    );
    let (_, tracing, _) = crate::apply_read_back::function_settings(&aws, "us-east-1", &suffix).await;
    assert_eq!(tracing.as_deref(), Some("PassThrough"));

    // The file as the example has it: each default back, in place where
    // AWS allows; nothing of the stack replaced.
    let example = project(&example());
    std::fs::copy(
        example.path().join("examples/payments.drx"),
        dir.path().join("examples/payments.drx"),
    )
    .expect("copy");
    let tightened = drx(&aws, &suffix, dir.path(), APPLY);
    assert_eq!(tightened.status, 0, "{}\n{}", tightened.stdout, tightened.stderr);
    // The deployments are new (a method's authorization is served only by
    // a new one); everything else is made or changed in place.
    let replaced: Vec<&str> = tightened
        .stdout
        .lines()
        .filter(|line| line.contains("must be replaced"))
        .collect();
    assert_eq!(replaced.len(), 2, "{}", tightened.stdout);
    assert!(
        replaced
            .iter()
            .all(|line| line.contains("payment_api.deployment@")),
        "{replaced:?}"
    );
    assert!(
        tightened
            .stdout
            .contains("Apply complete: 12 created, 16 updated, 2 deleted."),
        "{}",
        tightened.stdout
    );
    read_back(&aws, &suffix).await;
    let settled = drx(&aws, &suffix, dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(settled.status, 0, "{}\n{}", settled.stdout, settled.stderr);

    let destroyed = drx(&aws, &suffix, dir.path(), DESTROY);
    assert_eq!(destroyed.status, 0, "{}\n{}", destroyed.stdout, destroyed.stderr);
    assert_nothing_left(&aws, &suffix).await;
}
