/**
 * One synth at a time per output folder. On Linux the lock is an abstract unix socket named after
 * the output folder (device and inode of its parent, and its name): binding it fails while another
 * process holds it, and the kernel releases it when that process ends, however it ends (SIGKILL
 * included). Nothing is left on disk to go stale, and it does not depend on PIDs, so it holds
 * across PID namespaces (containers, `unshare -p`) that share the network namespace. Elsewhere the
 * lock is a file created exclusively, holding the owner's host name and PID; it is taken over when
 * that process no longer runs on this host.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** Thrown when another synth holds the lock of the output folder. */
export class OutputBusyError extends Error {
  constructor(outDir: string) {
    super(`another synth is writing ${outDir} right now; nothing was written. Run synth again once it has finished.`);
    this.name = 'OutputBusyError';
  }
}

/** A held lock. */
export interface OutputLock {
  /** Releases the lock (idempotent). */
  release(): void;
}

/** The socket name of an output folder's lock (the parent must exist); of fixed length, whatever the folder's name. */
export function lockName(outDir: string): string {
  const abs = path.resolve(outDir);
  const st = fs.statSync(path.dirname(abs), { bigint: true });
  const id = createHash('sha256')
    .update(`${st.dev}:${st.ino}:${path.basename(abs)}`)
    .digest('hex')
    .slice(0, 40);
  return `\0vcluster-fleet-synth-${id}`;
}

/** Options of {@link lockOutput}. */
export interface LockOptions {
  /** How the folder is named in the message. @default the path given */
  readonly display?: string;
  /** The kind of lock. @default `socket` on Linux, else `file` */
  readonly kind?: 'socket' | 'file';
}

/** Takes the lock of `outDir` or throws {@link OutputBusyError}. */
export function lockOutput(outDir: string, options: LockOptions = {}): OutputLock {
  const display = options.display ?? outDir;
  const kind = options.kind ?? (process.platform === 'linux' ? 'socket' : 'file');
  return kind === 'socket' ? socketLock(outDir, display) : fileLock(outDir, display);
}

function socketLock(outDir: string, display: string): OutputLock {
  const server = net.createServer();
  server.on('error', () => undefined); // a failed bind is also reported later, asynchronously
  // For a unix socket, listen() binds synchronously: `listening` tells at once whether it did.
  server.listen({ path: lockName(outDir), exclusive: true });
  if (!server.listening) throw new OutputBusyError(display);
  server.unref();
  let held = true;
  return {
    release: () => {
      if (!held) return;
      held = false;
      server.close(); // closes the socket now; only the callback is deferred
    },
  };
}

/** The lock file of the non-Linux fallback. */
export function lockFile(outDir: string): string {
  const abs = path.resolve(outDir);
  return path.join(path.dirname(abs), `.${path.basename(abs)}-lock`);
}

function fileLock(outDir: string, display: string): OutputLock {
  const file = lockFile(outDir);
  const me = JSON.stringify({ host: os.hostname(), pid: process.pid });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, me, { flag: 'wx' });
      let held = true;
      return {
        release: () => {
          if (held && fs.existsSync(file) && fs.readFileSync(file, 'utf8') === me) fs.rmSync(file, { force: true });
          held = false;
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!staleLockFile(file)) throw new OutputBusyError(display);
      fs.rmSync(file, { force: true });
    }
  }
  throw new OutputBusyError(display);
}

/** True when the lock file's owner was on this host and runs no more (or the file is unreadable). */
function staleLockFile(file: string): boolean {
  let owner: { host?: unknown; pid?: unknown };
  try {
    owner = JSON.parse(fs.readFileSync(file, 'utf8')) as { host?: unknown; pid?: unknown };
  } catch {
    return true;
  }
  if (owner.host !== os.hostname() || typeof owner.pid !== 'number') return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
