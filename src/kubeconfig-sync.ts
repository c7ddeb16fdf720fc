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
import { CLUSTER_CREDENTIALS, ClusterCredentials } from './argo-registration';
import { KUBECONFIG_ITEM_FIELDS, VClusterNames } from './naming';
import type { DeletionPolicy } from './presets';
import { Problems, isPlainObject } from './validation';
import { RECREATE_ON_CHANGE } from './vcluster';
import type { KubeconfigSyncStrategy } from './vcluster-chart';

/** The keys of the kubeconfig Secret the vcluster chart writes (`vc-<release>`). */
export const KUBECONFIG_SECRET_KEYS = {
  config: 'config',
  certificateAuthority: 'certificate-authority',
  clientCertificate: 'client-certificate',
  clientKey: 'client-key',
} as const;

/** The sync strategies, for validation messages. */
export const KUBECONFIG_SYNC_STRATEGIES: readonly KubeconfigSyncStrategy[] = ['pushSecret', 'job'];

/** Props of {@link KubeconfigSync}. */
export interface KubeconfigSyncProps {
  /** Helm release name `N` of the vcluster (names the derived objects). */
  readonly releaseName: string;
  /** Host namespace of the vcluster. @default - the release name */
  readonly namespace?: string;
  /** The kubeconfig Secret the chart writes (`exportKubeConfig.secret.name`). @default `vc-<releaseName>` */
  readonly kubeconfigSecret?: string;
  /**
   * How the kubeconfig reaches the password manager:
   * - `pushSecret`: an External Secrets PushSecret that follows the Secret continuously;
   * - `job`: the original one-shot Job writing through the 1Password Connect API.
   * @default "pushSecret"
   */
  readonly strategy?: KubeconfigSyncStrategy;
  /** Which credentials the kubeconfig carries (`bearerToken` when `exportKubeConfig.serviceAccount` is set). @default "clientCertificate" */
  readonly credentials?: ClusterCredentials;
  /** Title of the password-manager item. @default `<releaseName>-kubeconfig` */
  readonly remoteKey?: string;
  /** Name of the External Secrets store reaching the password manager. */
  readonly secretStoreName: string;
  /** Kind of that store. @default "ClusterSecretStore" */
  readonly secretStoreKind?: 'ClusterSecretStore' | 'SecretStore';
  /** 1Password vault the item is created in (by name). */
  readonly vault: string;
  /** Tags of the item. @default ["cluster", "kubeconfig"] */
  readonly itemTags?: readonly string[];
  /**
   * What deleting the vcluster does to the item: `delete` removes the pushed fields (and the item
   * once empty), `retain` keeps them. Only the PushSecret strategy can delete; with the Job
   * strategy the item always stays.
   * @default "retain"
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
  /** Job strategy: item holding the Connect token (field `credential`). @default "onepassword-access-token" */
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
    const p = new Problems();
    p.dnsLabel('releaseName', props.releaseName, 53);
    if (props.namespace !== undefined) p.dnsLabel('namespace', props.namespace);
    this.names = new VClusterNames({ name: props.releaseName, namespace: props.namespace, baseDomain: 'unused.invalid' });
    this.kubeconfigSecret = props.kubeconfigSecret ?? this.names.kubeconfigSecret;
    if (props.kubeconfigSecret !== undefined) p.dnsSubdomain('kubeconfigSecret', props.kubeconfigSecret);
    this.strategy = props.strategy ?? 'pushSecret';
    p.oneOf('strategy', this.strategy, KUBECONFIG_SYNC_STRATEGIES);
    this.credentials = props.credentials ?? 'clientCertificate';
    p.oneOf('credentials', this.credentials, CLUSTER_CREDENTIALS);
    this.remoteKey = props.remoteKey ?? this.names.onePasswordItem;
    if (typeof this.remoteKey !== 'string' || !/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(this.remoteKey)) {
      p.add('remoteKey', this.remoteKey, 'an item title of letters, digits, "-", "_" and "."');
    }
    p.dnsSubdomain('secretStoreName', props.secretStoreName);
    const storeKind = props.secretStoreKind ?? 'ClusterSecretStore';
    p.oneOf('secretStoreKind', storeKind, ['ClusterSecretStore', 'SecretStore']);
    if (typeof props.vault !== 'string' || !props.vault.trim()) p.add('vault', props.vault, 'the name of the 1Password vault');
    const tags = props.itemTags ?? ['cluster', 'kubeconfig'];
    tags.forEach((t, i) => {
      if (typeof t !== 'string' || !/^[^\s,]+$/.test(t)) p.add(`itemTags[${i}]`, t, 'a tag without spaces or commas');
    });
    this.deletionPolicy = props.deletionPolicy ?? 'retain';
    p.oneOf('deletionPolicy', this.deletionPolicy, ['retain', 'delete'] as DeletionPolicy[]);
    this.refreshInterval = props.refreshInterval ?? '5m';
    checkDuration(p, 'refreshInterval', this.refreshInterval);
    const kubeconfigRefresh = props.kubeconfigRefreshInterval ?? '15m';
    checkDuration(p, 'kubeconfigRefreshInterval', kubeconfigRefresh);
    const tokenItem = props.tokenItem ?? 'onepassword-access-token';
    const image = props.image ?? 'docker.io/alpine/k8s:1.34.3';
    if (this.strategy === 'job') {
      if (props.connectHost === undefined) p.add('connectHost', undefined, 'the 1Password Connect URL (https://...) with strategy "job"');
      else p.httpsUrl('connectHost', props.connectHost);
      if (typeof tokenItem !== 'string' || !tokenItem.trim())
        p.add('tokenItem', tokenItem, 'the title of the item holding the Connect token');
      checkPinnedImage(p, 'image', image);
    }
    p.throwIfAny(`KubeconfigSync "${props.releaseName}"`);

