import { ciliumNamespace, ciliumSelects, describeSelector, isEmptySelector, selects, serviceSelector } from '../../src/verify/selectors';

const POD = { app: 'vcluster', release: 'demo', tier: 'cp' };

describe('selectors', () => {
  test('matchLabels and every matchExpressions operator', () => {
    expect(selects({ matchLabels: { app: 'vcluster' } }, POD)).toBe(true);
    expect(selects({ matchLabels: { app: 'etcd' } }, POD)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'vcluster'] }] }, POD)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['vcluster'] }] }, POD)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'absent', operator: 'NotIn', values: ['x'] }] }, POD)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, POD)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, POD)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'Bogus' }] }, POD)).toBe(false);
    expect(isEmptySelector({})).toBe(true);
    expect(isEmptySelector({ matchLabels: {}, matchExpressions: [] })).toBe(true);
    expect(isEmptySelector({ matchLabels: { a: 'b' } })).toBe(false);
  });

  test('Cilium: source prefixes, the namespace label, other sources never match a pod', () => {
    expect(ciliumSelects({ matchLabels: { 'k8s:app': 'vcluster', 'any:release': 'demo' } }, POD, 'demo')).toBe(true);
    expect(ciliumSelects({ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'other' } }, POD, 'demo')).toBe(false);
    expect(ciliumSelects({ matchLabels: { 'reserved:host': '' } }, POD, 'demo')).toBe(false);
    expect(ciliumSelects({ matchExpressions: [{ key: 'k8s:app', operator: 'In', values: ['vcluster'] }] }, POD, 'demo')).toBe(true);
    expect(ciliumNamespace({ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system' } })).toBe('kube-system');
    expect(ciliumNamespace({ matchLabels: { app: 'x' } })).toBeUndefined();
  });

  test('describeSelector and serviceSelector', () => {
    expect(
      describeSelector({
        matchLabels: { app: 'x' },
        matchExpressions: [
          { key: 'k', operator: 'NotIn', values: ['a', 'b'] },
          { key: 'e', operator: 'Exists' },
        ],
      }),
    ).toBe('app=x,k NotIn (a, b),e Exists');
    expect(describeSelector({})).toBe('(empty)');
    expect(serviceSelector({ spec: { selector: { app: 'x' } } })).toEqual({ matchLabels: { app: 'x' } });
    expect(serviceSelector({ spec: {} })).toBeUndefined();
  });
});
