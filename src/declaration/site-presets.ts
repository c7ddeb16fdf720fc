/**
 * Site presets: presets a site defines in its platform configuration (`definePlatform({ presets })`)
 * beside the built-in `dev` and `prod`. Each starts from a built-in preset and sets some of the
 * sizing, persistence, isolation, deletion policy, environment, chart version and Kubernetes
 * version; a declaration picks one by name and still overrides any of its values.
 */
import { ISOLATION_MODES, IsolationMode, StrictIsolationSettings, checkStrictIsolation } from '../isolation/settings';
import {
  DeletionPolicy,
  PRESETS,
  PRESET_NAMES,
  Preset,
  PresetName,
  REPLICA_LIMITS,
  chartLineOf,
  chartVersionsAllowed,
  isBuiltInPreset,
  kubernetesVersionsAllowed,
  resolveKubernetesVersion,
} from '../presets';
import { Problems, checkKnownKeys, isPlainObject, keyPath, keysOf } from '../validation';
import {
  ControlPlanePersistence,
  ControlPlaneResources,
  SIZING_KEYS,
  checkPersistence,
  checkReplicas,
  checkResources,
  resolveResources,
} from '../vcluster/sizing';

/** The control-plane volume a site preset sets (the StorageClass stays a declaration's choice). */
export type SitePresetPersistence = Pick<ControlPlanePersistence, 'enabled' | 'size'>;

/**
 * A preset the site defines (`presets: { <name>: {...} }` in `definePlatform`). What it omits comes
 * from the built-in preset it extends; a declaration picking it (`preset: '<name>'`) overrides any
 * of its values with its own fields.
 */
export interface SitePreset {
  /**
   * The built-in preset this one starts from: every value it does not set is that preset's.
   * @default "dev" - like a declaration that names no preset
   */
  readonly extends?: PresetName;
  /** Control-plane replicas (`replicas` of a declaration). @default - the extended preset's (dev 1, prod 3) */
  readonly replicas?: number;
  /** Control-plane requests and limits, key by key over the extended preset's (`resources` of a declaration). @default - the extended preset's */
  readonly resources?: ControlPlaneResources;
  /** Control-plane PVC: on or off, and its size (`persistence` of a declaration). @default - the extended preset's (on; dev 5Gi, prod 10Gi) */
  readonly persistence?: SitePresetPersistence;
  /** CoreDNS replicas inside the vcluster (`coredns.replicas` of a declaration). @default - the extended preset's (dev 1, prod 2) */
  readonly corednsReplicas?: number;
  /** Namespace isolation (`isolationMode` of a declaration). @default "standard" */
  readonly isolationMode?: IsolationMode;
  /**
   * Strict-mode settings (only with `isolationMode: "strict"`); a declaration's `isolation` is laid
   * over them key by key, as over the strict-mode defaults.
   * @default - the strict-mode defaults
   */
  readonly isolation?: StrictIsolationSettings;
  /** What removing a declaration does to its vcluster's data and 1Password item. @default - the extended preset's (dev "delete", prod "retain") */
  readonly deletionPolicy?: DeletionPolicy;
  /** Argo CD environment label (`argocd.environment` of a declaration). @default - the extended preset's (development / production) */
  readonly environment?: string;
  /** Exact vcluster chart version, which fixes the chart line (`application.targetRevision` of a declaration). @default - the platform's `chart.version` */
  readonly chartVersion?: string;
  /** Kubernetes version, one the chart line supports (`kubernetesVersion` of a declaration). @default - the platform's `kubernetesVersion` */
  readonly kubernetesVersion?: string;
}

/** A preset with everything it omits taken from the built-in preset it extends: what the resolver reads. */
export interface ResolvedPreset extends Preset {
  /** The built-in preset it starts from (a built-in preset extends itself). */
  readonly extends: PresetName;
  /** Namespace isolation. @default - the declaration's, else "standard" */
  readonly isolationMode?: IsolationMode;
  /** Strict-mode settings under a declaration's. @default - the strict-mode defaults */
  readonly isolation?: StrictIsolationSettings;
  /** Exact chart version. @default - the platform's */
  readonly chartVersion?: string;
  /** Kubernetes version. @default - the platform's */
  readonly kubernetesVersion?: string;
}

