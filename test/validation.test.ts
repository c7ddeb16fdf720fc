import {
  Problems,
  ValidationError,
  checkPlainData,
  formatProblem,
  keyPath,
  parseQuantity,
  showValue,
  specialIpv4,
} from '../src/validation';

describe('Problems', () => {
  test.each(['250m', '2', '0.5', '1.5Gi', '512Mi', '1e3', '100k', '.5'])('quantity %p is accepted', (q) => {
    const p = new Problems();
    expect(p.quantity('cpu', q)).toBe(true);
  });

  test.each(['250 millicores', '2 cores', '-1', '1GB', 'Gi', '', '1.5 Gi', 'abc'])('quantity %p is refused with field and value', (q) => {
    const p = new Problems('resources');
    expect(p.quantity('requests.cpu', q)).toBe(false);
    expect(formatProblem(p.list[0])).toBe(
      `resources.requests.cpu: ${JSON.stringify(q)} is not allowed. Allowed: a non-negative Kubernetes quantity such as "250m", "2", "512Mi" or "1.5Gi" (no spaces, no unit words).`,
    );
  });

  test('CIDRs must be IPv4 network addresses', () => {
    const p = new Problems();
    expect(p.cidr4('a', '10.0.3.1/32')).toBe(true);
    expect(p.cidr4('b', '10.0.0.0/8')).toBe(true);
    expect(p.cidr4('c', '10.0.3.1/24')).toBe(false);
    expect(p.list[0].fix).toBe('write "10.0.3.0/24"');
    expect(p.cidr4('d', '10.0.0.0/33')).toBe(false);
    expect(p.cidr4('e', '300.0.0.0/8')).toBe(false);
    expect(p.cidr4('f', 'fd00::/8')).toBe(false);
    expect(p.list.map((x) => x.field)).toEqual(['c', 'd', 'e', 'f']);
  });

  test('hostnames, ports, IPs and labels', () => {
    const p = new Problems();
    expect(p.hostname('h', 'media.integratn.tech')).toBe(true);
    expect(p.hostname('h1', 'Media.integratn.tech')).toBe(false);
    expect(p.hostname('h2', 'media')).toBe(false);
    expect(p.hostname('h3', 'media_1.example.com')).toBe(false);
    expect(p.port('p', 443)).toBe(true);
    expect(p.port('p1', 0)).toBe(false);
    expect(p.port('p2', 65536)).toBe(false);
    expect(p.port('p3', 44.5)).toBe(false);
    expect(p.ipv4('i', '10.0.4.200')).toBe(true);
    expect(p.ipv4('i1', '999.1.1.1')).toBe(false);
    expect(p.labels('l', { 'integratn.tech/cluster-issuer': 'letsencrypt-prod', team: 'media' })).toBe(true);
    expect(p.labels('l1', { 'bad key!': 'x' })).toBe(false);
    expect(p.labels('l2', { ok: 'bad value!' })).toBe(false);
    expect(p.list.map((x) => x.field)).toEqual(['h1', 'h2', 'h3', 'p1', 'p2', 'p3', 'i1', 'l1["bad key!"]', 'l2["ok"]']);
  });

  test('a ValidationError lists every problem', () => {
    const p = new Problems();
    p.port('apiPort', 70000);
    p.dnsLabel('name', 'Bad_Name');
    const err = (() => {
      try {
        p.throwIfAny('vcluster "x"');
      } catch (e) {
        return e as ValidationError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect(err!.problems).toHaveLength(2);
    expect(err!.message).toBe(
      'invalid vcluster "x" (2 problems):\n' +
        '  - apiPort: 70000 is not allowed. Allowed: an integer from 1 to 65535.\n' +
        '  - name: "Bad_Name" is not allowed. Allowed: a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit.',
    );
    expect(err!.withSource('vclusters/x.ts').problems[0].source).toBe('vclusters/x.ts');
  });
});

describe('showValue', () => {
  test('says what JSON cannot: NaN, Infinity, -0, undefined, functions, cycles', () => {
    expect(showValue(NaN)).toBe('NaN');
    expect(showValue(Infinity)).toBe('Infinity');
    expect(showValue(-Infinity)).toBe('-Infinity');
    expect(showValue(-0)).toBe('-0');
    expect(showValue({ replicas: NaN, cpu: Infinity, list: [1, undefined] })).toBe('{"replicas":NaN,"cpu":Infinity,"list":[1,null]}');
    expect(showValue(undefined)).toBe('undefined');
    expect(showValue(function labels() {})).toBe('[function labels]');
    const c: Record<string, unknown> = { a: 1 };
    c.self = c;
    expect(showValue(c)).toBe('{"a":1,"self":[circular]}');
  });

  test('plain JSON looks as JSON.stringify writes it; long values are cut and say their length', () => {
    const v = { a: 'b', n: [1, 2], o: { x: null } };
    expect(showValue(v)).toBe(JSON.stringify(v));
    expect(showValue('x'.repeat(1000))).toBe(`"${'x'.repeat(156)}... (1000 characters)`);
    expect(showValue({ big: 'y'.repeat(1000) })).toHaveLength(160);
  });
});

describe('checkPlainData', () => {
  const lines = (value: unknown, options = {}) => {
    const p = new Problems();
    checkPlainData(p, 'spec', value, options);
    return p.list.map((x) => formatProblem(x));
  };

  test('plain data passes', () => {
    expect(lines({ a: [1, 'b', { c: true, d: null }], e: Object.create(null) })).toEqual([]);
  });

  test('throws on keys that change how objects behave, at any depth', () => {
    expect(lines(JSON.parse('{"a":[{"__proto__":{"x":1}}],"constructor":2,"b":{"prototype":3}}'))).toEqual([
      'spec.a[0]["__proto__"]: {"x":1} is not allowed. Allowed: no key named "__proto__", "constructor" or "prototype" (writing one into an object changes how every object behaves). Fix: remove the key',
      'spec["constructor"]: 2 is not allowed. Allowed: no key named "__proto__", "constructor" or "prototype" (writing one into an object changes how every object behaves). Fix: remove the key',
      'spec.b["prototype"]: 3 is not allowed. Allowed: no key named "__proto__", "constructor" or "prototype" (writing one into an object changes how every object behaves). Fix: remove the key',
    ]);
  });

  test('throws on an object literal whose prototype "__proto__" set, and on class instances', () => {
    expect(lines({ a: { __proto__: { replicas: 9 }, b: 1 } })).toEqual([
      'spec.a: {"b":1} is not allowed. Allowed: a plain map literal {...}: "__proto__" written in an object literal sets its prototype instead of adding a key.',
    ]);
    expect(lines({ when: new Date(0), m: new Map() })).toEqual([
      'spec.when: "1970-01-01T00:00:00.000Z" is not allowed. Allowed: plain data: a map literal {...}, not a Date.',
      'spec.m: {} is not allowed. Allowed: plain data: a map literal {...}, not a Map.',
    ]);
  });

  test('throws on getters, setters, symbol keys, functions, cycles and absurd nesting', () => {
    const o: Record<string | symbol, unknown> = { f: () => 1 };
    Object.defineProperty(o, 'g', { get: () => 1, enumerable: true });
    Object.defineProperty(o, 's', { set: () => undefined, enumerable: true });
    o[Symbol('k')] = 1;
    o.self = o;
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 70; i++) deep = deep.d = {};
    o.deep = root;
    expect(lines(o).map((l) => l.split(' is not allowed')[0])).toEqual([
      'spec.f: [function f]',
      'spec.g: "[getter]"',
      'spec.s: "[setter]"',
      'spec.self: "[circular]"',
      // spec is depth 0, spec.deep depth 1: the map 65 levels down is refused, shown with the 5 levels below it
      `spec.deep${'.d'.repeat(64)}: {"d":{"d":{"d":{"d":{"d":{"d":{}}}}}}}`,
      'spec: "Symbol(k)"',
    ]);
  });

  test('a function where the options allow one, an instance replaced by what to check instead', () => {
    class Mode {
      constructor(public readonly props: object) {}
    }
    const options = {
      functionAt: (p: string) => p === 'spec.f',
      instead: (_p: string, v: object) => (v instanceof Mode ? v.props : undefined),
    };
    expect(lines({ f: () => 1, m: new Mode({ a: 1 }) }, options)).toEqual([]);
    expect(lines({ m: new Mode(JSON.parse('{"__proto__":1}')) }, options)).toHaveLength(1);
  });

  test('keyPath writes odd keys as JSON strings', () => {
    expect(keyPath('a', 'b')).toBe('a.b');
    expect(keyPath('a', 'b.c/d')).toBe('a["b.c/d"]');
    expect(keyPath('', 'x')).toBe('x');
    expect(keyPath('a', '__proto__')).toBe('a["__proto__"]');
  });
});

describe('resource quantities in the units of their resource', () => {
  const check = (resource: string, q: unknown) => {
    const p = new Problems();
    p.resourceQuantity('q', resource, q);
    return p.list.map((x) => formatProblem(x));
  };

  test.each([
    ['cpu', '250m'],
    ['cpu', '2'],
    ['cpu', '1.5'],
    ['requests.cpu', '0'],
    ['memory', '512Mi'],
    ['memory', '1G'],
    ['limits.memory', '0'],
    ['requests.storage', '100Gi'],
    ['ephemeral-storage', '1.5Gi'],
    ['pods', '100'],
    ['count/services', '5'],
    ['nvidia.com/gpu', '1'],
  ])('%s %p passes', (resource, q) => expect(check(resource, q)).toEqual([]));

  test.each([
    ['cpu', '1.5Gi', 'CPU in cores or millicores, such as "2", "1.5" or "250m" (cpu is not counted in bytes)'],
    ['cpu', '1e3', 'CPU in cores or millicores, such as "2", "1.5" or "250m" (cpu is not counted in bytes)'],
    ['cpu', '20000', 'at most 10000 cores'],
    ['memory', '512m', 'bytes with a byte suffix, such as "512Mi", "2Gi" or "1G" (not "m", which means a thousandth of a byte)'],
    ['memory', '512', 'at least 1Mi (or 0): a size in bytes this small is a missing unit'],
    ['memory', '1Ei', 'at most 1Pi'],
    ['pods', '1.5', 'a whole number of objects, such as "20" (pods counts objects)'],
  ])('throws on %s %p', (resource, q, allowed) => {
    expect(check(resource, q)[0]).toMatch(`q: "${q}" is not allowed. Allowed: ${allowed}.`);
  });

  test('1Ei is an exbibyte (not an exponent)', () => {
    expect(parseQuantity('1Ei')).toBe(2 ** 60);
    expect(parseQuantity('1e3')).toBe(1000);
  });
});

describe('addresses and names', () => {
  test.each([
    ['127.0.0.1', 'a loopback address (127.0.0.0/8)'],
    ['0.0.0.0', 'an unspecified ("this network") address (0.0.0.0/8)'],
    ['169.254.1.1', 'a link-local address (169.254.0.0/16)'],
    ['239.1.2.3', 'a multicast address (224.0.0.0/4)'],
    ['255.255.255.255', 'a reserved address (240.0.0.0/4, with the broadcast address 255.255.255.255)'],
    ['224.0.0.0/24', 'a multicast address (224.0.0.0/4)'],
    ['0.0.0.0/0', 'an unspecified ("this network") address (0.0.0.0/8)'],
  ])('%s is special', (a, what) => expect(specialIpv4(a)).toBe(what));

  test('ordinary addresses are not', () => {
    for (const a of ['10.0.4.200', '192.168.1.1', '8.8.8.8', '10.0.0.0/8']) expect(specialIpv4(a)).toBeUndefined();
  });

  test('a DNS-1035 label starts with a letter', () => {
    const p = new Problems();
    expect(p.dns1035Label('name', 'team-a')).toBe(true);
    expect(p.dns1035Label('name', '1team')).toBe(false);
    expect(formatProblem(p.list[0])).toBe(
      'name: "1team" is not allowed. Allowed: a name that starts with a letter (a DNS-1035 label: the chart names a Service after it, and Service names must start with a letter).',
    );
  });

  test('labels and annotations refuse the keys constructor and prototype; annotations are at most 256 KiB', () => {
    const p = new Problems();
    expect(p.labels('l', { constructor: 'x' })).toBe(false);
    expect(p.annotations('a', { prototype: 'x' })).toBe(false);
    expect(p.annotations('b', { k: 'x'.repeat(256 * 1024 - 1) })).toBe(true);
    expect(p.annotations('c', { k: 'x'.repeat(256 * 1024) })).toBe(false);
    expect(p.list.map((x) => x.field)).toEqual(['l["constructor"]', 'a["prototype"]', 'c']);
  });
});
