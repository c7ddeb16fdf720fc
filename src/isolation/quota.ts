/**
 * The strict-mode ResourceQuota, derived from what the vcluster's own pods need. A quota counts
 * every pod of the host namespace: the control plane, a deployed etcd and the CoreDNS synced out
 * of the virtual cluster, with the LimitRange's defaults for what their containers leave unset,
 * plus whatever tenants run. The hard limit of each resource is the own pods' need plus a tenant
 * allowance; a total given instead must cover the own pods.
 */
import { Problems, parseQuantity, showValue } from '../validation';
import type { ContainerResources, PodGroup } from '../vcluster/footprint';

/** Default tenant allowance: added to what the vcluster's own pods need (the former fixed quota). */
export const DEFAULT_TENANT_QUOTA: Readonly<Record<string, string>> = {
  'requests.cpu': '4',
  'requests.memory': '8Gi',
  'limits.cpu': '8',
  'limits.memory': '16Gi',
  persistentvolumeclaims: '20',
  pods: '100',
};

/** A container's requests and limits once Kubernetes and the LimitRange filled in what it left unset. */
export interface EffectiveContainer {
  readonly requests: Readonly<Record<string, number>>;
  readonly limits: Readonly<Record<string, number>>;
}

/** The LimitRange container defaults (resource → quantity). */
export interface LimitRangeDefaults {
  readonly default: Readonly<Record<string, string>>;
  readonly defaultRequest: Readonly<Record<string, string>>;
}

/**
 * A container as admitted: an explicit limit without a request makes the request equal the limit
 * (API defaulting), then the LimitRange adds its default limit and default request where still unset.
 */
export function effectiveContainer(c: ContainerResources, lr: LimitRangeDefaults): EffectiveContainer {
  const num = (m: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, parseQuantity(v) ?? 0]));
  const requests: Record<string, number> = num(c.requests);
  const limits: Record<string, number> = num(c.limits);
  for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
  for (const [k, v] of Object.entries(num(lr.default))) if (limits[k] === undefined) limits[k] = v;
  for (const [k, v] of Object.entries(num(lr.defaultRequest))) if (requests[k] === undefined) requests[k] = v;
  return { requests, limits };
}

/** A pod's usage of a resource: the sum over its containers, or its largest init container if more. */
function podAmount(
  containers: readonly EffectiveContainer[],
  init: readonly EffectiveContainer[],
  kind: 'requests' | 'limits',
  r: string,
): number | undefined {
  const set = (cs: readonly EffectiveContainer[]) => cs.filter((c) => c[kind][r] !== undefined);
  if (!set(containers).length && !set(init).length) return undefined;
  const sum = containers.reduce((t, c) => t + (c[kind][r] ?? 0), 0);
  return Math.max(sum, ...init.map((c) => c[kind][r] ?? 0));
}

/** The resource a quota key limits: `limits.cpu` → limits of cpu; `cpu` and `requests.cpu` → requests of cpu. */
function computeKey(key: string): { kind: 'requests' | 'limits'; resource: string } | undefined {
  const m = /^(requests|limits)\.(.+)$/.exec(key);
  if (m && m[2] !== 'storage') return { kind: m[1] as 'requests' | 'limits', resource: m[2] };
  if (['cpu', 'memory', 'ephemeral-storage'].includes(key)) return { kind: 'requests', resource: key };
  return undefined;
}

/** What the own pods need of one quota key, or `undefined` for keys they do not count against. */
export function ownAmount(key: string, pods: readonly PodGroup[], lr: LimitRangeDefaults): number | undefined {
  if (key === 'pods' || key === 'count/pods') return pods.reduce((t, g) => t + g.replicas, 0);
  if (key === 'persistentvolumeclaims' || key === 'count/persistentvolumeclaims')
    return pods.reduce((t, g) => t + g.replicas * g.volumeClaims.length, 0);
  if (key === 'requests.storage')
    return pods.reduce((t, g) => t + g.replicas * g.volumeClaims.reduce((s, q) => s + (parseQuantity(q) ?? 0), 0), 0);
  const c = computeKey(key);
  if (!c) return undefined;
  return pods.reduce((t, g) => {
    const amount = podAmount(
      g.containers.map((x) => effectiveContainer(x, lr)),
      g.initContainers.map((x) => effectiveContainer(x, lr)),
      c.kind,
      c.resource,
    );
    return t + g.replicas * (amount ?? 0);
  }, 0);
}

