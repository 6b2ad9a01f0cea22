//! The language server: documents as the editor has them, analysed on open
//! and on every change (debounced), answered from their `Analysis`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::analysis::{Analysis, NameKind};
use super::completion::{SuggestionKind, complete};
use super::hover::hover;
use crate::diagnostic::Severity;

/// How long typing must pause before a change is checked: long enough to
/// skip the states between keystrokes, short enough to feel immediate.
const DEBOUNCE: Duration = Duration::from_millis(15);

struct Document {
    version: i32,
    text: String,
    analysis: Arc<Analysis>,
}

pub(crate) struct Backend {
    client: Client,
    documents: Arc<Mutex<HashMap<Uri, Document>>>,
}

impl Backend {
    pub(crate) fn new(client: Client) -> Backend {
        Backend {
            client,
            documents: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    async fn analysis(&self, uri: &Uri) -> Option<Arc<Analysis>> {
        self.documents.lock().await.get(uri).map(|d| d.analysis.clone())
    }
}

fn path_of(uri: &Uri) -> PathBuf {
    uri.to_file_path()
        .map(|p| p.into_owned())
        .unwrap_or_else(|| PathBuf::from(uri.path().as_str()))
}

/// drx's diagnostics as the protocol has them: the primary label is the
/// range, the others related locations, the help line after the message.
pub(crate) fn diagnostics(uri: &Uri, analysis: &Analysis) -> Vec<Diagnostic> {
    analysis
        .diagnostics
        .iter()
        .map(|found| {
            let primary = found.labels.first().map(|l| l.span).unwrap_or_default();
            let related: Vec<DiagnosticRelatedInformation> = found
                .labels
                .iter()
                .skip(1)
                .map(|label| DiagnosticRelatedInformation {
                    location: Location::new(uri.clone(), analysis.lines.range(label.span)),
                    message: label.text.clone(),
                })
                .collect();
            let label = found.labels.first().map(|l| l.text.as_str()).unwrap_or_default();
            let mut message = found.message.clone();
            if !label.is_empty() && label != found.message {
                message.push_str(&format!(": {label}"));
            }
            if !found.help.is_empty() {
                message.push_str(&format!("\nhelp: {}", found.help));
            }
            Diagnostic {
                range: analysis.lines.range(primary),
                severity: Some(match found.severity {
                    Severity::Error => DiagnosticSeverity::ERROR,
                    Severity::Warning => DiagnosticSeverity::WARNING,
                }),
                code: Some(NumberOrString::String(found.code.clone())),
                source: Some("drx".into()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                ..Diagnostic::default()
            }
        })
        .collect()
}

impl Backend {
    /// Analyses `text` as version `version` once typing pauses, and
    /// publishes its diagnostics unless a newer version came meanwhile.
    async fn changed(&self, uri: Uri, version: i32, text: String, debounce: bool) {
        {
            let mut documents = self.documents.lock().await;
            let analysis = documents
                .get(&uri)
                .map(|d| d.analysis.clone())
                .unwrap_or_else(|| Arc::new(Analysis::new(&path_of(&uri), "")));
            documents.insert(
                uri.clone(),
                Document {
                    version,
                    text: text.clone(),
                    analysis,
                },
            );
        }
        let (documents, client) = (self.documents.clone(), self.client.clone());
        let work = async move {
            if debounce {
                tokio::time::sleep(DEBOUNCE).await;
            }
            if documents.lock().await.get(&uri).map(|d| d.version) != Some(version) {
                return;
            }
            let path = path_of(&uri);
            // Checking is CPU work; keep it off the server's own tasks.
            let analysis = tokio::task::spawn_blocking(move || Analysis::new(&path, &text)).await;
            let Ok(analysis) = analysis else { return };
            let analysis = Arc::new(analysis);
            {
                let mut documents = documents.lock().await;
                match documents.get_mut(&uri) {
                    Some(document) if document.version == version => document.analysis = analysis.clone(),
                    _ => return,
                }
            }
            client
                .publish_diagnostics(uri.clone(), diagnostics(&uri, &analysis), Some(version))
                .await;
        };
        tokio::spawn(work);
    }
}

fn symbol_kind(kind: NameKind) -> SymbolKind {
    match kind {
        NameKind::Block(_) => SymbolKind::STRUCT,
        NameKind::Variable => SymbolKind::VARIABLE,
        NameKind::Output => SymbolKind::CONSTANT,
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl LanguageServer for Backend {
    async fn initialize(&self, _: InitializeParams) -> Result<InitializeResult> {
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "drx".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: ServerCapabilities {
                text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Left(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![".".into(), " ".into()]),
                    ..CompletionOptions::default()
                }),
                ..ServerCapabilities::default()
            },
            ..InitializeResult::default()
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        self.changed(document.uri, document.version, document.text, false)
            .await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Full sync: the last change is the whole text.
        if let Some(change) = params.content_changes.into_iter().last() {
            self.changed(
                params.text_document.uri,
                params.text_document.version,
                change.text,
                true,
            )
            .await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.documents.lock().await.remove(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let Some(analysis) = self.analysis(&at.text_document.uri).await else {
            return Ok(None);
        };
        let offset = analysis.lines.offset(at.position);
        Ok(hover(&analysis, offset).map(|(text, span)| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: Some(analysis.lines.range(span)),
        }))
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let uri = at.text_document.uri;
        let Some(analysis) = self.analysis(&uri).await else {
            return Ok(None);
        };
        let offset = analysis.lines.offset(at.position);
        let Some(occurrence) = analysis.occurrence_at(offset) else {
            return Ok(None);
        };
        Ok(analysis.definition(&occurrence.name).map(|(_, span)| {
            GotoDefinitionResponse::Scalar(Location::new(uri.clone(), analysis.lines.range(span)))
        }))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let uri = at.text_document.uri;
        let Some(analysis) = self.analysis(&uri).await else {
            return Ok(None);
        };
        let offset = analysis.lines.offset(at.position);
        let Some(name) = analysis.occurrence_at(offset).map(|o| o.name.clone()) else {
            return Ok(None);
        };
        let with_definition = params.context.include_declaration;
        Ok(Some(
            analysis
                .occurrences
                .iter()
                .filter(|o| o.name == name && (with_definition || !o.definition))
                .map(|o| Location::new(uri.clone(), analysis.lines.range(o.span)))
                .collect(),
        ))
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let uri = at.text_document.uri;
        if !is_identifier(&params.new_name) {
            return Err(Error::invalid_params(format!(
                "`{}` is not a name: letters, digits and `_`, not starting with a digit",
                params.new_name
            )));
        }
        let Some(analysis) = self.analysis(&uri).await else {
            return Ok(None);
        };
        let offset = analysis.lines.offset(at.position);
        let Some(name) = analysis.occurrence_at(offset).map(|o| o.name.clone()) else {
            return Ok(None);
        };
        if analysis.definition(&params.new_name).is_some() {
            return Err(Error::invalid_params(format!(
                "`{}` is already a name in this file",
                params.new_name
            )));
        }
        let edits: Vec<TextEdit> = analysis
            .occurrences
            .iter()
            .filter(|o| o.name == name)
            .map(|o| TextEdit::new(analysis.lines.range(o.span), params.new_name.clone()))
            .collect();
        Ok(Some(WorkspaceEdit::new(HashMap::from([(uri, edits)]))))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let documents = self.documents.lock().await;
        let Some(document) = documents.get(&at.text_document.uri) else {
            return Ok(None);
        };
        // The text as typed, which may be newer than the last analysis.
        let lines = super::line_index::LineIndex::new(&document.text);
        let offset = lines.offset(at.position);
        let items = complete(&document.text, offset)
            .into_iter()
            .map(|s| CompletionItem {
                label: s.label,
                detail: Some(s.detail),
                kind: Some(match s.kind {
                    SuggestionKind::Keyword => CompletionItemKind::KEYWORD,
                    SuggestionKind::Property => CompletionItemKind::PROPERTY,
                    SuggestionKind::Value => CompletionItemKind::VALUE,
                    SuggestionKind::Reference => CompletionItemKind::REFERENCE,
                }),
                ..CompletionItem::default()
            })
            .collect();
        Ok(Some(CompletionResponse::Array(items)))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let documents = self.documents.lock().await;
        let Some(document) = documents.get(&params.text_document.uri) else {
            return Ok(None);
        };
        // A file that does not parse is left as it is; its diagnostics say why.
        let Ok(file) = crate::syntax::parse(&document.text) else {
            return Ok(None);
        };
        let formatted = crate::syntax::format(&file, &document.text);
        if formatted == document.text {
            return Ok(Some(Vec::new()));
        }
        let lines = super::line_index::LineIndex::new(&document.text);
        let whole = Range::new(Position::new(0, 0), lines.position(document.text.len()));
        Ok(Some(vec![TextEdit::new(whole, formatted)]))
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let Some(analysis) = self.analysis(&params.text_document.uri).await else {
            return Ok(None);
        };
        let Some(file) = &analysis.file else {
            return Ok(None);
        };
        #[allow(deprecated)] // `deprecated` is a field the protocol keeps.
        let symbols = file
            .items
            .iter()
            .filter_map(|item| {
                let (name, detail) = match item {
                    crate::syntax::ast::Item::Block(block) => (&block.name, block.kind.spec().keyword),
                    crate::syntax::ast::Item::Let(item) => (&item.name, "let"),
                    crate::syntax::ast::Item::Output(item) => (&item.name, "output"),
                };
                let (kind, _) = analysis.definition(&name.name)?;
                Some(DocumentSymbol {
                    name: name.name.clone(),
                    detail: Some(detail.to_string()),
                    kind: symbol_kind(kind),
                    tags: None,
                    deprecated: None,
                    range: analysis.lines.range(item.span()),
                    selection_range: analysis.lines.range(name.span),
                    children: None,
                })
            })
            .collect();
        Ok(Some(DocumentSymbolResponse::Nested(symbols)))
    }
}
