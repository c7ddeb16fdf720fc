/**
 * What the site's host clusters run: the Kubernetes version of each and the API versions its CRDs
 * serve. The chart is rendered for them (`helm template --kube-version --api-versions`) and every
 * object is checked against them by `npm run verify`; synth writes them to `dist/hosts.json`.
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

/** A host cluster as synth writes it to `dist/hosts.json` and verify reads it back. */
export interface HostCluster {
  /** Its name in `argocd.hostClusters`. */
  readonly name: string;
  /** Its API server URL as Argo CD names it (the Applications' `destination.server`). */
  readonly server: string;
  /** Kubernetes version, `x.y.z`. */
  readonly kubernetesVersion: string;
  /** API versions served beyond the built-in ones, sorted. */
  readonly apiVersions: readonly string[];
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
    if (!isPlainObject(facts)) {
      p.add(at, facts, '{ kubernetesVersion, apiVersions }');
      continue;
    }
    checkKnownKeys(p, at, facts, KEYS);
    const f = facts as Partial<HostClusterFacts>;
    if (typeof f.kubernetesVersion !== 'string' || !VERSION.test(f.kubernetesVersion)) {
      p.add(`${at}.kubernetesVersion`, f.kubernetesVersion, 'the version of the host API server, like "1.30" or "1.30.0"');
    }
    if (f.apiVersions === undefined) continue;
    if (!Array.isArray(f.apiVersions)) {
      p.add(`${at}.apiVersions`, f.apiVersions, 'a list of API versions ("group/version" or "group/version/Kind")');
      continue;
    }
    f.apiVersions.forEach((v, i) => {
      if (typeof v !== 'string' || !API_VERSION.test(v)) {
        p.add(`${at}.apiVersions[${i}]`, v, 'an API version like "cilium.io/v2" or "monitoring.coreos.com/v1/ServiceMonitor"');
      }
    });
  }
}

/** Every host cluster (of `argocd.hostClusters`) with its facts: declared, else the defaults; versions as `x.y.z`, API versions sorted. */
export function resolveHosts(
  hosts: Readonly<Record<string, HostClusterFacts>> | undefined,
  hostClusters: Readonly<Record<string, string>>,
): Readonly<Record<string, Required<HostClusterFacts>>> {
  const out: Record<string, Required<HostClusterFacts>> = {};
  for (const name of Object.keys(hostClusters).sort()) {
    const f = hosts?.[name];
    const m = VERSION.exec(f?.kubernetesVersion ?? DEFAULT_HOST_KUBERNETES_VERSION)!;
    out[name] = {
      kubernetesVersion: `${m[1]}.${m[2]}.${m[3] ?? '0'}`,
      apiVersions: [...new Set(f?.apiVersions ?? DEFAULT_HOST_API_VERSIONS)].sort(),
    };
  }
  return out;
}

/** The host clusters as `dist/hosts.json` lists them: name, server and facts, sorted by name. */
export function hostClusterList(
  hosts: Readonly<Record<string, Required<HostClusterFacts>>>,
  hostClusters: Readonly<Record<string, string>>,
): HostCluster[] {
  return Object.keys(hosts)
    .sort()
    .map((name) => ({
      name,
      server: hostClusters[name],
      kubernetesVersion: hosts[name].kubernetesVersion,
      apiVersions: [...hosts[name].apiVersions],
    }));
}
