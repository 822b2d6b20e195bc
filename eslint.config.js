import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * The layers of shared/DESIGN.md, enforced: each folder of src/ may import only what its arrow allows, and the
 * engine and the fixes only through the public entry of the layer below them.
 */
const FRONT_ENDS = ['cli', 'server', 'extension', 'eslint'];
const folder = (name) => [`../${name}/*`, `../../${name}/*`, `./${name}/*`];
const layer = (name, forbidden, message, extra = []) => ({
  files: [`src/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: [{ group: forbidden.flatMap(folder), message }, ...extra] },
    ],
  },
});
const onlyEntries = {
  group: ['**/engine/*', '!**/engine/index.js', '**/fixes/*', '!**/fixes/index.js'],
  message: 'use the public entry (engine/index.js, fixes/index.js): DESIGN.md, "front ends and fixes use the engine through its public entry"',
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', 'examples/**', '.cache/**', 'bench/corpus/**', 'src/runtime/vendor/**', '.notes/**', 'test/.fixed/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `await using _ = await lock.acquire()` is the point of the declaration.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreUsingDeclarations: true }],
    },
  },
  layer('engine', ['fixes', 'shared', 'runtime', ...FRONT_ENDS], 'the engine imports no other layer (DESIGN.md)', [
    { group: ['node:fs', 'fs', 'vscode', 'vscode-*'], message: 'the engine is pure: no file system, no editor' },
  ]),
  layer('fixes', ['shared', 'runtime', ...FRONT_ENDS], 'fixes use the engine only (DESIGN.md)', [
    { group: ['../engine/*', '!../engine/index.js'], message: 'fixes use the engine through its public entry, engine/index.js' },
  ]),
  layer('shared', ['fixes', 'runtime', ...FRONT_ENDS], 'shared/ serves the front ends and uses the engine only (DESIGN.md)', [
    { group: ['../engine/*', '!../engine/index.js'], message: 'use the engine through its public entry, engine/index.js' },
  ]),
  layer('cli', ['server', 'extension', 'eslint', 'runtime'], 'the CLI is a front end of its own', [onlyEntries]),
  layer('server', ['cli', 'extension', 'eslint', 'runtime'], 'the server is a front end of its own', [onlyEntries]),
  layer('eslint', ['cli', 'server', 'extension', 'runtime'], 'the ESLint plugin is a front end of its own', [
    onlyEntries,
    // It reads the modules a linted file imports as the CLI does; the rest of shared/ serves the other front ends.
    { group: ['../shared/*', '!../shared/projectHost.js'], message: 'the ESLint plugin uses only shared/projectHost.js of shared/' },
  ]),
  layer('extension', ['engine', 'fixes', 'cli', 'server', 'eslint', 'runtime'], 'the VS Code client is thin: it talks to the server through shared/protocol.ts'),
  {
    files: ['src/runtime/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['*', '!./*'], message: 'the runtime imports nothing (it is vendored as one file)' }] }] },
  },
  {
    // Analyses run side by side (worker threads, a server answering during a check): no state between them.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'Program > VariableDeclaration[kind="let"]', message: 'no module-level mutable state in the engine' },
        { selector: 'Program > ExportNamedDeclaration > VariableDeclaration[kind="let"]', message: 'no module-level mutable state in the engine' },
      ],
    },
  },
);
