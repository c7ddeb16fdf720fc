/**
 * The host clusters the vcluster charts are rendered for: their Kubernetes versions and the API
 * versions they serve, as the platform declares them (`hosts`) and synth writes them to
 * `dist/hosts.json`. A dist/ without that file (written before it existed) is verified for
 * {@link DEFAULT_HOST}.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_HOST_API_VERSIONS, DEFAULT_HOST_KUBERNETES_VERSION, HostCluster } from '../declaration/hosts';
import { HOSTS_FILE, parseHostsFile } from '../fleet/hosts-file';
import { HostCapabilities } from './model';

/** The host a dist/ without hosts.json is verified for: the platform's defaults. */
export const DEFAULT_HOST: HostCapabilities = {
  kubernetesVersion: DEFAULT_HOST_KUBERNETES_VERSION,
  apiVersions: DEFAULT_HOST_API_VERSIONS,
};

/** Where an Application deploys: `spec.destination`. */
export interface Destination {
  readonly server?: string;
  readonly name?: string;
}

/** The host clusters of one dist/ folder. */
export class HostTable {
  /** The table of `dist` (its hosts.json), or the problem with that file. */
  public static of(dist: string): HostTable | { problem: string } {
    const file = path.join(dist, HOSTS_FILE);
    if (!fs.existsSync(file)) return new HostTable(undefined);
    const hosts = parseHostsFile(fs.readFileSync(file, 'utf8'));
    return typeof hosts === 'string'
      ? { problem: `${HOSTS_FILE}: ${hosts} (run npm run synth; dist/ is generated)` }
      : new HostTable(hosts);
  }

  /** `hosts` undefined: every destination is {@link DEFAULT_HOST}. */
  constructor(public readonly hosts: readonly HostCluster[] | undefined) {}

  /** The host an Application deploys to, or undefined when the table has none such. */
  public hostOf(destination: Destination): HostCapabilities | undefined {
    if (!this.hosts) return DEFAULT_HOST;
    const h = this.hosts.find((x) => (destination.server ? x.server === destination.server : x.name === destination.name));
    return h && { kubernetesVersion: h.kubernetesVersion, apiVersions: h.apiVersions };
  }

  /** What the hosts are, for messages: `in-cluster (https://kubernetes.default.svc)`, ... */
  public describe(): string {
    return this.hosts ? this.hosts.map((h) => `${h.name} (${h.server})`).join(', ') : 'any (no hosts.json)';
  }
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
