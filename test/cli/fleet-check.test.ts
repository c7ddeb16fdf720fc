/**
 * `npm run migrate` and `npm run new` check the whole fleet before writing: the new declaration
 * together with every declaration already in the folder must pass synth's fleet-wide rules, so a
 * vcluster the fleet already declares (under another file name) is refused, naming that file, and
 * nothing is written.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { fleetProblems } from '../../src/cli/fleet-check';
import { MigrationError, runMigrate } from '../../src/cli/migrate';
import { ScaffoldError, scaffold } from '../../src/cli/new';
import { platform } from '../util';

const SRC = JSON.stringify(path.resolve(__dirname, '..', '..', 'src'));
const host = (label: string) => `${label}.${platform.baseDomain}`;

let dir: string;
let requests: string;
let folderName: string;
beforeEach(() => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-check-'));
  dir = path.join(base, 'fleet');
  requests = path.join(base, 'requests');
  fs.mkdirSync(dir);
  fs.mkdirSync(requests);
  folderName = path.basename(dir);
  // the integratn site of the fixtures
  const site = JSON.stringify(path.resolve(__dirname, '..', 'fixtures', 'integratn', 'platform'));
  fs.writeFileSync(path.join(dir, 'platform.ts'), `export { default } from ${site};\n`);
});
afterEach(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

/** Writes `<file>` in the folder declaring `spec` (plain literal fields only). */
function declare(file: string, spec: Record<string, unknown>): void {
  const body = JSON.stringify(spec);
  fs.writeFileSync(path.join(dir, file), `import { defineVCluster } from ${SRC};\n\nexport default defineVCluster(${body});\n`);
}

/** Writes a VClusterOrchestratorV2 request; returns its path. */
function request(file: string, spec: Record<string, unknown>): string {
  const doc = {
    apiVersion: 'platform.integratn.tech/v1alpha1',
    kind: 'VClusterOrchestratorV2',
    metadata: { name: String(spec.name), namespace: 'platform-requests' },
    spec,
  };
  const p = path.join(requests, file);
  fs.writeFileSync(p, YAML.stringify(doc));
  return p;
}

/** The folder's files and their content. */
function folder(): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** The message of the error `fn` throws, checking its class. */
function refusal(fn: () => unknown, type: new (...a: never[]) => Error): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

const migrate = (files: string[], force = false) => runMigrate({ files, outDir: dir, force, log: () => undefined });

describe('migrate', () => {
  test('a request the fleet already declares under another file name: refused naming that file, nothing written', () => {
    declare('media.ts', { name: 'vcluster-media', preset: 'prod' });
    const before = folder();
    const req = request('media.yaml', { name: 'vcluster-media' });
    const message = refusal(() => migrate([req]), MigrationError);
    expect(message).toContain(
      `${req}: spec.name: "vcluster-media" is not allowed. Allowed: a vcluster name no other vcluster uses (${folderName}/media.ts already does). Fix: leave the request out if that file declares this vcluster already, otherwise change spec.name in the request`,
    );
    expect(folder()).toEqual(before);
  });

  test('a clash is reported on the request even when its file name sorts first', () => {
    declare('zz.ts', { name: 'zz', targetNamespace: 'shared-ns' });
    const before = folder();
    const req = request('aa.yaml', { name: 'aa', targetNamespace: 'shared-ns' });
    const message = refusal(() => migrate([req]), MigrationError);
    expect(message).toBe(
      `${req}: spec.targetNamespace: "shared-ns" is not allowed. Allowed: a host namespace no other vcluster uses (${folderName}/zz.ts already does). Fix: leave the request out if that file declares this vcluster already, otherwise change spec.targetNamespace in the request`,
    );
    expect(folder()).toEqual(before);
  });

  test('two requests of one run that clash with each other: nothing written', () => {
    const a = request('a.yaml', { name: 'team-a', exposure: { hostname: host('shared') } });
    const b = request('b.yaml', { name: 'team-b', exposure: { hostname: host('shared') } });
    const before = folder();
    const message = refusal(() => migrate([a, b]), MigrationError);
    expect(message).toContain(`${b}: spec.exposure.hostname: "${host('shared')}" is not allowed`);
    expect(message).toContain(`(${folderName}/team-a.ts already does)`);
    expect(folder()).toEqual(before);
  });

  test('--force replacing the file of the same vcluster is no clash', () => {
    declare('team-c.ts', { name: 'team-c' });
    const written = migrate([request('c.yaml', { name: 'team-c', targetNamespace: 'vc-team-c' })], true);
    expect(written).toEqual([path.join(dir, 'team-c.ts')]);
    expect(folder()['team-c.ts']).toContain("targetNamespace: 'vc-team-c'");
  });

  test('a folder whose fleet does not load: refused naming the broken file, nothing written', () => {
    fs.writeFileSync(path.join(dir, 'broken.ts'), 'export const nothing = 1;\n');
    const before = folder();
    const message = refusal(() => migrate([request('d.yaml', { name: 'team-d' })]), MigrationError);
    expect(message).toContain(`${folderName}/broken.ts: export default: "no default export (only nothing)" is not allowed`);
    expect(folder()).toEqual(before);
  });
});

describe('new', () => {
  test('a name another file declares: refused naming that file, nothing written', () => {
    declare('media.ts', { name: 'vcluster-media' });
    const before = folder();
    const message = refusal(() => scaffold({ name: 'vcluster-media', outDir: dir }), ScaffoldError);
    expect(message).toContain(
      `name: "vcluster-media" is not allowed. Allowed: a vcluster name no other vcluster uses (${folderName}/media.ts already does)`,
    );
    expect(folder()).toEqual(before);
  });

  test('a namespace another file uses, when the new file sorts first', () => {
    declare('zz.ts', { name: 'zz', targetNamespace: 'taken' });
    const before = folder();
    const message = refusal(() => scaffold({ name: 'aa', namespace: 'taken', outDir: dir }), ScaffoldError);
    expect(message).toBe(
      `--namespace: "taken" is not allowed. Allowed: a host namespace no other vcluster uses (${folderName}/zz.ts already does). Fix: change targetNamespace in one of the two files`,
    );
    expect(folder()).toEqual(before);
  });

  test('a folder whose fleet does not load: refused naming the broken file', () => {
    fs.writeFileSync(path.join(dir, 'broken.ts'), 'export default 42;\n');
    const before = folder();
    expect(refusal(() => scaffold({ name: 'team-e', outDir: dir }), ScaffoldError)).toContain(
      `${folderName}/broken.ts: export default: 42 is not allowed`,
    );
    expect(folder()).toEqual(before);
  });
});

describe('fleetProblems', () => {
  test('a folder without platform.ts holds no fleet: the pending declarations are checked among themselves', () => {
    fs.rmSync(path.join(dir, 'platform.ts'));
    declare('ignored.ts', { name: 'same' });
    const pending = [
      { target: path.join(dir, 'one.ts'), spec: { name: 'one', targetNamespace: 'ns' } },
      { target: path.join(dir, 'two.ts'), spec: { name: 'two', targetNamespace: 'ns' } },
    ];
    const problems = fleetProblems(dir, platform, pending);
    expect(problems.map((p) => [p.source, p.field, p.value])).toEqual([[`${folderName}/two.ts`, 'targetNamespace', 'ns']]);
    expect(fleetProblems(dir, platform, [{ target: path.join(dir, 'same.ts'), spec: { name: 'same' } }])).toEqual([]);
  });
});
