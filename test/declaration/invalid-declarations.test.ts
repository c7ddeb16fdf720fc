/**
 * A corpus of invalid declarations. Each case mutates one valid base declaration; the fleet build
 * must refuse it with a message naming the file, the field and the bad value, and a synth that
 * meets it leaves its output folder byte-identical.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Exposure, VClusterSpec } from '../../src';
import { Declaration, FleetError, buildFleet, renderFleet } from '../../src/fleet/fleet';
import { inventoryFiles } from '../../src/fleet/inventory';
import { writeTreeAtomically } from '../../src/fleet/output';
import { showValue } from '../../src/validation';
import media from '../fixtures/integratn/media';
import sandbox from '../fixtures/integratn/sandbox';
import { ROOT, platform, readTree } from '../util';

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

/** YAML text of Kubernetes objects, for the manifests embedded in Helm values. */
const yaml = (...objects: object[]) => objects.map((o) => JSON.stringify(o)).join('\n---\n');
const pod = (spec: object) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], ...spec },
});
const hostManifests = (...objects: object[]) => ({ helmValues: { experimental: { deploy: { host: { manifests: yaml(...objects) } } } } });
const vclusterManifests = (...objects: object[]) => ({
  helmValues: { experimental: { deploy: { vcluster: { manifests: yaml(...objects) } } } },
});
const adminBinding = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'pwn' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }],
};
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAxx\n-----END RSA PRIVATE KEY-----\n';
const strict = (helmValues: object, isolation?: object) => ({ isolationMode: 'strict', ...(isolation ? { isolation } : {}), helmValues });
const etcdWith = (statefulSet: object) => ({
  backingStore: { etcd: { deploy: { enabled: true, statefulSet: { highAvailability: { replicas: 3 }, ...statefulSet } } } },
});
function evil(): void {}
const BUNDLE = 'H4sIAAAAAAAAA+3OMQ6CQBCF4a2pqGLqE2Shqqfn0TExI';
const withGetter = (() => {
  const requests = {};
  Object.defineProperty(requests, 'cpu', { get: () => '250m', enumerable: true });
  return requests;
})();
const cyclic = (() => {
  const c: Record<string, unknown> = {};
  c.self = c;
  return c;
})();
const protoLiteral = { __proto__: { replicas: 1 }, statefulSet: {} };
const hostileExposure = Exposure.loadBalancer(JSON.parse('{"hostname":"team-a.integratn.tech","__proto__":{"vip":"10.0.4.9"}}'));

/**
 * The hostile corpus: prototype keys, what the Helm values guard refuses, what strict isolation
 * keeps, names and values Kubernetes or the chart cannot take, and messages that must show the
 * real value. [what is wrong, the fields to change, the field the message must name, the value it must show].
 */
