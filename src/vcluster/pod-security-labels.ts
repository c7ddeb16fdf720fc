/**
 * Pod Security admission labels of a vcluster's host namespace come from the library only (strict
 * isolation adds them through `IVCluster.addNamespaceLabels`): a site label, a namespace label of
 * the VCluster or a label in the Application's `managedNamespaceMetadata` could weaken them or
 * fight them.
 */
import { Problems, isPlainObject } from '../validation';

/** Prefix of the Pod Security admission labels (`pod-security.kubernetes.io/enforce`, `.../warn`, ...). */
export const POD_SECURITY_LABEL_PREFIX = 'pod-security.kubernetes.io/';

/**
 * Refuses Pod Security admission labels in a map of labels written by a user or the site.
 * @returns whether there were none
 */
export function checkNoPodSecurityLabels(problems: Problems, field: string, labels: unknown): boolean {
  if (!isPlainObject(labels)) return true;
  let ok = true;
  for (const [k, v] of Object.entries(labels)) {
    if (!k.startsWith(POD_SECURITY_LABEL_PREFIX)) continue;
    ok = problems.add(
      `${field}[${JSON.stringify(k)}]`,
      v,
      'no Pod Security label here: the library alone sets them (isolationMode "strict" with isolation.podSecurity), so that nothing can weaken or contradict them',
      'remove the label; use isolationMode: "strict" for Pod Security admission',
    );
  }
  return ok;
}
