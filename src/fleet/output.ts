/**
 * Writing `dist/` safely: the new tree is written beside the old one and swapped in with renames,
 * so a failed or interrupted run never leaves `dist/` empty or half-written (an empty `dist/`
 * would tell Argo CD to prune every cluster).
 */
import * as fs from 'fs';
import * as path from 'path';

/**
 * Replaces `outDir` with exactly `files` (relative path → content).
 * Steps: write everything into `<outDir>.tmp-<pid>`, rename `outDir` to `<outDir>.old-<pid>`,
 * rename the new tree to `outDir`, delete the old tree. If anything fails before the swap,
 * `outDir` is untouched; the window between the two renames is two syscalls.
 */
export function writeTreeAtomically(outDir: string, files: ReadonlyMap<string, string>): void {
  const abs = path.resolve(outDir);
  const parent = path.dirname(abs);
  const base = path.basename(abs);
  const tmp = path.join(parent, `.${base}-new-${process.pid}`);
  const old = path.join(parent, `.${base}-old-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    const dirs = new Set<string>();
    for (const rel of files.keys()) dirs.add(path.dirname(rel));
    for (const d of [...dirs].sort()) fs.mkdirSync(path.join(tmp, d), { recursive: true });
    for (const [rel, content] of files) fs.writeFileSync(path.join(tmp, rel), content);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const hadOld = fs.existsSync(abs);
  if (hadOld) fs.renameSync(abs, old);
  try {
    fs.renameSync(tmp, abs);
  } catch (e) {
    if (hadOld) fs.renameSync(old, abs);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (hadOld) fs.rmSync(old, { recursive: true, force: true });
}
