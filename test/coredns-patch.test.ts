import { Chart, Testing } from 'cdk8s';
import media from './fixtures/integratn/media';
import { CoreDnsPatch, CoreDnsPatchProps, VCluster, synthVCluster } from '../src';
import { Obj, helmValues, namesOf, platform, render } from './util';

const MEDIA_COREFILE = [
  '.:1053 {',
  '  errors',
  '  health',
  '  ready',
  '  kubernetes cluster.local in-addr.arpa ip6.arpa {',
  '    pods insecure',
  '    fallthrough in-addr.arpa ip6.arpa',
  '    ttl 30',
  '  }',
  '  prometheus 0.0.0.0:9153',
  '  forward . /etc/resolv.conf',
  '  cache 30',
  '  loop',
  '  reload',
  '  loadbalance',
  '}',
].join('\n');

function build(props: Partial<CoreDnsPatchProps> = {}, targetRevision = '0.31.3', clusterDomain?: string) {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  const vcluster = new VCluster(chart, 'vc', { releaseName: 'demo', targetRevision, clusterDomain });
  const dns = new CoreDnsPatch(chart, 'dns', { vcluster, ...props });
  return { chart, vcluster, dns, coredns: () => (vcluster.helmValues() as any).controlPlane.coredns };
}

describe('CoreDnsPatch', () => {
  test('vcluster-media: the exact Corefile of the original platform (no trailing newline) and 2 replicas', () => {
    const objects = render(media);
    const coredns = helmValues(objects).controlPlane.coredns;
    expect(coredns.overwriteConfig).toBe(MEDIA_COREFILE);
    expect(coredns).toEqual({ enabled: true, deployment: { replicas: 2 }, overwriteConfig: MEDIA_COREFILE });
  });

  test('renders no ConfigMap (the original vc-<name>-coredns was read by nothing)', () => {
    expect(namesOf(render(media), 'ConfigMap')).toEqual([]);
  });

  test('defaults snapshot', () => {
    const { dns, coredns } = build();
    expect(dns.clusterDomain).toBe('cluster.local');
    expect(dns.upstreams).toEqual(['/etc/resolv.conf']);
    expect(dns.cacheSeconds).toBe(30);
    expect(dns.corefile()).toBe(MEDIA_COREFILE);
    expect(coredns()).toMatchSnapshot();
  });

  test('cluster domain, upstreams, cache and replicas', () => {
    // GIVEN a vcluster with its own cluster domain: the patch serves the vcluster's domain
    const { coredns } = build({ upstreams: ['1.1.1.1', '9.9.9.9:53'], cacheSeconds: 60, replicas: 3 }, '0.31.3', 'tenant.internal');
    expect(coredns().deployment.replicas).toBe(3);
    const corefile: string = coredns().overwriteConfig;
    expect(corefile).toContain('  kubernetes tenant.internal in-addr.arpa ip6.arpa {');
    expect(corefile).toContain('  forward . 1.1.1.1 9.9.9.9:53\n');
    expect(corefile).toContain('  cache 60\n');
  });

  test('forward zones from props and addForwardZone, one server block each, after the main block', () => {
    const { dns, coredns } = build({ forwardZones: [{ zone: 'corp.example.com', upstreams: ['10.0.0.53'] }] });
    dns.addForwardZone('lab.example.org.', ['10.1.0.53', '10.1.0.54:5353']);
    expect(dns.forwardZones.map((z) => z.zone)).toEqual(['corp.example.com', 'lab.example.org']);
    expect(coredns().overwriteConfig).toBe(
      `${MEDIA_COREFILE}\ncorp.example.com:1053 {\n  errors\n  cache 30\n  forward . 10.0.0.53\n}\nlab.example.org:1053 {\n  errors\n  cache 30\n  forward . 10.1.0.53 10.1.0.54:5353\n}`,
    );
  });

  test('declaration fields reach the chart; values pass the 0.30 and 0.31 schemas', () => {
    for (const targetRevision of ['0.30.4', '0.31.3']) {
      const { chart, objects } = synthVCluster(
        {
          name: 'dns',
          clusterDomain: 'corp.local',
          coredns: {
            replicas: 2,
            cacheSeconds: 10,
            upstreams: ['10.0.0.1'],
            forwardZones: [{ zone: 'example.net', upstreams: ['10.0.0.2'] }],
          },
          application: { targetRevision },
        },
        platform,
      );
      expect(chart.vcluster.helmValueProblems().ok).toBe(true);
      const v = helmValues(objects as Obj[]);
      expect(v.networking.advanced.clusterDomain).toBe('corp.local');
      expect(v.controlPlane.coredns.overwriteConfig).toContain('kubernetes corp.local in-addr.arpa');
      expect(v.controlPlane.coredns.overwriteConfig).toContain('example.net:1053 {');
    }
  });

  test('throws on a zone inside the cluster domain or forwarded twice', () => {
    const { dns } = build();
    expect(() => dns.addForwardZone('svc.cluster.local', ['10.0.0.1'])).toThrow(
      /forwardZone\.zone: "svc\.cluster\.local" is not allowed\. Allowed: a zone outside the cluster domain/,
    );
    dns.addForwardZone('corp.example.com', ['10.0.0.1']);
    expect(() => dns.addForwardZone('corp.example.com', ['10.0.0.2'])).toThrow(
      /forwardZone\.zone: "corp\.example\.com" is not allowed\. Allowed: a zone that is not forwarded already/,
    );
  });

  test('throws on a malformed zone or upstream', () => {
    const { dns } = build();
    expect(() => dns.addForwardZone('Corp_Example', ['10.0.0.1'])).toThrow(/forwardZone\.zone: "Corp_Example"/);
    expect(() => dns.addForwardZone('corp.example.com', [])).toThrow(/forwardZone\.upstreams: \[\]/);
    expect(() => dns.addForwardZone('corp.example.com', ['dns.example.com'])).toThrow(/forwardZone\.upstreams\[0\]: "dns\.example\.com"/);
    expect(() => dns.addForwardZone('corp.example.com', ['/etc/resolv.conf'])).toThrow(
      /forwardZone\.upstreams\[0\]: "\/etc\/resolv\.conf"/,
    );
    expect(() => dns.addForwardZone('corp.example.com', ['10.0.0.1:70000'])).toThrow(/forwardZone\.upstreams\[0\]: "10\.0\.0\.1:70000"/);
  });

  test('throws on bad props', () => {
    expect(() => build({ replicas: 0 })).toThrow(/replicas: 0 is not allowed/);
    expect(() => build({ cacheSeconds: -1 })).toThrow(/cacheSeconds: -1 is not allowed/);
    expect(() => build({ upstreams: [] })).toThrow(/upstreams: \[\] is not allowed/);
    expect(() => build({ upstreams: ['8.8.8'] })).toThrow(/upstreams\[0\]: "8\.8\.8"/);
  });

  test('throws on bad declaration DNS fields, naming the declaration path', () => {
    expect(() => render({ name: 'd', coredns: { upstreams: ['nope'] } })).toThrow(/coredns\.upstreams\[0\]: "nope"/);
    expect(() => render({ name: 'd', coredns: { cacheSeconds: 1.5 } })).toThrow(/coredns\.cacheSeconds: 1\.5/);
    expect(() => render({ name: 'd', coredns: { forwardZones: [{ zone: 'cluster.local', upstreams: ['10.0.0.1'] }] } })).toThrow(
      /coredns\.forwardZones\[0\]\.zone: "cluster\.local"/,
    );
    expect(() =>
      render({
        name: 'd',
        coredns: {
          forwardZones: [
            { zone: 'a.example', upstreams: ['10.0.0.1'] },
            { zone: 'a.example', upstreams: ['10.0.0.2'] },
          ],
        },
      }),
    ).toThrow(/coredns\.forwardZones\[1\]\.zone: "a\.example"/);
  });
});
