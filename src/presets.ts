/**
 * Sizing presets, and the version tables the project supports.
 *
 * The preset values are those the original platform's pipeline applied (its code, not its stale
 * READMEs). Every value a preset sets can be overridden in a declaration. A site adds presets of
 * its own, each extending one of these (`presets` of the platform, src/declaration/site-presets.ts).
 */
import CHART_LINE_DATA from '../imports/vcluster-chart-lines.json';

/** Name of a sizing preset. `dev` is the default. */
export type PresetName = 'dev' | 'prod';

/** All preset names, in documentation order. */
export const PRESET_NAMES: readonly PresetName[] = ['dev', 'prod'];

/**
 * Name of the preset a declaration picks: a built-in one (`dev`, `prod`) or one the site defines
 * (`definePlatform({ presets: { <name>: {...} } })`). Any string type-checks (the editor still
 * suggests `dev` and `prod`); the resolver refuses a name the site does not offer.
 */
export type PresetChoice = PresetName | (string & {});

/** True for the name of a built-in preset. */
export function isBuiltInPreset(name: unknown): name is PresetName {
  return typeof name === 'string' && Object.hasOwn(PRESETS, name);
}

/** What to do with a vcluster's data and credentials when its declaration is removed. */
export type DeletionPolicy = 'retain' | 'delete';

/** The values one preset sets. */
export interface Preset {
  /** Control-plane replicas (`controlPlane.statefulSet.highAvailability.replicas`). */
  readonly replicas: number;
  /** Control-plane requests and limits. */
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
  };
  /** Control-plane PVC. */
  readonly persistence: { readonly enabled: boolean; readonly size: string };
  /** CoreDNS replicas inside the vcluster. */
  readonly corednsReplicas: number;
  /** Argo CD environment label of the registered cluster. */
  readonly environment: string;
  /** Whether removing the declaration deletes the vcluster's namespace, volumes and 1Password item. */
  readonly deletionPolicy: DeletionPolicy;
}

/**
 * Replica limits, one definition for the declaration, the constructs and the fleet: the control
 * plane and CoreDNS scale to 15 replicas; a deployed etcd to 9 members (more only slows consensus).
 */
export const REPLICA_LIMITS = {
  controlPlane: { min: 1, max: 15 },
  coredns: { min: 1, max: 15 },
  etcdMembers: { min: 1, max: 9 },
} as const;

/** Members of the etcd a highly available control plane gets when it names no backing store. */
export const DEFAULT_HA_ETCD_MEMBERS = 3;

/** The pinned image of the Jobs this project renders (kubectl, sh, curl and jq), unless the site names its own. */
export const DEFAULT_TOOLING_IMAGE = 'docker.io/alpine/k8s:1.34.3';

/**
 * The presets. `prod` keeps data when its declaration is removed; `dev` cleans up.
 *
 * Both keep the control plane's store on a PVC (dev 5Gi, the chart's own default size; prod
 * 10Gi). The original platform ran dev on no volume at all: the chart then renders a Deployment
 * whose store is an `emptyDir`, emptied by every restart or rollout. That mode is still there, as
 * an explicit choice: `persistence: { enabled: false }`.
 */
export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  dev: {
    replicas: 1,
    resources: { requests: { cpu: '200m', memory: '768Mi' }, limits: { cpu: '1000m', memory: '1536Mi' } },
    persistence: { enabled: true, size: '5Gi' },
    corednsReplicas: 1,
    environment: 'development',
    deletionPolicy: 'delete',
  },
  prod: {
    replicas: 3,
    resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
    persistence: { enabled: true, size: '10Gi' },
    corednsReplicas: 2,
    environment: 'production',
    deletionPolicy: 'retain',
  },
};

/** A vcluster chart line: `major.minor` of the chart version, e.g. `0.31`. */
export type ChartLine = string;

/** A chart line the project supports: the values schema of its newest known patch is imported. */
export interface ChartLineData {
  /** The line, e.g. `0.31`. */
  readonly line: ChartLine;
  /** Its newest known patch, whose values schema checks the line's values, e.g. `0.31.3`. */
  readonly newest: string;
}

/**
 * The supported chart lines, oldest first. Data, not a hand list: `npm run import` writes one entry
 * per vcluster values schema it imports (imports/vcluster-chart-lines.json); a line is supported
 * exactly when its schema (and so its validator and types) is in imports/.
 */
