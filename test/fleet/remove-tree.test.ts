/**
 * Deleting a replaced tree with several threads: everything goes, whatever shares the threads
 * got; a missing path is no error.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RemoveTreeOptions, removeTree } from '../../src/fleet/remove-tree';

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-remove-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function build(root: string, folders: number): void {
  for (let i = 0; i < folders; i++) {
    fs.mkdirSync(path.join(root, `v-${i}`, 'host'), { recursive: true });
    fs.writeFileSync(path.join(root, `v-${i}`, 'host', 'namespace.yaml'), 'kind: Namespace\n');
    fs.writeFileSync(path.join(root, `v-${i}`, 'top.yaml'), 'x\n');
  }
  fs.writeFileSync(path.join(root, 'INVENTORY.md'), '# x\n');
}

test.each<[string, RemoveTreeOptions]>([
  ['several threads', { threads: 3, parallelFrom: 4 }],
  ['this thread only', { threads: 1 }],
  ['few entries (below parallelFrom)', { threads: 3, parallelFrom: 1000 }],
])('a tree goes completely: %s', (_what, options) => {
  const root = path.join(work, `t-${options.threads}-${options.parallelFrom ?? 0}`);
  build(root, 40);
  removeTree(root, options);
  expect(fs.existsSync(root)).toBe(false);
});

test('a missing path is nothing to do; a file is removed', () => {
  expect(() => removeTree(path.join(work, 'missing'))).not.toThrow();
  const file = path.join(work, 'file');
  fs.writeFileSync(file, 'x');
  removeTree(file);
  expect(fs.existsSync(file)).toBe(false);
});
