// Lints text the way a user's flat config does: the plugin's recommended config, with typescript-eslint's
// parser or ESLint's default parser espree (no parser configured at all).
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import plugin from '../../src/eslint/index.js';

export type ParserName = 'typescript-eslint' | 'espree';

/** Files espree can parse: JavaScript, JSX included. */
export const JS_FILE = /\.(?:[cm]?js|jsx)$/;

const FILES = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];

export interface LintOptions {
  parser?: ParserName;
  settings?: Record<string, unknown>;
  rules?: Linter.RulesRecord;
}

export function lintConfig(filename: string, options: LintOptions = {}): Linter.Config[] {
  // JSX in .js is common in the corpus; .ts cannot hold JSX (`<T>x` is a cast there).
  const jsx = !/\.[cm]?ts$/.test(filename);
  const languageOptions: Linter.LanguageOptions = { parserOptions: { ecmaFeatures: { jsx } } };
  if (options.parser !== 'espree') languageOptions.parser = tseslint.parser as Linter.Parser;
  return [
    { files: FILES, languageOptions, ...(options.settings ? { settings: options.settings } : {}) },
    plugin.configs.recommended as Linter.Config,
    ...(options.rules ? [{ files: FILES, rules: options.rules }] : []),
  ];
}

export function lint(code: string, filename: string, options: LintOptions = {}): Linter.LintMessage[] {
  return new Linter({ configType: 'flat' }).verify(code, lintConfig(filename, options), filename);
}

/** The text after applying one suggestion (ESLint has merged its edits into one). */
export function applySuggestion(code: string, suggestion: Linter.LintSuggestion): string {
  const [start, end] = suggestion.fix.range;
  return code.slice(0, start) + suggestion.fix.text + code.slice(end);
}
