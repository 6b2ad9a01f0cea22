//! AST → typed `Topology`: names, types and units, AWS constraints and DR
//! rules. Every problem is collected; the topology is produced only when no
//! error was found.

mod blocks;
mod check_error;
mod dr_rules;
mod naming;
mod placement;
pub mod recovery;
mod references;
mod scope;
mod statements;
pub mod topology;
mod values;
mod variables;
mod vocabulary;

#[cfg(test)]
mod catalog_tests;

pub use check_error::{CheckCode, CheckError, CheckErrorKind, Severity};
pub use topology::Topology;

/// The AWS regions drx knows, for editors' completion.
pub fn known_regions() -> &'static [&'static str] {
    vocabulary::REGIONS
}

use scope::{Declaration, Scope};
use topology::{Naming, Region, ResourceKind};

use crate::source::Span;
use crate::syntax::ast::{self, BlockKind, Item};

/// The result of checking one file.
#[derive(Debug)]
pub struct Checked {
    /// Present when no error (warnings are fine) was found.
    pub topology: Option<Topology>,
    /// The derivation of every recovery objective; present whenever the
    /// topology could be assembled, even if objectives are not met.
    pub recovery: Option<recovery::Recovery>,
    /// Errors and warnings, in source order.
    pub problems: Vec<CheckError>,
}

/// Where `env("NAME")` looks; the process environment in the CLI, a map in tests.
pub trait Environment {
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment.
#[derive(Debug, Clone, Copy)]
pub struct ProcessEnvironment;

impl Environment for ProcessEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl Environment for std::collections::BTreeMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

pub fn check(file: &ast::File, environment: &dyn Environment) -> Checked {
    let mut checker = Checker {
        problems: Vec::new(),
        scope: Scope::default(),
        primary: None,
        secondaries: Vec::new(),
        naming: None,
        environment,
    };
    checker.declare(file);
    checker.evaluate_variables();
    let topology_block = checker.topology_block(file);
    let header = topology_block.and_then(|block| checker.check_topology_block(block));
    checker.place_resources(file);
    let resources = checker.check_resources(file);
    let outputs = checker.check_outputs(file);
    checker.warn_unused_variables();

    let mut recovery_analysis = None;
    let topology = match header {
        Some(header) => {
            let mut topology = Topology {
                name: header.name,
                primary: header.primary,
                secondaries: header.secondaries,
                naming: header.naming,
                tags: header.tags,
                state: header.state,
                objectives: header.objectives,
                assumptions: header.assumptions,
                tables: resources.tables,
                buckets: resources.buckets,
                functions: resources.functions,
                apis: resources.apis,
                failovers: resources.failovers,
                topics: resources.topics,
                alarms: resources.alarms,
                roles: resources.roles,
                outputs,
            };
            checker.open_health_routes(&mut topology);
            checker.check_dr_rules(&topology);
            let analysis = recovery::analyze(&topology);
            checker.check_objectives(&topology, &analysis);
            recovery_analysis = Some(analysis);
            Some(topology)
        }
        None => None,
    };

    let mut problems = checker.problems;
    problems.sort_by_key(|problem| (problem.span.start, problem.span.end));
    problems.dedup();
    let failed = problems
        .iter()
        .any(|problem| problem.severity() == Severity::Error);
    Checked {
        topology: if failed { None } else { topology },
        recovery: recovery_analysis,
        problems,
    }
}

/// State shared by the checking passes.
pub(crate) struct Checker<'a> {
    problems: Vec<CheckError>,
    scope: Scope<'a>,
    primary: Option<Region>,
    secondaries: Vec<Region>,
    naming: Option<Naming>,
    environment: &'a dyn Environment,
}

/// What the `topology` block says.
struct Header {
    name: String,
    primary: Region,
    secondaries: Vec<Region>,
    naming: Naming,
    tags: std::collections::BTreeMap<String, String>,
    state: Option<crate::model::Location>,
    objectives: topology::Objectives,
    assumptions: topology::Assumptions,
}

