//! Route 53: hosted zone, health check and failover records.

use serde::{Deserialize, Serialize};

use super::Tags;
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
