/**
 * `npm run migrate -- <request.yaml>... [--out DIR] [--force] [--platform FILE]`
 * (`npm run migrate -- --declarations [DIR] [--check]` updates existing declarations instead: see
 * ./migrate-declarations.ts)
 *
 * Turns requests of the original platform (`VClusterOrchestratorV2`, group
 * `platform.integratn.tech/v1alpha1`) into declarations `vclusters/<spec.name>.ts`, carrying every
 * setting over. Each request is checked for its shape (kind, unknown fields, types) and the
 * resulting declaration is validated and rendered by the library before anything is written; an
 * invalid request is refused with the field and the bad value, and nothing is written for any
 * input. An existing file is only replaced with `--force`.
 *
 * Decisions (see README, "Migrating from the original platform"):
 * - An absent `spec.targetNamespace` made the original use the request's own namespace
 *   (`platform-requests`). The declaration omits it, so the host namespace is the vcluster
 *   name, and a warning says so.
 * - Absent values whose original default differs from this project's default are pinned to the
 *   original default (the chart version 0.30.4), so the migrated vcluster keeps running what it ran.
 * - `helmOverrides` become `helmValues`. Entries the library now renders by itself are dropped
 *   only when the rendered output is provably identical without them (checked by rendering both),
 *   and the dropped paths are listed in a comment.
 * - A control plane of more than one replica without a backing store (the `prod` preset's default)
 *   is refused: the original's embedded database cannot serve it, and this project's deployed etcd
 *   would start empty. The message names both ways out.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import * as YAML from 'yaml';
import { Platform } from '../declaration/platform';
import { resolveDeclaration } from '../declaration/resolve';
import {
  PRESETS,
  REPLICA_LIMITS,
  chartLineOf,
  chartVersionsAllowed,
  kubernetesVersionsAllowed,
  resolveKubernetesVersion,
} from '../presets';
import { SPEC_KEYS, VClusterSpec } from '../declaration/spec';
import { Exposure } from '../exposure/exposure';
import { ExposureMode } from '../exposure/exposure-mode';
import { LoadBalancerExposureProps } from '../exposure/load-balancer';
import { App } from 'cdk8s';
import { PLATFORM_FILE } from '../fleet/declaration-folder';
import { requireDeclarationFile } from '../fleet/library';
import { VClusterChart, synthVCluster } from '../vcluster-chart';
import { enabledBackingStores } from '../vcluster/backing-store';
import type { GuardFinding } from '../vcluster/exceptions';
import { JsonObject, cloneJson, deepMerge, valueAtPath as at } from '../vcluster/helm-values';
import { Problem, Problems, ValidationError, checkPlainData, formatProblem, isPlainObject } from '../validation';
import { CommandSpec, OptionSpecs, parseCommandLine } from './args';
import { fleetFileLabel, fleetProblems } from './fleet-check';
import { dropWeakEtcdArgs, runMigrateDeclarations } from './migrate-declarations';
import { commandHint, commandUsage, defaultDeclarationsDir, libraryImport } from './project';
import { TsCode, tsString, tsValue } from './ts-literal';

/** apiVersion of the original requests. */
export const REQUEST_API_VERSION = 'platform.integratn.tech/v1alpha1';
/** kind of the original requests. */
export const REQUEST_KIND = 'VClusterOrchestratorV2';

/** Defaults the original pipeline applied in code. */
export const ORIGINAL_DEFAULTS = {
  k8sVersion: 'v1.34.3',
  chartRepoURL: 'https://charts.loft.sh',
  chart: 'vcluster',
  targetRevision: '0.30.4',
  destinationServer: 'https://kubernetes.default.svc',
  baseDomain: 'integratn.tech',
  vipOffset: 200,
  clusterIssuerSelectorLabels: { 'integratn.tech/cluster-issuer': 'letsencrypt-prod' },
  clusterStoreSelectorLabels: { 'integratn.tech/cluster-secret-store': 'onepassword-store' },
} as const;

// ---------------------------------------------------------------------------------------------
// Request shape (the CRD's openAPIV3Schema, as far as the pipeline read it)

type Shape = 'string' | 'int' | 'bool' | 'stringMap' | 'object' | { readonly [key: string]: Shape } | readonly [Shape];

const STR = 'string' as const;
const INT = 'int' as const;
const REQUEST_SPEC: { readonly [key: string]: Shape } = {
  name: STR,
  targetNamespace: STR,
  projectName: STR,
  vcluster: {
    k8sVersion: STR,
    preset: STR,
    replicas: INT,
    isolationMode: STR,
    resources: { requests: { cpu: STR, memory: STR }, limits: { cpu: STR, memory: STR } },
    persistence: { enabled: 'bool', size: STR, storageClass: STR },
    coredns: { replicas: INT },
    networking: { clusterDomain: STR },
    backingStore: 'object',
    exportKubeConfig: 'object',
    helmOverrides: 'object',
  },
  exposure: { hostname: STR, subnet: STR, vip: STR, apiPort: INT },
  integrations: {
    certManager: { clusterIssuerSelectorLabels: 'stringMap' },
    externalSecrets: { clusterStoreSelectorLabels: 'stringMap' },
    argocd: {
      environment: STR,
      clusterLabels: 'stringMap',
      clusterAnnotations: 'stringMap',
      workloadRepo: { url: STR, basePath: STR, path: STR, revision: STR },
    },
  },
  argocdApplication: { repoURL: STR, chart: STR, targetRevision: STR, destinationServer: STR, syncPolicy: 'object' },
  networkPolicies: { enableNFS: 'bool', extraEgress: [{ name: STR, cidr: STR, port: INT, protocol: STR }] },
};

function describeShape(s: Shape): string {
  if (s === 'int') return 'an integer';
  if (s === 'bool') return 'true or false';
  if (s === 'string') return 'a string';
  if (s === 'stringMap') return 'a map of string keys to string values (quote numbers and booleans)';
  if (s === 'object') return 'a map';
  if (Array.isArray(s)) return 'a list';
  return `a map with the keys ${Object.keys(s).join(', ')}`;
}

