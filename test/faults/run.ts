/**
 * `npm run test:faults`: synth under faults, as CI and crashes produce them. Needs root (PID
 * namespaces) and `unshare`; fails, never skips, when it cannot do what it checks.
 *
 * (a) kills: a 300-vcluster synth is killed (SIGKILL) at a random instant, or right when its swap
 *     journal or its replaced tree appears; then synth runs again, with good and bad input in
 *     turn. `dist/` must then be byte-identical to the expected tree (good input) or to the tree
 *     the killed run left (bad input: the old tree, or the new one if its swap was journaled),
 *     nothing may be left beside it, and the lock must be free.
 * (b) namespaces: synth runs again and again as PID 1 of a fresh PID namespace (`unshare -pf
 *     --mount-proc`, as container CI runs it), replacing the tree each time, once after a run
 *     killed with its namespace; every run must succeed, and no file or process may be left.
 * (c) concurrency: two runs at once, then two runs in two PID namespaces (both PID 1): one wins,
 *     the other prints that the folder is locked and exits 1.
 *
 * Usage: `npm run test:faults [-- --seed N] [--kills 10] [--namespace-runs 10]`
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, SYNTH, Run, arg, checkLockFree, digest, fail, fleet, leftovers, preflight, prng, synth } from './fault-kit';

const BIG = 300;
const SMALL = 70; // more top-level entries than the parallel removal starts at
const LOCKED = / right now; nothing was written\. Run synth again once it has finished\.$/;

type Variant = 'a' | 'b';
type KillMode = 'random instant' | 'journal appears' | 'replaced tree appears' | 'while deleting';

/** Runs synth and SIGKILLs it per `mode`; resolves once it has ended. */
function killedRun(decls: string, out: string, mode: KillMode, delayMs: number): Promise<{ killed: boolean; status: number | null }> {
  const child = spawn(SYNTH[0], [...SYNTH.slice(1), '--vclusters', decls, '--out', out], { cwd: ROOT, stdio: 'ignore' });
  const kill = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  const base = path.basename(out);
  let timer: NodeJS.Timeout | undefined;
  const watcher = fs.watch(path.dirname(out), (_event, name) => {
    if (mode === 'journal appears' && name === `.${base}-swap`) kill();
    if (mode === 'replaced tree appears' && name === `.${base}-old`) kill();
    if (mode === 'while deleting' && name === `.${base}-old`) timer ??= setTimeout(kill, delayMs);
  });
  if (mode === 'random instant') timer = setTimeout(kill, delayMs);
  return new Promise((resolve) =>
    child.on('exit', (status, signal) => {
      watcher.close();
      clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', status });
    }),
  );
}

/** What a kill left, before any run repairs it. */
function stateAfterKill(out: string, prev: string, target: string): string {
  const at = (s: string) => fs.existsSync(path.join(path.dirname(out), `.${path.basename(out)}-${s}`));
  if (at('swap'))
    return at('new') ? (fs.existsSync(out) ? 'journaled, before the renames' : 'journaled, between the renames') : 'journaled, renamed';
  if (at('old')) return 'swapped, deleting the replaced tree';
  if (at('new')) return 'writing the new tree';
  const d = digest(out);
  return d === target ? 'swapped and cleaned up' : d === prev ? 'before writing' : `UNEXPECTED (${d})`;
}

function check(ok: boolean, message: string): void {
  if (!ok) fail(message);
}

