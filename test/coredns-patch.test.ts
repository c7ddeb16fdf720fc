import { Chart, Testing } from 'cdk8s';
import media from './fixtures/integratn/media';
import { CoreDnsPatch, CoreDnsPatchProps, VCluster, synthVCluster } from '../src';
import { Obj, helmValues, namesOf, platform, render } from './util';

/**
 * The syncer's default Corefile (`pkg/coredns/template.go`) for the chart's default values, as it
 * renders at v0.30.4, v0.31.1, v0.31.3 and v0.36.1 (the template is identical at those tags).
 */
const CHART_DEFAULT_COREFILE = [
  '.:1053 {',
  '    errors',
  '    health',
  '    ready',
  '    rewrite name regex .*\\.nodes\\.vcluster\\.com kubernetes.default.svc.cluster.local',
  '    kubernetes cluster.local in-addr.arpa ip6.arpa {',
  '        pods insecure',
  '        fallthrough in-addr.arpa ip6.arpa',
  '    }',
  '    hosts /etc/coredns/NodeHosts {',
  '        ttl 60',
  '        reload 15s',
  '        fallthrough',
  '    }',
  '    prometheus :9153',
  '    forward . /etc/resolv.conf',
  '    cache 30',
  '    loop',
  '    reload',
  '    loadbalance',
  '}',
  '',
  'import /etc/coredns/custom/*.server',
].join('\n');

/**
 * vcluster-media's Corefile: the chart's default plus the project's one addition at default
 * settings, `ttl 30` for the kubernetes plugin (the original platform's). The original platform's
 * overwriteConfig lacked the node-name `rewrite` (fake node hostnames did not resolve), the
 * `hosts /etc/coredns/NodeHosts` block and `import /etc/coredns/custom/*.server` (a tenant's
 * `coredns-custom` ConfigMap was ignored); it also wrote `prometheus 0.0.0.0:9153` and indented
 * by two spaces.
 */
const MEDIA_COREFILE = CHART_DEFAULT_COREFILE.replace(
  '        fallthrough in-addr.arpa ip6.arpa\n    }',
  '        fallthrough in-addr.arpa ip6.arpa\n        ttl 30\n    }',
);

function build(props: Partial<CoreDnsPatchProps> = {}, targetRevision = '0.31.3', clusterDomain?: string) {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  const vcluster = new VCluster(chart, 'vc', { releaseName: 'demo', targetRevision, clusterDomain });
  const dns = new CoreDnsPatch(chart, 'dns', { vcluster, ...props });
  return { chart, vcluster, dns, coredns: () => (vcluster.helmValues() as any).controlPlane.coredns };
}

