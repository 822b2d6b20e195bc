// The native stack oxc-parser uses per byte of source, for each nesting construct: the deepest nesting each
// parses on a worker thread with a fixed stack (bisected in child processes, since an overflow kills the
// process), and the stack per source byte at that depth. src/shared/stack.ts takes the worst, doubled.
// Run: node bench/parser-stack.mjs (about 10 minutes).


import { createRequire } from 'node:module';
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
const require = createRequire(import.meta.url);
const C = {
  paren: [(n) => 'x = ' + '('.repeat(n) + 'a' + ')'.repeat(n) + ';', 'ts'],
  arr: [(n) => 'x = ' + '['.repeat(n) + ']'.repeat(n) + ';', 'ts'],
  obj: [(n) => 'x = ' + '{a:'.repeat(n) + '1' + '}'.repeat(n) + ';', 'ts'],
  call: [(n) => 'f('.repeat(n) + ')'.repeat(n) + ';', 'ts'],
  block: [(n) => '{'.repeat(n) + '}'.repeat(n), 'ts'],
  ifchain: [(n) => 'if(a)'.repeat(n) + ';', 'ts'],
  whilechain: [(n) => 'while(a)'.repeat(n) + ';', 'ts'],
  forchain: [(n) => 'for(;;)'.repeat(n) + ';', 'ts'],
  elseif: [(n) => 'if(a);else '.repeat(n) + ';', 'ts'],
  ternary: [(n) => 'x=' + 'a?a:'.repeat(n) + 'a;', 'ts'],
  arrow: [(n) => 'x=' + '()=>'.repeat(n) + '1;', 'ts'],
  not: [(n) => 'x=' + '!'.repeat(n) + 'a;', 'ts'],
  neg: [(n) => 'x=' + '- '.repeat(n) + 'a;', 'ts'],
  typeofc: [(n) => 'x=' + 'typeof '.repeat(n) + 'a;', 'ts'],
  awaitc: [(n) => 'async function f(){x=' + 'await '.repeat(n) + 'a;}', 'ts'],
  newc: [(n) => 'x=' + 'new '.repeat(n) + 'a;', 'ts'],
  assign: [(n) => 'a='.repeat(n) + '1;', 'ts'],
  template: [(n) => 'x=' + '`${'.repeat(n) + '1' + '}`'.repeat(n) + ';', 'ts'],
  jsx: [(n) => 'x=' + '<a>'.repeat(n) + '</a>'.repeat(n) + ';', 'tsx'],
  extendsc: [(n) => 'x=' + 'class extends '.repeat(n) + 'a' + '{}'.repeat(n) + ';', 'ts'],
  generic: [(n) => 'let x: ' + 'A<'.repeat(n) + 'b' + '>'.repeat(n) + ';', 'ts'],
  arrtype: [(n) => 'let x: ' + '('.repeat(n) + 'b' + ')'.repeat(n) + ';', 'ts'],
  pattern: [(n) => 'let ' + '['.repeat(n) + 'a' + ']'.repeat(n) + '=b;', 'ts'],
  label: [(n) => 'a:'.repeat(n) + ';', 'ts'],
  dotcall: [(n) => 'a' + '.b()'.repeat(n) + ';', 'ts'],
  binary: [(n) => 'x=' + 'a+'.repeat(n) + 'a;', 'ts'],
  spread: [(n) => 'x=' + '[...'.repeat(n) + 'a' + ']'.repeat(n) + ';', 'ts'],
  comma: [(n) => 'x=' + '(a,'.repeat(n) + 'a' + ')'.repeat(n) + ';', 'ts'],
  optional: [(n) => 'x=a' + '?.b'.repeat(n) + ';', 'ts'],
  tagged: [(n) => 'x=' + 'a`${'.repeat(n) + '1' + '}`'.repeat(n) + ';', 'ts'],
  union: [(n) => 'type X = ' + '('.repeat(n) + 'a|' + ')'.repeat(n).replace(/\)/g, 'b)') + ';', 'ts'],
  fnexpr: [(n) => 'x=' + 'function(){return '.repeat(n) + '1' + '}'.repeat(n) + ';', 'ts'],
};
if (!isMainThread) {
  const oxc = require('oxc-parser');
  const [gen, lang] = C[workerData.kind];
  const text = gen(workerData.n);
  const r = oxc.parseSync('x.' + lang, text, { lang, astType: 'ts', range: true, preserveParens: false });
  void r.program; // the JSON is parsed lazily: read it, as the engine does
  parentPort.postMessage(text.length);
} else if (process.argv[2] === 'one') {
  const w = new Worker(fileURLToPath(import.meta.url), { workerData: { kind: process.argv[3], n: +process.argv[4] }, resourceLimits: { stackSizeMb: +process.argv[5] } });
  w.on('message', (m) => console.log(m));
} else {
  const MB = 16;
  for (const kind of Object.keys(C)) {
    let lo = 100, hi = 4_000_000, bytes = 0;
    const ok = (n) => { const r = spawnSync(process.execPath, [process.argv[1], 'one', kind, String(n), String(MB)], { encoding: 'utf8', timeout: 120000 }); return r.status === 0 && r.stdout.trim() ? +r.stdout.trim() : 0; };
    // exponential search then bisection
    let n = 1000; while (n < hi) { const b = ok(n); if (!b) { hi = n; break; } lo = n; bytes = b; n *= 4; }
    while (hi - lo > lo / 20) { const mid = Math.floor((lo + hi) / 2); const b = ok(mid); if (b) { lo = mid; bytes = b; } else hi = mid; }
    console.log(kind.padEnd(12), 'max depth', lo, 'bytes', bytes, 'stack bytes per source byte', bytes ? ((MB * 2 ** 20) / bytes).toFixed(1) : 'n/a', hi >= 4_000_000 ? '(no crash up to limit)' : '');
  }
}
