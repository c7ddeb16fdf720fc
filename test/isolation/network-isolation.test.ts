import { Chart, Testing } from 'cdk8s';
import media from '../fixtures/integratn/media';
import { Exposure, NetworkIsolation, NetworkIsolationProps, Platform, VCluster, VClusterSpec, synthVCluster } from '../../src';
import { Obj, find, helmValues, namesOf, platform, render } from '../util';

const POLICY_LABELS = { 'app.kubernetes.io/component': 'network-policy', 'platform.integratn.tech/type': 'vcluster-policy' };
const withNetwork = (network: Partial<Platform['network']>): Platform => ({ ...platform, network: { ...platform.network, ...network } });
// The policies NetworkIsolation renders (EtcdSnapshot renders its own two: test/etcd/etcd-snapshot.test.ts).
const SNAPSHOT_POLICIES = ['allow-etcd-snapshot-egress', 'allow-etcd-from-snapshot'];
const policies = (objects: readonly Obj[]) =>
  objects.filter((o) => (o.kind === 'NetworkPolicy' || o.kind === 'CiliumNetworkPolicy') && !SNAPSHOT_POLICIES.includes(o.metadata.name));

function build(props: Partial<NetworkIsolationProps> = {}) {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  const vcluster = new VCluster(chart, 'vc', { releaseName: 'demo' });
  const isolation = new NetworkIsolation(chart, 'net', { vcluster, ...props });
  return { isolation, objects: (chart.toJson() as Obj[]).filter((o) => o.kind.endsWith('NetworkPolicy')) };
}

describe('NetworkIsolation: vcluster-media', () => {
  const objects = render(media);

  test('renders P1–P9 in order, with their kinds', () => {
    expect(policies(objects).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'NetworkPolicy/default-deny-all',
      'NetworkPolicy/allow-dns',
      'CiliumNetworkPolicy/allow-kube-api',
      'CiliumNetworkPolicy/allow-coredns-to-host-dns',
      'NetworkPolicy/allow-intra-namespace',
      'NetworkPolicy/allow-vcluster-external',
      'CiliumNetworkPolicy/allow-vcluster-lb-snat',
      'NetworkPolicy/allow-nfs-egress',
      'NetworkPolicy/allow-postgres-egress',
    ]);
    for (const p of policies(objects)) {
      expect(p.metadata.namespace).toBe('vcluster-media');
      expect(p.metadata.labels).toEqual({ ...POLICY_LABELS, 'app.kubernetes.io/name': p.metadata.name });
    }
    expect(
      policies(objects)
        .filter((o) => o.kind === 'CiliumNetworkPolicy')
        .every((o) => o.apiVersion === 'cilium.io/v2'),
    ).toBe(true);
  });

  test('snapshot of every policy', () => {
    expect(policies(objects)).toMatchSnapshot();
  });

  test('P1 default-deny-all denies both directions', () => {
    expect(find(objects, 'NetworkPolicy', 'default-deny-all').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('P2 allow-dns: kube-dns pods in kube-system on UDP and TCP 53', () => {
    expect(find(objects, 'NetworkPolicy', 'allow-dns').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });
  });

  test('P3 allow-kube-api and P4 host DNS (from the platform config) are Cilium policies with string ports', () => {
    expect(find(objects, 'CiliumNetworkPolicy', 'allow-kube-api').spec).toEqual({
      endpointSelector: {},
      egress: [{ toEntities: ['kube-apiserver'] }],
    });
    expect(find(objects, 'CiliumNetworkPolicy', 'allow-coredns-to-host-dns').spec).toEqual({
      endpointSelector: {},
      egress: [
        {
          toCIDR: ['169.254.116.108/32'],
          toPorts: [
            {
              ports: [
                { port: '53', protocol: 'UDP' },
                { port: '53', protocol: 'TCP' },
              ],
            },
          ],
        },
      ],
    });
  });

  test('P5 allow-intra-namespace', () => {
    expect(find(objects, 'NetworkPolicy', 'allow-intra-namespace').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    });
  });

  test('P6 allow-vcluster-external: API on 8443 (post-DNAT), metrics-server 10250 by selector, public DNS egress', () => {
    const spec = find(objects, 'NetworkPolicy', 'allow-vcluster-external').spec;
    expect(spec.podSelector).toEqual({});
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(spec.ingress).toEqual([
      {
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'argocd' } } },
          // the site's External Secrets controller writes its vclusterSecret through the API
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'external-secrets' } } },
          { ipBlock: { cidr: '10.0.0.0/8' } },
          { ipBlock: { cidr: '192.168.0.0/16' } },
        ],
        ports: [{ protocol: 'TCP', port: 8443 }],
      },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'nginx-gateway' } } }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] },
      {
        from: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
        ports: [
          { protocol: 'TCP', port: 80 },
          { protocol: 'TCP', port: 443 },
        ],
      },
    ]);
    expect(spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '10.0.1.139/32' } }], ports: [{ protocol: 'TCP', port: 443 }] },
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'metrics-server' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 10250 }],
      },
      {
        to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }],
        ports: [
          { protocol: 'TCP', port: 443 },
          { protocol: 'TCP', port: 80 },
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ]);
  });

  test('P7 allow-vcluster-lb-snat admits SNAT-ed load-balancer traffic to the control plane on 8443', () => {
    expect(find(objects, 'CiliumNetworkPolicy', 'allow-vcluster-lb-snat').spec).toEqual({
      endpointSelector: { matchLabels: { app: 'vcluster' } },
      ingress: [{ fromEntities: ['host', 'remote-node', 'world'], toPorts: [{ ports: [{ port: '8443', protocol: 'TCP' }] }] }],
    });
  });

  test('P8 NFS egress on TCP 2049 and P9 postgres egress to 10.0.3.1/32 TCP 5432', () => {
    expect(find(objects, 'NetworkPolicy', 'allow-nfs-egress').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 2049 }] }],
    });
    expect(find(objects, 'NetworkPolicy', 'allow-postgres-egress').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.3.1/32' } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    });
  });

  test('standard mode keeps the namespace labels the host policies select on and adds no quota or Pod Security', () => {
    const ns = find(objects, 'Namespace', 'vcluster-media');
    expect(ns.metadata.labels!['platform.integratn.tech/type']).toBe('vcluster');
    expect(Object.keys(ns.metadata.labels!).some((k) => k.startsWith('pod-security'))).toBe(false);
    expect(namesOf(objects, 'ResourceQuota')).toEqual([]);
    expect(namesOf(objects, 'LimitRange')).toEqual([]);
    expect(helmValues(objects).policies).toBeUndefined();
  });
});

