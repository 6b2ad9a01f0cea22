//! drx's integration tests, in one binary (each test binary links the whole
//! dependency tree, so one is much faster to build than many).

#![allow(unreachable_pub)]

mod apply;
mod aws;
mod cli;
mod diagnostics;
mod emulator;
mod examples;
mod explain;
mod fuzz;
mod package;
mod plan;
mod readme;
mod test;
