/**
 * Measures `npm run verify` (wall time of the command, as a user runs it) on this repository and on
 * generated fleets: the repo's `dist/` cold (empty caches) and warm; then fleets of N vclusters made
 * by copying the repo's vcluster folders under new names, each verified cold once, unchanged, and
 * with one vcluster's Application changed (a different one per run, so each run re-renders one
 * chart). Medians of `runs`. `npm run bench` runs it after the synth measurement
 * (`--verify-n 100,1000`, `--no-verify`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chartSearch } from './charts';
import { resolveHelm } from './helm';

const ROOT = path.resolve(__dirname, '..', '..');

/** What to measure. */
export interface VerifyBenchOptions {
  /** Fleet sizes. @default [100, 1000] */
  readonly sizes?: readonly number[];
  /** Runs per measurement (median reported). @default 3 */
  readonly runs?: number;
  /** The repository's `dist/`. @default <repo>/dist */
  readonly dist?: string;
  /** Progress lines. @default - none */
  readonly log?: (line: string) => void;
}

/** Seconds (medians) per measurement. */
export interface VerifyBenchResult {
  readonly repo: { readonly vclusters: number; readonly cold: number; readonly warm: number };
  readonly fleets: ReadonlyArray<{ readonly n: number; readonly cold: number; readonly unchanged: number; readonly oneChanged: number }>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs the verify command once; returns its wall time in seconds (exit 0 and 1 are both results). */
function timeVerify(dist: string, env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'src', 'cli', 'verify.ts'), '--dist', dist], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`verify exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
  if (/not verified/.test(r.stdout))
    throw new Error(`verify could not verify everything: ${r.stdout.split('\n').find((l) => l.includes('not verified'))}`);
  return seconds;
}

/** Copies every vcluster folder of `dist` into `out` as `count` renamed copies (and their bootstrap files). */
export function makeFleet(dist: string, out: string, count: number): string[] {
  const bases = fs
    .readdirSync(dist, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('_') && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const base = bases[i % bases.length];
    const name = `${base}-${String(i).padStart(4, '0')}`;
    const rename = (text: string) => text.split(base).join(name);
    const copy = (from: string, to: string) => {
      for (const e of fs.readdirSync(from, { withFileTypes: true })) {
        if (e.isDirectory()) copy(path.join(from, e.name), path.join(to, e.name));
        else {
          fs.mkdirSync(to, { recursive: true });
          fs.writeFileSync(path.join(to, rename(e.name)), rename(fs.readFileSync(path.join(from, e.name), 'utf8')));
        }
      }
    };
    copy(path.join(dist, base), path.join(out, name));
    const boot = path.join(dist, '_bootstrap');
    for (const f of fs.existsSync(boot) ? fs.readdirSync(boot).filter((x) => x.includes(`-${base}`)) : []) {
      fs.mkdirSync(path.join(out, '_bootstrap'), { recursive: true });
      fs.writeFileSync(path.join(out, '_bootstrap', rename(f)), rename(fs.readFileSync(path.join(boot, f), 'utf8')));
    }
    names.push(name);
  }
  return names;
}

/** Changes one Helm value of a vcluster's chart Application (adds an API SAN), so its chart renders again. */
export function touchApplication(out: string, name: string, run: number): void {
  const dir = path.join(out, name, 'argocd');
  const file = path.join(
    dir,
    fs.readdirSync(dir).find((f) => f.startsWith('application-'))!,
  );
  const text = fs.readFileSync(file, 'utf8');
  const changed = text.replace(/^(\s+)extraSANs:\n(\s+)- /m, `$1extraSANs:\n$2- bench-${run}.example.com\n$2- `);
  if (changed === text) throw new Error(`${file}: no controlPlane.proxy.extraSANs to change`);
  fs.writeFileSync(file, changed);
}

/** Runs the measurements. */
export function benchVerify(opts: VerifyBenchOptions = {}): VerifyBenchResult {
  const log = opts.log ?? (() => undefined);
  const runs = opts.runs ?? 3;
  const dist = opts.dist ?? path.join(ROOT, 'dist');
  const cacheRoot = path.join(ROOT, 'node_modules', '.cache', 'vcluster-fleet');
  const helm = resolveHelm(process.env, cacheRoot, true, log).path;
  const charts = chartSearch({ env: process.env, root: ROOT });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-fleet-verify-bench-'));
  const env = (cache: string) => ({ HELM: helm, VCLUSTER_FLEET_CACHE: path.join(work, cache), VCLUSTER_FLEET_CHARTS: charts.dirs[0] });
  try {
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      cold.push(timeVerify(dist, env(`repo-${i}`)));
      warm.push(timeVerify(dist, env(`repo-${i}`)));
    }
    const vclusters = fs.readdirSync(dist, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('_')).length;
    log(`verify repo (${vclusters} vclusters): cold ${median(cold).toFixed(2)} s, warm ${median(warm).toFixed(2)} s`);
    const fleets = (opts.sizes ?? [100, 1000]).map((n) => {
      const out = path.join(work, `fleet-${n}`);
      const names = makeFleet(dist, out, n);
      const first = timeVerify(out, env(`fleet-${n}`));
      const unchanged: number[] = [];
      const oneChanged: number[] = [];
      for (let i = 0; i < runs; i++) {
        unchanged.push(timeVerify(out, env(`fleet-${n}`)));
        touchApplication(out, names[(i * 7) % names.length], i);
        oneChanged.push(timeVerify(out, env(`fleet-${n}`)));
      }
      const r = { n, cold: first, unchanged: median(unchanged), oneChanged: median(oneChanged) };
      log(
        `verify fleet of ${n}: cold ${r.cold.toFixed(1)} s (once), unchanged ${r.unchanged.toFixed(2)} s, one Application changed ${r.oneChanged.toFixed(2)} s`,
      );
      return r;
    });
    return { repo: { vclusters, cold: median(cold), warm: median(warm) }, fleets };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
