/**
 * Loading the declarations folder: the platform first (then frozen), then every declaration, each
 * in a thread of its own (./load-worker.ts) with a time limit. A file that hangs, exits, throws,
 * leaves a timer or another handle running, or rejects a promise nobody handles is one problem
 * naming the file; declarations come back as plain data. The platform is loaded into this thread
 * (it holds functions) only after the loader thread has shown that it loads cleanly.
 */
import * as fs from 'fs';
import * as path from 'path';
import { receiveMessageOnPort } from 'worker_threads';
import { Platform } from '../declaration/platform';
import { Problem, ValidationError, deepFreeze, formatProblem } from '../validation';
import { Exposure } from '../exposure/exposure';
import { Declaration, FleetError, PLATFORM_FILE, fileNameProblem } from './declaration-folder';
import { loadErrorMessage } from './load-error';
import { requireDeclarationFile } from './library';
import { EXPOSURE_FACTORIES, FileOutcome, LoadMessage, Slot } from './load-protocol';
import { LoadSession, LoaderThread, loadSession, startLoaderThread } from './load-thread';
import { formatPath, fromPrintable, rebuild } from './plain-data';

export { PLATFORM_FILE, loadErrorMessage };

/** Environment variable with the default time limit for loading one file, in seconds. */
export const LOAD_TIMEOUT_ENV = 'VCLUSTER_FLEET_LOAD_TIMEOUT';

/** The time limit for loading one file without the option or the environment variable, in seconds. */
export const DEFAULT_LOAD_TIMEOUT_SECONDS = 10;

/** Options of {@link loadFleet}. */
export interface LoadFleetOptions {
  /**
   * Time limit for loading one file (the platform or a declaration), in seconds.
   * @default the `VCLUSTER_FLEET_LOAD_TIMEOUT` environment variable, else 10
   */
  readonly timeoutSeconds?: number;
}

/** Time for loading the library itself (cold caches compile all of it), at least. */
const LIBRARY_TIMEOUT_MS = 120_000;
/** After this many files that hang, the remaining files are not loaded. */
const MAX_HANGS = 3;

/** Turns anything thrown while loading a file into problems attributed to `source`. */
export function loadProblems(e: unknown, source: string): Problem[] {
  if (e instanceof ValidationError) return e.problems.map((p) => ({ ...p, source: p.source ?? source }));
  if (e instanceof FleetError) return [...e.problems];
  return [thrownProblem(source, loadErrorMessage(e))];
}

function thrownProblem(source: string, message: string): Problem {
  const fix = message.startsWith('syntax error')
    ? 'fix the syntax at the line and column named (`npx tsc --noEmit -p .` shows more)'
    : 'fix the code that throws while the file is loaded';
  return { source, field: '(file)', value: message, allowed: 'a TypeScript module that loads without throwing', fix };
}

/** The time limit in milliseconds: the option, else the environment variable, else 10 s. */
function timeLimitMs(options: LoadFleetOptions): number {
  const fromEnv = process.env[LOAD_TIMEOUT_ENV];
  const [field, value] =
    options.timeoutSeconds !== undefined
      ? ['load timeout', options.timeoutSeconds]
      : [LOAD_TIMEOUT_ENV, fromEnv === undefined || fromEnv === '' ? DEFAULT_LOAD_TIMEOUT_SECONDS : fromEnv];
  const seconds = typeof value === 'number' ? value : /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  if (!(seconds > 0 && seconds <= 86_400)) {
    throw new Error(formatProblem({ field, value, allowed: 'a number of seconds greater than 0 (the time limit for loading one file)' }));
  }
  return seconds * 1000;
}

/**
 * Reads the platform and every declaration of a folder, sorted by file name. Throws a
 * {@link FleetError} listing every problem: entries that are not declarations, files that do not
 * load (or hang, exit, leave handles running, reject promises), default exports that are not
 * plain data. The platform is loaded and deep-frozen in the loader thread before any declaration
 * loads there; what this thread gets is loaded here and deep-frozen at once.
 */
