/**
 * VClusterAlerts: two PrometheusRules per vcluster (host side and Argo CD side), valid against the
 * Prometheus Operator v0.93.0 CRD, with the selector labels asked for.
 */
import { App, Chart } from 'cdk8s';
import { ValidationError } from '../../src/validation';
import { vclusterAlertGroups } from '../../src/monitoring/vcluster-alert-rules';
import { VClusterAlerts, VClusterAlertsProps } from '../../src/monitoring/vcluster-alerts';
import { DEV, PROD, RUNBOOK } from '../alerts/fixtures';
import { Obj } from '../util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const validators = require('../../imports/manifest-validators.js') as Record<string, ((o: unknown) => boolean) & { errors?: unknown[] }>;

function synth(props: VClusterAlertsProps): Obj[] {
  const chart = new Chart(new App({ outdir: '/nonexistent' }), 'test', { disableResourceNameHashes: true });
  new VClusterAlerts(chart, 'Alerts', props);
  return chart.toJson() as Obj[];
}

describe('defaults', () => {
  const objs = synth({ vcluster: PROD, runbookUrl: RUNBOOK });

  test("renders <name>-alerts in the vcluster namespace and <name>-argocd-alerts in Argo CD's", () => {
    expect(objs.map((o) => [o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name])).toEqual([
      ['monitoring.coreos.com/v1', 'PrometheusRule', 'media', 'media-alerts'],
      ['monitoring.coreos.com/v1', 'PrometheusRule', 'argocd', 'media-argocd-alerts'],
    ]);
  });

  test('labels: managed by vcluster-fleet, naming the vcluster', () => {
    for (const o of objs) {
      expect(o.metadata.labels).toEqual({
        'app.kubernetes.io/managed-by': 'vcluster-fleet',
        'app.kubernetes.io/name': 'vcluster-fleet-alerts',
        'vcluster-fleet/vcluster': 'media',
      });
    }
  });

  test("each holds one group, exactly the rule builder's", () => {
    const groups = vclusterAlertGroups(PROD, { runbookUrl: RUNBOOK });
    expect(objs[0].spec.groups).toEqual([{ name: groups.host.name, rules: groups.host.rules }]);
    expect(objs[1].spec.groups).toEqual([{ name: groups.argocd.name, rules: groups.argocd.rules }]);
  });

  test('valid against the PrometheusRule CRD (unknown fields rejected)', () => {
    const validate = validators['monitoring_coreos_com_v1_PrometheusRule'];
    for (const o of objs) {
      expect(validate(o)).toBe(true);
      expect(validate.errors ?? null).toBeNull();
    }
  });

  test('a misspelt field is caught by the same validator', () => {
    const validate = validators['monitoring_coreos_com_v1_PrometheusRule'];
    const bad = JSON.parse(JSON.stringify(objs[0]));
    bad.spec.groups[0].rules[0].fore = '15m';
    expect(validate(bad)).toBe(false);
  });

  test('snapshot of the prod rules', () => {
    expect(objs).toMatchSnapshot();
  });
});

test('rule labels for the Prometheus rule selector go on both rules', () => {
  const objs = synth({ vcluster: DEV, runbookUrl: RUNBOOK, ruleLabels: { release: 'kube-prometheus-stack' } });
  expect(objs.map((o) => o.metadata.labels?.release)).toEqual(['kube-prometheus-stack', 'kube-prometheus-stack']);
});

test('namespace and argocdRuleNamespace place the rules (e.g. a monitoring namespace)', () => {
  const objs = synth({ vcluster: DEV, runbookUrl: RUNBOOK, namespace: 'monitoring', argocdRuleNamespace: 'monitoring' });
  expect(objs.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
    'monitoring/sandbox-alerts',
    'monitoring/sandbox-argocd-alerts',
  ]);
  // The alerts still name the vcluster's own namespace.
  expect(objs[0].spec.groups[0].rules[0].labels.namespace).toBe('team-sandbox');
});

test('the resolved namespaces are exposed', () => {
  const chart = new Chart(new App({ outdir: '/nonexistent' }), 'test');
  const a = new VClusterAlerts(chart, 'A', { vcluster: DEV, runbookUrl: RUNBOOK });
  expect([a.namespace, a.argocdRuleNamespace]).toEqual(['team-sandbox', 'argocd']);
  expect(a.hostRule.name).toBe('sandbox-alerts');
  expect(a.argocdRule.name).toBe('sandbox-argocd-alerts');
});

describe('validation', () => {
  const build = (patch: Partial<VClusterAlertsProps>) => () => synth({ vcluster: PROD, runbookUrl: RUNBOOK, ...patch });

  test('throws for a bad rule label key or value', () => {
    expect(build({ ruleLabels: { 'bad key': 'x' } })).toThrow(ValidationError);
    expect(build({ ruleLabels: { 'bad key': 'x' } })).toThrow(/VClusterAlerts of "media".*ruleLabels\["bad key"\]/s);
    expect(build({ ruleLabels: { release: 'a b' } })).toThrow(/ruleLabels\["release"\].*"a b"/);
  });

  test('throws for a rule label that would replace one of this project', () => {
    expect(build({ ruleLabels: { 'app.kubernetes.io/managed-by': 'me' } })).toThrow(
      /ruleLabels\["app.kubernetes.io\/managed-by"\].*a label key other than/,
    );
  });

  test('throws for a bad namespace', () => {
    expect(build({ namespace: 'Monitoring' })).toThrow(/namespace.*"Monitoring"/);
    expect(build({ argocdRuleNamespace: 'argo cd' })).toThrow(/argocdRuleNamespace.*"argo cd"/);
  });

  test('throws for a bad vcluster input, naming the field under vcluster', () => {
    expect(build({ vcluster: { ...PROD, etcdMembers: 99 } })).toThrow(/vcluster\.etcdMembers.*99/);
    expect(build({ runbookUrl: 'README.md' })).toThrow(/runbookUrl.*"README.md"/);
  });

  test('reports every problem at once', () => {
    expect(build({ namespace: 'Bad', runbookUrl: 'x', vcluster: { ...PROD, environment: 'a b' } })).toThrow(
      /\(3 problems\).*namespace.*vcluster\.environment.*runbookUrl/s,
    );
  });
});
