//! The emulator harness, through the Rust SDK: the DR behaviours moto lacks,
//! CloudWatch through the pinned SDK, and fault injection.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, CreateReplicationGroupMemberAction,
    DeleteReplicationGroupMemberAction, KeySchemaElement, KeyType, ReplicaStatus, ReplicationGroupUpdate,
    ScalarAttributeType, StreamSpecification, StreamViewType,
};

use crate::aws::{Aws, eventually};

/// A request for an on-demand table keyed by a string `id`.
fn on_demand_table(
    client: &aws_sdk_dynamodb::Client,
    name: &str,
) -> aws_sdk_dynamodb::operation::create_table::builders::CreateTableFluentBuilder {
    client
        .create_table()
        .table_name(name)
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(KeyType::Hash)
                .build()
                .expect("key"),
        )
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("attribute"),
        )
        .billing_mode(BillingMode::PayPerRequest)
}

pub(crate) async fn global_table(
    aws: &Aws,
    name: &str,
) -> (aws_sdk_dynamodb::Client, aws_sdk_dynamodb::Client) {
    let east1 = aws.dynamodb("us-east-1").await;
    let east2 = aws.dynamodb("us-east-2").await;
    on_demand_table(&east1, name)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .expect("stream"),
        )
        .send()
        .await
        .expect("create table");
    east1
        .update_table()
        .table_name(name)
        .replica_updates(
            ReplicationGroupUpdate::builder()
                .create(
                    CreateReplicationGroupMemberAction::builder()
                        .region_name("us-east-2")
                        .build()
                        .expect("replica"),
                )
                .build(),
        )
        .send()
        .await
        .expect("add replica");
    (east1, east2)
}

async fn replica_status(client: &aws_sdk_dynamodb::Client, name: &str) -> Option<ReplicaStatus> {
    let table = client
        .describe_table()
        .table_name(name)
        .send()
        .await
        .ok()?
        .table?;
    table
        .replicas?
        .into_iter()
        .find(|r| r.region_name() == Some("us-east-2"))?
        .replica_status
}

/// Waits until the table lists its us-east-2 replica ACTIVE.
async fn until_active(east1: &aws_sdk_dynamodb::Client, name: &str) {
    eventually(10, || async {
        (replica_status(east1, name).await == Some(ReplicaStatus::Active)).then_some(())
    })
    .await
    .expect("replica active");
}

/// Asks the table in us-east-1 to remove its us-east-2 replica.
async fn remove_replica(
    east1: &aws_sdk_dynamodb::Client,
    name: &str,
) -> Result<(), aws_sdk_dynamodb::error::SdkError<aws_sdk_dynamodb::operation::update_table::UpdateTableError>>
{
    east1
        .update_table()
        .table_name(name)
        .replica_updates(
            ReplicationGroupUpdate::builder()
                .delete(
                    DeleteReplicationGroupMemberAction::builder()
                        .region_name("us-east-2")
                        .build()
                        .expect("replica"),
                )
                .build(),
        )
        .send()
        .await
        .map(|_| ())
}

#[tokio::test]
async fn a_replica_appears_in_the_other_region_and_becomes_active() {
    let aws = Aws::new("replica_active");
    let name = aws.name("table");
    let (east1, east2) = global_table(&aws, &name).await;
    let first = replica_status(&east1, &name).await;
    assert!(
        matches!(first, Some(ReplicaStatus::Creating | ReplicaStatus::Active)),
        "{first:?}"
    );
    let active = eventually(10, || async {
        (replica_status(&east1, &name).await == Some(ReplicaStatus::Active)).then_some(())
    })
    .await;
    assert!(active.is_some(), "the replica never became ACTIVE");
    let replica = east2
        .describe_table()
        .table_name(&name)
        .send()
        .await
        .expect("the table exists in us-east-2");
    let table = replica.table.expect("table");
    assert_eq!(table.global_table_version(), Some("2019.11.21"));
    assert_eq!(table.key_schema()[0].attribute_name(), "id");
}

