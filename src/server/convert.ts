import {
  CodeActionKind,
  DiagnosticSeverity,
  type CodeAction,
  type Diagnostic,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { docsUrl, ruleMeta, type Finding, type Fix, type FixEdits, type SourceRange } from '../engine/index.js';

export const SOURCE = 'awaitguard';
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.awaitguard`;

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

function toRange(doc: TextDocument, range: SourceRange): Range {
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
