//! `drx drill`: a failover drill on the live stack that measures what
//! `drx explain` proves. It writes canaries in the primary (one per
//! replicated store, and optionally a request through the API's function),
//! makes the primary fail the way an outage looks to Route 53 — the
//! function behind the health route gets reserved concurrency 0, so the
//! health path really fails —, times each RTO term it can observe, reads
//! the canaries in the standby (the RPO each store had), then puts
//! everything back: the concurrency as it was, the canaries removed, the
//! answer on the primary again. Every step is recorded in the state first
//! (`state::DrillRecord`), so a drill cut short is known and `restore`
//! finishes it.

use std::time::{Duration, Instant};

use crate::model::resources::{Attributes, ResourceType};
use crate::model::template::Part;
use crate::model::{Marker, Observer, Operator, Provider, RouteRequest};
use crate::state::{Canary, DrillPhase, DrillRecord, Outputs, State, StateStore};

use super::drill_report::{Action, DrillReport, Proofs, StoreMeasured};
use super::failover::{OperateError, Progress, Steering, choose, steerings};
use super::replication::links;

/// A request through the API that writes a canary, and the route that
/// reads it back.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiCanary {
    /// `POST /payments`: method and resource path.
    pub write: (String, String),
    pub body: String,
    /// `GET /payments/{id}`: its `{…}` is filled with the id the write
    /// answered, found at `id_pointer` (a JSON pointer) in its body.
    pub read: (String, String),
    pub id_pointer: String,
    /// Object keys the write leaves in the function's buckets, with `{id}`
    /// for the id (`receipts/{id}.json`): removed with the canaries, as is
    /// the item keyed by the id in each table the function names.
    pub objects: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct DrillOptions {
    pub failover: Option<String>,
    pub api_canary: Option<ApiCanary>,
    /// How long each phase may take: detection and the answer, the
    /// canaries' arrival, the return.
    pub timeout: Duration,
    pub poll: Duration,
}

impl Default for DrillOptions {
    fn default() -> Self {
        DrillOptions {
            failover: None,
            api_canary: None,
            timeout: Duration::from_secs(900),
            poll: Duration::from_secs(1),
        }
    }
}

/// Route 53 counts a check healthy while more than 18 % of its checkers
/// do (Route 53 Developer Guide, "How Amazon Route 53 determines whether a
/// health check is healthy").
fn unhealthy(healthy: usize, checkers: usize) -> bool {
    checkers > 0 && healthy * 100 <= checkers * 18
}

/// The function behind `method resource` of the API in `region`, read from
/// the recorded route's integration (`…:function:NAME/invocations`).
pub fn route_function(state: &State, region: &str, method: &str, resource: &str) -> Option<String> {
    let outputs = Outputs::of(state);
    state.resources.iter().find_map(|route| {
        if route.region.as_ref().map(|r| r.0.as_str()) != Some(region) {
            return None;
        }
        let Ok(Attributes::ApiRoute(attributes)) = route.typed_attributes() else {
            return None;
        };
        if !attributes.http_method.eq_ignore_ascii_case(method) {
            return None;
        }
        let resource_address = attributes
            .resource
            .parts()
            .into_iter()
            .find_map(|part| match part {
                Part::Ref(address, _) => Some(address),
                _ => None,
            })?;
        let path = state
            .resources
            .iter()
            .find(|r| r.address == resource_address)
            .and_then(|r| match r.typed_attributes() {
                Ok(Attributes::ApiResource(api)) => Some(api.path),
                _ => None,
            })?;
        if path != resource {
            return None;
        }
        let uri = outputs.value(&attributes.integration_uri).ok()?;
        let name = uri.split(":function:").nth(1)?.split('/').next()?;
        Some(name.to_string())
    })
}

/// The API path a health check probes: its path without the stage.
fn api_path(probed: &str) -> String {
    let rest: Vec<&str> = probed.trim_start_matches('/').split('/').skip(1).collect();
    format!("/{}", rest.join("/"))
}

