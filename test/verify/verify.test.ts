import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatViolation } from '../../src/verify/model';
import { VerifyOptions, pool, verifyDist } from '../../src/verify/verify';
import { applicationYaml, helmCalls, writeDist, writeFakeHelm } from './fake-helm';

describe('verifyDist (fake helm)', () => {
  let dir: string;
  let helmDir: string;
  let opts: VerifyOptions;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-e2e-'));
    helmDir = path.join(dir, 'bin');
    const helm = writeFakeHelm(helmDir);
    fs.mkdirSync(path.join(dir, 'charts'));
    fs.writeFileSync(path.join(dir, 'charts', 'vcluster-0.31.3.tgz'), 'not read by the fake helm');
    writeDist(path.join(dir, 'dist'), {
      a: applicationYaml('a', '0.31.3', {
        integrations: { certManager: { enabled: true } },
        controlPlane: { coredns: { enabled: false } },
      }),
      b: applicationYaml('b', '0.31.3', { fail: true }),
      c: applicationYaml('c', '0.99.0', {}),
    });
    opts = {
      dist: path.join(dir, 'dist'),
      display: 'dist',
      charts: { dirs: [path.join(dir, 'charts')], how: '--charts' },
      cacheDir: path.join(dir, 'cache'),
      helm: () => ({ path: helm, from: 'HELM' }),
    };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('renders each vcluster, reports violations, a render failure and a missing chart', async () => {
    const r = await verifyDist(opts);
    expect(r).toMatchObject({ vclusters: 3, checked: ['a', 'b'], rendered: 1, cachedRenders: 0, reused: 0, noChartsAnywhere: false });
    expect(r.violations.map(formatViolation)).toEqual([
      'a: Application/vcluster-a (dist/a/argocd/application-vcluster-a.yaml) [integrations-supported] integrations.certManager.enabled is true but the control plane runs the OSS image ghcr.io/loft-sh/vcluster-oss:0.31.3, which implements only metricsServer: the setting silently does nothing; fix: remove integrations.certManager (make it work inside the vcluster another way), or run the Enterprise image (controlPlane.statefulSet.image.repository loft-sh/vcluster-pro, licensed)',
      "b: Application/vcluster-b (dist/b/argocd/application-vcluster-b.yaml) [chart-renders] helm template of vcluster 0.31.3 fails: Error: values don't meet the specifications of the schema(s) in the following chart(s): vcluster: additional properties 'fail' not allowed; fix: make the values valid for the chart version (its values.schema.json)",
    ]);
    expect(r.skipped).toEqual([
      {
        name: 'c',
        missingChart: true,
        reason: `c: chart vcluster 0.99.0 (https://charts.loft.sh) not found as vcluster-0.99.0.tgz in ${path.join(dir, 'charts')}: not verified`,
      },
    ]);
    expect(
      helmCalls(helmDir)
        .map((c) => c.split(' ').slice(0, 2).join(' '))
        .sort(),
    ).toEqual(['template a', 'template b']);
  });

  test('a second run reuses verdicts of unchanged vclusters; without verdicts the render cache answers', async () => {
    await verifyDist(opts);
    const calls = helmCalls(helmDir).length;
    const again = await verifyDist(opts);
    expect(again).toMatchObject({ checked: ['a', 'b'], rendered: 0, cachedRenders: 0, reused: 2 });
    expect(helmCalls(helmDir)).toHaveLength(calls);
    const noVerdicts = await verifyDist({ ...opts, reuseVerdicts: false });
    expect(noVerdicts).toMatchObject({ rendered: 0, cachedRenders: 1, reused: 0 });
    expect(noVerdicts.violations.map((v) => v.invariant)).toEqual(['integrations-supported', 'chart-renders']);
  });

  test('a changed Application is rendered again; the others keep their verdict', async () => {
    await verifyDist(opts);
    const changed = applicationYaml('a', '0.31.3', { controlPlane: { coredns: { enabled: false } } }, false);
    fs.writeFileSync(path.join(dir, 'dist', 'a', 'argocd', 'application-vcluster-a.yaml'), changed);
    const r = await verifyDist(opts);
    expect(r).toMatchObject({ rendered: 1, reused: 1 });
    expect(r.violations.map((v) => `${v.vcluster} ${v.invariant}`)).toEqual(['a chart-app-retries', 'b chart-renders']);
  });

  test('no chart anywhere: nothing verified, noChartsAnywhere; helm never looked for', async () => {
    fs.rmSync(path.join(dir, 'charts', 'vcluster-0.31.3.tgz'));
    const noHelm = () => {
      throw new Error('helm must not be needed');
    };
    const r = await verifyDist({ ...opts, helm: noHelm });
    expect(r).toMatchObject({ checked: [], noChartsAnywhere: true });
    expect(r.skipped.map((s) => s.name)).toEqual(['a', 'b', 'c']);
  });

  test('no helm: a vcluster whose chart exists is not verified, with the reason', async () => {
    const noHelm = () => {
      throw new Error('no helm: $HELM is not set');
    };
    const r = await verifyDist({ ...opts, helm: noHelm });
    expect(r.skipped.find((s) => s.name === 'a')).toEqual({ name: 'a', missingChart: false, reason: 'a: no helm: $HELM is not set' });
    expect(r.noChartsAnywhere).toBe(false);
  });

  test('pool runs at most n at a time and keeps the order', async () => {
    let running = 0;
    let peak = 0;
    const out = await pool([1, 2, 3, 4, 5], 2, async (x) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return x * 10;
    });
    expect(out).toEqual([10, 20, 30, 40, 50]);
    expect(peak).toBe(2);
  });
});
