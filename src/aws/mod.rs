//! Everything that talks to AWS: one file per service, each creating,
//! updating, deleting and looking up the resource types of the catalog
//! (`model::resources`), and `Aws`, the `model::Provider` they make up. This
//! is the only module that uses the `aws_sdk_*` crates.

mod apigateway;
mod aws_error;
mod cloudwatch;
mod dynamodb;
mod iam;
mod kms;
mod lambda;
mod logs;
mod observer;
mod operator;
mod poll;
mod provider;
mod route53;
mod s3;
mod s3_backend;
mod sns;

use crate::model::ProviderError;
use aws_error::{sdk_error, unless_absent};
pub use s3_backend::{S3Backend, S3Lock};

use std::collections::HashMap;
use std::sync::Mutex;

/// SDK configuration per region, from the standard chain (environment,
/// profiles, SSO, `AWS_ENDPOINT_URL`).
#[derive(Debug)]
pub struct Aws {
    /// Loaded once: every region shares its credentials and HTTP client
    /// (connection pool, TLS roots), which are costly to set up.
    base: tokio::sync::OnceCell<aws_config::SdkConfig>,
    configs: Mutex<HashMap<String, aws_config::SdkConfig>>,
    /// Who the credentials belong to, asked of STS once: the account (for
    /// ARNs, a topic's, a log bucket's policy) and the caller's ARN (for
    /// records of who acted) do not change while drx runs.
    identity: tokio::sync::OnceCell<aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput>,
    /// S3 behind a custom endpoint (`AWS_ENDPOINT_URL`) is addressed by path,
    /// since `bucket.host` names do not resolve there.
    path_style: bool,
}

impl Aws {
    pub fn new() -> Aws {
        let path_style = std::env::var_os("AWS_ENDPOINT_URL").is_some()
            || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some();
        Aws {
            base: tokio::sync::OnceCell::new(),
            configs: Mutex::new(HashMap::new()),
            identity: tokio::sync::OnceCell::new(),
            path_style,
        }
    }

    async fn config(&self, region: &str) -> aws_config::SdkConfig {
        if let Some(config) = self.configs.lock().unwrap_or_else(|p| p.into_inner()).get(region) {
            return config.clone();
        }
        let base = self
            .base
            .get_or_init(|| {
                aws_config::defaults(aws_config::BehaviorVersion::latest())
                    .region(aws_config::Region::new(GLOBAL_REGION))
                    .load()
            })
            .await;
        let config = base
            .to_builder()
            .region(aws_config::Region::new(region.to_string()))
            .build();
        self.configs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(region.to_string(), config.clone());
        config
    }

    /// The region the configuration names (`AWS_REGION`, `AWS_DEFAULT_REGION`,
    /// the profile's), if any: where state in S3 is looked for first. Not
    /// EC2's instance metadata, which off EC2 costs a timeout to learn
    /// there is none.
    async fn home_region(&self) -> Option<String> {
        if let Some(region) = self.base.get().and_then(|base| base.region()) {
            return Some(region.to_string());
        }
        let chain = aws_config::meta::region::RegionProviderChain::first_try(
            aws_config::environment::region::EnvironmentVariableRegionProvider::new(),
        )
        .or_else(aws_config::profile::ProfileFileRegionProvider::new());
        chain.region().await.map(|region| region.to_string())
    }

    /// Who the credentials belong to (`GetCallerIdentity`, once; a failed
    /// answer is asked again).
    async fn caller_identity(
        &self,
    ) -> Result<aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput, ProviderError> {
        self.identity
            .get_or_try_init(|| async {
                let sts = aws_sdk_sts::Client::new(&self.config(GLOBAL_REGION).await);
                sts.get_caller_identity().send().await.map_err(sdk_error)
            })
            .await
            .cloned()
    }

    /// The account the credentials belong to.
    async fn caller_account(&self) -> Result<String, ProviderError> {
        self.caller_identity()
            .await?
            .account
            .ok_or_else(|| ProviderError::other("STS returned no account id"))
    }
}

impl Aws {
    /// AWS as `base` configures it (credentials, endpoint, HTTP client), for
    /// callers that have their own configuration rather than the standard
    /// chain: an embedding program, or a test with its own credentials.
    pub fn with_config(base: aws_config::SdkConfig) -> Aws {
        let path_style = base.endpoint_url().is_some();
        let cell = tokio::sync::OnceCell::new();
        let _ = cell.set(base);
        Aws {
            base: cell,
            configs: Mutex::new(HashMap::new()),
            identity: tokio::sync::OnceCell::new(),
            path_style,
        }
    }
}

impl Default for Aws {
    fn default() -> Self {
        Aws::new()
    }
}

/// IAM and Route 53 are global; their API lives in us-east-1.
const GLOBAL_REGION: &str = "us-east-1";
