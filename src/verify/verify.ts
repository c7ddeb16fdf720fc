/**
 * Verifying a `dist/` folder: for every vcluster folder, render the chart its Application installs
 * (cached), put the chart's objects beside ours and check every invariant. Unchanged vclusters
 * reuse their earlier verdict. Independent renders run in parallel (one helm per core).
 */
import * as os from 'os';
import * as path from 'path';
import { ChartSearch, anyChartAvailable, findChart, missingChartMessage, pullChart } from './charts';
import { RenderRequest, VClusterFolder, parseFolder, readDist, renderRequestOf } from './dist-reader';
import { HelmBinary } from './helm';
import { hostOfApplication } from './host';
import { INVARIANTS, checkInvariants } from './invariants';
import { HostCapabilities, Invariant, Manifest, Violation, WholeVCluster, refOf } from './model';
import { RenderCache, Rendered, helmTemplate, renderKey, rendered } from './render';
import { VerdictStore, codeFingerprint, verdictKey } from './verdicts';

/** What a verify run needs. */
export interface VerifyOptions {
  /** The `dist/` folder. */
  readonly dist: string;
  /** How `dist` is named in messages. @default - its path relative to the working directory */
  readonly display?: string;
  readonly charts: ChartSearch;
  /** Cache root (renders, verdicts, helm): `node_modules/.cache/vcluster-fleet`. */
  readonly cacheDir: string;
  /** Finds helm; called only when something must be rendered or pulled. Throws when there is none. */
  readonly helm: () => HelmBinary;
  /** Parallel helm runs. @default the number of cores */
  readonly concurrency?: number;
  /** @default INVARIANTS */
  readonly invariants?: readonly Invariant[];
  /** Reuse verdicts of unchanged vclusters. @default true */
  readonly reuseVerdicts?: boolean;
}

/** A vcluster that could not be verified. */
export interface Skipped {
  readonly name: string;
  readonly reason: string;
  /** True when the reason is a chart that was found nowhere. */
  readonly missingChart: boolean;
}

/** The outcome of a run. */
export interface VerifyResult {
  readonly vclusters: number;
  readonly checked: readonly string[];
  readonly skipped: readonly Skipped[];
  readonly violations: readonly Violation[];
  /** helm runs made. */
  readonly rendered: number;
  /** Renders taken from the cache. */
  readonly cachedRenders: number;
  /** Vclusters whose earlier verdict was reused. */
  readonly reused: number;
  /** True when nothing could be verified because no chart is available anywhere. */
  readonly noChartsAnywhere: boolean;
  /** Vclusters whose Application says nothing of its host (rendered for {@link DEFAULT_HOST}). */
  readonly assumedHost: readonly string[];
}

/** Runs `fn` on every item with at most `n` at a time; results in item order. */
export async function pool<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  return out;
}

/** Renders requests through the cache; helm resolved once, on first need. */
export class Renderer {
  public helmRuns = 0;
  public cacheHits = 0;
  private helmBinary?: HelmBinary | Error;
  private readonly pulls = new Map<string, { file: string } | { failed: string }>();
  private readonly cache: RenderCache;

  constructor(private readonly opts: Pick<VerifyOptions, 'charts' | 'helm' | 'cacheDir'>) {
    this.cache = new RenderCache(path.join(opts.cacheDir, 'verify', 'renders'));
  }

  /** The helm binary; found once (a failure is remembered too: it is not retried per vcluster). */
  private helm(): string {
    if (!this.helmBinary) {
      try {
        this.helmBinary = this.opts.helm();
      } catch (e) {
        this.helmBinary = e instanceof Error ? e : new Error(String(e));
      }
    }
    if (this.helmBinary instanceof Error) throw this.helmBinary;
    return this.helmBinary.path;
  }

  /** Pulls a chart version once per run. */
  private pull(req: RenderRequest): { file: string } | { failed: string } {
    const id = `${req.repoURL} ${req.chart} ${req.version}`;
    if (!this.pulls.has(id)) {
      let r: { file: string } | { failed: string };
      try {
        r = pullChart(this.opts.charts, req, this.helm());
      } catch (e) {
        r = { failed: `cannot pull it: ${e instanceof Error ? e.message : String(e)}` };
      }
      this.pulls.set(id, r);
    }
    return this.pulls.get(id)!;
  }

