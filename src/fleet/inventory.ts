/**
 * The fleet inventory: a human-readable overview written beside the manifests (dist/INVENTORY.md,
 * which Argo CD ignores: it reads only .yaml, .yml and .json).
 */
import type { BuiltVCluster } from './fleet';

/** The inventory files for a built fleet (path relative to dist/ → content). */
export function inventoryFiles(built: readonly BuiltVCluster[]): Map<string, string> {
  const rows = built.map((b) => `| ${b.resolved.names.release} | ${b.resolved.preset} |`);
  return new Map([['INVENTORY.md', ['# vcluster fleet inventory', '', '| vcluster | preset |', '|---|---|', ...rows, ''].join('\n')]]);
}
