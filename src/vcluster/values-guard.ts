/**
 * The Helm values guard: what the final values of a vcluster (and every manifest and chart they
 * embed) must not do to the host, whoever wrote them. The schema says the values are well-formed;
 * the guard says they are safe: no cluster-admin or wildcard RBAC, no privileged pods or host
 * namespaces, paths or capabilities, no switched-off authentication, no Secret or credential in
 * git, no host Secrets mapped into the vcluster, no host objects outside its namespace.
 *
 * A value the guard refuses is allowed only by an explicit exception naming the rule, the path
 * and a reason ({@link GuardException}); an exception that waives nothing is an error.
 */
import { isDeepStrictEqual } from 'util';
import { ETCD_EXTRA_ARGS_PATH } from '../etcd/client-auth';
import { Problems, isPlainObject, keyPath } from '../validation';
import { GuardException, GuardFinding, covers } from './exceptions';
import { EMBEDDED_MANIFESTS, ManifestContext, scanEmbedded } from './embedded-manifests';
import { Findings, find, scanCredentials, scanInsecureFlags, scanPodSecurity, scanRbacRules } from './guard-scans';
import { JsonObject, cloneJson, valueAtPath } from './helm-values';

/** Where the deployed etcd's arguments are, checked by etcd/client-auth. */
const DEPLOYED_ETCD_ARGS = ['controlPlane', 'backingStore', ...ETCD_EXTRA_ARGS_PATH].join('.');

/** Lists of RBAC rules in the vcluster values, and whether they end up in a ClusterRole. */
const RBAC_RULE_LISTS: ReadonlyArray<[path: readonly string[], clusterWide: boolean | 'namespaceSync']> = [
  [['rbac', 'clusterRole', 'extraRules'], true],
  [['rbac', 'clusterRole', 'overwriteRules'], true],
  [['rbac', 'role', 'extraRules'], 'namespaceSync'],
  [['rbac', 'role', 'overwriteRules'], 'namespaceSync'],
];

/**
 * Every finding of the guard in `values`, sorted by path, that {@link applyExceptions} could
 * report with the same options: embedded manifests a library construct set and nobody changed are
 * not parsed (see {@link libraryManifestsKept}). Pure: the same values give the same findings.
 */
