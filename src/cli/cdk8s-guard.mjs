/* global process, console */
/**
 * Guard for the cdk8s CLI of this repository, loaded into the `cdk8s` process only: the project's
 * .npmrc passes a one-line loader to every node process npm starts (`npx cdk8s ...`, `npm exec`,
 * `npm run ...`) and that loader imports this file when the process is this repository's
 * `node_modules/.bin/cdk8s` (or `node_modules/cdk8s-cli/bin/cdk8s`). Plain JavaScript: it runs
 * before anything could compile TypeScript.
 *
 * What it changes in the CLI:
 * - the upgrade check (a network call on every command, a stack trace offline) is off, unless
 *   CDK8S_CHECK_UPGRADE is set;
 * - `cdk8s synth` no longer deletes its output folder before running the app: the app
 *   (src/cli/synth.ts --cdk8s) checks the folder and replaces it atomically only when every
 *   declaration is valid, so no `-o` value and no failure deletes it. `--format helm` (it would
 *   write a chart skeleton into the output folder first) and `--stdout` (the CLI streams the files
 *   while it deletes them) are refused;
 * - errors are printed as one line instead of a stack trace; a failed download in `cdk8s import`
 *   (offline) says so and points to `npm run import`, which works from local copies.
 */
import fs from 'node:fs';

const args = process.argv.slice(2);
// The CLI's commands (options may come first: `cdk8s -o dist synth`).
const COMMANDS = new Set(['synth', 'synthesize', 'import', 'init']);
const command = args.find((a) => COMMANDS.has(a)) ?? args.find((a) => !a.startsWith('-'));

if (process.env.CDK8S_CHECK_UPGRADE === undefined) process.env.CDK8S_CHECK_UPGRADE = 'false';

const NETWORK_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH']);

/** The value of `--name VALUE`, `--name=VALUE` or `-a VALUE` on the command line. */
function optionValue(name, alias) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}` || (alias && args[i] === `-${alias}`)) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return undefined;
}

/** The sentence printed instead of an error the CLI would print with its stack trace. */
function explain(e) {
  const message = String(e && e.message ? e.message : e).split('\n')[0];
  if (command === 'import' && e && (NETWORK_ERRORS.has(e.code) || /^http error|getaddrinfo|socket hang up/.test(message))) {
    return [
      `cdk8s import: cannot download the schema (${message}): no internet access?`,
      'This repository regenerates imports/ offline with `npm run import` (from local copies of the upstream files,',
      '`npm run import -- --schemas DIR`, default ../shared/schemas); it also writes the Helm values types and validators.',
    ].join('\n');
  }
  const failed = /^command ".*" at .* returned a non-zero exit code (\d+)$/.exec(message);
  if ((command === 'synth' || command === 'synthesize') && failed) {
    return `cdk8s synth: the app refused the fleet (exit code ${failed[1]}; its messages are above); the output folder is as it was.`;
  }
  return `cdk8s ${command ?? ''}: ${message}`;
}

// Errors reach the terminal through console.error (yargs' failure handler, the CLI's main): one
// line each, never the stack.
const printError = console.error.bind(console);
console.error = (...items) => {
  if (items.length === 1 && items[0] instanceof Error) return printError(explain(items[0]));
  if (items.length === 1 && typeof items[0] === 'string' && /\n {4}at /.test(items[0])) {
    return printError(explain({ message: items[0].replace(/^\w*Error: /, '') }));
  }
  return printError(...items);
};

if (command === 'synth' || command === 'synthesize') {
  const refuse = (message) => {
    printError(`cdk8s synth: ${message}`);
    process.exit(2);
  };
  if ((optionValue('format') ?? 'plain') !== 'plain') {
    refuse('--format must be plain here (this repository renders an Argo CD directory tree, not a Helm chart)');
  }
  if (args.some((a) => a === '--stdout' || a === '-p' || a === '--stdout=true')) {
    refuse('--stdout is not supported here (the output is a tree of files the CLI cannot stream reliably); write it with -o DIR');
  }
  // With plain output the CLI removes a folder recursively once: its output folder, before the app
  // runs. The app replaces that folder itself, atomically, and only when every declaration is valid.
  const rmSync = fs.rmSync;
  fs.rmSync = function guardedRmSync(target, options) {
    if (options && options.recursive) return undefined;
    return rmSync.call(fs, target, options);
  };
}
