//! The block catalog: every kind of block a .drx file declares, once — its
//! keyword, its attributes with what they take and their defaults, the
//! statements it allows, what a reference to it may name, the metrics an
//! alarm can watch on it, the permissions a role can grant on it, and the AWS
//! resource types it lowers to. The parser's keywords, its "expected …"
//! phrase and "did you mean" list, the checker's vocabularies and `drx
//! check`'s summary are read from here; editors (completion, hover) read the
//! same.

mod alarm;
mod alerts;
mod api;
mod bucket;
mod failover;
mod function;
mod role;
mod table;
mod topology;

use serde::Serialize;

use super::resources::ResourceType;

/// A block that declares AWS resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    Table,
    Bucket,
    Function,
    Api,
    Failover,
    Alerts,
    Alarm,
    Role,
}

/// Every kind of block: the one topology, or a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockKind {
    Topology,
    Resource(ResourceKind),
}

/// One attribute a block takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttributeSpec {
    pub name: &'static str,
    /// What it takes, as a phrase: "a duration", "`on` or `off`".
    pub takes: &'static str,
    /// Its value when not set; `None` when it is required or has no default.
    pub default: Option<&'static str>,
    pub required: bool,
    /// What it means, for help and editors.
    pub about: &'static str,
    /// The attributes of its `{ … }`, for an attribute that is a block.
    pub nested: &'static [AttributeSpec],
}

/// A statement other than an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// `in …`
    Placement,
    /// `replicate …`
    Replicate,
    /// `route METHOD /path -> function`
    Route,
    /// `when metric > threshold over period`
    Condition,
    /// `allow [actions] on resource`
    Allow,
}

impl StatementKind {
    /// The keyword that starts the statement.
    pub fn keyword(self) -> &'static str {
        match self {
            StatementKind::Placement => "in",
            StatementKind::Replicate => "replicate",
            StatementKind::Route => "route",
            StatementKind::Condition => "when",
            StatementKind::Allow => "allow",
        }
    }
}

/// Which of a block's references are the same in every region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Global {
    None,
    All,
    Only(&'static [&'static str]),
}

/// A CloudWatch metric an alarm can watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricSpec {
    /// Its drx name: `payment_processor.errors`.
    pub name: &'static str,
    pub namespace: &'static str,
    pub metric_name: &'static str,
    pub statistic: &'static str,
    pub unit: MetricUnit,
    /// Published only in the resource's home region (S3 replication metrics
    /// are reported by the source bucket).
    pub only_at_home: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricUnit {
    Count,
    Seconds,
    Milliseconds,
    Bytes,
}

/// A permission a `role` can grant on a block of this kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionSpec {
    /// Its drx name: `route53.update_health_check`.
    pub name: &'static str,
    /// The IAM actions it grants.
    pub iam: &'static [&'static str],
}

/// Everything about one kind of block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockSpec {
    pub keyword: &'static str,
    /// How `drx check` counts it: "1 alert topic".
    pub counted_as: &'static str,
    /// What it is, for help and editors.
    pub about: &'static str,
    pub attributes: &'static [AttributeSpec],
    /// The options of its `replicate … { … }`.
    pub replicate: &'static [AttributeSpec],
    /// The options of its `route … -> … { … }`.
    pub route: &'static [AttributeSpec],
    pub statements: &'static [StatementKind],
    /// What `name.attribute` may name.
    pub references: &'static [&'static str],
    pub global_references: Global,
    pub metrics: &'static [MetricSpec],
    pub actions: &'static [ActionSpec],
    pub lowers_to: &'static [ResourceType],
}

impl BlockSpec {
    pub fn attribute(&self, name: &str) -> Option<&'static AttributeSpec> {
        self.attributes.iter().find(|attribute| attribute.name == name)
    }

    /// The attributes of the nested block `name`; none if it has no such.
    pub fn nested(&self, name: &str) -> &'static [AttributeSpec] {
        self.attribute(name).map_or(&[], |attribute| attribute.nested)
    }

    pub fn allows(&self, statement: StatementKind) -> bool {
        self.statements.contains(&statement)
    }

    pub fn is_global_reference(&self, attribute: &str) -> bool {
        match self.global_references {
            Global::None => false,
            Global::All => true,
            Global::Only(names) => names.contains(&attribute),
        }
    }
}

impl ResourceKind {
    /// Every resource kind, in the order `drx check` counts them.
    pub const ALL: [ResourceKind; 8] = [
        ResourceKind::Table,
        ResourceKind::Bucket,
        ResourceKind::Function,
        ResourceKind::Api,
        ResourceKind::Failover,
        ResourceKind::Alerts,
        ResourceKind::Alarm,
        ResourceKind::Role,
    ];

