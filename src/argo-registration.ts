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
import type { Platform } from './declaration/platform';
import { VClusterNames } from './naming';
import { ARGOCD_SECRET_TYPE_LABEL, RegistrationInputs, checkRegistrationInputs, registrationMetadata } from './registration/settings';
import { checkTemplateText, literalTemplateText, literalTemplateValues } from './registration/template-literal';
import { argoClusterConfigTemplate } from './registration/templates';
import { Problems } from './validation';
import { CLUSTER_CREDENTIALS, ClusterCredentials, IVCluster } from './vcluster/ivcluster';

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
  /** Password-manager item holding the kubeconfig fields (`KUBECONFIG_ITEM_FIELDS`). */
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
   * Labels of the ExternalSecret object itself (besides `app.kubernetes.io/name` and
   * `app.kubernetes.io/component`); `argocd.argoproj.io/secret-type: cluster` is always set.
   * @default - the cluster Secret's labels
   */
  readonly objectLabels?: Readonly<Record<string, string>>;
  /**
   * How often the cluster Secret is re-rendered from the password manager. Short, so that a
   * re-created vcluster's new CA reaches Argo CD within minutes.
   * @default "1m"
   */
  readonly refreshInterval?: string;
}

/** Props of {@link ArgoRegistration.forVCluster}: a vcluster of this project and the site. */
export interface ArgoRegistrationForVClusterProps extends RegistrationInputs {
  /** The vcluster to register (names, API URL, environment and credentials are read from it). */
  readonly vcluster: IVCluster;
  /** The site configuration (store, Argo CD namespace, default labels and annotations). */
  readonly platform: Platform;
  /** Refresh interval of the ExternalSecret. @default "1m" */
  readonly refreshInterval?: string;
}

/** Props of {@link ArgoRegistration.fromExisting}: a vcluster made elsewhere, named by this project's conventions. */
export interface ArgoRegistrationFromExistingProps extends RegistrationInputs {
  /** The vcluster name `N` (its Helm release). */
  readonly vclusterName: string;
  /** The vcluster's external API URL (e.g. `https://media.example.com:443`). */
  readonly server: string;
  /** The site configuration (store, Argo CD namespace, default labels and annotations). */
  readonly platform: Platform;
  /** Argo CD environment of the cluster (label and annotation `environment` of the site defaults). */
  readonly environment: string;
  /** How Argo CD authenticates to the cluster. @default "clientCertificate" */
  readonly credentials?: ClusterCredentials;
  /** Refresh interval of the ExternalSecret. @default "1m" */
  readonly refreshInterval?: string;
}

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
 * {@link ArgoRegistration.forVCluster} registers a {@link VCluster} of this project;
 * {@link ArgoRegistration.fromExisting} one made elsewhere whose kubeconfig is in the item.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#clusters
 * @see https://external-secrets.io/latest/guides/templating/
 */
export class ArgoRegistration extends Construct {
  /**
   * Registers a vcluster of this project (ExternalSecret `N-argocd-cluster`, Secret `cluster-N`,
   * item `N-kubeconfig`, cluster name `N.<base domain with dashes>`), with the site's default labels
   * and annotations merged with the given ones.
   * @throws ValidationError naming every invalid prop
   */
  public static forVCluster(scope: Construct, id: string, props: ArgoRegistrationForVClusterProps): ArgoRegistration {
    const { vcluster, ...rest } = props;
    return ArgoRegistration.fromExisting(scope, id, {
      ...rest,
      vclusterName: vcluster.names.release,
      server: vcluster.endpoint.serverUrl,
      environment: vcluster.environment,
      credentials: vcluster.kubeconfig.credentials,
    });
  }

