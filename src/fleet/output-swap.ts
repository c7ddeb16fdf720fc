/**
 * Swapping a new output tree in, so that a crash at any instant leaves something the next run can
 * finish. Beside `dist/` (under the lock of ./output-lock.ts, so the names need no PID):
 *
 * - `.dist-new/`: the tree being written;
 * - `.dist-swap/`: the journal, an empty folder made once `.dist-new/` is complete: from then on
 *   the new tree is the result of the run and a crash is finished forward;
 * - `.dist-old/`: the replaced tree, deleted after the swap.
 *
 * Swap: make `.dist-swap/`, rename `dist/` to `.dist-old/`, rename `.dist-new/` to `dist/`, remove
 * `.dist-swap/`, delete `.dist-old/`. {@link recoverOutput}, run at the start of every run, finishes
 * a swap that has its journal and otherwise deletes `.dist-new/`; either way `dist/` ends complete:
 * the old tree or the new one, never a mix, never missing.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The paths around one output folder. */
export interface OutputPaths {
  /** The output folder, absolute. */
  readonly out: string;
  /** The new tree while it is written. */
  readonly next: string;
  /** The journal: present while a complete new tree is being swapped in. */
  readonly journal: string;
  /** The replaced tree, until it is deleted. */
  readonly old: string;
}

/** The paths of `outDir`. */
export function outputPaths(outDir: string): OutputPaths {
  const out = path.resolve(outDir);
  const at = (suffix: string) => path.join(path.dirname(out), `.${path.basename(out)}-${suffix}`);
  return { out, next: at('new'), journal: at('swap'), old: at('old') };
}

/** What {@link recoverOutput} found and did. */
export interface Recovery {
  /** An interrupted swap was finished: `dist/` is the tree of the interrupted run. */
  readonly finishedSwap: boolean;
  /** `dist/` was missing and the tree it had been was put back. */
  readonly restored: boolean;
  /** Leftovers deleted (absolute paths). */
  readonly removed: readonly string[];
}

const exists = (p: string) => fs.existsSync(p);

/**
 * Brings the folder back to a clean state after any earlier run, however it ended: finishes a
 * journaled swap, puts back a replaced tree when `dist/` is missing, deletes every leftover
 * (including those of the PID-named scheme used before). Call it holding the lock.
 */
export function recoverOutput(paths: OutputPaths, remove: (dir: string) => void): Recovery {
  let finishedSwap = false;
  let restored = false;
  const removed: string[] = [];
  const drop = (p: string) => {
    if (!exists(p)) return;
    remove(p);
    removed.push(p);
  };
  if (exists(paths.journal)) {
    if (exists(paths.next)) {
      if (exists(paths.out)) {
        drop(paths.old);
        fs.renameSync(paths.out, paths.old);
      }
      fs.renameSync(paths.next, paths.out);
    }
    fs.rmdirSync(paths.journal);
    finishedSwap = true;
  }
  drop(paths.next); // written by a run that never finished it
  const legacy = legacyTrees(paths);
  if (!exists(paths.out)) {
    // No journaled swap explains a missing output: the replaced tree is the last complete one.
    const back = exists(paths.old) ? paths.old : legacy.find((t) => t.kind === 'old')?.path;
    if (back) {
      fs.renameSync(back, paths.out);
      restored = true;
    }
  }
  drop(paths.old);
  for (const t of legacy) drop(t.path);
  return { finishedSwap, restored, removed };
}

/** Trees of the earlier PID-named scheme (`.dist-old-<pid>`, `.dist-new-<pid>`), newest first. */
function legacyTrees(paths: OutputPaths): Array<{ path: string; kind: 'old' | 'new' }> {
  const parent = path.dirname(paths.out);
  const base = path.basename(paths.out).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\.${base}-(old|new)-\\d+$`);
  return fs
    .readdirSync(parent)
    .map((name) => ({ name, m: re.exec(name) }))
    .filter((x) => x.m)
    .map((x) => ({ path: path.join(parent, x.name), kind: x.m![1] as 'old' | 'new', at: fs.statSync(path.join(parent, x.name)).mtimeMs }))
    .sort((a, b) => b.at - a.at)
    .map(({ path: p, kind }) => ({ path: p, kind }));
}

/**
 * Swaps the complete tree at `paths.next` in (see the module comment). When a rename fails, the
 * old tree is put back and the error thrown; after the journal is made, a crash is finished by the
 * next run's {@link recoverOutput}.
 */
export function swapIn(paths: OutputPaths, remove: (dir: string) => void): void {
  fs.mkdirSync(paths.journal);
  const hadOut = exists(paths.out);
  try {
    if (hadOut) fs.renameSync(paths.out, paths.old);
    fs.renameSync(paths.next, paths.out);
  } catch (e) {
    if (hadOut && !exists(paths.out) && exists(paths.old)) fs.renameSync(paths.old, paths.out);
    fs.rmdirSync(paths.journal);
    throw e;
  }
  fs.rmdirSync(paths.journal);
  if (hadOut) remove(paths.old);
}
