/**
 * Starting loader threads (./load-worker.ts). Kept light (no library imports) so that the synth
 * CLI can start loading the declarations folder first thing, while its own thread still loads the
 * library: {@link prestartLoad}; `loadFleet` then takes that session over.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, MessagePort, Worker } from 'worker_threads';
import { DeclarationFolder, PLATFORM_FILE, readDeclarationFolder } from './declaration-folder';
import { LIBRARY_ENTRY } from './library';
import { BATCH, LoadWorkerData, SLOTS, Slot } from './load-protocol';

/** One loader thread and what is needed to talk to it. */
export interface LoaderThread {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly state: Int32Array;
  /** `Date.now()` at its start ({@link Slot.Started} counts from here). */
  readonly epoch: number;
  /** Files per turn of its event loop. */
  readonly batch: number;
}

/** Loading one declarations folder: its entries, the files in loading order, the first thread. */
export interface LoadSession {
  /** The folder, absolute. */
  readonly dir: string;
  readonly folder: DeclarationFolder;
  /** Absolute paths: the platform first (when present), then the declarations. */
  readonly files: readonly string[];
  /** Index of the platform in `files`; -1 when there is none. */
  readonly platformIndex: number;
  /** The platform file's bytes before any file was loaded (to notice a declaration writing it). */
  readonly platformSource?: Buffer;
  /** The thread loading `files` from the first. */
  readonly thread: LoaderThread;
}

/** Starts a loader thread for `files` from index `first`, `batch` files per turn of its event loop. */
export function startLoaderThread(files: readonly string[], first: number, batch = BATCH): LoaderThread {
  let tsx: string;
  try {
    tsx = require.resolve('tsx/cjs');
  } catch {
    throw new Error('loading declarations needs the TypeScript loader tsx (a dependency of vcluster-fleet): reinstall it (npm ci)');
  }
  const shared = new SharedArrayBuffer(4 * SLOTS);
  // the thread's start-up loads the library: under the library's time limit
  new Int32Array(shared)[Slot.Current] = -1;
  const { port1, port2 } = new MessageChannel();
  const epoch = Date.now();
  const data: LoadWorkerData = { files, first, batch, library: LIBRARY_ENTRY, typescript: tsx, state: shared, epoch, port: port2 };
  // From the sources the thread's own modules are TypeScript: tsx first. Built (lib/*.js), the
  // thread loads them and the library as they are, and tsx only for the declarations.
  const ext = path.extname(__filename);
  const code = [
    ...(ext === '.ts' ? [`require(${JSON.stringify(tsx)});`] : []),
    'process.setSourceMapsEnabled(false);',
    `require(${JSON.stringify(path.join(__dirname, `load-worker${ext}`))});`,
  ].join('\n');
  const worker = new Worker(code, {
    eval: true,
    execArgv: [],
    workerData: data,
    transferList: [port2],
    // a declaration that allocates without end stops its thread, not synth
    resourceLimits: { maxOldGenerationSizeMb: 1024 },
  });
  worker.on('error', () => undefined); // seen through the shared state and the messages
  worker.unref();
  return { worker, port: port1, state: new Int32Array(shared), epoch, batch };
}

/** Reads the folder and starts loading it. */
export function startLoadSession(dir: string): LoadSession {
  const abs = path.resolve(dir);
  const folder = readDeclarationFolder(abs);
  const names = [...(folder.platform ? [folder.platform] : []), ...folder.declarations];
  const files = names.map((f) => path.join(abs, f));
  const platformSource = folder.platform ? fs.readFileSync(path.join(abs, PLATFORM_FILE)) : undefined;
  return { dir: abs, folder, files, platformIndex: folder.platform ? 0 : -1, platformSource, thread: startLoaderThread(files, 0) };
}

let prestarted: LoadSession | undefined;

/**
 * Starts loading `dir` now, for a `loadFleet(dir)` to come (the synth CLI calls it before it loads
 * the library, so both happen at once). Does nothing when the folder cannot be read: `loadFleet`
 * reports that.
 */
export function prestartLoad(dir: string): void {
  try {
    prestarted = startLoadSession(dir);
  } catch {
    prestarted = undefined;
  }
}

/**
 * The session {@link prestartLoad} started for `dir`, when its files are still those of the
 * folder; otherwise a new session. A prestarted session is taken once.
 */
export function loadSession(dir: string): LoadSession {
  const p = prestarted;
  prestarted = undefined;
  const fresh = () => startLoadSession(dir);
  if (!p) return fresh();
  const now = readDeclarationFolder(path.resolve(dir));
  const same = p.dir === path.resolve(dir) && JSON.stringify(now) === JSON.stringify(p.folder);
  if (same) return p;
  void p.thread.worker.terminate();
  return fresh();
}
