//! Route 53: hosted zone, health check and failover records.

use serde::{Deserialize, Serialize};

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
    /// `HTTPS`, `HTTP` or `TCP`.
    #[serde(rename = "type")]
    pub check_type: String,
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
    pub record_type: String,
    pub ttl: u64,
    pub set_identifier: String,
    /// `PRIMARY` or `SECONDARY`.
    pub failover: String,
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
