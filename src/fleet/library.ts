/**
 * The library as the files of a declarations folder see it. The platform and the declarations
 * import it (`import { defineVCluster } from 'vcluster-fleet'` in a project that installed the
 * package; a relative path in this repository) and must get the very copy that loads them: the
 * loader records what `Exposure`'s factories make in that copy and rebuilds the values with its own.
 * So while such a file loads, `vcluster-fleet` resolves to the running library (in a project that
 * installed the package it resolves there anyway: then nothing changes), and TypeScript can be
 * required (through tsx when nothing else compiles it). Kept free of library imports: the loader
 * thread loads it before the library.
 */
import Module from 'module';
import * as path from 'path';

/** The package name declarations import the library by. */
export const PACKAGE_NAME = 'vcluster-fleet';

/**
 * The entry module of the running library: `src/index.ts` from the sources, `lib/src/index.js` in
 * the built package.
 */
export const LIBRARY_ENTRY = path.resolve(__dirname, '..', `index${path.extname(__filename)}`);

type Resolve = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
const loader = Module as unknown as { _resolveFilename: Resolve; _extensions: NodeJS.RequireExtensions };

/**
 * Makes `require('vcluster-fleet')` return the running library until the returned function is
 * called (only that exact specifier; every other one resolves as before).
 */
export function shareLibrary(): () => void {
  const previous = loader._resolveFilename;
  const shared: Resolve = function (this: unknown, request, parent, isMain, options) {
    return request === PACKAGE_NAME ? LIBRARY_ENTRY : previous.call(this, request, parent, isMain, options);
  };
  loader._resolveFilename = shared;
  return () => {
    if (loader._resolveFilename === shared) loader._resolveFilename = previous;
  };
}

/**
 * True when `require` in this thread cannot load TypeScript: plain Node without a TypeScript
 * loader (a test runner with a module system of its own, like jest, compiles it itself).
 */
function needsTypeScriptLoader(): boolean {
  return require.extensions === loader._extensions && !('.ts' in loader._extensions);
}

/**
 * Requires a TypeScript file of a declarations folder (the platform, a declaration) in this
 * thread, sharing the running library with it; registers tsx for the time it loads when this
 * thread has no TypeScript loader.
 */
export function requireDeclarationFile(file: string): unknown {
  let unregister: (() => void) | undefined;
  if (needsTypeScriptLoader()) {
    let tsx: { register(): () => void };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      tsx = require('tsx/cjs/api') as { register(): () => void };
    } catch {
      throw new Error(`loading ${path.basename(file)} needs the TypeScript loader tsx (a dependency of ${PACKAGE_NAME}): reinstall`);
    }
    unregister = tsx.register();
  }
  const unshare = shareLibrary();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file);
  } finally {
    unshare();
    unregister?.();
  }
}
