//! `migrate server` end to end: the binary is spawned and spoken to in JSON-RPC over stdio,
//! as an editor does (Content-Length framing, initialize, notifications, requests, shutdown).

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

/// An editor's side of the connection.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages read while waiting for another.
    pending: VecDeque<Value>,
    next_id: i64,
}

impl Client {
    fn start(cwd: &Path, env: &[(&str, &str)], capabilities: Value) -> (Self, Value) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_migrate"))
            .arg("server")
            .current_dir(cwd)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("migrate server starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            while let Some(message) = read_message(&mut stdout) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Self {
            child,
            stdin,
            incoming,
            pending: VecDeque::new(),
            next_id: 1,
        };
        let result = client.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
        );
        client.notify("initialized", json!({}));
        (client, result)
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_string(&message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request and wait for its response: the whole response object.
    fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|message| message["id"] == id && message.get("method").is_none())
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(response.get("error").is_none(), "{response}");
        response["result"].clone()
    }

    /// The first message (read now or before) that `wanted` accepts.
    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.pending.iter().position(&wanted) {
            return self.pending.remove(at).unwrap();
        }
        loop {
            let message = self
                .incoming
                .recv_timeout(Duration::from_secs(30))
                .expect("the server answers within 30 s");
            if wanted(&message) {
                return message;
            }
            self.pending.push_back(message);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let message = self.wait(|message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// Shut down and exit as an editor does: the server's exit code.
    fn shutdown(mut self) -> i32 {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        drop(self.stdin);
        self.child
            .wait()
            .unwrap()
            .code()
            .expect("exits, not killed")
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// `text` with LSP text edits applied, positions in UTF-16 code units.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        let line_text = &text[start..];
        let within = line_text
            .char_indices()
            .find(|(_, c)| {
                let found = units >= character;
                units += c.len_utf16();
                found
            })
            .map_or(line_text.len(), |(at, _)| at);
        start + within
    };
    let mut edits: Vec<&Value> = edits.iter().collect();
    edits.sort_by_key(|edit| std::cmp::Reverse(offset(&edit["range"]["start"])));
    let mut text = text.to_string();
    for edit in edits {
        let range = offset(&edit["range"]["start"])..offset(&edit["range"]["end"]);
        text.replace_range(range, edit["newText"].as_str().unwrap());
    }
    text
}

fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({"start": {"line": start.0, "character": start.1}, "end": {"line": end.0, "character": end.1}})
}

fn code_actions(client: &mut Client, uri: &str, at: Value, only: Option<&[&str]>) -> Vec<Value> {
    let mut context = json!({"diagnostics": []});
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let result = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": at, "context": context}),
    );
    result.as_array().unwrap().clone()
}

/// The edits of `action` for `uri`.
fn edits_of<'a>(action: &'a Value, uri: &str) -> &'a [Value] {
    action["edit"]["changes"][uri].as_array().unwrap()
}

