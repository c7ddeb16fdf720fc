/**
 * CoreDnsPatch: the DNS of a vcluster. Renders the Corefile the vcluster chart runs
 * (`controlPlane.coredns.overwriteConfig`) and the CoreDNS replicas, and hands them to the
 * {@link VCluster} as Helm values.
 */
import { Construct } from 'constructs';
import { ChartLine, REPLICA_LIMITS } from './presets';
import { Problems, ValidationError, isPlainObject, keysOf } from './validation';
import { valueAtPath } from './vcluster/helm-values';
import type { IVCluster } from './vcluster/ivcluster';

/** Port the vcluster's CoreDNS listens on inside its pod. */
export const COREDNS_PORT = 1053;
/** The host resolver, what a forward to "the node's DNS" means inside a pod. */
export const HOST_RESOLVER = '/etc/resolv.conf';
/** The zone the chart's Corefile always serves (besides a cluster domain of the vcluster's own). */
export const CHART_CLUSTER_DOMAIN = 'cluster.local';
/** TTL of the answers of the `kubernetes` plugin: the original platform's Corefile set 30 s (the plugin's default is 5 s). */
export const KUBERNETES_TTL_SECONDS = 30;

/** A DNS zone forwarded to its own upstream servers. */
export interface ForwardZone {
  /** Zone, e.g. `corp.example.com`. */
  readonly zone: string;
  /** Upstream DNS servers: IPv4 addresses, optionally with `:port`. */
  readonly upstreams: readonly string[];
}

/** The DNS settings of a vcluster: the `coredns` section of a declaration. */
export interface CoreDnsSettings {
  /** CoreDNS replicas. @default - the preset's (dev 1, prod 2) */
  readonly replicas?: number;
  /** Zones forwarded to their own upstreams. @default [] */
  readonly forwardZones?: readonly ForwardZone[];
  /** Upstreams of everything else. @default - the host resolver (/etc/resolv.conf) */
  readonly upstreams?: readonly string[];
  /** Cache TTL in seconds. @default 30 */
  readonly cacheSeconds?: number;
}

/** Keys of the DNS settings, for the unknown-key checks. */
export const COREDNS_KEYS = {
  coredns: keysOf<CoreDnsSettings>({ replicas: true, forwardZones: true, upstreams: true, cacheSeconds: true }),
  forwardZone: keysOf<ForwardZone>({ zone: true, upstreams: true }),
};

/** Props of {@link CoreDnsPatch}: the DNS settings and the vcluster (whose cluster domain is served). */
export interface CoreDnsPatchProps extends CoreDnsSettings {
  /** The vcluster whose DNS this is; its cluster domain is served, and it receives the Helm values. */
  readonly vcluster: IVCluster;
}

/** An upstream: an IPv4 address with an optional port, or the host resolver file. */
function checkUpstream(p: Problems, field: string, v: unknown, allowResolvConf: boolean): void {
  if (allowResolvConf && v === HOST_RESOLVER) return;
  const m = typeof v === 'string' ? /^([^:]+)(?::(\d{1,5}))?$/.exec(v) : null;
  const allowed = allowResolvConf
    ? `an IPv4 address with an optional ":port" (e.g. "10.0.0.53", "10.0.0.53:5353") or "${HOST_RESOLVER}"`
    : 'an IPv4 address with an optional ":port" (e.g. "10.0.0.53", "10.0.0.53:5353")';
  if (!m || !new Problems().ipv4('x', m[1]) || (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535))) {
    p.add(field, v, allowed);
  }
}

