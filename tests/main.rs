//! drx's integration tests, in one binary (each test binary links the whole
//! dependency tree, so one is much faster to build than many).

#![allow(unreachable_pub)]

mod apply;
mod apply_account;
mod apply_adopt;
mod apply_drift;
mod apply_faults;
mod apply_read_back;
mod apply_refresh;
mod apply_relaxed;
mod architecture;
mod aws;
mod catalog;
mod cli;
mod crash_trials;
mod diagnostics;
mod editors;
mod emulator;
mod emulator_failover;
mod emulator_faults;
mod emulator_live;
mod emulator_operations;
mod emulator_s3;
mod examples;
mod explain;
mod fuzz;
mod lsp;
mod package;
mod plan;
mod plan_wiring;
mod readme;
mod state;
mod state_s3;
mod test;
