/**
 * Declaration folders for the loader tests: the integratn site of the fixtures as platform.ts
 * (not this repository's vclusters/platform.ts, which its users edit) plus the files given,
 * each folder fresh (no module cache is shared), imports of `../src` pointing at the repository.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FleetError } from '../../src/fleet/fleet';
import { ROOT } from '../util';

let work: string | undefined;
let dirs = 0;

/** A fresh declarations folder holding platform.ts (unless replaced or `null`) and `files`. */
export function fleetDir(files: Record<string, string | null>): string {
  work ??= fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-loader-'));
  const dir = path.join(work, `f${++dirs}`, 'vclusters');
  fs.mkdirSync(dir, { recursive: true });
  const all: Record<string, string | null> = {
    'platform.ts': `export { default } from ${JSON.stringify(path.join(ROOT, 'test', 'fixtures', 'integratn', 'platform'))};\n`,
    ...files,
  };
  for (const [f, content] of Object.entries(all)) {
    if (content !== null)
      fs.writeFileSync(path.join(dir, f), content.replace(/from '\.\.\/src'/g, `from ${JSON.stringify(path.join(ROOT, 'src'))}`));
  }
  return dir;
}

/** Removes every folder made by {@link fleetDir}. */
export function removeFleetDirs(): void {
  if (work) fs.rmSync(work, { recursive: true, force: true });
  work = undefined;
}

/** The lines (one per problem) of the FleetError `fn` throws. */
export function problemLines(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof FleetError)) throw e;
    return e.message.split('\n').slice(1);
  }
  throw new Error('no FleetError thrown');
}

/** A declaration file's text: `defineVCluster` of `body` (TypeScript object members). */
export function declaration(body: string, prelude = ''): string {
  return `import { Exposure, defineVCluster } from '../src';\n${prelude}\nexport default defineVCluster({ ${body} });\nvoid Exposure;\n`;
}
