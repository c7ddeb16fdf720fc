/**
 * dist/INVENTORY.md: one row per vcluster, reserved requests per component, fleet and per-host totals.
 */
import media from '../fixtures/integratn/media';
import sandbox from '../fixtures/integratn/sandbox';
import { VClusterSpec, definePlatform } from '../../src';
import { config } from '../fixtures/integratn/platform';
import { buildFleet } from '../../src/fleet/fleet';
import { formatCpu, formatMemory, inventoryFiles, inventoryMarkdown, reservationOf } from '../../src/fleet/inventory';
import { parseQuantity } from '../../src/validation';
import { platform } from '../util';

const build = (specs: VClusterSpec[], site = platform) =>
  buildFleet(
    site,
    specs.map((spec) => ({ file: `vclusters/${spec.name}.ts`, spec })),
  );
const GI = 2 ** 30;
const MI = 2 ** 20;

describe('quantities', () => {
  test.each([
    ['250m', 0.25],
    ['2', 2],
    ['1.5', 1.5],
    ['100u', 0.0001],
    ['1k', 1000],
    ['1e3', 1000],
    ['512Mi', 512 * MI],
    ['2Gi', 2 * GI],
    ['1Ki', 1024],
    ['500M', 5e8],
    ['1G', 1e9],
    ['.5Gi', 0.5 * GI],
  ])('%s', (q, v) => expect(parseQuantity(q)).toBeCloseTo(v, 9));

  test('not quantities', () => {
    for (const q of ['', 'abc', '1 Gi', '2GB', '1.2.3']) expect(parseQuantity(q)).toBeUndefined();
  });

  test('formatting', () => {
    expect(formatCpu(0.25)).toBe('250m');
    expect(formatCpu(1)).toBe('1');
    expect(formatCpu(1.07)).toBe('1.07');
    expect(formatMemory(768 * MI)).toBe('768Mi');
    expect(formatMemory(2 * GI)).toBe('2Gi');
    expect(formatMemory(6 * GI + 578 * MI)).toBe('6.56Gi');
  });
});

