/**
 * Whether synth may replace an output folder. A folder whose write bits are off is read-only on
 * purpose, even for root (for whom `access()` says yes to everything): synth refuses it rather
 * than replacing it with a writable one.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Thrown when the output folder (or the folder holding it) may not be written. */
export class OutputNotWritableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputNotWritableError';
  }
}

/** Whether the write bit that applies to this process is set (for root: any write bit). */
export function writableByMode(st: Pick<fs.Stats, 'mode' | 'uid' | 'gid'>): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return (st.mode & 0o200) !== 0;
  if (uid === 0) return (st.mode & 0o222) !== 0;
  if (st.uid === uid) return (st.mode & 0o200) !== 0;
  if (st.gid === process.getgid?.() || (process.getgroups?.() ?? []).includes(st.gid)) return (st.mode & 0o020) !== 0;
  return (st.mode & 0o002) !== 0;
}

function refuse(display: string, why: string, fix: string): never {
  throw new OutputNotWritableError(`${display} ${why}: synth does not replace a folder it may not write. ${fix}`);
}

/** Checks the output folder: a real folder (no link), writable by its mode bits and by `access()`. */
function checkFolder(dir: string, display: string): void {
  const st = fs.lstatSync(dir);
  if (st.isSymbolicLink()) refuse(display, 'is a symbolic link', `Give the folder it points to with --out (${fs.realpathSync(dir)}).`);
  if (!st.isDirectory()) refuse(display, 'is not a folder', 'Move the file away or give another folder with --out.');
  const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
  if (!writableByMode(st))
    refuse(display, `is read-only (mode ${mode})`, `Make it writable (chmod u+w ${display}) or give another folder with --out.`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    refuse(display, `may not be written (${(e as NodeJS.ErrnoException).code})`, 'Check its owner, its permissions and the mount.');
  }
}

/**
 * Throws {@link OutputNotWritableError} when `outDir` (if it exists) may not be written by its mode
 * bits or `access()`, or the folder holding it by `access()`; creates the holding folder when missing.
 */
export function checkWritable(outDir: string, display = outDir): void {
  const abs = path.resolve(outDir);
  const parent = path.dirname(abs);
  fs.mkdirSync(parent, { recursive: true });
  try {
    // the holding folder gets the kernel's answer only: its mode bits speak of the repository, not of the output
    fs.accessSync(parent, fs.constants.W_OK);
  } catch (e) {
    refuse(
      `the folder holding ${display}`,
      `may not be written (${(e as NodeJS.ErrnoException).code})`,
      'Check its owner, its permissions and the mount.',
    );
  }
  if (fs.existsSync(abs) || isLink(abs)) checkFolder(abs, display);
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
