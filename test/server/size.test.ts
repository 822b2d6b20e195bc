// awaitguard.maxFileSize: the setting as the server reads it, as package.json declares it, and the size test.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../src/server/settings.js';
import { textOverLimit, tooLargeMessage } from '../../src/server/size.js';
import { ROOT } from './lsp.js';

describe('textOverLimit', () => {
  // 'é' takes 2 bytes, '€' 3, '😀' 4 (two UTF-16 units), a lone surrogate 3 (written as U+FFFD).
  const texts = ['', 'a', 'x'.repeat(1024), 'é'.repeat(512), 'é'.repeat(513), '€'.repeat(341), '€'.repeat(342), '😀'.repeat(256), '😀'.repeat(257), '\ud800'.repeat(342)];

  test.each(texts.map((t) => [t.length, Buffer.byteLength(t), t] as const))('%i units, %i bytes: compared with 1 KB as UTF-8', (_units, bytes, text) => {
    expect(textOverLimit(text, 1)).toBe(bytes > 1024);
  });

  test('a text far over the limit is judged by its length alone', () => {
    expect(textOverLimit('x'.repeat(3 * 1024 * 1024), 2048)).toBe(true);
  });
});

test('tooLargeMessage gives megabytes with a decimal, exact bytes below a megabyte', () => {
  expect(tooLargeMessage(52_428_800, 2048)).toBe('50.0 MB is over awaitguard.maxFileSize (2048 KB), so it is not analysed');
  expect(tooLargeMessage(1025, 1)).toBe('1025 bytes is over awaitguard.maxFileSize (1 KB), so it is not analysed');
});

describe('the setting', () => {
  const declared = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { type: string; default: unknown; minimum?: number }> } };
  }).contributes.configuration.properties['awaitguard.maxFileSize']!;

  test('package.json declares the default the server uses, as an integer of at least 1', () => {
    expect(declared).toMatchObject({ type: 'integer', default: DEFAULT_SETTINGS.maxFileSize, minimum: 1, scope: 'resource' });
    expect(normalizeSettings({}).maxFileSize).toBe(declared.default);
  });

  test.each([0, -1, 1.5, Number.NaN, Infinity, '4096', null])('an invalid value %s falls back to the default', (value) => {
    expect(normalizeSettings({ maxFileSize: value }).maxFileSize).toBe(DEFAULT_SETTINGS.maxFileSize);
  });

  test.each([1, 512, 100_000])('%i KB is kept', (value) => {
    expect(normalizeSettings({ maxFileSize: value }).maxFileSize).toBe(value);
  });
});
