//! `drx lsp`: the language server editors start, over stdio. Diagnostics
//! as `drx check` gives them, on open and on every change; hover with the
//! RTO a failover achieves, a store's RPO and the AWS resources a block
//! becomes; definitions, references and rename; completion from the block
//! catalog; formatting; document symbols.
//!
//! Built on `tower-lsp-server` (the maintained fork of tower-lsp): the
//! protocol's types, JSON-RPC framing, request cancellation and the
//! initialize/shutdown lifecycle come with it, and it runs on the tokio
//! drx already has. `lsp-server` would leave the dispatch loop and the
//! concurrency to us for no gain here.
//!
//! Like `cli`, a front end: it uses the pipeline's stages and no stage
//! uses it.

mod analysis;
mod completion;
mod hover;
mod line_index;
mod server;

#[cfg(test)]
mod tests;

use tower_lsp_server::{LspService, Server};

/// Serves the protocol on stdin and stdout until the editor says `exit`.
pub fn serve() -> Result<(), String> {
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async {
        let (service, socket) = LspService::new(server::Backend::new);
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
    Ok(())
}

/// The answers the server gives, as plain functions of a document's text:
/// what the fuzz tests and the latency benchmark drive.
#[doc(hidden)]
pub mod probe {
    use std::path::Path;

    /// Analyses `text`, then asks every question at every `step`-th byte:
    /// hover, definition, completion. Returns the number of diagnostics.
    pub fn everything(path: &Path, text: &str, step: usize) -> usize {
        let analysis = super::analysis::Analysis::new(path, text);
        let mut offset = 0;
        while offset <= text.len() {
            let _ = super::hover::hover(&analysis, offset);
            let _ = analysis.occurrence_at(offset);
            let _ = super::completion::complete(text, offset);
            offset += step.max(1);
        }
        analysis.diagnostics.len()
    }

    /// Analyses `text`: what a change costs before its diagnostics go out.
    pub fn diagnostics(path: &Path, text: &str) -> usize {
        super::analysis::Analysis::new(path, text).diagnostics.len()
    }
}
