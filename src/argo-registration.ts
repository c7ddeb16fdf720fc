/**
 * ArgoRegistration: makes a vcluster an Argo CD deployment target without a Secret in git. An
 * External Secrets `ExternalSecret` in the Argo CD namespace renders the Argo CD cluster Secret
 * from the kubeconfig fields that {@link KubeconfigSync} keeps in the password manager.
 */
import { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecDataFromExtractConversionStrategy,
  ExternalSecretSpecDataFromExtractDecodingStrategy,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetTemplateEngineVersion,
} from '../imports/eso-externalsecret-external-secrets.io';
import { KUBECONFIG_ITEM_FIELDS, VClusterNames } from './naming';
import { Platform, RegistrationContext, WorkloadRepo } from './platform';
import { checkTemplateText, goStringLiteral, literalTemplateText, literalTemplateValues } from './registration/template-literal';
import { Problems, checkKnownKeys, isPlainObject } from './validation';

/** Label that makes a Secret an Argo CD cluster Secret. */
export const ARGOCD_SECRET_TYPE_LABEL = 'argocd.argoproj.io/secret-type';

/**
 * How Argo CD authenticates to the vcluster API, decided by the kubeconfig the vcluster exports:
 * - `clientCertificate`: the default kubeconfig (`tlsClientConfig.certData`/`keyData`);
 * - `bearerToken`: a service-account kubeconfig (`exportKubeConfig.serviceAccount`).
 * There is deliberately no insecure mode.
 */
export type ClusterCredentials = 'clientCertificate' | 'bearerToken';

/** The credential kinds, for validation messages. */
export const CLUSTER_CREDENTIALS: readonly ClusterCredentials[] = ['clientCertificate', 'bearerToken'];

/** Props of {@link ArgoRegistration}. */
export interface ArgoRegistrationProps {
  /** Name of the ExternalSecret (e.g. `N-argocd-cluster`). */
  readonly name: string;
  /** Name of the Argo CD cluster Secret the ExternalSecret renders (e.g. `cluster-N`). */
  readonly secretName: string;
  /** Namespace Argo CD runs in. @default "argocd" */
  readonly namespace?: string;
  /** Argo CD cluster name, `data.name` of the cluster Secret (written literally, known at synth time). */
  readonly clusterName: string;
  /** API server URL, `data.server` of the cluster Secret (written literally, known at synth time). */
  readonly server: string;
  /** Password-manager item holding the kubeconfig fields ({@link KUBECONFIG_ITEM_FIELDS}). */
  readonly remoteKey: string;
  /** Name of the External Secrets store reaching the password manager. */
  readonly secretStoreName: string;
  /** Kind of that store. @default "ClusterSecretStore" */
  readonly secretStoreKind?: 'ClusterSecretStore' | 'SecretStore';
  /** How Argo CD authenticates to the cluster. @default "clientCertificate" */
  readonly credentials?: ClusterCredentials;
  /**
   * Labels of the cluster Secret. `argocd.argoproj.io/secret-type: cluster` is always set; giving
   * it another value is an error.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations of the cluster Secret. @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * How often the cluster Secret is re-rendered from the password manager. Short, so that a
   * re-created vcluster's new CA reaches Argo CD within minutes.
   * @default "1m"
   */
  readonly refreshInterval?: string;
}

/** Props of {@link ArgoRegistration.forVCluster}: one vcluster, named by the project's conventions. */
export interface ArgoRegistrationForVClusterProps {
  /** The vcluster name `N` (its Helm release). */
  readonly vclusterName: string;
  /** The vcluster's external API URL (e.g. `https://media.example.com:443`). */
  readonly server: string;
  /** The site configuration (store, Argo CD namespace, default labels and annotations). */
  readonly platform: Platform;
  /** Argo CD environment of the cluster (label and annotation `environment` of the site defaults). */
  readonly environment: string;
  /** Labels added to, or overriding, the site's cluster labels. @default {} */
  readonly clusterLabels?: Readonly<Record<string, string>>;
  /** Annotations added to, or overriding, the site's cluster annotations. @default {} */
  readonly clusterAnnotations?: Readonly<Record<string, string>>;
  /** Workload repository; missing fields from the platform. @default - the platform's */
  readonly workloadRepo?: Partial<WorkloadRepo>;
  /** How Argo CD authenticates to the cluster. @default "clientCertificate" */
  readonly credentials?: ClusterCredentials;
  /** Refresh interval of the ExternalSecret. @default "1m" */
  readonly refreshInterval?: string;
}

/** The cluster Secret metadata a site and a declaration produce together. */
export interface RegistrationMetadata {
  /** Every label of the cluster Secret. */
  readonly labels: Record<string, string>;
  /** Every annotation of the cluster Secret. */
  readonly annotations: Record<string, string>;
}

