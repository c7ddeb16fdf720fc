/**
 * The contract every exposure mode fulfils: resolve its options against the site into the
 * vcluster's {@link ApiEndpoint}, and bind itself to the vcluster (its Helm values and objects).
 * A new mode is one new file in this folder plus its factory in `exposure.ts`.
 */
import type { Construct } from 'constructs';
import type { ApiEndpoint, IVCluster } from '../vcluster/ivcluster';
import { Problems } from '../validation';

/** Port the vcluster API listens on inside its pod (the Service's targetPort). */
export const API_TARGET_PORT = 8443;

/** A Gateway API Gateway routes attach to. */
export interface GatewayRef {
  /** Gateway name. */
  readonly name: string;
  /** Gateway namespace. */
  readonly namespace: string;
  /** Listener to attach to. @default - any listener that accepts the route */
  readonly sectionName?: string;
}

/** The site's defaults of the exposure modes. */
export interface ExposureDefaults {
  /** Base domain: a hostname defaults to `<release>.<baseDomain>`. @default - none; modes that need a hostname then require one */
  readonly baseDomain?: string;
  /** Offset of a VIP derived from a subnet's network address. @default 200 */
  readonly vipOffset?: number;
  /** The shared Gateway of `gateway` exposures. @default - none; gateway exposures then name their own */
  readonly gateway?: GatewayRef;
}

/** What resolving an exposure needs: the vcluster's release and namespace and the site's defaults. */
export interface ExposureContext extends ExposureDefaults {
  /** Helm release (= the Service name). */
  readonly release: string;
  /** Host namespace. */
  readonly namespace: string;
}

/** The VIP offset used when the site names none (the original platform's MetalLB pool starts at .200). */
export const DEFAULT_VIP_OFFSET = 200;

/**
 * One way of exposing the vcluster API. Built by the factories of `Exposure`
 * (`Exposure.internal()`, `Exposure.loadBalancer({...})`, `Exposure.gateway({...})`).
 * @typeParam E what the mode resolves to: the endpoint plus what binding it needs
 */
export abstract class ExposureMode<E extends ApiEndpoint = ApiEndpoint> {
  /** The mode's name, as in `Exposure.<mode>()`. */
  public abstract readonly mode: string;
  /** The options as given. */
  public abstract readonly props: object;
  /** The option keys this mode accepts. */
  public abstract readonly optionKeys: readonly string[];

  /**
   * Applies the site defaults, checks every option and address (problems under `exposure.*`) and
   * returns the endpoint. Meaningful only when no problem was recorded.
   */
  public abstract endpoint(problems: Problems, ctx: ExposureContext): E;

  /**
   * Adds this exposure's Helm values to the vcluster and renders its objects (e.g. a route) in
   * `scope`, given the endpoint resolved for the vcluster.
   */
  public abstract bind(scope: Construct, vcluster: IVCluster, endpoint: E): void;
}
