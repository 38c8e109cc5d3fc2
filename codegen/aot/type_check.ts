// The TypeScript checker for model files and the sources that import them, with `tfgen` and
// `tfgen/runtime` resolved to this package's own sources (or declarations, when installed), so
// a model file type-checks the same whether or not the package is linked into node_modules.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Project, ts } from 'ts-morph';
import { error, type Diagnostic } from './diagnostics.js';

const USES_NODE = /from\s+['"]node:|require\(|\bprocess\.|\bBuffer\b/;

/** This package's root as seen from this file (the repository, or dist/ when built). */
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The file `tfgen` (or `tfgen/runtime`) resolves to for the checker: the .ts source, or the built .d.ts. */
function entryFor(path: string): string {
  const ts = `${packageRoot}${path}.ts`;
  return existsSync(ts) ? ts : `${packageRoot}${path}.d.ts`;
}

/**
 * why: the DOM and Node declarations triple the checker's time; a model file rarely needs them, so
 * Node's are loaded only when asked (a file that uses node: modules or `process`).
 */
export function checkerProject(opts: { nodeTypes?: boolean } = {}): Project {
  return new Project({
    skipAddingFilesFromTsConfig: true,
    compilerOptions: {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'],
      types: opts.nodeTypes ? ['node'] : [],
      skipLibCheck: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      // why: call-site analysis resolves a plain .js importer's `sess` and imports through the
      // checker's symbols, which TypeScript binds for JavaScript files only with allowJs.
      allowJs: true,
      paths: { tfgen: [entryFor('src/index')], 'tfgen/runtime': [entryFor('src/runtime/index')] },
    },
  });
}

/** Type errors in `files` (only theirs, not the errors of files they import). */
export function typeCheck(files: readonly string[], project?: Project): Diagnostic[] {
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  project ??= checkerProject({ nodeTypes: texts.some((t) => USES_NODE.test(t)) });
  const p = project;
  const sources = files.map((f, i) => p.addSourceFileAtPath(f) ?? p.createSourceFile(f, texts[i]));
  const program = project.getProgram().compilerObject;
  const out: Diagnostic[] = [];
  for (const sf of sources) {
    const own = program.getSourceFile(sf.getFilePath())!;
    for (const d of [...program.getSyntacticDiagnostics(own), ...program.getSemanticDiagnostics(own)]) {
      if (d.category !== ts.DiagnosticCategory.Error) continue;
      const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: -1, character: -1 };
      out.push(error(d.file?.fileName ?? sf.getFilePath(), pos.line + 1, pos.character + 1, ts.flattenDiagnosticMessageText(d.messageText, '\n')));
    }
  }
  return out;
}
