// Unit tests of the pieces that need no process: argument parsing and JSON error positions.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { UsageError } from '../../src/shared/errors.js';
import { JsonSyntaxError, locateJsonError, parseJson } from '../../src/cli/json.js';
import { escapeData, escapeProperty } from '../../src/cli/formatters/github.js';
import { pascalCase } from '../../src/cli/formatters/sarif.js';
import { ConfigError } from '../../src/engine/index.js';

function check(argv: string[]) {
  const parsed = parseArgs(argv);
  if (parsed.command !== 'check') throw new Error(`expected check, got ${parsed.command}`);
  return parsed.options;
}

describe('parseArgs', () => {
  it('defaults: stylish, no paths, no limit, auto color', () => {
    expect(check(['check'])).toEqual({ paths: [], format: 'stylish', rules: [], quiet: false, fix: false, cache: false });
  });

  it('reads every option, in both --name value and --name=value forms', () => {
    const options = check([
      'check',
      'src',
      '--format=sarif',
      '-o',
      'out/report.sarif',
      '--max-warnings',
      '3',
      '--rule',
      'lost-update=off',
      '--rule=lock-leak=warning',
      '--config',
      'ci.json',
      '--quiet',
      '--no-color',
      '-j',
      '3',
      '--cache-location=.cache/ag/',
      '--baseline',
      'ag-baseline.json',
      '--baseline-write=next.json',
      'lib/**/*.ts',
    ]);
    expect(options).toEqual({
      paths: ['src', 'lib/**/*.ts'],
      format: 'sarif',
      output: 'out/report.sarif',
      maxWarnings: 3,
      rules: [
        ['lost-update', 'off'],
        ['lock-leak', 'warning'],
      ],
      config: 'ci.json',
      quiet: true,
      fix: false,
      color: false,
      jobs: 3,
      cache: false,
      cacheLocation: '.cache/ag/',
      baseline: 'ag-baseline.json',
      baselineWrite: 'next.json',
    });
    expect(check(['check', '--cache', '--jobs=1'])).toMatchObject({ cache: true, jobs: 1 });
  });

  it('rejects an empty path for every option that takes one', () => {
    for (const name of ['--config', '--output', '--baseline', '--baseline-write']) {
      expect(() => check(['check', `${name}=`])).toThrow(`option ${name} requires a file name`);
    }
    expect(() => check(['check', '--cache-location='])).toThrow('option --cache-location requires a path');
  });

  it('rejects a --jobs that is not a positive whole number', () => {
    for (const bad of ['0', '-2', '1.5', 'many', '']) {
      expect(() => check(['check', `--jobs=${bad}`])).toThrow(/--jobs expects a number of worker threads from 1 to 1024|requires a value/);
    }
  });

  it('treats everything after -- as paths', () => {
    expect(check(['check', '--', '--weird-name.ts', '-x.ts']).paths).toEqual(['--weird-name.ts', '-x.ts']);
  });

  it('--max-warnings -1 means no limit, like ESLint', () => {
    expect(check(['check', '--max-warnings', '-1']).maxWarnings).toBeUndefined();
    expect(check(['check', '--max-warnings', '0']).maxWarnings).toBe(0);
  });

  it('help and version win over everything else', () => {
    expect(parseArgs(['--help'])).toEqual({ command: 'help' });
    expect(parseArgs(['check', 'src', '-h'])).toEqual({ command: 'help' });
    expect(parseArgs(['help'])).toEqual({ command: 'help' });
    expect(parseArgs(['-v'])).toEqual({ command: 'version' });
    expect(parseArgs(['check', '--version'])).toEqual({ command: 'version' });
  });

  it.each([
    [[], /missing command/],
    [['lint'], /unknown command "lint".*awaitguard check lint/],
    [['--format', 'json'], /expected a command before --format/],
    [['check', '--fix=yes'], /option --fix does not take a value/],
    [['check', '--format', 'xml'], /unknown format "xml" \(expected one of stylish, json, sarif, github, eslint\)/],
    [['check', '--format'], /option --format requires a value/],
    [['check', '--output', '--quiet'], /option --output requires a value/],
    [['check', '--max-warnings', 'many'], /expects a whole number, got "many"/],
    [['check', '--max-warnings', '-2'], /0 or more, or -1/],
    [['check', '--quiet=yes'], /--quiet does not take a value/],
    [['check', '-'], /stdin/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('rejects a bad --rule with the engine message naming the argument', () => {
    expect(() => parseArgs(['check', '--rule', 'no-such-rule=error'])).toThrow(ConfigError);
    expect(() => parseArgs(['check', '--rule', 'no-such-rule=error'])).toThrow(/--rule no-such-rule=error: unknown rule "no-such-rule"/);
    expect(() => parseArgs(['check', '--rule', 'lost-update=loud'])).toThrow(/must be one of off, info, warning, error/);
  });
});

describe('parseJson', () => {
  it('parses valid JSON, with or without a BOM', () => {
    expect(parseJson('{"a": [1, true, null, "x\\n"]}')).toEqual({ a: [1, true, null, 'x\n'] });
    expect(parseJson('\ufeff{"a": 1}')).toEqual({ a: 1 });
  });

  it.each([
    ['{\n  "rules": {\n    "lost-update": "off",\n  }\n}', 4, 3, /trailing comma before "}"/],
    ['{\n  "rules": \n}', 3, 1, /unexpected "}"/],
    ['{"a": 1', 1, 8, /expected "," or "}" after the property value, found end of file/],
    ["{'a': 1}", 1, 2, /double quotes/],
    ['{\n  // comment\n  "a": 1\n}', 2, 3, /comments are not allowed/],
    ['{"a": "b\nc"}', 1, 9, /line break inside a string/],
    ['[1, 2,]', 1, 7, /trailing comma before "]"/],
    ['{"a": 01}', 1, 8, /expected "," or "}"/],
    ['', 1, 1, /unexpected end of file/],
    ['{} {}', 1, 4, /after the end of the JSON value/],
  ])('locates the error in %j at %i:%i', (text, line, column, reason) => {
    let error: unknown;
    try {
      parseJson(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JsonSyntaxError);
    const e = error as JsonSyntaxError;
    expect({ line: e.line, column: e.column }).toEqual({ line, column });
    expect(e.reason).toMatch(reason);
  });

  it('finds no error in anything JSON.parse accepts', () => {
    for (const text of ['0', '-1.5e+3', '"\\u00e9"', '[]', '{}', ' {"a":{"b":[{}]}} ', '"\\/"']) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(locateJsonError(text)).toBeUndefined();
    }
  });
});

describe('formatter helpers', () => {
  it('escapes workflow command data and properties like @actions/core', () => {
    expect(escapeData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });

  it('names rules in PascalCase for SARIF', () => {
    expect(pascalCase('lost-update')).toBe('LostUpdate');
    expect(pascalCase('unbounded-concurrency')).toBe('UnboundedConcurrency');
  });
});
