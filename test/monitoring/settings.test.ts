/**
 * The platform's `monitoring` section: its defaults (alerts on, runbooks in the GitHub README of the
 * repository Argo CD reads), how the rendered rules follow it, and every validation.
 */
import media from '../fixtures/integratn/media';
import sandbox from '../fixtures/integratn/sandbox';
import { Platform, PlatformConfig, buildFleet, definePlatform, renderFleet } from '../../src';
import { ValidationError } from '../../src/validation';
import { Obj, find, platform, render } from '../util';

const SITE: PlatformConfig = {
  baseDomain: 'example.com',
  argocd: { repoURL: 'https://github.com/example/fleet.git', revision: 'v2' },
  secretStore: { name: 'store' },
  onePassword: { vault: 'v', connectHost: 'https://connect.example.com' },
  integrations: { clusterIssuerSelectorLabels: {}, clusterStoreSelectorLabels: {} },
  registration: { workloadRepo: { url: 'https://github.com/example/w' }, labels: () => ({}), annotations: () => ({}) },
  network: { apiClientCidrs: [] },
};
const site = (monitoring: unknown, argocd: Partial<PlatformConfig['argocd']> = {}) =>
  definePlatform({ ...SITE, argocd: { ...SITE.argocd, ...argocd }, monitoring: monitoring as never });

describe('defaults', () => {
  test('alerts on, no rule labels, rules beside each vcluster, runbooks in README.md of the repository at its revision', () => {
    expect(site(undefined).monitoring).toEqual({
      alerts: true,
      ruleLabels: {},
      runbookUrl: 'https://github.com/example/fleet/blob/v2/README.md',
    });
  });

  test('this site: the kube-prometheus-stack release label, as the original rules carried', () => {
    expect(platform.monitoring).toEqual({
      alerts: true,
      ruleLabels: { release: 'kube-prometheus-stack' },
      runbookUrl: 'https://github.com/jamesatintegratnio/vcluster-fleet/blob/main/README.md',
    });
  });
});

