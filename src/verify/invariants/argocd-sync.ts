/**
 * Argo CD Applications behave on a real Argo CD (v3.5.1 read):
 * - every Application that installs a Helm chart has a bounded `syncPolicy.retry` (limit ≥ 1):
 *   without it a failed automated sync of a revision is never retried ("Skipping auto-sync: failed
 *   previous sync attempt", `controller/appcontroller.go`), and `limit: -1` pins a failing sync to
 *   a broken revision forever;
 * - an Application that ignores a Job's `/spec/selector` or pod-template labels with
 *   `RespectIgnoreDifferences=true` does not sync a Job with `Replace=true`: the live
 *   (server-generated) selector is copied into the target (`controller/sync.go`
 *   normalizeTargetResources), the re-created Job carries the old `controller-uid` and the API
 *   server rejects it.
 */
import { Invariant, Json, Manifest, Violation, WholeVCluster, at, kindOf, listAt, nameOf, ofKind, stringsAt, violation } from '../model';

/** True when an Application renders a Helm chart from a chart repository. */
export function installsChart(app: Json): boolean {
  return typeof at(app, 'spec', 'source', 'chart') === 'string' || listAt(app, 'spec', 'sources').some((s) => typeof s.chart === 'string');
}

function retries(v: WholeVCluster): Violation[] {
  const out: Violation[] = [];
  for (const m of ofKind(v, 'Application', 'argoproj.io').filter((x) => x.origin === 'ours' && installsChart(x.obj))) {
    const retry = at(m.obj, 'spec', 'syncPolicy', 'retry');
    const limit = at(retry, 'limit');
    const fix =
      'set syncPolicy.retry with a positive limit and a backoff, e.g. { limit: 5, backoff: { duration: 10s, factor: 2, maxDuration: 3m } }';
    if (retry === undefined) {
      out.push(
        violation(
          'chart-app-retries',
          v,
          m,
          'installs a chart without syncPolicy.retry: one failed sync (a transient API or repository error) is never retried for that revision and leaves the chart uninstalled',
          fix,
        ),
      );
    } else if (typeof limit !== 'number' || limit < 1) {
      const why =
        typeof limit === 'number' && limit < 0 ? 'unbounded: a failing sync stays pinned to the broken revision' : 'retries nothing';
      out.push(violation('chart-app-retries', v, m, `syncPolicy.retry.limit ${String(limit)} ${why}`, fix));
    }
  }
  return out;
}

const JOB_POINTERS = ['/spec/selector', '/spec/template/metadata/labels'];

/** Our objects an Application of the vcluster deploys (by its `source.path` below the vcluster's folder). */
function deployedBy(v: WholeVCluster, app: Json): Manifest[] {
  const segments = String(at(app, 'spec', 'source', 'path') ?? '')
    .split('/')
    .filter(Boolean);
  const i = segments.lastIndexOf(v.name);
  if (i < 0) return [];
  const prefix = [v.name, ...segments.slice(i + 1)].join('/') + '/';
  return v.objects.filter((m) => m.origin === 'ours' && m.file.includes(`/${prefix}`));
}

function syncOptions(obj: Json): string[] {
  const annotation = at(obj, 'metadata', 'annotations', 'argocd.argoproj.io/sync-options');
  return typeof annotation === 'string' ? annotation.split(',').map((s) => s.trim()) : [];
}

function jobReplace(v: WholeVCluster): Violation[] {
  const out: Violation[] = [];
  for (const app of ofKind(v, 'Application', 'argoproj.io').filter((x) => x.origin === 'ours')) {
    const options = stringsAt(app.obj, 'spec', 'syncPolicy', 'syncOptions');
    if (!options.includes('RespectIgnoreDifferences=true')) continue;
    const ignored = listAt(app.obj, 'spec', 'ignoreDifferences').filter(
      (d) =>
        d.kind === 'Job' &&
        (d.group ?? 'batch') === 'batch' &&
        (stringsAt(d, 'jsonPointers').some((p) => JOB_POINTERS.includes(p)) ||
          stringsAt(d, 'jqPathExpressions').some((p) => /\.spec\.(selector|template\.metadata\.labels)/.test(p))),
    );
    if (!ignored.length) continue;
    for (const job of deployedBy(v, app.obj).filter((m) => kindOf(m.obj) === 'Job')) {
      if (!ignored.some((d) => d.name === undefined || d.name === nameOf(job.obj))) continue;
      if (!syncOptions(job.obj).includes('Replace=true') && !options.includes('Replace=true')) continue;
      out.push(
        violation(
          'job-replace-ignore-differences',
          v,
          job,
          `is synced with Replace=true by ${String(at(app.obj, 'metadata', 'name'))}, which ignores Job ${JOB_POINTERS.join(' and ')} with RespectIgnoreDifferences=true: Argo CD copies the live selector into the re-created Job and the API server rejects it`,
          `drop the Job entry from ${String(at(app.obj, 'metadata', 'name'))}'s ignoreDifferences (fields the API server fills in are not diffs), or sync the Job without Replace=true`,
        ),
      );
    }
  }
  return out;
}

/** Chart Applications retry, bounded. */
export const chartAppRetries: Invariant = {
  id: 'chart-app-retries',
  summary: 'every Argo CD Application that installs a chart has syncPolicy.retry with a limit of at least 1',
  check: retries,
};

/** No Replace=true Job under a Job-selector ignoreDifferences. */
export const jobReplaceIgnoreDifferences: Invariant = {
  id: 'job-replace-ignore-differences',
  summary:
    'no Job synced with Replace=true by an Application that ignores Job selectors/template labels with RespectIgnoreDifferences=true',
  check: jobReplace,
};
