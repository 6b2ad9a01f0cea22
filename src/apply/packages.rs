//! Function code for the steps that upload it: each package built once, in
//! the background from the start of the apply, so a function waits for its
//! package only when its turn comes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::package::{Package, package};
use super::steps::{Step, StepKind};
use crate::model::resources::{Attributes, LambdaFunction};

type PackageCell = tokio::sync::OnceCell<Result<Arc<Package>, String>>;

/// The packages an apply needs, by source and architecture.
#[derive(Debug, Default)]
pub(super) struct Packages {
    cells: HashMap<String, Arc<PackageCell>>,
    base: PathBuf,
    profile: String,
}

/// One step's claim on a package: awaited when the step runs.
#[derive(Debug)]
pub(super) struct PackageClaim {
    cell: Arc<PackageCell>,
    path: PathBuf,
    profile: String,
    architecture: String,
    runtime: String,
}

impl PackageClaim {
    pub(super) async fn get(self) -> Result<Arc<Package>, String> {
        let PackageClaim {
            cell,
            path,
            profile,
            architecture,
            runtime,
        } = self;
        cell.get_or_init(|| packaged(path, profile, architecture, runtime))
            .await
            .clone()
    }
}

impl Packages {
    /// Starts building every package `steps` upload; code paths start at
    /// `base`, packages are built with the Cargo `profile`.
    pub(super) fn start(steps: &[Step], base: &Path, profile: &str) -> Packages {
        let mut packages = Packages {
            cells: HashMap::new(),
            base: base.to_path_buf(),
            profile: profile.to_string(),
        };
        for step in steps {
            let Some(function) = uploads(&step.kind) else {
                continue;
            };
            if packages.cells.contains_key(&key(function)) {
                continue;
            }
            let cell = Arc::new(PackageCell::new());
            packages.cells.insert(key(function), cell.clone());
            let claim = packages.claim_for(function, cell);
            tokio::spawn(async move {
                let _ = claim.get().await;
            });
        }
        packages
    }

    /// The package a step needs, if it uploads code.
    pub(super) fn claim(&self, kind: &StepKind) -> Option<PackageClaim> {
        let function = uploads(kind)?;
        let cell = self.cells.get(&key(function))?.clone();
        Some(self.claim_for(function, cell))
    }

    fn claim_for(&self, function: &LambdaFunction, cell: Arc<PackageCell>) -> PackageClaim {
        PackageClaim {
            cell,
            path: self.base.join(&function.code.source),
            profile: self.profile.clone(),
            architecture: function.architecture.as_str().to_string(),
            runtime: function.runtime.clone(),
        }
    }
}

/// Packages a function's code off the async threads (it may run cargo).
async fn packaged(
    path: PathBuf,
    profile: String,
    architecture: String,
    runtime: String,
) -> Result<Arc<Package>, String> {
    tokio::task::spawn_blocking(move || package(&path, &profile, &architecture, &runtime))
        .await
        .unwrap_or_else(|e| Err(e.to_string()))
        .map(Arc::new)
}

/// The function whose code a step uploads: a new function, or one whose code
/// or architecture changed. A configuration-only update builds nothing.
fn uploads(kind: &StepKind) -> Option<&LambdaFunction> {
    match kind {
        StepKind::Create(resource) => match &resource.attributes {
            Attributes::LambdaFunction(function) => Some(function),
            _ => None,
        },
        StepKind::Update(resource, old) => match &resource.attributes {
            Attributes::LambdaFunction(function) => {
                let desired = resource.attributes.to_json();
                let changed = desired.get("code") != old.attributes.get("code")
                    || desired.get("architecture") != old.attributes.get("architecture");
                changed.then_some(function)
            }
            _ => None,
        },
        StepKind::Delete(_) => None,
    }
}

/// One package per source and architecture.
fn key(function: &LambdaFunction) -> String {
    format!("{}@{}", function.code.source, function.architecture)
}
