import { Chart, Testing } from 'cdk8s';
import media from '../fixtures/integratn/media';
import { ApiRoute, Exposure, VCluster, VClusterSpec, synthVCluster } from '../../src';
import { Problems } from '../../src/validation';
import { Obj, find, helmValues, namesOf, platform, render } from '../util';

const ctx = {
  release: 'demo',
  namespace: 'demo',
  baseDomain: 'example.com',
  vipOffset: 200,
  gateway: { name: 'gw', namespace: 'gateways' },
};
/** The endpoint a mode resolves to for the vcluster `demo` on example.com. */
function resolve(exposure: Exposure) {
  const problems = new Problems();
  const resolved = exposure.endpoint(problems, ctx) as any;
  return { problems, resolved: { ...resolved, extraSANs: resolved.helmValues?.controlPlane?.proxy?.extraSANs } };
}

describe('Exposure.loadBalancer', () => {
  test('vcluster-media: LoadBalancer Service on 443 → 8443, external-dns hostname, hostname SAN', () => {
    const v = helmValues(render(media)).controlPlane;
    expect(v.service).toEqual({
      enabled: true,
      annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'media.integratn.tech' },
      spec: { type: 'LoadBalancer', ports: [{ name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' }] },
    });
    expect(v.proxy).toEqual({ extraSANs: ['media.integratn.tech'] });
  });

  test('a subnet without a VIP gets network address + 200, as loadBalancerIP and SAN', () => {
    const { problems, resolved } = resolve(Exposure.loadBalancer({ subnet: '10.0.4.0/24' }));
    expect(problems.ok).toBe(true);
    expect(resolved.vip).toBe('10.0.4.200');
    expect(resolved.extraSANs).toEqual(['demo.example.com', '10.0.4.200']);
    expect(resolved.helmValues).toMatchObject({
      controlPlane: { service: { spec: { loadBalancerIP: '10.0.4.200' } }, proxy: { extraSANs: ['demo.example.com', '10.0.4.200'] } },
    });
    const v = helmValues(render({ name: 'lb', exposure: Exposure.loadBalancer({ subnet: '10.0.4.0/24' }) }));
    expect(v.controlPlane.service.spec.loadBalancerIP).toBe('10.0.4.200');
  });

  test('the offset is configurable', () => {
    expect(resolve(Exposure.loadBalancer({ subnet: '10.0.4.0/26', vipOffset: 50 })).resolved.vip).toBe('10.0.4.50');
  });

  test('throws on a subnet too small for the derived VIP, naming subnet and VIP', () => {
    const { problems } = resolve(Exposure.loadBalancer({ subnet: '10.0.4.0/26' }));
    expect(problems.list).toHaveLength(1);
    expect(problems.list[0].field).toBe('exposure.subnet');
    expect(() => render({ name: 'small', exposure: Exposure.loadBalancer({ subnet: '10.0.4.0/26' }) })).toThrow(
      /exposure\.subnet: "10\.0\.4\.0\/26" is not allowed\. Allowed: .*10\.0\.4\.200 is not a usable address of 10\.0\.4\.0\/26 \(62 usable addresses\)\. Fix: .*set exposure\.vipOffset to at most 62$/,
    );
  });

  test('the offset may reach the last usable address, not the broadcast address', () => {
    expect(resolve(Exposure.loadBalancer({ subnet: '10.0.4.0/26', vipOffset: 62 })).resolved.vip).toBe('10.0.4.62');
    expect(resolve(Exposure.loadBalancer({ subnet: '10.0.4.0/26', vipOffset: 63 })).problems.list.map((p) => p.field)).toEqual([
      'exposure.subnet',
    ]);
  });

  test('throws on a VIP outside its subnet, a malformed VIP or subnet', () => {
    expect(() => render({ name: 'x', exposure: Exposure.loadBalancer({ subnet: '10.0.4.0/24', vip: '10.0.5.10' }) })).toThrow(
      /exposure\.vip: "10\.0\.5\.10" is not allowed\. Allowed: an address inside exposure\.subnet 10\.0\.4\.0\/24/,
    );
    expect(() => render({ name: 'x', exposure: Exposure.loadBalancer({ vip: '999.1.1.1' }) })).toThrow(/exposure\.vip: "999\.1\.1\.1"/);
    expect(() => render({ name: 'x', exposure: Exposure.loadBalancer({ subnet: '10.0.4.0/33' }) })).toThrow(
      /exposure\.subnet: "10\.0\.4\.0\/33"/,
    );
    expect(() => render({ name: 'x', exposure: Exposure.loadBalancer({ subnet: 'fd00::/64' }) })).toThrow(/exposure\.subnet: "fd00::\/64"/);
  });

  test('a given VIP inside the subnet is kept and added to the SANs', () => {
    const { resolved } = resolve(Exposure.loadBalancer({ subnet: '10.0.4.0/24', vip: '10.0.4.210', hostname: 'api.example.com' }));
    expect(resolved.vip).toBe('10.0.4.210');
    expect(resolved.extraSANs).toEqual(['api.example.com', '10.0.4.210']);
    expect(resolved.serverUrl).toBe('https://api.example.com:443');
  });

  test('an API port other than 443 adds https-internal 443 → 8443 and goes into the URL', () => {
    const { resolved } = resolve(Exposure.loadBalancer({ apiPort: 6443 }));
    expect((resolved.helmValues as any).controlPlane.service.spec.ports).toEqual([
      { name: 'https', port: 6443, targetPort: 8443, protocol: 'TCP' },
      { name: 'https-internal', port: 443, targetPort: 8443, protocol: 'TCP' },
    ]);
    expect(resolved.serverUrl).toBe('https://demo.example.com:6443');
    expect(() => render({ name: 'x', exposure: Exposure.loadBalancer({ apiPort: 0 }) })).toThrow(/exposure\.apiPort: 0 is not allowed/);
  });

  test('throws on a malformed hostname', () => {
    expect(() => render({ name: 'x', exposure: Exposure.loadBalancer({ hostname: 'Not A Host' }) })).toThrow(
      /exposure\.hostname: "Not A Host"/,
    );
  });
});

describe('Exposure.gateway', () => {
  const site = { ...platform, gateway: { name: 'api-gateway', namespace: 'gateways', sectionName: 'tls-passthrough' } };
  const objects = render({ name: 'gw', exposure: Exposure.gateway({ hostname: 'gw.integratn.tech' }) }, site);

  test('renders the TLSRoute (TLS passthrough) to the vcluster Service', () => {
    const route = find(objects, 'TLSRoute', 'gw-api');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata.namespace).toBe('gw');
    expect(route.spec).toEqual({
      parentRefs: [
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'api-gateway', namespace: 'gateways', sectionName: 'tls-passthrough' },
      ],
      hostnames: ['gw.integratn.tech'],
      rules: [{ backendRefs: [{ name: 'gw', port: 443 }] }],
    });
  });

  test('ClusterIP Service, hostname in the SANs and the URL', () => {
    const v = helmValues(objects);
    expect(v.controlPlane.service).toEqual({ enabled: true, spec: { type: 'ClusterIP' } });
    expect(v.controlPlane.proxy.extraSANs).toEqual(['gw.integratn.tech']);
    expect(v.exportKubeConfig.server).toBe('https://gw.integratn.tech:443');
  });

  test('throws without a gateway', () => {
    const { gateway: _omit, ...noGateway } = platform;
    expect(() => render({ name: 'gw', exposure: Exposure.gateway() }, noGateway)).toThrow(/exposure: "gateway" is not allowed/);
  });

  test('ApiRoute construct without a section name', () => {
    const chart = new Chart(Testing.app(), 't', { disableResourceNameHashes: true });
    new ApiRoute(chart, 'r', {
      name: 'x-api',
      namespace: 'x',
      hostname: 'x.example.com',
      serviceName: 'x',
      gateway: { name: 'g', namespace: 'gw' },
    });
    expect((chart.toJson() as Obj[])[0].spec.parentRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'g', namespace: 'gw' },
    ]);
  });
});

