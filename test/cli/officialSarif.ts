/**
 * The SARIF 2.1.0 schema and Microsoft's SARIF validator (`Sarif.Multitool validate`: the schema plus the SARIF
 * rules the SDK checks), both from the npm package `@microsoft/sarif-multitool-linux`, fetched once with `npm pack`
 * into the git-ignored `.cache/sarif-multitool/` (about 45 MB; npm's registry is all it needs). The schema is the
 * one the package validates with; the validator's binary runs on Linux x64 only.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../fixtureCorpus.js';

const PACKAGE = '@microsoft/sarif-multitool-linux';
const VERSION = '5.7.0';
const HOME = path.join(ROOT, '.cache', 'sarif-multitool', VERSION);
const UNPACKED = path.join(HOME, 'package');

export interface OfficialSarif {
  /** sarif-2.1.0.json from the package. */
  schemaPath: string;
  /** The validator, or null where it cannot run (not Linux x64). */
  validator: string | null;
}

export function officialSarif(): OfficialSarif {
  const schemaPath = path.join(UNPACKED, 'sarif-2.1.0.json');
  const binary = path.join(UNPACKED, 'Sarif.Multitool');
  if (!existsSync(schemaPath) || !existsSync(binary)) fetchPackage();
  const runs = process.platform === 'linux' && process.arch === 'x64';
  if (runs) chmodSync(binary, 0o755);
  return { schemaPath, validator: runs ? binary : null };
}

function fetchPackage(): void {
  const lock = `${HOME}.lock`;
  mkdirSync(path.dirname(HOME), { recursive: true });
  // One test file fetches; a second waits for it (mkdir is atomic).
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(path.join(UNPACKED, 'Sarif.Multitool'))) return;
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
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
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
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
