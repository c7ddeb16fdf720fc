/**
 * Writing `dist/` safely: the new tree is written beside the old one and swapped in with renames,
 * so a failed or interrupted run never leaves `dist/` empty or half-written (an empty `dist/`
 * would tell Argo CD to prune every cluster).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'worker_threads';
import { FileWriter } from './serialize';

/** A JSON object. */
type JsonObject = { [key: string]: unknown };

/** Objects handed to the writer thread per message. */
const BATCH = 64;
/** Objects the writer thread may lag behind before the main thread serializes some itself. */
const MAX_BACKLOG = 256;

/**
 * Builds a new output tree beside `outDir` and swaps it in on {@link commit}.
 *
 * Steps: write everything into `<outDir>.tmp-<pid>`, rename `outDir` to `<outDir>.old-<pid>`,
 * rename the new tree to `outDir`, delete the old tree. If anything fails before the swap,
 * `outDir` is untouched ({@link abort} removes the temporary tree); the window between the two
 * renames is two syscalls.
 *
 * With `backgroundCleanup`, the replaced tree is deleted by a detached process after the swap.
 *
 * With `parallel`, objects given to {@link addObject} are serialized and written by a writer thread
 * while the caller goes on (building the next vclusters); when that thread falls behind, the
 * caller's thread serializes some objects itself. The bytes are the same either way
 * (`toYaml` of ./serialize.ts); {@link commit} waits for the writer thread before the swap.
 */
export class TreeWriter {
  /** The temporary tree. */
  public readonly tmp: string;
  private readonly abs: string;
  private readonly old: string;
  private readonly local: FileWriter;
  private worker?: Worker;
  private port?: MessagePort;
  private state?: Int32Array;
  private batch: Array<[string, JsonObject]> = [];
  private posted = 0;
  private closed = false;

  private readonly backgroundCleanup: boolean;

  constructor(outDir: string, options: { parallel?: boolean; backgroundCleanup?: boolean } = {}) {
    this.backgroundCleanup = options.backgroundCleanup ?? false;
    this.abs = path.resolve(outDir);
    const parent = path.dirname(this.abs);
    const base = path.basename(this.abs);
    this.tmp = path.join(parent, `.${base}-new-${process.pid}`);
    this.old = path.join(parent, `.${base}-old-${process.pid}`);
    sweepReplacedTrees(this.abs);
    fs.rmSync(this.tmp, { recursive: true, force: true });
    fs.mkdirSync(this.tmp, { recursive: true });
    this.local = new FileWriter(this.tmp);
    if (options.parallel) this.startWorker();
  }

  /** Adds one object at `rel` (serialized to YAML, possibly on the writer thread). */
  public addObject(rel: string, obj: JsonObject): void {
    if (!this.worker) return this.local.write(rel, obj);
    // [1] = objects the writer thread has written
    if (this.posted - Atomics.load(this.state!, 1) > MAX_BACKLOG) return this.local.write(rel, obj);
    this.batch.push([rel, obj]);
    if (this.batch.length >= BATCH) this.flush();
  }

  /** Adds one file with its content. */
  public addFile(rel: string, content: string): void {
    this.local.write(rel, content);
  }

  /** Waits for the writer thread, then swaps the new tree in. Throws (and cleans up) on failure. */
  public commit(): void {
    try {
      this.finishWorker();
    } catch (e) {
      this.abort();
      throw e;
    }
    this.closed = true;
    const hadOld = fs.existsSync(this.abs);
    if (hadOld) fs.renameSync(this.abs, this.old);
    try {
      fs.renameSync(this.tmp, this.abs);
    } catch (e) {
      if (hadOld) fs.renameSync(this.old, this.abs);
      fs.rmSync(this.tmp, { recursive: true, force: true });
      throw e;
    }
    if (hadOld && this.backgroundCleanup) removeInBackground(this.old);
    else if (hadOld) fs.rmSync(this.old, { recursive: true, force: true });
  }

