/**
 * FleetAlerts: the fleet-wide PrometheusRule.
 */
import { Construct } from 'constructs';
import { PrometheusRule } from '../../imports/prometheus-rule-monitoring.coreos.com';
import { Problems } from '../validation';
import { AlertGroup, checkRuleLabels } from './alert-rules';
import { fleetAlertGroup } from './fleet-alert-rules';
import { prometheusRule } from './vcluster-alerts';

/** Name of the fleet-wide PrometheusRule. */
export const FLEET_RULE_NAME = 'vcluster-fleet-alerts';

/** Props of {@link FleetAlerts}. */
export interface FleetAlertsProps {
  /** Namespace of the PrometheusRule (e.g. Argo CD's, where the bootstrap objects live). */
  readonly namespace: string;
  /** URL of the README holding the alert runbooks. */
  readonly runbookUrl: string;
  /** Whether some vcluster renders cert-manager Certificates (adds the cert-manager metrics check). @default false */
  readonly certificates?: boolean;
  /** Extra labels for the Prometheus `ruleSelector`. @default {} */
  readonly ruleLabels?: Readonly<Record<string, string>>;
}

/**
 * One PrometheusRule `vcluster-fleet-alerts` with a `*MetricsMissing` alert per metrics source the
 * vcluster alerts read (Argo CD, External Secrets, kube-state-metrics, and cert-manager when
 * certificates are rendered): the replacement of the original platform's `PlatformReconcilerDown`.
 *
 * @see https://prometheus.io/docs/prometheus/latest/querying/functions/#absent
 */
export class FleetAlerts extends Construct {
  /** The rule group, as rendered. */
  public readonly group: AlertGroup;
  /** The PrometheusRule. */
  public readonly rule: PrometheusRule;

  constructor(scope: Construct, id: string, props: FleetAlertsProps) {
    super(scope, id);
    const p = new Problems();
    p.dnsLabel('namespace', props.namespace);
    checkRuleLabels(p, props.ruleLabels);
    p.throwIfAny('FleetAlerts');
    this.group = fleetAlertGroup({ runbookUrl: props.runbookUrl, certificates: props.certificates });
    const labels = { ...(props.ruleLabels ?? {}), 'app.kubernetes.io/managed-by': 'vcluster-fleet' };
    this.rule = prometheusRule(this, 'Rule', FLEET_RULE_NAME, props.namespace, labels, this.group);
  }
}
