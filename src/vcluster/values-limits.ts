/**
 * The limits Kubernetes sets on what the vcluster chart renders from its values, checked on the
 * final values (the schema only says "a map of strings"): label keys and values (63 characters,
 * the label grammar), annotations (256 KiB in total), and resource quantities in the units of
 * their resource (CPU in cores, memory in bytes).
 */
import { Problems, isPlainObject, keyPath } from '../validation';

const LABEL_MAPS = ['labels', 'podLabels', 'matchLabels'];
const ANNOTATION_MAPS = ['annotations', 'podAnnotations'];

/** Reports every label map, annotation map and requests/limits map of `values` that Kubernetes would refuse. */
export function checkValueLimits(problems: Problems, field: string, values: unknown): void {
  walk(problems, field, values, false);
}

function walk(problems: Problems, path: string, node: unknown, inPatch: boolean): void {
  if (Array.isArray(node)) {
    node.forEach((x, i) => walk(problems, `${path}[${i}]`, x, inPatch));
    return;
  }
  if (!isPlainObject(node)) return;
  for (const [k, v] of Object.entries(node)) {
    const at = keyPath(path, k);
    // sync patches have their own `labels` (a selector of the patch, not object labels)
    if (k === 'patches') {
      walk(problems, at, v, true);
    } else if (!inPatch && LABEL_MAPS.includes(k) && isPlainObject(v)) {
      problems.labels(at, v);
    } else if (!inPatch && ANNOTATION_MAPS.includes(k) && isPlainObject(v)) {
      problems.annotations(at, v);
    } else if (k === 'resources' && isPlainObject(v)) {
      checkResources(problems, at, v);
      walk(problems, at, v, inPatch);
    } else {
      walk(problems, at, v, inPatch);
    }
  }
}

/** `requests` and `limits` of a container's resources, each quantity in the units of its resource. */
function checkResources(problems: Problems, path: string, resources: Record<string, unknown>): void {
  for (const kind of ['requests', 'limits']) {
    const quantities = resources[kind];
    if (!isPlainObject(quantities)) continue;
    for (const [resource, q] of Object.entries(quantities)) {
      const value = typeof q === 'number' && Number.isFinite(q) && q >= 0 ? String(q) : q;
      problems.resourceQuantity(keyPath(`${path}.${kind}`, resource), resource, value);
    }
  }
}
