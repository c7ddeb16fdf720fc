/**
 * IVCluster: what the add-ons of a vcluster need of it. Every add-on (DNS, network and strict
 * isolation, kubeconfig sync, Argo CD registration, etcd, the API route) takes
 * `{ vcluster: IVCluster, ...its own options }` and reads names, namespace, domains, the API
 * endpoint and the kubeconfig export from it; {@link VCluster} implements it.
 */
import type { IConstruct } from 'constructs';
import type { VClusterNames } from '../naming';
import type { ChartLine, DeletionPolicy } from '../presets';
import type { JsonObject } from './helm-values';

/** How Argo CD authenticates to a vcluster: the credentials its exported kubeconfig carries. */
export type ClusterCredentials = 'clientCertificate' | 'bearerToken';

/** Every credentials kind, for validation messages. */
export const CLUSTER_CREDENTIALS: readonly ClusterCredentials[] = ['clientCertificate', 'bearerToken'];

/** The kubeconfig the vcluster chart exports (`exportKubeConfig`). */
export interface KubeconfigExport {
  /** The Secret the chart writes the kubeconfig to (in the vcluster namespace). */
  readonly secretName: string;
  /** The credentials the kubeconfig carries. */
  readonly credentials: ClusterCredentials;
}

/** The vcluster API as its clients reach it, once the exposure is bound to the vcluster. */
export interface ApiEndpoint {
  /** The exposure mode, as in `Exposure.<mode>()`. */
  readonly mode: string;
  /** Hostname clients connect to. */
  readonly hostname: string;
  /** Port clients connect to. */
  readonly apiPort: number;
  /** URL of the API for kubeconfigs and Argo CD. */
  readonly serverUrl: string;
  /** The hostname published outside the host cluster (two vclusters must not share it), if any. */
  readonly publicHostname?: string;
  /** The load-balancer address (two vclusters on one host cluster must not share it), if fixed. */
  readonly vip?: string;
  /** Namespaces whose pods reach the API on its target port besides Argo CD (e.g. a gateway). */
  readonly clientNamespaces: readonly string[];
  /** Whether clients arrive through a load balancer whose traffic reaches the pods from the nodes (SNAT). */
  readonly loadBalancerSnat: boolean;
  /** One line for people (the inventory): the URL and how it is reached. */
  readonly description: string;
}

/** How a layer of Helm values added by an add-on is applied. */
export interface HelmValuesOptions {
  /**
   * No later layer may change these values (the declaration's `helmValues` included): the final
   * values are checked to still hold every one of them. Strict isolation adds its values this way.
   * @default false
   */
  readonly final?: boolean;
}

/**
 * A vcluster as its add-ons see it.
 *
 * Add-ons contribute Helm values with {@link addHelmValues} and namespace labels with
 * {@link addNamespaceLabels}; everything else they read.
 */
export interface IVCluster extends IConstruct {
  /** Every derived name (release, namespace, project, Application, kubeconfig Secret, item, ...). */
  readonly names: VClusterNames;
  /** The chart line the vcluster installs (what the chart and its syncer render by default depends on it). */
  readonly chartLine: ChartLine;
  /** Cluster domain inside the vcluster. */
  readonly clusterDomain: string;
  /** Cluster domain of the host cluster: the DNS suffix of the vcluster's Services on the host. */
  readonly hostClusterDomain: string;
  /** The API endpoint (bound exposure). */
  readonly endpoint: ApiEndpoint;
  /** Environment label of the vcluster (Argo CD registration, monitoring). */
  readonly environment: string;
  /** What removing the vcluster does to its data. */
  readonly deletionPolicy: DeletionPolicy;
  /** Members of the etcd the chart deploys for it; 0 when it runs on another backing store. */
  readonly etcdMembers: number;
  /** The kubeconfig the chart exports (from the final Helm values). */
  readonly kubeconfig: KubeconfigExport;
  /**
   * Adds Helm values, applied over the vcluster's computed values and under the declaration's
   * escape hatch. Call before synthesis.
   * @param source who adds them, for error messages
   * @param options `final: true` when no later layer may change them
   */
  addHelmValues(source: string, values: object, options?: HelmValuesOptions): void;
  /** Adds labels to the host namespace (e.g. Pod Security admission labels). */
  addNamespaceLabels(labels: Readonly<Record<string, string>>): void;
  /** The final Helm values, every layer applied. */
  helmValues(): JsonObject;
}