fn now() -> String {
    humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string()
}

struct Log<'a> {
    started: Instant,
    actions: Vec<Action>,
    progress: Progress<'a>,
}

impl Log<'_> {
    fn act(&mut self, what: impl Into<String>) {
        let what = what.into();
        (self.progress)(&what);
        self.actions.push(Action {
            at: now(),
            elapsed_seconds: self.started.elapsed().as_secs_f64(),
            what,
        });
    }
}

fn save(state: &mut State, store: &dyn StateStore) -> Result<(), OperateError> {
    state.serial += 1;
    store.write(state)?;
    Ok(())
}

fn aws_error(doing: impl Into<String>) -> impl FnOnce(crate::model::ProviderError) -> OperateError {
    let doing = doing.into();
    move |error| OperateError::Aws {
        doing,
        error: error.to_string(),
    }
}

/// The failover to drill and the functions behind its health route in
/// both regions.
fn target(state: &State, options: &DrillOptions) -> Result<(Steering, String, String, String), OperateError> {
    let all = choose(state, options.failover.as_deref())?;
    if all.len() > 1 {
        return Err(OperateError::Refused(format!(
            "the stack has {} failovers: name the one to drill with --failover ({})",
            all.len(),
            all.iter()
                .map(|s| s.failover.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let steering = all.into_iter().next().expect("choose refuses none");
    let Ok(Attributes::HealthCheck(check)) = steering.health_check.typed_attributes() else {
        return Err(OperateError::Refused(format!(
            "the state of {} cannot be read",
            steering.health_check.address
        )));
    };
    let Some(probed) = check.resource_path else {
        return Err(OperateError::Refused(format!(
            "{}'s health check is TCP: a drill makes the function behind an HTTP(S) health route fail",
            steering.failover
        )));
    };
    let health = api_path(&probed);
    let function = |region: &str| {
        route_function(state, region, "GET", &health).ok_or_else(|| {
            OperateError::Refused(format!(
                "no function behind GET {health} in {region} is recorded: a drill makes the health route's function fail"
            ))
        })
    };
    let (primary, standby) = (function(&steering.primary)?, function(&steering.standby)?);
    Ok((steering, primary, standby, health))
}

/// Runs a drill of one failover; the report says what was measured, beside
/// what was proven.
pub async fn drill<A: Provider + Observer + Operator>(
    state: &mut State,
    store: &dyn StateStore,
    aws: &A,
    proofs: &Proofs,
    options: &DrillOptions,
    progress: Progress<'_>,
) -> Result<DrillReport, OperateError> {
    if let Some(drill) = &state.drill {
        return Err(OperateError::Refused(format!(
            "a drill of {} started {} is not finished (phase {:?}): `drx drill --restore` puts the stack back first",
            drill.failover, drill.started, drill.phase
        )));
    }
    if let Some(failover) = state
        .failovers
        .iter()
        .find(|f| options.failover.as_ref().is_none_or(|name| &f.failover == name))
    {
        return Err(OperateError::Refused(format!(
            "{} is failed over ({}): a drill starts from the primary; `drx failback` first",
            failover.failover,
            failover.describe()
        )));
    }
    let (steering, function, standby_function, health) = target(state, options)?;
    let answer = aws
        .dns_answer(steering.zone_id(), &steering.domain, steering.record_type())
        .await
        .map_err(aws_error("ask Route 53 for the answer"))?;
    if !answer.iter().any(|a| steering.is_primary(a)) {
        return Err(OperateError::Refused(format!(
            "Route 53 answers {} with {} now, not the primary {}: a drill starts from a healthy primary",
            steering.domain,
            answer.join(", "),
            steering.primary
        )));
    }

    let mut log = Log {
        started: Instant::now(),
        actions: Vec::new(),
        progress,
    };
    let id = uuid::Uuid::new_v4().simple().to_string();
    let previous = aws
        .reserved_concurrency(&steering.primary, &function)
        .await
        .map_err(aws_error(format!("read the reserved concurrency of {function}")))?;
    let by = aws
        .caller()
        .await
        .unwrap_or_else(|_| "an unknown AWS identity".into());

    // Canaries: one per store replicating primary → standby, recorded
    // before they are written.
    let store_links: Vec<_> = links(state)
        .into_iter()
        .filter(|l| l.from == steering.primary && l.to == steering.standby)
        .collect();
    let canaries: Vec<Canary> = store_links
        .iter()
        .map(|link| {
            let (written, read) = link.markers(&format!("drill-{id}"));
            let copies = match read {
                Marker::Object { .. } => vec![(link.to.clone(), read)],
                Marker::Item { .. } => Vec::new(),
            };
            Canary {
                store: link.store.clone(),
                region: link.from.clone(),
                marker: written,
                copies,
            }
        })
        .collect();
    state.drill = Some(DrillRecord {
        id: id.clone(),
        failover: steering.failover.clone(),
        started: now(),
        by,
        phase: DrillPhase::Canaries,
        function: function.clone(),
        region: steering.primary.clone(),
        previous_concurrency: previous,
        canaries: canaries.clone(),
    });
    save(state, store)?;
    log.act(format!(
        "recorded the drill of {} in the state",
        steering.failover
    ));

    let watched = watch(
        state,
        store,
        aws,
        options,
        &mut log,
        Target {
            steering: &steering,
            function: &function,
            standby_function: &standby_function,
            health: &health,
            id: &id,
        },
        canaries,
        &store_links,
    )
    .await;
    // Whatever happened, the stack is put back.
    let restored = restore(state, store, aws, options, &mut log).await;
    let (detected, answered, serving, stores, mut errors) = match watched {
        Ok(watched) => watched,
        Err(error) => {
            return Err(match restored {
                Ok(()) => {
                    OperateError::Refused(format!("{error}; the drill stopped, and the stack was put back"))
                }
                Err(also) => OperateError::Refused(format!(
                    "{error}; the drill stopped, and putting the stack back failed too: {also}; `drx drill --restore` tries again"
                )),
            });
        }
    };
    if let Err(error) = &restored {
        errors.push(format!("restoring: {error}"));
    }
    Ok(super::drill_report::build(
        state,
        &steering,
        proofs,
        log.actions,
        (detected, answered, serving),
        stores,
        errors,
    ))
}

/// What the drill targets.
struct Target<'a> {
    steering: &'a Steering,
    function: &'a str,
    standby_function: &'a str,
    health: &'a str,
    id: &'a str,
}

type Watched = (
    Option<Duration>,
    Option<Duration>,
    Option<Duration>,
    Vec<StoreMeasured>,
    Vec<String>,
);

/// Writes the canaries, makes the outage and watches it: detection, the
/// answer, the standby serving, each canary's arrival.
#[allow(clippy::too_many_arguments)]
async fn watch<A: Provider + Observer + Operator>(
    state: &mut State,
    store: &dyn StateStore,
    aws: &A,
    options: &DrillOptions,
    log: &mut Log<'_>,
    target: Target<'_>,
    mut canaries: Vec<Canary>,
    store_links: &[super::replication::Link],
) -> Result<Watched, OperateError> {
    let Target {
        steering,
        function,
        standby_function,
        health,
        id,
    } = target;
    let (function, standby_function, health) = (
        function.to_string(),
        standby_function.to_string(),
        health.to_string(),
    );
    let mut written_at: Vec<Instant> = Vec::new();
    for canary in &canaries {
        aws.write_marker(&canary.region, &canary.marker)
            .await
            .map_err(aws_error(format!("write a canary to {}", canary.store)))?;
        written_at.push(Instant::now());
        log.act(format!("wrote a canary to {} in {}", canary.store, canary.region));
    }

    // Through the API's function: the write it answers, read back later in
    // the standby.
    let mut api_read: Option<(String, RouteRequest, Instant)> = None;
    if let Some(canary) = &options.api_canary {
        let writer =
            route_function(state, &steering.primary, &canary.write.0, &canary.write.1).ok_or_else(|| {
                OperateError::Refused(format!(
                    "no function behind {} {} in {}",
                    canary.write.0, canary.write.1, steering.primary
                ))
            })?;
        let reader =
            route_function(state, &steering.standby, &canary.read.0, &canary.read.1).ok_or_else(|| {
                OperateError::Refused(format!(
                    "no function behind {} {} in {}",
                    canary.read.0, canary.read.1, steering.standby
                ))
            })?;
        let request = RouteRequest {
            method: canary.write.0.clone(),
            resource: canary.write.1.clone(),
            path: canary.write.1.clone(),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("idempotency-key".into(), format!("drx-drill-{id}")),
            ],
            body: Some(canary.body.clone()),
        };
        let answered = aws
            .call_route(&steering.primary, &writer, &request)
            .await
            .map_err(aws_error(format!("call {} {}", canary.write.0, canary.write.1)))?;
        let body: serde_json::Value = serde_json::from_str(&answered.body).unwrap_or_default();
        let Some(found) = body
            .pointer(&canary.id_pointer)
            .and_then(|v| v.as_str())
            .map(str::to_string)
        else {
            return Err(OperateError::Refused(format!(
                "{} {} answered {} without an id at {}: {}",
                canary.write.0, canary.write.1, answered.status, canary.id_pointer, answered.body
            )));
        };
        log.act(format!(
            "called {} {} in {} ({}): canary {found}",
            canary.write.0, canary.write.1, steering.primary, answered.status
        ));
        let path = canary
            .read
            .1
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    found.as_str()
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        // What the write left in the stores, to remove with the others.
        canaries.extend(api_leftovers(state, steering, &writer, &found, &canary.objects));
        api_read = Some((
            reader,
            RouteRequest {
                method: canary.read.0.clone(),
                resource: canary.read.1.clone(),
                path,
                headers: Vec::new(),
                body: None,
            },
            Instant::now(),
        ));
        if let Some(drill) = state.drill.as_mut() {
            drill.canaries = canaries.clone();
        }
        save(state, store)?;
    }

    // The outage.
    if let Some(drill) = state.drill.as_mut() {
        drill.phase = DrillPhase::Outage;
    }
    save(state, store)?;
    aws.set_reserved_concurrency(&steering.primary, &function, Some(0))
        .await
        .map_err(aws_error(format!(
            "set the reserved concurrency of {function} to 0"
        )))?;
    let outage = Instant::now();
    log.act(format!(
        "outage: {function} in {} has reserved concurrency 0, so GET {health} fails",
        steering.primary
    ));

    let (mut detected, mut answered, mut serving) = (None, None, None);
    let mut checkers_saw = false;
    let status_metric = crate::model::MetricQuery {
        namespace: "AWS/Route53".into(),
        name: "HealthCheckStatus".into(),
        dimensions: vec![("HealthCheckId".into(), steering.health_check.physical_id.clone())],
    };
    let mut arrived: Vec<Option<Duration>> = vec![None; store_links.len()];
    let mut api_arrived: Option<Duration> = None;
    let mut errors = Vec::new();
    loop {
        // The checkers' own reports turn at the first failed probe; the
        // check itself only after its failure threshold, which Route 53
        // publishes as `HealthCheckStatus` (0 unhealthy, in us-east-1).
        if !checkers_saw
            && let Ok(report) = aws.health_check(&steering.health_check.physical_id).await
            && unhealthy(report.healthy, report.checkers)
        {
            checkers_saw = true;
            log.act(format!(
                "Route 53's checkers report {} failing ({} of {} healthy)",
                steering.primary, report.healthy, report.checkers
            ));
        }
        if detected.is_none()
            && let Ok(Some(point)) = aws.latest_metric("us-east-1", &status_metric).await
            && point.minimum < 1.0
        {
            detected = Some(outage.elapsed());
            log.act(format!(
                "the health check is unhealthy (HealthCheckStatus 0): Route 53 counts {} failed",
                steering.primary
            ));
        }
        if answered.is_none()
            && let Ok(answer) = aws
                .dns_answer(steering.zone_id(), &steering.domain, steering.record_type())
                .await
            && answer.iter().any(|a| steering.is_standby(a))
        {
            answered = Some(outage.elapsed());
            // The answer turns only once the check has: a metric not read
            // yet is read as turning with it.
            detected = detected.or(answered);
            log.act(format!(
                "Route 53 answers {} with {}",
                steering.domain, steering.standby
            ));
        }
        if answered.is_some() && serving.is_none() {
            let probe = RouteRequest {
                method: "GET".into(),
                resource: health.clone(),
                path: health.clone(),
                headers: Vec::new(),
                body: None,
            };
            if let Ok(response) = aws.call_route(&steering.standby, &standby_function, &probe).await
                && (200..400).contains(&response.status)
            {
                serving = Some(outage.elapsed());
                log.act(format!(
                    "{} serves GET {health} ({})",
                    steering.standby, response.status
                ));
            }
        }
        for (n, link) in store_links.iter().enumerate() {
            if arrived[n].is_none() {
                let (_, read) = link.markers(&format!("drill-{id}"));
                if aws.marker_arrived(&link.to, &read).await.unwrap_or(false) {
                    arrived[n] = Some(written_at[n].elapsed());
                    log.act(format!("the canary of {} is in {}", link.store, link.to));
                }
            }
        }
        if let Some((reader, request, since)) = &api_read
            && api_arrived.is_none()
            && let Ok(response) = aws.call_route(&steering.standby, reader, request).await
            && response.status == 200
        {
            api_arrived = Some(since.elapsed());
            log.act(format!(
                "{} {} answers the canary in {}",
                request.method, request.path, steering.standby
            ));
        }
        let done = serving.is_some()
            && arrived.iter().all(Option::is_some)
            && (api_read.is_none() || api_arrived.is_some());
        if done {
            break;
        }
        if outage.elapsed() >= options.timeout {
            errors.push(format!(
                "gave up after {:.0} s: {}",
                options.timeout.as_secs_f64(),
                [
                    detected.is_none().then_some("the checkers never saw the outage"),
                    answered
                        .is_none()
                        .then_some("Route 53 never answered with the standby"),
                    serving.is_none().then_some("the standby never served"),
                    arrived
                        .iter()
                        .any(Option::is_none)
                        .then_some("a canary never arrived"),
                    (api_read.is_some() && api_arrived.is_none())
                        .then_some("the API canary was never readable in the standby"),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; ")
            ));
            break;
        }
        tokio::time::sleep(options.poll).await;
    }

    let stores = store_links
        .iter()
        .zip(&arrived)
        .map(|(link, took)| {
            (
                link.store.clone(),
                format!("an item or object written in {}", link.from),
                *took,
            )
        })
        .chain(api_read.as_ref().map(|(_, request, _)| {
            (
                "api".to_string(),
                format!("{} {} in {}", request.method, request.path, steering.standby),
                api_arrived,
            )
        }))
        .collect::<Vec<StoreMeasured>>();
    Ok((detected, answered, serving, stores, errors))
}

/// What an API canary's write left: the item in the function's table, the
/// receipt in its bucket and the copy of it replication made.
fn api_leftovers(
    state: &State,
    steering: &Steering,
    function: &str,
    id: &str,
    objects: &[String],
) -> Vec<Canary> {
    let outputs = Outputs::of(state);
    let Some(record) = state.resources.iter().find(|r| {
        r.resource_type == ResourceType::LambdaFunction
            && r.region.as_ref().map(|g| g.0.as_str()) == Some(steering.primary.as_str())
            && r.physical_id == function
    }) else {
        return Vec::new();
    };
    let environment = outputs.recorded(&record.attributes)["environment"].clone();
    let mut left = Vec::new();
    for link in links(state)
        .iter()
        .filter(|l| l.from == steering.primary && l.to == steering.standby)
    {
        if let Some(table) = link.table()
            && environment
                .as_object()
                .is_some_and(|e| e.values().any(|v| v == table))
        {
            let (Marker::Item { key, key_type, .. }, _) = link.markers("") else {
                continue;
            };
            left.push(Canary {
                store: link.store.clone(),
                region: link.from.clone(),
                marker: Marker::Item {
                    table: table.to_string(),
                    key,
                    key_type,
                    value: id.to_string(),
                },
                copies: Vec::new(),
            });
        }
        if let (Some(source), Some(destination)) = (link.source_bucket(), link.destination_bucket())
            && environment
                .as_object()
                .is_some_and(|e| e.values().any(|v| v == source))
        {
            for template in objects {
                let key = template.replace("{id}", id);
                left.push(Canary {
                    store: link.store.clone(),
                    region: link.from.clone(),
                    marker: Marker::Object {
                        bucket: source.to_string(),
                        key: key.clone(),
                    },
                    copies: vec![(
                        link.to.clone(),
                        Marker::Object {
                            bucket: destination.to_string(),
                            key,
                        },
                    )],
                });
            }
        }
    }
    left
}

/// Puts the stack back after a drill (or a drill cut short): the
/// function's concurrency as it was, the canaries removed, the answer on
/// the primary, the record gone.
pub async fn restore<A: Provider + Observer + Operator>(
    state: &mut State,
    store: &dyn StateStore,
    aws: &A,
    options: &DrillOptions,
    log_to: &mut impl RestoreLog,
) -> Result<(), OperateError> {
    let Some(mut drill) = state.drill.clone() else {
        return Ok(());
    };
    drill.phase = DrillPhase::Restoring;
    state.drill = Some(drill.clone());
    save(state, store)?;
    aws.set_reserved_concurrency(&drill.region, &drill.function, drill.previous_concurrency)
        .await
        .map_err(aws_error(format!(
            "restore the reserved concurrency of {}",
            drill.function
        )))?;
    log_to.act(format!(
        "{} in {}: reserved concurrency {} again",
        drill.function,
        drill.region,
        drill
            .previous_concurrency
            .map_or_else(|| "unset".to_string(), |n| n.to_string())
    ));
    for canary in &drill.canaries {
        aws.delete_marker(&canary.region, &canary.marker)
            .await
            .map_err(aws_error(format!("remove the canary from {}", canary.store)))?;
        for (region, copy) in &canary.copies {
            // A copy replication has not made yet is no error.
            let _ = aws.delete_marker(region, copy).await;
        }
    }
    log_to.act(format!("removed {} canaries", drill.canaries.len()));
    if let Some(steering) = steerings(state)
        .into_iter()
        .find(|s| s.failover == drill.failover)
    {
        let started = Instant::now();
        loop {
            let answer = aws
                .dns_answer(steering.zone_id(), &steering.domain, steering.record_type())
                .await
                .unwrap_or_default();
            if answer.iter().any(|a| steering.is_primary(a)) {
                log_to.act(format!(
                    "Route 53 answers {} with {} again",
                    steering.domain, steering.primary
                ));
                break;
            }
            if started.elapsed() >= options.timeout {
                return Err(OperateError::NotAnswering {
                    domain: steering.domain.clone(),
                    region: format!("{} ({})", steering.standby, answer.join(", ")),
                    waited: started.elapsed().as_secs_f64(),
                    next: "the function's concurrency is restored: `drx status` shows what the checkers see"
                        .into(),
                });
            }
            tokio::time::sleep(options.poll).await;
        }
    }
    state.drill = None;
    save(state, store)?;
    Ok(())
}

/// Where restoring reports what it does: a drill's log, or a plain line
/// printer for `drx drill --restore`.
pub trait RestoreLog {
    fn act(&mut self, what: String);
}

impl RestoreLog for Log<'_> {
    fn act(&mut self, what: String) {
        Log::act(self, what);
    }
}

/// Prints each step.
pub struct Printed<'a>(pub Progress<'a>);

impl std::fmt::Debug for Printed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Printed")
    }
}

