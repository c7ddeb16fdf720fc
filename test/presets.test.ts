import { PRESETS, chartLineOf, resolveKubernetesVersion } from '../src/presets';

describe('presets', () => {
  test('dev and prod carry the original pipeline code values, except that dev keeps its store on a PVC', () => {
    expect(PRESETS.dev).toEqual({
      replicas: 1,
      resources: { requests: { cpu: '200m', memory: '768Mi' }, limits: { cpu: '1000m', memory: '1536Mi' } },
      persistence: { enabled: true, size: '5Gi' },
      corednsReplicas: 1,
      environment: 'development',
      deletionPolicy: 'delete',
    });
    expect(PRESETS.prod).toEqual({
      replicas: 3,
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
      persistence: { enabled: true, size: '10Gi' },
      corednsReplicas: 2,
      environment: 'production',
      deletionPolicy: 'retain',
    });
  });

  test.each([
    ['1.34', 'v1.34.3'],
    ['v1.34', 'v1.34.3'],
    ['v1.34.3', 'v1.34.3'],
    ['1.33', 'v1.33.7'],
    ['1.32', 'v1.32.11'],
  ])('Kubernetes %s resolves to the pinned tag %s', (given, tag) => {
    expect(resolveKubernetesVersion(given)).toBe(tag);
  });

  test.each(['1.31', 'v1.34.1', 'latest', '1.34.x', ''])('Kubernetes %p is not supported', (given) => {
    expect(resolveKubernetesVersion(given)).toBeUndefined();
  });

  test('chart versions map to their line; ranges and unknown versions do not', () => {
    expect(chartLineOf('0.31.1')).toBe('0.31');
    expect(chartLineOf('0.30.4')).toBe('0.30');
    expect(chartLineOf('0.31')).toBeUndefined();
    expect(chartLineOf('^0.31.0')).toBeUndefined();
    expect(chartLineOf('0.36.1')).toBeUndefined();
  });
});
