/**
 * The cdk8s CLI on this repository: `npx cdk8s synth` writes the same dist/ as `npm run synth`,
 * through the same checks; no `-o` value and no failure deletes a file; the upgrade check is off and
 * errors are one line; offline `cdk8s import` points to `npm run import`. A cdk8s CLI without the
 * project's guard (a global install) gets its deletions undone from git. Each test runs the real CLI
 * in a scratch copy of the repository.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { STACK_LINE, cdk8s, copyRepo, npmNodeOptions, resetRepo, run, snapshot, subtree, unguardedCdk8s } from './repo-copy';

let repo: string;
let scratch: string;
beforeAll(() => {
  repo = copyRepo();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-cli-'));
});
afterAll(() => {
  fs.rmSync(repo, { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
});
afterEach(() => resetRepo(repo));

/** A declaration no fleet accepts, added beside the others. */
function addBrokenDeclaration(): void {
  fs.writeFileSync(
    path.join(repo, 'vclusters', 'zz-broken.ts'),
    "import { defineVCluster } from '../src';\n\nexport default defineVCluster({ name: 'Not_A_Label' });\n",
  );
}

/** Output without the CLI's list of written manifests. */
const withoutList = (s: string) =>
  s
    .split('\n')
    .filter((l) => !l.startsWith('  - '))
    .join('\n');

describe('project configuration', () => {
  test('cdk8s.yaml: the app is the synth command in its cdk8s mode, writing dist/; no validation plugins', () => {
    const config = YAML.parse(fs.readFileSync(path.join(repo, 'cdk8s.yaml'), 'utf8'));
    expect(config.app).toBe('node --require tsx/cjs src/cli/synth.ts --cdk8s');
    expect(config.output).toBe('dist');
    expect(config.validations).toBeUndefined(); // no construct-metadata.json next to the manifests
  });

  test('.npmrc: the module hook it carries (URL-encoded twice) is the one its comment shows', () => {
    const npmrc = fs.readFileSync(path.join(repo, '.npmrc'), 'utf8');
    const code = decodeURIComponent(npmNodeOptions(repo).replace(/^--import=data:text\/javascript,/, ''));
    const encoded = /register\('data:text\/javascript,([^']*)'\)/.exec(code)![1];
    const hook = decodeURIComponent(decodeURIComponent(encoded));
    expect(hook).toMatch(/^export async function load\(/);
    expect(npmrc.split('\n')).toContain(`;   ${hook}`);
  });
});

describe('npx cdk8s synth (the CLI with the project guard)', () => {
  test('writes exactly what npm run synth writes, quietly: no upgrade check, no stack trace', () => {
    const expected = path.join(scratch, 'expected');
    const npm = run(repo, 'npm', ['run', '--silent', 'synth', '--', '--out', expected]);
    expect(npm.stderr).toBe('');
    expect(npm.status).toBe(0);
    fs.rmSync(path.join(repo, 'dist'), { recursive: true, force: true });
    fs.mkdirSync(path.join(repo, 'dist', '_bootstrap'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'dist', 'stale.yaml'), 'kind: Stale\n'); // an earlier output with a file synth no longer writes

    const r = run(repo, 'npx', ['cdk8s', 'synth']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^synth: \d+ vclusters, \d+ objects, \d+ files → dist \(\d+ ms\)\n$/);
    expect(r.stdout).not.toMatch(/new version|ERROR/);
    expect(subtree(snapshot(repo), 'dist')).toEqual(new Map([...snapshot(expected)].map(([f, h]) => [`dist/${f}`, h])));
  });

  test('-o dist with a declaration that does not validate: exit 1, one line per problem, every file as it was', () => {
    addBrokenDeclaration();
    const before = snapshot(repo);
    const r = cdk8s(repo, ['synth', '-o', 'dist']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('synth failed; nothing was written to dist/');
    expect(r.stderr).toContain('vclusters/zz-broken.ts: name: "Not_A_Label" is not allowed');
    expect(r.stderr).toContain(
      'cdk8s synth: the app refused the fleet (exit code 1; its messages are above); the output folder is as it was.',
    );
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(snapshot(repo)).toEqual(before);
  });

  // Every other folder is covered by the unit tests of output-target.ts; this one goes end to end.
  test('-o . is refused and deletes nothing', () => {
    const before = snapshot(repo);
    const r = cdk8s(repo, ['synth', '-o', '.']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('refusing to replace ./ with the fleet: it is the repository itself');
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(snapshot(repo)).toEqual(before);
  });

  test.each([
    [
      ['--format', 'helm', '--chart-version', '1.0.0'],
      '--format must be plain here (this repository renders an Argo CD directory tree, not a Helm chart)',
    ],
    [['--stdout'], '--stdout is not supported here (the output is a tree of files the CLI cannot stream reliably); write it with -o DIR'],
  ])('synth %j is refused before anything is written (exit 2)', (args, message) => {
    const before = snapshot(repo);
    const r = cdk8s(repo, ['synth', ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`cdk8s synth: ${message}\n`);
    expect(snapshot(repo)).toEqual(before);
  });
});

// The other cases of a CLI without the guard are covered in process by cdk8s-app.test.ts.
describe('a cdk8s CLI without the guard (global install): it deletes the output folder before the app runs', () => {
  test('with a declaration that does not validate, dist/ is restored from git', () => {
    addBrokenDeclaration();
    const before = snapshot(repo);
    const r = unguardedCdk8s(repo, ['synth', '-o', 'dist']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('vclusters/zz-broken.ts: name: "Not_A_Label" is not allowed');
    expect(r.stderr).toMatch(/the cdk8s CLI deleted dist\/ before running the app .*; its \d+ files were restored from git's index/);
    expect(snapshot(repo)).toEqual(before);
  });
});

describe('npx cdk8s import offline', () => {
  test('a download that fails explains itself and points to npm run import; nothing changes', () => {
    const before = snapshot(repo);
    // .invalid never resolves (RFC 6761), online or not
    const r = cdk8s(repo, ['import', '--no-save', '-o', path.join(scratch, 'imports'), 'x:=https://crds.example.invalid/crd.yaml']);
    expect(r.status).toBe(1);
    expect(withoutList(r.stderr)).toMatch(
      /^cdk8s import: cannot download the schema \(getaddrinfo (ENOTFOUND|EAI_AGAIN) crds\.example\.invalid\): no internet access\?\n/m,
    );
    expect(r.stderr).toContain('`npm run import`');
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(snapshot(repo)).toEqual(before);
  });
});
