//! The published facts the recovery model rests on. Each carries its source,
//! which `drx explain` prints next to the number.

use super::super::topology::Seconds;

/// A number AWS documents, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Constant {
    pub seconds: Seconds,
    pub source: &'static str,
}

/// An HTTP or HTTPS check must connect within 4 s and answer within 2 s more.
pub(super) const HTTP_CHECK_TIME: Constant = Constant {
    seconds: 6,
    source: "Route 53 Developer Guide, \"How Amazon Route 53 determines whether a health check is healthy\": \
             a TCP connection within 4 s, then a 2xx or 3xx status within 2 s",
};

/// A TCP check must connect within 10 s.
pub(super) const TCP_CHECK_TIME: Constant = Constant {
    seconds: 10,
    source: "Route 53 Developer Guide, \"How Amazon Route 53 determines whether a health check is healthy\": \
             a TCP connection within 10 s",
};

/// Global tables with multi-Region eventual consistency: "typically within a
/// second", with no SLA.
pub(super) const DYNAMODB_EVENTUAL_TYPICAL: Constant = Constant {
    seconds: 1,
    source: "DynamoDB Developer Guide, \"Global tables: how it works\": changes typically replicate within \
             one second; no bound is published",
};

/// Multi-Region strong consistency: a write succeeds only once replicated.
pub(super) const DYNAMODB_STRONG: Constant = Constant {
    seconds: 0,
    source: "DynamoDB Developer Guide, \"Multi-Region strong consistency\": a write is acknowledged only \
             after it is durable in a second region, so RPO is zero",
};

/// S3 Replication Time Control: 99.99 % of objects within 15 minutes.
pub(super) const S3_RTC: Constant = Constant {
    seconds: 900,
    source: "S3 User Guide, \"Meeting compliance requirements with S3 Replication Time Control\": \
             99.99 % of new objects replicate within 15 minutes (SLA)",
};

/// S3 replication without RTC: most objects in 15 minutes, some take hours.
pub(super) const S3_WITHOUT_RTC: &str = "S3 User Guide, \"Replicating objects\": most objects replicate within \
                                  15 minutes, some take hours; no bound is published without RTC";

/// Where the defaults for the unknowns come from.
pub(super) const ROUTE53_ANSWER_CHANGE_NOTE: &str =
    "Route 53 publishes no bound on how soon its answer follows the health check; assumed";
pub(super) const CLIENT_DNS_CACHE_NOTE: &str = "clients that cache answers past their TTL; assumed";
pub(super) const STANDBY_WARM_UP_NOTE: &str = "time before the standby serves at full capacity; assumed";
