//! How a command fails, as data: every command returns it, and `cli::run`
//! alone turns it into words on stderr and an exit code.

use crate::state::StateError;

#[derive(Debug)]
pub(crate) enum CliError {
    /// Said to the user as `error: …`.
    Message(String),
    /// Already reported (diagnostics rendered, a refusal explained).
    Reported,
    /// Whoever reads the output stopped reading (`drx plan | head`): not an
    /// error of the command, so it stops quietly.
    BrokenPipe,
}

impl CliError {
    pub(crate) fn message(text: impl Into<String>) -> CliError {
        CliError::Message(text.into())
    }
}

impl From<std::io::Error> for CliError {
    fn from(error: std::io::Error) -> CliError {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::Message(format!("cannot write the output: {error}"))
        }
    }
}

impl From<StateError> for CliError {
    fn from(error: StateError) -> CliError {
        CliError::Message(error.to_string())
    }
}

impl From<String> for CliError {
    fn from(message: String) -> CliError {
        CliError::Message(message)
    }
}
