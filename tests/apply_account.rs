//! A resource type added through the catalog, end to end: API Gateway's
//! account-level CloudWatch role (`api_gateway_account`) in two regions,
//! applied by the executor through the real provider, read back through the
//! SDK, drift found and set back, and destroy clearing only what is drx's.

use std::sync::Arc;

use drx::apply::{ApplyOptions, Event, apply, refresh};
use drx::model::Region;
use drx::model::resources::{
    ApiAccount, Attributes, IamRole, IamRolePolicy, PolicyDocument, PolicyStatement, Principal, Resource,
};
use drx::model::template::Val;
use drx::plan::{Desired, Plan, destroy_plan, plan_desired};
use drx::state::{LocalBackend, State};

use crate::aws::Aws;

fn resource(address: &str, region: Option<&str>, attributes: Attributes) -> Resource {
    Resource {
        address: address.to_string(),
        region: region.map(|r| Region(r.to_string())),
        attributes,
        depends_on: Vec::new(),
        replaced_with: Vec::new(),
        block: "logging".into(),
        span: drx::source::Span::default(),
    }
}

fn desired(role_name: &str) -> Vec<Resource> {
    let role = resource(
        "logging.role",
        None,
        Attributes::IamRole(IamRole {
            name: role_name.to_string(),
            assume_role_policy: PolicyDocument {
                statements: vec![PolicyStatement {
                    sid: "ApiGatewayAssumes".into(),
                    actions: vec!["sts:AssumeRole".into()],
                    resources: Vec::new(),
                    principal: Some(Principal::Service("apigateway.amazonaws.com".into())),
                    condition: None,
                }],
            },
            description: "API Gateway writes access logs with this role".into(),
            tags: Default::default(),
        }),
    );
    let policy = resource(
        "logging.role_policy",
        None,
        Attributes::IamRolePolicy(IamRolePolicy {
            role: Val::known(role_name),
            name: "push-to-cloudwatch-logs".into(),
            document: PolicyDocument {
                statements: vec![PolicyStatement {
                    sid: "Logs".into(),
                    actions: vec![
                        "logs:CreateLogGroup".into(),
                        "logs:CreateLogStream".into(),
                        "logs:DescribeLogGroups".into(),
                        "logs:DescribeLogStreams".into(),
                        "logs:PutLogEvents".into(),
                    ],
                    resources: vec![Val::known("*")],
                    principal: None,
                    condition: None,
                }],
            },
        }),
    );
    let mut policy = policy;
    policy.depends_on = vec!["logging.role".into()];
    let mut resources = vec![role, policy];
    for region in ["us-east-1", "us-east-2"] {
        let mut account = resource(
            &format!("logging.account@{region}"),
            Some(region),
            Attributes::ApiAccount(ApiAccount {
                cloudwatch_role: Val::output("logging.role", "arn"),
            }),
        );
        account.depends_on = vec!["logging.role_policy".into()];
        resources.push(account);
    }
    resources
}

fn plan(role_name: &str, state: &State) -> Plan {
    let desired = Desired {
        resources: desired(role_name),
        outputs: Vec::new(),
    };
    plan_desired("logging", desired, Some(state)).expect("plans")
}

async fn cloudwatch_role(aws: &Aws, region: &str) -> Option<String> {
    aws_sdk_apigateway::Client::new(&aws.config(region).await)
        .get_account()
        .send()
        .await
        .expect("GetAccount")
        .cloudwatch_role_arn()
        .filter(|arn| !arn.is_empty())
        .map(str::to_string)
}

async fn set_cloudwatch_role(aws: &Aws, region: &str, arn: &str) {
    aws_sdk_apigateway::Client::new(&aws.config(region).await)
        .update_account()
        .patch_operations(
            aws_sdk_apigateway::types::PatchOperation::builder()
                .op(aws_sdk_apigateway::types::Op::Replace)
                .path("/cloudwatchRoleArn")
                .value(arn)
                .build(),
        )
        .send()
        .await
        .expect("UpdateAccount");
}

#[tokio::test]
async fn the_account_cloudwatch_role_is_set_read_back_set_back_and_cleared() {
    let aws = Aws::new("api_account");
    let provider = Arc::new(drx::aws::Aws::with_config(aws.config("us-east-1").await));
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = LocalBackend::new(dir.path().join("state.json"));
    let options = ApplyOptions {
        parallelism: 4,
        cargo_profile: "dev".into(),
        base: dir.path().to_path_buf(),
    };
    let quiet = || Arc::new(|_: &Event| {});
    let role_name = aws.name("apigw-logs");

    let state = State::new("logging");
    let first = plan(&role_name, &state);
    let (state, report) = apply(
        &first,
        state,
        &store,
        provider.clone(),
        &options,
        quiet(),
        std::future::pending(),
    )
    .await;
    assert!(report.succeeded(), "{report:?}");
    assert_eq!(report.created.len(), 4);
    let role_arn = state
        .resource("logging.role")
        .and_then(|role| role.outputs.get("arn").cloned())
        .expect("the role's ARN");
    for region in ["us-east-1", "us-east-2"] {
        assert_eq!(
            cloudwatch_role(&aws, region).await.as_deref(),
            Some(role_arn.as_str()),
            "{region}"
        );
    }
    let refreshed = refresh(&state, provider.clone(), 4).await;
    assert!(
        refreshed.drift.is_empty() && refreshed.missing.is_empty(),
        "{:?}",
        refreshed.drift
    );
    assert!(
        plan(&role_name, &refreshed.state).summary().is_empty(),
        "nothing to do"
    );

    // Someone points us-east-2 at another role: drift, and the plan sets it back.
    let other = "arn:aws:iam::123456789012:role/someone-else".to_string();
    set_cloudwatch_role(&aws, "us-east-2", &other).await;
    let refreshed = refresh(&state, provider.clone(), 4).await;
    assert_eq!(refreshed.drift.len(), 1, "{:?}", refreshed.drift);
    assert_eq!(refreshed.drift[0].address, "logging.account@us-east-2");
    assert_eq!(refreshed.drift[0].actual, serde_json::json!(other));
    let again = plan(&role_name, &refreshed.state);
    assert_eq!(again.summary().change, 1);
    let (state, report) = apply(
        &again,
        refreshed.state,
        &store,
        provider.clone(),
        &options,
        quiet(),
        std::future::pending(),
    )
    .await;
    assert!(report.succeeded(), "{report:?}");
    assert_eq!(
        cloudwatch_role(&aws, "us-east-2").await.as_deref(),
        Some(role_arn.as_str())
    );

    // Destroy clears the setting where it is still drx's, and only there.
    set_cloudwatch_role(&aws, "us-east-2", &other).await;
    let destroy = destroy_plan("logging", &state);
    let (state, report) = apply(
        &destroy,
        state,
        &store,
        provider.clone(),
        &options,
        quiet(),
        std::future::pending(),
    )
    .await;
    assert!(report.succeeded(), "{report:?}");
    assert!(state.resources.is_empty());
    assert_eq!(
        cloudwatch_role(&aws, "us-east-1").await,
        None,
        "drx's setting is cleared"
    );
    assert_eq!(
        cloudwatch_role(&aws, "us-east-2").await,
        Some(other),
        "someone else's is left"
    );
    let iam = aws_sdk_iam::Client::new(&aws.config("us-east-1").await);
    assert!(
        iam.get_role().role_name(&role_name).send().await.is_err(),
        "the role is gone"
    );
    set_cloudwatch_role(&aws, "us-east-2", "").await;
}
