/**
 * KubeconfigSync: copies the kubeconfig the vcluster chart writes (`vc-N`) into the password
 * manager item `N-kubeconfig`, for people and for {@link ArgoRegistration}, and brings it back into
 * the vcluster namespace as `N-kubeconfig-external` for people to read.
 */
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
} from '../imports/eso-externalsecret-external-secrets.io';
import {
  PushSecret,
  PushSecretSpecDeletionPolicy,
  PushSecretSpecSecretStoreRefsKind,
  PushSecretSpecTemplateEngineVersion,
  PushSecretSpecTemplateMergePolicy,
  PushSecretSpecUpdatePolicy,
} from '../imports/eso-pushsecret-external-secrets.io';
import { KUBECONFIG_ITEM_FIELDS, KUBECONFIG_SECRET_KEYS, VClusterNames } from './naming';
import { DEFAULT_TOOLING_IMAGE, DeletionPolicy } from './presets';
import { KUBECONFIG_SYNC_STRATEGIES, KubeconfigSyncStrategy } from './registration/settings';
import { SYNC_SCRIPT } from './registration/sync-script';
import { SERVICE_ACCOUNT_TOKEN_TEMPLATE } from './registration/templates';
import { Problems } from './validation';
import { RECREATE_ON_CHANGE } from './vcluster/application';
import type { ClusterCredentials, IVCluster } from './vcluster/ivcluster';

/** Props of {@link KubeconfigSync}. */
export interface KubeconfigSyncProps {
  /** The vcluster whose kubeconfig is synced (names, kubeconfig Secret, credentials, environment and deletion policy are read from it). */
  readonly vcluster: IVCluster;
  /**
   * How the kubeconfig reaches the password manager:
   * - `pushSecret`: an External Secrets PushSecret that follows the Secret continuously;
   * - `job`: the original one-shot Job writing through the 1Password Connect API.
   * @default "pushSecret"
   */
  readonly strategy?: KubeconfigSyncStrategy;
  /** Title of the password-manager item. @default `<release>-kubeconfig` */
  readonly remoteKey?: string;
  /** Name of the External Secrets store reaching the password manager. */
  readonly secretStoreName: string;
  /** Kind of that store. @default "ClusterSecretStore" */
  readonly secretStoreKind?: 'ClusterSecretStore' | 'SecretStore';
  /** 1Password vault the item is created in (by name). */
  readonly vault: string;
  /** Tags of the item. @default ["cluster", "kubeconfig", <the vcluster's environment>] */
  readonly itemTags?: readonly string[];
  /**
   * What deleting the vcluster does to the item: `delete` removes the pushed fields (and the item
   * once empty), `retain` keeps them. Only the PushSecret strategy can delete; with the Job
   * strategy the item always stays.
   * @default - the vcluster's deletion policy
   */
  readonly deletionPolicy?: DeletionPolicy;
  /**
   * PushSecret strategy: how often the Secret is pushed again, so that a re-created vcluster's
   * new CA and certificates reach the item by themselves.
   * @default "5m"
   */
  readonly refreshInterval?: string;
  /** Refresh interval of the ExternalSecret bringing the kubeconfig back for people. @default "15m" */
  readonly kubeconfigRefreshInterval?: string;
  /** Job strategy: 1Password Connect URL. Required with `strategy: "job"`. @default - none */
  readonly connectHost?: string;
  /**
   * Job strategy: item holding the Connect token (field `credential`) and the vault to write to
   * (field `vault`: its ID or name; when empty, the vault named by `vault` is used).
   * @default "onepassword-access-token"
   */
  readonly tokenItem?: string;
  /** Job strategy: pinned image with `sh`, `curl` and `jq` (nothing is installed at start). @default "docker.io/alpine/k8s:1.34.3" */
  readonly image?: string;
}

