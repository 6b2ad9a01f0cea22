//! `failover`: Route 53 health-checked failover.

use super::super::resources::ResourceType;
use super::{
    AttributeSpec, BlockSpec, DURATION, Global, MetricUnit, action, attribute, block, metric, required,
};

pub(super) static SPEC: BlockSpec = BlockSpec {
    keyword: "failover",
    counted_as: "failover",
    about: "A Route 53 hosted zone, a health check on the primary API and PRIMARY/SECONDARY failover records.",
    attributes: &[
        required("domain", "a domain name", "The name clients resolve."),
        attribute(
            "zone",
            "a domain name",
            None,
            "The hosted zone; by default the domain minus its first label.",
        ),
        required("targets", "an api", "The API the records point at."),
        attribute(
            "standby",
            "a region code",
            None,
            "The region failed over to; by default the only secondary.",
        ),
        AttributeSpec {
            required: true,
            ..block(
                "health_check",
                "How Route 53 decides the primary is unhealthy.",
                &[
                    attribute(
                        "protocol",
                        "`https`, `http` or `tcp`",
                        Some("https"),
                        "What the checkers speak.",
                    ),
                    attribute(
                        "path",
                        "a string",
                        None,
                        "The path requested: the stage, then a GET route.",
                    ),
                    attribute("port", "a number", Some("443"), "The port (80 for http)."),
                    attribute(
                        "interval",
                        "`10s` or `30s`",
                        Some("30s"),
                        "How often each checker probes.",
                    ),
                    attribute(
                        "failures",
                        "a number from 1 to 10",
                        Some("3"),
                        "Failed probes before unhealthy.",
                    ),
                ],
            )
        },
        attribute(
            "ttl",
            DURATION,
            Some("60s"),
            "How long resolvers cache the answer.",
        ),
        attribute("rto", DURATION, None, "This path's own recovery time objective."),
        attribute(
            "warm_up",
            DURATION,
            None,
            "The standby's warm-up, for the RTO model.",
        ),
    ],
    replicate: &[],
    route: &[],
    statements: &[],
    references: &["domain", "zone_id", "health_check_id", "name_servers"],
    global_references: Global::All,
    metrics: &[
        metric(
            "health",
            "AWS/Route53",
            "HealthCheckStatus",
            "Minimum",
            MetricUnit::Count,
        ),
        metric(
            "healthy_percentage",
            "AWS/Route53",
            "HealthCheckPercentageHealthy",
            "Average",
            MetricUnit::Count,
        ),
    ],
    actions: &[
        action("route53.update_health_check", &["route53:UpdateHealthCheck"]),
        action(
            "route53.get_health_check",
            &["route53:GetHealthCheck", "route53:GetHealthCheckStatus"],
        ),
        action("route53.change_records", &["route53:ChangeResourceRecordSets"]),
        action("route53.list_records", &["route53:ListResourceRecordSets"]),
    ],
    lowers_to: &[
        ResourceType::HostedZone,
        ResourceType::HealthCheck,
        ResourceType::DnsRecord,
    ],
};
