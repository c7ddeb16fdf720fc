/**
 * The Argo CD Application that installs the vcluster chart: its settings, their checks, and the
 * Argo CD annotations and finalizer the project's objects use.
 */
import type { ApplicationSpecSyncPolicy } from '../../imports/argocd-application-argoproj.io';
import { chartLineOf, chartVersionsAllowed } from '../presets';
import { DURATION, Problems, isPlainObject, keysOf } from '../validation';
import type { JsonObject } from './helm-values';
import { checkNoPodSecurityLabels } from './pod-security-labels';

/** Annotation that keeps Argo CD from pruning or deleting an object. */
export const KEEP_ON_DELETE = { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' } as const;
/**
 * Annotation for the one-shot Jobs: Jobs are immutable, so when their spec changes in git Argo CD
 * deletes and recreates them (which also re-runs them) instead of failing the sync.
 */
export const RECREATE_ON_CHANGE = { 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' } as const;
/** Finalizer that makes deleting an Argo CD Application delete what it deployed. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/**
 * The retry every vcluster Application starts from. Without `syncPolicy.retry` Argo CD does not
 * retry a failed automated sync of the same revision ("Skipping auto-sync: failed previous sync
 * attempt"), so one transient failure leaves the chart uninstalled until someone syncs by hand.
 * Bounded: an unlimited retry (`limit: -1`) pins a failing sync to the broken revision.
 */
export const DEFAULT_SYNC_RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } } as const;

/** Most retries a declaration may ask for (a bounded number: never unlimited). */
export const MAX_SYNC_RETRIES = 100;

/** The sync policy every vcluster Application starts from: automated, self-healing, pruning, retrying a bounded number of times. */
export const DEFAULT_SYNC_POLICY = {
  automated: { selfHeal: true, prune: true },
  syncOptions: ['CreateNamespace=true'],
  retry: DEFAULT_SYNC_RETRY,
} as const;

/** The Argo CD Application installing the chart, as a declaration sets it. */
export interface ApplicationSettings {
  /** Helm repository. @default - the platform's */
  readonly repoURL?: string;
  /** Chart. @default - the platform's */
  readonly chart?: string;
  /** Exact chart version. @default - the preset's, else the platform's */
  readonly targetRevision?: string;
  /** Sync policy, deep-merged over the default (lists replace); `retry` stays bounded (limit 1..100). @default - automated, selfHeal, prune, retry 5 times (10s backoff doubling up to 3m) */
  readonly syncPolicy?: ApplicationSpecSyncPolicy;
}

type SyncPolicy = Required<ApplicationSpecSyncPolicy>;

/** Keys of the application settings, for the unknown-key checks. */
export const APPLICATION_KEYS = {
  application: keysOf<ApplicationSettings>({ repoURL: true, chart: true, targetRevision: true, syncPolicy: true }),
  syncPolicy: keysOf<Pick<ApplicationSpecSyncPolicy, 'automated' | 'syncOptions' | 'retry' | 'managedNamespaceMetadata'>>({
    automated: true,
    syncOptions: true,
    retry: true,
    managedNamespaceMetadata: true,
  }),
  automated: keysOf<Pick<SyncPolicy['automated'], 'prune' | 'selfHeal' | 'allowEmpty' | 'enabled'>>({
    prune: true,
    selfHeal: true,
    allowEmpty: true,
    enabled: true,
  }),
  retry: keysOf<Pick<SyncPolicy['retry'], 'limit' | 'backoff' | 'refresh'>>({ limit: true, backoff: true, refresh: true }),
  backoff: keysOf<Pick<NonNullable<SyncPolicy['retry']['backoff']>, 'duration' | 'factor' | 'maxDuration'>>({
    duration: true,
    factor: true,
    maxDuration: true,
  }),
  managedNamespaceMetadata: keysOf<Pick<SyncPolicy['managedNamespaceMetadata'], 'labels' | 'annotations'>>({
    labels: true,
    annotations: true,
  }),
};

