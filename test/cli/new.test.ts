/**
 * `npm run new`: scaffolds a valid declaration, refuses bad options and existing files.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { VClusterSpec } from '../../src';
import { ScaffoldError, UnknownPresetError, runNew, scaffold, scaffoldSource } from '../../src/cli/new';
import { find, helmValues, platform, render } from '../util';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'new-'));
  // a declarations folder of its own, using the test site configuration
  const site = path.resolve(__dirname, '..', 'fixtures', 'integratn', 'platform').split(path.sep).join('/');
  fs.writeFileSync(path.join(dir, 'platform.ts'), `export { default } from '${site}';\n`);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function load(file: string): VClusterSpec {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file).default as VClusterSpec;
}

describe('new', () => {
  test('a dev scaffold is the name, the preset, the newest chart version pinned and its deletion policy written out, and renders', () => {
    const file = scaffold({ name: 'team-a', outDir: dir });
    expect(path.basename(file)).toBe('team-a.ts');
    const spec = load(file);
    expect(spec).toEqual({ name: 'team-a', preset: 'dev', application: { targetRevision: '0.36.1' }, deletionPolicy: 'delete' });
    const objects = render(spec);
    expect(find(objects, 'Namespace', 'team-a')).toBeDefined();
    expect(fs.readFileSync(file, 'utf8')).toContain("import { defineVCluster } from '");
  });

  test('every option lands in the declaration', () => {
    const file = scaffold({
      name: 'team-b',
      preset: 'prod',
      hostname: 'b.integratn.tech',
      namespace: 'vc-team-b',
      environment: 'staging',
      outDir: dir,
    });
    const source = fs.readFileSync(file, 'utf8');
    expect(source).toContain("exposure: Exposure.loadBalancer({ hostname: 'b.integratn.tech' })");
    const spec = load(file);
    expect(spec).toMatchObject({
      name: 'team-b',
      preset: 'prod',
      targetNamespace: 'vc-team-b',
      argocd: { environment: 'staging' },
      deletionPolicy: 'retain',
    });
    const v = helmValues(render(spec));
    expect(v.controlPlane.service.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe('b.integratn.tech');
    expect(v.controlPlane.statefulSet.highAvailability.replicas).toBe(3);
  });

  test.each([
    [{ name: 'Bad_Name' }, /name: "Bad_Name"/],
    [{ name: 'platform' }, /name: "platform"/],
    [{ name: 'ok', preset: 'large' }, /--preset: "large"/],
    [{ name: 'ok', hostname: 'not a host' }, /--hostname: "not a host"/],
    [{ name: 'ok', namespace: 'kube-system' }, /--namespace: "kube-system"/],
  ])('refuses %j', (opts, message) => {
    expect(() => scaffoldSource(opts, platform)).toThrow(ScaffoldError);
    expect(() => scaffoldSource(opts, platform)).toThrow(message);
  });

  test('refuses to overwrite an existing declaration unless forced', () => {
    const target = path.join(dir, 'team-c.ts');
    fs.writeFileSync(target, '// mine\n');
    expect(() => scaffold({ name: 'team-c', outDir: dir })).toThrow(/team-c\.ts exists/);
    expect(fs.readFileSync(target, 'utf8')).toBe('// mine\n');
    scaffold({ name: 'team-c', outDir: dir, force: true });
    expect(fs.readFileSync(target, 'utf8')).toContain('defineVCluster');
  });

  test('refuses a hostname another declaration of the folder uses', () => {
    scaffold({ name: 'first', hostname: 'shared.integratn.tech', outDir: dir });
    expect(() => scaffold({ name: 'second', hostname: 'shared.integratn.tech', outDir: dir })).toThrow(/shared\.integratn\.tech/);
    expect(fs.existsSync(path.join(dir, 'second.ts'))).toBe(false);
  });
});

/** A declarations folder whose site defines two presets: `team` (from prod, pinning a chart) and `lab` (dev's values). */
function siteWithPresets(): string {
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'new-presets-'));
  const fixture = path.resolve(__dirname, '..', 'fixtures', 'integratn', 'platform').split(path.sep).join('/');
  const src = path.resolve(__dirname, '..', '..', 'src').split(path.sep).join('/');
  fs.writeFileSync(
    path.join(site, 'platform.ts'),
    [
      `import { definePlatform } from '${src}';`,
      `import { config } from '${fixture}';`,
      "export default definePlatform({ ...config, presets: { team: { extends: 'prod', replicas: 2, chartVersion: '0.31.1', environment: 'staging' }, lab: {} } });",
      '',
    ].join('\n'),
  );
  return site;
}