export function loadFleet(
  dir: string,
  displayDir = path.basename(dir),
  options: LoadFleetOptions = {},
): { platform: Platform; declarations: Declaration[] } {
  const limitMs = timeLimitMs(options);
  const show = (f: string) => `${displayDir}/${f}`;
  const session = loadSession(dir);
  const { folder } = session;
  const problems: Problem[] = folder.refused.map((r) => ({
    source: show(r.name),
    field: '(file)',
    value: r.name,
    allowed: 'only vcluster declarations (<name>.ts), platform.ts and *.md files in this folder',
    fix: r.fix,
  }));
  let platform: Platform | undefined;
  if (!folder.platform) {
    problems.push(...loadProblems(new Error(`missing: declare the site configuration in ${show(PLATFORM_FILE)}`), show(PLATFORM_FILE)));
  }
  const outcomes = runLoader(session, limitMs, (outcome) => {
    // the loader thread has shown that the platform loads cleanly: load it here (it holds functions), freeze it
    const loaded = loadPlatform(session, show(PLATFORM_FILE), outcome);
    if (Array.isArray(loaded)) problems.push(...loaded);
    else platform = deepFreeze(loaded);
  });
  const declarations: Declaration[] = [];
  session.files.forEach((file, i) => {
    const source = show(path.basename(file));
    if (i === session.platformIndex) {
      if (outcomes[i].kind !== 'loaded' && outcomes[i].kind !== 'threw') problems.push(...outcomeProblems(source, outcomes[i], limitMs));
      return;
    }
    const r = declarationOf(source, outcomes[i], limitMs);
    if (!('spec' in r)) return void problems.push(...r);
    const misnamed = fileNameProblem(source, (r.spec as { name?: unknown }).name);
    if (misnamed) problems.push(misnamed);
    else declarations.push(r);
  });
  if (problems.length) throw new FleetError(problems);
  return { platform: platform!, declarations };
}

/** Loads the platform file in this thread: the platform, or its problems. */
function loadPlatform(session: LoadSession, source: string, outcome: LoaderOutcome): Platform | Problem[] {
  if (outcome.kind !== 'loaded' && outcome.kind !== 'threw') return [];
  const file = session.files[session.platformIndex];
  try {
    const mod = requireDeclarationFile(file) as { default?: unknown };
    if (!fs.readFileSync(file).equals(session.platformSource!)) {
      const allowed = 'a platform file that stays as it is while synth runs';
      return [
        {
          source,
          field: '(file)',
          value: 'changed while the declarations were loading',
          allowed,
          fix: 'find the declaration that writes it',
        },
      ];
    }
    const platform = mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
    if (!platform || typeof platform !== 'object' || !('baseDomain' in platform)) {
      return [{ source, field: 'default export', value: platform, allowed: 'definePlatform({...})' }];
    }
    return platform as Platform;
  } catch (e) {
    return loadProblems(e, source);
  }
}

/** What loading one file gave: the thread's outcome, or what the main thread saw happen to it. */
type LoaderOutcome =
  | FileOutcome
  | { readonly kind: 'timeout' }
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'skipped'; readonly hangs: number };

/** Exposure factories by name (a Map: a name from the other thread never reaches a prototype). */
const FACTORIES = new Map<string, (args: readonly unknown[]) => unknown>(
  EXPOSURE_FACTORIES.map((f) => [f, (args) => (Exposure[f] as (...a: unknown[]) => unknown)(...args)]),
);

/** A declaration from its outcome, or its problems. */
function declarationOf(source: string, outcome: LoaderOutcome, limitMs: number): Declaration | Problem[] {
  if (outcome.kind !== 'data') return outcomeProblems(source, outcome, limitMs);
  const spec = rebuild(outcome.data, outcome.calls, (factory, args) => FACTORIES.get(factory)!(args));
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    return [{ source, field: 'export default', value: spec, allowed: DEFAULT_EXPORT, fix: 'default-export one declaration object' }];
  }
  return { file: source, spec: spec as Declaration['spec'] };
}

const DEFAULT_EXPORT = 'export default defineVCluster({ name: ..., ... })';

/** The problems of a file that gave no usable default export. */
function outcomeProblems(source: string, o: LoaderOutcome, limitMs: number): Problem[] {
  const file = (value: unknown, allowed: string, fix: string): Problem[] => [{ source, field: '(file)', value, allowed, fix }];
  const seconds = `${+(limitMs / 1000).toFixed(3)} s`;
  switch (o.kind) {
    case 'loaded':
    case 'data':
      return [];
    case 'threw':
      if (o.problems) return o.problems.map((p) => ({ ...p, value: fromPrintable(p.value), source: p.source ?? source }));
      return [thrownProblem(source, o.message)];
    case 'no-default': {
      const value = o.named.length ? `no default export (only ${o.named.join(', ')})` : 'no default export';
      return [
        { source, field: 'export default', value, allowed: DEFAULT_EXPORT, fix: 'default-export the declaration; one vcluster per file' },
      ];
    }
    case 'not-data':
      return o.issues.map((i) =>
        i.path.length === 0
          ? { source, field: 'export default', value: fromPrintable(i.value), allowed: DEFAULT_EXPORT, fix: exportFix(i.what) }
          : {
              source,
              field: formatPath(i.path),
              value: fromPrintable(i.value),
              allowed: `plain data (strings, numbers, booleans, null, arrays and objects) or an Exposure.internal()/loadBalancer()/gateway() value; this is ${i.what}`,
              fix: 'write the value itself',
            },
      );
    case 'fault':
      return file(o.detail, 'a module that only declares: nothing left running or pending once it has loaded', FAULT_FIX[o.fault]);
    case 'timeout':
      return file(
        `still loading after ${seconds}`,
        `a module that loads within ${seconds} (${LOAD_TIMEOUT_ENV} or --load-timeout)`,
        'remove the endless loop or the blocking call at the top level of the file',
      );
    case 'exit':
      return file(
        `process.exit(${o.code}) while loading`,
        'a module that only declares: it never ends synth',
        'remove the process.exit call',
      );
    case 'skipped':
      return file('not loaded', `files loaded after ${o.hangs} files that hang`, 'fix the files that hang first');
  }
}

