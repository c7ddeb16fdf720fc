/**
 * The alert catalogue and the shapes of Prometheus alerting rules, shared by the per-vcluster and
 * the fleet-wide rules.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
 */
import { Problems } from '../validation';

/** How urgent an alert is: `critical` pages now, `warning` needs attention today. */
export type Severity = 'critical' | 'warning';

/** One alerting rule, in the form of a Prometheus rule file and of a PrometheusRule's `spec.groups[].rules[]`. */
export interface AlertRule {
  /** Alert name. */
  readonly alert: string;
  /** PromQL expression; every series it returns is an alert instance. */
  readonly expr: string;
  /** How long the expression must hold before the alert fires. */
  readonly for: string;
  /** Labels of the alert (added to, and overriding, those of the series). */
  readonly labels: Readonly<Record<string, string>>;
  /** `summary`, `description` and `runbook_url`. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** A named group of rules, evaluated together. */
export interface AlertGroup {
  /** Group name, unique within its rule file. */
  readonly name: string;
  /** The rules, in a fixed order. */
  readonly rules: readonly AlertRule[];
}

/** Severity and `for` of one alert. */
export interface AlertDefinition {
  /** Severity label. */
  readonly severity: Severity;
  /** Pending time before firing. */
  readonly for: string;
}

/**
 * Every alert this project renders, with its severity and pending time. The names, thresholds and
 * severities of the original platform's vcluster alerts are kept where the alert carries over
 * (`VClusterNotReady` 15m critical, `VClusterPodsUnhealthy` 10m warning, the etcd alerts); the
 * Argo CD and certificate alerts take the original site-wide alerts' thresholds.
 */
export const ALERT_CATALOGUE = {
  VClusterNotReady: { severity: 'critical', for: '15m' },
  VClusterPodsUnhealthy: { severity: 'warning', for: '10m' },
  VClusterEtcdPodNotReady: { severity: 'warning', for: '5m' },
  VClusterEtcdHighRestarts: { severity: 'warning', for: '5m' },
  VClusterEtcdQuorumAtRisk: { severity: 'critical', for: '2m' },
  VClusterEtcdQuorumLost: { severity: 'critical', for: '1m' },
  VClusterApplicationUnhealthy: { severity: 'critical', for: '15m' },
  VClusterApplicationOutOfSync: { severity: 'warning', for: '30m' },
  VClusterExternalSecretNotReady: { severity: 'warning', for: '15m' },
  VClusterPushSecretNotReady: { severity: 'warning', for: '15m' },
  VClusterJobFailed: { severity: 'warning', for: '5m' },
  VClusterEtcdSnapshotStale: { severity: 'warning', for: '15m' },
  VClusterCertificateExpiringSoon: { severity: 'warning', for: '1h' },
  VClusterCertificateExpiringCritical: { severity: 'critical', for: '15m' },
  VClusterCertificateExpired: { severity: 'critical', for: '5m' },
  VClusterFleetArgoCDMetricsMissing: { severity: 'warning', for: '5m' },
  VClusterFleetExternalSecretsMetricsMissing: { severity: 'warning', for: '5m' },
  VClusterFleetKubeStateMetricsMissing: { severity: 'warning', for: '5m' },
  VClusterFleetCertManagerMetricsMissing: { severity: 'warning', for: '30m' },
} as const satisfies Record<string, AlertDefinition>;

/** Name of an alert of the catalogue. */
export type AlertName = keyof typeof ALERT_CATALOGUE;

/** Every alert name, in catalogue order. */
export const ALERT_NAMES = Object.keys(ALERT_CATALOGUE) as AlertName[];

/** Anchor of an alert's runbook entry in the README: `alert-<lower-case name>`. */
export function runbookAnchor(alert: AlertName): string {
  return `alert-${alert.toLowerCase()}`;
}

/** The runbook URL of an alert: the README's URL and the alert's anchor. */
export function runbookUrlOf(readmeUrl: string, alert: AlertName): string {
  return `${readmeUrl}#${runbookAnchor(alert)}`;
}

/**
 * Checks the README URL the runbook annotations point to: an https URL without a fragment (the
 * anchor is appended) and without `{`, `}` or quotes (annotations are Prometheus templates, and a
 * URL is never one).
 */
export function checkRunbookUrl(problems: Problems, field: string, value: unknown): boolean {
  if (typeof value !== 'string' || !/^https:\/\/[^\s/#{}"'\\]+(\/[^\s#{}"'\\]*)?$/.test(value)) {
    return problems.add(
      field,
      value,
      'an https:// URL of the README without "#", braces, quotes or spaces',
      'e.g. "https://github.com/example/fleet/blob/main/README.md"',
    );
  }
  return true;
}

/** Labels this project puts on every PrometheusRule it renders (a rule label may not replace them). */
export const RULE_LABEL_KEYS = ['app.kubernetes.io/managed-by', 'app.kubernetes.io/name', 'vcluster-fleet/vcluster'] as const;

/** Checks extra rule labels: the Kubernetes label grammar, and none of the keys this project sets. */
export function checkRuleLabels(p: Problems, ruleLabels: unknown, field = 'ruleLabels'): void {
  if (!p.labels(field, ruleLabels) || ruleLabels === undefined) return;
  for (const key of Object.keys(ruleLabels as object)) {
    if ((RULE_LABEL_KEYS as readonly string[]).includes(key)) {
      p.add(`${field}[${JSON.stringify(key)}]`, key, `a label key other than ${RULE_LABEL_KEYS.join(', ')} (set by vcluster-fleet)`);
    }
  }
}

/**
 * The URL of `README.md` in a GitHub repository at a revision, for the runbook annotations, or
 * `undefined` when `repoURL` is not an https GitHub URL (then the URL must be configured).
 */
export function githubReadmeUrl(repoURL: string, revision: string): string | undefined {
  const m = /^https:\/\/github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(\.git)?\/?$/.exec(repoURL);
  if (!m || !/^[A-Za-z0-9._/-]+$/.test(revision)) return undefined;
  return `https://github.com/${m[1]}/${m[2]}/blob/${revision}/README.md`;
}

/** Builds a rule of the catalogue: severity and `for` from the catalogue, the runbook annotation from the README URL. */
export function catalogueRule(
  alert: AlertName,
  expr: string,
  labels: Readonly<Record<string, string>>,
  text: { readonly summary: string; readonly description: string },
  readmeUrl: string,
): AlertRule {
  const def = ALERT_CATALOGUE[alert];
  return {
    alert,
    expr,
    for: def.for,
    labels: { severity: def.severity, ...labels },
    annotations: { summary: text.summary, description: text.description, runbook_url: runbookUrlOf(readmeUrl, alert) },
  };
}
