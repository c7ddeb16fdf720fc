/**
 * The vcluster's integrations with host operators (`integrations.*` of the chart): the
 * metrics-server proxy (every edition), and, with the Pro edition only, cert-manager
 * ClusterIssuers and External Secrets stores synced from the host. The OSS syncer registers the
 * metrics-server integration alone (`pkg/integrations/integrations.go`): with the OSS image the
 * other two are accepted by the chart's schema and do nothing, so they are never rendered for it
 * and a declaration asking for them is refused.
 */
import { Problems, isPlainObject, keysOf } from '../validation';
import type { VClusterEdition } from './edition';
import { JsonObject, valueAtPath } from './helm-values';

/** cert-manager integration settings of a declaration (vcluster Pro only). */
export interface CertManagerIntegration {
  /** Whether the integration is on (Pro edition only; refused with OSS). @default - on with the Pro edition when the platform or the declaration names selector labels */
  readonly enabled?: boolean;
  /** Labels of the host ClusterIssuers synced in. @default - the platform's */
  readonly clusterIssuerSelectorLabels?: Readonly<Record<string, string>>;
}

/** External Secrets integration settings of a declaration (vcluster Pro only). */
export interface ExternalSecretsIntegration {
  /** Whether the integration is on (Pro edition only; refused with OSS). @default - on with the Pro edition when the platform or the declaration names selector labels */
  readonly enabled?: boolean;
  /** Labels of the host ClusterSecretStores synced in. @default - the platform's */
  readonly clusterStoreSelectorLabels?: Readonly<Record<string, string>>;
}

/** metrics-server integration settings of a declaration. */
export interface MetricsServerIntegration {
  /** Whether the proxy to the host's metrics-server is on. @default true */
  readonly enabled?: boolean;
}

/** The integrations section of a declaration. */
export interface IntegrationsSettings {
  /** cert-manager: ClusterIssuers synced from the host (vcluster Pro; with OSS the host ApplicationSets install cert-manager inside the vcluster instead). @default - Pro: on with the platform's selector; OSS: off */
  readonly certManager?: CertManagerIntegration;
  /** External Secrets: ClusterSecretStores synced from the host (vcluster Pro; with OSS the host ApplicationSets install External Secrets inside the vcluster instead). @default - Pro: on with the platform's selector; OSS: off */
  readonly externalSecrets?: ExternalSecretsIntegration;
  /** metrics-server proxy to the host's metrics-server. @default - enabled */
  readonly metricsServer?: MetricsServerIntegration;
}

/** Keys of the integration settings, for the unknown-key checks. */
export const INTEGRATIONS_KEYS = {
  integrations: keysOf<IntegrationsSettings>({ certManager: true, externalSecrets: true, metricsServer: true }),
  certManager: keysOf<CertManagerIntegration>({ enabled: true, clusterIssuerSelectorLabels: true }),
  externalSecrets: keysOf<ExternalSecretsIntegration>({ enabled: true, clusterStoreSelectorLabels: true }),
  metricsServer: keysOf<MetricsServerIntegration>({ enabled: true }),
};

/** Checks the switches and selector labels (labels only while the integration is on). */
export function checkIntegrations(problems: Problems, field: string, integrations: unknown): void {
  const all = isPlainObject(integrations) ? integrations : {};
  for (const [name, labelsKey] of [
    ['certManager', 'clusterIssuerSelectorLabels'],
    ['externalSecrets', 'clusterStoreSelectorLabels'],
    ['metricsServer', undefined],
  ] as const) {
    const i = all[name];
    if (!isPlainObject(i)) continue;
    if (i.enabled !== undefined) problems.boolean(`${field}.${name}.enabled`, i.enabled);
    if (!labelsKey || i[labelsKey] === undefined) continue;
    problems.labels(`${field}.${name}.${labelsKey}`, i[labelsKey]);
    if (i.enabled === false)
      problems.add(
        `${field}.${name}.${labelsKey}`,
        i[labelsKey],
        `selector labels only when ${field}.${name} is enabled`,
        `remove ${labelsKey} or enabled: false`,
      );
  }
}

