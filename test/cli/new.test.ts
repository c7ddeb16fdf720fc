/**
 * `npm run new`: scaffolds a valid declaration, refuses bad options and existing files.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { VClusterSpec } from '../../src';
import { ScaffoldError, scaffold, scaffoldSource } from '../../src/cli/new';
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
