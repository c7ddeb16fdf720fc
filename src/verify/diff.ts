/**
 * `npm run verify -- --diff [REF]`: for every vcluster whose chart Application differs from the
 * one committed at REF (default HEAD), a values diff and a rendered-chart diff, so that moving a
 * vcluster to another chart version shows in review what changes in the cluster. Uses git (`git
 * ls-tree`, `git cat-file`, `git diff --no-index`); output is stable run to run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { ChartSearch } from './charts';
import { RenderRequest, VClusterFolder, parseFolder, readDist, renderRequestOf } from './dist-reader';
import { HelmBinary } from './helm';
import { hostOfApplication } from './host';
import { canonicalJson } from './render';
import { Renderer } from './verify';

/** What `--diff` needs. */
export interface DiffOptions {
  readonly dist: string;
  readonly ref: string;
  readonly charts: ChartSearch;
  readonly cacheDir: string;
  readonly helm: () => HelmBinary;
  readonly out: (text: string) => void;
}

function git(cwd: string, args: string[], input?: string): Buffer {
  const r = spawnSync('git', args, { cwd, input, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${(r.stderr?.toString() || r.error?.message || '').trim().split('\n')[0]}`);
  return r.stdout;
}

/** The vcluster folders of `dist` as committed at `ref` (only their `argocd/` files: the Application lives there). */
export function foldersAtRef(dist: string, ref: string): VClusterFolder[] {
  const top = git(dist, ['rev-parse', '--show-toplevel']).toString('utf8').trim();
  const rel = path.relative(fs.realpathSync(top), fs.realpathSync(dist)).split(path.sep).join('/');
  const prefix = rel ? `${rel}/` : '';
  const paths = git(top, ['ls-tree', '-r', '--name-only', ref, '--', prefix || '.'])
    .toString('utf8')
    .split('\n')
    .filter((p) => new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^_./][^/]*/argocd/[^/]+\\.ya?ml$`).test(p));
  if (!paths.length) return [];
  const batch = git(top, ['cat-file', '--batch'], paths.map((p) => `${ref}:${p}`).join('\n') + '\n');
  const folders = new Map<string, VClusterFolder['files'][number][]>();
  let offset = 0;
  for (const p of paths) {
    // each object: "<sha> blob <size>\n<content>\n"
    const eol = batch.indexOf(0x0a, offset);
    const size = Number(batch.subarray(offset, eol).toString('utf8').split(' ')[2]);
    const text = batch.subarray(eol + 1, eol + 1 + size).toString('utf8');
    offset = eol + 1 + size + 1;
    const local = p.slice(prefix.length);
    const name = local.split('/')[0];
    folders.set(name, [...(folders.get(name) ?? []), { rel: local, text }]);
  }
  return [...folders.entries()].map(([name, files]) => ({ name, files }));
}

/** The chart Application's render request of a folder, or undefined. */
function requestOf(folder: VClusterFolder | undefined, display: string): { request: RenderRequest; app: unknown } | undefined {
  if (!folder) return undefined;
  const r = renderRequestOf(parseFolder(folder, display).manifests);
  return 'request' in r ? { request: r.request, app: r.app.obj } : undefined;
}

function gitDiff(label: string, before: string, after: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-fleet-diff-'));
  try {
    fs.mkdirSync(path.join(dir, 'a'));
    fs.mkdirSync(path.join(dir, 'b'));
    fs.writeFileSync(path.join(dir, 'a', label), before);
    fs.writeFileSync(path.join(dir, 'b', label), after);
    const r = spawnSync('git', ['diff', '--no-index', '--no-color', '--no-prefix', `a/${label}`, `b/${label}`], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (r.status !== 0 && r.status !== 1) throw new Error(`git diff --no-index: ${(r.stderr || '').trim().split('\n')[0]}`);
    return r.stdout.replace(/^(diff --git|index) .*\n/gm, '');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function renderedText(renderer: Renderer, name: string, r0: { request: RenderRequest; app: unknown } | undefined): Promise<string> {
  if (!r0) return '';
  // each side for the host its own Application names
  const r = await renderer.render(name, r0.request, hostOfApplication(r0.app).host);
  if ('reason' in r) return `# not rendered: ${r.reason}\n`;
  return r.objects.map((m) => `# ${m.file.replace(/^chart \S+ /, '')}\n${YAML.stringify(m.obj, { lineWidth: 0 })}`).join('---\n');
}

/** Prints the diffs; returns false (after printing why) when REF cannot be read. */
export async function printDiffs(opts: DiffOptions): Promise<boolean> {
  let before: VClusterFolder[];
  try {
    before = foldersAtRef(opts.dist, opts.ref);
  } catch (e) {
    opts.out(`verify --diff: cannot read ${opts.ref}'s dist: ${e instanceof Error ? e.message : String(e)}\n`);
    return false;
  }
  const now = readDist(opts.dist);
  const names = [...new Set([...before.map((f) => f.name), ...now.map((f) => f.name)])].sort();
  const renderer = new Renderer(opts);
  let changed = 0;
  for (const name of names) {
    const a = requestOf(
      before.find((f) => f.name === name),
      `${opts.ref}:dist`,
    );
    const b = requestOf(
      now.find((f) => f.name === name),
      'dist',
    );
    if (canonicalJson(a?.app ?? null) === canonicalJson(b?.app ?? null)) continue;
    changed++;
    const version = (r?: { request: RenderRequest }) => (r ? `${r.request.chart} ${r.request.version}` : '(none)');
    opts.out(`=== ${name}: chart ${version(a)} → ${version(b)} (${opts.ref} → working tree)\n`);
    const values = (r?: { request: RenderRequest }) => (r ? YAML.stringify(r.request.values, { lineWidth: 0 }) : '');
    opts.out(gitDiff(`${name}.values.yaml`, values(a), values(b)) || 'values: no change\n');
    opts.out(
      gitDiff(`${name}.rendered.yaml`, await renderedText(renderer, name, a), await renderedText(renderer, name, b)) ||
        'rendered chart: no change\n',
    );
  }
  opts.out(`verify --diff: ${changed} vcluster Application${changed === 1 ? ' differs' : 's differ'} from ${opts.ref}\n`);
  return true;
}
