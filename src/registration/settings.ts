/**
 * The registration settings of a vcluster: how it appears in Argo CD (environment, cluster labels
 * and annotations, workload repository) and how its kubeconfig reaches the password manager.
 * Their types, key lists and checks, and the cluster Secret metadata a site and a declaration
 * produce together. The constructs are {@link ArgoRegistration} and {@link KubeconfigSync}.
 */
import type { Platform, RegistrationContext, WorkloadRepo } from '../declaration/platform';
import { PlatformError, Problems, checkKnownKeys, checkPlainData, isPlainObject, keysOf } from '../validation';
import { checkTemplateText } from './template-literal';

/** Label that makes a Secret an Argo CD cluster Secret. */
export const ARGOCD_SECRET_TYPE_LABEL = 'argocd.argoproj.io/secret-type';

/** How the vcluster kubeconfig reaches 1Password. */
export type KubeconfigSyncStrategy = 'pushSecret' | 'job';

/** The sync strategies, for validation messages. */
export const KUBECONFIG_SYNC_STRATEGIES: readonly KubeconfigSyncStrategy[] = ['pushSecret', 'job'];

/** The registration inputs of a declaration and of {@link ArgoRegistration.forVCluster}. */
export interface RegistrationInputs {
  /** Labels added to (or overriding) the site's cluster labels; `argocd.argoproj.io/secret-type` cannot be changed. @default {} */
  readonly clusterLabels?: Readonly<Record<string, string>>;
  /** Annotations added to (or overriding) the site's cluster annotations. @default {} */
  readonly clusterAnnotations?: Readonly<Record<string, string>>;
  /** Workload repository; missing fields from the platform. @default - the platform's */
  readonly workloadRepo?: Partial<WorkloadRepo>;
}

/** The `argocd` section of a declaration: the Argo CD registration of the vcluster. */
export interface ArgoCdSettings extends RegistrationInputs {
  /** Environment label. @default - the preset's (development / production) */
  readonly environment?: string;
}

/** Keys of the registration settings, for the unknown-key checks. */
export const REGISTRATION_KEYS = {
  argocd: keysOf<ArgoCdSettings>({ environment: true, clusterLabels: true, clusterAnnotations: true, workloadRepo: true }),
  workloadRepo: keysOf<WorkloadRepo>({ url: true, basePath: true, path: true, revision: true }),
};

/** The cluster Secret metadata a site and a declaration produce together. */
export interface RegistrationMetadata {
  /** Every label of the cluster Secret. */
  readonly labels: Record<string, string>;
  /**
   * Labels of the ExternalSecret object that renders it: the same without the site's
   * `secretLabels` (as the original registration put those on the Secret only), the declaration's
   * labels included.
   */
  readonly objectLabels: Record<string, string>;
  /** Every annotation of the cluster Secret. */
  readonly annotations: Record<string, string>;
}

/**
 * Checks registration inputs: label and annotation grammar, the `argocd.argoproj.io/secret-type`
 * rule and the workload repository fields.
 * @param field where the inputs are, e.g. `argocd` (problems at `argocd.clusterLabels[...]`)
 * @param checkKeys whether to report unknown workload repository keys (off when the caller checks the shape)
 */
export function checkRegistrationInputs(problems: Problems, field: string, inputs: RegistrationInputs, checkKeys = true): void {
  const at = (k: string) => (field ? `${field}.${k}` : k);
  problems.labels(at('clusterLabels'), inputs.clusterLabels);
  const secretType = isPlainObject(inputs.clusterLabels) ? inputs.clusterLabels[ARGOCD_SECRET_TYPE_LABEL] : undefined;
  if (secretType !== undefined && secretType !== 'cluster') {
    problems.add(
      `${at('clusterLabels')}[${JSON.stringify(ARGOCD_SECRET_TYPE_LABEL)}]`,
      secretType,
      '"cluster" only: the label makes the Secret an Argo CD cluster Secret and cannot be changed',
      'remove the label',
    );
  }
  problems.annotations(at('clusterAnnotations'), inputs.clusterAnnotations);
  checkTemplateText(problems, at('clusterAnnotations'), inputs.clusterAnnotations);
  checkWorkloadRepo(problems, at('workloadRepo'), inputs.workloadRepo, checkKeys);
}