#[tokio::test]
async fn items_replicate_both_ways() {
    let aws = Aws::new("items_replicate");
    let name = aws.name("table");
    let (east1, east2) = global_table(&aws, &name).await;
    until_active(&east1, &name).await;
    let put = |client: aws_sdk_dynamodb::Client, id: &'static str, region: &'static str| {
        let name = name.clone();
        async move {
            client
                .put_item()
                .table_name(name)
                .item("id", AttributeValue::S(id.into()))
                .item("written_in", AttributeValue::S(region.into()))
                .send()
                .await
                .expect("put item");
        }
    };
    put(east1.clone(), "from-east-1", "us-east-1").await;
    put(east2.clone(), "from-east-2", "us-east-2").await;
    let read = |client: aws_sdk_dynamodb::Client, id: &'static str| {
        let name = name.clone();
        async move {
            client
                .get_item()
                .table_name(name)
                .key("id", AttributeValue::S(id.into()))
                .send()
                .await
                .ok()?
                .item
        }
    };
    let copied = eventually(10, || read(east2.clone(), "from-east-1"))
        .await
        .expect("us-east-1 → us-east-2");
    assert_eq!(copied["written_in"], AttributeValue::S("us-east-1".into()));
    let copied = eventually(10, || read(east1.clone(), "from-east-2"))
        .await
        .expect("us-east-2 → us-east-1");
    assert_eq!(copied["written_in"], AttributeValue::S("us-east-2".into()));

    // Deletes replicate too.
    east1
        .delete_item()
        .table_name(&name)
        .key("id", AttributeValue::S("from-east-1".into()))
        .send()
        .await
        .expect("delete");
    let gone = eventually(10, || async {
        read(east2.clone(), "from-east-1").await.is_none().then_some(())
    })
    .await;
    assert!(gone.is_some(), "the delete did not replicate");
}

#[tokio::test]
async fn deleting_a_replica_removes_its_table() {
    let aws = Aws::new("replica_delete");
    let name = aws.name("table");
    let (east1, east2) = global_table(&aws, &name).await;
    until_active(&east1, &name).await;
    remove_replica(&east1, &name).await.expect("delete replica");
    let gone = eventually(10, || async {
        east2
            .describe_table()
            .table_name(&name)
            .send()
            .await
            .is_err()
            .then_some(())
    })
    .await;
    assert!(gone.is_some(), "the replica's table still exists");
    let table = east1
        .describe_table()
        .table_name(&name)
        .send()
        .await
        .expect("the table stays")
        .table
        .expect("table");
    assert!(table.replicas().is_empty(), "{:?}", table.replicas());
}

#[tokio::test]
async fn replicas_need_streams() {
    let aws = Aws::new("replica_streams");
    let name = aws.name("table");
    let east1 = aws.dynamodb("us-east-1").await;
    on_demand_table(&east1, &name).send().await.expect("create table");
    let error = east1
        .update_table()
        .table_name(&name)
        .replica_updates(
            ReplicationGroupUpdate::builder()
                .create(
                    CreateReplicationGroupMemberAction::builder()
                        .region_name("us-east-2")
                        .build()
                        .expect("replica"),
                )
                .build(),
        )
        .send()
        .await
        .expect_err("refused without streams");
    assert_eq!(
        aws_sdk_dynamodb::error::ProvideErrorMetadata::code(&error),
        Some("ValidationException")
    );
}

/// Deletes a REST API a test made.
pub(crate) async fn remove_api(client: &aws_sdk_apigateway::Client, api: &str) {
    client
        .delete_rest_api()
        .rest_api_id(api)
        .send()
        .await
        .expect("cleanup");
}

/// A new REST API with one resource, `/health`: the API's id and the
/// resource's.
pub(crate) async fn api_with_health_resource(
    client: &aws_sdk_apigateway::Client,
    name: &str,
) -> (String, String) {
    let api = client.create_rest_api().name(name).send().await.expect("api");
    let api = api.id().expect("id").to_string();
    let resources = client
        .get_resources()
        .rest_api_id(&api)
        .send()
        .await
        .expect("resources");
    let root = resources
        .items()
        .iter()
        .find(|r| r.path() == Some("/"))
        .and_then(|r| r.id())
        .expect("root")
        .to_string();
    let created = client
        .create_resource()
        .rest_api_id(&api)
        .parent_id(&root)
        .path_part("health")
        .send()
        .await
        .expect("resource");
    let id = created.id().expect("id").to_string();
    (api, id)
}

/// A repeated DeleteResource is API Gateway's 404 NotFoundException (moto
/// alone answers 500), so a delete re-run after a crash knows it is done.
#[tokio::test]
async fn deleting_an_api_resource_twice_says_it_is_gone() {
    let aws = Aws::new("apigateway_delete_twice");
    let client = aws_sdk_apigateway::Client::new(&aws.config("us-east-2").await);
    let (api, id) = api_with_health_resource(&client, &aws.name("api")).await;
    client
        .delete_resource()
        .rest_api_id(&api)
        .resource_id(&id)
        .send()
        .await
        .expect("first delete");
    let again = client
        .delete_resource()
        .rest_api_id(&api)
        .resource_id(&id)
        .send()
        .await
        .expect_err("gone");
    let status = again.raw_response().map(|r| r.status().as_u16());
    assert_eq!(status, Some(404), "{again:?}");
    assert_eq!(
        aws_sdk_apigateway::error::ProvideErrorMetadata::code(&again),
        Some("NotFoundException")
    );
    crate::emulator::remove_api(&client, &api).await;
    // And the API itself, deleted twice.
    let again = client
        .delete_rest_api()
        .rest_api_id(&api)
        .send()
        .await
        .expect_err("gone");
    assert_eq!(
        aws_sdk_apigateway::error::ProvideErrorMetadata::code(&again),
        Some("NotFoundException")
    );
}