/** ESO refresh intervals: Go durations such as `1m`, `90s`, `1h30m`. */
const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/**
 * An Argo CD cluster registration through External Secrets.
 *
 * Renders one `ExternalSecret` (`external-secrets.io/v1`) in the Argo CD namespace. Its template
 * produces the Argo CD cluster Secret: labels (always `argocd.argoproj.io/secret-type: cluster`),
 * annotations, and the data keys `name`, `server` and `config`. `name` and `server` are written
 * literally; `config` is the Argo CD cluster config JSON, built by an ESO v2 Go template from the
 * password-manager item's fields: base64 `caData`/`certData`/`keyData` for a certificate
 * kubeconfig, `bearerToken` + `caData` for a service-account kubeconfig. When a needed field is
 * missing or empty the template fails (the ExternalSecret reports the error and keeps the last good
 * Secret); it never falls back to `insecure: true`.
 *
 * Usable on its own, e.g. for a vcluster made elsewhere: {@link ArgoRegistration.forVCluster} /
 * {@link ArgoRegistration.fromExisting}.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#clusters
 * @see https://external-secrets.io/latest/guides/templating/
 */
export class ArgoRegistration extends Construct {
  /**
   * Registers a vcluster named by this project's conventions (ExternalSecret `N-argocd-cluster`,
   * Secret `cluster-N`, item `N-kubeconfig`, cluster name `N.<base domain with dashes>`), with the
   * site's default labels and annotations merged with the given ones.
   * @throws ValidationError naming every invalid prop
   */
  public static forVCluster(scope: Construct, id: string, props: ArgoRegistrationForVClusterProps): ArgoRegistration {
    const problems = new Problems();
    problems.dnsLabel('vclusterName', props.vclusterName, 53);
    checkRegistrationInputs(
      problems,
      {
        clusterLabels: props.clusterLabels,
        clusterAnnotations: props.clusterAnnotations,
        workloadRepo: props.workloadRepo,
      },
      { labels: 'clusterLabels', annotations: 'clusterAnnotations', workloadRepo: 'workloadRepo' },
    );
    problems.labels('environment', { environment: props.environment });
    problems.throwIfAny(`ArgoRegistration "${props.vclusterName}"`);
    const { platform } = props;
    const names = new VClusterNames({ name: props.vclusterName, baseDomain: platform.baseDomain });
    const metadata = registrationMetadata(platform, {
      name: props.vclusterName,
      environment: props.environment,
      clusterLabels: props.clusterLabels,
      clusterAnnotations: props.clusterAnnotations,
      workloadRepo: props.workloadRepo,
    });
    return new ArgoRegistration(scope, id, {
      name: names.clusterExternalSecret,
      secretName: names.clusterSecret,
      namespace: platform.argocd.namespace,
      clusterName: names.argocdClusterName,
      server: props.server,
      remoteKey: names.onePasswordItem,
      secretStoreName: platform.secretStore.name,
      secretStoreKind: platform.secretStore.kind,
      credentials: props.credentials,
      labels: metadata.labels,
      annotations: metadata.annotations,
      refreshInterval: props.refreshInterval,
    });
  }

  /**
   * Registers a vcluster that is not declared in this repository (installed by hand or by another
   * tool) but whose kubeconfig is in the password manager item `<vclusterName>-kubeconfig` with the
   * fields {@link KUBECONFIG_ITEM_FIELDS}. Same as {@link forVCluster}.
   */
  public static fromExisting(scope: Construct, id: string, props: ArgoRegistrationForVClusterProps): ArgoRegistration {
    return ArgoRegistration.forVCluster(scope, id, props);
  }

  /** Namespace of the ExternalSecret and the cluster Secret. */
  public readonly namespace: string;
  /** How Argo CD authenticates. */
  public readonly credentials: ClusterCredentials;
  /** Every label of the cluster Secret. */
  public readonly labels: Readonly<Record<string, string>>;
  /** Every annotation of the cluster Secret. */
  public readonly annotations: Readonly<Record<string, string>>;
  /** Refresh interval of the ExternalSecret. */
  public readonly refreshInterval: string;
  /** The ESO v2 template of the `config` key. */
  public readonly configTemplate: string;
  /** The rendered ExternalSecret. */
  public readonly externalSecret: ExternalSecret;

