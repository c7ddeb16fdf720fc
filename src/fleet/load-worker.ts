/**
 * The loader thread of `loadFleet` (./loader.ts). It loads the library, then the platform file,
 * then each declaration file, one at a time, and sends back what each default-exports as plain
 * data (./plain-data.ts). Synth's own objects never meet declaration code: synth gets copies and
 * makes `Exposure` values again with its own factories.
 *
 * Before each file it publishes the file's index (the main thread times it). Files load in
 * batches, one turn of the event loop each; then each file's outcome is sent: the data, the fields
 * that are not data, no default export, what it threw, or a fault: handles (timers, sockets,
 * watchers) still open after the file loaded, a rejected promise nobody handled, an error thrown
 * later. After a fault the thread stops; the main thread starts a fresh one for the files that
 * remain (one file per turn when the fault could not be told apart within its batch). The
 * platform file comes first, alone, and is deep-frozen before the next file loads.
 */
import * as path from 'path';
import { workerData } from 'worker_threads';
import { PLATFORM_FILE } from './declaration-folder';
import { EXPOSURE_FACTORIES, FileOutcome, LoadMessage, LoadWorkerData, SentProblem, Slot, settling } from './load-protocol';
import { loadErrorMessage } from './load-error';
import { shareLibrary } from './library';
import { deepFreeze } from '../validation';
import { printable, toPlainData } from './plain-data';

const init = workerData as LoadWorkerData;
const { files, first, batch: batchSize, library, typescript, port, epoch } = init;
const state = new Int32Array(init.state);
// Declarations can read workerData: leave nothing there to forge messages with.
for (const key of Object.keys(init)) delete (init as unknown as Record<string, unknown>)[key];
const post = port.postMessage.bind(port);

function bump(): void {
  Atomics.add(state, Slot.Seq, 1);
  Atomics.notify(state, Slot.Seq);
}

function send(message: LoadMessage): void {
  post(message);
  bump();
}

/** Publishes the file being loaded (see {@link Slot.Current}) and when it started. */
function setCurrent(index: number): void {
  Atomics.store(state, Slot.Started, Date.now() - epoch);
  Atomics.store(state, Slot.Current, index);
}

/** A fault noticed between loading a file and checking it (rejections, late throws). */
let pendingFault: { fault: 'rejection' | 'uncaught'; detail: string } | undefined;
process.on('exit', (code) => {
  Atomics.store(state, Slot.Exit, 1000 + code);
  bump();
});
process.on('unhandledRejection', (reason) => {
  pendingFault ??= { fault: 'rejection', detail: `a promise nobody handled rejected: ${loadErrorMessage(reason)}` };
});
process.on('uncaughtException', (e) => {
  pendingFault ??= { fault: 'uncaught', detail: `threw after it had loaded: ${loadErrorMessage(e)}` };
});

/**
 * Requests that finish by themselves (file reads and writes, closes, connects): Node lists them
 * while tsx reads files and writes its cache. What is left are handles: timers, sockets, servers,
 * child processes, watchers, ports.
 */
const IGNORED_RESOURCES = new Set(['FSReqCallback', 'FSReqPromise', 'CloseReq', 'ConnectWrap', 'WriteWrap', 'ShutdownWrap']);

/** What each resource type is, in words. */
const RESOURCE_WORDS: Record<string, string> = {
  Timeout: 'a timer (setTimeout or setInterval)',
  Immediate: 'a setImmediate callback',
  TCPSocketWrap: 'a TCP socket',
  TCPServerWrap: 'a TCP server',
  PipeWrap: 'a pipe',
  ProcessWrap: 'a child process',
  FSEventWrap: 'a file watcher',
  StatWatcher: 'a file watcher',
  SignalWrap: 'a signal listener',
  UDPWrap: 'a UDP socket',
  GetAddrInfoReqWrap: 'a DNS lookup',
  MessagePort: 'a message port',
  TTYWrap: 'a terminal stream',
};

/** Resources opened between `before` and `after` (a multiset difference). */
function opened(before: readonly string[], after: readonly string[]): string[] {
  const left = [...before];
  const out: string[] = [];
  for (const r of after) {
    const i = left.indexOf(r);
    if (i >= 0) left.splice(i, 1);
    else if (!IGNORED_RESOURCES.has(r)) out.push(r);
  }
  return out;
}

/** What made each factory-made value: the factory's name and its arguments. */
type Made = WeakMap<object, { factory: string; args: readonly unknown[] }>;

/** Makes the factories of `Exposure` remember what made each value (name and arguments). */
function recordFactories(exposure: Record<string, unknown>): Made {
  const made: Made = new WeakMap();
  for (const factory of EXPOSURE_FACTORIES) {
    const original = exposure[factory] as (...a: unknown[]) => unknown;
    const recording = function (this: unknown, ...args: unknown[]): unknown {
      const value = original.apply(this, args);
      if (value !== null && typeof value === 'object') made.set(value, { factory, args });
      return value;
    };
    Object.defineProperty(exposure, factory, { value: recording, writable: true, configurable: true });
  }
  // one declaration cannot change what the factories do for the declarations loaded after it
  Object.freeze(exposure);
  return made;
}

