/**
 * `npm run bench`: how synth scales with the size of the fleet.
 *
 * For each N it writes N generated declarations (plus a copy of `vclusters/platform.ts`) into a
 * temporary folder, runs the README's synth command on it in a separate process (`npm run synth --
 * --vclusters <tmp> --out <tmp>`), and measures wall time, peak RSS and the objects written. In the
 * same run it measures the serialization floor: the objects synth wrote, parsed back into memory
 * (not timed), then re-emitted with the `yaml` library (same options as synth) and written one
 * file each into a fresh folder (timed). It prints one line per N (medians of `--runs`) and the
 * scaling ratio t(max N)/t(previous N).
 *
 * Usage: `npm run bench [-- --n 10,100,1000] [--runs 3] [--from FILE] [--cmd CMD] [--keep]` (`--help`
 * describes them).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { YAML_OPTIONS } from '../fleet/serialize';
import { benchVerify } from '../verify/bench';
import { anyChartAvailable, chartSearch } from '../verify/charts';
import { CommandSpec, OptionSpecs, USAGE_EXIT_CODE, UsageError, commandLine } from './args';

const ROOT = path.resolve(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');

/** The command line of `npm run bench`. */
export const BENCH_COMMAND = {
  usage: 'npm run bench --',
  summary:
    'Measures how synth scales with the fleet size: for each N, N generated declarations are synthesized in a separate process (wall time, peak RSS, objects) against the serialization floor. Then npm run verify: on dist/ cold and warm, and on fleets made of its vclusters (cold, unchanged, one Application changed). Takes minutes.',
  options: {
    n: { value: 'N,N,...', description: 'fleet sizes (default: 10,100,1000)' },
    runs: { value: 'R', description: 'measured runs per size, the median is reported (default: 3)' },
    from: { value: 'FILE', description: 'use N renamed copies of this declaration instead of the generated mix' },
    cmd: { value: 'CMD', description: 'the synth command (default: npm run --silent synth --); --vclusters/--out are appended' },
    keep: { description: 'keep the temporary folders (their path is printed)' },
    verifyN: { value: 'N,N,...', description: 'fleet sizes of the verify measurement (default: 100,1000)' },
    noVerify: { description: 'measure synth only' },
  },
} satisfies CommandSpec<OptionSpecs>;

/** Positive integers from a comma-separated option value; throws UsageError otherwise. */
function positiveIntegers(flag: string, value: string): number[] {
  const ns = value.split(',').map((x) => Number(x.trim()));
  if (!ns.length || ns.some((x) => !Number.isInteger(x) || x < 1))
    throw new UsageError(`${flag}: ${JSON.stringify(value)} is not a comma-separated list of positive integers`);
  return ns;
}

/** A TS string literal. */
const lit = (s: string) => JSON.stringify(s);

/** One generated declaration: mixed presets, exposures, isolation, egress, deployed etcd. */
function declaration(i: number): string {
  const name = `bench-${String(i).padStart(4, '0')}`;
  const hi = Math.floor(i / 256);
  const lo = i % 256;
  const prod = i % 3 === 0;
  const lines: string[] = [`  name: ${lit(name)},`, `  preset: ${lit(prod ? 'prod' : 'dev')},`];
  switch (i % 4) {
    case 0:
      lines.push('  exposure: Exposure.internal(),');
      break;
    case 1:
      lines.push(`  exposure: Exposure.loadBalancer({ subnet: ${lit(`10.${100 + hi}.${lo}.0/24`)}, apiPort: 6443 }),`);
      break;
    case 2:
      lines.push(`  exposure: Exposure.loadBalancer({ vip: ${lit(`10.${200 + hi}.${lo}.10`)}, apiPort: 443 }),`);
      break;
    default:
      lines.push('  exposure: Exposure.gateway(),');
  }
  if (i % 2 === 1) {
    lines.push("  isolationMode: 'strict',");
    if (i % 10 === 1) lines.push("  isolation: { podSecurity: 'restricted', resourceQuota: { pods: '50', 'requests.cpu': '8' } },");
  }
  if (i % 5 === 2) lines.push("  kubernetesVersion: '1.33',");
  if (i % 7 === 3) {
    // the Job sync is only allowed when the 1Password item outlives the declaration
    lines.push("  kubeconfigSync: 'job',");
    if (!prod) lines.push("  deletionPolicy: 'retain',");
  }
  if (prod && i % 6 === 0) {
    lines.push('  backingStore: {', '    etcd: { deploy: { enabled: true, statefulSet: { highAvailability: { replicas: 3 } } } },', '  },');
  }
  const egress = [`{ name: 'postgres', cidr: ${lit(`10.${hi}.${lo}.5/32`)}, port: 5432 }`];
  if (i % 2 === 0) egress.push("{ name: 'dns', cidr: '10.0.0.53/32', port: 53, protocol: 'UDP' }");
  if (i % 3 === 1) egress.push("{ name: 'redis', cidr: '10.0.9.0/24', port: 6379, protocol: 'TCP' }");
  lines.push(`  networkPolicies: { enableNFS: ${i % 5 === 0}, extraEgress: [${egress.join(', ')}] },`);
  if (i % 4 === 2) lines.push("  coredns: { forwardZones: [{ zone: 'corp.example.com', upstreams: ['10.0.0.53'] }], cacheSeconds: 60 },");
  if (i % 8 === 5) lines.push(`  argocd: { clusterLabels: { team: ${lit(`team-${i % 13}`)} } },`);
  if (i % 9 === 4) lines.push('  helmValues: { controlPlane: { ingress: { enabled: false } } },');
  return [
    `// Generated by src/cli/bench.ts`,
    `import { Exposure, defineVCluster } from ${lit(SRC)};`,
    '',
    'export default defineVCluster({',
    ...lines,
    '});',
    '',
  ].join('\n');
}

