import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, calleeObject, enclosingFunction, forEachNode, holdingStatement, isFunction, memberName, unwrap, type Node } from '../ast.js';
import { AwaitSet } from '../awaitSet.js';
import { constInit, resolveDeclaredCallee } from '../callees.js';
import { receiverText } from '../locks.js';
import { programOf } from '../modules.js';
import type { SharedWrite } from '../flow/index.js';
import { displayPath } from '../locations.js';
import type { FlowRule, RuleReport } from './rule.js';
import { line } from './text.js';
import { functionLabel, type InterleavingDraft } from '../interleaving.js';

/*
 * A request goes out and is awaited, and only then is its response handler put where the code that receives
 * responses looks for it: `await conn.write({ id, method }); this.pending.set(id, { resolve, reject })`. The
 * answer can arrive while the write is still pending (a local transport, a fast server, a write that resolves
 * after the bytes left): the receiver finds no entry for `id`, drops the response, and the request never
 * settles. Register first, then send (and remove the entry if sending fails).
 */

export const registerAfterSend: FlowRule<'register-after-send'> = {
  meta: {
    id: 'register-after-send',
    shortDescription: 'A response handler is registered in a shared map only after the request was sent and awaited: a fast response finds no handler.',
    fullDescription:
      'Reports a handler stored in a shared collection under a request id (`pending.set(id, { resolve, reject })`, `callbacks[id] = cb`) after an await of a call that sends a message carrying that id (`await socket.send({ id, … })`). Also reports the `resolve`/`reject` of the promise the call returns, stored in a one-request reply slot (`this.resolveReply = resolve`) after the send settles. The response can be received while the send is still awaited; the receiver finds no handler under the id and drops it, and the caller waits forever. Also reports a reply subscription (`subscribe(channel, handler)`) left unawaited before the request carrying the id of the channel is sent. Register the handler before sending.',
    defaultSeverity: 'error',
    docsPath: 'docs/rules/register-after-send.md',
    messageId: 'registerAfterSend',
    fixKinds: ['register-first'],
    confidenceIn: { test: 'low' },
  },
  observe() {
    const reports: RuleReport[] = [];
    const seen = new Set<Node>();
    return {
      write(w) {
        if (seen.has(w.node)) return;
        const found = registersAfterSend(w);
        if (!found) return;
        seen.add(w.node);
        const where = '`' + displayPath(w.path) + '`';
        const handler = found.resolver ? `\`${found.key}\`, which settles this call,` : `the handler for \`${found.key}\``;
        const request = found.resolver ? 'the request' : `the request carrying \`${found.key}\``;
        reports.push({
          anchor: w.node,
          message: `${handler} is stored in ${where} on line ${line(w.node)}, after ${request} is sent and awaited on line ${line(found.send)}: a response that arrives while the send is pending finds no handler and is dropped, and this call never settles; register the handler before sending`,
          location: displayPath(w.path),
          subject: { kind: 'register', registration: w.node, send: found.send, key: found.key },
          related: [{ anchor: found.send, message: `${request} is sent here, before its handler is registered` }],
          interleaving: timeline(w.node, found.send, found.resolver ? 'its reply' : '`' + found.key + '`', where),
        });
      },
      reports: () => reports,
    };
  },
  check(model) {
    const reports: RuleReport[] = [];
    for (const call of model.index.calls) {
      const subscription = unawaitedSubscription(call);
      const send = subscription ? sendAfter(call, subscription.channel) : null;
      if (!subscription || !send) continue;
      const subscribe = '`' + subscription.text + '()`';
      reports.push({
        anchor: call,
        message: `${subscribe} on line ${line(call)} is not awaited, and the request it is to receive the reply of is sent on line ${line(send)} right after: the reply can come back before the subscription is in place, and it is dropped; await the subscription before sending`,
        location: subscription.receiver,
        related: [{ anchor: send, message: 'the request goes out here, while the subscription may still be pending' }],
        interleaving: {
          actors: [
            { id: 'call', label: functionLabel(call) },
            { id: 'reply', label: 'the reply' },
          ],
          steps: [
            { actor: 0, anchor: call, text: `starts ${subscribe} and goes on without waiting for it` },
            { actor: 0, anchor: send, text: 'sends the request' },
            { actor: 1, anchor: send, text: 'comes back before the subscription is in place: nobody receives it' },
            { actor: 0, anchor: send, text: 'has its subscription in place only now, and waits for a reply that came and went' },
          ],
          outcome: 'the reply was dropped: the call waits for an answer that already came',
        },
      });
    }
    return reports;
  },
};

/** Calls that put a handler in place for messages on a channel, and take time to do it (a round trip to a broker). */
const SUBSCRIBES = /^(p?subscribe|subscribeTo[A-Z]\w*|listen)$/;

/**
 * `presence.subscribe(\`ipc:${requestId}\`, (message) => …)` as a statement of its own: a subscription with a
 * handler whose promise nobody waits for, on a receiver whose subscriptions the code shows to be asynchronous
 * (the method is async, or the module awaits the same call elsewhere). The channel's names come with it.
 */
