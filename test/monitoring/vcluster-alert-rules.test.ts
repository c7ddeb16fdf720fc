/**
 * The rule builder of one vcluster: which alerts each fixture vcluster gets, with their exact
 * expressions, thresholds, pending times, severities and labels (no promtool needed; the rules'
 * behaviour is tested by `npm run test:alerts`).
 */
import { ValidationError } from '../../src/validation';
import { ALERT_CATALOGUE, AlertRule } from '../../src/monitoring/alert-rules';
import { etcdQuorum, vclusterAlertGroups } from '../../src/monitoring/vcluster-alert-rules';
import { DEV, PROD, RUNBOOK } from '../alerts/fixtures';

const prod = vclusterAlertGroups(PROD, { runbookUrl: RUNBOOK });
const dev = vclusterAlertGroups(DEV, { runbookUrl: RUNBOOK });

const one = (rules: readonly AlertRule[], alert: string, label?: [string, string]): AlertRule => {
  const found = rules.filter((r) => r.alert === alert && (!label || r.labels[label[0]] === label[1]));
  if (found.length !== 1) throw new Error(`expected one ${alert}, found ${found.length}`);
  return found[0];
};
const summary = (rules: readonly AlertRule[]) => rules.map((r) => [r.alert, r.for, r.labels.severity]);