describe('inventory', () => {
  test('vcluster-media reserves control plane × 3, CoreDNS × 2 and etcd × 3', () => {
    const [b] = build([media]);
    const r = reservationOf(b.vcluster.helmValues);
    expect(r.controlPlane).toEqual({ replicas: 3, cpu: 0.75, memory: 6 * GI });
    expect(r.coredns).toEqual({ replicas: 2, cpu: 0.04, memory: 128 * MI });
    expect(r.etcd).toEqual({ replicas: 3, cpu: expect.closeTo(0.06, 9), memory: 450 * MI });
    expect(r.total.cpu).toBeCloseTo(0.85, 9);
  });

  test('one row per vcluster with every column, sorted, and fleet totals', () => {
    const md = inventoryMarkdown(build([sandbox, media]));
    const rows = md.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows[0]).toBe(
      '| `sandbox` | dev | v1.34.3 | 0.31.3 | https://sandbox.integratn.tech:443 | 1 | standard | development | in-cluster | delete (data removed) | 220m | 832Mi |',
    );
    expect(rows[1]).toBe(
      '| `vcluster-media` | prod | v1.34.3 | 0.31.1 | https://media.integratn.tech:443 | 3 | standard | production | in-cluster | retain (data kept) | 850m | 6.56Gi |',
    );
    expect(md).toContain(
      '| `vcluster-media` | in-cluster | 3 × 250m / 2Gi | 2 × 20m / 64Mi | 3 × 20m / 150Mi | 850m | 6.56Gi | 3 × 10Gi + 3 × 5Gi = 45Gi |',
    );
    // dev keeps its store on a PVC too
    expect(md).toContain('| `sandbox` | in-cluster | 1 × 200m / 768Mi | 1 × 20m / 64Mi | none | 220m | 832Mi | 5Gi |');
    expect(md).toContain('reserved requests **1.07 CPU**, **7.38Gi memory**');
    expect(md).toContain('| **fleet** | 2 | **1.07** | **7.38Gi** |');
  });

  test('the preset column shows a site preset by its name', () => {
    const site = definePlatform({ ...config, presets: { 'team-large': { extends: 'prod', replicas: 2 } } });
    const md = inventoryMarkdown(build([{ name: 'team-a', preset: 'team-large' }, sandbox], site));
    const rows = md.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows[1]).toMatch(
      /^\| `team-a` \| team-large \| v1\.34\.3 \| 0\.31\.3 \| .* \| 2 \| standard \| production \| in-cluster \| retain \(data kept\) \|/,
    );
    expect(rows[0]).toMatch(/^\| `sandbox` \| dev \|/);
  });

  test('deterministic: same input, same bytes, no dates', () => {
    const a = inventoryFiles(build([media, sandbox])).get('INVENTORY.md');
    const b = inventoryFiles(build([sandbox, media])).get('INVENTORY.md');
    expect(a).toBe(b);
    expect(a).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  test('totals per host cluster; VIP and overridden CoreDNS requests are shown', () => {
    const site = {
      ...platform,
      argocd: { ...platform.argocd, hostClusters: { ...platform.argocd.hostClusters, edge: 'https://edge.example.com:6443' } },
    };
    const far: VClusterSpec = {
      name: 'far',
      hostCluster: 'edge',
      helmValues: { controlPlane: { coredns: { deployment: { resources: { requests: { cpu: '100m', memory: '128Mi' } } } } } },
    };
    const md = inventoryMarkdown(build([sandbox, far], site));
    expect(md).toContain('| `far` | edge | 1 × 200m / 768Mi | 1 × 100m / 128Mi | none | 300m | 896Mi | 5Gi |');
    expect(md).toContain('| edge | 1 | 300m | 896Mi |');
    expect(md).toContain('| in-cluster | 1 | 220m | 832Mi |');
    expect(md).toContain('| **fleet** | 2 | **520m** | **1.69Gi** |');
  });

  test("every exception to the Helm values guard is listed, the site's and each vcluster's, with its reason", () => {
    const site = {
      ...platform,
      helmValues: { ...platform.helmValues, controlPlane: { advanced: { kubeVip: { enabled: true } } } },
      exceptions: [
        { rule: 'capabilities' as const, path: 'controlPlane.advanced.kubeVip', reason: 'bare-metal API VIP announced by kube-vip' },
      ],
    };
    const cache = { name: 'cache', hostPath: { path: '/var/cache/images' } };
    const built = build(
      [
        sandbox,
        {
          ...media,
          helmValues: { controlPlane: { statefulSet: { persistence: { addVolumes: [cache] } } } },
          exceptions: [{ rule: 'hostPath', path: 'controlPlane.statefulSet.persistence.addVolumes[0]', reason: 'node-local image cache' }],
        },
      ],
      site,
    );
    const md = inventoryMarkdown(built);
    const section = md.slice(md.indexOf('## Exceptions to the Helm values guard'));
    expect(section.split('\n').filter((l) => l.startsWith('| '))).toEqual([
      '| applies to | rule | path | reason |',
      '| the site (platform), for every vcluster that keeps its values | capabilities | `controlPlane.advanced.kubeVip` | bare-metal API VIP announced by kube-vip |',
      '| `vcluster-media` | hostPath | `controlPlane.statefulSet.persistence.addVolumes[0]` | node-local image cache |',
    ]);
  });

  test('no exception, no section', () => {
    expect(inventoryMarkdown(build([sandbox, media]))).not.toContain('Exceptions');
  });

  test('an ephemeral vcluster claims no volume', () => {
    const md = inventoryMarkdown(build([{ name: 'scratch', persistence: { enabled: false } }]));
    expect(md).toContain('| `scratch` | in-cluster | 1 × 200m / 768Mi | 1 × 20m / 64Mi | none | 220m | 832Mi | none |');
  });

  test('an empty fleet', () => {
    expect(inventoryMarkdown([])).toContain('No vclusters are declared.');
  });
});
