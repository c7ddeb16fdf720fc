/**
 * The rules of the Helm values guard ({@link guardHelmValues}) and the exceptions a declaration or
 * the site may take to one of them: a named rule, the path it applies to, and a reason, shown in
 * the inventory. The rules are a closed set; an exception that waives nothing is an error.
 */
import { Problems, checkKnownKeys, isPlainObject, keysOf } from '../validation';

/**
 * What the guard refuses, by rule name. Each rule says why the value is dangerous; the guard
 * names the path and the value.
 */
export const GUARD_RULES = {
  clusterAdmin: 'grants cluster-admin (a binding to the cluster-admin ClusterRole)',
  publicBinding: 'binds a role to everyone (system:authenticated, system:unauthenticated, system:anonymous or every service account)',
  wildcardRbac: 'grants RBAC with a wildcard "*" (every verb, resource, API group or URL)',
  rbacEscalation: 'grants RBAC that can grant more (the verbs escalate, bind or impersonate, or writes to roles and bindings)',
  clusterSecretRead: 'lets a ClusterRole read Secrets of every namespace (get, list or watch on secrets without resourceNames)',
  hostSecretMapping:
    'maps host Secrets into the vcluster: the chart then gives its control plane list and watch on every Secret of the host cluster',
  privileged: 'runs a privileged container (privileged, hostProcess, an unmasked /proc or an unconfined seccomp or AppArmor profile)',
  hostPath: 'mounts a path of the host node (a hostPath volume or the host path mapper)',
  hostNetwork: "uses the host node's network (hostNetwork or a hostPort)",
  hostPID: "shares the host node's process namespace (hostPID)",
  hostIPC: "shares the host node's IPC namespace (hostIPC)",
  capabilities: 'adds Linux capabilities beyond the Pod Security baseline set',
  insecureAuth: "switches off authentication or authorization (etcd client certificates, the API server's anonymous access or AlwaysAllow)",
  secret: 'puts a Secret into git (a kind: Secret manifest)',
  credential: 'puts a credential into git and into the vcluster config Secret (a password, token, key or private key in the Helm values)',
  outsideNamespace: "creates host objects outside the vcluster's namespace (cluster-scoped objects or another namespace)",
  uncheckedManifest: 'embeds what the guard cannot read (a templated manifest, a bundled chart, YAML that does not parse)',
} as const;

/** The name of one guard rule. */
export type GuardRule = keyof typeof GUARD_RULES;

/** Every rule name, for messages. */
export const GUARD_RULE_NAMES = Object.keys(GUARD_RULES) as GuardRule[];

/** Rules about what the pods of a vcluster may do on their node. */
export const POD_SECURITY_RULES: readonly GuardRule[] = ['privileged', 'hostPath', 'hostNetwork', 'hostPID', 'hostIPC', 'capabilities'];

/** Rules no exception waives in strict isolation (the declaration's nor the site's): the pod rules and host Secret mappings. */
export const STRICT_ISOLATION_RULES: readonly GuardRule[] = [...POD_SECURITY_RULES, 'hostSecretMapping'];

/**
 * An explicit exception to one rule of the Helm values guard, shown in the inventory.
 * @example { rule: 'hostPath', path: 'controlPlane.statefulSet.persistence.addVolumes[0]', reason: 'node-local cache of the image registry' }
 */
export interface GuardException {
  /** The rule waived. */
  readonly rule: GuardRule;
  /**
   * The Helm values path it applies to (and everything below it), as the guard names it:
   * `controlPlane.statefulSet.persistence.addVolumes[0]`, `sync.fromHost.secrets.mappings`,
   * `experimental.deploy.host.manifests[1]` (the second document of the manifests).
   */
  readonly path: string;
  /** Why it is needed (shown in the inventory). */
  readonly reason: string;
}

/** Keys of an exception, for the unknown-key checks. */
export const GUARD_EXCEPTION_KEYS = keysOf<GuardException>({ rule: true, path: true, reason: true });

/** One thing the guard refuses. */
export interface GuardFinding {
  /** The rule. */
  readonly rule: GuardRule;
  /** Where, inside the Helm values (`rbac.clusterRole.extraRules[0].verbs`). */
  readonly path: string;
  /** The value refused. */
  readonly value: unknown;
  /** What the value does, in this place (the rule's text when there is nothing more to say). */
  readonly why: string;
}

/** A Helm values path as the guard writes it: keys joined by dots, `[i]` list items, `["k/e.y"]` odd keys. */
const GUARD_PATH = /^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*$/;

/**
 * Checks a list of exceptions: a list of `{ rule, path, reason }` with a rule of {@link GUARD_RULES},
 * a path in the guard's notation and a reason.
 * @param field where the list is, e.g. `exceptions` (problems at `exceptions[0].rule`)
 */
export function checkGuardExceptions(problems: Problems, field: string, exceptions: unknown): exceptions is readonly GuardException[] {
  if (exceptions === undefined) return true;
  if (!Array.isArray(exceptions)) {
    return problems.add(field, exceptions, 'a list of exceptions { rule, path, reason }');
  }
  const before = problems.list.length;
  exceptions.forEach((e: unknown, i) => {
    const at = `${field}[${i}]`;
    if (!isPlainObject(e)) {
      problems.add(at, e, 'an exception { rule, path, reason }');
      return;
    }
    checkKnownKeys(problems, at, e, GUARD_EXCEPTION_KEYS);
    problems.oneOf(`${at}.rule`, e.rule, GUARD_RULE_NAMES);
    if (typeof e.path !== 'string' || !GUARD_PATH.test(e.path) || /^helmValues[.[]/.test(e.path)) {
      problems.add(
        `${at}.path`,
        e.path,
        'a Helm values path as the guard names it, e.g. "controlPlane.statefulSet.persistence.addVolumes[0]" (no "helmValues." prefix)',
      );
    }
    if (typeof e.reason !== 'string' || e.reason.trim().length < 10) {
      problems.add(`${at}.reason`, e.reason, 'a reason of at least 10 characters saying why the exception is needed');
    }
    const twin = exceptions.findIndex((x: unknown) => isPlainObject(x) && x.rule === e.rule && x.path === e.path);
    if (twin < i) problems.add(at, { rule: e.rule, path: e.path }, `one exception per rule and path (${field}[${twin}] has the same)`);
  });
  return problems.list.length === before;
}

/** True when `exception` covers `finding`: the same rule, at the exception's path or below it. */
export function covers(exception: GuardException, finding: GuardFinding): boolean {
  if (exception.rule !== finding.rule) return false;
  const p = exception.path;
  return finding.path === p || finding.path.startsWith(`${p}.`) || finding.path.startsWith(`${p}[`);
}
