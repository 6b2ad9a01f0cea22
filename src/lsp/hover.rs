//! What hovering shows: on a failover, its worst-case RTO term by term; on
//! a replicated store, its RPO; on any block, the AWS resources it becomes
//! with their physical names per region; on an attribute, its meaning,
//! what it takes and its default; on a block keyword, what the kind is.

use crate::check::recovery::{RpoBound, human};
use crate::model::blocks::AttributeSpec;
use crate::source::Span;
use crate::syntax::ast::BlockKind;

use super::analysis::{Analysis, NameKind, attribute_at};

/// Markdown for what is at `offset`, and the span it is about.
pub(crate) fn hover(analysis: &Analysis, offset: usize) -> Option<(String, Span)> {
    if let Some(occurrence) = analysis.occurrence_at(offset) {
        return Some((describe(analysis, &occurrence.name), occurrence.span));
    }
    if let Some(occurrence) = analysis.occurrences.iter().find(|o| {
        o.attribute
            .as_ref()
            .is_some_and(|(_, span)| span.start <= offset && offset <= span.end)
    }) {
        let (attribute, span) = occurrence.attribute.clone()?;
        let (kind, _) = analysis.definition(&occurrence.name)?;
        let mut text = format!("`{}.{attribute}`", occurrence.name);
        if let NameKind::Block(kind) = kind {
            let spec = kind.spec();
            if spec.references.contains(&attribute.as_str()) {
                text.push_str(&format!(
                    ": the {attribute} of {} `{}`{}",
                    spec.keyword,
                    occurrence.name,
                    if spec.is_global_reference(&attribute) {
                        ", the same in every region"
                    } else {
                        ", one per region it is in"
                    }
                ));
            } else if let Some(metric) = spec.metrics.iter().find(|m| m.name == attribute) {
                text.push_str(&format!(
                    ": CloudWatch `{}` `{}` ({}, {:?})",
                    metric.namespace, metric.metric_name, metric.statistic, metric.unit
                ));
            }
        }
        return Some((text, span));
    }
    let block = analysis.block_at(offset)?;
    if block.kind_span.start <= offset && offset <= block.kind_span.end {
        let spec = block.kind.spec();
        return Some((format!("**{}**: {}", spec.keyword, spec.about), block.kind_span));
    }
    let (path, name) = attribute_at(block, offset)?;
    let spec = block.kind.spec();
    let specs: &[AttributeSpec] = match path.first().map(String::as_str) {
        None => spec.attributes,
        Some("replicate") => spec.replicate,
        Some("route") => spec.route,
        Some(parent) => spec.nested(parent),
    };
    let attribute = specs.iter().find(|a| a.name == name.name)?;
    Some((attribute_text(attribute), name.span))
}

fn attribute_text(attribute: &AttributeSpec) -> String {
    let mut text = format!(
        "**{}**: {}\n\nTakes {}.",
        attribute.name, attribute.about, attribute.takes
    );
    match (attribute.required, attribute.default) {
        (true, _) => text.push_str(" Required."),
        (false, Some(default)) => text.push_str(&format!(" Default: `{default}`.")),
        (false, None) => {}
    }
    if !attribute.nested.is_empty() {
        let names: Vec<&str> = attribute.nested.iter().map(|a| a.name).collect();
        text.push_str(&format!(" Inside: {}.", names.join(", ")));
    }
    text
}

/// A name: what it is, its objectives, and what it becomes in AWS.
fn describe(analysis: &Analysis, name: &str) -> String {
    let Some((kind, _)) = analysis.definition(name) else {
        return format!("`{name}`");
    };
    let mut text = match kind {
        NameKind::Variable => return format!("`let {name}`: a variable"),
        NameKind::Output => return format!("`output {name}`: shown by `drx output` after an apply"),
        NameKind::Block(kind) => format!("**{}** `{name}`: {}", kind.spec().keyword, kind.spec().about),
    };
    if let Some(recovery) = &analysis.recovery {
        for path in recovery.paths.iter().filter(|p| p.failover == name) {
            text.push_str(&format!(
                "\n\n**RTO** {} → {}: worst case **{}** ({})\n\n| term | s | how |\n|---|---|---|\n",
                path.from,
                path.to,
                human(path.worst_case),
                path.verdict
            ));
            for term in &path.terms {
                text.push_str(&format!(
                    "| {} | {} | {} |\n",
                    term.name, term.seconds, term.formula
                ));
            }
        }
        for store in recovery.stores.iter().filter(|s| s.store == name) {
            let bound = match store.bound {
                RpoBound::Bounded { seconds, percentile } => format!(
                    "{}{}",
                    human(seconds),
                    percentile
                        .map(|p| format!(" for {p} of writes"))
                        .unwrap_or_default()
                ),
                RpoBound::Typical { seconds } => format!("≈{}, no published bound", human(seconds)),
                RpoBound::Unbounded => "unbounded".into(),
            };
            text.push_str(&format!(
                "\n\n**RPO**: {bound} — {} ({})",
                store.mechanism, store.verdict
            ));
        }
    }
    if matches!(kind, NameKind::Block(BlockKind::Resource(_)))
        && let Some(desired) = analysis.lowered()
    {
        let resources: Vec<String> = desired
            .resources
            .iter()
            .filter(|r| r.block == name)
            .map(|r| {
                let json = r.attributes.to_json();
                let physical = json
                    .get("name")
                    .and_then(|n| n.as_str())
                    .map(|n| format!(" `{n}`"))
                    .unwrap_or_default();
                format!("- {}{physical} ({})", r.address, r.resource_type().name())
            })
            .collect();
        if !resources.is_empty() {
            text.push_str(&format!(
                "\n\n**In AWS** ({}):\n{}",
                resources.len(),
                resources.join("\n")
            ));
        }
    }
    text
}
