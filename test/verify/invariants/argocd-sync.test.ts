import { chartAppRetries, installsChart, jobReplaceIgnoreDifferences } from '../../../src/verify/invariants/argocd-sync';
import { Json, Manifest } from '../../../src/verify/model';
import { container, whole, workload } from '../fixtures';

const app = (name: string, spec: Json, file = `dist/demo/argocd/application-${name}.yaml`): Manifest => ({
  origin: 'ours',
  file,
  obj: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name, namespace: 'argocd' }, spec },
});
const chartSource = { repoURL: 'https://charts.loft.sh', chart: 'vcluster', targetRevision: '0.31.3' };

describe('chart-app-retries', () => {
  test('violated: no retry, an unbounded retry, a retry of 0', () => {
    const v = whole([
      app('none', { source: chartSource, syncPolicy: { automated: {} } }),
      app('unbounded', { source: chartSource, syncPolicy: { retry: { limit: -1 } } }),
      app('zero', { sources: [chartSource], syncPolicy: { retry: { limit: 0 } } }),
    ]);
    expect(chartAppRetries.check(v).map((x) => [x.object, x.message])).toEqual([
      [
        'Application/none',
        'installs a chart without syncPolicy.retry: one failed sync (a transient API or repository error) is never retried for that revision and leaves the chart uninstalled',
      ],
      ['Application/unbounded', 'syncPolicy.retry.limit -1 unbounded: a failing sync stays pinned to the broken revision'],
      ['Application/zero', 'syncPolicy.retry.limit 0 retries nothing'],
    ]);
  });

  test('holds: a bounded retry; Applications of a git directory are not chart installs', () => {
    const v = whole([
      app('ok', { source: chartSource, syncPolicy: { retry: { limit: 5, backoff: { duration: '10s' } } } }),
      app('dir', { source: { repoURL: 'https://git.example/x.git', path: 'dist/demo' } }),
    ]);
    expect(chartAppRetries.check(v)).toEqual([]);
    expect(installsChart({ spec: { source: { path: 'x' } } })).toBe(false);
  });
});

describe('job-replace-ignore-differences', () => {
  const job = (name: string, options?: string): Manifest => {
    const obj = workload('Job', name, {}, 1, [container('j')]);
    if (options) (obj.metadata as Json).annotations = { 'argocd.argoproj.io/sync-options': options };
    return { origin: 'ours', file: `dist/demo/host/job-${name}.yaml`, obj };
  };
  const child = (ignore: Json[], options = ['RespectIgnoreDifferences=true']) =>
    app(
      'fleet-demo',
      {
        source: { repoURL: 'https://git.example/x.git', path: 'dist/demo' },
        ignoreDifferences: ignore,
        syncPolicy: { syncOptions: options },
      },
      'dist/_bootstrap/application-fleet-demo.yaml',
    );
  const JOB_IGNORE = { group: 'batch', kind: 'Job', jsonPointers: ['/spec/selector', '/spec/template/metadata/labels'] };

  test('violated: a Replace=true Job under a Job selector ignore with RespectIgnoreDifferences', () => {
    const out = jobReplaceIgnoreDifferences.check(whole([child([JOB_IGNORE]), job('merge', 'Force=true,Replace=true'), job('plain')]));
    expect(out.map((x) => [x.object, x.file])).toEqual([['Job/merge', 'dist/demo/host/job-merge.yaml']]);
    expect(out[0].message).toBe(
      'is synced with Replace=true by fleet-demo, which ignores Job /spec/selector and /spec/template/metadata/labels with RespectIgnoreDifferences=true: Argo CD copies the live selector into the re-created Job and the API server rejects it',
    );
  });

  test('holds: without RespectIgnoreDifferences; an ignore naming another Job; a Job without Replace', () => {
    expect(jobReplaceIgnoreDifferences.check(whole([child([JOB_IGNORE], []), job('merge', 'Replace=true')]))).toEqual([]);
    expect(jobReplaceIgnoreDifferences.check(whole([child([{ ...JOB_IGNORE, name: 'other' }]), job('merge', 'Replace=true')]))).toEqual([]);
    expect(jobReplaceIgnoreDifferences.check(whole([child([JOB_IGNORE]), job('merge')]))).toEqual([]);
  });
});
