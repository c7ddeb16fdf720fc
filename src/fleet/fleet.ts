/**
 * The fleet: every declaration under `vclusters/`, checked one by one and against each other,
 * built into charts and rendered as the file tree of `dist/`.
 */
import * as path from 'path';
import { Platform } from '../declaration/platform';
import { ResolvedVCluster, resolveDeclaration } from '../declaration/resolve';
import { buildVCluster } from '../vcluster-chart';
import { JsonObject } from '../vcluster/helm-values';
import { PlatformError, Problem, Problems, ValidationError } from '../validation';
import { bootstrapObjects, fleetAlertObjects } from './bootstrap';
import type { BuiltVCluster } from './built';
import { toYaml } from './serialize';
import { checkUniqueNames } from './unique-names';

/** Loading the declarations folder lives in ./loader.ts. */
export { LOAD_TIMEOUT_ENV, PLATFORM_FILE, loadErrorMessage, loadFleet } from './loader';
export type { LoadFleetOptions } from './loader';

import { Declaration, FleetError, PLATFORM_FILE } from './declaration-folder';
export { FleetError };
export type { Declaration };

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

export type { BuiltVCluster, VClusterFacts } from './built';

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
  const resolved: Array<{ file: string; r: ResolvedVCluster }> = [];
  // Sorted by file name (code-unit order, not locale): the output never depends on discovery order.
  for (const d of [...declarations].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    const p = new Problems();
    const r = resolveDeclaration(p, d.spec, platform);
    problems.push(...p.list.map((x) => ({ ...x, source: d.file })));
    if (p.ok) resolved.push({ file: d.file, r });
  }
  checkUniqueNames(problems, resolved);
  // The declarations that resolved are built even when others did not: what building finds (the
  // Helm values guard, the chart schema) is reported in the same run; nothing is handed on then.
  const built: BuiltVCluster[] = [];
  for (const { file, r } of resolved) {
    let b: BuiltVCluster;
    try {
      const { chart, objects } = buildVCluster(r);
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
      // The site's fault (e.g. a registration convention that throws) is reported once, against platform.ts.
      const found = problemsOf(e, e instanceof PlatformError ? path.posix.join(path.posix.dirname(file), PLATFORM_FILE) : file);
      problems.push(...found.filter((p) => !problems.some((q) => q.source === p.source && q.field === p.field)));
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
  for (const obj of [...bootstrapObjects(platform, built), ...fleetAlertObjects(platform, built)]) {
    files.set(`${BOOTSTRAP_DIR}/${objectFileName(obj)}`, toYaml(obj));
  }
  for (const [k, v] of extra(built)) files.set(k, v);
  return files;
}

/** True for objects that live on the Argo CD cluster (in Argo CD's namespace). */
export function isArgocdSide(obj: JsonObject, platform: Platform): boolean {
  return (obj.metadata as JsonObject | undefined)?.namespace === platform.argocd.namespace;
}
