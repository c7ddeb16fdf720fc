/**
 * The rules of a declaration that no single feature owns: its shape (no unknown key at any
 * level), where the vcluster may live (namespaces, projects, host clusters), and the rules that
 * tie two features together. Each feature checks its own settings where they are defined.
 */
import { checkBackingStoreEtcdArgs } from '../etcd/client-auth';
import { Problems, checkKnownKeys, isPlainObject } from '../validation';
import { STRICT_ISOLATION_RULES } from '../vcluster/exceptions';
import { valueAtPath } from '../vcluster/helm-values';
import { Platform, isReservedNamespace } from './platform';
import { NESTED_SPEC_KEYS, SPEC_KEYS, VClusterSpec } from './spec';

/** Namespaces a vcluster must never be placed in (Kubernetes' own; the platform's are added). */
export const RESERVED_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Helm values that have a first-class declaration field: setting them through `helmValues` would
 * bypass what that field also drives (deletion protection, CoreDNS, version pinning); a Corefile
 * written by hand would also drop the chart's defaults the CoreDNS patch keeps.
 */
const HELM_VALUES_OWNED_BY_FIELDS: ReadonlyArray<[path: readonly string[], field: string]> = [
  [['controlPlane', 'backingStore'], 'backingStore'],
  [['controlPlane', 'statefulSet', 'highAvailability', 'replicas'], 'replicas'],
  [['controlPlane', 'statefulSet', 'persistence', 'volumeClaim', 'retentionPolicy'], 'deletionPolicy'],
  [['controlPlane', 'distro', 'k8s', 'image', 'tag'], 'kubernetesVersion'],
  [['controlPlane', 'distro', 'k8s', 'version'], 'kubernetesVersion'],
  [['networking', 'advanced', 'clusterDomain'], 'clusterDomain'],
  [['exportKubeConfig'], 'exportKubeConfig'],
  [['controlPlane', 'coredns', 'overwriteConfig'], 'coredns'],
];

/** Reports unknown keys at every level of the declaration (a typo is an error, never ignored). */
export function checkShape(problems: Problems, spec: Record<string, unknown>): void {
  checkKnownKeys(problems, '', spec, SPEC_KEYS);
  for (const [field, keys] of Object.entries(NESTED_SPEC_KEYS)) {
    const list = field.endsWith('[]');
    const path = (list ? field.slice(0, -2) : field).split('.');
    const value = valueAtPath(spec, path);
    if (value === undefined) continue;
    if (list) {
      if (!Array.isArray(value)) continue; // reported by the field's own check
      value.forEach((item, i) => {
        const itemField = `${path.join('.')}[${i}]`;
        if (isPlainObject(item)) checkKnownKeys(problems, itemField, item, keys);
        else problems.add(itemField, item, `an object with the keys ${keys.join(', ')}`);
      });
    } else if (isPlainObject(value)) {
      checkKnownKeys(problems, field, value, keys);
    } else {
      problems.add(field, value, `an object with (some of) the keys ${keys.join(', ')}`);
    }
  }
}

/** The host namespace is the vcluster's own (not Kubernetes' or the platform's), and so is its AppProject. */
export function checkPlacement(problems: Problems, spec: VClusterSpec, platform: Platform): void {
  const namespace = spec.targetNamespace ?? spec.name;
  const namespaceField = spec.targetNamespace !== undefined ? 'targetNamespace' : 'name';
  const reserved = typeof namespace === 'string' ? reservedBy(namespace, platform) : undefined;
  if (reserved) {
    problems.add(
      namespaceField,
      namespace,
      `a host namespace of its own, not one Kubernetes or the platform reserves (${reserved})`,
      namespaceField === 'name'
        ? 'set targetNamespace to a namespace only this vcluster uses'
        : 'use a namespace only this vcluster uses, e.g. the vcluster name',
    );
  }
  const project = spec.projectName ?? `vcluster-${String(spec.name)}`;
  if (project === platform.argocd.bootstrapProject || project === 'default') {
    problems.add(
      spec.projectName !== undefined ? 'projectName' : 'name',
      spec.projectName ?? spec.name,
      `an AppProject of its own, not "${project}" (the bootstrap or Argo CD default project)`,
      'set projectName to a project only this vcluster uses',
    );
  }
  if (spec.hostCluster !== undefined && typeof spec.hostCluster !== 'string')
    problems.add('hostCluster', spec.hostCluster, "the name of one of the platform's host clusters");
}

/** Who reserves a namespace, for the message; `undefined` when nobody does. */
function reservedBy(namespace: string, platform: Platform): string | undefined {
  if (RESERVED_NAMESPACES.includes(namespace) || namespace.startsWith('kube-')) return 'Kubernetes reserves "default" and "kube-*"';
  const own: Array<[string | undefined, string]> = [
    [platform.argocd.namespace, 'argocd.namespace'],
    [platform.network.gatewayNamespace, 'network.gatewayNamespace'],
    [platform.network.monitoringNamespace, 'network.monitoringNamespace'],
    [platform.gateway?.namespace, 'gateway.namespace'],
    [platform.network.clusterDns?.namespace, 'network.clusterDns.namespace'],
    [platform.network.metricsServer?.namespace, 'network.metricsServer.namespace'],
  ];
  const named = own.find(([ns]) => ns === namespace);
  if (named) return `the platform runs ${named[1]} there`;
  const entry = isReservedNamespace(namespace, platform.reservedNamespaces);
  return entry !== undefined ? `platform reservedNamespaces: ${JSON.stringify(entry)}` : undefined;
}

