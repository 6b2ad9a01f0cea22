//! Asking before a command changes the live stack: `apply`, `destroy`,
//! `failover`, `failback` and `drill` each say what they will do first.

use std::io::{BufRead, IsTerminal, Write};

use super::cli_error::CliError;

/// Asks on a terminal; refuses without one unless approved beforehand.
pub(super) fn confirm(question: &str, auto_approve: bool) -> Result<(), CliError> {
    if auto_approve {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::message(
            "not a terminal, so nobody can confirm: pass --auto-approve to proceed",
        ));
    }
    eprint!("\n{question} Only 'yes' is accepted: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if answer.trim() == "yes" {
        Ok(())
    } else {
        eprintln!("Cancelled; nothing was changed.");
        Err(CliError::Reported)
    }
}