/** Checks the application settings: an exact supported chart version, an https repository, a valid sync policy. */
export function checkApplication(problems: Problems, field: string, app: unknown): void {
  if (!isPlainObject(app)) return;
  if (app.targetRevision !== undefined && (typeof app.targetRevision !== 'string' || !chartLineOf(app.targetRevision))) {
    problems.add(
      `${field}.targetRevision`,
      app.targetRevision,
      `an exact supported vcluster chart version: ${chartVersionsAllowed()}`,
      'pin one exact version; ranges, "latest" and "0.31" are not allowed',
    );
  }
  if (app.repoURL !== undefined) problems.httpsUrl(`${field}.repoURL`, app.repoURL);
  if (app.chart !== undefined) problems.dnsLabel(`${field}.chart`, app.chart);
  if (isPlainObject(app.syncPolicy)) checkSyncPolicy(problems, `${field}.syncPolicy`, app.syncPolicy);
  else if (app.syncPolicy !== undefined) problems.add(`${field}.syncPolicy`, app.syncPolicy, 'an Argo CD sync policy object');
}

/**
 * Checks a sync policy: booleans where Argo CD wants them, `Option=value` sync options, and a
 * bounded retry (limit 1..100, Go durations, an integer factor of at least 1).
 */
export function checkSyncPolicy(problems: Problems, field: string, syncPolicy: JsonObject): void {
  const automated = syncPolicy.automated;
  if (isPlainObject(automated)) {
    for (const k of APPLICATION_KEYS.automated) if (automated[k] !== undefined) problems.boolean(`${field}.automated.${k}`, automated[k]);
  }
  const options = syncPolicy.syncOptions;
  if (
    options !== undefined &&
    problems.array(`${field}.syncOptions`, options, 'a list of "Option=value" strings such as "ServerSideApply=true"')
  ) {
    options.forEach((o, i) => {
      if (typeof o !== 'string' || !/^[A-Za-z]+=\S+$/.test(o))
        problems.add(`${field}.syncOptions[${i}]`, o, 'an "Option=value" string such as "ServerSideApply=true"');
    });
  }
  if (syncPolicy.retry !== undefined) checkRetry(problems, `${field}.retry`, syncPolicy.retry);
  const managed = syncPolicy.managedNamespaceMetadata;
  if (isPlainObject(managed)) {
    problems.labels(`${field}.managedNamespaceMetadata.labels`, managed.labels);
    checkNoPodSecurityLabels(problems, `${field}.managedNamespaceMetadata.labels`, managed.labels);
    problems.annotations(`${field}.managedNamespaceMetadata.annotations`, managed.annotations);
  }
}

/** A bounded retry: every Application that installs a chart retries, and never forever. */
function checkRetry(problems: Problems, field: string, retry: unknown): void {
  if (!isPlainObject(retry)) {
    problems.add(field, retry, 'a retry policy { limit, backoff? }', 'remove it to keep the default (5 retries)');
    return;
  }
  const limit = retry.limit;
  if (limit !== undefined && !(typeof limit === 'number' && Number.isInteger(limit) && limit >= 1 && limit <= MAX_SYNC_RETRIES)) {
    problems.add(
      `${field}.limit`,
      limit,
      `an integer from 1 to ${MAX_SYNC_RETRIES}: -1 (unlimited) pins a failing sync to a broken revision, 0 leaves a failed sync alone until someone syncs by hand`,
      'remove limit to keep the default (5), or set a number such as 10',
    );
  }
  if (retry.refresh !== undefined) problems.boolean(`${field}.refresh`, retry.refresh);
  const backoff = retry.backoff;
  if (backoff === undefined) return;
  if (!isPlainObject(backoff)) {
    problems.add(`${field}.backoff`, backoff, 'a backoff { duration?, factor?, maxDuration? }');
    return;
  }
  for (const k of ['duration', 'maxDuration'] as const) {
    if (backoff[k] !== undefined && (typeof backoff[k] !== 'string' || !DURATION.test(backoff[k]))) {
      problems.add(`${field}.backoff.${k}`, backoff[k], 'a Go duration such as "10s", "3m" or "1h"');
    }
  }
  if (backoff.factor !== undefined) problems.integer(`${field}.backoff.factor`, backoff.factor, 1, 10);
}
