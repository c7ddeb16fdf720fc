/**
 * Integrations are enabled only where the control plane image implements them. The OSS syncer
 * (`ghcr.io/loft-sh/vcluster-oss`) registers only the metrics-server integration
 * (`pkg/integrations/integrations.go`, loft-sh/vcluster v0.20 to v0.36.1); cert-manager, External
 * Secrets, KubeVirt and Istio are Enterprise features. With the OSS image the values schema accepts
 * them and they do nothing, silently: no ClusterIssuer or ClusterSecretStore appears inside.
 */
import { Invariant, Json, Violation, WholeVCluster, at, listAt, objAt, valueViolation } from '../model';

const ID = 'integrations-supported';

/** Integrations the OSS image implements. */
export const OSS_INTEGRATIONS: readonly string[] = ['metricsServer'];

/** True for an image reference of the OSS control plane (`[registry/]loft-sh/vcluster-oss[:tag|@digest]`). */
export function isOssImage(image: string): boolean {
  return /(^|\/)loft-sh\/vcluster-oss([:@]|$)/.test(image);
}

/** The images of the control plane's syncer containers rendered by the chart. */
export function controlPlaneImages(v: WholeVCluster): string[] {
  const images: string[] = [];
  for (const m of v.objects) {
    if (m.origin !== 'chart' || !['StatefulSet', 'Deployment'].includes(String(m.obj.kind))) continue;
    if (at(m.obj, 'spec', 'template', 'metadata', 'labels', 'app') !== 'vcluster') continue;
    for (const c of listAt(m.obj, 'spec', 'template', 'spec', 'containers'))
      if (c.name === 'syncer' && typeof c.image === 'string') images.push(c.image);
  }
  return images;
}

function check(v: WholeVCluster): Violation[] {
  const images = controlPlaneImages(v);
  const oss = images.find(isOssImage);
  if (!oss) return [];
  const integrations: Json = objAt(v.values, 'integrations');
  return Object.keys(integrations)
    .filter((k) => !OSS_INTEGRATIONS.includes(k) && at(integrations, k, 'enabled') === true)
    .sort()
    .map((k) =>
      valueViolation(
        ID,
        v,
        `integrations.${k}.enabled is true but the control plane runs the OSS image ${oss}, which implements only ${OSS_INTEGRATIONS.join(', ')}: the setting silently does nothing`,
        `remove integrations.${k} (make it work inside the vcluster another way), or run the Enterprise image (controlPlane.statefulSet.image.repository loft-sh/vcluster-pro, licensed)`,
      ),
    );
}

/** Integrations only where the image supports them. */
export const integrationsSupported: Invariant = {
  id: ID,
  summary: 'integrations other than metricsServer are enabled only with a non-OSS control plane image',
  check,
};