    /// The kind's declaration. Exhaustive: a new kind does not compile until
    /// it is declared.
    pub const fn spec(self) -> &'static BlockSpec {
        match self {
            ResourceKind::Table => &table::SPEC,
            ResourceKind::Bucket => &bucket::SPEC,
            ResourceKind::Function => &function::SPEC,
            ResourceKind::Api => &api::SPEC,
            ResourceKind::Failover => &failover::SPEC,
            ResourceKind::Alerts => &alerts::SPEC,
            ResourceKind::Alarm => &alarm::SPEC,
            ResourceKind::Role => &role::SPEC,
        }
    }

    /// The keyword, which is also how messages name the kind.
    pub fn word(self) -> &'static str {
        self.spec().keyword
    }
}

impl BlockKind {
    /// Every block kind: the topology, then the resources.
    pub fn all() -> impl Iterator<Item = BlockKind> {
        std::iter::once(BlockKind::Topology).chain(ResourceKind::ALL.into_iter().map(BlockKind::Resource))
    }

    pub fn spec(self) -> &'static BlockSpec {
        match self {
            BlockKind::Topology => &topology::SPEC,
            BlockKind::Resource(kind) => kind.spec(),
        }
    }

    pub fn keyword(self) -> &'static str {
        self.spec().keyword
    }

    pub fn from_keyword(keyword: &str) -> Option<BlockKind> {
        BlockKind::all().find(|kind| kind.keyword() == keyword)
    }
}

/// Declarations that are not blocks.
pub const OTHER_DECLARATIONS: [&str; 2] = ["let", "output"];

/// Every keyword that starts a declaration, blocks first.
pub fn declaration_keywords() -> impl Iterator<Item = &'static str> {
    BlockKind::all().map(BlockKind::keyword).chain(OTHER_DECLARATIONS)
}

const fn attribute(
    name: &'static str,
    takes: &'static str,
    default: Option<&'static str>,
    about: &'static str,
) -> AttributeSpec {
    AttributeSpec {
        name,
        takes,
        default,
        required: false,
        about,
        nested: &[],
    }
}

const fn required(name: &'static str, takes: &'static str, about: &'static str) -> AttributeSpec {
    AttributeSpec {
        required: true,
        ..attribute(name, takes, None, about)
    }
}

const fn block(name: &'static str, about: &'static str, nested: &'static [AttributeSpec]) -> AttributeSpec {
    AttributeSpec {
        nested,
        ..attribute(name, "a block `{ … }`", None, about)
    }
}

const fn metric(
    name: &'static str,
    namespace: &'static str,
    metric_name: &'static str,
    statistic: &'static str,
    unit: MetricUnit,
) -> MetricSpec {
    MetricSpec {
        name,
        namespace,
        metric_name,
        statistic,
        unit,
        only_at_home: false,
    }
}

const fn action(name: &'static str, iam: &'static [&'static str]) -> ActionSpec {
    ActionSpec { name, iam }
}

const DURATION: &str = "a duration such as `30s`";

const fn home_metric(spec: MetricSpec) -> MetricSpec {
    MetricSpec {
        only_at_home: true,
        ..spec
    }
}

/// Every permission a role can grant, with the kind it is granted on.
pub fn actions() -> impl Iterator<Item = (ResourceKind, &'static ActionSpec)> {
    ResourceKind::ALL
        .into_iter()
        .flat_map(|kind| kind.spec().actions.iter().map(move |action| (kind, action)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_unique_and_found_again() {
        let mut keywords: Vec<&str> = declaration_keywords().collect();
        assert_eq!(keywords.len(), 11);
        for kind in BlockKind::all() {
            assert_eq!(BlockKind::from_keyword(kind.keyword()), Some(kind));
        }
        keywords.sort_unstable();
        keywords.dedup();
        assert_eq!(keywords.len(), 11, "no keyword twice");
    }

    #[test]
    fn every_resource_kind_lowers_to_something_and_names_are_unique() {
        for kind in ResourceKind::ALL {
            let spec = kind.spec();
            assert!(!spec.lowers_to.is_empty(), "{} lowers to nothing", spec.keyword);
            let mut names: Vec<&str> = spec.attributes.iter().map(|a| a.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(
                names.len(),
                spec.attributes.len(),
                "{}: an attribute twice",
                spec.keyword
            );
        }
        let mut actions: Vec<&str> = actions().map(|(_, a)| a.name).collect();
        let count = actions.len();
        actions.sort_unstable();
        actions.dedup();
        assert_eq!(actions.len(), count, "no action twice");
    }
}
