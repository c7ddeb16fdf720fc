/**
 * The command-line parser every `npm run` command of this repository uses: each command declares
 * its options (long name, one-letter alias, value or boolean, description) and its positional
 * arguments; `--help`/`-h` prints the usage and touches nothing; an unknown option, a missing value
 * or a wrong number of arguments is refused with one line.
 *
 * Exit codes shared by every command: 0 success (and `--help`), 1 the command ran and refused its
 * input (invalid declarations, requests or schemas), 2 usage error (the command line itself).
 */

/** Exit code of a usage error (unknown option, missing value, wrong number of arguments). */
export const USAGE_EXIT_CODE = 2;

/** An option that takes a value: `--out DIR`, `--out=DIR` or `-o DIR`. */
export interface ValueOption {
  /** Placeholder shown in the usage, e.g. `DIR`. */
  readonly value: string;
  /** One-letter alias, e.g. `o` for `-o`. @default - none */
  readonly alias?: string;
  /** One line saying what the option does. */
  readonly description: string;
}

/** A boolean option: present or absent (`--force`). */
export interface FlagOption {
  /** Always absent: flags take no value. @default - a flag */
  readonly value?: undefined;
  /** One-letter alias, e.g. `f` for `-f`. @default - none */
  readonly alias?: string;
  /** One line saying what the option does. */
  readonly description: string;
}

/** The options of a command, keyed by their camelCase name (`allowEmpty` is `--allow-empty`). */
export type OptionSpecs = { readonly [name: string]: ValueOption | FlagOption };

/** Positional arguments of a command. */
export interface PositionalSpec {
  /** Name shown in the usage, e.g. `<request.yaml>...`. */
  readonly name: string;
  /** One line saying what they are. */
  readonly description: string;
  /** Fewest accepted. @default 0 */
  readonly min?: number;
  /** Most accepted. @default - no limit */
  readonly max?: number;
}

/** What a command accepts. */
export interface CommandSpec<O extends OptionSpecs> {
  /** How it is run, e.g. `npm run synth --`. */
  readonly usage: string;
  /** What it does (one or two sentences). */
  readonly summary: string;
  /** Its options (`--help` is added to every command). */
  readonly options: O;
  /** Its positional arguments. @default - none accepted */
  readonly positionals?: PositionalSpec;
  /** Lines printed after the options (examples, notes). @default - none */
  readonly notes?: readonly string[];
}

/** Parsed option values: a string (or undefined) for value options, a boolean for flags. */
export type OptionValues<O extends OptionSpecs> = {
  readonly [K in keyof O]: O[K] extends ValueOption ? string | undefined : boolean;
};

/** The result of parsing a command line. */
export interface ParsedArgs<O extends OptionSpecs> {
  /** True when `--help` or `-h` was given: print the usage, do nothing else. */
  readonly help: boolean;
  /** The option values. */
  readonly options: OptionValues<O>;
  /** The positional arguments, in order. */
  readonly positionals: readonly string[];
}

/** A command line the command does not accept; the message is one line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `allowEmpty` → `allow-empty`. */
export function flagName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `--out DIR`, `--force` (the option as it is written on the command line). */
function optionSyntax(name: string, o: ValueOption | FlagOption): string {
  return `--${flagName(name)}${o.value ? ` ${o.value}` : ''}`;
}

/** The accepted options in one line, for error messages. */
function allowedList(spec: CommandSpec<OptionSpecs>): string {
  const names = Object.entries(spec.options).map(([n, o]) => `${o.alias ? `-${o.alias}|` : ''}${optionSyntax(n, o)}`);
  return [...names, '-h|--help'].join(', ');
}

