//! S3 replication, which moto stores but never performs: an object written
//! to a bucket with an enabled replication rule is copied to the rule's
//! destination after a delay, honouring the rule's filter; the source
//! object's `x-amz-replication-status` goes PENDING → COMPLETED (or FAILED)
//! and the copy's is REPLICA. Putting a replication configuration requires
//! versioning on both buckets, as in AWS.
//!
//! Longer than most files (about 530 lines): the replication rules, the
//! copying and the status headers are one behaviour of AWS, kept together
//! so the emulator stays faithful to it as a whole.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use hyper::{HeaderMap, Method, StatusCode};

use crate::proxy::{Proxy, ProxyRequest};
use crate::request_info::RequestInfo;
use crate::upstream::Reply;
use crate::xml;

#[derive(Debug, Clone)]
struct Rule {
    priority: i64,
    prefix: String,
    tags: Vec<(String, String)>,
    destination: String,
    delete_markers: bool,
    /// The rule's `ID`: the `RuleId` its metrics are published by.
    id: String,
    /// Replication metrics on (`Destination/Metrics/Status`): S3 publishes
    /// the rule's backlog and latency to CloudWatch.
    metrics: bool,
}

type ObjectVersion = (String, String, String);

#[derive(Debug, Default)]
pub(crate) struct Replication {
    configurations: Mutex<HashMap<String, Option<Vec<Rule>>>>,
    /// The configuration documents as put: moto 5.2.5 drops a rule's filter
    /// prefix when it stores one, so the proxy keeps and serves the original.
    documents: Mutex<HashMap<String, Bytes>>,
    statuses: Mutex<HashMap<ObjectVersion, &'static str>>,
    backlog: crate::metrics::Backlog,
}

impl Replication {
    pub(crate) fn reset(&self) {
        self.configurations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.statuses.lock().unwrap_or_else(|p| p.into_inner()).clear();
        self.documents.lock().unwrap_or_else(|p| p.into_inner()).clear();
        self.backlog.reset();
    }

    fn forget(&self, bucket: &str) {
        self.configurations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(bucket);
        self.documents
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(bucket);
    }

    fn remember(&self, bucket: &str, document: Bytes) {
        let rules = parse_rules(&String::from_utf8_lossy(&document));
        self.configurations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(bucket.to_string(), Some(rules));
        self.documents
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(bucket.to_string(), document);
    }

    fn document(&self, bucket: &str) -> Option<Bytes> {
        self.documents
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(bucket)
            .cloned()
    }

    fn set_status(&self, object: ObjectVersion, status: &'static str) {
        self.statuses
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(object, status);
    }

    fn status(&self, object: &ObjectVersion) -> Option<&'static str> {
        self.statuses
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(object)
            .copied()
    }
}

fn s3_error(status: StatusCode, code: &str, message: &str) -> Reply {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/xml".parse().expect("static header"));
    Reply {
        status,
        headers,
        body: Bytes::from(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{}</Message><RequestId>drx-emulator</RequestId></Error>",
            xml::escape(message)
        )),
    }
}

fn has(query: &str, key: &str) -> bool {
    query.split('&').any(|pair| pair.split('=').next() == Some(key))
}

fn query_value(query: &str, key: &str) -> Option<String> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
        .map(percent_decode)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or(""), 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `(bucket, key)` of a path-style request; the key is empty for bucket calls.
fn bucket_and_key(path: &str) -> (String, String) {
    let trimmed = path.trim_start_matches('/');
    let (bucket, key) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    (bucket.to_string(), percent_decode(key))
}

