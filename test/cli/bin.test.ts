/**
 * The package's `vcluster-fleet` command: each command is this repository's `npm run` command with
 * its options and exit codes; `--help` lists them, `--version` prints the package's version, an
 * unknown command is a usage error (2). Folders default to the working directory's vclusters/ and
 * dist/, never to where the library is installed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BIN_COMMANDS, binUsage, packageVersion, runBin } from '../../src/cli/bin';
import { ROOT } from '../util';

/** Runs `vcluster-fleet` in process with its console captured. */
async function bin(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((m: string) => void out.push(String(m)));
  const error = jest.spyOn(console, 'error').mockImplementation((m: string) => void err.push(String(m)));
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((m: string | Uint8Array) => (out.push(String(m)), true));
  try {
    const code = await runBin(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
}

describe('vcluster-fleet: the commands', () => {
  test('--help lists synth, new, migrate and verify, and exits 0', async () => {
    const r = await bin(['--help']);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(binUsage());
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('usage: vcluster-fleet <command> [options]');
    expect(lines.filter((l) => /^ {2}\w+ {2}/.test(l)).map((l) => l.trim().split(/\s+/)[0])).toEqual(['synth', 'new', 'migrate', 'verify']);
    expect(Object.keys(BIN_COMMANDS)).toEqual(['synth', 'new', 'migrate', 'verify']);
  });

  test('no command prints the usage to stderr and exits 2; an unknown one (a repository-only command too) exits 2 naming it', async () => {
    const none = await bin([]);
    expect([none.code, none.out, none.err]).toEqual([2, '', binUsage()]);
    for (const name of ['bench', 'import', 'build', 'constructor']) {
      const r = await bin([name, '--help']);
      expect([r.code, r.out]).toEqual([2, '']);
      expect(r.err).toBe(`vcluster-fleet: unknown command "${name}" (commands: synth, new, migrate, verify; --help)`);
    }
  });

  test("--version prints the version of the package's package.json", async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await bin(['--version'])).toEqual({ code: 0, out: version, err: '' });
    expect(packageVersion(path.join(ROOT, 'src', 'cli'))).toBe(version);
    expect(packageVersion(os.tmpdir())).toBe('unknown');
  });

  test('each command gets the rest of the command line: its own --help, its own usage errors', async () => {
    const synth = await bin(['synth', '--help']);
    expect([synth.code, synth.out.split('\n')[0]]).toEqual([0, 'usage: npm run synth -- [options]']);
    const bad = await bin(['synth', '--bogus']);
    expect([bad.code, bad.out]).toEqual([2, '']);
    expect(bad.err).toBe(
      'synth: unknown option --bogus (allowed: --vclusters DIR, -o|--out DIR, --allow-empty, --cdk8s, --load-timeout SECONDS, -h|--help)',
    );
    const newHelp = await bin(['new', '--help', '-o', os.tmpdir()]);
    expect([newHelp.code, newHelp.out.split('\n')[0]]).toEqual([0, 'usage: npm run new -- <name> [options]']);
    const migrate = await bin(['migrate']);
    expect([migrate.code, migrate.err]).toEqual([2, 'migrate: expected at least 1 <request.yaml>... (got 0)']);
    const verify = await bin(['verify', '--help']);
    expect([verify.code, verify.out.split('\n')[0]]).toEqual([
      0,
      'Usage: npm run verify [-- --dist DIR] [--charts DIR] [--diff [REF]] [--help]',
    ]);
  });
});

describe('vcluster-fleet in a project: folders are those of the working directory', () => {
  let project: string;
  let cwd: string;
  beforeAll(() => {
    cwd = process.cwd();
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-project-'));
    fs.mkdirSync(path.join(project, 'vclusters'));
    const site = path.join(ROOT, 'test', 'fixtures', 'integratn', 'platform').split(path.sep).join('/');
    fs.writeFileSync(path.join(project, 'vclusters', 'platform.ts'), `export { default } from '${site}';\n`);
    process.chdir(project);
  });
  afterAll(() => {
    process.chdir(cwd);
    fs.rmSync(project, { recursive: true, force: true });
  });

  test('new writes vclusters/<name>.ts, synth renders vclusters/ into dist/, migrate --declarations checks vclusters/', async () => {
    const before = fs.readdirSync(path.join(ROOT, 'vclusters'));
    const created = await bin(['new', 'team-x']);
    expect(created).toEqual({
      code: 0,
      out: 'new: wrote vclusters/team-x.ts. Next: edit it, npm run synth, review dist/, commit.',
      err: '',
    });
    expect(fs.readdirSync(path.join(project, 'vclusters')).sort()).toEqual(['platform.ts', 'team-x.ts']);

    const synth = await bin(['synth']);
    expect([synth.code, synth.err]).toEqual([0, '']);
    expect(synth.out).toMatch(/^synth: 1 vclusters, \d+ objects, \d+ files → dist \(\d+ ms\)$/);
    expect(fs.readdirSync(path.join(project, 'dist')).sort()).toEqual(['INVENTORY.md', '_bootstrap', 'team-x']);
    expect(fs.existsSync(path.join(project, 'dist', 'team-x', 'host', 'namespace-team-x.yaml'))).toBe(true);

    const check = await bin(['migrate', '--declarations', '--check']);
    expect(check).toEqual({ code: 0, out: 'migrate --declarations: 1 declaration, 0 need changes', err: '' });
    // the repository's own folders are untouched
    expect(fs.readdirSync(path.join(ROOT, 'vclusters'))).toEqual(before);
    expect(fs.existsSync(path.join(ROOT, 'dist', 'team-x'))).toBe(false);
  });
});