const hostile: Array<[string, Record<string, unknown>, string, unknown]> = [
  // prototype-safe inputs
  [
    '__proto__ key in helmValues',
    { helmValues: JSON.parse('{"controlPlane":{"__proto__":{"x":1}}}') },
    'helmValues.controlPlane["__proto__"]',
    { x: 1 },
  ],
  ['constructor key in helmValues', { helmValues: JSON.parse('{"constructor":{"x":1}}') }, 'helmValues["constructor"]', { x: 1 }],
  [
    'prototype key in cluster labels',
    { argocd: { clusterLabels: JSON.parse('{"prototype":"x"}') } },
    'argocd.clusterLabels["prototype"]',
    'x',
  ],
  [
    '__proto__ key in cluster annotations',
    { argocd: { clusterAnnotations: JSON.parse('{"__proto__":"x"}') } },
    'argocd.clusterAnnotations["__proto__"]',
    'x',
  ],
  ['__proto__ key in the exposure options', { exposure: hostileExposure }, 'exposure["__proto__"]', { vip: '10.0.4.9' }],
  [
    '__proto__ key in an egress rule',
    { networkPolicies: { extraEgress: [JSON.parse('{"name":"pg","cidr":"10.0.3.1/32","port":5432,"__proto__":{"port":22}}')] } },
    'networkPolicies.extraEgress[0]["__proto__"]',
    { port: 22 },
  ],
  [
    '__proto__ key in the isolation quota',
    { isolationMode: 'strict', isolation: { resourceQuota: JSON.parse('{"__proto__":{"pods":"1"}}') } },
    'isolation.resourceQuota["__proto__"]',
    { pods: '1' },
  ],
  [
    '"__proto__" in an object literal (sets the prototype)',
    { helmValues: { controlPlane: protoLiteral } },
    'helmValues.controlPlane',
    { statefulSet: {} },
  ],
  ['a getter instead of a value', { resources: { requests: withGetter } }, 'resources.requests.cpu', '[getter]'],
  ['a Map instead of a map literal', { argocd: { clusterLabels: new Map([['a', 'b']]) } }, 'argocd.clusterLabels', {}],
  [
    'a function in helmValues',
    { helmValues: { controlPlane: { statefulSet: { labels: evil } } } },
    'helmValues.controlPlane.statefulSet.labels',
    evil,
  ],
  ['helmValues that contain themselves', { helmValues: { controlPlane: cyclic } }, 'helmValues.controlPlane.self', '[circular]'],
  // the Helm values guard: RBAC
  [
    'cluster-admin binding in host manifests',
    hostManifests(adminBinding),
    'helmValues.experimental.deploy.host.manifests[0].roleRef.name',
    'cluster-admin',
  ],
  [
    'binding to system:authenticated',
    hostManifests({
      ...adminBinding,
      kind: 'RoleBinding',
      metadata: { name: 'r', namespace: 'team-a' },
      roleRef: { kind: 'ClusterRole', name: 'view' },
    }),
    'helmValues.experimental.deploy.host.manifests[0].subjects[0].name',
    'system:authenticated',
  ],
  [
    'wildcard verbs in clusterRole.extraRules',
    { helmValues: { rbac: { clusterRole: { extraRules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }] } } } },
    'helmValues.rbac.clusterRole.extraRules[0].verbs[0]',
    '*',
  ],
  [
    'wildcard resources in role.extraRules',
    { helmValues: { rbac: { role: { extraRules: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }] } } } },
    'helmValues.rbac.role.extraRules[0].resources[0]',
    '*',
  ],
  [
    'impersonate in role.extraRules',
    { helmValues: { rbac: { role: { extraRules: [{ apiGroups: [''], resources: ['users'], verbs: ['impersonate'] }] } } } },
    'helmValues.rbac.role.extraRules[0].verbs',
    ['impersonate'],
  ],
  [
    'writes to rolebindings in an embedded Role',
    vclusterManifests({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'r' },
      rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] }],
    }),
    'helmValues.experimental.deploy.vcluster.manifests[0].rules[0].resources',
    ['rolebindings'],
  ],
  [
    'a ClusterRole reading every Secret',
    { helmValues: { rbac: { clusterRole: { extraRules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] } } } },
    'helmValues.rbac.clusterRole.extraRules[0].resources',
    ['secrets'],
  ],
  [
    'wildcard rule of a plugin',
    {
      helmValues: {
        plugins: {
          audit: {
            image: 'x/audit:1.0',
            rbac: { clusterRole: { extraRules: [{ apiGroups: ['*'], resources: ['pods'], verbs: ['get'] }] } },
          },
        },
      },
    },
    'helmValues.plugins.audit.rbac.clusterRole.extraRules[0].apiGroups[0]',
    '*',
  ],
  [
    'host Secrets mapped into the vcluster',
    { helmValues: { sync: { fromHost: { secrets: { enabled: true, mappings: { byName: { 'argocd/argocd-secret': 'default/x' } } } } } } },
    'helmValues.sync.fromHost.secrets.mappings',
    { byName: { 'argocd/argocd-secret': 'default/x' } },
  ],
  // the guard: pods on the host
  [
    'privileged control plane',
    { helmValues: { controlPlane: { statefulSet: { security: { containerSecurityContext: { privileged: true } } } } } },
    'helmValues.controlPlane.statefulSet.security.containerSecurityContext.privileged',
    true,
  ],
  [
    'privileged etcd',
    etcdWith({ security: { containerSecurityContext: { privileged: true } } }),
    'helmValues.controlPlane.backingStore.etcd.deploy.statefulSet.security.containerSecurityContext.privileged',
    true,
  ],
  [
    'unconfined seccomp',
    { helmValues: { controlPlane: { statefulSet: { security: { podSecurityContext: { seccompProfile: { type: 'Unconfined' } } } } } } },
    'helmValues.controlPlane.statefulSet.security.podSecurityContext.seccompProfile.type',
    'Unconfined',
  ],
  [
    'CoreDNS with NET_ADMIN',
    { helmValues: { controlPlane: { coredns: { security: { containerSecurityContext: { capabilities: { add: ['NET_ADMIN'] } } } } } } },
    'helmValues.controlPlane.coredns.security.containerSecurityContext.capabilities.add[0]',
    'NET_ADMIN',
  ],
  [
    'hostPath / in addVolumes',
    { helmValues: { controlPlane: { statefulSet: { persistence: { addVolumes: [{ name: 'root', hostPath: { path: '/' } }] } } } } },
    'helmValues.controlPlane.statefulSet.persistence.addVolumes[0].hostPath',
    { path: '/' },
  ],
  [
    'hostPath in an etcd volume',
    etcdWith({ persistence: { addVolumes: [{ name: 'd', hostPath: { path: '/var/lib' } }] } }),
    'helmValues.controlPlane.backingStore.etcd.deploy.statefulSet.persistence.addVolumes[0].hostPath',
    { path: '/var/lib' },
  ],
  [
    'the host path mapper',
    { helmValues: { controlPlane: { hostPathMapper: { enabled: true } } } },
    'helmValues.controlPlane.hostPathMapper.enabled',
    true,
  ],
  [
    'a hostPort on a sidecar',
    {
      helmValues: {
        controlPlane: {
          statefulSet: { sidecarContainers: [{ name: 's', image: 'x/s:1.0', ports: [{ containerPort: 80, hostPort: 80 }] }] },
        },
      },
    },
    'helmValues.controlPlane.statefulSet.sidecarContainers[0].ports[0].hostPort',
    80,
  ],
  [
    'hostNetwork pod inside the vcluster',
    vclusterManifests(pod({ hostNetwork: true })),
    'helmValues.experimental.deploy.vcluster.manifests[0].spec.hostNetwork',
    true,
  ],
  [
    'hostPID in the CoreDNS manifests',
    { helmValues: { controlPlane: { coredns: { overwriteManifests: yaml(pod({ hostPID: true })) } } } },
    'helmValues.controlPlane.coredns.overwriteManifests[0].spec.hostPID',
    true,
  ],
  [
    'hostIPC in a host manifest',
    hostManifests(pod({ hostIPC: true })),
    'helmValues.experimental.deploy.host.manifests[0].spec.hostIPC',
    true,
  ],
  [
    'privileged values of a chart installed inside',
    {
      helmValues: {
        experimental: {
          deploy: {
            vcluster: {
              helm: [
                {
                  chart: { name: 'x', repo: 'https://charts.example.com', version: '1.0.0' },
                  release: { name: 'x', namespace: 'x' },
                  values: 'securityContext:\n  privileged: true\n',
                },
              ],
            },
          },
        },
      },
    },
    'helmValues.experimental.deploy.vcluster.helm[0].values.securityContext.privileged',
    true,
  ],
  [
    'a template in addVolumes (the chart renders it with tpl)',
    { helmValues: { controlPlane: { statefulSet: { persistence: { addVolumes: [{ name: 'x', configMap: { name: '{{ "x" }}' } }] } } } } },
    'helmValues.controlPlane.statefulSet.persistence.addVolumes[0].configMap.name',
    '{{ "x" }}',
  ],
  // the guard: authentication, Secrets and credentials, what it cannot read, where host objects go
  [
    'anonymous API server',
    { helmValues: { controlPlane: { distro: { k8s: { apiServer: { extraArgs: ['--anonymous-auth=true'] } } } } } },
    'helmValues.controlPlane.distro.k8s.apiServer.extraArgs[0]',
    '--anonymous-auth=true',
  ],
  [
    'AlwaysAllow authorization',
    { helmValues: { controlPlane: { distro: { k8s: { apiServer: { extraArgs: ['--authorization-mode=AlwaysAllow'] } } } } } },
    'helmValues.controlPlane.distro.k8s.apiServer.extraArgs[0]',
    '--authorization-mode=AlwaysAllow',
  ],
  [
    'a Secret in embedded manifests',
    vclusterManifests({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'hunter2' } }),
    'helmValues.experimental.deploy.vcluster.manifests[0].kind',
    'Secret',
  ],
  [
    'a Helm repository password',
    {
      helmValues: {
        experimental: {
          deploy: { vcluster: { helm: [{ chart: { name: 'x', repo: 'https://charts.example.com', password: 'hunter2' } }] } },
        },
      },
    },
    'helmValues.experimental.deploy.vcluster.helm[0].chart.password',
    'hunter2',
  ],
  [
    'a k3s token',
    { helmValues: { controlPlane: { distro: { k3s: { token: 's3cr3t' } } } } },
    'helmValues.controlPlane.distro.k3s.token',
    's3cr3t',
  ],
  [
    'a password in an environment variable',
    { helmValues: { controlPlane: { statefulSet: { env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] } } } },
    'helmValues.controlPlane.statefulSet.env[0].value',
    'hunter2',
  ],
  [
    'a private key in a ConfigMap',
    vclusterManifests({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'tls.key': PEM } }),
    'helmValues.experimental.deploy.vcluster.manifests[0].data["tls.key"]',
    PEM,
  ],
  [
    'a manifest template',
    {
      helmValues: {
        experimental: { deploy: { host: { manifestsTemplate: 'kind: ConfigMap\nmetadata: {name: "{{ .Release.Name }}"}\n' } } },
      },
    },
    'helmValues.experimental.deploy.host.manifestsTemplate',
    'kind: ConfigMap\nmetadata: {name: "{{ .Release.Name }}"}\n',
  ],
  [
    'a bundled chart',
    { helmValues: { experimental: { deploy: { vcluster: { helm: [{ bundle: BUNDLE }] } } } } },
    'helmValues.experimental.deploy.vcluster.helm[0].bundle',
    `${BUNDLE.slice(0, 40)}...`,
  ],
  [
    'manifests that do not parse',
    { helmValues: { experimental: { deploy: { vcluster: { manifests: 'kind: [' } } } } },
    'helmValues.experimental.deploy.vcluster.manifests',
    'kind: [',
  ],
  [
    'a host manifest in kube-system',
    hostManifests({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'kube-system' } }),
    'helmValues.experimental.deploy.host.manifests[0].metadata.namespace',
    'kube-system',
  ],
  [
    'a cluster-scoped host manifest',
    hostManifests({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'm' } }),
    'helmValues.experimental.deploy.host.manifests[0].kind',
    'MutatingWebhookConfiguration',
  ],
  // exceptions
  [
    'exception to an unknown rule',
    { exceptions: [{ rule: 'everything', path: 'rbac', reason: 'we trust everyone here' }] },
    'exceptions[0].rule',
    'everything',
  ],
  [
    'exception path with the helmValues prefix',
    { exceptions: [{ rule: 'hostPath', path: 'helmValues.controlPlane', reason: 'node-local cache volume' }] },
    'exceptions[0].path',
    'helmValues.controlPlane',
  ],
  ['exception without a reason', { exceptions: [{ rule: 'hostPath', path: 'controlPlane', reason: 'ok' }] }, 'exceptions[0].reason', 'ok'],
  [
    'exception with an unknown key',
    { exceptions: [{ rule: 'hostPath', path: 'controlPlane', reason: 'node-local cache volume', because: 'x' }] },
    'exceptions[0].because',
    'x',
  ],
  [
    'exception that waives nothing',
    { exceptions: [{ rule: 'hostPath', path: 'controlPlane.statefulSet', reason: 'node-local cache volume' }] },
    'exceptions[0]',
    { rule: 'hostPath', path: 'controlPlane.statefulSet' },
  ],
  [
    'exception to the wrong rule',
    {
      helmValues: { controlPlane: { hostPathMapper: { enabled: true } } },
      exceptions: [{ rule: 'privileged', path: 'controlPlane.hostPathMapper', reason: 'the log collector needs it' }],
    },
    'helmValues.controlPlane.hostPathMapper.enabled',
    true,
  ],
  [
    'exception to a pod rule in strict mode',
    { isolationMode: 'strict', exceptions: [{ rule: 'hostPath', path: 'controlPlane', reason: 'node-local cache volume' }] },
    'exceptions[0].rule',
    'hostPath',
  ],
  ['exceptions not a list', { exceptions: { rule: 'hostPath' } }, 'exceptions', { rule: 'hostPath' }],
  // strict isolation holds
  [
    'strict: Pod Security privileged through helmValues',
    strict({ policies: { podSecurityStandard: 'privileged' } }),
    'helmValues.policies.podSecurityStandard',
    'privileged',
  ],
  [
    'strict: tenant NetworkPolicies synced again',
    strict({ sync: { toHost: { networkPolicies: { enabled: true } } } }),
    'helmValues.sync.toHost.networkPolicies.enabled',
    true,
  ],
  [
    'strict: host Secrets mapped again',
    strict({ sync: { fromHost: { secrets: { enabled: true } } } }),
    'helmValues.sync.fromHost.secrets.enabled',
    true,
  ],
  [
    "strict: the chart's own quota back on",
    strict({ policies: { resourceQuota: { enabled: true } } }),
    'helmValues.policies.resourceQuota.enabled',
    true,
  ],
  [
    'strict restricted: root control plane',
    strict({ controlPlane: { statefulSet: { security: { containerSecurityContext: { runAsUser: 0 } } } } }, { podSecurity: 'restricted' }),
    'helmValues.controlPlane.statefulSet.security.containerSecurityContext.runAsUser',
    0,
  ],
  [
    'strict restricted: CoreDNS as root',
    strict({ controlPlane: { coredns: { security: { podSecurityContext: { runAsNonRoot: false } } } } }, { podSecurity: 'restricted' }),
    'helmValues.controlPlane.coredns.security.podSecurityContext.runAsNonRoot',
    false,
  ],
  [
    'a Pod Security label in managedNamespaceMetadata',
    { application: { syncPolicy: { managedNamespaceMetadata: { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } } } },
    'application.syncPolicy.managedNamespaceMetadata.labels["pod-security.kubernetes.io/enforce"]',
    'privileged',
  ],
  // names and namespaces
  ['name starting with a digit (the Service needs DNS-1035)', { name: '1team', targetNamespace: 'team-1' }, 'name', '1team'],
  ['targetNamespace cert-manager', { targetNamespace: 'cert-manager' }, 'targetNamespace', 'cert-manager'],
  ['targetNamespace external-secrets', { targetNamespace: 'external-secrets' }, 'targetNamespace', 'external-secrets'],
  ['targetNamespace of an operator (*-system)', { targetNamespace: 'metallb-system' }, 'targetNamespace', 'metallb-system'],
  ['targetNamespace monitoring', { targetNamespace: 'monitoring' }, 'targetNamespace', 'monitoring'],
  ["targetNamespace of the site's gateway", { targetNamespace: 'nginx-gateway' }, 'targetNamespace', 'nginx-gateway'],
  // addresses
  [
    'loopback VIP',
    { exposure: Exposure.loadBalancer({ hostname: 'team-a.integratn.tech', vip: '127.0.0.1' }) },
    'exposure.vip',
    '127.0.0.1',
  ],
  [
    'multicast VIP',
    { exposure: Exposure.loadBalancer({ hostname: 'team-a.integratn.tech', vip: '224.0.0.1' }) },
    'exposure.vip',
    '224.0.0.1',
  ],
  [
    'link-local VIP',
    { exposure: Exposure.loadBalancer({ hostname: 'team-a.integratn.tech', vip: '169.254.10.10' }) },
    'exposure.vip',
    '169.254.10.10',
  ],
  [
    'unspecified VIP',
    { exposure: Exposure.loadBalancer({ hostname: 'team-a.integratn.tech', vip: '0.0.0.0' }) },
    'exposure.vip',
    '0.0.0.0',
  ],
  [
    'broadcast VIP',
    { exposure: Exposure.loadBalancer({ hostname: 'team-a.integratn.tech', vip: '255.255.255.255' }) },
    'exposure.vip',
    '255.255.255.255',
  ],
  ['subnet 0.0.0.0/0', { exposure: lb({ subnet: '0.0.0.0/0', vip: undefined }) }, 'exposure.subnet', '0.0.0.0/0'],
  ['subnet wider than a /8', { exposure: lb({ subnet: '10.0.0.0/7', vip: undefined }) }, 'exposure.subnet', '10.0.0.0/7'],
  ['multicast subnet', { exposure: lb({ subnet: '224.0.0.0/24', vip: undefined }) }, 'exposure.subnet', '224.0.0.0/24'],
  // units per resource
  ['CPU in bytes', { resources: { requests: { cpu: '1.5Gi' } } }, 'resources.requests.cpu', '1.5Gi'],
  ['memory in millibytes', { resources: { limits: { memory: '512m' } } }, 'resources.limits.memory', '512m'],
  ['memory without a unit', { resources: { requests: { memory: '512' } } }, 'resources.requests.memory', '512'],
  ['absurd CPU', { resources: { limits: { cpu: '20000' } } }, 'resources.limits.cpu', '20000'],
  ['an exbibyte of memory', { resources: { limits: { memory: '1Ei' } } }, 'resources.limits.memory', '1Ei'],
  ['volume size in millibytes', { persistence: { enabled: true, size: '10m' } }, 'persistence.size', '10m'],
  [
    'quota CPU in bytes',
    { isolationMode: 'strict', isolation: { resourceQuota: { 'requests.cpu': '4Gi' } } },
    'isolation.resourceQuota["requests.cpu"]',
    '4Gi',
  ],
  [
    'fractional pod count',
    { isolationMode: 'strict', isolation: { resourceQuota: { pods: '1.5' } } },
    'isolation.resourceQuota["pods"]',
    '1.5',
  ],
  [
    'limit range memory in millibytes',
    { isolationMode: 'strict', isolation: { limitRange: { default: { memory: '256m' } } } },
    'isolation.limitRange.default["memory"]',
    '256m',
  ],
  [
    'CPU in bytes in helmValues resources',
    { helmValues: { controlPlane: { coredns: { deployment: { resources: { requests: { cpu: '1Gi' } } } } } } },
    'helmValues.controlPlane.coredns.deployment.resources.requests.cpu',
    '1Gi',
  ],
  // Kubernetes limits on labels and annotations
  [
    'annotations over 256 KiB',
    { argocd: { clusterAnnotations: { big: 'x'.repeat(300 * 1024) } } },
    'argocd.clusterAnnotations',
    { big: 'x'.repeat(300 * 1024) },
  ],
  [
    'a label value of 64 characters in helmValues',
    { helmValues: { controlPlane: { statefulSet: { labels: { team: 'a'.repeat(64) } } } } },
    'helmValues.controlPlane.statefulSet.labels["team"]',
    'a'.repeat(64),
  ],
  [
    'annotations over 256 KiB in helmValues',
    { helmValues: { controlPlane: { statefulSet: { annotations: { big: 'y'.repeat(260 * 1024) } } } } },
    'helmValues.controlPlane.statefulSet.annotations',
    { big: 'y'.repeat(260 * 1024) },
  ],
  // messages show the real value
  ['replicas NaN', { replicas: NaN }, 'replicas', NaN],
  ['replicas Infinity', { replicas: Infinity }, 'replicas', Infinity],
  ['CoreDNS replicas -Infinity', { coredns: { replicas: -Infinity } }, 'coredns.replicas', -Infinity],
];

