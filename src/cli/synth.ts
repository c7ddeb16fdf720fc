/**
 * `npm run synth`: validates every declaration in vclusters/, builds every vcluster, and replaces
 * dist/ only when everything succeeded.
 *
 * Usage: `npm run synth -- [--vclusters DIR] [--out DIR] [--allow-empty] [--load-timeout SECONDS]`
 * (`--help` lists them).
 * With `--cdk8s` (how cdk8s.yaml runs it) it is the app of the cdk8s CLI: the output folder is
 * `$CDK8S_OUTDIR`, written the same way (see ./cdk8s-app.ts). Exit code 1 on invalid input, with one
 * line per problem and no stack trace; 2 on a usage error. A folder without any declaration is
 * refused (the empty output would make Argo CD prune every vcluster) unless `--allow-empty` is given.
 */
import './no-source-maps'; // first: before anything else loads
import './prestart-load'; // then: the declarations start loading on their own thread
import * as path from 'path';
import { FleetError, buildFleet, fleetFiles, vclusterFiles } from '../fleet/fleet';
import { inventoryFiles } from '../fleet/inventory';
import { DEFAULT_LOAD_TIMEOUT_SECONDS, LOAD_TIMEOUT_ENV, loadFleet } from '../fleet/loader';
import { OutputBusyError, TreeWriter } from '../fleet/output';
import { CommandSpec, OptionSpecs, ParsedArgs, USAGE_EXIT_CODE, UsageError, parseCommandLine } from './args';
import { cdk8sOutDir, runAsCdk8sApp } from './cdk8s-app';
import { checkOutputTarget, shown } from './output-target';
import { commandUsage, defaultDeclarationsDir, defaultOutputDir, projectRoot } from './project';

/** Fleets at least this large serialize and write on a second thread while the next vclusters build. */
const PARALLEL_FROM = 32;

/** The command line of `npm run synth` (`vcluster-fleet synth` from the package). */
export const SYNTH_COMMAND = {
  usage: commandUsage('synth'),
  summary:
    'Validates every declaration (each one and the whole fleet) and renders the fleet into the output folder, replacing it only when everything succeeded.',
  options: {
    vclusters: { value: 'DIR', description: 'the declarations folder (default: vclusters/)' },
    out: { value: 'DIR', alias: 'o', description: 'the output folder, replaced as a whole (default: dist/)' },
    allowEmpty: { description: 'accept a folder without declarations (renders an empty fleet: Argo CD prunes every vcluster)' },
    cdk8s: { description: 'run as the app of the cdk8s CLI: write to $CDK8S_OUTDIR (cdk8s.yaml passes it)' },
    loadTimeout: {
      value: 'SECONDS',
      description: `the time one declaration file may take to load (default: $${LOAD_TIMEOUT_ENV}, else ${DEFAULT_LOAD_TIMEOUT_SECONDS})`,
    },
  },
  notes: [
    'The output folder must be absent, empty or an earlier synth output; anything else is refused.',
    'npx cdk8s synth [-o DIR] runs this command through the cdk8s CLI and writes the same files.',
  ],
} satisfies CommandSpec<OptionSpecs>;

type SynthArgs = ParsedArgs<typeof SYNTH_COMMAND.options>;

/** The declarations folder and the output folder of a command line (default: those of the working directory). */
export function folders(args: SynthArgs): { vclustersDir: string; outDir: string } {
  const o = args.options;
  if (o.cdk8s && o.out !== undefined)
    throw new UsageError('--out and --cdk8s exclude each other (the cdk8s CLI names the folder: cdk8s synth -o DIR)');
  const vclustersDir = o.vclusters !== undefined ? path.resolve(o.vclusters) : defaultDeclarationsDir();
  const outDir = o.cdk8s ? cdk8sOutDir() : o.out !== undefined ? path.resolve(o.out) : defaultOutputDir();
  return { vclustersDir, outDir };
}

/** `--load-timeout`: a number of seconds, 1 to 3600. */
function loadTimeoutOf(args: SynthArgs): number | undefined {
  const v = args.options.loadTimeout;
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || n < 1 || n > 3600)
    throw new UsageError(`--load-timeout: ${JSON.stringify(v)} is not a number of seconds from 1 to 3600`);
  return n;
}