/** Checks one forward zone against the cluster domain and the zones already forwarded. */
function checkForwardZone(
  p: Problems,
  field: string,
  zone: unknown,
  upstreams: unknown,
  clusterDomain: string,
  existing: readonly string[],
): void {
  const name = typeof zone === 'string' ? zone.replace(/\.$/, '') : zone;
  if (p.dnsSubdomain(`${field}.zone`, name)) {
    const n = name as string;
    const served = clusterDomain === CHART_CLUSTER_DOMAIN ? [clusterDomain] : [clusterDomain, CHART_CLUSTER_DOMAIN];
    const inside = served.find((d) => n === d || n.endsWith(`.${d}`));
    if (inside) {
      p.add(
        `${field}.zone`,
        zone,
        `a zone outside the cluster domain "${clusterDomain}"${served.length > 1 ? ' and "cluster.local"' : ''} (the kubernetes plugin serves ${served.length > 1 ? 'them' : 'it'})`,
      );
    } else if (existing.includes(n)) {
      p.add(`${field}.zone`, zone, 'a zone that is not forwarded already');
    }
  }
  if (!Array.isArray(upstreams) || !upstreams.length) p.add(`${field}.upstreams`, upstreams, 'a non-empty list of upstream DNS servers');
  else upstreams.forEach((u, i) => checkUpstream(p, `${field}.upstreams[${i}]`, u, false));
}

/**
 * Checks DNS settings: replicas within the limits, upstreams, cache 0..86400 s, and forward zones
 * (DNS names outside the cluster domain, no duplicates, IPv4 upstreams).
 * @param p collector; fields are reported under its prefix (e.g. `coredns.upstreams[0]`)
 * @param clusterDomain the cluster domain the vcluster serves itself (no zone may be forwarded inside it)
 */
export function checkCoreDnsSettings(p: Problems, s: CoreDnsSettings, clusterDomain: string): void {
  if (s.replicas !== undefined) p.integer('replicas', s.replicas, REPLICA_LIMITS.coredns.min, REPLICA_LIMITS.coredns.max);
  if (s.upstreams !== undefined) {
    if (!Array.isArray(s.upstreams) || !s.upstreams.length)
      p.add('upstreams', s.upstreams, `a non-empty list of upstreams (e.g. ["${HOST_RESOLVER}"])`);
    else s.upstreams.forEach((u, i) => checkUpstream(p, `upstreams[${i}]`, u, true));
  }
  if (s.cacheSeconds !== undefined) p.integer('cacheSeconds', s.cacheSeconds, 0, 86400);
  if (s.forwardZones === undefined) return;
  if (!Array.isArray(s.forwardZones)) {
    p.add('forwardZones', s.forwardZones, 'a list of {zone, upstreams}');
    return;
  }
  const seen: string[] = [];
  s.forwardZones.forEach((z: unknown, i) => {
    if (!isPlainObject(z)) {
      p.add(`forwardZones[${i}]`, z, 'a {zone, upstreams} entry');
      return;
    }
    checkForwardZone(p, `forwardZones[${i}]`, z.zone, z.upstreams, clusterDomain, seen);
    if (typeof z.zone === 'string') seen.push(z.zone.replace(/\.$/, ''));
  });
}

/**
 * What the chart's default Corefile depends on besides the DNS settings: values of the vcluster's
 * Helm values (the chart's defaults where they set none).
 */
export interface CorefileContext {
  /** Cluster domain inside the vcluster (`networking.advanced.clusterDomain`). */
  readonly clusterDomain: string;
  /** `networking.advanced.proxyKubelets.byHostname`: fake node hostnames resolve through the node-name rewrite. */
  readonly nodeHostnames: boolean;
  /** `networking.advanced.fallbackHostCluster`: names the vcluster does not know fall through to the host cluster's DNS. */
  readonly fallbackHostCluster: boolean;
  /** `policies.networkPolicy.fallbackDns`, when `policies.networkPolicy.enabled` (the chart then forwards to it second). */
  readonly networkPolicyFallbackDns?: string;
  /** `controlPlane.coredns.embedded` (vcluster Pro): CoreDNS runs inside the control plane. */
  readonly embedded: boolean;
  /** `networking.resolveDNS` is not empty (with embedded CoreDNS the `vcluster` plugin resolves those rules). */
  readonly resolveDns: boolean;
}

