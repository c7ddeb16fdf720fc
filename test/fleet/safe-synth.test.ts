/**
 * The synth cannot destroy dist/: bad files are refused clearly before anything is written, the
 * fleet-wide rules hold, a removed vcluster's folder disappears, `prod` data survives the removal of
 * its file while `dev` cleans up, and the output is byte-identical whatever the order, time zone or
 * locale.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { Exposure, VClusterSpec } from '../../src';
import { ROOT_APPLICATION } from '../../src/fleet/bootstrap';
import { FleetError, buildFleet, loadErrorMessage, loadFleet, renderFleet } from '../../src/fleet/fleet';
import { inventoryFiles } from '../../src/fleet/inventory';
import { writeTreeAtomically } from '../../src/fleet/output';
import { ROOT, platform, readTree } from '../util';

const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
const KEEP = 'Prune=false,Delete=false';
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-safe-synth-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

let dirs = 0;
/** The fixture fleet these tests start from (the integratn site with media and sandbox). */
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'integratn');

/**
 * A copy of the fixture fleet in a fresh `vclusters/` folder (fresh, so no module cache is shared),
 * with files replaced (content) or removed (null). Imports of the library point at the repository.
 */
function fleetDir(changes: Record<string, string | null> = {}): string {
  const dir = path.join(work, `vclusters-${++dirs}`, 'vclusters');
  fs.mkdirSync(dir, { recursive: true });
  const src = FIXTURE;
  const files: Record<string, string | null> = {};
  for (const f of fs.readdirSync(src).filter((f) => f.endsWith('.ts'))) files[f] = fs.readFileSync(path.join(src, f), 'utf8');
  Object.assign(files, changes);
  for (const [f, content] of Object.entries(files)) {
    if (content !== null)
      fs.writeFileSync(path.join(dir, f), content.replace(/from '(?:\.\.\/)+src'/g, `from ${JSON.stringify(path.join(ROOT, 'src'))}`));
  }
  return dir;
}

/** media.ts with one text substitution (fails the test when the text is not there). */
function mediaWith(from: string, to: string): string {
  const text = fs.readFileSync(path.join(FIXTURE, 'media.ts'), 'utf8');
  if (!text.includes(from)) throw new Error(`media.ts has no ${from}`);
  return text.replace(from, to);
}

/** What `npm run synth` does, in process: load, check, build, render, replace `out`. */
function synth(dir: string, out: string): void {
  const { platform: site, declarations } = loadFleet(dir, 'vclusters');
  writeTreeAtomically(out, renderFleet(site, buildFleet(site, declarations), inventoryFiles));
}

/** The parsed YAML objects of a tree, by path. */
function objects(files: Map<string, string>): Map<string, any> {
  return new Map([...files].filter(([f]) => f.endsWith('.yaml')).map(([f, c]) => [f, YAML.parse(c)]));
}

/** The message of the FleetError `fn` throws. */
function fleetError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FleetError);
    return (e as Error).message;
  }
  throw new Error('no FleetError thrown');
}

