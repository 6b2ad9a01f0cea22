//! IAM roles and their inline policies.

use serde::{Deserialize, Serialize};

use super::{ResourceSpec, Tags};
use crate::model::template::Val;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IamRole {
    pub name: String,
    pub assume_role_policy: PolicyDocument,
    pub description: String,
    pub tags: Tags,
}

/// `PutRolePolicy`: a policy embedded in one role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IamRolePolicy {
    pub role: Val,
    pub name: String,
    pub document: PolicyDocument,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyDocument {
    pub statements: Vec<PolicyStatement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyStatement {
    pub sid: String,
    pub actions: Vec<String>,
    /// Empty for trust policies, which name principals instead.
    pub resources: Vec<Val>,
    pub principal: Option<Principal>,
    /// The statement's `Condition` block, as IAM takes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Conditions>,
}

/// A `Condition` block: operator → key → value, as IAM spells it
/// (`{"Bool": {"aws:MultiFactorAuthPresent": "true"}}`); a value may be known
/// only at apply time (the account's id in `aws:SourceAccount`).
pub type Conditions = std::collections::BTreeMap<String, std::collections::BTreeMap<String, Val>>;

/// One condition: `condition("Bool", "aws:SecureTransport", "true")`.
pub fn condition(operator: &str, key: &str, value: Val) -> Conditions {
    Conditions::from([(operator.to_string(), [(key.to_string(), value)].into())])
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Principal {
    /// `{"Service": "lambda.amazonaws.com"}`
    Service(String),
    /// `{"AWS": "arn:aws:iam::<account>:root"}`
    Aws(Val),
}

impl PolicyDocument {
    /// The JSON IAM receives, once every value is known.
    pub fn render(&self, resolve: &dyn Fn(&Val) -> String) -> serde_json::Value {
        let statements: Vec<serde_json::Value> = self
            .statements
            .iter()
            .map(|statement| {
                let mut json = serde_json::json!({
                    "Sid": statement.sid,
                    "Effect": "Allow",
                    "Action": statement.actions,
                });
                if !statement.resources.is_empty() {
                    json["Resource"] = statement.resources.iter().map(resolve).collect();
                }
                match &statement.principal {
                    Some(Principal::Service(service)) => {
                        json["Principal"] = serde_json::json!({ "Service": service })
                    }
                    Some(Principal::Aws(arn)) => {
                        json["Principal"] = serde_json::json!({ "AWS": resolve(arn) })
                    }
                    None => {}
                }
                if let Some(condition) = &statement.condition {
                    json["Condition"] = condition
                        .iter()
                        .map(|(operator, keys)| {
                            let keys: serde_json::Map<String, serde_json::Value> = keys
                                .iter()
                                .map(|(key, value)| (key.clone(), serde_json::Value::String(resolve(value))))
                                .collect();
                            (operator.clone(), serde_json::Value::Object(keys))
                        })
                        .collect::<serde_json::Map<String, serde_json::Value>>()
                        .into();
                }
                json
            })
            .collect();
        serde_json::json!({ "Version": "2012-10-17", "Statement": statements })
    }

    /// Whether any statement allows every action on every resource.
    pub fn grants_everything(&self) -> bool {
        self.statements.iter().any(|statement| {
            statement.actions.iter().any(|action| action == "*")
                && statement
                    .resources
                    .iter()
                    .any(|resource| resource.as_known() == Some("*"))
        })
    }
}

impl ResourceSpec for IamRole {
    const REPLACED_BY: &'static [&'static str] = &["name"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &["arn", "id"];
    const WEIGHT: u32 = 1;
    fn tags(&self) -> Option<&Tags> {
        Some(&self.tags)
    }
}

impl ResourceSpec for IamRolePolicy {
    const REPLACED_BY: &'static [&'static str] = &["role", "name"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &[];
    const WEIGHT: u32 = 1;
    fn tags(&self) -> Option<&Tags> {
        None
    }
}
