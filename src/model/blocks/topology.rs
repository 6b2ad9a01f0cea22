//! The `topology` block.

use super::{BlockSpec, DURATION, Global, attribute, block, required};

pub(super) static SPEC: BlockSpec = BlockSpec {
    keyword: "topology",
    counted_as: "topology",
    about: "The regions, naming, tags and recovery objectives of the stack; exactly one per file.",
    attributes: &[
        required("primary", "a region code", "The region that serves traffic."),
        required(
            "secondary",
            "a region code or a list of them",
            "The standby regions.",
        ),
        attribute(
            "naming",
            "a string with `{service}` and `{region}`",
            Some("\"{service}-{region}\""),
            "How physical names are made; `{service}` is the block's name with `_` as `-`.",
        ),
        attribute(
            "tags",
            "a map `{ key: \"value\" }`",
            None,
            "Tags applied to every resource.",
        ),
        attribute(
            "state",
            "a path, or `\"s3://BUCKET/KEY\"`",
            Some("\".drx/<stack>.state.json\""),
            "Where the stack's state is kept; `--state` overrides it.",
        ),
        block(
            "objectives",
            "The recovery objectives every failover and store is proved against.",
            &[
                attribute("rto", DURATION, None, "Recovery time objective."),
                attribute("rpo", DURATION, None, "Recovery point objective."),
            ],
        ),
        block(
            "assumptions",
            "What AWS publishes no bound for, assumed by the RTO model.",
            &[
                attribute(
                    "route53_answer_change",
                    DURATION,
                    Some("0s"),
                    "How soon Route 53's answer follows the health check.",
                ),
                attribute(
                    "client_dns_cache",
                    DURATION,
                    Some("0s"),
                    "How long clients cache answers past their TTL.",
                ),
                attribute(
                    "standby_warm_up",
                    DURATION,
                    Some("0s"),
                    "Time before the standby serves at full capacity.",
                ),
            ],
        ),
    ],
    replicate: &[],
    route: &[],
    statements: &[],
    references: &[],
    global_references: Global::None,
    metrics: &[],
    actions: &[],
    lowers_to: &[],
};