describe('NetworkIsolation: hosts without Cilium', () => {
  const site = withNetwork({ cilium: false });

  test('the Cilium policies are absent; portable API server and host DNS egress replace them', () => {
    const objects = render(media, site);
    expect(objects.filter((o) => o.kind === 'CiliumNetworkPolicy')).toEqual([]);
    expect(policies(objects).map((o) => o.metadata.name)).toEqual([
      'default-deny-all',
      'allow-dns',
      'allow-kube-api-egress',
      'allow-host-dns-egress',
      'allow-intra-namespace',
      'allow-vcluster-external',
      'allow-nfs-egress',
      'allow-postgres-egress',
    ]);
    expect(find(objects, 'NetworkPolicy', 'allow-kube-api-egress').spec.egress).toEqual([{ ports: [{ protocol: 'TCP', port: 6443 }] }]);
    expect(find(objects, 'NetworkPolicy', 'allow-host-dns-egress').spec.egress).toEqual([
      {
        to: [{ ipBlock: { cidr: '169.254.116.108/32' } }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ]);
  });

  test('API server egress limited to the configured endpoint CIDRs and port', () => {
    const objects = render(media, withNetwork({ cilium: false, kubeApiCidrs: ['10.0.0.10/32'], kubeApiPort: 6444 }));
    expect(find(objects, 'NetworkPolicy', 'allow-kube-api-egress').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ protocol: 'TCP', port: 6444 }] },
    ]);
  });
});

