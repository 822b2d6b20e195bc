import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { memberName, unwrap, type Node } from './ast.js';
import type { AwaitPoint } from './flow/index.js';
import { moduleTable, programOf } from './modules.js';

/*
 * A Cloudflare Durable Object (and a PartyKit room, which is one) holds its input gate shut while a storage call
 * of its own is in flight: no request, message or alarm is delivered to the object until `this.ctx.storage.get`
 * settles. `const n = await this.ctx.storage.get('count'); await this.ctx.storage.put('count', n + 1)` therefore
 * has no window for another call to land in. Any other await (a `fetch`) opens the gate.
 * https://developers.cloudflare.com/durable-objects/api/storage-api/ (input gates)
 */

const STORAGE_CALLS = new Set(['get', 'put', 'delete', 'list', 'deleteAll', 'getAlarm', 'setAlarm', 'deleteAlarm']);
/** What holds the storage in a Durable Object's code: `this.ctx`, `this.state`, a handler's `room` or `party`. */
const STORAGE_HOLDERS = new Set(['ctx', 'state', 'room', 'party']);
/** The platform a module imports when it defines a Durable Object or a PartyKit server. */
const PLATFORM_MODULES = /^(cloudflare:workers$|partykit(\/|$)|partyserver$|@cloudflare\/workers-types)/;

/** Did each of these waits await a storage call of a Durable Object, so that the object's input gate was shut? */
export function onlyGatedWaits(yields: readonly AwaitPoint[]): boolean {
  return yields.length > 0 && yields.every((y) => y.node.type === 'AwaitExpression' && gatedStorageCall(y.node.argument));
}

function gatedStorageCall(awaited: Node): boolean {
  const call = unwrap(awaited);
  if (call.type !== 'CallExpression') return false;
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression' || !STORAGE_CALLS.has(memberName(callee) ?? '')) return false;
  const storage = unwrap(callee.object);
  if (storage.type !== 'MemberExpression' || memberName(storage) !== 'storage') return false;
  const holder = unwrap(storage.object);
  const name = holder.type === 'Identifier' ? holder.name : holder.type === 'MemberExpression' && unwrap(holder.object).type === 'ThisExpression' ? memberName(holder) : null;
  return name !== null && STORAGE_HOLDERS.has(name) && onPlatform(call);
}

const platformMemo = new WeakMap<TSESTree.Program, boolean>();

function onPlatform(at: Node): boolean {
  const program = programOf(at);
  if (!program) return false;
  let answer = platformMemo.get(program);
  if (answer === undefined) {
    const table = moduleTable(program);
    answer = [...table.imports.values(), ...table.typeImports.values()].some((i) => PLATFORM_MODULES.test(i.from));
    platformMemo.set(program, answer);
  }
  return answer;
}