/** The integrations that exist only in the Pro edition, with the selector-label setting of each. */
export const PRO_INTEGRATIONS: ReadonlyArray<
  readonly ['certManager' | 'externalSecrets', 'clusterIssuerSelectorLabels' | 'clusterStoreSelectorLabels']
> = [
  ['certManager', 'clusterIssuerSelectorLabels'],
  ['externalSecrets', 'clusterStoreSelectorLabels'],
];

/**
 * Refuses, with the OSS edition, a declaration that asks for a Pro integration (anything but
 * `enabled: false`, which is accepted as the no-op it is); with the Pro edition, one switched on
 * without selector labels here or in the platform (it would select nothing).
 * @param platformLabels the platform's selector labels, by setting name
 */
export function checkIntegrationsForEdition(
  problems: Problems,
  field: string,
  integrations: unknown,
  edition: VClusterEdition,
  platformLabels: { readonly clusterIssuerSelectorLabels?: unknown; readonly clusterStoreSelectorLabels?: unknown } = {},
): void {
  if (!isPlainObject(integrations)) return;
  if (edition === 'pro') {
    for (const [name, labelsKey] of PRO_INTEGRATIONS) {
      const i = integrations[name];
      if (isPlainObject(i) && i.enabled === true && i[labelsKey] === undefined && platformLabels[labelsKey] === undefined) {
        problems.add(
          `${field}.${name}.enabled`,
          true,
          `true only with selector labels (${field}.${name}.${labelsKey}, or the platform's integrations.${labelsKey})`,
          `set ${field}.${name}.${labelsKey}`,
        );
      }
    }
    return;
  }
  for (const [name] of PRO_INTEGRATIONS) {
    const i = integrations[name];
    if (i === undefined || (isPlainObject(i) && i.enabled === false && Object.keys(i).length === 1)) continue;
    problems.add(
      `${field}.${name}`,
      i,
      `nothing, or { enabled: false }, with the platform's oss edition: the ${name} integration is a vcluster Pro feature, and the OSS image accepts its values and does nothing`,
      `remove ${field}.${name}; with OSS the host ApplicationSets install ${name === 'certManager' ? 'cert-manager (cluster label enable_cert_manager)' : 'External Secrets (cluster label enable_external_secrets)'} inside the vcluster (README, "cert-manager and External Secrets inside a vcluster")`,
    );
  }
}

/** Refuses, with the OSS edition, final Helm values that switch a Pro integration on (whatever layer set them). */
export function checkIntegrationValues(problems: Problems, field: string, values: unknown, edition: VClusterEdition): void {
  if (edition !== 'oss') return;
  for (const [name] of PRO_INTEGRATIONS) {
    const enabled = valueAtPath(values, ['integrations', name, 'enabled']);
    if (enabled === true) {
      problems.add(
        `${field}.integrations.${name}.enabled`,
        enabled,
        `false or unset with the oss edition: the OSS image accepts the ${name} integration and does nothing (a vcluster Pro feature)`,
        `remove it, or run the Pro edition (the platform's vcluster.edition)`,
      );
    }
  }
}

/** The integrations a {@link VCluster} renders. */
export interface IntegrationValues {
  /** Labels of the host ClusterIssuers synced in; off when undefined. */
  readonly clusterIssuerSelectorLabels?: Readonly<Record<string, string>>;
  /** Labels of the host ClusterSecretStores synced in; off when undefined. */
  readonly clusterStoreSelectorLabels?: Readonly<Record<string, string>>;
  /** The metrics-server proxy. */
  readonly metricsServer: boolean;
}

/** The chart's `integrations` values (callers pass no Pro integration for the OSS edition). */
export function integrationValues(i: IntegrationValues): JsonObject {
  const values: JsonObject = { metricsServer: { enabled: i.metricsServer } };
  if (i.clusterStoreSelectorLabels) {
    values.externalSecrets = {
      enabled: true,
      webhook: { enabled: true },
      sync: { fromHost: { clusterStores: { enabled: true, selector: { matchLabels: { ...i.clusterStoreSelectorLabels } } } } },
    };
  }
  if (i.clusterIssuerSelectorLabels) {
    values.certManager = {
      enabled: true,
      sync: { fromHost: { clusterIssuers: { enabled: true, selector: { labels: { ...i.clusterIssuerSelectorLabels } } } } },
    };
  }
  return values;
}
