/**
 * Writing `dist/` safely: the new tree is written beside the old one and swapped in with renames,
 * so a failed or interrupted run never leaves `dist/` empty or half-written (an empty `dist/`
 * would tell Argo CD to prune every cluster). One run at a time holds the folder's lock
 * (./output-lock.ts); each run first repairs whatever an earlier one left (./output-swap.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'worker_threads';
import { checkWritable } from './output-access';
import { OutputLock, lockOutput } from './output-lock';
import { OutputPaths, Recovery, outputPaths, recoverOutput, swapIn } from './output-swap';
import { removeTree } from './remove-tree';
import { FileWriter } from './serialize';

export { OutputNotWritableError } from './output-access';
export { OutputBusyError } from './output-lock';

/** A JSON object. */
type JsonObject = { [key: string]: unknown };

/** Objects handed to the writer thread per message. */
const BATCH = 64;
/** Objects the writer thread may lag behind before the main thread serializes some itself. */
const MAX_BACKLOG = 256;

/** Options of {@link TreeWriter}. */
export interface TreeWriterOptions {
  /** Serialize and write objects on a writer thread (see {@link TreeWriter.useWriterThread}). @default false */
  readonly parallel?: boolean;
  /** How the output folder is named in messages. @default the path given */
  readonly display?: string;
  /** Threads deleting the replaced tree (this one included). @default 3 */
  readonly removeThreads?: number;
}

/**
 * Builds a new output tree beside `outDir` and swaps it in on {@link commit}.
 *
 * The constructor takes the folder's lock (another run holding it: {@link OutputBusyError}),
 * refuses a folder it may not write ({@link OutputNotWritableError}), and repairs what an earlier
 * run left ({@link recovery}): it finishes a swap that was journaled, otherwise deletes the
 * unfinished tree, so `outDir` is complete before this run does anything else. Create it before
 * loading the input: a run with bad input repairs the folder too.
 *
 * Everything is written into `.<out>-new/`; {@link commit} journals the swap (`.<out>-swap/`),
 * renames `outDir` to `.<out>-old/` and the new tree to `outDir`, then deletes the old tree with a
 * few threads (./remove-tree.ts) and releases the lock. If anything fails before the swap,
 * `outDir` is untouched ({@link abort} removes the new tree). A crash at any instant leaves
 * either the old tree or a journaled complete new tree, which the next run swaps in.
 *
 * With a writer thread, objects given to {@link addObject} are serialized and written by that
 * thread while the caller goes on (building the next vclusters); when it falls behind, the
 * caller's thread serializes some objects itself. The bytes are the same either way
 * (`toYaml` of ./serialize.ts); {@link commit} waits for the writer thread before the swap.
 */
export class TreeWriter {
  /** The temporary tree. */
  public readonly tmp: string;
  /** What the constructor found and repaired. */
  public readonly recovery: Recovery;
  private readonly paths: OutputPaths;
  private readonly lock: OutputLock;
  private readonly remove: (dir: string) => void;
  private readonly local: FileWriter;
  private worker?: Worker;
  private port?: MessagePort;
  private state?: Int32Array;
  private batch: Array<[string, JsonObject]> = [];
  private posted = 0;
  private closed = false;

  constructor(outDir: string, options: TreeWriterOptions = {}) {
    this.paths = outputPaths(outDir);
    this.tmp = this.paths.next;
    const display = options.display ?? outDir;
    this.remove = (dir) => removeTree(dir, { threads: options.removeThreads });
    checkWritable(this.paths.out, display); // also creates the folder holding it
    this.lock = lockOutput(this.paths.out, { display });
    try {
      this.recovery = recoverOutput(this.paths, this.remove);
      fs.mkdirSync(this.tmp);
    } catch (e) {
      this.lock.release();
      throw e;
    }
    this.local = new FileWriter(this.tmp, this.paths.out);
    if (options.parallel) this.useWriterThread();
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

  /** Waits for the writer thread, then swaps the new tree in and deletes the old one. Throws (and cleans up) on failure. */
  public commit(): void {
    if (this.closed) throw new Error('this output tree was already committed or aborted');
    try {
      this.finishWorker();
    } catch (e) {
      this.abort();
      throw e;
    }
    this.closed = true;
    try {
      swapIn(this.paths, this.remove);
    } catch (e) {
      if (!fs.existsSync(this.paths.journal)) this.remove(this.tmp);
      throw e;
    } finally {
      this.lock.release();
    }
  }

  /** Stops the writer thread, removes the temporary tree and releases the lock; `outDir` stays as it was. */
  public abort(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.worker && Atomics.compareExchange(this.state!, 0, 0, 3) === 0) {
        // Ask the writer thread to stop and wait until it has (a file written after the rm would leave a stray folder).
        this.worker.postMessage(null);
        const until = Date.now() + 10_000;
        while (Atomics.load(this.state!, 0) === 3 && Date.now() < until) Atomics.wait(this.state!, 0, 3, 100);
      }
      this.worker = undefined;
      this.remove(this.tmp);
    } finally {
      this.lock.release();
    }
  }

  private flush(): void {
    if (!this.batch.length) return;
    this.posted += this.batch.length;
    this.worker!.postMessage(this.batch);
    this.batch = [];
  }

  /**
   * Serializes and writes the objects given from now on on a writer thread (no effect when it
   * runs already, or when there is no TypeScript loader to start it with).
   */
  public useWriterThread(): void {
    if (this.worker || this.closed) return;
    // From the sources the thread's modules are TypeScript (loaded through tsx); built, JavaScript.
    const ext = path.extname(__filename);
    let tsx: string | undefined;
    try {
      if (ext === '.ts') tsx = require.resolve('tsx/cjs');
    } catch {
      return; // no TypeScript loader to start the thread with: serialize on this thread
    }
    const entry = path.join(__dirname, `serialize-worker${ext}`);
    const shared = new SharedArrayBuffer(8);
    const { port1, port2 } = new MessageChannel();
    // The writer thread loads only ./serialize (and yaml). If it dies
    // without finishing, it marks itself failed so that commit() never waits forever.
    const code = [
      `const state = new Int32Array(require('worker_threads').workerData.state);`,
      `process.on('exit', () => { const s = Atomics.load(state, 0); if (s === 0 || s === 3) { Atomics.store(state, 0, s === 0 ? 2 : 4); Atomics.notify(state, 0); } });`,
      ...(tsx ? [`require(${JSON.stringify(tsx)});`] : []),
      `require(${JSON.stringify(entry)});`,
    ].join('\n');
    this.state = new Int32Array(shared);
    this.port = port1;
    this.worker = new Worker(code, {
      eval: true,
      execArgv: [],
      workerData: { root: this.tmp, previous: this.paths.out, state: shared, port: port2 },
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
 * Replaces `outDir` with exactly `files` (relative path → content), atomically (see
 * {@link TreeWriter}): `outDir` ends as the old tree or the new one, never a mix, never missing.
 * It replaces whatever `outDir` holds; the synth command first refuses a folder that is not absent,
 * empty or an earlier synth output.
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