export const CHART_LINES: readonly ChartLineData[] = (CHART_LINE_DATA as { lines: ChartLineData[] }).lines;

/** The newest supported chart line. */
export const NEWEST_CHART_LINE = CHART_LINES[CHART_LINES.length - 1].line;

/** The newest supported chart version: what a new declaration pins, and the default without a platform. */
export const NEWEST_CHART_VERSION = CHART_LINES[CHART_LINES.length - 1].newest;

/** The vcluster chart this project installs unless the site or the declaration says otherwise (the newest line). */
export const DEFAULT_CHART = { repoURL: 'https://charts.loft.sh', name: 'vcluster', version: NEWEST_CHART_VERSION } as const;

/** The line of an exact chart version when the line is supported and the patch known (≤ its newest), else `undefined`. */
export function chartLineOf(version: string): ChartLine | undefined {
  const m = /^(\d+\.\d+)\.(\d+)$/.exec(version);
  const data = m && CHART_LINES.find((l) => l.line === m[1]);
  if (!m || !data || Number(m[2]) > Number(data.newest.split('.')[2])) return undefined;
  return data.line;
}

/** Every supported chart version, for error messages (`0.31.0–0.31.3`, ...). */
export function chartVersionsAllowed(): string {
  return CHART_LINES.map((l) => `${l.line}.0–${l.newest}`).join(', ');
}

/** Every exact chart version of a line, oldest first. */
export function chartVersionsOf(line: ChartLine): string[] {
  const data = CHART_LINES.find((l) => l.line === line);
  return data ? Array.from({ length: Number(data.newest.split('.')[2]) + 1 }, (_, i) => `${line}.${i}`) : [];
}

/** Orders two chart lines (`0.9` before `0.10`). */
export function compareChartLines(a: ChartLine, b: ChartLine): number {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
}

/**
 * Kubernetes versions a declaration may ask for: a bare minor (`1.33`) means the pinned patch of
 * this table; an exact `v1.x.y` listed here is used as is. The tag is that of the vcluster's
 * Kubernetes image (`controlPlane.distro.k8s.image.tag`, image `ghcr.io/loft-sh/kubernetes`);
 * `since` is the first supported chart line whose syncer supports the minor (its `K8SVersionMap`).
 */
export const KUBERNETES_VERSIONS: Readonly<Record<string, { readonly tag: string; readonly since: ChartLine }>> = {
  '1.36': { tag: 'v1.36.0', since: '0.36' },
  '1.35': { tag: 'v1.35.0', since: '0.36' },
  '1.34': { tag: 'v1.34.3', since: '0.30' },
  '1.33': { tag: 'v1.33.7', since: '0.30' },
  '1.32': { tag: 'v1.32.11', since: '0.30' },
};

/** The Kubernetes version used when a declaration names none. */
export const DEFAULT_KUBERNETES_VERSION = '1.34';

/** The minors a chart line supports, newest first. */
function minorsOf(line: ChartLine): string[] {
  return Object.keys(KUBERNETES_VERSIONS).filter((minor) => compareChartLines(KUBERNETES_VERSIONS[minor].since, line) <= 0);
}

/**
 * Resolves a declared Kubernetes version to an image tag, or `undefined` when it is not supported
 * (by the chart line, when one is given). Accepts `1.33`, `v1.33`, `1.33.7` and `v1.33.7` (exact
 * patches only if they are the pinned ones).
 */
export function resolveKubernetesVersion(version: string, line?: ChartLine): string | undefined {
  const m = /^v?(\d+\.\d+)(\.\d+)?$/.exec(version);
  if (!m || !Object.hasOwn(KUBERNETES_VERSIONS, m[1])) return undefined;
  if (line !== undefined && !minorsOf(line).includes(m[1])) return undefined;
  const pinned = KUBERNETES_VERSIONS[m[1]].tag;
  if (m[2] && `v${m[1]}${m[2]}` !== pinned) return undefined;
  return pinned;
}

/** Human-readable list of the accepted Kubernetes versions (of a chart line), for error messages. */
export function kubernetesVersionsAllowed(line?: ChartLine): string {
  const minors = line === undefined ? Object.keys(KUBERNETES_VERSIONS) : minorsOf(line);
  const list = minors.map((minor) => `"${minor}" (= ${KUBERNETES_VERSIONS[minor].tag})`).join(', ');
  return line === undefined ? list : `${list} (chart line ${line})`;
}
