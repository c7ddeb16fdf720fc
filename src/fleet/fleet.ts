/**
 * The fleet: every declaration under `vclusters/`, checked one by one and against each other,
 * built into charts and rendered as the file tree of `dist/`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { Platform } from '../platform';
import { ResolvedSpec, VClusterChart, VClusterSpec, resolveSpec, synthVCluster } from '../vcluster-chart';
import { JsonObject } from '../vcluster/helm-values';
import { Problem, Problems, ValidationError, formatProblem } from '../validation';
import { bootstrapObjects } from './bootstrap';

/** File name of the site configuration inside the declarations folder. */
export const PLATFORM_FILE = 'platform.ts';

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
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the vcluster declarations:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'FleetError';
  }
}

function loadModule(file: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { default?: unknown };
  return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
}

/** Reads the platform and every declaration of a folder, sorted by file name. */
export function loadFleet(dir: string, displayDir = path.basename(dir)): { platform: Platform; declarations: Declaration[] } {
  const problems: Problem[] = [];
  const show = (f: string) => `${displayDir}/${f}`;
  let platform: Platform | undefined;
  const platformFile = path.join(dir, PLATFORM_FILE);
  try {
    if (!fs.existsSync(platformFile)) throw new Error(`missing: declare the site configuration in ${show(PLATFORM_FILE)}`);
    platform = loadModule(path.resolve(platformFile)) as Platform;
    if (!platform || typeof platform !== 'object' || !('baseDomain' in platform)) {
      problems.push({ source: show(PLATFORM_FILE), field: 'default export', value: platform, allowed: 'definePlatform({...})' });
    }
  } catch (e) {
    problems.push(...problemsOf(e, show(PLATFORM_FILE)));
  }
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== PLATFORM_FILE)
    .sort();
  const declarations: Declaration[] = [];
  for (const f of files) {
    try {
      declarations.push({ file: show(f), spec: loadModule(path.resolve(dir, f)) as VClusterSpec });
    } catch (e) {
      problems.push(...problemsOf(e, show(f)));
    }
  }
  if (problems.length) throw new FleetError(problems);
  return { platform: platform!, declarations };
}

/** Turns anything thrown while loading or building into problems attributed to `source`. */
function problemsOf(e: unknown, source: string): Problem[] {
  if (e instanceof ValidationError) return e.problems.map((p) => ({ ...p, source: p.source ?? source }));
  if (e instanceof FleetError) return [...e.problems];
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return [{ source, field: '(file)', value: message, allowed: 'a file that loads: fix the error above' }];
}

/** A built vcluster. */
export interface BuiltVCluster {
  readonly file: string;
  readonly resolved: ResolvedSpec;
  readonly chart: VClusterChart;
  readonly objects: readonly JsonObject[];
}

/** Reports values that two declarations must not share. */
function checkUnique(problems: Problem[], resolved: Array<{ file: string; r: ResolvedSpec }>): void {
  const rules: Array<[string, string, (r: ResolvedSpec) => string | undefined]> = [
    ['name', 'vcluster name', (r) => r.names.release],
    ['targetNamespace', 'host namespace', (r) => `${r.hostCluster}/${r.names.namespace}`],
    ['projectName', 'Argo CD AppProject', (r) => r.names.project],
    ['name', 'Argo CD Application', (r) => r.names.application],
    ['name', 'Argo CD cluster name', (r) => r.names.argocdClusterName],
    ['exposure.hostname', 'API hostname', (r) => (r.exposure.mode === 'internal' ? undefined : r.exposure.hostname)],
    ['exposure.vip', 'load-balancer VIP', (r) => r.exposure.vip && `${r.hostCluster}/${r.exposure.vip}`],
  ];
  for (const [field, what, key] of rules) {
    const seen = new Map<string, string>();
    for (const { file, r } of resolved) {
      const k = key(r);
      if (k === undefined) continue;
      const other = seen.get(k);
      if (other) {
        problems.push({
          source: file,
          field,
          value: k.includes('/') && field !== 'exposure.hostname' ? k.split('/').slice(1).join('/') : k,
          allowed: `a ${what} no other declaration uses (${other} already does)`,
          fix: `change ${field} in one of the two files`,
        });
      } else {
        seen.set(k, file);
      }
    }
  }
}

/**
 * Checks every declaration and the fleet-wide rules, then builds every chart. Nothing is built
 * unless every declaration is valid; every problem of the run is reported in one {@link FleetError}.
 */
export function buildFleet(platform: Platform, declarations: readonly Declaration[]): BuiltVCluster[] {
  const problems: Problem[] = [];
  const resolved: Array<{ file: string; r: ResolvedSpec; spec: VClusterSpec }> = [];
  for (const d of declarations) {
    const p = new Problems();
    const r = resolveSpec(p, d.spec, platform);
    problems.push(...p.list.map((x) => ({ ...x, source: d.file })));
    if (p.ok) resolved.push({ file: d.file, r, spec: d.spec });
  }
  checkUnique(problems, resolved);
  if (problems.length) throw new FleetError(problems);
  const built: BuiltVCluster[] = [];
  for (const { file, spec, r } of resolved) {
    try {
      const { chart, objects } = synthVCluster(spec, platform);
      built.push({ file, resolved: r, chart, objects });
    } catch (e) {
      problems.push(...problemsOf(e, file));
    }
  }
  if (problems.length) throw new FleetError(problems);
  return built;
}

/** YAML text of one object, byte-stable: sorted keys come from cdk8s, options are fixed here. */
export function toYaml(obj: JsonObject): string {
  return YAML.stringify(obj, { version: '1.1', lineWidth: 0, indent: 2, sortMapEntries: false, aliasDuplicateObjects: false });
}

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
export function renderFleet(platform: Platform, built: readonly BuiltVCluster[], extra: (b: readonly BuiltVCluster[]) => Map<string, string> = () => new Map()): Map<string, string> {
  const files = new Map<string, string>();
  for (const b of built) {
    for (const obj of b.objects) {
      const side = isArgocdSide(obj, platform) ? 'argocd' : 'host';
      const file = `${b.resolved.names.release}/${side}/${objectFileName(obj)}`;
      if (files.has(file)) throw new FleetError([{ source: b.file, field: '(output)', value: file, allowed: 'one object per kind and name' }]);
      files.set(file, toYaml(obj));
    }
  }
  for (const obj of bootstrapObjects(platform, built)) files.set(`${BOOTSTRAP_DIR}/${objectFileName(obj)}`, toYaml(obj));
  for (const [k, v] of extra(built)) files.set(k, v);
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** True for objects that live on the Argo CD cluster (in Argo CD's namespace). */
export function isArgocdSide(obj: JsonObject, platform: Platform): boolean {
  return (obj.metadata as JsonObject | undefined)?.namespace === platform.argocd.namespace;
}
