/**
 * The Argo CD bootstrap in dist/_bootstrap/: the root Application and one child per vcluster,
 * pointing at folders that exist, valid against the Application CRD, with the deletion guards.
 */
import media from '../fixtures/integratn/media';
import sandbox from '../fixtures/integratn/sandbox';
import { Platform, VClusterSpec } from '../../src';
import { CHILD_IGNORE_DIFFERENCES, ROOT_APPLICATION, bootstrapObjects } from '../../src/fleet/bootstrap';
import { BOOTSTRAP_DIR, buildFleet, renderFleet } from '../../src/fleet/fleet';
import { platform } from '../util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const validators = require('../../imports/manifest-validators.js') as Record<string, ((o: unknown) => boolean) & { errors?: unknown[] }>;

const EDGE = 'https://edge.example.com:6443';
const site: Platform = { ...platform, argocd: { ...platform.argocd, hostClusters: { ...platform.argocd.hostClusters, edge: EDGE } } };
const far: VClusterSpec = { name: 'far', hostCluster: 'edge', preset: 'prod' };

function fleet(specs: VClusterSpec[], p: Platform = site) {
  const built = buildFleet(
    p,
    specs.map((spec) => ({ file: `vclusters/${spec.name}.ts`, spec })),
  );
  return { built, objects: bootstrapObjects(p, built) as any[], files: renderFleet(p, built) };
}

const byName = (objects: any[], name: string) => {
  const found = objects.filter((o) => o.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

/** Folders of dist/ (relative to the repository, i.e. with the platform's path prefix). */
const folders = (files: Map<string, string>, prefix: string) => {
  const dirs = new Set<string>();
  for (const f of files.keys()) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(`${prefix}/${parts.slice(0, i).join('/')}`);
  }
  return dirs;
};

describe('bootstrap', () => {
  test('the root Application syncs dist/_bootstrap into Argo CD and never cascades', () => {
    const { objects } = fleet([media, sandbox]);
    const root = byName(objects, ROOT_APPLICATION);
    expect(root.metadata.namespace).toBe('argocd');
    expect(root.metadata.finalizers).toBeUndefined();
    expect(root.spec.source).toEqual({ repoURL: platform.argocd.repoURL, targetRevision: 'main', path: `dist/${BOOTSTRAP_DIR}` });
    expect(root.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'argocd' });
    expect(root.spec.syncPolicy.automated).toEqual({ selfHeal: true, prune: true });
  });

  test('one child per vcluster on the Argo CD cluster; retain has no finalizer, delete has one', () => {
    const { objects } = fleet([media, sandbox]);
    expect(objects.map((o) => o.metadata.name).sort()).toEqual(['fleet-sandbox', 'fleet-vcluster-media', ROOT_APPLICATION]);
    const prod = byName(objects, 'fleet-vcluster-media');
    expect(prod.spec.source).toMatchObject({ path: 'dist/vcluster-media', directory: { recurse: true } });
    expect(prod.spec.destination).toEqual({ server: 'https://kubernetes.default.svc' });
    expect(prod.metadata.finalizers).toBeUndefined();
    expect(prod.metadata.labels['vcluster-fleet/vcluster']).toBe('vcluster-media');
    const dev = byName(objects, 'fleet-sandbox');
    expect(dev.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
  });

  test('children ignore only the targeted differences and retry a bounded number of times', () => {
    const { objects } = fleet([media]);
    const child = byName(objects, 'fleet-vcluster-media');
    expect(child.spec.ignoreDifferences).toEqual(CHILD_IGNORE_DIFFERENCES);
    expect(child.spec.ignoreDifferences).toEqual([
      {
        group: 'networking.k8s.io',
        kind: 'NetworkPolicy',
        name: 'default-deny-all',
        jsonPointers: ['/metadata/labels', '/metadata/annotations'],
      },
    ]);
    expect(child.spec.syncPolicy.syncOptions).toEqual(['RespectIgnoreDifferences=true']);
    expect(child.spec.syncPolicy.retry).toEqual({ limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } });
  });

  test("nothing of a Job is ignored: a copied live selector would break the Jobs' Replace=true", () => {
    const { objects } = fleet([media, sandbox, far]);
    for (const child of objects.filter((o: any) => o.metadata.name !== 'vcluster-fleet')) {
      expect(child.spec.ignoreDifferences.filter((d: any) => d.kind === 'Job' || d.group === 'batch')).toEqual([]);
    }
  });

  test('every child points at a folder that exists in dist/', () => {
    const { objects, files } = fleet([media, sandbox, far]);
    const dirs = folders(files, 'dist');
    for (const o of objects) expect(dirs.has(o.spec.source.path)).toBe(true);
  });

  test('a vcluster on another host cluster: Argo CD objects stay on the Argo CD cluster, host objects go to its host', () => {
    const { objects, files } = fleet([far]);
    const argo = byName(objects, 'fleet-far');
    const host = byName(objects, 'fleet-far-host');
    expect(argo.spec.source.path).toBe('dist/far/argocd');
    expect(argo.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'argocd' });
    expect(host.spec.source.path).toBe('dist/far/host');
    expect(host.spec.destination).toEqual({ server: EDGE });
    // both keep the prod deletion guard
    expect([argo.metadata.finalizers, host.metadata.finalizers]).toEqual([undefined, undefined]);
    // the namespace lands on the host; the vcluster Application installs the chart there
    expect(files.has('far/host/namespace-far.yaml')).toBe(true);
    const app = [...files.entries()].find(([f]) => f === 'far/argocd/application-vcluster-far.yaml');
    expect(app?.[1]).toContain(`server: ${EDGE}`);
  });

  test('every bootstrap object is a valid Argo CD Application (CRD schema, unknown fields rejected)', () => {
    const { objects } = fleet([media, sandbox, far]);
    const validate = validators['argoproj_io_v1alpha1_Application'];
    expect(validate).toBeDefined();
    for (const o of objects) {
      const ok = validate(o);
      expect({ name: o.metadata.name, errors: ok ? null : validate.errors }).toEqual({ name: o.metadata.name, errors: null });
    }
  });

  test('an empty fleet still has the root Application (dist/_bootstrap is never empty)', () => {
    const objects = bootstrapObjects(platform, []) as any[];
    expect(objects.map((o) => o.metadata.name)).toEqual([ROOT_APPLICATION]);
  });
});
