import { createHash } from 'node:crypto';
import { UsageError } from '../shared/errors.js';
import { displayPath } from '../shared/paths.js';

/*
 * `--shard i/n`: one of n CI jobs checks the files whose path (relative to the working folder) hashes to i. By
 * hash, not by position in the sorted list: adding a file moves no other file to another shard, so each job's
 * cache stays warm, and the shards come out even on large projects. `awaitguard merge-reports` puts the n
 * reports back together.
 */

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(value: string, name: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count || count > 10_000) {
    throw new UsageError(`option ${name} expects i/n with 1 <= i <= n (e.g. 2/3: the second of three jobs), got "${value}"`);
  }
  return { index, count };
}

export function inShard(file: string, cwd: string, shard: Shard): boolean {
  const digest = createHash('sha1').update(displayPath(file, cwd)).digest();
  return digest.readUInt32BE(0) % shard.count === shard.index - 1;
}