/** Copies one declaration under a new name (and hostname), importing the repo's `src`: its file name and text. */
function renamedCopy(text: string, i: number): { file: string; text: string } {
  const m = /name:\s*'([a-z0-9-]+)'/.exec(text);
  if (!m) throw new Error("--from: no `name: '...'` in the declaration");
  const base = m[1];
  const suffix = `-${String(i).padStart(4, '0')}`;
  const short = base.replace(/^vcluster-/, '');
  const copy = fixImports(text).split(`'${base}'`).join(`'${base}${suffix}'`).split(`'${short}.`).join(`'${short}${suffix}.`);
  return { file: `${base}${suffix}.ts`, text: copy };
}

function fixImports(text: string): string {
  return text.replace(/from '\.\.\/src'/g, `from ${lit(SRC)}`);
}

function generate(dir: string, n: number, from: string | undefined): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'platform.ts'), fixImports(fs.readFileSync(path.join(ROOT, 'vclusters', 'platform.ts'), 'utf8')));
  const template = from && fs.readFileSync(path.resolve(from), 'utf8');
  for (let i = 0; i < n; i++) {
    // each file named after its vcluster, as synth requires
    const { file, text } = template ? renamedCopy(template, i) : { file: `bench-${String(i).padStart(4, '0')}.ts`, text: declaration(i) };
    fs.writeFileSync(path.join(dir, file), text);
  }
}

/** Every file under `dir`, relative paths, sorted. */
function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out.sort();
}

