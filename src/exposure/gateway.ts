/**
 * `Exposure.gateway({...})`: the vcluster API behind a shared Gateway API Gateway, through a
 * `TLSRoute` that passes TLS through to the vcluster, so client-certificate authentication (what
 * Argo CD uses) keeps working. An HTTPRoute terminating TLS at the gateway would break client
 * certificates, so it is not offered.
 */
import { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { TlsRoute } from '../../imports/gateway-tlsroute-gateway.networking.k8s.io';
import type { ApiEndpoint, IVCluster } from '../vcluster/ivcluster';
import type { JsonObject } from '../vcluster/helm-values';
import { Problems, keysOf } from '../validation';
import { ExposureContext, ExposureMode, GatewayRef } from './exposure-mode';
import { defaultHostname } from './load-balancer';

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

/** What a gateway exposure resolves to. */
export interface GatewayEndpoint extends ApiEndpoint {
  /** The Gateway the route attaches to. */
  readonly gateway?: GatewayRef;
  /** The chart's Service and TLS SANs. */
  readonly helmValues: JsonObject;
}

/** The Gateway API exposure. */
export class GatewayExposure extends ExposureMode<GatewayEndpoint> {
  public readonly mode = 'gateway';
  public readonly optionKeys = keysOf<GatewayExposureProps>({
    hostname: true,
    gatewayName: true,
    gatewayNamespace: true,
    sectionName: true,
  });

  constructor(public readonly props: GatewayExposureProps = {}) {
    super();
  }

  public endpoint(problems: Problems, ctx: ExposureContext): GatewayEndpoint {
    const hostname = defaultHostname(problems, this.props.hostname, ctx);
    const gateway = this.gatewayOf(problems, ctx);
    const serverUrl = `https://${hostname}:443`;
    return {
      mode: this.mode,
      hostname,
      apiPort: 443,
      serverUrl,
      publicHostname: hostname,
      gateway,
      clientNamespaces: gateway ? [gateway.namespace] : [],
      loadBalancerSnat: false,
      description: `${serverUrl} (gateway${gateway ? ` ${gateway.namespace}/${gateway.name}` : ''})`,
      helmValues: { controlPlane: { service: { enabled: true, spec: { type: 'ClusterIP' } }, proxy: { extraSANs: [hostname] } } },
    };
  }

  public bind(scope: Construct, vcluster: IVCluster, endpoint: GatewayEndpoint): void {
    vcluster.addHelmValues('exposure', endpoint.helmValues);
    if (!endpoint.gateway) return;
    new ApiRoute(scope, 'ApiRoute', {
      name: vcluster.names.apiRoute,
      namespace: vcluster.names.namespace,
      hostname: endpoint.hostname,
      serviceName: vcluster.names.service,
      gateway: endpoint.gateway,
    });
  }

  /** The Gateway: named by the options, else the site's; a problem when there is none. */
  private gatewayOf(problems: Problems, ctx: ExposureContext): GatewayRef | undefined {
    const p = this.props;
    const gateway =
      p.gatewayName || p.gatewayNamespace
        ? {
            name: p.gatewayName ?? ctx.gateway?.name ?? '',
            namespace: p.gatewayNamespace ?? ctx.gateway?.namespace ?? '',
            sectionName: p.sectionName ?? ctx.gateway?.sectionName,
          }
        : ctx.gateway && { ...ctx.gateway, sectionName: p.sectionName ?? ctx.gateway.sectionName };
    if (!gateway) {
      problems.add(
        'exposure',
        'gateway',
        'a gateway exposure only when the platform configures a gateway (platform.gateway) or the exposure names gatewayName and gatewayNamespace',
      );
      return undefined;
    }
    problems.dnsLabel('exposure.gatewayName', gateway.name);
    problems.dnsLabel('exposure.gatewayNamespace', gateway.namespace);
    if (gateway.sectionName !== undefined) problems.dnsLabel('exposure.sectionName', gateway.sectionName);
    return gateway;
  }
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
  readonly gateway: GatewayRef;
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
