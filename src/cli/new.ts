/**
 * `npm run new -- <name> [--preset P] [--hostname H] [--namespace T] [--environment E] [--chart-version V] [--out DIR] [--force]`
 *
 * Scaffolds `vclusters/<name>.ts`: a declaration with the given options and everything else left
 * to the preset (`dev`, `prod` or one of the site's presets) and the platform. The declaration is validated (alone and against the other
 * declarations of the folder) before the file is written; an existing file is replaced only with
 * `--force`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PLATFORM_FILE } from '../fleet/fleet';
import { Platform } from '../declaration/platform';
import { resolveDeclaration } from '../declaration/resolve';
import { NEWEST_CHART_VERSION, PRESET_NAMES } from '../presets';
import { ResolvedPreset, presetNames, presetOf } from '../declaration/site-presets';
import { VClusterSpec } from '../declaration/spec';
import { Exposure } from '../exposure/exposure';
import { synthVCluster } from '../vcluster-chart';
import { Problem, Problems, ValidationError, formatProblem } from '../validation';
import { CommandSpec, OptionSpecs, ParsedArgs, USAGE_EXIT_CODE, UsageError, parseArgs, usageText } from './args';
import { fleetFileLabel, fleetProblems } from './fleet-check';
import { loadDefault } from './migrate';
import { commandHint, commandUsage, defaultDeclarationsDir, libraryImport } from './project';
import { TsCode, tsString, tsValue } from './ts-literal';

/** Options of {@link scaffold}. */
export interface NewOptions {
  /** vcluster name. */
  readonly name: string;
  /** Preset: `dev`, `prod` or one of the site's presets. @default "dev" */
  readonly preset?: string;
  /** API hostname. @default - `<name>.<baseDomain>` */
  readonly hostname?: string;
  /** Host namespace. @default - the name */
  readonly namespace?: string;
  /** Argo CD environment. @default - the preset's */
  readonly environment?: string;
  /** vcluster chart version the declaration pins. @default - the preset's chart version, else the newest supported (NEWEST_CHART_VERSION) */
  readonly chartVersion?: string;
  /** Folder of the declarations. @default - `vclusters/` of the working directory */
  readonly outDir?: string;
  /** Replace an existing file. @default false */
  readonly force?: boolean;
}

/** Thrown for invalid options; lists every problem. */
export class ScaffoldError extends Error {
  constructor(public readonly problems: readonly Problem[]) {
    super(problems.map((p) => formatProblem(p)).join('\n'));
    this.name = 'ScaffoldError';
  }
}

/**
 * Thrown for a `--preset` the site does not offer: a usage error (exit code 2) listing the presets
 * the site offers.
 */
export class UnknownPresetError extends ScaffoldError {
  constructor(preset: string, platform: Platform) {
    super([
      {
        field: '--preset',
        value: preset,
        allowed: `one of the presets the site offers: ${presetNames(platform.presets).join(', ')}`,
        fix: 'pick one of them, or define it in the presets of the platform configuration',
      },
    ]);
    this.name = 'UnknownPresetError';
  }
}

/** The preset `--preset` names (dev when none). @throws UnknownPresetError for a preset the site does not offer */
function presetOption(name: string | undefined, platform: Platform): { name: string; preset: ResolvedPreset } {
  const preset = presetOf(platform.presets, name ?? 'dev');
  if (!preset) throw new UnknownPresetError(name!, platform);
  return { name: name ?? 'dev', preset };
}

