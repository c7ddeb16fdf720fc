/**
 * The network policies of a vcluster's host namespace: the original platform's nine policies
 * (P1–P9) in `standard` mode, a default-deny set with only what the vcluster itself needs in
 * `strict` mode, and CiliumNetworkPolicies where the hosts run Cilium.
 */
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import {
  CiliumNetworkPolicy,
  CiliumNetworkPolicySpecEgressToEntities,
  CiliumNetworkPolicySpecEgressToPortsPortsProtocol,
  CiliumNetworkPolicySpecIngressFromEntities,
  CiliumNetworkPolicySpecIngressToPortsPortsProtocol,
} from '../../imports/cilium-networkpolicy-cilium.io';
import { Problems, checkKnownKeys, isPlainObject } from '../validation';
import { API_TARGET_PORT, ExposureMode } from './exposure';

/** Port the host metrics-server pods listen on (after DNAT). */
export const METRICS_SERVER_PORT = 10250;
/** NFS port. */
export const NFS_PORT = 2049;
/** Ports public clients may reach the vcluster's workload gateway on. */
export const PUBLIC_INGRESS_PORTS: readonly number[] = [80, 443];

/** Isolation of a vcluster's host namespace (see {@link NetworkIsolation} for each mode's guarantees). */
export type NetworkIsolationMode = 'standard' | 'strict';

/** One extra egress allowance: `allow-<name>-egress` to `cidr` on `protocol`/`port`. */
export interface ExtraEgressRule {
  /** Rule name, a DNS label; the policy is `allow-<name>-egress`. */
  readonly name: string;
  /** Destination IPv4 CIDR (network address, e.g. `10.0.3.1/32`). */
  readonly cidr: string;
  /** Destination port (after DNAT), 1..65535. */
  readonly port: number;
  /** Protocol. @default "TCP" */
  readonly protocol?: 'TCP' | 'UDP';
}

