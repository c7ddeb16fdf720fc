/**
 * The manifests and charts embedded in vcluster Helm values, read for the guard: raw manifests
 * the chart applies to the host (`experimental.deploy.host.*`) or inside the vcluster
 * (`experimental.deploy.vcluster.*`, `controlPlane.coredns.overwriteManifests`), and the Helm
 * charts it installs inside the vcluster (`experimental.deploy.vcluster.helm`).
 */
import * as YAML from 'yaml';
import { isPlainObject } from '../validation';
import { Findings, find, scanBinding, scanCredentials, scanInsecureFlags, scanPodSecurity, scanRbacRules } from './guard-scans';
import { valueAtPath } from './helm-values';

/** Where a set of manifests is applied. */
type Side = 'host' | 'vcluster';

/** The raw manifest fields of the chart lines this project supports (0.30, 0.31; 0.36 has the same). */
export const EMBEDDED_MANIFESTS: ReadonlyArray<{ readonly path: readonly string[]; readonly side: Side; readonly template: boolean }> = [
  { path: ['experimental', 'deploy', 'host', 'manifests'], side: 'host', template: false },
  { path: ['experimental', 'deploy', 'host', 'manifestsTemplate'], side: 'host', template: true },
  { path: ['experimental', 'deploy', 'vcluster', 'manifests'], side: 'vcluster', template: false },
  { path: ['experimental', 'deploy', 'vcluster', 'manifestsTemplate'], side: 'vcluster', template: true },
  { path: ['controlPlane', 'coredns', 'overwriteManifests'], side: 'vcluster', template: false },
];

/** Kinds that are cluster-scoped in Kubernetes and the operators a host commonly runs. */
const CLUSTER_SCOPED_KINDS = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterIssuer',
  'ClusterExternalSecret',
  'ClusterPushSecret',
  'ClusterRole',
  'ClusterRoleBinding',
  'ClusterSecretStore',
  'CiliumClusterwideNetworkPolicy',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'FlowSchema',
  'GatewayClass',
  'IngressClass',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
  'VolumeSnapshotClass',
  'VolumeSnapshotContent',
]);

/** What the guard needs to know about the vcluster the values belong to. */
export interface ManifestContext {
  /** Host namespace of the vcluster: host manifests must stay inside it. @default - not checked */
  readonly namespace?: string;
}

/**
 * Every embedded manifest and chart of `values`, checked; findings carry Helm values paths.
 * Manifests `skip` names (text the caller knows it would not report on) are not read.
 */
export function scanEmbedded(
  out: Findings,
  values: unknown,
  ctx: ManifestContext,
  skip: (path: readonly string[], text: string) => boolean = () => false,
): void {
  for (const m of EMBEDDED_MANIFESTS) {
    const text = valueAtPath(values, m.path);
    if (typeof text !== 'string' || text.trim() === '' || skip(m.path, text)) continue;
    const path = m.path.join('.');
    if (m.template && text.includes('{{')) {
      find(
        out,
        'uncheckedManifest',
        path,
        text,
        'embeds a manifest template (the guard cannot tell what it renders; write plain manifests)',
      );
      continue;
    }
    scanManifests(out, path, text, m.side, ctx);
  }
  scanCharts(out, valueAtPath(values, ['experimental', 'deploy', 'vcluster', 'helm']));
}

/** Parses YAML text of one or more documents; a parse error is a finding. */
function parseDocuments(out: Findings, path: string, text: string): unknown[] | undefined {
  // merge keys resolved as the Go YAML libraries resolve them; a duplicate key is refused
  const docs = YAML.parseAllDocuments(text, { uniqueKeys: true, merge: true });
  if (!Array.isArray(docs)) return [];
  const broken = docs.find((d) => d.errors.length);
  if (broken) {
    find(out, 'uncheckedManifest', path, text, `embeds YAML that does not parse (${broken.errors[0].message.split('\n')[0]})`);
    return undefined;
  }
  try {
    return docs.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
  } catch (e) {
    find(out, 'uncheckedManifest', path, text, `embeds YAML that cannot be read (${e instanceof Error ? e.message : String(e)})`);
    return undefined;
  }
}

