/**
 * A built vcluster as the fleet layer keeps it: where it came from, its resolved declaration, the
 * facts the fleet-wide files need, and (unless streamed out) its rendered objects.
 */
import type { ResolvedVCluster } from '../declaration/resolve';
import type { JsonObject } from '../vcluster/helm-values';

/** What the fleet-level files (inventory) need of a built VCluster construct. */
export interface VClusterFacts {
  /** Preset. */
  readonly preset: string;
  /** Kubernetes image tag. */
  readonly kubernetesVersion: string;
  /** Chart version. */
  readonly targetRevision: string;
  /** Control-plane replicas. */
  readonly replicas: number;
  /** The final Helm values. */
  readonly helmValues: JsonObject;
}

/** A built vcluster. */
export interface BuiltVCluster {
  /** The declaration file, for messages (e.g. `vclusters/media.ts`). */
  readonly file: string;
  /** The resolved declaration. */
  readonly resolved: ResolvedVCluster;
  /** Facts of its VCluster construct (the chart itself is not kept: it is large). */
  readonly vcluster: VClusterFacts;
  /** Its rendered objects; empty when `buildFleet` was asked not to keep them (synth streams them instead). */
  readonly objects: readonly JsonObject[];
  /** How many objects it rendered. */
  readonly objectCount: number;
}