  /**
   * Registers a vcluster that is not declared in this repository (installed by hand or by another
   * tool) but whose kubeconfig is in the password manager item `<vclusterName>-kubeconfig` with the
   * fields `KUBECONFIG_ITEM_FIELDS`.
   * @throws ValidationError naming every invalid prop
   */
  public static fromExisting(scope: Construct, id: string, props: ArgoRegistrationFromExistingProps): ArgoRegistration {
    const problems = new Problems();
    problems.dnsLabel('vclusterName', props.vclusterName, 53);
    checkRegistrationInputs(problems, '', props);
    problems.labels('environment', { environment: props.environment });
    problems.throwIfAny(`ArgoRegistration "${props.vclusterName}"`);
    const { platform } = props;
    const names = new VClusterNames({ name: props.vclusterName });
    const metadata = registrationMetadata(platform, { ...props, name: props.vclusterName });
    return new ArgoRegistration(scope, id, {
      name: names.clusterExternalSecret,
      secretName: names.clusterSecret,
      namespace: platform.argocd.namespace,
      clusterName: names.argocdClusterName(platform.baseDomain),
      server: props.server,
      remoteKey: names.onePasswordItem,
      secretStoreName: platform.secretStore.name,
      secretStoreKind: platform.secretStore.kind,
      credentials: props.credentials,
      labels: metadata.labels,
      objectLabels: metadata.objectLabels,
      annotations: metadata.annotations,
      refreshInterval: props.refreshInterval,
    });
  }

  /** Namespace of the ExternalSecret and the cluster Secret. */
  public readonly namespace: string;
  /** How Argo CD authenticates. */
  public readonly credentials: ClusterCredentials;
  /** Every label of the cluster Secret. */
  public readonly labels: Readonly<Record<string, string>>;
  /** Labels of the ExternalSecret object (its own `app.kubernetes.io/*` labels aside). */
  public readonly objectLabels: Readonly<Record<string, string>>;
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
    checkProps(props);
    this.namespace = props.namespace ?? 'argocd';
    this.credentials = props.credentials ?? 'clientCertificate';
    this.refreshInterval = props.refreshInterval ?? '1m';
    const storeKind = props.secretStoreKind ?? 'ClusterSecretStore';

    this.labels = { ...(props.labels ?? {}), [ARGOCD_SECRET_TYPE_LABEL]: 'cluster' };
    this.objectLabels = { ...(props.objectLabels ?? props.labels ?? {}), [ARGOCD_SECRET_TYPE_LABEL]: 'cluster' };
    this.annotations = { ...(props.annotations ?? {}) };
    this.configTemplate = argoClusterConfigTemplate(this.credentials, props.remoteKey);
    const annotations = Object.keys(this.annotations).length ? this.annotations : undefined;

    this.externalSecret = new ExternalSecret(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/name': 'external-secret', 'app.kubernetes.io/component': 'argocd-cluster', ...this.objectLabels },
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

/** Checks the props; throws one error listing every problem. */
function checkProps(props: ArgoRegistrationProps): void {
  const p = new Problems();
  p.dnsSubdomain('name', props.name);
  p.dnsSubdomain('secretName', props.secretName);
  p.dnsLabel('namespace', props.namespace ?? 'argocd');
  if (typeof props.clusterName !== 'string' || !/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(props.clusterName)) {
    p.add('clusterName', props.clusterName, 'a cluster name of letters, digits, "-", "_" and "."');
  }
  p.httpsUrl('server', props.server);
  if (typeof props.remoteKey !== 'string' || !props.remoteKey.trim())
    p.add('remoteKey', props.remoteKey, 'the title of the password-manager item');
  p.dnsSubdomain('secretStoreName', props.secretStoreName);
  p.oneOf('secretStoreKind', props.secretStoreKind ?? 'ClusterSecretStore', ['ClusterSecretStore', 'SecretStore']);
  p.oneOf('credentials', props.credentials ?? 'clientCertificate', CLUSTER_CREDENTIALS);
  p.labels('labels', props.labels);
  p.labels('objectLabels', props.objectLabels);
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
  p.duration('refreshInterval', props.refreshInterval ?? '1m', '"1m" or "90s"');
  p.throwIfAny(`ArgoRegistration "${props.name}"`);
}
