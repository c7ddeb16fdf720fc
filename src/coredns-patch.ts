/**
 * CoreDnsPatch: the DNS of a vcluster. Renders the Corefile the vcluster chart runs
 * (`controlPlane.coredns.overwriteConfig`) and the CoreDNS replicas, and hands them to the
 * {@link VCluster} as Helm values.
 */
import { Construct } from 'constructs';
import { REPLICA_LIMITS } from './presets';
import { Problems, isPlainObject, keysOf } from './validation';
import type { IVCluster } from './vcluster/ivcluster';

/** Port the vcluster's CoreDNS listens on inside its pod. */
export const COREDNS_PORT = 1053;
/** The host resolver, what a forward to "the node's DNS" means inside a pod. */
export const HOST_RESOLVER = '/etc/resolv.conf';

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
    if (n === clusterDomain || n.endsWith(`.${clusterDomain}`)) {
      p.add(`${field}.zone`, zone, `a zone outside the cluster domain "${clusterDomain}" (the kubernetes plugin serves it)`);
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
 * The DNS of a vcluster: the Corefile of the CoreDNS the vcluster chart deploys inside the virtual
 * cluster, its forward zones, upstreams and cache, and its replicas.
 *
 * The Corefile (`controlPlane.coredns.overwriteConfig`) serves the cluster domain and the reverse
 * zones from the vcluster's API (`kubernetes` plugin, `ttl 30`), exposes metrics on `:9153`,
 * forwards everything else to the upstreams (by default the host resolver `/etc/resolv.conf`), and
 * adds one server block per forward zone. The vcluster chart renders it into its own ConfigMap; no
 * other ConfigMap is needed (the original platform's `vc-<name>-coredns` ConfigMap was read by
 * nothing and is not rendered).
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

  constructor(scope: Construct, id: string, props: CoreDnsPatchProps) {
    super(scope, id);
    const p = new Problems();
    this.clusterDomain = props.vcluster.clusterDomain;
    checkCoreDnsSettings(p, props, this.clusterDomain);
    this.replicas = props.replicas;
    this.upstreams = Array.isArray(props.upstreams) ? [...props.upstreams] : [HOST_RESOLVER];
    this.cacheSeconds = props.cacheSeconds ?? 30;
    p.throwIfAny(`CoreDnsPatch of "${props.vcluster.names.release}"`);
    this.vcluster = props.vcluster;
    for (const z of props.forwardZones ?? []) this.zones.push({ zone: z.zone.replace(/\.$/, ''), upstreams: [...z.upstreams] });
    this.contribute();
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

  /** The Corefile, exactly as the chart receives it (no trailing newline). */
  public corefile(): string {
    const lines = [
      `.:${COREDNS_PORT} {`,
      '  errors',
      '  health',
      '  ready',
      `  kubernetes ${this.clusterDomain} in-addr.arpa ip6.arpa {`,
      '    pods insecure',
      '    fallthrough in-addr.arpa ip6.arpa',
      '    ttl 30',
      '  }',
      '  prometheus 0.0.0.0:9153',
      `  forward . ${this.upstreams.join(' ')}`,
      `  cache ${this.cacheSeconds}`,
      '  loop',
      '  reload',
      '  loadbalance',
      '}',
    ];
    for (const z of this.zones) {
      lines.push(`${z.zone}:${COREDNS_PORT} {`, '  errors', `  cache ${this.cacheSeconds}`, `  forward . ${z.upstreams.join(' ')}`, '}');
    }
    return lines.join('\n');
  }

  /** Hands the current Corefile (and replicas) to the vcluster; a later call's values win. */
  private contribute(): void {
    const coredns: Record<string, unknown> = { enabled: true, overwriteConfig: this.corefile() };
    if (this.replicas !== undefined) coredns.deployment = { replicas: this.replicas };
    this.vcluster.addHelmValues('CoreDnsPatch', { controlPlane: { coredns } });
  }
}
