import media from './fixtures/integratn/media';
import sandbox from './fixtures/integratn/sandbox';
import { App, Chart, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { Exposure, VClusterChart, VClusterSpec, ValidationError, resolveDeclaration } from '../src';
import { Problems } from '../src/validation';
import { find, helmValues, platform, render } from './util';

describe('VClusterChart: vcluster-media', () => {
  const objects = render(media);
  const values = helmValues(objects);

  test('keeps the live names so a cut-over recreates nothing', () => {
    const ns = find(objects, 'Namespace', 'vcluster-media');
    expect(ns.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'vcluster-namespace',
      'vcluster.loft.sh/namespace': 'true',
      'platform.integratn.tech/type': 'vcluster',
    });
    const project = find(objects, 'AppProject', 'vcluster-media');
    expect(project.metadata.namespace).toBe('argocd');
    expect(project.spec).toEqual({
      description: 'VCluster project for vcluster-media',
      sourceRepos: ['https://charts.loft.sh'],
      destinations: [{ namespace: 'vcluster-media', server: 'https://kubernetes.default.svc' }],
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
      namespaceResourceWhitelist: [{ group: '*', kind: '*' }],
    });
    const app = find(objects, 'Application', 'vcluster-vcluster-media');
    expect(app.spec.project).toBe('vcluster-media');
    expect(app.spec.source).toMatchObject({
      repoURL: 'https://charts.loft.sh',
      chart: 'vcluster',
      targetRevision: '0.31.1',
      helm: { releaseName: 'vcluster-media' },
    });
    expect(app.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'vcluster-media' });
    // the declared policy merged over the default: a failed sync is retried 5 times, never forever
    expect(app.spec.syncPolicy).toEqual({
      automated: { selfHeal: true, prune: true },
      syncOptions: ['CreateNamespace=true'],
      retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
    });
  });

  test('a declaration tunes the retry within bounds; the default backoff fills what it leaves out', () => {
    const app = find(render({ name: 'tuned', application: { syncPolicy: { retry: { limit: 10 } } } }), 'Application', 'vcluster-tuned');
    expect(app.spec.syncPolicy.retry).toEqual({ limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } });
  });

  test('Helm values: sizing, Kubernetes version, persistence, CoreDNS', () => {
    const sts = values.controlPlane.statefulSet;
    expect(sts.highAvailability).toEqual({ replicas: 3 });
    expect(sts.resources).toEqual({ requests: { cpu: '250m', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(sts.persistence.volumeClaim).toEqual({ enabled: true, size: '10Gi', retentionPolicy: 'Retain' });
    expect(sts.scheduling).toEqual({ podManagementPolicy: 'Parallel', priorityClassName: 'system-cluster-critical' });
    expect(values.controlPlane.distro.k8s).toEqual({ enabled: true, image: { tag: 'v1.34.3' } });
    expect(values.controlPlane.distro.k8s.version).toBeUndefined();
    expect(values.controlPlane.coredns.deployment).toEqual({ replicas: 2 });
    expect(values.controlPlane.ingress).toEqual({ enabled: false });
    expect(values.controlPlane.advanced.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
    expect(values.networking.advanced.clusterDomain).toBe('cluster.local');
  });

  test('Helm values: deployed etcd with HA and its pinned image, client-certificate auth left on', () => {
    expect(values.controlPlane.backingStore.etcd.deploy).toEqual({
      enabled: true,
      statefulSet: {
        highAvailability: { replicas: 3 },
        image: { registry: 'registry.k8s.io', repository: 'etcd', tag: '3.6.8-0' },
        persistence: { volumeClaim: { retentionPolicy: 'Retain' } },
      },
    });
  });

  test('Helm values: LoadBalancer exposure, SANs and exported kubeconfig server', () => {
    expect(values.controlPlane.service).toEqual({
      enabled: true,
      annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'media.integratn.tech' },
      spec: { type: 'LoadBalancer', ports: [{ name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' }] },
    });
    expect(values.controlPlane.proxy.extraSANs).toEqual(['media.integratn.tech']);
    expect(values.exportKubeConfig).toEqual({ server: 'https://media.integratn.tech:443' });
  });

  test('Helm values: the OSS image and only the integration it has (metrics-server)', () => {
    expect(values.controlPlane.statefulSet.image).toEqual({ repository: 'loft-sh/vcluster-oss' });
    // cert-manager and External Secrets integrations are vcluster Pro features: never rendered for OSS
    expect(values.integrations).toEqual({ metricsServer: { enabled: true } });
    expect(values.controlPlane.serviceMonitor.labels).toEqual({
      vcluster_name: 'vcluster-media',
      vcluster_namespace: 'vcluster-media',
      environment: 'production',
      cluster_role: 'vcluster',
    });
  });

  test('site-wide values from the platform configuration', () => {
    expect(values.sync.toHost.networkPolicies).toEqual({ enabled: true });
    // no Secret is synced from the host: a mapping would let the control plane list every host Secret
    expect(values.sync.fromHost).toEqual({ storageClasses: { enabled: true }, ingressClasses: { enabled: true } });
    expect(values.telemetry).toEqual({ enabled: false });
    expect(values.networking.replicateServices).toBeUndefined(); // a no-op the original carried
  });
});

describe('VClusterChart: a minimal dev declaration', () => {
  test('gets the dev preset, its own namespace and a hostname under the base domain', () => {
    const objects = render(sandbox);
    const v = helmValues(objects);
    expect(find(objects, 'Namespace', 'sandbox')).toBeDefined();
    expect(v.controlPlane.statefulSet.highAvailability.replicas).toBe(1);
    expect(v.controlPlane.statefulSet.persistence.volumeClaim).toEqual({ enabled: true, size: '5Gi', retentionPolicy: 'Delete' });
    expect(v.controlPlane.serviceMonitor.labels.environment).toBe('development');
    expect(v.exportKubeConfig.server).toBe('https://sandbox.integratn.tech:443');
    expect(v.controlPlane.backingStore).toBeUndefined();
    const app = find(objects, 'Application', 'vcluster-sandbox');
    expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(app.spec.source.targetRevision).toBe(platform.chart.version);
  });

  test('renders with chart line 0.30 without 0.31-only keys', () => {
    const v = helmValues(render({ name: 'old', preset: 'prod', application: { targetRevision: '0.30.4' } }));
    expect(v.controlPlane.advanced).toBeUndefined();
  });

  test('exposure modes change the server URL and SANs', () => {
    const internal = helmValues(render({ name: 'i1', exposure: Exposure.internal() }));
    expect(internal.exportKubeConfig.server).toBe('https://i1.i1.svc:443');
    expect(internal.controlPlane.service.spec.type).toBe('ClusterIP');
    const lb = helmValues(render({ name: 'lb1', exposure: Exposure.loadBalancer({ subnet: '10.0.4.0/24', apiPort: 6443 }) }));
    expect(lb.controlPlane.service.spec.loadBalancerIP).toBe('10.0.4.200');
    expect(lb.controlPlane.proxy.extraSANs).toEqual(['lb1.integratn.tech', '10.0.4.200']);
    expect(lb.exportKubeConfig.server).toBe('https://lb1.integratn.tech:6443');
  });
});

describe('VClusterChart: backing store of a highly available control plane', () => {
  test('a bare prod declaration (3 replicas) gets a deployed 3-member etcd, not the embedded store', () => {
    const v = helmValues(render({ name: 'ha', preset: 'prod' }));
    expect(v.controlPlane.statefulSet.highAvailability.replicas).toBe(3);
    expect(v.controlPlane.backingStore).toEqual({
      etcd: {
        deploy: {
          enabled: true,
          statefulSet: { highAvailability: { replicas: 3 }, persistence: { volumeClaim: { retentionPolicy: 'Retain' } } },
        },
      },
    });
  });

  test('one replica keeps the chart default store; a declared store is kept as declared', () => {
    expect(helmValues(render({ name: 'single', preset: 'prod', replicas: 1 })).controlPlane.backingStore).toBeUndefined();
    const embedded = helmValues(render({ name: 'emb', preset: 'prod', backingStore: { etcd: { embedded: { enabled: true } } } }));
    expect(embedded.controlPlane.backingStore).toEqual({ etcd: { embedded: { enabled: true } } });
  });
});

describe('resolveDeclaration', () => {
  test('reports every problem of a declaration at once', () => {
    const p = new Problems();
    resolveDeclaration(p, { name: 'Bad_Name', preset: 'huge' as any, kubeconfigSync: 'cron' as any, hostCluster: 'mars' }, platform);
    expect(p.list.map((x) => x.field)).toEqual(expect.arrayContaining(['name', 'preset', 'kubeconfigSync', 'hostCluster']));
  });

  test('refuses unknown keys (a typo is never silently dropped)', () => {
    const p = new Problems();
    resolveDeclaration(p, { name: 'ok', replica: 3 } as any, platform);
    expect(p.list).toEqual([expect.objectContaining({ field: 'replica', value: 3 })]);
  });
});

describe('VClusterChart: one App holds each vcluster once, each chart id once, one chart per output file', () => {
  const resolved = (spec: VClusterSpec) => {
    const p = new Problems();
    const r = resolveDeclaration(p, spec, platform);
    p.throwIfAny();
    return r;
  };
  const thrown = (fn: () => unknown): ValidationError => {
    try {
      fn();
    } catch (e) {
      if (e instanceof ValidationError) return e;
      throw e;
    }
    throw new Error('nothing thrown');
  };
  const ids = (app: App) => app.node.children.map((c) => c.node.id);

  test('the same vcluster under another id is refused, naming the chart that has it; the refused chart leaves nothing behind', () => {
    const app = new App({ outdir: '/nonexistent' });
    new VClusterChart(app, 'sandbox', { resolved: resolved(sandbox) });
    const e = thrown(() => new VClusterChart(app, 'sandbox-again', { resolved: resolved(sandbox) }));
    expect(e.problems).toEqual([
      {
        field: 'name',
        value: 'sandbox',
        allowed: 'one chart per vcluster in an App (chart "sandbox" renders vcluster "sandbox" already)',
        fix: 'build each declaration once',
      },
    ]);
    expect(e.message).toBe(
      'invalid VClusterChart: name: "sandbox" is not allowed. Allowed: one chart per vcluster in an App (chart "sandbox" renders vcluster "sandbox" already). Fix: build each declaration once',
    );
    expect(ids(app)).toEqual(['sandbox']);
    // fromSpec goes through the same check
    expect(() => VClusterChart.fromSpec(app, 'third', sandbox, platform)).toThrow(/one chart per vcluster in an App/);
    expect(ids(app)).toEqual(['sandbox']);
  });

  test('a second chart of the same id is refused, wherever it is in the tree', () => {
    const app = new App({ outdir: '/nonexistent' });
    new VClusterChart(app, 'team', { resolved: resolved({ name: 'team-a' }) });
    const group = new Construct(app, 'group');
    const e = thrown(() => new VClusterChart(group, 'team', { resolved: resolved({ name: 'team-b' }) }));
    expect(e.problems).toEqual([
      {
        field: 'id',
        value: 'team',
        allowed: 'an id no other chart of the App has (chart "team" has it already)',
        fix: 'give the chart another id',
      },
    ]);
    expect(group.node.children).toEqual([]);
    // in one scope, the construct tree refuses it first
    expect(() => new VClusterChart(app, 'team', { resolved: resolved({ name: 'team-c' }) })).toThrow(
      "There is already a Construct with name 'team' in App",
    );
  });

  test("plain charts added later: a same id or a same output file fails the App's validation at synth, before any chart is serialized", () => {
    const app = new App({ outdir: '/nonexistent' });
    new VClusterChart(app, 'sandbox', { resolved: resolved(sandbox) });
    new Chart(new Construct(app, 'group'), 'sandbox');
    expect(() => app.synthYaml()).toThrow(
      '[] id: "sandbox" is not allowed. Allowed: an id no other chart of the App has (chart "sandbox" has it already). Fix: give the chart another id',
    );
    // cdk8s names a nested chart's file after its path and a hash: a top-level id can be that very name
    const other = new App({ outdir: '/nonexistent' });
    const nested = new Chart(new Construct(other, 'team'), 'a');
    new VClusterChart(other, Names.toDnsLabel(nested), { resolved: resolved({ name: 'team-a' }) });
    expect(() => other.synthYaml()).toThrow(
      `id: "${Names.toDnsLabel(nested)}" is not allowed. Allowed: an id whose output file no other chart of the App writes (chart "team/a" writes ${Names.toDnsLabel(nested)}.k8s.yaml already). Fix: give the chart another id`,
    );
  });

  test('different vclusters under different ids synthesize together', () => {
    const app = new App({ outdir: '/nonexistent' });
    new VClusterChart(app, 'team-a', { resolved: resolved({ name: 'team-a' }) });
    new VClusterChart(app, 'team-b', { resolved: resolved({ name: 'team-b' }) });
    new Chart(app, 'extra');
    const namespaces = app.charts.flatMap((c) => c.toJson()).filter((o) => o.kind === 'Namespace');
    expect(namespaces.map((o) => o.metadata.name)).toEqual(['team-a', 'team-b']);
  });
});
