/**
 * Sizing presets, and the version tables the project supports.
 *
 * The preset values are those the original platform's pipeline applied (its code, not its stale
 * READMEs). Every value a preset sets can be overridden in a declaration.
 */

/** Name of a sizing preset. `dev` is the default. */
export type PresetName = 'dev' | 'prod';

/** All preset names, in documentation order. */
export const PRESET_NAMES: readonly PresetName[] = ['dev', 'prod'];

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

/** The vcluster chart this project installs unless the site or the declaration says otherwise. */
export const DEFAULT_CHART = { repoURL: 'https://charts.loft.sh', name: 'vcluster', version: '0.31.3' } as const;

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

/**
 * Kubernetes versions a declaration may ask for. A bare minor (`1.33`) means the pinned patch in
 * this table; an exact `v1.x.y` listed here is used as is. The value becomes the tag of the
 * vcluster's Kubernetes image (`controlPlane.distro.k8s.image.tag`, image
 * `ghcr.io/loft-sh/kubernetes`).
 */
export const KUBERNETES_VERSIONS: Readonly<Record<string, string>> = {
  '1.34': 'v1.34.3',
  '1.33': 'v1.33.7',
  '1.32': 'v1.32.11',
};

/** The Kubernetes version used when a declaration names none. */
export const DEFAULT_KUBERNETES_VERSION = '1.34';

/**
 * Resolves a declared Kubernetes version to an image tag, or `undefined` when it is not supported.
 * Accepts `1.33`, `v1.33`, `1.33.7` and `v1.33.7` (exact patches only if they are the pinned ones).
 */
export function resolveKubernetesVersion(version: string): string | undefined {
  const m = /^v?(\d+\.\d+)(\.\d+)?$/.exec(version);
  if (!m) return undefined;
  const pinned = KUBERNETES_VERSIONS[m[1]];
  if (!pinned) return undefined;
  if (m[2] && `v${m[1]}${m[2]}` !== pinned) return undefined;
  return pinned;
}

/** Human-readable list of the accepted Kubernetes versions (for error messages). */
export function kubernetesVersionsAllowed(): string {
  return Object.entries(KUBERNETES_VERSIONS)
    .map(([minor, patch]) => `"${minor}" (= ${patch})`)
    .join(', ');
}

/**
 * vcluster chart versions this project renders values for, by chart line. Each line's values are
 * checked against the schema of its newest patch (generated into imports/).
 */
export const CHART_VERSIONS: Readonly<Record<ChartLine, readonly string[]>> = {
  '0.30': ['0.30.0', '0.30.1', '0.30.2', '0.30.3', '0.30.4', '0.30.5'],
  '0.31': ['0.31.0', '0.31.1', '0.31.2', '0.31.3'],
};

/** A supported vcluster chart line. */
export type ChartLine = '0.30' | '0.31';

/** The chart line of an exact supported chart version, or `undefined`. */
export function chartLineOf(version: string): ChartLine | undefined {
  for (const [line, versions] of Object.entries(CHART_VERSIONS) as Array<[ChartLine, readonly string[]]>) {
    if (versions.includes(version)) return line;
  }
  return undefined;
}

/** Every supported chart version, for error messages. */
export function chartVersionsAllowed(): string {
  return Object.values(CHART_VERSIONS).flat().join(', ');
}
