//! Checker errors as diagnostics: each kind's stable code, labels and help.

use super::{Diagnostic, Label, Severity};
use crate::check::{CheckError, CheckErrorKind as K, Severity as CheckSeverity};

fn did_you_mean(suggestion: &Option<String>, otherwise: String) -> String {
    match suggestion {
        Some(suggestion) => format!("did you mean `{suggestion}`?"),
        None => otherwise,
    }
}

/// `` `a`, `b` and `c` `` (or `or`).
fn quoted(items: &[String], conjunction: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("`{item}`")).collect();
    match quoted.as_slice() {
        [] => "none".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {conjunction} {last}", init.join(", ")),
    }
}

fn list(items: &[String]) -> String {
    quoted(items, "and")
}

fn or_list(items: &[String]) -> String {
    quoted(items, "or")
}

impl From<&CheckError> for Diagnostic {
    fn from(error: &CheckError) -> Diagnostic {
        let mut secondary: Vec<Label> = Vec::new();
        let mut second = |span, text: &str| {
            secondary.push(Label {
                span,
                text: text.to_string(),
            })
        };
        let (label, help): (String, String) = match error.kind.as_ref() {
            K::DuplicateName { name, first } => {
                second(*first, "first declared here");
                ("declared again here".into(), format!("rename one of them; names are shared by variables and all kinds of block, so `{name}` can mean only one thing"))
            }
            K::DuplicateAttribute { name, first } => {
                second(*first, "first set here");
                ("set again here".into(), format!("remove one of the two `{name}`"))
            }
            K::UnknownAttribute { suggestion, allowed, block, .. } => ("unknown attribute".into(),
                did_you_mean(suggestion, format!("a {block} takes {}", list(allowed))),
            ),
            K::MissingAttribute { attribute, example, .. } => (format!("`{attribute}` missing"),
                format!("add `{example}`"),
            ),
            K::StatementNotAllowed { hint, .. } => ("not allowed here".into(), hint.clone()),
            K::UnknownName { suggestion, .. } => ("not declared".into(),
                did_you_mean(suggestion, "declare it with `let`, or as a block such as `table name { … }`".into()),
            ),
            K::IncompleteReference { resource, kind, allowed } => ("a resource, not a value".into(),
                format!("name one of its attributes, e.g. `{resource}.{}`; a {kind} has {}", allowed.first().cloned().unwrap_or_default(), list(allowed)),
            ),
            K::UnknownReferenceAttribute { suggestion, allowed, kind, .. } => {
                if allowed.is_empty() {
                    ("no such attribute".into(), "variables hold single values and have no attributes".into())
                } else {
                    ("no such attribute".into(), did_you_mean(suggestion, format!("a {kind} has {}", list(allowed))))
                }
            }
            K::WrongKind { declared, expected, .. } => {
                second(*declared, "declared here");
                (format!("not a {expected}"), format!("name a {expected} here"))
            }
            K::MissingTopology => ("no topology".into(),
                "add `topology name { primary us-east-1  secondary us-east-2 }`".into(),
            ),
            K::DuplicateTopology { first } => {
                second(*first, "first topology");
                ("second topology".into(), "a file describes one topology; split other stacks into their own files".into())
            }
            K::TypeMismatch { expected, hint, .. } => (format!("expected {expected}"),
                hint.clone().unwrap_or_else(|| format!("write {expected} here")),
            ),
            K::UnknownValue { suggestion, allowed, what, .. } => (format!("not a {what}"),
                did_you_mean(suggestion, format!("use {}", or_list(allowed))),
            ),
            K::OutOfRange { range, .. } => ("out of range".into(), format!("use a value {range}")),
            K::MissingEnv { variable } => ("not set".into(),
                format!("set it (`export {variable}=…`) or give a default: `env(\"{variable}\", default: \"…\")`"),
            ),
            K::VariableCycle { .. } => ("used in its own definition".into(), "define the variable from literals or from other variables".into()),
            K::UnusedVariable { name } => ("never used".into(), format!("remove `{name}`, or use it as `${{{name}}}`")),
            K::UnknownRegion { suggestion, .. } => ("no such region".into(),
                did_you_mean(suggestion, "see the region list in docs/language.md".into()),
            ),
            K::SameRegion { first, region } => {
                second(*first, "first used here");
                ("used again".into(), format!("a disaster-recovery topology needs distinct regions; choose a region other than `{region}`"))
            }
            K::UnknownPlacement { suggestion, .. } => ("not a placement".into(),
                did_you_mean(suggestion, "use `primary`, `secondary`, `secondaries`, `every region` or a region code".into()),
            ),
            K::AmbiguousSecondary { secondaries, .. } => ("which one?".into(),
                format!("name the region ({}) or say `secondaries`", or_list(secondaries)),
            ),
            K::NotInRegion { declared, regions, region, name, .. } => {
                second(*declared, "declared here");
                (format!("used in {region}"),
                    if regions.is_empty() { format!("`{name}` exists in no region yet; place it or replicate it to {region}") } else { format!("`{name}` exists only in {}; place or replicate it in {region} too, or use it only there", list(regions)) },
                )
            }
            K::AmbiguousRegion { name, regions, .. } => (format!("in {}", list(regions)),
                format!("pin it: `{name}.… in primary`, or `in every region` for a list"),
            ),
            K::AmbiguousStandby { secondaries, .. } => ("which secondary?".into(),
                format!("Route 53 failover has one SECONDARY record: add `standby` with one of {}", or_list(secondaries)),
            ),
            K::PlacementNotAllowed { hint, .. } => ("placement not allowed".into(), hint.clone()),
            K::StateLocation { .. } => ("invalid location".into(),
                "a path such as \".drx/prod.state.json\", or \"s3://BUCKET/KEY\" for state a team shares".into(),
            ),
            K::NamingPattern { .. } => ("invalid pattern".into(),
                "a pattern uses `{service}` and `{region}`, e.g. \"{service}-{region}-${suffix}\"".into(),
            ),
            K::BucketName { naming, .. } => {
                second(*naming, "names come from this pattern");
                ("invalid bucket name".into(), "S3 bucket names are 3 to 63 lower-case letters, digits, `-` and `.`, with the suffix applied: shorten the bucket's name, the pattern or the suffix".into())
            }
            K::ResourceName { naming, .. } => {
                second(*naming, "names come from this pattern");
                ("invalid name".into(), "shorten the block's name, the pattern or the suffix, or drop the characters AWS rejects".into())
            }
            K::InvalidTag { .. } => ("invalid tag".into(), "tag keys are 1–128 characters and must not start with `aws:`; values are at most 256".into()),
            K::ReservedEnvKey { .. } => ("reserved by Lambda".into(),
                "Lambda sets this itself (the function reads its region from `AWS_REGION`); remove it or pick another name".into(),
            ),
            K::EnvKeyName { .. } => ("invalid name".into(), "environment variable names start with a letter and contain letters, digits and `_`".into()),
            K::EnvTooLarge { .. } => ("too large".into(), "Lambda limits all variables together to 4 KB; move large values to a table or bucket".into()),
            K::LambdaMemory { .. } => ("out of range".into(), "use a size from 128MB to 10240MB".into()),
            K::LambdaTimeout { .. } => ("out of range".into(), "use a timeout from 1s to 15m".into()),
            K::LogRetention { nearest, .. } => ("not a retention CloudWatch offers".into(), format!("the nearest allowed value is `{nearest}d`; CloudWatch offers 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days")),
            K::HealthCheckInterval { .. } => ("not 10s or 30s".into(), "use `interval 30s` (standard) or `interval 10s` (fast, billed higher)".into()),
            K::FailureThreshold { .. } => ("out of range".into(), "use `failures` from 1 to 10".into()),
            K::ReservedDomain { .. } => ("reserved domain".into(), "AWS refuses hosted zones for reserved names; for tests use a name under `.test.local`, e.g. \"api.payment-dev.test.local\"".into()),
            K::InvalidDomain { .. } => ("invalid domain".into(), "a domain is dot-separated labels of letters, digits and `-`".into()),
            K::DomainOutsideZone { zone_span, zone, .. } => {
                second(*zone_span, "the zone");
                ("outside the zone".into(), format!("records in zone `{zone}` must end in `.{zone}`"))
            }
            K::FailoverWithoutHealthCheck { .. } => ("no health check".into(),
                "without a health check on the primary, Route 53 never fails over: add `health_check { path \"/prod/health\" interval 30s failures 3 }`".into(),
            ),
            K::HealthPathUnrouted { served, .. } => ("no GET route serves this path".into(),
                if served.is_empty() { "add a GET route for the health endpoint, e.g. `route GET /health -> processor`".into() } else { format!("the API serves GET {}; probe one of them", list(served)) },
            ),
            K::HealthRouteSigned { health_check, .. } => {
                second(*health_check, "Route 53 probes it from here");
                ("IAM asked for here".into(),
                    "remove `auth iam`: drx keeps the health route open (it should answer health and nothing else)".into())
            }
            K::HealthRouteShared { health_check, route, .. } => {
                second(*health_check, "Route 53 probes it from here");
                (format!("{route} would be opened to all"),
                    "add a route for the health path alone, e.g. `route GET /health -> processor`: drx opens only that one to Route 53".into())
            }
            K::StandbyConcurrency { primary, standby_region, .. } => (format!("less in {standby_region}"),
                format!("failed over, the standby takes the primary's load: reserve {primary} there too (`concurrency {primary}`), or lower the primary's to what the standby can serve"),
            ),
            K::PublicRoute { .. } => ("no authorization".into(),
                "remove `auth none` to require SigV4-signed requests (IAM), or keep it if the route is meant to be public".into(),
            ),
            K::HealthCheckMetricRegion { .. } => ("no health-check metrics here".into(),
                "place the alarm `in us-east-1` (and give its topic a region there too)".into(),
            ),
            K::RtcThreshold { .. } => ("not 15m".into(), "write `time_control 15m`, or drop `time_control` for replication without a time guarantee".into()),
            K::RtcNeedsMetrics { time_control } => {
                second(*time_control, "Replication Time Control enabled here");
                ("metrics turned off".into(), "remove `metrics off`: S3 rejects RTC without replication metrics".into())
            }
            K::ReplicationNeedsVersioning { .. } => ("replication needs versioning".into(), "remove `versioning off`: S3 replicates only versioned buckets".into()),
            K::ReplicaNeedsOnDemand { billing } => {
                second(*billing, "provisioned here");
                ("replicated".into(), "use `billing on_demand`: replicas of a provisioned table need auto scaling, which drx does not manage".into())
            }
            K::StrongConsistencyRegions { .. } => ("needs 3 regions".into(), "DynamoDB multi-Region strong consistency needs exactly three regions; use `consistency eventual` or add regions".into()),
            K::UnreplicatedStore { missing, .. } => (format!("no copy in {missing}"),
                "a region outage would lose this data: add `replicate globally` (tables) or `replicate to secondaries` (buckets)".into(),
            ),
            K::RtoNotMet { largest, largest_seconds, objective_span, declared_by, .. } => {
                second(*objective_span, &format!("objective declared by the {declared_by}"));
                let fix = match largest.as_str() {
                    "DNS caching" => "lower `ttl` (every second of TTL is a second of downtime)",
                    "detection" => "detect sooner with `interval 10s` or fewer `failures`",
                    "standby warm-up" => "keep the standby warm (`warm_up 0s`)",
                    _ => "shorten the largest term",
                };
                (format!("{largest} alone takes {}", crate::check::recovery::human(*largest_seconds)),
                    format!("{fix}, or relax the objective; `drx explain` shows every term"),
                )
            }
            K::RpoNotMet { objective_span, declared_by, kind, .. } => {
                second(*objective_span, &format!("objective declared by the {declared_by}"));
                ("the replication guarantee".into(),
                    if kind == "bucket" {
                        "S3 Replication Time Control guarantees 15 minutes, not less: declare this store's own objective (`rpo 15m` in the bucket) or keep data that needs a tighter RPO out of the bucket".into()
                    } else {
                        "use `replicate globally { consistency strong }` for an RPO of zero, or relax the objective".into()
                    },
                )
            }
            K::RpoUnbounded { objective_span, .. } => {
                second(*objective_span, "the objective");
                ("no time guarantee".into(),
                    "add `time_control 15m` to the replication for a 15-minute bound (99.99 % of objects), and an objective of at least 15m".into(),
                )
            }
            K::RecoveryOff { .. } => ("point-in-time recovery off".into(),
                "remove `recovery none` (PITR keeps up to 35 days of history to restore), unless the data can be rebuilt from elsewhere".into(),
            ),
            K::UnmonitoredObjective { what, .. } => ("declared here".into(),
                format!("add an alarm on {what}, e.g. `alarm lag {{ when store.replication_latency > 15m  notify alerts }}`"),
            ),
            K::InvalidHttpMethod { suggestion, .. } => ("not a method".into(),
                did_you_mean(suggestion, "use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY".into()),
            ),
            K::DuplicateRoute { first, .. } => {
                second(*first, "first declared here");
                ("declared again".into(), "remove one of the routes".into())
            }
            K::StageName { .. } => ("invalid stage".into(), "stage names are letters, digits, `-` and `_`, e.g. `prod`".into()),
            K::UnknownMetric { suggestion, allowed, kind, .. } => ("no such metric".into(),
                did_you_mean(suggestion, format!("a {kind} has {}", list(allowed))),
            ),
            K::ThresholdUnit { expected, .. } => ("wrong unit".into(), format!("write {expected}")),
            K::AlarmPeriod { .. } => ("invalid period".into(), "use `over 10s`, `over 30s` or whole minutes such as `over 1m`".into()),
            K::AlarmTopicRegion { topic_span, topic, region } => {
                second(*topic_span, "topic declared here");
                (format!("no `{topic}` topic in {region}"), format!("add `in {region}` (or `in every region`) to alerts `{topic}`"))
            }
            K::InvalidEmail { .. } => ("not an email address".into(), "write an address such as \"oncall@payments.test\"".into()),
            K::UnknownAction { suggestion, .. } => ("unknown action".into(),
                did_you_mean(suggestion, "see the action list in docs/language.md".into()),
            ),
            K::ActionTarget { expected, .. } => ("wrong target".into(), format!("grant it on a {expected}")),
            K::InvalidPrincipal { .. } => ("not a principal".into(), "write `trust account_root` or a 12-digit account id such as \"123456789012\"".into()),
        };
        Diagnostic {
            severity: match error.severity() {
                CheckSeverity::Error => Severity::Error,
                CheckSeverity::Warning => Severity::Warning,
            },
            code: format!("drx::check::{}", error.kind.code()),
            message: error.kind.to_string(),
            labels: std::iter::once(Label {
                span: error.span,
                text: label,
            })
            .chain(secondary)
            .collect(),
            help,
        }
    }
}
