//! A function: its execution role and least-privilege policy (global), and in
//! each region a log group (created first, so Lambda never creates one
//! without retention) and the function.

use std::collections::BTreeMap;

use super::super::plan_error::PlanError;
use super::code_hash::source_hash;
use super::{Lowering, account_arn, address};
use crate::check::topology::{Architecture, Function, ResourceKind, TextPart};
use crate::model::resources::{
    self, Attributes, IamRole, IamRolePolicy, LambdaCode, LambdaFunction, LogGroup, PolicyDocument,
    PolicyStatement, Principal, TracingMode,
};
use crate::model::template::Val;

impl Lowering<'_> {
    pub(super) fn function(&mut self, function: &Function) {
        let code_path = self.base.join(&function.code.value);
        let hash = self
            .code_hashes
            .entry(code_path.clone())
            .or_insert_with(|| source_hash(&code_path).map_err(|error| error.to_string()))
            .clone();
        let source_sha256 = match hash {
            Ok(hash) => hash,
            Err(reason) => {
                self.errors.push(PlanError::CodeNotFound {
                    path: code_path.display().to_string(),
                    reason,
                    span: function.code.span,
                });
                return;
            }
        };

        let service = function.name.replace('_', "-");
        let role_name = self.name(&format!("{service}-role"), None);
        let role_address = address(&function.name, "role", None, None);
        let role = Attributes::IamRole(IamRole {
            name: role_name.clone(),
            assume_role_policy: PolicyDocument {
                statements: vec![PolicyStatement {
                    sid: "LambdaAssumesRole".into(),
                    actions: vec!["sts:AssumeRole".into()],
                    resources: Vec::new(),
                    principal: Some(Principal::Service("lambda.amazonaws.com".into())),
                    condition: None,
                }],
            },
            description: format!("execution role of {}", function.name),
            tags: self.tags(&function.name),
        });
        self.add(
            &function.name,
            function.span,
            role_address.clone(),
            None,
            role,
            Vec::new(),
        );

        let policy_address = address(&function.name, "role_policy", None, None);
        let policy = Attributes::IamRolePolicy(IamRolePolicy {
            role: Val::known(role_name.clone()),
            name: "least-privilege".into(),
            document: PolicyDocument {
                statements: self.execution_statements(function),
            },
        });
        self.add(
            &function.name,
            function.span,
            policy_address.clone(),
            None,
            policy,
            vec![role_address.clone()],
        );
        self.replaced_with(vec![role_address.clone()]);

        for region in &function.regions {
            let name = self.service_name(&function.name, Some(region));
            let log_address = address(&function.name, "log_group", None, Some(region));
            let log_group = Attributes::LogGroup(LogGroup {
                name: format!("/aws/lambda/{name}"),
                retention_days: function.log_retention_days,
                tags: self.tags(&function.name),
            });
            self.add(
                &function.name,
                function.span,
                log_address.clone(),
                Some(region),
                log_group,
                Vec::new(),
            );

            let environment: BTreeMap<String, Val> = function
                .env
                .iter()
                .map(|(key, text)| (key.clone(), self.text(text, Some(region))))
                .collect();
            let attributes = Attributes::LambdaFunction(LambdaFunction {
                name,
                runtime: function.runtime.clone(),
                handler: function.handler.clone(),
                architecture: match function.architecture {
                    Architecture::Arm64 => resources::Architecture::Arm64,
                    Architecture::X86_64 => resources::Architecture::X86_64,
                },
                memory_size: function.memory_mb,
                timeout: function.timeout_seconds,
                role: self.role_arn(&role_name),
                environment,
                code: LambdaCode {
                    source: function.code.value.clone(),
                    source_sha256: source_sha256.clone(),
                },
                tracing: if function.tracing {
                    TracingMode::Active
                } else {
                    TracingMode::PassThrough
                },
                reserved_concurrency: function.concurrency.get(region).copied(),
                tags: self.tags(&function.name),
            });
            let depends_on = vec![role_address.clone(), policy_address.clone(), log_address];
            self.add(
                &function.name,
                function.span,
                address(&function.name, "function", None, Some(region)),
                Some(region),
                attributes,
                depends_on,
            );
        }
    }

    /// Logs for its own groups, and read/write on exactly the tables and
    /// buckets its environment names, in the regions it runs in.
    fn execution_statements(&self, function: &Function) -> Vec<PolicyStatement> {
        let mut statements = vec![PolicyStatement {
            sid: "WriteOwnLogs".into(),
            actions: vec!["logs:CreateLogStream".into(), "logs:PutLogEvents".into()],
            resources: function
                .regions
                .iter()
                .map(|region| {
                    account_arn(
                        "logs",
                        region,
                        format!(
                            ":log-group:/aws/lambda/{}:*",
                            self.service_name(&function.name, Some(region))
                        ),
                    )
                })
                .collect(),
            principal: None,
            condition: None,
        }];
        if function.tracing {
            // X-Ray's segment actions have no resource-level permissions
            // (Service Authorization Reference, "AWS X-Ray"): `*` is the
            // narrowest there is. The actions are those of the managed
            // AWSXRayDaemonWriteAccess policy that send traces.
            statements.push(PolicyStatement {
                sid: "SendTraces".into(),
                actions: vec!["xray:PutTraceSegments".into(), "xray:PutTelemetryRecords".into()],
                resources: vec![Val::known("*")],
                principal: None,
                condition: None,
            });
        }
        let mut tables: Vec<&str> = Vec::new();
        let mut buckets: Vec<&str> = Vec::new();
        for reference in function.env.values().flat_map(|text| text.parts.iter()) {
            if let TextPart::Ref(reference) = reference {
                match reference.kind {
                    ResourceKind::Table if !tables.contains(&reference.resource.as_str()) => {
                        tables.push(&reference.resource);
                    }
                    ResourceKind::Bucket if !buckets.contains(&reference.resource.as_str()) => {
                        buckets.push(&reference.resource);
                    }
                    _ => {}
                }
            }
        }
        if !tables.is_empty() {
            let mut resources = Vec::new();
            for table in &tables {
                let name = self.table_name(table);
                for region in &function.regions {
                    for suffix in ["", "/index/*"] {
                        resources.push(account_arn("dynamodb", region, format!(":table/{name}{suffix}")));
                    }
                }
            }
            statements.push(PolicyStatement {
                sid: "ReadWriteTables".into(),
                actions: [
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:Query",
                    "dynamodb:ConditionCheckItem",
                    "dynamodb:DescribeTable",
                ]
                .map(String::from)
                .to_vec(),
                resources,
                principal: None,
                condition: None,
            });
        }
        if !buckets.is_empty() {
            let mut resources = Vec::new();
            for bucket in &buckets {
                for region in &function.regions {
                    resources.push(Val::known(format!(
                        "arn:aws:s3:::{}/*",
                        self.bucket_name(bucket, Some(region))
                    )));
                }
            }
            statements.push(PolicyStatement {
                sid: "ReadWriteObjects".into(),
                actions: vec!["s3:GetObject".into(), "s3:PutObject".into()],
                resources,
                principal: None,
                condition: None,
            });
        }
        statements
    }
}
