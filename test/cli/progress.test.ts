// The progress line: on a terminal for long runs, never in logs or machine formats.
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { PROGRESS_MIN_FILES, progressLine } from '../../src/cli/progress.js';
import { CLEAN, RACY, makeProject, removeProjects } from './helpers.js';

afterAll(() => removeProjects());

function terminal(isTTY: boolean) {
  const stream = { chunks: [] as string[], isTTY, columns: 100, write: (s: string) => stream.chunks.push(s) };
  return stream;
}

describe('progressLine', () => {
  it('redraws one line at most every 100 ms, always shows the last file, and erases itself', () => {
    const tty = terminal(true);
    let now = 0;
    const progress = progressLine(tty, 500, () => now);
    progress.update(1, 0);
    now = 50;
    progress.update(2, 1); // too soon: skipped
    now = 150;
    progress.update(3, 2);
    progress.update(500, 7); // the last one is drawn even when soon after
    progress.end();
    expect(tty.chunks).toEqual([
      '\rawaitguard: checked 1/500 files, 0 findings\u001b[K',
      '\rawaitguard: checked 3/500 files, 2 findings\u001b[K',
      '\rawaitguard: checked 500/500 files, 7 findings\u001b[K',
      '\r\u001b[K',
    ]);
  });

  it('fits the terminal width, and leaves the line whole when the terminal reports no size', () => {
    const narrow = { ...terminal(true), columns: 30 };
    const chunks: string[] = [];
    narrow.write = (s: string) => chunks.push(s);
    progressLine(narrow, 500).update(1, 0);
    expect(chunks).toEqual(['\rawaitguard: checked 1/500 fil\u001b[K']);
    const sizeless = terminal(true);
    (sizeless as { columns: number }).columns = 0;
    progressLine(sizeless, 500).update(1, 0);
    expect(sizeless.chunks).toEqual(['\rawaitguard: checked 1/500 files, 0 findings\u001b[K']);
  });

  it('writes nothing off a terminal or for a short run', () => {
    for (const [stream, total] of [
      [terminal(false), 5000],
      [terminal(true), PROGRESS_MIN_FILES - 1],
    ] as const) {
      const progress = progressLine(stream, total);
      progress.update(1, 1);
      progress.end();
      expect(stream.chunks).toEqual([]);
    }
  });
});

describe('progress during a check', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < PROGRESS_MIN_FILES + 10; i++) files[`src/f${i}.ts`] = i % 10 === 0 ? RACY : CLEAN;

  async function check(format: string, isTTY: boolean) {
    const dir = makeProject(files);
    const stderr = terminal(isTTY);
    let stdout = '';
    const code = await run(['check', '--jobs', '1', '--format', format], {
      cwd: dir,
      env: {},
      stdout: { write: (s: string) => (stdout += s), isTTY: false },
      stderr,
    });
    return { code, stdout, stderr: stderr.chunks.join('') };
  }

  it('shows files done and findings so far on a terminal, then clears the line before the report', async () => {
    const { code, stderr } = await check('stylish', true);
    expect(code).toBe(1);
    expect(stderr.startsWith('\rawaitguard: checked 1/210 files, 1 finding\u001b[K')).toBe(true);
    expect(stderr).toContain('\rawaitguard: checked 210/210 files, 21 findings\u001b[K');
    expect(stderr.endsWith('\r\u001b[K')).toBe(true);
  });

  it('stays silent for machine formats and when stderr is not a terminal', async () => {
    expect((await check('json', true)).stderr).toBe('');
    expect((await check('sarif', true)).stderr).toBe('');
    expect((await check('stylish', false)).stderr).toBe('');
  });
});