#[test]
fn python_file_diagnostics_quick_fixes_fix_all_changes_and_close() {
    let dir = tempfile::tempdir().unwrap();
    // The project's floor, from pyproject: `np.exceptions` needs 1.25, so the name that only
    // ever existed there is not fixed.
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"p\"\ndependencies = [\"numpy>=1.22\"]\n",
    )
    .unwrap();
    let (mut client, init) = Client::start(dir.path(), &[], json!({}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    assert_eq!(
        init["capabilities"]["codeActionProvider"]["codeActionKinds"],
        json!([
            "quickfix",
            "source.fixAll.migrate",
            "notebook.source.fixAll.migrate"
        ])
    );

    let uri = file_uri(&dir.path().join("a.py"));
    // `😀` is two UTF-16 code units and four bytes: columns are counted in UTF-16.
    let text = "import numpy as np\ns = '😀'; x = np.float_(1)\ny = np.DTypePromotionError\n";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
    );
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["range"], range((1, 14), (1, 23)));
    assert_eq!(diagnostics[0]["code"], "NP201");
    assert_eq!(diagnostics[0]["source"], "migrate");
    assert_eq!(diagnostics[0]["severity"], 2);
    assert_eq!(
        diagnostics[0]["message"],
        "`np.float_` was removed in NumPy 2.0. Replace with `np.float64`"
    );
    let newer = diagnostics[1]["message"].as_str().unwrap();
    assert!(
        newer.starts_with("`np.DTypePromotionError` is not"),
        "{newer}"
    );

    // A quick fix for the finding under the cursor, none for the unfixable one.
    let actions = code_actions(
        &mut client,
        &uri,
        range((1, 16), (1, 16)),
        Some(&["quickfix"]),
    );
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["title"], "Replace with `np.float64` (NP201)");
    assert_eq!(actions[0]["diagnostics"][0]["code"], "NP201");
    assert_eq!(
        apply(text, edits_of(&actions[0], &uri)),
        text.replace("np.float_", "np.float64")
    );
    let none = code_actions(
        &mut client,
        &uri,
        range((2, 6), (2, 6)),
        Some(&["quickfix"]),
    );
    assert!(none.is_empty(), "{none:?}");

    // An incremental change: a line added at the end.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": range((3, 0), (3, 0)), "text": "z = np.NaN\n"}
        ]}),
    );
    let text = format!("{text}z = np.NaN\n");
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(diagnostics.len(), 3);
    assert_eq!(diagnostics[2]["range"], range((3, 4), (3, 10)));

    // Fix all, as `editor.codeActionsOnSave` asks for it.
    let actions = code_actions(
        &mut client,
        &uri,
        range((0, 0), (0, 0)),
        Some(&["source.fixAll"]),
    );
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.migrate");
    assert_eq!(
        apply(&text, edits_of(&actions[0], &uri)),
        "import numpy as np\ns = '😀'; x = np.float64(1)\ny = np.DTypePromotionError\nz = np.nan\n"
    );

    // A whole-text change (as a full-sync client sends), then save.
    let fixed = "import numpy as np\nx = np.float64(1)\n";
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": fixed}]}),
    );
    assert!(client.diagnostics(&uri).is_empty());
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(client.diagnostics(&uri).is_empty());
    assert!(code_actions(&mut client, &uri, range((1, 5), (1, 5)), None).is_empty());

    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": text}]}),
    );
    assert_eq!(client.diagnostics(&uri).len(), 3);
    // The project is read again: with a NumPy 2 floor, `np.DTypePromotionError` gets its fix.
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"p\"\ndependencies = [\"numpy>=2\"]\n",
    )
    .unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(client.diagnostics(&uri).len(), 3);
    let newer = code_actions(
        &mut client,
        &uri,
        range((2, 6), (2, 6)),
        Some(&["quickfix"]),
    );
    assert_eq!(newer.len(), 1, "{newer:?}");
    assert_eq!(
        apply(&text, edits_of(&newer[0], &uri)),
        text.replace(
            "np.DTypePromotionError",
            "np.exceptions.DTypePromotionError"
        )
    );
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(client.diagnostics(&uri).is_empty());

    // A request it does not handle is an error, not the end of the server.
    let unknown = client.request_raw("textDocument/hover", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let dir = tempfile::tempdir().unwrap();
    let capabilities = json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}});
    let (mut client, init) = Client::start(dir.path(), &[], capabilities);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let uri = file_uri(&dir.path().join("b.py"));
    let text = "import numpy as np\ns = '😀'; x = np.float_(1)\n";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
    );
    assert_eq!(
        client.diagnostics(&uri)[0]["range"],
        range((1, 16), (1, 25))
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn notebook_cells_are_checked_together_and_fixed_cell_by_cell() {
    let dir = tempfile::tempdir().unwrap();
    let (mut client, _) = Client::start(dir.path(), &[], json!({}));
    let notebook = file_uri(&dir.path().join("nb.ipynb"));
    let cell = |n: u32| {
        format!(
            "vscode-notebook-cell:{}#W{n}sZmlsZQ%3D%3D",
            dir.path().join("nb.ipynb").display()
        )
    };
    let (first, markdown, third, fourth) = (cell(0), cell(1), cell(2), cell(3));
    let texts = [
        "import numpy as np\n%matplotlib inline",
        "np.float_ in prose",
        "x = np.float_(1)\n!ls\nnp.float_?",
    ];
    client.notify(
        "notebookDocument/didOpen",
        json!({
            "notebookDocument": {"uri": notebook, "notebookType": "jupyter-notebook", "version": 1, "cells": [
                {"kind": 2, "document": first},
                {"kind": 1, "document": markdown},
                {"kind": 2, "document": third},
            ]},
            "cellTextDocuments": [
                {"uri": first, "languageId": "python", "version": 1, "text": texts[0]},
                {"uri": markdown, "languageId": "markdown", "version": 1, "text": texts[1]},
                {"uri": third, "languageId": "python", "version": 1, "text": texts[2]},
            ],
        }),
    );
    assert!(client.diagnostics(&first).is_empty());
    assert!(client.diagnostics(&markdown).is_empty());
    let diagnostics = client.diagnostics(&third);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["range"], range((0, 4), (0, 13)));

    let actions = code_actions(
        &mut client,
        &third,
        range((0, 5), (0, 5)),
        Some(&["quickfix"]),
    );
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(
        apply(texts[2], edits_of(&actions[0], &third)),
        "x = np.float64(1)\n!ls\nnp.float_?"
    );

    // A cell added at the end, and a change to the first cell: the import moves out.
    client.notify(
        "notebookDocument/didChange",
        json!({
            "notebookDocument": {"uri": notebook, "version": 2},
            "change": {"cells": {
                "structure": {
                    "array": {"start": 3, "deleteCount": 0, "cells": [{"kind": 2, "document": fourth}]},
                    "didOpen": [{"uri": fourth, "languageId": "python", "version": 1, "text": "y = np.NaN"}],
                },
                "textContent": [{
                    "document": {"uri": first, "version": 2},
                    "changes": [{"range": range((0, 0), (0, 0)), "text": "from numpy import VisibleDeprecationWarning\n"}],
                }],
            }},
        }),
    );
    let first_text = format!("from numpy import VisibleDeprecationWarning\n{}", texts[0]);
    assert_eq!(client.diagnostics(&first).len(), 1);
    assert!(client.diagnostics(&markdown).is_empty());
    assert_eq!(client.diagnostics(&third).len(), 1);
    assert_eq!(
        client.diagnostics(&fourth)[0]["range"],
        range((0, 4), (0, 10))
    );

    // Fix all, as `notebook.codeActionsOnSave` asks for it: an edit per changed cell.
    let actions = code_actions(
        &mut client,
        &first,
        range((0, 0), (0, 0)),
        Some(&["notebook.source.fixAll"]),
    );
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "notebook.source.fixAll.migrate");
    let changes = actions[0]["edit"]["changes"].as_object().unwrap();
    assert_eq!(changes.len(), 3, "{changes:?}");
    assert_eq!(
        apply(&first_text, edits_of(&actions[0], &first)),
        "from numpy.exceptions import VisibleDeprecationWarning\nimport numpy as np\n%matplotlib inline"
    );
    assert_eq!(
        apply(texts[2], edits_of(&actions[0], &third)),
        "x = np.float64(1)\n!ls\nnp.float_?"
    );
    assert_eq!(
        apply("y = np.NaN", edits_of(&actions[0], &fourth)),
        "y = np.nan"
    );

    // Removing the first cell removes the import: the other cells are not NumPy any more.
    client.notify(
        "notebookDocument/didChange",
        json!({
            "notebookDocument": {"uri": notebook, "version": 3},
            "change": {"cells": {"structure": {
                "array": {"start": 0, "deleteCount": 1},
                "didClose": [{"uri": first}],
            }}},
        }),
    );
    assert!(client.diagnostics(&first).is_empty());
    assert!(client.diagnostics(&third).is_empty());
    assert!(client.diagnostics(&fourth).is_empty());

    client.notify(
        "notebookDocument/didClose",
        json!({"notebookDocument": {"uri": notebook}, "cellTextDocuments": [{"uri": third}]}),
    );
    assert!(client.diagnostics(&third).is_empty());
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn a_panic_is_logged_and_the_server_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let (mut client, _) = Client::start(
        dir.path(),
        &[("MIGRATE_DEBUG_PANIC_ON", "boom.py")],
        json!({}),
    );
    let text = "import numpy as np\nnp.NaN\n";
    for name in ["boom.py", "fine.py"] {
        let uri = file_uri(&dir.path().join(name));
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
        );
    }
    let log = client.wait(|message| message["method"] == "window/logMessage");
    let message = log["params"]["message"].as_str().unwrap();
    assert!(
        message.contains("internal error (a bug in migrate): injected for"),
        "{message}"
    );
    assert_eq!(
        client
            .diagnostics(&file_uri(&dir.path().join("fine.py")))
            .len(),
        1
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn a_requirement_that_is_not_one_leaves_the_server_running() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("requirements.txt"), "numpy-<2\n").unwrap();
    let (mut client, _) = Client::start(dir.path(), &[], json!({}));
    let uri = file_uri(&dir.path().join("a.py"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1,
            "text": "import numpy as np\nx = np.float_(1)\n"}}),
    );
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "NP201");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn deep_documents_are_not_checked_and_the_server_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let (mut client, _) = Client::start(dir.path(), &[], json!({}));
    let open = |client: &mut Client, name: &str, text: &str| {
        let uri = file_uri(&dir.path().join(name));
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
        );
        uri
    };
    // Far beyond CPython's limits: nothing to show, and the server still answers.
    let deep = format!("import numpy as np\nx = np.float_{}\n", "+1".repeat(25_000));
    let deep = open(&mut client, "deep.py", &deep);
    assert!(client.diagnostics(&deep).is_empty());
    assert!(code_actions(&mut client, &deep, range((1, 4), (1, 6)), None).is_empty());
    // At the limit: checked and fixed on the server's stack.
    let text = format!(
        "import numpy as np\nx = {}np.float_ + {}\n",
        "-".repeat(1_000),
        vec!["np.NaN"; 900].join(" + ")
    );
    let limit = open(&mut client, "limit.py", &text);
    assert_eq!(client.diagnostics(&limit).len(), 901);
    let actions = code_actions(
        &mut client,
        &limit,
        range((1, 0), (1, 1)),
        Some(&["source"]),
    );
    let fixed = apply(&text, edits_of(&actions[0], &limit));
    assert!(!fixed.contains("np.float_") && !fixed.contains("np.NaN"));
    assert_eq!(client.shutdown(), 0);
}

