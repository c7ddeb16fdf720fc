/**
 * One synth at a time per output folder: the lock is refused while held (by this process or
 * another), and free again as soon as its holder releases it or dies, however it dies.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OutputBusyError, lockFile, lockOutput } from '../../src/fleet/output-lock';
import { ROOT } from '../util';

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-lock-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A child process holding the lock of `out` (resolves once it holds it). */
function holder(out: string, kind: 'socket' | 'file'): Promise<ChildProcess> {
  const code = `require(${JSON.stringify(path.join(ROOT, 'src', 'fleet', 'output-lock.ts'))}).lockOutput(${JSON.stringify(out)}, { kind: '${kind}' }); console.log('held'); setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve(child));
    child.on('exit', (code) => reject(new Error(`the holder exited (${code})`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe.each(['socket', 'file'] as const)('the %s lock', (kind) => {
  test('is refused while this process holds it, and free once released', () => {
    const out = path.join(work, `${kind}-a`, 'dist');
    fs.mkdirSync(path.dirname(out));
    const lock = lockOutput(out, { kind });
    expect(() => lockOutput(out, { kind, display: 'dist/' })).toThrow(new OutputBusyError('dist/'));
    expect(new OutputBusyError('dist/').message).toBe(
      'another synth is writing dist/ right now; nothing was written. Run synth again once it has finished.',
    );
    lock.release();
    lock.release(); // twice is fine
    lockOutput(out, { kind }).release();
    // another output folder beside it has a lock of its own, even with a very long name
    const other = lockOutput(path.join(path.dirname(out), 'd'.repeat(200)), { kind });
    lockOutput(out, { kind }).release();
    other.release();
  });

  test('held by another process that is then killed (SIGKILL): refused, then free', async () => {
    const out = path.join(work, `${kind}-b`, 'dist');
    fs.mkdirSync(path.dirname(out));
    const child = await holder(out, kind);
    try {
      expect(() => lockOutput(out, { kind })).toThrow(OutputBusyError);
    } finally {
      await killed(child);
    }
    lockOutput(out, { kind }).release();
  });
});

describe('the lock file (where there are no abstract sockets)', () => {
  test('left by a process of this host that is gone is taken over; one of another host or a live process is not', () => {
    const out = path.join(work, 'file-c', 'dist');
    fs.mkdirSync(path.dirname(out));
    const file = lockFile(out);
    expect(path.basename(file)).toBe('.dist-lock');
    // the PID of a process that has ended
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    fs.writeFileSync(file, JSON.stringify({ host: os.hostname(), pid: dead }));
    const lock = lockOutput(out, { kind: 'file' });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ host: os.hostname(), pid: process.pid });
    lock.release();
    expect(fs.existsSync(file)).toBe(false);
    for (const owner of [
      { host: 'another-host', pid: dead },
      { host: os.hostname(), pid: process.ppid },
    ]) {
      fs.writeFileSync(file, JSON.stringify(owner));
      expect(() => lockOutput(out, { kind: 'file' })).toThrow(OutputBusyError);
    }
  });
});
