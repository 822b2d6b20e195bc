import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, calleeObject, enclosingFunction, forEachNode, isFunction, memberName, unwrap, type Node } from '../ast.js';
import { AwaitSet } from '../awaitSet.js';
import { constInit } from '../callees.js';
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
      'Reports a handler stored in a shared collection under a request id (`pending.set(id, { resolve, reject })`, `callbacks[id] = cb`) after an await of a call that sends a message carrying that id (`await socket.send({ id, … })`). Also reports the `resolve`/`reject` of the promise the call returns, stored in a one-request reply slot (`this.resolveReply = resolve`) after the send settles. The response can be received while the send is still awaited; the receiver finds no handler under the id and drops it, and the caller waits forever. Register the handler before sending.',
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
};

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
