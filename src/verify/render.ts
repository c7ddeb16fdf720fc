/**
 * Rendering the vcluster chart of one Application with `helm template`, as Argo CD does (release
 * name, destination namespace, values), for the host's Kubernetes version and API versions, and
 * caching the result by (chart, version, sha256 of the values JSON and the render options) under
 * `node_modules/.cache/vcluster-fleet/verify/renders/`. A released chart version never changes,
 * so a cached render stays valid.
 */
import { execFile } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { RenderRequest } from './dist-reader';
import { HostCapabilities, Json, Manifest, at, kindOf, nameOf } from './model';

/** Bump when the cached form changes. */
const CACHE_FORMAT = 1;

/** A rendered chart: its objects and its effective values. */
export interface Rendered {
  readonly objects: readonly Manifest[];
  /** The chart's effective values, from its `vc-config-<release>` Secret; undefined when it renders none. */
  readonly values?: Json;
}

/** JSON with object keys sorted, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Json;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The cache key of a render: chart, version, release, namespace, values and host, hashed. */
export function renderKey(req: RenderRequest, host: HostCapabilities): string {
  const h = createHash('sha256').update(
    canonicalJson({ CACHE_FORMAT, req, host: { v: host.kubernetesVersion, a: [...host.apiVersions].sort() } }),
  );
  return `${req.chart}-${req.version}-${h.digest('hex').slice(0, 32)}`;
}

/** The `helm template` arguments for a request (values come on stdin). */
export function helmArgs(chartFile: string, req: RenderRequest, host: HostCapabilities): string[] {
  const args = [
    'template',
    req.release,
    chartFile,
    '--namespace',
    req.namespace,
    '--kube-version',
    host.kubernetesVersion,
    '--values',
    '-',
  ];
  for (const a of host.apiVersions) args.push('--api-versions', a);
  return args;
}

/** Runs `helm template`; resolves to its output, rejects with helm's first error line. */
export function helmTemplate(helm: string, chartFile: string, req: RenderRequest, host: HostCapabilities): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      helm,
      helmArgs(chartFile, req, host),
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err) {
          const lines = String(stderr || err.message)
            .trim()
            .split('\n')
            .filter(Boolean);
          reject(new Error(lines.slice(0, 4).join(' ').replace(/\s+/g, ' ')));
        } else resolve(stdout);
      },
    );
    child.stdin?.end(JSON.stringify(req.values));
  });
}

/** Parses helm output into manifests; each names its template (`# Source:`) in `file`. Throws on invalid YAML. */
export function parseHelmOutput(text: string, chartLabel: string): Manifest[] {
  const out: Manifest[] = [];
  // The chart repeats keys in places (priorityClassName); the API server keeps the last, so do we.
  for (const doc of YAML.parseAllDocuments(text, { uniqueKeys: false })) {
    if (doc.errors.length) throw new Error(`helm output is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
    const comment = `${doc.commentBefore ?? ''}\n${(doc.contents as { commentBefore?: string } | null)?.commentBefore ?? ''}`;
    const source = /Source: [^/\n]+\/([^\n]*)/.exec(comment)?.[1]?.trim() ?? 'templates';
    const obj = doc.toJS() as Json | null;
    if (obj && typeof obj === 'object') out.push({ origin: 'chart', file: `chart ${chartLabel} ${source}`, obj });
  }
  return out;
}
/** The chart's effective values, decoded from its config Secret `vc-config-<release>`. */
export function effectiveValues(objects: readonly Manifest[], release: string): Json | undefined {
  const secret = objects.find((m) => kindOf(m.obj) === 'Secret' && nameOf(m.obj) === `vc-config-${release}`);
  const data = at(secret?.obj, 'data', 'config.yaml');
  if (typeof data !== 'string') return undefined;
  return (YAML.parse(Buffer.from(data, 'base64').toString('utf8'), { uniqueKeys: false }) as Json | null) ?? {};
}

/** The rendered form kept: Secret data dropped (the values are kept separately). */
export function rendered(text: string, chartLabel: string, release: string): Rendered {
  const objects = parseHelmOutput(text, chartLabel);
  const values = effectiveValues(objects, release);
  const slim = objects.map((m) => {
    if (kindOf(m.obj) !== 'Secret') return m;
    const { data: _data, stringData: _stringData, ...rest } = m.obj;
    return { ...m, obj: rest };
  });
  return { objects: slim, values };
}

/** Renders on disk, one JSON file per key. */
export class RenderCache {
  constructor(private readonly dir: string) {}

  /** The cached render of `key`, or undefined. */
  public get(key: string): Rendered | undefined {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.dir, `${key}.json`), 'utf8')) as Rendered;
    } catch {
      return undefined;
    }
  }

  /** Stores a render (written beside, then renamed: a reader never sees half a file). */
  public put(key: string, r: Rendered): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, `${key}.json`);
    fs.writeFileSync(`${file}.tmp-${process.pid}`, JSON.stringify(r));
    fs.renameSync(`${file}.tmp-${process.pid}`, file);
  }
}