describe('prod vcluster (3 etcd members, snapshots, three Certificates, PushSecret)', () => {
  test('host group: control plane, pods, etcd, secrets, snapshots and certificates, in order', () => {
    expect(prod.host.name).toBe('vcluster-fleet.media');
    expect(summary(prod.host.rules)).toEqual([
      ['VClusterNotReady', '15m', 'critical'],
      ['VClusterPodsUnhealthy', '10m', 'warning'],
      ['VClusterEtcdPodNotReady', '5m', 'warning'],
      ['VClusterEtcdHighRestarts', '5m', 'warning'],
      ['VClusterEtcdQuorumAtRisk', '2m', 'critical'],
      ['VClusterEtcdQuorumLost', '1m', 'critical'],
      ['VClusterExternalSecretNotReady', '15m', 'warning'],
      ['VClusterPushSecretNotReady', '15m', 'warning'],
      ['VClusterEtcdSnapshotStale', '15m', 'warning'],
      ['VClusterCertificateExpiringSoon', '1h', 'warning'],
      ['VClusterCertificateExpiringCritical', '15m', 'critical'],
      ['VClusterCertificateExpired', '5m', 'critical'],
    ]);
  });

  test('Argo CD group: health and sync of the vcluster and bootstrap Applications, the registration ExternalSecret', () => {
    expect(prod.argocd.name).toBe('vcluster-fleet.media.argocd');
    expect(prod.argocd.rules.map((r) => [r.alert, r.labels.application ?? r.labels.externalsecret])).toEqual([
      ['VClusterApplicationUnhealthy', 'vcluster-media'],
      ['VClusterApplicationOutOfSync', 'vcluster-media'],
      ['VClusterApplicationUnhealthy', 'fleet-media'],
      ['VClusterApplicationOutOfSync', 'fleet-media'],
      ['VClusterExternalSecretNotReady', 'media-argocd-cluster'],
    ]);
  });

  test('every rule carries the vcluster, its namespace, the environment, the severity and a runbook anchor', () => {
    for (const r of [...prod.host.rules, ...prod.argocd.rules]) {
      expect(r.labels).toMatchObject({ vcluster: 'media', namespace: 'media', environment: 'production' });
      expect(r.labels.severity).toBe(ALERT_CATALOGUE[r.alert as keyof typeof ALERT_CATALOGUE].severity);
      expect(r.annotations.runbook_url).toBe(`${RUNBOOK}#alert-${r.alert.toLowerCase()}`);
      expect(Object.keys(r.annotations)).toEqual(['summary', 'description', 'runbook_url']);
    }
  });

  test('VClusterNotReady: desired minus ready control-plane replicas, StatefulSet or Deployment, of this release and namespace', () => {
    expect(one(prod.host.rules, 'VClusterNotReady').expr).toBe(
      [
        '(',
        '  max(kube_statefulset_replicas{namespace="media", statefulset="media"} or kube_deployment_spec_replicas{namespace="media", deployment="media"})',
        '  -',
        '  max(kube_statefulset_status_replicas_ready{namespace="media", statefulset="media"} or kube_deployment_status_replicas_available{namespace="media", deployment="media"})',
        ') > 0',
      ].join('\n'),
    );
  });

  test('VClusterPodsUnhealthy: under 50% of the unfinished pods of the namespace (Pending ones included) ready', () => {
    const finished = 'max by (pod) (kube_pod_status_phase{namespace="media", phase=~"Succeeded|Failed"} == 1)';
    expect(one(prod.host.rules, 'VClusterPodsUnhealthy').expr).toBe(
      [
        '(',
        `  (sum(max by (pod) (kube_pod_status_ready{namespace="media", condition="true"}) unless on (pod) ${finished}) or vector(0))`,
        '  /',
        `  count(max by (pod) (kube_pod_info{namespace="media"}) unless on (pod) ${finished})`,
        ') < 0.5',
      ].join('\n'),
    );
  });

  test('etcd alerts select the members by the anchored pattern <release>-etcd-<ordinal> in the vcluster namespace', () => {
    const ready = 'kube_pod_status_ready{namespace="media", pod=~"media-etcd-[0-9]+", condition="true"}';
    expect(one(prod.host.rules, 'VClusterEtcdPodNotReady').expr).toBe(
      `max by (pod) (kube_pod_info{namespace="media", pod=~"media-etcd-[0-9]+"})\nunless on (pod)\nmax by (pod) (${ready}) == 1`,
    );
    expect(one(prod.host.rules, 'VClusterEtcdHighRestarts').expr).toBe(
      'max by (pod, container) (increase(kube_pod_container_status_restarts_total{namespace="media", pod=~"media-etcd-[0-9]+"}[1h])) > 3',
    );
    const count = (op: string) =>
      [
        '(',
        `  count(max by (pod) (${ready}) == 1)`,
        '  or',
        '  vector(0)',
        `) ${op} 2`,
        'and on ()',
        'max(kube_statefulset_replicas{namespace="media", statefulset="media-etcd"}) > 0',
      ].join('\n');
    expect(one(prod.host.rules, 'VClusterEtcdQuorumAtRisk').expr).toBe(count('<='));
    expect(one(prod.host.rules, 'VClusterEtcdQuorumLost').expr).toBe(count('<'));
    expect(one(prod.host.rules, 'VClusterEtcdQuorumAtRisk').annotations.description).toBe(
      'Only {{ $value }} of the 3 etcd members of vcluster media are ready (quorum 2): one more failure takes its API server offline.',
    );
  });

  test('VClusterEtcdSnapshotStale: no successful run of the snapshot CronJob (or, never, since its creation) for 26 hours', () => {
    const rule = one(prod.host.rules, 'VClusterEtcdSnapshotStale');
    expect(rule.expr).toBe(
      [
        'time() - (',
        '  max(kube_cronjob_status_last_successful_time{namespace="media", cronjob="media-etcd-snapshot"}) > 0',
        '  or',
        '  max(kube_cronjob_created{namespace="media", cronjob="media-etcd-snapshot"})',
        ') > 93600',
      ].join('\n'),
    );
    expect(rule.labels).toEqual({
      severity: 'warning',
      vcluster: 'media',
      namespace: 'media',
      environment: 'production',
      cronjob: 'media-etcd-snapshot',
    });
    expect(rule.annotations.summary).toBe('vcluster media: no etcd snapshot for 26 hours');
  });

  test('ExternalSecret and PushSecret alerts match the object namespace under either label', () => {
    expect(one(prod.host.rules, 'VClusterExternalSecretNotReady').expr).toBe(
      [
        'max(',
        '  externalsecret_status_condition{name="media-kubeconfig", condition="Ready", status="False", namespace="media"}',
        '  or',
        '  externalsecret_status_condition{name="media-kubeconfig", condition="Ready", status="False", exported_namespace="media"}',
        ') == 1',
      ].join('\n'),
    );
    expect(one(prod.host.rules, 'VClusterPushSecretNotReady').expr).toContain(
      'pushsecret_status_condition{name="media-kubeconfig-push", condition="Ready", status="False", exported_namespace="media"}',
    );
    expect(one(prod.host.rules, 'VClusterPushSecretNotReady').labels.pushsecret).toBe('media-kubeconfig-push');
    expect(one(prod.argocd.rules, 'VClusterExternalSecretNotReady').expr).toContain(
      'externalsecret_status_condition{name="media-argocd-cluster", condition="Ready", status="False", namespace="argocd"}',
    );
  });

  test('with the PushSecret strategy there is no Job to watch', () => {
    expect(prod.host.rules.filter((r) => r.alert === 'VClusterJobFailed')).toEqual([]);
  });

  test('certificate alerts: days to expiry of the rendered Certificates, thresholds 14, 3 and 0 days', () => {
    const days = (op: string) =>
      [
        '(',
        '  min by (certificate) (',
        '    label_replace(',
        '      certmanager_certificate_expiration_timestamp_seconds{name=~"media-etcd-ca|media-etcd-server|media-etcd-peer", namespace="media"}',
        '      or',
        '      certmanager_certificate_expiration_timestamp_seconds{name=~"media-etcd-ca|media-etcd-server|media-etcd-peer", exported_namespace="media"},',
        '      "certificate", "$1", "name", "(.*)"',
        '    )',
        '  )',
        '  - time()',
        `) / 86400 ${op}`,
      ].join('\n');
    expect(one(prod.host.rules, 'VClusterCertificateExpiringSoon').expr).toBe(days('< 14'));
    expect(one(prod.host.rules, 'VClusterCertificateExpiringCritical').expr).toBe(days('< 3'));
    expect(one(prod.host.rules, 'VClusterCertificateExpired').expr).toBe(days('<= 0'));
  });

  test('Argo CD alerts aggregate argocd_app_info of one Application by name (its status labels change)', () => {
    expect(one(prod.argocd.rules, 'VClusterApplicationUnhealthy', ['application', 'vcluster-media']).expr).toBe(
      'max(argocd_app_info{name="vcluster-media", health_status!="Healthy"}) == 1',
    );
    expect(one(prod.argocd.rules, 'VClusterApplicationOutOfSync', ['application', 'fleet-media']).expr).toBe(
      'max(argocd_app_info{name="fleet-media", sync_status!="Synced"}) == 1',
    );
  });
});

