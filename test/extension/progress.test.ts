// The Check Workspace progress bridge (src/extension/progress.ts) without VS Code: it must route only the
// server's workspace-check progress into the command's notification, pass every other progress through,
// and turn the notification's Cancel into window/workDoneProgress/cancel for the server's token.
import { describe, expect, it, vi } from 'vitest';

// protocol.ts builds a NotificationType from vscode-languageclient, which needs the `vscode` module.
vi.mock('vscode-languageclient/node', () => ({ NotificationType: function NotificationType() {} }));

const { CheckProgressBridge } = await import('../../src/extension/progress');

function cancellation() {
  const listeners: (() => void)[] = [];
  const token = {
    isCancellationRequested: false,
    onCancellationRequested: (fn: () => void) => {
      listeners.push(fn);
      return { dispose: () => listeners.splice(listeners.indexOf(fn), 1) };
    },
  };
  return {
    token,
    cancel: () => {
      token.isCancellationRequested = true;
      for (const fn of [...listeners]) fn();
    },
  };
}

describe('CheckProgressBridge', () => {
  it('routes the workspace check into the notification and lets other progress through', () => {
    const sent: unknown[] = [];
    const bridge = new CheckProgressBridge((token) => sent.push(token));
    const reports: unknown[] = [];
    const c = cancellation();
    const route = bridge.expect({ report: (v) => reports.push(v) }, c.token as never);
    const next = vi.fn();

    bridge.handle('other', { kind: 'begin', title: 'indexing' }, next);
    bridge.handle('t1', { kind: 'begin', title: 'awaitguard: checking the workspace', percentage: 0, message: 'finding files', cancellable: true }, next);
    bridge.handle('t1', { kind: 'report', percentage: 40, message: '8/20 files' }, next);
    bridge.handle('t1', { kind: 'report', percentage: 30, message: 'stale' }, next);
    bridge.handle('t1', { kind: 'end' }, next);

    expect(reports).toEqual([
      { message: 'finding files', increment: 0 },
      { message: '8/20 files', increment: 40 },
      { message: 'stale', increment: 0 },
    ]);
    // "other" went through; "end" of the check too, so vscode-languageclient drops its own bookkeeping.
    expect(next).toHaveBeenCalledTimes(2);
    expect(route.cancelled).toBe(false);
    expect(sent).toEqual([]);
    route.dispose();
  });

  it('sends window/workDoneProgress/cancel for the server token when the user cancels', () => {
    const sent: unknown[] = [];
    const bridge = new CheckProgressBridge((token) => sent.push(token));
    const c = cancellation();
    const route = bridge.expect({ report: () => {} }, c.token as never);
    bridge.handle(7, { kind: 'begin', title: 'awaitguard: checking the workspace', percentage: 0 }, vi.fn());
    c.cancel();
    c.cancel();
    expect(sent).toEqual([7]);
    expect(route.cancelled).toBe(true);
    route.dispose();
  });

  it('cancels at once when the user cancelled before the server began', () => {
    const sent: unknown[] = [];
    const bridge = new CheckProgressBridge((token) => sent.push(token));
    const c = cancellation();
    c.cancel();
    bridge.expect({ report: () => {} }, c.token as never);
    bridge.handle('t', { kind: 'begin', title: 'awaitguard: checking the workspace' }, vi.fn());
    expect(sent).toEqual(['t']);
  });

  it('passes everything through when no check is waiting', () => {
    const bridge = new CheckProgressBridge(() => {});
    const next = vi.fn();
    bridge.handle('t', { kind: 'begin', title: 'awaitguard: checking the workspace' }, next);
    expect(next).toHaveBeenCalledOnce();
  });
});
