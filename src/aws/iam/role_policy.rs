//! IAM inline role policies, compared with what AWS has by meaning.

use crate::aws::provider::text;
use crate::aws::provider::{Operations, named};
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{Conditions, IamRolePolicy, PolicyDocument, PolicyStatement, Principal, Tags};
use crate::model::template::Val;

impl Aws {
    pub(super) async fn put_role_policy(&self, policy: &IamRolePolicy) -> Result<Applied, ProviderError> {
        let role = text(&policy.role);
        self.iam()
            .await
            .put_role_policy()
            .role_name(&role)
            .policy_name(&policy.name)
            .policy_document(policy.document.render(&text).to_string())
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Applied::new(format!("{role}:{}", policy.name)))
    }

    pub(super) async fn delete_role_policy(&self, role: &str, name: &str) -> Result<(), ProviderError> {
        self.iam()
            .await
            .delete_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// The inline policy's live document.
    pub(super) async fn read_role_policy(
        &self,
        mut policy: IamRolePolicy,
    ) -> Result<Option<IamRolePolicy>, ProviderError> {
        let found = self
            .iam()
            .await
            .get_role_policy()
            .role_name(text(&policy.role))
            .policy_name(&policy.name)
            .send()
            .await
            .map_err(sdk_error)?;
        policy.document = live_document(&policy.document, found.policy_document());
        Ok(Some(policy))
    }
}

/// The live policy document as drx models it: `recorded` when the two mean
/// the same, else the live one, with what drx cannot model (another effect,
/// conditions, `NotAction`…) named in the statement ids so it shows as a
/// change.
pub(in crate::aws) fn live_document(recorded: &PolicyDocument, live: &str) -> PolicyDocument {
    // IAM returns documents URL-encoded (RFC 3986).
    let decoded = percent_encoding::percent_decode_str(live).decode_utf8_lossy();
    let Ok(live) = serde_json::from_str::<serde_json::Value>(&decoded) else {
        return unreadable(recorded);
    };
    if normalized(&recorded.render(&text)) == normalized(&live) {
        return recorded.clone();
    }
    let statements: Vec<&serde_json::Value> = match &live["Statement"] {
        serde_json::Value::Array(statements) => statements.iter().collect(),
        serde_json::Value::Null => Vec::new(),
        one => vec![one],
    };
    let mut document = PolicyDocument {
        statements: statements
            .into_iter()
            .map(|statement| {
                let mut sid = statement["Sid"].as_str().unwrap_or_default().to_string();
                let effect = statement["Effect"].as_str().unwrap_or_default();
                if effect != "Allow" {
                    sid.push_str(&format!(" [Effect {effect}]"));
                }
                let object = statement.as_object();
                for key in ["NotAction", "NotResource", "NotPrincipal"] {
                    if object.is_some_and(|o| o.contains_key(key)) {
                        sid.push_str(&format!(" [{key}]"));
                    }
                }
                let principal = &statement["Principal"];
                let principal = if let Some(service) = policy_strings(&principal["Service"]).first() {
                    Some(Principal::Service(service.clone()))
                } else {
                    policy_strings(&principal["AWS"])
                        .first()
                        .map(|arn| Principal::Aws(Val::known(arn)))
                };
                // A condition drx cannot hold (a list of values) shows as a
                // change in the statement's id.
                let condition = statement
                    .get("Condition")
                    .map(|condition| serde_json::from_value::<Conditions>(condition.clone()));
                if let Some(Err(_)) = condition {
                    sid.push_str(" [Condition]");
                }
                PolicyStatement {
                    sid,
                    actions: policy_strings(&statement["Action"]),
                    resources: policy_strings(&statement["Resource"])
                        .into_iter()
                        .map(Val::known)
                        .collect(),
                    principal,
                    condition: condition.and_then(Result::ok),
                }
            })
            .collect(),
    };
    if document == *recorded {
        // Differs in something drx does not model (the version, say).
        document = unreadable(recorded);
    }
    document
}