function checkWorkloadRepo(problems: Problems, field: string, repo: unknown, checkKeys: boolean): void {
  if (repo === undefined) return;
  if (!isPlainObject(repo)) {
    problems.add(field, repo, 'an object with url, basePath, path and revision (all optional)');
    return;
  }
  if (checkKeys) checkKnownKeys(problems, field, repo, REGISTRATION_KEYS.workloadRepo);
  for (const key of REGISTRATION_KEYS.workloadRepo) checkTemplateText(problems, `${field}.${key}`, repo[key]);
  if (repo.url !== undefined && (typeof repo.url !== 'string' || !/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/.test(repo.url))) {
    problems.add(`${field}.url`, repo.url, 'a Git URL: https://host/path, ssh://host/path or git@host:path');
  }
  for (const key of ['basePath', 'path'] as const) {
    const v = repo[key];
    if (v !== undefined && (typeof v !== 'string' || /\s/.test(v) || v.startsWith('/') || v.split('/').includes('..'))) {
      problems.add(`${field}.${key}`, v, 'a relative path inside the repository, without spaces, a leading "/" or ".."');
    }
  }
  if (repo.revision !== undefined && (typeof repo.revision !== 'string' || !/^[^\s]+$/.test(repo.revision))) {
    problems.add(`${field}.revision`, repo.revision, 'a Git revision (branch, tag or commit) without spaces');
  }
}

/**
 * The cluster Secret labels and annotations of one vcluster: the site's defaults
 * (`registration.labels`, `registration.secretLabels`, `registration.annotations`), then the
 * declaration's, which win per key, and `argocd.argoproj.io/secret-type: cluster` always. The
 * ExternalSecret object carries the labels without `secretLabels`.
 */
export function registrationMetadata(
  platform: Platform,
  props: RegistrationInputs & { readonly name: string; readonly environment: string },
): RegistrationMetadata {
  const ctx = registrationContext(platform, props.name, props.environment, props.workloadRepo);
  const reg = platform.registration;
  const site = siteConvention(platform, 'labels', ctx);
  return {
    labels: {
      ...site,
      ...(reg.secretLabels ? siteConvention(platform, 'secretLabels', ctx) : {}),
      ...(props.clusterLabels ?? {}),
      [ARGOCD_SECRET_TYPE_LABEL]: 'cluster',
    },
    objectLabels: { ...site, ...(props.clusterLabels ?? {}), [ARGOCD_SECRET_TYPE_LABEL]: 'cluster' },
    annotations: { ...siteConvention(platform, 'annotations', ctx), ...(props.clusterAnnotations ?? {}) },
  };
}

/**
 * Calls one registration convention of the site and checks what it returns (plain data, label or
 * annotation grammar, literal template text). Whatever goes wrong is the site's: a
 * {@link PlatformError} naming `platform.registration.<key>`.
 */
function siteConvention(
  platform: Platform,
  key: 'labels' | 'secretLabels' | 'annotations',
  ctx: RegistrationContext,
): Record<string, string> {
  const field = `registration.${key}`;
  const p = new Problems('platform');
  let result: unknown;
  try {
    result = (platform.registration[key] as (c: RegistrationContext) => unknown)(ctx);
  } catch (e) {
    const message = (e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e)).split('\n')[0];
    p.add(
      field,
      message,
      `a function that returns a map for every vcluster; it threw this error for the vcluster "${ctx.name}"`,
      'fix the function in the site configuration',
    );
    throw new PlatformError(p.list);
  }
  if (!isPlainObject(result)) p.add(field, result, `a map of ${key === 'annotations' ? 'annotation' : 'label'} keys to string values`);
  else if (checkPlainData(p, field, result)) {
    if (key === 'annotations') {
      p.annotations(field, result);
      checkTemplateText(p, field, result);
    } else p.labels(field, result);
  }
  if (!p.ok) throw new PlatformError(p.list);
  return result as Record<string, string>;
}

/** The context the site's registration conventions are evaluated with. */
export function registrationContext(
  platform: Platform,
  name: string,
  environment: string,
  workloadRepo?: Partial<WorkloadRepo>,
): RegistrationContext {
  const site = platform.registration.workloadRepo;
  return {
    name,
    environment,
    baseDomain: platform.baseDomain,
    baseDomainSanitized: platform.baseDomainSanitized,
    workloadRepo: {
      url: workloadRepo?.url ?? site.url,
      basePath: workloadRepo?.basePath ?? site.basePath,
      path: workloadRepo?.path ?? site.path,
      revision: workloadRepo?.revision ?? site.revision,
    },
  };
}
