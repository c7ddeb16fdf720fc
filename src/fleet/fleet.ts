/**
 * The fleet: every declaration under `vclusters/`, checked one by one and against each other,
 * built into charts and rendered as the file tree of `dist/`.
 */
import { IN_CLUSTER_SERVER, Platform } from '../platform';
import { ResolvedSpec, VClusterSpec, resolveSpec, synthVCluster } from '../vcluster-chart';
import { JsonObject } from '../vcluster/helm-values';
import { Problem, Problems, ValidationError, formatProblem } from '../validation';
import { ROOT_APPLICATION, bootstrapObjects } from './bootstrap';
import { toYaml } from './serialize';

/** Loading the declarations folder lives in ./loader.ts. */
export { LOAD_TIMEOUT_ENV, PLATFORM_FILE, loadErrorMessage, loadFleet } from './loader';
export type { LoadFleetOptions } from './loader';

/** One declaration file. */
export interface Declaration {
  /** Path for messages, e.g. `vclusters/media.ts`. */
  readonly file: string;
  /** Its default export. */
  readonly spec: VClusterSpec;
}

/** Thrown when any declaration is invalid; lists every problem of the run. */
export class FleetError extends Error {
  constructor(public readonly problems: readonly Problem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the vcluster declarations:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`,
    );
    this.name = 'FleetError';
  }
}

/** Turns anything thrown while building into problems attributed to `source` (loading: ./loader.ts). */
function problemsOf(e: unknown, source: string): Problem[] {
  if (e instanceof ValidationError) return e.problems.map((p) => ({ ...p, source: p.source ?? source }));
  if (e instanceof FleetError) return [...e.problems];
  const message = (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split('\n')[0];
  return [
    {
      source,
      field: '(build)',
      value: message,
      allowed: 'a declaration that builds',
      fix: 'the declaration passed validation but failed to build: report this message as a vcluster-fleet bug',
    },
  ];
}

/** What the fleet-level files (inventory) need of a built VCluster construct. */
export interface VClusterFacts {
  readonly preset: string;
  readonly kubernetesVersion: string;
  readonly targetRevision: string;
  readonly replicas: number;
  /** The final Helm values. */
  readonly helmValues: JsonObject;
}

/** A built vcluster. */
export interface BuiltVCluster {
  readonly file: string;
  readonly resolved: ResolvedSpec;
  /** Facts of its VCluster construct (the chart itself is not kept: it is large). */
  readonly vcluster: VClusterFacts;
  /** Its rendered objects; empty when `buildFleet` was asked not to keep them (synth streams them instead). */
  readonly objects: readonly JsonObject[];
  /** How many objects it rendered. */
  readonly objectCount: number;
}

/**
 * Reports values that two declarations must not share: vcluster names, host namespaces (per host
 * cluster), AppProjects, every Argo CD Application name (the vcluster's, its bootstrap children and
 * the root), Argo CD cluster names, API hostnames and load-balancer VIPs (per host cluster).
 */
function checkUnique(problems: Problem[], resolved: Array<{ file: string; r: ResolvedSpec }>): void {
  const remote = (r: ResolvedSpec) => r.destinationServer !== IN_CLUSTER_SERVER;
  const rules: Array<[string, string, (r: ResolvedSpec) => string[]]> = [
    ['name', 'vcluster name', (r) => [r.names.release]],
    ['targetNamespace', 'host namespace', (r) => [`${r.hostCluster}/${r.names.namespace}`]],
    ['projectName', 'Argo CD AppProject', (r) => [r.names.project]],
    [
      'name',
      'Argo CD Application name',
      (r) => [r.names.application, r.names.bootstrapApplication, ...(remote(r) ? [`${r.names.bootstrapApplication}-host`] : [])],
    ],
    ['name', 'Argo CD cluster name', (r) => [r.names.argocdClusterName]],
    ['exposure.hostname', 'API hostname', (r) => (r.exposure.mode === 'internal' ? [] : [r.exposure.hostname])],
    ['exposure.vip', 'load-balancer VIP', (r) => (r.exposure.vip ? [`${r.hostCluster}/${r.exposure.vip}`] : [])],
  ];
  const duplicateNames = new Set<string>();
  for (const [field, what, keys] of rules) {
    const seen = new Map<string, string>(what === 'Argo CD Application name' ? [[ROOT_APPLICATION, '(the root Application)']] : []);
    for (const { file, r } of resolved) {
      // A duplicated name duplicates every name derived from it: report it once, as the name.
      if (field === 'name' && what !== 'vcluster name' && duplicateNames.has(file)) continue;
      for (const k of keys(r)) {
        const other = seen.get(k);
        if (other === undefined) {
          seen.set(k, file);
          continue;
        }
        if (what === 'vcluster name') duplicateNames.add(file);
        problems.push({
          source: file,
          field,
          value: k.includes('/') && field !== 'exposure.hostname' ? k.split('/').slice(1).join('/') : k,
          allowed: `${/^[aeiouAEIOU]/.test(what) ? 'an' : 'a'} ${what} no other vcluster uses (${other.startsWith('(') ? other.slice(1, -1) : other} already does)`,
          fix: other.startsWith('(') ? `change ${field}` : `change ${field} in one of the two files`,
        });
      }
    }
  }
}

/**
 * Checks every declaration and the fleet-wide rules, then builds every chart. Nothing is built
 * unless every declaration is valid; every problem of the run is reported in one {@link FleetError}.
 * `onBuilt` sees each vcluster as soon as it is built (while no build has failed yet).
 */
export function buildFleet(
  platform: Platform,
  declarations: readonly Declaration[],
  onBuilt?: (b: BuiltVCluster) => void,
  options: { keepObjects?: boolean } = {},
): BuiltVCluster[] {
  const problems: Problem[] = [];
  const resolved: Array<{ file: string; r: ResolvedSpec; spec: VClusterSpec }> = [];
  // Sorted by file name (code-unit order, not locale): the output never depends on discovery order.
  for (const d of [...declarations].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    const p = new Problems();
    const r = resolveSpec(p, d.spec, platform);
    problems.push(...p.list.map((x) => ({ ...x, source: d.file })));
    if (p.ok) resolved.push({ file: d.file, r, spec: d.spec });
  }
  checkUnique(problems, resolved);
  if (problems.length) throw new FleetError(problems);
  const built: BuiltVCluster[] = [];
  for (const { file, spec, r } of resolved) {
    let b: BuiltVCluster;
    try {
      const { chart, objects } = synthVCluster(spec, platform);
      const v = chart.vcluster;
      const vcluster = {
        preset: v.preset,
        kubernetesVersion: v.kubernetesVersion,
        targetRevision: v.targetRevision,
        replicas: v.replicas,
        helmValues: v.helmValues(),
      };
      b = { file, resolved: r, vcluster, objects, objectCount: objects.length };
    } catch (e) {
      problems.push(...problemsOf(e, file));
      continue;
    }
    // e.g. hand the objects to the output writer while the next vcluster builds (src/cli/synth.ts)
    if (!problems.length) onBuilt?.(b);
    // Dropping the objects once handed over keeps memory flat for large fleets.
    built.push(options.keepObjects === false ? { ...b, objects: [] } : b);
  }
  if (problems.length) throw new FleetError(problems);
  return built;
}

/** YAML text of one object, byte-stable (defined in ./serialize.ts, which the writer thread loads). */
export { toYaml };

/** The file name of one object inside its folder: `<kind>-<name>.yaml`. */
export function objectFileName(obj: JsonObject): string {
  const kind = String(obj.kind).toLowerCase();
  const name = String((obj.metadata as JsonObject | undefined)?.name);
  return `${kind}-${name}.yaml`;
}

/** Folder of the bootstrap objects (not a DNS label, so it cannot collide with a vcluster). */
export const BOOTSTRAP_DIR = '_bootstrap';

/**
 * Renders the whole `dist/` tree as path → content: `<name>/argocd/*.yaml` (objects for the Argo CD
 * cluster), `<name>/host/*.yaml` (objects for the vcluster's host cluster), `_bootstrap/*.yaml`.
 */
export function renderFleet(
  platform: Platform,
  built: readonly BuiltVCluster[],
  extra: (b: readonly BuiltVCluster[]) => Map<string, string> = () => new Map(),
): Map<string, string> {
  const files = new Map<string, string>();
  for (const b of built) for (const [file, obj] of vclusterFiles(platform, b)) files.set(file, toYaml(obj));
  for (const [k, v] of fleetFiles(platform, built, extra)) files.set(k, v);
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The files of one built vcluster in `dist/` (path → object, not yet serialized). Paths start with
 * the vcluster's unique name, so two vclusters never share one; two objects of one vcluster with the
 * same kind and name throw.
 */
export function vclusterFiles(platform: Platform, b: BuiltVCluster): Map<string, JsonObject> {
  const files = new Map<string, JsonObject>();
  for (const obj of b.objects) {
    const side = isArgocdSide(obj, platform) ? 'argocd' : 'host';
    const file = `${b.resolved.names.release}/${side}/${objectFileName(obj)}`;
    if (files.has(file))
      throw new FleetError([{ source: b.file, field: '(output)', value: file, allowed: 'one object per kind and name' }]);
    files.set(file, obj);
  }
  return files;
}

/** The fleet-wide files of `dist/` (path → content): `_bootstrap/*.yaml` and `extra`'s. */
export function fleetFiles(
  platform: Platform,
  built: readonly BuiltVCluster[],
  extra: (b: readonly BuiltVCluster[]) => Map<string, string> = () => new Map(),
): Map<string, string> {
  const files = new Map<string, string>();
  for (const obj of bootstrapObjects(platform, built)) files.set(`${BOOTSTRAP_DIR}/${objectFileName(obj)}`, toYaml(obj));
  for (const [k, v] of extra(built)) files.set(k, v);
  return files;
}

/** True for objects that live on the Argo CD cluster (in Argo CD's namespace). */
export function isArgocdSide(obj: JsonObject, platform: Platform): boolean {
  return (obj.metadata as JsonObject | undefined)?.namespace === platform.argocd.namespace;
}
