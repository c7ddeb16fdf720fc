/**
 * The declarations folder (`vclusters/`): every entry is a declaration (`<name>.ts`), the platform
 * (`platform.ts`), documentation (`*.md`), or refused with the reason and the fix. Nothing is
 * skipped silently and nothing unexpected is loaded.
 */
import * as fs from 'fs';
import type { VClusterSpec } from '../declaration/spec';
import { DNS_1035_LABEL, Problem, formatProblem } from '../validation';

/** File name of the site configuration inside the declarations folder. */
export const PLATFORM_FILE = 'platform.ts';

/** An entry of the folder that is neither a declaration, the platform nor documentation. */
export interface RefusedEntry {
  /** Its name (folders end in `/`). */
  readonly name: string;
  /** How to put it right. */
  readonly fix: string;
}

/** The entries of a declarations folder, by role. */
export interface DeclarationFolder {
  /** `platform.ts`, when present. */
  readonly platform?: string;
  /** Declaration file names, sorted by code unit (never by locale). */
  readonly declarations: readonly string[];
  /** Everything else but documentation, sorted. */
  readonly refused: readonly RefusedEntry[];
}

const OTHER_FIX = 'rename it to <name>.ts if it declares a vcluster, otherwise move it out of the folder';

/** Why an entry is refused, or `undefined` when it is a declaration, the platform or documentation. */
function refusal(e: fs.Dirent): RefusedEntry | undefined {
  const hidden = e.name.startsWith('.');
  if (e.isDirectory()) {
    return {
      name: `${e.name}/`,
      fix: hidden
        ? 'a hidden folder is not read: move it out of the folder'
        : 'declarations are files directly in this folder: move its files up (one <name>.ts per vcluster) or move it out',
    };
  }
  if (hidden) return { name: e.name, fix: `a hidden file is never loaded: delete it, or ${OTHER_FIX}` };
  if (e.isSymbolicLink()) return { name: e.name, fix: 'a symbolic link is not loaded: put the file itself here' };
  if (!e.isFile()) return { name: e.name, fix: 'not a regular file: remove it from the folder' };
  if (/\.d\.ts$/i.test(e.name))
    return { name: e.name, fix: 'a type declaration file (.d.ts) declares no vcluster: move it out of the folder' };
  if (e.name.endsWith('.ts') || /\.md$/i.test(e.name)) return undefined;
  return { name: e.name, fix: OTHER_FIX };
}

/** Reads a declarations folder and sorts its entries by role. */
export function readDeclarationFolder(dir: string): DeclarationFolder {
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const refused: RefusedEntry[] = [];
  const declarations: string[] = [];
  let platform: string | undefined;
  for (const e of entries) {
    const r = refusal(e);
    if (r) refused.push(r);
    else if (e.name === PLATFORM_FILE) platform = e.name;
    else if (e.name.endsWith('.ts')) declarations.push(e.name);
  }
  return { platform, declarations: declarations.sort(byName), refused: refused.sort((a, b) => byName(a.name, b.name)) };
}

/** One declaration file. */
export interface Declaration {
  /** Path for messages, e.g. `vclusters/media.ts`. */
  readonly file: string;
  /** Its default export. */
  readonly spec: VClusterSpec;
}

/** Thrown when any declaration is invalid; lists every problem of the run. */
export class FleetError extends Error {
  constructor(public readonly problems: readonly Problem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the vcluster declarations:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`,
    );
    this.name = 'FleetError';
  }
}

/** The prefix a declaration's file name may leave out of its vcluster name (`media.ts` declares `vcluster-media`). */
export const OMITTABLE_NAME_PREFIX = 'vcluster-';

/**
 * The file names a vcluster `name` may be declared in: `<name>.ts`, or, for a name starting with
 * `vcluster-`, the rest of it (`vcluster-media` in `media.ts`). A file named after another vcluster
 * misleads every reader of the folder (and `npm run new`/`migrate`, which write `<name>.ts`).
 */
export function declarationFileNames(name: string): string[] {
  const short = name.startsWith(OMITTABLE_NAME_PREFIX) ? name.slice(OMITTABLE_NAME_PREFIX.length) : '';
  return [`${name}.ts`, ...(short ? [`${short}.ts`] : [])];
}

/** A problem when the file `source` (e.g. `vclusters/team-a.ts`) declares a vcluster its name does not name. */
export function fileNameProblem(source: string, name: unknown): Problem | undefined {
  // An invalid name gets the name's own check (a file named after it would not help).
  if (typeof name !== 'string' || !DNS_1035_LABEL.test(name)) return undefined;
  const file = source.slice(source.lastIndexOf('/') + 1);
  const wanted = declarationFileNames(name);
  if (wanted.includes(file)) return undefined;
  const base = file.replace(/\.ts$/, '');
  const names = [base, ...(base.startsWith(OMITTABLE_NAME_PREFIX) ? [] : [`${OMITTABLE_NAME_PREFIX}${base}`])];
  const dir = source.slice(0, source.lastIndexOf('/') + 1);
  return {
    source,
    field: 'name',
    value: name,
    allowed: `${names.map((n) => JSON.stringify(n)).join(' or ')}, the name${names.length > 1 ? 's' : ''} ${file} may declare (a vcluster ${JSON.stringify(name)} goes in ${wanted.join(' or ')})`,
    fix: `rename the file (git mv ${source} ${dir}${wanted[wanted.length - 1]}), or correct the name`,
  };
}
