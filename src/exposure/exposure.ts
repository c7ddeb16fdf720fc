/**
 * How a vcluster's API server is reached from outside its host namespace: a closed choice of
 * modes, each a class of its own that resolves its options into the vcluster's endpoint and binds
 * itself to the vcluster (Service values, TLS SANs, a route, what the network policies must allow).
 */
import { Problems, isPlainObject } from '../validation';
import { ExposureMode } from './exposure-mode';
import { GatewayExposure, GatewayExposureProps } from './gateway';
import { InternalExposure } from './internal';
import { LoadBalancerExposure, LoadBalancerExposureProps } from './load-balancer';

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
export type Exposure = ExposureMode;

/** The factories of the exposure modes. */
export const Exposure = {
  /** ClusterIP only. */
  internal(): Exposure {
    return new InternalExposure();
  },
  /** LoadBalancer Service with VIP and external-dns hostname. */
  loadBalancer(props: LoadBalancerExposureProps = {}): Exposure {
    return new LoadBalancerExposure(props);
  },
  /** Gateway API TLS-passthrough route. */
  gateway(props: GatewayExposureProps = {}): Exposure {
    return new GatewayExposure(props);
  },
};

/** One instance of every mode, for the option-key checks across modes. */
const MODES: readonly ExposureMode[] = [Exposure.internal(), Exposure.loadBalancer(), Exposure.gateway()];

/** What a declaration may write as its exposure, for messages. */
export const EXPOSURE_CHOICES = MODES.map((m) => `Exposure.${m.mode}(${m.optionKeys.length ? '{...}' : ''})`).join(', ');

/**
 * Checks that a declaration's exposure is one of the modes and carries only that mode's options;
 * an option of another mode is named with the mode that has it (problems under `exposure.*`).
 */
export function checkExposureOptions(problems: Problems, exposure: unknown): exposure is Exposure {
  if (!(exposure instanceof ExposureMode)) {
    problems.add('exposure', exposure, EXPOSURE_CHOICES.replace(/, ([^,]*)$/, ' or $1'));
    return false;
  }
  const props = exposure.props as Record<string, unknown>;
  if (!isPlainObject(props)) {
    problems.add('exposure', props, `Exposure.${exposure.mode}({...}) with an options object`);
    return false;
  }
  const known = exposure.optionKeys as readonly string[];
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || known.includes(k)) continue;
    const modes = MODES.filter((m) => (m.optionKeys as readonly string[]).includes(k)).map((m) => `Exposure.${m.mode}()`);
    problems.add(
      `exposure.${k}`,
      v,
      modes.length
        ? `${k} only with ${modes.join(' or ')} (this vcluster uses Exposure.${exposure.mode}(), which ignores it)`
        : `only the options ${known.join(', ') || '(none)'} of Exposure.${exposure.mode}()`,
      modes.length ? `remove ${k}, or switch to ${modes.join(' or ')}` : 'remove the key or fix its spelling',
    );
  }
  return true;
}