/**
 * Keeps a vcluster's kubeconfig in the password manager.
 *
 * **PushSecret** (default): one `PushSecret` (`external-secrets.io/v1alpha1`) in the vcluster
 * namespace pushes the chart's `vc-N` Secret into the item `N-kubeconfig`: the fields
 * `kubeconfig`, `certificate-authority`, and `client-certificate` + `client-key` (certificate
 * kubeconfig) or `token` (service-account kubeconfig; extracted from the kubeconfig by the push
 * template, since the chart writes no `token` key). It re-pushes every `refreshInterval`, so a new
 * CA reaches the item by itself; `deletionPolicy: Delete` only when the vcluster's data is deleted.
 *
 * **Job**: the original's one-shot Job with its fixes: its own
 * ServiceAccount, a Role scoped by `resourceNames`, a pinned image that already has curl and jq,
 * no TTL, `backoffLimit: 3`, non-root, and a hard failure — never `insecure: true` — when the
 * kubeconfig lacks the credentials the registration needs. It writes the same fields as the
 * PushSecret, so {@link ArgoRegistration} reads the item the same way.
 *
 * Both render the ExternalSecret `N-kubeconfig` (C6) that brings the kubeconfig back into the
 * namespace as Secret `N-kubeconfig-external` (key `config`) for people.
 *
 * @see https://external-secrets.io/latest/api/pushsecret/
 * @see https://external-secrets.io/latest/provider/1password-automation/
 */
export class KubeconfigSync extends Construct {
  /** Derived names. */
  public readonly names: VClusterNames;
  /** Strategy. */
  public readonly strategy: KubeconfigSyncStrategy;
  /** Credentials of the kubeconfig. */
  public readonly credentials: ClusterCredentials;
  /** The kubeconfig Secret read. */
  public readonly kubeconfigSecret: string;
  /** The item written. */
  public readonly remoteKey: string;
  /** What deleting the vcluster does to the item. */
  public readonly deletionPolicy: DeletionPolicy;
  /** PushSecret refresh interval. */
  public readonly refreshInterval: string;
  /** Item fields written, in order. */
  public readonly itemFields: readonly string[];
  /** The PushSecret (PushSecret strategy). */
  public readonly pushSecret?: PushSecret;
  /** The sync Job (Job strategy). */
  public readonly job?: k8s.KubeJob;
  /** The ExternalSecret bringing the kubeconfig back. */
  public readonly kubeconfigExternalSecret: ExternalSecret;

  constructor(scope: Construct, id: string, props: KubeconfigSyncProps) {
    super(scope, id);
    const { vcluster } = props;
    this.names = vcluster.names;
    const kubeconfig = vcluster.kubeconfig;
    this.kubeconfigSecret = kubeconfig.secretName;
    this.credentials = kubeconfig.credentials;
    this.strategy = props.strategy ?? 'pushSecret';
    this.remoteKey = props.remoteKey ?? this.names.onePasswordItem;
    this.deletionPolicy = props.deletionPolicy ?? vcluster.deletionPolicy;
    this.refreshInterval = props.refreshInterval ?? '5m';
    const tags = props.itemTags ?? ['cluster', 'kubeconfig', vcluster.environment];
    const store = { name: props.secretStoreName, kind: props.secretStoreKind ?? 'ClusterSecretStore' };
    const tokenItem = props.tokenItem ?? 'onepassword-access-token';
    const image = props.image ?? DEFAULT_TOOLING_IMAGE;
    checkProps(this, props, { tags, store, tokenItem, image });

    const f = KUBECONFIG_ITEM_FIELDS;
    const credentialFields: string[] = this.credentials === 'bearerToken' ? [f.token] : [f.clientCertificate, f.clientKey];
    this.itemFields = [f.kubeconfig, f.certificateAuthority, ...credentialFields];
    if (this.strategy === 'pushSecret') this.pushSecret = this.renderPushSecret(store, props.vault, tags);
    else this.job = this.renderJob({ store, tokenItem, image, tags, connectHost: props.connectHost!, vault: props.vault });
    this.kubeconfigExternalSecret = this.renderKubeconfigBack(store, props.kubeconfigRefreshInterval ?? '15m');
  }

