/**
 * VClusterChart: the composition root. One resolved declaration becomes one cdk8s Chart holding
 * every host-cluster object of that vcluster: the {@link VCluster} and the add-ons bound to it.
 */
import { App, Chart, Names } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ArgoRegistration } from './argo-registration';
import { PvCleanupHook } from './cleanup/pv-cleanup-hook';
import { CoreDnsPatch } from './coredns-patch';
import type { Platform } from './declaration/platform';
import { ResolvedVCluster, resolveDeclaration } from './declaration/resolve';
import type { VClusterSpec } from './declaration/spec';
import { EtcdDisruptionBudget } from './etcd/etcd-disruption-budget';
import { EtcdSnapshot } from './etcd/etcd-snapshot';
import { NetworkIsolation } from './isolation/network-isolation';
import { StrictIsolation } from './isolation/strict-isolation';
import { KubeconfigSync } from './kubeconfig-sync';
import { VClusterAlerts } from './monitoring/vcluster-alerts';
import { VClusterSecretSync } from './registration/vcluster-secret-sync';
import { Problem, Problems, ValidationError, formatProblem } from './validation';
import { VCluster } from './vcluster';
import type { JsonObject } from './vcluster/helm-values';

/** Props of {@link VClusterChart}. */
export interface VClusterChartProps {
  /** The declaration, resolved against the site (see {@link resolveDeclaration} and {@link VClusterChart.fromSpec}). */
  readonly resolved: ResolvedVCluster;
}

/**
 * Every host-cluster object of one vcluster.
 *
 * Composes {@link VCluster} (namespace, AppProject, Application with the Helm values and the
 * bound exposure) and the add-ons that bind to it: DNS, network and strict isolation, the
 * kubeconfig sync, the Secret the site keeps inside every vcluster, the Argo CD registration, and
 * the operations add-ons (the etcd disruption budget and snapshots, the volume cleanup hook, the
 * alerts), each from the props the resolved declaration carries for it.
 */
export class VClusterChart extends Chart {
  /**
   * Resolves a declaration against the site and builds its chart.
   * @throws ValidationError listing every problem of the declaration
   */
  public static fromSpec(scope: Construct, id: string, spec: VClusterSpec, platform: Platform): VClusterChart {
    const problems = new Problems();
    const resolved = resolveDeclaration(problems, spec, platform);
    problems.throwIfAny(`vcluster "${String(spec?.name)}"`);
    return new VClusterChart(scope, id, { resolved });
  }

  /** The resolved declaration. */
  public readonly resolved: ResolvedVCluster;
  /** The VCluster construct. */
  public readonly vcluster: VCluster;

  /**
   * @throws ValidationError when the App holds this vcluster already, or a chart of the same id
   * (anywhere in the tree)
   */
  constructor(scope: Construct, id: string, props: VClusterChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const r = props.resolved;
    this.resolved = r;
    try {
      registerInApp(this);
    } catch (e) {
      scope.node.tryRemoveChild(id); // a refused chart leaves nothing in the App
      throw e;
    }
    const vcluster = new VCluster(this, 'VCluster', r.vcluster);
    this.vcluster = vcluster;
    inSection('coredns', () => new CoreDnsPatch(this, 'CoreDnsPatch', { vcluster, ...r.dns }));
    new NetworkIsolation(this, 'NetworkIsolation', { vcluster, ...r.network });
    if (r.strict) inSection('isolation', () => new StrictIsolation(this, 'StrictIsolation', { vcluster, ...r.strict }));
    new KubeconfigSync(this, 'KubeconfigSync', { vcluster, ...r.sync });
    if (r.vclusterSecret) new VClusterSecretSync(this, 'VClusterSecretSync', { vcluster, ...r.vclusterSecret });
    ArgoRegistration.forVCluster(this, 'ArgoRegistration', { vcluster, ...r.registration });
    // Operations: quorum through drains, snapshots, volume cleanup on deletion, alerts.
    if (r.etcdDisruptionBudget) new EtcdDisruptionBudget(this, 'EtcdDisruptionBudget', { vcluster });
    if (r.etcdSnapshot) new EtcdSnapshot(this, 'EtcdSnapshot', { vcluster, ...r.etcdSnapshot });
    if (r.pvCleanup) new PvCleanupHook(this, 'PvCleanupHook', { vcluster, ...r.pvCleanup });
    if (r.alerts) VClusterAlerts.forVCluster(this, 'Alerts', { vcluster, ...r.alerts });
  }
}

/** The VClusterCharts of one App, by vcluster name and by id. */
interface AppCharts {
  readonly byName: Map<string, VClusterChart>;
  readonly byId: Map<string, VClusterChart>;
}

/** The VClusterCharts of each App (keyed by the root of the construct tree). */
const APPS = new WeakMap<IConstruct, AppCharts>();

