/**
 * Property-based tests (fast-check) over the declaration space: random valid declarations always
 * build, and every rendered object passes the repository's own validation (the chart values schema
 * and the generated manifest validators); random invalid declarations always fail with a
 * FleetError naming the field, and nothing is written.
 */
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Exposure, VClusterSpec } from '../../src';
import { CHART_LINES, chartVersionsOf } from '../../src/presets';
import { FleetError, buildFleet, renderFleet } from '../../src/fleet/fleet';
import { writeTreeAtomically } from '../../src/fleet/output';
import { checkHelmValues } from '../../src/vcluster/helm-values';
import { Problems } from '../../src/validation';
import { platform } from '../util';

type Validator = ((o: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validators = require('../../imports/manifest-validators.js') as Record<string, Validator>;

/** Runs per property (PROPERTY_RUNS=1000 for a deeper, unseeded search). */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const SEED = process.env.PROPERTY_RUNS ? {} : { seed: 20260505 };
const FILE = 'vclusters/p.ts';

// --- valid declarations --------------------------------------------------------------------------

const RESERVED = new Set(['default', 'argocd', 'nginx-gateway', 'monitoring', 'fleet']);
const name = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,18}[a-z0-9]$/)
  .filter((n) => !RESERVED.has(n) && !n.startsWith('kube-') && !n.includes('--'));
const octet = fc.integer({ min: 1, max: 254 });
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const exposure: fc.Arbitrary<Exposure> = fc.oneof(
  fc.constant(Exposure.internal()),
  fc
    .record({
      a: octet,
      b: octet,
      host: octet,
      offset: fc.integer({ min: 1, max: 253 }),
      mode: fc.constantFrom('none', 'vip', 'subnet+vip', 'subnet+offset', 'subnet'),
      apiPort: optional(fc.constantFrom(443, 6443, 8443)),
      hostname: fc.boolean(),
    })
    .map((x) => {
      const subnet = `10.${x.a}.${x.b}.0/24`;
      const vip = `10.${x.a}.${x.b}.${x.host}`;
      return Exposure.loadBalancer({
        hostname: x.hostname ? `api-${x.a}.integratn.tech` : undefined,
        apiPort: x.apiPort,
        subnet: x.mode.startsWith('subnet') ? subnet : undefined,
        vip: x.mode === 'vip' || x.mode === 'subnet+vip' ? vip : undefined,
        vipOffset: x.mode === 'subnet+offset' ? x.offset : undefined,
      });
    }),
  fc
    .boolean()
    .map((own) =>
      Exposure.gateway(
        own ? { hostname: 'gw-api.integratn.tech', gatewayName: 'tls-gateway', gatewayNamespace: 'gateways', sectionName: 'tls' } : {},
      ),
    ),
);