function checkShape(p: Problems, field: string, value: unknown, shape: Shape): void {
  if (value === undefined || value === null) return;
  if (shape === 'string') {
    if (typeof value !== 'string') p.add(field, value, describeShape(shape));
  } else if (shape === 'int') {
    if (typeof value !== 'number' || !Number.isInteger(value)) p.add(field, value, describeShape(shape));
  } else if (shape === 'bool') {
    if (typeof value !== 'boolean') p.add(field, value, describeShape(shape));
  } else if (shape === 'stringMap') {
    if (!isPlainObject(value)) p.add(field, value, describeShape(shape));
    else
      for (const [k, v] of Object.entries(value))
        if (typeof v !== 'string') p.add(`${field}[${JSON.stringify(k)}]`, v, 'a string (quote numbers and booleans)');
  } else if (shape === 'object') {
    if (!isPlainObject(value)) p.add(field, value, describeShape(shape));
  } else if (Array.isArray(shape)) {
    if (!Array.isArray(value)) p.add(field, value, describeShape(shape));
    else value.forEach((v, i) => checkShape(p, `${field}[${i}]`, v, shape[0]));
  } else {
    const obj = shape as { readonly [key: string]: Shape };
    if (!isPlainObject(value)) {
      p.add(field, value, describeShape(shape));
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      if (!(k in obj))
        p.add(
          `${field}.${k}`,
          v,
          `only the keys ${Object.keys(obj).join(', ')} (the VClusterOrchestratorV2 schema)`,
          'remove the key or fix its spelling',
        );
      else checkShape(p, `${field}.${k}`, v, obj[k]);
    }
  }
}

/** The original's string getters treated `""` and `"null"` as absent. */
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' && v !== 'null' ? v : undefined;
}
/** The original's int getters treated 0 as absent. */
function int(v: unknown): number | undefined {
  return typeof v === 'number' && v !== 0 ? v : undefined;
}
function obj(v: unknown): JsonObject {
  return isPlainObject(v) ? (v as JsonObject) : {};
}
function nonEmpty<T extends object>(o: T): T | undefined {
  return Object.values(o).some((v) => v !== undefined) ? o : undefined;
}

// ---------------------------------------------------------------------------------------------
// Request → declaration

/** Result of migrating one request. */
export interface Migration {
  /** `spec.name`, the file is `<name>.ts`. */
  readonly name: string;
  /** The declaration (validated and rendered by the library). */
  readonly spec: VClusterSpec;
  /** Warnings for the person running the migration (decisions that change behaviour). */
  readonly warnings: readonly string[];
  /** The TypeScript source of `vclusters/<name>.ts`. */
  source(importPath?: string): string;
}

/** Field of the request each declaration field came from (to report library errors in request terms). */
const FIELD_ORIGIN: ReadonlyArray<[string, string]> = [
  ['name', 'spec.name'],
  ['targetNamespace', 'spec.targetNamespace'],
  ['projectName', 'spec.projectName'],
  ['hostCluster', 'spec.argocdApplication.destinationServer'],
  ['preset', 'spec.vcluster.preset'],
  ['kubernetesVersion', 'spec.vcluster.k8sVersion'],
  ['replicas', 'spec.vcluster.replicas'],
  ['resources', 'spec.vcluster.resources'],
  ['persistence', 'spec.vcluster.persistence'],
  ['isolationMode', 'spec.vcluster.isolationMode'],
  ['coredns.replicas', 'spec.vcluster.coredns.replicas'],
  ['corednsReplicas', 'spec.vcluster.coredns.replicas'],
  ['clusterDomain', 'spec.vcluster.networking.clusterDomain'],
  ['backingStore', 'spec.vcluster.backingStore'],
  ['exportKubeConfig', 'spec.vcluster.exportKubeConfig'],
  ['helmValues', 'spec.vcluster.helmOverrides'],
  ['exposure', 'spec.exposure'],
  ['integrations.certManager', 'spec.integrations.certManager'],
  ['integrations.externalSecrets', 'spec.integrations.externalSecrets'],
  ['argocd.environment', 'spec.integrations.argocd.environment'],
  ['argocd', 'spec.integrations.argocd'],
  ['application.repoURL', 'spec.argocdApplication.repoURL'],
  ['repoURL', 'spec.argocdApplication.repoURL'],
  ['application.targetRevision', 'spec.argocdApplication.targetRevision'],
  ['targetRevision', 'spec.argocdApplication.targetRevision'],
  ['application', 'spec.argocdApplication'],
  ['networkPolicies', 'spec.networkPolicies'],
];

/** Rewrites a declaration field (`exposure.vip`) into the request field it came from (`spec.exposure.vip`). */
export function requestField(field: string): string {
  for (const [from, to] of FIELD_ORIGIN) {
    if (field === from) return to;
    if (field.startsWith(`${from}.`) || field.startsWith(`${from}[`)) return `${to}${field.slice(from.length)}`;
  }
  return field;
}

/** Thrown when a request cannot be migrated; lists every problem. */
export class MigrationError extends Error {
  constructor(public readonly problems: readonly Problem[]) {
    super(problems.map((p) => formatProblem(p)).join('\n'));
    this.name = 'MigrationError';
  }
}

function render(spec: VClusterSpec, platform: Platform): JsonObject[] {
  return synthVCluster(spec, platform).objects;
}

/** Leaf paths of a values tree (scalars and lists are leaves). */
function leafPaths(v: JsonObject, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, x] of Object.entries(v)) {
    if (isPlainObject(x) && Object.keys(x).length) out.push(...leafPaths(x as JsonObject, [...prefix, k]));
    else out.push([...prefix, k]);
  }
  return out;
}

/** A copy of `v` without the value at `p`, empty parent maps removed. */
function without(v: JsonObject, p: readonly string[]): JsonObject {
  const copy = cloneJson(v);
  const stack: JsonObject[] = [copy];
  for (const k of p.slice(0, -1)) stack.push(stack[stack.length - 1][k] as JsonObject);
  delete stack[stack.length - 1][p[p.length - 1]];
  for (let i = stack.length - 1; i > 0; i--) {
    if (Object.keys(stack[i]).length === 0) delete stack[i - 1][p[i - 1]];
  }
  return copy;
}

/** The parts of a request the migration reads, checked. */
interface RequestParts {
  readonly doc: JsonObject;
  readonly meta: JsonObject;
  readonly s: JsonObject;
  readonly vc: JsonObject;
  readonly ex: JsonObject;
  readonly integ: JsonObject;
  readonly argo: JsonObject;
  readonly app: JsonObject;
  readonly np: JsonObject;
  readonly name: string;
  readonly preset?: string;
  readonly isolationMode?: string;
  readonly k8sVersion?: string;
  readonly targetRevision?: string;
  readonly hostCluster?: string;
  readonly egress: readonly unknown[];
}

