/**
 * Crash recovery of the output folder: every state a run can be interrupted in (built here by
 * hand) is brought back to a complete `dist/` — the old tree, or the new one once its swap was
 * journaled — and no leftover survives; recovering twice changes nothing.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OutputPaths, outputPaths, recoverOutput, swapIn } from '../../src/fleet/output-swap';

let work: string;
let n = 0;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-swap-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const remove = (dir: string) => fs.rmSync(dir, { recursive: true, force: true });

/** A tree with one file naming it. */
function tree(dir: string, name: string): void {
  fs.mkdirSync(path.join(dir, 'a'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'a', 'file.yaml'), `${name}\n`);
}

/** Which tree `dir` is (`undefined` when missing). */
function which(dir: string): string | undefined {
  return fs.existsSync(dir) ? fs.readFileSync(path.join(dir, 'a', 'file.yaml'), 'utf8').trim() : undefined;
}

/** A fresh folder holding the given parts: `out`, `next`, `old` trees and the `journal`. */
function state(parts: Array<'out' | 'next' | 'old' | 'journal'>, extra: string[] = []): OutputPaths {
  const parent = path.join(work, `s${++n}`);
  fs.mkdirSync(parent);
  const p = outputPaths(path.join(parent, 'dist'));
  for (const part of parts) {
    if (part === 'journal') fs.mkdirSync(p.journal);
    else tree(p[part], part);
  }
  for (const e of extra) tree(path.join(parent, e), e);
  return p;
}

const listing = (p: OutputPaths) => fs.readdirSync(path.dirname(p.out)).sort();

test('the names beside dist/ contain no PID', () => {
  const p = outputPaths('/x/y/dist');
  expect(p).toEqual({ out: '/x/y/dist', next: '/x/y/.dist-new', journal: '/x/y/.dist-swap', old: '/x/y/.dist-old' });
});

test.each<[string, Array<'out' | 'next' | 'old' | 'journal'>, string, { finishedSwap: boolean; restored: boolean }]>([
  ['killed while writing the new tree', ['out', 'next'], 'out', { finishedSwap: false, restored: false }],
  ['killed after the journal, before the first rename', ['out', 'next', 'journal'], 'next', { finishedSwap: true, restored: false }],
  ['killed between the two renames', ['old', 'next', 'journal'], 'next', { finishedSwap: true, restored: false }],
  [
    'killed after the second rename, before the journal was removed',
    ['out', 'old', 'journal'],
    'out',
    { finishedSwap: true, restored: false },
  ],
  ['killed while deleting the replaced tree', ['out', 'old'], 'out', { finishedSwap: false, restored: false }],
  ['dist/ missing and only the replaced tree left', ['old'], 'old', { finishedSwap: false, restored: true }],
  ['a first run killed while writing (no dist/ yet)', ['next'], 'missing', { finishedSwap: false, restored: false }],
  ['a first run killed between the journal and the rename', ['next', 'journal'], 'next', { finishedSwap: true, restored: false }],
])('%s: dist/ is complete afterwards, nothing is left beside it', (_what, parts, expected, flags) => {
  const p = state(parts);
  const r = recoverOutput(p, remove);
  expect(which(p.out) ?? 'missing').toBe(expected);
  expect(listing(p)).toEqual(expected === 'missing' ? [] : ['dist']);
  expect({ finishedSwap: r.finishedSwap, restored: r.restored }).toEqual(flags);
  // recovering again changes nothing
  expect(recoverOutput(p, remove)).toEqual({ finishedSwap: false, restored: false, removed: [] });
  expect(which(p.out) ?? 'missing').toBe(expected);
});

test('trees of the PID-named scheme: the newest replaced tree comes back when dist/ is missing; every other one goes', () => {
  const p = state([], ['.dist-old-17', '.dist-new-17', '.dist-old-4']);
  fs.utimesSync(path.join(path.dirname(p.out), '.dist-old-4'), new Date(1000), new Date(1000));
  const r = recoverOutput(p, remove);
  expect(r.restored).toBe(true);
  expect(which(p.out)).toBe('.dist-old-17');
  expect(listing(p)).toEqual(['dist']);
  // with dist/ present they are only deleted; folders of other names are not touched
  const q = state(['out'], ['.dist-old-5', '.dist-new-6', '.dist-other', '.distx-old-7']);
  recoverOutput(q, remove);
  expect(which(q.out)).toBe('out');
  expect(listing(q)).toEqual(['.dist-other', '.distx-old-7', 'dist']);
});

test('swapIn: the new tree replaces the old one, which is deleted', () => {
  const p = state(['out', 'next']);
  swapIn(p, remove);
  expect(which(p.out)).toBe('next');
  expect(listing(p)).toEqual(['dist']);
});

test('swapIn: when the second rename fails, the old tree is put back and the journal removed', () => {
  const p = state(['out']); // no new tree: its rename fails
  expect(() => swapIn(p, remove)).toThrow(/ENOENT/);
  expect(which(p.out)).toBe('out');
  expect(listing(p)).toEqual(['dist']);
});
