/**
 * The Argo CD Application that installs the vcluster chart: its settings, their checks, and the
 * Argo CD annotations and finalizer the project's objects use.
 */
import type { ApplicationSpecSyncPolicy } from '../../imports/argocd-application-argoproj.io';
import { chartLineOf, chartVersionsAllowed } from '../presets';
import { Problems, isPlainObject, keysOf } from '../validation';
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

/** The sync policy every vcluster Application starts from: automated, self-healing, pruning. */
export const DEFAULT_SYNC_POLICY = {
  automated: { selfHeal: true, prune: true },
  syncOptions: ['CreateNamespace=true'],
} as const;

/** The Argo CD Application installing the chart, as a declaration sets it. */
export interface ApplicationSettings {
  /** Helm repository. @default - the platform's */
  readonly repoURL?: string;
  /** Chart. @default - the platform's */
  readonly chart?: string;
  /** Exact chart version. @default - the platform's */
  readonly targetRevision?: string;
  /** Sync policy, deep-merged over the default (lists replace). @default - automated, selfHeal, prune */
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

function checkSyncPolicy(problems: Problems, field: string, syncPolicy: JsonObject): void {
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
  const retry = syncPolicy.retry;
  if (isPlainObject(retry) && retry.limit !== undefined) problems.integer(`${field}.retry.limit`, retry.limit, 0, 100);
  const managed = syncPolicy.managedNamespaceMetadata;
  if (isPlainObject(managed)) {
    problems.labels(`${field}.managedNamespaceMetadata.labels`, managed.labels);
    checkNoPodSecurityLabels(problems, `${field}.managedNamespaceMetadata.labels`, managed.labels);
    problems.annotations(`${field}.managedNamespaceMetadata.annotations`, managed.annotations);
  }
}