/** The project's additions to the chart's Corefile: upstreams, cache TTL and forward zones. */
export interface CorefileAdditions {
  /** Upstreams of everything else (the host resolver by default). */
  readonly upstreams: readonly string[];
  /** Cache TTL in seconds. */
  readonly cacheSeconds: number;
  /** Zones forwarded to their own upstreams, one server block each. */
  readonly forwardZones: readonly ForwardZone[];
}

/**
 * The chart's default Corefile with the project's additions. The default is the syncer's template
 * (`pkg/coredns/template.go`, used whenever `overwriteConfig` is empty); read at the tags v0.30.4,
 * v0.31.1, v0.31.3 and v0.36.1, where it is identical: the node-name `rewrite`, the `kubernetes`
 * plugin for the cluster domain and `cluster.local`, `hosts /etc/coredns/NodeHosts` (the fake
 * nodes the syncer writes there), `prometheus :9153`, `forward`, `cache`, `loop`, `reload`,
 * `loadbalance`, and `import /etc/coredns/custom/*.server` (a tenant's `coredns-custom`
 * ConfigMap). The additions: the upstreams of `forward`, the cache TTL, `ttl 30` for the
 * `kubernetes` plugin (the original platform's), and one server block per forward zone.
 */
function chartDefaultCorefile(c: CorefileContext, a: CorefileAdditions): string {
  const i = '    ';
  const lines = [`.:${COREDNS_PORT} {`, `${i}errors`, `${i}health`, `${i}ready`];
  if (c.embedded && c.resolveDns) lines.push(`${i}vcluster`);
  if (c.nodeHostnames) lines.push(`${i}rewrite name regex .*\\.nodes\\.vcluster\\.com kubernetes.default.svc.${CHART_CLUSTER_DOMAIN}`);
  const domains = c.clusterDomain === CHART_CLUSTER_DOMAIN ? CHART_CLUSTER_DOMAIN : `${c.clusterDomain} ${CHART_CLUSTER_DOMAIN}`;
  lines.push(`${i}kubernetes ${domains} in-addr.arpa ip6.arpa {`);
  if (c.embedded) lines.push(`${i}${i}kubeconfig /data/vcluster/admin.conf`);
  lines.push(
    `${i}${i}pods insecure`,
    `${i}${i}fallthrough ${c.fallbackHostCluster ? `${CHART_CLUSTER_DOMAIN} ` : ''}in-addr.arpa ip6.arpa`,
    `${i}${i}ttl ${KUBERNETES_TTL_SECONDS}`,
    `${i}}`,
    `${i}hosts /etc/coredns/NodeHosts {`,
    `${i}${i}ttl 60`,
    `${i}${i}reload 15s`,
    `${i}${i}fallthrough`,
    `${i}}`,
    `${i}prometheus :9153`,
  );
  if (!c.fallbackHostCluster && c.networkPolicyFallbackDns !== undefined) {
    lines.push(`${i}forward . ${a.upstreams.join(' ')} ${c.networkPolicyFallbackDns} {`, `${i}${i}policy sequential`, `${i}}`);
  } else {
    lines.push(`${i}forward . ${a.upstreams.join(' ')}`);
  }
  lines.push(`${i}cache ${a.cacheSeconds}`, `${i}loop`);
  if (!c.embedded) lines.push(`${i}reload`);
  lines.push(`${i}loadbalance`, '}');
  for (const z of a.forwardZones) {
    lines.push(
      '',
      `${z.zone}:${COREDNS_PORT} {`,
      `${i}errors`,
      `${i}cache ${a.cacheSeconds}`,
      `${i}forward . ${z.upstreams.join(' ')}`,
      '}',
    );
  }
  lines.push('', 'import /etc/coredns/custom/*.server');
  return lines.join('\n');
}

