/**
 * VClusterSecretSync: keeps one Secret from the password manager inside a vcluster, written by the
 * host's External Secrets through the vcluster's own API. It replaces the chart's
 * `sync.fromHost.secrets` mappings for this purpose: any such mapping makes the chart grant the
 * control plane `list`/`watch` on every Secret of the host (`_rbac.tpl` narrows only `get`), while
 * this needs no host permission at all beyond what External Secrets already has.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
} from '../../imports/eso-externalsecret-external-secrets.io';
import {
  PushSecret,
  PushSecretSpecDeletionPolicy,
  PushSecretSpecSecretStoreRefsKind,
  PushSecretSpecUpdatePolicy,
} from '../../imports/eso-pushsecret-external-secrets.io';
import { KUBECONFIG_SECRET_KEYS, VClusterNames } from '../naming';
import { DURATION, Problems } from '../validation';
import type { IVCluster } from '../vcluster/ivcluster';

/** Port of the vcluster Service every exposure mode keeps open inside the host cluster. */
export const VCLUSTER_SERVICE_PORT = 443;

/** Props of {@link VClusterSecretSync}. */
export interface VClusterSecretSyncProps {
  /** The vcluster the Secret is kept in (names, namespace, kubeconfig Secret and credentials are read from it). */
  readonly vcluster: IVCluster;
  /** Name of the Secret inside the vcluster. */
  readonly name: string;
  /** Namespace of the Secret inside the vcluster (it must exist there; the write is retried until it does). @default "external-secrets" */
  readonly namespace?: string;
  /** Item of the password manager the values come from. */
  readonly item: string;
  /** Keys of the Secret → properties (fields) of the item. */
  readonly data: Readonly<Record<string, string>>;
  /** Name of the External Secrets store reaching the password manager. */
  readonly secretStoreName: string;
  /** Kind of that store. @default "ClusterSecretStore" */
  readonly secretStoreKind?: 'ClusterSecretStore' | 'SecretStore';
  /** How often the value is read from the password manager and written into the vcluster again. @default "10m" */
  readonly refreshInterval?: string;
}

/**
 * One Secret of the password manager, kept inside a vcluster: for example the 1Password Connect
 * token the External Secrets operator inside the vcluster (installed there by the host's
 * ApplicationSets) authenticates with.
 *
 * Three objects in the vcluster's host namespace, all handled by the host's External Secrets:
 * - ExternalSecret `<name>-<secret>`: the item's fields into the host Secret `<name>-<secret>`;
 * - SecretStore `<name>-vcluster-api`: the vcluster's own API as a `kubernetes` store, at
 *   `https://<release>.<namespace>:443` (a name on the vcluster's serving certificate), trusting
 *   the vcluster CA and authenticating with the client certificate of the kubeconfig the chart
 *   exports (`vc-<name>`; a service-account kubeconfig is used whole instead);
 * - PushSecret `<name>-<secret>-push`: the whole host Secret into `<namespace>/<secret>` inside
 *   the vcluster, again every `refreshInterval` (a re-created vcluster gets it back by itself).
 *
 * Nothing on the host is granted to the vcluster; the External Secrets controller, which already
 * reads Secrets, is the only reader, and it must reach the vcluster API on its target port (the
 * network policies admit its namespace). The PushSecret never deletes the copy (`deletionPolicy:
 * None`): it goes with the vcluster.
 *
 * @see https://external-secrets.io/latest/provider/kubernetes/
 * @see https://external-secrets.io/latest/api/pushsecret/
 */
export class VClusterSecretSync extends Construct {
  /** Derived names of the vcluster. */
  public readonly names: VClusterNames;
  /** Namespace of the Secret inside the vcluster. */
  public readonly namespace: string;
  /** The ExternalSecret reading the item. */
  public readonly externalSecret: ExternalSecret;
  /** The SecretStore of the vcluster's API. */
  public readonly store: ApiObject;
  /** The PushSecret writing into the vcluster. */
  public readonly pushSecret: PushSecret;