    const f = KUBECONFIG_ITEM_FIELDS;
    const credentialFields: string[] = this.credentials === 'bearerToken' ? [f.token] : [f.clientCertificate, f.clientKey];
    this.itemFields = [f.kubeconfig, f.certificateAuthority, ...credentialFields];
    const namespace = this.names.namespace;
    const store = { name: props.secretStoreName, kind: storeKind };

    if (this.strategy === 'pushSecret') {
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
        spec: { vault: props.vault, tags: [...tags] },
      };
      this.pushSecret = new PushSecret(this, 'PushSecret', {
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
    } else {
      this.job = this.renderJob({ store, tokenItem, image, tags, connectHost: props.connectHost!, vault: props.vault });
    }

    // C6: the kubeconfig back into the namespace, for people (`kubectl get secret N-kubeconfig-external`).
    this.kubeconfigExternalSecret = new ExternalSecret(this, 'KubeconfigExternalSecret', {
      metadata: {
        name: this.names.kubeconfigExternalSecret,
        namespace,
        labels: { 'app.kubernetes.io/name': 'external-secret', 'app.kubernetes.io/component': 'kubeconfig' },
      },
      spec: {
        refreshInterval: kubeconfigRefresh,
        secretStoreRef: { name: store.name, kind: store.kind as ExternalSecretSpecSecretStoreRefKind },
        target: { name: this.names.kubeconfigExternalTarget, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
        data: [{ secretKey: KUBECONFIG_SECRET_KEYS.config, remoteRef: { key: this.remoteKey, property: f.kubeconfig } }],
      },
    });
  }

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

    // C1: the Connect token, from the password manager (never from git).
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
        data: [{ secretKey: 'token', remoteRef: { key: o.tokenItem, property: 'credential' } }],
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
}

/**
 * PushSecret template (ESO v2) producing the `token` key of a service-account kubeconfig: the
 * chart's Secret has no such key, only the kubeconfig whose user carries `token`. Renders empty
 * when there is none, which {@link ArgoRegistration}'s template then refuses.
 */
export const SERVICE_ACCOUNT_TOKEN_TEMPLATE =
  '{{ range (index (fromYaml .config) "users") }}{{ with index . "user" }}{{ with index . "token" }}{{ . }}{{ end }}{{ end }}{{ end }}';

const f = KUBECONFIG_ITEM_FIELDS;

/**
 * The Job strategy's script (POSIX sh, curl, jq; nothing installed at start). It reads the
 * mounted kubeconfig Secret, refuses credentials other than those declared (never `insecure`),
 * finds the vault by name, and creates (POST) or fully replaces (PUT) the item.
 */
export const SYNC_SCRIPT = `set -eu
fail() { echo "kubeconfig-sync: $*" >&2; exit 1; }
dir=/kubeconfig
[ -s "$dir/${KUBECONFIG_SECRET_KEYS.config}" ] || fail "Secret $KUBECONFIG_SECRET has no kubeconfig (key ${KUBECONFIG_SECRET_KEYS.config})"
[ -s "$dir/${KUBECONFIG_SECRET_KEYS.certificateAuthority}" ] || fail "Secret $KUBECONFIG_SECRET has no ${KUBECONFIG_SECRET_KEYS.certificateAuthority}; refusing to register a cluster that cannot be verified"
cat "$dir/${KUBECONFIG_SECRET_KEYS.clientCertificate}" > /tmp/cert 2>/dev/null || : > /tmp/cert
cat "$dir/${KUBECONFIG_SECRET_KEYS.clientKey}" > /tmp/key 2>/dev/null || : > /tmp/key
sed -n 's/^[[:space:]]*token:[[:space:]]*//p' "$dir/${KUBECONFIG_SECRET_KEYS.config}" | head -n 1 | tr -d '\\r\\n' > /tmp/token
case "$CREDENTIALS" in
  clientCertificate)
    if [ ! -s /tmp/cert ] || [ ! -s /tmp/key ]; then
      fail "the kubeconfig in Secret $KUBECONFIG_SECRET has no client certificate and key (a service-account kubeconfig needs credentials bearerToken); not registering it insecurely"
    fi ;;
  bearerToken)
    [ -s /tmp/token ] || fail "the kubeconfig in Secret $KUBECONFIG_SECRET has no bearer token; not registering it insecurely" ;;
  *) fail "unknown CREDENTIALS: $CREDENTIALS" ;;
esac
api="\${OP_CONNECT_HOST%/}/v1"
printf 'Authorization: Bearer %s\\n' "$(printf '%s' "$OP_CONNECT_TOKEN" | tr -d '\\r\\n')" > /tmp/auth
call() {
  method=$1; path=$2; shift 2
  code=$(curl -sS --retry 3 -o /tmp/response -w '%{http_code}' -X "$method" -H @/tmp/auth -H 'Content-Type: application/json' "$@" "$api$path") || fail "$method $path: request failed"
  if [ "$code" -ge 400 ]; then cat /tmp/response >&2; fail "$method $path: HTTP $code"; fi
}
call GET /vaults
vault=$(jq -r --arg name "$OP_VAULT" '[.[] | select(.name == $name)][0].id // empty' /tmp/response)
[ -n "$vault" ] || fail "vault not found: $OP_VAULT"
jq -n --arg title "$OP_ITEM_TITLE" --arg vault "$vault" --arg tags "$OP_ITEM_TAGS" --arg credentials "$CREDENTIALS" \\
  --rawfile kubeconfig "$dir/${KUBECONFIG_SECRET_KEYS.config}" --rawfile ca "$dir/${KUBECONFIG_SECRET_KEYS.certificateAuthority}" \\
  --rawfile cert /tmp/cert --rawfile key /tmp/key --rawfile token /tmp/token '
  def field($label; $value): {id: $label, label: $label, type: "CONCEALED", value: $value};
  {title: $title, category: "SERVER", vault: {id: $vault}, tags: ($tags | split(",") | map(select(length > 0))),
   fields: ([field("${f.kubeconfig}"; $kubeconfig), field("${f.certificateAuthority}"; $ca)]
     + (if $credentials == "bearerToken" then [field("${f.token}"; $token)]
        else [field("${f.clientCertificate}"; $cert), field("${f.clientKey}"; $key)] end))}' > /tmp/item.json
call GET "/vaults/$vault/items"
item=$(jq -r --arg title "$OP_ITEM_TITLE" '[.[] | select(.title == $title)][0].id // empty' /tmp/response)
if [ -z "$item" ]; then
  call POST "/vaults/$vault/items" --data-binary @/tmp/item.json
  [ -n "$(jq -r '.id // empty' /tmp/response)" ] || fail "creating item $OP_ITEM_TITLE returned no id"
  echo "kubeconfig-sync: created item $OP_ITEM_TITLE"
else
  jq --arg id "$item" '. + {id: $id}' /tmp/item.json > /tmp/update.json
  call PUT "/vaults/$vault/items/$item" --data-binary @/tmp/update.json
  echo "kubeconfig-sync: replaced item $OP_ITEM_TITLE"
fi
`;

/** What the vcluster's `exportKubeConfig` values mean for the sync and the registration. */
export interface KubeconfigExport {
  /** The kubeconfig Secret the chart writes. */
  readonly secretName: string;
  /** The credentials its kubeconfig carries. */
  readonly credentials: ClusterCredentials;
}

/**
 * Reads the chart's `exportKubeConfig` values: the Secret name (`secret.name`, else `vc-<release>`)
 * and the credentials (`serviceAccount.name` set: a token kubeconfig, else client certificates).
 */
export function kubeconfigExportOf(exportKubeConfig: unknown, releaseName: string): KubeconfigExport {
  const e = (isPlainObject(exportKubeConfig) ? exportKubeConfig : {}) as {
    secret?: { name?: unknown };
    serviceAccount?: { name?: unknown };
  };
  const secretName = isPlainObject(e.secret) && typeof e.secret.name === 'string' && e.secret.name ? e.secret.name : `vc-${releaseName}`;
  const serviceAccount = isPlainObject(e.serviceAccount) && typeof e.serviceAccount.name === 'string' && e.serviceAccount.name !== '';
  return { secretName, credentials: serviceAccount ? 'bearerToken' : 'clientCertificate' };
}

/**
 * Checks the `exportKubeConfig` values the sync and the registration depend on: the kubeconfig
 * must be verifiable (no `insecure: true`) and its Secret must be in the vcluster's
 * namespace (the PushSecret / Job read it there).
 */
export function checkKubeconfigExport(problems: Problems, field: string, exportKubeConfig: unknown, namespace: string): void {
  if (!isPlainObject(exportKubeConfig)) return;
  if (exportKubeConfig.insecure === true) {
    problems.add(
      `${field}.insecure`,
      true,
      'false or unset: Argo CD registers the vcluster with its CA, never insecurely',
      'remove insecure',
    );
  }
  const secret = exportKubeConfig.secret;
  if (isPlainObject(secret)) {
    if (secret.name !== undefined) problems.dnsSubdomain(`${field}.secret.name`, secret.name);
    if (secret.namespace !== undefined && secret.namespace !== '' && secret.namespace !== namespace) {
      problems.add(
        `${field}.secret.namespace`,
        secret.namespace,
        `the vcluster's namespace "${namespace}" (or unset): the kubeconfig is synced from there`,
      );
    }
  }
}

/** Go durations as ESO reads them (`1m`, `90s`, `1h30m`). */
function checkDuration(p: Problems, field: string, value: unknown): void {
  if (typeof value !== 'string' || !/^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) {
    p.add(field, value, 'a duration such as "5m", "90s" or "1h"');
  }
}

/** An image pinned by tag or digest: `latest` and untagged references are refused. */
function checkPinnedImage(p: Problems, field: string, value: unknown): void {
  if (typeof value !== 'string' || /\s/.test(value) || !value) {
    p.add(field, value, 'an image reference pinned by tag or digest');
    return;
  }
  const lastSegment = value.split('/').pop() ?? '';
  const pinned = value.includes('@sha256:') || (lastSegment.includes(':') && !lastSegment.endsWith(':latest'));
  if (!pinned)
    p.add(
      field,
      value,
      'an image pinned by a version tag or digest (not "latest", not untagged)',
      'write e.g. "docker.io/alpine/k8s:1.34.3"',
    );
}
