/**
 * The fleet-wide alerting rules: the metrics every vcluster's alerts read must exist at all.
 *
 * They take the place of the original platform's `PlatformReconcilerDown` (its status reconciler
 * produced the metrics the vcluster alerts read; when it stopped, those alerts went stale). Here the
 * metrics come from Argo CD's application controller, the External Secrets controller,
 * kube-state-metrics and cert-manager: when one of them is not scraped, the alerts built on it can
 * never fire, and these say so.
 */
import { Problems } from '../validation';
import { AlertGroup, AlertName, AlertRule, catalogueRule, checkRunbookUrl } from './alert-rules';

/** Options of {@link fleetAlertGroup}. */
export interface FleetAlertOptions {
  /** URL of the README whose alert sections the `runbook_url` annotations point to. */
  readonly runbookUrl: string;
  /** Whether some vcluster renders cert-manager Certificates (then cert-manager's metrics must exist). @default false */
  readonly certificates?: boolean;
}

/** The metric whose absence means a source is not scraped, and what then goes blind. */
const SOURCES: ReadonlyArray<{ alert: AlertName; metric: string; source: string; blind: string }> = [
  {
    alert: 'VClusterFleetArgoCDMetricsMissing',
    metric: 'argocd_app_info',
    source: 'the Argo CD application controller',
    blind: 'the health and sync alerts of every vcluster Application',
  },
  {
    alert: 'VClusterFleetExternalSecretsMetricsMissing',
    metric: 'externalsecret_status_condition',
    source: 'the External Secrets controller',
    blind: 'the cluster registration, kubeconfig ExternalSecret and PushSecret alerts',
  },
  {
    alert: 'VClusterFleetKubeStateMetricsMissing',
    metric: 'kube_pod_status_ready',
    source: 'kube-state-metrics',
    blind: 'the control-plane, pod, etcd and Job alerts of every vcluster',
  },
  {
    alert: 'VClusterFleetCertManagerMetricsMissing',
    metric: 'certmanager_certificate_expiration_timestamp_seconds',
    source: 'cert-manager',
    blind: 'the certificate expiry alerts',
  },
];

/** Builds the fleet-wide rule group (pure). Throws on an invalid input. */
export function fleetAlertGroup(options: FleetAlertOptions): AlertGroup {
  const p = new Problems();
  checkRunbookUrl(p, 'runbookUrl', options.runbookUrl);
  if (options.certificates !== undefined) p.boolean('certificates', options.certificates);
  p.throwIfAny('fleet alerts');
  const rules: AlertRule[] = SOURCES.filter((s) => options.certificates === true || s.metric !== SOURCES[3].metric).map((s) =>
    catalogueRule(
      s.alert,
      `absent(${s.metric})`,
      {},
      {
        summary: `No ${s.metric} series: ${s.source} is not scraped`,
        description: `Prometheus has no ${s.metric} series, so ${s.blind} cannot fire. Check that ${s.source} runs and that its metrics are scraped (ServiceMonitor, network policy).`,
      },
      options.runbookUrl,
    ),
  );
  return { name: 'vcluster-fleet', rules };
}
