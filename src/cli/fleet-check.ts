/**
 * The check `npm run new` and `npm run migrate` make before writing a declaration: the new
 * declarations together with every declaration already in the target folder must pass the
 * fleet-wide rules of synth (`buildFleet`: unique names, namespaces, AppProjects, Application
 * names, hostnames, VIPs), so that nothing is written that the next `npm run synth` would refuse.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Platform, VClusterSpec } from '..';
import { Declaration, FleetError, PLATFORM_FILE, buildFleet, loadFleet } from '../fleet/fleet';
import { requireDeclarationFile } from '../fleet/library';
import { Problem } from '../validation';

/** A declaration about to be written. */
export interface PendingDeclaration {
  /** The file it will be written to. */
  readonly target: string;
  /** The declaration. */
  readonly spec: VClusterSpec;
}

/** How a file of the target folder is named in messages: `vclusters/media.ts`. */
export function fleetFileLabel(file: string): string {
  return `${path.basename(path.dirname(path.resolve(file)))}/${path.basename(file)}`;
}

/**
 * Sorts after every file name: buildFleet reports a clash on the later of two files (in file-name
 * order), so with this prefix a clash is reported on the pending declaration, naming the file that
 * already declares the value. Removed from every message.
 */
const LAST = '\uffff';

/**
 * The declarations of the fleet in `dir` but those about to be replaced, or the problems that keep
 * it from loading. A folder without `platform.ts` holds no fleet.
 */
function existingDeclarations(dir: string, replaced: ReadonlySet<string>): Declaration[] | { problems: Problem[] } {
  if (!fs.existsSync(path.join(dir, PLATFORM_FILE))) return [];
  try {
    return loadFleet(dir, path.basename(path.resolve(dir))).declarations.filter((d) => !replaced.has(d.file));
  } catch (e) {
    if (!(e instanceof FleetError)) throw e;
    const problems = e.problems.filter((p) => p.source === undefined || !replaced.has(p.source));
    if (problems.length) return { problems };
  }
  // Only files about to be replaced fail to load: read the others one by one.
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== PLATFORM_FILE)
    .map((f) => ({ file: fleetFileLabel(path.join(dir, f)), abs: path.resolve(dir, f) }))
    .filter((f) => !replaced.has(f.file))
    .map((f) => ({ file: f.file, spec: defaultExport(f.abs) as VClusterSpec }));
}

/** The default export of a module (loaded as synth loads the platform: sharing the running library). */
function defaultExport(file: string): unknown {
  const mod = requireDeclarationFile(file) as { default?: unknown };
  return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
}

/**
 * The problems of the fleet in `dir` once `pending` is added (files in `pending` that exist are
 * replaced, so their current content is left out). Problem sources are file labels
 * ({@link fleetFileLabel}) of existing and pending files. A folder without `platform.ts` holds no
 * fleet: the pending declarations are checked among themselves.
 */
export function fleetProblems(dir: string, platform: Platform, pending: readonly PendingDeclaration[]): Problem[] {
  const replaced = new Set(pending.map((p) => fleetFileLabel(p.target)));
  const existing = existingDeclarations(dir, replaced);
  if (!Array.isArray(existing)) return existing.problems;
  const declarations = [...existing, ...pending.map((p) => ({ file: LAST + fleetFileLabel(p.target), spec: p.spec }))];
  try {
    buildFleet(platform, declarations, undefined, { keepObjects: false });
    return [];
  } catch (e) {
    if (!(e instanceof FleetError)) throw e;
    const strip = (v: unknown) => (typeof v === 'string' ? v.split(LAST).join('') : v);
    return e.problems.map((p) => ({
      ...p,
      source: strip(p.source) as string | undefined,
      value: strip(p.value),
      allowed: strip(p.allowed) as string,
      fix: strip(p.fix) as string | undefined,
    }));
  }
}