fn version_of(reply: &Reply) -> String {
    reply
        .headers
        .get("x-amz-version-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("null")
        .to_string()
}

pub(crate) async fn handle(
    proxy: &Arc<Proxy>,
    info: &RequestInfo,
    request: &ProxyRequest,
) -> Result<Reply, String> {
    let (bucket, key) = bucket_and_key(&request.path);
    let method = &request.method;
    if let Some(redirect) = proxy
        .s3_regions
        .misdirected(proxy, info, request, &bucket, &key)
        .await
    {
        return Ok(redirect);
    }
    let query = request.query.as_str();
    if key.is_empty() && has(query, "policy") {
        return crate::bucket_policy::handle(proxy, request, &bucket).await;
    }
    if key.is_empty() && has(query, "replication") {
        if *method == Method::PUT
            && let Some(refused) = check_versioning(proxy, info, &bucket, &request.body).await?
        {
            return Ok(refused);
        }
        let reply = proxy.forward(request).await?;
        if !reply.status.is_success() {
            return Ok(reply);
        }
        match *method {
            Method::PUT => proxy.s3.remember(&bucket, request.body.clone()),
            Method::DELETE => proxy.s3.forget(&bucket),
            _ => {
                if let Some(document) = proxy.s3.document(&bucket) {
                    let mut reply = reply;
                    reply.body = document;
                    return Ok(reply);
                }
            }
        }
        return Ok(reply);
    }
    if key.is_empty() && *method == Method::GET && has(query, "versioning") {
        // moto 5.2.5 names the root element GetBucketVersioningResponse; AWS
        // (and every SDK but the lenient ones) expects VersioningConfiguration.
        let mut reply = proxy.forward(request).await?;
        let text = reply
            .text()
            .replace("GetBucketVersioningResponse", "VersioningConfiguration");
        reply.body = Bytes::from(text);
        return Ok(reply);
    }
    if key.is_empty() {
        // DeleteBucket itself, not a subresource's delete
        // (`?publicAccessBlock`, `?tagging`…): what the bucket had goes.
        if *method == Method::DELETE && query.is_empty() {
            let reply = proxy.forward(request).await?;
            if reply.status.is_success() {
                proxy.s3.forget(&bucket);
                proxy.policies.forget(&bucket);
                proxy.s3_regions.forget(&bucket);
            }
            return Ok(reply);
        }
        return proxy.forward(request).await;
    }

    let writes_object = (*method == Method::PUT
        && !has(query, "uploadId")
        && !has(query, "partNumber")
        && !has(query, "tagging")
        && !has(query, "acl"))
        || (*method == Method::POST && has(query, "uploadId"));
    let conditional = *method == Method::PUT
        && (request.headers.contains_key("if-none-match") || request.headers.contains_key("if-match"));
    let turn = if conditional {
        Some(proxy.conditional.turn(&bucket, &key).await)
    } else {
        None
    };
    let mut reply = proxy.forward(request).await?;
    drop(turn);
    if !reply.status.is_success() {
        return Ok(reply);
    }
    if writes_object {
        let tags: Vec<(String, String)> = request
            .headers
            .get("x-amz-tagging")
            .and_then(|v| v.to_str().ok())
            .map(|tagging| {
                tagging
                    .split('&')
                    .filter_map(|pair| {
                        pair.split_once('=')
                            .map(|(k, v)| (percent_decode(k), percent_decode(v)))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let size = request.body.len() as u64;
        replicate_object(proxy, info, &bucket, &key, &version_of(&reply), &tags, size).await;
    } else if *method == Method::DELETE && !has(query, "versionId") {
        replicate_delete(proxy, info, &bucket, &key).await;
    } else if *method == Method::GET || *method == Method::HEAD {
        let version = query_value(query, "versionId").unwrap_or_else(|| version_of(&reply));
        if let Some(status) = proxy.s3.status(&(bucket, key, version)) {
            reply
                .headers
                .insert("x-amz-replication-status", status.parse().expect("static status"));
        }
    }
    Ok(reply)
}

async fn versioning_enabled(proxy: &Proxy, info: &RequestInfo, bucket: &str) -> Result<bool, String> {
    let reply = proxy
        .upstream
        .s3(
            &info.access_key,
            Method::GET,
            &format!("/{bucket}?versioning"),
            &HeaderMap::new(),
            Bytes::new(),
        )
        .await?;
    let text = reply.text();
    Ok(roxmltree::Document::parse(&text)
        .is_ok_and(|d| text_of(d.root_element(), "Status") == Some("Enabled")))
}

/// AWS refuses a replication configuration unless both ends are versioned.
async fn check_versioning(
    proxy: &Proxy,
    info: &RequestInfo,
    bucket: &str,
    body: &Bytes,
) -> Result<Option<Reply>, String> {
    if !versioning_enabled(proxy, info, bucket).await? {
        return Ok(Some(s3_error(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            "Versioning must be 'Enabled' on the bucket to apply a replication configuration",
        )));
    }
    let rules = parse_rules(&String::from_utf8_lossy(body));
    for rule in rules {
        if !versioning_enabled(proxy, info, &rule.destination).await? {
            return Ok(Some(s3_error(
                StatusCode::BAD_REQUEST,
                "InvalidRequest",
                "Destination bucket must have versioning enabled.",
            )));
        }
    }
    Ok(None)
}

/// The enabled rules of a `ReplicationConfiguration` document.
/// The child element of `node` named `name`.
fn child<'a, 'input>(node: roxmltree::Node<'a, 'input>, name: &str) -> Option<roxmltree::Node<'a, 'input>> {
    node.children().find(|c| c.has_tag_name(name))
}

/// The trimmed text of `node`'s child `name`.
fn text_of<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(node, name).map(|c| c.text().unwrap_or("").trim())
}

fn parse_rules(text: &str) -> Vec<Rule> {
    let Ok(document) = roxmltree::Document::parse(text) else {
        return Vec::new();
    };
    let root = document.root_element();
    let mut rules: Vec<Rule> = root
        .children()
        .filter(|n| n.has_tag_name("Rule"))
        .filter(|rule| text_of(*rule, "Status") == Some("Enabled"))
        .filter_map(|rule| {
            let destination = text_of(child(rule, "Destination")?, "Bucket")?
                .trim_start_matches("arn:aws:s3:::")
                .to_string();
            let filter = child(rule, "Filter");
            let and = filter.and_then(|f| child(f, "And"));
            let prefix = and
                .and_then(|a| text_of(a, "Prefix"))
                .or_else(|| filter.and_then(|f| text_of(f, "Prefix")))
                .or_else(|| text_of(rule, "Prefix"))
                .unwrap_or("")
                .to_string();
            let tag_parent = and.or(filter);
            let tags = tag_parent
                .map(|parent| {
                    parent
                        .children()
                        .filter(|n| n.has_tag_name("Tag"))
                        .filter_map(|tag| {
                            Some((
                                text_of(tag, "Key")?.to_string(),
                                text_of(tag, "Value").unwrap_or("").to_string(),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let metrics = child(rule, "Destination")
                .and_then(|d| child(d, "Metrics"))
                .and_then(|m| text_of(m, "Status"))
                == Some("Enabled");
            Some(Rule {
                id: text_of(rule, "ID").unwrap_or("").to_string(),
                metrics,
                priority: text_of(rule, "Priority")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0),
                prefix,
                tags,
                destination,
                delete_markers: child(rule, "DeleteMarkerReplication").and_then(|d| text_of(d, "Status"))
                    == Some("Enabled"),
            })
        })
        .collect();
    rules.sort_by_key(|rule| -rule.priority);
    rules
}

async fn rules(proxy: &Proxy, info: &RequestInfo, bucket: &str) -> Vec<Rule> {
    if let Some(cached) = proxy
        .s3
        .configurations
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(bucket)
    {
        return cached.clone().unwrap_or_default();
    }
    let reply = proxy
        .upstream
        .s3(
            &info.access_key,
            Method::GET,
            &format!("/{bucket}?replication"),
            &HeaderMap::new(),
            Bytes::new(),
        )
        .await;
    let rules = match reply {
        Ok(reply) if reply.status.is_success() => Some(parse_rules(&reply.text())),
        _ => None,
    };
    proxy
        .s3
        .configurations
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(bucket.to_string(), rules.clone());
    rules.unwrap_or_default()
}

/// Which rules copy an object: for each destination, the matching rule of
/// highest priority.
fn destinations<'a>(rules: &'a [Rule], key: &str, tags: &[(String, String)]) -> Vec<&'a Rule> {
    let mut found: Vec<&Rule> = Vec::new();
    for rule in rules {
        let matches = key.starts_with(&rule.prefix) && rule.tags.iter().all(|tag| tags.contains(tag));
        if matches && !found.iter().any(|f| f.destination == rule.destination) {
            found.push(rule);
        }
    }
    found
}

/// Publishes a rule's backlog, and the latency of a copy just made, as S3
/// Replication Time Control's metrics do.
async fn publish_replication(
    proxy: &Proxy,
    access_key: &str,
    region: &str,
    (source, rule): (&str, &Rule),
    backlog: (u64, u64),
    latency: Option<f64>,
) {
    if !rule.metrics {
        return;
    }
    let dimensions = [
        ("SourceBucket", source),
        ("DestinationBucket", rule.destination.as_str()),
        ("RuleId", rule.id.as_str()),
    ];
    let mut metrics = vec![
        ("OperationsPendingReplication", backlog.0 as f64, "Count"),
        ("BytesPendingReplication", backlog.1 as f64, "Bytes"),
    ];
    if let Some(latency) = latency {
        metrics.push(("ReplicationLatency", latency, "Seconds"));
    }
    for (name, value, unit) in metrics {
        let metric = crate::metrics::Metric {
            namespace: "AWS/S3",
            name,
            value,
            unit,
            dimensions: &dimensions,
        };
        crate::metrics::publish(&proxy.upstream, access_key, region, metric).await;
    }
}

async fn replicate_object(
    proxy: &Arc<Proxy>,
    info: &RequestInfo,
    bucket: &str,
    key: &str,
    version: &str,
    tags: &[(String, String)],
    size: u64,
) {
    let rules = rules(proxy, info, bucket).await;
    let targets: Vec<Rule> = destinations(&rules, key, tags).into_iter().cloned().collect();
    if targets.is_empty() {
        return;
    }
    let source = (bucket.to_string(), key.to_string(), version.to_string());
    proxy.s3.set_status(source.clone(), "PENDING");
    let from = bucket_region(proxy, &info.access_key, bucket).await;
    for rule in &targets {
        let backlog = proxy
            .s3
            .backlog
            .change((bucket, &rule.destination, &rule.id), size, true);
        publish_replication(proxy, &info.access_key, &from, (bucket, rule), backlog, None).await;
    }
    let written = std::time::Instant::now();
    let delay = proxy.replication_delay(proxy.settings().s3_replication_ms, &info.access_key);
    let (proxy, access_key, tags) = (proxy.clone(), info.access_key.clone(), tags.to_vec());
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let path = format!("/{}/{}?versionId={}", source.0, encode_key(&source.1), source.2);
        let original = proxy
            .upstream
            .s3(&access_key, Method::GET, &path, &HeaderMap::new(), Bytes::new())
            .await;
        let Some(original) = original.ok().filter(|reply| reply.status.is_success()) else {
            proxy.s3.set_status(source.clone(), "FAILED");
            // A failed operation is no longer pending (S3 counts it in
            // `OperationsFailedReplication` instead).
            for rule in &targets {
                let backlog = proxy
                    .s3
                    .backlog
                    .change((&source.0, &rule.destination, &rule.id), size, false);
                publish_replication(&proxy, &access_key, &from, (&source.0, rule), backlog, None).await;
            }
            return;
        };
        let mut headers = HeaderMap::new();
        for (name, value) in &original.headers {
            let keep = name.as_str().starts_with("x-amz-meta-")
                || matches!(
                    name.as_str(),
                    "content-type"
                        | "cache-control"
                        | "content-encoding"
                        | "content-disposition"
                        | "content-language"
                );
            if keep {
                headers.insert(name.clone(), value.clone());
            }
        }
        if !tags.is_empty() {
            let tagging: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            if let Ok(value) = tagging.join("&").parse() {
                headers.insert("x-amz-tagging", value);
            }
        }
        let mut all_copied = true;
        for rule in &targets {
            let destination = rule.destination.clone();
            // Replication paused between the two regions: the copy waits.
            let to = bucket_region(&proxy, &access_key, &destination).await;
            proxy.pauses.wait("s3", &from, &to, &access_key).await;
            let path = format!("/{destination}/{}", encode_key(&source.1));
            match proxy
                .upstream
                .s3(&access_key, Method::PUT, &path, &headers, original.body.clone())
                .await
            {
                Ok(reply) if reply.status.is_success() => {
                    proxy
                        .s3
                        .set_status((destination, source.1.clone(), version_of(&reply)), "REPLICA");
                }
                _ => all_copied = false,
            }
            let backlog = proxy
                .s3
                .backlog
                .change((&source.0, &rule.destination, &rule.id), size, false);
            let latency = written.elapsed().as_secs_f64();
            publish_replication(
                &proxy,
                &access_key,
                &from,
                (&source.0, rule),
                backlog,
                Some(latency),
            )
            .await;
        }
        proxy
            .s3
            .set_status(source, if all_copied { "COMPLETED" } else { "FAILED" });
    });
}

/// The region a bucket lives in (`GetBucketLocation`; none is us-east-1).
async fn bucket_region(proxy: &Proxy, access_key: &str, bucket: &str) -> String {
    proxy
        .s3_regions
        .region_of(proxy, access_key, bucket)
        .await
        .unwrap_or_else(|| "us-east-1".into())
}

/// A delete (a new delete marker) is replicated by rules that ask for it.
async fn replicate_delete(proxy: &Arc<Proxy>, info: &RequestInfo, bucket: &str, key: &str) {
    let rules = rules(proxy, info, bucket).await;
    let targets: Vec<String> = rules
        .iter()
        .filter(|rule| rule.delete_markers && key.starts_with(&rule.prefix) && rule.tags.is_empty())
        .map(|rule| rule.destination.clone())
        .collect();
    if targets.is_empty() {
        return;
    }
    let delay = proxy.replication_delay(proxy.settings().s3_replication_ms, &info.access_key);
    let (proxy, access_key, key) = (proxy.clone(), info.access_key.clone(), key.to_string());
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        for destination in targets {
            let path = format!("/{destination}/{}", encode_key(&key));
            let _ = proxy
                .upstream
                .s3(
                    &access_key,
                    Method::DELETE,
                    &path,
                    &HeaderMap::new(),
                    Bytes::new(),
                )
                .await;
        }
    });
}

fn encode_key(key: &str) -> String {
    key.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_honour_status_priority_and_filters() {
        let config = r#"<ReplicationConfiguration><Role>arn</Role>
            <Rule><ID>a</ID><Priority>1</Priority><Status>Enabled</Status><Filter><Prefix>docs/</Prefix></Filter>
              <Destination><Bucket>arn:aws:s3:::dest-a</Bucket></Destination><DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication></Rule>
            <Rule><ID>b</ID><Priority>2</Priority><Status>Disabled</Status><Filter><Prefix></Prefix></Filter>
              <Destination><Bucket>arn:aws:s3:::dest-b</Bucket></Destination></Rule>
            <Rule><ID>c</ID><Priority>3</Priority><Status>Enabled</Status><Filter><And><Prefix></Prefix><Tag><Key>copy</Key><Value>yes</Value></Tag></And></Filter>
              <Destination><Bucket>arn:aws:s3:::dest-c</Bucket></Destination></Rule>
        </ReplicationConfiguration>"#;
        let rules = parse_rules(config);
        assert_eq!(rules.len(), 2);
        let names = |key: &str, tags: &[(String, String)]| -> Vec<String> {
            destinations(&rules, key, tags)
                .iter()
                .map(|rule| rule.destination.clone())
                .collect()
        };
        assert_eq!(names("docs/a.json", &[]), ["dest-a"]);
        assert!(names("other/a.json", &[]).is_empty());
        assert_eq!(names("x", &[("copy".into(), "yes".into())]), ["dest-c"]);
        assert_eq!(rules[1].id, "a");
        assert!(!rules[1].metrics);
        let with_metrics = parse_rules(
            r#"<ReplicationConfiguration><Rule><ID>r</ID><Status>Enabled</Status>
              <Destination><Bucket>arn:aws:s3:::d</Bucket><Metrics><Status>Enabled</Status></Metrics></Destination></Rule>
            </ReplicationConfiguration>"#,
        );
        assert!(with_metrics[0].metrics);
    }

    #[test]
    fn keys_are_decoded_and_encoded() {
        assert_eq!(
            bucket_and_key("/b/a%20b/c.json"),
            ("b".to_string(), "a b/c.json".to_string())
        );
        assert_eq!(encode_key("a b/c+d"), "a%20b/c%2Bd");
    }
}