/** Parses `argv` (without `node` and the script) against `spec`. Throws {@link UsageError}. */
export function parseArgs<O extends OptionSpecs>(spec: CommandSpec<O>, argv: readonly string[]): ParsedArgs<O> {
  const byFlag = new Map<string, [string, ValueOption | FlagOption]>();
  for (const [name, o] of Object.entries(spec.options)) {
    byFlag.set(`--${flagName(name)}`, [name, o]);
    if (o.alias) byFlag.set(`-${o.alias}`, [name, o]);
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, o] of Object.entries(spec.options)) values[name] = o.value ? undefined : false;
  const positionals: string[] = [];
  const seen = new Set<string>();
  let help = false;
  let problem: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === '--help' || a === '-h') {
      help = true;
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const known = byFlag.get(flag);
    if (!known) {
      problem ??= `unknown option ${flag} (allowed: ${allowedList(spec)})`;
      continue;
    }
    const [name, o] = known;
    if (seen.has(name)) problem ??= `${optionSyntax(name, o)} is given twice`;
    seen.add(name);
    if (!o.value) {
      if (eq > 0) problem ??= `--${flagName(name)} takes no value (got ${JSON.stringify(a.slice(eq + 1))})`;
      values[name] = true;
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[i + 1];
    if (eq < 0 && (value === undefined || (value.startsWith('-') && value !== '-'))) {
      problem ??= `${flag} needs a value: ${optionSyntax(name, o)} (write ${flag}=${o.value} for a value starting with "-")`;
      continue;
    }
    if (eq < 0) i++;
    if (value === '') problem ??= `${flag} needs a non-empty value: ${optionSyntax(name, o)}`;
    values[name] = value;
  }
  // --help wins over every other problem: it never does anything but print the usage.
  if (!help && problem) throw new UsageError(problem);
  if (!help) checkPositionals(spec, positionals);
  return { help, options: values as OptionValues<O>, positionals };
}

function checkPositionals(spec: CommandSpec<OptionSpecs>, positionals: readonly string[]): void {
  const p = spec.positionals;
  if (!p) {
    if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} (this command takes only options)`);
    return;
  }
  const min = p.min ?? 0;
  const max = p.max ?? Infinity;
  if (positionals.length < min || positionals.length > max) {
    const wanted = min === max ? `exactly ${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new UsageError(
      `expected ${wanted} ${p.name} (got ${positionals.length}${positionals.length ? `: ${positionals.join(' ')}` : ''})`,
    );
  }
}

/** The usage text of a command (what `--help` prints). */
export function usageText(spec: CommandSpec<OptionSpecs>): string {
  const rows: Array<[string, string]> = Object.entries(spec.options).map(([n, o]) => [
    `${o.alias ? `-${o.alias}, ` : '    '}${optionSyntax(n, o)}`,
    o.description,
  ]);
  rows.push(['-h, --help', 'print this help and exit']);
  const width = Math.max(...rows.map(([l]) => l.length));
  const lines = [`usage: ${spec.usage}${spec.positionals ? ` ${spec.positionals.name}` : ''} [options]`, '', spec.summary, ''];
  if (spec.positionals) lines.push(`  ${spec.positionals.name}`.padEnd(width + 4) + spec.positionals.description, '');
  lines.push('options:', ...rows.map(([l, d]) => `  ${l.padEnd(width)}  ${d}`));
  if (spec.notes?.length) lines.push('', ...spec.notes);
  lines.push('', 'exit codes: 0 done (or --help), 1 the input was refused (nothing written), 2 usage error');
  return lines.join('\n');
}

/**
 * Parses the command line of a running command: the parsed arguments, or the exit code when the
 * command is done already: 0 after printing the usage for `--help`, 2 after printing
 * `<name>: <problem>` for a usage error.
 */
export function parseCommandLine<O extends OptionSpecs>(
  name: string,
  spec: CommandSpec<O>,
  argv: readonly string[],
): ParsedArgs<O> | number {
  let parsed: ParsedArgs<O>;
  try {
    parsed = parseArgs(spec, argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${name}: ${e.message}`);
    return USAGE_EXIT_CODE;
  }
  if (parsed.help) {
    console.log(usageText(spec));
    return 0;
  }
  return parsed;
}

/**
 * Parses the command line of a running command: prints the usage and returns undefined for
 * `--help`; prints `<name>: <problem>` and sets exit code 2 (returning undefined) for a usage error.
 */
export function commandLine<O extends OptionSpecs>(
  name: string,
  spec: CommandSpec<O>,
  argv: readonly string[] = process.argv.slice(2),
): ParsedArgs<O> | undefined {
  const parsed = parseCommandLine(name, spec, argv);
  if (typeof parsed !== 'number') return parsed;
  if (parsed !== 0) process.exitCode = parsed;
  return undefined;
}