  /** The render of a request for a host, or why there is none. */
  public async render(name: string, req: RenderRequest, host: HostCapabilities): Promise<Rendered | NotRendered> {
    const key = renderKey(req, host);
    const hit = this.cache.get(key);
    if (hit) {
      this.cacheHits++;
      return hit;
    }
    let chart = findChart(this.opts.charts, req);
    if (!chart && this.opts.charts.pullInto) {
      const pulled = this.pull(req);
      if ('failed' in pulled) return { reason: missingChartMessage(name, req, this.opts.charts, pulled.failed), why: 'missing-chart' };
      chart = pulled.file;
    }
    if (!chart) return { reason: missingChartMessage(name, req, this.opts.charts), why: 'missing-chart' };
    let helm: string;
    try {
      helm = this.helm();
    } catch (e) {
      return { reason: `${name}: ${e instanceof Error ? e.message : String(e)}`, why: 'no-helm' };
    }
    try {
      const r = rendered(await helmTemplate(helm, chart, req, host), `${req.chart}-${req.version}`, req.release);
      this.helmRuns++;
      this.cache.put(key, r);
      return r;
    } catch (e) {
      return { reason: e instanceof Error ? e.message : String(e), why: 'helm-failed' };
    }
  }
}

/** Why a chart was not rendered: no package found, no helm to run, or helm failed on the values. */
export interface NotRendered {
  readonly reason: string;
  readonly why: 'missing-chart' | 'no-helm' | 'helm-failed';
}

type Outcome = { name: string; violations: Violation[]; assumedHost?: boolean } | Skipped;

function dataViolation(name: string, file: string, message: string): Violation {
  return { invariant: 'dist-readable', vcluster: name, object: '(file)', file, message, fix: 'run npm run synth; dist/ is generated' };
}

/** Verifies one vcluster folder (not from a stored verdict). */
async function verifyFolder(
  folder: VClusterFolder,
  display: string,
  renderer: Renderer,
  invariants: readonly Invariant[],
): Promise<Outcome> {
  const { manifests, problems } = parseFolder(folder, display);
  if (problems.length) return { name: folder.name, violations: problems.map((p) => dataViolation(folder.name, p.split(':')[0], p)) };
  const req = renderRequestOf(manifests);
  if ('problem' in req) return { name: folder.name, violations: [dataViolation(folder.name, `${display}/${folder.name}`, req.problem)] };
  const { host, assumed } = hostOfApplication(req.app.obj);
  const r = await renderer.render(folder.name, req.request, host);
  if ('why' in r) {
    if (r.why !== 'helm-failed') return { name: folder.name, reason: r.reason, missingChart: r.why === 'missing-chart' };
    const message = `helm template of ${req.request.chart} ${req.request.version} fails: ${r.reason}`;
    const fix = 'make the values valid for the chart version (its values.schema.json)';
    return {
      name: folder.name,
      violations: [{ invariant: 'chart-renders', vcluster: folder.name, object: refOf(req.app.obj), file: req.app.file, message, fix }],
    };
  }
  const whole: WholeVCluster = {
    name: folder.name,
    release: req.request.release,
    namespace: req.request.namespace,
    values: r.values ?? req.request.values,
    objects: [...manifests, ...(r.objects as Manifest[])],
    host,
  };
  return { name: folder.name, violations: checkInvariants(whole, invariants), ...(assumed ? { assumedHost: true } : {}) };
}

/** Verifies every vcluster of a `dist/` folder. */
export async function verifyDist(opts: VerifyOptions): Promise<VerifyResult> {
  const display = opts.display ?? (path.relative(process.cwd(), opts.dist) || '.');
  const folders = readDist(opts.dist);
  const store = new VerdictStore(path.join(opts.cacheDir, 'verify'), opts.dist);
  const fingerprint = codeFingerprint();
  const renderer = new Renderer(opts);
  let reused = 0;
  const outcomes = await pool(folders, opts.concurrency ?? os.availableParallelism(), async (folder): Promise<Outcome> => {
    const key = verdictKey(folder, fingerprint);
    const old = opts.reuseVerdicts === false ? undefined : store.get(folder.name, key);
    if (old) {
      reused++;
      store.set(folder.name, old);
      return { name: folder.name, violations: [...old.violations], ...(old.assumedHost ? { assumedHost: true } : {}) };
    }
    const o = await verifyFolder(folder, display, renderer, opts.invariants ?? INVARIANTS);
    if ('violations' in o) store.set(folder.name, { key, violations: o.violations, ...(o.assumedHost ? { assumedHost: true } : {}) });
    return o;
  });
  store.save();
  const skipped = outcomes.filter((o): o is Skipped => 'reason' in o);
  const checked = outcomes.filter((o) => 'violations' in o).map((o) => o.name);
  const noChartsAnywhere =
    skipped.length > 0 && checked.length === 0 && skipped.every((s) => s.missingChart) && !anyChartAvailable(opts.charts);
  return {
    vclusters: folders.length,
    checked,
    skipped,
    violations: outcomes.flatMap((o) => ('violations' in o ? o.violations : [])),
    assumedHost: outcomes.filter((o) => 'violations' in o && o.assumedHost).map((o) => o.name),
    rendered: renderer.helmRuns,
    cachedRenders: renderer.cacheHits,
    reused,
    noChartsAnywhere,
  };
}