/** A declaration being built from a request: its fields, the comments above them, the warnings. */
interface Draft {
  readonly spec: Record<string, unknown>;
  readonly comments: Record<string, string[]>;
  readonly warnings: string[];
}

/**
 * Migrates one parsed request. Throws {@link MigrationError} when it is invalid.
 * @param source where the request came from, for messages
 */
export function migrateRequest(doc: unknown, platform: Platform, source = 'request'): Migration {
  const r = checkRequest(doc, platform, source);
  const draft: Draft = { spec: { name: r.name }, comments: {}, warnings: requestNotes(r) };
  placementFields(draft, r, platform);
  sizingFields(draft, r, platform);
  exposureField(draft, r, platform);
  integrationsField(draft, r, platform);
  argocdField(draft, r);
  applicationField(draft, r, platform);
  networkPoliciesField(draft, r);
  helmValuesField(draft, r);
  retiredSettings(draft, r);
  checkStoreKept(draft, r, source);
  exceptionsField(draft, platform);
  const reference = validateDraft(draft.spec, platform, source);
  const spec = simplify(draft, platform, reference);
  return {
    name: r.name,
    spec: spec as unknown as VClusterSpec,
    warnings: draft.warnings,
    source: (importPath = '../src') => declarationSource(spec, draft.comments, importPath, source, r.doc),
  };
}

