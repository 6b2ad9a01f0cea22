// Starts `drx lsp` for .drx files. Everything the editor shows — diagnostics,
// hover, completion, rename, formatting — comes from the server; this file
// only finds the executable and connects it.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("drx").get("path") || "drx";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "drx",
    "drx",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "drx" }] }
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
