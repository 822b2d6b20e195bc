/**
 * Where a file's code lives, from its path inside the project. Rules weigh findings by it: deliberate fan-out in
 * a benchmark, or "run 10 calls at once" in a test, is not a production race, and a user reading the first page
 * of findings should see the production code's.
 */
export const FILE_KINDS = ['source', 'test', 'benchmark', 'script', 'generated'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

const TEST_DIRS = new Set(['test', 'tests', '__tests__', '__test__', 'spec', 'specs', '__mocks__', 'e2e', 'test-utils', 'testing', 'fixtures', '__fixtures__', 'integration-tests', 'unit-tests']);
/** `system-test/`, `integration-tests/`, `e2e-tests/`, `test-helpers/`: a test folder by its name's part. */
const TEST_DIR_PART = /^[a-z0-9]+[-_]tests?$|^tests?[-_][a-z0-9-_]+$/;
const BENCH_DIRS = new Set(['bench', 'benches', 'benchmark', 'benchmarks', 'perf']);
const SCRIPT_DIRS = new Set(['scripts', 'script', 'examples', 'example', 'demo', 'demos', 'samples', 'sample', 'playground']);
const SOURCE_DIRS = new Set(['src', 'lib', 'source']);
/** `x.test.ts`, `x.spec.js`, `x.e2e.ts`, `x.test-d.ts`, `x_test.js`; `x.bench.ts`. */
const TEST_FILE = /(^|[._-])(test|spec|e2e)([._-][^/]*)?\.[cm]?[jt]sx?$|^test[._-]/i;
const BENCH_FILE = /[._-](bench|benchmark)\.[cm]?[jt]sx?$/i;

/**
 * The kind of a file by common conventions, from its path relative to the project root (`/` or `\` separated):
 * a folder named `test`, `__tests__`, `spec`, … or a name like `*.test.ts` makes it test code; `bench/`,
 * `benchmarks/` or `*.bench.ts` a benchmark; `scripts/`, `examples/`, … a script; anything else is source.
 * The innermost convention wins, so `packages/a/test/bench/x.ts` is a benchmark and `test/scripts/x.ts` a script.
 */
export function conventionalFileKind(relPath: string): FileKind {
  const parts = relPath.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  const name = parts.pop() ?? '';
  if (BENCH_FILE.test(name)) return 'benchmark';
  if (TEST_FILE.test(name)) return 'test';
  for (let i = parts.length - 1; i >= 0; i--) {
    const dir = parts[i]!.toLowerCase();
    if (TEST_DIRS.has(dir) || TEST_DIR_PART.test(dir)) return 'test';
    if (BENCH_DIRS.has(dir)) return 'benchmark';
    if (SCRIPT_DIRS.has(dir)) return 'script';
    // A project's `dev/` holds the scripts and playgrounds its developers run; inside `src/` it is shipped code
    // (a library's development-build helpers).
    if (dir === 'dev' && !parts.slice(0, i).some((p) => SOURCE_DIRS.has(p.toLowerCase()))) return 'script';
  }
  return 'source';
}

/**
 * A build's output checked in next to its source (`dist/`, `lib.esm/`): JavaScript that ends with the source map
 * comment a compiler or bundler writes. Its findings repeat the source's, at places no one edits, so no rule
 * reports there unless `rulesByKind.generated` turns one on.
 */
export function isBuildOutput(fileName: string, text: string): boolean {
  if (!/\.[cm]?js$/i.test(fileName)) return false;
  const tail = text.slice(-400).trimEnd();
  const last = tail.slice(tail.lastIndexOf('\n') + 1);
  return /^\/\/[#@] sourceMappingURL=\S+$/.test(last);
}
