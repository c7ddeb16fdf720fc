/**
 * `dist/hosts.json`: what the site's host clusters run (the platform's `hosts`), written by synth
 * beside INVENTORY.md and read by `npm run verify`, which renders each vcluster's chart for the host
 * its Application deploys to. Argo CD syncs `_bootstrap/` and the vcluster folders, never this file.
 */
import { HostCluster, hostClusterList } from '../declaration/hosts';
import type { Platform } from '../declaration/platform';

/** Its path inside `dist/`. */
export const HOSTS_FILE = 'hosts.json';

/** The file's content: one entry per host cluster, sorted by name; byte-identical run to run. */
export function hostsFile(platform: Platform): string {
  const hosts = hostClusterList(platform.hosts, platform.argocd.hostClusters);
  return `${JSON.stringify({ hosts }, null, 2)}\n`;
}

/** The host clusters of a `hosts.json` text, or a sentence saying what is wrong with it. */
export function parseHostsFile(text: string): readonly HostCluster[] | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return `not JSON (${e instanceof Error ? e.message : String(e)})`;
  }
  const hosts = (data as { hosts?: unknown } | null)?.hosts;
  if (!Array.isArray(hosts)) return 'no "hosts" list';
  for (const [i, h] of hosts.entries()) {
    const ok =
      h !== null &&
      typeof h === 'object' &&
      typeof h.name === 'string' &&
      typeof h.server === 'string' &&
      typeof h.kubernetesVersion === 'string' &&
      Array.isArray(h.apiVersions) &&
      h.apiVersions.every((a: unknown) => typeof a === 'string');
    if (!ok) return `hosts[${i}] is not { name, server, kubernetesVersion, apiVersions }`;
  }
  return hosts as HostCluster[];
}