interface Run {
  wall: number;
  rss: number;
  objects: number;
  floor: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Flushes pending writes and deletions before a measurement, so neither the synth nor the floor
 * pays for the other's I/O (deleting ~25,000 files keeps an ext4 disk mounted with `discard` busy).
 */
function settle(): void {
  spawnSync('sync');
}

/**
 * Runs the synth command once, replacing the previous run's output (as `npm run synth` replaces
 * dist/, deleting the replaced tree before it ends); wall from this process, peak RSS from GNU time
 * (of the largest process).
 */
function runSynth(cmd: readonly string[], decls: string, out: string): { wall: number; rss: number } {
  settle();
  const hasTime = fs.existsSync('/usr/bin/time');
  const argv = [...cmd, '--vclusters', decls, '--out', out];
  const started = process.hrtime.bigint();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', 'BENCH-RSS %M', ...argv], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      })
    : spawnSync(argv[0], argv.slice(1), { cwd: ROOT, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`synth failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  const m = /BENCH-RSS (\d+)/.exec(r.stderr ?? '');
  return { wall, rss: m ? Number(m[1]) / 1024 : NaN };
}

/**
 * The serialization floor: every YAML file synth wrote, parsed (not timed), then stringified with
 * the project's options and written into a fresh folder (timed). Also checks the bytes match.
 */
function floor(dist: string, scratch: string): { seconds: number; objects: number; mismatches: number } {
  const files = walk(dist).filter((f) => f.endsWith('.yaml'));
  const parsed = files.map((f) => {
    const text = fs.readFileSync(path.join(dist, f), 'utf8');
    return { f, text, obj: YAML.parse(text, { version: '1.1' }) as unknown };
  });
  fs.rmSync(scratch, { recursive: true, force: true });
  settle();
  const opts = YAML_OPTIONS; // the options of synth's toYaml
  const started = process.hrtime.bigint();
  const dirs = new Set(files.map((f) => path.dirname(f)));
  for (const d of dirs) fs.mkdirSync(path.join(scratch, d), { recursive: true });
  const written: string[] = [];
  for (const { f, obj } of parsed) {
    const text = YAML.stringify(obj, opts);
    fs.writeFileSync(path.join(scratch, f), text);
    written.push(text);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const mismatches = parsed.filter((p, i) => p.text !== written[i]).length;
  return { seconds, objects: files.length, mismatches };
}

/** What one bench run measures. */
interface BenchSettings {
  readonly ns: readonly number[];
  readonly runs: number;
  readonly from?: string;
  readonly cmd: readonly string[];
  readonly keep: boolean;
  /** Fleet sizes of the verify measurement; none: synth only. */
  readonly verifySizes: readonly number[];
}

/** The settings of the command line; prints the problem and returns undefined on a usage error. */
function benchSettings(): BenchSettings | undefined {
  const args = commandLine('bench', BENCH_COMMAND);
  if (!args) return undefined;
  const o = args.options;
  try {
    const ns = positiveIntegers('--n', o.n ?? '10,100,1000');
    const runs = positiveIntegers('--runs', o.runs ?? '3');
    if (runs.length !== 1) throw new UsageError('--runs: one positive integer');
    if (o.from !== undefined && !fs.existsSync(o.from)) throw new UsageError(`--from: no file ${o.from}`);
    const cmd = (o.cmd ?? 'npm run --silent synth --').split(/\s+/).filter(Boolean);
    const verifySizes = o.noVerify ? [] : positiveIntegers('--verify-n', o.verifyN ?? '100,1000');
    return { ns, runs: runs[0], from: o.from, cmd, keep: o.keep, verifySizes };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`bench: ${e.message}`);
    process.exitCode = USAGE_EXIT_CODE;
    return undefined;
  }
}

/** The verify measurement (src/verify/bench.ts) when charts are available. */
function verifyBench(sizes: readonly number[], runs: number): void {
  if (!sizes.length) return;
  if (!anyChartAvailable(chartSearch({ env: process.env, root: ROOT }))) {
    console.log('verify: skipped: no charts available (npm run verify -- --help says where they are looked for)');
    return;
  }
  console.log(`verify: npm run verify, medians of ${runs} runs`);
  benchVerify({ sizes, runs, log: (l) => console.log(l) });
}

function main(): void {
  const settings = benchSettings();
  if (!settings) return;
  synthBench(settings);
  verifyBench(settings.verifySizes, settings.runs);
}

/** The synth measurement. */
function synthBench(settings: BenchSettings): void {
  const { ns, runs, from, cmd, keep } = settings;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-bench-'));
  console.log(
    `bench: ${os.cpus().length} cpus, node ${process.version}, ${runs} runs per N, command: ${cmd.join(' ')} --vclusters <tmp> --out <tmp>`,
  );
  console.log(
    `fleet: ${from ? `copies of ${from}` : 'generated mix (dev/prod, internal/loadBalancer/gateway, standard/strict, egress, deployed etcd)'}`,
  );
  console.log('     N   wall(s)  floor(s)  ratio  peakRSS(MB)  objects  ms/vcluster');
  const results = new Map<number, { wall: number; floor: number; rss: number; objects: number }>();
  try {
    for (const n of ns) {
      const decls = path.join(work, `fleet-${n}`);
      const out = path.join(work, `dist-${n}`);
      const scratch = path.join(work, `floor-${n}`);
      generate(decls, n, from);
      runSynth(cmd, decls, out); // warm-up (tsx's transform cache, page cache); not counted
      const rs: Run[] = [];
      for (let k = 0; k < runs; k++) {
        const s = runSynth(cmd, decls, out);
        const f = floor(out, scratch);
        if (f.mismatches)
          throw new Error(`N=${n}: ${f.mismatches} files differ when re-serialized; the floor would not measure the same output`);
        rs.push({ wall: s.wall, rss: s.rss, objects: f.objects, floor: f.seconds });
      }
      const r = {
        wall: median(rs.map((x) => x.wall)),
        floor: median(rs.map((x) => x.floor)),
        rss: Math.max(...rs.map((x) => x.rss)),
        objects: rs[0].objects,
      };
      results.set(n, r);
      console.log(
        `${String(n).padStart(6)}  ${r.wall.toFixed(2).padStart(8)}  ${r.floor.toFixed(3).padStart(8)}  ${(r.wall / r.floor).toFixed(2).padStart(5)}  ${r.rss.toFixed(0).padStart(11)}  ${String(r.objects).padStart(7)}  ${((r.wall * 1000) / n).toFixed(1).padStart(11)}`,
      );
      if (!keep) {
        fs.rmSync(decls, { recursive: true, force: true });
        fs.rmSync(out, { recursive: true, force: true });
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    }
    const sorted = [...results.keys()].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1];
      const b = sorted[i];
      console.log(`scaling: t(${b})/t(${a}) = ${(results.get(b)!.wall / results.get(a)!.wall).toFixed(2)} (N ×${(b / a).toFixed(0)})`);
    }
  } finally {
    if (keep) console.log(`kept: ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) main();