  /** The PushSecret copying the chart's Secret into the item, field by field. */
  private renderPushSecret(store: { name: string; kind: string }, vault: string, tags: readonly string[]): PushSecret {
    const f = KUBECONFIG_ITEM_FIELDS;
    const namespace = this.names.namespace;
    // Secret key → item field. The chart writes config, certificate-authority, client-certificate
    // and client-key; `token` exists only in the push template's output (bearerToken).
    const secretKeyOf: Record<string, string> = {
      [f.kubeconfig]: KUBECONFIG_SECRET_KEYS.config,
      [f.certificateAuthority]: KUBECONFIG_SECRET_KEYS.certificateAuthority,
      [f.clientCertificate]: KUBECONFIG_SECRET_KEYS.clientCertificate,
      [f.clientKey]: KUBECONFIG_SECRET_KEYS.clientKey,
      [f.token]: f.token,
    };
    const metadata = {
      apiVersion: 'kubernetes.external-secrets.io/v1alpha1',
      kind: 'PushSecretMetadata',
      spec: { vault, tags: [...tags] },
    };
    return new PushSecret(this, 'PushSecret', {
      metadata: {
        name: this.names.pushSecret,
        namespace,
        labels: { 'app.kubernetes.io/name': 'kubeconfig-sync', 'app.kubernetes.io/instance': this.names.release },
      },
      spec: {
        refreshInterval: this.refreshInterval,
        updatePolicy: PushSecretSpecUpdatePolicy.REPLACE,
        deletionPolicy: this.deletionPolicy === 'delete' ? PushSecretSpecDeletionPolicy.DELETE : PushSecretSpecDeletionPolicy.NONE,
        secretStoreRefs: [{ name: store.name, kind: store.kind as PushSecretSpecSecretStoreRefsKind }],
        selector: { secret: { name: this.kubeconfigSecret } },
        template:
          this.credentials === 'bearerToken'
            ? {
                engineVersion: PushSecretSpecTemplateEngineVersion.V2,
                mergePolicy: PushSecretSpecTemplateMergePolicy.MERGE,
                data: { [f.token]: SERVICE_ACCOUNT_TOKEN_TEMPLATE },
              }
            : undefined,
        data: this.itemFields.map((field) => ({
          match: { secretKey: secretKeyOf[field], remoteRef: { remoteKey: this.remoteKey, property: field } },
          metadata,
        })),
      },
    });
  }

  /** C6: the kubeconfig back into the namespace, for people (`kubectl get secret N-kubeconfig-external`). */
  private renderKubeconfigBack(store: { name: string; kind: string }, refreshInterval: string): ExternalSecret {
    return new ExternalSecret(this, 'KubeconfigExternalSecret', {
      metadata: {
        name: this.names.kubeconfigExternalSecret,
        namespace: this.names.namespace,
        labels: { 'app.kubernetes.io/name': 'external-secret', 'app.kubernetes.io/component': 'kubeconfig' },
      },
      spec: {
        refreshInterval,
        secretStoreRef: { name: store.name, kind: store.kind as ExternalSecretSpecSecretStoreRefKind },
        target: { name: this.names.kubeconfigExternalTarget, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
        data: [
          { secretKey: KUBECONFIG_SECRET_KEYS.config, remoteRef: { key: this.remoteKey, property: KUBECONFIG_ITEM_FIELDS.kubeconfig } },
        ],
      },
    });
  }

  /** Job strategy: the one-shot Job (C5) with its own identity and Connect token (C1–C4). */
  private renderJob(o: {
    store: { name: string; kind: string };
    tokenItem: string;
    image: string;
    tags: readonly string[];
    connectHost: string;
    vault: string;
  }): k8s.KubeJob {
    const names = this.names;
    const namespace = names.namespace;
    const labels = { 'app.kubernetes.io/name': 'kubeconfig-sync', 'app.kubernetes.io/instance': names.release };

    this.renderJobIdentity(o.store, o.tokenItem, labels);
    // C5: one-shot Job. No ttlSecondsAfterFinished: Argo CD would recreate the deleted Job forever.
    return new k8s.KubeJob(this, 'Job', {
      metadata: { name: names.syncJob, namespace, labels, annotations: { ...RECREATE_ON_CHANGE } },
      spec: {
        backoffLimit: 3,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: names.syncServiceAccount,
            automountServiceAccountToken: false,
            restartPolicy: 'OnFailure',
            securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
            // The pod stays pending until the chart has written the kubeconfig Secret.
            volumes: [
              { name: 'kubeconfig', secret: { secretName: this.kubeconfigSecret } },
              { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') } },
            ],
            containers: [
              {
                name: 'sync-to-onepassword',
                image: o.image,
                command: ['sh', '-c', SYNC_SCRIPT],
                env: [
                  { name: 'OP_CONNECT_HOST', value: o.connectHost },
                  { name: 'OP_CONNECT_TOKEN', valueFrom: { secretKeyRef: { name: names.onePasswordToken, key: 'token' } } },
                  { name: 'OP_TOKEN_VAULT', valueFrom: { secretKeyRef: { name: names.onePasswordToken, key: 'vault', optional: true } } },
                  { name: 'OP_VAULT', value: o.vault },
                  { name: 'OP_ITEM_TITLE', value: this.remoteKey },
                  { name: 'OP_ITEM_TAGS', value: o.tags.join(',') },
                  { name: 'KUBECONFIG_SECRET', value: this.kubeconfigSecret },
                  { name: 'CREDENTIALS', value: this.credentials },
                ],
                volumeMounts: [
                  { name: 'kubeconfig', mountPath: '/kubeconfig', readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
                  limits: { memory: k8s.Quantity.fromString('64Mi') },
                },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              },
            ],
          },
        },
      },
    });
  }

  /**
   * C1–C4: the Connect token and its vault from the password manager (never from git), and the
   * Job's own identity reading exactly its two Secrets.
   */
  private renderJobIdentity(store: { name: string; kind: string }, tokenItem: string, labels: Record<string, string>): void {
    const names = this.names;
    const namespace = names.namespace;
    const o = { store, tokenItem };
    // C1: the Connect token and the vault it writes to (fields `credential` and `vault`), from the password manager.
    new ExternalSecret(this, 'ConnectToken', {
      metadata: {
        name: names.onePasswordToken,
        namespace,
        labels: { 'app.kubernetes.io/name': 'external-secret', 'app.kubernetes.io/component': 'kubeconfig-sync' },
      },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: o.store.name, kind: o.store.kind as ExternalSecretSpecSecretStoreRefKind },
        target: { name: names.onePasswordToken, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
        data: [
          { secretKey: 'token', remoteRef: { key: o.tokenItem, property: 'credential' } },
          { secretKey: 'vault', remoteRef: { key: o.tokenItem, property: 'vault' } },
        ],
      },
    });
    // C2–C4: the Job's own identity, allowed to read exactly its two Secrets.
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: names.syncServiceAccount, namespace, labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeRole(this, 'Role', {
      metadata: { name: names.syncServiceAccount, namespace, labels },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: [this.kubeconfigSecret, names.onePasswordToken] }],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: names.syncServiceAccount, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.syncServiceAccount },
      subjects: [{ kind: 'ServiceAccount', name: names.syncServiceAccount, namespace }],
    });
  }
}