function runCli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(TSX, [path.join(ROOT, 'src', 'cli', 'synth.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

describe('declaration files that do not load', () => {
  test.each([
    ['no default export', 'export const spec = { name: "x" };\n', 'export default: "no default export (only spec)" is not allowed'],
    [
      'a default export that is a function',
      "import { defineVCluster } from '../../src';\nexport default defineVCluster;\n",
      'export default: [function defineVCluster] is not allowed',
    ],
    ['a default export that is a string', 'export default "media";\n', 'export default: "media" is not allowed'],
    [
      'a syntax error',
      "import { defineVCluster } from '../../src';\nexport default defineVCluster({ name: 'x',, });\n",
      '(file): "syntax error at line 2',
    ],
    [
      'a file that throws',
      "throw new Error('no luck\\nsecond line');\n",
      '(file): "no luck" is not allowed. Allowed: a TypeScript module that loads without throwing',
    ],
  ])('%s: one clear line naming the file', (_what, content, expected) => {
    const dir = fleetDir({ 'broken.ts': content });
    const message = fleetError(() => loadFleet(dir, 'vclusters'));
    expect(message).toContain(`vclusters/broken.ts: ${expected}`);
    expect(message.split('\n')).toHaveLength(2); // the head line and the one problem
    expect(message).not.toMatch(/\n\s+at /); // no stack trace
  });

  test('a file that is no declaration is refused, not skipped', () => {
    const dir = fleetDir();
    fs.writeFileSync(path.join(dir, 'team-b.yaml'), 'name: team-b\n');
    fs.writeFileSync(path.join(dir, 'README.md'), '# notes are fine\n');
    expect(fleetError(() => loadFleet(dir, 'vclusters'))).toContain('vclusters/team-b.yaml: (file): "team-b.yaml" is not allowed.');
  });

  test('a broken platform.ts is reported with the field', () => {
    const dir = fleetDir({
      'platform.ts': fs.readFileSync(path.join(FIXTURE, 'platform.ts'), 'utf8').replace('vipOffset: 200', 'vipOffset: 0'),
    });
    expect(fleetError(() => loadFleet(dir, 'vclusters'))).toContain(
      'vclusters/platform.ts: platform.loadBalancer.vipOffset: 0 is not allowed.',
    );
  });

  test('the esbuild (tsx) syntax error becomes one line with line and column', () => {
    const e = new Error('Transform failed with 1 error:\n/x/vclusters/media.ts:12:7: ERROR: Expected "}" but found "replicas"');
    expect(loadErrorMessage(e)).toBe('syntax error at line 12, column 7: Expected "}" but found "replicas"');
  });
});

describe('fleet-wide rules', () => {
  const spec = (name: string, extra: Partial<VClusterSpec> = {}): VClusterSpec => ({ name, exposure: Exposure.internal(), ...extra });
  const refused = (specs: VClusterSpec[]) =>
    fleetError(() =>
      buildFleet(
        platform,
        specs.map((s, i) => ({ file: `vclusters/f${i}.ts`, spec: s })),
      ),
    );

  test.each<[string, VClusterSpec[], string]>([
    [
      'vcluster names',
      [spec('a'), spec('a', { targetNamespace: 'a2', projectName: 'p2' })],
      'vclusters/f1.ts: name: "a" is not allowed. Allowed: a vcluster name no other vcluster uses (vclusters/f0.ts already does)',
    ],
    [
      'target namespaces',
      [spec('a'), spec('b', { targetNamespace: 'a' })],
      'vclusters/f1.ts: targetNamespace: "a" is not allowed. Allowed: a host namespace no other vcluster uses',
    ],
    [
      'AppProjects',
      [spec('a', { projectName: 'shared' }), spec('b', { projectName: 'shared' })],
      'vclusters/f1.ts: projectName: "shared" is not allowed. Allowed: an Argo CD AppProject no other vcluster uses',
    ],
    [
      'hostnames',
      [
        spec('a', { exposure: Exposure.loadBalancer({ hostname: 'api.integratn.tech' }) }),
        spec('b', { exposure: Exposure.gateway({ hostname: 'api.integratn.tech', gatewayName: 'gw', gatewayNamespace: 'gw' }) }),
      ],
      'vclusters/f1.ts: exposure.hostname: "api.integratn.tech" is not allowed.',
    ],
    [
      'VIPs',
      [
        spec('a', { exposure: Exposure.loadBalancer({ vip: '10.0.4.201' }) }),
        spec('b', { exposure: Exposure.loadBalancer({ subnet: '10.0.4.0/24', vipOffset: 201 }) }),
      ],
      'vclusters/f1.ts: exposure.vip: "10.0.4.201" is not allowed. Allowed: a load-balancer VIP no other vcluster uses',
    ],
    [
      'Application names (the root Application)',
      [spec('fleet')],
      'vclusters/f0.ts: name: "vcluster-fleet" is not allowed. Allowed: an Argo CD Application name no other vcluster uses (the root Application already does)',
    ],
  ])('%s must be unique', (_what, specs, expected) => {
    expect(refused(specs)).toContain(expected);
  });

  test('Argo CD cluster names and Application names follow the vcluster name: a duplicate is reported once', () => {
    const message = refused([spec('a'), spec('a', { targetNamespace: 'a2', projectName: 'p2' })]);
    expect(message).toMatch(/^1 problem in/);
  });

  test('bootstrap Applications of a vcluster on another host cluster cannot collide with another vcluster', () => {
    const site = {
      ...platform,
      argocd: { ...platform.argocd, hostClusters: { ...platform.argocd.hostClusters, remote: 'https://remote.example.com:6443' } },
    };
    const message = fleetError(() =>
      buildFleet(site, [
        { file: 'vclusters/a.ts', spec: spec('a', { hostCluster: 'remote' }) },
        { file: 'vclusters/a-host.ts', spec: spec('a-host') },
      ]),
    );
    expect(message).toContain('name: "fleet-a-host" is not allowed. Allowed: an Argo CD Application name no other vcluster uses');
  });

  test('the same namespace and VIP on two host clusters is fine', () => {
    const site = {
      ...platform,
      argocd: { ...platform.argocd, hostClusters: { ...platform.argocd.hostClusters, remote: 'https://remote.example.com:6443' } },
    };
    const built = buildFleet(site, [
      {
        file: 'vclusters/a.ts',
        spec: spec('a', {
          targetNamespace: 'tenant',
          exposure: Exposure.loadBalancer({ hostname: 'a.integratn.tech', vip: '10.0.4.201' }),
        }),
      },
      {
        file: 'vclusters/b.ts',
        spec: spec('b', {
          hostCluster: 'remote',
          targetNamespace: 'tenant',
          exposure: Exposure.loadBalancer({ hostname: 'b.integratn.tech', vip: '10.0.4.201' }),
        }),
      },
    ]);
    expect(built).toHaveLength(2);
  });
});

describe('a synth that cannot destroy dist/', () => {
  test('a failed run leaves dist/ byte-identical; a good run removes stray files and removed vclusters', () => {
    const dist = path.join(work, 'dist-a');
    // GIVEN a dist/ from a good run, plus a hand-placed file
    synth(fleetDir(), dist);
    const good = readTree(dist);
    expect([...good.keys()].some((f) => f.startsWith('sandbox/'))).toBe(true);
    // WHEN runs with a bad declaration fail
    for (const bad of [
      mediaWith("hostname: 'media.integratn.tech'", "hostname: 'media integratn.tech'"),
      mediaWith("targetRevision: '0.31.1'", "targetRevision: '0.31'"),
    ]) {
      expect(() => synth(fleetDir({ 'media.ts': bad }), dist)).toThrow(FleetError);
      // THEN dist/ is exactly as it was, and no temporary folder is left behind
      expect(readTree(dist)).toEqual(good);
      expect(fs.readdirSync(work).filter((f) => f.startsWith('.dist-a'))).toEqual([]);
    }
    // WHEN a good run follows the removal of sandbox.ts, with a stray file in dist/
    fs.writeFileSync(path.join(dist, 'hand-edit.yaml'), 'kind: ConfigMap\n');
    fs.mkdirSync(path.join(dist, 'old-tenant'));
    fs.writeFileSync(path.join(dist, 'old-tenant', 'namespace-old-tenant.yaml'), 'kind: Namespace\n');
    synth(fleetDir({ 'sandbox.ts': null }), dist);
    // THEN only generated files remain: sandbox's folder and bootstrap child are gone, media is unchanged
    const after = readTree(dist);
    expect(
      [...after.keys()].filter(
        (f) => f.startsWith('sandbox/') || f.includes('fleet-sandbox') || f === 'hand-edit.yaml' || f.startsWith('old-tenant/'),
      ),
    ).toEqual([]);
    for (const [f, content] of good) if (f.startsWith('vcluster-media/')) expect(after.get(f)).toBe(content);
  });

  test('the README command (npm run synth) fails on a bad media.ts naming file and value, dist/ untouched', () => {
    const dist = path.join(work, 'dist-cli');
    synth(fleetDir(), dist);
    const before = readTree(dist);
    const dir = fleetDir({
      'media.ts': mediaWith("cidr: '10.0.3.1/32'", "cidr: '10.0.3.1/33'")
        .replace('replicas: 3,', "replicas: 3, resources: { requests: { cpu: '250 millicores' } },")
        .replace(/\n {2}resources: \{\n[\s\S]*?\n {2}\},\n/, '\n'),
    });
    const r = runCli(['--vclusters', dir, '--out', dist]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('synth failed; nothing was written to');
    expect(r.stderr).toMatch(/vclusters\/media\.ts: networkPolicies\.extraEgress\[0\]\.cidr: "10\.0\.3\.1\/33" is not allowed/);
    expect(r.stderr).toMatch(/vclusters\/media\.ts: resources\.requests\.cpu: "250 millicores" is not allowed/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readTree(dist)).toEqual(before);
  });

  test('an empty declarations folder is refused (it would prune every vcluster)', () => {
    const dist = path.join(work, 'dist-empty');
    synth(fleetDir(), dist);
    const before = readTree(dist);
    const r = runCli(['--vclusters', fleetDir({ 'media.ts': null, 'sandbox.ts': null }), '--out', dist]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('refusing to write an empty fleet');
    expect(readTree(dist)).toEqual(before);
  });
});

describe('deletion protection: what removing a file does', () => {
  const dist = () => objects(renderFleet(platform, buildFleet(platform, loadFleet(fleetDir(), 'vclusters').declarations), inventoryFiles));

  test('prod (vcluster-media, retain): nothing that holds data is deleted when its file goes', () => {
    const before = dist();
    const child = before.get('_bootstrap/application-fleet-vcluster-media.yaml');
    // The bootstrap child Argo CD prunes has no resources finalizer: deleting it orphans, never cascades.
    expect(child.metadata.finalizers).toBeUndefined();
    const ns = before.get('vcluster-media/host/namespace-vcluster-media.yaml');
    const project = before.get('vcluster-media/argocd/appproject-vcluster-media.yaml');
    const app = before.get('vcluster-media/argocd/application-vcluster-vcluster-media.yaml');
    for (const o of [ns, project, app]) expect(o.metadata.annotations['argocd.argoproj.io/sync-options']).toBe(KEEP);
    expect(app.metadata.finalizers).toBeUndefined();
    const values = app.spec.source.helm.valuesObject;
    expect(values.controlPlane.statefulSet.persistence.volumeClaim.retentionPolicy).toBe('Retain');
    expect(values.controlPlane.backingStore.etcd.deploy.statefulSet.persistence.volumeClaim.retentionPolicy).toBe('Retain');
    const push = [...before.values()].find((o) => o.kind === 'PushSecret' && o.metadata.namespace === 'vcluster-media');
    if (push) expect(push.spec.deletionPolicy).toBe('None'); // the 1Password item stays
    // No object of the vcluster carries a finalizer that cascades.
    for (const [f, o] of before)
      if (f.startsWith('vcluster-media/')) expect(o.metadata.finalizers ?? []).not.toContain(RESOURCES_FINALIZER);

    // WHEN media.ts is removed and the fleet re-synthesized
    const after = objects(
      renderFleet(platform, buildFleet(platform, loadFleet(fleetDir({ 'media.ts': null }), 'vclusters').declarations), inventoryFiles),
    );
    // THEN nothing mentions it any more (no delete stubs, no Job, nothing targeting its namespace)...
    const mentions = [...after].filter(([f, o]) => f.includes('vcluster-media') || JSON.stringify(o).includes('vcluster-media'));
    expect(mentions).toEqual([]);
    // ...the root Application is unchanged, and the other vcluster renders byte-identically.
    expect(after.get(`_bootstrap/application-${ROOT_APPLICATION}.yaml`)).toEqual(
      before.get(`_bootstrap/application-${ROOT_APPLICATION}.yaml`),
    );
    for (const [f, o] of after) if (f.startsWith('sandbox/')) expect(o).toEqual(before.get(f));
  });

  test('dev (sandbox, delete): its file going removes the namespace, volumes and Helm release', () => {
    const before = dist();
    expect(before.get('_bootstrap/application-fleet-sandbox.yaml').metadata.finalizers).toEqual([RESOURCES_FINALIZER]);
    const ns = before.get('sandbox/host/namespace-sandbox.yaml');
    expect(ns.metadata.annotations['argocd.argoproj.io/sync-options']).toBeUndefined();
    const app = before.get('sandbox/argocd/application-vcluster-sandbox.yaml');
    expect(app.metadata.finalizers).toEqual([RESOURCES_FINALIZER]);
    expect(app.spec.source.helm.valuesObject.controlPlane.statefulSet.persistence.volumeClaim.retentionPolicy).toBe('Delete');
    const push = [...before.values()].find((o) => o.kind === 'PushSecret' && o.metadata.name === 'sandbox-kubeconfig-push');
    if (push) expect(push.spec.deletionPolicy).toBe('Delete');
  });

  test('a prod vcluster that opts in to deletion cleans up like dev', () => {
    const built = buildFleet(platform, [
      {
        file: 'vclusters/x.ts',
        spec: { name: 'x', preset: 'prod', deletionPolicy: 'delete', backingStore: { etcd: { deploy: { enabled: true } } } },
      },
    ]);
    const out = objects(renderFleet(platform, built));
    expect(out.get('_bootstrap/application-fleet-x.yaml').metadata.finalizers).toEqual([RESOURCES_FINALIZER]);
    const values = out.get('x/argocd/application-vcluster-x.yaml').spec.source.helm.valuesObject;
    expect(values.controlPlane.backingStore.etcd.deploy.statefulSet.persistence.volumeClaim.retentionPolicy).toBe('Delete');
  });
});

describe('deterministic output', () => {
  test('the same bytes whatever the order of the declarations, the time zone and the locale', () => {
    // GIVEN the repository's declarations plus a few more, in two orders
    const { platform: site, declarations } = loadFleet(fleetDir(), 'vclusters');
    const more = ['c', 'a', 'b'].map((n) => ({
      file: `vclusters/${n}.ts`,
      spec: { name: `t-${n}`, preset: 'prod' as const, backingStore: { etcd: { deploy: { enabled: true } } } },
    }));
    const forward = renderFleet(site, buildFleet(site, [...declarations, ...more]), inventoryFiles);
    const backward = renderFleet(site, buildFleet(site, [...declarations, ...more].reverse()), inventoryFiles);
    expect([...backward]).toEqual([...forward]);
    // WHEN the CLI runs in another process, time zone and locale
    const out = path.join(work, 'dist-tz');
    const r = runCli(['--vclusters', fleetDir(), '--out', out], { TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' });
    expect(r.status).toBe(0);
    // THEN it writes exactly what this process renders for the same declarations
    const here = path.join(work, 'dist-here');
    synth(fleetDir(), here);
    expect(readTree(out)).toEqual(readTree(here));
  });
});