/** (a) */
async function kills(work: string, random: () => number, count: number, log: (s: string) => void): Promise<Map<string, number>> {
  const dirs = { a: fleet(path.join(work, 'big-a'), BIG, 'a'), b: fleet(path.join(work, 'big-b'), BIG, 'b') };
  const bad = {
    invalid: fleet(path.join(work, 'big-invalid'), BIG, 'a', 'invalid'),
    syntax: fleet(path.join(work, 'big-syntax'), BIG, 'b', 'syntax'),
  };
  // the first run of each fleet gives its expected tree; the first of fleet a is also the starting dist/
  const out = path.join(work, 'kills', 'dist');
  const ref: Record<Variant, string> = { a: '', b: '' };
  let runMs = 0;
  for (const v of ['b', 'a'] as const) {
    const into = v === 'a' ? out : path.join(work, 'ref-b', 'dist');
    const r = synth(dirs[v], into);
    check(r.status === 0, `reference synth of fleet ${v} failed:\n${r.stderr}`);
    ref[v] = digest(into);
    runMs = Math.max(runMs, r.ms);
  }
  log(`(a) reference runs: ${BIG} vclusters in ≤ ${runMs} ms; kills at random instants fall within that`);
  let current: Variant = 'a';
  const states = new Map<string, number>();
  const modes: KillMode[] = ['random instant', 'random instant', 'journal appears', 'replaced tree appears', 'while deleting'];
  for (let i = 0; i < count; i++) {
    const target: Variant = current === 'a' ? 'b' : 'a';
    const mode = modes[Math.floor(random() * modes.length)];
    const delay = Math.floor(random() * (mode === 'random instant' ? runMs : 300));
    const k = await killedRun(dirs[target], out, mode, delay);
    const state: string = k.killed ? stateAfterKill(out, ref[current], ref[target]) : 'finished before the kill';
    states.set(state, (states.get(state) ?? 0) + 1);
    const committed: boolean = state.startsWith('journaled') || state.startsWith('swapped') || state === 'finished before the kill';
    const afterKill: Variant = committed ? target : current;
    // the next run: good and bad input in turn
    const good = i % 2 === 0;
    const next: Variant = random() < 0.5 ? 'a' : 'b';
    const input = good ? dirs[next] : i % 4 === 1 ? bad.invalid : bad.syntax;
    const r = synth(input, out);
    const expected: Variant = good ? next : afterKill;
    const got = digest(out);
    log(
      `(a) ${String(i + 1).padStart(2)}: kill at ${mode}${mode === 'journal appears' ? '' : ` +${delay} ms`} → ${state}; then ${good ? `good input ${next}` : 'bad input'}: exit ${r.status}, dist ${got === ref[expected] ? `= tree ${expected}` : 'DIFFERS'}`,
    );
    check(r.status === (good ? 0 : 1), `run after kill ${i + 1}: exit ${r.status}\n${r.stderr}`);
    if (!good) check(r.stderr.startsWith('synth failed; nothing was written to'), `bad input not refused clearly:\n${r.stderr}`);
    check(got === ref[expected], `kill ${i + 1}: dist/ is not tree ${expected} (state after the kill: ${state})`);
    check(leftovers(out).length === 0, `kill ${i + 1}: left beside dist/: ${leftovers(out).join(', ')}`);
    checkLockFree(out);
    current = expected;
  }
  return states;
}

/** Processes whose command line mentions `needle`. */
function processesWith(needle: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  if (ps.status !== 0) fail('ps failed');
  return ps.stdout.split('\n').filter((l) => l.includes(needle) && !l.includes('ps -eo'));
}

/** (b) */
async function namespaces(work: string, runs: number, random: () => number, log: (s: string) => void): Promise<void> {
  const dirs = { a: fleet(path.join(work, 'small-a'), SMALL, 'a'), b: fleet(path.join(work, 'small-b'), SMALL, 'b') };
  const ref: Record<Variant, string> = { a: '', b: '' };
  for (const v of ['a', 'b'] as const) {
    const refOut = path.join(work, `small-ref-${v}`, 'dist');
    check(synth(dirs[v], refOut).status === 0, `reference synth of the small fleet ${v} failed`);
    ref[v] = digest(refOut);
  }
  const out = path.join(work, 'namespaces', 'dist');
  for (let i = 0; i < runs; i++) {
    const v: Variant = i % 2 === 0 ? 'a' : 'b';
    if (i === Math.floor(runs / 2)) {
      // a run killed together with its namespace (the unshare process, and with it PID 1)
      const child = spawn(
        'unshare',
        ['-pf', '--mount-proc', '--kill-child', ...SYNTH, '--vclusters', dirs[v === 'a' ? 'b' : 'a'], '--out', out],
        { stdio: 'ignore' },
      );
      await new Promise((resolve) => setTimeout(resolve, 300 + random() * 1500));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
      log(`(b) killed a run in its namespace; the next one must repair and succeed`);
    }
    const r: Run = synth(dirs[v], out, true);
    const got = digest(out);
    log(
      `(b) ${String(i + 1).padStart(2)}: PID 1 of a fresh PID namespace: exit ${r.status} in ${r.ms} ms, dist ${got === ref[v] ? `= tree ${v}` : 'DIFFERS'}, beside it: [${leftovers(out).join(', ')}]`,
    );
    check(r.status === 0, `namespace run ${i + 1} failed:\n${r.stderr}`);
    check(got === ref[v], `namespace run ${i + 1}: dist/ is not tree ${v}`);
    check(leftovers(out).length === 0, `namespace run ${i + 1}: left beside dist/: ${leftovers(out).join(', ')}`);
    check(
      processesWith(path.dirname(dirs.a)).length === 0,
      `processes outlived the run: ${processesWith(path.dirname(dirs.a)).join('; ')}`,
    );
    checkLockFree(out);
  }
}