/** What a command printed: stdout and stderr lines, and its exit code. */
function captured(argv: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((m: string) => void out.push(m));
  const error = jest.spyOn(console, 'error').mockImplementation((m: string) => void err.push(m));
  try {
    const code = runNew(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('new --preset with site presets', () => {
  let site: string;
  beforeEach(() => (site = siteWithPresets()));
  afterEach(() => fs.rmSync(site, { recursive: true, force: true }));

  test("a site preset: its name, the chart version it fixes and its deletion policy written out; it renders with the preset's values", () => {
    const file = scaffold({ name: 'team-x', preset: 'team', outDir: site });
    const spec = load(file);
    expect(spec).toEqual({ name: 'team-x', preset: 'team', application: { targetRevision: '0.31.1' }, deletionPolicy: 'retain' });
    expect(fs.readFileSync(file, 'utf8')).toContain(
      ' * team-x: a vcluster of the site preset "team" (data retained when this file is removed).',
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sitePlatform = require(path.join(site, 'platform.ts')).default;
    const v = helmValues(render(spec, sitePlatform));
    expect(v.controlPlane.statefulSet.highAvailability.replicas).toBe(2);
    expect(v.controlPlane.serviceMonitor.labels.environment).toBe('staging');
  });

  test("--chart-version wins over the preset's; a preset fixing none pins the newest", () => {
    expect(load(scaffold({ name: 'team-y', preset: 'team', chartVersion: '0.31.3', outDir: site })).application).toEqual({
      targetRevision: '0.31.3',
    });
    expect(load(scaffold({ name: 'lab-a', preset: 'lab', outDir: site }))).toEqual({
      name: 'lab-a',
      preset: 'lab',
      application: { targetRevision: '0.36.1' },
      deletionPolicy: 'delete',
    });
  });

  test('npm run new accepts a site preset on the command line', () => {
    const r = captured(['team-z', '--preset', 'team', '-o', site]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(load(path.join(site, 'team-z.ts')).preset).toBe('team');
  });

  test('an unknown preset exits 2 listing every preset the site offers, and writes nothing', () => {
    const r = captured(['team-q', '--preset', 'huge', '-o', site]);
    expect(r).toEqual({
      code: 2,
      out: '',
      err: 'new: --preset: "huge" is not allowed. Allowed: one of the presets the site offers: dev, prod, team, lab. Fix: pick one of them, or define it in the presets of the platform configuration',
    });
    expect(fs.readdirSync(site)).toEqual(['platform.ts']);
    expect(() => scaffoldSource({ name: 'ok', preset: 'huge' }, platform)).toThrow(UnknownPresetError);
  });

  test('--help lists the presets the site offers and writes nothing', () => {
    const r = captured(['--help', '-o', site]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out.split('\n').find((l) => l.includes('--preset NAME'))).toMatch(
      /--preset NAME +preset: dev, prod, team, lab \(the built-in ones, then the site presets of platform\.ts\) \(default: dev\)$/,
    );
    expect(fs.readdirSync(site)).toEqual(['platform.ts']);
  });

  test('--help still prints when the platform does not load, saying why the site presets are missing', () => {
    fs.writeFileSync(path.join(site, 'platform.ts'), "throw new Error('broken site');\n");
    const r = captured(['-h', '-o', site]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--preset NAME +preset: dev, prod \(default: dev\)$/m);
    expect(r.out).toMatch(/^note: .*platform\.ts did not load \(broken site\): only the built-in presets are listed$/m);
  });
});
