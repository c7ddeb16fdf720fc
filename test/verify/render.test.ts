import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_HOST } from '../../src/verify/host';
import { RenderCache, canonicalJson, effectiveValues, helmArgs, parseHelmOutput, renderKey, rendered } from '../../src/verify/render';

const REQ = {
  chart: 'vcluster',
  version: '0.31.3',
  repoURL: 'https://charts.loft.sh',
  release: 'demo',
  namespace: 'demo',
  values: { b: 1, a: { y: 2, x: 1 } },
};
const OUTPUT = `---
# Source: vcluster/templates/config-secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: "vc-config-demo"
data:
  config.yaml: "${Buffer.from('controlPlane:\n  coredns:\n    enabled: true\n').toString('base64')}"
---
# Source: vcluster/templates/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: demo
spec:
  template:
    spec:
      priorityClassName: a
      priorityClassName: b
`;

describe('render', () => {
  test('the key depends on values and host, not on key order', () => {
    const k = renderKey(REQ, DEFAULT_HOST);
    expect(k).toMatch(/^vcluster-0\.31\.3-[0-9a-f]{32}$/);
    expect(renderKey({ ...REQ, values: { a: { x: 1, y: 2 }, b: 1 } }, DEFAULT_HOST)).toBe(k);
    expect(renderKey({ ...REQ, values: { b: 2 } }, DEFAULT_HOST)).not.toBe(k);
    expect(renderKey(REQ, { ...DEFAULT_HOST, kubernetesVersion: '1.31.0' })).not.toBe(k);
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });

  test('helm template arguments: release, chart, namespace, host version and API versions, values on stdin', () => {
    expect(helmArgs('/c/vcluster-0.31.3.tgz', REQ, { kubernetesVersion: '1.30.0', apiVersions: ['a.io/v1', 'b.io/v2'] })).toEqual([
      'template',
      'demo',
      '/c/vcluster-0.31.3.tgz',
      '--namespace',
      'demo',
      '--kube-version',
      '1.30.0',
      '--values',
      '-',
      '--api-versions',
      'a.io/v1',
      '--api-versions',
      'b.io/v2',
    ]);
  });

  test('parses helm output: template per object, repeated keys keep the last, effective values decoded, Secret data dropped', () => {
    const objects = parseHelmOutput(OUTPUT, 'vcluster-0.31.3');
    expect(objects.map((m) => m.file)).toEqual([
      'chart vcluster-0.31.3 templates/config-secret.yaml',
      'chart vcluster-0.31.3 templates/statefulset.yaml',
    ]);
    expect((objects[1].obj as any).spec.template.spec.priorityClassName).toBe('b');
    expect(effectiveValues(objects, 'demo')).toEqual({ controlPlane: { coredns: { enabled: true } } });
    const r = rendered(OUTPUT, 'vcluster-0.31.3', 'demo');
    expect(r.values).toEqual({ controlPlane: { coredns: { enabled: true } } });
    expect(r.objects[0].obj).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'vc-config-demo' } });
    expect(() => parseHelmOutput('a: [\n', 'x')).toThrow(/^helm output is not valid YAML: /);
  });

  test('the cache returns what was put, nothing for an unknown key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-render-'));
    try {
      const cache = new RenderCache(path.join(dir, 'renders'));
      expect(cache.get('k')).toBeUndefined();
      cache.put('k', rendered(OUTPUT, 'vcluster-0.31.3', 'demo'));
      expect(cache.get('k')).toEqual(rendered(OUTPUT, 'vcluster-0.31.3', 'demo'));
      expect(fs.readdirSync(path.join(dir, 'renders'))).toEqual(['k.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
