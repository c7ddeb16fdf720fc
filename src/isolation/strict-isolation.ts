/**
 * Strict isolation of a vcluster's host namespace: a ResourceQuota, a LimitRange, Pod Security
 * admission labels, and the matching vcluster `policies.*` values. (The network half of strict
 * mode is {@link NetworkIsolation} with `mode: "strict"`.)
 */
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { Problems, ValidationError } from '../validation';
import { PodGroup, vclusterPods } from '../vcluster/footprint';
import type { IVCluster } from '../vcluster/ivcluster';
import { DEFAULT_TENANT_QUOTA, DerivedQuota, LimitRangeDefaults, deriveQuota } from './quota';
import { PodSecurityLevel, StrictIsolationSettings, checkStrictIsolation, layerStrictIsolation } from './settings';

export { DEFAULT_TENANT_QUOTA };

/** Default container limits of the strict-mode LimitRange `default-limits`. */
export const DEFAULT_LIMITS: Readonly<Record<string, string>> = { cpu: '500m', memory: '512Mi' };
/** Default container requests of the strict-mode LimitRange `default-limits`. */
export const DEFAULT_REQUESTS: Readonly<Record<string, string>> = { cpu: '100m', memory: '128Mi' };

/** The strict-mode defaults, the layer below a vcluster's settings. */
const DEFAULT_SETTINGS: StrictIsolationSettings = {
  podSecurity: 'baseline',
  tenantQuota: DEFAULT_TENANT_QUOTA,
  limitRange: { default: DEFAULT_LIMITS, defaultRequest: DEFAULT_REQUESTS },
};

/** UID/GID the control plane and etcd run as under the `restricted` level. */
export const NON_ROOT_ID = 12345;

/** Props of {@link StrictIsolation}. */
export interface StrictIsolationProps extends StrictIsolationSettings {
  /** The vcluster whose namespace is isolated (receives the namespace labels and Helm values; its deployed etcd is hardened too). */
  readonly vcluster: IVCluster;
}

/**
 * Strict isolation of a vcluster's host namespace (`isolationMode: "strict"`).
 *
 * Guarantees, together with `NetworkIsolation` in strict mode:
 * - **Network:** default-deny; only DNS, the host API server, the namespace's own pods, API ingress
 *   from the configured clients, monitoring, metrics-server, and the egress the declaration lists.
 *   Tenant NetworkPolicies are not synced to the host (`sync.toHost.networkPolicies.enabled: false`),
 *   because a synced policy could add allowances; declare extra egress in Git instead.
 * - **Resources:** ResourceQuota `default-quota` and LimitRange `default-limits` (container limits
 *   500m / 512Mi, requests 100m / 128Mi by default). The quota counts every pod of the host
 *   namespace, the vcluster's own included, so each `hard` value is derived: what the own pods need
 *   (control plane × replicas, deployed etcd × members, CoreDNS synced from inside × replicas, at
 *   the chart's defaults or the declared resources, the LimitRange defaults for what their
 *   containers leave unset; read from the vcluster's Helm values) plus the tenant allowance
 *   `tenantQuota` (requests 4 CPU / 8Gi, limits 8 CPU / 16Gi, 20 PVCs, 100 pods by default). A
 *   `resourceQuota` key is a total instead, refused when it does not cover the own pods. The
 *   chart's own quota and limit range (`policies.resourceQuota`, `policies.limitRange`) are
 *   switched off so that exactly these two objects, visible in Git, apply.
 * - **Pod Security:** the host namespace carries `pod-security.kubernetes.io/{enforce,audit,warn}`
 *   at `baseline` (default) or `restricted`; both forbid hostPath volumes, host namespaces,
 *   privileged containers and host ports. The vcluster enforces the same level on its own API
 *   (`policies.podSecurityStandard`), so a tenant sees a rejected pod at `kubectl apply`, not a pod
 *   that silently never syncs. With `restricted` the control plane (and a deployed etcd) run as
 *   non-root with a RuntimeDefault seccomp profile and no capabilities; tenant workloads must comply
 *   too.
 * - **Nothing undoes it:** these values are a final layer of the vcluster's Helm values; a
 *   `helmValues` entry (or a later add-on) that changes any of them is refused. Host Secrets are
 *   never mapped into a strict vcluster (`sync.fromHost.secrets.enabled: false`, even when the
 *   site maps some), no exception to the guard's pod rules (privileged, host paths, namespaces,
 *   ports, capabilities) or to `hostSecretMapping` holds, and Pod Security labels come only from
 *   here (a site label, a namespace label or `managedNamespaceMetadata` with one is refused).
 * - Not a guarantee: pods still share the host kernel and nodes (this is not VM isolation).
 *
 * In `standard` mode none of this is rendered: no quota, no limit range, no Pod Security labels,
 * tenant NetworkPolicies are synced, and the namespace keeps the labels the site's host policies
 * select on.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 * @see https://www.vcluster.com/docs/vcluster/configure/vcluster-yaml/policies/
 */
export class StrictIsolation extends Construct {
  /** Enforced Pod Security level. */
  public readonly podSecurity: PodSecurityLevel;
  /** The quota's hard limits. */
  public readonly quota: Readonly<Record<string, string>>;
  /** What the vcluster's own pods need of each quota key they count against. */
  public readonly ownUsage: Readonly<Record<string, string>>;
  /** The tenant allowance the quota adds to the own pods (keys given as totals excluded). */
  public readonly tenantQuota: Readonly<Record<string, string>>;
  /** The LimitRange's container defaults. */
  public readonly limitRangeDefaults: LimitRangeDefaults;
  /** The ResourceQuota totals given as such (`resourceQuota`). */
  private readonly totals: Readonly<Record<string, string>>;
  /** The rendered ResourceQuota. */
  public readonly resourceQuota: k8s.KubeResourceQuota;
  /** The rendered LimitRange. */
  public readonly limitRange: k8s.KubeLimitRange;