/** What one synth run reads, writes and reports to. */
interface SynthRun {
  readonly vclustersDir: string;
  readonly outDir: string;
  readonly allowEmpty: boolean;
  readonly loadTimeout?: number;
  readonly log: (line: string) => void;
}

/** Loads, checks and builds the fleet of `vclustersDir`, and replaces `outDir` with it. */
function synthesize({ vclustersDir, outDir, allowEmpty, loadTimeout, log }: SynthRun): void {
  const started = process.hrtime.bigint();
  // First the output folder's lock and the repair of whatever an earlier run left there (also when
  // this run's input turns out bad). Nothing replaces the folder unless everything below succeeds.
  const tree = new TreeWriter(outDir, { display: `${shown(outDir)}/` });
  let fileCount = 0;
  let fleetObjects = 0; // the objects of _bootstrap/ (one per YAML file there)
  let built;
  try {
    const shownDir = path.relative(process.cwd(), vclustersDir) || '.';
    const { platform, declarations } = loadFleet(vclustersDir, shownDir, { timeoutSeconds: loadTimeout });
    if (declarations.length === 0 && !allowEmpty) {
      // An empty output would make Argo CD prune every vcluster (and delete every `dev` one).
      throw new Error(
        `no vcluster declarations in ${shownDir}; refusing to write an empty fleet. Pass --allow-empty to remove every vcluster on purpose.`,
      );
    }
    if (declarations.length >= PARALLEL_FROM) tree.useWriterThread();
    // Same tree as renderFleet(), streamed: each vcluster's objects go to the (atomic) writer as soon
    // as it is built.
    built = buildFleet(
      platform,
      declarations,
      (b) => {
        for (const [rel, obj] of vclusterFiles(platform, b)) {
          tree.addObject(rel, obj);
          fileCount++;
        }
      },
      { keepObjects: false },
    );
    for (const [rel, content] of fleetFiles(platform, built, inventoryFiles)) {
      tree.addFile(rel, content);
      fileCount++;
      if (rel.endsWith('.yaml')) fleetObjects++;
    }
  } catch (e) {
    tree.abort();
    throw e;
  }
  tree.commit();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const objects = built.reduce((n, b) => n + b.objectCount, fleetObjects);
  log(
    `synth: ${built.length} vclusters, ${objects} objects, ${fileCount} files → ${path.relative(process.cwd(), outDir) || '.'} (${ms.toFixed(0)} ms)`,
  );
}

/** Runs synth with the given arguments (without `node` and the script); returns the exit code. */
export function runSynth(argv: readonly string[]): number {
  const args = parseCommandLine('synth', SYNTH_COMMAND, argv);
  if (typeof args === 'number') return args; // --help, or a usage error
  let target = 'the output folder';
  try {
    const { vclustersDir, outDir } = folders(args);
    target = `${shown(outDir)}/`;
    const root = projectRoot();
    const ctx = { root, declarations: vclustersDir };
    const loadTimeout = loadTimeoutOf(args);
    // The cdk8s CLI swallows its app's stdout: the summary goes to stderr there.
    const log = args.options.cdk8s ? console.error : console.log;
    const run = (out: string) => {
      checkOutputTarget(out, ctx);
      synthesize({ vclustersDir, outDir: out, allowEmpty: args.options.allowEmpty, loadTimeout, log });
    };
    if (args.options.cdk8s) runAsCdk8sApp(outDir, root, run);
    else run(outDir);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`synth: ${e.message}`);
      return USAGE_EXIT_CODE;
    }
    // One line per problem, never a stack trace: the output folder is untouched on every failure.
    const message = e instanceof FleetError ? e.message : e instanceof Error ? e.message.split('\n').slice(0, 3).join('\n') : String(e);
    // a busy output folder is one line: the other run is no fault of this input
    console.error(e instanceof OutputBusyError ? `synth: ${e.message}` : `synth failed; nothing was written to ${target}\n${message}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = runSynth(process.argv.slice(2));
