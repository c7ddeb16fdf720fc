/**
 * A corpus of invalid declarations. Each case mutates one valid base declaration; the fleet build
 * must refuse it with a message naming the file, the field and the bad value.
 */
import { Exposure, VClusterSpec } from '../../src';
import { FleetError, buildFleet } from '../../src/fleet/fleet';
import { showValue } from '../../src/validation';
import { platform } from '../util';

const FILE = 'vclusters/team-a.ts';

/** A valid prod declaration touching most fields. */
const base: VClusterSpec = {
  name: 'team-a',
  targetNamespace: 'team-a',
  preset: 'prod',
  replicas: 3,
  kubernetesVersion: '1.33',
  resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
  persistence: { enabled: true, size: '10Gi' },
  backingStore: { etcd: { deploy: { enabled: true, statefulSet: { highAvailability: { replicas: 3 } } } } },
  exposure: Exposure.loadBalancer({ hostname: 'team-a.integratn.tech', subnet: '10.0.4.0/24', vip: '10.0.4.210', apiPort: 443 }),
  application: { targetRevision: '0.31.3' },
  networkPolicies: { enableNFS: true, extraEgress: [{ name: 'postgres', cidr: '10.0.3.1/32', port: 5432 }] },
  argocd: { environment: 'production' },
  coredns: { replicas: 2 },
  deletionPolicy: 'retain',
};

const lb = (props: object) =>
  Exposure.loadBalancer({ hostname: 'team-a.integratn.tech', subnet: '10.0.4.0/24', vip: '10.0.4.210', ...props });
const egress = (rule: object) => ({ networkPolicies: { extraEgress: [{ name: 'postgres', cidr: '10.0.3.1/32', port: 5432, ...rule }] } });
/** `x` typed loosely: the corpus is about what a declaration may contain at run time. */
const any = (x: unknown) => x as never;

