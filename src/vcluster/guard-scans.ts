/**
 * The scans of the Helm values guard that apply to any tree of data, Helm values and embedded
 * manifests alike: what a pod may do on its node, RBAC rules, command-line flags that switch off
 * authentication, and credentials written in clear.
 */
import { weakensClientAuth } from '../etcd/client-auth';
import { isPlainObject, keyPath } from '../validation';
import { GUARD_RULES, GuardFinding, GuardRule } from './exceptions';

/** Where findings go. */
export type Findings = GuardFinding[];

/** Records one finding (the rule's text is the reason unless `why` says more). */
export function find(out: Findings, rule: GuardRule, path: string, value: unknown, why?: string): void {
  out.push({ rule, path, value, why: why ?? GUARD_RULES[rule] });
}

/** Capabilities the Pod Security `baseline` level lets a container add; anything else is refused. */
export const BASELINE_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];

/** What {@link visit} calls for every entry of a tree. */
type Visitor = (path: string, key: string, value: unknown, parent: Record<string, unknown> | unknown[]) => void;

/** Calls `f` with every (path, key, value, parent) of a tree, depth first, in key order. */
function visit(path: string, node: unknown, f: Visitor): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const at = `${path}[${i}]`;
      f(at, String(i), node[i], node);
      if (node[i] !== null && typeof node[i] === 'object') visit(at, node[i], f);
    }
  } else if (isPlainObject(node)) {
    for (const k of Object.keys(node)) {
      const v = node[k];
      const at = keyPath(path, k);
      f(at, k, v, node);
      if (v !== null && typeof v === 'object') visit(at, v, f);
    }
  }
}

/**
 * What the pods described anywhere in `node` may do on their node: privileged containers and
 * their relatives, host namespaces and ports, hostPath volumes, added capabilities. Works on any
 * tree that holds pod specs, containers or security contexts (values, manifests, chart values).
 */
export function scanPodSecurity(out: Findings, path: string, node: unknown): void {
  visit(path, node, (at, key, value) => {
    if (key === 'privileged' && value === true) find(out, 'privileged', at, value);
    else if (key === 'hostProcess' && value === true) find(out, 'privileged', at, value, 'runs a Windows host process (hostProcess)');
    else if (key === 'procMount' && value === 'Unmasked') find(out, 'privileged', at, value, 'mounts /proc unmasked');
    else if ((key === 'seccompProfile' || key === 'appArmorProfile') && isPlainObject(value) && value.type === 'Unconfined') {
      find(out, 'privileged', `${at}.type`, value.type, `runs without a ${key === 'seccompProfile' ? 'seccomp' : 'AppArmor'} profile`);
    } else if (key === 'hostNetwork' && value === true) find(out, 'hostNetwork', at, value);
    else if (key === 'hostPort' && typeof value === 'number' && value > 0)
      find(out, 'hostNetwork', at, value, 'opens a port on the host node (hostPort)');
    else if (key === 'hostPID' && value === true) find(out, 'hostPID', at, value);
    else if (key === 'hostIPC' && value === true) find(out, 'hostIPC', at, value);
    else if (key === 'hostPath' && isPlainObject(value))
      find(out, 'hostPath', at, value, `mounts the host node's path ${JSON.stringify(value.path ?? '')}`);
    else if (key === 'capabilities' && isPlainObject(value) && Array.isArray(value.add)) {
      value.add.forEach((c: unknown, i) => {
        const name = typeof c === 'string' ? c.toUpperCase().replace(/^CAP_/, '') : c;
        if (typeof name !== 'string' || !BASELINE_CAPABILITIES.includes(name)) {
          find(out, 'capabilities', `${at}.add[${i}]`, c, `adds the Linux capability ${String(c)} (beyond the Pod Security baseline set)`);
        }
      });
    }
  });
}

