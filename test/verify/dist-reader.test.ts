import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseFolder, readDist, renderRequestOf } from '../../src/verify/dist-reader';
import { Manifest } from '../../src/verify/model';

const APP = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: vcluster-a
  namespace: argocd
spec:
  destination:
    namespace: a-ns
  source:
    chart: vcluster
    repoURL: https://charts.loft.sh
    targetRevision: 0.31.3
    helm:
      releaseName: a
      valuesObject:
        controlPlane: {}
`;

describe('dist-reader', () => {
  let dist: string;
  beforeEach(() => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-dist-'));
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dist, rel)), { recursive: true });
      fs.writeFileSync(path.join(dist, rel), text);
    };
    write('a/argocd/application-vcluster-a.yaml', APP);
    write('a/host/namespace-a.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a-ns\n');
    write('b/host/bad.yaml', 'kind: [unclosed\n');
    write(
      '_bootstrap/application-fleet-a.yaml',
      'kind: Application\nmetadata:\n  labels:\n    vcluster-fleet/vcluster: a\n  name: fleet-a\n',
    );
    write('_bootstrap/application-vcluster-fleet.yaml', 'kind: Application\nmetadata:\n  name: vcluster-fleet\n');
    write('INVENTORY.md', '# x');
  });
  afterEach(() => fs.rmSync(dist, { recursive: true, force: true }));

  test('one folder per vcluster, its files sorted, its bootstrap Application attached by label', () => {
    const folders = readDist(dist);
    expect(folders.map((f) => [f.name, f.files.map((x) => x.rel)])).toEqual([
      ['a', ['a/argocd/application-vcluster-a.yaml', 'a/host/namespace-a.yaml', '_bootstrap/application-fleet-a.yaml']],
      ['b', ['b/host/bad.yaml']],
    ]);
    expect(() => readDist(path.join(dist, 'missing'))).toThrow('is not a folder (run npm run synth first, or pass --dist)');
  });

  test('parseFolder: manifests with their display path; invalid YAML is a problem', () => {
    const [a, b] = readDist(dist);
    expect(parseFolder(a, 'dist').manifests.map((m) => m.file)).toEqual([
      'dist/a/argocd/application-vcluster-a.yaml',
      'dist/a/host/namespace-a.yaml',
      'dist/_bootstrap/application-fleet-a.yaml',
    ]);
    expect(parseFolder(b, 'dist').problems).toEqual([expect.stringMatching(/^dist\/b\/host\/bad\.yaml: not valid YAML: /)]);
  });

  test('renderRequestOf: chart, version, release, destination namespace, values', () => {
    const r = renderRequestOf(parseFolder(readDist(dist)[0], 'dist').manifests);
    expect('request' in r && r.request).toEqual({
      chart: 'vcluster',
      repoURL: 'https://charts.loft.sh',
      version: '0.31.3',
      release: 'a',
      namespace: 'a-ns',
      values: { controlPlane: {} },
    });
  });

  test('renderRequestOf: problems for no chart Application, helm parameters, no destination namespace', () => {
    const app = (spec: object): Manifest => ({
      origin: 'ours',
      file: 'f.yaml',
      obj: { kind: 'Application', metadata: { name: 'x' }, spec },
    });
    expect(renderRequestOf([])).toEqual({ problem: 'no Application installs a chart (spec.source.chart)' });
    expect(
      renderRequestOf([
        app({ source: { chart: 'vcluster', helm: { parameters: [{ name: 'a', value: 'b' }] } }, destination: { namespace: 'n' } }),
      ]),
    ).toEqual({
      problem: 'f.yaml: spec.source.helm.parameters is not supported by verify (only values and valuesObject)',
    });
    expect(renderRequestOf([app({ source: { chart: 'vcluster' } })])).toEqual({ problem: 'f.yaml: spec.destination.namespace is not set' });
    const fromString = renderRequestOf([
      app({ source: { chart: 'vcluster', helm: { values: 'a: 1\n' } }, destination: { namespace: 'n' } }),
    ]);
    expect('request' in fromString && fromString.request).toMatchObject({ release: 'x', values: { a: 1 } });
  });
});
