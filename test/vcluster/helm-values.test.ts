/**
 * The merges and copies of Helm values cannot be polluted: a key named `__proto__` (as JSON.parse,
 * YAML and computed keys make it) stays an ordinary key and never drops or changes another value.
 */
import { cloneJson, compact, deepMerge, setOwn, valueAtPath } from '../../src/vcluster/helm-values';

const hostile = () => JSON.parse('{"controlPlane":{"__proto__":{"statefulSet":{"highAvailability":{"replicas":99}}},"x":1}}');

describe('prototype-safe merges', () => {
  test('deepMerge keeps every computed value when the overlay has a __proto__ key', () => {
    // GIVEN computed values and an overlay with a __proto__ key (the attack of an unchecked helmValues)
    const computed = {
      controlPlane: { statefulSet: { highAvailability: { replicas: 3 }, persistence: { volumeClaim: { retentionPolicy: 'Retain' } } } },
    };
    // WHEN merged
    const merged = deepMerge(computed, hostile()) as any;
    // THEN nothing computed is lost, the key is an own key, and no prototype changed
    expect(merged.controlPlane.statefulSet).toEqual({
      highAvailability: { replicas: 3 },
      persistence: { volumeClaim: { retentionPolicy: 'Retain' } },
    });
    expect(Object.getPrototypeOf(merged.controlPlane)).toBe(Object.prototype);
    expect(Object.getOwnPropertyNames(merged.controlPlane)).toEqual(['statefulSet', '__proto__', 'x']);
    expect(({} as any).statefulSet).toBeUndefined();
  });

  test('cloneJson and compact copy a __proto__ key as an own key', () => {
    for (const copy of [cloneJson(hostile()), compact(hostile())] as any[]) {
      expect(Object.getPrototypeOf(copy.controlPlane)).toBe(Object.prototype);
      expect(Object.getOwnPropertyNames(copy.controlPlane)).toEqual(['__proto__', 'x']);
      expect(copy.controlPlane.statefulSet).toBeUndefined();
    }
  });

  test('setOwn never sets a prototype; valueAtPath reads own keys only', () => {
    const o: Record<string, unknown> = {};
    setOwn(o, '__proto__', { polluted: true });
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect((o as any).polluted).toBeUndefined();
    expect(valueAtPath({ a: {} }, ['a', 'constructor'])).toBeUndefined();
    expect(valueAtPath({ a: {} }, ['a', 'toString'])).toBeUndefined();
  });
});
