import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DOCS_BASE_URL, docsUrl, type Finding, type Interleaving, type ReportedSeverity, type RuleMeta, type SourceRange } from '../../engine/index.js';
import { UNUSED_DIRECTIVE_ID, type FileResult, type Report } from '../report.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
/** The project page: the docs URL without `/blob/<branch>/`. */
export const INFORMATION_URI = DOCS_BASE_URL.replace(/\/blob\/.*$/, '');

const LEVEL: Record<ReportedSeverity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).
 *
 * - URIs are relative to the working folder (`uriBaseId: %SRCROOT%`, whose absolute `file:` URI is in
 *   `originalUriBaseIds`); a file outside the working folder gets an absolute `file:` URI instead.
 * - Columns are 1-based UTF-16 code units, `endColumn` exclusive (SARIF's definition), `columnKind` says so.
 * - Related locations (the read, the await) are listed with ids and linked from the message text (`[…](id)`),
 *   which is how GitHub shows them.
 * - `partialFingerprints.primaryLocationLineHash`: see {@link lineHash}.
 * - Parse errors, unreadable, skipped and (with --fix) unwritable files are `toolExecutionNotifications` of the one invocation;
 *   `executionSuccessful` is false only when the engine crashed on a file.
 */
export function formatSarif(report: Report): string {
  const ruleIndex = new Map(report.rules.map((meta, i) => [meta.id as string, i]));
  const artifacts: { location: { uri: string; uriBaseId?: string } }[] = [];
  const artifactIndex = new Map<string, number>();
  const artifactLocation = (r: FileResult) => {
    const loc = fileLocation(r, report.cwd);
    let index = artifactIndex.get(r.path);
    if (index === undefined) {
      index = artifacts.length;
      artifacts.push({ location: { ...loc } });
      artifactIndex.set(r.path, index);
    }
    return { ...loc, index };
  };

  const results: unknown[] = [];
  const notifications: unknown[] = [];
  const unusedDirectiveIndex = report.rules.length;
  let unusedDirectives = 0;
  let executionSuccessful = true;

  for (const r of report.results) {
    if (r.parseError) {
      notifications.push({
        level: 'error',
        message: { text: `Parsing error: ${r.parseError.message}` },
        descriptor: { id: 'parse-error' },
        locations: [
          {
            physicalLocation: {
              artifactLocation: artifactLocation(r),
              region: { startLine: Math.max(1, r.parseError.line), startColumn: Math.max(1, r.parseError.column + 1) },
            },
          },
        ],
      });
    }
    if (r.readError !== undefined) {
      notifications.push(fileNotification('error', 'read-error', `Cannot read file: ${r.readError}`, artifactLocation(r)));
    }
    if (r.skipped !== undefined) {
      notifications.push(fileNotification('warning', 'file-skipped', `File skipped: ${r.skipped}`, artifactLocation(r)));
    }
    if (r.fixError !== undefined) {
      notifications.push(fileNotification('warning', 'fix-not-written', `File not fixed: ${r.fixError}`, artifactLocation(r)));
    }
    if (r.internalError !== undefined) {
      executionSuccessful = false;
      notifications.push(fileNotification('error', 'internal-error', `Internal error while analysing this file: ${r.internalError}`, artifactLocation(r)));
    }

    const lines = r.text !== undefined ? r.text.split(/\r\n|\r|\n/) : [];
    const seen = new Map<string, number>();
    for (const f of r.findings) {
      const index = ruleIndex.get(f.ruleId);
      const hash = lineHash(f, lines[f.range.start.line - 1] ?? '');
      const occurrence = (seen.get(hash) ?? 0) + 1;
      seen.set(hash, occurrence);
      const location = artifactLocation(r);
      const links = f.related.map((rel, i) => `[${escapeText(rel.message)}](${i + 1})`);
      results.push({
        ruleId: f.ruleId,
        ...(index !== undefined ? { ruleIndex: index } : {}),
        level: LEVEL[f.severity],
        message: { text: messageWithLinks(f.message, links) },
        locations: [{ physicalLocation: { artifactLocation: location, region: region(f.range) } }],
        ...(f.related.length > 0
          ? {
              relatedLocations: f.related.map((rel, i) => ({
                id: i + 1,
                physicalLocation: { artifactLocation: location, region: region(rel.range) },
                message: { text: rel.message },
              })),
            }
          : {}),
        ...(f.interleaving ? { codeFlows: [codeFlow(f.interleaving, location)] } : {}),
        partialFingerprints: { primaryLocationLineHash: `${hash}:${occurrence}` },
        // SARIF's rank (0-100) orders results by how likely they are real; code scanning shows it as priority.
        rank: RANK[f.confidence],
        properties: { confidence: f.confidence, ...(f.location !== undefined ? { sharedLocation: f.location } : {}) },
      });
    }
    for (const u of r.unusedDirectives ?? []) {
      unusedDirectives++;
      const text = lines[u.range.start.line - 1] ?? '';
      const hash = createHash('sha256').update(`${UNUSED_DIRECTIVE_ID}\0${text.replace(/\s+/g, '')}`).digest('hex').slice(0, 16);
      const occurrence = (seen.get(hash) ?? 0) + 1;
      seen.set(hash, occurrence);
      results.push({
        ruleId: UNUSED_DIRECTIVE_ID,
        ruleIndex: unusedDirectiveIndex,
        level: LEVEL[u.severity],
        message: { text: escapeText(u.message) },
        locations: [{ physicalLocation: { artifactLocation: artifactLocation(r), region: region(u.range) } }],
        partialFingerprints: { primaryLocationLineHash: `${hash}:${occurrence}` },
      });
    }
  }

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'awaitguard',
            version: report.version,
            semanticVersion: report.version,
            informationUri: INFORMATION_URI,
            rules: [...report.rules.map(sarifRule), ...(unusedDirectives > 0 ? [UNUSED_DIRECTIVE_RULE] : [])],
          },
        },
        invocations: [{ executionSuccessful, toolExecutionNotifications: notifications }],
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(report.cwd) } },
        artifacts,
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function sarifRule(meta: RuleMeta) {
  const url = docsUrl(meta);
  return {
    id: meta.id,
    name: pascalCase(meta.id),
    shortDescription: { text: meta.shortDescription },
    fullDescription: { text: meta.fullDescription },
    help: {
      text: `${meta.fullDescription}\n\nDocumentation: ${url}`,
      markdown: `${meta.fullDescription}\n\n[Rule documentation](${url})`,
    },
    helpUri: url,
    defaultConfiguration: { level: LEVEL[meta.defaultSeverity] },
    properties: { tags: ['correctness', 'concurrency', 'async'] },
  };
}