/** The declaration and its source for the options (validated against `platform`). */
export function scaffoldSource(opts: NewOptions, platform: Platform, importPath = '../src'): { spec: VClusterSpec; source: string } {
  const { name: preset, preset: values } = presetOption(opts.preset, platform);
  const p = new Problems();
  p.dnsLabel('name', opts.name, 53);
  if (opts.name === 'platform') p.add('name', opts.name, `any name but "platform" (${PLATFORM_FILE} is the site configuration)`);
  if (!p.ok) throw new ScaffoldError(p.list);
  const spec: Record<string, unknown> = { name: opts.name };
  if (opts.namespace !== undefined) spec.targetNamespace = opts.namespace;
  spec.preset = preset;
  if (opts.hostname !== undefined) spec.exposure = Exposure.loadBalancer({ hostname: opts.hostname });
  if (opts.environment !== undefined) spec.argocd = { environment: opts.environment };
  // A new vcluster starts on the chart version its preset fixes, else on the newest supported one,
  // pinned, so that a later change of the preset or the platform's default never moves it.
  spec.application = { targetRevision: opts.chartVersion ?? values.chartVersion ?? NEWEST_CHART_VERSION };
  // Written out (it is the preset's default) so that what removing the file does is visible in it.
  spec.deletionPolicy = values.deletionPolicy;
  const declaration = spec as unknown as VClusterSpec;
  const check = new Problems();
  resolveDeclaration(check, declaration, platform);
  if (check.ok) {
    try {
      synthVCluster(declaration, platform);
    } catch (e) {
      if (e instanceof ValidationError) check.list.push(...e.problems);
      else throw e;
    }
  }
  if (!check.ok) throw new ScaffoldError(check.list.map((x) => ({ ...x, field: optionOf(x.field) })));

  const body: Record<string, unknown> = { ...spec };
  if (spec.exposure) body.exposure = new TsCode(`Exposure.loadBalancer({ hostname: ${tsString(opts.hostname!)} })`);
  const removal =
    values.deletionPolicy === 'retain' ? 'data retained when this file is removed' : 'removed with its data when this file is removed';
  const what =
    preset === 'prod' || preset === 'dev'
      ? `a ${preset === 'prod' ? 'production' : 'development'} vcluster (${removal})`
      : `a vcluster of the site preset "${preset}" (${removal})`;
  const source = [
    '/**',
    ` * ${opts.name}: ${what}.`,
    ' * TODO: say who uses it and for what. Every option and its default: README.md, "Declaration options".',
    ' */',
    `import { ${spec.exposure ? 'Exposure, ' : ''}defineVCluster } from ${tsString(importPath)};`,
    '',
    `export default defineVCluster(${tsValue(body, 0, 0, {}, true)});`,
    '',
  ].join('\n');
  return { spec: declaration, source };
}

/** Declaration field → command-line option, for messages. */
function optionOf(field: string): string {
  if (field === 'targetNamespace') return '--namespace';
  if (field === 'exposure.hostname') return '--hostname';
  if (field === 'argocd.environment') return '--environment';
  if (field === 'preset') return '--preset';
  if (field === 'application.targetRevision') return '--chart-version';
  return field;
}

/**
 * The site configuration `new` uses for a folder of declarations: its own platform.ts, else that of
 * the working directory's vclusters/.
 */
export function platformFileFor(outDir: string | undefined): string {
  const dir = outDir !== undefined ? path.resolve(outDir) : defaultDeclarationsDir();
  const own = path.join(dir, PLATFORM_FILE);
  return fs.existsSync(own) ? own : path.join(defaultDeclarationsDir(), PLATFORM_FILE);
}

