//! `migrate server`: the language server. It speaks LSP over stdio: diagnostics as documents
//! open, change and are saved; a quick fix per fixable finding; `source.fixAll.migrate` for
//! `editor.codeActionsOnSave` and `notebook.source.fixAll.migrate` for notebooks (whose cells
//! it syncs as LSP 3.17 notebook documents).
//!
//! It knows nothing of NumPy or of configuration: the caller says which rules apply to a path.

mod documents;
mod lint;
mod position;
mod transport;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeNotebookDocument, DidChangeTextDocument, DidCloseNotebookDocument,
    DidCloseTextDocument, DidOpenNotebookDocument, DidOpenTextDocument, DidSaveNotebookDocument,
    DidSaveTextDocument, LogMessage, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    InitializeParams, InitializeResult, LogMessageParams, MessageType, Notebook,
    NotebookCellSelector, NotebookDocumentSyncOptions, NotebookSelector, OneOf,
    PublishDiagnosticsParams, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use migrate_engine::checker::RuleSet;
use serde_json::Value;

use crate::documents::Documents;
use crate::lint::Target;
use crate::position::Encoding;

/// The stack documents are checked on: the one the command line's workers have, as the
/// semantic model and the rules recurse once per level of nesting.
const STACK_SIZE: usize = 256 * 1024 * 1024;

/// Serve on standard input and output until the client says `exit`: success after `shutdown`,
/// 1 without it (as LSP asks). An error is what ended the session (the input's framing first).
pub fn stdio(resolve: impl Fn(&Path) -> Arc<RuleSet> + Sync) -> anyhow::Result<ExitCode> {
    let (connection, threads) = transport::stdio();
    let served = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || run(&connection, &resolve))?
            .join()
            .unwrap_or_else(|_| anyhow::bail!("internal error (a bug in migrate)"))
    });
    drop(connection);
    threads.join()?;
    served
}