/** Starts two runs (the second once `startSecond` resolves) and returns both results. */
async function twoRuns(decls: [string, string], out: string, namespace: boolean, staggered: boolean): Promise<Run[]> {
  const run = (decl: string) =>
    new Promise<Run>((resolve) => {
      const argv = [...SYNTH, '--vclusters', decl, '--out', out];
      const cmd = namespace ? ['unshare', '-pf', '--mount-proc', '--kill-child', ...argv] : argv;
      const started = Date.now();
      const c = spawn(cmd[0], cmd.slice(1), { cwd: ROOT });
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      c.on('exit', (status, signal) => resolve({ status, signal, stdout, stderr, ms: Date.now() - started }));
    });
  const first = run(decls[0]);
  if (staggered) {
    // the second starts once the first holds the lock (its new tree appears)
    const next = path.join(path.dirname(out), `.${path.basename(out)}-new`);
    while (!fs.existsSync(next)) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Promise.all([first, run(decls[1])]);
}

/** (c) */
async function concurrency(work: string, log: (s: string) => void): Promise<void> {
  const dirs: [string, string] = [path.join(work, 'small-a'), path.join(work, 'small-b')];
  const refs = [digest(path.join(work, 'small-ref-a', 'dist')), digest(path.join(work, 'small-ref-b', 'dist'))];
  for (const [namespace, staggered] of [
    [false, false],
    [true, true],
  ] as const) {
    const out = path.join(work, `concurrent-${namespace ? 'ns' : 'plain'}`, 'dist');
    const runs = await twoRuns(dirs, out, namespace, staggered);
    const winners = runs.filter((r) => r.status === 0);
    const losers = runs.filter((r) => r.status === 1 && r.stderr.split('\n').filter(Boolean).length === 1 && LOCKED.test(r.stderr.trim()));
    const what = `${namespace ? 'in two PID namespaces' : 'side by side'}${staggered ? ', the second once the first holds the lock' : ', started together'}`;
    log(
      `(c) two runs ${what}: exits ${runs.map((r) => r.status).join(' and ')}; the loser said: ${losers[0]?.stderr.trim() ?? '(nothing)'}`,
    );
    check(
      winners.length === 1 && losers.length === 1,
      `two runs ${what}: expected one winner and one locked loser:\n${runs.map((r) => r.stderr).join('\n')}`,
    );
    check(digest(out) === refs[runs.indexOf(winners[0])], `two runs ${what}: dist/ is not the winner's tree`);
    check(leftovers(out).length === 0, `two runs ${what}: left beside dist/: ${leftovers(out).join(', ')}`);
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  preflight();
  const seed = arg('--seed', Math.floor(Math.random() * 2 ** 31));
  const random = prng(seed);
  const log = (s: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${s}`);
  log(`fault tests, seed ${seed} (repeat with: npm run test:faults -- --seed ${seed})`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-faults-'));
  try {
    const states = await kills(work, random, arg('--kills', 10), log);
    log(`(a) states the kills left: ${[...states].map(([s, c]) => `${s} ×${c}`).join('; ')}`);
    await namespaces(work, arg('--namespace-runs', 10), random, log);
    await concurrency(work, log);
    log(`all fault tests passed in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${seed})`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`FAULT TESTS FAILED: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
