/**
 * Plain data across threads: the copy, the factory calls that stand for factory-made values, the
 * issues with their paths, the rebuild on the other side, and the deep freeze of the platform.
 */
import { MAX_DEPTH, formatPath, fromPrintable, printable, rebuild, toPlainData } from '../../src/fleet/plain-data';
import { deepFreeze } from '../../src/validation';

class Made {
  constructor(public readonly how: string) {}
}
const made = new WeakMap<object, { factory: string; args: readonly unknown[] }>();
function make(how: string, props?: unknown): Made {
  const m = new Made(how);
  made.set(m, { factory: how, args: props === undefined ? [] : [props] });
  return m;
}
const known = (v: object) => made.get(v);

test('field paths print as the messages show them', () => {
  expect(formatPath(['helmValues', 'a', 0, 'b.c', 'd'])).toBe('helmValues.a[0]["b.c"].d');
  expect(formatPath([0])).toBe('[0]');
  expect(formatPath([])).toBe('');
});

test('plain data is copied as it is: undefined, NaN, -0, null prototypes, a key named __proto__', () => {
  const value = JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>;
  Object.assign(value, {
    u: undefined,
    n: NaN,
    z: -0,
    list: [1, 'two', null, [true]],
    bare: Object.assign(Object.create(null), { k: 'v' }),
  });
  const { data, calls, issues } = toPlainData(value, known);
  expect(issues).toEqual([]);
  expect(calls).toEqual([]);
  const copy = data as Record<string, unknown>;
  expect(copy).not.toBe(value);
  expect(Object.keys(copy)).toEqual(['__proto__', 'u', 'n', 'z', 'list', 'bare']);
  expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  expect(Object.is(copy.z, -0)).toBe(true);
  expect(Number.isNaN(copy.n)).toBe(true);
  expect(copy.list).toEqual([1, 'two', null, [true]]);
  expect(Object.getPrototypeOf(copy.bare)).toBe(Object.prototype);
});

test('factory-made values travel as calls and are made again at their paths', () => {
  const props = { hostname: 'a.example.com' };
  const { data, calls, issues } = toPlainData({ exposure: make('loadBalancer', props), list: [make('internal')] }, known);
  expect(issues).toEqual([]);
  expect(data).toEqual({ exposure: null, list: [null] });
  expect(calls).toEqual([
    { path: ['exposure'], factory: 'loadBalancer', args: [{ hostname: 'a.example.com' }] },
    { path: ['list', 0], factory: 'internal', args: [] },
  ]);
  expect(calls[0].args[0]).not.toBe(props); // a copy
  const back = rebuild(structuredClone(data), calls, (factory, args) => new Made(`${factory}(${JSON.stringify(args)})`)) as {
    exposure: Made;
    list: Made[];
  };
  expect(back.exposure).toEqual(new Made('loadBalancer([{"hostname":"a.example.com"}])'));
  expect(back.list[0]).toEqual(new Made('internal([])'));
  // a factory-made root value
  const root = toPlainData(make('internal'), known);
  expect(rebuild(root.data, root.calls, (f) => new Made(f))).toEqual(new Made('internal'));
});

test('arguments of a factory are checked as data too (named as the fields of the value made)', () => {
  const { issues } = toPlainData({ exposure: make('gateway', { hostname: () => 'x' }) }, known);
  expect(issues.map((i) => [formatPath(i.path), i.what])).toEqual([['exposure.hostname', 'a function (functions are never called)']]);
});

test('everything that is not data is an issue with its path; nothing is called', () => {
  let called = false;
  const cyclic: Record<string, unknown> = { name: 'c' };
  cyclic.again = { back: cyclic };
  const value = {
    get getter() {
      called = true;
      return 1;
    },
    f: function named() {
      called = true;
    },
    date: new Date(0),
    map: new Map(),
    instance: new Made('not by a factory'),
    sym: Symbol('s'),
    [Symbol('key')]: 1,
    big: BigInt(7),
    proxy: new Proxy(
      {},
      {
        getPrototypeOf: () => {
          called = true;
          return Object.prototype;
        },
      },
    ),
    cyclic,
  };
  const { issues } = toPlainData(value, known);
  expect(called).toBe(false);
  expect(issues.map((i) => [formatPath(i.path), i.what])).toEqual([
    ['["[Symbol(key)]"]', 'a symbol key'],
    ['getter', 'a getter or setter (never called)'],
    ['f', 'a function (functions are never called)'],
    ['date', 'an instance of Date'],
    ['map', 'an instance of Map'],
    ['instance', 'an instance of Made'],
    ['sym', 'a symbol'],
    ['big', 'a bigint (write a number)'],
    ['proxy', 'a Proxy'],
    ['cyclic.again.back', 'a cycle (the value contains itself)'],
  ]);
  expect(issues.find((i) => formatPath(i.path) === 'cyclic.again.back')!.value).toBe('[reference to cyclic]');
});

test('shared (not cyclic) references are copied twice; nesting deeper than the limit is refused', () => {
  const shared = { a: 1 };
  expect(toPlainData({ x: shared, y: shared }, known).issues).toEqual([]);
  let deep: Record<string, unknown> = {};
  const top = deep;
  for (let i = 0; i <= MAX_DEPTH; i++) deep = (deep.d = {}) as Record<string, unknown>;
  const { issues } = toPlainData(top, known);
  expect(issues.map((i) => i.what)).toEqual([`data nested more than ${MAX_DEPTH} levels deep`]);
});

test('printable values survive a structured clone and print like the original', () => {
  function original() {
    return 1;
  }
  const back = fromPrintable(structuredClone(printable(original))) as () => unknown;
  expect(typeof back).toBe('function');
  expect(back.name).toBe('original');
  expect(structuredClone(printable(new Date(0)))).toBe('1970-01-01T00:00:00.000Z');
  expect(printable(Symbol('x'))).toBe('Symbol(x)');
  expect(fromPrintable({ other: 1 })).toEqual({ other: 1 });
});

test('deepFreeze freezes every object reachable through own properties', () => {
  const labels = (c: { name: string }) => ({ name: c.name });
  const value = deepFreeze({ a: { b: [{ c: 1 }] }, fn: labels });
  expect(Object.isFrozen(value.a.b[0])).toBe(true);
  expect(Object.isFrozen(value.fn)).toBe(true);
  expect(() => {
    (value.a.b[0] as { c: number }).c = 2;
  }).toThrow(TypeError);
  expect(value.fn({ name: 'still callable' })).toEqual({ name: 'still callable' });
});
