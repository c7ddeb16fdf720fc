/**
 * Integrations only where the image has them: the OSS image registers the metrics-server
 * integration alone, so cert-manager and External Secrets integration values are never rendered
 * for it, and asking for them is refused; the Pro edition renders them from the selectors.
 */
import { PlatformConfig, definePlatform } from '../../src';
import { FleetError, buildFleet } from '../../src/fleet/fleet';
import { config } from '../fixtures/integratn/platform';
import { helmValues, platform, render } from '../util';

const labels = {
  clusterIssuerSelectorLabels: { 'integratn.tech/cluster-issuer': 'letsencrypt-prod' },
  clusterStoreSelectorLabels: { 'integratn.tech/cluster-secret-store': 'onepassword-store' },
};
const pro = definePlatform({ ...config, vcluster: { edition: 'pro' }, integrations: labels } as PlatformConfig);

/** The problems of building one declaration (fails the test when it builds). */
function problems(spec: object, site = platform) {
  try {
    buildFleet(site, [{ file: 'vclusters/a.ts', spec: { name: 'a', ...spec } }]);
  } catch (e) {
    expect(e).toBeInstanceOf(FleetError);
    return (e as FleetError).problems;
  }
  throw new Error('the declaration was accepted');
}

describe('integrations and the edition', () => {
  test('OSS: only the metrics-server integration, on by default, off on request', () => {
    expect(helmValues(render({ name: 'a' })).integrations).toEqual({ metricsServer: { enabled: true } });
    expect(helmValues(render({ name: 'a', integrations: { metricsServer: { enabled: false } } })).integrations).toEqual({
      metricsServer: { enabled: false },
    });
  });

  test('OSS: { enabled: false } is accepted as the no-op it is', () => {
    const v = helmValues(render({ name: 'a', integrations: { certManager: { enabled: false }, externalSecrets: { enabled: false } } }));
    expect(v.integrations).toEqual({ metricsServer: { enabled: true } });
  });

  test('OSS: a declaration asking for cert-manager is one clear error', () => {
    expect(problems({ integrations: { certManager: { clusterIssuerSelectorLabels: { issuer: 'x' } } } })).toEqual([
      {
        source: 'vclusters/a.ts',
        field: 'integrations.certManager',
        value: { clusterIssuerSelectorLabels: { issuer: 'x' } },
        allowed:
          "nothing, or { enabled: false }, with the platform's oss edition: the certManager integration is a vcluster Pro feature, and the OSS image accepts its values and does nothing",
        fix: 'remove integrations.certManager; with OSS the host ApplicationSets install cert-manager (cluster label enable_cert_manager) inside the vcluster (README, "cert-manager and External Secrets inside a vcluster")',
      },
    ]);
  });

  test('OSS: asking for External Secrets is refused, and so is switching it on through helmValues', () => {
    expect(problems({ integrations: { externalSecrets: { enabled: true } } }).map((p) => p.field)).toEqual([
      'integrations.externalSecrets',
    ]);
    expect(problems({ helmValues: { integrations: { externalSecrets: { enabled: true } } } })).toEqual([
      expect.objectContaining({ field: 'helmValues.integrations.externalSecrets.enabled', value: true }),
    ]);
  });

  test('OSS: a platform with selector labels is refused where the site is defined', () => {
    expect(() => definePlatform({ ...config, integrations: labels } as PlatformConfig)).toThrow(
      /integrations\.clusterIssuerSelectorLabels: .* is not allowed\. Allowed: no selector labels with the oss edition/,
    );
  });

  test("Pro: both integrations from the platform's selectors; a declaration overrides or switches one off", () => {
    const v = helmValues(render({ name: 'a' }, pro));
    expect(v.integrations).toEqual({
      metricsServer: { enabled: true },
      certManager: {
        enabled: true,
        sync: {
          fromHost: { clusterIssuers: { enabled: true, selector: { labels: { 'integratn.tech/cluster-issuer': 'letsencrypt-prod' } } } },
        },
      },
      externalSecrets: {
        enabled: true,
        webhook: { enabled: true },
        sync: {
          fromHost: {
            clusterStores: { enabled: true, selector: { matchLabels: { 'integratn.tech/cluster-secret-store': 'onepassword-store' } } },
          },
        },
      },
    });
    const off = helmValues(render({ name: 'a', integrations: { certManager: { enabled: false } } }, pro));
    expect(Object.keys(off.integrations).sort()).toEqual(['externalSecrets', 'metricsServer']);
  });

  test('Pro: switching an integration on without selector labels anywhere is refused', () => {
    const bare = definePlatform({ ...config, vcluster: { edition: 'pro' } } as PlatformConfig);
    expect(helmValues(render({ name: 'a' }, bare)).integrations).toEqual({ metricsServer: { enabled: true } });
    expect(problems({ integrations: { certManager: { enabled: true } } }, bare)).toEqual([
      expect.objectContaining({
        field: 'integrations.certManager.enabled',
        value: true,
        allowed: expect.stringMatching(/^true only with selector labels/),
      }),
    ]);
  });
});
