//! Where each resource lives. Decided for every resource before any is
//! checked, so that a reference can ask whether its target exists in the
//! region that uses it.

use super::Checker;
use super::check_error::CheckErrorKind;
use super::scope::Declaration;
use super::topology::{Region, ResourceKind};
use super::vocabulary;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, PlacementTarget, ReplicaScope, StatementKind, Value, ValueKind};

const PLACEMENT_WORDS: [&str; 3] = ["primary", "secondary", "secondaries"];

impl<'a> Checker<'a> {
    /// The regions a placement names, in topology order.
    pub(super) fn placement(&mut self, placement: &ast::Placement) -> Option<Vec<Region>> {
        let mut regions = Vec::new();
        let targets: Vec<&Value> = match &placement.target {
            PlacementTarget::EveryRegion => return Some(self.all_regions()),
            PlacementTarget::One(value) => vec![value],
            PlacementTarget::List(values) => values.iter().collect(),
        };
        let mut ok = true;
        for target in targets {
            match self.placement_word(target) {
                Some(found) => {
                    for region in found {
                        if !regions.contains(&region) {
                            regions.push(region);
                        }
                    }
                }
                None => ok = false,
            }
        }
        ok.then_some(regions)
    }

    /// A map key that names regions: `primary`, `secondary`, `secondaries`,
    /// or a region code written as a string (`"us-west-2": …`).
    pub(super) fn placement_key(&mut self, key: &ast::Ident, quoted: bool) -> Option<Vec<Region>> {
        let kind = if quoted {
            ValueKind::Region(key.name.clone())
        } else {
            ValueKind::Ref(ast::Reference {
                segments: vec![key.clone()],
                span: key.span,
            })
        };
        self.placement_word(&Value { kind, span: key.span })
    }

    fn placement_word(&mut self, value: &Value) -> Option<Vec<Region>> {
        let value = self.resolve(value);
        match &value.kind {
            ValueKind::Region(region) => self.known_region(region, value.span).map(|r| vec![r]),
            ValueKind::Ref(reference) if reference.segments.len() == 1 => {
                match reference.head().name.as_str() {
                    "primary" => Some(self.primary.iter().cloned().collect()),
                    "secondaries" => Some(self.secondaries.clone()),
                    "secondary" => match self.secondaries.as_slice() {
                        [] => Some(Vec::new()),
                        [only] => Some(vec![only.clone()]),
                        many => {
                            let secondaries = many.iter().map(|r| r.0.clone()).collect();
                            self.error(
                                value.span,
                                CheckErrorKind::AmbiguousSecondary {
                                    count: many.len(),
                                    secondaries,
                                },
                            );
                            None
                        }
                    },
                    word => {
                        self.error(
                            value.span,
                            CheckErrorKind::UnknownPlacement {
                                placement: word.to_string(),
                                suggestion: did_you_mean(
                                    word,
                                    PLACEMENT_WORDS.iter().copied().chain(["every region"]),
                                )
                                .map(str::to_string),
                            },
                        );
                        None
                    }
                }
            }
            _ => {
                self.mismatch(
                    &value,
                    "a placement (`primary`, `secondary`, `secondaries`, `every region` or a region code)",
                    None,
                );
                None
            }
        }
    }

    /// Decides every resource's regions (reporting placement errors once,
    /// here, rather than again in each block's checker).
    pub(super) fn place_resources(&mut self, file: &'a ast::File) {
        let blocks = self.resource_blocks(file);
        // Alarms default to where their metric is, so they go last.
        let (alarms, others): (Vec<_>, Vec<_>) = blocks
            .into_iter()
            .partition(|(_, kind)| *kind == ResourceKind::Alarm);
        for (block, kind) in others.into_iter().chain(alarms) {
            let regions = match kind {
                ResourceKind::Table | ResourceKind::Bucket => self.store_regions(block),
                ResourceKind::Function | ResourceKind::Api | ResourceKind::Alerts => self
                    .explicit_placement(block)
                    .unwrap_or_else(|| self.primary.iter().cloned().collect()),
                ResourceKind::Alarm => self.alarm_regions(block),
                // Route 53 and IAM are global; a failover's records live in
                // the zone, not in a region.
                ResourceKind::Failover | ResourceKind::Role => {
                    self.reject_placement(block, kind);
                    Vec::new()
                }
            };
            self.scope.set_regions(&block.name.name, regions);
        }
    }

