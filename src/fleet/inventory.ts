/**
 * The fleet inventory: a human-readable overview written beside the manifests (`dist/INVENTORY.md`,
 * which Argo CD ignores: it reads only .yaml, .yml and .json). One row per vcluster and the CPU and
 * memory the fleet reserves on its host clusters, so that a pull request shows capacity changes
 * (the original platform over-reserved CPU unnoticed). The output is
 * deterministic: no timestamps, rows sorted by name.
 */
import { chartLineOf } from '../presets';
import { isPlainObject, parseQuantity } from '../validation';
import { vclusterPods } from '../vcluster/footprint';
import { JsonObject, valueAtPath } from '../vcluster/helm-values';
import type { BuiltVCluster } from './built';

/**
 * Requests of the vcluster chart's own defaults (identical in chart lines 0.30 and 0.31), used
 * where the rendered values set none.
 * @see https://github.com/loft-sh/vcluster/blob/v0.31.3/chart/values.yaml
 */
export const CHART_DEFAULT_REQUESTS = {
  controlPlane: { cpu: '200m', memory: '256Mi' },
  coredns: { cpu: '20m', memory: '64Mi' },
  etcd: { cpu: '20m', memory: '150Mi' },
} as const;

/** CPU cores as Kubernetes writes them: `750m`, `1`, `1.25`. */
export function formatCpu(cores: number): string {
  const milli = Math.round(cores * 1000);
  if (milli % 1000 === 0) return String(milli / 1000);
  if (milli < 1000) return `${milli}m`;
  return String(Number((milli / 1000).toFixed(3)));
}

/** Bytes in binary units: `768Mi`, `2Gi`, `6.75Gi`. */
export function formatMemory(bytes: number): string {
  const mi = bytes / 2 ** 20;
  if (mi < 1024) return `${Number(mi.toFixed(2))}Mi`;
  return `${Number((mi / 1024).toFixed(2))}Gi`;
}

/** CPU (cores) and memory (bytes) requests. */
export interface Reservation {
  readonly cpu: number;
  readonly memory: number;
}

/** What one vcluster reserves on its host, by component. */
export interface VClusterReservation {
  readonly controlPlane: Reservation & { readonly replicas: number };
  readonly coredns: Reservation & { readonly replicas: number };
  readonly etcd: Reservation & { readonly replicas: number };
  readonly total: Reservation;
}

const get = valueAtPath;

function requestsOf(values: unknown, fallback: { readonly cpu: string; readonly memory: string }): Reservation {
  const r = isPlainObject(values) ? values : {};
  const cpu = parseQuantity(String(r.cpu ?? fallback.cpu).trim()) ?? 0;
  const memory = parseQuantity(String(r.memory ?? fallback.memory).trim()) ?? 0;
  return { cpu, memory };
}

function times(r: Reservation, n: number): Reservation {
  return { cpu: r.cpu * n, memory: r.memory * n };
}

/**
 * The requests of the pods a vcluster keeps running on its host, read from its final Helm values:
 * control plane (requests × replicas), CoreDNS (unless disabled or embedded; × replicas) and a
 * deployed etcd (× members), each falling back to the chart's default requests.
 */
export function reservationOf(values: JsonObject): VClusterReservation {
  const cp = get(values, ['controlPlane']);
  const cpReplicas = Number(get(cp, ['statefulSet', 'highAvailability', 'replicas']) ?? 1);
  const controlPlane = times(
    requestsOf(get(cp, ['statefulSet', 'resources', 'requests']), CHART_DEFAULT_REQUESTS.controlPlane),
    cpReplicas,
  );
  const corednsOn = get(cp, ['coredns', 'enabled']) !== false && get(cp, ['coredns', 'embedded']) !== true;
  const dnsReplicas = corednsOn ? Number(get(cp, ['coredns', 'deployment', 'replicas']) ?? 1) : 0;
  const coredns = times(
    requestsOf(get(cp, ['coredns', 'deployment', 'resources', 'requests']), CHART_DEFAULT_REQUESTS.coredns),
    dnsReplicas,
  );
  const deploy = get(cp, ['backingStore', 'etcd', 'deploy']);
  const etcdReplicas = get(deploy, ['enabled']) === true ? Number(get(deploy, ['statefulSet', 'highAvailability', 'replicas']) ?? 1) : 0;
  const etcd = times(requestsOf(get(deploy, ['statefulSet', 'resources', 'requests']), CHART_DEFAULT_REQUESTS.etcd), etcdReplicas);
  return {
    controlPlane: { ...controlPlane, replicas: cpReplicas },
    coredns: { ...coredns, replicas: dnsReplicas },
    etcd: { ...etcd, replicas: etcdReplicas },
    total: { cpu: controlPlane.cpu + coredns.cpu + etcd.cpu, memory: controlPlane.memory + coredns.memory + etcd.memory },
  };
}