describe('Exposure.internal', () => {
  test('ClusterIP only, no route, in-cluster URL', () => {
    const objects = render({ name: 'inner', exposure: Exposure.internal() });
    const v = helmValues(objects);
    expect(v.controlPlane.service).toEqual({ enabled: true, spec: { type: 'ClusterIP' } });
    expect(v.controlPlane.proxy).toBeUndefined();
    expect(v.exportKubeConfig.server).toBe('https://inner.inner.svc:443');
    expect(namesOf(objects, 'TLSRoute')).toEqual([]);
  });
});

describe('an exposure binds itself to a VCluster on its own', () => {
  test('a gateway exposure renders its route and tells the network policies which namespace reaches the API', () => {
    // GIVEN a VCluster alone, exposed through a gateway
    const chart = new Chart(Testing.app(), 't', { disableResourceNameHashes: true });
    const vcluster = new VCluster(chart, 'v', {
      releaseName: 'solo',
      exposure: Exposure.gateway({ hostname: 'solo.example.com', gatewayName: 'gw', gatewayNamespace: 'gateways' }),
    });
    // THEN its endpoint, Service values and route come from the exposure
    expect(vcluster.endpoint).toMatchObject({ mode: 'gateway', serverUrl: 'https://solo.example.com:443', clientNamespaces: ['gateways'] });
    expect((vcluster.helmValues() as any).controlPlane.service.spec.type).toBe('ClusterIP');
    expect(find(chart.toJson() as Obj[], 'TLSRoute', 'solo-api').spec.hostnames).toEqual(['solo.example.com']);
  });

  test('a load balancer without a hostname needs a base domain to derive one from', () => {
    const chart = new Chart(Testing.app(), 't', { disableResourceNameHashes: true });
    expect(() => new VCluster(chart, 'v', { releaseName: 'solo', exposure: Exposure.loadBalancer() })).toThrow(
      /exposure\.hostname: undefined is not allowed\. Allowed: a hostname for the API/,
    );
    const lb = new VCluster(chart, 'w', {
      releaseName: 'solo',
      exposure: Exposure.loadBalancer(),
      exposureDefaults: { baseDomain: 'example.com' },
    });
    expect(lb.endpoint.serverUrl).toBe('https://solo.example.com:443');
  });

  test('the construct default is in-cluster only', () => {
    const chart = new Chart(Testing.app(), 't', { disableResourceNameHashes: true });
    expect(new VCluster(chart, 'v', { releaseName: 'solo' }).endpoint.serverUrl).toBe('https://solo.solo.svc:443');
  });
});

describe('every exposure mode renders values valid for the pinned chart line', () => {
  const site = { ...platform, gateway: { name: 'api-gateway', namespace: 'gateways' } };
  const modes: Array<[string, Exposure]> = [
    ['internal', Exposure.internal()],
    ['loadBalancer', Exposure.loadBalancer({ subnet: '10.0.4.0/24', apiPort: 6443 })],
    ['gateway', Exposure.gateway()],
  ];
  for (const [mode, exposure] of modes) {
    for (const targetRevision of ['0.30.4', '0.31.1', '0.31.3']) {
      test(`${mode} on ${targetRevision}`, () => {
        const spec: VClusterSpec = { name: 'modes', exposure, application: { targetRevision } };
        const { chart } = synthVCluster(spec, site);
        expect(chart.vcluster.helmValueProblems().list).toEqual([]);
      });
    }
  }
});
