/**
 * The loader thread of `loadFleet` (./loader.ts). It loads the library, then the platform file,
 * then each declaration file, one at a time, and sends back what each default-exports as plain
 * data (./plain-data.ts). Synth's own objects never meet declaration code: synth gets copies and
 * makes `Exposure` values again with its own factories.
 *
 * Before each file it publishes the file's index (the main thread times it). After each file it
 * sends one outcome: the data, the fields that are not data, no default export, what it threw, or
 * a fault: a rejected promise nobody handled, an error thrown later, or handles (timers, sockets,
 * watchers) still open after the file loaded. After a fault it stops; the main thread starts a
 * fresh thread for the files that remain. The platform file comes first and is deep-frozen before
 * the next file loads.
 */
import * as path from 'path';
import { workerData } from 'worker_threads';
import { PLATFORM_FILE } from './declaration-folder';
import { EXPOSURE_FACTORIES, FileOutcome, LoadMessage, LoadWorkerData, SentProblem, Slot, WAKE_EVERY } from './load-protocol';
import { loadErrorMessage } from './load-error';
import { deepFreeze, printable, toPlainData } from './plain-data';

const init = workerData as LoadWorkerData;
const { files, first, library, port, epoch } = init;
const state = new Int32Array(init.state);
// Declarations can read workerData: leave nothing there to forge messages with.
for (const key of Object.keys(init)) delete (init as unknown as Record<string, unknown>)[key];
const post = port.postMessage.bind(port);

function bump(): void {
  Atomics.add(state, Slot.Seq, 1);
  Atomics.notify(state, Slot.Seq);
}

/** Sends a message; wakes the main thread when `wake`. */
function send(message: LoadMessage, wake = true): void {
  post(message);
  if (wake) bump();
}

/** Publishes the file being loaded (-1: the library) and when it started. */
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

/** Loads one file and checks what it left behind; `stop` when the thread is no longer clean. */
async function loadOne(
  file: string,
  isPlatform: boolean,
  lib: Record<string, unknown>,
  made: Made,
): Promise<{ outcome: FileOutcome; stop: boolean }> {
  pendingFault = undefined;
  const before = process.getActiveResourcesInfo();
  let mod: unknown;
  let error: unknown;
  let threw = false;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file);
  } catch (e) {
    threw = true;
    error = e;
  }
  // one turn of the event loop: promises settle, rejections surface, zero-delay timers run
  await new Promise((resolve) => setImmediate(resolve));
  const left = opened(before, process.getActiveResourcesInfo());
  // (set by the listeners above while this function awaited)
  const fault = pendingFault as { fault: 'rejection' | 'uncaught'; detail: string } | undefined;
  if (fault) return { outcome: { kind: 'fault', fault: fault.fault, detail: fault.detail }, stop: true };
  if (threw) return { outcome: threwOutcome(error, lib.ValidationError), stop: left.length > 0 };
  if (left.length) {
    const words = [...new Set(left.map((r) => RESOURCE_WORDS[r] ?? r))].join(', ');
    return { outcome: { kind: 'fault', fault: 'handles', detail: `left ${words} running after it loaded` }, stop: true };
  }
  if (isPlatform) {
    // Later files may import the platform: they cannot change it.
    if (mod && typeof mod === 'object') deepFreeze((mod as { default?: unknown }).default);
    return { outcome: { kind: 'loaded' }, stop: false };
  }
  return { outcome: exportOutcome(mod, made), stop: false };
}

async function main(): Promise<void> {
  setCurrent(-1);
  let lib: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    lib = require(library) as Record<string, unknown>;
  } catch (e) {
    return send({ type: 'library', message: loadErrorMessage(e) });
  }
  const made = recordFactories(lib.Exposure as Record<string, unknown>);
  for (let i = first; i < files.length; i++) {
    setCurrent(i);
    const isPlatform = path.basename(files[i]) === PLATFORM_FILE;
    const { outcome, stop } = await loadOne(files[i], isPlatform, lib, made);
    send({ type: 'file', index: i, outcome, stop }, stop || isPlatform || (i - first) % WAKE_EVERY === WAKE_EVERY - 1);
    if (stop) return;
  }
  send({ type: 'done' });
}

void main();
