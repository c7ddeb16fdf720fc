/**
 * Synth as the app of the cdk8s CLI (`cdk8s synth` runs `src/cli/synth.ts --cdk8s`, see
 * cdk8s.yaml): the output folder is the CLI's (`$CDK8S_OUTDIR`), written by the same validated,
 * atomic writer as `npm run synth`.
 *
 * The cdk8s CLI deletes its output folder before it starts the app. Run through npm (`npx cdk8s`),
 * the project's guard (src/cli/cdk8s-guard.cjs, loaded through .npmrc) stops that deletion. A cdk8s
 * CLI started without it (a global install) deletes the folder first; the app then finds it missing
 * and recovers what git's index holds for it:
 * - an earlier synth output (git has its `_bootstrap/`): synth regenerates it, and restores it from
 *   the index when synth fails, so a bad declaration never leaves it deleted;
 * - any other tracked folder (`-o vclusters`, `-o src`): restored from the index at once, and
 *   refused as an output.
 * Changes that were not in git's index are lost in that case; nothing can bring back a folder git
 * does not track, nor protect the repository itself (`-o .`) from a CLI without the guard.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { BOOTSTRAP_DIR } from '../fleet/fleet';
import { UsageError } from './args';
import { OutputTargetError, shown } from './output-target';

/** The output folder the cdk8s CLI asks for (`$CDK8S_OUTDIR`). */
export function cdk8sOutDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.CDK8S_OUTDIR;
  if (!dir) throw new UsageError('--cdk8s: CDK8S_OUTDIR is not set (the cdk8s CLI sets it: run npx cdk8s synth)');
  return path.resolve(dir);
}

/** A tracked folder the cdk8s CLI deleted before the app ran. */
export interface DeletedFolder {
  /** The folder. */
  readonly dir: string;
  /** How many files git's index holds under it. */
  readonly files: number;
  /** True when git holds an earlier synth output there (its `_bootstrap/`). */
  readonly wasOutput: boolean;
}

/** The files git's index holds under `dir` (paths relative to the repository), or [] outside a work tree. */
function trackedFiles(dir: string, root: string): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--full-name', '--', path.resolve(dir)], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 256 * 1024 * 1024,
    });
    return out.split('\0').filter((f) => f !== '');
  } catch {
    return []; // no git, not a work tree, or outside it
  }
}

/** The folder, when it is missing although git's index holds files under it; else undefined. */
export function deletedFolder(dir: string, root: string): DeletedFolder | undefined {
  if (fs.existsSync(dir)) return undefined;
  const files = trackedFiles(dir, root);
  if (!files.length) return undefined;
  const rel = path.relative(root, path.resolve(dir)).split(path.sep).join('/');
  const wasOutput = files.some((f) => f.startsWith(`${rel}/${BOOTSTRAP_DIR}/`));
  return { dir, files: files.length, wasOutput };
}

/** Restores a deleted folder from git's index; returns a sentence saying so. */
export function restoreFromGit(d: DeletedFolder, root: string): string {
  execFileSync('git', ['checkout', '--', path.resolve(d.dir)], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  return `the cdk8s CLI deleted ${shown(d.dir)}/ before running the app (a cdk8s CLI without this project's guard, e.g. a global install; run npx cdk8s instead); its ${d.files} files were restored from git's index`;
}

/** The `output` folder of the cdk8s.yaml in `dir` (where the CLI runs), if it names one. */
export function configuredOutput(dir: string = process.cwd()): string | undefined {
  try {
    const config = YAML.parse(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8')) as { output?: unknown } | null;
    return typeof config?.output === 'string' ? path.resolve(dir, config.output) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `synthesize(outDir)` as the cdk8s CLI's app. A cdk8s CLI without the guard deletes the
 * configured output folder even when it writes elsewhere (`--stdout`): that folder is restored from
 * git's index first. A deleted `outDir` that held no synth output is restored and refused; one that
 * did is regenerated, or restored when synth fails. `cwd` is where the CLI runs (its cdk8s.yaml).
 */
export function runAsCdk8sApp(outDir: string, root: string, synthesize: (outDir: string) => void, cwd = process.cwd()): void {
  const configured = configuredOutput(cwd);
  const other = configured && configured !== path.resolve(outDir) ? deletedFolder(configured, root) : undefined;
  if (other) console.error(restoreFromGit(other, root));
  const deleted = deletedFolder(outDir, root);
  if (deleted && !deleted.wasOutput) {
    const restored = restoreFromGit(deleted, root);
    throw new OutputTargetError(`${restored}. It is not a synth output: pick another -o folder`);
  }
  try {
    synthesize(outDir);
  } catch (e) {
    if (deleted) console.error(restoreFromGit(deleted, root));
    throw e;
  }
  if (deleted)
    console.error(
      `note: the cdk8s CLI had deleted ${shown(outDir)}/ before running the app; it was regenerated (run npx cdk8s to keep it in place)`,
    );
}