  constructor(scope: Construct, id: string, props: VClusterSecretSyncProps) {
    super(scope, id);
    const { vcluster } = props;
    this.names = vcluster.names;
    this.namespace = props.namespace ?? 'external-secrets';
    const refreshInterval = props.refreshInterval ?? '10m';
    const p = new Problems();
    checkProps(p, props, this.namespace, refreshInterval);
    p.throwIfAny(`VClusterSecretSync of "${this.names.release}"`);
    const hostNamespace = this.names.namespace;
    const labels = { 'app.kubernetes.io/name': 'vcluster-secret-sync', 'app.kubernetes.io/instance': this.names.release };
    const source = this.names.vclusterSecretSource(props.name);
    this.externalSecret = new ExternalSecret(this, 'ExternalSecret', {
      metadata: { name: source, namespace: hostNamespace, labels },
      spec: {
        refreshInterval,
        secretStoreRef: {
          name: props.secretStoreName,
          kind: (props.secretStoreKind ?? 'ClusterSecretStore') as ExternalSecretSpecSecretStoreRefKind,
        },
        target: { name: source, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
        data: Object.entries(props.data).map(([secretKey, property]) => ({ secretKey, remoteRef: { key: props.item, property } })),
      },
    });
    this.store = new ApiObject(this, 'SecretStore', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: this.names.vclusterApiStore, namespace: hostNamespace, labels },
      spec: { provider: { kubernetes: { remoteNamespace: this.namespace, ...connection(vcluster) } } },
    });
    this.pushSecret = new PushSecret(this, 'PushSecret', {
      metadata: { name: this.names.vclusterSecretPush(props.name), namespace: hostNamespace, labels },
      spec: {
        refreshInterval,
        updatePolicy: PushSecretSpecUpdatePolicy.REPLACE,
        deletionPolicy: PushSecretSpecDeletionPolicy.NONE,
        secretStoreRefs: [{ name: this.names.vclusterApiStore, kind: PushSecretSpecSecretStoreRefsKind.SECRET_STORE }],
        selector: { secret: { name: source } },
        // No secretKey and no property: the whole Secret, every key, becomes <namespace>/<name>.
        data: [{ match: { remoteRef: { remoteKey: props.name } } }],
      },
    });
  }
}

/** How External Secrets reaches and authenticates to the vcluster API, from the kubeconfig the chart exports. */
function connection(vcluster: IVCluster): Record<string, unknown> {
  const kubeconfig = vcluster.kubeconfig;
  const secret = kubeconfig.secretName;
  if (kubeconfig.credentials === 'bearerToken') {
    // The token lives in the kubeconfig alone; the store takes the whole kubeconfig (its server URL included).
    return { authRef: { name: secret, key: KUBECONFIG_SECRET_KEYS.config } };
  }
  const n = vcluster.names;
  return {
    server: {
      url: `https://${n.service}.${n.namespace}:${VCLUSTER_SERVICE_PORT}`,
      caProvider: { type: 'Secret', name: secret, key: KUBECONFIG_SECRET_KEYS.certificateAuthority },
    },
    auth: {
      cert: {
        clientCert: { name: secret, key: KUBECONFIG_SECRET_KEYS.clientCertificate },
        clientKey: { name: secret, key: KUBECONFIG_SECRET_KEYS.clientKey },
      },
    },
  };
}

/** Names, keys, the item and the interval. */
function checkProps(p: Problems, props: VClusterSecretSyncProps, namespace: string, refreshInterval: string): void {
  p.dnsSubdomain('name', props.name);
  p.dnsLabel('namespace', namespace);
  p.text('item', props.item);
  p.dnsSubdomain('secretStoreName', props.secretStoreName);
  if (props.secretStoreKind !== undefined) p.oneOf('secretStoreKind', props.secretStoreKind, ['ClusterSecretStore', 'SecretStore']);
  if (typeof refreshInterval !== 'string' || !DURATION.test(refreshInterval))
    p.add('refreshInterval', refreshInterval, 'a Go duration such as "10m"');
  if (!p.object('data', props.data, 'a map of Secret keys to item properties, e.g. { token: "credential" }')) return;
  const entries = Object.entries(props.data);
  if (!entries.length) p.add('data', props.data, 'at least one key');
  for (const [key, property] of entries) {
    if (!/^[-._a-zA-Z0-9]+$/.test(key)) p.add(`data[${JSON.stringify(key)}]`, key, 'a Secret key: letters, digits, "-", "_" and "."');
    p.text(`data[${JSON.stringify(key)}]`, property);
  }
}
