/**
 * The names two vclusters of a fleet must not share: their own, and every name derived from them
 * that lives outside the vcluster's namespace (cluster-scoped on the host, in Argo CD's namespace,
 * or in the password manager) or is published (API hostname, VIP).
 */
import { IN_CLUSTER_SERVER } from '../declaration/platform';
import type { ResolvedVCluster } from '../declaration/resolve';
import { Problem } from '../validation';
import { valueAtPath } from '../vcluster/helm-values';
import { ROOT_APPLICATION } from './bootstrap';

/** One vcluster of the fleet, by file. */
export interface FleetMember {
  readonly file: string;
  readonly r: ResolvedVCluster;
}

/** One key a vcluster claims: what it is compared as, the field to blame, the value to show. */
interface Claim {
  readonly key: string;
  readonly field: string;
  readonly value: unknown;
  /** Whether it follows from the vcluster name alone (then a duplicate name already says it). */
  readonly derived: boolean;
  /** What is shared, when it is not the value itself (e.g. the ClusterRole a namespace leads to). @default - the rule's */
  readonly what?: string;
}

/** A kind of name two vclusters must not share. */
interface UniqueRule {
  readonly what: string;
  readonly claims: (r: ResolvedVCluster) => Claim[];
  /** Claims already taken before any vcluster (e.g. the root Application). */
  readonly taken?: ReadonlyArray<[string, string]>;
  /** Derived from the name and the namespace together: not checked for a file whose name or namespace is a duplicate already. */
  readonly fromNameAndNamespace?: boolean;
}

const nsField = (r: ResolvedVCluster) => (r.spec.targetNamespace !== undefined ? 'targetNamespace' : 'name');
const nsDerived = (r: ResolvedVCluster) => r.spec.targetNamespace === undefined;
const onHost = (r: ResolvedVCluster, name: string) => `${r.hostCluster}/${name}`;

/** Whether the vcluster's chart syncs namespaces (its ClusterRole is then `vc-mn-N-v-T`). */
function syncsNamespaces(r: ResolvedVCluster): boolean {
  const path = ['sync', 'toHost', 'namespaces', 'enabled'];
  return (valueAtPath(r.spec.helmValues, path) ?? valueAtPath(r.platform.helmValues, path)) === true;
}

const RULES: readonly UniqueRule[] = [
  { what: 'vcluster name', claims: (r) => [{ key: r.names.release, field: 'name', value: r.names.release, derived: false }] },
  {
    what: 'host namespace',
    claims: (r) => [{ key: onHost(r, r.names.namespace), field: nsField(r), value: r.names.namespace, derived: nsDerived(r) }],
  },
  {
    what: 'Argo CD AppProject',
    claims: (r) => [
      {
        key: r.names.project,
        field: r.spec.projectName !== undefined ? 'projectName' : 'name',
        value: r.names.project,
        derived: r.spec.projectName === undefined,
      },
    ],
  },
  {
    what: 'Argo CD Application name',
    taken: [[ROOT_APPLICATION, '(the root Application)']],
    claims: (r) =>
      [
        r.names.application,
        r.names.bootstrapApplication,
        ...(r.destinationServer !== IN_CLUSTER_SERVER ? [`${r.names.bootstrapApplication}-host`] : []),
      ].map((key) => ({ key, field: 'name', value: key, derived: true })),
  },
  {
    what: 'Argo CD cluster name',
    claims: (r) => {
      const key = r.names.argocdClusterName(r.platform.baseDomain);
      return [{ key, field: 'name', value: key, derived: true }];
    },
  },
  {
    what: 'API hostname',
    claims: (r) =>
      r.endpoint.publicHostname
        ? [
            {
              key: r.endpoint.publicHostname,
              field: 'exposure.hostname',
              value: r.endpoint.publicHostname,
              derived: (r.spec.exposure?.props as { hostname?: unknown } | undefined)?.hostname === undefined,
            },
          ]
        : [],
  },
  {
    what: 'load-balancer VIP',
    claims: (r) =>
      r.endpoint.vip ? [{ key: onHost(r, r.endpoint.vip), field: 'exposure.vip', value: r.endpoint.vip, derived: false }] : [],
  },
  {
    what: 'ClusterRole of the chart',
    fromNameAndNamespace: true,
    claims: (r) =>
      [r.names.chartClusterRole, ...(syncsNamespaces(r) ? [r.names.chartClusterRoleMultiNamespace] : [])].map((role) => ({
        key: onHost(r, role),
        field: nsField(r),
        value: nsField(r) === 'name' ? r.names.release : r.names.namespace,
        derived: nsDerived(r),
        what: `name and namespace whose cluster-scoped ClusterRole "${role}" (vc-<name>-v-<namespace>, cut to 63 characters, on the same host cluster)`,
      })),
  },
];