  constructor(scope: Construct, id: string, props: ArgoRegistrationProps) {
    super(scope, id);
    const p = new Problems();
    p.dnsSubdomain('name', props.name);
    p.dnsSubdomain('secretName', props.secretName);
    this.namespace = props.namespace ?? 'argocd';
    p.dnsLabel('namespace', this.namespace);
    if (typeof props.clusterName !== 'string' || !/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(props.clusterName)) {
      p.add('clusterName', props.clusterName, 'a cluster name of letters, digits, "-", "_" and "."');
    }
    p.httpsUrl('server', props.server);
    if (typeof props.remoteKey !== 'string' || !props.remoteKey.trim())
      p.add('remoteKey', props.remoteKey, 'the title of the password-manager item');
    p.dnsSubdomain('secretStoreName', props.secretStoreName);
    const storeKind = props.secretStoreKind ?? 'ClusterSecretStore';
    p.oneOf('secretStoreKind', storeKind, ['ClusterSecretStore', 'SecretStore']);
    this.credentials = props.credentials ?? 'clientCertificate';
    p.oneOf('credentials', this.credentials, CLUSTER_CREDENTIALS);
    p.labels('labels', props.labels);
    const secretType = props.labels?.[ARGOCD_SECRET_TYPE_LABEL];
    if (secretType !== undefined && secretType !== 'cluster') {
      p.add(
        `labels[${JSON.stringify(ARGOCD_SECRET_TYPE_LABEL)}]`,
        secretType,
        '"cluster" (Argo CD only reads cluster Secrets with this label)',
        'remove the label',
      );
    }
    p.annotations('annotations', props.annotations);
    checkTemplateText(p, 'server', props.server);
    checkTemplateText(p, 'remoteKey', props.remoteKey);
    checkTemplateText(p, 'annotations', props.annotations);
    this.refreshInterval = props.refreshInterval ?? '1m';
    if (typeof this.refreshInterval !== 'string' || !DURATION.test(this.refreshInterval)) {
      p.add('refreshInterval', this.refreshInterval, 'a duration such as "1m" or "90s"');
    }
    p.throwIfAny(`ArgoRegistration "${props.name}"`);

    this.labels = { ...(props.labels ?? {}), [ARGOCD_SECRET_TYPE_LABEL]: 'cluster' };
    this.annotations = { ...(props.annotations ?? {}) };
    this.configTemplate = argoClusterConfigTemplate(this.credentials, props.remoteKey);
    const annotations = Object.keys(this.annotations).length ? this.annotations : undefined;

    this.externalSecret = new ExternalSecret(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/name': 'external-secret', 'app.kubernetes.io/component': 'argocd-cluster', ...this.labels },
        annotations,
      },
      spec: {
        refreshInterval: this.refreshInterval,
        secretStoreRef: { name: props.secretStoreName, kind: storeKind as ExternalSecretSpecSecretStoreRefKind },
        target: {
          name: props.secretName,
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          template: {
            engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
            type: 'Opaque',
            // ESO executes every label and annotation value here as a template (not the keys):
            // user text goes in literally.
            metadata: { labels: literalTemplateValues(this.labels), annotations: annotations && literalTemplateValues(annotations) },
            data: {
              name: literalTemplateText(props.clusterName),
              server: literalTemplateText(props.server),
              config: this.configTemplate,
            },
          },
        },
        dataFrom: [
          {
            extract: {
              key: props.remoteKey,
              conversionStrategy: ExternalSecretSpecDataFromExtractConversionStrategy.DEFAULT,
              decodingStrategy: ExternalSecretSpecDataFromExtractDecodingStrategy.NONE,
            },
          },
        ],
      },
    });
  }
}

/**
 * The ESO v2 (Go template) text of the Argo CD cluster `config` for the given credentials. It reads
 * the item fields {@link KUBECONFIG_ITEM_FIELDS} (PEM text) and fails when one it needs is empty.
 * @param item the item title, for the failure message
 */
export function argoClusterConfigTemplate(credentials: ClusterCredentials, item: string): string {
  const f = KUBECONFIG_ITEM_FIELDS;
  const field = (name: string) => `(index . ${goStringLiteral(name)})`;
  const guard = (needed: string[]) =>
    `{{ if not (and ${needed.map(field).join(' ')}) }}` +
    `{{ fail ${goStringLiteral(`item ${item} lacks one of the fields ${needed.join(', ')}; refusing to register the cluster without credentials`)} }}` +
    '{{ end }}';
  const b64 = (name: string) => `{{ index . ${goStringLiteral(name)} | b64enc }}`;
  if (credentials === 'bearerToken') {
    return (
      guard([f.certificateAuthority, f.token]) +
      `{"bearerToken":{{ index . ${goStringLiteral(f.token)} | trim | toJson }},` +
      `"tlsClientConfig":{"insecure":false,"caData":"${b64(f.certificateAuthority)}"}}`
    );
  }
  return (
    guard([f.certificateAuthority, f.clientCertificate, f.clientKey]) +
    `{"tlsClientConfig":{"insecure":false,"caData":"${b64(f.certificateAuthority)}",` +
    `"certData":"${b64(f.clientCertificate)}","keyData":"${b64(f.clientKey)}"}}`
  );
}

