import { Chart, Testing } from 'cdk8s';
import media from '../fixtures/integratn/media';
import { EtcdPki, EtcdPkiProps, VCluster, VClusterSpec, synthVCluster } from '../../src';
import { isPinnedImage } from '../../src/validation';
import { Obj, find, helmValues, platform, render } from '../util';

const PKI_KINDS = ['ServiceAccount', 'Role', 'RoleBinding', 'Certificate', 'Issuer', 'Job'];
const pki = (objects: readonly Obj[]) =>
  objects.filter((o) => PKI_KINDS.includes(o.kind) && o.metadata.name.includes('-etcd') && !o.metadata.name.endsWith('-etcd-snapshot'));

function build(props: Partial<EtcdPkiProps> = {}, members = 3, hostClusterDomain?: string) {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  const backingStore = { etcd: { deploy: { enabled: true, statefulSet: { highAvailability: { replicas: members } } } } };
  const vcluster = new VCluster(chart, 'vc', { releaseName: 'demo', namespace: 'tenant', backingStore, hostClusterDomain });
  const etcd = new EtcdPki(chart, 'pki', { vcluster, ...props });
  return { etcd, vcluster, objects: chart.toJson() as Obj[] };
}

describe('EtcdPki: vcluster-media (the original chain, with its fixes)', () => {
  const objects = render(media);

  test('the nine objects in the original order', () => {
    expect(pki(objects).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/vcluster-media-etcd-certs-merge',
      'Role/vcluster-media-etcd-certs-merge',
      'RoleBinding/vcluster-media-etcd-certs-merge',
      'Certificate/vcluster-media-etcd-ca',
      'Issuer/vcluster-media-etcd-selfsigned',
      'Issuer/vcluster-media-etcd-ca',
      'Job/vcluster-media-etcd-certs-merge',
      'Certificate/vcluster-media-etcd-server',
      'Certificate/vcluster-media-etcd-peer',
    ]);
    expect(
      pki(objects).every(
        (o) => o.metadata.namespace === 'vcluster-media' && o.metadata.labels!['app.kubernetes.io/instance'] === 'vcluster-media',
      ),
    ).toBe(true);
  });

  test('snapshot', () => {
    expect(pki(objects)).toMatchSnapshot();
  });

  test('CA chain: self-signed issuer → CA certificate → CA issuer', () => {
    expect(find(objects, 'Certificate', 'vcluster-media-etcd-ca').spec).toEqual({
      isCA: true,
      commonName: 'vcluster-media-etcd-ca',
      secretName: 'vcluster-media-etcd-ca',
      privateKey: { algorithm: 'RSA', size: 2048 },
      issuerRef: { name: 'vcluster-media-etcd-selfsigned', kind: 'Issuer', group: 'cert-manager.io' },
    });
    expect(find(objects, 'Issuer', 'vcluster-media-etcd-selfsigned').spec).toEqual({ selfSigned: {} });
    expect(find(objects, 'Issuer', 'vcluster-media-etcd-ca').spec).toEqual({ ca: { secretName: 'vcluster-media-etcd-ca' } });
  });

  test('server and peer certificates cover the Services and the 3 members (21 names)', () => {
    const server = find(objects, 'Certificate', 'vcluster-media-etcd-server').spec;
    expect(server.dnsNames).toHaveLength(21);
    expect(server.dnsNames.slice(0, 8)).toEqual([
      'vcluster-media-etcd',
      'vcluster-media-etcd.vcluster-media',
      'vcluster-media-etcd.vcluster-media.svc',
      'vcluster-media-etcd.vcluster-media.svc.cluster.local',
      'vcluster-media-etcd-headless',
      'vcluster-media-etcd-headless.vcluster-media',
      'vcluster-media-etcd-headless.vcluster-media.svc',
      'vcluster-media-etcd-headless.vcluster-media.svc.cluster.local',
    ]);
    expect(server.dnsNames.slice(16, 21)).toEqual([
      'vcluster-media-etcd-2',
      'vcluster-media-etcd-2.vcluster-media-etcd-headless.vcluster-media',
      'vcluster-media-etcd-2.vcluster-media-etcd-headless.vcluster-media.svc',
      'vcluster-media-etcd-2.vcluster-media-etcd-headless.vcluster-media.svc.cluster.local',
      'localhost',
    ]);
    expect(server).toMatchObject({
      secretName: 'vcluster-media-etcd-server',
      commonName: 'vcluster-media-etcd',
      ipAddresses: ['127.0.0.1'],
      usages: ['server auth', 'client auth'],
      issuerRef: { name: 'vcluster-media-etcd-ca', kind: 'Issuer', group: 'cert-manager.io' },
      secretTemplate: { labels: { 'app.kubernetes.io/name': 'etcd-server-cert', 'app.kubernetes.io/instance': 'vcluster-media' } },
    });
    const peer = find(objects, 'Certificate', 'vcluster-media-etcd-peer').spec;
    expect(peer.dnsNames).toEqual(server.dnsNames);
    expect(peer.ipAddresses).toBeUndefined();
    expect(peer.secretName).toBe('vcluster-media-etcd-peer');
  });

  test('the merge Role is scoped by resource names; create (not scopable) is a rule of its own', () => {
    expect(find(objects, 'Role', 'vcluster-media-etcd-certs-merge').rules).toEqual([
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['vcluster-media-etcd-ca', 'vcluster-media-etcd-server', 'vcluster-media-etcd-peer'],
        verbs: ['get'],
      },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['vcluster-media-etcd-certs'], verbs: ['get', 'update', 'patch'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ]);
    expect(find(objects, 'RoleBinding', 'vcluster-media-etcd-certs-merge')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'vcluster-media-etcd-certs-merge' },
      subjects: [{ kind: 'ServiceAccount', name: 'vcluster-media-etcd-certs-merge', namespace: 'vcluster-media' }],
    });
  });

  test('the merge Job: own ServiceAccount, pinned image, no TTL, writes N-etcd-certs (never N-certs)', () => {
    const job = find(objects, 'Job', 'vcluster-media-etcd-certs-merge');
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    const pod = job.spec.template.spec;
    expect(pod.serviceAccountName).toBe('vcluster-media-etcd-certs-merge');
    expect(pod.restartPolicy).toBe('OnFailure');
    const c = pod.containers[0];
    expect(c.image).toBe(platform.images.kubectl);
    expect(c.env).toContainEqual({ name: 'TARGET_SECRET', value: 'vcluster-media-etcd-certs' });
    expect(JSON.stringify(job)).not.toMatch(/vcluster-media-certs|vc-vcluster-media|:latest/);
    expect(c.command[2]).toContain('etcd-ca.crt: $ca');
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('the control plane mounts the merged Secret at /etcd-certs (wired automatically)', () => {
    const persistence = helmValues(objects).controlPlane.statefulSet.persistence;
    expect(persistence.addVolumes).toEqual([{ name: 'etcd-certs', secret: { secretName: 'vcluster-media-etcd-certs' } }]);
    expect(persistence.addVolumeMounts).toEqual([{ name: 'etcd-certs', mountPath: '/etcd-certs', readOnly: true }]);
  });
});

