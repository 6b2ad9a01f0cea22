//! Lambda functions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::aws_enum::aws_enum;
use super::{ResourceSpec, Tags};
use crate::model::template::Val;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LambdaFunction {
    pub name: String,
    pub runtime: String,
    pub handler: String,
    pub architecture: Architecture,
    pub memory_size: u64,
    pub timeout: u64,
    pub role: Val,
    pub environment: BTreeMap<String, Val>,
    pub code: LambdaCode,
    /// X-Ray tracing (`TracingConfig`); states before it read as Lambda's
    /// default.
    #[serde(default)]
    pub tracing: TracingMode,
    /// `PutFunctionConcurrency`; none is the account's unreserved pool.
    #[serde(default)]
    pub reserved_concurrency: Option<u64>,
    pub tags: Tags,
}

/// Where the code comes from, and a hash of it so that the plan changes
/// exactly when the code does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LambdaCode {
    /// The path as written, relative to the .drx file.
    pub source: String,
    /// SHA-256 over the source's files (paths and contents, in order).
    pub source_sha256: String,
}

impl ResourceSpec for LambdaFunction {
    const REPLACED_BY: &'static [&'static str] = &["name"];
    const HOLDS_DATA: bool = false;
    const OUTPUTS: &'static [&'static str] = &["arn", "version", "code_sha256"];
    const WEIGHT: u32 = 4;
    fn tags(&self) -> Option<&Tags> {
        Some(&self.tags)
    }
}

aws_enum! {
    /// Whether Lambda traces invocations with X-Ray.
    #[derive(Default)]
    TracingMode {
        /// Lambda samples and traces invocations itself.
        Active = "Active",
        /// Only requests that arrive traced are traced (Lambda's default).
        #[default]
        PassThrough = "PassThrough",
    }
}

aws_enum! {
    /// The instruction set a function runs on.
    Architecture {
        Arm64 = "arm64",
        X86_64 = "x86_64",
    }
}
