/**
 * Where the vcluster chart packages come from. Never from the project: from a cache folder of
 * `<chart>-<version>.tgz` files, chosen in this order:
 * 1. `--charts DIR`: that folder only (nothing is pulled);
 * 2. `$VCLUSTER_FLEET_CHARTS`: that folder only (nothing is pulled);
 * 3. otherwise `../shared/charts` when it exists, then the user cache
 *    (`$XDG_CACHE_HOME/vcluster-fleet/charts`, default `~/.cache/vcluster-fleet/charts`), which
 *    `helm pull <chart> --repo <repoURL> --version <version>` fills where there is internet.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RenderRequest } from './dist-reader';

/** The folders searched for chart packages, and whether missing ones may be pulled. */
export interface ChartSearch {
  /** Folders searched in order. */
  readonly dirs: readonly string[];
  /** The folder `helm pull` writes to, when pulling is allowed. */
  readonly pullInto?: string;
  /** How the folders were chosen, for messages. */
  readonly how: string;
}

/** The chart search for a run (see the module comment for the order). */
export function chartSearch(opts: { charts?: string; env: NodeJS.ProcessEnv; root: string }): ChartSearch {
  if (opts.charts) return { dirs: [path.resolve(opts.charts)], how: '--charts' };
  if (opts.env.VCLUSTER_FLEET_CHARTS) return { dirs: [path.resolve(opts.env.VCLUSTER_FLEET_CHARTS)], how: '$VCLUSTER_FLEET_CHARTS' };
  const cacheHome = opts.env.XDG_CACHE_HOME || path.join(opts.env.HOME || os.homedir(), '.cache');
  const user = path.join(cacheHome, 'vcluster-fleet', 'charts');
  const shared = path.resolve(opts.root, '..', 'shared', 'charts');
  const dirs = fs.existsSync(shared) ? [shared, user] : [user];
  return { dirs, pullInto: user, how: fs.existsSync(shared) ? '../shared/charts, then the user cache' : 'the user cache' };
}

/** The package file name of a chart version. */
export function chartFile(chart: string, version: string): string {
  return `${chart}-${version}.tgz`;
}

/** True when some searched folder holds at least one chart package. */
export function anyChartAvailable(search: ChartSearch): boolean {
  return search.dirs.some((d) => fs.existsSync(d) && fs.readdirSync(d).some((f) => f.endsWith('.tgz')));
}

/** The package of a request's chart in the searched folders, or undefined. */
export function findChart(search: ChartSearch, req: Pick<RenderRequest, 'chart' | 'version'>): string | undefined {
  for (const d of search.dirs) {
    const file = path.join(d, chartFile(req.chart, req.version));
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/** Pulls a chart into the user cache with helm; returns its path, or the reason it failed. */
export function pullChart(search: ChartSearch, req: RenderRequest, helm: string): { file: string } | { failed: string } {
  if (!search.pullInto) return { failed: `pulling is off (${search.how})` };
  if (!/^https?:\/\//.test(req.repoURL)) return { failed: `repoURL '${req.repoURL}' is not an http(s) chart repository` };
  fs.mkdirSync(search.pullInto, { recursive: true });
  const r = spawnSync(helm, ['pull', req.chart, '--repo', req.repoURL, '--version', req.version, '--destination', search.pullInto], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const file = path.join(search.pullInto, chartFile(req.chart, req.version));
  if (r.status === 0 && fs.existsSync(file)) return { file };
  return { failed: `helm pull failed: ${(r.stderr || r.error?.message || 'no output').trim().split('\n')[0]}` };
}

/** One line saying which chart is missing and where it was looked for. */
export function missingChartMessage(name: string, req: RenderRequest, search: ChartSearch, pull?: string): string {
  return `${name}: chart ${req.chart} ${req.version} (${req.repoURL}) not found as ${chartFile(req.chart, req.version)} in ${search.dirs.join(', ')}${pull ? `; ${pull}` : ''}: not verified`;
}
