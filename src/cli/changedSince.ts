import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../shared/errors.js';
import type { FileResult } from './report.js';

/*
 * `--changed-since REF`: a pull request is checked on what it changes. The files are those that differ from the
 * merge base of REF and HEAD (committed, staged, unstaged, and new untracked files), and a finding is reported
 * when the function it sits in (its outermost function: a method, a top-level function) has a changed line, or,
 * at module level, when its own lines changed. Everything else of the project is still read where the checked
 * files import it, so what imported functions do is known as in a full run.
 */

/** Per changed file (absolute path): its changed lines as sorted inclusive [start, end] spans, or 'all' for a new file. */
export type ChangedLines = Map<string, [number, number][] | 'all'>;

function git(args: string[], cwd: string, what: string): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) throw new UsageError(`--changed-since needs git: ${r.error.message}`);
  if (r.status !== 0) {
    const said = r.stderr.trim().split('\n')[0];
    throw new UsageError(`--changed-since: ${what}${said ? ` (${said})` : ''}`);
  }
  return r.stdout;
}

export function changedSince(ref: string, cwd: string): ChangedLines {
  const realTop = git(['rev-parse', '--show-toplevel'], cwd, 'not in a git repository').trim();
  // git names the real path; the discovered files are named from cwd as given (a linked folder on the way).
  const top = path.resolve(cwd, path.relative(realpathSync(cwd), realTop));
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd, `unknown revision "${ref}" (fetch it first, e.g. git fetch origin main)`);
  const base = git(['merge-base', ref, 'HEAD'], cwd, `no common history between ${ref} and HEAD`).trim();
  const changed: ChangedLines = new Map();
  // -U0: the hunks are exactly the changed lines; no renames, so a moved file counts as new.
  const diff = git(['diff', '-U0', '--no-color', '--no-ext-diff', '--no-renames', '--diff-filter=AM', base, '--'], realTop, 'git diff failed');
  let file: string | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const name = line.slice(4);
      file = name === '/dev/null' ? undefined : path.resolve(top, unquote(name).replace(/^b\//, ''));
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!hunk || file === undefined) continue;
    const start = Number(hunk[1]);
    const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
    // A deletion leaves no line behind: the lines on both sides of where it was belong to what changed.
    const span: [number, number] = count === 0 ? [Math.max(1, start), start + 1] : [start, start + count - 1];
    const spans = changed.get(file);
    if (spans === 'all') continue;
    if (spans) spans.push(span);
    else changed.set(file, [span]);
  }
  for (const name of git(['ls-files', '--others', '--exclude-standard', '-z'], realTop, 'git ls-files failed').split('\0')) {
    if (name !== '') changed.set(path.resolve(top, name), 'all');
  }
  return changed;
}

/** `"a\tb.ts"` as git quotes unusual names, back to the name. */
function unquote(name: string): string {
  if (!name.startsWith('"')) return name;
  try {
    return JSON.parse(name) as string;
  } catch {
    return name;
  }
}

/** The results with only what lies in changed functions (or changed module-level lines). */
export function onlyChanged(results: readonly FileResult[], changed: ChangedLines): FileResult[] {
  return results.map((r) => {
    const spans = changed.get(r.path);
    if (spans === 'all' || spans === undefined) return r;
    const touches = (start: number, end: number): boolean => spans.some(([a, b]) => a <= end && start <= b);
    const findings = r.findings.filter((f) => (f.functionLines ? touches(f.functionLines.start, f.functionLines.end) : touches(f.range.start.line, f.range.end.line)));
    const unusedDirectives = r.unusedDirectives?.filter((u) => touches(u.range.start.line, u.range.end.line));
    return { ...r, findings, ...(unusedDirectives ? { unusedDirectives } : {}) };
  });
}
