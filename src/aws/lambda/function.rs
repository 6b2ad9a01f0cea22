//! Lambda functions: created once their role is assumable, updated only when the last update has finished.

use std::time::Duration;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    Architecture, Environment, FunctionCode, LastUpdateStatus, Runtime, State, TracingConfig, TracingMode,
};

use crate::aws::poll::Poll;
use crate::aws::provider::text;
use crate::aws::provider::{Operations, named};
use crate::aws::{Aws, ProviderError, sdk_error};
use crate::model::Applied;
use crate::model::ResourceState;
use crate::model::resources::{self, LambdaFunction, Tags};
use crate::model::template::Val;

impl Aws {
    pub(super) async fn create_function(
        &self,
        region: &str,
        function: &LambdaFunction,
        zip: &[u8],
    ) -> Result<Applied, ProviderError> {
        let client = self.lambda(region).await;
        let mut request = client
            .create_function()
            .function_name(&function.name)
            .runtime(Runtime::from(function.runtime.as_str()))
            .handler(&function.handler)
            .role(text(&function.role))
            .memory_size(function.memory_size as i32)
            .timeout(function.timeout as i32)
            .architectures(Architecture::from(function.architecture.as_str()))
            .environment(environment(function))
            .tracing_config(tracing(function))
            .code(FunctionCode::builder().zip_file(Blob::new(zip.to_vec())).build());
        for (key, value) in &function.tags {
            request = request.tags(key, value);
        }
        let created = match request.send().await {
            Ok(created) => created,
            Err(error) => {
                let error = sdk_error(error);
                if error.code.as_deref() != Some("ResourceConflictException")
                    || error.message.contains("in progress")
                {
                    return Err(error);
                }
                // Created by an earlier attempt whose answer was lost.
                return self.update_function(region, function, None, zip).await;
            }
        };
        // The answer says whether the function is ready; poll only if not.
        // A new function has no reservation to remove.
        if function.reserved_concurrency.is_some() {
            self.reserve_concurrency(&client, function).await?;
        }
        let ready = !matches!(created.state(), Some(State::Pending))
            && !matches!(created.last_update_status(), Some(LastUpdateStatus::InProgress));
        if ready && let Some(arn) = created.function_arn() {
            return Ok(Applied::new(&function.name)
                .with("arn", arn)
                .with("version", created.version().unwrap_or_default())
                .with("code_sha256", created.code_sha256().unwrap_or_default()));
        }
        self.wait_function(&client, &function.name).await?;
        self.function_applied(&client, &function.name).await
    }

    async fn function_applied(
        &self,
        client: &aws_sdk_lambda::Client,
        name: &str,
    ) -> Result<Applied, ProviderError> {
        let found = client
            .get_function_configuration()
            .function_name(name)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(Applied::new(name)
            .with("arn", found.function_arn.unwrap_or_default())
            .with("version", found.version.unwrap_or_default())
            .with("code_sha256", found.code_sha256.unwrap_or_default()))
    }