/** Declarations refused together: names two vclusters must not share. [what, the declarations, the file, field and value named]. */
const fleetCorpus: Array<[string, Array<Record<string, unknown>>, string, string, unknown]> = [
  [
    'chart ClusterRole vc-a-v-b-v-c shared',
    [
      { name: 'a', targetNamespace: 'b-v-c' },
      { name: 'a-v-b', targetNamespace: 'c' },
    ],
    'vclusters/f1.ts',
    'targetNamespace',
    'c',
  ],
  [
    'host-object marker b-x-c-x-a shared',
    [
      { name: 'a', targetNamespace: 'b-x-c' },
      { name: 'c-x-a', targetNamespace: 'b' },
    ],
    'vclusters/f1.ts',
    'targetNamespace',
    'b',
  ],
  [
    'host-object marker ending in another',
    [
      { name: 'p-x-app', targetNamespace: 't' },
      { name: 'app', targetNamespace: 'p' },
    ],
    'vclusters/f1.ts',
    'targetNamespace',
    'p',
  ],
  [
    'namespace-sync ClusterRole vc-mn-a-v-x-v-b shared',
    [
      { name: 'mn-a', targetNamespace: 'x-v-b' },
      { name: 'a-v-x', targetNamespace: 'b', helmValues: { sync: { toHost: { namespaces: { enabled: true } } } } },
    ],
    'vclusters/f1.ts',
    'targetNamespace',
    'b',
  ],
  ['duplicate name, reported once', [{ name: 'a' }, { name: 'a' }], 'vclusters/f1.ts', 'name', 'a'],
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

/** The message of the FleetError building several small declarations (`vclusters/f<i>.ts`) throws. */
function fleetRefusal(specs: Array<Record<string, unknown>>): string {
  try {
    buildFleet(
      platform,
      specs.map((spec, i) => ({ file: `vclusters/f${i}.ts`, spec: { exposure: Exposure.internal(), ...spec } as VClusterSpec })),
    );
  } catch (e) {
    expect(e).toBeInstanceOf(FleetError);
    return (e as Error).message;
  }
  throw new Error('the declarations were accepted');
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

  test('the hostile corpus has at least 60 cases', () => {
    expect(hostile.length + fleetCorpus.length).toBeGreaterThanOrEqual(60);
  });

  test.each(hostile)('%s: refused naming the file, field and value', (_what, change, field, value) => {
    const message = refusal({ ...base, ...change });
    const line = message.split('\n').find((l) => l.includes(`${FILE}: ${field}: ${showValue(value)} is not allowed. Allowed: `));
    if (!line) throw new Error(`no line "${FILE}: ${field}: ${showValue(value)} ..." in:\n${message}`);
  });

  test.each(fleetCorpus)('%s: refused naming the file, field and value', (_what, specs, file, field, value) => {
    const message = fleetRefusal(specs);
    const line = message.split('\n').find((l) => l.includes(`${file}: ${field}: ${showValue(value)} is not allowed. Allowed: `));
    if (!line) throw new Error(`no line "${file}: ${field}: ${showValue(value)} ..." in:\n${message}`);
    expect(message).toMatch(/^1 problem in the vcluster declarations:/);
  });

  test('problems found while building are reported with those found while resolving', () => {
    // GIVEN one declaration with a bad field and another whose Helm values the guard refuses
    const message = fleetRefusal([
      { name: 'a', replicas: 0 },
      { name: 'b', helmValues: { controlPlane: { statefulSet: { security: { containerSecurityContext: { privileged: true } } } } } },
    ]);
    // THEN both are in the one error
    expect(message).toMatch(/^2 problems in the vcluster declarations:/);
    expect(message).toContain('vclusters/f0.ts: replicas: 0 is not allowed.');
    expect(message).toContain(
      'vclusters/f1.ts: helmValues.controlPlane.statefulSet.security.containerSecurityContext.privileged: true is not allowed.',
    );
  });

  test('an invalid name is reported once, not again through the hostname derived from it', () => {
    const message = fleetRefusal([{ name: 'Team-A', exposure: Exposure.loadBalancer({ subnet: '10.0.4.0/24' }) }]);
    expect(message).toMatch(/^1 problem in the vcluster declarations:/);
    expect(message).toContain('vclusters/f0.ts: name: "Team-A" is not allowed.');
  });

  test('an explicit hostname is still checked on its own', () => {
    const message = fleetRefusal([{ name: 'Team-A', exposure: lb({ hostname: 'Team-A.integratn.tech' }) }]);
    expect(message).toMatch(/^2 problems in the vcluster declarations:/);
    expect(message).toContain('vclusters/f0.ts: exposure.hostname: "Team-A.integratn.tech" is not allowed.');
  });

  test('no message carries a stack trace', () => {
    for (const [, change] of corpus.slice(0, 10)) expect(refusal({ ...base, ...change })).not.toMatch(/\n\s+at /);
  });
});