  constructor(scope: Construct, id: string, props: StrictIsolationProps) {
    super(scope, id);
    const { vcluster, ...settings } = props;
    const p = new Problems();
    checkStrictIsolation(p, settings);
    p.throwIfAny(`StrictIsolation of "${vcluster.names.release}"`);

    // the settings laid over the defaults: maps key by key, a total replacing the default allowance of its key
    const s = layerStrictIsolation(DEFAULT_SETTINGS, settings);
    this.podSecurity = s.podSecurity ?? 'baseline';
    this.limitRangeDefaults = { default: { ...s.limitRange?.default }, defaultRequest: { ...s.limitRange?.defaultRequest } };
    this.totals = { ...s.resourceQuota };
    this.tenantQuota = { ...s.tenantQuota };
    const derived = this.derive(p, vcluster);
    p.throwIfAny(`StrictIsolation of "${vcluster.names.release}"`);
    this.quota = derived.hard;
    this.ownUsage = derived.own;
    const namespace = vcluster.names.namespace;
    const labels = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'isolation' });

    this.resourceQuota = new k8s.KubeResourceQuota(this, 'ResourceQuota', {
      metadata: { name: 'default-quota', namespace, labels: labels('default-quota') },
      spec: { hard: Object.fromEntries(Object.entries(this.quota).map(([k, v]) => [k, k8s.Quantity.fromString(v)])) },
    });
    const q = (m: Readonly<Record<string, string>>) =>
      Object.fromEntries(Object.entries(m).map(([k, v]) => [k, k8s.Quantity.fromString(v)]));
    this.limitRange = new k8s.KubeLimitRange(this, 'LimitRange', {
      metadata: { name: 'default-limits', namespace, labels: labels('default-limits') },
      spec: {
        limits: [
          { type: 'Container', default: q(this.limitRangeDefaults.default), defaultRequest: q(this.limitRangeDefaults.defaultRequest) },
        ],
      },
    });

    vcluster.addNamespaceLabels({
      'pod-security.kubernetes.io/enforce': this.podSecurity,
      'pod-security.kubernetes.io/audit': this.podSecurity,
      'pod-security.kubernetes.io/warn': this.podSecurity,
    });

    const values: Record<string, unknown> = {
      policies: {
        podSecurityStandard: this.podSecurity,
        resourceQuota: { enabled: false },
        limitRange: { enabled: false },
      },
      // no host Secrets mapped in: a mapping gives the control plane list/watch on every host Secret
      sync: { toHost: { networkPolicies: { enabled: false } }, fromHost: { secrets: { enabled: false } } },
    };
    if (this.podSecurity === 'restricted') values.controlPlane = restrictedSecurityValues(vcluster.etcdMembers > 0);
    // final: the declaration's helmValues (or a site value) cannot undo any of it
    vcluster.addHelmValues('strict isolation', values, { final: true });
    this.node.addValidation({ validate: () => this.staleness(vcluster) });
  }

  /** The own pods, from the vcluster's current values, and the quota derived from them. */
  private derive(problems: Problems, vcluster: IVCluster): DerivedQuota & { pods: PodGroup[] } {
    const pods = vclusterPods(vcluster.helmValues(), vcluster.chartLine);
    return { ...deriveQuota(problems, pods, this.limitRangeDefaults, this.totals, this.tenantQuota), pods };
  }

  /** Refuses final values whose own pods need another quota than the one rendered (values added after this construct). */
  private staleness(vcluster: IVCluster): string[] {
    const now = deriveQuota(
      new Problems(),
      vclusterPods(vcluster.helmValues(), vcluster.chartLine),
      this.limitRangeDefaults,
      this.totals,
      this.tenantQuota,
    );
    if (JSON.stringify(now.hard) === JSON.stringify(this.quota)) return [];
    const problem = {
      field: 'resourceQuota',
      value: this.quota,
      allowed: `the quota for the vcluster's final Helm values (${JSON.stringify(now.hard)}): values added after the StrictIsolation of "${vcluster.names.release}" changed its own pods`,
      fix: 'add Helm values that change the control plane, etcd or CoreDNS before the StrictIsolation is created',
    };
    return [new ValidationError([problem], `StrictIsolation of "${vcluster.names.release}"`).message];
  }
}

/**
 * The `controlPlane` values that make the control plane (and a deployed etcd) run as non-root with
 * a RuntimeDefault seccomp profile and no capabilities, as the `restricted` level requires.
 */
function restrictedSecurityValues(deployedEtcd: boolean): Record<string, unknown> {
  const security = {
    podSecurityContext: {
      runAsNonRoot: true,
      runAsUser: NON_ROOT_ID,
      runAsGroup: NON_ROOT_ID,
      fsGroup: NON_ROOT_ID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containerSecurityContext: {
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      runAsUser: NON_ROOT_ID,
      runAsGroup: NON_ROOT_ID,
      capabilities: { drop: ['ALL'] },
    },
  };
  const controlPlane: Record<string, unknown> = {
    statefulSet: { security },
    coredns: { security: { podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } } },
  };
  if (deployedEtcd) controlPlane.backingStore = { etcd: { deploy: { statefulSet: { security } } } };
  return controlPlane;
}
