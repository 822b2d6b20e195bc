/**
 * Where a file's code lives, from its path inside the project. Rules weigh findings by it: deliberate fan-out in
 * a benchmark, or "run 10 calls at once" in a test, is not a production race, and a user reading the first page
 * of findings should see the production code's.
 */
export const FILE_KINDS = ['source', 'test', 'benchmark', 'script', 'generated'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

const TEST_DIRS = new Set(['test', 'tests', '__tests__', '__test__', 'spec', 'specs', '__mocks__', 'e2e', 'test-utils', 'testing', 'fixtures', '__fixtures__', 'integration-tests', 'unit-tests']);
/**
 * `system-test/`, `integration-tests/`, `browser-integration-tests/`, `test-helpers/`, `helpers.test/`: a test
 * folder by its name's part. `spec` counts only after a dot: `openapi-spec/` is an API's description.
 */
const TEST_DIR_PART = /^[a-z0-9][a-z0-9-_.]*([-_.]tests?|\.spec)$|^tests?[-_][a-z0-9-_]+$/;
/** Cucumber's step definitions, wherever they sit. */
const STEP_DIRS = new Set(['step_definitions', 'step-definitions', 'stepdefinitions']);
/** Cucumber's `features/` (`features-legacy/`), whose `support/` holds the World and hooks the steps run with. */
const FEATURES_DIR = /^features([-_][a-z0-9-_]+)?$/;
const BENCH_DIRS = new Set(['bench', 'benches', 'benchmark', 'benchmarks', 'perf']);
/** Scripts, examples, and a database's seeders (`seeds/`, `seeders/`): development data, loaded once by a CLI. */
const SCRIPT_DIRS = new Set(['scripts', '.scripts', 'script', 'examples', 'example', 'demo', 'demos', 'samples', 'sample', 'playground', 'seed', 'seeds', 'seeders']);
/**
 * The repository's own automation, wherever it sits: release notes (`.changeset/`), CI helpers
 * (`.github/scripts/`), git hooks (`.husky/`).
 */
const TOOLING_DIRS = new Set(['.changeset', '.github', '.husky']);
/** `repo-scripts/`, `build-scripts/`, `release_scripts/`: a scripts folder by its name's part. */
const SCRIPT_DIR_PART = /^[a-z0-9][a-z0-9-_]*[-_]scripts?$/;
/**
 * A task runner's entry file (`gulpfile.js`, `Gruntfile.cjs`, `jakefile.ts`) or a bundler's configuration
 * (`vite.config.ts`, `webpack.config.js`, `rollup.config.mjs`, `tsup.config.ts`): code a build runs on a
 * developer's machine, over the repository's own files.
 */
const TASK_FILE = /^((gulpfile|gruntfile|jakefile)(\.[a-z]+)?|(vite|webpack|rollup|esbuild|tsup|rspack|rsbuild|rolldown)\.([a-z-]+\.)?config(\.[a-z-]+)?)\.[cm]?[jt]s$/i;
const SOURCE_DIRS = new Set(['src', 'lib', 'source']);
/**
 * At the repository's root, a documentation site, its tutorials' sample apps and the developers' own tooling:
 * `docs/`, `website/`, `tutorials/`, `tools/`, `tooling/`. Deeper down the names are a package's own
 * (`packages/tools/`, `src/docs/` of a docs generator, an app's `src/tutorial/` onboarding screens). GitHub's
 * linguist treats a root `docs/` the same way, as documentation rather than the product.
 */
const ROOT_SCRIPT_DIRS = new Set(['docs', 'doc', 'documentation', 'website', 'tutorials', 'tutorial', 'tools', 'tooling']);
/**
 * At the repository's root, the end-to-end suites: `integration/`, and a folder named after its browser test
 * runner (`playwright/`, `cypress/`). Deeper down these are a package's own names (`src/integration/` wires a
 * service in; `packages/playwright/` is the runner itself).
 */
const ROOT_TEST_DIRS = new Set(['integration', 'playwright', 'cypress']);
/** `x.test.ts`, `x.spec.js`, `x.e2e.ts`, `x.test-d.ts`, `x_test.js`, `x.vitest.ts` (kept apart from jest's); `x.bench.ts`. */
const TEST_FILE = /(^|[._-])(test|spec|e2e)([._-][^/]*)?\.[cm]?[jt]sx?$|^test[._-]|\.vitest\.[cm]?[jt]sx?$/i;
const BENCH_FILE = /[._-](bench|benchmark)\.[cm]?[jt]sx?$/i;
/**
 * A test runner's own setup and configuration: `vitest.setup.ts`, `jest.setup.js`, `vitest.config.mts`,
 * `playwright.config.ts`, `karma.conf.js`, `wdio.conf.ts`, `setupTests.ts`, `jest.global-setup.ts`. They run
 * around the tests (a teardown deleting the files the tests made), not in the product.
 */
const TEST_RUNNER_FILE = /^((vitest|jest|playwright|karma|wdio|mocha|ava|cypress|jasmine)\.([a-z-]+\.)?(setup|teardown|config|conf|workspace|global-setup|global-teardown)|setup-?tests?)\.[cm]?[jt]sx?$/i;
/**
 * Yarn's own code, checked in by projects that use it: `.yarn/releases/yarn-4.x.cjs`, `.yarn/plugins/…`, the
 * Plug'n'Play loader `.pnp.cjs`. Bundles of a package manager, not the project's code (GitHub's linguist
 * counts them as vendored too).
 */
const PNP_FILE = /^\.pnp\.(c?js|loader\.mjs)$/;

/**
 * Folders of code copied in from elsewhere or written by a build. `build/` and `out/` are not among them: in
 * the real repositories measured they hold hand-written build scripts (and one API's `build` resource) as
 * often as output, so files there are judged by their content.
 */
const VENDOR_DIRS = new Set(['vendor', 'vendors', 'third_party', 'third-party', 'bower_components', 'jspm_packages']);
const OUTPUT_DIRS = new Set(['dist', 'coverage', '.next', '.nuxt', '.svelte-kit', '.output', 'storybook-static']);
/**
 * Docusaurus's `versioned_docs/version-3.14/`: a copy of the docs (their code samples included) that its
 * `docs:version` command makes at each release. The live copy is checked where it lives; each frozen copy
 * would repeat its findings once per version.
 */
const VERSIONED_DOCS_DIRS = new Set(['versioned_docs', 'versioned_sidebars']);
/** `chart.min.js`, `app.bundle.mjs`: a name that says a tool wrote it. */
const BUILT_NAME = /\.(min|bundle)\.[cm]?js$/i;

/** Why a file counts as code nobody here wrote by hand, when it does. */
export type GeneratedReason = 'package manager' | 'vendored' | 'versioned docs' | 'build output folder' | 'minified name' | 'source map' | 'minified' | 'compiled' | 'bundled' | 'generated marker';

/**
 * Is the file, by its path relative to the project root, code nobody here wrote: a package manager's bundle,
 * a vendored folder, a build's output folder, a minified or bundled name? A file named as a test, or a
 * vendor folder inside a test folder, is not vendored (`test/third-party/axios.test.ts` tests an integration).
 */
export function generatedByPath(relPath: string): GeneratedReason | null {
  const parts = relPath.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  const name = parts.pop() ?? '';
  if (parts.includes('.yarn') || PNP_FILE.test(name)) return 'package manager';
  if (BUILT_NAME.test(name)) return 'minified name';
  if (TEST_FILE.test(name) || BENCH_FILE.test(name)) return null;
  const lower = parts.map((p) => p.toLowerCase());
  // Under a test folder, `third-party/` holds the project's own tests of its integrations.
  const vendor = lower.findIndex((p) => VENDOR_DIRS.has(p));
  if (vendor !== -1 && !lower.slice(0, vendor).some((p) => TEST_DIRS.has(p))) return 'vendored';
  if (lower.some((p) => OUTPUT_DIRS.has(p))) return 'build output folder';
  if (lower.some((p) => VERSIONED_DOCS_DIRS.has(p))) return 'versioned docs';
  return null;
}

/**
 * The kind of a file by common conventions, from its path relative to the project root (`/` or `\` separated):
 * a folder named `test`, `__tests__`, `spec`, … or a name like `*.test.ts` makes it test code; `bench/`,
 * `benchmarks/` or `*.bench.ts` a benchmark; `scripts/`, `build-scripts/`, `examples/`, `.changeset/`, `.github/`, a
 * `gulpfile.js`, … (and at the root `docs/`, `website/`, `tools/`, `tooling/`) a script; at the root `integration/`,
 * `playwright/` and `cypress/` are test code too; anything else is source.
 * The innermost convention wins, so `packages/a/test/bench/x.ts` is a benchmark and `test/scripts/x.ts` a script.
 */
export function conventionalFileKind(relPath: string, options: { generated?: boolean } = {}): FileKind {
  if (options.generated !== false && generatedByPath(relPath) !== null) return 'generated';
  const parts = relPath.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  const name = parts.pop() ?? '';
  if (BENCH_FILE.test(name)) return 'benchmark';
  if (TEST_FILE.test(name) || TEST_RUNNER_FILE.test(name)) return 'test';
  if (TASK_FILE.test(name)) return 'script';
  for (let i = parts.length - 1; i >= 0; i--) {
    const dir = parts[i]!.toLowerCase();
    if (TEST_DIRS.has(dir) || TEST_DIR_PART.test(dir) || STEP_DIRS.has(dir) || (i === 0 && ROOT_TEST_DIRS.has(dir))) return 'test';
    // Only outside the product's sources: an app's `src/features/support/` is its customer-support screens.
    if (dir === 'support' && i > 0 && FEATURES_DIR.test(parts[i - 1]!.toLowerCase()) && !parts.slice(0, i).some((p) => SOURCE_DIRS.has(p.toLowerCase()))) return 'test';
    if (BENCH_DIRS.has(dir)) return 'benchmark';
    if (SCRIPT_DIRS.has(dir) || SCRIPT_DIR_PART.test(dir) || TOOLING_DIRS.has(dir) || (i === 0 && ROOT_SCRIPT_DIRS.has(dir))) return 'script';
    // A project's `dev/` holds the scripts and playgrounds its developers run; inside `src/` it is shipped code
    // (a library's development-build helpers), and so is a `src/` inside it.
    if (dir === 'dev' && !parts.some((p, j) => j !== i && SOURCE_DIRS.has(p.toLowerCase()))) return 'script';
  }
  return 'source';
}

/**
 * Is the file, by its text, code nobody here wrote: JavaScript that ends with the source map comment a compiler
 * or bundler writes, that is minified, or that a compiler wrote as CommonJS; any file whose leading comment says a tool generated it
 * (`// Code generated by protoc-gen-ts. DO NOT EDIT.`, `@generated`, an OpenAPI client's "auto generated …
 * Do not edit the class manually"). Its findings repeat the source's (or a package's), at places no one
 * edits, so no rule reports there unless `rulesByKind.generated` turns one on.
 */
export function generatedByContent(fileName: string, text: string): GeneratedReason | null {
  if (/\.[cm]?js$/i.test(fileName)) {
    const tail = text.slice(-400).trimEnd();
    const last = tail.slice(tail.lastIndexOf('\n') + 1);
    if (/^\/\/[#@] sourceMappingURL=\S+$/.test(last)) return 'source map';
    if (isMinified(text)) return 'minified';
    const head = text.slice(0, 4000);
    if (isCompiledModule(head)) return 'compiled';
    if (isBundle(head)) return 'bundled';
  }
  return hasGeneratedMarker(text) ? 'generated marker' : null;
}

/**
 * A module TypeScript or Babel compiled to CommonJS and the project checked in (`lib/build/*.js` beside the
 * `lib/ts/*.ts` it came from, an action's `lib/`): it marks itself an ES module for importers
 * (`Object.defineProperty(exports, "__esModule", { value: true })`) and declares its exports `void 0` before
 * assigning them (`exports.load = exports.save = void 0;`), which nobody writes by hand.
 */
function isCompiledModule(head: string): boolean {
  return /^Object\.defineProperty\(exports, ["']__esModule["'], \{\s*value: true\s*\}\);$/m.test(head) && /^exports\.[\w$]+ = (exports\.[\w$]+ = )*void 0;$/m.test(head);
}

/**
 * A bundle esbuild or Bun wrote (`var __defProp = Object.defineProperty;` followed by its module helpers
 * `__export`, `__toESM`, `__commonJS`), or webpack (its `webpackBootstrap` runtime): helpers a bundler prepends
 * to every bundle and nobody writes by hand, checked in where no path says so (`registry/static/worker.js`).
 */
function isBundle(head: string): boolean {
  if (/^\/\*+\/ \(\(\) => \{ \/\/ webpackBootstrap$|^\/\*+\/ \(function\(modules\) \{ \/\/ webpackBootstrap$/m.test(head)) return true;
  // esbuild's bundle of dependencies whose helpers come from a file of their own (`require('./esblib.cjs')`):
  // each module opens with the path it was read from, `// node_modules/fast-glob/out/index.js`, and is wrapped
  // as `var require_out = __commonJS({` (or `var init_x = __esm({`).
  if (/^\/\/ node_modules\/\S+$/m.test(head) && /^var [\w$]+ = __(commonJS|esm)\(\{$/m.test(head)) return true;
  return /^var __defProp = Object\.defineProperty;$/m.test(head) && /^var __(export|toESM|commonJS|esm|require) = /m.test(head);
}

/** Checked-in build output or generated code (see `generatedByContent`). */
export function isBuildOutput(fileName: string, text: string): boolean {
  return generatedByContent(fileName, text) !== null;
}

/**
 * Does the file's leading comment (before any code; a shebang and a `'use strict'` may come first) say a tool
 * wrote it? `@generated` opening a comment line (Meta's convention); "this file (or code, class, module) was/is
 * (auto-)generated"; or "Generated by …" opening a line, or "auto-generated" anywhere, with a warning not to
 * edit. A mention further down, or in a comment about something else ("ids are generated by the server"), does
 * not count.
 */
function hasGeneratedMarker(text: string): boolean {
  const head = leadingComments(text.slice(0, 4000));
  if (head === '') return false;
  if (/^[\t ]*(\/\/+|\/?\*+)?[\t ]*@generated\b/m.test(head)) return true;
  if (/\b(this|the) (file|code|class|module) (was|is|has been) (automatically |auto[- ]?)?generated\b/i.test(head)) return true;
  // "Generated by …" opening a comment line, or "auto-generated" anywhere, with a warning not to edit.
  const said = /\bauto[- ]?generated\b/i.test(head) || /^[\t ]*(\/\/+|\/?\*+)?[\t ]*(code )?generated (by|from|with|using)\b/im.test(head);
  return said && /\b(do not|don'?t|never) (edit|modify|change)\b|\bmanual(ly)? (edits|changes)\b|\b(edits|changes) (to this file )?will be (lost|overwritten)\b/i.test(head);
}

const DIRECTIVE = /^\/\/\s*(@ts-|eslint-|prettier-|istanbul |c8 |biome-|oxlint-)/;

/** The comments a text opens with, up to its first token of code (directives left out). */
function leadingComments(text: string): string {
  let i = 0;
  let out = '';
  if (text.startsWith('#!')) i = text.indexOf('\n') + 1 || text.length;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const line = text.slice(i, end === -1 ? text.length : end);
      // A directive's reason is about the line it governs (`// @ts-ignore - this file is generated at build`).
      if (!DIRECTIVE.test(line)) out += line + '\n';
      i = end === -1 ? text.length : end + 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      out += text.slice(i, end === -1 ? text.length : end + 2) + '\n';
      i = end === -1 ? text.length : end + 2;
    } else {
      const directive = /^(['"])use strict\1;?/.exec(text.slice(i, i + 14));
      if (!directive) return out;
      i += directive[0].length;
    }
  }
}

/**
 * A minified bundle (`vendor/chart.min.js`, a bundled plugin): lines that average more than 110 characters, the
 * test GitHub's linguist applies to JavaScript, with at least one of 500 or more (a minifier joins statements
 * into lines of thousands). Hand-written code stays far below it, and so does a data table written one record a
 * line; a short file proves little.
 */
function isMinified(text: string): boolean {
  if (text.length < MIN_MINIFIED_LENGTH) return false;
  let lines = 1;
  let longest = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    lines++;
    longest = Math.max(longest, i - start);
    start = i + 1;
  }
  longest = Math.max(longest, text.length - start);
  return text.length / lines > 110 && longest >= 500;
}

const MIN_MINIFIED_LENGTH = 2048;
