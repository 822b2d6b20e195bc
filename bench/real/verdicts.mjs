// How a judged verdict finds its finding in a run: shared by run.mjs (scoring) and compare.mjs (two runs).

/** A finding's identity across engine versions: repository, file, rule and the trimmed text of its line. */
export const keyOf = (f) => `${f.repo}|${f.file}|${f.rule}|${f.code}`;

/**
 * The verdicts that still have their finding. One file can hold the same line text twice (two identical
 * `acquire` lines, one judged real and one not): each finding answers for at most one verdict, the one judged
 * at the nearest line.
 */
export function matchVerdicts(verdicts, findings) {
  const byKey = new Map();
  for (const f of findings) byKey.set(keyOf(f), [...(byKey.get(keyOf(f)) ?? []), f]);
  const pairs = [];
  for (const v of verdicts) for (const f of byKey.get(keyOf(v)) ?? []) pairs.push({ v, f, d: Math.abs(f.line - v.line) });
  pairs.sort((a, b) => a.d - b.d);
  const matched = new Set();
  const used = new Set();
  for (const { v, f } of pairs) {
    if (matched.has(v) || used.has(f)) continue;
    matched.add(v);
    used.add(f);
  }
  return matched;
}
