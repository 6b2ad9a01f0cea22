//! `api name { stage … route METHOD /path -> function … in … }`

use super::super::Checker;
use super::super::check_error::CheckErrorKind;
use super::super::naming::NameRule;
use super::super::service_name;
use super::super::statements::Statements;
use super::super::topology::{Api, Region, ResourceKind, Route};
use super::super::vocabulary;
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::syntax::ast;

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

        let mut routes: Vec<(Route, Span)> = Vec::new();
        let mut ok = true;
        for (route, span) in statements.routes.clone() {
            match self.route(route, &regions) {
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
        Some(Api {
            name: block.name.name.clone(),
            service,
            stage: stage?,
            routes: routes.into_iter().map(|(route, _)| route).collect(),
            regions,
            span: block.span,
        })
    }

    fn route(&mut self, route: &ast::Route, regions: &[Region]) -> Option<Route> {
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
        method_ok.then(|| Route {
            method: method.clone(),
            path: route.path.name.clone(),
            function,
        })
    }
}
