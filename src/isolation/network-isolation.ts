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
import { RFC1918 } from '../declaration/platform';
import { API_TARGET_PORT } from '../exposure/exposure-mode';
import { Problems, checkKnownKeys, keysOf } from '../validation';
import { valueAtPath } from '../vcluster/helm-values';
import type { IVCluster } from '../vcluster/ivcluster';
import { EgressRule, HostPodSelector, ISOLATION_MODES, IsolationMode, checkExtraEgress } from './settings';

/** Port the host metrics-server pods listen on (after DNAT). */
export const METRICS_SERVER_PORT = 10250;
/** NFS port. */
export const NFS_PORT = 2049;
/** Ports public clients may reach the vcluster's workload gateway on. */
export const PUBLIC_INGRESS_PORTS: readonly number[] = [80, 443];

/** Props of {@link NetworkIsolation}. */
export interface NetworkIsolationProps {
  /** The vcluster whose host namespace the policies isolate (namespace, release, etcd and API endpoint are read from it). */
  readonly vcluster: IVCluster;
  /** Isolation mode. @default "standard" */
  readonly mode?: IsolationMode;
  /** Whether the hosts run Cilium: adds the CiliumNetworkPolicies for the API server, host DNS and load-balancer SNAT. @default false */
  readonly cilium?: boolean;
  /** Node-local DNS address the vcluster's CoreDNS forwards to (`/etc/resolv.conf` of the nodes). @default - no host DNS policy */
  readonly hostDnsAddress?: string;
  /** Namespaces whose pods may reach the vcluster API on 8443 (e.g. Argo CD), besides those its exposure needs. @default [] */
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
  readonly clusterDns?: HostPodSelector;
  /** Host metrics-server pods (egress on 10250). @default - kube-system, `app.kubernetes.io/name: metrics-server` */
  readonly metricsServerPeer?: HostPodSelector;
  /** Whether the vcluster's metrics-server proxy is on (adds the metrics-server egress). @default - the vcluster's `integrations.metricsServer.enabled` */
  readonly metricsServer?: boolean;
  /** CIDRs the public egress rule excludes. @default the RFC 1918 ranges */
  readonly privateCidrs?: readonly string[];
  /** Egress to `nfsCidr` on TCP 2049. @default false */
  readonly enableNFS?: boolean;
  /** CIDR of the NFS servers (required with `enableNFS`). @default - none */
  readonly nfsCidr?: string;
  /** More egress rules, one policy each. @default [] */
  readonly extraEgress?: readonly EgressRule[];
  /** Without Cilium: API server endpoint CIDRs (after DNAT). @default - any address on `kubeApiPort` */
  readonly kubeApiCidrs?: readonly string[];
  /** Without Cilium: API server endpoint port (after DNAT). @default 6443 */
  readonly kubeApiPort?: number;
  /** Labels added to every policy (site conventions). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Props keys, for the unknown-key check. */
const PROPS_KEYS = keysOf<NetworkIsolationProps>({
  vcluster: true,
  mode: true,
  cilium: true,
  hostDnsAddress: true,
  apiClientNamespaces: true,
  apiClientCidrs: true,
  workloadGatewayNamespace: true,
  monitoringNamespace: true,
  onePasswordConnectCidr: true,
  onePasswordEgress: true,
  clusterDns: true,
  metricsServerPeer: true,
  metricsServer: true,
  privateCidrs: true,
  enableNFS: true,
  nfsCidr: true,
  extraEgress: true,
  kubeApiCidrs: true,
  kubeApiPort: true,
  labels: true,
});

const DEFAULT_CLUSTER_DNS: HostPodSelector = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };
const DEFAULT_METRICS_SERVER: HostPodSelector = { namespace: 'kube-system', podLabels: { 'app.kubernetes.io/name': 'metrics-server' } };

/** The host policies of one vcluster namespace, by name, as rendered. */
export type RenderedPolicy = k8s.KubeNetworkPolicy | CiliumNetworkPolicy;

