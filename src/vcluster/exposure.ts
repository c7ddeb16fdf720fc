/**
 * How a vcluster's API server is reached from outside its host namespace: a closed choice of
 * `internal`, `loadBalancer` and `gateway`, resolved into the chart's Service values, the TLS
 * SANs, the external server URL and (for `gateway`) a Gateway API route.
 */
import { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { Address4 } from 'ip-address';
import { TlsRoute } from '../../imports/gateway-tlsroute-gateway.networking.k8s.io';
import { Problems } from '../validation';
import { JsonObject } from './helm-values';

/** Port the vcluster API listens on inside its pod (the Service's targetPort). */
export const API_TARGET_PORT = 8443;

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

/** Options of the `gateway` exposure. */
export interface GatewayExposureProps {
  /** Public hostname of the API (a TLS-passthrough listener of the Gateway must accept it). @default `<name>.<baseDomain>` */
  readonly hostname?: string;
  /** Gateway to attach to. @default - the platform's gateway */
  readonly gatewayName?: string;
  /** Namespace of that Gateway. @default - the platform's gateway namespace */
  readonly gatewayNamespace?: string;
  /** Listener of that Gateway. @default - the platform's, else any listener that accepts the route */
  readonly sectionName?: string;
}

/** The exposure modes. */
export type ExposureMode = 'internal' | 'loadBalancer' | 'gateway';

/**
 * How the vcluster API is exposed.
 *
 * - `Exposure.internal()`: a ClusterIP Service only; reachable from the host cluster (Argo CD on
 *   the same host) at `https://<release>.<namespace>.svc:443`.
 * - `Exposure.loadBalancer({...})`: a LoadBalancer Service with a stable VIP and an external-dns
 *   hostname (the original platform's only mode).
 * - `Exposure.gateway({...})`: a Gateway API `TLSRoute` on a shared Gateway. TLS passes through
 *   to the vcluster, so client-certificate authentication (what Argo CD uses) keeps working. An
 *   HTTPRoute terminating TLS at the gateway would break client certificates, so it is not offered.
 *
 * @see https://www.vcluster.com/docs/vcluster/manage/accessing-vcluster
 */
export class Exposure {
  /** ClusterIP only. */
  public static internal(): Exposure {
    return new Exposure('internal', {});
  }

  /** LoadBalancer Service with VIP and external-dns hostname. */
  public static loadBalancer(props: LoadBalancerExposureProps = {}): Exposure {
    return new Exposure('loadBalancer', props);
  }

  /** Gateway API TLS-passthrough route. */
  public static gateway(props: GatewayExposureProps = {}): Exposure {
    return new Exposure('gateway', props);
  }

  private constructor(
    /** The mode. */
    public readonly mode: ExposureMode,
    /** The options given. */
    public readonly props: LoadBalancerExposureProps & GatewayExposureProps,
  ) {}
}

/** What resolving an exposure needs to know about the vcluster and the site. */
export interface ExposureContext {
  /** Helm release (= Service name). */
  readonly release: string;
  /** Host namespace. */
  readonly namespace: string;
  /** Site base domain. */
  readonly baseDomain: string;
  /** Platform default VIP offset. */
  readonly vipOffset: number;
  /** Platform gateway. */
  readonly gateway?: { readonly name: string; readonly namespace: string; readonly sectionName?: string };
}

/** An exposure with every default applied and every address checked. */
export interface ResolvedExposure {
  /** The mode. */
  readonly mode: ExposureMode;
  /** Hostname clients use. */
  readonly hostname: string;
  /** Port clients use. */
  readonly apiPort: number;
  /** Load-balancer address, when known. */
  readonly vip?: string;
  /** Subnet of the VIP, when given. */
  readonly subnet?: string;
  /** URL of the API for kubeconfigs and Argo CD. */
  readonly serverUrl: string;
  /** Names and addresses added to the API certificate. */
  readonly extraSANs: readonly string[];
  /** Gateway the route attaches to (`gateway` mode). */
  readonly gateway?: { readonly name: string; readonly namespace: string; readonly sectionName?: string };
  /** The chart values of this exposure (`controlPlane.service`, `controlPlane.proxy`). */
  readonly helmValues: JsonObject;
}

/** Network address + offset, or `undefined` with a problem when it falls outside the subnet. */
function deriveVip(problems: Problems, subnet: string, offset: number): string | undefined {
  const net = new Address4(subnet);
  const start = net.startAddress().bigInt();
  const end = net.endAddress().bigInt();
  const vip = Address4.fromBigInt(start + BigInt(offset)).correctForm();
  if (start + BigInt(offset) >= end) {
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
  return vip;
}

/**
 * Applies defaults, derives the VIP and checks every address of an exposure. Problems are recorded
 * under `exposure.*`; the result is meaningful only when none were recorded.
 */
export function resolveExposure(problems: Problems, exposure: Exposure, ctx: ExposureContext): ResolvedExposure {
  const props = exposure.props;
  const defaultHost = `${ctx.release}.${ctx.baseDomain}`;
  if (exposure.mode === 'internal') {
    const hostname = `${ctx.release}.${ctx.namespace}.svc`;
    return {
      mode: 'internal',
      hostname,
      apiPort: 443,
      serverUrl: `https://${hostname}:443`,
      extraSANs: [],
      helmValues: { controlPlane: { service: { enabled: true, spec: { type: 'ClusterIP' } } } },
    };
  }
  const hostname = props.hostname ?? defaultHost;
  problems.hostname('exposure.hostname', hostname);
  if (exposure.mode === 'gateway') {
    const gateway =
      props.gatewayName || props.gatewayNamespace
        ? {
            name: props.gatewayName ?? ctx.gateway?.name ?? '',
            namespace: props.gatewayNamespace ?? ctx.gateway?.namespace ?? '',
            sectionName: props.sectionName ?? ctx.gateway?.sectionName,
          }
        : ctx.gateway && { ...ctx.gateway, sectionName: props.sectionName ?? ctx.gateway.sectionName };
    if (!gateway) {
      problems.add(
        'exposure',
        'gateway',
        'a gateway exposure only when the platform configures a gateway (platform.gateway) or the exposure names gatewayName and gatewayNamespace',
      );
    } else {
      problems.dnsLabel('exposure.gatewayName', gateway.name);
      problems.dnsLabel('exposure.gatewayNamespace', gateway.namespace);
      if (gateway.sectionName !== undefined) problems.dnsLabel('exposure.sectionName', gateway.sectionName);
    }
    return {
      mode: 'gateway',
      hostname,
      apiPort: 443,
      serverUrl: `https://${hostname}:443`,
      extraSANs: [hostname],
      gateway,
      helmValues: { controlPlane: { service: { enabled: true, spec: { type: 'ClusterIP' } }, proxy: { extraSANs: [hostname] } } },
    };
  }
  // loadBalancer
  const apiPort = props.apiPort ?? 443;
  problems.port('exposure.apiPort', apiPort);
  const offset = props.vipOffset ?? ctx.vipOffset;
  if (props.vipOffset !== undefined) problems.integer('exposure.vipOffset', props.vipOffset, 1, 65534);
  let vip = props.vip;
  const subnet = props.subnet;
  const subnetOk = subnet === undefined || problems.cidr4('exposure.subnet', subnet);
  if (vip !== undefined) {
    if (problems.ipv4('exposure.vip', vip) && subnet !== undefined && subnetOk && !new Address4(vip).isInSubnet(new Address4(subnet))) {
      problems.add('exposure.vip', vip, `an address inside exposure.subnet ${subnet}`, 'fix the VIP or the subnet');
    }
  } else if (subnet !== undefined && subnetOk && Number.isInteger(offset) && offset > 0) {
    vip = deriveVip(problems, subnet, offset);
  }
  const extraSANs = vip ? [hostname, vip] : [hostname];
  const ports: JsonObject[] = [{ name: 'https', port: apiPort, targetPort: API_TARGET_PORT, protocol: 'TCP' }];
  if (apiPort !== 443) ports.push({ name: 'https-internal', port: 443, targetPort: API_TARGET_PORT, protocol: 'TCP' });
  const spec: JsonObject = { type: 'LoadBalancer', ports };
  if (vip) spec.loadBalancerIP = vip;
  return {
    mode: 'loadBalancer',
    hostname,
    apiPort,
    vip,
    subnet,
    serverUrl: `https://${hostname}:${apiPort}`,
    extraSANs,
    helmValues: {
      controlPlane: {
        service: { enabled: true, annotations: { 'external-dns.alpha.kubernetes.io/hostname': hostname }, spec },
        proxy: { extraSANs },
      },
    },
  };
}

/** Props of {@link ApiRoute}. */
export interface ApiRouteProps {
  /** Route name. */
  readonly name: string;
  /** Namespace of the route and of the vcluster Service. */
  readonly namespace: string;
  /** Hostname the route matches (SNI). */
  readonly hostname: string;
  /** vcluster Service (= Helm release). */
  readonly serviceName: string;
  /** Gateway to attach to. */
  readonly gateway: { readonly name: string; readonly namespace: string; readonly sectionName?: string };
  /** Extra labels. @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * The Gateway API `TLSRoute` (gateway.networking.k8s.io/v1) sending TLS connections for the API
 * hostname, unterminated, to the vcluster Service on 443. The Gateway's TLS-passthrough listener
 * must allow routes from the vcluster namespace (`allowedRoutes.namespaces`).
 * @see https://gateway-api.sigs.k8s.io/guides/tls/
 */
export class ApiRoute extends Construct {
  /** The rendered route. */
  public readonly route: TlsRoute;

  constructor(scope: Construct, id: string, props: ApiRouteProps) {
    super(scope, id);
    const metadata: ApiObjectMetadata = {
      name: props.name,
      namespace: props.namespace,
      labels: { 'app.kubernetes.io/name': 'vcluster-api-route', ...(props.labels ?? {}) },
    };
    this.route = new TlsRoute(this, 'Resource', {
      metadata,
      spec: {
        parentRefs: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            name: props.gateway.name,
            namespace: props.gateway.namespace,
            ...(props.gateway.sectionName ? { sectionName: props.gateway.sectionName } : {}),
          },
        ],
        hostnames: [props.hostname],
        rules: [{ backendRefs: [{ name: props.serviceName, port: 443 }] }],
      },
    });
  }
}