/// A method is put once: a second PutMethod is API Gateway's 409
/// ConflictException, and UpdateMethod changes its authorization in place,
/// its integration kept.
#[tokio::test]
async fn a_method_is_put_once_and_updated_in_place() {
    use aws_sdk_apigateway::types::{IntegrationType, Op, PatchOperation};
    let aws = Aws::new("apigateway_method_update");
    let client = aws_sdk_apigateway::Client::new(&aws.config("us-east-2").await);
    let (api, id) = api_with_health_resource(&client, &aws.name("api")).await;
    let put = || {
        client
            .put_method()
            .rest_api_id(&api)
            .resource_id(&id)
            .http_method("GET")
            .authorization_type("NONE")
            .send()
    };
    put().await.expect("the first PutMethod");
    let uri = "arn:aws:apigateway:us-east-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-2:123456789012:function:f/invocations";
    client
        .put_integration()
        .rest_api_id(&api)
        .resource_id(&id)
        .http_method("GET")
        .r#type(IntegrationType::AwsProxy)
        .integration_http_method("POST")
        .uri(uri)
        .send()
        .await
        .expect("integration");
    let again = put().await.expect_err("a second PutMethod");
    assert_eq!(
        aws_sdk_apigateway::error::ProvideErrorMetadata::code(&again),
        Some("ConflictException")
    );
    let updated = client
        .update_method()
        .rest_api_id(&api)
        .resource_id(&id)
        .http_method("GET")
        .patch_operations(
            PatchOperation::builder()
                .op(Op::Replace)
                .path("/authorizationType")
                .value("AWS_IAM")
                .build(),
        )
        .send()
        .await
        .expect("UpdateMethod");
    assert_eq!(updated.authorization_type(), Some("AWS_IAM"));
    let found = client
        .get_method()
        .rest_api_id(&api)
        .resource_id(&id)
        .http_method("GET")
        .send()
        .await
        .expect("method");
    assert_eq!(found.authorization_type(), Some("AWS_IAM"));
    let integration = found.method_integration().expect("the integration kept");
    assert_eq!(integration.uri(), Some(uri));
    assert_eq!(integration.r#type(), Some(&IntegrationType::AwsProxy));
    let refused = client
        .update_method()
        .rest_api_id(&api)
        .resource_id(&id)
        .http_method("GET")
        .patch_operations(
            PatchOperation::builder()
                .op(Op::Replace)
                .path("/nonsense")
                .value("x")
                .build(),
        )
        .send()
        .await
        .expect_err("an unknown patch path");
    assert_eq!(
        aws_sdk_apigateway::error::ProvideErrorMetadata::code(&refused),
        Some("BadRequestException")
    );
    crate::emulator::remove_api(&client, &api).await;
}

/// A stage logs only once the account settings name a CloudWatch role, as
/// AWS requires; and each caller (each test) has account settings of its own.
#[tokio::test]
async fn a_stage_logs_only_once_the_account_has_a_cloudwatch_role() {
    use aws_sdk_apigateway::types::{Op, PatchOperation};
    let aws = Aws::new("apigateway_account_role");
    let client = aws_sdk_apigateway::Client::new(&aws.config("us-east-2").await);
    let (api, id) = api_with_health_resource(&client, &aws.name("api")).await;
    client
        .put_method()
        .rest_api_id(&api)
        .resource_id(&id)
        .http_method("GET")
        .authorization_type("NONE")
        .send()
        .await
        .expect("method");
    client
        .put_integration()
        .rest_api_id(&api)
        .resource_id(&id)
        .http_method("GET")
        .r#type(aws_sdk_apigateway::types::IntegrationType::Mock)
        .send()
        .await
        .expect("integration");
    let deployment = client
        .create_deployment()
        .rest_api_id(&api)
        .send()
        .await
        .expect("deployment");
    client
        .create_stage()
        .rest_api_id(&api)
        .stage_name("prod")
        .deployment_id(deployment.id().expect("id"))
        .send()
        .await
        .expect("stage");
    let log = || {
        client
            .update_stage()
            .rest_api_id(&api)
            .stage_name("prod")
            .patch_operations(
                PatchOperation::builder()
                    .op(Op::Replace)
                    .path("/accessLogSettings/destinationArn")
                    .value("arn:aws:logs:us-east-2:123456789012:log-group:access")
                    .build(),
            )
            .send()
    };
    let refused = log().await.expect_err("no role yet");
    assert_eq!(
        aws_sdk_apigateway::error::ProvideErrorMetadata::code(&refused),
        Some("BadRequestException")
    );
    assert!(
        format!("{refused:?}").contains("role ARN must be set"),
        "{refused:?}"
    );
    let role = "arn:aws:iam::123456789012:role/api-logs";
    client
        .update_account()
        .patch_operations(
            PatchOperation::builder()
                .op(Op::Replace)
                .path("/cloudwatchRoleArn")
                .value(role)
                .build(),
        )
        .send()
        .await
        .expect("account");
    let account = client.get_account().send().await.expect("account");
    assert_eq!(account.cloudwatch_role_arn(), Some(role));
    let stage = log().await.expect("logging with a role");
    assert_eq!(
        stage.access_log_settings().and_then(|l| l.destination_arn()),
        Some("arn:aws:logs:us-east-2:123456789012:log-group:access")
    );
    // Another caller's account settings are its own.
    let other = Aws::new("apigateway_account_other");
    let theirs = aws_sdk_apigateway::Client::new(&other.config("us-east-2").await)
        .get_account()
        .send()
        .await
        .expect("account");
    assert_eq!(theirs.cloudwatch_role_arn(), None);
    client
        .update_account()
        .patch_operations(
            PatchOperation::builder()
                .op(Op::Replace)
                .path("/cloudwatchRoleArn")
                .value("")
                .build(),
        )
        .send()
        .await
        .expect("cleared");
    crate::emulator::remove_api(&client, &api).await;
}

/// Replication paused between two regions (as AWS FIS pauses a global
/// table's): the copy waits, and arrives once replication resumes.
#[tokio::test]
async fn paused_replication_delivers_its_backlog_on_resume() {
    let aws = Aws::new("replication_paused");
    let name = aws.name("table");
    let (east1, east2) = global_table(&aws, &name).await;
    until_active(&east1, &name).await;
    aws.pause("dynamodb", "us-east-1", "us-east-2");
    east1
        .put_item()
        .table_name(&name)
        .item("id", AttributeValue::S("during-the-pause".into()))
        .send()
        .await
        .expect("put item");
    let read = || async {
        east2
            .get_item()
            .table_name(&name)
            .key("id", AttributeValue::S("during-the-pause".into()))
            .send()
            .await
            .ok()?
            .item
    };
    // Well past the replication delay (200 ms): nothing arrives.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    assert!(read().await.is_none(), "replicated while paused");
    aws.resume();
    assert!(
        eventually(10, read).await.is_some(),
        "the backlog was not delivered"
    );
    // The copy's latency is published in the region written, by the
    // region receiving it, as DynamoDB does: the pause is in it.
    let latency = eventually(10, || async {
        let dimensions = [("TableName", name.as_str()), ("ReceivingRegion", "us-east-2")];
        aws.metric("us-east-1", "AWS/DynamoDB", "ReplicationLatency", &dimensions)
            .await
            .iter()
            .map(|(maximum, _)| *maximum)
            .reduce(f64::max)
    })
    .await
    .expect("a ReplicationLatency datapoint");
    assert!(latency >= 1_500.0, "{latency} ms: the pause is not in it");
}

/// A replica protected against deletion is not removed until its
/// protection is turned off, in its own region, as AWS refuses it.
#[tokio::test]
async fn a_protected_replica_is_not_removed_until_unprotected() {
    let aws = Aws::new("replica_protected");
    let name = aws.name("table");
    let (east1, east2) = global_table(&aws, &name).await;
    until_active(&east1, &name).await;
    let protect = |enabled: bool| {
        let (east2, name) = (east2.clone(), name.clone());
        async move {
            east2
                .update_table()
                .table_name(&name)
                .deletion_protection_enabled(enabled)
                .send()
                .await
                .expect("update the replica's table");
        }
    };
    protect(true).await;
    let refused = remove_replica(&east1, &name).await.expect_err("protected");
    assert_eq!(
        aws_sdk_dynamodb::error::ProvideErrorMetadata::code(&refused),
        Some("ValidationException")
    );
    protect(false).await;
    remove_replica(&east1, &name).await.expect("unprotected, it goes");
    let gone = eventually(10, || async {
        replica_status(&east1, &name).await.is_none().then_some(())
    })
    .await;
    assert!(gone.is_some(), "the replica stayed");
    east1
        .delete_table()
        .table_name(&name)
        .send()
        .await
        .expect("cleanup");
}