export function guardHelmValues(values: unknown, ctx: GuardOptions = {}): GuardFinding[] {
  const out: Findings = [];
  if (!isPlainObject(values)) return out;
  const plain = withoutEmbedded(values);
  scanPodSecurity(out, '', plain);
  scanInsecureFlags(out, '', plain);
  scanCredentials(out, '', plain);
  scanChartSwitches(out, values);
  scanTemplated(out, values);
  scanRbac(out, values);
  scanEmbedded(out, values, ctx, (path, text) => libraryManifestsKept(path, text, ctx));
  const seen = new Set<string>();
  return out
    .filter((f) => {
      // the deployed etcd's arguments are refused by their own check, without exception (etcd/client-auth)
      if (f.path.startsWith(`${DEPLOYED_ETCD_ARGS}[`)) return false;
      const key = `${f.rule} ${f.path}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

/** The values without the embedded manifests and charts (scanned as manifests, not as text). */
function withoutEmbedded(values: JsonObject): JsonObject {
  const embedded = [...EMBEDDED_MANIFESTS.map((m) => m.path), ['experimental', 'deploy', 'vcluster', 'helm']];
  if (embedded.every((path) => valueAtPath(values, path) === undefined)) return values;
  const copy = cloneJson(values);
  for (const path of embedded) {
    const parent = valueAtPath(copy, path.slice(0, -1));
    if (isPlainObject(parent)) delete parent[path[path.length - 1]];
  }
  return copy;
}

/** Chart switches that mount host paths, add capabilities or map host Secrets. */
function scanChartSwitches(out: Findings, values: JsonObject): void {
  if (valueAtPath(values, ['controlPlane', 'hostPathMapper', 'enabled']) === true) {
    find(
      out,
      'hostPath',
      'controlPlane.hostPathMapper.enabled',
      true,
      "mounts the host node's pod log folders into the vcluster (host path mapper)",
    );
  }
  if (valueAtPath(values, ['controlPlane', 'advanced', 'kubeVip', 'enabled']) === true) {
    find(
      out,
      'capabilities',
      'controlPlane.advanced.kubeVip.enabled',
      true,
      'adds the Linux capabilities NET_ADMIN and NET_RAW to the control plane (kube-vip)',
    );
  }
  const secrets = valueAtPath(values, ['sync', 'fromHost', 'secrets']);
  if (isPlainObject(secrets) && secrets.enabled === true) {
    const byName = valueAtPath(secrets, ['mappings', 'byName']);
    if (isPlainObject(byName) && Object.keys(byName).length)
      find(out, 'hostSecretMapping', 'sync.fromHost.secrets.mappings', secrets.mappings);
  }
}

/** Values the chart renders through Helm's `tpl` (0.30, 0.31, 0.36): a template written there runs at install. */
const TEMPLATED_VALUES: ReadonlyArray<readonly string[]> = [
  ['controlPlane', 'statefulSet', 'persistence', 'addVolumes'],
  ['controlPlane', 'ingress', 'spec'],
  ['controlPlane', 'tlsRoute', 'spec'],
];

/** Template actions (`{{`) in a key or a string of the values the chart passes through `tpl`. */
function scanTemplated(out: Findings, values: JsonObject): void {
  const walk = (path: string, node: unknown): void => {
    if (typeof node === 'string') {
      if (node.includes('{{')) find(out, 'uncheckedManifest', path, node, TEMPLATE_WHY);
    } else if (Array.isArray(node)) {
      node.forEach((x, i) => walk(`${path}[${i}]`, x));
    } else if (isPlainObject(node)) {
      for (const [k, v] of Object.entries(node)) {
        if (k.includes('{{')) find(out, 'uncheckedManifest', keyPath(path, k), k, TEMPLATE_WHY);
        walk(keyPath(path, k), v);
      }
    }
  };
  for (const path of TEMPLATED_VALUES) walk(path.join('.'), valueAtPath(values, path));
}

const TEMPLATE_WHY =
  'puts a template action ({{ }}) into values the chart renders with tpl: it would run at install (write the value literally)';

/** The RBAC rules of the chart's Role and ClusterRole, and of plugins. */
function scanRbac(out: Findings, values: JsonObject): void {
  const namespaceSync = valueAtPath(values, ['sync', 'toHost', 'namespaces', 'enabled']) === true;
  for (const [path, clusterWide] of RBAC_RULE_LISTS) {
    scanRbacRules(
      out,
      path.join('.'),
      valueAtPath(values, path),
      clusterWide === true || (clusterWide === 'namespaceSync' && namespaceSync),
    );
  }
  for (const key of ['plugin', 'plugins']) {
    const plugins = values[key];
    if (!isPlainObject(plugins)) continue;
    for (const [name, plugin] of Object.entries(plugins)) {
      const at = `${keyPath(key, name)}.rbac`;
      scanRbacRules(out, `${at}.clusterRole.extraRules`, valueAtPath(plugin, ['rbac', 'clusterRole', 'extraRules']), true);
      scanRbacRules(out, `${at}.role.extraRules`, valueAtPath(plugin, ['rbac', 'role', 'extraRules']), namespaceSync);
    }
  }
}

/** The value at a guard path (`a.b[0]["c/d"]`); a path into an embedded manifest stops at its text. */
export function valueAtGuardPath(values: unknown, path: string): unknown {
  let cur = values;
  for (const m of path.matchAll(/\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    if (typeof cur === 'string') return cur;
    const key = m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(`"${m[3]}"`) as string));
    if (typeof key === 'number') cur = Array.isArray(cur) ? cur[key] : undefined;
    else cur = isPlainObject(cur) && Object.hasOwn(cur, key) ? cur[key] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** What {@link checkHelmValueGuard} applies besides the values. */
export interface GuardOptions extends ManifestContext {
  /** The exceptions the vcluster declares. @default [] */
  readonly exceptions?: readonly GuardException[];
  /** Field of those exceptions in messages. @default "exceptions" */
  readonly exceptionsField?: string;
  /** The site's exceptions: each holds while the values at its path are still the site's. @default [] */
  readonly siteExceptions?: readonly GuardException[];
  /** The site's Helm values (what the site exceptions were checked against). @default {} */
  readonly siteValues?: unknown;
  /** Where a waiver belongs, for the fix of a message. @default "exceptions" */
  readonly exceptionHome?: string;
  /**
   * The values the library's own constructs added (e.g. the volume cleanup hook's host manifests):
   * a finding is not reported while the final value at its path is still the library's.
   * @default {}
   */
  readonly libraryValues?: unknown;
}

/**
 * Reports every finding of the guard that no exception covers (field `<field>.<path>`, the value,
 * why it is refused, and the exception that would allow it), and every exception that covers no
 * finding.
 */
export function checkHelmValueGuard(problems: Problems, field: string, values: unknown, o: GuardOptions = {}): void {
  const findings = guardHelmValues(values, o);
  const { uncovered, used } = applyExceptions(findings, values, o);
  for (const f of uncovered) {
    problems.add(
      `${field}.${f.path}`,
      f.value,
      `nothing that ${f.why} (guard rule "${f.rule}")`,
      `remove it; if it is really needed, add { rule: "${f.rule}", path: "${f.path}", reason: "..." } to ${o.exceptionHome ?? 'exceptions'}`,
    );
  }
  (o.exceptions ?? []).forEach((e, i) => {
    if (used.has(i)) return;
    const there = [...new Set(findings.filter((f) => covers({ ...e, rule: f.rule }, f)).map((f) => f.rule))];
    problems.add(
      `${o.exceptionsField ?? 'exceptions'}[${i}]`,
      { rule: e.rule, path: e.path },
      `an exception that waives a refusal: the guard refuses nothing under ${e.path} by rule "${e.rule}"${there.length ? ` (it refuses ${there.map((r) => `"${r}"`).join(', ')} there)` : ''}`,
      'remove the exception',
    );
  });
}

/**
 * The findings of the guard in `values` that no exception covers (the vcluster's own, or the
 * site's while the values at its path are still the site's), and which own exceptions were used.
 */
export function applyExceptions(
  findings: readonly GuardFinding[],
  values: unknown,
  o: GuardOptions,
): { uncovered: GuardFinding[]; used: Set<number> } {
  const own = o.exceptions ?? [];
  const used = new Set<number>();
  const uncovered: GuardFinding[] = [];
  for (const f of findings) {
    const i = own.findIndex((e) => covers(e, f));
    if (i >= 0) used.add(i);
    else if (libraryValueKept(f.path, values, o.libraryValues)) continue;
    else if (!(o.siteExceptions ?? []).some((e) => covers(e, f) && siteValueKept(e, values, o.siteValues))) uncovered.push(f);
  }
  return { uncovered, used };
}

/**
 * Whether the embedded manifests at `path` are exactly the text a library construct set there
 * (the volume cleanup hook's host manifests) and no own exception names a path on, above or below
 * them. Every finding inside them would then be dropped by {@link libraryValueKept}, so the guard
 * does not parse them at all (their YAML was just written from objects by the construct).
 */
function libraryManifestsKept(path: readonly string[], text: string, o: GuardOptions): boolean {
  if (o.libraryValues === undefined || valueAtPath(o.libraryValues, path) !== text) return false;
  const at = path.join('.');
  const related = (p: string) => p === at || at.startsWith(`${p}.`) || p.startsWith(`${at}.`) || p.startsWith(`${at}[`);
  return !(o.exceptions ?? []).some((e) => related(e.path));
}

/** Whether the final value at a finding's path is what a library construct set there (and nobody changed). */
function libraryValueKept(path: string, values: unknown, libraryValues: unknown): boolean {
  const set = valueAtGuardPath(libraryValues ?? {}, path);
  return set !== undefined && isDeepStrictEqual(set, valueAtGuardPath(values, path));
}

/** Whether the values at a site exception's path are still what the site set there. */
function siteValueKept(e: GuardException, values: unknown, siteValues: unknown): boolean {
  return isDeepStrictEqual(valueAtGuardPath(siteValues ?? {}, e.path), valueAtGuardPath(values, e.path));
}
