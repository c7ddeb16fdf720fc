/**
 * The shared command-line parser: declared options only, values where declared, `--help` first.
 */
import { CommandSpec, UsageError, commandLine, flagName, parseArgs, usageText } from '../../src/cli/args';

const spec = {
  usage: 'npm run demo --',
  summary: 'A demo command.',
  options: {
    out: { value: 'DIR', alias: 'o', description: 'where to write' },
    allowEmpty: { description: 'accept an empty folder' },
  },
  positionals: { name: '<file>...', description: 'input files', min: 1, max: 2 },
} satisfies CommandSpec<any>;

const noPositionals = { usage: 'npm run bare --', summary: 'Takes only options.', options: { force: { description: 'force' } } };

/** The UsageError message of parsing `argv`. */
function refusal(argv: string[], s: CommandSpec<any> = spec): string {
  try {
    parseArgs(s, argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

describe('parseArgs', () => {
  test('long, =, alias and flag forms; positionals in order', () => {
    expect(parseArgs(spec, ['a.yaml', '--out', 'x', '--allow-empty', 'b.yaml'])).toEqual({
      help: false,
      options: { out: 'x', allowEmpty: true },
      positionals: ['a.yaml', 'b.yaml'],
    });
    expect(parseArgs(spec, ['--out=y', 'a']).options).toEqual({ out: 'y', allowEmpty: false });
    expect(parseArgs(spec, ['-o', 'z', 'a']).options.out).toBe('z');
    expect(parseArgs(spec, ['--out=-dash', 'a']).options.out).toBe('-dash');
  });

  test('absent options: undefined values, false flags', () => {
    expect(parseArgs(spec, ['a']).options).toEqual({ out: undefined, allowEmpty: false });
  });

  test('everything after -- is positional', () => {
    expect(parseArgs(spec, ['--', '--out', 'x']).positionals).toEqual(['--out', 'x']);
  });

  test('--help and -h win over every other problem', () => {
    expect(parseArgs(spec, ['--help']).help).toBe(true);
    expect(parseArgs(spec, ['--bogus', '-h', '--out']).help).toBe(true);
    expect(parseArgs(noPositionals, ['extra', '--help']).help).toBe(true);
  });

  test('an unknown option is named with every allowed one', () => {
    expect(refusal(['a', '--bogus'])).toBe('unknown option --bogus (allowed: -o|--out DIR, --allow-empty, -h|--help)');
    expect(refusal(['a', '--bogus=1'])).toMatch(/^unknown option --bogus \(/);
    expect(refusal(['a', '-x'])).toMatch(/^unknown option -x \(/);
  });

  test('a missing or empty value names the option and its syntax', () => {
    expect(refusal(['a', '--out'])).toBe('--out needs a value: --out DIR (write --out=DIR for a value starting with "-")');
    expect(refusal(['a', '-o', '--allow-empty'])).toMatch(/^-o needs a value: --out DIR/);
    expect(refusal(['a', '--out='])).toBe('--out needs a non-empty value: --out DIR');
  });

  test('a flag given a value, and an option given twice, are refused', () => {
    expect(refusal(['a', '--allow-empty=yes'])).toBe('--allow-empty takes no value (got "yes")');
    expect(refusal(['a', '--out', 'x', '-o', 'y'])).toBe('--out DIR is given twice');
  });

  test('the number of positionals is checked', () => {
    expect(refusal([])).toBe('expected 1 to 2 <file>... (got 0)');
    expect(refusal(['a', 'b', 'c'])).toBe('expected 1 to 2 <file>... (got 3: a b c)');
    expect(refusal(['stray'], noPositionals)).toBe('unexpected argument "stray" (this command takes only options)');
  });
});

describe('usage', () => {
  test('lists every option with its alias, value and description, and the exit codes', () => {
    const text = usageText(spec);
    expect(text.split('\n')).toEqual([
      'usage: npm run demo -- <file>... [options]',
      '',
      'A demo command.',
      '',
      '  <file>...          input files',
      '',
      'options:',
      '  -o, --out DIR      where to write',
      '      --allow-empty  accept an empty folder',
      '  -h, --help         print this help and exit',
      '',
      'exit codes: 0 done (or --help), 1 the input was refused (nothing written), 2 usage error',
    ]);
  });

  test('flag names are the kebab-case of the declared names', () => {
    expect(flagName('allowEmpty')).toBe('allow-empty');
    expect(flagName('out')).toBe('out');
  });
});

describe('commandLine', () => {
  let out: jest.SpyInstance;
  let err: jest.SpyInstance;
  beforeEach(() => {
    out = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    process.exitCode = undefined;
  });
  afterEach(() => {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  });

  test('--help prints the usage on stdout and returns nothing to run', () => {
    expect(commandLine('demo', spec, ['-h'])).toBeUndefined();
    expect(out).toHaveBeenCalledWith(usageText(spec));
    expect(err).not.toHaveBeenCalled();
    expect(process.exitCode).toBeUndefined();
  });

  test('a usage error prints one line on stderr and sets exit code 2', () => {
    expect(commandLine('demo', spec, ['a', '--nope'])).toBeUndefined();
    expect(err).toHaveBeenCalledTimes(1);
    expect(err.mock.calls[0][0]).toBe('demo: unknown option --nope (allowed: -o|--out DIR, --allow-empty, -h|--help)');
    expect(process.exitCode).toBe(2);
  });

  test('a valid command line is returned', () => {
    expect(commandLine('demo', spec, ['a'])?.positionals).toEqual(['a']);
    expect(process.exitCode).toBeUndefined();
  });
});