    /// The function's live configuration. Its code is compared by hash with
    /// what drx uploaded last: code deployed by anyone else is drift.
    pub(super) async fn read_function(
        &self,
        region: &str,
        mut function: LambdaFunction,
        old: &ResourceState,
    ) -> Result<Option<LambdaFunction>, ProviderError> {
        let client = self.lambda(region).await;
        // The reservation is a call of its own: asked alongside.
        let (found, reserved) = tokio::join!(
            client
                .get_function_configuration()
                .function_name(&function.name)
                .send(),
            client
                .get_function_concurrency()
                .function_name(&function.name)
                .send(),
        );
        let found = found.map_err(sdk_error)?;
        if let Some(runtime) = found.runtime() {
            function.runtime = runtime.as_str().to_string();
        }
        if let Some(handler) = found.handler() {
            function.handler = handler.to_string();
        }
        if let Some(architecture) = found.architectures().first() {
            function.architecture = resources::Architecture::from_aws(architecture.as_str());
        }
        if let Some(memory) = found.memory_size() {
            function.memory_size = memory as u64;
        }
        if let Some(timeout) = found.timeout() {
            function.timeout = timeout as u64;
        }
        if let Some(role) = found.role() {
            function.role = Val::known(role);
        }
        function.tracing = found
            .tracing_config()
            .and_then(|config| config.mode())
            .map_or(resources::TracingMode::PassThrough, |mode| {
                resources::TracingMode::from_aws(mode.as_str())
            });
        function.reserved_concurrency = reserved
            .map_err(sdk_error)?
            .reserved_concurrent_executions()
            .map(|reserved| reserved as u64);
        function.environment = found
            .environment()
            .and_then(|environment| environment.variables())
            .map(|variables| {
                variables
                    .iter()
                    .map(|(key, value)| (key.clone(), Val::known(value)))
                    .collect()
            })
            .unwrap_or_default();
        let uploaded = old.outputs.get("code_sha256").filter(|hash| !hash.is_empty());
        if let (Some(uploaded), Some(live)) = (uploaded, found.code_sha256())
            && uploaded != live
        {
            function.code.source_sha256 = format!("(code deployed outside drx: CodeSha256 {live})");
        }
        Ok(Some(function))
    }

    /// Lambda takes one change at a time: wait until the function is Active
    /// and its last update has finished.
    async fn wait_function(&self, client: &aws_sdk_lambda::Client, name: &str) -> Result<(), ProviderError> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(300);
        let mut poll = Poll::new();
        loop {
            let found = client
                .get_function_configuration()
                .function_name(name)
                .send()
                .await
                .map_err(sdk_error)?;
            let active = !matches!(found.state(), Some(State::Pending));
            let settled = !matches!(found.last_update_status(), Some(LastUpdateStatus::InProgress));
            if let Some(State::Failed) = found.state() {
                return Err(ProviderError::other(format!(
                    "function {name} failed: {}",
                    found.state_reason().unwrap_or("no reason given")
                )));
            }
            if active && settled {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(ProviderError::other(format!("function {name} did not settle")));
            }
            poll.wait().await;
        }
    }

    /// Updates configuration, then code if it changed since `before` (or,
    /// with no `before`, always: the function's code is unknown).
    pub(super) async fn update_function(
        &self,
        region: &str,
        function: &LambdaFunction,
        before: Option<&LambdaFunction>,
        zip: &[u8],
    ) -> Result<Applied, ProviderError> {
        let client = self.lambda(region).await;
        self.wait_function(&client, &function.name).await?;
        client
            .update_function_configuration()
            .function_name(&function.name)
            .runtime(Runtime::from(function.runtime.as_str()))
            .handler(&function.handler)
            .role(text(&function.role))
            .memory_size(function.memory_size as i32)
            .timeout(function.timeout as i32)
            .environment(environment(function))
            .tracing_config(tracing(function))
            .send()
            .await
            .map_err(sdk_error)?;
        self.reserve_concurrency(&client, function).await?;
        self.wait_function(&client, &function.name).await?;
        let code_changed = before.is_none_or(|before| {
            function.code != before.code || function.architecture != before.architecture
        });
        if code_changed {
            client
                .update_function_code()
                .function_name(&function.name)
                .zip_file(Blob::new(zip.to_vec()))
                .architectures(Architecture::from(function.architecture.as_str()))
                .send()
                .await
                .map_err(sdk_error)?;
            self.wait_function(&client, &function.name).await?;
        }
        self.function_applied(&client, &function.name).await
    }

    /// `PutFunctionConcurrency`, or `DeleteFunctionConcurrency` for none.
    /// Either is immediate and independent of the function's update state.
    async fn reserve_concurrency(
        &self,
        client: &aws_sdk_lambda::Client,
        function: &LambdaFunction,
    ) -> Result<(), ProviderError> {
        match function.reserved_concurrency {
            Some(reserved) => {
                client
                    .put_function_concurrency()
                    .function_name(&function.name)
                    .reserved_concurrent_executions(reserved as i32)
                    .send()
                    .await
                    .map_err(sdk_error)?;
            }
            None => {
                client
                    .delete_function_concurrency()
                    .function_name(&function.name)
                    .send()
                    .await
                    .map_err(sdk_error)?;
            }
        }
        Ok(())
    }

    pub(super) async fn delete_function(&self, region: &str, name: &str) -> Result<(), ProviderError> {
        self.lambda(region)
            .await
            .delete_function()
            .function_name(name)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// Sets the function's tags and removes the `removed` keys.
    pub(super) async fn retag_function(
        &self,
        region: &str,
        arn: &str,
        tags: &Tags,
        removed: &[String],
    ) -> Result<(), ProviderError> {
        let client = self.lambda(region).await;
        if !removed.is_empty() {
            client
                .untag_resource()
                .resource(arn)
                .set_tag_keys(Some(removed.to_vec()))
                .send()
                .await
                .map_err(sdk_error)?;
        }
        if !tags.is_empty() {
            client
                .tag_resource()
                .resource(arn)
                .set_tags(Some(tags.clone().into_iter().collect()))
                .send()
                .await
                .map_err(sdk_error)?;
        }
        Ok(())
    }
}