/** Facts the cross-feature rules need, resolved by the declaration's resolver. */
export interface CrossFeatureFacts {
  readonly kubeconfigSync: string;
  readonly deletionPolicy: string;
  /** The isolation mode: the declaration's, else its preset's, else "standard". */
  readonly isolationMode: string;
  /** Whether the preset is a known one (the rules that depend on its defaults wait until it is). */
  readonly presetKnown: boolean;
}

/** The rules that tie two features together. */
export function checkCrossFeature(problems: Problems, spec: VClusterSpec, platform: Platform, facts: CrossFeatureFacts): void {
  const fromPreset = (declared: unknown) => declared === undefined && !facts.presetKnown;
  if (spec.isolation !== undefined && facts.isolationMode !== 'strict' && !fromPreset(spec.isolationMode)) {
    problems.add(
      'isolation',
      spec.isolation,
      'isolation settings only with isolationMode: "strict" (standard mode ignores them)',
      'set isolationMode: "strict", or remove isolation',
    );
  }
  if (isPlainObject(spec.networkPolicies) && spec.networkPolicies.enableNFS === true && !platform.network.nfsCidr) {
    problems.add(
      'networkPolicies.enableNFS',
      true,
      'true only when the platform declares network.nfsCidr',
      'set network.nfsCidr in the platform configuration, or remove enableNFS',
    );
  }
  if (facts.kubeconfigSync === 'job' && facts.deletionPolicy === 'delete' && !fromPreset(spec.deletionPolicy)) {
    // The one-shot Job cannot remove the 1Password item when the vcluster goes; the item must follow the deletion policy.
    problems.add(
      'kubeconfigSync',
      'job',
      '"pushSecret" when the vcluster is deleted with its declaration (deletionPolicy "delete", the dev default): only the PushSecret removes the 1Password item again',
      'use kubeconfigSync: "pushSecret", or set deletionPolicy: "retain"',
    );
  }
  checkRetiredFields(problems, spec);
  if (isPlainObject(spec.helmValues)) {
    checkHelmValuesOwnedByFields(problems, spec.helmValues);
    // Refused above as a whole; the etcd arguments are named too, so the reason is not lost on the move.
    checkBackingStoreEtcdArgs(
      problems,
      'helmValues.controlPlane.backingStore',
      valueAtPath(spec.helmValues, ['controlPlane', 'backingStore']),
    );
  }
  if (facts.isolationMode === 'strict' && Array.isArray(spec.exceptions)) checkStrictExceptions(problems, spec.exceptions);
}

/** Strict isolation admits no exception to the pod rules of the guard or to host Secret mappings. */
function checkStrictExceptions(problems: Problems, exceptions: readonly unknown[]): void {
  exceptions.forEach((e, i) => {
    const rule = isPlainObject(e) ? e.rule : undefined;
    if (typeof rule !== 'string' || !(STRICT_ISOLATION_RULES as readonly string[]).includes(rule)) return;
    problems.add(
      `exceptions[${i}].rule`,
      rule,
      `no exception to ${STRICT_ISOLATION_RULES.join(', ')} with isolationMode "strict" (strict isolation guarantees what these rules refuse)`,
      'remove the exception, or use isolationMode: "standard"',
    );
  });
}

/**
 * Refuses the settings this version no longer renders, each with the reason and the fix:
 * `etcdPki: true` (a PKI nothing read; `false` stays accepted as a no-op).
 */
export function checkRetiredFields(problems: Problems, spec: VClusterSpec): void {
  if (spec.etcdPki === true) {
    problems.add(
      'etcdPki',
      true,
      "false or unset (the etcd PKI is retired: vcluster never reads /etcd-certs, its mount held the control plane in ContainerCreating until the merge Job had run, and the chart's deployed etcd already serves TLS with client-certificate auth from its own <release>-certs)",
      'remove etcdPki, or run npm run migrate -- --declarations to rewrite vclusters/; the unused Certificates, Issuers and merge Job are then pruned',
    );
  }
}

/** Refuses Helm values that would bypass a first-class field. */
function checkHelmValuesOwnedByFields(problems: Problems, helmValues: Record<string, unknown>): void {
  for (const [path, field] of HELM_VALUES_OWNED_BY_FIELDS) {
    const v = valueAtPath(helmValues, path);
    if (v === undefined) continue;
    problems.add(
      `helmValues.${path.join('.')}`,
      v,
      `this value only through the declaration field ${field} (it also drives objects outside the Helm values)`,
      `remove it from helmValues and set ${field} instead`,
    );
  }
}
