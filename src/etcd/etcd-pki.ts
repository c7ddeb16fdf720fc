/**
 * The cert-manager PKI of a vcluster's deployed etcd: a self-signed CA, server and peer
 * certificates for every etcd member, and a Job merging them into one Secret the control plane
 * mounts.
 */
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import {
  Certificate,
  CertificateSpecPrivateKeyAlgorithm,
  CertificateSpecUsages,
} from '../../imports/certmanager-certificate-cert-manager.io';
import { Issuer } from '../../imports/certmanager-issuer-cert-manager.io';
import { VClusterNames } from '../naming';
import { DEFAULT_TOOLING_IMAGE } from '../presets';
import { Problems } from '../validation';
import { RECREATE_ON_CHANGE } from '../vcluster/application';
import type { IVCluster } from '../vcluster/ivcluster';

/** Where the control plane mounts the merged Secret. */
export const ETCD_CERTS_MOUNT_PATH = '/etcd-certs';
/** Volume name of the merged Secret in the control-plane pod. */
export const ETCD_CERTS_VOLUME = 'etcd-certs';
/** UID the merge Job runs as. */
const MERGE_UID = 65532;

/** Props of {@link EtcdPki}. */
export interface EtcdPkiProps {
  /**
   * The vcluster whose deployed etcd this PKI serves: its names, members and host cluster domain
   * (the DNS suffix of the etcd Services) are read from it, and it receives the volume and mount values.
   */
  readonly vcluster: IVCluster;
  /** Pinned image with `kubectl` and a POSIX shell for the merge Job. @default "docker.io/alpine/k8s:1.34.3" */
  readonly image?: string;
}

/**
 * The etcd PKI of a vcluster with a deployed etcd (opt-in).
 *
 * Renders, in the host namespace: ServiceAccount, Role and RoleBinding `N-etcd-certs-merge` (the
 * Job's own identity, never the chart's `vc-N`, which exists only after the chart deployed);
 * the CA Certificate `N-etcd-ca` issued by the self-signed Issuer `N-etcd-selfsigned`; the CA Issuer
 * `N-etcd-ca` (one CA for every member, never one per replica); the merge Job
 * `N-etcd-certs-merge`; and the server and peer Certificates `N-etcd-server` / `N-etcd-peer`, whose
 * DNS names cover the etcd Service, the headless Service and every member for the actual replica
 * count and cluster domain. The Job waits for the three cert-manager Secrets and writes the merged
 * Secret `N-etcd-certs` (keys `etcd-ca.crt`, `etcd-server.crt|key`, `etcd-peer.crt|key`); it is never
 * named `N-certs`, the chart's own PKI Secret. The control plane mounts it read-only
 * at `/etcd-certs` (values added to the VCluster).
 *
 * The Role grants `get`/`update`/`patch` only on those four Secrets by name. `create` cannot be
 * limited by `resourceNames` in Kubernetes RBAC (the name is not known at authorization time), so
 * it is a separate rule on `secrets`; the Job cannot read or change any other Secret.
 *
 * The Job has no TTL (a TTL made Argo CD recreate Git-managed Jobs forever), runs as
 * non-root with a read-only root filesystem, and merges once: after cert-manager renews the
 * certificates (90 days by default), delete the Job to let Argo CD run it again.
 *
 * @see https://cert-manager.io/docs/configuration/ca/
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
 */
export class EtcdPki extends Construct {
  /** DNS names of the server certificate, in order. */
  public readonly dnsNames: readonly string[];
  /** Name of the merged Secret. */
  public readonly mergedSecretName: string;
  /** The merge Job. */
  public readonly job: k8s.KubeJob;

  private readonly names: VClusterNames;

