/**
 * Every `npm run` command behaves: `--help` prints its usage and exits 0 touching nothing (synth
 * used to rewrite dist/, bench to run for minutes); an unknown option or a missing value is refused
 * in one line naming it, with exit code 2. Run through npm in a scratch copy of the repository.
 */
import * as fs from 'fs';
import { CommandSpec, OptionSpecs, UsageError, parseArgs } from '../../src/cli/args';
import { BENCH_COMMAND } from '../../src/cli/bench';
import { IMPORT_COMMAND } from '../../src/cli/import-schemas';
import { MIGRATE_COMMAND } from '../../src/cli/migrate';
import { NEW_COMMAND } from '../../src/cli/new';
import { OPTIONS_TABLE_COMMAND } from '../../src/cli/options-table';
import { copyRepo, run, snapshot } from './repo-copy';

let repo: string;
let before: Map<string, string>;
beforeAll(() => {
  repo = copyRepo();
  before = snapshot(repo);
});
afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

const npm = (script: string, ...args: string[]) => run(repo, 'npm', ['run', '--silent', script, '--', ...args]);

describe('--help prints the usage, exits 0 and touches nothing', () => {
  test.each([
    ['synth', '-h', 'usage: npm run synth -- [options]'],
    ['bench', '--help', 'usage: npm run bench -- [options]'],
    ['import', '--help', 'usage: npm run import -- [options]'],
    ['migrate', '--help', 'usage: npm run migrate -- <request.yaml>... [options]'],
    ['new', '--help', 'usage: npm run new -- <name> [options]'],
    ['docs:options', '--help', 'usage: npm run docs:options -- [options]'],
  ])('npm run %s -- %s', (script, flag, first) => {
    const r = npm(script, flag);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(first);
    expect(lines.find((l) => l.startsWith('  -h, --help'))).toMatch(/^ {2}-h, --help +print this help and exit$/);
    expect(r.stdout).toContain('exit codes: 0 done (or --help), 1 the input was refused (nothing written), 2 usage error');
    expect(snapshot(repo)).toEqual(before);
  });
});

describe('usage errors: one line naming the option, exit code 2, nothing touched', () => {
  test.each([
    [
      'synth',
      ['--bogus'],
      'synth: unknown option --bogus (allowed: --vclusters DIR, -o|--out DIR, --allow-empty, --cdk8s, --load-timeout SECONDS, -h|--help)',
    ],
    ['bench', ['--runs', 'three'], 'bench: --runs: "three" is not a comma-separated list of positive integers'],
  ])('npm run %s -- %j', (script, args, line) => {
    const r = npm(script, ...args);
    expect(r.stderr).toBe(`${line}\n`);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(2);
    expect(snapshot(repo)).toEqual(before);
  });

  // The same parser, in process (the commands print `<name>: <message>` and exit with 2, as above).
  test.each([
    ['bench', ['--n'], '--n needs a value: --n N,N,... (write --n=N,N,... for a value starting with "-")', BENCH_COMMAND],
    ['import', ['extra'], 'unexpected argument "extra" (this command takes only options)', IMPORT_COMMAND],
    ['migrate', [], 'expected at least 1 <request.yaml>... (got 0)', MIGRATE_COMMAND],
    [
      'migrate',
      ['x.yaml', '--forse'],
      'unknown option --forse (allowed: -o|--out DIR, --force, --platform FILE, -h|--help)',
      MIGRATE_COMMAND,
    ],
    ['new', ['a', 'b'], 'expected exactly 1 <name> (got 2: a b)', NEW_COMMAND],
    ['new', ['a', '--preset'], '--preset needs a value: --preset NAME (write --preset=NAME for a value starting with "-")', NEW_COMMAND],
    ['docs:options', ['--write'], 'unknown option --write (allowed: --check, -h|--help)', OPTIONS_TABLE_COMMAND],
  ])('%s %j', (_name, argv, message, spec: CommandSpec<OptionSpecs>) => {
    expect(() => parseArgs(spec, argv)).toThrow(new UsageError(message));
  });
});