  /** Stops the writer thread and removes the temporary tree; `outDir` stays as it was. */
  public abort(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.worker && Atomics.compareExchange(this.state!, 0, 0, 3) === 0) {
      // Ask the writer thread to stop and wait until it has (a file written after the rm would leave a stray folder).
      this.worker.postMessage(null);
      const until = Date.now() + 10_000;
      while (Atomics.load(this.state!, 0) === 3 && Date.now() < until) Atomics.wait(this.state!, 0, 3, 100);
    }
    this.worker = undefined;
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }

  private flush(): void {
    if (!this.batch.length) return;
    this.posted += this.batch.length;
    this.worker!.postMessage(this.batch);
    this.batch = [];
  }

  private startWorker(): void {
    let tsx: string;
    try {
      tsx = require.resolve('tsx/cjs');
    } catch {
      return; // no TypeScript loader to start the thread with: serialize on this thread
    }
    const entry = path.join(__dirname, 'serialize-worker.ts');
    const shared = new SharedArrayBuffer(8);
    const { port1, port2 } = new MessageChannel();
    // The writer thread loads only ./serialize.ts (and yaml) through tsx's require hook. If it dies
    // without finishing, it marks itself failed so that commit() never waits forever.
    const code = [
      `const state = new Int32Array(require('worker_threads').workerData.state);`,
      `process.on('exit', () => { const s = Atomics.load(state, 0); if (s === 0 || s === 3) { Atomics.store(state, 0, s === 0 ? 2 : 4); Atomics.notify(state, 0); } });`,
      `require(${JSON.stringify(tsx)});`,
      `require(${JSON.stringify(entry)});`,
    ].join('\n');
    this.state = new Int32Array(shared);
    this.port = port1;
    this.worker = new Worker(code, {
      eval: true,
      execArgv: [],
      workerData: { root: this.tmp, state: shared, port: port2 },
      transferList: [port2],
    });
    this.worker.on('error', () => undefined); // reported through `state` and `port`
    this.worker.unref();
  }

  private finishWorker(): void {
    if (!this.worker) return;
    this.flush();
    this.worker.postMessage(null);
    while (Atomics.load(this.state!, 0) === 0) Atomics.wait(this.state!, 0, 0, 1000);
    if (Atomics.load(this.state!, 0) !== 1) {
      const m = receiveMessageOnPort(this.port!);
      throw new Error(`writing the output failed: ${m ? String(m.message) : 'the writer thread stopped'}`);
    }
    this.worker = undefined;
  }
}

/**
 * Deletes a replaced tree without making the caller wait: unlinking ~20,000 files takes seconds on
 * these disks, and the new tree is already in place. A detached process does it; trees it never got
 * to (machine stopped) are swept by the next run ({@link sweepReplacedTrees}).
 */
function removeInBackground(dir: string): void {
  try {
    const child = spawn(process.execPath, ['-e', `require('fs').rmSync(${JSON.stringify(dir)}, { recursive: true, force: true })`], {
      detached: true,
      stdio: 'ignore',
      env: {},
    });
    child.on('error', () => fs.rmSync(dir, { recursive: true, force: true }));
    child.unref();
    // lowest CPU priority: it must not slow down whatever runs next (another synth, the tests)
    if (child.pid !== undefined) {
      try {
        os.setPriority(child.pid, 19);
      } catch {
        // not allowed here: it runs at normal priority
      }
    }
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Removes trees left over by earlier runs that were interrupted (`.<base>-old-<pid>`, `.<base>-new-<pid>` of dead processes). */
export function sweepReplacedTrees(outDir: string): void {
  const abs = path.resolve(outDir);
  const parent = path.dirname(abs);
  const re = new RegExp(`^\\.${path.basename(abs).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(?:old|new)-(\\d+)$`);
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const m = re.exec(name);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    removeInBackground(path.join(parent, name));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Replaces `outDir` with exactly `files` (relative path → content), atomically (see {@link TreeWriter}).
 */
export function writeTreeAtomically(outDir: string, files: ReadonlyMap<string, string>): void {
  const tree = new TreeWriter(outDir);
  try {
    for (const [rel, content] of files) tree.addFile(rel, content);
  } catch (e) {
    tree.abort();
    throw e;
  }
  tree.commit();
}