  constructor(scope: Construct, id: string, props: EtcdPkiProps) {
    super(scope, id);
    const { vcluster } = props;
    const names = vcluster.names;
    const image = props.image ?? DEFAULT_TOOLING_IMAGE;
    const p = new Problems();
    if (vcluster.etcdMembers < 1)
      p.add('vcluster', names.release, 'a vcluster with a deployed etcd (backingStore.etcd.deploy.enabled: true)');
    p.pinnedImage('image', image, 'set platform images.kubectl to e.g. "docker.io/alpine/k8s:1.34.3"');
    p.throwIfAny(`EtcdPki of "${names.release}"`);

    this.names = names;
    this.mergedSecretName = names.etcdCerts;
    this.dnsNames = etcdDnsNames(names, vcluster.etcdMembers, vcluster.hostClusterDomain);
    this.renderIdentity();
    this.renderIssuers();
    this.job = this.renderMergeJob(image);
    this.renderLeafCertificates();
    vcluster.addHelmValues('EtcdPki', {
      controlPlane: {
        statefulSet: {
          persistence: {
            addVolumes: [{ name: ETCD_CERTS_VOLUME, secret: { secretName: this.mergedSecretName } }],
            addVolumeMounts: [{ name: ETCD_CERTS_VOLUME, mountPath: ETCD_CERTS_MOUNT_PATH, readOnly: true }],
          },
        },
      },
    });
  }

  private meta(name: string, tag: string) {
    return {
      name,
      namespace: this.names.namespace,
      labels: { 'app.kubernetes.io/instance': this.names.release, 'app.kubernetes.io/name': tag },
    };
  }

  private get secrets() {
    const prefix = this.names.etcdPkiPrefix;
    return { ca: `${prefix}-ca`, selfSigned: `${prefix}-selfsigned`, server: `${prefix}-server`, peer: `${prefix}-peer` };
  }

