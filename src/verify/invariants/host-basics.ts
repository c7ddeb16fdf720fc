/**
 * Cheap facts a real host enforces or a real control plane ignores:
 * - `api-served`: every object's API version is served by the host (a ServiceMonitor on a host
 *   without the Prometheus Operator CRDs fails the whole sync);
 * - `no-secret-manifest`: we never render a `kind: Secret` (dist/ is committed to git);
 * - `replicate-services-noop`: a `networking.replicateServices.fromHost` entry into
 *   `default/kubernetes` does nothing: that Service always exists inside the vcluster (its own API
 *   server) without the `vcluster.loft.sh/controlled-by: vcluster` label, and the service syncer
 *   leaves such Services alone (`pkg/controllers/servicesync/servicesync.go`, v0.31.3).
 */
import { serves } from '../host';
import { Invariant, Violation, WholeVCluster, at, kindOf, listAt, valueViolation, violation } from '../model';

function apiServed(v: WholeVCluster): Violation[] {
  return v.objects
    .filter((m) => typeof m.obj.apiVersion === 'string' && !serves(v.host, m.obj.apiVersion as string, kindOf(m.obj)))
    .map((m) =>
      violation(
        'api-served',
        v,
        m,
        `apiVersion ${String(m.obj.apiVersion)} is not served by the host (Kubernetes ${v.host.kubernetesVersion}, API versions ${v.host.apiVersions.join(', ') || 'built-in only'}): the sync fails`,
        m.origin === 'chart'
          ? 'turn off the chart value that renders it, or install its CRDs on the host and list the API version'
          : 'install the CRD on the host and list its API version, or do not render the object',
      ),
    );
}

function noSecretManifest(v: WholeVCluster): Violation[] {
  return v.objects
    .filter((m) => m.origin === 'ours' && kindOf(m.obj) === 'Secret' && m.obj.apiVersion === 'v1')
    .map((m) =>
      violation(
        'no-secret-manifest',
        v,
        m,
        'is a Secret rendered into dist/, which is committed to git',
        'create it with an ExternalSecret from the secret store',
      ),
    );
}

function replicateServicesNoop(v: WholeVCluster): Violation[] {
  return listAt(v.values, 'networking', 'replicateServices', 'fromHost')
    .filter((r) => at(r, 'to') === 'default/kubernetes')
    .map((r) =>
      valueViolation(
        'replicate-services-noop',
        v,
        `networking.replicateServices.fromHost replicates ${String(r.from)} into default/kubernetes, the vcluster's own API Service, which the service syncer never overwrites (no controlled-by label): this does nothing`,
        'remove the entry (pods inside the vcluster reach its own API server as kubernetes.default already)',
      ),
    );
}

/** API versions served by the host. */
export const apiServedInvariant: Invariant = {
  id: 'api-served',
  summary: "every object's apiVersion is served by the host",
  check: apiServed,
};

/** No Secret manifests of ours. */
export const noSecretManifestInvariant: Invariant = {
  id: 'no-secret-manifest',
  summary: 'we render no kind: Secret',
  check: noSecretManifest,
};

/** No replicateServices entry that does nothing. */
export const replicateServicesNoopInvariant: Invariant = {
  id: 'replicate-services-noop',
  summary: 'no replicateServices.fromHost entry into default/kubernetes (it does nothing)',
  check: replicateServicesNoop,
};