/// Serve on `connection`: initialize, then answer until shutdown. `resolve` gives the rules
/// for the file at a path (the project's settings).
pub fn run(
    connection: &Connection,
    resolve: impl Fn(&Path) -> Arc<RuleSet>,
) -> anyhow::Result<ExitCode> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let encoding = Encoding::negotiate(&params);
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "migrate".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;
    let mut server = Server {
        connection,
        resolve,
        encoding,
        documents: Documents::default(),
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(ExitCode::SUCCESS);
                }
                server.request(request)?;
            }
            Message::Notification(notification) if notification.method == "exit" => {
                return Ok(ExitCode::FAILURE);
            }
            Message::Notification(notification) => {
                // A notification has no answer: what goes wrong is logged, and serving goes on.
                if let Err(error) = server.notification(notification) {
                    server.log(MessageType::WARNING, &format!("migrate: {error:#}"));
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    let kinds = [
        CodeActionKind::QUICKFIX,
        CodeActionKind::from(lint::FIX_ALL.to_string()),
        CodeActionKind::from(lint::NOTEBOOK_FIX_ALL.to_string()),
    ];
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        notebook_document_sync: Some(OneOf::Left(NotebookDocumentSyncOptions {
            notebook_selector: vec![NotebookSelector::ByNotebook {
                notebook: Notebook::String("jupyter-notebook".to_string()),
                cells: Some(vec![NotebookCellSelector {
                    language: "python".to_string(),
                }]),
            }],
            save: Some(true),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(kinds.to_vec()),
            resolve_provider: Some(false),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

struct Server<'c, R> {
    connection: &'c Connection,
    resolve: R,
    encoding: Encoding,
    documents: Documents,
}

impl<R: Fn(&Path) -> Arc<RuleSet>> Server<'_, R> {
    fn request(&mut self, request: Request) -> anyhow::Result<()> {
        let response = if request.method == CodeActionRequest::METHOD {
            match serde_json::from_value::<CodeActionParams>(request.params) {
                Ok(params) => match self.guarded(|server| server.code_actions(params)) {
                    Some(actions) => Response::new_ok(request.id, actions),
                    None => Response::new_err(
                        request.id,
                        ErrorCode::InternalError as i32,
                        "internal error (a bug in migrate)".to_string(),
                    ),
                },
                Err(error) => Response::new_err(
                    request.id,
                    ErrorCode::InvalidParams as i32,
                    error.to_string(),
                ),
            }
        } else {
            Response::new_err(
                request.id,
                ErrorCode::MethodNotFound as i32,
                format!("migrate does not handle `{}`", request.method),
            )
        };
        self.connection.sender.send(response.into())?;
        Ok(())
    }

    fn notification(&mut self, notification: Notification) -> anyhow::Result<()> {
        let method = notification.method.as_str();
        let params = notification.params;
        let encoding = self.encoding;
        match method {
            DidOpenTextDocument::METHOD => {
                let params: lsp_types::DidOpenTextDocumentParams = parse(params)?;
                let uri = params.text_document.uri.clone();
                self.documents.open(params.text_document);
                self.publish(&uri)
            }
            DidChangeTextDocument::METHOD => {
                let params: lsp_types::DidChangeTextDocumentParams = parse(params)?;
                let uri = params.text_document.uri;
                if let Some(document) = self.documents.text_mut(&uri) {
                    document.change(
                        params.text_document.version,
                        params.content_changes,
                        encoding,
                    );
                }
                self.publish(&uri)
            }
            DidSaveTextDocument::METHOD => {
                let params: lsp_types::DidSaveTextDocumentParams = parse(params)?;
                self.publish(&params.text_document.uri)
            }
            DidCloseTextDocument::METHOD => {
                let params: lsp_types::DidCloseTextDocumentParams = parse(params)?;
                self.documents.close(&params.text_document.uri);
                self.clear(vec![params.text_document.uri])
            }
            DidOpenNotebookDocument::METHOD => {
                let params: lsp_types::DidOpenNotebookDocumentParams = parse(params)?;
                let notebook = params.notebook_document;
                let uri = notebook.uri.clone();
                self.documents.open_notebook(
                    notebook.uri,
                    notebook.cells,
                    params.cell_text_documents,
                );
                self.publish_notebook(&uri)
            }
            DidChangeNotebookDocument::METHOD => {
                let params: lsp_types::DidChangeNotebookDocumentParams = parse(params)?;
                let uri = params.notebook_document.uri;
                let removed = self
                    .documents
                    .change_notebook(&uri, params.change, encoding);
                self.clear(removed)?;
                self.publish_notebook(&uri)
            }
            DidSaveNotebookDocument::METHOD => {
                let params: lsp_types::DidSaveNotebookDocumentParams = parse(params)?;
                self.publish_notebook(&params.notebook_document.uri)
            }
            DidCloseNotebookDocument::METHOD => {
                let params: lsp_types::DidCloseNotebookDocumentParams = parse(params)?;
                let cells = self.documents.close_notebook(&params.notebook_document.uri);
                self.clear(cells)
            }
            _ => Ok(()),
        }
    }

    /// The target that the document `uri` is checked in: itself, or its notebook.
    fn target<'d>(&'d self, uri: &'d Uri) -> Option<Target<'d>> {
        if let Some(notebook) = self.documents.notebook_of(uri) {
            return Some(Target::notebook(notebook, self.documents.cells(notebook)));
        }
        let document = self.documents.text(uri)?;
        Some(Target::File {
            uri,
            text: &document.text,
        })
    }

    fn publish(&self, uri: &Uri) -> anyhow::Result<()> {
        match self.documents.notebook_of(uri) {
            Some(notebook) => self.publish_notebook(&notebook.clone()),
            None => self.publish_target(self.target(uri)),
        }
    }

    fn publish_notebook(&self, uri: &Uri) -> anyhow::Result<()> {
        self.publish_target(Some(Target::notebook(uri, self.documents.cells(uri))))
    }

    fn publish_target(&self, target: Option<Target>) -> anyhow::Result<()> {
        let Some(target) = target else { return Ok(()) };
        let rules = (self.resolve)(&target.path());
        let Some(published) =
            self.guarded(|server| lint::diagnostics(&target, &rules, server.encoding))
        else {
            return Ok(());
        };
        for (uri, diagnostics) in published {
            let version = self.documents.text(&uri).map(|document| document.version);
            self.send_diagnostics(uri, diagnostics, version)?;
        }
        Ok(())
    }

    fn clear(&self, uris: Vec<Uri>) -> anyhow::Result<()> {
        for uri in uris {
            self.send_diagnostics(uri, Vec::new(), None)?;
        }
        Ok(())
    }

    fn send_diagnostics(
        &self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> anyhow::Result<()> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let notification = Notification::new(PublishDiagnostics::METHOD.to_string(), params);
        self.connection.sender.send(notification.into())?;
        Ok(())
    }

    fn code_actions(&self, params: CodeActionParams) -> Vec<lsp_types::CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let Some(target) = self.target(uri) else {
            return Vec::new();
        };
        let rules = (self.resolve)(&target.path());
        let only = params.context.only.as_deref();
        lint::code_actions(&target, uri, params.range, only, &rules, self.encoding)
    }

    /// Run `work`; a panic in it (a bug in a rule) is logged to the client, not fatal.
    fn guarded<T>(&self, work: impl FnOnce(&Self) -> T) -> Option<T> {
        match catch_unwind(AssertUnwindSafe(|| work(self))) {
            Ok(result) => Some(result),
            Err(panic) => {
                let reason = panic
                    .downcast_ref::<&str>()
                    .map(ToString::to_string)
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".to_string());
                self.log(
                    MessageType::ERROR,
                    &format!("migrate: internal error (a bug in migrate): {reason}"),
                );
                None
            }
        }
    }

    fn log(&self, typ: MessageType, message: &str) {
        let params = LogMessageParams {
            typ,
            message: message.to_string(),
        };
        let notification = Notification::new(LogMessage::METHOD.to_string(), params);
        // The client may be gone; then the next read ends the loop anyway.
        let _ = self.connection.sender.send(notification.into());
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> anyhow::Result<T> {
    Ok(serde_json::from_value(params)?)
}