describe('EtcdPki: options', () => {
  test("DNS names follow the member count and the host cluster's domain", () => {
    const { etcd } = build({}, 5, 'corp.local');
    expect(etcd.dnsNames).toHaveLength(8 + 5 * 4 + 1);
    expect(etcd.dnsNames).toContain('demo-etcd-4.demo-etcd-headless.tenant.svc.corp.local');
    expect(etcd.dnsNames.filter((n) => n.endsWith('cluster.local'))).toEqual([]);
  });

  test("the etcd runs on the host: its names use the host cluster's domain, never the vcluster's own", () => {
    // GIVEN a vcluster whose own cluster domain is corp.local, on hosts whose domain is cluster.local (the default)
    const spec: VClusterSpec = {
      name: 'dom',
      clusterDomain: 'corp.local',
      backingStore: { etcd: { deploy: { enabled: true } } },
      etcdPki: true,
    };
    const server = (site = platform) =>
      find(synthVCluster(spec, site).objects as Obj[], 'Certificate', 'dom-etcd-server').spec.dnsNames as string[];
    // THEN the certificates name the etcd Services by the host's domain
    expect(server()).toContain('dom-etcd.dom.svc.cluster.local');
    expect(server().filter((n) => n.includes('corp.local'))).toEqual([]);
    // AND a site whose hosts use another domain gets that one
    const site = { ...platform, network: { ...platform.network, clusterDomain: 'hosts.internal' } };
    expect(server(site)).toContain('dom-etcd.dom.svc.hosts.internal');
  });

  test('a declaration with 1 etcd member gets 13 names; values pass both chart lines', () => {
    for (const targetRevision of ['0.30.4', '0.31.3']) {
      const spec: VClusterSpec = {
        name: 'one',
        backingStore: { etcd: { deploy: { enabled: true } } },
        etcdPki: true,
        application: { targetRevision },
      };
      const { chart, objects } = synthVCluster(spec, platform);
      expect(chart.vcluster.helmValueProblems().ok).toBe(true);
      expect(find(objects as Obj[], 'Certificate', 'one-etcd-server').spec.dnsNames).toHaveLength(13);
    }
  });

  test('isPinnedImage', () => {
    expect(isPinnedImage('docker.io/alpine/k8s:1.34.3')).toBe(true);
    expect(isPinnedImage('registry:5000/kubectl@sha256:' + 'a'.repeat(64))).toBe(true);
    expect(isPinnedImage('bitnami/kubectl:latest')).toBe(false);
    expect(isPinnedImage('registry:5000/kubectl')).toBe(false);
  });

  test('throws on an unpinned image', () => {
    expect(() => build({ image: 'bitnami/kubectl:latest' })).toThrow(
      /image: "bitnami\/kubectl:latest" is not allowed\. Allowed: an image pinned/,
    );
    expect(() => build({ image: 'bitnami/kubectl' })).toThrow(/image: "bitnami\/kubectl"/);
  });

  test('throws for a vcluster without a deployed etcd', () => {
    const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
    const vcluster = new VCluster(chart, 'vc', { releaseName: 'demo' });
    expect(() => new EtcdPki(chart, 'pki', { vcluster })).toThrow(
      /vcluster: "demo" is not allowed\. Allowed: a vcluster with a deployed etcd/,
    );
  });

  test('throws when the declaration asks for the PKI without a deployed etcd', () => {
    expect(() => render({ name: 'noetcd', etcdPki: true })).toThrow(
      /etcdPki: true is not allowed\. Allowed: true only with a deployed etcd/,
    );
  });
});

describe('EtcdPki: Job lifecycle under Argo CD', () => {
  test('the merge Job is recreated (not patched) when its spec changes, and has no TTL', () => {
    const job = find(render(media), 'Job', 'vcluster-media-etcd-certs-merge');
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' });
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
  });
});
