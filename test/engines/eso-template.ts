/**
 * Harness for the real External Secrets template engine (`test/engines/eso-template/main.go`):
 * builds it once per source and toolchain (cached, see {@link CACHE_DIR}) and runs template cases
 * through it. It needs `go`, Debian's sprig sources and yaml.v2 (`apt-get install -y golang-go
 * golang-github-masterminds-sprig-dev golang-gopkg-yaml.v2-dev`) and fails with that advice when
 * they are missing: engine tests never skip.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Where the Go sources are. */
const SOURCE_DIR = path.join(__dirname, 'eso-template');
/**
 * Build cache (binary, Go build cache, GOPATH copy of the sources): `ESO_TEMPLATE_CACHE`, else
 * `$XDG_CACHE_HOME` or `~/.cache` + `/vcluster-fleet/eso-template` (outside node_modules, which
 * `npm ci` deletes).
 */
const CACHE_DIR =
  process.env.ESO_TEMPLATE_CACHE ??
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'vcluster-fleet', 'eso-template');
/** Where Debian's Go packages live; `ESO_TEMPLATE_GOPATH` points elsewhere. */
const SYSTEM_GOPATH = process.env.ESO_TEMPLATE_GOPATH ?? '/usr/share/gocode';
/** What to install when the toolchain is missing. */
const INSTALL_HINT =
  'install it (Debian/Ubuntu: apt-get install -y golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v2-dev)';

/** One template to execute: an ExternalSecret's `spec.target.template` and the store item's fields. */
export interface EsoTemplateCase {
  readonly template: unknown;
  readonly data: Readonly<Record<string, string>>;
}

/** What ESO would write into the Secret, or the error it would report on the ExternalSecret. */
export interface EsoTemplateResult {
  readonly type?: string;
  /** Secret data, exact bytes. */
  readonly data?: Readonly<Record<string, Buffer>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly error?: string;
}

let built: string | undefined;
/** A failed build is reported once per test run, not retried by every test. */
let buildFailure: Error | undefined;

/** Runs `go` with a controlled environment; throws with the advice when it is not installed. */
function go(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const run = spawnSync('go', args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`The engine tests need the Go toolchain, and "go" is not on PATH: ${INSTALL_HINT}.`);
  }
  if (run.error) throw run.error;
  if (run.status !== 0)
    throw new Error(`go ${args.join(' ')} failed (exit ${run.status}):\n${run.stderr}\nIf packages are missing: ${INSTALL_HINT}.`);
  return run.stdout;
}

/**
 * The path of the built engine. Built in GOPATH mode (offline, against Debian's packages): the
 * sources are copied to `<cache>/gopath/src/eso-template`, whose go.mod lets `sprig/v3` resolve
 * to Debian's `github.com/Masterminds/sprig`. The binary is reused while the sources, `go version`
 * and GOPATH are the same.
 */
export function esoTemplateEngine(): string {
  if (built) return built;
  if (buildFailure) throw buildFailure;
  try {
    built = buildEngine();
  } catch (e) {
    buildFailure = e as Error;
    throw e;
  }
  return built;
}

function buildEngine(): string {
  const sources = ['go.mod', 'main.go'].map((f) => fs.readFileSync(path.join(SOURCE_DIR, f)));
  const version = go(['version'], SOURCE_DIR).trim();
  const hash = createHash('sha256');
  for (const part of [...sources, version, SYSTEM_GOPATH]) hash.update(part).update('\0');
  const key = hash.digest('hex').slice(0, 16);
  const binary = path.join(CACHE_DIR, `eso-template-${key}`);
  if (!fs.existsSync(binary)) {
    const gopath = path.join(CACHE_DIR, 'gopath');
    const pkgDir = path.join(gopath, 'src', 'eso-template');
    fs.mkdirSync(pkgDir, { recursive: true });
    for (const f of ['go.mod', 'main.go']) fs.copyFileSync(path.join(SOURCE_DIR, f), path.join(pkgDir, f));
    const tmp = `${binary}.${process.pid}.tmp`;
    go(['build', '-trimpath', '-o', tmp, '.'], pkgDir, {
      GO111MODULE: 'off',
      GOFLAGS: '',
      GOPATH: `${gopath}${path.delimiter}${SYSTEM_GOPATH}`,
      GOCACHE: path.join(CACHE_DIR, 'go-build'),
    });
    fs.renameSync(tmp, binary);
    for (const f of fs.readdirSync(CACHE_DIR)) {
      if (f.startsWith('eso-template-') && !f.endsWith('.tmp') && f !== path.basename(binary))
        fs.rmSync(path.join(CACHE_DIR, f), { force: true });
    }
  }
  return binary;
}

/** Executes every case with the real engine, in one process. */
export function renderWithEso(cases: readonly EsoTemplateCase[]): EsoTemplateResult[] {
  const run = spawnSync(esoTemplateEngine(), [], { input: JSON.stringify({ cases }), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`eso-template failed (exit ${run.status}): ${run.stderr}`);
  const out = JSON.parse(run.stdout) as { results: Array<Omit<EsoTemplateResult, 'data'> & { data?: Record<string, string> }> };
  if (out.results.length !== cases.length) throw new Error(`eso-template returned ${out.results.length} results for ${cases.length} cases`);
  return out.results.map((r) => ({
    ...r,
    data: r.data && Object.fromEntries(Object.entries(r.data).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  }));
}

/** Executes one case. */
export function renderOneWithEso(c: EsoTemplateCase): EsoTemplateResult {
  return renderWithEso([c])[0];
}