#[derive(Default)]
struct Resources {
    tables: Vec<topology::Table>,
    buckets: Vec<topology::Bucket>,
    functions: Vec<topology::Function>,
    apis: Vec<topology::Api>,
    failovers: Vec<topology::Failover>,
    topics: Vec<topology::Topic>,
    alarms: Vec<topology::Alarm>,
    roles: Vec<topology::Role>,
}

impl<'a> Checker<'a> {
    fn error(&mut self, span: Span, kind: CheckErrorKind) {
        self.problems.push(CheckError::new(span, kind));
    }

    /// The primary first, then each secondary.
    fn all_regions(&self) -> Vec<Region> {
        self.primary
            .iter()
            .chain(self.secondaries.iter())
            .cloned()
            .collect()
    }

    fn declare(&mut self, file: &'a ast::File) {
        let mut topology: Option<Span> = None;
        for item in &file.items {
            let (name, declaration) = match item {
                Item::Let(item) => (
                    &item.name,
                    Declaration::Variable {
                        item,
                        state: scope::VariableState::Unevaluated,
                    },
                ),
                Item::Output(_) => continue,
                Item::Block(block) if block.kind == BlockKind::Topology => {
                    if let Some(first) = topology {
                        self.error(block.kind_span, CheckErrorKind::DuplicateTopology { first });
                        continue;
                    }
                    topology = Some(block.kind_span);
                    (&block.name, Declaration::Topology)
                }
                Item::Block(block) => {
                    let BlockKind::Resource(kind) = block.kind else {
                        continue;
                    };
                    (
                        &block.name,
                        Declaration::Resource {
                            kind,
                            block,
                            regions: Vec::new(),
                        },
                    )
                }
            };
            if let Err(first) = self.scope.declare(name, declaration) {
                self.error(
                    name.span,
                    CheckErrorKind::DuplicateName {
                        name: name.name.clone(),
                        first,
                    },
                );
            }
        }
        if topology.is_none() {
            self.error(Span::new(0, 0), CheckErrorKind::MissingTopology);
        }
    }

    fn topology_block(&self, file: &'a ast::File) -> Option<&'a ast::Block> {
        file.items.iter().find_map(|item| match item {
            Item::Block(block) if block.kind == BlockKind::Topology => Some(block),
            _ => None,
        })
    }

    /// The resource blocks that won their name (a duplicate is reported once
    /// and not checked again).
    fn resource_blocks(&self, file: &'a ast::File) -> Vec<(&'a ast::Block, ResourceKind)> {
        file.items
            .iter()
            .filter_map(|item| match item {
                Item::Block(block) if block.kind != BlockKind::Topology => {
                    match self.scope.get(&block.name.name) {
                        Some(Declaration::Resource {
                            block: declared,
                            kind,
                            ..
                        }) if std::ptr::eq(*declared, block) => Some((block, *kind)),
                        _ => None,
                    }
                }
                _ => None,
            })
            .collect()
    }

    fn check_resources(&mut self, file: &'a ast::File) -> Resources {
        let mut resources = Resources::default();
        for (block, kind) in self.resource_blocks(file) {
            match kind {
                ResourceKind::Table => resources.tables.extend(self.check_table(block)),
                ResourceKind::Bucket => resources.buckets.extend(self.check_bucket(block)),
                ResourceKind::Function => resources.functions.extend(self.check_function(block)),
                ResourceKind::Api => resources.apis.extend(self.check_api(block)),
                ResourceKind::Failover => resources.failovers.extend(self.check_failover(block)),
                ResourceKind::Alerts => resources.topics.extend(self.check_alerts(block)),
                ResourceKind::Alarm => resources.alarms.extend(self.check_alarm(block)),
                ResourceKind::Role => resources.roles.extend(self.check_role(block)),
            }
        }
        resources
    }
}

/// `payment_docs` → `payment-docs`: the `{service}` part of physical names.
fn service_name(name: &str) -> String {
    name.replace('_', "-")
}