/** Checks a request's shape and the values the original rejected, named in request terms. */
function checkRequest(doc: unknown, platform: Platform, source: string): RequestParts {
  const p = new Problems();
  const fail = () => new MigrationError(p.list.map((x) => ({ ...x, source })));
  if (!isPlainObject(doc)) {
    p.add('(document)', doc, `a ${REQUEST_KIND} resource`);
    throw fail();
  }
  // A key "__proto__", "constructor" or "prototype" anywhere is refused with its path, never dropped.
  if (!checkPlainData(p, '', doc)) throw fail();
  const d = doc as JsonObject;
  if (d.apiVersion !== REQUEST_API_VERSION) p.add('apiVersion', d.apiVersion, JSON.stringify(REQUEST_API_VERSION));
  if (d.kind !== REQUEST_KIND) p.add('kind', d.kind, JSON.stringify(REQUEST_KIND), 'only VClusterOrchestratorV2 requests can be migrated');
  for (const k of Object.keys(d)) {
    if (!['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(k))
      p.add(k, d[k], 'only apiVersion, kind, metadata, spec and status at the top level');
  }
  if (d.metadata !== undefined && !isPlainObject(d.metadata)) p.add('metadata', d.metadata, 'a map');
  if (!isPlainObject(d.spec)) p.add('spec', d.spec, 'a map with at least spec.name');
  else checkShape(p, 'spec', d.spec, REQUEST_SPEC);
  const s = obj(d.spec);
  const vc = obj(s.vcluster);
  const integ = obj(s.integrations);
  const parts = {
    doc: d,
    meta: obj(d.metadata),
    s,
    vc,
    ex: obj(s.exposure),
    integ,
    argo: obj(integ.argocd),
    app: obj(s.argocdApplication),
    np: obj(s.networkPolicies),
    preset: str(vc.preset),
    isolationMode: str(vc.isolationMode),
    k8sVersion: str(vc.k8sVersion),
    targetRevision: str(obj(s.argocdApplication).targetRevision),
    egress: Array.isArray(obj(s.networkPolicies).extraEgress) ? (obj(s.networkPolicies).extraEgress as unknown[]) : [],
  };
  const name = checkRequestValues(p, parts);
  const hostCluster = checkDestination(p, str(parts.app.destinationServer), platform);
  if (!p.ok) throw fail();
  return { ...parts, name: name!, hostCluster };
}

/** The closed choices and values of a request the original rejected; returns `spec.name`. */
function checkRequestValues(p: Problems, r: Omit<RequestParts, 'name' | 'hostCluster'>): string | undefined {
  const name = str(r.s.name);
  if (name === undefined) p.add('spec.name', r.s.name, 'a DNS-1123 label (required)');
  else if (name === 'platform') p.add('spec.name', name, 'any name but "platform" (vclusters/platform.ts is the site configuration)');
  if (r.preset !== undefined) p.oneOf('spec.vcluster.preset', r.preset, ['dev', 'prod']);
  if (r.isolationMode !== undefined) p.oneOf('spec.vcluster.isolationMode', r.isolationMode, ['standard', 'strict']);
  const line = chartLineOf(r.targetRevision ?? ORIGINAL_DEFAULTS.targetRevision);
  if (r.k8sVersion !== undefined && !resolveKubernetesVersion(r.k8sVersion, line))
    p.add('spec.vcluster.k8sVersion', r.k8sVersion, kubernetesVersionsAllowed(line));
  if (r.targetRevision !== undefined && !chartLineOf(r.targetRevision)) {
    p.add(
      'spec.argocdApplication.targetRevision',
      r.targetRevision,
      `an exact supported vcluster chart version: ${chartVersionsAllowed()}`,
    );
  }
  r.egress.forEach((raw, i) => {
    const e = obj(raw);
    const f = `spec.networkPolicies.extraEgress[${i}]`;
    p.dnsLabel(`${f}.name`, e.name);
    p.cidr4(`${f}.cidr`, e.cidr);
    p.port(`${f}.port`, e.port);
    if (e.protocol !== undefined) p.oneOf(`${f}.protocol`, e.protocol, ['TCP', 'UDP']);
  });
  const { min, max } = REPLICA_LIMITS.controlPlane;
  if (int(r.vc.replicas) === undefined && r.vc.replicas !== undefined) p.integer('spec.vcluster.replicas', r.vc.replicas, min, max);
  const dns = obj(r.vc.coredns);
  if (int(dns.replicas) === undefined && dns.replicas !== undefined)
    p.integer('spec.vcluster.coredns.replicas', dns.replicas, REPLICA_LIMITS.coredns.min, REPLICA_LIMITS.coredns.max);
  if (r.ex.apiPort !== undefined) p.port('spec.exposure.apiPort', r.ex.apiPort);
  return name;
}

/** The platform's host cluster whose API server the request names, if it names one. */
function checkDestination(p: Problems, destinationServer: string | undefined, platform: Platform): string | undefined {
  if (destinationServer === undefined) return undefined;
  const hostClusters = platform.argocd.hostClusters;
  const trim = (u: string) => u.replace(/\/+$/, '');
  const hostCluster = Object.keys(hostClusters).find((k) => trim(hostClusters[k]) === trim(destinationServer));
  if (hostCluster === undefined) {
    p.add(
      'spec.argocdApplication.destinationServer',
      destinationServer,
      `the API server of a host cluster of the platform (argocd.hostClusters: ${Object.entries(hostClusters)
        .map(([k, v]) => `${k} = ${v}`)
        .join(', ')})`,
      'add the cluster to argocd.hostClusters in vclusters/platform.ts',
    );
  }
  return hostCluster;
}

/** Warnings about the request itself: a metadata.name that differs, annotations the original never read. */
function requestNotes(r: RequestParts): string[] {
  const warnings: string[] = [];
  if (str(r.meta.name) !== undefined && r.meta.name !== r.name) {
    warnings.push(
      `metadata.name "${String(r.meta.name)}" differs from spec.name "${r.name}": the declaration (and every object name) follows spec.name`,
    );
  }
  const annotations = obj(r.meta.annotations);
  for (const a of ['platform.integratn.tech/base-domain', 'platform.integratn.tech/reconcile-at']) {
    if (a in annotations)
      warnings.push(`annotation ${a} is ignored (the original never read it either); the base domain comes from vclusters/platform.ts`);
  }
  return warnings;
}

/** Namespace, project, host cluster, preset and Kubernetes version. */
function placementFields({ spec, comments, warnings }: Draft, r: RequestParts, platform: Platform): void {
  const requestNamespace = str(r.meta.namespace) ?? 'platform-requests';
  const targetNamespace = str(r.s.targetNamespace);
  if (targetNamespace !== undefined) {
    spec.targetNamespace = targetNamespace;
  } else {
    warnings.push(
      `spec.targetNamespace is not set: the original put such a vcluster into the request's own namespace "${requestNamespace}"; ` +
        `the declaration uses the vcluster name "${r.name}" as host namespace. If a live vcluster really runs in "${requestNamespace}", move it or set targetNamespace explicitly before cutting over.`,
    );
    comments.name = [`spec.targetNamespace was not set (the original used "${requestNamespace}"): the host namespace is "${r.name}".`];
  }
  if (str(r.s.projectName) !== undefined) spec.projectName = str(r.s.projectName);
  if (r.hostCluster !== undefined && r.hostCluster !== platform.argocd.defaultHostCluster) spec.hostCluster = r.hostCluster;
  if (r.preset !== undefined) spec.preset = r.preset;
  if (r.k8sVersion !== undefined) {
    spec.kubernetesVersion = r.k8sVersion;
  } else if (resolveKubernetesVersion(platform.kubernetesVersion) !== ORIGINAL_DEFAULTS.k8sVersion) {
    spec.kubernetesVersion = ORIGINAL_DEFAULTS.k8sVersion;
    comments.kubernetesVersion = ["The original platform's default; the request named none."];
  }
}

/** Replicas, resources, persistence, isolation, DNS, cluster domain, backing store, kubeconfig export. */
function sizingFields({ spec, comments, warnings }: Draft, r: RequestParts, _platform: Platform): void {
  const vc = r.vc;
  if (int(vc.replicas) !== undefined) spec.replicas = vc.replicas;
  const res = obj(vc.resources);
  const requests = nonEmpty({ cpu: str(obj(res.requests).cpu), memory: str(obj(res.requests).memory) });
  const limits = nonEmpty({ cpu: str(obj(res.limits).cpu), memory: str(obj(res.limits).memory) });
  if (requests || limits) spec.resources = JSON.parse(JSON.stringify({ requests, limits }));
  const pers = obj(vc.persistence);
  const persistence = nonEmpty({
    enabled: typeof pers.enabled === 'boolean' ? pers.enabled : undefined,
    size: str(pers.size),
    storageClass: str(pers.storageClass),
  });
  if (persistence?.enabled === false && (persistence.size !== undefined || persistence.storageClass !== undefined)) {
    warnings.push('spec.vcluster.persistence: size and storageClass dropped because enabled is false (without a PVC they did nothing)');
    persistence.size = undefined;
    persistence.storageClass = undefined;
  }
  if (persistence) spec.persistence = JSON.parse(JSON.stringify(persistence));
  if ((r.preset ?? 'dev') === 'dev' && persistence?.enabled === undefined) {
    warnings.push(
      "the dev preset now keeps the control plane's store on a 5Gi PVC (the original's emptyDir lost it at every restart): the control plane becomes a StatefulSet and starts empty once; set persistence.enabled: false to stay ephemeral",
    );
  }
  if (r.isolationMode !== undefined) {
    spec.isolationMode = r.isolationMode;
    if (r.isolationMode === 'strict') {
      comments.isolationMode = [
        'The original accepted "strict" but ignored it; here it isolates (deny-all, ResourceQuota, LimitRange, Pod Security).',
      ];
      warnings.push(
        'isolationMode "strict" now takes effect (the original ignored it): the namespace gets deny-all policies, a ResourceQuota, a LimitRange and Pod Security labels',
      );
    }
  }
  if (int(obj(vc.coredns).replicas) !== undefined) spec.coredns = { replicas: obj(vc.coredns).replicas };
  if (str(obj(vc.networking).clusterDomain) !== undefined) spec.clusterDomain = str(obj(vc.networking).clusterDomain);
  const backingStore =
    isPlainObject(vc.backingStore) && Object.keys(vc.backingStore).length ? cloneJson(vc.backingStore as JsonObject) : undefined;
  if (backingStore) spec.backingStore = backingStore;
  if (isPlainObject(vc.exportKubeConfig) && Object.keys(vc.exportKubeConfig).length) spec.exportKubeConfig = cloneJson(vc.exportKubeConfig);
}

/** The exposure: the original's only mode was a LoadBalancer Service. */
function exposureField({ spec, comments }: Draft, r: RequestParts, platform: Platform): void {
  const lb: Record<string, unknown> = {
    hostname: str(r.ex.hostname),
    subnet: str(r.ex.subnet),
    vip: str(r.ex.vip),
    apiPort: int(r.ex.apiPort),
  };
  if (lb.subnet !== undefined && lb.vip === undefined && platform.loadBalancer.vipOffset !== ORIGINAL_DEFAULTS.vipOffset)
    lb.vipOffset = ORIGINAL_DEFAULTS.vipOffset;
  if (lb.hostname === undefined && platform.baseDomain !== ORIGINAL_DEFAULTS.baseDomain) {
    lb.hostname = `${r.name}.${ORIGINAL_DEFAULTS.baseDomain}`;
    comments.exposure = [`The original's default hostname (the platform's base domain is ${platform.baseDomain}).`];
  }
  const props = JSON.parse(JSON.stringify(lb)) as LoadBalancerExposureProps;
  if (Object.keys(props).length > 0) spec.exposure = Exposure.loadBalancer(props);
}

/**
 * Integrations with host operators: the selectors default to the platform's. With the OSS edition
 * nothing is carried over: cert-manager and External Secrets integrations are Pro features the OSS
 * image ignores (the original rendered them, and they did nothing).
 */
function integrationsField({ spec, warnings }: Draft, r: RequestParts, platform: Platform): void {
  if (platform.vcluster.edition === 'oss') {
    const asked = ['certManager', 'externalSecrets'].filter((k) => Object.keys(obj(r.integ[k])).length);
    if (asked.length)
      warnings.push(
        `spec.integrations.${asked.join(' and ')} not carried over: vcluster Pro features, which the site's OSS image ignored; the host ApplicationSets install cert-manager and External Secrets inside the vcluster (enable_cert_manager / enable_external_secrets)`,
      );
    return;
  }
  const integrations: Record<string, unknown> = {};
  const issuer = obj(r.integ.certManager).clusterIssuerSelectorLabels as Record<string, string> | undefined;
  const issuerLabels = issuer && Object.keys(issuer).length ? issuer : ORIGINAL_DEFAULTS.clusterIssuerSelectorLabels;
  if (!isDeepStrictEqual({ ...issuerLabels }, { ...platform.integrations.clusterIssuerSelectorLabels })) {
    integrations.certManager = { clusterIssuerSelectorLabels: { ...issuerLabels } };
  }
  const store = obj(r.integ.externalSecrets).clusterStoreSelectorLabels as Record<string, string> | undefined;
  const storeLabels = store && Object.keys(store).length ? store : ORIGINAL_DEFAULTS.clusterStoreSelectorLabels;
  if (!isDeepStrictEqual({ ...storeLabels }, { ...platform.integrations.clusterStoreSelectorLabels })) {
    integrations.externalSecrets = { clusterStoreSelectorLabels: { ...storeLabels } };
  }
  if (Object.keys(integrations).length) spec.integrations = integrations;
}

/** The Argo CD registration. */
function argocdField({ spec }: Draft, r: RequestParts): void {
  const argo = r.argo;
  const argocd: Record<string, unknown> = {};
  if (str(argo.environment) !== undefined) argocd.environment = str(argo.environment);
  if (isPlainObject(argo.clusterLabels) && Object.keys(argo.clusterLabels).length) argocd.clusterLabels = { ...argo.clusterLabels };
  if (isPlainObject(argo.clusterAnnotations) && Object.keys(argo.clusterAnnotations).length)
    argocd.clusterAnnotations = { ...argo.clusterAnnotations };
  if (isPlainObject(argo.workloadRepo)) {
    const w = obj(argo.workloadRepo);
    // basePath "" is meaningful (the annotation is written empty), so only absence means "default".
    const repo = JSON.parse(
      JSON.stringify({
        url: str(w.url),
        basePath: typeof w.basePath === 'string' ? w.basePath : undefined,
        path: str(w.path),
        revision: str(w.revision),
      }),
    );
    if (Object.keys(repo).length) argocd.workloadRepo = repo;
  }
  if (Object.keys(argocd).length) spec.argocd = argocd;
}

/** The Application installing the chart; an absent chart version is pinned to the original's default. */
function applicationField({ spec, comments, warnings }: Draft, r: RequestParts, platform: Platform): void {
  const app = r.app;
  const application: Record<string, unknown> = {};
  if (str(app.repoURL) !== undefined) application.repoURL = str(app.repoURL);
  else if (platform.chart.repoURL !== ORIGINAL_DEFAULTS.chartRepoURL) application.repoURL = ORIGINAL_DEFAULTS.chartRepoURL;
  if (str(app.chart) !== undefined) application.chart = str(app.chart);
  else if (platform.chart.name !== ORIGINAL_DEFAULTS.chart) application.chart = ORIGINAL_DEFAULTS.chart;
  if (r.targetRevision !== undefined) {
    application.targetRevision = r.targetRevision;
  } else if (platform.chart.version !== ORIGINAL_DEFAULTS.targetRevision) {
    application.targetRevision = ORIGINAL_DEFAULTS.targetRevision;
    comments.application = [
      `targetRevision: the original's default chart version (the request pinned none); the platform default is ${platform.chart.version}.`,
    ];
    warnings.push(
      `spec.argocdApplication.targetRevision is not set: pinned to the original default ${ORIGINAL_DEFAULTS.targetRevision} so the cut-over does not upgrade the chart (remove it to follow the platform's ${platform.chart.version})`,
    );
  }
  if (isPlainObject(app.syncPolicy) && Object.keys(app.syncPolicy).length) application.syncPolicy = cloneJson(app.syncPolicy);
  if (Object.keys(application).length) spec.application = application;
}

/** Network policies: NFS and the extra egress rules. */
function networkPoliciesField({ spec }: Draft, r: RequestParts): void {
  const networkPolicies: Record<string, unknown> = {};
  if (typeof r.np.enableNFS === 'boolean') networkPolicies.enableNFS = r.np.enableNFS;
  if (r.egress.length) networkPolicies.extraEgress = r.egress.map((e) => JSON.parse(JSON.stringify(obj(e))));
  if (Object.keys(networkPolicies).length) spec.networkPolicies = networkPolicies;
}

/**
 * helmOverrides → helmValues (applied last, like the original's deep merge). Values that have a
 * declaration field of their own are lifted into it; the override wins, as it did in the original.
 */
function helmValuesField({ spec, comments }: Draft, r: RequestParts): void {
  let overrides = isPlainObject(r.vc.helmOverrides) ? cloneJson(r.vc.helmOverrides as JsonObject) : {};
  const lifted: string[] = [];
  const lift = (p: readonly string[], apply: (v: unknown) => void): void => {
    const v = at(overrides, p);
    if (v === undefined) return;
    apply(v);
    overrides = without(overrides, p);
    lifted.push(p.join('.'));
  };
  lift(['controlPlane', 'backingStore'], (v) => {
    spec.backingStore = isPlainObject(v) ? deepMerge((spec.backingStore as JsonObject | undefined) ?? {}, v) : v;
  });
  lift(['controlPlane', 'statefulSet', 'highAvailability', 'replicas'], (v) => (spec.replicas = v));
  lift(['controlPlane', 'statefulSet', 'persistence', 'volumeClaim', 'retentionPolicy'], (v) => {
    spec.deletionPolicy = v === 'Retain' ? 'retain' : v === 'Delete' ? 'delete' : v;
  });
  lift(['controlPlane', 'distro', 'k8s', 'version'], (v) => (spec.kubernetesVersion = v));
  lift(['controlPlane', 'distro', 'k8s', 'image', 'tag'], (v) => (spec.kubernetesVersion = v));
  lift(['networking', 'advanced', 'clusterDomain'], (v) => (spec.clusterDomain = v));
  lift(['exportKubeConfig'], (v) => {
    spec.exportKubeConfig = isPlainObject(v) ? deepMerge((spec.exportKubeConfig as JsonObject | undefined) ?? {}, v) : v;
  });
  if (lifted.length) comments.helmValues = [`From helmOverrides; moved to declaration fields of their own: ${lifted.join(', ')}.`];
  if (Object.keys(overrides).length) spec.helmValues = overrides;
}

/**
 * Drops what the original rendered but this version refuses, each with a warning: etcd arguments
 * that switch off client-certificate auth, and the mount of the original etcd PKI Secret
 * `<name>-etcd-certs` (nothing reads it, nothing creates it any more, and a missing Secret holds
 * the control plane in ContainerCreating).
 */
function retiredSettings({ spec, comments, warnings }: Draft, r: RequestParts): void {
  for (const arg of dropWeakEtcdArgs(spec)) {
    warnings.push(
      `etcd argument ${JSON.stringify(arg)} dropped: it let every pod of the namespace read and write the datastore; the chart's etcd keeps client-certificate auth`,
    );
    comments.backingStore = [
      ...(comments.backingStore ?? []),
      `Dropped the original's etcd argument ${JSON.stringify(arg)} (it switched off client-certificate auth).`,
    ];
  }
  const secretName = `${r.name}-etcd-certs`;
  const persistence = at(spec.helmValues, ['controlPlane', 'statefulSet', 'persistence']);
  if (!isPlainObject(persistence) || !Array.isArray(persistence.addVolumes)) return;
  const volumes = (persistence.addVolumes as unknown[])
    .filter((v) => at(v, ['secret', 'secretName']) === secretName)
    .map((v) => at(v, ['name']));
  if (!volumes.length) return;
  persistence.addVolumes = (persistence.addVolumes as unknown[]).filter((v) => !volumes.includes(at(v, ['name'])));
  if (Array.isArray(persistence.addVolumeMounts))
    persistence.addVolumeMounts = (persistence.addVolumeMounts as unknown[]).filter((m) => !volumes.includes(at(m, ['name'])));
  for (const k of ['addVolumes', 'addVolumeMounts'])
    if (Array.isArray(persistence[k]) && !(persistence[k] as unknown[]).length) delete persistence[k];
  spec.helmValues = pruneEmpty(spec.helmValues as JsonObject);
  if (!Object.keys(spec.helmValues as JsonObject).length) delete spec.helmValues;
  warnings.push(
    `helmOverrides: the volume and mount of Secret ${secretName} (the original etcd PKI) dropped: nothing reads /etcd-certs and nothing creates that Secret any more`,
  );
}

/** A copy of a values tree without empty maps. */
function pruneEmpty(v: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    const y = isPlainObject(x) ? pruneEmpty(x as JsonObject) : x;
    if (!(isPlainObject(y) && !Object.keys(y).length)) out[k] = y;
  }
  return out;
}

/**
 * Refuses a control plane of more than one replica without a backing store (the `prod` preset's
 * three replicas with no `backingStore`, in the request or its helmOverrides). The original gave it
 * the chart's embedded database, which vcluster refuses with more than one replica; this project
 * would give it a new deployed etcd, which starts empty: a data reset at cut-over. Neither keeps the
 * data, so the person migrating chooses.
 */
function checkStoreKept({ spec }: Draft, r: RequestParts, source: string): void {
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : PRESETS[r.preset === 'prod' ? 'prod' : 'dev'].replicas;
  if (replicas <= 1 || enabledBackingStores(spec.backingStore).length > 0) return;
  throw new MigrationError([
    {
      source,
      field: 'spec.vcluster.backingStore',
      value: undefined,
      allowed:
        `a backing store for ${replicas} control-plane replicas (preset ${r.preset ?? 'dev'}): the original ran this vcluster on the ` +
        "chart's embedded database, which vcluster refuses with more than one replica, and migrating it would move it onto a new " +
        'deployed etcd that starts empty (a data reset at cut-over)',
      fix:
        'set spec.vcluster.replicas: 1 to keep the embedded database and its data, or declare spec.vcluster.backingStore ' +
        '(etcd) once the data is moved (README: "Migrating from the original platform")',
    },
  ]);
}

/** Validates the declaration through the library and renders it; problems are named in request terms. */
/**
 * What the original request did that the Helm values guard refuses becomes an explicit exception
 * of the declaration (the running vcluster keeps it), with a comment and a warning asking for a
 * review: carried over visibly, never dropped and never silent.
 */
function exceptionsField({ spec, comments, warnings }: Draft, platform: Platform): void {
  const check = new Problems();
  const resolved = resolveDeclaration(check, spec as unknown as VClusterSpec, platform);
  if (!check.ok) return; // validateDraft reports it
  let uncovered: GuardFinding[];
  try {
    uncovered = new VClusterChart(new App({ outdir: '/nonexistent' }), 'migrate', { resolved }).vcluster.guardFindings();
  } catch {
    return; // validateDraft reports it
  }
  if (!uncovered.length) return;
  spec.exceptions = uncovered.map((f) => ({ rule: f.rule, path: f.path, reason: `carried over from the original request: it ${f.why}` }));
  comments.exceptions = [
    'The original request did this; the Helm values guard refuses it. Review each exception and remove what is not needed.',
  ];
  for (const f of uncovered)
    warnings.push(`the request ${f.why} (${f.path}); carried over as an exception to the guard rule "${f.rule}": review it`);
}

function validateDraft(spec: Record<string, unknown>, platform: Platform, source: string): JsonObject[] {
  const literal = spec as unknown as VClusterSpec;
  const check = new Problems();
  resolveDeclaration(check, literal, platform);
  let reference: JsonObject[] | undefined;
  if (check.ok) {
    try {
      reference = render(literal, platform);
    } catch (e) {
      if (e instanceof ValidationError) check.list.push(...e.problems);
      else check.add('(declaration)', e instanceof Error ? e.message.split('\n')[0] : String(e), 'a request the library can render');
    }
  }
  if (!check.ok || !reference) throw new MigrationError(check.list.map((x) => ({ ...x, field: requestField(x.field), source })));
  return reference;
}

/** Drops helmValues entries the library renders by itself, but only where the output provably stays identical. */
function simplify(draft: Draft, platform: Platform, reference: JsonObject[]): Record<string, unknown> {
  let current: Record<string, unknown> = { ...draft.spec };
  const same = (candidate: Record<string, unknown>): boolean => {
    const c = new Problems();
    resolveDeclaration(c, candidate as unknown as VClusterSpec, platform);
    if (!c.ok) return false;
    try {
      return isDeepStrictEqual(render(candidate as unknown as VClusterSpec, platform), reference);
    } catch {
      return false;
    }
  };
  const dropped: string[] = [];
  if (isPlainObject(current.helmValues)) {
    for (const leaf of leafPaths(current.helmValues as JsonObject)) {
      const reduced = without(current.helmValues as JsonObject, leaf);
      const candidate: Record<string, unknown> = { ...current, helmValues: reduced };
      if (!Object.keys(reduced).length) delete candidate.helmValues;
      if (same(candidate)) {
        current = candidate;
        dropped.push(leaf.join('.'));
      }
      if (!isPlainObject(current.helmValues)) break;
    }
  }
  if (dropped.length) {
    const comments = draft.comments;
    const note = [
      'helmOverrides entries dropped because the library renders exactly the same values without them:',
      ...dropped.map((d) => `  ${d}`),
    ];
    if (current.helmValues) comments.helmValues = [...(comments.helmValues ?? []), ...note];
    else comments.__footer = [...(comments.helmValues ?? []), ...note];
  }
  return current;
}

function declarationSource(
  spec: Record<string, unknown>,
  comments: Record<string, string[]>,
  importPath: string,
  source: string,
  doc: JsonObject,
): string {
  const body: Record<string, unknown> = {};
  const order = (k: string) =>
    (SPEC_KEYS as readonly string[]).includes(k) ? (SPEC_KEYS as readonly string[]).indexOf(k) : SPEC_KEYS.length;
  for (const [k, v] of Object.entries(spec).sort(([a], [b]) => order(a) - order(b))) {
    if (v instanceof ExposureMode) {
      const prefix = '  exposure: Exposure.loadBalancer('.length;
      body[k] = new TsCode(`Exposure.loadBalancer(${tsValue(v.props, 2, prefix - 2)})`);
    } else {
      body[k] = v;
    }
  }
  const meta = obj(doc.metadata);
  const usesExposure = Object.values(spec).some((v) => v instanceof ExposureMode);
  const footer = comments.__footer ? `\n${comments.__footer.map((c) => `// ${c}`).join('\n')}\n` : '';
  const { __footer: _, ...propComments } = comments;
  const ref = `${String(meta.namespace ?? 'platform-requests')}/${String(meta.name ?? spec.name)}`;
  return [
    '/**',
    ` * ${String(spec.name)}: migrated by \`npm run migrate\` from the original platform's request`,
    ` * ${REQUEST_KIND} ${ref} (${path.basename(source).replace(/#\d+$/, '')}).`,
    ' * Names are those of the live objects, so cutting over recreates nothing',
    ' * (README.md, "Cutting a live vcluster over from the original platform").',
    ' */',
    `import { ${usesExposure ? 'Exposure, ' : ''}defineVCluster } from ${tsString(importPath)};`,
    '',
    `export default defineVCluster(${tsValue(body, 0, 0, propComments, true)});`,
    footer,
  ]
    .join('\n')
    .replace(/\n+$/, '\n');
}

// ---------------------------------------------------------------------------------------------
// CLI

/** Options of {@link runMigrate}. */
export interface MigrateOptions {
  /** Request files. */
  readonly files: readonly string[];
  /** Folder the declarations are written to. @default - `vclusters/` of the working directory */
  readonly outDir?: string;
  /** Replace existing files. @default false */
  readonly force?: boolean;
  /** Site configuration module. @default - `<outDir>/platform.ts`, else that of the working directory's vclusters/ */
  readonly platformFile?: string;
  /** Where messages go. @default console */
  readonly log?: (line: string) => void;
}

/**
 * Loads the default export of a TypeScript module (the platform, a declaration) as synth's loader
 * loads the platform: sharing the running library, through tsx when nothing else compiles it.
 */
export function loadDefault<T>(file: string): T {
  const mod = requireDeclarationFile(path.resolve(file)) as { default?: T };
  return (mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod) as T;
}

/**
 * Refuses the migrations unless, together with every declaration already in `outDir`, they pass
 * synth's fleet-wide rules; problems of a migration are named by its request and request field.
 */
function checkAgainstFleet(
  outDir: string,
  platform: Platform,
  results: ReadonlyArray<{ readonly m: Migration; readonly file: string; readonly target: string }>,
): void {
  const clashes = fleetProblems(
    outDir,
    platform,
    results.map((r) => ({ target: r.target, spec: r.m.spec })),
  );
  if (!clashes.length) return;
  throw new MigrationError(
    clashes.map((p) => {
      const r = results.find((x) => fleetFileLabel(x.target) === p.source);
      if (!r) return p;
      const field = requestField(p.field);
      const fix = `leave the request out if that file declares this vcluster already, otherwise change ${field} in the request`;
      return { ...p, source: r.file, field, fix: /already does\)$/.test(p.allowed) ? fix : p.fix };
    }),
  );
}

