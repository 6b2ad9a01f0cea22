//! A failover: the hosted zone, the health check on the primary API, and the
//! PRIMARY and SECONDARY records.

use super::{Lowering, address};
use crate::check::topology::{Failover, Protocol, Region};
use crate::model::resources::{
    Attributes, DnsRecord, FailoverRole, HealthCheck, HealthCheckType, HostedZone, RecordType,
};
use crate::model::template::{Part, Val};

impl Lowering<'_> {
    pub(super) fn failover(&mut self, failover: &Failover) {
        let zone_address = address(&failover.name, "zone", None, None);
        let zone = Attributes::HostedZone(HostedZone {
            name: failover.zone.clone(),
            comment: format!("drx failover {}", failover.name),
            tags: self.tags(&failover.name),
        });
        self.add(
            &failover.name,
            failover.span,
            zone_address.clone(),
            None,
            zone,
            Vec::new(),
        );

        let host = |region: &Region| {
            Val::concat([
                Part::Ref(
                    address(&failover.api, "rest_api", None, Some(region)),
                    "id".into(),
                ),
                Part::Text(format!(".execute-api.{region}.amazonaws.com")),
            ])
        };
        let stage = |region: &Region| address(&failover.api, "stage", None, Some(region));

        let check = &failover.health_check;
        let health_check_address = address(&failover.name, "health_check", None, None);
        let mut tags = self.tags(&failover.name);
        tags.insert(
            "Name".into(),
            format!("{} primary {}", failover.name, failover.primary),
        );
        let health_check = Attributes::HealthCheck(HealthCheck {
            check_type: match check.protocol.value {
                Protocol::Https => HealthCheckType::Https,
                Protocol::Http => HealthCheckType::Http,
                Protocol::Tcp => HealthCheckType::Tcp,
            },
            fqdn: host(&failover.primary),
            port: check.port,
            resource_path: (check.protocol.value != Protocol::Tcp).then(|| check.path.clone()),
            request_interval: check.interval.value,
            failure_threshold: check.failures.value,
            tags,
        });
        // Probing before the stage exists would only report failures.
        self.add(
            &failover.name,
            failover.span,
            health_check_address.clone(),
            None,
            health_check,
            vec![stage(&failover.primary)],
        );

        for (role, region) in [
            (FailoverRole::Primary, &failover.primary),
            (FailoverRole::Secondary, &failover.standby),
        ] {
            let record = Attributes::DnsRecord(DnsRecord {
                zone: Val::output(&zone_address, "id"),
                name: failover.domain.clone(),
                record_type: RecordType::Cname,
                ttl: failover.ttl.value,
                set_identifier: format!("{}-{}", role.as_str().to_ascii_lowercase(), region),
                health_check: (role == FailoverRole::Primary)
                    .then(|| Val::output(&health_check_address, "id")),
                failover: role.clone(),
                value: host(region),
            });
            self.add(
                &failover.name,
                failover.span,
                address(&failover.name, "record", Some(role.as_str()), None),
                None,
                record,
                vec![stage(region)],
            );
        }
    }
}