/** The outcome of a file that threw while loading: its problems when it threw a ValidationError. */
function threwOutcome(e: unknown, validationError: unknown): FileOutcome {
  const message = loadErrorMessage(e);
  if (typeof validationError === 'function' && e instanceof validationError) {
    const problems = (e as { problems: readonly SentProblem[] }).problems.map((p) => ({ ...p, value: printable(p.value) }));
    return { kind: 'threw', message, syntax: false, problems };
  }
  return { kind: 'threw', message, syntax: message.startsWith('syntax error') };
}

/** The outcome of a declaration that loaded: its default export as data, or what is wrong with it. */
function exportOutcome(mod: unknown, made: Made): FileOutcome {
  if (!mod || typeof mod !== 'object' || !('default' in mod)) {
    const named = mod && typeof mod === 'object' ? Object.keys(mod).filter((k) => k !== '__esModule') : [];
    return { kind: 'no-default', named };
  }
  const plain = toPlainData((mod as { default: unknown }).default, (v) => made.get(v));
  return plain.issues.length ? { kind: 'not-data', issues: plain.issues } : { kind: 'data', data: plain.data, calls: plain.calls };
}

/** A file just required: its module or what it threw, and what it left open. */
interface Required {
  readonly index: number;
  readonly isPlatform: boolean;
  readonly mod?: unknown;
  readonly threw: boolean;
  readonly error?: unknown;
  /** Resources it opened and left open. */
  readonly left: readonly string[];
}

function requireOne(index: number): Required {
  setCurrent(index);
  const isPlatform = path.basename(files[index]) === PLATFORM_FILE;
  const before = process.getActiveResourcesInfo();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod: unknown = require(files[index]);
    return { index, isPlatform, mod, threw: false, left: opened(before, process.getActiveResourcesInfo()) };
  } catch (error) {
    return { index, isPlatform, error, threw: true, left: opened(before, process.getActiveResourcesInfo()) };
  }
}

/** The outcome of a file that has settled; `stop` when the thread is no longer clean. */
function outcomeOf(r: Required, lib: Record<string, unknown>, made: Made): { outcome: FileOutcome; stop: boolean } {
  if (r.threw) return { outcome: threwOutcome(r.error, lib.ValidationError), stop: r.left.length > 0 };
  if (r.left.length) {
    const words = [...new Set(r.left.map((x) => RESOURCE_WORDS[x] ?? x))].join(', ');
    return { outcome: { kind: 'fault', fault: 'handles', detail: `left ${words} running after it loaded` }, stop: true };
  }
  if (r.isPlatform) {
    // Later files may import the platform: they cannot change it.
    if (r.mod && typeof r.mod === 'object') deepFreeze((r.mod as { default?: unknown }).default);
    return { outcome: { kind: 'loaded' }, stop: false };
  }
  return { outcome: exportOutcome(r.mod, made), stop: false };
}

/**
 * Loads files from `i` until the batch is full, the platform was loaded (it is frozen before the
 * next file loads) or a file left something open (the thread stops after it).
 */
function requireBatch(i: number): Required[] {
  const batch: Required[] = [];
  do {
    const r = requireOne(i++);
    batch.push(r);
    if (r.isPlatform || r.left.length) break;
  } while (i < files.length && batch.length < batchSize);
  return batch;
}

async function main(): Promise<void> {
  setCurrent(-1);
  let lib: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    lib = require(library) as Record<string, unknown>;
    // the declarations are TypeScript (the built library loads without it, faster)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (!('.ts' in require.extensions)) require(typescript);
  } catch (e) {
    return send({ type: 'library', message: loadErrorMessage(e) });
  }
  // every file gets this very library for `vcluster-fleet` (see ./library.ts)
  shareLibrary();
  const made = recordFactories(lib.Exposure as Record<string, unknown>);
  for (let i = first; i < files.length;) {
    pendingFault = undefined;
    const batch = requireBatch(i);
    i += batch.length;
    // one turn of the event loop: promises settle, rejections and late throws surface
    setCurrent(settling(batch[0].index));
    await new Promise((resolve) => setImmediate(resolve));
    const fault = pendingFault as { fault: 'rejection' | 'uncaught'; detail: string } | undefined;
    if (fault && batch.length > 1) return send({ type: 'retry', from: batch[0].index });
    if (fault) return send({ type: 'files', results: [{ index: batch[0].index, outcome: { kind: 'fault', ...fault } }], stop: true });
    const results: Array<{ index: number; outcome: FileOutcome }> = [];
    let stop = false;
    for (const r of batch) {
      const o = outcomeOf(r, lib, made);
      results.push({ index: r.index, outcome: o.outcome });
      if ((stop = o.stop)) break;
    }
    send({ type: 'files', results, stop });
    if (stop) return;
  }
  send({ type: 'done' });
}

// a fault of the thread itself (not of a file) ends the run with its message
main().catch((e: unknown) => send({ type: 'library', message: `the loader thread failed: ${loadErrorMessage(e)}` }));
