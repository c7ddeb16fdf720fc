/** FleetAlerts: one PrometheusRule watching that the metrics the vcluster alerts read exist. */
import { App, Chart } from 'cdk8s';
import { FLEET_RULE_NAME, FleetAlerts, FleetAlertsProps } from '../../src/monitoring/fleet-alerts';
import { RUNBOOK } from '../alerts/fixtures';
import { Obj } from '../util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const validators = require('../../imports/manifest-validators.js') as Record<string, (o: unknown) => boolean>;

function synth(props: FleetAlertsProps): Obj {
  const chart = new Chart(new App({ outdir: '/nonexistent' }), 'test', { disableResourceNameHashes: true });
  new FleetAlerts(chart, 'Fleet', props);
  const objs = chart.toJson() as Obj[];
  expect(objs).toHaveLength(1);
  return objs[0];
}

test('without certificates: absent() of the Argo CD, External Secrets and kube-state-metrics series', () => {
  const o = synth({ namespace: 'argocd', runbookUrl: RUNBOOK, ruleLabels: { release: 'kube-prometheus-stack' } });
  expect([o.metadata.namespace, o.metadata.name]).toEqual(['argocd', FLEET_RULE_NAME]);
  expect(o.metadata.labels).toEqual({
    'app.kubernetes.io/managed-by': 'vcluster-fleet',
    'app.kubernetes.io/name': 'vcluster-fleet-alerts',
    release: 'kube-prometheus-stack',
  });
  expect(o.spec.groups[0].name).toBe('vcluster-fleet');
  expect(o.spec.groups[0].rules.map((r: any) => [r.alert, r.expr, r.for, r.labels])).toEqual([
    ['VClusterFleetArgoCDMetricsMissing', 'absent(argocd_app_info)', '5m', { severity: 'warning' }],
    ['VClusterFleetExternalSecretsMetricsMissing', 'absent(externalsecret_status_condition)', '5m', { severity: 'warning' }],
    ['VClusterFleetKubeStateMetricsMissing', 'absent(kube_pod_status_ready)', '5m', { severity: 'warning' }],
  ]);
  expect(validators['monitoring_coreos_com_v1_PrometheusRule'](o)).toBe(true);
});

test('with certificates: also cert-manager, pending 30m', () => {
  const o = synth({ namespace: 'argocd', runbookUrl: RUNBOOK, certificates: true });
  const last = o.spec.groups[0].rules[3];
  expect([last.alert, last.expr, last.for]).toEqual([
    'VClusterFleetCertManagerMetricsMissing',
    'absent(certmanager_certificate_expiration_timestamp_seconds)',
    '30m',
  ]);
  expect(last.annotations.runbook_url).toBe(`${RUNBOOK}#alert-vclusterfleetcertmanagermetricsmissing`);
});

test('throws for a bad namespace, rule label, certificates flag or runbook URL', () => {
  expect(() => synth({ namespace: 'Argo', runbookUrl: RUNBOOK })).toThrow(/FleetAlerts.*namespace.*"Argo"/s);
  expect(() => synth({ namespace: 'argocd', runbookUrl: RUNBOOK, ruleLabels: { 'vcluster-fleet/vcluster': 'x' } })).toThrow(
    /ruleLabels\["vcluster-fleet\/vcluster"\]/,
  );
  expect(() => synth({ namespace: 'argocd', runbookUrl: RUNBOOK, certificates: 'yes' as never })).toThrow(/certificates.*"yes"/);
  expect(() => synth({ namespace: 'argocd', runbookUrl: 'ftp://x' })).toThrow(/runbookUrl/);
});
