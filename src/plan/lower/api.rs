//! An API, in each of its regions: the REST API, a resource per path, a
//! method with its Lambda proxy integration and an invoke permission per
//! route, a deployment that changes whenever a route does, and the stage.

use sha2::{Digest, Sha256};

use super::{Lowering, address};
use crate::check::topology::{Api, Region};
use crate::model::resources::{
    ApiDeployment, ApiResource, ApiRoute, ApiStage, Attributes, Authorization, EndpointType, IntegrationType,
    LambdaPermission, RestApi,
};
use crate::model::template::{Part, Val};

impl Lowering<'_> {
    pub(super) fn api(&mut self, api: &Api) {
        for region in &api.regions {
            self.api_in(api, region);
        }
    }

    fn api_in(&mut self, api: &Api, region: &Region) {
        let rest_api_address = address(&api.name, "rest_api", None, Some(region));
        let attributes = Attributes::RestApi(RestApi {
            name: self.service_name(&api.name, Some(region)),
            endpoint_type: EndpointType::Regional,
            tags: self.tags(&api.name),
        });
        self.add(
            &api.name,
            api.span,
            rest_api_address.clone(),
            Some(region),
            attributes,
            Vec::new(),
        );
        let api_id = || Val::output(&rest_api_address, "id");

        // One resource per distinct path prefix, each under its parent.
        let mut paths: Vec<String> = Vec::new();
        for route in &api.routes {
            let mut prefix = String::new();
            for segment in route.path.split('/').filter(|segment| !segment.is_empty()) {
                prefix.push('/');
                prefix.push_str(segment);
                if !paths.contains(&prefix) {
                    paths.push(prefix.clone());
                }
            }
        }
        let resource_id = |path: &str| -> Val {
            if path == "/" || path.is_empty() {
                Val::output(&rest_api_address, "root_resource_id")
            } else {
                Val::output(&address(&api.name, "resource", Some(path), Some(region)), "id")
            }
        };
        for path in &paths {
            let (parent, part) = path.rsplit_once('/').unwrap_or(("", path));
            let attributes = Attributes::ApiResource(ApiResource {
                rest_api: api_id(),
                parent: resource_id(parent),
                path_part: part.to_string(),
                path: path.clone(),
            });
            self.add(
                &api.name,
                api.span,
                address(&api.name, "resource", Some(path), Some(region)),
                Some(region),
                attributes,
                Vec::new(),
            );
        }

        let mut route_addresses = Vec::new();
        let mut trigger = Sha256::new();
        for route in &api.routes {
            let key = format!("{} {}", route.method, route.path);
            let function_name = self.service_name(&route.function, Some(region));
            let function_arn = Val::concat([
                Part::Text(format!("arn:aws:lambda:{region}:")),
                Part::AccountId,
                Part::Text(format!(":function:{function_name}")),
            ]);
            let uri = Val::concat(
                std::iter::once(Part::Text(format!(
                    "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/"
                )))
                .chain(function_arn.parts())
                .chain([Part::Text("/invocations".into())]),
            );
            let route_address = address(&api.name, "route", Some(&key), Some(region));
            let function_address = address(&route.function, "function", None, Some(region));
            let attributes = Attributes::ApiRoute(ApiRoute {
                rest_api: api_id(),
                resource: resource_id(&route.path),
                http_method: route.method.clone(),
                authorization: Authorization::None,
                integration_type: IntegrationType::AwsProxy,
                integration_http_method: "POST".into(),
                integration_uri: uri,
            });
            self.add(
                &api.name,
                api.span,
                route_address.clone(),
                Some(region),
                attributes,
                vec![function_address.clone()],
            );
            trigger.update(format!("{key} -> {function_name}\n").as_bytes());
            route_addresses.push(route_address);

            // Source ARN: `<api>/<stage>/<METHOD>/<path>`, any stage, with
            // path parameters as wildcards.
            let method = if route.method == "ANY" {
                "*"
            } else {
                route.method.as_str()
            };
            let path: Vec<&str> = route
                .path
                .split('/')
                .filter(|segment| !segment.is_empty())
                .map(|segment| if segment.starts_with('{') { "*" } else { segment })
                .collect();
            let source_arn = Val::concat([
                Part::Text(format!("arn:aws:execute-api:{region}:")),
                Part::AccountId,
                Part::Text(":".into()),
                Part::Ref(rest_api_address.clone(), "id".into()),
                Part::Text(format!("/*/{method}/{}", path.join("/"))),
            ]);
            let statement_id = format!(
                "drx-{}-{}-{}",
                api.name,
                route.method.to_ascii_lowercase(),
                path.iter()
                    .map(|s| if *s == "*" { "param" } else { s })
                    .collect::<Vec<_>>()
                    .join("-")
            );
            let attributes = Attributes::LambdaPermission(LambdaPermission {
                function: function_name,
                statement_id,
                action: "lambda:InvokeFunction".into(),
                principal: "apigateway.amazonaws.com".into(),
                source_arn,
            });
            self.add(
                &api.name,
                api.span,
                address(&api.name, "permission", Some(&key), Some(region)),
                Some(region),
                attributes,
                vec![function_address.clone()],
            );
            // A permission lives in the function's policy: a new function
            // has none.
            self.replaced_with(vec![function_address]);
        }

        let trigger = hex::encode(trigger.finalize());
        let deployment_address = address(&api.name, "deployment", None, Some(region));
        let attributes = Attributes::ApiDeployment(ApiDeployment {
            rest_api: api_id(),
            description: format!("drx routes {}", &trigger[..12]),
            trigger,
        });
        // A deployment snapshots the methods that exist when it is made.
        self.add(
            &api.name,
            api.span,
            deployment_address.clone(),
            Some(region),
            attributes,
            route_addresses.clone(),
        );
        self.replaced_with(route_addresses);

        let attributes = Attributes::ApiStage(ApiStage {
            rest_api: api_id(),
            stage_name: api.stage.clone(),
            deployment: Val::output(&deployment_address, "id"),
            tags: self.tags(&api.name),
        });
        self.add(
            &api.name,
            api.span,
            address(&api.name, "stage", None, Some(region)),
            Some(region),
            attributes,
            Vec::new(),
        );
    }
}
