//! Every stage's errors, turned into one report shape and rendered for a
//! terminal or as JSON for editors. Stages produce data; only this module
//! decides how it looks.

mod check_report;
// The file is named after the type it holds, like every other file here.
#[expect(clippy::module_inception)]
mod diagnostic;
mod plan_report;
mod render;
mod syntax_report;

pub use diagnostic::{Diagnostic, Label, Severity};
pub use render::{ColorChoice, render_json, render_terminal};
