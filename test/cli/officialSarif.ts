/**
 * The SARIF 2.1.0 schema and Microsoft's SARIF validator (`Sarif.Multitool validate`: the schema plus the SARIF
 * rules the SDK checks), both from the npm package `@microsoft/sarif-multitool-linux`, fetched once with `npm pack`
 * into the git-ignored `.cache/sarif-multitool/` (about 45 MB; npm's registry is all it needs). The schema is the
 * one the package validates with; the validator's binary runs on Linux x64 only.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../fixtureCorpus.js';
import { underLock } from './helpers.js';

const PACKAGE = '@microsoft/sarif-multitool-linux';
const VERSION = '5.7.0';
const HOME = path.join(ROOT, '.cache', 'sarif-multitool', VERSION);
const UNPACKED = path.join(HOME, 'package');
const COMPLETE = path.join(HOME, '.complete');

export interface OfficialSarif {
  /** sarif-2.1.0.json from the package. */
  schemaPath: string;
  /** The validator, or null where it cannot run (not Linux x64). */
  validator: string | null;
}

export function officialSarif(): OfficialSarif {
  const schemaPath = path.join(UNPACKED, 'sarif-2.1.0.json');
  const binary = path.join(UNPACKED, 'Sarif.Multitool');
  if (!existsSync(COMPLETE)) {
    mkdirSync(path.dirname(HOME), { recursive: true });
    underLock(`${HOME}.lock`, 300_000, () => {
      if (!existsSync(COMPLETE)) fetchPackage();
    });
  }
  const runs = process.platform === 'linux' && process.arch === 'x64';
  if (runs) chmodSync(binary, 0o755);
  return { schemaPath, validator: runs ? binary : null };
}

/** `npm pack` and unpack; the stamp, written last, says the unpacked package is whole. */
function fetchPackage(): void {
  rmSync(HOME, { recursive: true, force: true });
  mkdirSync(HOME, { recursive: true });
  const pack = spawnSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--pack-destination', HOME, '--silent'], { encoding: 'utf8', timeout: 240_000 });
  const tarball = readdirSync(HOME).find((f) => f.endsWith('.tgz'));
  if (pack.status !== 0 || !tarball) {
    throw new Error(`could not fetch ${PACKAGE}@${VERSION} from the npm registry (npm pack exited ${pack.status}): ${pack.stderr.trim()}`);
  }
  const tar = spawnSync('tar', ['xzf', path.join(HOME, tarball), '-C', HOME], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`could not unpack ${tarball}: ${tar.stderr.trim()}`);
  rmSync(path.join(HOME, tarball));
  writeFileSync(COMPLETE, '');
}

export interface ValidatorResult {
  ruleId: string;
  level: string;
  message: string;
}

/** What `Sarif.Multitool validate` reports about `log` (a file), each as rule id, level and message. */
export function validateWithMultitool(validator: string, log: string): ValidatorResult[] {
  const out = `${log}.validation.sarif`;
  rmSync(out, { force: true });
  const run = spawnSync(validator, ['validate', log, '--output', out], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
  if (run.status !== 0 || !existsSync(out)) throw new Error(`Sarif.Multitool validate exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  const report = JSON.parse(readFileSync(out, 'utf8')) as { runs: { results?: { ruleId: string; level?: string; message: { text?: string } }[] }[] };
  return (report.runs[0]?.results ?? []).map((r) => ({ ruleId: r.ruleId, level: r.level ?? 'warning', message: r.message.text ?? '' }));
}
