/**
 * `Exposure.loadBalancer({...})`: the vcluster API on a LoadBalancer Service with a stable VIP and
 * an external-dns hostname (the original platform's only mode).
 */
import { Address4 } from 'ip-address';
import type { ApiEndpoint, IVCluster } from '../vcluster/ivcluster';
import type { JsonObject } from '../vcluster/helm-values';
import { DNS_1035_LABEL, Problems, keysOf, specialIpv4 } from '../validation';
import { API_TARGET_PORT, DEFAULT_VIP_OFFSET, ExposureContext, ExposureMode } from './exposure-mode';

/** Options of the `loadBalancer` exposure. */
export interface LoadBalancerExposureProps {
  /** Public hostname of the API (published by external-dns). @default `<name>.<baseDomain>` */
  readonly hostname?: string;
  /** Service port clients connect to; a port other than 443 also keeps 443 open. @default 443 */
  readonly apiPort?: number;
  /** Fixed load-balancer address. @default - derived from `subnet`, else chosen by the load balancer */
  readonly vip?: string;
  /** Subnet the VIP lies in; without `vip` the VIP is the network address + `vipOffset`. @default - none */
  readonly subnet?: string;
  /** Offset of the derived VIP from the subnet's network address. @default - the platform's (200) */
  readonly vipOffset?: number;
}

/** What a load-balancer exposure resolves to. */
export interface LoadBalancerEndpoint extends ApiEndpoint {
  /** The Service spec and TLS SANs of the chart. */
  readonly helmValues: JsonObject;
}

/** The LoadBalancer exposure. */
export class LoadBalancerExposure extends ExposureMode<LoadBalancerEndpoint> {
  public readonly mode = 'loadBalancer';
  public readonly optionKeys = keysOf<LoadBalancerExposureProps>({
    hostname: true,
    apiPort: true,
    vip: true,
    subnet: true,
    vipOffset: true,
  });

  constructor(public readonly props: LoadBalancerExposureProps = {}) {
    super();
  }

  public endpoint(problems: Problems, ctx: ExposureContext): LoadBalancerEndpoint {
    const props = this.props;
    checkVipOptions(problems, props);
    const hostname = defaultHostname(problems, props.hostname, ctx);
    const apiPort = props.apiPort ?? 443;
    problems.port('exposure.apiPort', apiPort);
    const vip = resolveVip(problems, props, props.vipOffset ?? ctx.vipOffset ?? DEFAULT_VIP_OFFSET);
    const extraSANs = vip ? [hostname, vip] : [hostname];
    const ports: JsonObject[] = [{ name: 'https', port: apiPort, targetPort: API_TARGET_PORT, protocol: 'TCP' }];
    if (apiPort !== 443) ports.push({ name: 'https-internal', port: 443, targetPort: API_TARGET_PORT, protocol: 'TCP' });
    const spec: JsonObject = { type: 'LoadBalancer', ports };
    if (vip) spec.loadBalancerIP = vip;
    const serverUrl = `https://${hostname}:${apiPort}`;
    return {
      mode: this.mode,
      hostname,
      apiPort,
      serverUrl,
      publicHostname: hostname,
      vip,
      clientNamespaces: [],
      loadBalancerSnat: true,
      description: `${serverUrl}${vip ? ` (VIP ${vip})` : ''}`,
      helmValues: {
        controlPlane: {
          service: { enabled: true, annotations: { 'external-dns.alpha.kubernetes.io/hostname': hostname }, spec },
          proxy: { extraSANs },
        },
      },
    };
  }

  public bind(_scope: unknown, vcluster: IVCluster, endpoint: LoadBalancerEndpoint): void {
    vcluster.addHelmValues('exposure', endpoint.helmValues);
  }
}

/** The given hostname, else `<release>.<baseDomain>`; checked either way (problems under `exposure.hostname`). */
export function defaultHostname(problems: Problems, hostname: string | undefined, ctx: ExposureContext): string {
  if (hostname === undefined && ctx.baseDomain === undefined) {
    problems.add('exposure.hostname', undefined, 'a hostname for the API (there is no site base domain to derive one from)');
    return '';
  }
  const value = hostname ?? `${ctx.release}.${ctx.baseDomain}`;
  // A hostname derived from an invalid name is the name's problem, reported once by its own check.
  if (hostname !== undefined || DNS_1035_LABEL.test(ctx.release)) problems.hostname('exposure.hostname', value);
  return value;
}

