/**
 * `npm run import` generates into a temporary folder and replaces imports/ only when everything was
 * generated: a failure leaves every file of imports/ as it was and nothing behind. (That the same
 * inputs give byte-identical files is checked by CI, which has the upstream copies: `.ci/run`.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { copyRepo, run, snapshot } from './repo-copy';

let repo: string;
let schemas: string;
beforeAll(() => {
  repo = copyRepo();
  schemas = fs.mkdtempSync(path.join(os.tmpdir(), 'import-schemas-'));
});
afterAll(() => {
  fs.rmSync(repo, { recursive: true, force: true });
  fs.rmSync(schemas, { recursive: true, force: true });
});

/** Temporary folders of the importer left in the temporary directory. */
const leftovers = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('vcluster-fleet-imports-'));

test('a schema that does not import: exit 1, one message, imports/ and everything else as it was', () => {
  // the local copy of the first CRD of cdk8s.yaml, broken
  fs.writeFileSync(path.join(schemas, 'argocd-v3.5.1-application-crd.yaml'), 'not: [a, CRD\n');
  const before = snapshot(repo);
  const tmpBefore = leftovers();
  const r = run(repo, 'npm', ['run', '--silent', 'import', '--', '--schemas', schemas]);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('import failed; imports/ is as it was.');
  expect(snapshot(repo)).toEqual(before);
  expect(fs.readdirSync(repo).filter((f) => f.startsWith('.imports'))).toEqual([]);
  expect(leftovers()).toEqual(tmpBefore);
});

test('--schemas naming no folder: exit 2 before anything runs', () => {
  const before = snapshot(repo);
  const r = run(repo, 'npm', ['run', '--silent', 'import', '--', '--schemas', path.join(schemas, 'missing')]);
  expect(r.status).toBe(2);
  expect(r.stderr).toBe(
    `import: --schemas: ${path.join(schemas, 'missing')} is not a folder (it should hold the local copies of the upstream files)\n`,
  );
  expect(snapshot(repo)).toEqual(before);
});
