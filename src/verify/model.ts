/**
 * The data `npm run verify` works on: Kubernetes objects with the file they came from, the whole
 * rendered vcluster (the chart's objects plus ours) and the violations the invariants report.
 */

/** A JSON object (a parsed Kubernetes object or part of one). */
export type Json = { [key: string]: unknown };

/** Where an object came from: our `dist/` or the rendered vcluster chart. */
export type Origin = 'ours' | 'chart';

/** One Kubernetes object and where it came from. */
export interface Manifest {
  readonly origin: Origin;
  /** For messages: `dist/<name>/host/x.yaml` or `chart vcluster-0.31.3 templates/statefulset.yaml`. */
  readonly file: string;
  readonly obj: Json;
}

/**
 * Everything the invariants check about one vcluster: its own objects in `dist/` (Argo CD side,
 * host side and its bootstrap Applications), the objects of the vcluster chart rendered with the
 * Application's values, and the chart's effective values (its defaults merged with ours).
 */
export interface WholeVCluster {
  /** The `dist/` folder name. */
  readonly name: string;
  /** Helm release name of the vcluster chart. */
  readonly release: string;
  /** Host namespace the chart is installed into (the Application's destination namespace). */
  readonly namespace: string;
  /**
   * The chart's effective values: decoded from the config Secret the chart renders
   * (`vc-config-<release>`), which holds the chart defaults merged with the Application's values.
   * The Application's values when the chart renders no such Secret.
   */
  readonly values: Json;
  readonly objects: readonly Manifest[];
  /** The host cluster the chart was rendered for. */
  readonly host: HostCapabilities;
}

/**
 * What the host cluster serves, as `helm template` needs it (`--kube-version`, `--api-versions`).
 * API versions of built-in Kubernetes groups need not be listed.
 */
export interface HostCapabilities {
  /** Kubernetes version of the host, e.g. `1.30.0`. */
  readonly kubernetesVersion: string;
  /** API versions the host serves beyond the built-in groups, e.g. `argoproj.io/v1alpha1`. */
  readonly apiVersions: readonly string[];
}

/** One broken invariant. */
export interface Violation {
  /** Id of the invariant, e.g. `netpol-selects-pod`. */
  readonly invariant: string;
  /** The vcluster (`dist/` folder name). */
  readonly vcluster: string;
  /** The object at fault, `Kind/name` (or `values` for a Helm value). */
  readonly object: string;
  /** Where that object is (see {@link Manifest.file}). */
  readonly file: string;
  /** What is wrong, with the values that make it wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** An invariant over a whole vcluster: a pure function of it. */
export interface Invariant {
  /** Short kebab-case id shown in every violation. */
  readonly id: string;
  /** One line saying what holds when the invariant holds. */
  readonly summary: string;
  readonly check: (v: WholeVCluster) => Violation[];
}

/** The object's kind. */
export function kindOf(obj: Json): string {
  return typeof obj.kind === 'string' ? obj.kind : '';
}

/** The object's `metadata.name`. */
export function nameOf(obj: Json): string {
  const m = obj.metadata as Json | undefined;
  return typeof m?.name === 'string' ? m.name : '';
}

/** `Kind/name` of an object, for messages. */
export function refOf(obj: Json): string {
  return `${kindOf(obj)}/${nameOf(obj)}`;
}

/** The API group of an object (`''` for the core group). */
export function groupOf(obj: Json): string {
  const v = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : '';
}

/** The object's namespace, `fallback` (the release namespace) when it names none. */
export function namespaceOf(obj: Json, fallback: string): string {
  const m = obj.metadata as Json | undefined;
  return typeof m?.namespace === 'string' && m.namespace !== '' ? m.namespace : fallback;
}

/** The value at a path of nested objects, or undefined. */
export function at(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Json)[k];
  }
  return cur;
}

/** The value at a path when it is an object, else `{}`. */
export function objAt(obj: unknown, ...path: string[]): Json {
  const v = at(obj, ...path);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

/** The value at a path when it is an array of objects, else `[]`. */
export function listAt(obj: unknown, ...path: string[]): Json[] {
  const v = at(obj, ...path);
  return Array.isArray(v) ? v.filter((x): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x)) : [];
}

/** The value at a path when it is a string array (other entries dropped), else `[]`. */
export function stringsAt(obj: unknown, ...path: string[]): string[] {
  const v = at(obj, ...path);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Builds a violation for `m`'s object. */
export function violation(invariant: string, v: WholeVCluster, m: Manifest, message: string, fix: string): Violation {
  return { invariant, vcluster: v.name, object: refOf(m.obj), file: m.file, message, fix };
}

/** The manifests of a kind (and API group, when given). */
export function ofKind(v: WholeVCluster, kind: string, group?: string): Manifest[] {
  return v.objects.filter((m) => kindOf(m.obj) === kind && (group === undefined || groupOf(m.obj) === group));
}

/** One line for a violation: `vcluster: Kind/name (file) [invariant] message; fix: ...`. */
export function formatViolation(x: Violation): string {
  return `${x.vcluster}: ${x.object} (${x.file}) [${x.invariant}] ${x.message}; fix: ${x.fix}`;
}

/** Our Application that installs the vcluster chart (where its Helm values are set), if present. */
export function chartApplication(v: WholeVCluster): Manifest | undefined {
  return v.objects.find(
    (m) => m.origin === 'ours' && kindOf(m.obj) === 'Application' && at(m.obj, 'spec', 'source', 'helm', 'releaseName') === v.release,
  );
}

/** A violation of a Helm value, reported on the Application that sets the values. */
export function valueViolation(invariant: string, v: WholeVCluster, message: string, fix: string): Violation {
  const app = chartApplication(v);
  return { invariant, vcluster: v.name, object: app ? refOf(app.obj) : 'values', file: app ? app.file : '(chart values)', message, fix };
}
