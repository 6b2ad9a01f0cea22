//! The command line: parse arguments, run one command, report an exit code.

mod apply;
mod args;
mod backend;
mod check;
mod cli_error;
mod confirm;
mod drill;
mod explain;
mod failover;
mod fmt;
mod force_unlock;
mod import;
mod load;
mod plan;
mod prepare;
mod state;
mod state_transfer;
mod status;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use crate::diagnostic::ColorChoice;
use args::{Cli, Color, Command};
use cli_error::CliError;

/// How a command ended; mapped to an exit code in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Success,
    /// The user's input has errors (or `--check` found work to do).
    Failure,
    /// `--detailed-exitcode`: the plan has changes.
    Changes,
}

/// Where output goes and whether it may use colour.
pub(crate) struct Terminal {
    pub color: ColorChoice,
}

impl Terminal {
    pub(crate) fn error(&self, message: &str) {
        eprintln!("error: {message}");
    }
}

pub fn run(arguments: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(arguments) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    let color = match cli.color {
        Color::Always => ColorChoice::Always,
        Color::Never => ColorChoice::Never,
        Color::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => ColorChoice::Never,
        Color::Auto if std::io::stderr().is_terminal() => ColorChoice::Always,
        Color::Auto => ColorChoice::Never,
    };
    let terminal = Terminal { color };
    let outcome = match &cli.command {
        Command::Check(args) => check::run(args, &terminal),
        Command::Explain(args) => explain::run(args, &terminal),
        Command::Fmt(args) => fmt::run(args, &terminal),
        Command::Plan(args) => plan::run_plan(args, &terminal),
        Command::Graph(args) => plan::run_graph(args, &terminal),
        Command::Show(args) => plan::run_show(args, &terminal),
        Command::Apply(args) => apply::run_apply(args, &terminal),
        Command::Destroy(args) => apply::run_destroy(args, &terminal),
        Command::Output(args) => apply::run_output(args, &terminal),
        Command::Status(args) => status::run(args, &terminal),
        Command::Failover(args) => failover::run_failover(args, &terminal),
        Command::Failback(args) => failover::run_failback(args, &terminal),
        Command::Drill(args) => drill::run(args, &terminal),
        Command::Lsp => crate::lsp::serve()
            .map(|()| Outcome::Success)
            .map_err(CliError::message),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "drx", &mut std::io::stdout());
            Ok(Outcome::Success)
        }
        Command::ForceUnlock(args) => force_unlock::run(args, &terminal),
        Command::Import(args) => import::run(args, &terminal),
        Command::State(command) => state::run(command, &terminal),
    };
    match outcome {
        Ok(Outcome::Success) | Err(CliError::BrokenPipe) => ExitCode::SUCCESS,
        Ok(Outcome::Failure) | Err(CliError::Reported) => ExitCode::FAILURE,
        Ok(Outcome::Changes) => ExitCode::from(2),
        Err(CliError::Message(message)) => {
            terminal.error(&message);
            ExitCode::FAILURE
        }
    }
}
