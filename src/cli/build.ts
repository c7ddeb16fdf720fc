/**
 * `npm run build`: compiles the library to JavaScript and declaration files in `lib/`, what the
 * npm package ships (package.json `main`, `types`, `exports`, `bin`). The layout under `lib/` is
 * the repository's: `lib/src/` (the library and its commands) and `lib/imports/` (the generated
 * classes, the Helm values validators and the chart lines), so every relative import and the
 * validators' `require` resolve as they do from the sources.
 *
 * Driven by tsconfig.json (its compiler options) with the build's own settings on top: emit
 * JavaScript and `.d.ts`, no source maps, `rootDir` the repository. The program is every module of
 * src/ but those that serve only this repository (they read its own files); a type error anywhere
 * in it fails the build. `lib/` is replaced as a whole and atomically (the writer of synth), only
 * when the build succeeded; the output is the same bytes run to run.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { writeTreeAtomically } from '../fleet/output';
import { CommandSpec, OptionSpecs, commandLine } from './args';

const ROOT = path.resolve(__dirname, '..', '..');

/** The build's output folder, relative to the repository. */
export const BUILD_DIR = 'lib';

/**
 * Modules of src/ that only serve the development of this repository: they read its README,
 * sources, schemas or vclusters/ folder. Not built, not shipped.
 */
export const REPOSITORY_ONLY: readonly string[] = [
  'src/cli/bench.ts',
  'src/cli/build.ts',
  'src/cli/import-schemas.ts',
  'src/cli/options-table.ts',
  'src/verify/bench.ts',
];

/**
 * Files of imports/ that are not TypeScript but are loaded at run time: the Helm values validators
 * (required by chart line) and the chart lines. `manifest-validators.js` (7 MB) is left out: only
 * the tests load it.
 */
export const RUNTIME_ASSETS = /^[^/]+(\.validate\.js|\.json)$/;

/** Compiler options of the build, over those of tsconfig.json. */
const BUILD_OPTIONS: ts.CompilerOptions = {
  noEmit: false,
  declaration: true,
  declarationMap: false,
  sourceMap: false,
  inlineSourceMap: false,
  removeComments: false,
  incremental: false,
  composite: false,
  rootDir: ROOT,
  types: ['node'],
  newLine: ts.NewLineKind.LineFeed,
};

/** Every `.ts` file below `dir` (absolute paths, sorted). */
function typescriptFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return typescriptFiles(p);
      return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
    });
}

/** The modules the build compiles: src/ but {@link REPOSITORY_ONLY} (imports/ follows from them). */
export function buildRoots(root: string = ROOT): string[] {
  const skip = new Set(REPOSITORY_ONLY.map((f) => path.join(root, f)));
  return typescriptFiles(path.join(root, 'src')).filter((f) => !skip.has(f));
}

/** Thrown when the sources do not compile; the message lists every diagnostic. */
export class BuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildError';
  }
}

/** The compiler options of tsconfig.json in `root` with {@link BUILD_OPTIONS} on top. */
function compilerOptions(root: string, outDir: string): ts.CompilerOptions {
  const configFile = path.join(root, 'tsconfig.json');
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new BuildError(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, { ...BUILD_OPTIONS, rootDir: root, outDir }, host);
  if (!parsed) throw new BuildError(`cannot read ${configFile}`);
  if (parsed.errors.length) throw new BuildError(formatDiagnostics(parsed.errors, root));
  return parsed.options;
}

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[], root: string): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  });
}

/**
 * Compiles the library of the repository in `root`: relative path under `lib/` → content. Nothing
 * is written. @throws BuildError listing the diagnostics when the sources do not compile
 */
export function compileLibrary(root: string = ROOT): Map<string, string> {
  const outDir = path.join(root, BUILD_DIR);
  const program = ts.createProgram({ rootNames: buildRoots(root), options: compilerOptions(root, outDir) });
  const files = new Map<string, string>();
  const result = program.emit(undefined, (file, text) => {
    files.set(path.relative(outDir, file).split(path.sep).join('/'), text);
  });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (diagnostics.length) throw new BuildError(formatDiagnostics(diagnostics, root));
  for (const f of fs.readdirSync(path.join(root, 'imports')).sort()) {
    if (RUNTIME_ASSETS.test(f)) files.set(`imports/${f}`, fs.readFileSync(path.join(root, 'imports', f), 'utf8'));
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The command line of `npm run build`. */
export const BUILD_COMMAND = {
  usage: 'npm run build --',
  summary: `Compiles the library to JavaScript and .d.ts files in ${BUILD_DIR}/ (what the npm package ships), replacing the folder only when everything compiled.`,
  options: {},
} satisfies CommandSpec<OptionSpecs>;

function main(): void {
  const args = commandLine('build', BUILD_COMMAND);
  if (!args) return;
  const started = Date.now();
  try {
    const files = compileLibrary();
    writeTreeAtomically(path.join(ROOT, BUILD_DIR), files);
    const bytes = [...files.values()].reduce((n, t) => n + Buffer.byteLength(t), 0);
    console.log(`build: ${files.size} files, ${(bytes / 1e6).toFixed(1)} MB → ${BUILD_DIR}/ (${Date.now() - started} ms)`);
  } catch (e) {
    console.error(`build failed; ${BUILD_DIR}/ is as it was.\n${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}

if (require.main === module) main();