/** The output file of a chart: cdk8s names it after the chart's path as a DNS label. */
function outputFile(chart: Chart): string {
  return `${Names.toDnsLabel(chart)}.k8s.yaml`;
}

/** How `chart` clashes with `other`, an earlier chart of the same App. */
type Clash = 'vcluster' | 'id' | 'file';

/**
 * The problem of two charts in one App: the same vcluster twice (its objects would be rendered
 * twice, and two copies would fight over them in the cluster), two charts of one id (wherever they
 * are in the tree: the id names the chart in messages and files), or two charts writing one file
 * (cdk8s would keep only the last).
 */
function clash(chart: Chart, other: Chart, kind: Clash): Problem {
  const first = `chart "${other.node.path}"`;
  if (kind === 'vcluster') {
    const name = (chart as VClusterChart).resolved.names.release;
    return {
      field: 'name',
      value: name,
      allowed: `one chart per vcluster in an App (${first} renders vcluster "${name}" already)`,
      fix: 'build each declaration once',
    };
  }
  const allowed =
    kind === 'id'
      ? `an id no other chart of the App has (${first} has it already)`
      : `an id whose output file no other chart of the App writes (${first} writes ${outputFile(other)} already)`;
  return { field: 'id', value: chart.node.id, allowed, fix: 'give the chart another id' };
}

/**
 * Refuses a VClusterChart whose vcluster or id the App holds already and, for the first one of an
 * App, adds the App's check of every chart (plain ones and those added later too) for synth time.
 */
function registerInApp(chart: VClusterChart): void {
  const root = chart.node.root;
  let charts = APPS.get(root);
  if (!charts) {
    charts = { byName: new Map(), byId: new Map() };
    APPS.set(root, charts);
    root.node.addValidation({ validate: () => appProblems(root).map((p) => formatProblem(p)) });
  }
  const name = chart.resolved.names.release;
  const twin = charts.byName.get(name);
  if (twin) throw new ValidationError([clash(chart, twin, 'vcluster')], 'VClusterChart');
  const namesake = charts.byId.get(chart.node.id);
  if (namesake) throw new ValidationError([clash(chart, namesake, 'id')], 'VClusterChart');
  charts.byName.set(name, chart);
  charts.byId.set(chart.node.id, chart);
}

/** The clashes of ids and output files among every chart of the App at `root`. */
function appProblems(root: IConstruct): Problem[] {
  const byId = new Map<string, Chart>();
  const byFile = new Map<string, Chart>();
  const problems: Problem[] = [];
  for (const c of root.node.findAll()) {
    if (!(c instanceof Chart)) continue;
    const file = outputFile(c);
    const namesake = byId.get(c.node.id);
    const sameFile = byFile.get(file);
    if (namesake) problems.push(clash(c, namesake, 'id'));
    else if (sameFile) problems.push(clash(c, sameFile, 'file'));
    byId.set(c.node.id, namesake ?? c);
    byFile.set(file, sameFile ?? c);
  }
  return problems;
}

/**
 * Runs the construction of an add-on whose props come from one section of the declaration, and
 * names the fields of its problems as the declaration does (`upstreams` → `coredns.upstreams`):
 * what an add-on can only check once the vcluster's values are known is reported in the
 * declaration's terms.
 */
function inSection<T>(section: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    throw new ValidationError(e.problems.map((p) => ({ ...p, field: `${section}.${p.field}` })));
  }
}

/**
 * Builds one resolved vcluster's chart in an App of its own and returns its objects as JSON. One
 * App per chart keeps synthesis linear in the number of vclusters (cdk8s resolves and validates the
 * whole App for every chart it serializes).
 * @throws ValidationError when the final Helm values are invalid (field and value named)
 */
export function buildVCluster(resolved: ResolvedVCluster): { chart: VClusterChart; objects: JsonObject[] } {
  const app = new App({ outdir: '/nonexistent' });
  const chart = new VClusterChart(app, resolved.names.release || 'vcluster', { resolved });
  // Checked here too (not only by the chart's validation) so the error carries field and value.
  chart.vcluster.helmValueProblems().throwIfAny(`Helm values of vcluster "${resolved.names.release}"`);
  return { chart, objects: chart.toJson() as JsonObject[] };
}

/**
 * Resolves and builds one declaration (see {@link buildVCluster}).
 * @throws ValidationError listing every problem of the declaration
 */
export function synthVCluster(spec: VClusterSpec, platform: Platform): { chart: VClusterChart; objects: JsonObject[] } {
  const problems = new Problems();
  const resolved = resolveDeclaration(problems, spec, platform);
  problems.throwIfAny(`vcluster "${String(spec?.name)}"`);
  return buildVCluster(resolved);
}
