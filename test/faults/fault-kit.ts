/**
 * Helpers of the fault tests (./run.ts): generated fleets, tree digests, synth runs (plain or as
 * PID 1 of a fresh PID namespace), leftovers and the lock.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { lockOutput } from '../../src/fleet/output-lock';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SYNTH = [process.execPath, '--require', 'tsx/cjs', path.join(ROOT, 'src', 'cli', 'synth.ts')];

export function arg(flag: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same kills. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function fail(message: string): never {
  throw new Error(message);
}

/** Checks that this machine can do what the script promises; throws otherwise. */
export function preflight(): void {
  if (process.platform !== 'linux') fail('the fault tests need Linux (PID namespaces)');
  if (process.getuid?.() !== 0) fail('the fault tests need root (unshare -p); run them as root, as CI does');
  const u = spawnSync('unshare', ['-pf', '--mount-proc', 'true']);
  if (u.error || u.status !== 0)
    fail(`unshare -pf --mount-proc does not work here (${u.error?.message ?? u.stderr.toString().trim()}); install util-linux`);
}

/** One generated declaration; `variant` changes every vcluster's output. */
export function declaration(i: number, variant: 'a' | 'b'): string {
  const name = `f-${String(i).padStart(3, '0')}`;
  const exposure = [
    'Exposure.internal()',
    `Exposure.loadBalancer({ subnet: '10.${100 + Math.floor(i / 256)}.${i % 256}.0/24', apiPort: 6443 })`,
    'Exposure.gateway()',
  ][i % 3];
  const egress = variant === 'a' ? 5432 : 5433;
  return [
    `import { Exposure, defineVCluster } from ${JSON.stringify(path.join(ROOT, 'src'))};`,
    'export default defineVCluster({',
    `  name: '${name}',`,
    `  preset: '${i % 4 === 0 ? 'prod' : 'dev'}',`,
    `  exposure: ${exposure},`,
    `  isolationMode: '${i % 2 ? 'strict' : 'standard'}',`,
    `  networkPolicies: { extraEgress: [{ name: 'db', cidr: '10.1.${i % 256}.5/32', port: ${egress} }] },`,
    '});',
    '',
  ].join('\n');
}

/** Writes a declarations folder of `n` vclusters; `bad` breaks one of them in a way validation or loading refuses. */
export function fleet(dir: string, n: number, variant: 'a' | 'b', bad?: 'invalid' | 'syntax'): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // the integratn site of the fixtures (this repository's vclusters/platform.ts is its users' to edit)
  const site = JSON.stringify(path.join(ROOT, 'test', 'fixtures', 'integratn', 'platform'));
  fs.writeFileSync(path.join(dir, 'platform.ts'), `export { default } from ${site};\n`);
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, `f-${String(i).padStart(3, '0')}.ts`), declaration(i, variant));
  const last = path.join(dir, `f-${String(n - 1).padStart(3, '0')}.ts`);
  if (bad === 'invalid') fs.writeFileSync(last, declaration(n - 1, variant).replace("preset: '", "replicas: 'three', preset: '"));
  if (bad === 'syntax') fs.writeFileSync(last, declaration(n - 1, variant).replace('export default', 'export default ,'));
  return dir;
}

/** A digest of a whole tree (paths and bytes), or `missing`. */
export function digest(dir: string): string {
  if (!fs.existsSync(dir)) return 'missing';
  const h = createHash('sha256');
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const full = path.join(dir, r);
      if (fs.statSync(full).isDirectory()) walk(r);
      else h.update(`${r}\0`).update(fs.readFileSync(full)).update('\0');
    }
  };
  walk('');
  return h.digest('hex').slice(0, 16);
}

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function synth(decls: string, out: string, namespace = false): Run {
  const argv = [...SYNTH, '--vclusters', decls, '--out', out];
  const cmd = namespace ? ['unshare', '-pf', '--mount-proc', '--kill-child', ...argv] : argv;
  const started = Date.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/** What is beside `out` other than `out` itself. */
export function leftovers(out: string): string[] {
  return fs.readdirSync(path.dirname(out)).filter((f) => f !== path.basename(out));
}

/** Fails unless the lock of `out` can be taken (then releases it). */
export function checkLockFree(out: string): void {
  lockOutput(out).release();
}
