//! Route 53 health checks that probe, and the answers they decide. moto
//! stores health checks but never checks anything; the proxy does, as the
//! Route 53 Developer Guide's "How Amazon Route 53 determines whether a
//! health check is healthy" says: each check's endpoint is requested every
//! `RequestInterval` (an execute-api host is the emulated API), with a 4 s
//! connect and 2 s response timeout; HTTP(S) succeeds on a 2xx or 3xx; the
//! status flips after `FailureThreshold` results in a row the other way;
//! `Inverted` and `Disabled` are honoured. `GetHealthCheckStatus` answers
//! with a set of emulated checkers' observations, the `HealthCheckStatus`
//! metric is published in us-east-1, and `TestDNSAnswer` answers failover
//! records as Route 53 does: the primary while its check is healthy, else
//! the secondary, and the primary when both are unhealthy. Every interval
//! and timeout is multiplied by the settings' `time_scale` (a timeout never
//! below a second).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use hyper::{HeaderMap, Method, StatusCode};

use crate::proxy::{Proxy, ProxyRequest};
use crate::request_info::RequestInfo;
use crate::upstream::{Reply, Upstream};
use crate::xml::escape;

/// Where Route 53's checkers are said to be (three of its checker regions).
const CHECKERS: &[(&str, &str)] = &[
    ("us-east-1", "15.177.2.1"),
    ("us-west-1", "15.177.10.1"),
    ("eu-west-1", "15.177.62.1"),
];

#[derive(Debug, Clone)]
struct Config {
    kind: String,
    fqdn: String,
    port: u16,
    path: String,
    interval: u64,
    threshold: u64,
    inverted: bool,
    disabled: bool,
}

#[derive(Debug, Clone)]
struct Status {
    /// Before `Inverted` and `Disabled`.
    healthy: bool,
    /// Results in a row that disagree with `healthy`.
    against: u64,
    last_report: String,
    checked: String,
}

#[derive(Debug)]
struct Check {
    config: Mutex<Config>,
    status: Mutex<Status>,
    prober: Mutex<Option<tokio::task::JoinHandle<()>>>,
    access_key: String,
}

impl Check {
    /// Whether Route 53 counts it healthy now.
    fn healthy(&self) -> bool {
        let config = self.config.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if config.disabled {
            return true;
        }
        let healthy = self.status.lock().unwrap_or_else(|p| p.into_inner()).healthy;
        healthy != config.inverted
    }
}

#[derive(Debug, Default)]
pub(crate) struct HealthChecks {
    checks: Mutex<HashMap<String, Arc<Check>>>,
}

fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        crate::runtime::civil(days).replace('/', "-"),
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}

fn config_of(element: &roxmltree::Node<'_, '_>, base: Option<&Config>) -> Config {
    let text = |name: &str| {
        element
            .descendants()
            .find(|n| n.has_tag_name(name))
            .and_then(|n| n.text())
            .map(str::to_string)
    };
    let number = |name: &str| text(name).and_then(|t| t.parse::<u64>().ok());
    let flag = |name: &str| text(name).map(|t| t == "true");
    let base = base.cloned();
    let or = |field: Option<u64>, default: u64| field.unwrap_or(default);
    Config {
        kind: text("Type")
            .or_else(|| base.as_ref().map(|b| b.kind.clone()))
            .unwrap_or_else(|| "HTTP".into()),
        fqdn: text("FullyQualifiedDomainName")
            .or_else(|| base.as_ref().map(|b| b.fqdn.clone()))
            .unwrap_or_default(),
        port: number("Port")
            .map(|p| p as u16)
            .or_else(|| base.as_ref().map(|b| b.port))
            .unwrap_or(80),
        path: text("ResourcePath")
            .or_else(|| base.as_ref().map(|b| b.path.clone()))
            .unwrap_or_else(|| "/".into()),
        interval: or(
            number("RequestInterval"),
            base.as_ref().map_or(30, |b| b.interval),
        ),
        threshold: or(
            number("FailureThreshold"),
            base.as_ref().map_or(3, |b| b.threshold),
        ),
        inverted: flag("Inverted")
            .or_else(|| base.as_ref().map(|b| b.inverted))
            .unwrap_or(false),
        disabled: flag("Disabled")
            .or_else(|| base.as_ref().map(|b| b.disabled))
            .unwrap_or(false),
    }
}

