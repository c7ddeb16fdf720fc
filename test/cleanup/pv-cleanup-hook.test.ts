/**
 * PvCleanupHook: a vcluster deleted with its file gets an Argo CD PostDelete hook, carried in the
 * chart's host manifests, that deletes exactly the host PVs its syncer labelled; a retained one
 * keeps everything.
 */
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import media from '../fixtures/integratn/media';
import sandbox from '../fixtures/integratn/sandbox';
import { Platform, PvCleanupHook, PvCleanupHookProps, VCluster, VClusterProps, resolveDeclaration } from '../../src';
import { Problems, ValidationError } from '../../src/validation';
import { Obj, helmValues, platform, render } from '../util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const validators = require('../../imports/manifest-validators.js') as Record<string, ((o: unknown) => boolean) & { errors?: unknown[] }>;

const HOOK = { 'argocd.argoproj.io/hook': 'PostDelete', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' };
const LABELS = { 'app.kubernetes.io/name': 'pv-cleanup', 'app.kubernetes.io/instance': 'sandbox' };

/** The hook objects the chart will render: the YAML documents of experimental.deploy.host.manifests. */
const hookOf = (objects: readonly Obj[]): Obj[] =>
  YAML.parseAllDocuments(helmValues(objects).experimental.deploy.host.manifests).map((d) => d.toJSON() as Obj);

function build(props: Partial<PvCleanupHookProps> = {}, vc: Partial<VClusterProps> = {}) {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  const vcluster = new VCluster(chart, 'vc', { releaseName: 'demo', namespace: 'tenant', deletionPolicy: 'delete', ...vc });
  const hook = new PvCleanupHook(chart, 'hook', { vcluster, ...props });
  return { hook, vcluster, chart };
}

describe('sandbox (deleted with its file, on Cilium)', () => {
  const objects = render(sandbox);
  const hook = hookOf(objects);

  test('five hook objects, each a PostDelete hook deleted once it succeeded, none in dist/ itself', () => {
    expect(hook.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/sandbox/sandbox-pv-cleanup',
      'ClusterRole//sandbox-x-sandbox-pv-cleanup',
      'ClusterRoleBinding//sandbox-x-sandbox-pv-cleanup',
      'CiliumNetworkPolicy/sandbox/sandbox-pv-cleanup',
      'Job/sandbox/sandbox-pv-cleanup',
    ]);
    for (const o of hook) {
      expect(o.metadata.annotations).toEqual(HOOK);
      expect(o.metadata.labels).toEqual(LABELS);
    }
    expect(objects.filter((o) => o.metadata.name.includes('pv-cleanup'))).toEqual([]);
  });

  test('RBAC: list and delete on persistentvolumes, nothing else, for the hook ServiceAccount only', () => {
    expect(hook[1].rules).toEqual([{ apiGroups: [''], resources: ['persistentvolumes'], verbs: ['list', 'delete'] }]);
    expect(hook[2].roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'sandbox-x-sandbox-pv-cleanup' });
    expect(hook[2].subjects).toEqual([{ kind: 'ServiceAccount', name: 'sandbox-pv-cleanup', namespace: 'sandbox' }]);
  });

  test('its own egress to the API server (the namespace policies are deleted before it runs)', () => {
    expect(hook[3].spec).toEqual({ endpointSelector: { matchLabels: LABELS }, egress: [{ toEntities: ['kube-apiserver'] }] });
  });

  test('the Job: kubectl deletes the PVs labelled managed-by=<namespace>-x-<name>, without a shell, non-root, read-only', () => {
    const job = hook[4];
    expect(job.spec.backoffLimit).toBe(6);
    expect(job.spec.activeDeadlineSeconds).toBe(600);
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    const pod = job.spec.template.spec;
    expect(pod.serviceAccountName).toBe('sandbox-pv-cleanup');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers).toEqual([
      {
        name: 'delete-volumes',
        image: 'docker.io/alpine/k8s:1.34.3',
        command: [
          'kubectl',
          'delete',
          'persistentvolumes',
          '--selector',
          'vcluster.loft.sh/managed-by=sandbox-x-sandbox',
          '--wait=false',
          '--ignore-not-found',
        ],
        env: [{ name: 'HOME', value: '/tmp' }],
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      },
    ]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }]);
  });

  test('every hook object is valid against its schema (Kubernetes 1.30, Cilium CRD; unknown fields rejected)', () => {
    for (const o of hook) {
      const validate = validators[`${o.apiVersion}|${o.kind}`.replace(/\W/g, '_')];
      expect(validate).toBeDefined();
      expect(validate(o)).toBe(true);
      expect(validate.errors ?? null).toBeNull();
    }
  });
});

