/**
 * vcluster-fleet: declare loft-sh vclusters in TypeScript and synthesize every host-cluster object
 * they need. This module is the public API; everything else in src/ is internal.
 */

// Declarations and the site configuration.
export { defineVCluster } from './declaration/spec';
export type { VClusterSpec } from './declaration/spec';
export { DEFAULT_RESERVED_NAMESPACES, definePlatform, IN_CLUSTER_SERVER } from './declaration/platform';
export type {
  HostPodSelector,
  Platform,
  PlatformArgoCd,
  PlatformChart,
  PlatformConfig,
  PlatformImages,
  PlatformIntegrations,
  PlatformLoadBalancer,
  PlatformNetwork,
  PlatformOnePassword,
  PlatformRegistration,
  PlatformSecretStore,
  PlatformVCluster,
  PlatformVClusterSecret,
  RegistrationContext,
  ResolvedPreset,
  SitePreset,
  SitePresetPersistence,
  VClusterHelmValues,
  WorkloadRepo,
} from './declaration/platform';
export { DEFAULT_HOST_API_VERSIONS, DEFAULT_HOST_KUBERNETES_VERSION } from './declaration/hosts';
export type { HostClusterFacts } from './declaration/hosts';
export { resolveDeclaration } from './declaration/resolve';
export type { ResolvedVCluster } from './declaration/resolve';

// The chart and the constructs.
export { VClusterChart, buildVCluster, synthVCluster } from './vcluster-chart';
export type { VClusterChartProps } from './vcluster-chart';
export { VCluster } from './vcluster';
export type { VClusterProps } from './vcluster';
export type { ApiEndpoint, ClusterCredentials, HelmValuesOptions, IVCluster, KubeconfigExport } from './vcluster/ivcluster';
export { GUARD_RULES } from './vcluster/exceptions';
export type { GuardException, GuardRule } from './vcluster/exceptions';
export { ArgoRegistration } from './argo-registration';
export type { ArgoRegistrationForVClusterProps, ArgoRegistrationFromExistingProps, ArgoRegistrationProps } from './argo-registration';
export { KubeconfigSync } from './kubeconfig-sync';
export type { KubeconfigSyncProps } from './kubeconfig-sync';
export { VClusterSecretSync } from './registration/vcluster-secret-sync';
export type { VClusterSecretSyncProps } from './registration/vcluster-secret-sync';
export { CoreDnsPatch } from './coredns-patch';
export type { CoreDnsPatchProps, CoreDnsSettings, ForwardZone } from './coredns-patch';
export { Exposure } from './exposure/exposure';
export { ExposureMode } from './exposure/exposure-mode';
export type { ExposureDefaults, GatewayRef } from './exposure/exposure-mode';
export type { LoadBalancerExposureProps } from './exposure/load-balancer';
export { ApiRoute } from './exposure/gateway';
export type { ApiRouteProps, GatewayExposureProps } from './exposure/gateway';
export { NetworkIsolation } from './isolation/network-isolation';
export type { NetworkIsolationProps } from './isolation/network-isolation';
export { StrictIsolation } from './isolation/strict-isolation';
export type { StrictIsolationProps } from './isolation/strict-isolation';
export type {
  EgressRule,
  IsolationMode,
  LimitRangeSettings,
  NetworkPoliciesSettings,
  PodSecurityLevel,
  StrictIsolationSettings,
} from './isolation/settings';
export { EtcdDisruptionBudget } from './etcd/etcd-disruption-budget';
export type { EtcdDisruptionBudgetProps } from './etcd/etcd-disruption-budget';
export { EtcdSnapshot } from './etcd/etcd-snapshot';
export type { EtcdSnapshotProps } from './etcd/etcd-snapshot';
export type { BackupSettings, EtcdSnapshotSettings, NfsTarget } from './etcd/snapshot-settings';
export { PvCleanupHook } from './cleanup/pv-cleanup-hook';
export type { PvCleanupHookProps } from './cleanup/pv-cleanup-hook';

// Settings types of the declaration's sections.
export type { ArgoCdSettings, KubeconfigSyncStrategy, RegistrationInputs } from './registration/settings';
export type { ApplicationSettings } from './vcluster/application';
export type { BackingStore } from './vcluster/backing-store';
export type { ExportKubeConfig } from './vcluster/kubeconfig-export';
export type {
  CertManagerIntegration,
  ExternalSecretsIntegration,
  IntegrationsSettings,
  MetricsServerIntegration,
} from './vcluster/integrations';
export type { ControlPlanePersistence, ControlPlaneResources, ResourceQuantities } from './vcluster/sizing';
export type { VClusterEdition } from './vcluster/edition';

// Shared: names, presets, errors.
export { VClusterNames } from './naming';
export { DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS, PRESETS } from './presets';
export type { DeletionPolicy, Preset, PresetChoice, PresetName } from './presets';
export { ValidationError } from './validation';
export type { Problem } from './validation';

// The fleet: a folder of declarations loaded with its platform, checked, built, rendered and
// written atomically (what `vcluster-fleet synth` does, step by step).
export {
  BOOTSTRAP_DIR,
  FleetError,
  LOAD_TIMEOUT_ENV,
  PLATFORM_FILE,
  buildFleet,
  fleetFiles,
  loadFleet,
  renderFleet,
  toYaml,
  vclusterFiles,
} from './fleet/fleet';
export type { BuiltVCluster, Declaration, LoadFleetOptions, VClusterFacts } from './fleet/fleet';
export { bootstrapObjects, fleetAlertObjects } from './fleet/bootstrap';
export { inventoryFiles, inventoryMarkdown } from './fleet/inventory';
export { OutputBusyError, OutputNotWritableError, TreeWriter, writeTreeAtomically } from './fleet/output';
export type { TreeWriterOptions } from './fleet/output';
export type { JsonObject } from './vcluster/helm-values';

// Alerts as code.
export { FleetAlerts } from './monitoring/fleet-alerts';
export type { FleetAlertsProps } from './monitoring/fleet-alerts';
export { VClusterAlerts } from './monitoring/vcluster-alerts';
export type { VClusterAlertsForVClusterProps, VClusterAlertsProps } from './monitoring/vcluster-alerts';
export type { MonitoringSettings } from './monitoring/settings';
export { ALERT_NAMES } from './monitoring/alert-rules';
export type { AlertName } from './monitoring/alert-rules';