fn xml_reply(body: String) -> Reply {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "text/xml".parse().expect("static header"));
    Reply {
        status: StatusCode::OK,
        headers,
        body: Bytes::from(body),
    }
}

const NAMESPACE: &str = "https://route53.amazonaws.com/doc/2013-04-01/";

pub(crate) async fn handle(
    proxy: &Arc<Proxy>,
    info: &RequestInfo,
    request: &ProxyRequest,
) -> Result<Reply, String> {
    let parts: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    match (&request.method, parts.as_slice()) {
        (&Method::GET, ["2013-04-01", "healthcheck", id, "status"]) => {
            if let Some(check) = proxy.health_checks.get(id) {
                return Ok(status_reply(&check));
            }
        }
        (&Method::GET, ["2013-04-01", "testdnsanswer"]) => {
            return test_dns_answer(proxy, info, &request.query).await;
        }
        _ => {}
    }
    let reply = proxy.forward(request).await?;
    if !reply.status.is_success() {
        return Ok(reply);
    }
    match (&request.method, parts.as_slice()) {
        (&Method::POST, ["2013-04-01", "healthcheck"]) => {
            let sent = String::from_utf8_lossy(&request.body).into_owned();
            let answered = reply.text();
            if let (Ok(sent), Ok(answered)) = (
                roxmltree::Document::parse(&sent),
                roxmltree::Document::parse(&answered),
            ) && let Some(id) = answered
                .descendants()
                .find(|n| n.has_tag_name("Id"))
                .and_then(|n| n.text())
            {
                let config = config_of(&sent.root_element(), None);
                proxy.health_checks.add(proxy, id, config, &info.access_key);
            }
        }
        (&Method::POST, ["2013-04-01", "healthcheck", id]) => {
            let sent = String::from_utf8_lossy(&request.body).into_owned();
            if let (Ok(sent), Some(check)) = (roxmltree::Document::parse(&sent), proxy.health_checks.get(id))
            {
                let mut config = check.config.lock().unwrap_or_else(|p| p.into_inner());
                *config = config_of(&sent.root_element(), Some(&config));
            }
        }
        (&Method::DELETE, ["2013-04-01", "healthcheck", id]) => proxy.health_checks.remove(id),
        _ => {}
    }
    Ok(reply)
}

fn status_reply(check: &Check) -> Reply {
    let status = check.status.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let observations: String = CHECKERS
        .iter()
        .map(|(region, ip)| {
            format!(
                "<HealthCheckObservation><Region>{region}</Region><IPAddress>{ip}</IPAddress><StatusReport>\
                 <Status>{}</Status><CheckedTime>{}</CheckedTime></StatusReport></HealthCheckObservation>",
                escape(&status.last_report),
                status.checked
            )
        })
        .collect();
    xml_reply(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><GetHealthCheckStatusResponse xmlns=\"{NAMESPACE}\">\
         <HealthCheckObservations>{observations}</HealthCheckObservations></GetHealthCheckStatusResponse>"
    ))
}

impl HealthChecks {
    fn get(&self, id: &str) -> Option<Arc<Check>> {
        self.checks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }

    fn add(&self, proxy: &Arc<Proxy>, id: &str, config: Config, access_key: &str) {
        let check = Arc::new(Check {
            config: Mutex::new(config),
            status: Mutex::new(Status {
                healthy: true,
                against: 0,
                last_report: "Success: not checked yet".into(),
                checked: now(),
            }),
            prober: Mutex::new(None),
            access_key: access_key.to_string(),
        });
        let prober = tokio::spawn(probe_forever(proxy.clone(), id.to_string(), check.clone()));
        *check.prober.lock().unwrap_or_else(|p| p.into_inner()) = Some(prober);
        self.checks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.to_string(), check);
    }

    fn remove(&self, id: &str) {
        if let Some(check) = self.checks.lock().unwrap_or_else(|p| p.into_inner()).remove(id)
            && let Some(prober) = check.prober.lock().unwrap_or_else(|p| p.into_inner()).take()
        {
            prober.abort();
        }
    }

    pub(crate) fn reset(&self) {
        let ids: Vec<String> = self
            .checks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .keys()
            .cloned()
            .collect();
        for id in ids {
            self.remove(&id);
        }
    }

    /// Whether the check `id` is healthy; unknown checks are.
    fn is_healthy(&self, id: &str) -> bool {
        self.get(id).is_none_or(|check| check.healthy())
    }
}