/** Listed only in a log that has unused directives, after the rules, so every rule keeps its index. */
const UNUSED_DIRECTIVE_RULE = {
  id: UNUSED_DIRECTIVE_ID,
  name: 'UnusedDisableDirective',
  shortDescription: { text: 'A disable directive that suppresses nothing.' },
  fullDescription: {
    text: 'An awaitguard-disable (or eslint-disable naming awaitguard/<rule>) directive that suppressed no finding: it hides nothing today and would hide the next race on its lines. Reported with --report-unused-disable-directives; --fix removes it.',
  },
  help: {
    text: 'Delete the directive, or the rules of its list that suppressed nothing (--fix does).',
    markdown: 'Delete the directive, or the rules of its list that suppressed nothing (`--fix` does).',
  },
  helpUri: `${DOCS_BASE_URL}README.md#suppressing-a-finding`,
  defaultConfiguration: { level: 'warning' },
  properties: { tags: ['maintainability'] },
};

/** `lost-update` -> `LostUpdate`. */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((s) => s !== '')
    .map((s) => s[0]!.toUpperCase() + s.slice(1))
    .join('');
}

const RANK = { high: 90, medium: 60, low: 30 } as const;

function fileNotification(level: 'error' | 'warning', id: string, text: string, artifactLocation: object) {
  return { level, message: { text }, descriptor: { id }, locations: [{ physicalLocation: { artifactLocation } }] };
}

/** 1-based columns, end exclusive; never an end before the start. */
function region(range: SourceRange) {
  const startLine = Math.max(1, range.start.line);
  const startColumn = range.start.column + 1;
  const endLine = Math.max(startLine, range.end.line);
  const endColumn = endLine === startLine ? Math.max(startColumn, range.end.column + 1) : range.end.column + 1;
  return { startLine, startColumn, endLine, endColumn };
}

function fileLocation(r: FileResult, cwd: string): { uri: string; uriBaseId?: string } {
  const rel = path.relative(cwd, r.path);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return { uri: pathToFileURL(r.path).href };
  return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * A fingerprint that survives edits elsewhere in the file. GitHub's own `primaryLocationLineHash` (computed by
 * upload-sarif when absent) is a rolling hash over ~100 non-whitespace characters from the reported line; ours hashes
 * the rule id, the shared location (`this.balance`) and the reported line with all whitespace removed (so
 * re-indenting or moving the code keeps it), SHA-256, first 16 hex digits. The caller appends `:n`, the n-th finding
 * with that hash in the file, as GitHub does, so two identical lines still get different fingerprints.
 */
export function lineHash(f: Finding, lineText: string): string {
  const normalized = lineText.replace(/\s+/g, '');
  return createHash('sha256').update(`${f.ruleId}\0${f.location ?? ''}\0${normalized}`).digest('hex').slice(0, 16);
}

/**
 * The interleaving as one code flow with a thread flow per concurrent call: each step at its place, with what the
 * call does there, and `executionOrder` numbering the steps across the threads in the order they happen (code
 * scanning shows each thread's steps as a path).
 */
export function codeFlow(timeline: Interleaving, artifactLocation: { uri: string; uriBaseId?: string; index: number }) {
  const order = new Map(timeline.steps.map((s, i) => [s, i + 1]));
  return {
    message: { text: escapeText(timeline.outcome) },
    threadFlows: timeline.actors.map((actor, i) => ({
      id: actor.id,
      message: { text: escapeText(actor.label) },
      locations: timeline.steps
        .filter((s) => s.actor === i)
        .map((s) => ({
          location: { physicalLocation: { artifactLocation, region: region(s.range) }, message: { text: escapeText(s.text) } },
          executionOrder: order.get(s)!,
        })),
    })),
  };
}

/** The finding's sentence, then links to its related locations (GitHub shows them only when linked). */
function messageWithLinks(message: string, links: string[]): string {
  const text = escapeText(message);
  if (links.length === 0) return text;
  return `${text}${/[.!?]$/.test(text) ? '' : '.'} Related: ${links.join(', ')}.`;
}

/** SARIF plain-text messages: a literal `[` or `]` (not an embedded link) is escaped with a backslash. */
function escapeText(s: string): string {
  return s.replace(/[[\]]/g, '\\$&');
}
