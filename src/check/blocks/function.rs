//! `function name { code … memory … timeout … env { … } logs { retention … } in … }`

use std::collections::BTreeMap;

use super::super::Checker;
use super::super::check_error::CheckErrorKind;
use super::super::naming::NameRule;
use super::super::references::Consumer;
use super::super::service_name;
use super::super::statements::Statements;
use super::super::topology::{Architecture, Function, Region, Spanned, Text, TextPart};
use super::super::vocabulary;
use super::table::optional;
use crate::model::blocks::ResourceKind;
use crate::syntax::ast::{self, ValueKind};

/// Lambda's limits (Lambda Developer Guide, "Lambda quotas").
const MEMORY_MB: std::ops::RangeInclusive<u64> = 128..=10_240;
const TIMEOUT_SECONDS: std::ops::RangeInclusive<u64> = 1..=900;
const ENV_BYTES: usize = 4096;
/// Reserved concurrency when the file sets none: enough for a small payment
/// service's peak, within a new account's 1,000 (of which Lambda keeps 100
/// unreserved), and a cap on what a runaway caller can cost.
pub(crate) const DEFAULT_CONCURRENCY: u64 = 100;

impl<'a> Checker<'a> {
    pub(in super::super) fn check_function(&mut self, block: &'a ast::Block) -> Option<Function> {
        let mut statements = Statements::new(
            self,
            "function",
            ResourceKind::Function.spec().attributes,
            &block.body,
        );
        let regions = self.regions_of(&block.name.name);
        let service = service_name(&block.name.name);

        let code = statements.value(self, "code").and_then(|value| {
            self.literal_string(value).map(|path| Spanned {
                value: path,
                span: value.span,
            })
        });
        let code = statements.require(self, code, "code", &block.name, "code \"lambda\"");
        let runtime = match statements.value(self, "runtime") {
            Some(value) => self
                .symbol(value, "Lambda runtime", vocabulary::RUNTIMES)
                .map(str::to_string),
            None => Some("provided.al2023".to_string()),
        };
        let handler = match statements.value(self, "handler") {
            Some(value) => self.literal_string(value),
            None => Some("bootstrap".to_string()),
        };
        let architecture = match statements.value(self, "architecture") {
            Some(value) => self
                .symbol(value, "architecture", &["arm64", "x86_64"])
                .map(|word| {
                    if word == "arm64" {
                        Architecture::Arm64
                    } else {
                        Architecture::X86_64
                    }
                }),
            None => Some(Architecture::Arm64),
        };
        let memory_mb = match statements.value(self, "memory") {
            Some(value) => self.size_mb(value).and_then(|megabytes| {
                if MEMORY_MB.contains(&megabytes) {
                    Some(megabytes)
                } else {
                    self.error(value.span, CheckErrorKind::LambdaMemory { megabytes });
                    None
                }
            }),
            None => Some(128),
        };
        let timeout_seconds = match statements.value(self, "timeout") {
            Some(value) => self.duration(value).and_then(|seconds| {
                if TIMEOUT_SECONDS.contains(&seconds.value) {
                    Some(seconds.value)
                } else {
                    self.error(
                        value.span,
                        CheckErrorKind::LambdaTimeout {
                            seconds: seconds.value,
                        },
                    );
                    None
                }
            }),
            None => Some(3),
        };
        let env = match statements.value(self, "env") {
            Some(value) => self.function_env(&block.name.name, value, &regions),
            None => Some(BTreeMap::new()),
        };
        let log_retention_days = match statements.body(self, "logs") {
            Some(body) => self.log_settings(body, ResourceKind::Function),
            None => Some(None),
        };
        let tracing = match statements.value(self, "tracing") {
            Some(value) => self.boolean(value),
            None => Some(true),
        };
        let concurrency_value = statements.value(self, "concurrency");
        let concurrency = match concurrency_value {
            Some(value) => self.function_concurrency(&block.name, value, &regions),
            None => Some(regions.iter().map(|r| (r.clone(), DEFAULT_CONCURRENCY)).collect()),
        };
        statements.finish_resource(self, ResourceKind::Function);

        let region_refs: Vec<Option<&Region>> = regions.iter().map(Some).collect();
        self.check_resource_name(NameRule::Function, &service, &region_refs, block.name.span);

        Some(Function {
            name: block.name.name.clone(),
            service,
            code: code?,
            runtime: runtime?,
            handler: handler?,
            architecture: architecture?,
            memory_mb: memory_mb?,
            timeout_seconds: timeout_seconds?,
            env: env?,
            log_retention_days: log_retention_days?,
            tracing: tracing?,
            concurrency: concurrency?,
            concurrency_span: concurrency_value.map(|value| value.span),
            regions,
            span: block.span,
        })
    }