/** The site configuration for declarations written into `outDir`: its platform.ts, else that of the working directory's vclusters/. */
function sitePlatformFile(outDir: string): string {
  const own = path.join(outDir, PLATFORM_FILE);
  return fs.existsSync(own) ? own : path.join(defaultDeclarationsDir(), PLATFORM_FILE);
}

/**
 * The documents of the request files, each with where it comes from (`file`, or `file#n` in a
 * file of several); empty documents are skipped, and a file or document that cannot be read is
 * added to `problems` instead.
 */
function requestDocuments(files: readonly string[], problems: Problem[]): Array<{ where: string; value: unknown }> {
  const out: Array<{ where: string; value: unknown }> = [];
  const refuse = (where: string, field: string, e: unknown, allowed: string, fix?: string) =>
    problems.push({ source: where, field, value: e instanceof Error ? e.message : String(e), allowed, ...(fix ? { fix } : {}) });
  for (const file of files) {
    let docs: YAML.Document.Parsed[];
    try {
      docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      refuse(file, '(file)', e, 'a readable YAML file');
      continue;
    }
    docs.forEach((doc, i) => {
      const where = docs.length > 1 ? `${file}#${i + 1}` : file;
      if (doc.errors.length) {
        refuse(where, '(yaml)', doc.errors[0].message, 'valid YAML');
        return;
      }
      try {
        const value = doc.toJS(); // aliases expand here: the yaml library refuses alias bombs
        if (value !== null && value !== undefined) out.push({ where, value });
      } catch (e) {
        refuse(
          where,
          '(yaml)',
          e,
          'YAML whose aliases expand to a request of ordinary size',
          'write the values out instead of nesting aliases',
        );
      }
    });
  }
  return out;
}

