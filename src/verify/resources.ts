/**
 * Compute resources of pods as admission sees them: container values after the API server's
 * defaulting (a limit without a request makes the request) and the namespace's LimitRange
 * defaults (`default`, `defaultRequest`, themselves defaulted from `max` and `default`), summed
 * per pod the way ResourceQuota counts them: `max(sum of app and sidecar containers, largest init
 * container)`.
 *
 * @see https://kubernetes.io/docs/concepts/policy/limit-range/
 * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#resource-sharing-within-containers
 */
import { Json, WholeVCluster, listAt, namespaceOf, nameOf, objAt, ofKind } from './model';
import { containersOf } from './pods';
import { formatQuantity, parseQuantity } from './quantity';

/** The compute resources quotas and LimitRanges constrain per container. */
export const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'] as const;
/** One of {@link COMPUTE}. */
export type Compute = (typeof COMPUTE)[number];

/** `requests` or `limits`. */
export type Side = 'requests' | 'limits';

/** A container-type LimitRange of a namespace, with the API server's defaulting applied. */
export interface LimitRangeDefaults {
  /** The LimitRange objects it comes from (names). */
  readonly names: readonly string[];
  readonly default: Partial<Record<Compute, number>>;
  readonly defaultRequest: Partial<Record<Compute, number>>;
  readonly max: Partial<Record<Compute, number>>;
  readonly min: Partial<Record<Compute, number>>;
}

function quantities(o: Json): Partial<Record<Compute, number>> {
  const out: Partial<Record<Compute, number>> = {};
  for (const r of COMPUTE) {
    const q = parseQuantity(o[r]);
    if (q !== undefined) out[r] = q;
  }
  return out;
}

/** The Container limits of every LimitRange in `namespace` (first LimitRange by name wins per resource). */
export function limitRangeOf(v: WholeVCluster, namespace: string): LimitRangeDefaults {
  const ranges = ofKind(v, 'LimitRange', '')
    .filter((m) => namespaceOf(m.obj, v.namespace) === namespace)
    .sort((a, b) => (nameOf(a.obj) < nameOf(b.obj) ? -1 : 1));
  const lr = { names: ranges.map((m) => nameOf(m.obj)), default: {}, defaultRequest: {}, max: {}, min: {} } as LimitRangeDefaults;
  for (const m of ranges) {
    for (const item of listAt(m.obj, 'spec', 'limits').filter((i) => i.type === 'Container')) {
      const max = quantities(objAt(item, 'max'));
      const def = { ...max, ...quantities(objAt(item, 'default')) };
      const defReq = { ...def, ...quantities(objAt(item, 'defaultRequest')) };
      for (const [k, src] of [
        ['default', def],
        ['defaultRequest', defReq],
        ['max', max],
        ['min', quantities(objAt(item, 'min'))],
      ] as const) {
        Object.assign(lr[k], { ...src, ...lr[k] });
      }
    }
  }
  return lr;
}

/** One container after defaulting: values, which came from the LimitRange, and why admission refuses it. */
export interface EffectiveContainer {
  readonly name: string;
  readonly init: boolean;
  readonly sidecar: boolean;
  readonly requests: Partial<Record<Compute, number>>;
  readonly limits: Partial<Record<Compute, number>>;
  /** `requests.cpu`-style keys whose value is a LimitRange default. */
  readonly defaulted: ReadonlySet<string>;
  /** Reasons the LimitRanger refuses the container. */
  readonly refused: readonly string[];
}

/** A container as admission sees it in a namespace with LimitRange `lr`. */
export function effectiveContainer(c: Json, init: boolean, lr: LimitRangeDefaults): EffectiveContainer {
  const ownReq = quantities(objAt(c, 'resources', 'requests'));
  const ownLim = quantities(objAt(c, 'resources', 'limits'));
  const requests: Partial<Record<Compute, number>> = {};
  const limits: Partial<Record<Compute, number>> = {};
  const defaulted = new Set<string>();
  const refused: string[] = [];
  for (const r of COMPUTE) {
    limits[r] = ownLim[r] ?? lr.default[r];
    if (ownLim[r] === undefined && lr.default[r] !== undefined) defaulted.add(`limits.${r}`);
    requests[r] = ownReq[r] ?? ownLim[r] ?? lr.defaultRequest[r];
    if (ownReq[r] === undefined && ownLim[r] === undefined && lr.defaultRequest[r] !== undefined) defaulted.add(`requests.${r}`);
    const req = requests[r];
    const lim = limits[r];
    const q = (n: number) => formatQuantity(r, n);
    if (req !== undefined && lim !== undefined && req > lim)
      refused.push(`requests.${r} ${q(req)} > limits.${r} ${q(lim)}${defaulted.has(`limits.${r}`) ? ' (LimitRange default)' : ''}`);
    if (lr.max[r] !== undefined && lim !== undefined && lim > lr.max[r]!)
      refused.push(`limits.${r} ${q(lim)} > LimitRange max ${q(lr.max[r]!)}`);
    if (lr.min[r] !== undefined && req !== undefined && req < lr.min[r]!)
      refused.push(`requests.${r} ${q(req)} < LimitRange min ${q(lr.min[r]!)}`);
  }
  const sidecar = init && c.restartPolicy === 'Always';
  return { name: String(c.name), init, sidecar, requests, limits, defaulted, refused };
}

/** Every container of a pod spec after defaulting. */
export function effectiveContainers(spec: Json, lr: LimitRangeDefaults): EffectiveContainer[] {
  return containersOf(spec).map(({ container, init }) => effectiveContainer(container, init, lr));
}

/** What one pod counts against a quota for `side`.`resource`; undefined when a container sets no value. */
export function podUsage(containers: readonly EffectiveContainer[], side: Side, resource: Compute): number | undefined {
  let sum = 0;
  let initMax = 0;
  for (const c of containers) {
    const v = c[side][resource];
    if (v === undefined) return undefined;
    if (c.init && !c.sidecar) initMax = Math.max(initMax, v);
    else sum += v;
  }
  return Math.max(sum, initMax);
}