function tcp(port: number): k8s.NetworkPolicyPort {
  return { protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) };
}
function udp(port: number): k8s.NetworkPolicyPort {
  return { protocol: 'UDP', port: k8s.IntOrString.fromNumber(port) };
}
/** Pods of a namespace: all of them, or those with `podLabels`. */
function inNamespace(ns: string, podLabels?: Readonly<Record<string, string>>): k8s.NetworkPolicyPeer {
  const namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': ns } };
  return podLabels ? { namespaceSelector, podSelector: { matchLabels: { ...podLabels } } } : { namespaceSelector };
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
 * - P7 `allow-vcluster-lb-snat` (Cilium, load-balancer exposure only): ingress to the control plane on
 *   8443 from `host`, `remote-node` and `world` (load-balancer traffic SNAT'd to the node). An internal
 *   or gateway API gets no such opening (the original platform had the load-balancer exposure only).
 * - P8 `allow-nfs-egress` (with `enableNFS`): egress to the NFS CIDR on TCP 2049.
 * - P9 `allow-<name>-egress`: one per extra egress rule.
 *
 * **`strict` mode** (default-deny with only what the vcluster itself needs, plus what is declared):
 * P1, P2, P3, P4, P5 as above; P6 reduced to API ingress on 8443 from the API client namespaces and
 * CIDRs, monitoring ingress, metrics-server egress, and 1Password egress only when a pod of the
 * namespace needs it; P7 as above; P8 and P9 as declared. There is no public
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
  public readonly mode: IsolationMode;
  /** Every rendered policy, in output order. */
  public readonly policies: RenderedPolicy[] = [];

  private readonly labels: Readonly<Record<string, string>>;
  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: NetworkIsolationProps) {
    super(scope, id);
    const { vcluster } = props;
    this.mode = props.mode ?? 'standard';
    checkProps(props, this.mode);
    this.namespace = vcluster.names.namespace;
    this.labels = props.labels ?? {};
    const strict = this.mode === 'strict';
    const metricsServer = props.metricsServer ?? valueAtPath(vcluster.helmValues(), ['integrations', 'metricsServer', 'enabled']) !== false;

    this.baseline(props.clusterDns ?? DEFAULT_CLUSTER_DNS); // P1, P2
    if (props.cilium)
      this.ciliumHostAccess(props.hostDnsAddress); // P3, P4
    else this.portableHostAccess(props);
    this.intraNamespace(vcluster, strict && vcluster.etcdMembers > 0); // P5
    this.external(props, strict, metricsServer); // P6
    // P7: only where a load balancer delivers the API (an internal or gateway API admits no node or world traffic)
    if (props.cilium && vcluster.endpoint.loadBalancerSnat) this.loadBalancerSnat();
    // P8
    if (props.enableNFS) {
      this.policy('allow-nfs-egress', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [ipBlock(props.nfsCidr ?? '')], ports: [tcp(NFS_PORT)] }],
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

  /** P1 `default-deny-all` and P2 `allow-dns` (to the host cluster DNS pods). */
  private baseline(clusterDns: HostPodSelector): void {
    this.policy('default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    this.policy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [inNamespace(clusterDns.namespace, clusterDns.podLabels)], ports: [udp(53), tcp(53)] }],
    });
  }

  /** With Cilium: P3 `allow-kube-api` (the kube-apiserver entity) and P4 `allow-coredns-to-host-dns`. */
  private ciliumHostAccess(hostDnsAddress: string | undefined): void {
    this.cilium('allow-kube-api', {
      endpointSelector: {},
      egress: [{ toEntities: [CiliumNetworkPolicySpecEgressToEntities.KUBE_HYPHEN_APISERVER] }],
    });
    if (!hostDnsAddress) return;
    const protocol = CiliumNetworkPolicySpecEgressToPortsPortsProtocol;
    this.cilium('allow-coredns-to-host-dns', {
      endpointSelector: {},
      egress: [
        {
          toCidr: [`${hostDnsAddress}/32`],
          toPorts: [
            {
              ports: [
                { port: '53', protocol: protocol.UDP },
                { port: '53', protocol: protocol.TCP },
              ],
            },
          ],
        },
      ],
    });
  }

  /** Without Cilium: the API server egress by port (and CIDRs), and the host DNS by address. */
  private portableHostAccess(props: NetworkIsolationProps): void {
    this.policy('allow-kube-api-egress', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          ...(props.kubeApiCidrs?.length ? { to: props.kubeApiCidrs.map((c) => ipBlock(c)) } : {}),
          ports: [tcp(props.kubeApiPort ?? 6443)],
        },
      ],
    });
    if (props.hostDnsAddress) {
      this.policy('allow-host-dns-egress', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [ipBlock(`${props.hostDnsAddress}/32`)], ports: [udp(53), tcp(53)] }],
      });
    }
  }

  /** P5 `allow-intra-namespace`; with an isolated etcd, its pods admit only the control plane and their peers. */
  private intraNamespace(vcluster: IVCluster, etcdIsolated: boolean): void {
    const notEtcd: k8s.LabelSelector = { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['vcluster-etcd'] }] };
    this.policy('allow-intra-namespace', {
      podSelector: etcdIsolated ? notEtcd : {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    });
    if (!etcdIsolated) return;
    const release = vcluster.names.release;
    const etcdPods = { app: 'vcluster-etcd', release };
    this.policy('allow-etcd-from-control-plane', {
      podSelector: { matchLabels: etcdPods },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'vcluster', release } } }, { podSelector: { matchLabels: etcdPods } }] }],
      egress: [{ to: [{ podSelector: { matchLabels: etcdPods } }] }],
    });
  }

  /** P6 `allow-vcluster-external`: API, gateway, monitoring and public ingress; 1Password, metrics-server and public egress. */
  private external(props: NetworkIsolationProps, strict: boolean, metricsServer: boolean): void {
    const namespaces = [...new Set([...(props.apiClientNamespaces ?? []), ...props.vcluster.endpoint.clientNamespaces])];
    const ingress: k8s.NetworkPolicyIngressRule[] = [];
    const apiPeers = [...namespaces.map((ns) => inNamespace(ns)), ...(props.apiClientCidrs ?? []).map((c) => ipBlock(c))];
    if (apiPeers.length) ingress.push({ from: apiPeers, ports: [tcp(API_TARGET_PORT)] });
    if (!strict && props.workloadGatewayNamespace) ingress.push({ from: [inNamespace(props.workloadGatewayNamespace)] });
    if (props.monitoringNamespace) ingress.push({ from: [inNamespace(props.monitoringNamespace)] });
    if (!strict) ingress.push({ from: [ipBlock('0.0.0.0/0')], ports: PUBLIC_INGRESS_PORTS.map(tcp) });
    const egress: k8s.NetworkPolicyEgressRule[] = [];
    if (props.onePasswordConnectCidr && (!strict || props.onePasswordEgress !== false)) {
      egress.push({ to: [ipBlock(props.onePasswordConnectCidr)], ports: [tcp(443)] });
    }
    if (metricsServer) {
      const peer = props.metricsServerPeer ?? DEFAULT_METRICS_SERVER;
      egress.push({ to: [inNamespace(peer.namespace, peer.podLabels)], ports: [tcp(METRICS_SERVER_PORT)] });
    }
    if (!strict) egress.push({ to: [ipBlock('0.0.0.0/0', props.privateCidrs ?? RFC1918)], ports: [tcp(443), tcp(80), udp(53), tcp(53)] });
    if (!ingress.length && !egress.length) return;
    this.policy('allow-vcluster-external', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ...(ingress.length ? { ingress } : {}),
      ...(egress.length ? { egress } : {}),
    });
  }

  /** P7 `allow-vcluster-lb-snat`: load-balancer traffic SNAT'd to the nodes reaches the control plane on 8443. */
  private loadBalancerSnat(): void {
    const from = CiliumNetworkPolicySpecIngressFromEntities;
    this.cilium('allow-vcluster-lb-snat', {
      endpointSelector: { matchLabels: { app: 'vcluster' } },
      ingress: [
        {
          fromEntities: [from.HOST, from.REMOTE_HYPHEN_NODE, from.WORLD],
          toPorts: [{ ports: [{ port: String(API_TARGET_PORT), protocol: CiliumNetworkPolicySpecIngressToPortsPortsProtocol.TCP }] }],
        },
      ],
    });
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

/** Checks the props; throws one error listing every problem. */
function checkProps(props: NetworkIsolationProps, mode: IsolationMode): void {
  const p = new Problems();
  checkKnownKeys(p, '', props, PROPS_KEYS);
  p.oneOf('mode', mode, ISOLATION_MODES);
  if (props.hostDnsAddress !== undefined) p.ipv4('hostDnsAddress', props.hostDnsAddress);
  (props.apiClientNamespaces ?? []).forEach((ns, i) => p.dnsLabel(`apiClientNamespaces[${i}]`, ns));
  (props.apiClientCidrs ?? []).forEach((c, i) => p.cidr4(`apiClientCidrs[${i}]`, c));
  if (props.workloadGatewayNamespace !== undefined) p.dnsLabel('workloadGatewayNamespace', props.workloadGatewayNamespace);
  if (props.monitoringNamespace !== undefined) p.dnsLabel('monitoringNamespace', props.monitoringNamespace);
  if (props.onePasswordConnectCidr !== undefined) p.cidr4('onePasswordConnectCidr', props.onePasswordConnectCidr);
  for (const [field, peer] of [
    ['clusterDns', props.clusterDns ?? DEFAULT_CLUSTER_DNS],
    ['metricsServerPeer', props.metricsServerPeer ?? DEFAULT_METRICS_SERVER],
  ] as const) {
    p.dnsLabel(`${field}.namespace`, peer.namespace);
    p.labels(`${field}.podLabels`, peer.podLabels);
  }
  (props.privateCidrs ?? RFC1918).forEach((c, i) => p.cidr4(`privateCidrs[${i}]`, c));
  if (props.enableNFS) {
    if (props.nfsCidr === undefined) p.add('nfsCidr', undefined, "the NFS servers' CIDR when enableNFS is true");
    else p.cidr4('nfsCidr', props.nfsCidr);
  }
  checkExtraEgress(p, props.extraEgress, props.enableNFS === true);
  props.kubeApiCidrs?.forEach((c, i) => p.cidr4(`kubeApiCidrs[${i}]`, c));
  p.port('kubeApiPort', props.kubeApiPort ?? 6443);
  p.labels('labels', props.labels);
  p.throwIfAny(`NetworkIsolation of "${props.vcluster.names.release}"`);
}
