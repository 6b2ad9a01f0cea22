//! Static stability: what each mechanism a failover path relies on needs
//! at the moment of failure. AWS's guidance (Route 53 Developer Guide,
//! "Amazon Route 53 control plane and data plane"; the AWS whitepaper
//! "Creating Disaster Recovery Mechanisms Using Amazon Route 53") is to
//! recover with data-plane operations only, since a region's loss can take
//! its control planes with it — and Route 53's control plane lives in
//! us-east-1 alone. Health checks and DNS answers are Route 53's data
//! plane, globally distributed; changing a record or a health check is its
//! control plane.

use serde::Serialize;

use super::{RtoPath, StoreRpo};
use crate::check::topology::Region;

/// Where Route 53's API (its control plane) runs.
pub const ROUTE53_CONTROL_PLANE: &str = "us-east-1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "plane", rename_all = "snake_case")]
pub enum Plane {
    /// Only a data plane: `region` `None` is global.
    Data {
        service: &'static str,
        region: Option<Region>,
    },
    /// A control-plane call to `service` in `region`.
    Control { service: &'static str, region: Region },
}

/// One thing a failover path needs to recover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mechanism {
    pub name: String,
    /// Whether it happens without anyone acting.
    pub automatic: bool,
    pub plane: Plane,
    pub note: &'static str,
}

/// The mechanisms of `path`, and a warning for each one that needs the
/// control plane of the region the path recovers from.
pub(super) fn derive(path: &RtoPath, stores: &[StoreRpo]) -> (Vec<Mechanism>, Vec<String>) {
    let mut mechanisms = vec![
        Mechanism {
            name: "health-check failover".into(),
            automatic: true,
            plane: Plane::Data {
                service: "Route 53",
                region: None,
            },
            note: "the checkers probe the primary and Route 53 answers with the SECONDARY record once the check is unhealthy",
        },
        Mechanism {
            name: "standby serves".into(),
            automatic: true,
            plane: Plane::Data {
                service: "API Gateway, Lambda",
                region: Some(path.to.clone()),
            },
            note: "deployed and warm in the standby before the failure: nothing is created at failover",
        },
    ];
    for store in stores {
        mechanisms.push(Mechanism {
            name: format!("{} {}", store.kind, store.store),
            automatic: true,
            plane: Plane::Data {
                service: if store.kind == "table" { "DynamoDB" } else { "S3" },
                region: Some(path.to.clone()),
            },
            note: if store.kind == "table" {
                "the replica takes reads and writes as it is: a global table needs no promotion"
            } else {
                "the replica bucket is read where it is: no promotion"
            },
        });
    }
    mechanisms.push(Mechanism {
        name: "drx failover / failback".into(),
        automatic: false,
        plane: Plane::Control {
            service: "Route 53",
            region: Region(ROUTE53_CONTROL_PLANE.into()),
        },
        note: "UpdateHealthCheck steers the primary's check; Route 53's API runs in us-east-1 only",
    });
    let warnings = mechanisms
        .iter()
        .filter_map(|m| match &m.plane {
            Plane::Control { service, region } if *region == path.from => Some(format!(
                "{} needs {service}'s control plane in {region}, the region this path recovers from: if {region} is lost it may not answer; {}",
                m.name,
                if mechanisms.iter().any(|o| o.automatic && matches!(o.plane, Plane::Data { .. })) {
                    "the health check fails over without it"
                } else {
                    "nothing else fails over"
                }
            )),
            _ => None,
        })
        .collect();
    (mechanisms, warnings)
}
