//! `api name { stage … route METHOD /path -> function … in … }`

use super::super::Checker;
use super::super::check_error::CheckErrorKind;
use super::super::naming::NameRule;
use super::super::service_name;
use super::super::statements::Statements;
use super::super::topology::{Api, Region, ResourceKind, Route, RouteAuth};
use super::super::vocabulary;
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, AttrValue};

/// Throttling when the file sets none: a tenth of the account's regional
/// quota, so one stage cannot starve the account's other APIs.
const DEFAULT_RATE: f64 = 1000.0;
const DEFAULT_BURST: u64 = 2000;
const MAX_RATE: f64 = 10_000.0;
const MAX_BURST: u64 = 5_000;

impl<'a> Checker<'a> {
    pub(in super::super) fn check_api(&mut self, block: &'a ast::Block) -> Option<Api> {
        let mut statements = Statements::new(self, "api", ResourceKind::Api.spec().attributes, &block.body);
        let regions = self.regions_of(&block.name.name);
        let service = service_name(&block.name.name);

        let stage = statements.value(self, "stage").and_then(|value| {
            let stage = self.word(value)?;
            // API Gateway stage names: alphanumerics, `-` and `_`, up to 128.
            let valid = !stage.is_empty()
                && stage.len() <= 128
                && stage
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid {
                self.error(value.span, CheckErrorKind::StageName { stage });
                return None;
            }
            Some(stage)
        });
        let stage = statements.require(self, stage, "stage", &block.name, "stage prod");
        let auth = match statements.value(self, "auth") {
            Some(value) => self.route_auth(value),
            None => Some(RouteAuth::Iam),
        };
        let tracing = match statements.value(self, "tracing") {
            Some(value) => self.boolean(value),
            None => Some(true),
        };
        let access_logs = match statements.take("logs") {
            None => Some(Some(None)),
            Some((_, AttrValue::Body(body))) => self.log_settings(body, ResourceKind::Api).map(Some),
            Some((_, AttrValue::Value(value))) => match self.boolean(value) {
                Some(false) => Some(None),
                Some(true) => Some(Some(None)),
                None => None,
            },
        };
        let throttle = match statements.body(self, "throttle") {
            Some(body) => self.throttle(body),
            None => Some((DEFAULT_RATE, DEFAULT_BURST)),
        };

        let mut routes: Vec<(Route, Span)> = Vec::new();
        let mut ok = true;
        for (route, span) in statements.routes.clone() {
            match self.route(route, &regions, auth.unwrap_or(RouteAuth::Iam), span) {
                Some(checked) => {
                    if let Some((_, first)) = routes.iter().find(|(existing, _)| {
                        existing.method == checked.method && existing.path == checked.path
                    }) {
                        self.error(
                            span,
                            CheckErrorKind::DuplicateRoute {
                                method: checked.method.clone(),
                                path: checked.path.clone(),
                                first: *first,
                            },
                        );
                        ok = false;
                    } else {
                        routes.push((checked, span));
                    }
                }
                None => ok = false,
            }
        }
        statements.finish_resource(self, ResourceKind::Api);

        let region_refs: Vec<Option<&Region>> = regions.iter().map(Some).collect();
        self.check_resource_name(NameRule::Api, &service, &region_refs, block.name.span);

        ok.then_some(())?;
        auth?;
        Some(Api {
            name: block.name.name.clone(),
            service,
            stage: stage?,
            routes: routes.into_iter().map(|(route, _)| route).collect(),
            tracing: tracing?,
            access_logs: access_logs?,
            throttle: throttle?,
            regions,
            span: block.span,
        })
    }

    /// `throttle { rate 1000  burst 2000 }`, within the account's default
    /// quota (API Gateway Developer Guide, "Amazon API Gateway quotas":
    /// 10,000 requests per second, a burst of 5,000, per region).
    fn throttle(&mut self, body: &'a ast::Body) -> Option<(f64, u64)> {
        let mut statements = Statements::new(
            self,
            "throttle block",
            ResourceKind::Api.spec().nested("throttle"),
            body,
        );
        let rate = match statements.value(self, "rate") {
            Some(value) => self.number(value).and_then(|rate| {
                if rate > 0.0 && rate <= MAX_RATE {
                    Some(rate)
                } else {
                    self.error(
                        value.span,
                        CheckErrorKind::OutOfRange {
                            what: "throttling rate".into(),
                            value: rate.to_string(),
                            range: format!(
                                "more than 0, up to {MAX_RATE} requests per second (the account's quota)"
                            ),
                        },
                    );
                    None
                }
            }),
            None => Some(DEFAULT_RATE),
        };
        let burst = match statements.value(self, "burst") {
            Some(value) => self.integer(value).and_then(|burst| {
                if (1..=MAX_BURST).contains(&burst.value) {
                    Some(burst.value)
                } else {
                    self.error(
                        value.span,
                        CheckErrorKind::OutOfRange {
                            what: "throttling burst".into(),
                            value: burst.value.to_string(),
                            range: format!("1 to {MAX_BURST} requests (the account's quota)"),
                        },
                    );
                    None
                }
            }),
            None => Some(DEFAULT_BURST),
        };
        statements.finish(self, &[]);
        Some((rate?, burst?))
    }

    fn route_auth(&mut self, value: &ast::Value) -> Option<RouteAuth> {
        self.symbol(value, "route authorization", &["iam", "none"])
            .map(|word| {
                if word == "iam" {
                    RouteAuth::Iam
                } else {
                    RouteAuth::None
                }
            })
    }

    fn route(
        &mut self,
        route: &'a ast::Route,
        regions: &[Region],
        default: RouteAuth,
        span: Span,
    ) -> Option<Route> {
        let mut auth = Some(default);
        let mut auth_set = None;
        if let Some(options) = &route.options {
            let mut statements = Statements::new(self, "route", ResourceKind::Api.spec().route, options);
            if let Some(value) = statements.value(self, "auth") {
                auth = self.route_auth(value);
                auth_set = Some(value.span);
            }
            statements.finish(self, &[]);
        }
        let method = &route.method.name;
        let method_ok = vocabulary::HTTP_METHODS.contains(&method.as_str());
        if !method_ok {
            self.error(
                route.method.span,
                CheckErrorKind::InvalidHttpMethod {
                    method: method.clone(),
                    suggestion: did_you_mean(method, vocabulary::HTTP_METHODS.iter().copied())
                        .map(str::to_string),
                },
            );
        }
        let (function, _, function_regions) =
            self.resource_named(&route.target, &[ResourceKind::Function])?;
        for region in regions {
            self.require_in_region(
                &function,
                ResourceKind::Function,
                &function_regions,
                region,
                route.target.span,
            )?;
        }
        method_ok.then_some(())?;
        Some(Route {
            method: method.clone(),
            path: route.path.name.clone(),
            function,
            auth: auth?,
            auth_set,
            span,
        })
    }
}