test('a vcluster in a namespace of another name: the syncer puts the namespace first', () => {
  const hook = hookOf(render({ name: 'sandbox', targetNamespace: 'team-a', deletionPolicy: 'delete' }));
  expect(hook[4].spec.template.spec.containers[0].command).toContain('vcluster.loft.sh/managed-by=team-a-x-sandbox');
  expect(hook[1].metadata.name).toBe('team-a-x-sandbox-pv-cleanup');
});

test('without Cilium: a NetworkPolicy egress on the API port, to the API CIDRs when the site names them', () => {
  const site: Platform = {
    ...platform,
    network: { ...platform.network, cilium: false, kubeApiCidrs: ['10.0.0.10/32'], kubeApiPort: 6443 },
  };
  const policy = hookOf(render(sandbox, site))[3];
  expect(policy.kind).toBe('NetworkPolicy');
  expect(policy.spec).toEqual({
    podSelector: { matchLabels: LABELS },
    policyTypes: ['Egress'],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] }],
  });
  const { hook } = build({ cilium: false });
  expect(hook.objects[3]).toMatchObject({ kind: 'NetworkPolicy', spec: { egress: [{ ports: [{ protocol: 'TCP', port: 6443 }] }] } });
  expect((hook.objects[3] as Obj).spec.egress[0].to).toBeUndefined();
});

test('a retained vcluster keeps everything: no hook, no host manifests', () => {
  expect(helmValues(render(media)).experimental).toBeUndefined();
  expect(helmValues(render({ name: 'kept', deletionPolicy: 'retain' })).experimental).toBeUndefined();
});

test('the manifests value is the YAML of the objects, byte-identical run to run', () => {
  const a = build().hook;
  const b = build().hook;
  expect(a.manifests).toBe(b.manifests);
  expect(a.manifests.split('---\n')).toHaveLength(5);
  expect(a.selector).toBe('vcluster.loft.sh/managed-by=tenant-x-demo');
});

describe('validation', () => {
  test('throws for a retained vcluster', () => {
    expect(() => build({}, { deletionPolicy: 'retain' })).toThrow(ValidationError);
    expect(() => build({}, { deletionPolicy: 'retain' })).toThrow(
      /PvCleanupHook of "demo".*vcluster\.deletionPolicy: "retain" is not allowed\. Allowed: "delete": a retained vcluster keeps its volumes/s,
    );
  });

  test('throws for an unpinned image, bad API CIDRs and port', () => {
    expect(() => build({ image: 'alpine/k8s' })).toThrow(/image: "alpine\/k8s" is not allowed/);
    expect(() => build({ kubeApiCidrs: ['10.0.0.1/33'], kubeApiPort: 0 })).toThrow(/kubeApiCidrs\[0\][\s\S]*kubeApiPort: 0/);
  });

  test('the declaration may not replace the hook with host manifests of its own (field named)', () => {
    const p = new Problems();
    resolveDeclaration(p, { ...sandbox, helmValues: { experimental: { deploy: { host: { manifests: 'kind: ConfigMap' } } } } }, platform);
    expect(p.list).toEqual([
      expect.objectContaining({
        field: 'helmValues.experimental.deploy.host.manifests',
        value: 'kind: ConfigMap',
        fix: 'put host manifests of your own in helmValues.experimental.deploy.host.manifestsTemplate',
      }),
    ]);
    // a retained vcluster has no hook to protect
    const kept = new Problems();
    resolveDeclaration(
      kept,
      { ...sandbox, deletionPolicy: 'retain', helmValues: { experimental: { deploy: { host: { manifests: 'x' } } } } },
      platform,
    );
    expect(kept.ok).toBe(true);
  });

  test('built directly, a later escape hatch that replaces the hook fails the chart validation', () => {
    const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
    const helm = { experimental: { deploy: { host: { manifests: 'kind: ConfigMap' } } } };
    const vcluster = new VCluster(chart, 'vc', { releaseName: 'demo', deletionPolicy: 'delete', helmValues: helm });
    new PvCleanupHook(chart, 'hook', { vcluster });
    expect(() => chart.toJson()).toThrow(/helmValues\.experimental\.deploy\.host\.manifests replaces the volume cleanup hook/);
  });
});
