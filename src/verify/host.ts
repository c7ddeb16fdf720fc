/**
 * The host cluster a vcluster's chart is rendered for: its Kubernetes version and the API versions
 * it serves, as the platform declares them (`hosts`) and synth writes them on the vcluster's
 * Application (annotations `vcluster-fleet/host-*`). An Application without them (synthesized before
 * they existed, or by the VCluster construct without `host`) is verified for {@link DEFAULT_HOST}.
 */
import { DEFAULT_HOST_API_VERSIONS, DEFAULT_HOST_KUBERNETES_VERSION, hostFromAnnotations } from '../declaration/hosts';
import { HostCapabilities } from './model';

/** The host of an Application without host annotations: the platform's defaults. */
export const DEFAULT_HOST: HostCapabilities = {
  kubernetesVersion: DEFAULT_HOST_KUBERNETES_VERSION,
  apiVersions: DEFAULT_HOST_API_VERSIONS,
};

/** The host an Application deploys to (its annotations), and whether it had to be assumed. */
export function hostOfApplication(app: unknown): { host: HostCapabilities; assumed: boolean } {
  const annotations = (app as { metadata?: { annotations?: unknown } } | null)?.metadata?.annotations;
  const host = hostFromAnnotations(annotations);
  return host ? { host, assumed: false } : { host: DEFAULT_HOST, assumed: true };
}

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
