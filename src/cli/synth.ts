/**
 * `npm run synth`: validates every declaration in vclusters/, builds every vcluster, and replaces
 * dist/ only when everything succeeded.
 *
 * Usage: `npm run synth [-- --vclusters DIR] [--out DIR] [--load-timeout SECONDS]`. With `--preview` (how cdk8s.yaml runs it)
 * the output goes to `$CDK8S_OUTDIR` (cdk8s.out/) instead of dist/. Exit code 1 on invalid input,
 * with one line per problem and no stack trace. A folder without any declaration is refused (the
 * empty output would make Argo CD prune every vcluster) unless `--allow-empty` is given.
 */
import './no-source-maps'; // first: before anything else loads
import './prestart-load'; // then: the declarations start loading on their own thread
import * as path from 'path';
import { FleetError, buildFleet, fleetFiles, vclusterFiles } from '../fleet/fleet';
import { inventoryFiles } from '../fleet/inventory';
import { loadFleet } from '../fleet/loader';
import { OutputBusyError, TreeWriter } from '../fleet/output';

/** Fleets at least this large serialize and write on a second thread while the next vclusters build. */
const PARALLEL_FROM = 32;

function arg(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const root = path.resolve(__dirname, '..', '..');
  const vclustersDir = path.resolve(arg('--vclusters') ?? path.join(root, 'vclusters'));
  const outDir = process.argv.includes('--preview')
    ? path.resolve(process.env.CDK8S_OUTDIR ?? path.join(root, 'cdk8s.out'))
    : path.resolve(arg('--out') ?? path.join(root, 'dist'));
  const started = process.hrtime.bigint();
  // First the output folder's lock and the repair of whatever an earlier run left there (also when
  // this run's input turns out bad). Nothing replaces the folder unless everything below succeeds.
  const tree = new TreeWriter(outDir, { display: `${path.relative(process.cwd(), outDir) || '.'}/` });
  let fileCount = 0;
  let built;
  try {
    const loadTimeout = arg('--load-timeout');
    const { platform, declarations } = loadFleet(vclustersDir, path.relative(process.cwd(), vclustersDir) || '.', {
      timeoutSeconds: loadTimeout === undefined ? undefined : Number(loadTimeout),
    });
    if (declarations.length === 0 && !process.argv.includes('--allow-empty')) {
      // An empty output would make Argo CD prune every vcluster (and delete every `dev` one).
      throw new Error(
        `no vcluster declarations in ${path.relative(process.cwd(), vclustersDir) || '.'}; refusing to write an empty fleet. Pass --allow-empty to remove every vcluster on purpose.`,
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
    }
  } catch (e) {
    tree.abort();
    throw e;
  }
  tree.commit();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const objects = built.reduce((n, b) => n + b.objectCount, 0);
  console.log(
    `synth: ${built.length} vclusters, ${objects} objects, ${fileCount} files → ${path.relative(process.cwd(), outDir) || '.'} (${ms.toFixed(0)} ms)`,
  );
}

try {
  main();
} catch (e) {
  // One line per problem, never a stack trace: the output folder is untouched on every failure.
  const target = process.argv.includes('--preview') ? 'cdk8s.out/' : `${arg('--out') ?? 'dist'}/`;
  const message = e instanceof FleetError ? e.message : e instanceof Error ? e.message.split('\n').slice(0, 3).join('\n') : String(e);
  // a busy output folder is one line: the other run is no fault of this input
  console.error(e instanceof OutputBusyError ? `synth: ${e.message}` : `synth failed; nothing was written to ${target}\n${message}`);
  process.exitCode = 1;
}
