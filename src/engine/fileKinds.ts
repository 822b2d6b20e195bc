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
 * Yarn's own code, checked in by projects that use it: `.yarn/releases/yarn-4.x.cjs`, `.yarn/plugins/…`, the
 * Plug'n'Play loader `.pnp.cjs`. Bundles of a package manager, not the project's code (GitHub's linguist
 * counts them as vendored too).
 */
const PNP_FILE = /^\.pnp\.(c?js|loader\.mjs)$/;

/**
 * The kind of a file by common conventions, from its path relative to the project root (`/` or `\` separated):
 * a folder named `test`, `__tests__`, `spec`, … or a name like `*.test.ts` makes it test code; `bench/`,
 * `benchmarks/` or `*.bench.ts` a benchmark; `scripts/`, `examples/`, … a script; anything else is source.
 * The innermost convention wins, so `packages/a/test/bench/x.ts` is a benchmark and `test/scripts/x.ts` a script.
 */
export function conventionalFileKind(relPath: string): FileKind {
  const parts = relPath.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  const name = parts.pop() ?? '';
  if (parts.includes('.yarn') || PNP_FILE.test(name)) return 'generated';
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
 * comment a compiler or bundler writes, or that is minified. Its findings repeat the source's (or a package's), at
 * places no one edits, so no rule reports there unless `rulesByKind.generated` turns one on.
 */
export function isBuildOutput(fileName: string, text: string): boolean {
  if (!/\.[cm]?js$/i.test(fileName)) return false;
  const tail = text.slice(-400).trimEnd();
  const last = tail.slice(tail.lastIndexOf('\n') + 1);
  return /^\/\/[#@] sourceMappingURL=\S+$/.test(last) || isMinified(text);
}

/**
 * A minified bundle (`vendor/chart.min.js`, a bundled plugin): lines that average more than 110 characters, the
 * test GitHub's linguist applies to JavaScript. Hand-written code stays far below it; a short file proves little.
 */
function isMinified(text: string): boolean {
  if (text.length < MIN_MINIFIED_LENGTH) return false;
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.length / lines > 110;
}

const MIN_MINIFIED_LENGTH = 2048;
