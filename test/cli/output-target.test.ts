/**
 * Which folders synth may replace: absent, empty or earlier outputs; never the repository, the
 * declarations, a folder inside an output or a folder holding other files.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OutputTargetError, checkOutputTarget, isSynthOutput, placementProblem } from '../../src/cli/output-target';

let base: string;
let root: string;
let ctx: { root: string; declarations: string };
beforeEach(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'output-target-'));
  root = path.join(base, 'repo');
  for (const d of ['vclusters', 'src', 'dist/_bootstrap', 'dist/team-a/host', 'empty'])
    fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.writeFileSync(path.join(root, 'vclusters', 'platform.ts'), '');
  fs.writeFileSync(path.join(root, 'src', 'a.ts'), '');
  fs.writeFileSync(path.join(root, 'src', 'b.ts'), '');
  fs.writeFileSync(path.join(root, 'src', 'c.ts'), '');
  fs.writeFileSync(path.join(root, 'src', 'd.ts'), '');
  fs.writeFileSync(path.join(root, 'README.md'), '');
  ctx = { root, declarations: path.join(root, 'vclusters') };
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

/** The message checkOutputTarget refuses `dir` with. */
function refusal(dir: string): string {
  try {
    checkOutputTarget(dir, ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(OutputTargetError);
    return (e as Error).message;
  }
  throw new Error(`${dir} was accepted`);
}

describe('accepted', () => {
  test.each([
    ['an earlier output', 'dist'],
    ['a folder that does not exist', 'preview'],
    ['a new folder below a new folder', 'out/a/b'],
    ['an empty folder', 'empty'],
  ])('%s', (_what, rel) => {
    expect(() => checkOutputTarget(path.join(root, rel), ctx)).not.toThrow();
  });

  test('a folder outside the repository', () => {
    expect(() => checkOutputTarget(path.join(base, 'elsewhere'), ctx)).not.toThrow();
  });
});

describe('refused', () => {
  test.each([
    ['the repository', '.', 'it is the repository itself'],
    ['a folder containing the repository', '..', 'it contains the repository'],
    ['the declarations folder', 'vclusters', 'it holds the vcluster declarations'],
    ['a folder inside the declarations', 'vclusters/out', 'it holds the vcluster declarations'],
    ['a folder inside an earlier output', 'dist/team-a', 'it is inside the synth output'],
    ['a new folder inside an earlier output', 'dist/new/deeper', 'it is inside the synth output'],
    ['a folder of other files', 'src', 'it holds files synth did not write (a.ts, b.ts, c.ts, ...)'],
    ['a file', 'README.md', 'it is a file'],
  ])('%s', (_what, rel, why) => {
    const message = refusal(path.join(root, rel));
    expect(message).toContain(`with the fleet: ${why}`);
    expect(message).toMatch(/; write to dist\/ \(the default\), a new folder, or an earlier synth output$/);
  });

  test('a folder around the declarations when they live elsewhere', () => {
    ctx = { root, declarations: path.join(base, 'site', 'vclusters') };
    fs.mkdirSync(ctx.declarations, { recursive: true });
    expect(refusal(path.join(base, 'site'))).toContain('it holds the vcluster declarations');
  });

  test('the filesystem root and the home directory', () => {
    expect(placementProblem('/', ctx)).toBe('it is the root of the filesystem');
    expect(placementProblem(os.homedir(), { root: path.join(base, 'r'), declarations: path.join(base, 'd') })).toBe(
      os.homedir() === '/' ? 'it is the root of the filesystem' : 'it is the home directory',
    );
  });

  test('a symbolic link to the repository is the repository', () => {
    fs.symlinkSync(root, path.join(base, 'link'));
    expect(refusal(path.join(base, 'link'))).toContain('it is the repository itself');
  });

  test('the message names the folder relative to the working directory', () => {
    const cwd = process.cwd();
    try {
      process.chdir(root);
      expect(refusal('src')).toMatch(/^refusing to replace src\/ with the fleet: /);
    } finally {
      process.chdir(cwd);
    }
  });
});

test('an earlier output is recognised by its _bootstrap/ folder', () => {
  expect(isSynthOutput(path.join(root, 'dist'))).toBe(true);
  expect(isSynthOutput(path.join(root, 'src'))).toBe(false);
  expect(isSynthOutput(path.join(root, 'missing'))).toBe(false);
});
