/**
 * The pods and volumes a vcluster keeps on its host, read from its final Helm values the way the
 * chart renders them: the control plane (its container and init container × replicas), a deployed
 * etcd (× members) and the CoreDNS the syncer deploys inside the virtual cluster, whose pods are
 * synced into the host namespace (× replicas). Resources are the chart's defaults deep-merged with
 * the values, as Helm merges them; what the chart leaves unset stays unset (a LimitRange fills it).
 */
import type { ChartLine } from '../presets';
import { isPlainObject, parseQuantity } from '../validation';
import { JsonObject, deepMerge, valueAtPath } from './helm-values';

/** Requests and limits of one container (resource name → Kubernetes quantity). */
export interface ContainerResources {
  readonly requests: Readonly<Record<string, string>>;
  readonly limits: Readonly<Record<string, string>>;
}

/** Pods of one kind a vcluster keeps on its host. */
export interface PodGroup {
  /** What they are, for messages: `control plane`, `etcd`, `CoreDNS`. */
  readonly component: string;
  /** How many of them run. */
  readonly replicas: number;
  /** Resources of each regular container of one pod. */
  readonly containers: readonly ContainerResources[];
  /** Resources of each init container of one pod. */
  readonly initContainers: readonly ContainerResources[];
  /** Storage requested by each volume claim of one pod (e.g. `10Gi`). */
  readonly volumeClaims: readonly string[];
}

/** The chart's default resources (`values.yaml`), per chart line. */
interface ChartDefaults {
  readonly controlPlane: JsonObject;
  readonly kubernetesInit: JsonObject;
  readonly etcd: JsonObject;
  readonly coredns: JsonObject;
  readonly volumeSize: string;
}

/** The same in 0.30.4, 0.31.3 (and 0.36.1): read from each line's `values.yaml`. */
const DEFAULTS_0_30_TO_0_36: ChartDefaults = {
  controlPlane: {
    requests: { 'ephemeral-storage': '1Gi', cpu: '200m', memory: '256Mi' },
    limits: { 'ephemeral-storage': '10Gi', memory: '4Gi' },
  },
  kubernetesInit: { requests: { cpu: '40m', memory: '64Mi' }, limits: { cpu: '100m', memory: '256Mi' } },
  etcd: { requests: { cpu: '20m', memory: '150Mi' } },
  coredns: { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '1000m', memory: '170Mi' } },
  volumeSize: '5Gi',
};

/** The chart's default resources per supported chart line (a test requires an entry for every line in `CHART_LINES`). */
export const CHART_DEFAULT_RESOURCES: Readonly<Record<ChartLine, ChartDefaults>> = {
  '0.30': DEFAULTS_0_30_TO_0_36,
  '0.31': DEFAULTS_0_30_TO_0_36,
  '0.36': DEFAULTS_0_30_TO_0_36,
};

/** A container's resources: the chart default merged with the values (as Helm merges; null removes). */
function resourcesOf(chartDefault: JsonObject, values: unknown): ContainerResources {
  const merged = deepMerge(chartDefault, isPlainObject(values) ? values : undefined);
  const quantities = (v: unknown): Record<string, string> =>
    Object.fromEntries(
      Object.entries(isPlainObject(v) ? v : {})
        .filter((e): e is [string, string] => typeof e[1] === 'string' || typeof e[1] === 'number')
        .map(([k, q]) => [k, String(q)]),
    );
  return { requests: quantities(merged.requests), limits: quantities(merged.limits) };
}

/** A replica count from the values (the chart's default when unset). */
function count(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fallback;
}

/** The storage of custom volume claim templates, or of the one `data` claim when it is on. */
function claims(persistence: unknown, enabled: boolean, fallbackSize: string): string[] {
  const templates = valueAtPath(persistence, ['volumeClaimTemplates']);
  if (Array.isArray(templates) && templates.length) {
    return templates.map((t) => String(valueAtPath(t, ['spec', 'resources', 'requests', 'storage']) ?? '0'));
  }
  if (!enabled) return [];
  const size = valueAtPath(persistence, ['volumeClaim', 'size']);
  return [typeof size === 'string' && parseQuantity(size) !== undefined ? size : fallbackSize];
}

/** Whether the control plane keeps its store on a claim (`enabled: auto` does with an embedded store). */
function controlPlaneClaim(values: unknown): boolean {
  const enabled = valueAtPath(values, ['controlPlane', 'statefulSet', 'persistence', 'volumeClaim', 'enabled']);
  if (enabled === true || enabled === 'true') return true;
  if (enabled === false || enabled === 'false') return false;
  const store = valueAtPath(values, ['controlPlane', 'backingStore']);
  const external = ['etcd.deploy', 'etcd.external', 'database.external'].some(
    (p) => valueAtPath(store, [...p.split('.'), 'enabled']) === true,
  );
  return !external;
}

/** The pods (and their volumes) of a vcluster, from its final Helm values. */
export function vclusterPods(values: unknown, line: ChartLine): PodGroup[] {
  const d = CHART_DEFAULT_RESOURCES[line];
  const cp = valueAtPath(values, ['controlPlane']);
  const sts = valueAtPath(cp, ['statefulSet']);
  const userInit = valueAtPath(sts, ['initContainers']);
  const groups: PodGroup[] = [
    {
      component: 'control plane',
      replicas: count(valueAtPath(sts, ['highAvailability', 'replicas']), 1),
      containers: [resourcesOf(d.controlPlane, valueAtPath(sts, ['resources']))],
      initContainers: [
        resourcesOf(d.kubernetesInit, valueAtPath(cp, ['distro', 'k8s', 'resources'])),
        ...(Array.isArray(userInit) ? userInit.map((c) => resourcesOf({}, valueAtPath(c, ['resources']))) : []),
      ],
      volumeClaims: claims(valueAtPath(sts, ['persistence']), controlPlaneClaim(values), d.volumeSize),
    },
  ];
  const etcd = valueAtPath(cp, ['backingStore', 'etcd', 'deploy']);
  if (valueAtPath(etcd, ['enabled']) === true) {
    const ets = valueAtPath(etcd, ['statefulSet']);
    groups.push({
      component: 'etcd',
      replicas: count(valueAtPath(ets, ['highAvailability', 'replicas']), 1),
      containers: [resourcesOf(d.etcd, valueAtPath(ets, ['resources']))],
      initContainers: [],
      volumeClaims: claims(
        valueAtPath(ets, ['persistence']),
        valueAtPath(ets, ['persistence', 'volumeClaim', 'enabled']) !== false,
        d.volumeSize,
      ),
    });
  }
  const dns = valueAtPath(cp, ['coredns']);
  if (valueAtPath(dns, ['enabled']) !== false && valueAtPath(dns, ['embedded']) !== true) {
    groups.push({
      component: 'CoreDNS',
      replicas: count(valueAtPath(dns, ['deployment', 'replicas']), 1),
      containers: [resourcesOf(d.coredns, valueAtPath(dns, ['deployment', 'resources']))],
      initContainers: [],
      volumeClaims: [],
    });
  }
  return groups;
}