describe('CoreDnsPatch', () => {
  test('vcluster-media: the chart default Corefile with ttl 30 (no trailing newline) and 2 replicas', () => {
    const objects = render(media);
    const coredns = helmValues(objects).controlPlane.coredns;
    expect(coredns.overwriteConfig).toBe(MEDIA_COREFILE);
    expect(coredns).toEqual({ enabled: true, deployment: { replicas: 2 }, overwriteConfig: MEDIA_COREFILE });
  });

  test('every chart line gets the chart default (rewrite, NodeHosts, custom imports) with only ttl 30 added', () => {
    for (const targetRevision of ['0.30.4', '0.31.1', '0.31.3']) {
      const { dns } = build({}, targetRevision);
      expect(
        dns
          .corefile()
          .split('\n')
          .filter((l) => l !== '        ttl 30'),
      ).toEqual(CHART_DEFAULT_COREFILE.split('\n'));
    }
  });

  test('what the chart default depends on is read from the Helm values', () => {
    const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
    const vcluster = new VCluster(chart, 'vc', {
      releaseName: 'demo',
      helmValues: {
        networking: { advanced: { proxyKubelets: { byHostname: false } } },
        policies: { networkPolicy: { enabled: true, fallbackDns: '1.1.1.1' } },
      },
    });
    const corefile = new CoreDnsPatch(chart, 'dns', { vcluster }).corefile();
    // no node-name rewrite without node hostnames; the network-policy fallback DNS is forwarded to second
    expect(corefile).not.toContain('rewrite');
    expect(corefile).toContain('    forward . /etc/resolv.conf 1.1.1.1 {\n        policy sequential\n    }\n    cache 30\n');
  });

  test('with fallbackHostCluster the given upstream (the host DNS) is forwarded to and cluster.local falls through', () => {
    const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
    const helmValues = { networking: { advanced: { fallbackHostCluster: true } } };
    const vcluster = new VCluster(chart, 'vc', { releaseName: 'demo', helmValues });
    const corefile = new CoreDnsPatch(chart, 'dns', { vcluster, upstreams: ['10.96.0.10'] }).corefile();
    expect(corefile).toContain('        fallthrough cluster.local in-addr.arpa ip6.arpa\n');
    expect(corefile).toContain('    forward . 10.96.0.10\n');
  });

  test('throws with fallbackHostCluster and no upstreams (only the running syncer knows the host DNS address)', () => {
    const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
    const vcluster = new VCluster(chart, 'vc', {
      releaseName: 'demo',
      helmValues: { networking: { advanced: { fallbackHostCluster: true } } },
    });
    expect(() => new CoreDnsPatch(chart, 'dns', { vcluster })).toThrow(
      /upstreams: undefined is not allowed\. Allowed: the host cluster's DNS address .* while networking\.advanced\.fallbackHostCluster is true/,
    );
  });

  test('a declaration with fallbackHostCluster and no coredns.upstreams is refused naming the declaration field', () => {
    expect(() => render({ name: 'd', helmValues: { networking: { advanced: { fallbackHostCluster: true } } } })).toThrow(
      /coredns\.upstreams: undefined is not allowed\. Allowed: the host cluster's DNS address/,
    );
  });

  test('synthesis fails when values added after the patch change what its Corefile depends on', () => {
    const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
    const vcluster = new VCluster(chart, 'vc', { releaseName: 'demo' });
    new CoreDnsPatch(chart, 'dns', { vcluster });
    vcluster.addHelmValues('late', { networking: { advanced: { proxyKubelets: { byHostname: false } } } });
    expect(() => chart.toJson()).toThrow(
      /controlPlane\.coredns\.overwriteConfig: .* is not allowed\. Allowed: the Corefile the CoreDnsPatch of "demo" renders/,
    );
  });

  test('refuses overwriteConfig through helmValues (it would drop the chart defaults)', () => {
    expect(() => render({ name: 'd', helmValues: { controlPlane: { coredns: { overwriteConfig: '.:1053 {}' } } } })).toThrow(
      /helmValues\.controlPlane\.coredns\.overwriteConfig: ".:1053 \{\}" is not allowed\. Allowed: this value only through the declaration field coredns/,
    );
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
    // the chart serves cluster.local besides the vcluster's own domain (the node-name rewrite targets it)
    expect(corefile).toContain('    kubernetes tenant.internal cluster.local in-addr.arpa ip6.arpa {');
    expect(corefile).toContain('    forward . 1.1.1.1 9.9.9.9:53\n');
    expect(corefile).toContain('    cache 60\n');
  });

  test('forward zones from props and addForwardZone, one server block each, after the main block', () => {
    const { dns, coredns } = build({ forwardZones: [{ zone: 'corp.example.com', upstreams: ['10.0.0.53'] }] });
    dns.addForwardZone('lab.example.org.', ['10.1.0.53', '10.1.0.54:5353']);
    expect(dns.forwardZones.map((z) => z.zone)).toEqual(['corp.example.com', 'lab.example.org']);
    const [main, imports] = MEDIA_COREFILE.split('\n\n');
    expect(coredns().overwriteConfig).toBe(
      `${main}\n\ncorp.example.com:1053 {\n    errors\n    cache 30\n    forward . 10.0.0.53\n}\n\nlab.example.org:1053 {\n    errors\n    cache 30\n    forward . 10.1.0.53 10.1.0.54:5353\n}\n\n${imports}`,
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
      expect(v.controlPlane.coredns.overwriteConfig).toContain('kubernetes corp.local cluster.local in-addr.arpa');
      expect(v.controlPlane.coredns.overwriteConfig).toContain('example.net:1053 {');
    }
  });

  test('throws on a zone inside cluster.local, which the chart serves besides the vcluster domain', () => {
    const { dns } = build({}, '0.31.3', 'tenant.internal');
    expect(() => dns.addForwardZone('svc.cluster.local', ['10.0.0.1'])).toThrow(
      /forwardZone\.zone: "svc\.cluster\.local" is not allowed\. Allowed: a zone outside the cluster domain "tenant\.internal" and "cluster\.local"/,
    );
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