describe('a refused declaration leaves the synth target byte-identical', () => {
  let work: string;
  let dist: string;
  let before: Map<string, string>;
  const good: Declaration[] = [
    { file: 'vclusters/media.ts', spec: media },
    { file: 'vclusters/sandbox.ts', spec: sandbox },
  ];
  /** What `npm run synth` does, in process (as test/fleet/safe-synth.test.ts does it). */
  const synth = (declarations: Declaration[]) =>
    writeTreeAtomically(dist, renderFleet(platform, buildFleet(platform, declarations), inventoryFiles));

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-corpus-'));
    dist = path.join(work, 'dist');
    synth(good);
    before = readTree(dist);
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('the good fleet synthesizes (the baseline)', () => {
    expect([...before.keys()]).toContain('vcluster-media/argocd/application-vcluster-vcluster-media.yaml');
  });

  test('every case of the corpus, beside the good declarations', () => {
    const cases = [...corpus, ...hostile].map(
      ([what, change]) => [what, [{ file: FILE, spec: { ...base, ...change } as VClusterSpec }]] as const,
    );
    const fleetCases = fleetCorpus.map(
      ([what, specs]) =>
        [
          what,
          specs.map((spec, i) => ({ file: `vclusters/f${i}.ts`, spec: { exposure: Exposure.internal(), ...spec } as VClusterSpec })),
        ] as const,
    );
    for (const [what, bad] of [...cases, ...fleetCases]) {
      expect(() => synth([...good, ...bad])).toThrow(FleetError);
      const after = readTree(dist);
      if (after.size !== before.size || [...after].some(([f, c]) => before.get(f) !== c)) throw new Error(`dist/ changed after "${what}"`);
    }
    expect(fs.readdirSync(work).sort()).toEqual(['dist']);
  });

  test('the synth command, for a hostile file of each kind', () => {
    // GIVEN the fixture fleet in a folder of its own, a good dist/ from it
    const dir = path.join(work, 'vclusters');
    fs.mkdirSync(dir);
    const fixture = path.join(ROOT, 'test', 'fixtures', 'integratn');
    for (const f of fs.readdirSync(fixture)) {
      const text = fs
        .readFileSync(path.join(fixture, f), 'utf8')
        .replace(/from '(?:\.\.\/)+src'/g, `from ${JSON.stringify(path.join(ROOT, 'src'))}`);
      fs.writeFileSync(path.join(dir, f), text);
    }
    const cliDist = path.join(work, 'cli-dist');
    const cli = () =>
      spawnSync(
        path.join(ROOT, 'node_modules', '.bin', 'tsx'),
        [path.join(ROOT, 'src', 'cli', 'synth.ts'), '--vclusters', dir, '--out', cliDist],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
    expect(cli().status).toBe(0);
    const good = readTree(cliDist);
    const lib = JSON.stringify(path.join(ROOT, 'src'));
    const one = (spec: string) => `import { defineVCluster } from ${lib};\nexport default defineVCluster(${spec});\n`;
    for (const [files, expected] of [
      [
        { 'x.ts': one(`{ name: 'x', helmValues: JSON.parse('{"controlPlane":{"__proto__":{"statefulSet":{}}}}') }`) },
        'vclusters/x.ts: helmValues.controlPlane["__proto__"]: {"statefulSet":{}} is not allowed.',
      ],
      [
        {
          'x.ts': one(
            `{ name: 'x', helmValues: { rbac: { clusterRole: { extraRules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }] } } } }`,
          ),
        },
        'vclusters/x.ts: helmValues.rbac.clusterRole.extraRules[0].verbs[0]: "*" is not allowed.',
      ],
      [
        { 'x.ts': one(`{ name: 'x', isolationMode: 'strict', helmValues: { policies: { podSecurityStandard: 'privileged' } } }`) },
        'vclusters/x.ts: helmValues.policies.podSecurityStandard: "privileged" is not allowed. Allowed: "baseline", as strict isolation sets it',
      ],
      [
        { 'a.ts': one(`{ name: 'a', targetNamespace: 'b-v-c' }`), 'a-v-b.ts': one(`{ name: 'a-v-b', targetNamespace: 'c' }`) },
        'vclusters/a.ts: targetNamespace: "b-v-c" is not allowed. Allowed: a name and namespace whose cluster-scoped ClusterRole "vc-a-v-b-v-c"',
      ],
    ] as const) {
      // WHEN synth meets hostile files
      for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
      const r = cli();
      for (const f of Object.keys(files)) fs.rmSync(path.join(dir, f));
      // THEN it fails naming file, field and value, and dist/ is byte-identical
      expect(r.stderr).toContain(expected);
      expect(r.status).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(readTree(cliDist)).toEqual(good);
    }
  }, 120_000);
});