fn scaled(proxy: &Proxy, duration: Duration, access_key: &str) -> Duration {
    duration.mul_f64(proxy.time_scale(access_key))
}

async fn probe_forever(proxy: Arc<Proxy>, id: String, check: Arc<Check>) {
    loop {
        let config = check.config.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let (success, report) = probe(&proxy, &config, &check.access_key).await;
        {
            let mut status = check.status.lock().unwrap_or_else(|p| p.into_inner());
            if success == status.healthy {
                status.against = 0;
            } else {
                status.against += 1;
                if status.against >= config.threshold.max(1) {
                    status.healthy = success;
                    status.against = 0;
                }
            }
            status.last_report = report;
            status.checked = now();
        }
        publish(&proxy.upstream, &id, check.healthy(), &check.access_key).await;
        tokio::time::sleep(scaled(
            &proxy,
            Duration::from_secs(config.interval.max(1)),
            &check.access_key,
        ))
        .await;
    }
}

/// One request to the endpoint: whether it succeeded, and the report
/// Route 53 would give.
/// A probe's timeout, scaled but never under a second: in the emulator a
/// probe runs the function itself, which takes longer than a real round trip.
fn probe_timeout(proxy: &Proxy, timeout: Duration, access_key: &str) -> Duration {
    scaled(proxy, timeout, access_key).max(Duration::from_secs(1))
}

async fn probe(proxy: &Arc<Proxy>, config: &Config, access_key: &str) -> (bool, String) {
    let timeout = probe_timeout(proxy, Duration::from_secs(6), access_key);
    if config.kind == "TCP" {
        let connect = tokio::net::TcpStream::connect((config.fqdn.as_str(), config.port));
        return match tokio::time::timeout(probe_timeout(proxy, Duration::from_secs(4), access_key), connect)
            .await
        {
            Ok(Ok(_)) => (true, "Success: TCP connection established".into()),
            _ => (false, "Failure: Connection timed out".into()),
        };
    }
    let mut headers = HeaderMap::new();
    if let Ok(host) = config.fqdn.parse() {
        headers.insert("host", host);
    }
    let request = ProxyRequest {
        method: Method::GET,
        path: config.path.split('?').next().unwrap_or("/").to_string(),
        query: config
            .path
            .split_once('?')
            .map(|(_, q)| q.to_string())
            .unwrap_or_default(),
        headers,
        body: Bytes::new(),
    };
    let Some(target) = crate::execute_api::target(&request.path, &request.headers) else {
        return (
            false,
            format!("Failure: {} is not an endpoint the emulator serves", config.fqdn),
        );
    };
    match tokio::time::timeout(timeout, crate::execute_api::handle(proxy, &request, target)).await {
        Ok(reply) if reply.status.is_success() || reply.status.is_redirection() => (
            true,
            format!(
                "Success: HTTP Status Code {}, {}",
                reply.status.as_u16(),
                reply.status.canonical_reason().unwrap_or("")
            ),
        ),
        Ok(reply) => (
            false,
            format!(
                "Failure: HTTP Status Code {}, {}",
                reply.status.as_u16(),
                reply.status.canonical_reason().unwrap_or("")
            ),
        ),
        Err(_) => (false, "Failure: The endpoint did not respond in time".into()),
    }
}

