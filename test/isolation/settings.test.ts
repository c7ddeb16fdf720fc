/**
 * Strict-mode settings laid over those below them (the strict-mode defaults; a site preset's under
 * a declaration's): one merge, key by key, a quota key set above in either form replacing it below.
 */
import { StrictIsolationSettings, layerStrictIsolation } from '../../src/isolation/settings';

const below: StrictIsolationSettings = {
  podSecurity: 'restricted',
  tenantQuota: { 'requests.cpu': '2', pods: '50' },
  resourceQuota: { 'limits.memory': '64Gi', 'count/services': '10' },
  limitRange: { default: { cpu: '300m' }, defaultRequest: { memory: '64Mi' } },
};

describe('layerStrictIsolation', () => {
  test('over nothing, and under nothing, the settings stay as they are', () => {
    expect(layerStrictIsolation({}, below)).toEqual(below);
    expect(layerStrictIsolation(below, {})).toEqual(below);
    expect(layerStrictIsolation({}, {})).toEqual({});
    expect(layerStrictIsolation({}, { podSecurity: 'baseline' })).toEqual({ podSecurity: 'baseline' });
  });

  test('podSecurity replaces; the quota and LimitRange maps merge key by key', () => {
    expect(
      layerStrictIsolation(below, {
        podSecurity: 'baseline',
        tenantQuota: { pods: '10' },
        resourceQuota: { 'count/services': '20' },
        limitRange: { default: { memory: '1Gi' } },
      }),
    ).toEqual({
      podSecurity: 'baseline',
      tenantQuota: { 'requests.cpu': '2', pods: '10' },
      resourceQuota: { 'limits.memory': '64Gi', 'count/services': '20' },
      limitRange: { default: { cpu: '300m', memory: '1Gi' }, defaultRequest: { memory: '64Mi' } },
    });
  });

  test('a key set above as an allowance replaces the total below, and a total replaces the allowance', () => {
    expect(layerStrictIsolation(below, { tenantQuota: { 'limits.memory': '32Gi' }, resourceQuota: { pods: '200' } })).toEqual({
      podSecurity: 'restricted',
      tenantQuota: { 'requests.cpu': '2', 'limits.memory': '32Gi' },
      resourceQuota: { 'count/services': '10', pods: '200' },
      limitRange: { default: { cpu: '300m' }, defaultRequest: { memory: '64Mi' } },
    });
  });

  test('copies: changing the result changes neither layer', () => {
    const above: StrictIsolationSettings = { tenantQuota: { pods: '10' } };
    const layered = layerStrictIsolation(below, above) as { tenantQuota: Record<string, string> };
    layered.tenantQuota.pods = '99';
    expect(below.tenantQuota).toEqual({ 'requests.cpu': '2', pods: '50' });
    expect(above.tenantQuota).toEqual({ pods: '10' });
  });
});