impl RestoreLog for Printed<'_> {
    fn act(&mut self, what: String) {
        (self.0)(&what);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operate::fake::{FakeAws, applied_state};
    use crate::operate::{ProvenPath, ProvenStore, ProvenTerm};
    use crate::state::MemoryStore;

    fn proofs() -> Proofs {
        let term = |name: &str, seconds: f64| ProvenTerm {
            name: name.into(),
            seconds,
        };
        Proofs {
            paths: vec![ProvenPath {
                failover: "api".into(),
                terms: vec![
                    term("detection", 90.0),
                    term("health check", 6.0),
                    term("Route 53 answer", 0.0),
                    term("DNS caching", 60.0),
                    term("standby warm-up", 0.0),
                ],
                objective: Some(300.0),
            }],
            stores: vec![
                ProvenStore {
                    store: "payments".into(),
                    bound: Some(1.0),
                    objective: Some(60.0),
                },
                ProvenStore {
                    store: "docs".into(),
                    bound: Some(900.0),
                    objective: Some(900.0),
                },
            ],
        }
    }

    fn options() -> DrillOptions {
        DrillOptions {
            api_canary: Some(ApiCanary {
                write: ("POST".into(), "/payments".into()),
                body: r#"{"amount": 1}"#.into(),
                read: ("GET".into(), "/payments/{id}".into()),
                id_pointer: "/payment/payment_id".into(),
                objects: vec!["receipts/{id}.json".into()],
            }),
            timeout: Duration::from_secs(2),
            poll: Duration::from_millis(5),
            ..DrillOptions::default()
        }
    }

    fn quiet(_: &str) {}

    #[tokio::test]
    async fn a_drill_measures_each_term_and_puts_everything_back() {
        let (mut state, store, aws) = (applied_state(), MemoryStore::new(), FakeAws::new());
        aws.concurrency
            .lock()
            .unwrap()
            .insert("processor-use1".into(), Some(50));
        let report = drill(&mut state, &store, &aws, &proofs(), &options(), &quiet)
            .await
            .expect("drills");
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert!(report.passed(), "{report:#?}");
        let terms: Vec<(&str, bool)> = report
            .rto
            .iter()
            .map(|m| (m.term.as_str(), m.seconds.is_some()))
            .collect();
        assert_eq!(
            terms,
            [
                ("detection", true),
                ("Route 53 answer", true),
                ("standby warm-up", true),
                ("DNS caching", true)
            ]
        );
        assert_eq!(
            report.rto[0].proven_seconds,
            Some(96.0),
            "detection covers the check's timeouts"
        );
        assert_eq!(
            report.rto[3].seconds,
            Some(60.0),
            "the TTL is computed, not measured"
        );
        let stores: Vec<&str> = report.rpo.iter().map(|r| r.store.as_str()).collect();
        assert_eq!(stores, ["payments", "docs", "api"]);
        assert!(report.rpo.iter().all(|r| r.seconds.is_some()));
        assert_eq!(report.verdicts.len(), 4);
        // Put back: the concurrency as it was, no canary left, no drill
        // recorded, the answer on the primary.
        assert_eq!(aws.concurrency.lock().unwrap()["processor-use1"], Some(50));
        assert!(
            aws.markers.lock().unwrap().is_empty(),
            "{:?}",
            aws.markers.lock().unwrap()
        );
        assert_eq!(state.drill, None);
        assert_eq!(store.read().unwrap().unwrap().drill, None);
        let markdown = report.markdown();
        assert!(markdown.contains("| detection |"), "{markdown}");
        assert!(markdown.contains("Verdict: **passed**"), "{markdown}");
    }

    #[tokio::test]
    async fn a_missed_objective_fails_the_drill() {
        let (mut state, store, aws) = (applied_state(), MemoryStore::new(), FakeAws::new());
        let mut strict = proofs();
        strict.paths[0].objective = Some(30.0);
        let report = drill(&mut state, &store, &aws, &strict, &options(), &quiet)
            .await
            .unwrap();
        assert!(!report.passed());
        assert!(!report.verdicts[0].holds, "{:?}", report.verdicts[0]);
        assert!(report.markdown().contains("Verdict: **FAILED**"));
    }

    #[tokio::test]
    async fn a_drill_cut_short_is_recorded_and_restored() {
        let (mut state, store, aws) = (applied_state(), MemoryStore::new(), FakeAws::new());
        // The checkers never see the outage within the timeout: the drill
        // gives up, and still puts everything back.
        let blind = FakeAws {
            lag_answers: 1_000_000_000,
            ..FakeAws::new()
        };
        let report = drill(&mut state, &store, &blind, &proofs(), &options(), &quiet)
            .await
            .unwrap();
        assert!(
            report
                .errors
                .iter()
                .any(|e| e.contains("never answered with the standby")),
            "{:?}",
            report.errors
        );
        assert!(
            report.errors.iter().any(|e| e.contains("restoring")),
            "the answer never returned either: {:?}",
            report.errors
        );
        // What a crash mid-drill leaves: the record, which restore finishes.
        let recorded = store.read().unwrap().unwrap();
        let cut = recorded.drill.clone().expect("recorded while restoring");
        assert_eq!(cut.phase, DrillPhase::Restoring);
        let mut state = recorded;
        aws.concurrency
            .lock()
            .unwrap()
            .insert(cut.function.clone(), Some(0));
        let mut lines = Vec::new();
        {
            let mut printed = Collect(&mut lines);
            restore(&mut state, &store, &aws, &options(), &mut printed)
                .await
                .expect("restores");
        }
        assert_eq!(
            aws.concurrency.lock().unwrap()[&cut.function],
            None,
            "back to none reserved"
        );
        assert_eq!(state.drill, None);
        assert!(lines.iter().any(|l| l.contains("removed")), "{lines:?}");
        // And a drill refuses to start over one not finished.
        state.drill = Some(cut);
        let message = drill(&mut state, &store, &aws, &proofs(), &options(), &quiet)
            .await
            .unwrap_err()
            .to_string();
        assert!(message.contains("--restore"), "{message}");
    }

    struct Collect<'a>(&'a mut Vec<String>);

    impl RestoreLog for Collect<'_> {
        fn act(&mut self, what: String) {
            self.0.push(what);
        }
    }

    #[tokio::test]
    async fn a_drill_starts_only_from_a_healthy_primary() {
        let (mut state, store, aws) = (applied_state(), MemoryStore::new(), FakeAws::new());
        crate::operate::failover(
            &mut state,
            &store,
            &aws,
            &crate::operate::Request {
                timeout: Duration::from_millis(300),
                poll: Duration::from_millis(5),
                ..Default::default()
            },
            &quiet,
        )
        .await
        .unwrap();
        let message = drill(&mut state, &store, &aws, &proofs(), &options(), &quiet)
            .await
            .unwrap_err()
            .to_string();
        assert!(message.contains("`drx failback` first"), "{message}");
    }

    #[test]
    fn the_function_behind_a_route_is_read_from_its_integration() {
        let state = applied_state();
        assert_eq!(
            route_function(&state, "us-east-2", "GET", "/health").as_deref(),
            Some("processor-use2")
        );
        assert_eq!(route_function(&state, "us-east-1", "DELETE", "/health"), None);
    }

    #[test]
    fn route_53_counts_a_check_unhealthy_at_18_percent_or_fewer() {
        assert!(unhealthy(0, 3));
        assert!(!unhealthy(1, 3));
        assert!(unhealthy(2, 16));
        assert!(!unhealthy(0, 0), "no checker has reported yet");
    }

    #[test]
    fn the_api_path_drops_the_stage() {
        assert_eq!(api_path("/prod/health"), "/health");
        assert_eq!(api_path("/prod/v1/health"), "/v1/health");
    }
}