/** Writes the scaffold; returns its path. */
export function scaffold(opts: NewOptions): string {
  const outDir = opts.outDir !== undefined ? path.resolve(opts.outDir) : defaultDeclarationsDir();
  const target = path.join(outDir, `${opts.name}.ts`);
  const platform = loadDefault<Platform>(platformFileFor(opts.outDir));
  const { spec, source } = scaffoldSource(opts, platform, libraryImport(outDir));
  if (fs.existsSync(target) && !opts.force) {
    throw new ScaffoldError([
      {
        field: 'name',
        value: opts.name,
        allowed: `a name without a declaration yet: ${path.relative(process.cwd(), target)} exists`,
        fix: 'pick another name, or pass --force to replace it',
      },
    ]);
  }
  // Together with every declaration already in the folder, the new one must pass synth's fleet-wide
  // rules (name, namespace, AppProject, Application names, hostname, VIP).
  const clashes = fleetProblems(outDir, platform, [{ target, spec }]);
  if (clashes.length) {
    const mine = fleetFileLabel(target);
    throw new ScaffoldError(clashes.map((x) => (x.source === mine ? { ...x, source: undefined, field: optionOf(x.field) } : x)));
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(target, source);
  return target;
}

/** What `--preset` accepts: the built-in presets and the site's (when the site is known). */
function presetDescription(platform?: Platform): string {
  const names = platform ? presetNames(platform.presets) : [...PRESET_NAMES];
  const site = platform && Object.keys(platform.presets).length ? ' (the built-in ones, then the site presets of platform.ts)' : '';
  return `preset: ${names.join(', ')}${site} (default: dev)`;
}

/**
 * The command line of `npm run new`; with the site configuration, `--help` lists the site's presets.
 */
export function newCommand(platform?: Platform, notes: readonly string[] = []) {
  return {
    ...NEW_COMMAND,
    options: { ...NEW_COMMAND.options, preset: { value: 'NAME', description: presetDescription(platform) } },
    notes,
  };
}

/** The command line of `npm run new` (the built-in presets only; {@link newCommand} adds the site's). */
export const NEW_COMMAND = {
  usage: commandUsage('new'),
  summary:
    'Scaffolds vclusters/<name>.ts: a declaration with the given options, the rest left to the preset and the platform. It is validated, and checked against the declarations already in the folder, before it is written.',
  options: {
    preset: { value: 'NAME', description: presetDescription() },
    hostname: { value: 'HOST', description: 'API hostname (default: <name>.<baseDomain>)' },
    namespace: { value: 'NS', description: 'host namespace (default: the name)' },
    environment: { value: 'ENV', description: "Argo CD environment (default: the preset's)" },
    'chart-version': {
      value: 'VERSION',
      description: `vcluster chart version to pin (default: the preset's, else the newest supported, ${NEWEST_CHART_VERSION})`,
    },
    out: { value: 'DIR', alias: 'o', description: 'folder of the declarations (default: vclusters/)' },
    force: { description: 'replace an existing file of that name' },
  },
  positionals: { name: '<name>', description: 'the vcluster name (a DNS label), also the file name', min: 1, max: 1 },
} satisfies CommandSpec<OptionSpecs>;

/** The options of {@link scaffold} from a parsed command line. */
function newOptions(args: ParsedArgs<typeof NEW_COMMAND.options>): NewOptions {
  const { preset, hostname, namespace, environment, out, force } = args.options;
  const chartVersion = args.options['chart-version'];
  return { name: args.positionals[0], preset, hostname, namespace, environment, chartVersion, outDir: out, force };
}

/**
 * Runs `npm run new` with the given arguments; returns the exit code. `--help` prints the usage with
 * the presets the site offers (its platform.ts read, nothing written); a `--preset` the site does
 * not offer is a usage error (2).
 */
export function runNew(argv: readonly string[]): number {
  let args: ParsedArgs<typeof NEW_COMMAND.options>;
  try {
    args = parseArgs(NEW_COMMAND, argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`new: ${e.message}`);
    return USAGE_EXIT_CODE;
  }
  if (args.help) {
    const file = platformFileFor(args.options.out);
    try {
      console.log(usageText(newCommand(loadDefault<Platform>(file))));
    } catch (e) {
      // the usage still prints, with the built-in presets and why the site's are missing
      const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      console.log(
        usageText(
          newCommand(undefined, [
            `note: ${path.relative(process.cwd(), file)} did not load (${why}): only the built-in presets are listed`,
          ]),
        ),
      );
    }
    return 0;
  }
  try {
    const file = scaffold(newOptions(args));
    console.log(`new: wrote ${path.relative(process.cwd(), file)}. Next: edit it, ${commandHint('synth')}, review dist/, commit.`);
    return 0;
  } catch (e) {
    if (e instanceof UnknownPresetError) {
      console.error(`new: ${formatProblem(e.problems[0])}`);
      return USAGE_EXIT_CODE;
    }
    console.error(`new failed; nothing was written.\n${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = runNew(process.argv.slice(2));
