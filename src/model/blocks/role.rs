//! `role`: an IAM role others assume.

use super::super::resources::ResourceType;
use super::{BlockSpec, Global, StatementKind, attribute, required};

pub(super) static SPEC: BlockSpec = BlockSpec {
    keyword: "role",
    counted_as: "role",
    about: "An IAM role others assume, with least-privilege grants on drx resources.",
    attributes: &[
        required(
            "trust",
            "`account_root` or a 12-digit account id",
            "Who may assume the role.",
        ),
        attribute(
            "mfa",
            "`required` or `optional`",
            Some("required"),
            "Whether assuming the role needs multi-factor authentication (`aws:MultiFactorAuthPresent`): people assume this role.",
        ),
    ],
    replicate: &[],
    route: &[],
    statements: &[StatementKind::Allow],
    references: &["name", "arn"],
    global_references: Global::All,
    metrics: &[],
    actions: &[],
    lowers_to: &[ResourceType::IamRole, ResourceType::IamRolePolicy],
};
