/**
 * Label selectors as the API server and Cilium evaluate them.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 * @see https://docs.cilium.io/en/stable/security/policy/language/
 */
import { Json, at, listAt, objAt, stringsAt } from './model';

/** Labels of a pod. */
export type Labels = Readonly<Record<string, string>>;

/** True when a selector has no requirement at all (selects every pod of its namespace). */
export function isEmptySelector(selector: unknown): boolean {
  return Object.keys(objAt(selector, 'matchLabels')).length === 0 && listAt(selector, 'matchExpressions').length === 0;
}

/** True when a Kubernetes `LabelSelector` selects a pod with these labels. */
export function selects(selector: unknown, labels: Labels): boolean {
  for (const [k, v] of Object.entries(objAt(selector, 'matchLabels'))) if (labels[k] !== v) return false;
  for (const e of listAt(selector, 'matchExpressions')) {
    const key = String(e.key);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    const values = stringsAt(e, 'values');
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** The label Cilium gives every endpoint for its namespace. */
export const CILIUM_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';

/** A Cilium label key without its source prefix (`k8s:`, `any:`), or undefined for other sources. */
function ciliumKey(key: string): string | undefined {
  const m = /^([a-z0-9]+):(.*)$/.exec(key);
  if (!m) return key;
  return m[1] === 'k8s' || m[1] === 'any' ? m[2] : undefined;
}

/**
 * True when a Cilium `EndpointSelector` selects a pod with these labels in `namespace`. Keys may
 * carry the `k8s:`/`any:` source prefix; `io.kubernetes.pod.namespace` is the pod's namespace;
 * keys of other sources (`reserved:`, `cidr:`) never match a pod.
 */
export function ciliumSelects(selector: unknown, labels: Labels, namespace: string): boolean {
  const withNs: Record<string, string> = { ...labels, [CILIUM_NAMESPACE_LABEL]: namespace };
  const matchLabels: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(objAt(selector, 'matchLabels'))) {
    const key = ciliumKey(k);
    if (key === undefined) return false;
    matchLabels[key] = v;
  }
  const matchExpressions: Json[] = [];
  for (const e of listAt(selector, 'matchExpressions')) {
    const key = ciliumKey(String(e.key));
    if (key === undefined) return false;
    matchExpressions.push({ ...e, key });
  }
  return selects({ matchLabels, matchExpressions }, withNs);
}

/** The namespace a Cilium selector pins (`io.kubernetes.pod.namespace`), if any. */
export function ciliumNamespace(selector: unknown): string | undefined {
  for (const [k, v] of Object.entries(objAt(selector, 'matchLabels'))) if (ciliumKey(k) === CILIUM_NAMESPACE_LABEL) return String(v);
  return undefined;
}

/** Text of a selector for messages: `app=vcluster,release=x` or `app NotIn (etcd)`. */
export function describeSelector(selector: unknown): string {
  const parts = Object.entries(objAt(selector, 'matchLabels')).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of listAt(selector, 'matchExpressions')) {
    const values = stringsAt(e, 'values');
    parts.push(`${String(e.key)} ${String(e.operator)}${values.length ? ` (${values.join(', ')})` : ''}`);
  }
  return parts.join(',') || '(empty)';
}

/** A Service's `spec.selector` (a plain label map) as a `LabelSelector`, or undefined when it has none. */
export function serviceSelector(service: Json): Json | undefined {
  const s = at(service, 'spec', 'selector');
  if (s === null || typeof s !== 'object' || Array.isArray(s) || Object.keys(s).length === 0) return undefined;
  return { matchLabels: s };
}
