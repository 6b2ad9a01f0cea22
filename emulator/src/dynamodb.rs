//! DynamoDB global tables (version 2019.11.21), which moto accepts but does
//! not implement: `UpdateTable` `ReplicaUpdates` creates or deletes the table
//! in the replica region (CREATING → ACTIVE, DELETING → gone), `DescribeTable`
//! lists `Replicas`, and every write is copied to the other regions after a
//! delay, the last writer winning; each copy publishes its
//! `ReplicationLatency`.
//!
//! Longer than most files (about 480 lines): the replication state machine,
//! the request rewriting and the copying are one behaviour of AWS and are
//! kept together so the emulator stays faithful to it as a whole.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use hyper::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use crate::proxy::{Proxy, ProxyRequest};
use crate::request_info::RequestInfo;
use crate::upstream::Reply;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Creating,
    Active,
    Deleting,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Status::Creating => "CREATING",
            Status::Active => "ACTIVE",
            Status::Deleting => "DELETING",
        }
    }
}

/// The regions of one global table, by table name.
#[derive(Debug, Default)]
pub(crate) struct GlobalTables {
    groups: Mutex<HashMap<String, BTreeMap<String, Status>>>,
}

impl GlobalTables {
    pub(crate) fn reset(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, BTreeMap<String, Status>>> {
        self.groups
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn regions(&self, table: &str) -> Option<BTreeMap<String, Status>> {
        self.lock().get(table).cloned()
    }

    fn set(&self, table: &str, region: &str, status: Option<Status>) {
        let mut groups = self.lock();
        let group = groups.entry(table.to_string()).or_default();
        match status {
            Some(status) => {
                group.insert(region.to_string(), status);
            }
            None => {
                group.remove(region);
                // A table left alone in its group is a plain table again.
                if group.len() <= 1 {
                    groups.remove(table);
                }
            }
        }
    }
}

fn error(code: &str, message: &str) -> Reply {
    let mut headers = HeaderMap::new();
    headers.insert(
        "content-type",
        "application/x-amz-json-1.0".parse().expect("static header"),
    );
    Reply {
        status: StatusCode::BAD_REQUEST,
        headers,
        body: Bytes::from(
            json!({ "__type": format!("com.amazonaws.dynamodb.v20120810#{code}"), "message": message })
                .to_string(),
        ),
    }
}

fn ok(value: &Value) -> Reply {
    let mut headers = HeaderMap::new();
    headers.insert(
        "content-type",
        "application/x-amz-json-1.0".parse().expect("static header"),
    );
    Reply {
        status: StatusCode::OK,
        headers,
        body: Bytes::from(value.to_string()),
    }
}

pub(crate) async fn handle(
    proxy: &Arc<Proxy>,
    info: &RequestInfo,
    request: &ProxyRequest,
) -> Result<Reply, String> {
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let table = body["TableName"].as_str().unwrap_or_default().to_string();
    match info.operation.as_str() {
        "UpdateTable" if body.get("ReplicaUpdates").is_some() => {
            update_replicas(proxy, info, request, body, &table).await
        }
        "DescribeTable" => {
            let reply = proxy.forward(request).await?;
            Ok(describe_with_replicas(proxy, reply, &table, &info.region))
        }
        "DeleteTable" => delete_table(proxy, info, request, &table).await,
        "PutItem" | "UpdateItem" | "DeleteItem" | "BatchWriteItem" | "TransactWriteItems" => {
            let reply = proxy.forward(request).await?;
            if reply.status.is_success() {
                replicate_writes(proxy, info, &body).await;
            }
            Ok(reply)
        }
        _ => proxy.forward(request).await,
    }
}

/// Adds what AWS shows of a global table to a `DescribeTable` answer.
fn describe_with_replicas(proxy: &Proxy, reply: Reply, table: &str, region: &str) -> Reply {
    let Some(regions) = proxy.dynamodb.regions(table) else {
        return reply;
    };
    let Some(mut json) = reply.json() else {
        return reply;
    };
    if !reply.status.is_success() {
        return reply;
    }
    annotate(&mut json["Table"], &regions, region);
    ok(&json)
}

fn annotate(description: &mut Value, regions: &BTreeMap<String, Status>, region: &str) {
    description["GlobalTableVersion"] = json!("2019.11.21");
    description["Replicas"] = regions
        .iter()
        .filter(|(name, _)| name.as_str() != region)
        .map(|(name, status)| json!({ "RegionName": name, "ReplicaStatus": status.name() }))
        .collect();
    let own = regions.get(region).copied().unwrap_or(Status::Active);
    let changing = regions.values().any(|status| *status != Status::Active);
    description["TableStatus"] = json!(match own {
        Status::Creating => "CREATING",
        Status::Deleting => "DELETING",
        Status::Active if changing => "UPDATING",
        Status::Active => "ACTIVE",
    });
}

async fn update_replicas(
    proxy: &Arc<Proxy>,
    info: &RequestInfo,
    request: &ProxyRequest,
    mut body: Value,
    table: &str,
) -> Result<Reply, String> {
    let upstream = &proxy.upstream;
    let home = info.region.clone();
    let described = upstream
        .dynamodb(
            &info.access_key,
            &home,
            "DescribeTable",
            &json!({ "TableName": table }),
        )
        .await?;
    if !described.status.is_success() {
        return Ok(described);
    }
    let description = described.json().unwrap_or_default()["Table"].clone();
    let regions = proxy
        .dynamodb
        .regions(table)
        .unwrap_or_else(|| BTreeMap::from([(home.clone(), Status::Active)]));
    if regions.values().any(|status| *status != Status::Active) {
        return Ok(error(
            "ResourceInUseException",
            &format!("Attempt to change a resource which is still in use: Table is being updated: {table}"),
        ));
    }
    let stream = &description["StreamSpecification"];
    if stream["StreamEnabled"] != json!(true) || stream["StreamViewType"] != json!("NEW_AND_OLD_IMAGES") {
        return Ok(error(
            "ValidationException",
            "Table must have DynamoDB Streams enabled with StreamViewType NEW_AND_OLD_IMAGES to add replicas",
        ));
    }
    let billing = description["BillingModeSummary"]["BillingMode"]
        .as_str()
        .unwrap_or("PROVISIONED");
    if billing != "PAY_PER_REQUEST" {
        return Ok(error(
            "ValidationException",
            "Replicas of a provisioned table need auto scaling of write capacity; use PAY_PER_REQUEST",
        ));
    }

    let updates = body["ReplicaUpdates"].as_array().cloned().unwrap_or_default();
    let delay = proxy.replication_delay(proxy.settings().replica_transition_ms, &info.access_key);
    for update in &updates {
        if let Some(region) = update["Create"]["RegionName"].as_str() {
            if regions.contains_key(region) {
                return Ok(error(
                    "ValidationException",
                    &format!("Replica already exists in region {region}"),
                ));
            }
            // The replica table exists at once (reads against it succeed as
            // they do in AWS while it is CREATING); existing items follow.
            let create = json!({
                "TableName": table,
                "KeySchema": description["KeySchema"],
                "AttributeDefinitions": description["AttributeDefinitions"],
                "BillingMode": "PAY_PER_REQUEST",
                "StreamSpecification": { "StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES" },
            });
            let created = upstream
                .dynamodb(&info.access_key, region, "CreateTable", &create)
                .await?;
            if !created.status.is_success() {
                // A replica another request is adding right now: AWS takes
                // one replica change at a time and says the table is in use.
                if created.text().contains("ResourceInUseException") {
                    return Ok(error(
                        "ResourceInUseException",
                        &format!(
                            "Attempt to change a resource which is still in use: Table is being updated: {table}"
                        ),
                    ));
                }
                return Ok(created);
            }
            proxy.dynamodb.set(table, &home, Some(Status::Active));
            proxy.dynamodb.set(table, region, Some(Status::Creating));
            let (proxy, table, home, region, key) = (
                proxy.clone(),
                table.to_string(),
                home.clone(),
                region.to_string(),
                info.access_key.clone(),
            );
            tokio::spawn(async move {
                copy_items(&proxy, &key, &table, &home, &region).await;
                tokio::time::sleep(delay).await;
                proxy.dynamodb.set(&table, &region, Some(Status::Active));
            });
        } else if let Some(region) = update["Delete"]["RegionName"].as_str() {
            if !regions.contains_key(region) || region == home {
                return Ok(error(
                    "ValidationException",
                    &format!("No replica of {table} in region {region}"),
                ));
            }
            // Each replica has its own deletion protection, which refuses
            // its removal as DeleteTable is refused.
            let replica = upstream
                .dynamodb(
                    &info.access_key,
                    region,
                    "DescribeTable",
                    &json!({ "TableName": table }),
                )
                .await?;
            if replica.json().unwrap_or_default()["Table"]["DeletionProtectionEnabled"] == json!(true) {
                return Ok(error(
                    "ValidationException",
                    "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
                ));
            }
            proxy.dynamodb.set(table, region, Some(Status::Deleting));
            let (proxy, table, region, key) = (
                proxy.clone(),
                table.to_string(),
                region.to_string(),
                info.access_key.clone(),
            );
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let _ = proxy
                    .upstream
                    .dynamodb(&key, &region, "DeleteTable", &json!({ "TableName": table }))
                    .await;
                proxy.dynamodb.set(&table, &region, None);
            });
        } else {
            return Ok(error(
                "ValidationException",
                "ReplicaUpdates supports Create and Delete",
            ));
        }
    }