/// The `HealthCheckStatus` metric (1 healthy, 0 not), in us-east-1.
async fn publish(upstream: &Upstream, id: &str, healthy: bool, access_key: &str) {
    let metric = crate::metrics::Metric {
        namespace: "AWS/Route53",
        name: "HealthCheckStatus",
        value: f64::from(u8::from(healthy)),
        unit: "None",
        dimensions: &[("HealthCheckId", id)],
    };
    crate::metrics::publish(upstream, access_key, "us-east-1", metric).await;
}

fn query_value(query: &str, key: &str) -> Option<String> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
        .map(|value| value.replace("%2E", ".").replace("%2e", "."))
}

/// One record set of a name, as `TestDNSAnswer` weighs it.
#[derive(Debug, Clone, Default)]
struct RecordSet {
    name: String,
    kind: String,
    failover: Option<String>,
    weight: Option<u64>,
    region: Option<String>,
    health_check: Option<String>,
    values: Vec<String>,
}

/// The region the emulator's resolver is said to be in, for latency records.
const RESOLVER_REGION: &str = "us-east-1";

/// Which record set Route 53 answers with. Failover: the primary while it is
/// healthy, else the secondary, and the primary when both are unhealthy.
/// Weighted: a healthy one at random by weight (all, when none is healthy).
/// Latency: the healthy one nearest the resolver (here, in its region).
/// `random` is in [0, 1).
fn choose(sets: &[RecordSet], healthy: impl Fn(&RecordSet) -> bool, random: f64) -> Option<&RecordSet> {
    let role = |set: &&RecordSet, role: &str| set.failover.as_deref() == Some(role);
    if sets.iter().any(|set| set.failover.is_some()) {
        let primary = sets.iter().find(|s| role(s, "PRIMARY"));
        let secondary = sets.iter().find(|s| role(s, "SECONDARY"));
        return match (primary, secondary) {
            (Some(primary), _) if healthy(primary) => Some(primary),
            (Some(primary), Some(secondary)) => Some(if healthy(secondary) { secondary } else { primary }),
            (primary, secondary) => primary.or(secondary),
        };
    }
    let candidates: Vec<&RecordSet> = {
        let up: Vec<&RecordSet> = sets.iter().filter(|s| healthy(s)).collect();
        if up.is_empty() { sets.iter().collect() } else { up }
    };
    if candidates.iter().any(|set| set.weight.is_some()) {
        let total: u64 = candidates.iter().map(|s| s.weight.unwrap_or(0)).sum();
        if total == 0 {
            return candidates.first().copied();
        }
        let mut point = (random * total as f64) as u64;
        for set in &candidates {
            let weight = set.weight.unwrap_or(0);
            if point < weight {
                return Some(set);
            }
            point -= weight;
        }
        return candidates.last().copied();
    }
    if candidates.iter().any(|set| set.region.is_some()) {
        return candidates
            .iter()
            .find(|s| s.region.as_deref() == Some(RESOLVER_REGION))
            .or_else(|| candidates.iter().min_by_key(|s| s.region.clone()))
            .copied();
    }
    candidates.first().copied()
}