/** Reads every request, validates them all, and writes the declarations. Returns the written paths. */
export function runMigrate(opts: MigrateOptions): string[] {
  const log = opts.log ?? ((l: string) => console.log(l));
  const outDir = opts.outDir !== undefined ? path.resolve(opts.outDir) : defaultDeclarationsDir();
  if (!opts.files.length)
    throw new MigrationError([
      { field: '(arguments)', value: '', allowed: 'one or more request files: npm run migrate -- <request.yaml>... [--out DIR] [--force]' },
    ]);
  const platformFile = opts.platformFile ?? sitePlatformFile(outDir);
  const platform = loadDefault<Platform>(platformFile);
  const problems: Problem[] = [];
  const results: Array<{ m: Migration; file: string; target: string }> = [];
  for (const { where, value } of requestDocuments(opts.files, problems)) {
    try {
      const m = migrateRequest(value, platform, where);
      const target = path.join(outDir, `${m.name}.ts`);
      const twin = results.find((r) => r.m.name === m.name);
      if (twin)
        problems.push({
          source: where,
          field: 'spec.name',
          value: m.name,
          allowed: `a name no other migrated request uses (${twin.file} already does)`,
        });
      else if (fs.existsSync(target) && !opts.force) {
        problems.push({
          source: where,
          field: 'spec.name',
          value: m.name,
          allowed: `a name without a declaration yet: ${path.relative(process.cwd(), target)} exists`,
          fix: 'pass --force to replace it',
        });
      } else results.push({ m, file: where, target });
    } catch (e) {
      if (e instanceof MigrationError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new MigrationError(problems);
  // A request the fleet already declares (under another file name) is refused, naming the file.
  checkAgainstFleet(outDir, platform, results);
  fs.mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const importPath = libraryImport(outDir);
  for (const { m, file, target } of results) {
    fs.writeFileSync(target, m.source(importPath));
    for (const w of m.warnings) log(`warning: ${file}: ${w}`);
    log(`migrate: ${file} → ${path.relative(process.cwd(), target)}`);
    written.push(target);
  }
  if (!results.length) log('migrate: no requests found');
  else log(`Next: ${commandHint('synth')}, review the diff of dist/, commit.`);
  return written;
}

/** The command line of `npm run migrate`. */
export const MIGRATE_COMMAND = {
  usage: commandUsage('migrate'),
  summary:
    'Turns VClusterOrchestratorV2 requests of the original platform into declarations <spec.name>.ts. Every request is validated, and checked against the declarations already in the folder, before anything is written.',
  options: {
    out: { value: 'DIR', alias: 'o', description: 'folder the declarations are written to (default: vclusters/)' },
    force: { description: 'replace existing declaration files of the same name' },
    platform: { value: 'FILE', description: 'site configuration (default: <out>/platform.ts, else vclusters/platform.ts)' },
  },
  positionals: { name: '<request.yaml>...', description: 'request files (several documents per file allowed)', min: 1 },
  notes: [
    `${commandUsage('migrate')} --declarations [DIR] [--check] brings existing declarations up to date instead (see --declarations --help).`,
  ],
} satisfies CommandSpec<OptionSpecs>;

/** The command line of `npm run migrate -- --declarations`. */
export const MIGRATE_DECLARATIONS_COMMAND = {
  usage: `${commandUsage('migrate')} --declarations`,
  summary:
    'Brings existing declarations up to date in place: removes settings the library no longer accepts (etcdPki, etcd arguments that weaken client-certificate auth). Idempotent.',
  options: {
    check: { description: 'only report the files that would change (exit 1 if any)' },
  },
  positionals: { name: '[DIR]', description: 'folder of declarations (default: vclusters/)', max: 1 },
} satisfies CommandSpec<OptionSpecs>;

function main(argv: readonly string[]): number {
  if (argv[0] === '--declarations') {
    const args = parseCommandLine('migrate --declarations', MIGRATE_DECLARATIONS_COMMAND, argv.slice(1));
    if (typeof args === 'number') return args;
    const dir = args.positionals[0] !== undefined ? path.resolve(args.positionals[0]) : defaultDeclarationsDir();
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`not a folder of declarations: ${dir}`);
    return runMigrateDeclarations({ dir, check: args.options.check });
  }
  const args = parseCommandLine('migrate', MIGRATE_COMMAND, argv);
  if (typeof args === 'number') return args;
  const { out, force, platform } = args.options;
  runMigrate({ files: args.positionals, outDir: out, force, platformFile: platform });
  return 0;
}

/**
 * Runs `npm run migrate` (`vcluster-fleet migrate` from the package) with the given arguments;
 * returns the exit code (1 when the input was refused: nothing is written then).
 */
export function runMigrateCommand(argv: readonly string[]): number {
  try {
    return main(argv);
  } catch (e) {
    console.error(`migrate failed; nothing was written.\n${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = runMigrateCommand(process.argv.slice(2));
