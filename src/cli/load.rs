//! Reading a file and running it through the front of the pipeline.

use std::path::Path;
use std::sync::Arc;

use crate::check::{self, Checked, Environment};
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;
use crate::syntax;

/// A file that was read, with what the front end made of it.
pub(crate) struct Loaded {
    pub source: Arc<SourceFile>,
    pub checked: Option<Checked>,
    pub diagnostics: Vec<Diagnostic>,
}

pub(crate) fn read(path: &Path) -> Result<Arc<SourceFile>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    Ok(SourceFile::new(path.display().to_string(), text))
}

/// Parses and checks one file.
pub(crate) fn load(path: &Path, environment: &dyn Environment) -> Result<Loaded, String> {
    let source = read(path)?;
    Ok(analyze(source, environment))
}

pub(crate) fn analyze(source: Arc<SourceFile>, environment: &dyn Environment) -> Loaded {
    match syntax::parse(&source.text) {
        Err(error) => Loaded {
            diagnostics: vec![Diagnostic::from(&error)],
            source,
            checked: None,
        },
        Ok(file) => {
            let checked = check::check(&file, environment);
            let diagnostics = checked.problems.iter().map(Diagnostic::from).collect();
            Loaded {
                source,
                checked: Some(checked),
                diagnostics,
            }
        }
    }
}
