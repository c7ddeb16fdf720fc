/**
 * The Argo CD bootstrap: the objects that make Argo CD sync every vcluster folder of `dist/`.
 *
 * One root Application (`vcluster-fleet`, applied once by hand) syncs `dist/_bootstrap/`, which
 * holds one child Application per vcluster (`fleet-<name>`) pointing at that vcluster's folder.
 * A vcluster on another host cluster gets two children: `fleet-<name>` for its Argo CD side
 * (`<name>/argocd/` → the Argo CD cluster) and `fleet-<name>-host` for the rest (`<name>/host/` →
 * its host cluster).
 *
 * What removing a declaration file does (after synth, commit and the root Application's sync, which
 * prunes the vcluster's child Application(s) from `_bootstrap/`):
 *
 * - `deletionPolicy: "retain"` (the default of `prod`): nothing is deleted. The child carries no
 *   resources finalizer, so Argo CD deletes the child Application object alone. Every object it had
 *   synced stays live, unmanaged by git: the namespace with its PVCs (volume claims `Retain`, for
 *   the control plane and a deployed etcd), the AppProject, the `vcluster-N` Application (no
 *   finalizer; it keeps running the Helm release), the Argo CD cluster registration, the network
 *   policies, the etcd PKI, and the 1Password item `N-kubeconfig` (PushSecret `deletionPolicy:
 *   None`). The namespace, AppProject and Application also carry `Prune=false,Delete=false`, so even
 *   a cascading delete of the child leaves them. Adding the file back adopts the live objects (same
 *   names); nothing is recreated. To really delete a retained vcluster, first set
 *   `deletionPolicy: "delete"`, synth and let Argo CD sync that, then remove the file.
 * - `deletionPolicy: "delete"` (the default of `dev`): everything goes. The child carries the
 *   resources finalizer, so Argo CD deletes what it had synced: the `vcluster-N` Application
 *   (whose own finalizer uninstalls the Helm release: StatefulSet, Services, the chart's
 *   ClusterRole), the AppProject, the cluster ExternalSecret (and with it the Argo CD cluster
 *   Secret), and the namespace with everything in it, PVCs included (volume claims `Delete`). With
 *   the PushSecret strategy the 1Password item is deleted too (`deletionPolicy: Delete`); the Job
 *   strategy cannot delete it, so it stays behind.
 *
 * The root Application never carries the finalizer: deleting it orphans everything below it. A run
 * of `npm run synth` over a folder with no declaration at all is refused (`--allow-empty` to force).
 *
 * Children sync automatically (self-heal, prune, bounded retry) and ignore only the differences
 * other controllers own ({@link CHILD_IGNORE_DIFFERENCES}).
 */
import { App, Chart } from 'cdk8s';
import { Application } from '../../imports/argocd-application-argoproj.io';
import { IN_CLUSTER_SERVER, Platform } from '../declaration/platform';
import { DEFAULT_SYNC_RETRY, RESOURCES_FINALIZER } from '../vcluster/application';
import { JsonObject, cloneJson } from '../vcluster/helm-values';
import type { BuiltVCluster } from './built';

/** Name of the root Application. */
export const ROOT_APPLICATION = 'vcluster-fleet';

/**
 * Differences the per-vcluster Applications ignore, each targeted (a blanket Job ignore once hid
 * real immutability errors): the labels and annotations of `default-deny-all`, which a cluster
 * policy engine (Kyverno `generate-default-deny-netpol`) co-owns.
 *
 * Nothing of a Job is ignored. With `RespectIgnoreDifferences=true` Argo CD copies the live value
 * of an ignored field into the object it applies; for a Job's `/spec/selector` or template labels
 * that is the server-generated `controller-uid`, so the `Replace=true` the project's Jobs carry
 * deletes the Job and re-creates it with the old uid, which the API server rejects. Those fields
 * are filled in by the API server and never differ from git anyway.
 */
export const CHILD_IGNORE_DIFFERENCES: ReadonlyArray<{
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
  readonly jsonPointers: readonly string[];
}> = [
  {
    group: 'networking.k8s.io',
    kind: 'NetworkPolicy',
    name: 'default-deny-all',
    jsonPointers: ['/metadata/labels', '/metadata/annotations'],
  },
];

/** The bootstrap objects for a fleet: the root Application and the children, sorted by name. */
export function bootstrapObjects(platform: Platform, built: readonly BuiltVCluster[]): JsonObject[] {
  const app = new App({ outdir: '/nonexistent' });
  const chart = new Chart(app, 'bootstrap', { disableResourceNameHashes: true });
  const a = platform.argocd;
  const base = a.path.replace(/\/+$/, '');
  const child = (name: string, path: string, server: string, namespace: string | undefined, finalizer: boolean, vcluster: string) =>
    new Application(chart, name, {
      metadata: {
        name,
        namespace: a.namespace,
        labels: {
          'app.kubernetes.io/managed-by': 'vcluster-fleet',
          'app.kubernetes.io/part-of': ROOT_APPLICATION,
          'vcluster-fleet/vcluster': vcluster,
        },
        finalizers: finalizer ? [RESOURCES_FINALIZER] : undefined,
      },
      spec: {
        project: a.bootstrapProject,
        source: { repoUrl: a.repoURL, targetRevision: a.revision, path, directory: { recurse: true } },
        destination: { server, ...(namespace ? { namespace } : {}) },
        ignoreDifferences: CHILD_IGNORE_DIFFERENCES.map((d) => ({ ...d, jsonPointers: [...d.jsonPointers] })),
        syncPolicy: {
          automated: { selfHeal: true, prune: true },
          syncOptions: ['RespectIgnoreDifferences=true'],
          // Bounded: an unlimited retry pins a failing sync to a broken revision.
          retry: cloneJson(DEFAULT_SYNC_RETRY as unknown as JsonObject),
        },
      },
    });
  new Application(chart, ROOT_APPLICATION, {
    metadata: { name: ROOT_APPLICATION, namespace: a.namespace, labels: { 'app.kubernetes.io/managed-by': 'vcluster-fleet' } },
    spec: {
      project: a.bootstrapProject,
      source: { repoUrl: a.repoURL, targetRevision: a.revision, path: `${base}/_bootstrap` },
      destination: { server: IN_CLUSTER_SERVER, namespace: a.namespace },
      syncPolicy: { automated: { selfHeal: true, prune: true } },
    },
  });
  for (const b of built) {
    const r = b.resolved;
    const n = r.names;
    const finalizer = r.deletionPolicy === 'delete';
    if (r.destinationServer === IN_CLUSTER_SERVER) {
      child(n.bootstrapApplication, `${base}/${n.release}`, IN_CLUSTER_SERVER, undefined, finalizer, n.release);
    } else {
      child(n.bootstrapApplication, `${base}/${n.release}/argocd`, IN_CLUSTER_SERVER, a.namespace, finalizer, n.release);
      child(`${n.bootstrapApplication}-host`, `${base}/${n.release}/host`, r.destinationServer, undefined, finalizer, n.release);
    }
  }
  return chart.toJson() as JsonObject[];
}
