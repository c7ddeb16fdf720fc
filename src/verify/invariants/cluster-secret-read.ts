/**
 * No ClusterRole of the vcluster lets anyone read every Secret of the host: no rule granting
 * `get`, `list` or `watch` (or `*`) on `secrets` (or `*`) of the core group without
 * `resourceNames`. RBAC is additive, so a narrower rule beside it narrows nothing. A rule with
 * `resourceNames` is allowed: the API server then authorizes `get` by name and `list`/`watch` only
 * for requests whose field selector names one of those objects. A ClusterRole bound only through
 * RoleBindings grants namespaced access and is not checked.
 *
 * Why it matters: the chart turns any `sync.fromHost.secrets.mappings` into a `secrets: [list,
 * watch]` rule without `resourceNames`, so the control plane can read the Argo CD cluster Secrets
 * and every token of the host.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
 */
import { Invariant, Json, Violation, WholeVCluster, at, listAt, nameOf, ofKind, stringsAt, violation } from '../model';

const ID = 'no-cluster-secret-read';
const READ = ['get', 'list', 'watch', '*'];

/** The read verbs a rule grants on every Secret (no `resourceNames`), in rule order. */
export function unnamedSecretReads(rule: Json): string[] {
  const groups = stringsAt(rule, 'apiGroups');
  const resources = stringsAt(rule, 'resources');
  if (!groups.some((g) => g === '' || g === '*')) return [];
  if (!resources.some((r) => r === 'secrets' || r === '*')) return [];
  if (stringsAt(rule, 'resourceNames').length) return [];
  return stringsAt(rule, 'verbs').filter((v) => READ.includes(v));
}

/** True when some ClusterRoleBinding binds the ClusterRole, or no binding of ours mentions it. */
function clusterWide(v: WholeVCluster, role: string): boolean {
  const refs = (kind: string) =>
    ofKind(v, kind, 'rbac.authorization.k8s.io').filter(
      (b) => at(b.obj, 'roleRef', 'kind') === 'ClusterRole' && at(b.obj, 'roleRef', 'name') === role,
    );
  return refs('ClusterRoleBinding').length > 0 || refs('RoleBinding').length === 0;
}

function check(v: WholeVCluster): Violation[] {
  const out: Violation[] = [];
  for (const m of ofKind(v, 'ClusterRole', 'rbac.authorization.k8s.io')) {
    if (!clusterWide(v, nameOf(m.obj))) continue;
    listAt(m.obj, 'rules').forEach((rule, i) => {
      const verbs = unnamedSecretReads(rule);
      if (!verbs.length) return;
      const fromChart = m.origin === 'chart';
      out.push(
        violation(
          ID,
          v,
          m,
          `rules[${i}] grants ${verbs.join(', ')} on every Secret of the host cluster (no resourceNames)`,
          fromChart
            ? 'remove the Helm value that renders it (the chart turns sync.fromHost.secrets mappings into list/watch on all Secrets); give the Secret to the vcluster another way (an ExternalSecret inside it)'
            : 'name the Secrets in resourceNames, or use a Role in their namespace',
        ),
      );
    });
  }
  return out;
}

/** No cluster-wide Secret read. */
export const noClusterSecretRead: Invariant = {
  id: ID,
  summary: 'no ClusterRole (bound cluster-wide) grants get/list/watch on Secrets without resourceNames',
  check,
};
