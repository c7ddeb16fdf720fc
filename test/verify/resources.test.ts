import { effectiveContainer, limitRangeOf, podUsage } from '../../src/verify/resources';
import { NS, ours, whole } from './fixtures';

const lr = (name: string, item: object) =>
  ours({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name, namespace: NS }, spec: { limits: [{ type: 'Container', ...item }] } });

describe('resources', () => {
  test('LimitRange defaulting: default from max, defaultRequest from default; first LimitRange by name wins', () => {
    const r = limitRangeOf(
      whole([lr('b', { default: { cpu: '2' } }), lr('a', { max: { cpu: '1', memory: '1Gi' }, defaultRequest: { memory: '100Mi' } })]),
      NS,
    );
    expect(r.names).toEqual(['a', 'b']);
    expect(r.default).toEqual({ cpu: 1, memory: 2 ** 30 });
    expect(r.defaultRequest).toEqual({ cpu: 1, memory: 100 * 2 ** 20 });
  });

  test('a container: a limit without a request makes the request; LimitRange defaults fill the rest and are marked', () => {
    const r = limitRangeOf(
      whole([lr('a', { default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } })]),
      NS,
    );
    const c = effectiveContainer({ name: 'c', resources: { limits: { cpu: '2' } } }, false, r);
    expect(c.requests).toEqual({ cpu: 2, memory: 128 * 2 ** 20, 'ephemeral-storage': undefined });
    expect(c.limits).toEqual({ cpu: 2, memory: 512 * 2 ** 20, 'ephemeral-storage': undefined });
    expect([...c.defaulted].sort()).toEqual(['limits.memory', 'requests.memory']);
    expect(c.refused).toEqual([]);
  });

  test('pod usage: max(sum of app and sidecar containers, largest init container); undefined when one container has none', () => {
    const none = limitRangeOf(whole([]), NS);
    const app = effectiveContainer({ name: 'a', resources: { requests: { cpu: '1' } } }, false, none);
    const sidecar = effectiveContainer({ name: 's', restartPolicy: 'Always', resources: { requests: { cpu: '500m' } } }, true, none);
    const init = effectiveContainer({ name: 'i', resources: { requests: { cpu: '2' } } }, true, none);
    expect(podUsage([app, sidecar], 'requests', 'cpu')).toBe(1.5);
    expect(podUsage([app, sidecar, init], 'requests', 'cpu')).toBe(2);
    expect(podUsage([app], 'limits', 'cpu')).toBeUndefined();
  });
});
