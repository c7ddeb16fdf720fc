/**
 * Deleting a large tree quickly, within the run: the entries of its top folder are shared out
 * between this thread and a few helper threads, which delete their shares at the same time. For a
 * 1000-vcluster `dist/` (~19,000 files in ~3,000 folders) this takes a fraction of the time of one
 * `fs.rmSync` (see `npm run bench`). The threads end with the call: nothing outlives the run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';

/** Options of {@link removeTree}. */
export interface RemoveTreeOptions {
  /** Threads deleting at the same time, this one included. @default 3 */
  readonly threads?: number;
  /** Below this many top-level entries one thread does it all. @default 64 */
  readonly parallelFrom?: number;
}

/** The code of a helper thread: deletes its paths, then counts itself done in the shared state. */
const HELPER = [
  `const { workerData } = require('worker_threads');`,
  `const fs = require('fs');`,
  `const done = new Int32Array(workerData.state);`,
  `try { for (const p of workerData.paths) fs.rmSync(p, { recursive: true, force: true, maxRetries: 2 }); }`,
  `catch { Atomics.add(done, 1, 1); }`,
  `finally { Atomics.add(done, 0, 1); Atomics.notify(done, 0); }`,
].join('\n');

/** Deletes `dir` and everything below it; nothing when it does not exist. Throws when it cannot. */
export function removeTree(dir: string, options: RemoveTreeOptions = {}): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') return fs.rmSync(dir, { force: true });
    throw e;
  }
  const threads = Math.max(1, options.threads ?? 3);
  if (threads > 1 && names.length >= (options.parallelFrom ?? 64))
    removeInParallel(
      names.map((n) => path.join(dir, n)),
      threads,
    );
  // whatever a helper could not delete fails here, with its own error
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
}

function removeInParallel(paths: string[], threads: number): void {
  const state = new Int32Array(new SharedArrayBuffer(8));
  const shares: string[][] = Array.from({ length: threads }, () => []);
  paths.forEach((p, i) => shares[i % threads].push(p));
  let started = 0;
  for (const share of shares.slice(1)) {
    try {
      const w = new Worker(HELPER, { eval: true, execArgv: [], workerData: { paths: share, state: state.buffer } });
      w.on('error', () => undefined);
      w.unref();
      started++;
    } catch {
      shares[0].push(...share); // no thread: this one does that share too
    }
  }
  for (const p of shares[0]) fs.rmSync(p, { recursive: true, force: true, maxRetries: 2 });
  // A helper that dies without counting itself (it cannot: `finally`) would be waited for up to a minute.
  const until = Date.now() + 60_000;
  for (let n = Atomics.load(state, 0); n < started && Date.now() < until; n = Atomics.load(state, 0)) Atomics.wait(state, 0, n, 1000);
}