function unawaitedSubscription(call: TSESTree.CallExpression): { receiver: string; text: string; channel: Set<string> } | null {
  const callee = unwrap(call.callee);
  const method = callee.type === 'MemberExpression' ? memberName(callee) : null;
  if (callee.type !== 'MemberExpression' || method === null || !SUBSCRIBES.test(method)) return null;
  if (call.arguments.length < 2 || !call.arguments.slice(1).some((a) => isFunction(unwrap(a)))) return null;
  let node: Node = call;
  while (node.parent && (node.parent.type === 'TSNonNullExpression' || node.parent.type === 'TSAsExpression')) node = node.parent;
  const at = node.parent;
  const dropped = at?.type === 'ExpressionStatement' || (at?.type === 'UnaryExpression' && at.operator === 'void' && at.parent?.type === 'ExpressionStatement');
  const receiver = receiverText(callee.object);
  if (!dropped || receiver === null || !subscribesAsynchronously(call, callee, receiver, method)) return null;
  const first = unwrap(call.arguments[0]!);
  if (isFunction(first)) return null;
  return { receiver, text: `${receiver}.${method}`, channel: namesIn(first) };
}

function subscribesAsynchronously(call: TSESTree.CallExpression, callee: TSESTree.MemberExpression, receiver: string, method: string): boolean {
  const target = resolveDeclaredCallee(callee);
  if (target) return target.async;
  const program = programOf(call);
  let awaited = false;
  if (program) {
    forEachNode(program, (n) => {
      if (awaited) return false;
      if (n.type === 'AwaitExpression') {
        const a = unwrap(n.argument);
        const c = a.type === 'CallExpression' ? unwrap(a.callee) : null;
        if (c?.type === 'MemberExpression' && memberName(c) === method && receiverText(c.object) === receiver) awaited = true;
      }
      return !awaited;
    });
  }
  return awaited;
}

/** The names an expression is made of, and those of the constants it names (`channel` = \`ipc:${requestId}\`). */
function namesIn(root: Node): Set<string> {
  const names = new Set<string>();
  const add = (at: Node, depth: number): void => {
    forEachNode(at, (n) => {
      if (n.type !== 'Identifier' || (n.parent?.type === 'MemberExpression' && n.parent.property === n && !n.parent.computed)) return true;
      names.add(n.name);
      const init = depth < 2 ? constInit(n) : null;
      if (init) add(init, depth + 1);
      return true;
    });
  };
  add(root, 0);
  return names;
}

/** A send in a statement after the subscription's, in the same block, carrying a name of the channel. */
function sendAfter(call: TSESTree.CallExpression, channel: ReadonlySet<string>): TSESTree.CallExpression | null {
  const held = holdingStatement(call);
  if (!held) return null;
  for (const next of held.siblings.slice(held.siblings.indexOf(held.stmt) + 1)) {
    let found: TSESTree.CallExpression | null = null;
    forEachNode(next, (n) => {
      if (found || isFunction(n)) return false;
      if (n.type === 'CallExpression' && isSend(n) && n.arguments.some((a) => [...channel].some((name) => mentions(a, name, 0)))) found = n;
      return !found;
    });
    if (found) return found;
  }
  return null;
}

/** The call sends and waits; the response comes back during the wait and finds no handler; the call registers one too late. */
function timeline(registration: Node, send: Node, key: string, where: string): InterleavingDraft {
  return {
    actors: [
      { id: 'call', label: functionLabel(registration) },
      { id: 'response', label: `the response to ${key}` },
    ],
    steps: [
      { actor: 0, anchor: send, text: `sends the request carrying ${key} and waits` },
      { actor: 1, anchor: send, text: `arrives while the send is pending: no handler for ${key} in ${where} yet, so it is dropped` },
      { actor: 0, anchor: registration, text: `registers the handler for ${key}: too late` },
    ],
    outcome: 'the response was dropped: the handler never runs and the call never settles',
  };
}

/** Verbs of calls that put a message on the wire. */
const SENDS = /^(send|write|post|publish|emit|transmit|request|dispatch|sendMessage|postMessage|sendRequest|writeMessage|sendRaw|sendPacket|sendFrame|enqueue)([A-Z_]|$)/;

function registersAfterSend(w: SharedWrite): { key: string; send: Node; resolver: boolean } | null {
  if (!w.yieldedSince(AwaitSet.EMPTY)) return null;
  const keyed = registration(w)?.key ?? null;
  const resolver = keyed === null ? resolverRegistration(w) : null;
  const fn = enclosingFunction(w.node);
  if ((keyed === null && resolver === null) || !fn) return null;
  const key = (keyed ?? resolver)!;
  // `send(frame).then(() => { this.resolveRPC = resolve })`: registered in the callback the send's settling runs.
  const host = fn.parent;
  const sentBefore = host?.type === 'CallExpression' && host.arguments[0] === fn && calleeName(host) === 'then' ? calleeObject(host) : null;
  if (resolver !== null && sentBefore !== null && isSend(sentBefore)) return { key, send: host!, resolver: true };
  // The send nearest before the registration that carries its key: `await this.loaded` may come first.
  let send: Node | null = null;
  forEachNode(fn.body, (n) => {
    if (isFunction(n) || n.range[0] >= w.node.range[0]) return false;
    if (n.type === 'AwaitExpression' && n.range[1] <= w.node.range[0] && (keyed === null ? isSend(n.argument) : sendsKey(n.argument, keyed))) send = n;
    return true;
  });
  return send ? { key, send, resolver: keyed === null } : null;
}

