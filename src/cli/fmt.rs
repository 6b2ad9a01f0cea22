//! `drx fmt`: rewrite files in the canonical layout.

use std::io::Write;

use super::args::FmtArgs;
use super::cli_error::CliError;
use super::load::read;
use super::{Outcome, Terminal};
use crate::diagnostic::{Diagnostic, render_terminal};
use crate::syntax;

pub(crate) fn run(args: &FmtArgs, terminal: &Terminal) -> Result<Outcome, CliError> {
    let mut failed = false;
    let mut stdout = std::io::stdout().lock();
    for path in &args.files {
        let source = match read(path) {
            Ok(source) => source,
            Err(message) => {
                terminal.error(&message);
                failed = true;
                continue;
            }
        };
        let file = match syntax::parse(&source.text) {
            Ok(file) => file,
            Err(error) => {
                eprint!(
                    "{}",
                    render_terminal(&source, &[Diagnostic::from(&error)], terminal.color)
                );
                failed = true;
                continue;
            }
        };
        let formatted = syntax::format(&file, &source.text);
        if formatted == source.text {
            continue;
        }
        if args.check {
            writeln!(stdout, "{}: not formatted", source.name)?;
            failed = true;
            continue;
        }
        // Write beside the file and rename, so an interrupted write never
        // leaves half a file behind.
        let temporary = path.with_extension("drx.fmt-tmp");
        let written = std::fs::write(&temporary, &formatted).and_then(|()| std::fs::rename(&temporary, path));
        match written {
            Ok(()) => writeln!(stdout, "{}: formatted", source.name)?,
            Err(error) => {
                let _ = std::fs::remove_file(&temporary);
                terminal.error(&format!("cannot write {}: {error}", path.display()));
                failed = true;
            }
        }
    }
    Ok(if failed {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}
