//! drx: multi-region disaster-recovery topologies on AWS, as a language.
//!
//! The pipeline has one module per stage, each handing the next its own type:
//! `syntax` (text → AST) → `check` (AST → Topology) → `plan` → `apply`.
//! `diagnostic` turns every stage's errors into reports; `operate` works on a
//! live stack; `cli` drives it all, and `lsp` serves it to editors.

pub mod apply;
pub mod aws;
pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod lsp;
pub mod model;
pub mod operate;
pub mod plan;
pub mod source;
pub mod state;
pub mod suggest;
pub mod syntax;