/** Options that only make sense together: an offset needs a subnet to derive from, and no fixed VIP. */
function checkVipOptions(problems: Problems, props: LoadBalancerExposureProps): void {
  if (props.vipOffset !== undefined) {
    if (props.vip !== undefined)
      problems.add(
        'exposure.vipOffset',
        props.vipOffset,
        'vipOffset only when the VIP is derived from exposure.subnet; an explicit exposure.vip ignores it',
        'remove vipOffset or vip',
      );
    else if (props.subnet === undefined)
      problems.add(
        'exposure.vipOffset',
        props.vipOffset,
        'vipOffset only together with exposure.subnet (the VIP is subnet network address + offset)',
        'add exposure.subnet, or remove vipOffset',
      );
  }
  const { vip, subnet } = props;
  if (typeof vip === 'string' && typeof subnet === 'string' && Address4.isValid(subnet) && Address4.isValid(vip)) {
    const net = new Address4(subnet);
    const address = new Address4(vip).correctForm();
    if (net.subnetMask < 31 && (address === net.startAddress().correctForm() || address === net.endAddress().correctForm())) {
      problems.add(
        'exposure.vip',
        vip,
        `a host address of ${subnet}, not its network or broadcast address`,
        'pick an address inside the load-balancer pool',
      );
    }
  }
}

/** Narrowest prefix a load-balancer subnet may have: a wider "subnet" is no address pool. */
export const MIN_SUBNET_PREFIX = 8;

/** The fixed VIP (checked against the subnet), the VIP derived from the subnet, or none. */
function resolveVip(problems: Problems, props: LoadBalancerExposureProps, offset: number): string | undefined {
  if (props.vipOffset !== undefined) problems.integer('exposure.vipOffset', props.vipOffset, 1, 65534);
  const { vip, subnet } = props;
  const subnetOk = subnet === undefined || (problems.cidr4('exposure.subnet', subnet) && checkSubnetRange(problems, subnet));
  if (vip !== undefined) {
    if (
      problems.ipv4('exposure.vip', vip) &&
      checkServiceAddress(problems, 'exposure.vip', vip) &&
      subnet !== undefined &&
      subnetOk &&
      !new Address4(vip).isInSubnet(new Address4(subnet))
    ) {
      problems.add('exposure.vip', vip, `an address inside exposure.subnet ${subnet}`, 'fix the VIP or the subnet');
    }
    return vip;
  }
  if (subnet !== undefined && subnetOk && Number.isInteger(offset) && offset > 0) return deriveVip(problems, subnet, offset);
  return undefined;
}

/** A load-balancer address is an ordinary unicast address: not loopback, link-local, multicast, reserved or unspecified. */
function checkServiceAddress(problems: Problems, field: string, address: string): boolean {
  const special = specialIpv4(address);
  if (special)
    return problems.add(
      field,
      address,
      `an ordinary unicast address for the load balancer, not ${special}`,
      'pick an address of the load-balancer pool',
    );
  return true;
}

/** A load-balancer subnet is an address pool: at most a /8, of ordinary unicast addresses. */
function checkSubnetRange(problems: Problems, subnet: string): boolean {
  const net = new Address4(subnet);
  if (net.subnetMask < MIN_SUBNET_PREFIX) {
    return problems.add(
      'exposure.subnet',
      subnet,
      `the load-balancer pool's subnet: a /${MIN_SUBNET_PREFIX} or narrower (/${net.subnetMask} is not an address pool)`,
      'name the subnet of the load-balancer pool, e.g. "10.0.4.0/24"',
    );
  }
  const special = specialIpv4(subnet);
  if (special)
    return problems.add('exposure.subnet', subnet, `a subnet of ordinary unicast addresses, not of ${special.replace(/^an? /, '')}`);
  return true;
}

/** Network address + offset, or `undefined` with a problem when it falls outside the subnet. */
function deriveVip(problems: Problems, subnet: string, offset: number): string | undefined {
  const net = new Address4(subnet);
  const start = net.startAddress().bigInt();
  const end = net.endAddress().bigInt();
  const vip = Address4.fromBigInt(start + BigInt(offset)).correctForm();
  if (start + BigInt(offset) < end) return vip;
  const hosts = Number(end - start) - 1;
  problems.add(
    'exposure.subnet',
    subnet,
    `a subnet with room for the derived VIP: network address + ${offset} = ${vip} is not a usable address of ${subnet} (${Math.max(hosts, 0)} usable addresses)`,
    hosts >= 1
      ? `give exposure.vip explicitly, use a larger subnet, or set exposure.vipOffset to at most ${hosts}`
      : 'give exposure.vip explicitly or use a larger subnet',
  );
  return undefined;
}
