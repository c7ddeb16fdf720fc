import { Problems, ValidationError, formatProblem } from '../src/validation';

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