/** Checks the props; throws one error listing every problem. */
function checkProps(
  sync: KubeconfigSync,
  props: KubeconfigSyncProps,
  o: { tags: readonly string[]; store: { name: string; kind: string }; tokenItem: string; image: string },
): void {
  const p = new Problems();
  p.oneOf('strategy', sync.strategy, KUBECONFIG_SYNC_STRATEGIES);
  if (typeof sync.remoteKey !== 'string' || !/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(sync.remoteKey)) {
    p.add('remoteKey', sync.remoteKey, 'an item title of letters, digits, "-", "_" and "."');
  }
  p.dnsSubdomain('secretStoreName', o.store.name);
  p.oneOf('secretStoreKind', o.store.kind, ['ClusterSecretStore', 'SecretStore']);
  if (typeof props.vault !== 'string' || !props.vault.trim()) p.add('vault', props.vault, 'the name of the 1Password vault');
  o.tags.forEach((t, i) => {
    if (typeof t !== 'string' || !/^[^\s,]+$/.test(t)) p.add(`itemTags[${i}]`, t, 'a tag without spaces or commas');
  });
  p.oneOf('deletionPolicy', sync.deletionPolicy, ['retain', 'delete'] as DeletionPolicy[]);
  p.duration('refreshInterval', sync.refreshInterval);
  p.duration('kubeconfigRefreshInterval', props.kubeconfigRefreshInterval ?? '15m');
  if (sync.strategy === 'job') {
    if (props.connectHost === undefined) p.add('connectHost', undefined, 'the 1Password Connect URL (https://...) with strategy "job"');
    else p.httpsUrl('connectHost', props.connectHost);
    if (typeof o.tokenItem !== 'string' || !o.tokenItem.trim())
      p.add('tokenItem', o.tokenItem, 'the title of the item holding the Connect token');
    p.pinnedImage('image', o.image, 'write e.g. "docker.io/alpine/k8s:1.34.3"');
  }
  p.throwIfAny(`KubeconfigSync "${sync.names.release}"`);
}
