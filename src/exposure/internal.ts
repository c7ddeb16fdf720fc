/**
 * `Exposure.internal()`: the vcluster API on a ClusterIP Service only, reachable from the host
 * cluster (Argo CD on the same host) at `https://<release>.<namespace>.svc:443`.
 */
import type { ApiEndpoint, IVCluster } from '../vcluster/ivcluster';
import { keysOf } from '../validation';
import { ExposureContext, ExposureMode } from './exposure-mode';

/** Options of the `internal` exposure (it has none). */
export type InternalExposureProps = Record<string, never>;

/** The ClusterIP-only exposure. */
export class InternalExposure extends ExposureMode {
  public readonly mode = 'internal';
  public readonly optionKeys = keysOf<InternalExposureProps>({});

  constructor(public readonly props: InternalExposureProps = {}) {
    super();
  }

  public endpoint(_problems: unknown, ctx: ExposureContext): ApiEndpoint {
    const hostname = `${ctx.release}.${ctx.namespace}.svc`;
    const serverUrl = `https://${hostname}:443`;
    return {
      mode: this.mode,
      hostname,
      apiPort: 443,
      serverUrl,
      clientNamespaces: [],
      loadBalancerSnat: false,
      description: `${serverUrl} (in-cluster only)`,
    };
  }

  public bind(_scope: unknown, vcluster: IVCluster): void {
    vcluster.addHelmValues('exposure', { controlPlane: { service: { enabled: true, spec: { type: 'ClusterIP' } } } });
  }
}
