/**
 * The monitoring settings of a site (`monitoring` of the platform): whether the alerting rules are
 * rendered, the labels the Prometheus rule selector wants, where the rules live and where their
 * runbooks are. Their type, key list, checks and the resolved form the constructs take.
 */
import { Problems, checkKnownKeys, isPlainObject, keysOf } from '../validation';
import { checkRuleLabels, checkRunbookUrl, githubReadmeUrl } from './alert-rules';

/** The `monitoring` section of the platform. */
export interface MonitoringSettings {
  /** Whether the PrometheusRules are rendered (every vcluster's and the fleet's). @default true */
  readonly alerts?: boolean;
  /**
   * Labels of every PrometheusRule, for the Prometheus `ruleSelector` (kube-prometheus-stack selects
   * `release: <its Helm release>` unless `ruleSelectorNilUsesHelmValues` is false).
   * @default {}
   */
  readonly ruleLabels?: Readonly<Record<string, string>>;
  /**
   * Namespace of the host-side rules `<name>-alerts` and of the fleet rule `vcluster-fleet-alerts`.
   * @default - each vcluster's own namespace; the fleet rule in Argo CD's namespace
   */
  readonly namespace?: string;
  /**
   * URL of the README holding the runbooks (`runbook_url` is `<url>#alert-<name>`).
   * @default - README.md of `argocd.repoURL` at `argocd.revision` (GitHub repositories; others must set it)
   */
  readonly runbookUrl?: string;
}

/** The monitoring settings with every default applied. */
export interface ResolvedMonitoring {
  /** Whether rules are rendered. */
  readonly alerts: boolean;
  /** Labels of every rule. */
  readonly ruleLabels: Readonly<Record<string, string>>;
  /** Namespace of the host-side and fleet rules, when the site fixes one. */
  readonly namespace?: string;
  /** README URL of the runbooks. */
  readonly runbookUrl: string;
}

/** Keys of the `monitoring` section. */
export const MONITORING_KEYS = keysOf<MonitoringSettings>({ alerts: true, ruleLabels: true, namespace: true, runbookUrl: true });

/**
 * Checks the `monitoring` section; `repo` is where Argo CD reads dist/ (the default runbook URL is
 * derived from it). Records problems under `monitoring.*`.
 */
export function checkMonitoring(problems: Problems, settings: unknown, repo: { repoURL?: unknown; revision?: unknown }): void {
  if (settings === undefined) settings = {};
  if (!isPlainObject(settings)) {
    problems.add('monitoring', settings, 'an object: { alerts?, ruleLabels?, namespace?, runbookUrl? }');
    return;
  }
  checkKnownKeys(problems, 'monitoring', settings, MONITORING_KEYS);
  const m = settings as MonitoringSettings;
  if (m.alerts !== undefined) problems.boolean('monitoring.alerts', m.alerts);
  checkRuleLabels(problems, m.ruleLabels, 'monitoring.ruleLabels');
  if (m.namespace !== undefined) problems.dnsLabel('monitoring.namespace', m.namespace);
  if (m.runbookUrl !== undefined) checkRunbookUrl(problems, 'monitoring.runbookUrl', m.runbookUrl);
  else if (m.alerts !== false && defaultRunbookUrl(repo) === undefined) {
    problems.add(
      'monitoring.runbookUrl',
      undefined,
      'the https URL of the README with the alert runbooks when argocd.repoURL is not an https GitHub URL',
      'set monitoring.runbookUrl (e.g. "https://git.example.com/fleet/-/blob/main/README.md"), or monitoring.alerts: false',
    );
  }
}

/** Applies the defaults of a checked `monitoring` section. */
export function resolveMonitoring(
  settings: MonitoringSettings | undefined,
  repo: { repoURL: string; revision: string },
): ResolvedMonitoring {
  const m = settings ?? {};
  return {
    alerts: m.alerts ?? true,
    ruleLabels: { ...(m.ruleLabels ?? {}) },
    ...(m.namespace !== undefined ? { namespace: m.namespace } : {}),
    runbookUrl: m.runbookUrl ?? defaultRunbookUrl(repo) ?? '',
  };
}

/** README.md of the repository Argo CD reads, when it is on GitHub. */
function defaultRunbookUrl(repo: { repoURL?: unknown; revision?: unknown }): string | undefined {
  if (typeof repo.repoURL !== 'string') return undefined;
  return githubReadmeUrl(repo.repoURL, typeof repo.revision === 'string' ? repo.revision : 'main');
}
