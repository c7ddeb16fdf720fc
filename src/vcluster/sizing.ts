/**
 * The size of a vcluster's control plane: replicas, requests and limits, and its volume. The
 * settings a declaration and the {@link VCluster} construct share, their checks and their defaults
 * (the preset's).
 */
import { Preset, REPLICA_LIMITS } from '../presets';
import { Problems, isPlainObject, keysOf, parseQuantity } from '../validation';
import { compact } from './helm-values';

/** Control-plane requests and limits (Kubernetes quantities). */
export interface ControlPlaneResources {
  /** Requests. @default - the preset's */
  readonly requests?: ResourceQuantities;
  /** Limits. @default - the preset's */
  readonly limits?: ResourceQuantities;
}

/** CPU and memory quantities. */
export interface ResourceQuantities {
  /** CPU, e.g. `250m` or `2`. @default - the preset's */
  readonly cpu?: string;
  /** Memory, e.g. `768Mi` or `2Gi`. @default - the preset's */
  readonly memory?: string;
}

/** Control-plane persistent volume. */
export interface ControlPlanePersistence {
  /**
   * Whether the control plane keeps its data on a PVC (deleted with the vcluster under deletionPolicy "delete", kept under "retain"). `false` is the ephemeral mode: the chart runs the control plane as a Deployment on an emptyDir, and its store (every object of the virtual cluster) starts empty after each restart or rollout.
   * @default true
   */
  readonly enabled?: boolean;
  /** PVC size. @default - the preset's (dev 5Gi, prod 10Gi) */
  readonly size?: string;
  /** StorageClass of the PVC. @default - the host's default StorageClass */
  readonly storageClass?: string;
}

/** Keys of the sizing settings, for the unknown-key checks. */
export const SIZING_KEYS = {
  resources: keysOf<ControlPlaneResources>({ requests: true, limits: true }),
  quantities: keysOf<ResourceQuantities>({ cpu: true, memory: true }),
  persistence: keysOf<ControlPlanePersistence>({ enabled: true, size: true, storageClass: true }),
};

/** Requests and limits with the preset's values where none are given. */
export interface ResolvedResources {
  readonly requests: Record<string, string>;
  readonly limits: Record<string, string>;
}

/** The preset's requests and limits, overridden key by key by the given ones. */
export function resolveResources(preset: Preset, resources: ControlPlaneResources | undefined): ResolvedResources {
  return {
    requests: { ...preset.resources.requests, ...compact((resources?.requests ?? {}) as Record<string, string>) },
    limits: { ...preset.resources.limits, ...compact((resources?.limits ?? {}) as Record<string, string>) },
  };
}

/** Checks control-plane replicas against {@link REPLICA_LIMITS}. */
export function checkReplicas(problems: Problems, field: string, replicas: unknown): void {
  problems.integer(field, replicas, REPLICA_LIMITS.controlPlane.min, REPLICA_LIMITS.controlPlane.max);
}

/**
 * Checks requests and limits: quantities in the Kubernetes grammar, and every request at most its
 * limit once the preset's values are filled in (Kubernetes rejects the pods otherwise).
 */
export function checkResources(problems: Problems, field: string, resources: unknown, preset: Preset): void {
  const given = isPlainObject(resources) ? resources : {};
  const merged: Record<'requests' | 'limits', Record<string, unknown>> = {
    requests: { ...preset.resources.requests },
    limits: { ...preset.resources.limits },
  };
  for (const kind of ['requests', 'limits'] as const) {
    const values = given[kind];
    if (!isPlainObject(values)) continue;
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) continue;
      // a quantity in the wrong unit is one mistake: it is not compared with its limit as well
      if (problems.resourceQuantity(`${field}.${kind}.${k}`, k, v)) merged[kind][k] = v;
      else delete merged[kind][k];
    }
  }
  for (const k of ['cpu', 'memory']) {
    const req = typeof merged.requests[k] === 'string' ? parseQuantity(merged.requests[k] as string) : undefined;
    const lim = typeof merged.limits[k] === 'string' ? parseQuantity(merged.limits[k] as string) : undefined;
    if (req === undefined || lim === undefined || req <= lim) continue;
    const isRequest = isPlainObject(given.requests) && given.requests[k] !== undefined;
    problems.add(
      isRequest ? `${field}.requests.${k}` : `${field}.limits.${k}`,
      isRequest ? merged.requests[k] : merged.limits[k],
      `a ${k} request at most the ${k} limit (request ${String(merged.requests[k])}, limit ${String(merged.limits[k])}); Kubernetes rejects the pods otherwise`,
      `lower ${field}.requests.${k} or raise ${field}.limits.${k}`,
    );
  }
}

/** Checks the control-plane volume: a boolean switch, a positive size, a StorageClass name, nothing set while off. */
export function checkPersistence(problems: Problems, field: string, persistence: unknown, preset: Preset): void {
  if (!isPlainObject(persistence)) return;
  const pv = persistence;
  if (pv.enabled !== undefined) problems.boolean(`${field}.enabled`, pv.enabled);
  if (pv.size !== undefined && problems.resourceQuantity(`${field}.size`, 'storage', pv.size) && !(parseQuantity(pv.size as string)! > 0)) {
    problems.add(`${field}.size`, pv.size, 'a size greater than zero, such as "10Gi"');
  }
  if (pv.storageClass !== undefined) problems.dnsSubdomain(`${field}.storageClass`, pv.storageClass);
  const enabled = pv.enabled ?? preset.persistence.enabled;
  if (enabled === false && (pv.size !== undefined || pv.storageClass !== undefined)) {
    problems.add(
      `${field}.enabled`,
      false,
      'true when persistence.size or persistence.storageClass is set (without a PVC they do nothing)',
      'set persistence.enabled: true, or remove size and storageClass',
    );
  }
}
