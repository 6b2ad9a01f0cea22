//! An API, in each of its regions: the REST API, a resource per path, a
//! method with its Lambda proxy integration and an invoke permission per
//! route, a deployment that changes whenever a route does, and the stage.

use sha2::{Digest, Sha256};

use super::{Lowering, account_arn, address};
use crate::check::topology::{Api, Region, RouteAuth};
use crate::model::resources::{
    AccessLog, ApiAccount, ApiDeployment, ApiResource, ApiRoute, ApiStage, Attributes, Authorization,
    EndpointType, IamRole, IamRolePolicy, IntegrationType, LambdaPermission, LogGroup, PolicyDocument,
    PolicyStatement, Principal, RestApi, Throttle,
};

use crate::model::template::{Part, Val};

/// One JSON line per request: who called (the SigV4 caller's ARN), what,
/// the answer and how long it took (API Gateway Developer Guide, "Variables
/// for access logging").
const ACCESS_LOG_FORMAT: &str = concat!(
    r#"{"requestId":"$context.requestId","requestTime":"$context.requestTime","#,
    r#""caller":"$context.identity.caller","userArn":"$context.identity.userArn","#,
    r#""sourceIp":"$context.identity.sourceIp","httpMethod":"$context.httpMethod","#,
    r#""path":"$context.path","resourcePath":"$context.resourcePath","#,
    r#""status":"$context.status","responseLength":"$context.responseLength","#,
    r#""latency":"$context.responseLatency","integrationLatency":"$context.integrationLatency"}"#
);

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
                authorization: match route.auth {
                    RouteAuth::Iam => Authorization::AwsIam,
                    RouteAuth::None => Authorization::None,
                },
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
            // A method's authorization, like its integration, takes effect
            // only in a new deployment.
            let auth = match route.auth {
                RouteAuth::Iam => " (iam)",
                RouteAuth::None => "",
            };
            trigger.update(format!("{key} -> {function_name}{auth}\n").as_bytes());
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

        let mut stage_after = Vec::new();
        let access_log = match api.access_logs {
            None => None,
            Some(retention_days) => {
                let name = format!(
                    "/aws/apigateway/{}/{}",
                    self.service_name(&api.name, Some(region)),
                    api.stage
                );
                let log_address = address(&api.name, "access_log", None, Some(region));
                let attributes = Attributes::LogGroup(LogGroup {
                    name: name.clone(),
                    retention_days,
                    tags: self.tags(&api.name),
                });
                self.add(
                    &api.name,
                    api.span,
                    log_address.clone(),
                    Some(region),
                    attributes,
                    Vec::new(),
                );
                // A stage logs only once the region's account settings name
                // a CloudWatch role.
                stage_after.push(log_address);
                stage_after.push(address(&self.api_account_owner(), "account", None, Some(region)));
                Some(AccessLog {
                    destination: account_arn("logs", region, format!(":log-group:{name}")),
                    format: ACCESS_LOG_FORMAT.to_string(),
                })
            }
        };
        let attributes = Attributes::ApiStage(ApiStage {
            rest_api: api_id(),
            stage_name: api.stage.clone(),
            deployment: Val::output(&deployment_address, "id"),
            tracing: api.tracing,
            access_log,
            throttle: Some(Throttle {
                rate: api.throttle.0,
                burst: api.throttle.1,
            }),
            tags: self.tags(&api.name),
        });
        self.add(
            &api.name,
            api.span,
            address(&api.name, "stage", None, Some(region)),
            Some(region),
            attributes,
            stage_after,
        );
    }

    /// The api whose block holds the account-wide logging resources: the
    /// first that logs.
    fn api_account_owner(&self) -> String {
        self.topology
            .apis
            .iter()
            .find(|api| api.access_logs.is_some())
            .map(|api| api.name.clone())
            .unwrap_or_default()
    }

    /// API Gateway writes access logs with one role per account and region,
    /// set in its account settings: drx makes the role (allowed to write
    /// logs in this account in the regions its APIs log in, nothing else)
    /// and sets it in each of those regions.
    pub(super) fn api_logging(&mut self) {
        let owner = self.api_account_owner();
        let Some(api) = self.topology.apis.iter().find(|api| api.name == owner) else {
            return;
        };
        let span = api.span;
        let mut regions: Vec<&Region> = Vec::new();
        for api in self.topology.apis.iter().filter(|api| api.access_logs.is_some()) {
            for region in &api.regions {
                if !regions.contains(&region) {
                    regions.push(region);
                }
            }
        }
        let role_name = self.name("apigateway-cloudwatch", None);
        let role_address = address(&owner, "cloudwatch_role", None, None);
        let role = Attributes::IamRole(IamRole {
            name: role_name.clone(),
            assume_role_policy: PolicyDocument {
                statements: vec![PolicyStatement {
                    sid: "ApiGatewayAssumesRole".into(),
                    actions: vec!["sts:AssumeRole".into()],
                    resources: Vec::new(),
                    principal: Some(Principal::Service("apigateway.amazonaws.com".into())),
                    condition: None,
                }],
            },
            description: "API Gateway writes CloudWatch Logs with this role (account settings)".into(),
            tags: self.tags(&owner),
        });
        self.add(&owner, span, role_address.clone(), None, role, Vec::new());
        // The account setting serves every API in the region, drx's or not,
        // so the role may write any log group of the account there: the
        // actions of AWS's AmazonAPIGatewayPushToCloudWatchLogs, scoped to
        // this account and these regions instead of `*`.
        let policy_address = address(&owner, "cloudwatch_role_policy", None, None);
        let policy = Attributes::IamRolePolicy(IamRolePolicy {
            role: Val::known(role_name.clone()),
            name: "push-to-cloudwatch-logs".into(),
            document: PolicyDocument {
                statements: vec![PolicyStatement {
                    sid: "WriteLogs".into(),
                    actions: [
                        "logs:CreateLogGroup",
                        "logs:CreateLogStream",
                        "logs:DescribeLogGroups",
                        "logs:DescribeLogStreams",
                        "logs:PutLogEvents",
                        "logs:GetLogEvents",
                        "logs:FilterLogEvents",
                    ]
                    .map(String::from)
                    .to_vec(),
                    resources: regions
                        .iter()
                        .map(|region| account_arn("logs", region, ":log-group:*"))
                        .collect(),
                    principal: None,
                    condition: None,
                }],
            },
        });
        self.add(
            &owner,
            span,
            policy_address.clone(),
            None,
            policy,
            vec![role_address.clone()],
        );
        self.replaced_with(vec![role_address.clone()]);
        let role_arn = self.role_arn(&role_name);
        for region in regions.into_iter().cloned().collect::<Vec<_>>() {
            let attributes = Attributes::ApiAccount(ApiAccount {
                cloudwatch_role: role_arn.clone(),
            });
            self.add(
                &owner,
                span,
                address(&owner, "account", None, Some(&region)),
                Some(&region),
                attributes,
                vec![role_address.clone(), policy_address.clone()],
            );
        }
    }
}
