/**
 * The isolation settings of a vcluster's host namespace: the mode, strict mode's limits, and the
 * network allowances a declaration adds. Their types, key lists and checks; the constructs that
 * render them are {@link NetworkIsolation} and {@link StrictIsolation}.
 */
import { Problems, checkKnownKeys, isLabelKey, isPlainObject, keysOf } from '../validation';

/** Isolation of a vcluster's host namespace (see `NetworkIsolation` and `StrictIsolation` for the guarantees). */
export type IsolationMode = 'standard' | 'strict';

/** The isolation modes, for validation messages. */
export const ISOLATION_MODES: readonly IsolationMode[] = ['standard', 'strict'];

/** Pod Security Standard levels strict mode can enforce (both forbid hostPath volumes). */
export type PodSecurityLevel = 'baseline' | 'restricted';

/** Pods of the host cluster, selected by namespace and labels (network policy peers). */
export interface HostPodSelector {
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels of the pods. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** One extra egress allowance: the policy `allow-<name>-egress` to `cidr` on `protocol`/`port`. */
export interface EgressRule {
  /** Rule name, a DNS label; the policy is `allow-<name>-egress`. */
  readonly name: string;
  /** Destination IPv4 CIDR (network address, e.g. `10.0.3.1/32`). */
  readonly cidr: string;
  /** Destination port (after DNAT), 1..65535. */
  readonly port: number;
  /** Protocol. @default "TCP" */
  readonly protocol?: 'TCP' | 'UDP';
}

/** Extra network allowances of the host namespace, as a declaration sets them. */
export interface NetworkPoliciesSettings {
  /** Egress to the platform's NFS servers on TCP 2049. @default false */
  readonly enableNFS?: boolean;
  /** More egress rules, one NetworkPolicy each. @default [] */
  readonly extraEgress?: readonly EgressRule[];
}

/** LimitRange container defaults of strict mode. */
export interface LimitRangeSettings {
  /** Container limits when a pod sets none. @default cpu 500m, memory 512Mi */
  readonly default?: Readonly<Record<string, string>>;
  /** Container requests when a pod sets none. @default cpu 100m, memory 128Mi */
  readonly defaultRequest?: Readonly<Record<string, string>>;
}

/** Strict-mode settings (`isolation` of a declaration). */
export interface StrictIsolationSettings {
  /** What tenants may use on top of the vcluster's own pods (control plane, etcd, CoreDNS): each key's ResourceQuota `hard` value is the own pods' need plus this, merged key by key over the defaults. @default requests.cpu 4, requests.memory 8Gi, limits.cpu 8, limits.memory 16Gi, persistentvolumeclaims 20, pods 100 */
  readonly tenantQuota?: Readonly<Record<string, string>>;
  /** ResourceQuota `hard` totals, key by key, the vcluster's own pods included (a total that does not cover them is refused); a key set here is not derived from tenantQuota. @default - own pods + tenantQuota */
  readonly resourceQuota?: Readonly<Record<string, string>>;
  /** LimitRange container defaults, merged key by key over the defaults. @default default cpu 500m / memory 512Mi, defaultRequest cpu 100m / memory 128Mi */
  readonly limitRange?: LimitRangeSettings;
  /** Pod Security Standard enforced on the host namespace and inside the vcluster. @default "baseline" */
  readonly podSecurity?: PodSecurityLevel;
}

/** Keys of the isolation settings, for the unknown-key checks. */
export const ISOLATION_KEYS = {
  isolation: keysOf<StrictIsolationSettings>({ tenantQuota: true, resourceQuota: true, limitRange: true, podSecurity: true }),
  limitRange: keysOf<LimitRangeSettings>({ default: true, defaultRequest: true }),
  networkPolicies: keysOf<NetworkPoliciesSettings>({ enableNFS: true, extraEgress: true }),
  egressRule: keysOf<EgressRule>({ name: true, cidr: true, port: true, protocol: true }),
};

/** A quantity map without the keys another map sets. */
function without(
  map: Readonly<Record<string, string>> | undefined,
  keys: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  return Object.fromEntries(Object.entries(map ?? {}).filter(([k]) => keys === undefined || !Object.hasOwn(keys, k)));
}

/**
 * Lays strict-mode settings over those below them (the strict-mode defaults; a site preset's under
 * a declaration's): `podSecurity` replaces, `tenantQuota`, `resourceQuota` and the LimitRange maps
 * merge key by key, and a quota key set above, as an allowance or as a total, replaces that key
 * below in both forms. A setting neither side has stays absent, so layering over `{}` changes nothing.
 */
export function layerStrictIsolation(below: StrictIsolationSettings, above: StrictIsolationSettings): StrictIsolationSettings {
  const layered: { -readonly [K in keyof StrictIsolationSettings]: StrictIsolationSettings[K] } = {};
  const podSecurity = above.podSecurity ?? below.podSecurity;
  if (podSecurity !== undefined) layered.podSecurity = podSecurity;
  if (below.tenantQuota || above.tenantQuota) {
    layered.tenantQuota = { ...without(below.tenantQuota, above.resourceQuota), ...above.tenantQuota };
  }
  if (below.resourceQuota || above.resourceQuota) {
    layered.resourceQuota = { ...without(below.resourceQuota, above.tenantQuota), ...above.resourceQuota };
  }
  if (below.limitRange || above.limitRange) {
    const limitRange: { -readonly [K in keyof LimitRangeSettings]: LimitRangeSettings[K] } = {};
    for (const key of ['default', 'defaultRequest'] as const) {
      if (below.limitRange?.[key] || above.limitRange?.[key]) limitRange[key] = { ...below.limitRange?.[key], ...above.limitRange?.[key] };
    }
    layered.limitRange = limitRange;
  }
  return layered;
}

/** Policy names rendered by the library itself (an extra egress rule must not collide with them). */
const RESERVED_EGRESS_NAMES = ['nfs'];

/**
 * Checks extra egress rules: name a DNS label (unique), CIDR an IPv4 network, port 1..65535,
 * protocol TCP or UDP. A bad rule is an error naming the field and value, never dropped.
 * @param problems collector; fields are reported as `extraEgress[i].<field>` under its prefix
 * @param checkKeys whether to report unknown keys of a rule (off when the caller checks the shape)
 */
export function checkExtraEgress(problems: Problems, rules: unknown, enableNFS = false, checkKeys = true): void {
  if (rules === undefined) return;
  if (!Array.isArray(rules)) {
    problems.add('extraEgress', rules, 'a list of {name, cidr, port, protocol?} rules');
    return;
  }
  const seen = new Set<string>();
  rules.forEach((rule: unknown, i) => {
    const at = `extraEgress[${i}]`;
    if (!isPlainObject(rule)) {
      if (checkKeys) problems.add(at, rule, 'a rule {name, cidr, port, protocol?}');
      return;
    }
    if (checkKeys) checkKnownKeys(problems, at, rule, ISOLATION_KEYS.egressRule);
    if (problems.dnsLabel(`${at}.name`, rule.name, 63, 'name the rule like "postgres"; the policy is allow-<name>-egress')) {
      const name = rule.name as string;
      if (seen.has(name)) problems.add(`${at}.name`, name, 'a name no other extraEgress rule has');
      if (enableNFS && RESERVED_EGRESS_NAMES.includes(name)) {
        problems.add(`${at}.name`, name, 'a name other than "nfs" while enableNFS is true (allow-nfs-egress is rendered already)');
      }
      seen.add(name);
    }
    problems.cidr4(`${at}.cidr`, rule.cidr);
    problems.port(`${at}.port`, rule.port);
    if (rule.protocol !== undefined) problems.oneOf(`${at}.protocol`, rule.protocol, ['TCP', 'UDP']);
  });
}

/**
 * Checks strict-mode settings: known keys, quota resource names and quantities, LimitRange
 * quantities, and the Pod Security level.
 * @param problems collector; fields are reported under its prefix (e.g. `isolation.resourceQuota[...]`)
 * @param checkKeys whether to report unknown keys (off when the caller checks the shape)
 */
export function checkStrictIsolation(problems: Problems, settings: unknown, checkKeys = true): void {
  if (settings === undefined) return;
  if (!isPlainObject(settings)) {
    problems.add('', settings, 'a map {tenantQuota?, resourceQuota?, limitRange?, podSecurity?}');
    return;
  }
  if (checkKeys) checkKnownKeys(problems, '', settings, ISOLATION_KEYS.isolation);
  for (const field of ['tenantQuota', 'resourceQuota'] as const) {
    checkQuantities(
      problems,
      field,
      settings[field],
      isLabelKey,
      'ResourceQuota resource names such as "requests.cpu", "pods" or "count/services"',
    );
  }
  if (isPlainObject(settings.resourceQuota) && isPlainObject(settings.tenantQuota)) {
    for (const key of Object.keys(settings.tenantQuota).filter((k) => Object.hasOwn(settings.resourceQuota as object, k))) {
      problems.add(
        `tenantQuota[${JSON.stringify(key)}]`,
        settings.tenantQuota[key],
        `a key that is not also a total in resourceQuota (resourceQuota[${JSON.stringify(key)}] is the whole hard value; tenantQuota[${JSON.stringify(key)}] is added to the vcluster's own pods)`,
        'keep one of the two',
      );
    }
  }
  const lr = settings.limitRange;
  if (lr !== undefined) {
    if (!isPlainObject(lr)) {
      problems.add('limitRange', lr, 'a map {default?, defaultRequest?}');
    } else {
      if (checkKeys) checkKnownKeys(problems, 'limitRange', lr, ISOLATION_KEYS.limitRange);
      const containerResource = (k: string) => ['cpu', 'memory', 'ephemeral-storage'].includes(k) || (k.includes('/') && isLabelKey(k));
      const what = 'container resource names: "cpu", "memory", "ephemeral-storage" or an extended resource';
      checkQuantities(problems, 'limitRange.default', lr.default, containerResource, what);
      checkQuantities(problems, 'limitRange.defaultRequest', lr.defaultRequest, containerResource, what);
    }
  }
  if (settings.podSecurity !== undefined) problems.oneOf('podSecurity', settings.podSecurity, ['baseline', 'restricted']);
}

/** A map of resource names to quantities. */
function checkQuantities(problems: Problems, field: string, v: unknown, resourceName: (k: string) => boolean, what: string): void {
  if (v === undefined) return;
  if (!isPlainObject(v)) {
    problems.add(field, v, `a map of ${what} to quantities`);
    return;
  }
  for (const [k, q] of Object.entries(v)) {
    if (!resourceName(k)) problems.add(`${field}[${JSON.stringify(k)}]`, k, what);
    else problems.resourceQuantity(`${field}[${JSON.stringify(k)}]`, k, q);
  }
}