    // Anything else the request asks for is moto's to do.
    if let Some(object) = body.as_object_mut() {
        object.remove("ReplicaUpdates");
    }
    if body.as_object().is_some_and(|object| object.len() > 1) {
        let mut rest = request.clone();
        rest.body = Bytes::from(body.to_string());
        let reply = proxy.forward(&rest).await?;
        if !reply.status.is_success() {
            return Ok(reply);
        }
    }
    let described = upstream
        .dynamodb(
            &info.access_key,
            &home,
            "DescribeTable",
            &json!({ "TableName": table }),
        )
        .await?;
    let mut description = described.json().unwrap_or_default()["Table"].clone();
    if let Some(regions) = proxy.dynamodb.regions(table) {
        annotate(&mut description, &regions, &home);
    }
    Ok(ok(&json!({ "TableDescription": description })))
}

/// A new replica starts with the table's current items.
async fn copy_items(proxy: &Proxy, key: &str, table: &str, from: &str, to: &str) {
    let mut start: Option<Value> = None;
    loop {
        let mut scan = json!({ "TableName": table, "ConsistentRead": true });
        if let Some(start) = &start {
            scan["ExclusiveStartKey"] = start.clone();
        }
        let Ok(page) = proxy.upstream.dynamodb(key, from, "Scan", &scan).await else {
            return;
        };
        let page = page.json().unwrap_or_default();
        for item in page["Items"].as_array().cloned().unwrap_or_default() {
            let _ = proxy
                .upstream
                .dynamodb(key, to, "PutItem", &json!({ "TableName": table, "Item": item }))
                .await;
        }
        match page.get("LastEvaluatedKey") {
            Some(last) if !last.is_null() => start = Some(last.clone()),
            _ => return,
        }
    }
}