fn tracing(function: &LambdaFunction) -> TracingConfig {
    TracingConfig::builder()
        .mode(TracingMode::from(function.tracing.as_str()))
        .build()
}

fn environment(function: &LambdaFunction) -> Environment {
    let mut environment = Environment::builder();
    for (key, value) in &function.environment {
        environment = environment.variables(key, text(value));
    }
    environment.build()
}

impl Operations<LambdaFunction> for Aws {
    const NOT_FOUND: &'static [&'static str] = &["ResourceNotFoundException"];

    async fn find(
        &self,
        region: &str,
        desired: &LambdaFunction,
        _token: Option<&str>,
    ) -> Result<Option<Applied>, ProviderError> {
        self.import(region, desired, &desired.name).await
    }

    async fn import(
        &self,
        region: &str,
        desired: &LambdaFunction,
        id: &str,
    ) -> Result<Option<Applied>, ProviderError> {
        named(id, &desired.name)?;
        let client = self.lambda(region).await;
        // A function still being made is waited for, as its create would.
        self.wait_function(&client, id).await?;
        Ok(Some(self.function_applied(&client, id).await?))
    }

    async fn create(
        &self,
        region: &str,
        desired: &LambdaFunction,
        code: Option<&[u8]>,
        _token: &str,
    ) -> Result<Applied, ProviderError> {
        self.create_function(region, desired, code.unwrap_or_default())
            .await
    }

    async fn update(
        &self,
        region: &str,
        desired: &LambdaFunction,
        before: &LambdaFunction,
        _old: &ResourceState,
        code: Option<&[u8]>,
    ) -> Result<Applied, ProviderError> {
        self.update_function(region, desired, Some(before), code.unwrap_or_default())
            .await
    }

    async fn delete(
        &self,
        region: &str,
        recorded: &LambdaFunction,
        _old: &ResourceState,
    ) -> Result<(), ProviderError> {
        self.delete_function(region, &recorded.name).await
    }

    async fn read(
        &self,
        region: &str,
        recorded: LambdaFunction,
        old: &ResourceState,
    ) -> Result<Option<LambdaFunction>, ProviderError> {
        self.read_function(region, recorded, old).await
    }

    async fn retag(
        &self,
        region: &str,
        _desired: &LambdaFunction,
        tags: &Tags,
        removed: &[String],
        _old: &ResourceState,
        arn: &str,
    ) -> Result<(), ProviderError> {
        self.retag_function(region, arn, tags, removed).await
    }
}
