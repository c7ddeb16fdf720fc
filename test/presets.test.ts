import * as fs from 'fs';
import * as path from 'path';
import { CHART_COREFILES } from '../src/coredns-patch';
import {
  CHART_LINES,
  NEWEST_CHART_VERSION,
  PRESETS,
  chartLineOf,
  chartVersionsAllowed,
  chartVersionsOf,
  kubernetesVersionsAllowed,
  resolveKubernetesVersion,
} from '../src/presets';
import { CHART_DEFAULT_RESOURCES } from '../src/vcluster/footprint';

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

  test('chart versions map to their line; ranges, unknown lines and patches newer than the imported schema do not', () => {
    expect(chartLineOf('0.31.1')).toBe('0.31');
    expect(chartLineOf('0.30.4')).toBe('0.30');
    expect(chartLineOf('0.36.1')).toBe('0.36');
    expect(chartLineOf('0.36.0')).toBe('0.36');
    expect(chartLineOf('0.30.5')).toBeUndefined();
    expect(chartLineOf('0.33.0')).toBeUndefined();
    expect(chartLineOf('0.31')).toBeUndefined();
    expect(chartLineOf('^0.31.0')).toBeUndefined();
    expect(chartVersionsOf('0.31')).toEqual(['0.31.0', '0.31.1', '0.31.2', '0.31.3']);
    expect(chartVersionsAllowed()).toBe('0.30.0–0.30.4, 0.31.0–0.31.3, 0.36.0–0.36.1');
  });

  test('the supported lines are those whose values schema is imported, newest last', () => {
    expect(CHART_LINES).toEqual([
      { line: '0.30', newest: '0.30.4' },
      { line: '0.31', newest: '0.31.3' },
      { line: '0.36', newest: '0.36.1' },
    ]);
    expect(NEWEST_CHART_VERSION).toBe('0.36.1');
    for (const { line } of CHART_LINES) {
      const imports = path.join(__dirname, '..', 'imports');
      expect([
        fs.existsSync(path.join(imports, `vcluster-values-${line}.validate.js`)),
        fs.existsSync(path.join(imports, `vcluster-values-${line}.ts`)),
      ]).toEqual([true, true]);
      // the facts read from each line's chart: its Corefile and default resources
      expect([typeof CHART_COREFILES[line], typeof CHART_DEFAULT_RESOURCES[line]]).toEqual(['function', 'object']);
    }
  });

  test('Kubernetes versions follow the chart line: 1.35 and 1.36 only from 0.36', () => {
    expect(resolveKubernetesVersion('1.36', '0.36')).toBe('v1.36.0');
    expect(resolveKubernetesVersion('1.35', '0.36')).toBe('v1.35.0');
    expect(resolveKubernetesVersion('1.34', '0.36')).toBe('v1.34.3');
    expect(resolveKubernetesVersion('1.36', '0.31')).toBeUndefined();
    expect(resolveKubernetesVersion('1.35', '0.30')).toBeUndefined();
    expect(resolveKubernetesVersion('1.32', '0.30')).toBe('v1.32.11');
    expect(kubernetesVersionsAllowed('0.31')).toBe('"1.34" (= v1.34.3), "1.33" (= v1.33.7), "1.32" (= v1.32.11) (chart line 0.31)');
  });
});
