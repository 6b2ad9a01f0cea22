//! A failover drx made and has not undone, kept in the state so that every
//! later command knows it: `drx status` shows it, and a plan keeps the
//! health check as the failover left it instead of "fixing" it back — the
//! way IaC tools undo failovers (cloudposse/terraform-aws-rds-cluster#281).
//! It is written before AWS is touched, so a crash mid-failover leaves a
//! record that says so, never a steered health check nobody knows of.

use serde::{Deserialize, Serialize};

/// How far the failover has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailoverPhase {
    /// Recorded; the health check may or may not be steered yet.
    Started,
    /// Route 53 answered with the standby.
    InForce,
    /// `drx failback` began: the health check may already probe its own
    /// path again.
    FailingBack,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailoverRecord {
    /// The failover block (`api`).
    pub failover: String,
    /// The DNS name failed over.
    pub domain: String,
    /// The region traffic left, and the one it was sent to.
    pub from: String,
    pub to: String,
    /// The health check steered, by address, and the path it probes while
    /// the failover is in force; the file's own path is what failback
    /// restores.
    pub health_check: String,
    pub steered_path: String,
    pub phase: FailoverPhase,
    /// The AWS identity that made it (a user or role ARN), and where from.
    pub by: String,
    pub host: String,
    /// RFC 3339.
    pub since: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Made with `--force`: replication had not caught up.
    #[serde(default)]
    pub forced: bool,
    /// Made by `drx drill`, which undoes it itself.
    #[serde(default)]
    pub drill: bool,
    /// Seconds from steering the health check until Route 53 answered
    /// with `to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub took_seconds: Option<f64>,
}

impl FailoverRecord {
    /// One line for people: `api.example.com → us-east-2 since … by …`.
    pub fn describe(&self) -> String {
        let phase = match self.phase {
            FailoverPhase::Started => " (started, not yet seen to take effect)",
            FailoverPhase::InForce => "",
            FailoverPhase::FailingBack => " (failing back)",
        };
        let reason = self.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default();
        format!(
            "{} failed over from {} to {} since {} by {} on {}{phase}{reason}",
            self.domain, self.from, self.to, self.since, self.by, self.host
        )
    }
}