describe('rendering', () => {
  test('each vcluster: <name>-alerts in its namespace, <name>-argocd-alerts in Argo CD, the selector label and runbook URL', () => {
    const objects = render(media);
    const host = find(objects, 'PrometheusRule', 'vcluster-media-alerts');
    const argo = find(objects, 'PrometheusRule', 'vcluster-media-argocd-alerts');
    expect([host.metadata.namespace, argo.metadata.namespace]).toEqual(['vcluster-media', 'argocd']);
    for (const o of [host, argo]) {
      expect(o.metadata.labels).toEqual({
        release: 'kube-prometheus-stack',
        'app.kubernetes.io/managed-by': 'vcluster-fleet',
        'app.kubernetes.io/name': 'vcluster-fleet-alerts',
        'vcluster-fleet/vcluster': 'vcluster-media',
      });
    }
    const rules = host.spec.groups[0].rules as Array<{ alert: string; annotations: Record<string, string> }>;
    expect(rules.find((r) => r.alert === 'VClusterNotReady')!.annotations.runbook_url).toBe(
      'https://github.com/jamesatintegratnio/vcluster-fleet/blob/main/README.md#alert-vclusternotready',
    );
    // bound to what media renders: 3 etcd members, snapshots, the PushSecret (no Job, no Certificate)
    expect(rules.map((r) => r.alert)).toEqual([
      'VClusterNotReady',
      'VClusterPodsUnhealthy',
      'VClusterEtcdPodNotReady',
      'VClusterEtcdHighRestarts',
      'VClusterEtcdQuorumAtRisk',
      'VClusterEtcdQuorumLost',
      'VClusterExternalSecretNotReady',
      'VClusterPushSecretNotReady',
      'VClusterEtcdSnapshotStale',
    ]);
  });

  test('the fleet rule lands in dist/_bootstrap (synced by the root Application into the Argo CD namespace)', () => {
    const built = buildFleet(platform, [
      { file: 'vclusters/media.ts', spec: media },
      { file: 'vclusters/sandbox.ts', spec: sandbox },
    ]);
    const files = renderFleet(platform, built);
    const text = files.get('_bootstrap/prometheusrule-vcluster-fleet-alerts.yaml');
    expect(text).toContain('namespace: argocd');
    expect(text).toContain('release: kube-prometheus-stack');
    // nothing renders a Certificate: no cert-manager metrics check
    expect(text).not.toContain('certmanager_certificate_expiration_timestamp_seconds');
    expect([...files.keys()].filter((f) => f.includes('prometheusrule')).sort()).toEqual([
      '_bootstrap/prometheusrule-vcluster-fleet-alerts.yaml',
      'sandbox/argocd/prometheusrule-sandbox-argocd-alerts.yaml',
      'sandbox/host/prometheusrule-sandbox-alerts.yaml',
      'vcluster-media/argocd/prometheusrule-vcluster-media-argocd-alerts.yaml',
      'vcluster-media/host/prometheusrule-vcluster-media-alerts.yaml',
    ]);
  });

  test('monitoring.namespace: the host-side rules and the fleet rule go there', () => {
    const site2: Platform = { ...platform, monitoring: { ...platform.monitoring, namespace: 'monitoring' } };
    expect(find(render(sandbox, site2), 'PrometheusRule', 'sandbox-alerts').metadata.namespace).toBe('monitoring');
    expect(find(render(sandbox, site2), 'PrometheusRule', 'sandbox-argocd-alerts').metadata.namespace).toBe('argocd');
    const files = renderFleet(site2, buildFleet(site2, [{ file: 'vclusters/sandbox.ts', spec: sandbox }]));
    expect(files.get('_bootstrap/prometheusrule-vcluster-fleet-alerts.yaml')).toContain('namespace: monitoring');
    // no certificates in this fleet: no cert-manager check
    expect(files.get('_bootstrap/prometheusrule-vcluster-fleet-alerts.yaml')).not.toContain('certmanager');
  });

  test('monitoring.alerts: false renders no rule at all', () => {
    const off: Platform = { ...platform, monitoring: { ...platform.monitoring, alerts: false } };
    expect(render(media, off).filter((o: Obj) => o.kind === 'PrometheusRule')).toEqual([]);
    const files = renderFleet(off, buildFleet(off, [{ file: 'vclusters/media.ts', spec: media }]));
    expect([...files.keys()].filter((f) => f.includes('prometheusrule'))).toEqual([]);
  });
});

describe('validation', () => {
  test('a repository that is not on GitHub needs a runbook URL (unless alerts are off)', () => {
    const gitlab = { repoURL: 'https://gitlab.example.com/fleet.git' };
    expect(() => site(undefined, gitlab)).toThrow(ValidationError);
    expect(() => site(undefined, gitlab)).toThrow(/monitoring\.runbookUrl: undefined is not allowed.*set monitoring\.runbookUrl/s);
    expect(site({ runbookUrl: 'https://gitlab.example.com/fleet/-/blob/main/README.md' }, gitlab).monitoring.runbookUrl).toBe(
      'https://gitlab.example.com/fleet/-/blob/main/README.md',
    );
    expect(site({ alerts: false }, gitlab).monitoring.alerts).toBe(false);
  });

  test('throws for a bad section, alerts flag, namespace, runbook URL and unknown key', () => {
    expect(() => site('on')).toThrow(/monitoring: "on" is not allowed/);
    expect(() => site({ alerts: 'yes' })).toThrow(/monitoring\.alerts: "yes"/);
    expect(() => site({ namespace: 'Monitoring' })).toThrow(/monitoring\.namespace: "Monitoring"/);
    expect(() => site({ runbookUrl: 'https://example.com/README.md#alerts' })).toThrow(/monitoring\.runbookUrl/);
    expect(() => site({ rules: true })).toThrow(
      /monitoring\.rules: true is not allowed\. Allowed: only the keys alerts, ruleLabels, namespace, runbookUrl/,
    );
  });

  test('throws for a rule label that is no label, or one this project sets', () => {
    expect(() => site({ ruleLabels: { release: 'a b' } })).toThrow(/monitoring\.ruleLabels\["release"\]: "a b"/);
    expect(() => site({ ruleLabels: { 'app.kubernetes.io/managed-by': 'me' } })).toThrow(
      /monitoring\.ruleLabels\["app\.kubernetes\.io\/managed-by"\].*a label key other than/s,
    );
  });
});
