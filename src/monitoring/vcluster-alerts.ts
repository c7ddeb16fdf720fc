/**
 * VClusterAlerts: the PrometheusRules of one vcluster.
 */
import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/prometheus-rule-monitoring.coreos.com';
import { Problems } from '../validation';
import type { IVCluster } from '../vcluster/ivcluster';
import { AlertGroup, checkRuleLabels, checkRunbookUrl } from './alert-rules';
import { AlertedVClusterFacts, alertedVCluster } from './alerted-vcluster';
import { AlertedVCluster, VClusterAlertGroups, checkAlertedVCluster, vclusterAlertGroups } from './vcluster-alert-rules';

/** Props of {@link VClusterAlerts}. */
export interface VClusterAlertsProps {
  /** The vcluster to watch: the names of its namespace, Applications, secrets, Jobs, etcd and certificates. */
  readonly vcluster: AlertedVCluster;
  /** URL of the README holding the alert runbooks; each rule's `runbook_url` is `<url>#alert-<name>`. */
  readonly runbookUrl: string;
  /** Namespace of the host-side PrometheusRule `<name>-alerts`. @default - the vcluster's namespace */
  readonly namespace?: string;
  /** Namespace of the Argo CD-side PrometheusRule `<name>-argocd-alerts`. @default - the vcluster's `argocdNamespace` */
  readonly argocdRuleNamespace?: string;
  /**
   * Extra labels of both PrometheusRules, for the Prometheus `ruleSelector` (kube-prometheus-stack
   * selects `release: <its Helm release>` unless `ruleSelectorNilUsesHelmValues` is false).
   * @default {}
   */
  readonly ruleLabels?: Readonly<Record<string, string>>;
}

/**
 * Props of {@link VClusterAlerts.forVCluster}: a vcluster of this project, the features rendered
 * for it, and the rule options.
 */
export interface VClusterAlertsForVClusterProps extends Omit<AlertedVClusterFacts, 'vcluster'>, Omit<VClusterAlertsProps, 'vcluster'> {
  /** The vcluster to watch: names, namespace, environment and deployed etcd are read from it. */
  readonly vcluster: IVCluster;
}

/**
 * The alerting rules of one vcluster as two PrometheusRules (`monitoring.coreos.com/v1`), one per
 * cluster whose metrics they read:
 *
 * - `<name>-alerts` (host cluster, in the vcluster's namespace by default): control plane not ready,
 *   pods unhealthy, the deployed etcd's members, restarts and quorum, failed one-shot Jobs, the
 *   kubeconfig ExternalSecret and PushSecret, and the certificates the vcluster renders;
 * - `<name>-argocd-alerts` (Argo CD cluster, in Argo CD's namespace): health and sync of the vcluster
 *   Application and its bootstrap Application(s), and the cluster registration ExternalSecret.
 *
 * For a vcluster on the Argo CD cluster itself both land on the same cluster; for one on another
 * host cluster each is evaluated by the Prometheus that scrapes its metrics. A Prometheus with the
 * kube-prometheus-stack defaults selects rules in every namespace (`ruleNamespaceSelector: {}`)
 * that carry its `release` label: give that label in `ruleLabels`.
 *
 * Alerts carry the labels `severity`, `vcluster`, `namespace` (the vcluster's host namespace) and
 * `environment`, and a `runbook_url` annotation.
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
 */
export class VClusterAlerts extends Construct {
  /**
   * The alerts of a vcluster of this project: the objects watched follow from the vcluster and the
   * features rendered for it (see {@link alertedVCluster}).
   * @throws ValidationError naming every invalid prop
   */
  public static forVCluster(scope: Construct, id: string, props: VClusterAlertsForVClusterProps): VClusterAlerts {
    const { vcluster, runbookUrl, namespace, argocdRuleNamespace, ruleLabels, ...facts } = props;
    return new VClusterAlerts(scope, id, {
      vcluster: alertedVCluster({ vcluster, ...facts }),
      runbookUrl,
      namespace,
      argocdRuleNamespace,
      ruleLabels,
    });
  }

  /** The rule groups, as rendered. */
  public readonly groups: VClusterAlertGroups;
  /** Namespace of the host-side rule. */
  public readonly namespace: string;
  /** Namespace of the Argo CD-side rule. */
  public readonly argocdRuleNamespace: string;
  /** The host-side PrometheusRule `<name>-alerts`. */
  public readonly hostRule: PrometheusRule;
  /** The Argo CD-side PrometheusRule `<name>-argocd-alerts`. */
  public readonly argocdRule: PrometheusRule;

  constructor(scope: Construct, id: string, props: VClusterAlertsProps) {
    super(scope, id);
    const vc = props.vcluster;
    this.namespace = props.namespace ?? vc.namespace;
    this.argocdRuleNamespace = props.argocdRuleNamespace ?? vc.argocdNamespace;
    const p = new Problems();
    if (props.namespace !== undefined) p.dnsLabel('namespace', props.namespace);
    if (props.argocdRuleNamespace !== undefined) p.dnsLabel('argocdRuleNamespace', props.argocdRuleNamespace);
    checkRuleLabels(p, props.ruleLabels);
    checkAlertedVCluster(p.scope('vcluster'), vc);
    checkRunbookUrl(p, 'runbookUrl', props.runbookUrl);
    p.throwIfAny(`VClusterAlerts of "${String(vc?.name)}"`);
    this.groups = vclusterAlertGroups(vc, { runbookUrl: props.runbookUrl });

    const labels = { ...(props.ruleLabels ?? {}), 'app.kubernetes.io/managed-by': 'vcluster-fleet', 'vcluster-fleet/vcluster': vc.name };
    this.hostRule = prometheusRule(this, 'HostRule', `${vc.name}-alerts`, this.namespace, labels, this.groups.host);
    this.argocdRule = prometheusRule(this, 'ArgoCDRule', `${vc.name}-argocd-alerts`, this.argocdRuleNamespace, labels, this.groups.argocd);
  }
}

/** One PrometheusRule holding one group. */
export function prometheusRule(
  scope: Construct,
  id: string,
  name: string,
  namespace: string,
  labels: Readonly<Record<string, string>>,
  group: AlertGroup,
): PrometheusRule {
  return new PrometheusRule(scope, id, {
    metadata: { name, namespace, labels: { ...labels, 'app.kubernetes.io/name': 'vcluster-fleet-alerts' } },
    spec: {
      groups: [
        {
          name: group.name,
          rules: group.rules.map((r) => ({
            alert: r.alert,
            expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
            for: r.for,
            labels: { ...r.labels },
            annotations: { ...r.annotations },
          })),
        },
      ],
    },
  });
}
