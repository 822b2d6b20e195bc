import type * as vscode from 'vscode';
import type {
  ProgressToken,
  WorkDoneProgressBegin,
  WorkDoneProgressEnd,
  WorkDoneProgressReport,
} from 'vscode-languageclient/node';
import { CHECK_PROGRESS_TITLE_PREFIX } from './protocol';

type ProgressParams = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

interface Target {
  progress: vscode.Progress<{ message?: string; increment?: number }>;
  cancellation: vscode.CancellationToken;
  token?: ProgressToken;
  reported: number;
  cancelled: boolean;
  cancelListener?: vscode.Disposable;
}

/**
 * Shows the server's workspace-check progress in the notification that "awaitguard: Check Workspace"
 * opened, instead of the status-bar spinner vscode-languageclient uses for server-created progress, and
 * turns the notification's Cancel button into `window/workDoneProgress/cancel` for the server's token.
 * Installed as the client's `handleWorkDoneProgress` middleware; every other progress passes through.
 */
export class CheckProgressBridge {
  private target: Target | undefined;

  constructor(private readonly sendCancel: (token: ProgressToken) => void) {}

  /** Routes the next workspace-check progress the server begins into `progress` until it ends or `dispose()`. */
  expect(progress: Target['progress'], cancellation: vscode.CancellationToken): vscode.Disposable & { readonly cancelled: boolean } {
    const target: Target = { progress, cancellation, reported: 0, cancelled: false };
    this.target = target;
    return {
      get cancelled() {
        return target.cancelled || cancellation.isCancellationRequested;
      },
      dispose: () => {
        target.cancelListener?.dispose();
        if (this.target === target) this.target = undefined;
      },
    };
  }

  readonly handle = (token: ProgressToken, params: ProgressParams, next: (token: ProgressToken, params: ProgressParams) => void): void => {
    const target = this.target;
    if (target && target.token === undefined && params.kind === 'begin' && params.title.startsWith(CHECK_PROGRESS_TITLE_PREFIX)) {
      target.token = token;
      const cancel = (): void => {
        if (target.cancelled) return;
        target.cancelled = true;
        target.progress.report({ message: 'cancelling…' });
        this.sendCancel(token);
      };
      if (target.cancellation.isCancellationRequested) cancel();
      else target.cancelListener = target.cancellation.onCancellationRequested(cancel);
      this.report(target, params);
      return;
    }
    if (target && target.token === token) {
      if (params.kind === 'end') {
        target.cancelListener?.dispose();
        this.target = undefined;
        // Let vscode-languageclient dispose of its own bookkeeping for the token.
        next(token, params);
        return;
      }
      this.report(target, params);
      return;
    }
    next(token, params);
  };

  private report(target: Target, params: WorkDoneProgressBegin | WorkDoneProgressReport): void {
    if (target.cancelled) return;
    const message = params.message;
    if (typeof params.percentage === 'number') {
      const percentage = Math.max(0, Math.min(100, params.percentage));
      const increment = Math.max(0, percentage - target.reported);
      target.reported += increment;
      target.progress.report({ message, increment });
    } else if (message !== undefined) {
      target.progress.report({ message });
    }
  }
}
