/**
 * The vcluster's CoreDNS Corefile keeps what the chart's default has for a reason. The chart does
 * not render CoreDNS itself: the control plane deploys it inside the vcluster from
 * `pkg/coredns/template.go` (loft-sh/vcluster v0.31.3 and v0.36.1), whose default Corefile has
 * - `rewrite name regex .*\.nodes\.vcluster\.com kubernetes.default.svc.cluster.local` when
 *   `networking.advanced.proxyKubelets.byHostname` is on (the default): fake node names resolve;
 * - `hosts /etc/coredns/NodeHosts { ... }`: the node host entries the syncer maintains;
 * - `import /etc/coredns/custom/*.server`: the tenant's `coredns-custom` ConfigMap.
 * `controlPlane.coredns.overwriteConfig` replaces that whole Corefile, so it must carry them too.
 */
import { Invariant, Json, Violation, WholeVCluster, at, objAt, valueViolation } from '../model';

const ID = 'corefile-keeps-defaults';

/** One line the default Corefile has, and when it is required. */
interface Required {
  readonly line: RegExp;
  readonly text: string;
  readonly when: (values: Json) => boolean;
  readonly why: string;
}

const REQUIRED: readonly Required[] = [
  {
    line: /^rewrite\s+name\s+regex\s+\.\*\\\.nodes\\\.vcluster\\\.com\s+\S+/,
    text: 'rewrite name regex .*\\.nodes\\.vcluster\\.com kubernetes.default.svc.cluster.local',
    when: (values) => at(values, 'networking', 'advanced', 'proxyKubelets', 'byHostname') !== false,
    why: 'fake node names (*.nodes.vcluster.com) do not resolve: kubectl logs/exec to a node name fails',
  },
  {
    line: /^hosts\s+\/etc\/coredns\/NodeHosts(\s|$)/,
    text: 'hosts /etc/coredns/NodeHosts { ttl 60; reload 15s; fallthrough }',
    when: () => true,
    why: 'the node host entries the syncer maintains are not served',
  },
  {
    line: /^import\s+\/etc\/coredns\/custom\/\*\.server(\s|$)/,
    text: 'import /etc/coredns/custom/*.server',
    when: () => true,
    why: "a tenant's coredns-custom ConfigMap is ignored",
  },
];

/** The lines of a Corefile the required directives are missing from. */
export function missingDefaults(corefile: string, values: Json): Required[] {
  const lines = corefile.split('\n').map((l) => l.trim());
  return REQUIRED.filter((r) => r.when(values) && !lines.some((l) => r.line.test(l)));
}

function check(v: WholeVCluster): Violation[] {
  const c = objAt(v.values, 'controlPlane', 'coredns');
  if (c.enabled === false || typeof c.overwriteConfig !== 'string' || c.overwriteConfig.trim() === '') return [];
  return missingDefaults(c.overwriteConfig, v.values).map((r) =>
    valueViolation(
      ID,
      v,
      `controlPlane.coredns.overwriteConfig replaces the chart's Corefile without its line \`${r.text}\`: ${r.why}`,
      "start from the chart's default Corefile (vcluster pkg/coredns/template.go) and keep that line, or use a coredns-custom ConfigMap instead of overwriteConfig",
    ),
  );
}

/** The Corefile keeps the chart's defaults. */
export const corefileKeepsDefaults: Invariant = {
  id: ID,
  summary:
    "a Corefile given through controlPlane.coredns.overwriteConfig keeps the default's node-name rewrite, NodeHosts and custom imports",
  check,
};
