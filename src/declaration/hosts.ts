/**
 * What the site's host clusters run: the Kubernetes version of each and the API versions its CRDs
 * serve. Each vcluster's Application carries those of its host as annotations; `npm run verify`
 * renders the chart for them (`helm template --kube-version --api-versions`) and checks every object
 * against them.
 */
import { Problems, checkKnownKeys, isPlainObject, keysOf } from '../validation';

/** What one host cluster runs, as the site declares it (`hosts` of the platform). */
export interface HostClusterFacts {
  /** Kubernetes version of the host's API server, `1.30` or `1.30.0` (a leading `v` is allowed). */
  readonly kubernetesVersion: string;
  /**
   * API versions the host serves beyond the built-in Kubernetes ones: `group/version`, or
   * `group/version/Kind` for a single kind.
   * @default DEFAULT_HOST_API_VERSIONS - the CRDs the fleet renders objects of
   */
  readonly apiVersions?: readonly string[];
}

/** The Kubernetes version a host cluster is assumed to run when the site does not say. */
export const DEFAULT_HOST_KUBERNETES_VERSION = '1.30.0';

/**
 * API versions a host is assumed to serve beyond the built-in ones when the site does not say: the
 * CRDs the fleet's objects use (Argo CD, External Secrets v1 and v1alpha1 for PushSecret,
 * cert-manager, Cilium, Gateway API, the Prometheus Operator).
 */
export const DEFAULT_HOST_API_VERSIONS: readonly string[] = [
  'argoproj.io/v1alpha1',
  'cert-manager.io/v1',
  'cilium.io/v2',
  'external-secrets.io/v1',
  'external-secrets.io/v1alpha1',
  'gateway.networking.k8s.io/v1',
  'monitoring.coreos.com/v1',
];

const KEYS = keysOf<HostClusterFacts>({ kubernetesVersion: true, apiVersions: true });
const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/;
const API_VERSION = /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?v[0-9]+((alpha|beta)[0-9]+)?(\/[A-Z][A-Za-z0-9]*)?$/;

/** Checks the platform's `hosts` against its host clusters (problems under `hosts.*`). */
export function checkHosts(p: Problems, hosts: unknown, hostClusters: Readonly<Record<string, string>>): void {
  if (hosts === undefined) return;
  if (!isPlainObject(hosts)) {
    p.add('hosts', hosts, 'a map from host cluster name (argocd.hostClusters) to { kubernetesVersion, apiVersions }');
    return;
  }
  for (const [name, facts] of Object.entries(hosts)) {
    const at = `hosts[${JSON.stringify(name)}]`;
    if (!Object.prototype.hasOwnProperty.call(hostClusters, name)) {
      p.add(
        at,
        facts,
        `a host cluster of argocd.hostClusters: ${Object.keys(hostClusters).join(', ')}`,
        'name a host cluster of argocd.hostClusters',
      );
      continue;
    }
    checkHostFacts(p, at, facts);
  }
}

/** Checks one host's facts (problems under `at`). */
export function checkHostFacts(p: Problems, at: string, facts: unknown): void {
  if (!isPlainObject(facts)) {
    p.add(at, facts, '{ kubernetesVersion, apiVersions }');
    return;
  }
  checkKnownKeys(p, at, facts, KEYS);
  const f = facts as Partial<HostClusterFacts>;
  if (typeof f.kubernetesVersion !== 'string' || !VERSION.test(f.kubernetesVersion)) {
    p.add(`${at}.kubernetesVersion`, f.kubernetesVersion, 'the version of the host API server, like "1.30" or "1.30.0"');
  }
  if (f.apiVersions === undefined) return;
  if (!Array.isArray(f.apiVersions)) {
    p.add(`${at}.apiVersions`, f.apiVersions, 'a list of API versions ("group/version" or "group/version/Kind")');
    return;
  }
  f.apiVersions.forEach((v, i) => {
    if (typeof v !== 'string' || !API_VERSION.test(v)) {
      p.add(`${at}.apiVersions[${i}]`, v, 'an API version like "cilium.io/v2" or "monitoring.coreos.com/v1/ServiceMonitor"');
    }
  });
}

/** One host's facts with the defaults applied: the version as `x.y.z`, API versions deduplicated and sorted. */
export function resolveHostFacts(facts: HostClusterFacts | undefined): Required<HostClusterFacts> {
  const m = VERSION.exec(facts?.kubernetesVersion ?? DEFAULT_HOST_KUBERNETES_VERSION)!;
  return {
    kubernetesVersion: `${m[1]}.${m[2]}.${m[3] ?? '0'}`,
    apiVersions: [...new Set(facts?.apiVersions ?? DEFAULT_HOST_API_VERSIONS)].sort(),
  };
}

/** Every host cluster (of `argocd.hostClusters`) with its facts: declared, else the defaults; versions as `x.y.z`, API versions sorted. */
export function resolveHosts(
  hosts: Readonly<Record<string, HostClusterFacts>> | undefined,
  hostClusters: Readonly<Record<string, string>>,
): Readonly<Record<string, Required<HostClusterFacts>>> {
  const out: Record<string, Required<HostClusterFacts>> = {};
  for (const name of Object.keys(hostClusters).sort()) out[name] = resolveHostFacts(hosts?.[name]);
  return out;
}

/** The annotations of a vcluster's Application that say what its host cluster runs. */
export const HOST_ANNOTATIONS = {
  kubernetesVersion: 'vcluster-fleet/host-kubernetes-version',
  apiVersions: 'vcluster-fleet/host-api-versions',
} as const;

/** The annotations for a host's facts (API versions comma-separated, sorted). */
export function hostAnnotations(host: Required<HostClusterFacts>): Record<string, string> {
  return {
    [HOST_ANNOTATIONS.kubernetesVersion]: host.kubernetesVersion,
    [HOST_ANNOTATIONS.apiVersions]: [...host.apiVersions].sort().join(','),
  };
}

/** The host facts of an Application's annotations, or undefined when it has none (or they are malformed). */
export function hostFromAnnotations(annotations: unknown): Required<HostClusterFacts> | undefined {
  if (!isPlainObject(annotations)) return undefined;
  const a = annotations as Record<string, unknown>;
  const version = a[HOST_ANNOTATIONS.kubernetesVersion];
  const apis = a[HOST_ANNOTATIONS.apiVersions];
  if (typeof version !== 'string' || !VERSION.test(version) || typeof apis !== 'string') return undefined;
  const apiVersions = apis ? apis.split(',') : [];
  if (apiVersions.some((v) => !API_VERSION.test(v))) return undefined;
  return { kubernetesVersion: version, apiVersions };
}
