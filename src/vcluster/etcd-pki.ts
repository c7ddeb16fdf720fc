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
import { RECREATE_ON_CHANGE, type VCluster } from '../vcluster';
import { Problems } from '../validation';

/** Where the control plane mounts the merged Secret. */
export const ETCD_CERTS_MOUNT_PATH = '/etcd-certs';
/** Volume name of the merged Secret in the control-plane pod. */
export const ETCD_CERTS_VOLUME = 'etcd-certs';
/** UID the merge Job runs as. */
const MERGE_UID = 65532;

/** Props of {@link EtcdPki}. */
export interface EtcdPkiProps {
  /** The vcluster whose deployed etcd this PKI serves; receives the volume and mount values. */
  readonly vcluster: VCluster;
  /** Number of etcd members (`backingStore.etcd.deploy.statefulSet.highAvailability.replicas`). */
  readonly etcdReplicas: number;
  /** Cluster domain of the host cluster (the etcd Services' DNS suffix). @default "cluster.local" */
  readonly clusterDomain?: string;
  /** Pinned image with `kubectl` and a POSIX shell for the merge Job. @default "docker.io/alpine/k8s:1.34.3" */
  readonly image?: string;
}

/** True for an image reference pinned by a tag other than `latest`, or by digest. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastSegment = image.split('/').pop() ?? '';
  const tag = lastSegment.includes(':') ? lastSegment.split(':').pop() : undefined;
  return !!tag && tag !== 'latest' && /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag) && !/\s/.test(image);
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

  constructor(scope: Construct, id: string, props: EtcdPkiProps) {
    super(scope, id);
    const names = props.vcluster.names;
    const p = new Problems();
    p.integer('etcdReplicas', props.etcdReplicas, 1, 15);
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    p.dnsSubdomain('clusterDomain', clusterDomain);
    const image = props.image ?? 'docker.io/alpine/k8s:1.34.3';
    if (typeof image !== 'string' || !isPinnedImage(image)) {
      p.add(
        'image',
        image,
        'an image pinned by a tag other than "latest" or by an @sha256 digest',
        'set platform images.kubectl to e.g. "docker.io/alpine/k8s:1.34.3"',
      );
    }
    p.throwIfAny(`EtcdPki of "${names.release}"`);

    const ns = names.namespace;
    const prefix = names.etcdPkiPrefix;
    const caName = `${prefix}-ca`;
    const selfSignedName = `${prefix}-selfsigned`;
    const serverName = `${prefix}-server`;
    const peerName = `${prefix}-peer`;
    this.mergedSecretName = names.etcdCerts;
    const mergeName = names.etcdCertsMerge;
    const meta = (name: string, tag: string) => ({
      name,
      namespace: ns,
      labels: { 'app.kubernetes.io/instance': names.release, 'app.kubernetes.io/name': tag },
    });

    const svc = (host: string) => [host, `${host}.${ns}`, `${host}.${ns}.svc`, `${host}.${ns}.svc.${clusterDomain}`];
    const members = names.etcdMembers(props.etcdReplicas).flatMap((m) => {
      const fq = `${m}.${names.etcdHeadless}.${ns}`;
      return [m, fq, `${fq}.svc`, `${fq}.svc.${clusterDomain}`];
    });
    this.dnsNames = [...svc(names.etcd), ...svc(names.etcdHeadless), ...members, 'localhost'];

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: meta(mergeName, 'etcd-certs-merge-sa') });
    new k8s.KubeRole(this, 'Role', {
      metadata: meta(mergeName, 'etcd-certs-merge-role'),
      rules: [
        { apiGroups: [''], resources: ['secrets'], resourceNames: [caName, serverName, peerName], verbs: ['get'] },
        { apiGroups: [''], resources: ['secrets'], resourceNames: [this.mergedSecretName], verbs: ['get', 'update', 'patch'] },
        // RBAC cannot scope `create` by name; the Job only ever creates the merged Secret.
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: meta(mergeName, 'etcd-certs-merge-binding'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: mergeName },
      subjects: [{ kind: 'ServiceAccount', name: mergeName, namespace: ns }],
    });
    const issuerRef = (name: string) => ({ name, kind: 'Issuer', group: 'cert-manager.io' });
    const privateKey = { algorithm: CertificateSpecPrivateKeyAlgorithm.RSA, size: 2048 };
    new Certificate(this, 'CaCertificate', {
      metadata: meta(caName, 'etcd-ca'),
      spec: { isCa: true, commonName: caName, secretName: caName, privateKey, issuerRef: issuerRef(selfSignedName) },
    });
    new Issuer(this, 'SelfSignedIssuer', { metadata: meta(selfSignedName, 'etcd-issuer'), spec: { selfSigned: {} } });
    new Issuer(this, 'CaIssuer', { metadata: meta(caName, 'etcd-ca-issuer'), spec: { ca: { secretName: caName } } });

    const script = [
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
    const env = (name: string, value: string): k8s.EnvVar => ({ name, value });
    this.job = new k8s.KubeJob(this, 'MergeJob', {
      metadata: { ...meta(mergeName, 'etcd-certs-job'), annotations: { ...RECREATE_ON_CHANGE } },
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
                command: ['/bin/sh', '-c', script],
                env: [
                  env('NAMESPACE', ns),
                  env('RELEASE', names.release),
                  env('CA_SECRET', caName),
                  env('SERVER_SECRET', serverName),
                  env('PEER_SECRET', peerName),
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

    const leaf = (name: string, tag: string, extra: { ipAddresses?: string[] }) =>
      new Certificate(this, tag, {
        metadata: meta(name, tag),
        spec: {
          secretName: name,
          commonName: names.etcd,
          dnsNames: [...this.dnsNames],
          ...extra,
          privateKey,
          usages: [CertificateSpecUsages.SERVER_AUTH, CertificateSpecUsages.CLIENT_AUTH],
          issuerRef: issuerRef(caName),
          secretTemplate: { labels: { 'app.kubernetes.io/name': tag, 'app.kubernetes.io/instance': names.release } },
        },
      });
    leaf(serverName, 'etcd-server-cert', { ipAddresses: ['127.0.0.1'] });
    leaf(peerName, 'etcd-peer-cert', {});

    props.vcluster.addHelmValues('EtcdPki', {
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
}
