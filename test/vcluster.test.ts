import { App, Chart, Testing } from 'cdk8s';
import { VCluster, ValidationError } from '../src';

function build(props: Partial<ConstructorParameters<typeof VCluster>[2]> = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { disableResourceNameHashes: true });
  const vc = new VCluster(chart, 'vc', { releaseName: 'demo', ...props });
  return { vc, objects: chart.toJson() as any[] };
}

describe('VCluster', () => {
  test('defaults (dev preset) snapshot', () => {
    // GIVEN only a release name / WHEN rendered
    const { objects } = build();
    // THEN namespace, AppProject and Application as in the snapshot
    expect(objects).toMatchSnapshot();
  });

  test('dev preset values', () => {
    const { vc } = build();
    const v = vc.helmValues() as any;
    expect(v.controlPlane.statefulSet.highAvailability.replicas).toBe(1);
    expect(v.controlPlane.statefulSet.resources).toEqual({
      requests: { cpu: '200m', memory: '768Mi' },
      limits: { cpu: '1000m', memory: '1536Mi' },
    });
    // dev keeps its store on a 5Gi PVC, deleted with the vcluster (deletion policy "delete")
    expect(v.controlPlane.statefulSet.persistence.volumeClaim).toEqual({ enabled: true, size: '5Gi', retentionPolicy: 'Delete' });
    expect(v.controlPlane.coredns.deployment.replicas).toBe(1);
    expect(v.controlPlane.distro.k8s).toEqual({ enabled: true, image: { tag: 'v1.34.3' } });
    expect(v.controlPlane.advanced).toBeUndefined();
    expect(v.networking.advanced.clusterDomain).toBe('cluster.local');
  });

  test('host: what the host runs is on the Application (normalized); none without it', () => {
    const app = (objects: any[]) => objects.find((o) => o.kind === 'Application');
    const { objects } = build({ host: { kubernetesVersion: 'v1.31', apiVersions: ['cilium.io/v2', 'argoproj.io/v1alpha1'] } });
    expect(app(objects).metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-wave': '0',
      'vcluster-fleet/host-kubernetes-version': '1.31.0',
      'vcluster-fleet/host-api-versions': 'argoproj.io/v1alpha1,cilium.io/v2',
    });
    expect(app(build().objects).metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '0' });
  });

  test('throws on a host with a bad Kubernetes version or API version', () => {
    expect(() => build({ host: { kubernetesVersion: 'latest', apiVersions: ['--set'] } })).toThrow(
      /host\.kubernetesVersion: "latest" is not allowed\. Allowed: the version of the host API server, like "1\.30" or "1\.30\.0"[\s\S]*host\.apiVersions\[0\]: "--set" is not allowed/,
    );
  });

  test('persistence: { enabled: false } is the explicit ephemeral mode (no volume, no size)', () => {
    const { vc } = build({ persistence: { enabled: false } });
    const v = vc.helmValues() as any;
    expect(v.controlPlane.statefulSet.persistence.volumeClaim).toEqual({ enabled: false, retentionPolicy: 'Delete' });
  });

  test('prod preset values, with requests overridden and PVC retained', () => {
    const { vc, objects } = build({ preset: 'prod', resources: { requests: { cpu: '250m' } } });
    const v = vc.helmValues() as any;
    expect(v.controlPlane.statefulSet.highAvailability.replicas).toBe(3);
    expect(v.controlPlane.statefulSet.resources).toEqual({ requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(v.controlPlane.statefulSet.persistence.volumeClaim).toEqual({ enabled: true, size: '10Gi', retentionPolicy: 'Retain' });
    expect(v.controlPlane.coredns.deployment.replicas).toBe(2);
    expect(v.controlPlane.advanced.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
    const app = objects.find((o) => o.kind === 'Application');
    expect(app.metadata.finalizers).toBeUndefined();
    expect(app.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
  });

  test('alone with the prod preset it is correct: three replicas run on a deployed 3-member etcd, volumes retained', () => {
    // GIVEN a VCluster alone (no chart, no declaration around it) with the prod preset
    const { vc } = build({ preset: 'prod' });
    const v = vc.helmValues() as any;
    // THEN the HA control plane gets a backing store that can serve it
    expect(vc.etcdMembers).toBe(3);
    expect(v.controlPlane.backingStore).toEqual({
      etcd: {
        deploy: {
          enabled: true,
          statefulSet: { highAvailability: { replicas: 3 }, persistence: { volumeClaim: { retentionPolicy: 'Retain' } } },
        },
      },
    });
    expect(vc.helmValueProblems().list).toEqual([]);
  });

  test('a single replica keeps the embedded store; a declared store is kept as given', () => {
    expect(build({ preset: 'prod', replicas: 1 }).vc.backingStore).toBeUndefined();
    const external = { etcd: { external: { enabled: true, endpoint: 'etcd.example.com:2379' } } };
    const { vc } = build({ preset: 'prod', backingStore: external });
    expect(vc.backingStore).toEqual(external);
    expect(vc.etcdMembers).toBe(0);
  });

  test('replica limits live in the construct: control plane 1–15, CoreDNS 1–15, etcd members 1–9', () => {
    const etcd = (replicas: number) => ({ etcd: { deploy: { enabled: true, statefulSet: { highAvailability: { replicas } } } } });
    expect(() => build({ backingStore: etcd(11) })).toThrow(
      /backingStore\.etcd\.deploy\.statefulSet\.highAvailability\.replicas: 11 is not allowed\. Allowed: an integer from 1 to 9/,
    );
    expect(() => build({ replicas: 16 })).toThrow(/replicas: 16 is not allowed\. Allowed: an integer from 1 to 15/);
    expect(() => build({ replicas: 0 })).toThrow(/replicas: 0 is not allowed/);
    expect(() => build({ corednsReplicas: 16 })).toThrow(/corednsReplicas: 16 is not allowed\. Allowed: an integer from 1 to 15/);
  });

  test('names, waves and the AppProject following the Application', () => {
    const { objects } = build({
      releaseName: 'vcluster-media',
      project: 'vcluster-media',
      repoURL: 'https://charts.example.com',
      destinationServer: 'https://host.example.com:6443',
    });
    const [ns, project, app] = objects;
    expect(ns).toMatchObject({
      kind: 'Namespace',
      metadata: { name: 'vcluster-media', annotations: { 'argocd.argoproj.io/sync-wave': '-2' } },
    });
    expect(project.metadata).toMatchObject({
      name: 'vcluster-media',
      namespace: 'argocd',
      annotations: { 'argocd.argoproj.io/sync-wave': '-1' },
    });
    expect(project.spec.sourceRepos).toEqual(['https://charts.example.com']);
    expect(project.spec.destinations).toEqual([{ namespace: 'vcluster-media', server: 'https://host.example.com:6443' }]);
    expect(app.metadata.name).toBe('vcluster-vcluster-media');
    expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(app.spec.source).toMatchObject({
      repoURL: 'https://charts.example.com',
      chart: 'vcluster',
      targetRevision: '0.36.1',
      helm: { releaseName: 'vcluster-media' },
    });
    expect(app.spec.destination).toEqual({ server: 'https://host.example.com:6443', namespace: 'vcluster-media' });
  });

  test('escape hatch is merged last: maps merge, lists replace', () => {
    const { vc } = build({
      helmValues: { controlPlane: { statefulSet: { resources: { requests: { cpu: '1' } } }, proxy: { extraSANs: ['b'] } } },
    });
    vc.addHelmValues('test', { controlPlane: { proxy: { extraSANs: ['a1', 'a2'] } } });
    const v = vc.helmValues() as any;
    expect(v.controlPlane.statefulSet.resources.requests).toEqual({ cpu: '1', memory: '768Mi' });
    expect(v.controlPlane.proxy.extraSANs).toEqual(['b']);
  });

  test('throws on an unsupported chart version', () => {
    expect(() => build({ targetRevision: '0.31' })).toThrow(
      /targetRevision: "0.31" is not allowed\. Allowed: an exact supported vcluster chart version: .*0\.31\.3/,
    );
  });

  test('throws on an unsupported Kubernetes version', () => {
    expect(() => build({ kubernetesVersion: '1.29' })).toThrow(/kubernetesVersion: "1.29" is not allowed/);
  });

  test('throws on a malformed quantity, naming field and value', () => {
    expect(() => build({ resources: { requests: { cpu: '250 millicores' } } })).toThrow(
      /resources\.requests\.cpu: "250 millicores" is not allowed/,
    );
  });

  test('the Application retries a bounded number of times by default, and throws on an unbounded retry', () => {
    const app = build().objects.find((o) => o.kind === 'Application');
    expect(app.spec.syncPolicy.retry).toEqual({ limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } });
    expect(() => build({ syncPolicy: { retry: { limit: -1 } } })).toThrow(
      /syncPolicy\.retry\.limit: -1 is not allowed\. Allowed: an integer from 1 to 100: -1 \(unlimited\) pins a failing sync to a broken revision/,
    );
  });

  test('throws on a release name that is not a DNS label', () => {
    expect(() => build({ releaseName: 'Media_1' })).toThrow(ValidationError);
  });

  test('synthesis fails when the escape hatch has a key the chart rejects', () => {
    const app = new App({ outdir: '/nonexistent' });
    const chart = new Chart(app, 'test', { disableResourceNameHashes: true });
    new VCluster(chart, 'vc', { releaseName: 'demo', helmValues: { controlPlane: { statefulSet: { resourcez: {} } } } as any });
    expect(() => chart.toJson()).toThrow(
      /helmValues\.controlPlane\.statefulSet\.resourcez: \{\} is not allowed\. Allowed: only keys the vcluster chart 0\.36\.1 declares/,
    );
  });
  test("the AppProject carries the site's project labels (none by default)", () => {
    const labelled = build({ projectLabels: { 'argocd.argoproj.io/project-group': 'appteam' } }).objects.find(
      (o) => o.kind === 'AppProject',
    );
    expect(labelled.metadata.labels).toEqual({ 'argocd.argoproj.io/project-group': 'appteam' });
    expect(build().objects.find((o) => o.kind === 'AppProject').metadata.labels).toBeUndefined();
  });

  test('throws on an invalid project label', () => {
    expect(() => build({ projectLabels: { 'argocd.argoproj.io/project-group': 'app team' } })).toThrow(ValidationError);
    expect(() => build({ projectLabels: { 'argocd.argoproj.io/project-group': 'app team' } })).toThrow(
      /projectLabels\["argocd\.argoproj\.io\/project-group"\]: "app team" is not allowed/,
    );
  });
});
