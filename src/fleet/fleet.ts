/**
 * The fleet: every declaration under `vclusters/`, checked one by one and against each other,
 * built into charts and rendered as the file tree of `dist/`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Platform } from '../declaration/platform';
import { ResolvedVCluster, resolveDeclaration } from '../declaration/resolve';
import type { VClusterSpec } from '../declaration/spec';
import { buildVCluster } from '../vcluster-chart';
import { JsonObject } from '../vcluster/helm-values';
import { PlatformError, Problem, Problems, ValidationError, formatProblem } from '../validation';
import { bootstrapObjects, fleetAlertObjects } from './bootstrap';
import type { BuiltVCluster } from './built';
import { toYaml } from './serialize';
import { checkUniqueNames } from './unique-names';

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
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the vcluster declarations:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`,
    );
    this.name = 'FleetError';
  }
}

function loadModule(file: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { default?: unknown };
  return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
}

/** Loads a declaration file: its default export, or a problem when it has none or it is no object. */
function loadDeclaration(file: string, source: string): Declaration | Problem {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as Record<string, unknown>;
  const allowed = 'export default defineVCluster({ name: ..., ... })';
  if (!mod || typeof mod !== 'object' || !('default' in mod)) {
    const named = mod && typeof mod === 'object' ? Object.keys(mod).filter((k) => k !== '__esModule') : [];
    return {
      source,
      field: 'export default',
      value: named.length ? `no default export (only ${named.join(', ')})` : 'no default export',
      allowed,
      fix: 'default-export the declaration; one vcluster per file',
    };
  }
  const spec = mod.default;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    return {
      source,
      field: 'export default',
      value: spec,
      allowed,
      fix:
        typeof spec === 'function' ? 'call defineVCluster({...}) instead of exporting a function' : 'default-export one declaration object',
    };
  }
  return { file: source, spec: spec as VClusterSpec };
}

/** Files in the declarations folder that are neither declarations nor documentation (refused, never skipped). */
function strayFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && !(e.isFile() && (/\.ts$/.test(e.name) || /\.md$/i.test(e.name))))
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort();
}

/** One line saying why a file failed to load, with line and column when the compiler gave them. */
export function loadErrorMessage(e: unknown): string {
  // strip terminal colour codes (ESC [ ... m) that compilers put in their messages
  const text = (e instanceof Error ? e.message : String(e)).replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  // esbuild (tsx): "Transform failed with 1 error:\n/path/file.ts:2:43: ERROR: Expected identifier but found ..."
  for (const l of lines) {
    const m = /\.[cm]?[tj]sx?:(\d+):(\d+): ERROR: (.*)$/.exec(l);
    if (m) return `syntax error at line ${m[1]}, column ${m[2]}: ${m[3]}`;
  }
  // swc (jest): "  x Unexpected token ...\n   ,-[/path/file.ts:1:1]\n 2 | export ...\n   :   ^"
  const swc = lines.map((l) => /^(?:\w*Error:\s*)?[×x] (.*)$/.exec(l)).find((m) => m);
  if (swc) {
    const caret = lines.findIndex((l) => /^:\s*\^/.test(l));
    const line = caret > 0 ? /^(\d+) \|/.exec(lines[caret - 1])?.[1] : undefined;
    return `syntax error${line ? ` at line ${line}` : ''}: ${swc[1].trim()}`;
  }
  if (e instanceof SyntaxError) return `syntax error: ${lines[0] ?? ''}`;
  const first = lines.find((l) => !/:$/.test(l)) ?? lines[0] ?? '';
  return `${e instanceof Error && e.name !== 'Error' ? `${e.name}: ` : ''}${first}`;
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
  for (const f of strayFiles(dir)) {
    problems.push({
      source: show(f),
      field: '(file)',
      value: f,
      allowed: 'only vcluster declarations (<name>.ts), platform.ts and *.md files in this folder',
      fix: 'rename it to <name>.ts if it declares a vcluster, otherwise move it out of the folder',
    });
  }
  const declarations: Declaration[] = [];
  for (const f of files) {
    try {
      const d = loadDeclaration(path.resolve(dir, f), show(f));
      if ('spec' in d) declarations.push(d);
      else problems.push(d);
    } catch (e) {
      problems.push(...problemsOf(e, show(f)));
    }
  }
  if (problems.length) throw new FleetError(problems);
  return { platform: platform!, declarations };
}

/** Turns anything thrown while loading or building into problems attributed to `source`. */
function problemsOf(e: unknown, source: string, stage: 'load' | 'build' = 'load'): Problem[] {
  if (e instanceof ValidationError) return e.problems.map((p) => ({ ...p, source: p.source ?? source }));
  if (e instanceof FleetError) return [...e.problems];
  if (stage === 'build') {
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
  const message = loadErrorMessage(e);
  const fix = message.startsWith('syntax error')
    ? 'fix the syntax at the line and column named (`npx tsc --noEmit -p .` shows more)'
    : 'fix the code that throws while the file is loaded';
  return [{ source, field: '(file)', value: message, allowed: 'a TypeScript module that loads without throwing', fix }];
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
  if (problems.length) throw new FleetError(problems);
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
      const found =
        e instanceof PlatformError ? problemsOf(e, path.posix.join(path.posix.dirname(file), PLATFORM_FILE)) : problemsOf(e, file, 'build');
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
