/**
 * The output writer around the swap: the lock (one run at a time), a folder it may not write
 * (refused, even as root), and the repair of an earlier run's leftovers before anything else
 * (also when this run then fails). Plus what the synth command prints for each.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OutputBusyError, OutputNotWritableError, TreeWriter, writeTreeAtomically } from '../../src/fleet/output';
import { writableByMode } from '../../src/fleet/output-access';
import { lockOutput } from '../../src/fleet/output-lock';
import { ROOT } from '../util';

let work: string;
let n = 0;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-output-'));
});
afterAll(() => {
  spawnSync('chmod', ['-R', 'u+w', work]);
  fs.rmSync(work, { recursive: true, force: true });
});

/** A fresh output folder holding one file, shaped like an earlier synth output (synth refuses other folders). */
function dist(content = 'first\n'): string {
  const out = path.join(work, `o${++n}`, 'dist');
  writeTreeAtomically(
    out,
    new Map([
      ['a/file.yaml', content],
      ['_bootstrap/application-vcluster-fleet.yaml', 'kind: Application\n'],
    ]),
  );
  return out;
}

const read = (out: string) => fs.readFileSync(path.join(out, 'a', 'file.yaml'), 'utf8');
const beside = (out: string) => fs.readdirSync(path.dirname(out)).sort();

function synthCli(args: string[]) {
  return spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'src', 'cli', 'synth.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
}

describe('one run at a time', () => {
  test('a second writer of the same folder is refused until the first has committed', () => {
    const out = dist();
    const first = new TreeWriter(out);
    expect(() => new TreeWriter(out, { display: 'dist/' })).toThrow(new OutputBusyError('dist/'));
    first.addFile('a/file.yaml', 'second\n');
    first.commit();
    expect(read(out)).toBe('second\n');
    const third = new TreeWriter(out);
    third.abort();
    expect(read(out)).toBe('second\n');
    expect(beside(out)).toEqual(['dist']);
  });

  test('the synth command that loses prints one line and exits 1; the output folder is untouched', () => {
    const out = dist('held\n');
    const lock = lockOutput(out);
    try {
      const r = synthCli(['--out', out]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `synth: another synth is writing ${out}/ right now; nothing was written. Run synth again once it has finished.\n`,
      );
    } finally {
      lock.release();
    }
    expect(read(out)).toBe('held\n');
    expect(beside(out)).toEqual(['dist']);
  });
});