/**
 * Reports values that two declarations must not share: vcluster names, host namespaces (per host
 * cluster), AppProjects, every Argo CD Application name (the vcluster's, its bootstrap children and
 * the root), Argo CD cluster names, API hostnames, load-balancer VIPs and the chart's cluster-scoped
 * ClusterRoles (per host cluster), and the marker of the syncer's cluster-scoped host objects.
 * A duplicated vcluster name is reported once, not again as every name that follows from it.
 */
export function checkUniqueNames(problems: Problem[], fleet: readonly FleetMember[]): void {
  const duplicateNames = new Set<string>();
  const duplicatePlaces = new Set<string>();
  for (const rule of RULES) {
    const seen = new Map<string, string>(rule.taken ?? []);
    for (const { file, r } of fleet) {
      if (rule.fromNameAndNamespace && duplicatePlaces.has(file)) continue;
      for (const c of rule.claims(r)) {
        if (c.derived && duplicateNames.has(file)) continue;
        const other = seen.get(c.key);
        if (other === undefined) {
          seen.set(c.key, file);
          continue;
        }
        if (rule === RULES[0]) duplicateNames.add(file);
        if (rule === RULES[0] || rule === RULES[1]) duplicatePlaces.add(file);
        problems.push({
          source: file,
          field: c.field,
          value: c.value,
          allowed: `${article(c.what ?? rule.what)} ${c.what ?? rule.what} no other vcluster uses (${other.startsWith('(') ? other.slice(1, -1) : other} already does)`,
          fix: other.startsWith('(') ? `change ${c.field}` : `change ${c.field} in one of the two files`,
        });
      }
    }
  }
  checkManagedByMarkers(problems, fleet, new Set([...duplicateNames, ...duplicatePlaces]));
}

const article = (what: string) => (/^[aeiouAEIOU]/.test(what) ? 'an' : 'a');

/**
 * The syncer names the cluster-scoped host objects of a vcluster (PersistentVolumes, ...)
 * `vcluster-<name>-x-T-x-N` and marks them `vcluster.loft.sh/managed-by: T-x-N`. Two vclusters on
 * one host whose markers are equal would manage each other's volumes; when one ends in
 * `-x-<the other's>`, a tenant can name an object so that its host name is the other's.
 */
function checkManagedByMarkers(problems: Problem[], fleet: readonly FleetMember[], reported: ReadonlySet<string>): void {
  const byMarker = new Map<string, string>();
  for (const { file, r } of fleet) {
    if (reported.has(file)) continue;
    const marker = `${r.names.namespace}-x-${r.names.release}`;
    const key = onHost(r, marker);
    let other = byMarker.get(key);
    // a marker that ends in -x-<another marker>, either way round
    for (let i = marker.indexOf('-x-'); other === undefined && i >= 0; i = marker.indexOf('-x-', i + 1)) {
      other = byMarker.get(onHost(r, marker.slice(i + 3)));
    }
    other ??= [...byMarker].find(([k]) => k.endsWith(`-x-${marker}`) && k.startsWith(`${r.hostCluster}/`))?.[1];
    if (other === undefined) {
      byMarker.set(key, file);
      continue;
    }
    problems.push({
      source: file,
      field: nsField(r),
      value: r.names.namespace,
      allowed: `a namespace and name whose host-object marker "${marker}" (namespace-x-name) neither equals nor ends in "-x-" plus the marker of another vcluster on the same host cluster (${other} has such a marker): their PersistentVolumes and other cluster-scoped host objects would collide`,
      fix: `change ${nsField(r)} or name in one of the two files`,
    });
  }
}
