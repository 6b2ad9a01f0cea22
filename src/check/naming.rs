//! Physical names: the topology's naming pattern, and the rules AWS imposes
//! on the names it produces (checked here with the suffix applied, because
//! that is when a 64-character bucket name stops being hypothetical).

use super::Checker;
use super::check_error::CheckErrorKind;
use super::topology::{Naming, Region};
use crate::source::Span;

/// Per-service limits on names (each service's API reference).
#[derive(Debug, Clone, Copy)]
pub(super) enum NameRule {
    /// DynamoDB: 3–255 of `[A-Za-z0-9_.-]`.
    Table,
    /// Lambda: 1–64 of `[A-Za-z0-9_-]`.
    Function,
    /// API Gateway REST API names: up to 1024 characters; no charset limit.
    Api,
    /// SNS: 1–256 of `[A-Za-z0-9_-]`.
    Topic,
    /// CloudWatch alarms: 1–255 characters.
    Alarm,
    /// IAM roles: 1–64 of `[A-Za-z0-9+=,.@_-]`.
    Role,
}

impl NameRule {
    fn service(self) -> &'static str {
        match self {
            NameRule::Table => "DynamoDB table",
            NameRule::Function => "Lambda function",
            NameRule::Api => "API Gateway",
            NameRule::Topic => "SNS topic",
            NameRule::Alarm => "CloudWatch alarm",
            NameRule::Role => "IAM role",
        }
    }

    fn problem(self, name: &str) -> Option<String> {
        let length = name.chars().count();
        let (min, max, extra): (usize, usize, &str) = match self {
            NameRule::Table => (3, 255, "_.-"),
            NameRule::Function => (1, 64, "_-"),
            NameRule::Api => (1, 1024, ""),
            NameRule::Topic => (1, 256, "_-"),
            NameRule::Alarm => (1, 255, ""),
            NameRule::Role => (1, 64, "+=,.@_-"),
        };
        if length < min || length > max {
            return Some(format!(
                "it is {length} characters long; the limit is {min} to {max}"
            ));
        }
        if matches!(self, NameRule::Api | NameRule::Alarm) {
            return None;
        }
        name.chars()
            .find(|c| !(c.is_ascii_alphanumeric() || extra.contains(*c)))
            .map(|c| format!("`{c}` is not allowed"))
    }
}

impl Checker<'_> {
    /// Checks the naming pattern itself: placeholders must be known, and
    /// `{service}` and `{region}` must be there or names would collide.
    pub(super) fn check_naming_pattern(&mut self, pattern: &str, span: Span) -> bool {
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                self.error(
                    span,
                    CheckErrorKind::NamingPattern {
                        problem: "has a `{` without a closing `}`".into(),
                    },
                );
                return false;
            };
            let placeholder = &after[..close];
            if placeholder != "service" && placeholder != "region" {
                self.error(
                    span,
                    CheckErrorKind::NamingPattern {
                        problem: format!("has an unknown placeholder `{{{placeholder}}}`"),
                    },
                );
                return false;
            }
            rest = &after[close + 1..];
        }
        for required in ["{service}", "{region}"] {
            if !pattern.contains(required) {
                self.error(
                    span,
                    CheckErrorKind::NamingPattern {
                        problem: format!("must contain `{required}`, or names would collide"),
                    },
                );
                return false;
            }
        }
        true
    }

    /// Checks the names `service` gets in each region (or its one global name).
    pub(super) fn check_resource_name(
        &mut self,
        rule: NameRule,
        service: &str,
        regions: &[Option<&Region>],
        span: Span,
    ) {
        let Some(naming) = self.naming.clone() else { return };
        for region in regions {
            let name = naming.name(service, *region);
            if let Some(problem) = rule.problem(&name) {
                self.error(
                    span,
                    CheckErrorKind::ResourceName {
                        name,
                        service: rule.service().into(),
                        problem,
                        naming: naming.span,
                    },
                );
                return;
            }
        }
    }

    /// S3 bucket naming rules (S3 User Guide, "General purpose bucket naming rules").
    pub(super) fn check_bucket_names(&mut self, service: &str, regions: &[Region], span: Span) {
        let Some(naming) = self.naming.clone() else { return };
        for region in regions {
            let name = naming.name(service, Some(region));
            if let Some(problem) = bucket_name_problem(&name) {
                self.error(
                    span,
                    CheckErrorKind::BucketName {
                        name,
                        problem,
                        naming: naming.span,
                    },
                );
                return;
            }
        }
    }
}

pub(super) fn bucket_name_problem(name: &str) -> Option<String> {
    let length = name.len();
    if !(3..=63).contains(&length) {
        return Some(format!("it is {length} characters long; the limit is 3 to 63"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.'))
    {
        return Some(format!(
            "`{c}` is not allowed; only lower-case letters, digits, `-` and `.`"
        ));
    }
    let first = name.chars().next().unwrap_or('-');
    let last = name.chars().last().unwrap_or('-');
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Some("it must begin and end with a letter or digit".into());
    }
    if name.contains("..") {
        return Some("it must not contain `..`".into());
    }
    if name.split('.').count() == 4 && name.split('.').all(|part| part.parse::<u8>().is_ok()) {
        return Some("it must not look like an IP address".into());
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return Some(format!("the prefix `{prefix}` is reserved"));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if name.ends_with(suffix) {
            return Some(format!("the suffix `{suffix}` is reserved"));
        }
    }
    None
}

impl Naming {
    pub(super) fn with_span(pattern: String, span: Span) -> Naming {
        Naming { pattern, span }
    }
}

#[cfg(test)]
mod tests {
    use super::bucket_name_problem;

    #[test]
    fn bucket_rules() {
        assert_eq!(bucket_name_problem("payment-docs-us-east-1-dev"), None);
        assert!(bucket_name_problem("ab").is_some());
        assert!(bucket_name_problem(&"a".repeat(64)).is_some());
        assert!(bucket_name_problem("Payment").is_some());
        assert!(bucket_name_problem("a..b").is_some());
        assert!(bucket_name_problem("192.168.1.1").is_some());
        assert!(bucket_name_problem("xn--abc").is_some());
        assert!(bucket_name_problem("-abc").is_some());
    }
}