function exportFix(what: string): string {
  return what.startsWith('a function')
    ? 'call defineVCluster({...}) instead of exporting a function'
    : 'default-export one declaration object';
}

const FAULT_FIX: Record<'handles' | 'rejection' | 'uncaught', string> = {
  handles: 'remove the timer, interval, socket or watcher the file starts (declarations are data)',
  rejection: 'remove the promise (declarations are synchronous) or handle its rejection',
  uncaught: 'remove the code that runs after the file has loaded (timers, callbacks)',
};

/**
 * Loads the session's files in loader threads and returns each file's outcome. A thread that
 * stops (a fault, a timeout, an exit) is replaced by a fresh one for the files after it; a fault
 * that cannot be told apart among files loaded together has them loaded again, one per turn.
 * `onPlatform` runs once the platform file is done (while the thread goes on).
 */
function runLoader(session: LoadSession, limitMs: number, onPlatform: (o: LoaderOutcome) => void): LoaderOutcome[] {
  const { files, platformIndex } = session;
  const outcomes: LoaderOutcome[] = new Array(files.length);
  let thread: LoaderThread | undefined = session.thread;
  let hangs = 0;
  const fileDone = (i: number) => {
    if (i === platformIndex) onPlatform(outcomes[i]);
  };
  try {
    while (thread) {
      const end = drive(thread, outcomes, limitMs, fileDone);
      void thread.worker.terminate();
      thread = undefined;
      if (end === undefined) break;
      if ('retryFrom' in end) {
        thread = startLoaderThread(files, end.retryFrom, 1);
        continue;
      }
      if (outcomes[end.stoppedAt].kind === 'timeout') hangs++;
      if (end.stoppedAt === platformIndex) onPlatform(outcomes[end.stoppedAt]);
      const next = end.stoppedAt + 1;
      if (next >= files.length) break;
      if (hangs >= MAX_HANGS) {
        for (let i = next; i < files.length; i++) outcomes[i] = { kind: 'skipped', hangs };
        break;
      }
      thread = startLoaderThread(files, next);
    }
  } finally {
    if (thread) void thread.worker.terminate();
  }
  return outcomes;
}

/** How a thread ended short of `done`: stopped at a file (its outcome recorded), or asked for files to be loaded again one by one. */
type ThreadEnd = { readonly stoppedAt: number } | { readonly retryFrom: number };

/**
 * Follows one thread until it is done (returns `undefined`) or ends short of it. `fileDone` sees
 * each file whose outcome arrived.
 */
function drive(t: LoaderThread, outcomes: LoaderOutcome[], limitMs: number, fileDone: (index: number) => void): ThreadEnd | undefined {
  for (;;) {
    const seq = Atomics.load(t.state, Slot.Seq);
    const exited = Atomics.load(t.state, Slot.Exit);
    for (let m = receiveMessageOnPort(t.port); m; m = receiveMessageOnPort(t.port)) {
      const message = m.message as LoadMessage;
      if (message.type === 'done') return undefined;
      if (message.type === 'library') throw new Error(`loading the vcluster-fleet library failed: ${message.message}`);
      if (message.type === 'retry') return { retryFrom: message.from };
      for (const r of message.results) {
        outcomes[r.index] = r.outcome;
        if (!message.stop || r !== message.results[message.results.length - 1]) fileDone(r.index);
      }
      if (message.stop) return { stoppedAt: message.results[message.results.length - 1].index };
    }
    let current = Atomics.load(t.state, Slot.Current);
    // While files loaded together settle, a fault cannot be told apart: load them again one by one.
    // (One file per turn: it is that file's.)
    if (current <= -2 && t.batch === 1) current = -2 - current;
    if (current <= -2 && exited) return { retryFrom: -2 - current };
    if (exited) {
      if (current < 0) throw new Error(`the declaration loader thread stopped while loading the library (exit code ${exited - 1000})`);
      if (outcomes[current] === undefined) outcomes[current] = { kind: 'exit', code: exited - 1000 };
      return { stoppedAt: current };
    }
    const limit = current === -1 ? Math.max(limitMs, LIBRARY_TIMEOUT_MS) : limitMs;
    const left = t.epoch + Atomics.load(t.state, Slot.Started) + limit - Date.now();
    if (left <= 0) {
      if (current === -1) throw new Error(`the declaration loader thread did not load the library within ${limit / 1000} s`);
      if (current <= -2) return { retryFrom: -2 - current };
      outcomes[current] = { kind: 'timeout' };
      return { stoppedAt: current };
    }
    Atomics.wait(t.state, Slot.Seq, seq, Math.min(left, 1000));
  }
}