    fn placements(block: &'a ast::Block) -> Vec<&'a ast::Placement> {
        block
            .body
            .statements
            .iter()
            .filter_map(|statement| match &statement.kind {
                StatementKind::Placement(placement) => Some(placement),
                _ => None,
            })
            .collect()
    }

    /// The block's `in …`, if it has one.
    fn explicit_placement(&mut self, block: &'a ast::Block) -> Option<Vec<Region>> {
        let placements = Self::placements(block);
        if let [first, rest @ ..] = placements.as_slice() {
            for extra in rest {
                self.error(
                    extra.span,
                    CheckErrorKind::DuplicateAttribute {
                        name: "in".into(),
                        first: first.span,
                    },
                );
            }
            return self.placement(first);
        }
        None
    }

    fn reject_placement(&mut self, block: &'a ast::Block, kind: ResourceKind) {
        for placement in Self::placements(block) {
            let hint = match kind {
                ResourceKind::Table => {
                    "a table is created in the primary region; `replicate globally` adds replicas in the others"
                }
                ResourceKind::Bucket => {
                    "a bucket is created in the primary region; `replicate to …` adds replica buckets"
                }
                ResourceKind::Failover => "Route 53 is global; `targets` says which API the records point at",
                _ => "IAM is global",
            };
            self.error(
                placement.span,
                CheckErrorKind::PlacementNotAllowed {
                    kind: kind.word().into(),
                    hint: hint.into(),
                },
            );
        }
    }

    /// A store lives in the primary and wherever it replicates to.
    fn store_regions(&mut self, block: &'a ast::Block) -> Vec<Region> {
        self.reject_placement(
            block,
            if block.kind == ast::BlockKind::Resource(ResourceKind::Table) {
                ResourceKind::Table
            } else {
                ResourceKind::Bucket
            },
        );
        let mut regions: Vec<Region> = self.primary.iter().cloned().collect();
        for statement in &block.body.statements {
            if let StatementKind::Replicate(replicate) = &statement.kind {
                let targets = match &replicate.scope {
                    ReplicaScope::Globally(_) => self.secondaries.clone(),
                    ReplicaScope::To(placement) => self.placement(placement).unwrap_or_default(),
                };
                for region in targets {
                    if !regions.contains(&region) {
                        regions.push(region);
                    }
                }
            }
        }
        regions
    }

    fn alarm_regions(&mut self, block: &'a ast::Block) -> Vec<Region> {
        if let Some(regions) = self.explicit_placement(block) {
            return regions;
        }
        let metric_resource = block
            .body
            .statements
            .iter()
            .find_map(|statement| match &statement.kind {
                StatementKind::Condition(condition) => Some(condition.metric.head().name.clone()),
                _ => None,
            });
        match metric_resource.and_then(|name| {
            self.scope
                .resource(&name)
                .map(|(kind, regions)| (kind, regions.to_vec()))
        }) {
            Some((ResourceKind::Failover, _)) => vec![Region(vocabulary::HEALTH_CHECK_METRIC_REGION.into())],
            Some((_, regions)) if !regions.is_empty() => vec![regions[0].clone()],
            _ => self.primary.iter().cloned().collect(),
        }
    }

    /// The regions of a declared resource, as placed.
    pub(super) fn regions_of(&self, name: &str) -> Vec<Region> {
        match self.scope.get(name) {
            Some(Declaration::Resource { regions, .. }) => regions.clone(),
            _ => Vec::new(),
        }
    }
}