/** [what is wrong, the fields to change, the field the message must name, the value it must show]. */
const corpus: Array<[string, Record<string, unknown>, string, unknown]> = [
  // names and namespaces
  ['name with upper case', { name: 'Team-A' }, 'name', 'Team-A'],
  ['name with an underscore', { name: 'team_a' }, 'name', 'team_a'],
  ['name longer than a Helm release', { name: 'a'.repeat(54) }, 'name', 'a'.repeat(54)],
  ['derived cluster ExternalSecret name over 63 characters', { name: 'b'.repeat(50) }, 'name', 'b'.repeat(50)],
  ['name missing', { name: undefined }, 'name', undefined],
  ['targetNamespace kube-system', { targetNamespace: 'kube-system' }, 'targetNamespace', 'kube-system'],
  ['targetNamespace of Argo CD', { targetNamespace: 'argocd' }, 'targetNamespace', 'argocd'],
  ['targetNamespace default', { targetNamespace: 'default' }, 'targetNamespace', 'default'],
  ['targetNamespace kube-node-lease', { targetNamespace: 'kube-node-lease' }, 'targetNamespace', 'kube-node-lease'],
  ['targetNamespace kube-public', { targetNamespace: 'kube-public' }, 'targetNamespace', 'kube-public'],
  ['name "default" used as the namespace', { name: 'default', targetNamespace: undefined }, 'name', 'default'],
  ['targetNamespace not a DNS label', { targetNamespace: 'Team_A' }, 'targetNamespace', 'Team_A'],
  ['projectName the Argo CD default project', { projectName: 'default' }, 'projectName', 'default'],
  ['projectName of 64 characters', { projectName: 'p'.repeat(64) }, 'projectName', 'p'.repeat(64)],
  ['unknown host cluster', { hostCluster: 'nowhere' }, 'hostCluster', 'nowhere'],
  ['host cluster named like an Object property', { hostCluster: 'constructor' }, 'hostCluster', 'constructor'],
  // presets and versions
  ['unknown preset', { preset: 'production' }, 'preset', 'production'],
  ['unsupported Kubernetes version', { kubernetesVersion: '1.29' }, 'kubernetesVersion', '1.29'],
  ['Kubernetes version "latest"', { kubernetesVersion: 'latest' }, 'kubernetesVersion', 'latest'],
  ['Kubernetes version as a number', { kubernetesVersion: any(1.33) }, 'kubernetesVersion', 1.33],
  ['Kubernetes patch that is not the pinned one', { kubernetesVersion: 'v1.33.1' }, 'kubernetesVersion', 'v1.33.1'],
  ['chart line instead of a version', { application: { targetRevision: '0.31' } }, 'application.targetRevision', '0.31'],
  ['chart version range', { application: { targetRevision: '^0.31.0' } }, 'application.targetRevision', '^0.31.0'],
  ['chart version of an unsupported line', { application: { targetRevision: '0.29.1' } }, 'application.targetRevision', '0.29.1'],
  ['chart version "latest"', { application: { targetRevision: 'latest' } }, 'application.targetRevision', 'latest'],
  ['chart repository over http', { application: { repoURL: 'http://charts.loft.sh' } }, 'application.repoURL', 'http://charts.loft.sh'],
  [
    'sync retry limit -1 (wedges the app)',
    { application: { syncPolicy: { retry: { limit: -1 } } } },
    'application.syncPolicy.retry.limit',
    -1,
  ],
  [
    'sync retry limit 0 (a failed sync is never retried)',
    { application: { syncPolicy: { retry: { limit: 0 } } } },
    'application.syncPolicy.retry.limit',
    0,
  ],
  ['sync retry limit 101', { application: { syncPolicy: { retry: { limit: 101 } } } }, 'application.syncPolicy.retry.limit', 101],
  [
    'sync retry backoff duration in words',
    { application: { syncPolicy: { retry: { backoff: { duration: 'ten seconds' } } } } },
    'application.syncPolicy.retry.backoff.duration',
    'ten seconds',
  ],
  [
    'sync retry backoff factor 1.5',
    { application: { syncPolicy: { retry: { backoff: { factor: 1.5 } } } } },
    'application.syncPolicy.retry.backoff.factor',
    1.5,
  ],
  ['sync retry as a number', { application: { syncPolicy: { retry: any(5) } } }, 'application.syncPolicy.retry', 5],
  [
    'sync option without a value',
    { application: { syncPolicy: { syncOptions: ['CreateNamespace'] } } },
    'application.syncPolicy.syncOptions[0]',
    'CreateNamespace',
  ],
  [
    'sync prune as a string',
    { application: { syncPolicy: { automated: { prune: 'true' } } } },
    'application.syncPolicy.automated.prune',
    'true',
  ],
  [
    'typo in the sync policy',
    { application: { syncPolicy: { automatic: { prune: true } } } },
    'application.syncPolicy.automatic',
    { prune: true },
  ],
  // sizing
  ['zero replicas', { replicas: 0 }, 'replicas', 0],
  ['fractional replicas', { replicas: 2.5 }, 'replicas', 2.5],
  ['replicas as a string', { replicas: any('3') }, 'replicas', '3'],
  ['cpu in words', { resources: { requests: { cpu: '250 millicores' } } }, 'resources.requests.cpu', '250 millicores'],
  ['memory in GB with a B', { resources: { limits: { memory: '2GB' } } }, 'resources.limits.memory', '2GB'],
  ['negative memory', { resources: { requests: { memory: '-1Gi' } } }, 'resources.requests.memory', '-1Gi'],
  ['cpu as a number', { resources: { requests: { cpu: any(0.5) } } }, 'resources.requests.cpu', 0.5],
  ['cpu request above the limit', { resources: { requests: { cpu: '4' }, limits: { cpu: '2' } } }, 'resources.requests.cpu', '4'],
  [
    'memory limit below the preset request',
    { preset: 'dev', resources: { limits: { memory: '512Mi' } } },
    'resources.limits.memory',
    '512Mi',
  ],
  ['unknown resource', { resources: { requests: { gpu: '1' } } }, 'resources.requests.gpu', '1'],
  ['typo in resources', { resources: { request: { cpu: '1' } } }, 'resources.request', { cpu: '1' }],
  ['PVC size in words', { persistence: { enabled: true, size: '10 GiB' } }, 'persistence.size', '10 GiB'],
  ['PVC size zero', { persistence: { enabled: true, size: '0' } }, 'persistence.size', '0'],
  ['persistence enabled as a string', { persistence: { enabled: 'yes' } }, 'persistence.enabled', 'yes'],
  ['storage class not a DNS name', { persistence: { enabled: true, storageClass: 'Fast_SSD' } }, 'persistence.storageClass', 'Fast_SSD'],
  ['PVC size without a PVC', { persistence: { enabled: false, size: '5Gi' } }, 'persistence.enabled', false],
  ['CoreDNS replicas zero', { coredns: { replicas: 0 } }, 'coredns.replicas', 0],
  ['typo in coredns', { coredns: { replics: 2 } }, 'coredns.replics', 2],
  ['cluster domain in upper case', { clusterDomain: 'Cluster.Local' }, 'clusterDomain', 'Cluster.Local'],
  // exposure
  ['hostname with an underscore', { exposure: lb({ hostname: 'team_a.integratn.tech' }) }, 'exposure.hostname', 'team_a.integratn.tech'],
  ['hostname in upper case', { exposure: lb({ hostname: 'Team-A.integratn.tech' }) }, 'exposure.hostname', 'Team-A.integratn.tech'],
  ['hostname without a domain', { exposure: lb({ hostname: 'team-a' }) }, 'exposure.hostname', 'team-a'],
  ['CIDR prefix /33', { exposure: lb({ subnet: '10.0.4.0/33', vip: undefined }) }, 'exposure.subnet', '10.0.4.0/33'],
  ['CIDR that is not a network address', { exposure: lb({ subnet: '10.0.4.1/24' }) }, 'exposure.subnet', '10.0.4.1/24'],
  ['CIDR with an octet over 255', { exposure: lb({ subnet: '10.0.256.0/24', vip: undefined }) }, 'exposure.subnet', '10.0.256.0/24'],
  ['VIP outside the subnet', { exposure: lb({ vip: '10.0.5.10' }) }, 'exposure.vip', '10.0.5.10'],
  ['VIP with impossible octets', { exposure: lb({ vip: '999.1.1.1' }) }, 'exposure.vip', '999.1.1.1'],
  ['VIP is the network address', { exposure: lb({ vip: '10.0.4.0' }) }, 'exposure.vip', '10.0.4.0'],
  ['VIP is the broadcast address', { exposure: lb({ vip: '10.0.4.255' }) }, 'exposure.vip', '10.0.4.255'],
  ['derived VIP outside a /26', { exposure: lb({ subnet: '10.0.4.0/26', vip: undefined }) }, 'exposure.subnet', '10.0.4.0/26'],
  ['port out of range', { exposure: lb({ apiPort: 70000 }) }, 'exposure.apiPort', 70000],
  ['port zero', { exposure: lb({ apiPort: 0 }) }, 'exposure.apiPort', 0],
  ['vipOffset together with a VIP', { exposure: lb({ vipOffset: 10 }) }, 'exposure.vipOffset', 10],
  ['vipOffset without a subnet', { exposure: Exposure.loadBalancer({ vipOffset: 10 }) }, 'exposure.vipOffset', 10],
  ['VIP on a gateway exposure', { exposure: Exposure.gateway(any({ vip: '10.0.4.210' })) }, 'exposure.vip', '10.0.4.210'],
  [
    'typo in the exposure options',
    { exposure: Exposure.loadBalancer(any({ hostnme: 'x.integratn.tech' })) },
    'exposure.hostnme',
    'x.integratn.tech',
  ],
  ['exposure as a string', { exposure: any('loadBalancer') }, 'exposure', 'loadBalancer'],
  // backing store, etcd, deletion protection
  ['etcdPki: true (retired: a PKI nothing read)', { etcdPki: true }, 'etcdPki', true],
  [
    'etcd without client-certificate auth',
    { backingStore: { etcd: { deploy: { enabled: true, statefulSet: { extraArgs: ['--client-cert-auth=false'] } } } } },
    'backingStore.etcd.deploy.statefulSet.extraArgs[0]',
    '--client-cert-auth=false',
  ],
  [
    'etcd peers without certificate auth',
    { backingStore: { etcd: { deploy: { enabled: true, statefulSet: { extraArgs: ['--peer-client-cert-auth=false'] } } } } },
    'backingStore.etcd.deploy.statefulSet.extraArgs[0]',
    '--peer-client-cert-auth=false',
  ],
  [
    'etcd client listener in plaintext',
    { backingStore: { etcd: { deploy: { enabled: true, statefulSet: { extraArgs: ['--listen-client-urls=http://0.0.0.0:2379'] } } } } },
    'backingStore.etcd.deploy.statefulSet.extraArgs[0]',
    '--listen-client-urls=http://0.0.0.0:2379',
  ],
  [
    'etcd without client-certificate auth through helmValues',
    { helmValues: { controlPlane: { backingStore: { etcd: { deploy: { statefulSet: { extraArgs: ['--client-cert-auth=0'] } } } } } } },
    'helmValues.controlPlane.backingStore.etcd.deploy.statefulSet.extraArgs[0]',
    '--client-cert-auth=0',
  ],
  [
    'two backing stores',
    { backingStore: { etcd: { deploy: { enabled: true }, embedded: { enabled: true } } } },
    'backingStore',
    ['etcd.deploy', 'etcd.embedded'],
  ],
  [
    'etcd with zero members',
    { backingStore: { etcd: { deploy: { enabled: true, statefulSet: { highAvailability: { replicas: 0 } } } } } },
    'backingStore.etcd.deploy.statefulSet.highAvailability.replicas',
    0,
  ],
  [
    'etcd volume retention outside deletionPolicy',
    { backingStore: { etcd: { deploy: { enabled: true, statefulSet: { persistence: { volumeClaim: { retentionPolicy: 'Delete' } } } } } } },
    'backingStore.etcd.deploy.statefulSet.persistence.volumeClaim.retentionPolicy',
    'Delete',
  ],
  ['etcdPki as a string', { etcdPki: 'yes' }, 'etcdPki', 'yes'],
  ['unknown deletion policy', { deletionPolicy: 'keep' }, 'deletionPolicy', 'keep'],
  ['Job kubeconfig sync on a vcluster deleted with its file', { kubeconfigSync: 'job', deletionPolicy: 'delete' }, 'kubeconfigSync', 'job'],
  [
    'backing store through helmValues',
    { helmValues: { controlPlane: { backingStore: { etcd: { embedded: { enabled: true } } } } } },
    'helmValues.controlPlane.backingStore',
    { etcd: { embedded: { enabled: true } } },
  ],
  [
    'PVC retention through helmValues',
    { helmValues: { controlPlane: { statefulSet: { persistence: { volumeClaim: { retentionPolicy: 'Delete' } } } } } },
    'helmValues.controlPlane.statefulSet.persistence.volumeClaim.retentionPolicy',
    'Delete',
  ],
  [
    'replicas through helmValues',
    { helmValues: { controlPlane: { statefulSet: { highAvailability: { replicas: 5 } } } } },
    'helmValues.controlPlane.statefulSet.highAvailability.replicas',
    5,
  ],
  // escape hatch (schema-checked)
  [
    'helmValues key the chart does not have',
    { helmValues: { controlPlane: { statefulSet: { imagePullPolcy: 'Always' } } } },
    'helmValues.controlPlane.statefulSet.imagePullPolcy',
    'Always',
  ],
  [
    'helmValues value of the wrong type',
    { helmValues: { controlPlane: { coredns: { enabled: 'yes' } } } },
    'helmValues.controlPlane.coredns.enabled',
    'yes',
  ],
  ['helmValues as a list', { helmValues: [] }, 'helmValues', []],
  ['exportKubeConfig as a string', { exportKubeConfig: 'yes' }, 'exportKubeConfig', 'yes'],
  // isolation
  ['isolation settings in standard mode', { isolation: { podSecurity: 'restricted' } }, 'isolation', { podSecurity: 'restricted' }],
  ['unknown isolation mode', { isolationMode: 'paranoid' }, 'isolationMode', 'paranoid'],
  [
    'Pod Security level privileged',
    { isolationMode: 'strict', isolation: { podSecurity: 'privileged' } },
    'isolation.podSecurity',
    'privileged',
  ],
  ['typo in isolation', { isolationMode: 'strict', isolation: { limitrange: {} } }, 'isolation.limitrange', {}],
  // network policies
  ['egress CIDR /33', egress({ cidr: '10.0.3.0/33' }), 'networkPolicies.extraEgress[0].cidr', '10.0.3.0/33'],
  ['egress port zero', egress({ port: 0 }), 'networkPolicies.extraEgress[0].port', 0],
  ['egress port as a string', egress({ port: '5432' }), 'networkPolicies.extraEgress[0].port', '5432'],
  ['egress protocol ICMP', egress({ protocol: 'ICMP' }), 'networkPolicies.extraEgress[0].protocol', 'ICMP'],
  ['egress rule without a name', egress({ name: '' }), 'networkPolicies.extraEgress[0].name', ''],
  ['typo in an egress rule', egress({ prot: 'UDP' }), 'networkPolicies.extraEgress[0].prot', 'UDP'],
  ['enableNFS as a string', { networkPolicies: { enableNFS: 'true' } }, 'networkPolicies.enableNFS', 'true'],
  ['extraEgress not a list', { networkPolicies: { extraEgress: { name: 'x' } } }, 'networkPolicies.extraEgress', { name: 'x' }],
  // integrations and registration
  ['integration enabled as a string', { integrations: { certManager: { enabled: 'no' } } }, 'integrations.certManager.enabled', 'no'],
  [
    'selector labels on a disabled integration',
    { integrations: { externalSecrets: { enabled: false, clusterStoreSelectorLabels: { a: 'b' } } } },
    'integrations.externalSecrets.clusterStoreSelectorLabels',
    { a: 'b' },
  ],
  [
    'selector label value with a space',
    { integrations: { certManager: { clusterIssuerSelectorLabels: { issuer: 'lets encrypt' } } } },
    'integrations.certManager.clusterIssuerSelectorLabels["issuer"]',
    'lets encrypt',
  ],
  ['typo in integrations', { integrations: { metricsServer: { enable: true } } }, 'integrations.metricsServer.enable', true],
  ['environment with a space', { argocd: { environment: 'prod env' } }, 'argocd.environment', 'prod env'],
  ['typo in argocd', { argocd: { clusterLabel: { a: 'b' } } }, 'argocd.clusterLabel', { a: 'b' }],
  ['unknown kubeconfig sync strategy', { kubeconfigSync: 'email' }, 'kubeconfigSync', 'email'],
  // top level
  ['typo at the top level', { replica: 3 }, 'replica', 3],
  ['typo at the top level (targetNamespce)', { targetNamespce: 'x' }, 'targetNamespce', 'x'],
];