/// The server's exit code and standard error for `input` written raw to its standard input.
fn serve_raw(input: &[u8]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_migrate"))
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("migrate server starts");
    let mut stdin = child.stdin.take().unwrap();
    // The server may stop reading early: a failed write is part of what is tested.
    let _ = stdin.write_all(input);
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn framed(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

#[test]
fn oversized_and_malformed_messages_are_refused_with_a_reason() {
    let (code, stderr) = serve_raw(b"Content-Length: 1000000000000\r\n\r\n{}");
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        "error: message of 1000000000000 bytes refused: the limit is 67108864 bytes (64 MiB)\n"
    );
    let (code, stderr) = serve_raw(b"Content-Type: text/plain\r\n\r\n{}");
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        "error: malformed message: no Content-Length header\n"
    );
    let (code, stderr) = serve_raw(&framed("{not json"));
    assert_eq!(code, Some(2));
    assert!(stderr.starts_with("error: malformed message: "), "{stderr}");
    let (code, stderr) = serve_raw(b"Content-Length: 20\r\n\r\n{}");
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("error: the input ended inside a message"),
        "{stderr}"
    );
}

#[test]
fn exit_without_shutdown_exits_1() {
    let initialize = framed(
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}"#,
    );
    let initialized = framed(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
    let exit = framed(r#"{"jsonrpc":"2.0","method":"exit"}"#);
    let (code, stderr) = serve_raw(&[initialize, initialized, exit].concat());
    assert_eq!((code, stderr.as_str()), (Some(1), ""));
}

#[test]
fn quick_fixes_leave_text_that_parses() {
    let dir = tempfile::tempdir().unwrap();
    let (mut client, _) = Client::start(dir.path(), &[], json!({}));
    let uri = file_uri(&dir.path().join("walrus.py"));
    let text = "import numpy as np\nnp.maximum([1, 5], (3, 2), out := np.empty(2))\n";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
    );
    assert_eq!(client.diagnostics(&uri).len(), 1);
    let actions = code_actions(
        &mut client,
        &uri,
        range((1, 30), (1, 30)),
        Some(&["quickfix"]),
    );
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(
        apply(text, edits_of(&actions[0], &uri)),
        "import numpy as np\nnp.maximum([1, 5], (3, 2), out=(out := np.empty(2)))\n"
    );
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn twenty_thousand_findings_on_one_line_are_answered() {
    let dir = tempfile::tempdir().unwrap();
    let (mut client, _) = Client::start(dir.path(), &[], json!({}));
    let uri = file_uri(&dir.path().join("long.py"));
    let findings = 20_000;
    let text = format!(
        "import numpy as np\nx = [{}]\n",
        vec!["np.float_"; findings].join(", ")
    );
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
    );
    // Each answer within the client's 30 s (counting the characters before each finding took
    // minutes).
    assert_eq!(client.diagnostics(&uri).len(), findings);
    let actions = code_actions(&mut client, &uri, range((1, 0), (1, 1_000_000)), None);
    assert_eq!(actions.len(), findings + 1);
    assert_eq!(client.shutdown(), 0);
}