describe('NetworkIsolation: options', () => {
  test('gateway exposure admits the gateway namespace to the API on 8443', () => {
    const site = { ...platform, gateway: { name: 'api-gateway', namespace: 'gateways' } };
    const gw = render({ name: 'gw', exposure: Exposure.gateway() }, site);
    const first = find(gw, 'NetworkPolicy', 'allow-vcluster-external').spec.ingress[0];
    expect(first.from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateways' } } });
    expect(first.ports).toEqual([{ protocol: 'TCP', port: 8443 }]);
  });

  test('standard mode opens the API to node and world traffic only for a load-balancer exposure', () => {
    const site = { ...platform, gateway: { name: 'api-gateway', namespace: 'gateways' } };
    const names = (spec: VClusterSpec) => policies(render(spec, site)).map((o) => o.metadata.name);
    expect(names({ name: 'lb', exposure: Exposure.loadBalancer() })).toContain('allow-vcluster-lb-snat');
    expect(names({ name: 'in', exposure: Exposure.internal() })).not.toContain('allow-vcluster-lb-snat');
    expect(names({ name: 'gw', exposure: Exposure.gateway() })).not.toContain('allow-vcluster-lb-snat');
    // the rest of standard mode is unchanged by the exposure
    expect(names({ name: 'in', exposure: Exposure.internal() })).toEqual(
      names({ name: 'lb', exposure: Exposure.loadBalancer() }).filter((n) => n !== 'allow-vcluster-lb-snat'),
    );
  });

  test('metrics-server integration off: no 10250 egress', () => {
    const objects = render({ name: 'nometrics', integrations: { metricsServer: { enabled: false } } });
    const egress = find(objects, 'NetworkPolicy', 'allow-vcluster-external').spec.egress;
    expect(JSON.stringify(egress)).not.toContain('10250');
  });

  test('UDP extra egress', () => {
    const objects = render({
      name: 'udp',
      networkPolicies: { extraEgress: [{ name: 'syslog', cidr: '10.0.9.0/24', port: 514, protocol: 'UDP' }] },
    });
    expect(find(objects, 'NetworkPolicy', 'allow-syslog-egress').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '10.0.9.0/24' } }], ports: [{ protocol: 'UDP', port: 514 }] },
    ]);
  });

  test('site policy labels are configuration', () => {
    const { objects } = build({ labels: { 'example.com/tier': 'tenant' } });
    expect(objects[0].metadata.labels).toEqual({
      'example.com/tier': 'tenant',
      'app.kubernetes.io/name': 'default-deny-all',
      'app.kubernetes.io/component': 'network-policy',
    });
  });

  test('standalone defaults: portable policies only', () => {
    const { isolation } = build();
    expect(isolation.mode).toBe('standard');
    expect(isolation.policyNames).toEqual([
      'default-deny-all',
      'allow-dns',
      'allow-kube-api-egress',
      'allow-intra-namespace',
      'allow-vcluster-external',
    ]);
  });
});