/** Keys of a site preset and of its sections, for the unknown-key checks. */
export const SITE_PRESET_KEYS = {
  preset: keysOf<SitePreset>({
    extends: true,
    replicas: true,
    resources: true,
    persistence: true,
    corednsReplicas: true,
    isolationMode: true,
    isolation: true,
    deletionPolicy: true,
    environment: true,
    chartVersion: true,
    kubernetesVersion: true,
  }),
  persistence: keysOf<SitePresetPersistence>({ enabled: true, size: true }),
};

/** The site's chart and Kubernetes defaults, against which a preset's versions are checked. */
export interface SiteVersions {
  /** The platform's chart version (defaults applied). */
  readonly chartVersion: string;
  /** The platform's Kubernetes version (defaults applied). */
  readonly kubernetesVersion: string;
}

/**
 * Checks the site presets: names (DNS labels, not a built-in's), known keys, quantities, replicas,
 * the chart version (a supported line, a known patch) and the Kubernetes version (one the preset's
 * chart line supports). Fields are reported as `presets.<name>.<field>`.
 */
export function checkSitePresets(p: Problems, presets: unknown, site: SiteVersions): void {
  if (presets === undefined) return;
  if (!isPlainObject(presets)) {
    p.add('presets', presets, 'a map of preset names to site presets, e.g. { small: { extends: "dev", replicas: 1 } }');
    return;
  }
  for (const [name, preset] of Object.entries(presets)) {
    const field = keyPath('presets', name);
    if (isBuiltInPreset(name)) {
      p.add(
        field,
        preset,
        `a site preset named other than the built-in ${PRESET_NAMES.map((n) => `"${n}"`).join(' and ')}`,
        `rename it (e.g. "${name}-large") and set extends: "${name}" to start from the built-in values`,
      );
      continue;
    }
    if (!p.dnsLabel(field, name, 63, 'name site presets like "small" or "prod-ha" (lower-case letters, digits and "-")')) continue;
    if (!isPlainObject(preset)) {
      p.add(field, preset, `a site preset: a map of (some of) ${SITE_PRESET_KEYS.preset.join(', ')}`);
      continue;
    }
    checkSitePreset(p.scope(field), preset as SitePreset, site);
  }
}

/** One site preset (its fields reported under the scope of `p`). */
function checkSitePreset(p: Problems, preset: SitePreset, site: SiteVersions): void {
  checkKnownKeys(p, '', preset, SITE_PRESET_KEYS.preset);
  const base = preset.extends ?? 'dev';
  if (preset.extends !== undefined) p.oneOf('extends', preset.extends, PRESET_NAMES);
  const builtIn = PRESETS[isBuiltInPreset(base) ? base : 'dev'];
  if (preset.replicas !== undefined) checkReplicas(p, 'replicas', preset.replicas);
  if (preset.resources !== undefined && p.object('resources', preset.resources, 'a map { requests?, limits? } of cpu and memory')) {
    checkKnownKeys(p, 'resources', preset.resources, SIZING_KEYS.resources);
    for (const kind of ['requests', 'limits'] as const) {
      const q = preset.resources[kind];
      if (q !== undefined && p.object(`resources.${kind}`, q, 'a map { cpu?, memory? }')) {
        checkKnownKeys(p, `resources.${kind}`, q, SIZING_KEYS.quantities);
      }
    }
    checkResources(p, 'resources', preset.resources, builtIn);
  }
  if (preset.persistence !== undefined && p.object('persistence', preset.persistence, 'a map { enabled?, size? }')) {
    checkKnownKeys(p, 'persistence', preset.persistence, SITE_PRESET_KEYS.persistence);
    const { enabled, size } = preset.persistence;
    checkPersistence(p, 'persistence', { enabled, size }, builtIn);
  }
  if (preset.corednsReplicas !== undefined) {
    p.integer('corednsReplicas', preset.corednsReplicas, REPLICA_LIMITS.coredns.min, REPLICA_LIMITS.coredns.max);
  }
  if (preset.isolationMode !== undefined) p.oneOf('isolationMode', preset.isolationMode, ISOLATION_MODES);
  if (preset.isolation !== undefined) {
    checkStrictIsolation(p.scope('isolation'), preset.isolation);
    if (preset.isolationMode !== 'strict') {
      p.add(
        'isolation',
        preset.isolation,
        'isolation settings only with isolationMode: "strict" (standard mode ignores them)',
        'set isolationMode: "strict" in the preset, or remove isolation',
      );
    }
  }
  if (preset.deletionPolicy !== undefined) p.oneOf('deletionPolicy', preset.deletionPolicy, ['retain', 'delete'] as DeletionPolicy[]);
  if (preset.environment !== undefined) p.labelValue('environment', preset.environment);
  checkPresetVersions(p, preset, site);
}

