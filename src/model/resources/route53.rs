//! Route 53: hosted zone, health check and failover records.

use serde::{Deserialize, Serialize};

use super::aws_enum::aws_enum;
use super::{ResourceSpec, Tags};
use crate::model::template::Val;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostedZone {
    pub name: String,
    pub comment: String,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthCheck {
    #[serde(rename = "type")]
    pub check_type: HealthCheckType,
    pub fqdn: Val,
    pub port: u64,
    pub resource_path: Option<String>,
    pub request_interval: u64,
    pub failure_threshold: u64,
    /// Route 53 shows the `Name` tag in the console.
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DnsRecord {
    pub zone: Val,
    pub name: String,
    pub record_type: RecordType,
    pub ttl: u64,
    pub set_identifier: String,
    pub failover: FailoverRole,
    pub health_check: Option<Val>,
    pub value: Val,
}

impl ResourceSpec for HostedZone {
    const REPLACED_BY: &'static [&'static str] = &["name"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &["id", "name_servers"];
    const WEIGHT: u32 = 1;
    fn tags(&self) -> Option<&Tags> {
        Some(&self.tags)
    }
}

impl ResourceSpec for HealthCheck {
    // Route 53 cannot change a health check's type or request interval.
    const REPLACED_BY: &'static [&'static str] = &["type", "request_interval"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &["id"];
    const WEIGHT: u32 = 2;
    fn tags(&self) -> Option<&Tags> {
        Some(&self.tags)
    }
}

impl ResourceSpec for DnsRecord {
    const REPLACED_BY: &'static [&'static str] = &["zone", "name", "record_type", "set_identifier"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &[];
    const WEIGHT: u32 = 1;
    fn tags(&self) -> Option<&Tags> {
        None
    }
}

aws_enum! {
    HealthCheckType {
        Https = "HTTPS",
        Http = "HTTP",
        Tcp = "TCP",
    }
}

aws_enum! {
    RecordType {
        A = "A",
        Aaaa = "AAAA",
        Cname = "CNAME",
    }
}

aws_enum! {
    /// Which side of a failover pair a record is.
    FailoverRole {
        Primary = "PRIMARY",
        Secondary = "SECONDARY",
    }
}
