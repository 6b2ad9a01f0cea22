// Tokenizes .drx files with editors/vscode/syntaxes/drx.tmLanguage.json the
// way VS Code does (vscode-textmate on the Oniguruma regex engine), and
// checks the scopes of keywords, names, strings, interpolations, durations,
// sizes, regions and comments. Usage: node grammar.test.js FILE...
"use strict";

const fs = require("fs");
const path = require("path");
const textmate = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const grammarPath = path.join(__dirname, "..", "vscode", "syntaxes", "drx.tmLanguage.json");

async function grammar() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scope) =>
      scope === "source.drx"
        ? textmate.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath)
        : null,
  });
  return registry.loadGrammar("source.drx");
}

// Every token of `text`, as [text, innermost scope].
function tokens(g, text) {
  const found = [];
  let state = textmate.INITIAL;
  for (const line of text.split("\n")) {
    const result = g.tokenizeLine(line, state);
    for (const token of result.tokens) {
      found.push([line.slice(token.startIndex, token.endIndex), token.scopes[token.scopes.length - 1]]);
    }
    state = result.ruleStack;
  }
  return found;
}

function expect(found, text, scope, file) {
  if (!found.some(([t, s]) => t === text && s === scope)) {
    const seen = found.filter(([t]) => t === text).map(([, s]) => s);
    throw new Error(`${file}: \`${text}\` is not ${scope} (seen: ${seen.join(", ") || "nowhere"})`);
  }
}

(async () => {
  const g = await grammar();
  const files = process.argv.slice(2);
  if (files.length === 0) throw new Error("usage: node grammar.test.js FILE...");
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const found = tokens(g, text);
    const kinds = ["topology", "table", "bucket", "function", "api", "failover", "alerts", "alarm", "role", "let", "output"];
    for (const kind of kinds) {
      if (new RegExp(`^\\s*${kind}\\b`, "m").test(text)) expect(found, kind, "keyword.declaration.drx", file);
    }
    for (const match of text.matchAll(/^(?:table|bucket|function|api|failover|alerts|alarm|role) ([A-Za-z_][A-Za-z0-9_]*)/gm)) {
      expect(found, match[1], "entity.name.type.drx", file);
    }
    for (const match of text.matchAll(/\b[0-9]+(?:ms|s|m|h|d)\b/g)) expect(found, match[0], "constant.numeric.duration.drx", file);
    for (const match of text.matchAll(/\b[0-9]+(?:KB|MB|GB|TB)\b/g)) expect(found, match[0], "constant.numeric.size.drx", file);
    for (const match of text.matchAll(/^\s*(\/\/.*)$/gm)) expect(found, match[1], "comment.line.double-slash.drx", file);
    for (const match of text.matchAll(/\b(us|eu|ap)-[a-z]+-[0-9]\b/g)) expect(found, match[0], "constant.other.region.drx", file);
    if (text.includes("${")) expect(found, "${", "punctuation.section.interpolation.begin.drx", file);
    // A string's text is a string, not the keywords inside it.
    const quoted = found.filter(([, s]) => s === "string.quoted.double.drx");
    if (text.includes('"') && quoted.length === 0) throw new Error(`${file}: no string tokens`);
    for (const word of ["replicate", "route", "when", "allow"]) {
      if (new RegExp(`^\\s*${word}\\b`, "m").test(text)) expect(found, word, "keyword.control.drx", file);
    }
    console.log(`${path.basename(file)}: ${found.length} tokens, scopes as expected`);
  }
})().catch((error) => {
  console.error(error.message || error);
  process.exit(1);
});
