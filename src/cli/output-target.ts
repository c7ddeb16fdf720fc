/**
 * Which folders synth may replace. Synth swaps its whole output folder for the new tree, so the
 * folder it is pointed at (`--out`, or `cdk8s synth -o`) must be one it may throw away: a folder
 * that does not exist yet, an empty one, or an earlier synth output (recognised by its `_bootstrap/`
 * folder). Everything else is refused before anything is written: the repository or a folder
 * containing it, the declarations folder, a folder inside an earlier output, or any folder holding
 * other files (`src/`, `vclusters/`, a home directory, ...).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BOOTSTRAP_DIR } from '../fleet/fleet';

/** Thrown when synth must not replace the folder it was pointed at. */
export class OutputTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputTargetError';
  }
}

/** Where synth runs: the repository and the declarations folder it reads. */
export interface OutputContext {
  /** The repository root. */
  readonly root: string;
  /** The declarations folder being synthesized. */
  readonly declarations: string;
}

/** `dir` with symbolic links resolved as far as it exists (the rest appended). */
export function realPath(dir: string): string {
  const abs = path.resolve(dir);
  const missing: string[] = [];
  let existing = abs;
  while (!fs.existsSync(existing)) {
    missing.unshift(path.basename(existing));
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  let real = existing;
  try {
    real = fs.realpathSync(existing);
  } catch {
    // unreadable: compare the path as written
  }
  return path.join(real, ...missing);
}

/** True when `inner` is `outer` or inside it. */
function within(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** True when `dir` is an earlier synth output (it has the `_bootstrap/` folder every synth writes). */
export function isSynthOutput(dir: string): boolean {
  try {
    return fs.statSync(path.join(dir, BOOTSTRAP_DIR)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The reason synth must not replace `outDir` because of where it is (whatever it holds), or
 * undefined: the filesystem root, the home directory, the repository or a folder containing it,
 * the declarations folder (or a folder inside or around it), a folder inside an earlier output.
 */
export function placementProblem(outDir: string, ctx: OutputContext): string | undefined {
  const out = realPath(outDir);
  const root = realPath(ctx.root);
  const decls = realPath(ctx.declarations);
  if (path.dirname(out) === out) return 'it is the root of the filesystem';
  if (out === realPath(os.homedir())) return 'it is the home directory';
  if (within(root, out)) return out === root ? 'it is the repository itself' : 'it contains the repository';
  if (within(decls, out) || within(out, decls)) return 'it holds the vcluster declarations';
  for (let dir = path.dirname(out); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (isSynthOutput(dir)) return `it is inside the synth output ${shown(dir)}/`;
  }
  return undefined;
}

/** `dir` relative to the working directory when it is inside it, else absolute. */
export function shown(dir: string): string {
  const rel = path.relative(process.cwd(), path.resolve(dir));
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(dir) : rel;
}

/**
 * Throws {@link OutputTargetError} unless synth may replace `outDir`: it must be placed where an
 * output may be ({@link placementProblem}) and be absent, empty or an earlier synth output.
 */
export function checkOutputTarget(outDir: string, ctx: OutputContext): void {
  const fix = 'write to dist/ (the default), a new folder, or an earlier synth output';
  const refuse = (why: string) =>
    new OutputTargetError(`refusing to replace ${shown(path.resolve(outDir))}/ with the fleet: ${why}; ${fix}`);
  const placement = placementProblem(outDir, ctx);
  if (placement) throw refuse(placement);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(outDir);
  } catch {
    return; // does not exist yet
  }
  if (!stat.isDirectory()) throw refuse('it is a file');
  const entries = fs.readdirSync(outDir);
  if (entries.length && !isSynthOutput(outDir)) {
    throw refuse(`it holds files synth did not write (${entries.sort().slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''})`);
  }
}
