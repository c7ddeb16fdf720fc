/**
 * `npm run synth`: validates every declaration in vclusters/, builds every vcluster, and replaces
 * dist/ only when everything succeeded.
 *
 * Usage: `npm run synth [-- --vclusters DIR] [--out DIR]`. With `--preview` (how cdk8s.yaml runs it)
 * the output goes to `$CDK8S_OUTDIR` (cdk8s.out/) instead of dist/. Exit code 1 on invalid input,
 * with one line per problem and no stack trace.
 */
import * as path from 'path';
import { FleetError, buildFleet, loadFleet, renderFleet } from '../fleet/fleet';
import { inventoryFiles } from '../fleet/inventory';
import { writeTreeAtomically } from '../fleet/output';

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
  const { platform, declarations } = loadFleet(vclustersDir, path.relative(process.cwd(), vclustersDir) || '.');
  const built = buildFleet(platform, declarations);
  const files = renderFleet(platform, built, inventoryFiles);
  writeTreeAtomically(outDir, files);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const objects = built.reduce((n, b) => n + b.objects.length, 0);
  console.log(`synth: ${built.length} vclusters, ${objects} objects, ${files.size} files → ${path.relative(process.cwd(), outDir) || '.'} (${ms.toFixed(0)} ms)`);
}

try {
  main();
} catch (e) {
  if (e instanceof FleetError) {
    console.error(`synth failed; dist/ was not changed.\n${e.message}`);
  } else {
    console.error(`synth failed; dist/ was not changed.\n${e instanceof Error ? e.message : String(e)}`);
  }
  process.exitCode = 1;
}