/** The chart version (supported line, known patch) and the Kubernetes version its line supports. */
function checkPresetVersions(p: Problems, preset: SitePreset, site: SiteVersions): void {
  let chartVersion = site.chartVersion;
  if (preset.chartVersion !== undefined) {
    if (typeof preset.chartVersion !== 'string' || !chartLineOf(preset.chartVersion)) {
      p.add(
        'chartVersion',
        preset.chartVersion,
        `an exact supported vcluster chart version: ${chartVersionsAllowed()}`,
        'pin one exact version; ranges, "latest" and "0.31" are not allowed',
      );
      return; // no line to check the Kubernetes version against
    }
    chartVersion = preset.chartVersion;
  }
  const line = chartLineOf(chartVersion);
  const k8s = preset.kubernetesVersion;
  if (k8s !== undefined && (typeof k8s !== 'string' || !resolveKubernetesVersion(k8s, line))) {
    p.add('kubernetesVersion', k8s, kubernetesVersionsAllowed(line), 'write the version as a quoted string, e.g. "1.33"');
  } else if (k8s === undefined && line && !resolveKubernetesVersion(site.kubernetesVersion, line)) {
    p.add(
      'kubernetesVersion',
      k8s,
      `a version chart ${chartVersion} supports (the platform's default ${site.kubernetesVersion} is newer): ${kubernetesVersionsAllowed(line)}`,
      'set kubernetesVersion in the preset, or pin a newer chartVersion',
    );
  }
}

/** The checked site presets with what each omits taken from the built-in preset it extends. */
export function resolveSitePresets(presets: Readonly<Record<string, SitePreset>> | undefined): Record<string, ResolvedPreset> {
  return Object.fromEntries(Object.entries(presets ?? {}).map(([name, preset]) => [name, resolveSitePreset(preset)]));
}

function resolveSitePreset(preset: SitePreset): ResolvedPreset {
  const base = preset.extends ?? 'dev';
  const builtIn = PRESETS[base];
  const resolved: ResolvedPreset = {
    extends: base,
    replicas: preset.replicas ?? builtIn.replicas,
    resources: resolveResources(builtIn, preset.resources) as unknown as Preset['resources'],
    persistence: {
      enabled: preset.persistence?.enabled ?? builtIn.persistence.enabled,
      size: preset.persistence?.size ?? builtIn.persistence.size,
    },
    corednsReplicas: preset.corednsReplicas ?? builtIn.corednsReplicas,
    environment: preset.environment ?? builtIn.environment,
    deletionPolicy: preset.deletionPolicy ?? builtIn.deletionPolicy,
  };
  // the optional settings only when the preset sets them (absent: the declaration's, else the platform's)
  const optional = {
    isolationMode: preset.isolationMode,
    isolation: preset.isolation,
    chartVersion: preset.chartVersion,
    kubernetesVersion: preset.kubernetesVersion,
  };
  return { ...resolved, ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) };
}

/** The preset a name picks: a site preset, else a built-in one; `undefined` when the site offers none of that name. */
export function presetOf(sitePresets: Readonly<Record<string, ResolvedPreset>>, name: unknown): ResolvedPreset | undefined {
  if (typeof name !== 'string') return undefined;
  if (Object.hasOwn(sitePresets, name)) return sitePresets[name];
  return isBuiltInPreset(name) ? { ...PRESETS[name], extends: name } : undefined;
}

/** Every preset the site offers: the built-in ones, then the site's in the order it declares them. */
export function presetNames(sitePresets: Readonly<Record<string, ResolvedPreset>>): string[] {
  return [...PRESET_NAMES, ...Object.keys(sitePresets)];
}
