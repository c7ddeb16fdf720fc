/**
 * Where the commands work and how they are named. The project is the working directory: npm runs
 * this repository's scripts from its root, and a project that installed the package runs
 * `npx vcluster-fleet <command>` from its own. Folders default to the working directory's
 * `vclusters/` and `dist/`, never to where the library is installed. Messages name the commands as
 * the user runs them: `npm run synth` from this repository's sources, `npx vcluster-fleet synth`
 * from the built package.
 */
import * as path from 'path';
import { PACKAGE_NAME } from '../fleet/library';

/** True when the commands run from the TypeScript sources (this repository), false from the built package. */
export const FROM_SOURCES = path.extname(__filename) === '.ts';

/** The project the commands work in: the working directory. */
export function projectRoot(): string {
  return process.cwd();
}

/** The declarations folder when no option names one: `vclusters/` of the working directory. */
export function defaultDeclarationsDir(): string {
  return path.resolve(projectRoot(), 'vclusters');
}

/** The output folder when no option names one: `dist/` of the working directory. */
export function defaultOutputDir(): string {
  return path.resolve(projectRoot(), 'dist');
}

/** The usage line's command: `npm run synth --` from the sources, `vcluster-fleet synth` from the package. */
export function commandUsage(command: string, fromSources = FROM_SOURCES): string {
  return fromSources ? `npm run ${command} --` : `${PACKAGE_NAME} ${command}`;
}

/** The command as a user types it, for hints: `npm run synth` from the sources, `npx vcluster-fleet synth` from the package. */
export function commandHint(command: string, fromSources = FROM_SOURCES): string {
  return fromSources ? `npm run ${command}` : `npx ${PACKAGE_NAME} ${command}`;
}

/**
 * How a declaration written into `outDir` (by `new` or `migrate`) imports the library: by the
 * package name from the built package; from the sources, by the relative path to this
 * repository's src/.
 */
export function libraryImport(outDir: string, fromSources = FROM_SOURCES): string {
  if (!fromSources) return PACKAGE_NAME;
  let rel = path.relative(path.resolve(outDir), path.resolve(__dirname, '..')).split(path.sep).join('/');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}
