/**
 * The quota arithmetic: containers as admitted (API defaulting, then the LimitRange), pods as the
 * quota counts them (containers summed, or the largest init container), amounts as Kubernetes
 * writes them.
 */
import { Problems } from '../../src/validation';
import { deriveQuota, effectiveContainer, formatAmount, ownAmount } from '../../src/isolation/quota';
import type { PodGroup } from '../../src/vcluster/footprint';

const lr = { default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } };

describe('quota arithmetic', () => {
  test('a limit without a request becomes the request; the LimitRange fills what is still unset', () => {
    expect(effectiveContainer({ requests: {}, limits: { cpu: '2' } }, lr)).toEqual({
      requests: { cpu: 2, memory: 128 * 2 ** 20 },
      limits: { cpu: 2, memory: 512 * 2 ** 20 },
    });
    expect(effectiveContainer({ requests: { cpu: '20m' }, limits: {} }, lr)).toEqual({
      requests: { cpu: 0.02, memory: 128 * 2 ** 20 },
      limits: { cpu: 0.5, memory: 512 * 2 ** 20 },
    });
  });

  test('a pod needs the sum of its containers, or its largest init container when that is more', () => {
    const pod: PodGroup = {
      component: 'x',
      replicas: 2,
      containers: [{ requests: { cpu: '100m' }, limits: { cpu: '200m' } }],
      initContainers: [{ requests: { cpu: '300m' }, limits: { cpu: '300m' } }],
      volumeClaims: ['1Gi', '2Gi'],
    };
    expect(ownAmount('requests.cpu', [pod], lr)).toBeCloseTo(0.6);
    expect(ownAmount('cpu', [pod], lr)).toBeCloseTo(0.6);
    expect(ownAmount('limits.cpu', [pod], lr)).toBeCloseTo(0.6);
    expect(ownAmount('pods', [pod], lr)).toBe(2);
    expect(ownAmount('persistentvolumeclaims', [pod], lr)).toBe(4);
    expect(ownAmount('requests.storage', [pod], lr)).toBe(6 * 2 ** 30);
    expect(ownAmount('count/services', [pod], lr)).toBeUndefined();
  });

  test.each([
    ['limits.cpu', 9.5, '9500m'],
    ['requests.cpu', 4, '4'],
    ['limits.memory', 24404 * 2 ** 20, '24404Mi'],
    ['requests.memory', 16 * 2 ** 30, '16Gi'],
    ['requests.storage', 145 * 2 ** 30, '145Gi'],
    ['pods', 108, '108'],
  ])('%s %p is written %s', (key, amount, text) => {
    expect(formatAmount(key, amount)).toBe(text);
  });

  test('a key outside the allowance and the totals is not rendered; totals are kept as written', () => {
    const p = new Problems();
    const q = deriveQuota(p, [], lr, { 'count/services': '5' }, { pods: '10' });
    expect(q.hard).toEqual({ pods: '10', 'count/services': '5' });
    expect(q.own).toEqual({ pods: '0' });
    expect(p.ok).toBe(true);
  });
});