/** Host pods selected by namespace and labels. */
export interface PodPeer {
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels of the pods. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** Props of {@link NetworkIsolation}. */
export interface NetworkIsolationProps {
  /** Host namespace of the vcluster (the policies' namespace). */
  readonly namespace: string;
  /** Helm release of the vcluster (selects its etcd pods in strict mode). */
  readonly releaseName: string;
  /** Isolation mode. @default "standard" */
  readonly mode?: NetworkIsolationMode;
  /** Whether the hosts run Cilium: adds the CiliumNetworkPolicies for the API server, host DNS and load-balancer SNAT. @default false */
  readonly cilium?: boolean;
  /** Node-local DNS address the vcluster's CoreDNS forwards to (`/etc/resolv.conf` of the nodes). @default - no host DNS policy */
  readonly hostDnsAddress?: string;
  /** Namespaces whose pods may reach the vcluster API on 8443 (e.g. Argo CD, the API gateway). @default [] */
  readonly apiClientNamespaces?: readonly string[];
  /** CIDRs that may reach the vcluster API on 8443 (LAN clients; load-balancer traffic without SNAT). @default [] */
  readonly apiClientCidrs?: readonly string[];
  /** Namespace of the gateway fronting the vcluster's workloads (ingress on all ports; standard mode). @default - none */
  readonly workloadGatewayNamespace?: string;
  /** Namespace of the monitoring stack scraping the vcluster (ingress on all ports). @default - none */
  readonly monitoringNamespace?: string;
  /** CIDR of the 1Password Connect server (egress on 443). @default - none */
  readonly onePasswordConnectCidr?: string;
  /** Whether pods of the namespace talk to 1Password Connect (strict mode renders the egress only then). @default true */
  readonly onePasswordEgress?: boolean;
  /** Host cluster DNS pods (egress on UDP/TCP 53). @default - kube-system, `k8s-app: kube-dns` */
  readonly clusterDns?: PodPeer;
  /** Host metrics-server pods (egress on 10250), or `undefined` with `metricsServer: false`. @default - kube-system, `app.kubernetes.io/name: metrics-server` */
  readonly metricsServerPeer?: PodPeer;
  /** Whether the vcluster's metrics-server proxy is on (adds the metrics-server egress). @default true */
  readonly metricsServer?: boolean;
  /** CIDRs the public egress rule excludes. @default the RFC 1918 ranges */
  readonly privateCidrs?: readonly string[];
  /** Egress to `nfsCidr` on TCP 2049. @default false */
  readonly enableNFS?: boolean;
  /** CIDR of the NFS servers (required with `enableNFS`). @default - none */
  readonly nfsCidr?: string;
  /** More egress rules, one policy each. @default [] */
  readonly extraEgress?: readonly ExtraEgressRule[];
  /** How the API is exposed; strict mode renders the load-balancer SNAT policy only for `loadBalancer`. @default "loadBalancer" */
  readonly exposureMode?: ExposureMode;
  /** Whether the vcluster deploys its own etcd (strict mode admits only the control plane to it). @default false */
  readonly deployedEtcd?: boolean;
  /** Without Cilium: API server endpoint CIDRs (after DNAT). @default - any address on `kubeApiPort` */
  readonly kubeApiCidrs?: readonly string[];
  /** Without Cilium: API server endpoint port (after DNAT). @default 6443 */
  readonly kubeApiPort?: number;
  /** Labels added to every policy (site conventions). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Props keys, for the unknown-key check. */
const PROPS_KEYS = [
  'namespace',
  'releaseName',
  'mode',
  'cilium',
  'hostDnsAddress',
  'apiClientNamespaces',
  'apiClientCidrs',
  'workloadGatewayNamespace',
  'monitoringNamespace',
  'onePasswordConnectCidr',
  'onePasswordEgress',
  'clusterDns',
  'metricsServerPeer',
  'metricsServer',
  'privateCidrs',
  'enableNFS',
  'nfsCidr',
  'extraEgress',
  'exposureMode',
  'deployedEtcd',
  'kubeApiCidrs',
  'kubeApiPort',
  'labels',
];

/** Policy names rendered by the library itself (an extra egress rule must not collide with them). */
const RESERVED_EGRESS_NAMES = ['nfs'];

/**
 * Checks extra egress rules: name a DNS label (unique), CIDR an IPv4 network via `ip-address`,
 * port 1..65535, protocol TCP or UDP. A bad rule is an error naming the field and value, never
 * dropped (the original platform dropped it silently).
 * @param problems collector; fields are reported as `extraEgress[i].<field>` under its prefix
 * @param checkKeys whether to report unknown keys of a rule (off when the caller checks the shape)
 */
export function checkExtraEgress(problems: Problems, rules: unknown, enableNFS = false, checkKeys = true): void {
  if (rules === undefined) return;
  if (!Array.isArray(rules)) {
    problems.add('extraEgress', rules, 'a list of {name, cidr, port, protocol?} rules');
    return;
  }
  const seen = new Set<string>();
  rules.forEach((rule: unknown, i) => {
    const at = `extraEgress[${i}]`;
    if (!isPlainObject(rule)) {
      if (checkKeys) problems.add(at, rule, 'a rule {name, cidr, port, protocol?}');
      return;
    }
    if (checkKeys) checkKnownKeys(problems, at, rule, ['name', 'cidr', 'port', 'protocol']);
    if (problems.dnsLabel(`${at}.name`, rule.name, 63, 'name the rule like "postgres"; the policy is allow-<name>-egress')) {
      const name = rule.name as string;
      if (seen.has(name)) problems.add(`${at}.name`, name, 'a name no other extraEgress rule has');
      if (enableNFS && RESERVED_EGRESS_NAMES.includes(name)) {
        problems.add(`${at}.name`, name, 'a name other than "nfs" while enableNFS is true (allow-nfs-egress is rendered already)');
      }
      seen.add(name);
    }
    problems.cidr4(`${at}.cidr`, rule.cidr);
    problems.port(`${at}.port`, rule.port);
    if (rule.protocol !== undefined) problems.oneOf(`${at}.protocol`, rule.protocol, ['TCP', 'UDP']);
  });
}

/** The host policies of one vcluster namespace, by name, as rendered. */
export type RenderedPolicy = k8s.KubeNetworkPolicy | CiliumNetworkPolicy;

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

function tcp(port: number): k8s.NetworkPolicyPort {
  return { protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) };
}
function udp(port: number): k8s.NetworkPolicyPort {
  return { protocol: 'UDP', port: k8s.IntOrString.fromNumber(port) };
}
function inNamespace(ns: string): k8s.NetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } };
}
function ipBlock(cidr: string, except?: readonly string[]): k8s.NetworkPolicyPeer {
  return { ipBlock: except?.length ? { cidr, except: [...except] } : { cidr } };
}