/** The documents of one manifests field (documents as `[i]`, items of a List as `[i].items[j]`). */
function scanManifests(out: Findings, path: string, text: string, side: Side, ctx: ManifestContext): void {
  const docs = parseDocuments(out, path, text);
  if (!docs) return;
  docs.forEach((raw, i) => {
    const at = `${path}[${i}]`;
    // a document that is a list is read as a List of its items
    const doc = Array.isArray(raw) ? { kind: 'List', items: raw } : raw;
    if (!isPlainObject(doc)) return;
    const items = Array.isArray(raw) ? `${at}` : `${at}.items`;
    const objects: Array<[string, Record<string, unknown>]> =
      typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)
        ? doc.items.flatMap((x, j) => (isPlainObject(x) ? [[`${items}[${j}]`, x] as [string, Record<string, unknown>]] : []))
        : [[at, doc]];
    for (const [p, obj] of objects) scanObject(out, p, obj, side, ctx);
  });
}

/** One embedded Kubernetes object. */
function scanObject(out: Findings, path: string, obj: Record<string, unknown>, side: Side, ctx: ManifestContext): void {
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
  const what = `${kind || 'an object'} ${JSON.stringify(meta.name ?? '')}`;
  if (kind === 'Secret') find(out, 'secret', `${path}.kind`, kind, `puts the Secret ${JSON.stringify(meta.name ?? '')} into git`);
  if (kind === 'ClusterRole' || kind === 'Role') scanRbacRules(out, `${path}.rules`, obj.rules, kind === 'ClusterRole');
  if (kind === 'ClusterRoleBinding' || kind === 'RoleBinding') scanBinding(out, path, obj);
  if (side === 'host') {
    if (CLUSTER_SCOPED_KINDS.has(kind)) {
      find(out, 'outsideNamespace', `${path}.kind`, kind, `creates the cluster-scoped ${what} on the host`);
    } else if (ctx.namespace !== undefined && meta.namespace !== undefined && meta.namespace !== ctx.namespace) {
      find(
        out,
        'outsideNamespace',
        `${path}.metadata.namespace`,
        meta.namespace,
        `creates ${what} in the host namespace ${String(meta.namespace)}, not the vcluster's`,
      );
    }
  }
  scanPodSecurity(out, path, obj);
  scanInsecureFlags(out, path, obj);
  if (kind !== 'Secret') scanCredentials(out, path, obj);
}

/** The charts installed inside the vcluster: registry password, bundled charts, and what their values do. */
function scanCharts(out: Findings, charts: unknown): void {
  if (!Array.isArray(charts)) return;
  charts.forEach((c: unknown, i) => {
    if (!isPlainObject(c)) return;
    const at = `experimental.deploy.vcluster.helm[${i}]`;
    const chart = isPlainObject(c.chart) ? c.chart : {};
    if (typeof chart.password === 'string' && chart.password !== '') {
      find(
        out,
        'credential',
        `${at}.chart.password`,
        chart.password,
        'puts a Helm repository password into git (and into the vcluster config Secret)',
      );
    }
    if (typeof c.bundle === 'string' && c.bundle !== '') {
      find(
        out,
        'uncheckedManifest',
        `${at}.bundle`,
        `${c.bundle.slice(0, 40)}...`,
        'embeds a bundled chart (the guard cannot read it; install the chart from a repository)',
      );
    }
    if (typeof c.values === 'string' && c.values.trim() !== '') {
      const docs = parseDocuments(out, `${at}.values`, c.values);
      docs?.forEach((doc, d) => {
        const p = docs.length > 1 ? `${at}.values[${d}]` : `${at}.values`;
        scanPodSecurity(out, p, doc);
        scanInsecureFlags(out, p, doc);
        scanCredentials(out, p, doc);
      });
    }
  });
}
