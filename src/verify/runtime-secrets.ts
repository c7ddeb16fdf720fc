/**
 * The Secrets that exist at run time although no manifest declares them: written by the vcluster
 * control plane once it runs. This is the one list `npm run verify` accepts besides the Secrets
 * the chart renders and the ones our objects create (ExternalSecret targets, Certificate
 * `secretName`s). Read from loft-sh/vcluster at v0.31.3 and v0.36.1 (same in both):
 *
 * - `<release>-certs`: the control plane's PKI (`pkg/certs/ensure.go` `CertSecretName`); the
 *   chart's etcd StatefulSet mounts it at `/run/config/pki`.
 * - `vc-<release>`: the exported kubeconfig (`pkg/util/kubeconfig` `DefaultSecretPrefix` +
 *   release) with `config`, `certificate-authority`, `client-certificate`, `client-key`, `token`;
 *   or the name in `exportKubeConfig.secret.name`, plus each `exportKubeConfig.additionalSecrets[].name`.
 * - `vc-k3s-<release>`: the k3s join token, with the k3s distro only (`pkg/k8s/migrate.go`).
 */
import { Json, at, listAt, objAt } from './model';

/** One Secret the control plane writes at run time. */
export interface RuntimeSecret {
  readonly name: string;
  /** Who writes it and where that is in the vcluster source. */
  readonly writtenBy: string;
}

/** The runtime Secrets of a vcluster with release `release` and effective chart values `values`. */
export function runtimeSecrets(release: string, values: Json): RuntimeSecret[] {
  const out: RuntimeSecret[] = [{ name: `${release}-certs`, writtenBy: 'the control plane, its PKI (pkg/certs/ensure.go)' }];
  const exported = at(values, 'exportKubeConfig', 'secret', 'name');
  out.push({
    name: typeof exported === 'string' && exported !== '' ? exported : `vc-${release}`,
    writtenBy: 'the control plane, the exported kubeconfig (exportKubeConfig)',
  });
  for (const s of listAt(values, 'exportKubeConfig', 'additionalSecrets')) {
    if (typeof s.name === 'string' && s.name !== '')
      out.push({ name: s.name, writtenBy: 'the control plane, exportKubeConfig.additionalSecrets' });
  }
  if (objAt(values, 'controlPlane', 'distro', 'k3s').enabled === true) {
    out.push({ name: `vc-k3s-${release}`, writtenBy: 'the control plane, the k3s token (pkg/k8s/migrate.go)' });
  }
  return out;
}
