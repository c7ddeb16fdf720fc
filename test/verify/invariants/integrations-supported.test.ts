import { integrationsSupported, isOssImage } from '../../../src/verify/invariants/integrations-supported';
import { Json } from '../../../src/verify/model';
import { RELEASE, chart, container, ours, whole, workload } from '../fixtures';

const cp = (image: string) =>
  chart(
    workload('StatefulSet', RELEASE, { app: 'vcluster', release: RELEASE }, 1, [container('syncer', {}, {}, { image })]),
    'templates/statefulset.yaml',
  );
const APP = ours({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'vcluster-demo' },
  spec: { source: { chart: 'vcluster', helm: { releaseName: RELEASE } } },
});
const integrations: Json = {
  integrations: {
    certManager: { enabled: true },
    externalSecrets: { enabled: true },
    metricsServer: { enabled: true },
    kubeVirt: { enabled: false },
  },
};

describe('integrations-supported', () => {
  test('violated: cert-manager and External Secrets with the OSS image', () => {
    const out = integrationsSupported.check(whole([APP, cp('ghcr.io/loft-sh/vcluster-oss:0.31.3')], integrations));
    expect(out.map((x) => [x.object, x.message])).toEqual([
      [
        'Application/vcluster-demo',
        'integrations.certManager.enabled is true but the control plane runs the OSS image ghcr.io/loft-sh/vcluster-oss:0.31.3, which implements only metricsServer: the setting silently does nothing',
      ],
      [
        'Application/vcluster-demo',
        'integrations.externalSecrets.enabled is true but the control plane runs the OSS image ghcr.io/loft-sh/vcluster-oss:0.31.3, which implements only metricsServer: the setting silently does nothing',
      ],
    ]);
  });

  test('holds: the Pro image; OSS with metrics-server only', () => {
    expect(integrationsSupported.check(whole([APP, cp('ghcr.io/loft-sh/vcluster-pro:0.31.3')], integrations))).toEqual([]);
    expect(
      integrationsSupported.check(
        whole([APP, cp('ghcr.io/loft-sh/vcluster-oss:0.31.3')], { integrations: { metricsServer: { enabled: true } } }),
      ),
    ).toEqual([]);
  });

  test('isOssImage', () => {
    expect(
      ['loft-sh/vcluster-oss', 'ghcr.io/loft-sh/vcluster-oss:0.36.1', 'mirror.example/loft-sh/vcluster-oss@sha256:ab'].map(isOssImage),
    ).toEqual([true, true, true]);
    expect(['ghcr.io/loft-sh/vcluster-pro:0.31.3', 'ghcr.io/loft-sh/vcluster-ossified:1'].map(isOssImage)).toEqual([false, false]);
  });
});