/** Groups and users that stand for everyone. */
const PUBLIC_SUBJECTS = ['system:authenticated', 'system:unauthenticated', 'system:anonymous', 'system:serviceaccounts'];
/** Resources whose write access lets a subject grant itself more. */
const RBAC_RESOURCES = ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'];
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** Strings of a list field of an RBAC rule (anything else is the schema's business). */
function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Checks RBAC policy rules: wildcards, verbs and resources that grant more, and (for rules of a
 * ClusterRole) Secrets readable in every namespace.
 * @param clusterWide whether the rules end up in a ClusterRole
 */
export function scanRbacRules(out: Findings, path: string, rules: unknown, clusterWide: boolean): void {
  if (!Array.isArray(rules)) return;
  rules.forEach((rule: unknown, i) => {
    if (!isPlainObject(rule)) return;
    const at = `${path}[${i}]`;
    for (const field of ['verbs', 'resources', 'apiGroups', 'nonResourceURLs']) {
      const list = strings(rule[field]);
      const wild = list.findIndex(
        (x) => x === '*' || (field === 'nonResourceURLs' && x.endsWith('*')) || (field === 'resources' && x.startsWith('*')),
      );
      if (wild >= 0)
        find(
          out,
          'wildcardRbac',
          `${at}.${field}[${wild}]`,
          list[wild],
          `grants ${field} "${list[wild]}": every ${field === 'verbs' ? 'verb' : field === 'apiGroups' ? 'API group' : field === 'resources' ? 'resource' : 'URL'}`,
        );
    }
    const verbs = strings(rule.verbs);
    const resources = strings(rule.resources);
    const escalating = verbs.find((v) => ['escalate', 'bind', 'impersonate'].includes(v));
    if (escalating) find(out, 'rbacEscalation', `${at}.verbs`, rule.verbs, `grants the verb ${escalating}`);
    else if (resources.some((r) => RBAC_RESOURCES.includes(r)) && verbs.some((v) => WRITE_VERBS.includes(v))) {
      find(out, 'rbacEscalation', `${at}.resources`, rule.resources, 'grants writes to roles or bindings');
    }
    const names = strings(rule.resourceNames);
    if (clusterWide && resources.includes('secrets') && verbs.some((v) => ['get', 'list', 'watch'].includes(v)) && !names.length) {
      find(
        out,
        'clusterSecretRead',
        `${at}.resources`,
        rule.resources,
        'lets the ClusterRole read every Secret of the host cluster (secrets without resourceNames)',
      );
    }
  });
}

/** Checks a RoleBinding or ClusterRoleBinding: cluster-admin, and subjects that are everyone. */
export function scanBinding(out: Findings, path: string, binding: Record<string, unknown>): void {
  const roleRef = binding.roleRef;
  if (isPlainObject(roleRef) && roleRef.name === 'cluster-admin') {
    find(out, 'clusterAdmin', `${path}.roleRef.name`, roleRef.name, `binds cluster-admin (${String(binding.kind)})`);
  }
  if (!Array.isArray(binding.subjects)) return;
  binding.subjects.forEach((s: unknown, i) => {
    if (isPlainObject(s) && typeof s.name === 'string' && PUBLIC_SUBJECTS.includes(s.name)) {
      find(out, 'publicBinding', `${path}.subjects[${i}].name`, s.name, `binds a role to ${s.name}`);
    }
  });
}

/** Flags that switch off authentication or authorization, as one command-line word. */
const INSECURE_FLAGS: ReadonlyArray<[RegExp, string]> = [
  [/anonymous-auth=true$/i, 'lets anonymous requests into the API server'],
  [/authorization-mode=(\S*,)?AlwaysAllow(,\S*)?$/i, 'lets every request through the API server (AlwaysAllow)'],
];

/**
 * Checks every list of command-line words (`extraArgs`, `command`, `args`) for flags that switch
 * off authentication (`--client-cert-auth=false` also as two words).
 */
export function scanInsecureFlags(out: Findings, path: string, node: unknown): void {
  visit(path, node, (at, key, value) => {
    if (!['extraArgs', 'command', 'args'].includes(key) || !Array.isArray(value)) return;
    value.forEach((word: unknown, i) => {
      if (typeof word !== 'string') return;
      const next = value[i + 1];
      const joined = /^--(peer-)?client-cert-auth$/i.test(word) && typeof next === 'string' ? `${word}=${next}` : word;
      // etcd's own reading of its flags (every spelling of false, plaintext listeners)
      const etcd = weakensClientAuth(joined);
      if (etcd) find(out, 'insecureAuth', `${at}[${i}]`, word, `passes etcd an argument that weakens client-certificate auth (${etcd})`);
      for (const [flag, why] of INSECURE_FLAGS)
        if (flag.test(joined.trim())) find(out, 'insecureAuth', `${at}[${i}]`, word, `${why} (${joined.trim()})`);
    });
  });
}

/** Keys whose string value is a credential. */
const CREDENTIAL_KEY =
  /^(password|passwd|token|identityToken|bearerToken|apiKey|api_key|secretKey|secret_key|accessKey|access_key|privateKey|private_key|clientSecret|client_secret|secretAccessKey)$/i;
/** Environment variable names that carry a credential. */
const CREDENTIAL_ENV = /(PASSWORD|PASSWD|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY)/i;

/**
 * Credentials written in clear: values of keys like `password` or `token`, a registry `auth`,
 * environment variables like `DB_PASSWORD` with a literal value, data source URLs with a password,
 * and PEM private keys anywhere.
 */
export function scanCredentials(out: Findings, path: string, node: unknown): void {
  visit(path, node, (at, key, value, parent) => {
    if (typeof value !== 'string' || value === '') return;
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value)) find(out, 'credential', at, value, 'puts a PEM private key into git');
    else if (CREDENTIAL_KEY.test(key)) find(out, 'credential', at, value, `puts a ${key} into git (and into the vcluster config Secret)`);
    else if (key === 'auth' && /registry\.auth\.[^.]+$|registry\.auth\["[^"]*"\]$/.test(at.slice(0, at.lastIndexOf('.')))) {
      find(out, 'credential', at, value, 'puts registry credentials into git');
    } else if (key === 'value' && isPlainObject(parent) && typeof parent.name === 'string' && CREDENTIAL_ENV.test(parent.name)) {
      find(out, 'credential', at, value, `puts the value of ${parent.name} into git`);
    } else if (/^[a-z][a-z0-9+.-]*:\/\/[^/@:\s]*:[^@/\s]+@/i.test(value) || /(^|[\s;&?])password=[^\s;&]+/i.test(value)) {
      find(out, 'credential', at, value, 'puts a password (inside a URL or connection string) into git');
    }
  });
}