/// Route 53's answer for a record, from its record sets and their checks.
async fn test_dns_answer(proxy: &Arc<Proxy>, info: &RequestInfo, query: &str) -> Result<Reply, String> {
    let zone = query_value(query, "hostedzoneid").unwrap_or_default();
    let name = query_value(query, "recordname").unwrap_or_default();
    let kind = query_value(query, "recordtype").unwrap_or_default();
    let mut headers = HeaderMap::new();
    headers.insert(
        "authorization",
        Upstream::authorization(&info.access_key, "us-east-1", "route53")
            .parse()
            .map_err(|_| "header")?,
    );
    let listed = proxy
        .upstream
        .send(
            Method::GET,
            &format!("/2013-04-01/hostedzone/{zone}/rrset"),
            &headers,
            Bytes::new(),
        )
        .await?;
    let text = listed.text();
    let document = roxmltree::Document::parse(&text).map_err(|e| e.to_string())?;
    let wanted = name.trim_end_matches('.');
    let sets: Vec<RecordSet> = document
        .descendants()
        .filter(|n| n.has_tag_name("ResourceRecordSet"))
        .map(|set| {
            let field = |tag: &str| {
                set.children()
                    .find(|c| c.has_tag_name(tag))
                    .and_then(|c| c.text())
                    .map(str::to_string)
            };
            RecordSet {
                name: field("Name").unwrap_or_default(),
                kind: field("Type").unwrap_or_default(),
                failover: field("Failover"),
                weight: field("Weight").and_then(|w| w.parse().ok()),
                region: field("Region"),
                health_check: field("HealthCheckId"),
                values: set
                    .descendants()
                    .filter(|n| n.has_tag_name("Value"))
                    .filter_map(|n| n.text().map(str::to_string))
                    .collect(),
            }
        })
        .filter(|set| set.name.trim_end_matches('.') == wanted && set.kind == kind)
        .collect();
    let random = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| f64::from(d.subsec_nanos()) / 1e9)
        .unwrap_or(0.0);
    let chosen = choose(
        &sets,
        |set| {
            set.health_check
                .as_deref()
                .is_none_or(|id| proxy.health_checks.is_healthy(id))
        },
        random,
    );
    let values: String = chosen
        .map(|set| {
            set.values
                .iter()
                .map(|v| format!("<RecordDataEntry>{}</RecordDataEntry>", escape(v)))
                .collect()
        })
        .unwrap_or_default();
    let code = if chosen.is_some() { "NOERROR" } else { "NXDOMAIN" };
    Ok(xml_reply(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><TestDNSAnswerResponse xmlns=\"{NAMESPACE}\">\
         <Nameserver>ns-1.awsdns-01.org</Nameserver><RecordName>{}</RecordName><RecordType>{}</RecordType>\
         <RecordData>{values}</RecordData><ResponseCode>{code}</ResponseCode><Protocol>UDP</Protocol>\
         </TestDNSAnswerResponse>",
        escape(&name),
        escape(&kind)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(value: &str) -> RecordSet {
        RecordSet {
            values: vec![value.into()],
            ..RecordSet::default()
        }
    }

    #[test]
    fn failover_answers_the_primary_unless_only_the_secondary_is_healthy() {
        let sets = [
            RecordSet {
                failover: Some("PRIMARY".into()),
                health_check: Some("p".into()),
                ..set("east")
            },
            RecordSet {
                failover: Some("SECONDARY".into()),
                health_check: Some("s".into()),
                ..set("west")
            },
        ];
        let answer = |down: &[&str]| {
            choose(
                &sets,
                |s| !down.contains(&s.health_check.as_deref().unwrap_or("")),
                0.5,
            )
            .map(|s| s.values[0].clone())
        };
        assert_eq!(answer(&[]).as_deref(), Some("east"));
        assert_eq!(answer(&["p"]).as_deref(), Some("west"));
        assert_eq!(
            answer(&["p", "s"]).as_deref(),
            Some("east"),
            "both down: the primary"
        );
    }

    #[test]
    fn weighted_and_latency_records_answer_among_the_healthy() {
        let weighted = [
            RecordSet {
                weight: Some(1),
                ..set("a")
            },
            RecordSet {
                weight: Some(3),
                ..set("b")
            },
        ];
        assert_eq!(
            choose(&weighted, |_| true, 0.1).map(|s| s.values[0].as_str()),
            Some("a")
        );
        assert_eq!(
            choose(&weighted, |_| true, 0.9).map(|s| s.values[0].as_str()),
            Some("b")
        );
        assert_eq!(
            choose(&weighted, |s| s.values[0] == "a", 0.9).map(|s| s.values[0].as_str()),
            Some("a")
        );
        let latency = [
            RecordSet {
                region: Some("us-east-2".into()),
                ..set("west")
            },
            RecordSet {
                region: Some("us-east-1".into()),
                ..set("east")
            },
        ];
        assert_eq!(
            choose(&latency, |_| true, 0.0).map(|s| s.values[0].as_str()),
            Some("east")
        );
        assert_eq!(
            choose(&latency, |s| s.values[0] == "west", 0.0).map(|s| s.values[0].as_str()),
            Some("west")
        );
    }
}