/**
 * The chart's Corefile per supported chart line (each line's template, read at its tags: the
 * default is the same at v0.30.4, v0.31.1, v0.31.3 and v0.36.1). A test requires an entry for every
 * line in `CHART_LINES`, so importing a new line's schema asks for its Corefile to be read too.
 */
export const CHART_COREFILES: Readonly<Record<ChartLine, (c: CorefileContext, a: CorefileAdditions) => string>> = {
  '0.30': chartDefaultCorefile,
  '0.31': chartDefaultCorefile,
  '0.36': chartDefaultCorefile,
};

/** The values the chart's Corefile depends on, read from a vcluster's Helm values (chart defaults where unset). */
export function corefileContext(values: unknown): CorefileContext {
  const at = (path: string) => valueAtPath(values, path.split('.'));
  const resolveDns = at('networking.resolveDNS');
  const policy = at('policies.networkPolicy.enabled') === true;
  const fallbackDns = at('policies.networkPolicy.fallbackDns');
  return {
    clusterDomain:
      typeof at('networking.advanced.clusterDomain') === 'string'
        ? (at('networking.advanced.clusterDomain') as string)
        : CHART_CLUSTER_DOMAIN,
    nodeHostnames: at('networking.advanced.proxyKubelets.byHostname') !== false,
    fallbackHostCluster: at('networking.advanced.fallbackHostCluster') === true,
    networkPolicyFallbackDns: policy ? (typeof fallbackDns === 'string' ? fallbackDns : '8.8.8.8') : undefined,
    embedded: at('controlPlane.coredns.embedded') === true,
    resolveDns: Array.isArray(resolveDns) && resolveDns.length > 0,
  };
}

/**
 * The DNS of a vcluster: the Corefile of the CoreDNS the vcluster chart deploys inside the virtual
 * cluster, its forward zones, upstreams and cache, and its replicas.
 *
 * The Corefile (`controlPlane.coredns.overwriteConfig`) replaces the chart's whole default, so it is
 * the chart line's default Corefile ({@link CHART_COREFILES}) with the project's additions: the
 * node-name rewrite, the `kubernetes` plugin (cluster domain, `cluster.local`, reverse zones,
 * `ttl 30`), `hosts /etc/coredns/NodeHosts`, metrics on `:9153`, `forward` to the upstreams (by
 * default the host resolver `/etc/resolv.conf`), the cache TTL, one server block per forward zone,
 * and `import /etc/coredns/custom/*.server`, so fake node names resolve and a tenant's
 * `coredns-custom` ConfigMap still works. What the default depends on is read from the
 * vcluster's Helm values (node hostnames, the network-policy fallback DNS, embedded CoreDNS); with
 * `networking.advanced.fallbackHostCluster` the upstreams must be given (the chart forwards to the
 * host cluster's DNS address, which only the running syncer knows). The vcluster chart renders
 * the Corefile into its own ConfigMap; no other ConfigMap is needed (the original platform's
 * `vc-<name>-coredns` ConfigMap was read by nothing and is not rendered).
 *
 * @example
 * const dns = new CoreDnsPatch(chart, 'Dns', { vcluster, replicas: 2 }); // serves vcluster.clusterDomain
 * dns.addForwardZone('corp.example.com', ['10.0.0.53']);
 *
 * @see https://www.vcluster.com/docs/vcluster/configure/vcluster-yaml/control-plane/components/coredns
 * @see https://coredns.io/manual/configuration/
 */
export class CoreDnsPatch extends Construct {
  /** Cluster domain served. */
  public readonly clusterDomain: string;
  /** Upstreams of everything else. */
  public readonly upstreams: readonly string[];
  /** Cache TTL in seconds. */
  public readonly cacheSeconds: number;
  /** Replicas, when this patch sets them. */
  public readonly replicas?: number;
  private readonly zones: ForwardZone[] = [];
  private readonly vcluster: IVCluster;
  private readonly upstreamsGiven: boolean;