/// A document that differs from `recorded` in a way drx cannot show.
/// A policy element that IAM's grammar lets be one string or a list of
/// them (`Action`, `Resource`, a condition's values), as a list.
pub(in crate::aws) fn policy_strings(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::String(one) => vec![one.clone()],
        serde_json::Value::Array(many) => many
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn unreadable(recorded: &PolicyDocument) -> PolicyDocument {
    let mut document = recorded.clone();
    document.statements.push(PolicyStatement {
        sid: "(changed outside drx in a way drx does not model)".into(),
        actions: Vec::new(),
        resources: Vec::new(),
        principal: None,
        condition: None,
    });
    document
}

/// A policy with single values as one-element lists, for comparing meaning.
fn normalized(document: &serde_json::Value) -> serde_json::Value {
    match document {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.iter()
                .map(|(key, value)| {
                    let value = match (key.as_str(), value) {
                        ("Action" | "Resource" | "Service" | "AWS", serde_json::Value::String(one)) => {
                            serde_json::json!([one])
                        }
                        ("Statement", serde_json::Value::Object(_)) => serde_json::json!([normalized(value)]),
                        _ => normalized(value),
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        serde_json::Value::Array(items) => serde_json::Value::Array(items.iter().map(normalized).collect()),
        other => other.clone(),
    }
}

impl Operations<IamRolePolicy> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["NoSuchEntity"];

    async fn find(
        &self,
        region: &str,
        desired: &IamRolePolicy,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        self.import(
            region,
            desired,
            &format!("{}:{}", text(&desired.role), desired.name),
        )
        .await
    }

    async fn import(
        &self,
        _region: &str,
        desired: &IamRolePolicy,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        let Some((role, name)) = id.split_once(':') else {
            return Err(ProviderError::other(format!(
                "an inline role policy is imported as ROLE:POLICY, not {id}"
            )));
        };
        named(name, &desired.name)?;
        self.iam()
            .await
            .get_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Some(Applied::new(id)))
    }

    async fn create(
        &self,
        _region: &str,
        desired: &IamRolePolicy,
        _code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.put_role_policy(desired).await
    }

    async fn update(
        &self,
        _region: &str,
        desired: &IamRolePolicy,
        _before: &IamRolePolicy,
        _old: &ResourceState,
        _code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        // PutRolePolicy replaces the document.
        self.put_role_policy(desired).await
    }

    async fn delete(
        &self,
        _region: &str,
        recorded: &IamRolePolicy,
        _old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_role_policy(&text(&recorded.role), &recorded.name)
            .await
    }

    async fn read(
        &self,
        _region: &str,
        recorded: IamRolePolicy,
        _old: &ResourceState,
    ) -> Result<Option<IamRolePolicy>, ProviderError> {
        self.read_role_policy(recorded).await
    }

    async fn retag(
        &self,
        _region: &str,
        _desired: &IamRolePolicy,
        _tags: &Tags,
        _removed: &[String],
        _old: &ResourceState,
        _arn: &str,
    ) -> Result<(), ProviderError> {
        // The type has no tags.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{PolicyDocument, PolicyStatement, Principal, live_document};
    use crate::model::resources::condition;
    use crate::model::template::Val;

    fn recorded() -> PolicyDocument {
        PolicyDocument {
            statements: vec![PolicyStatement {
                sid: "ReadTable".into(),
                actions: vec!["dynamodb:GetItem".into()],
                resources: vec![Val::known("arn:aws:dynamodb:us-east-1:1:table/t")],
                principal: None,
                condition: None,
            }],
        }
    }

    fn encoded(json: &str) -> String {
        percent_encoding::utf8_percent_encode(json, percent_encoding::NON_ALPHANUMERIC).to_string()
    }

    #[test]
    fn the_same_policy_written_differently_is_not_drift() {
        // One action as a string, not a list; a statement as an object; URL-encoded.
        let live = encoded(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadTable","Effect":"Allow","Action":["dynamodb:GetItem"],"Resource":"arn:aws:dynamodb:us-east-1:1:table/t"}]}"#,
        );
        assert_eq!(live_document(&recorded(), &live), recorded());
        let single = r#"{"Version":"2012-10-17","Statement":{"Sid":"ReadTable","Effect":"Allow","Action":"dynamodb:GetItem","Resource":["arn:aws:dynamodb:us-east-1:1:table/t"]}}"#;
        assert_eq!(live_document(&recorded(), single), recorded());
    }

    #[test]
    fn a_changed_policy_is_read_as_it_is_now() {
        let live = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        let document = live_document(&recorded(), live);
        assert_eq!(document.statements.len(), 1);
        assert_eq!(document.statements[0].actions, ["*"]);
        assert!(document.grants_everything());

        let trust = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Assume","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        let document = live_document(&recorded(), trust);
        assert_eq!(
            document.statements[0].principal,
            Some(Principal::Service("lambda.amazonaws.com".into()))
        );
    }

    #[test]
    fn what_differs_from_the_record_shows_as_a_change() {
        let deny = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadTable","Effect":"Deny","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-east-1:1:table/t"}]}"#;
        assert_eq!(
            live_document(&recorded(), deny).statements[0].sid,
            "ReadTable [Effect Deny]"
        );
        let conditioned = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadTable","Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-east-1:1:table/t","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#;
        // A condition is modelled: carried over, so it shows as a change.
        let live = live_document(&recorded(), conditioned);
        assert_eq!(
            live.statements[0].condition,
            Some(condition("Bool", "aws:SecureTransport", Val::known("true")))
        );
        assert_ne!(live, recorded());
        let older = r#"{"Version":"2008-10-17","Statement":[{"Sid":"ReadTable","Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-east-1:1:table/t"}]}"#;
        assert_ne!(live_document(&recorded(), older), recorded());
        assert_ne!(live_document(&recorded(), "not json"), recorded());
    }
}
