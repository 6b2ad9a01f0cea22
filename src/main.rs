use std::process::ExitCode;

fn main() -> ExitCode {
    drx::cli::run(std::env::args_os())
}
