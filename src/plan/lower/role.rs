//! A role others assume, with exactly the grants the file lists.

use super::{Lowering, account_arn, account_root, address};
use crate::check::topology::{Grant, Region, ResourceKind, Role, Trust};
use crate::model::resources::{
    Attributes, IamRole, IamRolePolicy, PolicyDocument, PolicyStatement, Principal, condition,
};
use crate::model::template::{Part, Val};

impl Lowering<'_> {
    pub(super) fn role(&mut self, role: &Role) {
        let name = self.service_name(&role.name, None);
        let role_address = address(&role.name, "role", None, None);
        let principal = match &role.trust {
            Trust::AccountRoot => account_root(),
            Trust::Account(account) => Val::known(format!("arn:aws:iam::{account}:root")),
        };
        let attributes = Attributes::IamRole(IamRole {
            name: name.clone(),
            assume_role_policy: PolicyDocument {
                statements: vec![PolicyStatement {
                    sid: "AssumeRole".into(),
                    actions: vec!["sts:AssumeRole".into()],
                    resources: Vec::new(),
                    principal: Some(Principal::Aws(principal)),
                    // People assume it: with MFA unless the file says not
                    // (IAM User Guide, "Configuring MFA-protected API access").
                    condition: role
                        .mfa
                        .then(|| condition("Bool", "aws:MultiFactorAuthPresent", Val::known("true"))),
                }],
            },
            description: format!("drx role {}", role.name),
            tags: self.tags(&role.name),
        });
        self.add(
            &role.name,
            role.span,
            role_address.clone(),
            None,
            attributes,
            Vec::new(),
        );
        if role.grants.is_empty() {
            return;
        }

        let mut statements = Vec::new();
        for (index, grant) in role.grants.iter().enumerate() {
            // Route 53 actions split by what they act on: health checks or the zone.
            let (on_health_check, on_zone): (Vec<&String>, Vec<&String>) = grant
                .actions
                .iter()
                .partition(|action| action.contains("HealthCheck"));
            for (suffix, actions) in [("", on_zone), ("HealthChecks", on_health_check)] {
                if actions.is_empty() {
                    continue;
                }
                statements.push(PolicyStatement {
                    sid: format!("Grant{index}{suffix}"),
                    actions: actions.into_iter().cloned().collect(),
                    resources: self.grant_resources(grant, !suffix.is_empty()),
                    principal: None,
                    condition: None,
                });
            }
            // Publishing to an encrypted topic encrypts with its key: the
            // publisher needs the key too (SNS Developer Guide, "Encryption
            // at rest").
            let encrypted = grant.target_kind == ResourceKind::Alerts
                && self
                    .topology
                    .topics
                    .iter()
                    .any(|topic| topic.name == grant.target && topic.encrypted);
            if encrypted && grant.actions.iter().any(|action| action == "sns:Publish") {
                statements.push(PolicyStatement {
                    sid: format!("Grant{index}Key"),
                    actions: vec!["kms:GenerateDataKey*".into(), "kms:Decrypt".into()],
                    resources: self
                        .regions_of(ResourceKind::Alerts, &grant.target)
                        .iter()
                        .map(|region| Val::output(&address(&grant.target, "key", None, Some(region)), "arn"))
                        .collect(),
                    principal: None,
                    condition: None,
                });
            }
        }
        let attributes = Attributes::IamRolePolicy(IamRolePolicy {
            role: Val::known(name),
            name: "grants".into(),
            document: PolicyDocument { statements },
        });
        self.add(
            &role.name,
            role.span,
            address(&role.name, "policy", None, None),
            None,
            attributes,
            vec![role_address.clone()],
        );
        self.replaced_with(vec![role_address]);
    }

    /// The ARNs a grant applies to: the target in every region it exists in.
    fn grant_resources(&self, grant: &Grant, health_checks: bool) -> Vec<Val> {
        let target = &grant.target;
        let regions = self.regions_of(grant.target_kind, target);
        match grant.target_kind {
            ResourceKind::Failover if health_checks => vec![Val::concat([
                Part::Text("arn:aws:route53:::healthcheck/".into()),
                Part::Ref(address(target, "health_check", None, None), "id".into()),
            ])],
            ResourceKind::Failover => vec![Val::concat([
                Part::Text("arn:aws:route53:::hostedzone/".into()),
                Part::Ref(address(target, "zone", None, None), "id".into()),
            ])],
            ResourceKind::Table => regions
                .iter()
                .map(|region| account_arn("dynamodb", region, format!(":table/{}", self.table_name(target))))
                .collect(),
            ResourceKind::Bucket => regions
                .iter()
                .flat_map(|region| {
                    let name = self.bucket_name(target, Some(region));
                    [
                        Val::known(format!("arn:aws:s3:::{name}")),
                        Val::known(format!("arn:aws:s3:::{name}/*")),
                    ]
                })
                .collect(),
            ResourceKind::Function => regions
                .iter()
                .map(|region| {
                    account_arn(
                        "lambda",
                        region,
                        format!(":function:{}", self.service_name(target, Some(region))),
                    )
                })
                .collect(),
            ResourceKind::Alerts => regions
                .iter()
                .map(|region| {
                    account_arn(
                        "sns",
                        region,
                        format!(":{}", self.service_name(target, Some(region))),
                    )
                })
                .collect(),
            ResourceKind::Alarm => regions
                .iter()
                .map(|region| {
                    account_arn(
                        "cloudwatch",
                        region,
                        format!(":alarm:{}", self.service_name(target, Some(region))),
                    )
                })
                .collect(),
            ResourceKind::Api | ResourceKind::Role => vec![Val::concat([
                Part::Text("arn:aws:iam::".into()),
                Part::AccountId,
                Part::Text(format!(":role/{}", self.service_name(target, None))),
            ])],
        }
    }

    fn regions_of(&self, kind: ResourceKind, name: &str) -> Vec<Region> {
        let topology = self.topology;
        match kind {
            ResourceKind::Table => topology
                .tables
                .iter()
                .find(|t| t.name == name)
                .map(|t| t.regions()),
            ResourceKind::Bucket => topology
                .buckets
                .iter()
                .find(|b| b.name == name)
                .map(|b| b.regions()),
            ResourceKind::Function => topology
                .functions
                .iter()
                .find(|f| f.name == name)
                .map(|f| f.regions.clone()),
            ResourceKind::Api => topology
                .apis
                .iter()
                .find(|a| a.name == name)
                .map(|a| a.regions.clone()),
            ResourceKind::Alerts => topology
                .topics
                .iter()
                .find(|t| t.name == name)
                .map(|t| t.regions.clone()),
            ResourceKind::Alarm => topology
                .alarms
                .iter()
                .find(|a| a.name == name)
                .map(|a| a.regions.clone()),
            ResourceKind::Failover | ResourceKind::Role => None,
        }
        .unwrap_or_default()
    }
}
