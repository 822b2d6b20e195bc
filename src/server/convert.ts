import {
  CodeActionKind,
  DiagnosticSeverity,
  DiagnosticTag,
  type CodeAction,
  type Diagnostic,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { docsUrl, ruleMeta, type Finding, type Fix, type FixEdits, type SourceRange, type UnusedDirective } from '../engine/index.js';
import { SERVER_COMMANDS, SHOW_INTERLEAVING_COMMAND, type ShowInterleavingArgs } from '../shared/protocol.js';
import { interleavingTable } from '../shared/interleavingTable.js';

export const SOURCE = 'awaitguard';
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.awaitguard`;

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

function toRange(doc: TextDocument, range: Pick<SourceRange, 'offset'>): Range {
  return { start: doc.positionAt(range.offset[0]), end: doc.positionAt(range.offset[1]) };
}

export function toDiagnostic(doc: TextDocument, finding: Finding): Diagnostic {
  return {
    range: toRange(doc, finding.range),
    severity: SEVERITY[finding.severity],
    source: SOURCE,
    code: finding.ruleId,
    codeDescription: { href: docsUrl(ruleMeta(finding.ruleId)) },
    message: finding.message,
    relatedInformation: finding.related.map((r) => ({
      location: { uri: doc.uri, range: toRange(doc, r.range) },
      message: r.message,
    })),
  };
}

/** How an unused disable directive is named where a rule id goes (the CLI's SARIF and annotations say the same). */
export const UNUSED_DIRECTIVE_CODE = 'unused-disable-directive';

/** Faded out, as editors show code that does nothing. */
export function toDirectiveDiagnostic(doc: TextDocument, directive: UnusedDirective): Diagnostic {
  return {
    range: toRange(doc, directive.range),
    severity: SEVERITY[directive.severity],
    source: SOURCE,
    code: UNUSED_DIRECTIVE_CODE,
    message: directive.message,
    tags: [DiagnosticTag.Unnecessary],
  };
}

export function removeDirectiveAction(doc: TextDocument, directive: UnusedDirective, diagnostic: Diagnostic): CodeAction {
  return {
    title: directive.whole ? 'Remove unused directive' : 'Remove the unused rules from this directive',
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: true,
    edit: { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: directive.fix.map((e) => ({ range: toRange(doc, e), newText: e.text })) }] },
  };
}

/**
 * "Disable <rule> for this file": a block directive at the top, below a `#!` line (which must stay first). The
 * directive names the rule, so the other rules still report in the file.
 */
export function disableFileAction(doc: TextDocument, finding: Finding, diagnostic: Diagnostic): CodeAction {
  const text = doc.getText();
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const shebang = /^#![^\r\n]*(\r\n|\n|\r)?/.exec(text);
  const at = shebang ? shebang[0].length : 0;
  const prefix = shebang && shebang[1] === undefined ? eol : '';
  return {
    title: `Disable ${finding.ruleId} for this file`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: {
      documentChanges: [
        { textDocument: { uri: doc.uri, version: doc.version }, edits: [{ range: { start: doc.positionAt(at), end: doc.positionAt(at) }, newText: `${prefix}/* awaitguard-disable ${finding.ruleId} */${eol}` }] },
      ],
    },
  };
}

/** Opens the rule's page through the client (`window/showDocument`), so any LSP editor can follow it. */
export function showDocumentationAction(finding: Finding, diagnostic: Diagnostic): CodeAction {
  const url = docsUrl(ruleMeta(finding.ruleId));
  return {
    title: `Show documentation for ${finding.ruleId}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    command: { title: `Show documentation for ${finding.ruleId}`, command: SERVER_COMMANDS.showDocumentation, arguments: [url] },
  };
}

/** Reads the vendored runtime files a fix wants created; returns the contents for those that are missing. */
export type VendorReader = (fix: FixEdits) => { path: string; uri: string; text: string }[];

/** A fix as a workspace edit: the vendored runtime created in the same edit, then the file's own changes. */
export function toWorkspaceEdit(doc: TextDocument, fix: FixEdits, vendored: VendorReader): WorkspaceEdit {
  const created = vendored(fix);
  return {
    documentChanges: [
      ...created.flatMap((f) => [
        { kind: 'create' as const, uri: f.uri, options: { ignoreIfExists: true } },
        {
          textDocument: { uri: f.uri, version: null },
          edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: f.text }],
        },
      ]),
      {
        textDocument: { uri: doc.uri, version: doc.version },
        edits: fix.edits.map((e) => ({
          range: { start: doc.positionAt(e.offset[0]), end: doc.positionAt(e.offset[1]) },
          newText: e.text,
        })),
      },
    ],
  };
}

export function toCodeAction(doc: TextDocument, finding: Finding, fix: Fix, diagnostic: Diagnostic, vendored: VendorReader): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: fix.preferred === true,
    edit: toWorkspaceEdit(doc, fix, vendored),
  };
}

/**
 * A finding's interleaving as Markdown for a hover: a table with a column per concurrent call, a row per step in
 * order, each row's line linking to it (for a saved file), then the outcome.
 */
export function interleavingMarkdown(doc: TextDocument, finding: Finding): string | null {
  const timeline = finding.interleaving;
  if (!timeline) return null;
  const linkable = doc.uri.startsWith('file:');
  const lineCell = ({ range }: { range: SourceRange }): string => {
    const p = doc.positionAt(range.offset[0]);
    // VS Code opens `file:…#L12,5` at line 12, column 5.
    return linkable ? `[${p.line + 1}](${doc.uri}#L${p.line + 1},${p.character + 1})` : String(p.line + 1);
  };
  return [`**${finding.ruleId}: how it happens**`, '', ...interleavingTable(timeline, lineCell)].join('\n');
}

/** "Show interleaving": the client numbers the steps in the editor (SHOW_INTERLEAVING_COMMAND). */
export function showInterleavingAction(doc: TextDocument, finding: Finding, diagnostic: Diagnostic): CodeAction | null {
  const timeline = finding.interleaving;
  if (!timeline) return null;
  const args: ShowInterleavingArgs = {
    uri: doc.uri,
    version: doc.version,
    ruleId: finding.ruleId,
    actors: timeline.actors,
    steps: timeline.steps.map((s) => ({ actor: s.actor, text: s.text, range: toRange(doc, s.range) })),
    outcome: timeline.outcome,
  };
  return {
    title: `Show interleaving of this ${finding.ruleId}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    command: { title: 'Show interleaving', command: SHOW_INTERLEAVING_COMMAND, arguments: [args] },
  };
}