/// In version 2019.11.21 every replica is a table of its own: deleting one
/// removes that region from the global table.
async fn delete_table(
    proxy: &Arc<Proxy>,
    info: &RequestInfo,
    request: &ProxyRequest,
    table: &str,
) -> Result<Reply, String> {
    let reply = proxy.forward(request).await?;
    if reply.status.is_success() && proxy.dynamodb.regions(table).is_some() {
        proxy.dynamodb.set(table, &info.region, None);
    }
    Ok(reply)
}

/// The key attribute names of `table` in `region`.
async fn key_names(proxy: &Proxy, key: &str, region: &str, table: &str) -> Vec<String> {
    let Ok(described) = proxy
        .upstream
        .dynamodb(key, region, "DescribeTable", &json!({ "TableName": table }))
        .await
    else {
        return Vec::new();
    };
    described.json().unwrap_or_default()["Table"]["KeySchema"]
        .as_array()
        .map(|schema| {
            schema
                .iter()
                .filter_map(|k| k["AttributeName"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Every (table, key) a write request touched.
async fn touched(proxy: &Proxy, info: &RequestInfo, body: &Value) -> Vec<(String, Value)> {
    let mut found: Vec<(String, Value)> = Vec::new();
    let mut from_item = Vec::new();
    match info.operation.as_str() {
        "PutItem" => from_item.push((
            body["TableName"].as_str().unwrap_or_default().to_string(),
            body["Item"].clone(),
        )),
        "UpdateItem" | "DeleteItem" => found.push((
            body["TableName"].as_str().unwrap_or_default().to_string(),
            body["Key"].clone(),
        )),
        "BatchWriteItem" => {
            for (table, requests) in body["RequestItems"].as_object().cloned().unwrap_or_default() {
                for request in requests.as_array().cloned().unwrap_or_default() {
                    if let Some(item) = request.get("PutRequest").map(|r| r["Item"].clone()) {
                        from_item.push((table.clone(), item));
                    } else if let Some(key) = request.get("DeleteRequest").map(|r| r["Key"].clone()) {
                        found.push((table.clone(), key));
                    }
                }
            }
        }
        "TransactWriteItems" => {
            for item in body["TransactItems"].as_array().cloned().unwrap_or_default() {
                if let Some(put) = item.get("Put") {
                    from_item.push((
                        put["TableName"].as_str().unwrap_or_default().to_string(),
                        put["Item"].clone(),
                    ));
                }
                for kind in ["Update", "Delete"] {
                    if let Some(write) = item.get(kind) {
                        found.push((
                            write["TableName"].as_str().unwrap_or_default().to_string(),
                            write["Key"].clone(),
                        ));
                    }
                }
            }
        }
        _ => {}
    }
    for (table, item) in from_item {
        if proxy.dynamodb.regions(&table).is_none() {
            continue;
        }
        let names = key_names(proxy, &info.access_key, &info.region, &table).await;
        let key: serde_json::Map<String, Value> = names
            .iter()
            .filter_map(|name| item.get(name).map(|v| (name.clone(), v.clone())))
            .collect();
        found.push((table, Value::Object(key)));
    }
    found.retain(|(table, _)| proxy.dynamodb.regions(table).is_some());
    found
}

/// Copies each written item to the table's other regions after the delay,
/// reading it again first so the last write anywhere wins.
async fn replicate_writes(proxy: &Arc<Proxy>, info: &RequestInfo, body: &Value) {
    let touched = touched(proxy, info, body).await;
    if touched.is_empty() {
        return;
    }
    let delay = proxy.replication_delay(proxy.settings().dynamodb_replication_ms, &info.access_key);
    let (proxy, key, source) = (proxy.clone(), info.access_key.clone(), info.region.clone());
    let written = std::time::Instant::now();
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        for (table, item_key) in touched {
            // A paused pair's copies wait; each reads the item when it goes,
            // so the backlog delivers the latest write.
            for (region, _) in proxy.dynamodb.regions(&table).unwrap_or_default() {
                if region != source {
                    proxy.pauses.wait("dynamodb", &source, &region, &key).await;
                }
            }
            let current = proxy
                .upstream
                .dynamodb(
                    &key,
                    &source,
                    "GetItem",
                    &json!({ "TableName": table, "Key": item_key, "ConsistentRead": true }),
                )
                .await;
            let Ok(current) = current else { continue };
            let item = current.json().unwrap_or_default().get("Item").cloned();
            let regions = proxy.dynamodb.regions(&table).unwrap_or_default();
            for (region, status) in regions {
                if region == source || status == Status::Deleting {
                    continue;
                }
                let _ = match &item {
                    Some(item) => {
                        proxy
                            .upstream
                            .dynamodb(
                                &key,
                                &region,
                                "PutItem",
                                &json!({ "TableName": table, "Item": item }),
                            )
                            .await
                    }
                    None => {
                        proxy
                            .upstream
                            .dynamodb(
                                &key,
                                &region,
                                "DeleteItem",
                                &json!({ "TableName": table, "Key": item_key }),
                            )
                            .await
                    }
                };
                // DynamoDB publishes it in the region the write was made.
                let latency = written.elapsed().as_secs_f64() * 1000.0;
                let metric = crate::metrics::Metric {
                    namespace: "AWS/DynamoDB",
                    name: "ReplicationLatency",
                    value: latency,
                    unit: "Milliseconds",
                    dimensions: &[
                        ("TableName", table.as_str()),
                        ("ReceivingRegion", region.as_str()),
                    ],
                };
                crate::metrics::publish(&proxy.upstream, &key, &source, metric).await;
            }
        }
    });
}