/**
 * The network policies of a vcluster's host namespace.
 *
 * **`standard` mode** (the original platform's nine policies, same names, rules and order):
 * - P1 `default-deny-all`: every pod denies all ingress and egress not allowed below.
 * - P2 `allow-dns`: egress to the host cluster DNS pods on UDP/TCP 53.
 * - P3 `allow-kube-api` (Cilium): egress to the `kube-apiserver` entity (the syncer talks to the host API).
 * - P4 `allow-coredns-to-host-dns` (Cilium): egress to the node-local DNS address on 53 (the vcluster's
 *   CoreDNS forwards to `/etc/resolv.conf`, which Cilium classes as `world`).
 * - P5 `allow-intra-namespace`: all traffic between pods of the namespace.
 * - P6 `allow-vcluster-external`: ingress to the API on 8443 (the post-DNAT target port) from
 *   the API client namespaces (Argo CD; the API gateway) and CIDRs; all ports from the workload gateway
 *   and monitoring namespaces; TCP 80/443 from anywhere (the vcluster's own gateway keeps client
 *   IPs). Egress to 1Password Connect on 443, to the host metrics-server on 10250 by selector, and
 *   to public (non-private) addresses on TCP 80/443 and UDP/TCP 53 (DNS-01).
 * - P7 `allow-vcluster-lb-snat` (Cilium): ingress to the control plane on 8443 from `host`,
 *   `remote-node` and `world` (load-balancer traffic SNAT'd to the node).
 * - P8 `allow-nfs-egress` (with `enableNFS`): egress to the NFS CIDR on TCP 2049.
 * - P9 `allow-<name>-egress`: one per extra egress rule.
 *
 * **`strict` mode** (default-deny with only what the vcluster itself needs, plus what is declared):
 * P1, P2, P3, P4, P5 as above; P6 reduced to API ingress on 8443 from the API client namespaces and
 * CIDRs, monitoring ingress, metrics-server egress, and 1Password egress only when a pod of the
 * namespace needs it; P7 only for a load-balancer exposure; P8 and P9 as declared. There is no public
 * ingress or egress and no workload-gateway ingress. With a deployed etcd, P5 leaves out the etcd pods
 * and `allow-etcd-from-control-plane` admits only the control plane and the etcd peers to them, so
 * tenant pods cannot reach etcd.
 *
 * Without Cilium the three Cilium policies are left out; the API server egress is then a portable
 * NetworkPolicy `allow-kube-api-egress` on the API server's endpoint port (6443 by default, optionally
 * limited to CIDRs), and the host DNS egress `allow-host-dns-egress` an ipBlock rule.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 * @see https://docs.cilium.io/en/stable/security/policy/
 */
export class NetworkIsolation extends Construct {
  /** Isolation mode. */
  public readonly mode: NetworkIsolationMode;
  /** Every rendered policy, in output order. */
  public readonly policies: RenderedPolicy[] = [];

