import { plural } from './report.js';

/** Runs shorter than this finish before a progress line would be worth reading. */
export const PROGRESS_MIN_FILES = 200;
const REDRAW_MS = 100;

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  update(done: number, findings: number): void;
  /** Erases the line, so the report starts on a clean one. */
  end(): void;
}

const SILENT: Progress = { update() {}, end() {} };

/**
 * One self-overwriting line on a terminal (`checked 1200/5000 files, 37 findings`). Silent when the stream is
 * not a terminal, so logs and piped output stay clean.
 */
export function progressLine(stream: ProgressStream, total: number, now: () => number = Date.now): Progress {
  if (stream.isTTY !== true || total < PROGRESS_MIN_FILES) return SILENT;
  let last = -Infinity;
  let shown = false;
  return {
    update(done, findings) {
      const t = now();
      if (t - last < REDRAW_MS && done < total) return;
      last = t;
      shown = true;
      const line = `awaitguard: checked ${done}/${total} files, ${plural(findings, 'finding')}`;
      // Kept within the terminal's width, or a wrapped line could not be overwritten. A pseudo-terminal
      // without a size reports 0 columns: then the line is left whole.
      const width = stream.columns !== undefined && stream.columns > 20 ? stream.columns - 1 : line.length;
      stream.write(`\r${line.slice(0, width)}\u001b[K`);
    },
    end() {
      if (shown) stream.write('\r\u001b[K');
    },
  };
}