  /** The merge Job's ServiceAccount, Role (scoped by name) and RoleBinding. */
  private renderIdentity(): void {
    const mergeName = this.names.etcdCertsMerge;
    const s = this.secrets;
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: this.meta(mergeName, 'etcd-certs-merge-sa') });
    new k8s.KubeRole(this, 'Role', {
      metadata: this.meta(mergeName, 'etcd-certs-merge-role'),
      rules: [
        { apiGroups: [''], resources: ['secrets'], resourceNames: [s.ca, s.server, s.peer], verbs: ['get'] },
        { apiGroups: [''], resources: ['secrets'], resourceNames: [this.mergedSecretName], verbs: ['get', 'update', 'patch'] },
        // RBAC cannot scope `create` by name; the Job only ever creates the merged Secret.
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: this.meta(mergeName, 'etcd-certs-merge-binding'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: mergeName },
      subjects: [{ kind: 'ServiceAccount', name: mergeName, namespace: this.names.namespace }],
    });
  }

  /** The CA Certificate, its self-signed Issuer and the CA Issuer every member certificate comes from. */
  private renderIssuers(): void {
    const s = this.secrets;
    new Certificate(this, 'CaCertificate', {
      metadata: this.meta(s.ca, 'etcd-ca'),
      spec: { isCa: true, commonName: s.ca, secretName: s.ca, privateKey: PRIVATE_KEY, issuerRef: issuerRef(s.selfSigned) },
    });
    new Issuer(this, 'SelfSignedIssuer', { metadata: this.meta(s.selfSigned, 'etcd-issuer'), spec: { selfSigned: {} } });
    new Issuer(this, 'CaIssuer', { metadata: this.meta(s.ca, 'etcd-ca-issuer'), spec: { ca: { secretName: s.ca } } });
  }

  /** The one-shot Job merging the three cert-manager Secrets into the mounted one. */
  private renderMergeJob(image: string): k8s.KubeJob {
    const names = this.names;
    const ns = names.namespace;
    const mergeName = names.etcdCertsMerge;
    const s = this.secrets;
    const env = (name: string, value: string): k8s.EnvVar => ({ name, value });
    return new k8s.KubeJob(this, 'MergeJob', {
      metadata: { ...this.meta(mergeName, 'etcd-certs-job'), annotations: { ...RECREATE_ON_CHANGE } },
      spec: {
        template: {
          metadata: { labels: { app: 'etcd-certs-merge', 'app.kubernetes.io/instance': names.release } },
          spec: {
            restartPolicy: 'OnFailure',
            serviceAccountName: mergeName,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: MERGE_UID,
              runAsGroup: MERGE_UID,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'merge-certs',
                image,
                command: ['/bin/sh', '-c', MERGE_SCRIPT],
                env: [
                  env('NAMESPACE', ns),
                  env('RELEASE', names.release),
                  env('CA_SECRET', s.ca),
                  env('SERVER_SECRET', s.server),
                  env('PEER_SECRET', s.peer),
                  env('TARGET_SECRET', this.mergedSecretName),
                  env('HOME', '/tmp'),
                ],
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
                  limits: { cpu: k8s.Quantity.fromString('200m'), memory: k8s.Quantity.fromString('128Mi') },
                },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });
  }

  /** The server and peer Certificates for every member, from the CA Issuer. */
  private renderLeafCertificates(): void {
    const names = this.names;
    const s = this.secrets;
    const leaf = (name: string, tag: string, extra: { ipAddresses?: string[] }) =>
      new Certificate(this, tag, {
        metadata: this.meta(name, tag),
        spec: {
          secretName: name,
          commonName: names.etcd,
          dnsNames: [...this.dnsNames],
          ...extra,
          privateKey: PRIVATE_KEY,
          usages: [CertificateSpecUsages.SERVER_AUTH, CertificateSpecUsages.CLIENT_AUTH],
          issuerRef: issuerRef(s.ca),
          secretTemplate: { labels: { 'app.kubernetes.io/name': tag, 'app.kubernetes.io/instance': names.release } },
        },
      });
    leaf(s.server, 'etcd-server-cert', { ipAddresses: ['127.0.0.1'] });
    leaf(s.peer, 'etcd-peer-cert', {});
  }
}

const PRIVATE_KEY = { algorithm: CertificateSpecPrivateKeyAlgorithm.RSA, size: 2048 };

function issuerRef(name: string) {
  return { name, kind: 'Issuer', group: 'cert-manager.io' };
}

/**
 * The DNS names of the etcd server and peer certificates: the etcd Service, the headless Service
 * and every member, each short and fully qualified with the host cluster's domain, then `localhost`.
 */
export function etcdDnsNames(names: VClusterNames, members: number, hostClusterDomain: string): string[] {
  const ns = names.namespace;
  const svc = (host: string) => [host, `${host}.${ns}`, `${host}.${ns}.svc`, `${host}.${ns}.svc.${hostClusterDomain}`];
  const memberNames = names.etcdMembers(members).flatMap((m) => {
    const fq = `${m}.${names.etcdHeadless}.${ns}`;
    return [m, fq, `${fq}.svc`, `${fq}.svc.${hostClusterDomain}`];
  });
  return [...svc(names.etcd), ...svc(names.etcdHeadless), ...memberNames, 'localhost'];
}

/** The merge Job's script: wait for the three Secrets, write the merged one (server-side apply). */
const MERGE_SCRIPT = [
  'set -eu',
  'for s in "$CA_SECRET" "$SERVER_SECRET" "$PEER_SECRET"; do',
  '  until kubectl -n "$NAMESPACE" get secret "$s" >/dev/null 2>&1; do echo "waiting for secret $s"; sleep 2; done',
  'done',
  'field() {',
  '  v=$(kubectl -n "$NAMESPACE" get secret "$1" -o "jsonpath={.data.$2}")',
  '  if [ -z "$v" ]; then echo "secret $1 has no $2" >&2; exit 1; fi',
  '  printf \'%s\' "$v"',
  '}',
  'ca=$(field "$CA_SECRET" \'tls\\.crt\')',
  'server_crt=$(field "$SERVER_SECRET" \'tls\\.crt\')',
  'server_key=$(field "$SERVER_SECRET" \'tls\\.key\')',
  'peer_crt=$(field "$PEER_SECRET" \'tls\\.crt\')',
  'peer_key=$(field "$PEER_SECRET" \'tls\\.key\')',
  'kubectl apply --server-side --force-conflicts --field-manager=etcd-certs-merge -f - <<EOF',
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: $TARGET_SECRET',
  '  namespace: $NAMESPACE',
  '  labels:',
  '    app.kubernetes.io/instance: $RELEASE',
  '    app.kubernetes.io/name: etcd-certs',
  'type: Opaque',
  'data:',
  '  etcd-ca.crt: $ca',
  '  etcd-server.crt: $server_crt',
  '  etcd-server.key: $server_key',
  '  etcd-peer.crt: $peer_crt',
  '  etcd-peer.key: $peer_key',
  'EOF',
  'echo "wrote secret $TARGET_SECRET"',
].join('\n');