    fn function_env(
        &mut self,
        function: &str,
        value: &'a ast::Value,
        regions: &[Region],
    ) -> Option<BTreeMap<String, Text>> {
        let ValueKind::Map(entries) = &value.kind else {
            self.mismatch(value, "a map such as `{ TABLE_NAME: transactions.name }`", None);
            return None;
        };
        let mut env = BTreeMap::new();
        let mut ok = true;
        for entry in entries {
            let key = &entry.key.name;
            if vocabulary::RESERVED_ENV_KEYS.contains(&key.as_str())
                || key.starts_with(vocabulary::RESERVED_ENV_PREFIX)
            {
                self.error(
                    entry.key.span,
                    CheckErrorKind::ReservedEnvKey { key: key.clone() },
                );
                ok = false;
                continue;
            }
            let valid_name = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid_name {
                self.error(entry.key.span, CheckErrorKind::EnvKeyName { key: key.clone() });
                ok = false;
                continue;
            }
            match self.text(&entry.value, Consumer::Regions(regions)) {
                Some(text) => {
                    env.insert(key.clone(), text);
                }
                None => ok = false,
            }
        }
        // Lambda counts keys and values; values known only after deployment
        // are estimated at the longest name AWS allows (255).
        let bytes: usize = env
            .iter()
            .map(|(key, text)| {
                key.len()
                    + text
                        .parts
                        .iter()
                        .map(|part| match part {
                            TextPart::Literal(literal) => literal.len(),
                            TextPart::Ref(_) => 255,
                        })
                        .sum::<usize>()
            })
            .sum();
        if bytes > ENV_BYTES {
            self.error(
                value.span,
                CheckErrorKind::EnvTooLarge {
                    function: function.to_string(),
                    bytes,
                },
            );
            ok = false;
        }
        ok.then_some(env)
    }

    /// `concurrency 100`, or by region: `{ primary: 200, secondary: 50,
    /// "us-west-2": 20 }`; a region the map leaves out has the default.
    fn function_concurrency(
        &mut self,
        name: &ast::Ident,
        value: &'a ast::Value,
        regions: &[Region],
    ) -> Option<BTreeMap<Region, u64>> {
        let mut reserved: BTreeMap<Region, u64> =
            regions.iter().map(|r| (r.clone(), DEFAULT_CONCURRENCY)).collect();
        let entries: Vec<(Option<&ast::MapEntry>, &ast::Value)> = match &value.kind {
            ValueKind::Map(entries) => entries.iter().map(|entry| (Some(entry), &entry.value)).collect(),
            _ => vec![(None, value)],
        };
        let mut ok = true;
        for (entry, amount) in entries {
            let Some(amount) = self.integer(amount) else {
                ok = false;
                continue;
            };
            if amount.value == 0 {
                self.error(
                    amount.span,
                    CheckErrorKind::OutOfRange {
                        what: "reserved concurrency".into(),
                        value: "0".into(),
                        range: "1 or more (0 throttles every invocation)".into(),
                    },
                );
                ok = false;
                continue;
            }
            let targets = match entry {
                None => Some(regions.to_vec()),
                Some(entry) => self.placement_key(&entry.key, entry.quoted_key),
            };
            let Some(targets) = targets else {
                ok = false;
                continue;
            };
            for region in targets {
                match reserved.get_mut(&region) {
                    Some(slot) => *slot = amount.value,
                    None => {
                        if let Some(entry) = entry {
                            self.error(
                                entry.key.span,
                                CheckErrorKind::NotInRegion {
                                    name: name.name.clone(),
                                    kind: "function".into(),
                                    region: region.0.clone(),
                                    regions: regions.iter().map(|r| r.0.clone()).collect(),
                                    declared: name.span,
                                },
                            );
                        }
                        ok = false;
                    }
                }
            }
        }
        ok.then_some(reserved)
    }

    /// A `logs { retention … }` block of a block of `kind`.
    pub(in super::super) fn log_settings(
        &mut self,
        body: &'a ast::Body,
        kind: ResourceKind,
    ) -> Option<Option<u64>> {
        let mut statements = Statements::new(self, "logs block", kind.spec().nested("logs"), body);
        let retention = statements.value(self, "retention").map(|value| {
            let seconds = self.duration(value)?;
            let days = seconds.value / 86_400;
            if seconds.value % 86_400 == 0 && vocabulary::LOG_RETENTION_DAYS.contains(&days) {
                return Some(days);
            }
            let nearest = vocabulary::LOG_RETENTION_DAYS
                .iter()
                .copied()
                .min_by_key(|allowed| allowed.abs_diff(days))
                .unwrap_or(1);
            self.error(value.span, CheckErrorKind::LogRetention { days, nearest });
            None
        });
        statements.finish(self, &[]);
        optional(retention)
    }
}
