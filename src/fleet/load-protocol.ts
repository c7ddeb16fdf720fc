/**
 * What the loader thread (./load-worker.ts) and {@link loadFleet} (./loader.ts) exchange. Kept
 * free of other imports so that both sides load it cheaply.
 */
import type { MessagePort } from 'worker_threads';
import type { FactoryCall, PlainDataIssue } from './plain-data';

/** Slots of the shared Int32Array. */
export const Slot = {
  /** Bumped (and notified) when the main thread should look: the thread exited, stopped, finished, or sent a few messages. */
  Seq: 0,
  /**
   * Index of the file being loaded; -1 while the library loads; `-2 - i` while the files from `i`
   * on, loaded together, settle (their promises and callbacks run).
   */
  Current: 1,
  /** 0 while the thread runs; 1000 + exit code once it has exited. */
  Exit: 2,
  /** When the current file started, in milliseconds after {@link LoadWorkerData.epoch}. */
  Started: 3,
} as const;

/** Number of slots. */
export const SLOTS = 4;

/** Files loaded in one turn of the thread's event loop (unless the thread loads one file per turn). */
export const BATCH = 32;

/** The {@link Slot.Current} value while the files from `first` on settle. */
export function settling(first: number): number {
  return -2 - first;
}

/** The static factories of `Exposure` whose results travel as factory calls. */
export const EXPOSURE_FACTORIES = ['internal', 'loadBalancer', 'gateway'] as const;

/** What the thread is started with. */
export interface LoadWorkerData {
  /** Absolute paths of every file of the run; index = position. The platform file, when present, is the first. */
  readonly files: readonly string[];
  /** Index of the first file this thread loads (a restarted thread skips the ones done). */
  readonly first: number;
  /** Files per event-loop turn: {@link BATCH}, or 1 to tell which file a late fault came from. */
  readonly batch: number;
  /** The library every declaration imports (`src/index.ts`, or `lib/src/index.js` built), loaded before the first file. */
  readonly library: string;
  /** The TypeScript loader (`tsx/cjs`), registered once the library has loaded (when it is not yet). */
  readonly typescript: string;
  readonly state: SharedArrayBuffer;
  /** `Date.now()` when the thread was started; {@link Slot.Started} counts from here. */
  readonly epoch: number;
  /** Where {@link LoadMessage}s go. */
  readonly port: MessagePort;
}

/** A problem found while loading (sent as data; values made printable). */
export interface SentProblem {
  readonly source?: string;
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
  readonly fix?: string;
}

/** How loading one file ended (`loaded`: the platform file, which the main thread then loads itself). */
export type FileOutcome =
  | { readonly kind: 'loaded' }
  | { readonly kind: 'data'; readonly data: unknown; readonly calls: readonly FactoryCall[] }
  | { readonly kind: 'not-data'; readonly issues: readonly PlainDataIssue[] }
  | { readonly kind: 'no-default'; readonly named: readonly string[] }
  | { readonly kind: 'threw'; readonly message: string; readonly syntax: boolean; readonly problems?: readonly SentProblem[] }
  | { readonly kind: 'fault'; readonly fault: 'handles' | 'rejection' | 'uncaught'; readonly detail: string };

/** One message from the thread. */
export type LoadMessage =
  /** `stop`: the thread loads nothing more (it is not clean any more); start a fresh one after the last file. */
  | { readonly type: 'files'; readonly results: ReadonlyArray<{ index: number; outcome: FileOutcome }>; readonly stop: boolean }
  /** A fault after files loaded together: load them again one per turn, from `from`, to tell which. */
  | { readonly type: 'retry'; readonly from: number }
  | { readonly type: 'library'; readonly message: string }
  | { readonly type: 'done' };
