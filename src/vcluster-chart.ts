/**
 * VClusterChart: the composition root. One resolved declaration becomes one cdk8s Chart holding
 * every host-cluster object of that vcluster: the {@link VCluster} and the add-ons bound to it.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ArgoRegistration } from './argo-registration';
import { CoreDnsPatch } from './coredns-patch';
import type { Platform } from './declaration/platform';
import { ResolvedVCluster, resolveDeclaration } from './declaration/resolve';
import type { VClusterSpec } from './declaration/spec';
import { NetworkIsolation } from './isolation/network-isolation';
import { StrictIsolation } from './isolation/strict-isolation';
import { KubeconfigSync } from './kubeconfig-sync';
import { VClusterSecretSync } from './registration/vcluster-secret-sync';
import { Problems, ValidationError } from './validation';
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
 * kubeconfig sync, the Secret the site keeps inside every vcluster, and the Argo CD registration,
 * each from the props the resolved declaration carries for it.
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

  constructor(scope: Construct, id: string, props: VClusterChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const r = props.resolved;
    this.resolved = r;
    const vcluster = new VCluster(this, 'VCluster', r.vcluster);
    this.vcluster = vcluster;
    inSection('coredns', () => new CoreDnsPatch(this, 'CoreDnsPatch', { vcluster, ...r.dns }));
    new NetworkIsolation(this, 'NetworkIsolation', { vcluster, ...r.network });
    if (r.strict) inSection('isolation', () => new StrictIsolation(this, 'StrictIsolation', { vcluster, ...r.strict }));
    new KubeconfigSync(this, 'KubeconfigSync', { vcluster, ...r.sync });
    if (r.vclusterSecret) new VClusterSecretSync(this, 'VClusterSecretSync', { vcluster, ...r.vclusterSecret });
    ArgoRegistration.forVCluster(this, 'ArgoRegistration', { vcluster, ...r.registration });
  }
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
