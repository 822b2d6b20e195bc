import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
);
