// Type-checks a case the way `npx tsc -p test/fixtures` checks the fixtures (same compiler options, same
// ambient module declarations), in this process: the case's text is served as a virtual file inside
// test/fixtures, and library files are parsed once and reused, so a check costs a fraction of a tsc start.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface CompileError {
  code: number;
  line: number;
  message: string;
}

export class Compiler {
  private readonly options: ts.CompilerOptions;
  private readonly ambient: string[];
  private readonly cache = new Map<string, ts.SourceFile>();
  /** Where virtual case files appear to live: inside test/fixtures, so `paths` and `types` resolve as there. */
  readonly virtualDir: string;

  constructor(root: string) {
    const fixtures = path.join(root, 'test', 'fixtures');
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(fixtures, 'tsconfig.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    });
    if (!parsed) throw new Error('cannot read test/fixtures/tsconfig.json');
    this.options = { ...parsed.options, noEmit: true };
    const types = path.join(fixtures, 'types');
    this.ambient = readdirSync(types)
      .filter((n) => n.endsWith('.d.ts'))
      .map((n) => path.join(types, n));
    this.virtualDir = path.join(fixtures, '.fuzz-virtual');
  }

  /**
   * The errors tsc reports in `files[main]`; `files` maps names (relative to the virtual folder, `/`-separated)
   * to texts, so a fixed case can bring the runtime copy its fix vendored. Undefined when the checker itself
   * fails (a stack overflow on deep nesting).
   */
  errors(files: Record<string, string>, main: string): CompileError[] | undefined {
    const virtual = new Map(Object.entries(files).map(([rel, text]) => [path.join(this.virtualDir, ...rel.split('/')), text]));
    const host = ts.createCompilerHost(this.options, true);
    const realFileExists = host.fileExists.bind(host);
    const realReadFile = host.readFile.bind(host);
    const realGetSourceFile = host.getSourceFile.bind(host);
    host.fileExists = (f) => virtual.has(path.resolve(f)) || realFileExists(f);
    host.readFile = (f) => virtual.get(path.resolve(f)) ?? realReadFile(f);
    host.directoryExists = (d) => path.resolve(d).startsWith(this.virtualDir) || ts.sys.directoryExists(d);
    host.getSourceFile = (f, languageVersion, onError) => {
      const v = virtual.get(path.resolve(f));
      if (v !== undefined) return ts.createSourceFile(f, v, languageVersion, true);
      const cached = this.cache.get(f);
      if (cached) return cached;
      const sf = realGetSourceFile(f, languageVersion, onError);
      if (sf) this.cache.set(f, sf);
      return sf;
    };
    try {
      const mainPath = path.join(this.virtualDir, ...main.split('/'));
      const program = ts.createProgram({ rootNames: [mainPath, ...this.ambient], options: this.options, host });
      const sf = program.getSourceFile(mainPath);
      if (!sf) return [{ code: 0, line: 0, message: 'not part of the program' }];
      const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
      return diagnostics.map((d) => ({
        code: d.code,
        line: d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
        message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
      }));
    } catch {
      return undefined;
    }
  }
}
