/**
 * The kubeconfig the vcluster chart exports (`exportKubeConfig`): which Secret it lands in and
 * which credentials it carries, as the kubeconfig sync and the Argo CD registration read them.
 */
import { Problems, isPlainObject } from '../validation';
import type { VClusterHelmValues } from './helm-values';
import type { KubeconfigExport } from './ivcluster';

/** The `exportKubeConfig` values of the chart. */
export type ExportKubeConfig = NonNullable<VClusterHelmValues['exportKubeConfig']>;

/**
 * Reads the chart's `exportKubeConfig` values: the Secret name (`secret.name`, else `vc-<release>`)
 * and the credentials (`serviceAccount.name` set: a token kubeconfig, else client certificates).
 */
export function kubeconfigExportOf(exportKubeConfig: unknown, releaseName: string): KubeconfigExport {
  const e = (isPlainObject(exportKubeConfig) ? exportKubeConfig : {}) as {
    secret?: { name?: unknown };
    serviceAccount?: { name?: unknown };
  };
  const secretName = isPlainObject(e.secret) && typeof e.secret.name === 'string' && e.secret.name ? e.secret.name : `vc-${releaseName}`;
  const serviceAccount = isPlainObject(e.serviceAccount) && typeof e.serviceAccount.name === 'string' && e.serviceAccount.name !== '';
  return { secretName, credentials: serviceAccount ? 'bearerToken' : 'clientCertificate' };
}

/**
 * Checks the `exportKubeConfig` values the sync and the registration depend on: the kubeconfig
 * must be verifiable (no `insecure: true`) and its Secret must be in the vcluster's
 * namespace (the PushSecret / Job read it there).
 */
export function checkKubeconfigExport(problems: Problems, field: string, exportKubeConfig: unknown, namespace: string): void {
  if (exportKubeConfig === undefined) return;
  if (!problems.object(field, exportKubeConfig, "the chart's exportKubeConfig values")) return;
  if (exportKubeConfig.insecure === true) {
    problems.add(
      `${field}.insecure`,
      true,
      'false or unset: Argo CD registers the vcluster with its CA, never insecurely',
      'remove insecure',
    );
  }
  const secret = exportKubeConfig.secret;
  if (isPlainObject(secret)) {
    if (secret.name !== undefined) problems.dnsSubdomain(`${field}.secret.name`, secret.name);
    if (secret.namespace !== undefined && secret.namespace !== '' && secret.namespace !== namespace) {
      problems.add(
        `${field}.secret.namespace`,
        secret.namespace,
        `the vcluster's namespace "${namespace}" (or unset): the kubeconfig is synced from there`,
      );
    }
  }
}