describe('a folder synth may not write', () => {
  test('read-only by its mode bits: refused (also as root), left as it is, and the lock is free again', () => {
    const out = dist();
    fs.chmodSync(out, 0o555);
    expect(() => new TreeWriter(out, { display: 'dist/' })).toThrow(
      new OutputNotWritableError(
        'dist/ is read-only (mode 0555): synth does not replace a folder it may not write. Make it writable (chmod u+w dist/) or give another folder with --out.',
      ),
    );
    expect(read(out)).toBe('first\n');
    expect(fs.statSync(out).mode & 0o777).toBe(0o555);
    expect(beside(out)).toEqual(['dist']);
    fs.chmodSync(out, 0o755);
    writeTreeAtomically(out, new Map([['a/file.yaml', 'second\n']]));
    expect(read(out)).toBe('second\n');
  });

  test('the synth command reports it and leaves dist/ as it was', () => {
    const out = dist();
    fs.chmodSync(out, 0o500);
    const r = synthCli(['--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('/ is read-only (mode 0500): synth does not replace a folder it may not write.');
    expect(read(out)).toBe('first\n');
    fs.chmodSync(out, 0o755);
  });

  test('a symbolic link or a file in its place is refused', () => {
    const out = dist();
    const link = path.join(path.dirname(out), 'link');
    fs.symlinkSync(out, link);
    expect(() => new TreeWriter(link, { display: 'link/' })).toThrow(
      `link/ is a symbolic link: synth does not replace a folder it may not write. Give the folder it points to with --out (${out}).`,
    );
    const file = path.join(path.dirname(out), 'file');
    fs.writeFileSync(file, 'x');
    expect(() => new TreeWriter(file, { display: 'file' })).toThrow('file is not a folder');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
  });

  test('the write bit that counts is the owner’s, the group’s or the others’; for root any', () => {
    const uid = process.getuid!();
    const gid = process.getgid!();
    const asRoot = uid === 0;
    expect(writableByMode({ mode: 0o755, uid, gid })).toBe(true);
    expect(writableByMode({ mode: 0o555, uid, gid })).toBe(false);
    expect(writableByMode({ mode: 0o575, uid: uid + 1, gid })).toBe(true);
    expect(writableByMode({ mode: 0o755, uid: uid + 1, gid: gid + 1 })).toBe(asRoot);
    expect(writableByMode({ mode: 0o557, uid: uid + 1, gid: gid + 1 })).toBe(true);
  });
});

describe('an earlier run’s leftovers are repaired first', () => {
  test('a journaled swap is finished even when this run then fails; an unfinished tree is deleted', () => {
    const out = dist('old\n');
    const parent = path.dirname(out);
    // an earlier run was killed between its two renames
    fs.renameSync(out, path.join(parent, '.dist-old'));
    writeFile(path.join(parent, '.dist-new', 'a', 'file.yaml'), 'new\n');
    fs.mkdirSync(path.join(parent, '.dist-swap'));
    const w = new TreeWriter(out);
    expect(w.recovery.finishedSwap).toBe(true);
    expect(w.tmp).toBe(path.join(parent, '.dist-new'));
    w.abort(); // this run's input was bad
    expect(read(out)).toBe('new\n');
    expect(beside(out)).toEqual(['dist']);
    // an earlier run was killed while writing
    writeFile(path.join(parent, '.dist-new', 'a', 'file.yaml'), 'half\n');
    const again = new TreeWriter(out);
    expect(again.recovery).toEqual({ finishedSwap: false, restored: false, removed: [path.join(parent, '.dist-new')] });
    again.abort();
    expect(read(out)).toBe('new\n');
  });
});

function writeFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

describe('unchanged files are linked from the replaced tree, not written again', () => {
  test('same bytes keep their inode; changed, executable or shared files are written afresh', () => {
    const out = path.join(work, `o${++n}`, 'dist');
    const files = new Map([
      ['a/same.yaml', 'same\n'],
      ['a/changed.yaml', 'before\n'],
      ['b/exec.yaml', 'x\n'],
      ['b/shared.yaml', 'y\n'],
    ]);
    writeTreeAtomically(out, files);
    const ino = (rel: string) => fs.statSync(path.join(out, rel)).ino;
    const before = new Map([...files.keys()].map((rel) => [rel, ino(rel)]));
    fs.chmodSync(path.join(out, 'b', 'exec.yaml'), 0o755);
    const elsewhere = path.join(path.dirname(out), 'elsewhere');
    fs.linkSync(path.join(out, 'b', 'shared.yaml'), elsewhere);
    writeTreeAtomically(out, new Map([...files, ['a/changed.yaml', 'after\n'], ['c/new.yaml', 'new\n']]));
    expect(ino('a/same.yaml')).toBe(before.get('a/same.yaml'));
    for (const rel of ['a/changed.yaml', 'b/exec.yaml', 'b/shared.yaml']) expect(ino(rel)).not.toBe(before.get(rel));
    expect(fs.statSync(path.join(out, 'b', 'exec.yaml')).mode & 0o111).toBe(0);
    expect(fs.readFileSync(elsewhere, 'utf8')).toBe('y\n');
    // after the swap nothing else holds the linked file: the replaced tree is gone
    expect(fs.statSync(path.join(out, 'a', 'same.yaml')).nlink).toBe(1);
    const text = (rel: string) => fs.readFileSync(path.join(out, rel), 'utf8');
    expect(['a/same.yaml', 'a/changed.yaml', 'b/exec.yaml', 'b/shared.yaml', 'c/new.yaml'].map(text)).toEqual([
      'same\n',
      'after\n',
      'x\n',
      'y\n',
      'new\n',
    ]);
    expect(beside(out)).toEqual(['dist', 'elsewhere']);
  });
});