  constructor(scope: Construct, id: string, props: CoreDnsPatchProps) {
    super(scope, id);
    const p = new Problems();
    this.clusterDomain = props.vcluster.clusterDomain;
    checkCoreDnsSettings(p, props, this.clusterDomain);
    this.replicas = props.replicas;
    this.upstreamsGiven = Array.isArray(props.upstreams);
    this.upstreams = Array.isArray(props.upstreams) ? [...props.upstreams] : [HOST_RESOLVER];
    this.cacheSeconds = props.cacheSeconds ?? 30;
    this.vcluster = props.vcluster;
    if (!this.upstreamsGiven && corefileContext(props.vcluster.helmValues()).fallbackHostCluster) {
      p.add(
        'upstreams',
        undefined,
        'the host cluster\'s DNS address (e.g. ["10.96.0.10"]) while networking.advanced.fallbackHostCluster is true: the chart forwards to it, and only the running syncer knows it',
        'set coredns.upstreams to the host cluster DNS Service address',
      );
    }
    p.throwIfAny(`CoreDnsPatch of "${props.vcluster.names.release}"`);
    for (const z of props.forwardZones ?? []) this.zones.push({ zone: z.zone.replace(/\.$/, ''), upstreams: [...z.upstreams] });
    this.contribute();
    this.node.addValidation({ validate: () => this.staleness() });
  }

  /**
   * Forwards a zone to its own upstream servers (e.g. a corporate domain to its DNS servers).
   * @param zone a DNS name such as `corp.example.com`; not the cluster domain, not a duplicate
   * @param upstreams IPv4 addresses with optional `:port`
   */
  public addForwardZone(zone: string, upstreams: readonly string[]): void {
    const p = new Problems();
    checkForwardZone(
      p,
      'forwardZone',
      zone,
      upstreams,
      this.clusterDomain,
      this.zones.map((z) => z.zone),
    );
    p.throwIfAny(`CoreDnsPatch.addForwardZone of "${this.vcluster.names.release}"`);
    this.zones.push({ zone: zone.replace(/\.$/, ''), upstreams: [...upstreams] });
    this.contribute();
  }

  /** The forward zones, in the order they were added. */
  public get forwardZones(): readonly ForwardZone[] {
    return this.zones;
  }

  /**
   * The Corefile, exactly as the chart receives it (no trailing newline): the chart line's default
   * for the vcluster's current Helm values, with this patch's additions.
   */
  public corefile(): string {
    return this.corefileFor(this.vcluster.helmValues());
  }

  private corefileFor(values: unknown): string {
    return CHART_COREFILES[this.vcluster.chartLine](corefileContext(values), {
      upstreams: this.upstreams,
      cacheSeconds: this.cacheSeconds,
      forwardZones: this.zones,
    });
  }

  /** Hands the current Corefile (and replicas) to the vcluster; a later call's values win. */
  private contribute(): void {
    const coredns: Record<string, unknown> = { enabled: true, overwriteConfig: this.corefile() };
    if (this.replicas !== undefined) coredns.deployment = { replicas: this.replicas };
    this.vcluster.addHelmValues('CoreDnsPatch', { controlPlane: { coredns } });
  }

  /** Refuses final values that no longer match the Corefile (values added later changed what it depends on). */
  private staleness(): string[] {
    const values = this.vcluster.helmValues();
    const written = valueAtPath(values, ['controlPlane', 'coredns', 'overwriteConfig']);
    if (written === this.corefileFor(values)) return [];
    const problem = {
      field: 'controlPlane.coredns.overwriteConfig',
      value: written,
      allowed: `the Corefile the CoreDnsPatch of "${this.vcluster.names.release}" renders for the final Helm values (the chart's default with its additions)`,
      fix: 'add Helm values that change networking or policies before the CoreDnsPatch is created, and never set overwriteConfig by hand',
    };
    return [new ValidationError([problem], `CoreDNS of "${this.vcluster.names.release}"`).message];
  }
}