describe('strict isolation (isolationMode: "strict")', () => {
  const strict: VClusterSpec = { ...media, isolationMode: 'strict' };
  const objects = render(strict);
  const values = helmValues(objects);

  test('default-deny with only the required allowances', () => {
    expect(policies(objects).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'NetworkPolicy/default-deny-all',
      'NetworkPolicy/allow-dns',
      'CiliumNetworkPolicy/allow-kube-api',
      'CiliumNetworkPolicy/allow-coredns-to-host-dns',
      'NetworkPolicy/allow-intra-namespace',
      'NetworkPolicy/allow-etcd-from-control-plane',
      'NetworkPolicy/allow-vcluster-external',
      'CiliumNetworkPolicy/allow-vcluster-lb-snat',
      'NetworkPolicy/allow-nfs-egress',
      'NetworkPolicy/allow-postgres-egress',
    ]);
    const external = find(objects, 'NetworkPolicy', 'allow-vcluster-external').spec;
    expect(external.ingress).toEqual([
      {
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'argocd' } } },
          // the site's External Secrets controller writes its vclusterSecret through the API
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'external-secrets' } } },
          { ipBlock: { cidr: '10.0.0.0/8' } },
          { ipBlock: { cidr: '192.168.0.0/16' } },
        ],
        ports: [{ protocol: 'TCP', port: 8443 }],
      },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] },
    ]);
    // No public ingress or egress, no 1Password egress (the PushSecret strategy runs in ESO).
    expect(external.egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'metrics-server' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 10250 }],
      },
    ]);
  });

  test('tenant pods cannot reach the deployed etcd', () => {
    expect(find(objects, 'NetworkPolicy', 'allow-intra-namespace').spec.podSelector).toEqual({
      matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['vcluster-etcd'] }],
    });
    expect(find(objects, 'NetworkPolicy', 'allow-etcd-from-control-plane').spec).toEqual({
      podSelector: { matchLabels: { app: 'vcluster-etcd', release: 'vcluster-media' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { app: 'vcluster', release: 'vcluster-media' } } },
            { podSelector: { matchLabels: { app: 'vcluster-etcd', release: 'vcluster-media' } } },
          ],
        },
      ],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'vcluster-etcd', release: 'vcluster-media' } } }] }],
    });
  });

  test('ResourceQuota default-quota: the own pods plus the default tenant allowance; LimitRange default-limits', () => {
    // own pods: control plane 3 × (250m / 2Gi requests, 2 / 2Gi limits), etcd 3 × (20m / 150Mi, LimitRange
    // limits 500m / 512Mi), CoreDNS 2 × (20m / 64Mi, 1000m / 170Mi); 3 + 3 PVCs; 8 pods
    expect(find(objects, 'ResourceQuota', 'default-quota')).toMatchObject({
      metadata: { namespace: 'vcluster-media' },
      spec: {
        hard: {
          'requests.cpu': '4850m', // 850m + 4
          'requests.memory': '14914Mi', // 6722Mi + 8Gi
          'limits.cpu': '17500m', // 9.5 + 8
          'limits.memory': '24404Mi', // 8020Mi + 16Gi
          persistentvolumeclaims: '26', // 6 + 20
          pods: '108', // 8 + 100
        },
      },
    });
    expect(find(objects, 'LimitRange', 'default-limits').spec).toEqual({
      limits: [{ type: 'Container', default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }],
    });
  });

  test('Pod Security admission labels (baseline forbids hostPath) and the matching vcluster policies', () => {
    expect(find(objects, 'Namespace', 'vcluster-media').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/audit': 'baseline',
      'pod-security.kubernetes.io/warn': 'baseline',
      'platform.integratn.tech/type': 'vcluster',
    });
    expect(values.policies).toEqual({ podSecurityStandard: 'baseline', resourceQuota: { enabled: false }, limitRange: { enabled: false } });
    expect(values.sync.toHost.networkPolicies).toEqual({ enabled: false });
  });

  test('overrides: quota keys, limits, restricted level (non-root control plane and etcd)', () => {
    const spec: VClusterSpec = {
      ...strict,
      isolation: {
        resourceQuota: { 'limits.cpu': '12', 'count/services': '10' },
        limitRange: { default: { memory: '1Gi' } },
        podSecurity: 'restricted',
      },
    };
    for (const targetRevision of ['0.30.4', '0.31.3']) {
      const { chart, objects: o } = synthVCluster({ ...spec, application: { targetRevision } }, platform);
      expect(chart.vcluster.helmValueProblems().ok).toBe(true);
      expect(find(o as Obj[], 'ResourceQuota', 'default-quota').spec.hard).toMatchObject({
        'limits.cpu': '12',
        'requests.cpu': '4850m',
        'count/services': '10',
      });
      expect(find(o as Obj[], 'LimitRange', 'default-limits').spec.limits[0].default).toEqual({ cpu: '500m', memory: '1Gi' });
      expect(find(o as Obj[], 'Namespace', 'vcluster-media').metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
      const v = helmValues(o as Obj[]);
      expect(v.policies.podSecurityStandard).toBe('restricted');
      expect(v.controlPlane.statefulSet.security.containerSecurityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 12345,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(v.controlPlane.backingStore.etcd.deploy.statefulSet.security.podSecurityContext.seccompProfile).toEqual({
        type: 'RuntimeDefault',
      });
    }
  });

  test('strict internal vcluster: no load-balancer SNAT policy; a Job-strategy sync keeps 1Password egress', () => {
    const o = render({
      name: 'locked',
      isolationMode: 'strict',
      exposure: Exposure.internal(),
      kubeconfigSync: 'job',
      deletionPolicy: 'retain',
    });
    expect(namesOf(o, 'CiliumNetworkPolicy')).toEqual(['allow-kube-api', 'allow-coredns-to-host-dns']);
    expect(find(o, 'NetworkPolicy', 'allow-vcluster-external').spec.egress[0]).toEqual({
      to: [{ ipBlock: { cidr: '10.0.1.139/32' } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
    expect(find(o, 'NetworkPolicy', 'allow-intra-namespace').spec.podSelector).toEqual({});
  });
});

describe('validation', () => {
  const bad = (extraEgress: unknown, enableNFS?: boolean) => () =>
    render({ name: 'bad', networkPolicies: { enableNFS, extraEgress: extraEgress as never } });

  test('throws on an extra egress CIDR that is not a network (never drops the rule)', () => {
    expect(bad([{ name: 'db', cidr: '10.0.3.1/24', port: 5432 }])).toThrow(
      /networkPolicies\.extraEgress\[0\]\.cidr: "10\.0\.3\.1\/24" is not allowed.*write "10\.0\.3\.0\/24"/,
    );
  });

  test('throws on a malformed extra egress CIDR', () => {
    expect(bad([{ name: 'db', cidr: '10.0.3.300/32', port: 5432 }])).toThrow(
      /networkPolicies\.extraEgress\[0\]\.cidr: "10\.0\.3\.300\/32"/,
    );
    expect(bad([{ name: 'db', cidr: '', port: 5432 }])).toThrow(/networkPolicies\.extraEgress\[0\]\.cidr: ""/);
  });

  test('throws on an extra egress port outside 1..65535', () => {
    expect(bad([{ name: 'db', cidr: '10.0.3.1/32', port: 0 }])).toThrow(
      /networkPolicies\.extraEgress\[0\]\.port: 0 is not allowed\. Allowed: an integer from 1 to 65535/,
    );
    expect(bad([{ name: 'db', cidr: '10.0.3.1/32', port: 70000 }])).toThrow(/extraEgress\[0\]\.port: 70000/);
    expect(bad([{ name: 'db', cidr: '10.0.3.1/32', port: '5432' }])).toThrow(/extraEgress\[0\]\.port: "5432"/);
  });

  test('throws on an extra egress protocol other than TCP or UDP', () => {
    expect(bad([{ name: 'db', cidr: '10.0.3.1/32', port: 5432, protocol: 'SCTP' }])).toThrow(
      /extraEgress\[0\]\.protocol: "SCTP" is not allowed\. Allowed: one of "TCP", "UDP"/,
    );
  });

  test('throws on an extra egress name that is not a DNS label, empty or duplicated', () => {
    expect(bad([{ name: 'Post_gres', cidr: '10.0.3.1/32', port: 5432 }])).toThrow(/extraEgress\[0\]\.name: "Post_gres" is not allowed/);
    expect(bad([{ name: '', cidr: '10.0.3.1/32', port: 5432 }])).toThrow(/extraEgress\[0\]\.name: ""/);
    expect(
      bad([
        { name: 'db', cidr: '10.0.3.1/32', port: 5432 },
        { name: 'db', cidr: '10.0.3.2/32', port: 5432 },
      ]),
    ).toThrow(/extraEgress\[1\]\.name: "db" is not allowed\. Allowed: a name no other extraEgress rule has/);
  });

  test('throws on an extra egress rule named "nfs" when NFS egress is enabled', () => {
    expect(bad([{ name: 'nfs', cidr: '10.0.3.1/32', port: 2049 }], true)).toThrow(/extraEgress\[0\]\.name: "nfs"/);
  });

  test('throws on every bad rule at once', () => {
    expect(
      bad([
        { name: 'a', cidr: 'x', port: 1 },
        { name: 'b', cidr: '10.0.0.0/8', port: -1 },
      ]),
    ).toThrow(/2 problems/);
  });

  test('throws on strict-mode settings with a bad quantity, resource name or level', () => {
    const strict = (isolation: unknown) => () => render({ name: 's', isolationMode: 'strict', isolation: isolation as never });
    expect(strict({ resourceQuota: { 'requests.cpu': 'four' } })).toThrow(
      /isolation\.resourceQuota\["requests\.cpu"\]: "four" is not allowed/,
    );
    expect(strict({ resourceQuota: { 'bad key!': '1' } })).toThrow(/isolation\.resourceQuota\["bad key!"\]/);
    expect(strict({ limitRange: { defaultRequest: { cpu: '-1' } } })).toThrow(/isolation\.limitRange\.defaultRequest\["cpu"\]: "-1"/);
    expect(strict({ limitRange: { default: { gpu: '1' } } })).toThrow(/isolation\.limitRange\.default\["gpu"\]/);
    expect(strict({ podSecurity: 'privileged' })).toThrow(
      /isolation\.podSecurity: "privileged" is not allowed\. Allowed: one of "baseline", "restricted"/,
    );
  });

  test('construct: throws on NFS without a CIDR, bad peers and unknown props', () => {
    expect(() => build({ enableNFS: true })).toThrow(/nfsCidr: undefined is not allowed/);
    expect(() => build({ apiClientCidrs: ['10.0.0.1/8'] })).toThrow(/apiClientCidrs\[0\]: "10\.0\.0\.1\/8"/);
    expect(() => build({ hostDnsAddress: '169.254.116' })).toThrow(/hostDnsAddress: "169\.254\.116"/);
    expect(() => build({ mode: 'paranoid' as never })).toThrow(/mode: "paranoid"/);
    expect(() => build({ kubeApiPort: 0 })).toThrow(/kubeApiPort: 0/);
    expect(() => build({ extraEgres: [] } as never)).toThrow(/extraEgres/);
  });
});
