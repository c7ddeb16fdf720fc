/**
 * The host cluster the vcluster chart is rendered for: its Kubernetes version and the API versions
 * it serves. The platform will say (a `host: { kubernetesVersion, apiVersions }` setting); until
 * then {@link DEFAULT_HOST} describes the site's host clusters.
 */
import { HostCapabilities } from './model';

/**
 * A Kubernetes 1.30 host with the CRDs the fleet's objects use: Argo CD, External Secrets (v1 and
 * v1alpha1 for PushSecret), cert-manager, Cilium, Gateway API and the Prometheus Operator.
 */
export const DEFAULT_HOST: HostCapabilities = {
  kubernetesVersion: '1.30.0',
  apiVersions: [
    'argoproj.io/v1alpha1',
    'cert-manager.io/v1',
    'cilium.io/v2',
    'external-secrets.io/v1',
    'external-secrets.io/v1alpha1',
    'gateway.networking.k8s.io/v1',
    'monitoring.coreos.com/v1',
    'policy/v1',
  ],
};

/** API versions every supported Kubernetes host serves (1.29 and later). */
export const BUILTIN_API_VERSIONS: readonly string[] = [
  'v1',
  'admissionregistration.k8s.io/v1',
  'apiextensions.k8s.io/v1',
  'apiregistration.k8s.io/v1',
  'apps/v1',
  'authentication.k8s.io/v1',
  'authorization.k8s.io/v1',
  'autoscaling/v1',
  'autoscaling/v2',
  'batch/v1',
  'certificates.k8s.io/v1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'events.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1',
  'networking.k8s.io/v1',
  'node.k8s.io/v1',
  'policy/v1',
  'rbac.authorization.k8s.io/v1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1',
];

/** True when the host serves `apiVersion` (and `kind`): built in, or listed as `group/version` or `group/version/Kind`. */
export function serves(host: HostCapabilities, apiVersion: string, kind: string): boolean {
  return (
    BUILTIN_API_VERSIONS.includes(apiVersion) || host.apiVersions.includes(apiVersion) || host.apiVersions.includes(`${apiVersion}/${kind}`)
  );
}

/** Checks a host description; returns the problems (empty when it is usable). */
export function hostProblems(host: HostCapabilities): string[] {
  const out: string[] = [];
  if (!/^v?\d+\.\d+(\.\d+)?$/.test(host.kubernetesVersion))
    out.push(`kubernetesVersion '${host.kubernetesVersion}' is not a version like 1.30 or 1.30.0`);
  for (const a of host.apiVersions)
    if (!/^[a-z0-9.-]+\/v[0-9a-z]+(\/[A-Za-z]+)?$/.test(a) && a !== 'v1')
      out.push(`API version '${a}' is not like group/version or group/version/Kind`);
  return out;
}
