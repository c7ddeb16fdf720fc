/**
 * Reading `dist/` as `npm run synth` writes it, without the library that wrote it: one folder per
 * vcluster (`<name>/argocd/*.yaml`, `<name>/host/*.yaml`, one object per file) and `_bootstrap/`,
 * whose child Applications carry the label `vcluster-fleet/vcluster: <name>`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { Json, Manifest, at, kindOf, listAt } from './model';

/** The bootstrap folder of `dist/`. */
export const BOOTSTRAP_DIR = '_bootstrap';

/** One file of a vcluster, unparsed. */
export interface DistFile {
  /** Path relative to the dist folder (`sandbox/host/x.yaml`, `_bootstrap/application-fleet-sandbox.yaml`). */
  readonly rel: string;
  readonly text: string;
}

/** One vcluster folder of `dist/` with its bootstrap files. */
export interface VClusterFolder {
  readonly name: string;
  readonly files: readonly DistFile[];
}

function yamlFiles(dir: string, rel: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...yamlFiles(dir, r));
    else if (/\.ya?ml$/.test(e.name)) out.push(r);
  }
  return out;
}

/** The vcluster a bootstrap file belongs to, read from its label without parsing the YAML. */
function bootstrapOwner(text: string): string | undefined {
  return /^\s+vcluster-fleet\/vcluster:\s*["']?([a-z0-9][a-z0-9.-]*)["']?\s*$/m.exec(text)?.[1];
}

/** Every vcluster folder of `dist` (sorted by name), with its files read. Throws when `dist` is no folder. */
export function readDist(dist: string): VClusterFolder[] {
  if (!fs.existsSync(dist) || !fs.statSync(dist).isDirectory())
    throw new Error(`${dist} is not a folder (run npm run synth first, or pass --dist)`);
  const bootstrap = new Map<string, DistFile[]>();
  if (fs.existsSync(path.join(dist, BOOTSTRAP_DIR))) {
    for (const rel of yamlFiles(dist, BOOTSTRAP_DIR)) {
      const text = fs.readFileSync(path.join(dist, rel), 'utf8');
      const owner = bootstrapOwner(text);
      if (owner) bootstrap.set(owner, [...(bootstrap.get(owner) ?? []), { rel, text }]);
    }
  }
  return fs
    .readdirSync(dist, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('_') && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
    .map((name) => ({
      name,
      files: [
        ...yamlFiles(dist, name).map((rel) => ({ rel, text: fs.readFileSync(path.join(dist, rel), 'utf8') })),
        ...(bootstrap.get(name) ?? []),
      ],
    }));
}

/** Parses a vcluster's files into manifests; `display` prefixes their paths in messages. */
export function parseFolder(folder: VClusterFolder, display: string): { manifests: Manifest[]; problems: string[] } {
  const manifests: Manifest[] = [];
  const problems: string[] = [];
  for (const f of folder.files) {
    const file = `${display}/${f.rel}`;
    for (const doc of YAML.parseAllDocuments(f.text)) {
      if (doc.errors.length) {
        problems.push(`${file}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
        continue;
      }
      const obj = doc.toJS() as unknown;
      if (obj === null || obj === undefined) continue;
      if (typeof obj !== 'object' || Array.isArray(obj)) problems.push(`${file}: not a Kubernetes object`);
      else manifests.push({ origin: 'ours', file, obj: obj as Json });
    }
  }
  return { manifests, problems };
}

/** What `helm template` needs to render one Application's chart. */
export interface RenderRequest {
  readonly chart: string;
  readonly repoURL: string;
  readonly version: string;
  readonly release: string;
  readonly namespace: string;
  readonly values: Json;
}

/** The Applications among `manifests` that install a chart from a Helm repository. */
function chartApplications(manifests: readonly Manifest[]): Manifest[] {
  return manifests.filter((m) => kindOf(m.obj) === 'Application' && typeof at(m.obj, 'spec', 'source', 'chart') === 'string');
}

/**
 * The render request of the vcluster's chart Application (the one Application with a chart, else
 * the one whose chart is `vcluster`), or a problem saying why there is none.
 */
export function renderRequestOf(manifests: readonly Manifest[]): { request: RenderRequest; app: Manifest } | { problem: string } {
  const apps = chartApplications(manifests);
  const app = apps.length === 1 ? apps[0] : apps.find((m) => at(m.obj, 'spec', 'source', 'chart') === 'vcluster');
  if (!app)
    return {
      problem: apps.length
        ? `${apps.length} Applications install a chart and none installs 'vcluster'`
        : 'no Application installs a chart (spec.source.chart)',
    };
  const source = at(app.obj, 'spec', 'source') as Json;
  const helm = (source.helm ?? {}) as Json;
  for (const unsupported of ['parameters', 'fileParameters', 'valueFiles']) {
    if (listAt(helm, unsupported).length || (Array.isArray(helm[unsupported]) && (helm[unsupported] as unknown[]).length)) {
      return { problem: `${app.file}: spec.source.helm.${unsupported} is not supported by verify (only values and valuesObject)` };
    }
  }
  // Argo CD: valuesObject, when set, takes precedence over the values string.
  const fromString = typeof helm.values === 'string' ? ((YAML.parse(helm.values) as Json | null) ?? {}) : {};
  const values = (helm.valuesObject as Json | undefined) ?? fromString;
  const namespace = at(app.obj, 'spec', 'destination', 'namespace');
  if (typeof namespace !== 'string' || !namespace) return { problem: `${app.file}: spec.destination.namespace is not set` };
  return {
    app,
    request: {
      chart: String(source.chart),
      repoURL: String(source.repoURL ?? ''),
      version: String(source.targetRevision ?? ''),
      release: typeof helm.releaseName === 'string' && helm.releaseName ? helm.releaseName : String(at(app.obj, 'metadata', 'name')),
      namespace,
      values,
    },
  };
}