/** A quota amount as Kubernetes writes it: counts as integers, CPU in cores or millicores, bytes in binary units. */
export function formatAmount(key: string, amount: number): string {
  const c = computeKey(key);
  if (c?.resource === 'cpu') {
    const milli = Math.round(amount * 1000);
    return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
  }
  if (c || key === 'requests.storage' || key.endsWith('.storage')) {
    const bytes = Math.round(amount);
    for (const [unit, size] of [
      ['Ti', 2 ** 40],
      ['Gi', 2 ** 30],
      ['Mi', 2 ** 20],
      ['Ki', 2 ** 10],
    ] as const) {
      if (bytes !== 0 && bytes % size === 0) return `${bytes / size}${unit}`;
    }
    return String(bytes);
  }
  return String(Math.round(amount));
}

/** One line per component of what the own pods need of a key, for messages: `control plane 3 × 2`. */
export function ownBreakdown(key: string, pods: readonly PodGroup[], lr: LimitRangeDefaults): string {
  return pods
    .map((g) => {
      const one = ownAmount(key, [{ ...g, replicas: 1 }], lr) ?? 0;
      return one ? `${g.component} ${g.replicas} × ${formatAmount(key, one)}` : undefined;
    })
    .filter((x) => x !== undefined)
    .join(', ');
}

/** The quota of a vcluster's namespace, and the problems of the totals and containers it was derived from. */
export interface DerivedQuota {
  /** `hard` of the ResourceQuota. */
  readonly hard: Readonly<Record<string, string>>;
  /** What the own pods need, for every key of `hard` they count against. */
  readonly own: Readonly<Record<string, string>>;
}

/**
 * Derives the quota: each tenant-allowance key is the own pods' need plus the allowance; each
 * total key must cover the own pods (reported otherwise, field `resourceQuota[...]`). Own
 * containers whose request exceeds the LimitRange's default limit, or that set nothing for a
 * resource the quota limits, are reported too (the API server would refuse their pods).
 */
export function deriveQuota(
  problems: Problems,
  pods: readonly PodGroup[],
  lr: LimitRangeDefaults,
  totals: Readonly<Record<string, string>>,
  tenant: Readonly<Record<string, string>>,
): DerivedQuota {
  const hard: Record<string, string> = {};
  const own: Record<string, string> = {};
  for (const [key, allowance] of Object.entries(tenant)) {
    if (Object.hasOwn(totals, key)) continue;
    const need = ownAmount(key, pods, lr);
    if (need !== undefined) own[key] = formatAmount(key, need);
    hard[key] = need === undefined ? allowance : formatAmount(key, need + (parseQuantity(allowance) ?? 0));
  }
  for (const [key, total] of Object.entries(totals)) {
    hard[key] = total;
    const need = ownAmount(key, pods, lr);
    if (need === undefined) continue;
    own[key] = formatAmount(key, need);
    if ((parseQuantity(total) ?? 0) + 1e-9 < need) {
      problems.add(
        `resourceQuota[${JSON.stringify(key)}]`,
        total,
        `a total of at least ${formatAmount(key, need)}: the vcluster's own pods need that much (${ownBreakdown(key, pods, lr)}), and the quota counts them before any tenant pod`,
        `raise it to ${formatAmount(key, need)} plus what tenants need, or remove it and set tenantQuota[${JSON.stringify(key)}] (added to the own pods' ${formatAmount(key, need)})`,
      );
    }
  }
  checkOwnContainers(problems, pods, lr, Object.keys(hard));
  return { hard, own };
}

/** Own containers the API server would refuse: a request above the limit the LimitRange gives them, or nothing set for a limited resource. */
function checkOwnContainers(problems: Problems, pods: readonly PodGroup[], lr: LimitRangeDefaults, keys: readonly string[]): void {
  for (const g of pods) {
    for (const c of [...g.containers, ...g.initContainers]) {
      const e = effectiveContainer(c, lr);
      for (const [r, req] of Object.entries(e.requests)) {
        if (c.limits[r] === undefined && e.limits[r] !== undefined && req > e.limits[r]) {
          problems.add(
            `limitRange.default[${JSON.stringify(r)}]`,
            lr.default[r],
            `at least ${showValue(c.requests[r])}: the ${g.component} container requests ${c.requests[r]} of ${r} and sets no limit, so the LimitRange's default becomes its limit, and a limit below the request is refused`,
            `raise isolation.limitRange.default.${r}, or give the ${g.component} container a ${r} limit`,
          );
        }
      }
      for (const key of keys) {
        const k = computeKey(key);
        if (k && e[k.kind][k.resource] === undefined) {
          problems.add(
            `limitRange.${k.kind === 'limits' ? 'default' : 'defaultRequest'}[${JSON.stringify(k.resource)}]`,
            undefined,
            `a default for ${k.resource}: the quota limits ${key}, and the ${g.component} container sets no ${k.kind === 'limits' ? 'limit' : 'request'} for it, so its pods would be refused`,
            `set isolation.limitRange.${k.kind === 'limits' ? 'default' : 'defaultRequest'}["${k.resource}"], or remove ${key} from the quota`,
          );
        }
      }
    }
  }
}
