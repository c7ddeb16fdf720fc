#!/usr/bin/env node
/**
 * `vcluster-fleet <command> [options]`: the commands of the package, for a project that installed
 * it (`npx vcluster-fleet synth`). Each command is the one this repository runs as `npm run
 * <command>`, with the same options and exit codes; folders default to the working directory's
 * `vclusters/` and `dist/`. The commands that only serve this repository's development (bench,
 * import, docs:options, build) are not offered.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PACKAGE_NAME } from '../fleet/library';
import { USAGE_EXIT_CODE } from './args';

/** One command of the `vcluster-fleet` program. */
export interface BinCommand {
  /** What it does, in one line. */
  readonly summary: string;
  /** Runs it with its arguments; resolves to the exit code. Loads its module only then. */
  readonly run: (argv: readonly string[]) => Promise<number>;
}

/** The commands, by name. */
export const BIN_COMMANDS: Readonly<Record<string, BinCommand>> = {
  synth: {
    summary: 'validate every declaration of vclusters/ and render the fleet into dist/ (replaced only when everything succeeded)',
    run: async (argv) => (await import('./synth')).runSynth(argv),
  },
  new: {
    summary: 'scaffold vclusters/<name>.ts, checked against the platform and the declarations already there',
    run: async (argv) => (await import('./new')).runNew(argv),
  },
  migrate: {
    summary: "turn the original platform's requests into declarations, or bring declarations up to date (--declarations)",
    run: async (argv) => (await import('./migrate')).runMigrateCommand(argv),
  },
  verify: {
    summary: 'render the real vcluster chart for every vcluster of dist/ and check the invariants (needs helm and the charts)',
    run: async (argv) => (await import('./verify')).runVerify(argv),
  },
};

/** The version of the package this program belongs to (its package.json, found above this file). */
export function packageVersion(dir: string = __dirname): string {
  for (let d = dir; ; d = path.dirname(d)) {
    const file = path.join(d, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE_NAME) return String(pkg.version);
    }
    if (path.dirname(d) === d) return 'unknown';
  }
}

/** The text of `vcluster-fleet --help`. */
export function binUsage(): string {
  const names = Object.keys(BIN_COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    `usage: ${PACKAGE_NAME} <command> [options]`,
    '',
    'Declare loft-sh vclusters in TypeScript (vclusters/<name>.ts and vclusters/platform.ts) and render',
    'every host-cluster object they need into dist/ for Argo CD. Run it from the root of your project.',
    '',
    'commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${BIN_COMMANDS[n].summary}`),
    '',
    `${PACKAGE_NAME} <command> --help prints the options of a command; ${PACKAGE_NAME} --version its version.`,
    '',
    'exit codes: 0 done (or --help), 1 the input was refused (nothing written), 2 usage error',
  ].join('\n');
}

/** Runs `vcluster-fleet` with its arguments (without `node` and the program); resolves to the exit code. */
export async function runBin(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const out = name === undefined ? console.error : console.log;
    out(binUsage());
    return name === undefined ? USAGE_EXIT_CODE : 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(packageVersion());
    return 0;
  }
  const command = Object.prototype.hasOwnProperty.call(BIN_COMMANDS, name) ? BIN_COMMANDS[name] : undefined;
  if (!command) {
    console.error(`${PACKAGE_NAME}: unknown command ${JSON.stringify(name)} (commands: ${Object.keys(BIN_COMMANDS).join(', ')}; --help)`);
    return USAGE_EXIT_CODE;
  }
  return command.run(rest);
}

if (require.main === module) {
  runBin(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`${PACKAGE_NAME}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      process.exitCode = 1;
    },
  );
}
