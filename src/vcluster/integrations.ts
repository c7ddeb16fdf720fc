/**
 * The vcluster's integrations with host operators (`integrations.*` of the chart): cert-manager
 * ClusterIssuers and External Secrets stores synced from the host, and the metrics-server proxy.
 */
import { Problems, isPlainObject, keysOf } from '../validation';
import type { JsonObject } from './helm-values';

/** cert-manager integration settings of a declaration. */
export interface CertManagerIntegration {
  /** Whether the integration is on. @default true */
  readonly enabled?: boolean;
  /** Labels of the host ClusterIssuers synced in. @default - the platform's */
  readonly clusterIssuerSelectorLabels?: Readonly<Record<string, string>>;
}

/** External Secrets integration settings of a declaration. */
export interface ExternalSecretsIntegration {
  /** Whether the integration is on. @default true */
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
  /** cert-manager: ClusterIssuers synced from the host. @default - enabled with the platform's selector */
  readonly certManager?: CertManagerIntegration;
  /** External Secrets: ClusterSecretStores synced from the host. @default - enabled with the platform's selector */
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

/** The integrations a {@link VCluster} renders. */
export interface IntegrationValues {
  /** Labels of the host ClusterIssuers synced in; off when undefined. */
  readonly clusterIssuerSelectorLabels?: Readonly<Record<string, string>>;
  /** Labels of the host ClusterSecretStores synced in; off when undefined. */
  readonly clusterStoreSelectorLabels?: Readonly<Record<string, string>>;
  /** The metrics-server proxy. */
  readonly metricsServer: boolean;
}

/** The chart's `integrations` values. */
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