/** The registration inputs of a declaration (`spec.argocd` without `environment`). */
export interface RegistrationInputs {
  /** Labels added to (or overriding) the site's cluster labels. @default {} */
  readonly clusterLabels?: Readonly<Record<string, string>>;
  /** Annotations added to (or overriding) the site's cluster annotations. @default {} */
  readonly clusterAnnotations?: Readonly<Record<string, string>>;
  /** Workload repository; missing fields from the platform. @default - the platform's */
  readonly workloadRepo?: Partial<WorkloadRepo>;
}

/** Keys of a workload repository. */
const WORKLOAD_REPO_KEYS = ['url', 'basePath', 'path', 'revision'];

/**
 * Checks a declaration's registration inputs: label and annotation grammar, the
 * `argocd.argoproj.io/secret-type` rule and the workload repository fields.
 * @param fields the field names to report, e.g. `argocd.clusterLabels`
 */
export function checkRegistrationInputs(
  problems: Problems,
  inputs: RegistrationInputs,
  fields: {
    readonly labels: string;
    readonly annotations: string;
    readonly workloadRepo: string;
    /** Report unknown workload repository keys (off when the caller checks the shape itself). @default true */
    readonly checkKeys?: boolean;
  },
): void {
  problems.labels(fields.labels, inputs.clusterLabels);
  const secretType = isPlainObject(inputs.clusterLabels) ? inputs.clusterLabels[ARGOCD_SECRET_TYPE_LABEL] : undefined;
  if (secretType !== undefined && secretType !== 'cluster') {
    problems.add(
      `${fields.labels}[${JSON.stringify(ARGOCD_SECRET_TYPE_LABEL)}]`,
      secretType,
      '"cluster" only: the label makes the Secret an Argo CD cluster Secret and cannot be changed',
      'remove the label',
    );
  }
  problems.annotations(fields.annotations, inputs.clusterAnnotations);
  checkTemplateText(problems, fields.annotations, inputs.clusterAnnotations);
  const repo = inputs.workloadRepo;
  if (repo === undefined) return;
  if (!isPlainObject(repo)) {
    problems.add(fields.workloadRepo, repo, 'an object with url, basePath, path and revision (all optional)');
    return;
  }
  if (fields.checkKeys !== false) checkKnownKeys(problems, fields.workloadRepo, repo, WORKLOAD_REPO_KEYS);
  for (const key of WORKLOAD_REPO_KEYS) checkTemplateText(problems, `${fields.workloadRepo}.${key}`, repo[key as keyof WorkloadRepo]);
  if (repo.url !== undefined && (typeof repo.url !== 'string' || !/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/.test(repo.url))) {
    problems.add(`${fields.workloadRepo}.url`, repo.url, 'a Git URL: https://host/path, ssh://host/path or git@host:path');
  }
  for (const key of ['basePath', 'path'] as const) {
    const v = repo[key];
    if (v !== undefined && (typeof v !== 'string' || /\s/.test(v) || v.startsWith('/') || v.split('/').includes('..'))) {
      problems.add(`${fields.workloadRepo}.${key}`, v, 'a relative path inside the repository, without spaces, a leading "/" or ".."');
    }
  }
  if (repo.revision !== undefined && (typeof repo.revision !== 'string' || !/^[^\s]+$/.test(repo.revision))) {
    problems.add(`${fields.workloadRepo}.revision`, repo.revision, 'a Git revision (branch, tag or commit) without spaces');
  }
}

/**
 * The cluster Secret labels and annotations of one vcluster: the site's defaults
 * (`registration.labels`, `registration.secretLabels`, `registration.annotations`), then the
 * declaration's, which win per key, and `argocd.argoproj.io/secret-type: cluster` always.
 */
export function registrationMetadata(
  platform: Platform,
  props: RegistrationInputs & { readonly name: string; readonly environment: string },
): RegistrationMetadata {
  const ctx = registrationContext(platform, props.name, props.environment, props.workloadRepo);
  const reg = platform.registration;
  return {
    labels: {
      ...reg.labels(ctx),
      ...(reg.secretLabels ? reg.secretLabels(ctx) : {}),
      ...(props.clusterLabels ?? {}),
      [ARGOCD_SECRET_TYPE_LABEL]: 'cluster',
    },
    annotations: { ...reg.annotations(ctx), ...(props.clusterAnnotations ?? {}) },
  };
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