/**
 * `this.resolveRPC = resolve`: the settle function of the promise the call hands back (a parameter of the
 * executor of an enclosing `new Promise((resolve, reject) => …)`) stored in a field the receiver calls, one
 * reply at a time. No id pairs it with its request: the next reply is its answer.
 */
function resolverRegistration(w: SharedWrite): string | null {
  const n = w.node;
  if (w.kind !== 'assign' || n.type !== 'AssignmentExpression' || n.operator !== '=' || n.left.type !== 'MemberExpression' || n.left.computed) return null;
  const value = unwrap(n.right);
  if (value.type !== 'Identifier') return null;
  for (let p: Node | undefined = n.parent; p; p = p.parent) {
    if (!isFunction(p)) continue;
    const made: Node | undefined = p.parent;
    if (made?.type === 'NewExpression' && made.arguments[0] === p && unwrap(made.callee).type === 'Identifier' && (unwrap(made.callee) as TSESTree.Identifier).name === 'Promise') {
      return p.params.slice(0, 2).some((param) => param.type === 'Identifier' && param.name === value.name) ? value.name : null;
    }
  }
  return null;
}

/** A call that puts a message on the wire (`send`, `write`, `postMessage`, …). */
function isSend(argument: Node): boolean {
  const sent = unwrap(argument);
  if (sent.type !== 'CallExpression') return false;
  const callee = unwrap(sent.callee);
  const verb = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberName(callee) : null;
  return verb !== null && SENDS.test(verb);
}

/** A send (`isSend`) that carries `key` in its arguments. */
function sendsKey(argument: Node, key: string): boolean {
  // The id is what pairs the request with its handler: the request must carry the one registered.
  return isSend(argument) && (unwrap(argument) as TSESTree.CallExpression).arguments.some((a) => mentions(a, key, 0));
}

/** `pending.set(id, handler)` or `callbacks[id] = handler`: a handler stored under a key named by a variable. */
function registration(w: SharedWrite): { key: string } | null {
  const n = w.node;
  let key: Node | undefined;
  let value: Node | undefined;
  if (n.type === 'CallExpression' && w.kind === 'collection') {
    const callee = unwrap(n.callee);
    if (callee.type !== 'MemberExpression' || memberName(callee) !== 'set' || n.arguments.length !== 2) return null;
    [key, value] = n.arguments;
  } else if (n.type === 'AssignmentExpression' && n.operator === '=' && n.left.type === 'MemberExpression' && n.left.computed) {
    key = n.left.property;
    value = n.right;
  } else return null;
  const k = key ? unwrap(key) : null;
  if (!k || !value || !isHandler(value, 0)) return null;
  if (k.type === 'Identifier') return { key: k.name };
  if (k.type === 'MemberExpression' && !k.computed && unwrap(k.object).type === 'Identifier') {
    return { key: `${(unwrap(k.object) as TSESTree.Identifier).name}.${memberName(k)}` };
  }
  return null;
}

const HANDLER_PARTS = /^(resolve|reject|callback|cb|handler|onResponse|onReply|resolver|deferred|done)$/i;

/** A function, or an object holding one (`{ resolve, reject }`), or a name bound to either. */
function isHandler(value: Node, depth: number): boolean {
  const v = unwrap(value);
  if (isFunction(v)) return true;
  if (v.type === 'ObjectExpression') {
    return v.properties.some((p) => p.type === 'Property' && (isFunction(unwrap(p.value)) || (p.key.type === 'Identifier' && HANDLER_PARTS.test(p.key.name))));
  }
  if (v.type === 'Identifier') {
    if (HANDLER_PARTS.test(v.name)) return true;
    const init = depth < 3 ? constInit(v) : null;
    return init !== null && isHandler(init, depth + 1);
  }
  return false;
}

/** Does the expression carry `key` (`{ id, method }`, `encode({ id: id })`, a const built from it)? */
function mentions(root: Node, key: string, depth: number): boolean {
  let found = false;
  forEachNode(root, (n) => {
    if (found) return false;
    // `id`, or for `msg.id` the message `msg` itself, sent whole.
    if (n.type === 'Identifier' && (n.name === key || key.startsWith(n.name + '.')) && !(n.parent?.type === 'Property' && n.parent.key === n && !n.parent.shorthand)) found = true;
    else if (n.type === 'MemberExpression' && !n.computed && unwrap(n.object).type === 'Identifier' && `${(unwrap(n.object) as TSESTree.Identifier).name}.${memberName(n)}` === key) found = true;
    else if (n.type === 'Identifier' && depth < 3 && !key.includes('.')) {
      const init = constInit(n);
      if (init !== null && init !== root && mentions(init, key, depth + 1)) found = true;
    }
    return !found;
  });
  return found;
}
