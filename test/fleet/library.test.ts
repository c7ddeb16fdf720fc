/**
 * The library as declarations see it: while a file of a declarations folder loads, the specifier
 * `vcluster-fleet` resolves to the running library (its entry module), and nothing else changes.
 * Node's own module resolution is what this is about, so it runs in a Node process of its own (jest
 * resolves modules itself). Loading the platform through tsx from plain Node (the built package's
 * command) is checked by .ci/package, in a project that installed the package.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LIBRARY_ENTRY, PACKAGE_NAME } from '../../src/fleet/library';
import { ROOT } from '../util';

let folder: string;
beforeAll(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-library-'))));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

/** Runs `body` in a Node process with tsx, `shareLibrary` and `resolveFrom(dir, request)` at hand; returns what it prints. */
function inNode(body: string): unknown {
  const script = `
    const Module = require('module');
    const path = require('path');
    const { shareLibrary } = require(${JSON.stringify(path.join(ROOT, 'src', 'fleet', 'library.ts'))});
    const resolveFrom = (dir, request) => {
      try { return Module.createRequire(path.join(dir, 'declaration.ts')).resolve(request); } catch (e) { return e.code; }
    };
    ${body}`;
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

test('the running library is src/index.ts from the sources (lib/src/index.js in the package)', () => {
  expect(PACKAGE_NAME).toBe('vcluster-fleet');
  expect(LIBRARY_ENTRY).toBe(path.join(ROOT, 'src', 'index.ts'));
});

test('vcluster-fleet resolves to it while shared, from any folder; other specifiers resolve as before; afterwards as before', () => {
  const result = inNode(`
    const f = ${JSON.stringify(folder)}, root = ${JSON.stringify(ROOT)};
    const out = { before: resolveFrom(f, 'vcluster-fleet'), yaml: resolveFrom(root, 'yaml') };
    const unshare = shareLibrary();
    out.during = [resolveFrom(f, 'vcluster-fleet'), resolveFrom(root, 'vcluster-fleet'), resolveFrom(root, 'yaml'), resolveFrom(f, 'vcluster-fleet/lib/src/index.js')];
    unshare();
    out.after = resolveFrom(f, 'vcluster-fleet');
    unshare();
    out.again = resolveFrom(root, 'yaml');
    console.log(JSON.stringify(out));
  `);
  const yaml = require.resolve('yaml');
  expect(result).toEqual({
    before: 'MODULE_NOT_FOUND',
    yaml,
    during: [LIBRARY_ENTRY, LIBRARY_ENTRY, yaml, 'MODULE_NOT_FOUND'],
    after: 'MODULE_NOT_FOUND',
    again: yaml,
  });
});
