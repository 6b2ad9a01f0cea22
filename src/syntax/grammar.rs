//! The pest parser generated from `grammar/drx.pest`: its `Rule`s are what
//! the tree builder, the error conversion and the expected-token phrases all
//! read, so it is a module of its own that none of them owns.

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/drx.pest"]
pub(super) struct DrxParser;