/** The message of the FleetError building one declaration throws (fails the test if none). */
function refusal(spec: unknown): string {
  try {
    buildFleet(platform, [{ file: FILE, spec: spec as VClusterSpec }]);
  } catch (e) {
    expect(e).toBeInstanceOf(FleetError);
    return (e as Error).message;
  }
  throw new Error('the declaration was accepted');
}

describe('invalid declarations', () => {
  test('the base declaration is valid', () => {
    const [built] = buildFleet(platform, [{ file: FILE, spec: base }]);
    expect(built.resolved.names.release).toBe('team-a');
  });

  test('the corpus has at least 40 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
  });

  test.each(corpus)('%s: refused naming the file, field and value', (_what, change, field, value) => {
    // GIVEN the base declaration with one mistake / WHEN the fleet is built
    const message = refusal({ ...base, ...change });
    // THEN one line names the file, the field and the bad value, and says what is allowed
    const line = message.split('\n').find((l) => l.includes(`${FILE}: ${field}: ${showValue(value)} is not allowed. Allowed: `));
    if (!line) throw new Error(`no line "${FILE}: ${field}: ${showValue(value)} ..." in:\n${message}`);
  });

  test('every problem of every file is reported in one run', () => {
    // GIVEN two files with three mistakes between them
    const declarations = [
      {
        file: 'vclusters/a.ts',
        spec: {
          ...base,
          name: 'a',
          targetNamespace: 'a',
          replicas: 0,
          exposure: lb({ hostname: 'a.integratn.tech', vip: '10.0.4.211', apiPort: 0 }),
        },
      },
      {
        file: 'vclusters/b.ts',
        spec: { ...base, name: 'b', targetNamespace: 'b', kubernetesVersion: '1.20', exposure: Exposure.internal() },
      },
    ];
    // WHEN built / THEN the one error lists all three
    const message = (() => {
      try {
        buildFleet(platform, declarations as never);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/^3 problems in the vcluster declarations:/);
    expect(message).toContain('vclusters/a.ts: replicas: 0 is not allowed.');
    expect(message).toContain('vclusters/a.ts: exposure.apiPort: 0 is not allowed.');
    expect(message).toContain('vclusters/b.ts: kubernetesVersion: "1.20" is not allowed.');
  });

  test('no message carries a stack trace', () => {
    for (const [, change] of corpus.slice(0, 10)) expect(refusal({ ...base, ...change })).not.toMatch(/\n\s+at /);
  });
});