describe('dev vcluster (embedded store, Job strategy, remote host)', () => {
  test('no etcd, PushSecret or certificate alerts; the token ExternalSecret and the sync Job are watched', () => {
    expect(dev.host.rules.map((r) => [r.alert, r.labels.externalsecret ?? r.labels.job_name])).toEqual([
      ['VClusterNotReady', undefined],
      ['VClusterPodsUnhealthy', undefined],
      ['VClusterExternalSecretNotReady', 'sandbox-kubeconfig'],
      ['VClusterExternalSecretNotReady', 'sandbox-onepassword-token'],
      ['VClusterJobFailed', 'vcluster-sandbox-kubeconfig-sync'],
    ]);
  });

  test('the Argo CD group watches vcluster-sandbox, fleet-sandbox and fleet-sandbox-host', () => {
    expect(dev.argocd.rules.map((r) => r.labels.application ?? r.labels.externalsecret)).toEqual([
      'vcluster-sandbox',
      'vcluster-sandbox',
      'fleet-sandbox',
      'fleet-sandbox',
      'fleet-sandbox-host',
      'fleet-sandbox-host',
      'sandbox-argocd-cluster',
    ]);
  });

  test('labels name the real namespace, never a vcluster-.+ pattern', () => {
    for (const r of [...dev.host.rules, ...dev.argocd.rules]) {
      expect(r.labels).toMatchObject({ vcluster: 'sandbox', namespace: 'team-sandbox', environment: 'development' });
      expect(r.expr).not.toContain('=~"vcluster-');
    }
    expect(one(dev.host.rules, 'VClusterNotReady').expr).toContain(
      'kube_deployment_spec_replicas{namespace="team-sandbox", deployment="sandbox"}',
    );
  });
});

describe('etcd quorum', () => {
  test('is a majority of the members', () => {
    expect([1, 2, 3, 4, 5, 7].map(etcdQuorum)).toEqual([1, 2, 2, 3, 3, 4]);
  });

  test('a 1-member etcd gets QuorumLost but no QuorumAtRisk (it is always at its quorum)', () => {
    const g = vclusterAlertGroups({ ...PROD, etcdMembers: 1 }, { runbookUrl: RUNBOOK });
    expect(g.host.rules.filter((r) => r.alert.startsWith('VClusterEtcdQuorum')).map((r) => r.alert)).toEqual(['VClusterEtcdQuorumLost']);
    expect(one(g.host.rules, 'VClusterEtcdQuorumLost').expr).toContain(') < 1\n');
  });

  test('a 5-member etcd is at risk at 3 ready members', () => {
    const g = vclusterAlertGroups({ ...PROD, etcdMembers: 5 }, { runbookUrl: RUNBOOK });
    expect(one(g.host.rules, 'VClusterEtcdQuorumAtRisk').expr).toContain(') <= 3\n');
    expect(one(g.host.rules, 'VClusterEtcdQuorumLost').expr).toContain(') < 3\n');
  });
});

