import * as vscode from 'vscode';
import type { ShowInterleavingArgs } from '../shared/protocol.js';

/** ①…⑳, then (21): the order of the steps at a glance. */
function stepNumber(i: number): string {
  return i < 20 ? String.fromCodePoint(0x2460 + i) : `(${i + 1})`;
}

/**
 * "Show interleaving": each step of a finding's interleaving highlighted in the editor in its call's colour, and at
 * the end of its line, numbered in order, who does what there (`① A reads this.balance (v)`). Cleared by the
 * next edit of the document, by showing another one, or by "awaitguard: Clear Interleaving Highlights".
 */
export class InterleavingView implements vscode.Disposable {
  /** One highlight per actor (two alternate), and one for the text at the end of each line. */
  private readonly highlights = [
    vscode.window.createTextEditorDecorationType({
      backgroundColor: new vscode.ThemeColor('awaitguard.interleavingFirstCall'),
      borderRadius: '2px',
      overviewRulerColor: new vscode.ThemeColor('awaitguard.interleavingFirstCall'),
      overviewRulerLane: vscode.OverviewRulerLane.Center,
    }),
    vscode.window.createTextEditorDecorationType({
      backgroundColor: new vscode.ThemeColor('awaitguard.interleavingSecondCall'),
      borderRadius: '2px',
      overviewRulerColor: new vscode.ThemeColor('awaitguard.interleavingSecondCall'),
      overviewRulerLane: vscode.OverviewRulerLane.Center,
    }),
  ];
  private readonly notes = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em', fontStyle: 'italic' },
    isWholeLine: true,
  });
  private shownIn: string | undefined;
  private readonly listener = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.contentChanges.length > 0 && e.document.uri.toString() === this.shownIn) this.clear();
  });

  /** Shows `args` in the visible editor of its document; returns how many steps it marked (0: none shown). */
  show(args: ShowInterleavingArgs): number {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === vscode.Uri.parse(args.uri).toString());
    // Ranges of another version would mark the wrong code.
    if (!editor || editor.document.version !== args.version) return 0;
    this.clear();
    const byActor: vscode.Range[][] = this.highlights.map(() => []);
    const byLine = new Map<number, string[]>();
    args.steps.forEach((step, i) => {
      const range = new vscode.Range(step.range.start.line, step.range.start.character, step.range.end.line, step.range.end.character);
      byActor[step.actor % this.highlights.length]!.push(range);
      const actor = args.actors[step.actor]?.id ?? '?';
      const line = step.range.start.line;
      byLine.set(line, [...(byLine.get(line) ?? []), `${stepNumber(i)} ${actor}: ${step.text}`]);
    });
    this.highlights.forEach((type, i) => editor.setDecorations(type, byActor[i]!));
    // The outcome goes on the line of the last step, where the harm is done.
    const last = args.steps.at(-1)?.range.start.line;
    editor.setDecorations(
      this.notes,
      [...byLine].map(([line, texts]) => {
        // At the end of the line: `after` text goes after its range.
        const end = editor.document.lineAt(Math.min(line, editor.document.lineCount - 1)).range.end;
        return { range: new vscode.Range(end, end), renderOptions: { after: { contentText: texts.join('   ') + (line === last ? `   → ${args.outcome}` : '') } } };
      }),
    );
    this.shownIn = editor.document.uri.toString();
    const first = args.steps[0];
    if (first) editor.revealRange(new vscode.Range(first.range.start.line, 0, first.range.start.line, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return args.steps.length;
  }

  clear(): void {
    if (this.shownIn === undefined) return;
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== this.shownIn) continue;
      for (const type of this.highlights) editor.setDecorations(type, []);
      editor.setDecorations(this.notes, []);
    }
    this.shownIn = undefined;
  }

  dispose(): void {
    this.listener.dispose();
    for (const type of this.highlights) type.dispose();
    this.notes.dispose();
  }
}
