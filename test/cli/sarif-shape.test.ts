// The SARIF validator must itself catch what GitHub would reject; otherwise the format tests prove nothing.
import { describe, expect, it } from 'vitest';
import { sarifProblems } from './sarif-shape.js';

function validLog() {
  const location = (line: number) => ({
    physicalLocation: {
      artifactLocation: { uri: 'src/a.ts', uriBaseId: '%SRCROOT%', index: 0 },
      region: { startLine: line, startColumn: 3, endLine: line, endColumn: 12 },
    },
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'awaitguard',
            version: '1.0.0',
            informationUri: 'https://example.com',
            rules: [
              {
                id: 'lost-update',
                name: 'LostUpdate',
                shortDescription: { text: 'short' },
                fullDescription: { text: 'full' },
                help: { text: 'help', markdown: '**help**' },
                helpUri: 'https://example.com/lost-update',
                defaultConfiguration: { level: 'error' },
                properties: { tags: ['concurrency'] },
              },
            ],
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: 'file:///work/' } },
        artifacts: [{ location: { uri: 'src/a.ts', uriBaseId: '%SRCROOT%' } }],
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: [] as unknown[] }],
        results: [
          {
            ruleId: 'lost-update',
            ruleIndex: 0,
            level: 'error',
            message: { text: 'lost. Related: [read](1).' },
            locations: [location(5)],
            relatedLocations: [{ id: 1, ...location(3), message: { text: 'read' } }],
            partialFingerprints: { primaryLocationLineHash: 'abc:1' },
          },
        ],
      },
    ],
  };
}

type Log = ReturnType<typeof validLog>;

describe('sarifProblems', () => {
  it('accepts a valid log', () => {
    expect(sarifProblems(validLog())).toEqual([]);
  });

  it.each<[string, (log: Log) => void, RegExp]>([
    ['wrong version', (l) => void (l.version = '2.0.0'), /\$\.version/],
    ['no runs', (l) => void (l.runs = []), /\$\.runs: must be a non-empty array/],
    ['ruleIndex pointing at another rule', (l) => void (l.runs[0]!.results[0]!.ruleIndex = 1), /ruleIndex: must index tool\.driver\.rules/],
    ['unknown ruleId', (l) => void (l.runs[0]!.results[0]!.ruleId = 'nope'), /"nope" is not in tool\.driver\.rules/],
    ['0-based column', (l) => void (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startColumn = 0), /startColumn: must be an integer >= 1/],
    ['fractional line', (l) => void (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 1.5), /startLine: must be an integer >= 1/],
    ['region ending before it starts', (l) => void (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.endColumn = 2), /ends before it starts/],
    ['absolute uri under a base id', (l) => void (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri = '/work/src/a.ts'), /must be relative/],
    ['backslashes', (l) => void (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri = 'src\\a.ts'), /forward slashes/],
    ['undeclared uriBaseId', (l) => void (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uriBaseId = '%OTHER%'), /not in originalUriBaseIds/],
    ['artifact index mismatch', (l) => void (l.runs[0]!.artifacts[0]!.location.uri = 'src/b.ts'), /points at artifact "src\/b\.ts"/],
    ['missing fingerprint', (l) => void (l.runs[0]!.results[0]!.partialFingerprints = {} as never), /primaryLocationLineHash/],
    ['no locations', (l) => void (l.runs[0]!.results[0]!.locations = []), /at least one location/],
    ['empty message', (l) => void (l.runs[0]!.results[0]!.message.text = ''), /message\.text/],
    ['link to a missing related location', (l) => void (l.runs[0]!.results[0]!.message.text = 'see [x](7)'), /related location 7/],
    ['duplicate related ids', (l) => void l.runs[0]!.results[0]!.relatedLocations.push({ ...l.runs[0]!.results[0]!.relatedLocations[0]! }), /duplicate id 1/],
    ['bad level', (l) => void (l.runs[0]!.results[0]!.level = 'info'), /level: must be one of/],
    ['bad default level', (l) => void (l.runs[0]!.tool.driver.rules[0]!.defaultConfiguration.level = 'warn'), /defaultConfiguration\.level/],
    ['duplicate rule ids', (l) => void l.runs[0]!.tool.driver.rules.push({ ...l.runs[0]!.tool.driver.rules[0]! }), /duplicate rule id/],
    ['relative base uri', (l) => void (l.runs[0]!.originalUriBaseIds['%SRCROOT%'].uri = 'work/'), /absolute file: URI ending in "\/"/],
    ['non-boolean executionSuccessful', (l) => void ((l.runs[0]!.invocations[0] as { executionSuccessful: unknown }).executionSuccessful = 'yes'), /executionSuccessful/],
    ['notification without text', (l) => void l.runs[0]!.invocations[0]!.toolExecutionNotifications.push({ level: 'error', message: {} }), /toolExecutionNotifications\[0\]\.message\.text/],
  ])('rejects %s', (_name, mutate, problem) => {
    const log = validLog();
    mutate(log);
    const problems = sarifProblems(log);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(problem);
  });
});
