/**
 * `npm run migrate`: original VClusterOrchestratorV2 requests become declarations that render what
 * the original deployed. The requests are fixtures under test/fixtures/migrate/ (the media one is a
 * copy of the original platform's request for vcluster-media).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import media from '../fixtures/integratn/media';
import { GUARD_RULES, VClusterSpec, synthVCluster } from '../../src';
import { MigrationError, migrateRequest, requestField, runMigrate } from '../../src/cli/migrate';
import { Obj, find, helmValues, platform, render } from '../util';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'migrate');
const fixture = (name: string) => path.join(FIXTURES, name);
/** The integratn site of the fixtures (not this repository's vclusters/platform.ts, which its users edit). */
const SITE = path.join(__dirname, '..', 'fixtures', 'integratn', 'platform.ts');

let out: string;
const logs: string[] = [];
beforeEach(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-'));
  logs.length = 0;
});
afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

/** Migrates request files into `out` and loads the declaration written for `name`. */
function migrate(files: string[], name: string, force = false): { spec: VClusterSpec; source: string } {
  runMigrate({ platformFile: SITE, files, outDir: out, force, log: (l) => logs.push(l) });
  const file = path.join(out, `${name}.ts`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const spec = require(file).default as VClusterSpec;
  return { spec, source: fs.readFileSync(file, 'utf8') };
}

/** A request document with `spec` overrides. */
function request(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return {
    apiVersion: 'platform.integratn.tech/v1alpha1',
    kind: 'VClusterOrchestratorV2',
    metadata: { name: String(spec.name ?? 'x'), namespace: 'platform-requests' },
    spec,
    ...extra,
  };
}

/** The error message of migrating `doc`. */
function refusal(doc: unknown): string {
  try {
    migrateRequest(doc, platform, 'bad.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(MigrationError);
    return (e as Error).message;
  }
  throw new Error('the request was accepted');
}

describe('migrate', () => {
  test('vcluster-media: the migrated declaration renders exactly what the hand-written declaration renders', () => {
    // GIVEN the original request of vcluster-media / WHEN migrated
    const { spec, source } = migrate([fixture('vcluster-media.request.yaml')], 'vcluster-media');
    // THEN every rendered object is identical to the hand-written declaration's
    const migrated = render(spec);
    const handWritten = render(media);
    expect(migrated.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(handWritten.map((o) => `${o.kind}/${o.metadata.name}`));
    expect(YAML.stringify(migrated)).toEqual(YAML.stringify(handWritten));
    // AND the source is the idiomatic declaration
    expect(source).toContain("import { Exposure, defineVCluster } from '");
    expect(source).toContain('export default defineVCluster({');
    expect(source).toContain("exposure: Exposure.loadBalancer({ hostname: 'media.integratn.tech', apiPort: 443 })");
    // the retired etcd PKI is not carried over, nor its mount (a Secret nothing creates any more)
    expect(source).not.toContain('etcdPki');
    expect(source).not.toContain('etcd-certs');
    expect(spec.helmValues).toBeUndefined();
    expect(spec).toMatchObject({
      name: 'vcluster-media',
      targetNamespace: 'vcluster-media',
      projectName: 'vcluster-media',
      preset: 'prod',
      replicas: 3,
      resources: { requests: { cpu: '250m', memory: '2Gi' }, limits: { memory: '2Gi' } },
      argocd: { environment: 'production' },
      application: { targetRevision: '0.31.1' },
      networkPolicies: { enableNFS: true, extraEgress: [{ name: 'postgres', cidr: '10.0.3.1/32', port: 5432, protocol: 'TCP' }] },
    });
    // the etcd settings of helmOverrides moved into backingStore (the library owns controlPlane.backingStore),
    // without the argument that switched off client-certificate auth
    expect((spec.backingStore as any).etcd.deploy.statefulSet).toEqual({
      highAvailability: { replicas: 3 },
      image: { registry: 'registry.k8s.io', repository: 'etcd', tag: '3.6.8-0' },
    });
    expect(source).toContain(
      '// Dropped the original\'s etcd argument "--client-cert-auth=false" (it switched off client-certificate auth).',
    );
    expect(logs).toContain(
      'warning: ' +
        fixture('vcluster-media.request.yaml') +
        ': etcd argument "--client-cert-auth=false" dropped: it let every pod of the namespace read and write the datastore; the chart\'s etcd keeps client-certificate auth',
    );
    expect(logs.some((l) => l.includes('the volume and mount of Secret vcluster-media-etcd-certs (the original etcd PKI) dropped'))).toBe(
      true,
    );
    // the OSS site's vclusters get no Pro integration: the request's selectors are reported, not carried over
    expect(spec.integrations).toBeUndefined();
    expect(logs.some((l) => l.includes('spec.integrations.certManager and externalSecrets not carried over: vcluster Pro features'))).toBe(
      true,
    );
  });

  test('what the guard refuses in a request is carried over as an exception, with a comment and a warning', () => {
    // GIVEN a request whose overrides run the control plane privileged / WHEN migrated
    const privileged = { controlPlane: { statefulSet: { security: { containerSecurityContext: { privileged: true } } } } };
    const m = migrateRequest(
      request({ name: 'priv', targetNamespace: 'priv', vcluster: { helmOverrides: privileged } }),
      platform,
      'priv.yaml',
    );
    // THEN the declaration says so explicitly, and the migration warns
    const path = 'controlPlane.statefulSet.security.containerSecurityContext.privileged';
    expect(m.spec.exceptions).toEqual([
      { rule: 'privileged', path, reason: `carried over from the original request: it ${GUARD_RULES.privileged}` },
    ]);
    expect(m.source()).toContain('// The original request did this; the Helm values guard refuses it.');
    expect(
      m.warnings.filter((w) => w.includes(`(${path}); carried over as an exception to the guard rule "privileged": review it`)),
    ).toHaveLength(1);
  });

  test('throws on a key "__proto__" anywhere in a request, naming its path', () => {
    const doc = YAML.parse(
      'spec:\n  name: x\n  vcluster:\n    helmOverrides:\n      controlPlane:\n        __proto__: {statefulSet: {}}\n',
    );
    expect(refusal(request(doc.spec))).toBe(
      'bad.yaml: spec.vcluster.helmOverrides.controlPlane["__proto__"]: {"statefulSet":{}} is not allowed. Allowed: no key named "__proto__", "constructor" or "prototype" (writing one into an object changes how every object behaves). Fix: remove the key',
    );
  });

  test('dev minimal: the vcluster name becomes the namespace and the chart stays on the original default', () => {
    // GIVEN a request with only spec.name / WHEN migrated
    const { spec, source } = migrate([fixture('dev-minimal.request.yaml')], 'scratch');
    // THEN the declaration is the name plus the pinned chart version, and the missing targetNamespace is reported
    expect(spec).toEqual({ name: 'scratch', application: { targetRevision: '0.30.4' } });
    expect(logs.some((l) => l.startsWith('warning:') && l.includes('targetNamespace') && l.includes('"platform-requests"'))).toBe(true);
    expect(
      logs.some((l) => l.startsWith('warning:') && l.includes("the dev preset now keeps the control plane's store on a 5Gi PVC")),
    ).toBe(true);
    expect(source).toContain('the host namespace is "scratch"');
    const objects = render(spec);
    expect(find(objects, 'Namespace', 'scratch')).toBeDefined();
    const app = find(objects, 'Application', 'vcluster-scratch');
    expect(app.spec.source.targetRevision).toBe('0.30.4');
    expect(app.spec.project).toBe('vcluster-scratch');
    const v = helmValues(objects);
    expect(v.controlPlane.statefulSet.highAvailability.replicas).toBe(1);
    expect(v.controlPlane.statefulSet.resources.requests).toEqual({ cpu: '200m', memory: '768Mi' });
    expect(v.controlPlane.service.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe('scratch.integratn.tech');
    expect(v.exportKubeConfig.server).toBe('https://scratch.integratn.tech:443');
  });

  test('staging: subnet-derived VIP, port 6443, another environment, labels, workload repo, chart 0.30', () => {
    const { spec } = migrate([fixture('vcluster-staging.request.yaml')], 'vcluster-staging');
    const objects = render(spec);
    const v = helmValues(objects);
    // VIP = network address + 200; a non-443 port keeps 443 open too
    expect(v.controlPlane.service.spec.loadBalancerIP).toBe('10.0.4.200');
    expect(v.controlPlane.service.spec.ports).toEqual([
      { name: 'https', port: 6443, targetPort: 8443, protocol: 'TCP' },
      { name: 'https-internal', port: 443, targetPort: 8443, protocol: 'TCP' },
    ]);
    expect(v.controlPlane.proxy.extraSANs).toEqual(['staging.integratn.tech', '10.0.4.200']);
    expect(v.exportKubeConfig).toEqual({ server: 'https://staging.integratn.tech:6443', context: 'staging' });
    expect(v.controlPlane.coredns.deployment.replicas).toBe(2);
    expect(v.networking.advanced.clusterDomain).toBe('staging.local');
    expect(v.controlPlane.distro.k8s.image.tag).toBe('v1.33.7');
    expect(find(objects, 'Application', 'vcluster-vcluster-staging').spec.source.targetRevision).toBe('0.30.4');
    expect(spec.argocd).toEqual({
      environment: 'staging',
      clusterLabels: { team: 'platform', enable_external_dns: 'false' },
      clusterAnnotations: { 'backup-enabled': 'true' },
      workloadRepo: { url: 'https://github.com/example/staging-apps', basePath: 'clusters/', path: 'apps', revision: 'release-1' },
    });
    // the registration carries labels, annotations and the workload repo
    const text = JSON.stringify(objects.filter((o) => o.metadata.namespace === 'argocd'));
    for (const s of [
      '"team":"platform"',
      '"environment":"staging"',
      '"backup-enabled":"true"',
      '"workload_repo_url":"https://github.com/example/staging-apps"',
      '"workload_repo_basepath":"clusters/"',
      '"workload_repo_revision":"release-1"',
    ]) {
      expect(text).toContain(s);
    }
    expect(spec.networkPolicies?.extraEgress).toEqual([
      { name: 'dns-tcp', cidr: '10.0.0.53/32', port: 53, protocol: 'UDP' },
      { name: 'redis', cidr: '10.0.3.0/24', port: 6379 },
    ]);
  });

  test('secure: strict isolation, StorageClass, fixed VIP; helmOverrides replicas win as in the original', () => {
    const { spec, source } = migrate([fixture('vcluster-secure.request.yaml')], 'vcluster-secure');
    expect(spec).toMatchObject({
      isolationMode: 'strict',
      projectName: 'secure',
      replicas: 3,
      persistence: { enabled: true, size: '20Gi', storageClass: 'fast-ssd' },
    });
    expect(source).toContain("exposure: Exposure.loadBalancer({ vip: '10.0.4.230' })");
    expect(logs.some((l) => l.includes('"strict" now takes effect'))).toBe(true);
    const objects = render(spec);
    const v = helmValues(objects);
    expect(v.controlPlane.statefulSet.persistence.volumeClaim).toMatchObject({ enabled: true, size: '20Gi', storageClass: 'fast-ssd' });
    expect(v.controlPlane.statefulSet.highAvailability.replicas).toBe(3);
    expect(v.controlPlane.statefulSet.annotations).toEqual({ team: 'secure' });
    expect(v.controlPlane.service.spec.loadBalancerIP).toBe('10.0.4.230');
    expect(v.controlPlane.proxy.extraSANs).toEqual(['vcluster-secure.integratn.tech', '10.0.4.230']);
    expect(find(objects, 'AppProject', 'secure')).toBeDefined();
    expect(objects.some((o: Obj) => o.kind === 'ResourceQuota')).toBe(true);
  });

  test('a prod request without a backing store is refused: never a silent move onto a new, empty etcd', () => {
    // GIVEN the prod preset (3 replicas) and no backingStore anywhere
    const message = refusal(request({ name: 'prod-nostore', targetNamespace: 'prod-nostore', vcluster: { preset: 'prod' } }));
    // THEN one problem names the field, why, and the two ways out
    expect(message).toBe(
      'bad.yaml: spec.vcluster.backingStore: undefined is not allowed. Allowed: a backing store for 3 control-plane replicas ' +
        "(preset prod): the original ran this vcluster on the chart's embedded database, which vcluster refuses with more than one " +
        'replica, and migrating it would move it onto a new deployed etcd that starts empty (a data reset at cut-over). ' +
        'Fix: set spec.vcluster.replicas: 1 to keep the embedded database and its data, or declare spec.vcluster.backingStore ' +
        '(etcd) once the data is moved (README: "Migrating from the original platform")',
    );
    // and nothing is written
    const file = path.join(out, 'prod-nostore.yaml');
    fs.writeFileSync(
      file,
      YAML.stringify(request({ name: 'prod-nostore', targetNamespace: 'prod-nostore', vcluster: { preset: 'prod' } })),
    );
    expect(() => runMigrate({ platformFile: SITE, files: [file], outDir: out, log: () => undefined })).toThrow(
      /spec\.vcluster\.backingStore/,
    );
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.ts'))).toEqual([]);
    // replicas raised by helmOverrides count too
    const dev = request({
      name: 'd',
      targetNamespace: 'd',
      vcluster: { helmOverrides: { controlPlane: { statefulSet: { highAvailability: { replicas: 2 } } } } },
    });
    expect(refusal(dev)).toContain('a backing store for 2 control-plane replicas (preset dev)');
  });

  test('a prod request with one replica keeps the embedded store (no etcd); a store in helmOverrides counts', () => {
    const one = migrateRequest(request({ name: 'p1', targetNamespace: 'p1', vcluster: { preset: 'prod', replicas: 1 } }), platform);
    expect(one.spec.replicas).toBe(1);
    expect(one.spec.backingStore).toBeUndefined();
    const objects = render(one.spec);
    expect(helmValues(objects).controlPlane.backingStore).toBeUndefined();
    expect(objects.filter((o: Obj) => o.kind === 'PodDisruptionBudget' || o.kind === 'CronJob')).toEqual([]);
    const overrides = { controlPlane: { backingStore: { etcd: { embedded: { enabled: true } } } } };
    const lifted = migrateRequest(
      request({ name: 'p3', targetNamespace: 'p3', vcluster: { preset: 'prod', helmOverrides: overrides } }),
      platform,
    );
    expect(lifted.spec.backingStore).toEqual({ etcd: { embedded: { enabled: true } } });
  });

  test('several requests from one multi-document file', () => {
    const multi = path.join(out, 'two.yaml');
    fs.writeFileSync(
      multi,
      [request({ name: 'one', targetNamespace: 'one' }), request({ name: 'two', targetNamespace: 'two' })]
        .map((d) => YAML.stringify(d))
        .join('---\n'),
    );
    runMigrate({ platformFile: SITE, files: [multi], outDir: out, log: (l) => logs.push(l) });
    expect(fs.existsSync(path.join(out, 'one.ts'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'two.ts'))).toBe(true);
  });

  test('destinationServer becomes the host cluster of that URL', () => {
    const site = {
      ...platform,
      argocd: { ...platform.argocd, hostClusters: { ...platform.argocd.hostClusters, edge: 'https://edge.example.com:6443' } },
    };
    const m = migrateRequest(
      request({
        name: 'far',
        targetNamespace: 'far',
        argocdApplication: { destinationServer: 'https://edge.example.com:6443', targetRevision: '0.31.3' },
      }),
      site,
    );
    expect(m.spec.hostCluster).toBe('edge');
    expect(m.source()).toContain("hostCluster: 'edge'");
    const objects = synthVCluster(m.spec, site).objects as Obj[];
    expect(find(objects, 'Application', 'vcluster-far').spec.destination.server).toBe('https://edge.example.com:6443');
  });

  describe('refuses invalid requests, naming the field and the bad value', () => {
    const cases: Array<[string, unknown, string[]]> = [
      ['wrong kind', { ...(request({ name: 'a' }) as object), kind: 'VClusterOrchestrator' }, ['kind', '"VClusterOrchestrator"']],
      ['wrong apiVersion', { ...(request({ name: 'a' }) as object), apiVersion: 'v1' }, ['apiVersion', '"v1"']],
      ['missing name', request({ targetNamespace: 'a' }), ['spec.name']],
      ['unknown field', request({ name: 'a', vcluster: { replica: 3 } }), ['spec.vcluster.replica', '3']],
      ['wrong type', request({ name: 'a', vcluster: { replicas: 'three' } }), ['spec.vcluster.replicas', '"three"']],
      ['unknown preset', request({ name: 'a', vcluster: { preset: 'large' } }), ['spec.vcluster.preset', '"large"']],
      [
        'unsupported chart version',
        request({ name: 'a', argocdApplication: { targetRevision: '0.29.0' } }),
        ['spec.argocdApplication.targetRevision', '"0.29.0"'],
      ],
      ['unsupported Kubernetes version', request({ name: 'a', vcluster: { k8sVersion: '1.29' } }), ['spec.vcluster.k8sVersion', '"1.29"']],
      [
        'VIP outside the subnet',
        request({ name: 'a', exposure: { subnet: '10.0.4.0/24', vip: '10.0.5.10' } }),
        ['spec.exposure.vip', '"10.0.5.10"'],
      ],
      [
        'derived VIP outside a small subnet',
        request({ name: 'a', exposure: { subnet: '10.0.4.0/26' } }),
        ['spec.exposure.subnet', '"10.0.4.0/26"'],
      ],
      ['impossible VIP', request({ name: 'a', exposure: { vip: '999.1.1.1' } }), ['spec.exposure.vip', '"999.1.1.1"']],
      [
        'extra egress without a port',
        request({ name: 'a', networkPolicies: { extraEgress: [{ name: 'db', cidr: '10.0.3.1/32' }] } }),
        ['spec.networkPolicies.extraEgress[0].port'],
      ],
      [
        'unknown host cluster',
        request({ name: 'a', argocdApplication: { destinationServer: 'https://elsewhere:6443' } }),
        ['spec.argocdApplication.destinationServer', '"https://elsewhere:6443"'],
      ],
      [
        'bad Helm override',
        request({ name: 'a', vcluster: { helmOverrides: { controlPlane: { statefulSet: { replicaz: 2 } } } } }),
        ['spec.vcluster.helmOverrides', 'replicaz'],
      ],
      [
        'label value that is not a string',
        request({ name: 'a', integrations: { argocd: { clusterLabels: { tier: 1 } } } }),
        ['spec.integrations.argocd.clusterLabels["tier"]', '1'],
      ],
    ];
    test.each(cases)('%s', (_what, doc, expected) => {
      const message = refusal(doc);
      for (const e of expected) expect(message).toContain(e);
      expect(message).toContain('bad.yaml');
    });
  });

  test('nothing is written when one of the requests is invalid', () => {
    const bad = path.join(out, 'bad.yaml');
    fs.writeFileSync(bad, YAML.stringify(request({ name: 'b', vcluster: { preset: 'huge' } })));
    expect(() =>
      runMigrate({ platformFile: SITE, files: [fixture('dev-minimal.request.yaml'), bad], outDir: out, log: () => undefined }),
    ).toThrow(/spec\.vcluster\.preset: "huge"/);
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.ts'))).toEqual([]);
  });

  test('a request whose aliases expand without bound is refused, naming the file', () => {
    // GIVEN a request nesting aliases nine deep (a "billion laughs" document)
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [i, l] of ['b', 'c', 'd', 'e', 'f'].entries()) levels.push(`${l}: &${l} [${Array(9).fill(`*${'abcde'[i]}`).join(', ')}]`);
    const bomb = path.join(out, 'bomb.yaml');
    fs.writeFileSync(
      bomb,
      `apiVersion: platform.integratn.tech/v1alpha1\nkind: VClusterOrchestratorV2\nmetadata: {name: bomb}\nspec:\n  name: bomb\n${levels.map((l) => `  ${l}`).join('\n')}\n`,
    );
    // WHEN migrated / THEN one problem names the file, and nothing is written
    expect(() => runMigrate({ platformFile: SITE, files: [bomb], outDir: out, log: () => undefined })).toThrow(
      /bomb\.yaml: \(yaml\): "Excessive alias count[^"]*" is not allowed\. Allowed: YAML whose aliases expand to a request of ordinary size/,
    );
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.ts'))).toEqual([]);
  });

  test('an existing declaration is not overwritten without --force', () => {
    const target = path.join(out, 'scratch.ts');
    fs.writeFileSync(target, '// hand-written\n');
    expect(() =>
      runMigrate({ platformFile: SITE, files: [fixture('dev-minimal.request.yaml')], outDir: out, log: () => undefined }),
    ).toThrow(/scratch\.ts exists.*--force/s);
    expect(fs.readFileSync(target, 'utf8')).toBe('// hand-written\n');
    runMigrate({ platformFile: SITE, files: [fixture('dev-minimal.request.yaml')], outDir: out, force: true, log: () => undefined });
    expect(fs.readFileSync(target, 'utf8')).toContain('defineVCluster');
  });

  test('library field names map back to request fields', () => {
    expect(requestField('exposure.vip')).toBe('spec.exposure.vip');
    expect(requestField('kubernetesVersion')).toBe('spec.vcluster.k8sVersion');
    expect(requestField('helmValues.controlPlane.x')).toBe('spec.vcluster.helmOverrides.controlPlane.x');
    expect(requestField('argocd.clusterLabels["a"]')).toBe('spec.integrations.argocd.clusterLabels["a"]');
  });
});