const resources = fc.record(
  {
    requests: fc.record(
      { cpu: fc.constantFrom('100m', '250m', '0.5', '1'), memory: fc.constantFrom('256Mi', '512Mi', '1Gi', '1536Mi') },
      { requiredKeys: [] },
    ),
    limits: fc.record({ cpu: fc.constantFrom('2', '4', '2000m'), memory: fc.constantFrom('2Gi', '4Gi', '3072Mi') }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

const egressRules = fc
  .uniqueArray(
    fc.record({
      name: fc.constantFrom('postgres', 'redis', 'smtp', 'ldap', 'syslog'),
      a: octet,
      port: fc.integer({ min: 1, max: 65535 }),
      protocol: optional(fc.constantFrom('TCP' as const, 'UDP' as const)),
    }),
    { selector: (r) => r.name, maxLength: 3 },
  )
  .map((rules) => rules.map((r) => ({ name: r.name, cidr: `10.0.${r.a}.0/24`, port: r.port, protocol: r.protocol })));

const etcd = fc.record({ replicas: fc.constantFrom(1, 3, 5), retiredPkiOff: fc.boolean() });

const validSpec: fc.Arbitrary<VClusterSpec> = fc
  .record({
    name,
    ownNamespace: fc.boolean(),
    preset: optional(fc.constantFrom('dev' as const, 'prod' as const)),
    replicas: optional(fc.integer({ min: 1, max: 5 })),
    kubernetesVersion: optional(fc.constantFrom('1.34', '1.33', '1.32', 'v1.33.7', 'v1.34')),
    chartVersion: optional(fc.constantFrom(...CHART_LINES.flatMap((l) => chartVersionsOf(l.line)))),
    resources: optional(resources),
    persistence: optional(
      fc.record({
        enabled: fc.constant(true),
        size: optional(fc.constantFrom('1Gi', '500Mi', '20Gi')),
        storageClass: optional(fc.constantFrom('nfs-client', 'local-path')),
      }),
    ),
    exposure: optional(exposure),
    strict: fc.boolean(),
    isolation: optional(
      fc.record({
        podSecurity: optional(fc.constantFrom('baseline' as const, 'restricted' as const)),
        resourceQuota: optional(fc.constantFrom({ pods: '50' }, { 'requests.cpu': '8', 'limits.memory': '32Gi' })),
      }),
    ),
    enableNFS: optional(fc.boolean()),
    extraEgress: optional(egressRules),
    coredns: optional(
      fc.record({
        replicas: optional(fc.integer({ min: 1, max: 3 })),
        cacheSeconds: optional(fc.integer({ min: 0, max: 3600 })),
        forwardZones: optional(fc.constant([{ zone: 'corp.example.com', upstreams: ['10.0.0.53'] }])),
      }),
    ),
    clusterDomain: optional(fc.constantFrom('cluster.local', 'vc.internal')),
    etcd: optional(etcd),
    deletionPolicy: optional(fc.constantFrom('retain' as const, 'delete' as const)),
    kubeconfigSync: optional(fc.constantFrom('pushSecret' as const, 'job' as const)),
    environment: optional(fc.constantFrom('development', 'staging', 'production')),
    metricsServer: optional(fc.boolean()),
  })
  .map((x) => {
    const spec: Record<string, unknown> = {
      name: x.name,
      targetNamespace: x.ownNamespace ? `ns-${x.name}` : undefined,
      preset: x.preset,
      replicas: x.replicas,
      kubernetesVersion: x.kubernetesVersion,
      application: x.chartVersion ? { targetRevision: x.chartVersion } : undefined,
      resources: x.resources,
      persistence: x.persistence,
      exposure: x.exposure,
      isolationMode: x.strict ? 'strict' : undefined,
      isolation: x.strict ? x.isolation : undefined,
      networkPolicies: x.enableNFS !== undefined || x.extraEgress ? { enableNFS: x.enableNFS, extraEgress: x.extraEgress } : undefined,
      coredns: x.coredns,
      clusterDomain: x.clusterDomain,
      backingStore: x.etcd
        ? { etcd: { deploy: { enabled: true, statefulSet: { highAvailability: { replicas: x.etcd.replicas } } } } }
        : undefined,
      // the retired etcdPki stays accepted as false (a no-op)
      etcdPki: x.etcd?.retiredPkiOff ? false : undefined,
      deletionPolicy: x.kubeconfigSync === 'job' ? 'retain' : x.deletionPolicy, // the Job strategy cannot follow "delete"
      kubeconfigSync: x.kubeconfigSync,
      argocd: x.environment ? { environment: x.environment } : undefined,
      integrations: x.metricsServer !== undefined ? { metricsServer: { enabled: x.metricsServer } } : undefined,
    };
    for (const k of Object.keys(spec)) if (spec[k] === undefined) delete spec[k];
    return spec as unknown as VClusterSpec;
  });

/** Problems of one rendered object against the repository's own validators. */
function objectProblems(obj: any): string[] {
  const key = `${obj.apiVersion}|${obj.kind}`.replace(/\W/g, '_');
  const validate = validators[key];
  if (!validate) return [`no generated validator for ${obj.apiVersion} ${obj.kind}`];
  if (obj.kind === 'Secret') return [`a Secret was rendered (${obj.metadata.name}); credentials go through ExternalSecret/PushSecret`];
  if (validate(obj)) return [];
  return (validate.errors ?? []).map((e) => `${obj.kind}/${obj.metadata?.name} ${e.instancePath}: ${e.message}`);
}

describe('random valid declarations', () => {
  test('always build, and every rendered object passes the repository validation', () => {
    const kinds = new Set<string>();
    fc.assert(
      fc.property(validSpec, (spec) => {
        const [built] = buildFleet(platform, [{ file: FILE, spec }]);
        const problems: string[] = [];
        for (const obj of built.objects) problems.push(...objectProblems(obj));
        for (const obj of built.objects as any[]) kinds.add(obj.kind);
        // The Helm values of the Application against the schema of the chart version it pins.
        const app = built.objects.find((o: any) => o.kind === 'Application') as any;
        const version = app.spec.source.targetRevision as string;
        const values = new Problems();
        checkHelmValues(values, 'helmValues', app.spec.source.helm.valuesObject, version.startsWith('0.30.') ? '0.30' : '0.31', version);
        problems.push(...values.list.map((p) => `${p.field}: ${JSON.stringify(p.value)} (${p.allowed})`));
        // Every object has an explicit name, and names stay within 63 characters.
        for (const o of built.objects as any[])
          if (!o.metadata?.name || o.metadata.name.length > 253) problems.push(`${o.kind} without a valid name`);
        if (problems.length) throw new Error(`${JSON.stringify(spec)}\n${problems.join('\n')}`);
        // And the tree renders (no two objects share a file).
        renderFleet(platform, [built]);
      }),
      { numRuns: RUNS, ...SEED },
    );
    // The runs reached the optional objects too (gateway route, strict isolation, Job sync).
    expect([...kinds]).toEqual(
      expect.arrayContaining(['Namespace', 'AppProject', 'Application', 'NetworkPolicy', 'TLSRoute', 'ResourceQuota', 'Job', 'PushSecret']),
    );
  });
});

// --- invalid declarations ------------------------------------------------------------------------

/** One mistake applied to a valid declaration, and the field the error must name. */
type Mutation = (s: VClusterSpec) => [spec: Record<string, unknown>, field: string];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom('Bad', 'a_b', '-x', 'x-', '', 'a'.repeat(54)).map((v): Mutation => (s) => [{ ...s, name: v }, 'name']),
  fc
    .constantFrom('kube-system', 'default', 'argocd', 'kube-public', 'kube-node-lease', 'UPPER')
    .map((v): Mutation => (s) => [{ ...s, targetNamespace: v }, 'targetNamespace']),
  fc
    .constantFrom('250 millicores', '1.5 cpu', 'lots', '2GB', '-1', '1e', '')
    .map((v): Mutation => (s) => [{ ...s, resources: { requests: { cpu: v } } }, 'resources.requests.cpu']),
  fc
    .constantFrom('10 GiB', 'big', '0')
    .map((v): Mutation => (s) => [{ ...s, persistence: { enabled: true, size: v } }, 'persistence.size']),
  fc.constantFrom(0, -1, 1.5, 16, '3').map((v): Mutation => (s) => [{ ...s, replicas: v }, 'replicas']),
  fc
    .constantFrom('0.31', 'latest', '^0.31.0', '0.29.0', '0.32.0', '>=0.30')
    .map((v): Mutation => (s) => [{ ...s, application: { targetRevision: v } }, 'application.targetRevision']),
  fc.constantFrom('1.28', 'latest', 'v1.34.0', '1.34.x').map((v): Mutation => (s) => [{ ...s, kubernetesVersion: v }, 'kubernetesVersion']),
  fc.constantFrom('medium', 'Prod', 'production').map((v): Mutation => (s) => [{ ...s, preset: v }, 'preset']),
  fc
    .constantFrom('bad_host.example.com', 'nodot', 'UP.example.com', 'a..b.com')
    .map((v): Mutation => (s) => [{ ...s, exposure: Exposure.loadBalancer({ hostname: v }) }, 'exposure.hostname']),
  fc
    .constantFrom('10.0.0.0/33', '10.0.0.1/24', '300.0.0.0/24', '10.0.0.0')
    .map((v): Mutation => (s) => [{ ...s, exposure: Exposure.loadBalancer({ subnet: v, vip: '10.0.0.10' }) }, 'exposure.subnet']),
  fc
    .constantFrom(0, 65536, -443, 1.5)
    .map((v): Mutation => (s) => [{ ...s, exposure: Exposure.loadBalancer({ apiPort: v }) }, 'exposure.apiPort']),
  fc
    .constantFrom('10.0.1.5', '256.1.1.1', '10.0.0.0')
    .map((v): Mutation => (s) => [{ ...s, exposure: Exposure.loadBalancer({ subnet: '10.0.0.0/24', vip: v }) }, 'exposure.vip']),
  fc
    .constantFrom('10.0.0.0/33', 'any', '10.0.0.1/8')
    .map((v): Mutation => (s) => [
      { ...s, networkPolicies: { extraEgress: [{ name: 'db', cidr: v, port: 5432 }] } },
      'networkPolicies.extraEgress[0].cidr',
    ]),
  fc
    .constantFrom(0, 70000, '5432')
    .map((v): Mutation => (s) => [
      { ...s, networkPolicies: { extraEgress: [{ name: 'db', cidr: '10.0.0.0/24', port: v }] } },
      'networkPolicies.extraEgress[0].port',
    ]),
  fc.constantFrom('replica', 'namespace', 'helmOverrides', 'vip').map((k): Mutation => (s) => [{ ...s, [k]: 1 }, k]),
  fc.constantFrom('keep', 'Retain', true).map((v): Mutation => (s) => [{ ...s, deletionPolicy: v }, 'deletionPolicy']),
  fc.constant<Mutation>((s) => [{ ...s, etcdPki: true }, 'etcdPki']),
  fc.constant<Mutation>((s) => [
    { ...s, helmValues: { controlPlane: { statefulSet: { persistence: { volumeClaim: { retentionPolicy: 'Delete' } } } } } },
    'helmValues.controlPlane.statefulSet.persistence.volumeClaim.retentionPolicy',
  ]),
  fc.constant<Mutation>((s) => [
    { ...s, helmValues: { controlPlane: { statefulSet: { imagePullPolcy: 'Always' } } } },
    'helmValues.controlPlane.statefulSet.imagePullPolcy',
  ]),
);

describe('random invalid declarations', () => {
  let work: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-properties-'));
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('always fail with a FleetError naming the file and field, and write nothing', () => {
    const out = path.join(work, 'dist');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'marker.yaml'), 'kept: true\n');
    fc.assert(
      fc.property(validSpec, validSpec, mutation, (good, other, mutate) => {
        const [bad, field] = mutate(other);
        // A valid vcluster and an invalid one, through check, build, render and the atomic write.
        const declarations = [
          { file: 'vclusters/good.ts', spec: { ...good, name: 'good-one', targetNamespace: 'good-one', exposure: Exposure.internal() } },
          { file: FILE, spec: { ...(bad as object), name: bad.name === other.name ? 'bad-one' : bad.name } as VClusterSpec },
        ];
        let error: unknown;
        try {
          writeTreeAtomically(out, renderFleet(platform, buildFleet(platform, declarations)));
        } catch (e) {
          error = e;
        }
        if (!(error instanceof FleetError))
          throw new Error(`accepted or wrong error (${String(error)}): ${JSON.stringify(declarations[1].spec)}`);
        const named = error.problems.some(
          (p) => p.source === FILE && (p.field === field || p.field.startsWith(`${field}.`) || p.field.startsWith(`${field}[`)),
        );
        if (!named) throw new Error(`expected ${FILE}: ${field}, got:\n${error.message}`);
        // Nothing written: the output folder is as it was and no temporary tree is left.
        if (fs.readdirSync(out).join() !== 'marker.yaml') throw new Error(`output changed: ${fs.readdirSync(out).join()}`);
        if (fs.readdirSync(work).join() !== 'dist') throw new Error(`left behind: ${fs.readdirSync(work).join()}`);
      }),
      { numRuns: RUNS, ...SEED },
    );
  });
});