  private readonly labels: Readonly<Record<string, string>>;
  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: NetworkIsolationProps) {
    super(scope, id);
    const p = new Problems();
    checkKnownKeys(p, '', props, PROPS_KEYS);
    p.dnsLabel('namespace', props.namespace);
    p.dnsLabel('releaseName', props.releaseName, 53);
    this.mode = props.mode ?? 'standard';
    p.oneOf('mode', this.mode, ['standard', 'strict']);
    const cilium = props.cilium ?? false;
    if (props.hostDnsAddress !== undefined) p.ipv4('hostDnsAddress', props.hostDnsAddress);
    const apiClientNamespaces = [...new Set(props.apiClientNamespaces ?? [])];
    apiClientNamespaces.forEach((ns, i) => p.dnsLabel(`apiClientNamespaces[${i}]`, ns));
    const apiClientCidrs = props.apiClientCidrs ?? [];
    apiClientCidrs.forEach((c, i) => p.cidr4(`apiClientCidrs[${i}]`, c));
    if (props.workloadGatewayNamespace !== undefined) p.dnsLabel('workloadGatewayNamespace', props.workloadGatewayNamespace);
    if (props.monitoringNamespace !== undefined) p.dnsLabel('monitoringNamespace', props.monitoringNamespace);
    if (props.onePasswordConnectCidr !== undefined) p.cidr4('onePasswordConnectCidr', props.onePasswordConnectCidr);
    const clusterDns = props.clusterDns ?? { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };
    p.dnsLabel('clusterDns.namespace', clusterDns.namespace);
    p.labels('clusterDns.podLabels', clusterDns.podLabels);
    const metricsServerPeer = props.metricsServerPeer ?? {
      namespace: 'kube-system',
      podLabels: { 'app.kubernetes.io/name': 'metrics-server' },
    };
    p.dnsLabel('metricsServerPeer.namespace', metricsServerPeer.namespace);
    p.labels('metricsServerPeer.podLabels', metricsServerPeer.podLabels);
    const privateCidrs = props.privateCidrs ?? RFC1918;
    privateCidrs.forEach((c, i) => p.cidr4(`privateCidrs[${i}]`, c));
    const nfsCidr = props.nfsCidr ?? '';
    if (props.enableNFS) {
      if (props.nfsCidr === undefined) p.add('nfsCidr', undefined, "the NFS servers' CIDR when enableNFS is true");
      else p.cidr4('nfsCidr', nfsCidr);
    }
    checkExtraEgress(p, props.extraEgress, props.enableNFS === true);
    const exposureMode = props.exposureMode ?? 'loadBalancer';
    p.oneOf('exposureMode', exposureMode, ['internal', 'loadBalancer', 'gateway']);
    props.kubeApiCidrs?.forEach((c, i) => p.cidr4(`kubeApiCidrs[${i}]`, c));
    const kubeApiPort = props.kubeApiPort ?? 6443;
    p.port('kubeApiPort', kubeApiPort);
    p.labels('labels', props.labels);
    p.throwIfAny(`NetworkIsolation "${String(props.namespace)}"`);

    this.namespace = props.namespace;
    this.labels = props.labels ?? {};
    const strict = this.mode === 'strict';
    const etcdIsolated = strict && props.deployedEtcd === true;
    const etcdPods = { app: 'vcluster-etcd', release: props.releaseName };

    // P1
    this.policy('default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // P2
    this.policy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': clusterDns.namespace } },
              podSelector: { matchLabels: { ...clusterDns.podLabels } },
            },
          ],
          ports: [udp(53), tcp(53)],
        },
      ],
    });
    // P3, P4
    if (cilium) {
      this.cilium('allow-kube-api', {
        endpointSelector: {},
        egress: [{ toEntities: [CiliumNetworkPolicySpecEgressToEntities.KUBE_HYPHEN_APISERVER] }],
      });
      if (props.hostDnsAddress) {
        this.cilium('allow-coredns-to-host-dns', {
          endpointSelector: {},
          egress: [
            {
              toCidr: [`${props.hostDnsAddress}/32`],
              toPorts: [
                {
                  ports: [
                    { port: '53', protocol: CiliumNetworkPolicySpecEgressToPortsPortsProtocol.UDP },
                    { port: '53', protocol: CiliumNetworkPolicySpecEgressToPortsPortsProtocol.TCP },
                  ],
                },
              ],
            },
          ],
        });
      }
    } else {
      this.policy('allow-kube-api-egress', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ ...(props.kubeApiCidrs?.length ? { to: props.kubeApiCidrs.map((c) => ipBlock(c)) } : {}), ports: [tcp(kubeApiPort)] }],
      });
      if (props.hostDnsAddress) {
        this.policy('allow-host-dns-egress', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [{ to: [ipBlock(`${props.hostDnsAddress}/32`)], ports: [udp(53), tcp(53)] }],
        });
      }
    }
    // P5
    const notEtcd: k8s.LabelSelector = { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['vcluster-etcd'] }] };
    this.policy('allow-intra-namespace', {
      podSelector: etcdIsolated ? notEtcd : {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    });
    if (etcdIsolated) {
      this.policy('allow-etcd-from-control-plane', {
        podSelector: { matchLabels: etcdPods },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { app: 'vcluster', release: props.releaseName } } },
              { podSelector: { matchLabels: etcdPods } },
            ],
          },
        ],
        egress: [{ to: [{ podSelector: { matchLabels: etcdPods } }] }],
      });
    }
    // P6
    const ingress: k8s.NetworkPolicyIngressRule[] = [];
    const apiPeers = [...apiClientNamespaces.map(inNamespace), ...apiClientCidrs.map((c) => ipBlock(c))];
    if (apiPeers.length) ingress.push({ from: apiPeers, ports: [tcp(API_TARGET_PORT)] });
    if (!strict && props.workloadGatewayNamespace) ingress.push({ from: [inNamespace(props.workloadGatewayNamespace)] });
    if (props.monitoringNamespace) ingress.push({ from: [inNamespace(props.monitoringNamespace)] });
    if (!strict) ingress.push({ from: [ipBlock('0.0.0.0/0')], ports: PUBLIC_INGRESS_PORTS.map(tcp) });
    const egress: k8s.NetworkPolicyEgressRule[] = [];
    if (props.onePasswordConnectCidr && (!strict || props.onePasswordEgress !== false)) {
      egress.push({ to: [ipBlock(props.onePasswordConnectCidr)], ports: [tcp(443)] });
    }
    if (props.metricsServer !== false) {
      egress.push({
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': metricsServerPeer.namespace } },
            podSelector: { matchLabels: { ...metricsServerPeer.podLabels } },
          },
        ],
        ports: [tcp(METRICS_SERVER_PORT)],
      });
    }
    if (!strict) egress.push({ to: [ipBlock('0.0.0.0/0', privateCidrs)], ports: [tcp(443), tcp(80), udp(53), tcp(53)] });
    if (ingress.length || egress.length) {
      this.policy('allow-vcluster-external', {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ...(ingress.length ? { ingress } : {}),
        ...(egress.length ? { egress } : {}),
      });
    }
    // P7
    if (cilium && (!strict || exposureMode === 'loadBalancer')) {
      this.cilium('allow-vcluster-lb-snat', {
        endpointSelector: { matchLabels: { app: 'vcluster' } },
        ingress: [
          {
            fromEntities: [
              CiliumNetworkPolicySpecIngressFromEntities.HOST,
              CiliumNetworkPolicySpecIngressFromEntities.REMOTE_HYPHEN_NODE,
              CiliumNetworkPolicySpecIngressFromEntities.WORLD,
            ],
            toPorts: [{ ports: [{ port: String(API_TARGET_PORT), protocol: CiliumNetworkPolicySpecIngressToPortsPortsProtocol.TCP }] }],
          },
        ],
      });
    }
    // P8
    if (props.enableNFS) {
      this.policy('allow-nfs-egress', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [ipBlock(nfsCidr)], ports: [tcp(NFS_PORT)] }],
      });
    }
    // P9
    for (const rule of props.extraEgress ?? []) {
      const port: k8s.NetworkPolicyPort = { protocol: rule.protocol ?? 'TCP', port: k8s.IntOrString.fromNumber(rule.port) };
      this.policy(`allow-${rule.name}-egress`, {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [ipBlock(rule.cidr)], ports: [port] }],
      });
    }
  }

  /** Names of the rendered policies, in output order. */
  public get policyNames(): string[] {
    return this.policies.map((x) => x.metadata.name!);
  }

  private metadata(name: string) {
    return {
      name,
      namespace: this.namespace,
      labels: { ...this.labels, 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'network-policy' },
    };
  }

  private policy(name: string, spec: k8s.NetworkPolicySpec): void {
    this.policies.push(new k8s.KubeNetworkPolicy(this, name, { metadata: this.metadata(name), spec }));
  }

  private cilium(name: string, spec: NonNullable<ConstructorParameters<typeof CiliumNetworkPolicy>[2]['spec']>): void {
    this.policies.push(new CiliumNetworkPolicy(this, `cilium-${name}`, { metadata: this.metadata(name), spec }));
  }
}