describe('certificates', () => {
  test('in several namespaces: one alternative per namespace; names are regex literals', () => {
    const g = vclusterAlertGroups(
      {
        ...DEV,
        certificates: [
          { name: 'api.sandbox', namespace: 'team-sandbox' },
          { name: 'gw', namespace: 'gateway' },
        ],
      },
      { runbookUrl: RUNBOOK },
    );
    const expr = one(g.host.rules, 'VClusterCertificateExpiringSoon').expr;
    expect(expr).toContain('certmanager_certificate_expiration_timestamp_seconds{name=~"api\\\\.sandbox", namespace="team-sandbox"}');
    expect(expr).toContain('certmanager_certificate_expiration_timestamp_seconds{name=~"gw", exported_namespace="gateway"}');
  });

  test("a Certificate in Argo CD's namespace is watched by the Argo CD group", () => {
    const g = vclusterAlertGroups({ ...DEV, certificates: [{ name: 'reg', namespace: 'argocd' }] }, { runbookUrl: RUNBOOK });
    expect(g.host.rules.some((r) => r.alert.startsWith('VClusterCertificate'))).toBe(false);
    expect(g.argocd.rules.filter((r) => r.alert.startsWith('VClusterCertificate'))).toHaveLength(3);
  });
});

describe('validation', () => {
  const build =
    (patch: object, runbookUrl = RUNBOOK) =>
    () =>
      vclusterAlertGroups({ ...PROD, ...patch }, { runbookUrl });

  test('throws for a name that is not a DNS label', () => {
    expect(build({ name: 'Media' })).toThrow(ValidationError);
    expect(build({ name: 'Media' })).toThrow(/alerts of vcluster "Media".*name.*"Media".*DNS-1123 label/s);
  });

  test('throws for a bad namespace, Argo CD namespace and environment', () => {
    expect(build({ namespace: 'vcluster-.+' })).toThrow(/namespace.*"vcluster-\.\+"/);
    expect(build({ argocdNamespace: '' })).toThrow(/argocdNamespace/);
    expect(build({ environment: 'prod env' })).toThrow(/environment.*"prod env".*label value/);
  });

  test('throws for a bad Application or object name, naming the list entry', () => {
    expect(build({ application: 'vcluster_media' })).toThrow(/application.*"vcluster_media"/);
    expect(build({ bootstrapApplications: ['fleet-media', 'Fleet'] })).toThrow(/bootstrapApplications\[1\].*"Fleet"/);
    expect(build({ externalSecrets: [{ name: 'x"}', namespace: 'media' }] })).toThrow(/externalSecrets\[0\]\.name/);
    expect(build({ pushSecrets: [{ name: 'p', namespace: 'Media' }] })).toThrow(/pushSecrets\[0\]\.namespace.*"Media"/);
    expect(build({ jobs: [{ name: 'j{{', namespace: 'media' }] })).toThrow(/jobs\[0\]\.name/);
    expect(build({ certificates: [{ name: 'c', namespace: 'a.b' }] })).toThrow(/certificates\[0\]\.namespace.*"a\.b"/);
  });

  test('throws for a bad snapshot CronJob: name over 52 characters or not a DNS label, bad namespace, maximum age out of range', () => {
    const snap = (o: object) => build({ etcdSnapshots: [{ name: 'media-etcd-snapshot', namespace: 'media', maxAgeHours: 26, ...o }] });
    expect(snap({ name: 'a'.repeat(53) })).toThrow(/etcdSnapshots\[0\]\.name/);
    expect(snap({ name: 'Snap' })).toThrow(/etcdSnapshots\[0\]\.name.*"Snap"/);
    expect(snap({ namespace: 'a.b' })).toThrow(/etcdSnapshots\[0\]\.namespace.*"a\.b"/);
    expect(snap({ maxAgeHours: 0 })).toThrow(/etcdSnapshots\[0\]\.maxAgeHours: 0/);
    expect(snap({ maxAgeHours: 1.5 })).toThrow(/etcdSnapshots\[0\]\.maxAgeHours: 1\.5/);
    expect(snap({})).not.toThrow();
  });

  test('throws for an etcd member count out of range', () => {
    expect(build({ etcdMembers: -1 })).toThrow(/etcdMembers/);
    expect(build({ etcdMembers: 2.5 })).toThrow(/etcdMembers/);
    expect(build({ etcdMembers: 16 })).toThrow(/etcdMembers/);
  });

  test('throws for a runbook URL that is not https, has a fragment or a template', () => {
    expect(build({}, 'http://git.example.com/README.md')).toThrow(/runbookUrl.*https:\/\/ URL/);
    expect(build({}, 'https://git.example.com/README.md#alerts')).toThrow(/runbookUrl/);
    expect(build({}, 'https://git.example.com/{{ .Labels }}')).toThrow(/runbookUrl/);
  });
});
