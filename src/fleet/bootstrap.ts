/**
 * The Argo CD bootstrap: the objects that make Argo CD sync every vcluster folder of `dist/`.
 *
 * One root Application (`vcluster-fleet`, applied once by hand) syncs `dist/_bootstrap/`, which
 * holds one child Application per vcluster (`fleet-<name>`) pointing at that vcluster's folder.
 * A vcluster on another host cluster gets two children: `fleet-<name>` for its Argo CD side
 * (`<name>/argocd/` → the Argo CD cluster) and `fleet-<name>-host` for the rest (`<name>/host/` →
 * its host cluster).
 *
 * Deletion guards: removing a declaration removes its child Application(s). For `retain`
 * vclusters the children carry no resources finalizer, so Argo CD deletes the child Application
 * alone and leaves every object it had synced (namespace, volumes, registration) running. For
 * `delete` vclusters the children carry the finalizer, so the vcluster and its data are removed.
 * The root Application never carries the finalizer: deleting it orphans everything below it.
 *
 * Children sync automatically (self-heal, prune, bounded retry) and ignore only the differences
 * other controllers own ({@link CHILD_IGNORE_DIFFERENCES}).
 */
import { App, Chart } from 'cdk8s';
import { Application } from '../../imports/argocd-application-argoproj.io';
import { IN_CLUSTER_SERVER, Platform } from '../platform';
import { RESOURCES_FINALIZER } from '../vcluster';
import { JsonObject } from '../vcluster/helm-values';
import type { BuiltVCluster } from './fleet';

/** Name of the root Application. */
export const ROOT_APPLICATION = 'vcluster-fleet';

/**
 * Differences the per-vcluster Applications ignore, each targeted (a blanket Job ignore once hid
 * real immutability errors, PARITY §6 L-JOBIMMUT):
 * - Job selector and pod-template labels, which the API server fills in (`controller-uid`), on an
 *   immutable object;
 * - labels and annotations of `default-deny-all`, which a cluster policy engine (Kyverno
 *   `generate-default-deny-netpol`) co-owns (L-DENY-OWNER).
 */
export const CHILD_IGNORE_DIFFERENCES: ReadonlyArray<{
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
  readonly jsonPointers: readonly string[];
}> = [
  { group: 'batch', kind: 'Job', jsonPointers: ['/spec/selector', '/spec/template/metadata/labels'] },
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
          // Bounded: an unlimited retry pins a failing sync to a broken revision (PARITY §6 L-RETRY).
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
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