/**
 * The persistent volumes a vcluster claims on its host, from its final Helm values: per component
 * `replicas × size` (control plane, then a deployed etcd) and the total, e.g. `3 × 10Gi + 3 × 5Gi = 45Gi`.
 */
export function volumesOf(values: JsonObject, chartVersion: string): string {
  const groups = vclusterPods(values, chartLineOf(chartVersion) ?? '0.31').filter((g) => g.replicas && g.volumeClaims.length);
  if (!groups.length) return 'none';
  const parts = groups.flatMap((g) => g.volumeClaims.map((size) => `${g.replicas} × ${size}`));
  const total = groups.reduce((t, g) => t + g.replicas * g.volumeClaims.reduce((s, q) => s + (parseQuantity(q) ?? 0), 0), 0);
  return parts.length === 1 && groups[0].replicas === 1 ? parts[0].replace(/^1 × /, '') : `${parts.join(' + ')} = ${formatMemory(total)}`;
}

/** A Markdown table cell (pipes escaped, never empty). */
function cell(v: unknown): string {
  const s = v === undefined || v === null || v === '' ? '–' : String(v);
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>, right: ReadonlySet<number> = new Set()): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (right.has(i) ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

function show(r: Reservation): [string, string] {
  return [formatCpu(r.cpu), formatMemory(r.memory)];
}

/** One vcluster of the inventory: the build, its final values, its name and what it reserves. */
interface Item {
  readonly b: BuiltVCluster;
  readonly name: string;
  readonly res: VClusterReservation;
}

/** The Markdown inventory of a built fleet. */
export function inventoryMarkdown(built: readonly BuiltVCluster[]): string {
  const items: Item[] = [...built]
    .map((b) => ({ b, name: b.resolved.names.release }))
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
    .map((x) => ({ ...x, res: reservationOf(x.b.vcluster.helmValues) }));
  const lines: string[] = [
    '# vcluster fleet inventory',
    '',
    'Generated by `npm run synth` from `vclusters/`; do not edit. Argo CD ignores this file.',
    '',
  ];
  if (!items.length) {
    lines.push('No vclusters are declared.', '');
    return lines.join('\n');
  }
  const total = sum(items.map((x) => x.res.total));
  lines.push(...overview(items), '');
  lines.push(
    `**Fleet:** ${items.length} vcluster${items.length === 1 ? '' : 's'}, ${items.reduce((n, x) => n + x.res.controlPlane.replicas, 0)} control-plane replicas; reserved requests **${formatCpu(total.cpu)} CPU**, **${formatMemory(total.memory)} memory**.`,
    '',
  );
  lines.push(...reservedCapacity(items), '', ...hostTotals(items, total), '');
  lines.push(...exceptions(items));
  return lines.join('\n');
}

/** Every exception to the Helm values guard, the site's and each vcluster's (nothing when there is none). */
function exceptions(items: readonly Item[]): string[] {
  const site = items[0]?.b.resolved.platform.exceptions ?? [];
  const rows = [
    ...site.map((e) => ['the site (platform), for every vcluster that keeps its values', e.rule, `\`${e.path}\``, e.reason]),
    ...items.flatMap(({ b, name }) => (b.resolved.spec.exceptions ?? []).map((e) => [`\`${name}\``, e.rule, `\`${e.path}\``, e.reason])),
  ];
  if (!rows.length) return [];
  return [
    '## Exceptions to the Helm values guard',
    '',
    'Values the guard refuses, allowed here by an explicit exception with its reason (README: "Helm values guard").',
    '',
    ...table(['applies to', 'rule', 'path', 'reason'], rows),
    '',
  ];
}

function sum(rs: readonly Reservation[]): Reservation {
  return rs.reduce((t, r) => ({ cpu: t.cpu + r.cpu, memory: t.memory + r.memory }), { cpu: 0, memory: 0 });
}

/** One row per vcluster: what it runs, where, how it is reached and what removing it does. */
function overview(items: readonly Item[]): string[] {
  return table(
    [
      'vcluster',
      'preset',
      'Kubernetes',
      'chart',
      'API endpoint',
      'replicas',
      'isolation',
      'environment',
      'host cluster',
      'on removal',
      'CPU requests',
      'memory requests',
    ],
    items.map(({ b, name, res }) => [
      `\`${name}\``,
      b.resolved.preset, // as declared: a site preset by its name
      b.vcluster.kubernetesVersion,
      b.vcluster.targetRevision,
      b.resolved.endpoint.description,
      b.vcluster.replicas,
      b.resolved.isolationMode,
      b.resolved.environment,
      b.resolved.hostCluster,
      b.resolved.deletionPolicy === 'retain' ? 'retain (data kept)' : 'delete (data removed)',
      ...show(res.total),
    ]),
    new Set([5, 10, 11]),
  );
}

/** The requests of each vcluster's own pods, by component. */
function reservedCapacity(items: readonly Item[]): string[] {
  const per = (r: Reservation & { replicas: number }) =>
    r.replicas ? `${r.replicas} × ${formatCpu(r.cpu / r.replicas)} / ${formatMemory(r.memory / r.replicas)}` : 'none';
  return [
    '## Reserved capacity',
    '',
    'Requests of the pods each vcluster keeps running on its host cluster, from the rendered Helm values',
    "(the chart's default requests where the values set none): control plane = per-replica requests ×",
    `replicas; CoreDNS = per-replica requests × replicas (chart default ${CHART_DEFAULT_REQUESTS.coredns.cpu} / ${CHART_DEFAULT_REQUESTS.coredns.memory}); etcd = per-member`,
    `requests × members, only when etcd is deployed (chart default ${CHART_DEFAULT_REQUESTS.etcd.cpu} / ${CHART_DEFAULT_REQUESTS.etcd.memory}). Not counted: workloads`,
    'synced from inside the vclusters, one-shot Jobs, ephemeral storage, limits. Keep the totals within',
    'what the host cluster can lose a node and still schedule (N+1). Volumes: the claims of the control',
    'plane (its store; both presets keep one) and of a deployed etcd, replicas × size.',
    '',
    ...table(
      ['vcluster', 'host cluster', 'control plane', 'CoreDNS', 'etcd', 'CPU', 'memory', 'volumes'],
      items.map(({ b, name, res }) => [
        `\`${name}\``,
        b.resolved.hostCluster,
        per({ ...res.controlPlane, replicas: Math.max(res.controlPlane.replicas, 1) }),
        per(res.coredns),
        per(res.etcd),
        ...show(res.total),
        volumesOf(b.vcluster.helmValues, b.vcluster.targetRevision),
      ]),
      new Set([5, 6]),
    ),
  ];
}

/** The totals per host cluster and for the fleet. */
function hostTotals(items: readonly Item[], total: Reservation): string[] {
  const hosts = [...new Set(items.map((x) => x.b.resolved.hostCluster))].sort();
  return [
    '### Totals per host cluster',
    '',
    ...table(
      ['host cluster', 'vclusters', 'CPU', 'memory'],
      [
        ...hosts.map((h) => {
          const on = items.filter((x) => x.b.resolved.hostCluster === h);
          return [h, on.length, ...show(sum(on.map((x) => x.res.total)))];
        }),
        ['**fleet**', items.length, `**${formatCpu(total.cpu)}**`, `**${formatMemory(total.memory)}**`],
      ],
      new Set([1, 2, 3]),
    ),
  ];
}

/** The inventory files for a built fleet (path relative to dist/ → content). */
export function inventoryFiles(built: readonly BuiltVCluster[]): Map<string, string> {
  return new Map([['INVENTORY.md', inventoryMarkdown(built)]]);
}
