/**
 * The alerting rules of one vcluster, on metrics a host already has: kube-state-metrics (control
 * plane, pods, deployed etcd members, Jobs), Argo CD (`argocd_app_info`), External Secrets
 * (`externalsecret_status_condition`, `pushsecret_status_condition`) and cert-manager
 * (`certmanager_certificate_expiration_timestamp_seconds`).
 *
 * Every selector names this vcluster's own namespace and objects: no rule assumes a namespace
 * pattern such as `vcluster-.+`, so a vcluster in any namespace is watched and a foreign namespace
 * never is. The etcd member pattern is `<release>-etcd-<ordinal>` (PromQL anchors it at both ends),
 * so the Succeeded pod of the `<release>-etcd-certs-merge` Job, which stays unready forever, is
 * never counted as a member.
 */
import { Problems } from '../validation';
import { AlertGroup, AlertName, AlertRule, catalogueRule, checkRunbookUrl } from './alert-rules';
import { Matcher, anyOf, inObjectNamespace, indent, selector } from './promql';

/** An object named by namespace and name. */
export interface NamespacedName {
  /** Object name. */
  readonly name: string;
  /** Object namespace. */
  readonly namespace: string;
}

/**
 * What the alerts of one vcluster need to know about it: the names of the objects they watch.
 * Objects in `argocdNamespace` are watched by the Argo CD-side rules, every other object by the
 * host-side rules.
 */
export interface AlertedVCluster {
  /** vcluster name = Helm release: control plane `<name>` (StatefulSet or Deployment), etcd `<name>-etcd`. Label `vcluster`. */
  readonly name: string;
  /** Host namespace of the vcluster. Label `namespace`. */
  readonly namespace: string;
  /** Environment (e.g. `production`). Label `environment`, for alert routing. */
  readonly environment: string;
  /** Namespace of Argo CD on the Argo CD cluster. */
  readonly argocdNamespace: string;
  /** The Argo CD Application installing the vcluster chart (`vcluster-<name>`). */
  readonly application: string;
  /** The Argo CD Applications syncing this vcluster's folder of `dist/` (`fleet-<name>`, and `fleet-<name>-host`). @default [] */
  readonly bootstrapApplications?: readonly string[];
  /** ExternalSecrets whose sync the vcluster needs (cluster registration, kubeconfig). @default [] */
  readonly externalSecrets?: readonly NamespacedName[];
  /** PushSecrets whose push the vcluster needs (kubeconfig to the secret store). @default [] */
  readonly pushSecrets?: readonly NamespacedName[];
  /** One-shot Jobs that must complete (etcd certificate merge, kubeconfig sync Job). @default [] */
  readonly jobs?: readonly NamespacedName[];
  /** Members of the deployed etcd (StatefulSet `<name>-etcd`); 0 for an embedded store. @default 0 */
  readonly etcdMembers?: number;
  /** cert-manager Certificates rendered for the vcluster (e.g. its etcd PKI). @default [] */
  readonly certificates?: readonly NamespacedName[];
  /** Snapshot CronJobs of its etcd, each with the hours after which a missing success alerts. @default [] */
  readonly etcdSnapshots?: readonly EtcdSnapshotJob[];
}

/** A snapshot CronJob whose last success is watched. */
export interface EtcdSnapshotJob extends NamespacedName {
  /** Hours without a successful run before `VClusterEtcdSnapshotStale` fires. */
  readonly maxAgeHours: number;
}

/** The rule groups of one vcluster, by the cluster whose metrics they read. */
export interface VClusterAlertGroups {
  /** Host cluster: control plane, pods, etcd, Jobs, and the ExternalSecrets, PushSecrets and Certificates outside Argo CD's namespace. */
  readonly host: AlertGroup;
  /** Argo CD cluster: the vcluster's Applications, and the ExternalSecrets and Certificates in Argo CD's namespace. */
  readonly argocd: AlertGroup;
}

/** Options of {@link vclusterAlertGroups}. */
export interface VClusterAlertOptions {
  /** URL of the README whose alert sections the `runbook_url` annotations point to (`<url>#alert-<name>`). */
  readonly runbookUrl: string;
}

/** The quorum of an etcd of `members` members: ⌊members/2⌋+1. */
export function etcdQuorum(members: number): number {
  return Math.floor(members / 2) + 1;
}

/** Builds the alert rule groups of one vcluster (pure: same input, same rules). Throws on an invalid input. */
export function vclusterAlertGroups(vc: AlertedVCluster, options: VClusterAlertOptions): VClusterAlertGroups {
  const p = new Problems();
  checkAlertedVCluster(p, vc);
  checkRunbookUrl(p, 'runbookUrl', options.runbookUrl);
  p.throwIfAny(`alerts of vcluster "${String(vc.name)}"`);
  const ctx = new Context(vc, options.runbookUrl);
  const argoSide = (o: NamespacedName) => o.namespace === vc.argocdNamespace;
  const part = (list: readonly NamespacedName[] | undefined, argo: boolean) => (list ?? []).filter((o) => argoSide(o) === argo);
  const objectRules = (argo: boolean) => [
    ...part(vc.externalSecrets, argo).map((o) => secretRule(ctx, 'VClusterExternalSecretNotReady', o)),
    ...part(vc.pushSecrets, argo).map((o) => secretRule(ctx, 'VClusterPushSecretNotReady', o)),
    ...part(vc.jobs, argo).map((o) => jobRule(ctx, o)),
    ...(vc.etcdSnapshots ?? []).filter((o) => argoSide(o) === argo).map((o) => snapshotRule(ctx, o)),
    ...certificateRules(ctx, part(vc.certificates, argo)),
  ];
  return {
    host: {
      name: `vcluster-fleet.${vc.name}`,
      rules: [...controlPlaneRules(ctx), ...etcdRules(ctx, vc.etcdMembers ?? 0), ...objectRules(false)],
    },
    argocd: {
      name: `vcluster-fleet.${vc.name}.argocd`,
      rules: [...[vc.application, ...(vc.bootstrapApplications ?? [])].flatMap((a) => applicationRules(ctx, a)), ...objectRules(true)],
    },
  };
}

/**
 * Records what is wrong with an {@link AlertedVCluster}: every name must be a Kubernetes name, so it
 * is a literal in PromQL and in annotation templates.
 */
export function checkAlertedVCluster(p: Problems, vc: AlertedVCluster): void {
  p.dnsLabel('name', vc.name, 53);
  p.dnsLabel('namespace', vc.namespace);
  p.labelValue('environment', vc.environment);
  p.dnsLabel('argocdNamespace', vc.argocdNamespace);
  p.dnsSubdomain('application', vc.application);
  (vc.bootstrapApplications ?? []).forEach((a, i) => p.dnsSubdomain(`bootstrapApplications[${i}]`, a));
  for (const list of ['externalSecrets', 'pushSecrets', 'jobs', 'certificates'] as const) {
    (vc[list] ?? []).forEach((o, i) => {
      p.dnsSubdomain(`${list}[${i}].name`, o?.name);
      p.dnsLabel(`${list}[${i}].namespace`, o?.namespace);
    });
  }
  if (vc.etcdMembers !== undefined) p.integer('etcdMembers', vc.etcdMembers, 0, 15);
  (vc.etcdSnapshots ?? []).forEach((o, i) => {
    p.dnsLabel(`etcdSnapshots[${i}].name`, o?.name, 52);
    p.dnsLabel(`etcdSnapshots[${i}].namespace`, o?.namespace);
    p.integer(`etcdSnapshots[${i}].maxAgeHours`, o?.maxAgeHours, 1, 8760);
  });
}

/** The labels and runbook shared by one vcluster's rules. */
class Context {
  public readonly labels: Readonly<Record<string, string>>;
  constructor(
    public readonly vc: AlertedVCluster,
    private readonly readmeUrl: string,
  ) {
    this.labels = { vcluster: vc.name, namespace: vc.namespace, environment: vc.environment };
  }

  /** A matcher on the vcluster's host namespace. */
  public get ns(): Matcher {
    return ['namespace', '=', this.vc.namespace];
  }

  public rule(alert: AlertName, expr: string, summary: string, description: string, extra: Record<string, string> = {}): AlertRule {
    return catalogueRule(alert, expr, { ...this.labels, ...extra }, { summary, description }, this.readmeUrl);
  }
}

function controlPlaneRules(ctx: Context): AlertRule[] {
  const { name, namespace } = ctx.vc;
  const workload = (sts: string, deploy: string) =>
    `max(${selector(sts, ctx.ns, ['statefulset', '=', name])} or ${selector(deploy, ctx.ns, ['deployment', '=', name])})`;
  const notReady = [
    '(',
    indent(workload('kube_statefulset_replicas', 'kube_deployment_spec_replicas')),
    '  -',
    indent(workload('kube_statefulset_status_replicas_ready', 'kube_deployment_status_replicas_available')),
    ') > 0',
  ].join('\n');
  // Every pod of the namespace that has not finished (Pending ones included: they have no Ready
  // condition yet), and those of them that are ready.
  const finished = `max by (pod) (${selector('kube_pod_status_phase', ctx.ns, ['phase', '=~', 'Succeeded|Failed'])} == 1)`;
  const ready = `max by (pod) (${selector('kube_pod_status_ready', ctx.ns, ['condition', '=', 'true'])}) unless on (pod) ${finished}`;
  const all = `max by (pod) (${selector('kube_pod_info', ctx.ns)}) unless on (pod) ${finished}`;
  const pods = ['(', `  (sum(${ready}) or vector(0))`, '  /', `  count(${all})`, ') < 0.5'].join('\n');
  return [
    ctx.rule(
      'VClusterNotReady',
      notReady,
      `vcluster ${name}: control plane not ready`,
      `{{ $value }} control-plane replica(s) of vcluster ${name} (StatefulSet or Deployment ${namespace}/${name}) have not been ready for 15 minutes: the tenant API is degraded or down.`,
    ),
    ctx.rule(
      'VClusterPodsUnhealthy',
      pods,
      `vcluster ${name}: fewer than half of its pods are ready`,
      `Only {{ $value | humanizePercentage }} of the pods in namespace ${namespace} (control plane, etcd, CoreDNS and the tenant's synced pods) are ready.`,
    ),
  ];
}

function etcdRules(ctx: Context, members: number): AlertRule[] {
  if (members === 0) return [];
  const { name, namespace } = ctx.vc;
  const member: Matcher = ['pod', '=~', `${anyOf([`${name}-etcd`])}-[0-9]+`];
  const ready = selector('kube_pod_status_ready', ctx.ns, member, ['condition', '=', 'true']);
  // A member without a Ready condition (Pending) has no kube_pod_status_ready series: start from the pods.
  const unready = [`max by (pod) (${selector('kube_pod_info', ctx.ns, member)})`, 'unless on (pod)', `max by (pod) (${ready}) == 1`].join(
    '\n',
  );
  const quorum = etcdQuorum(members);
  const readyCount = (op: string) =>
    [
      '(',
      `  count(max by (pod) (${ready}) == 1)`,
      '  or',
      '  vector(0)',
      `) ${op} ${quorum}`,
      'and on ()',
      `max(${selector('kube_statefulset_replicas', ctx.ns, ['statefulset', '=', `${name}-etcd`])}) > 0`,
    ].join('\n');
  const rules = [
    ctx.rule(
      'VClusterEtcdPodNotReady',
      unready,
      `vcluster ${name}: etcd member {{ $labels.pod }} not ready`,
      `etcd member {{ $labels.pod }} of vcluster ${name} in ${namespace} has not been ready for 5 minutes; the vcluster API server sees gRPC failures even while Argo CD reports it healthy.`,
    ),
    ctx.rule(
      'VClusterEtcdHighRestarts',
      `max by (pod, container) (increase(${selector('kube_pod_container_status_restarts_total', ctx.ns, member)}[1h])) > 3`,
      `vcluster ${name}: etcd member {{ $labels.pod }} restarting`,
      `Container {{ $labels.container }} of etcd member {{ $labels.pod }} of vcluster ${name} restarted {{ $value | printf "%.0f" }} times in the last hour.`,
    ),
  ];
  if (members >= 3) {
    rules.push(
      ctx.rule(
        'VClusterEtcdQuorumAtRisk',
        readyCount('<='),
        `vcluster ${name}: etcd down to its quorum`,
        `Only {{ $value }} of the ${members} etcd members of vcluster ${name} are ready (quorum ${quorum}): one more failure takes its API server offline.`,
      ),
    );
  }
  rules.push(
    ctx.rule(
      'VClusterEtcdQuorumLost',
      readyCount('<'),
      `vcluster ${name}: etcd has lost its quorum`,
      `Only {{ $value }} of the ${members} etcd members of vcluster ${name} are ready (quorum ${quorum}): etcd refuses writes and the vcluster API server is down.`,
    ),
  );
  return rules;
}

function applicationRules(ctx: Context, application: string): AlertRule[] {
  const info = (m: Matcher) => `max(${selector('argocd_app_info', ['name', '=', application], m)}) == 1`;
  const name = ctx.vc.name;
  const ns = ctx.vc.argocdNamespace;
  return [
    ctx.rule(
      'VClusterApplicationUnhealthy',
      info(['health_status', '!=', 'Healthy']),
      `vcluster ${name}: Argo CD application ${application} not healthy`,
      `Argo CD application ${ns}/${application} of vcluster ${name} has not been Healthy for 15 minutes.`,
      { application },
    ),
    ctx.rule(
      'VClusterApplicationOutOfSync',
      info(['sync_status', '!=', 'Synced']),
      `vcluster ${name}: Argo CD application ${application} out of sync`,
      `Argo CD application ${ns}/${application} of vcluster ${name} has not been Synced for 30 minutes: git and the cluster disagree and automated sync does not converge.`,
      { application },
    ),
  ];
}

function secretRule(ctx: Context, alert: 'VClusterExternalSecretNotReady' | 'VClusterPushSecretNotReady', o: NamespacedName): AlertRule {
  const push = alert === 'VClusterPushSecretNotReady';
  const metric = push ? 'pushsecret_status_condition' : 'externalsecret_status_condition';
  const kind = push ? 'PushSecret' : 'ExternalSecret';
  const matchers: Matcher[] = [
    ['name', '=', o.name],
    ['condition', '=', 'Ready'],
    ['status', '=', 'False'],
  ];
  const expr = ['max(', indent(inObjectNamespace(metric, o.namespace, ...matchers)), ') == 1'].join('\n');
  return ctx.rule(
    alert,
    expr,
    `vcluster ${ctx.vc.name}: ${kind} ${o.name} not ready`,
    `${kind} ${o.namespace}/${o.name} of vcluster ${ctx.vc.name} has been Ready=False for 15 minutes.`,
    { [push ? 'pushsecret' : 'externalsecret']: o.name },
  );
}

function jobRule(ctx: Context, o: NamespacedName): AlertRule {
  const expr = `max(${selector('kube_job_failed', ['namespace', '=', o.namespace], ['job_name', '=', o.name], ['condition', '=', 'true'])}) == 1`;
  return ctx.rule(
    'VClusterJobFailed',
    expr,
    `vcluster ${ctx.vc.name}: Job ${o.name} failed`,
    `Job ${o.namespace}/${o.name} of vcluster ${ctx.vc.name} has failed (backoff limit reached); it will not run again until it is deleted.`,
    { job_name: o.name },
  );
}

function snapshotRule(ctx: Context, o: EtcdSnapshotJob): AlertRule {
  const cronJob = (metric: string) => selector(metric, ['namespace', '=', o.namespace], ['cronjob', '=', o.name]);
  // Never succeeded: count from the CronJob's creation.
  const expr = [
    'time() - (',
    `  max(${cronJob('kube_cronjob_status_last_successful_time')}) > 0`,
    '  or',
    `  max(${cronJob('kube_cronjob_created')})`,
    `) > ${o.maxAgeHours * 3600}`,
  ].join('\n');
  return ctx.rule(
    'VClusterEtcdSnapshotStale',
    expr,
    `vcluster ${ctx.vc.name}: no etcd snapshot for ${o.maxAgeHours} hours`,
    `CronJob ${o.namespace}/${o.name} of vcluster ${ctx.vc.name} has not completed a snapshot for {{ $value | humanizeDuration }}: there is no recent copy of its etcd to restore from.`,
    { cronjob: o.name },
  );
}

function certificateRules(ctx: Context, certs: readonly NamespacedName[]): AlertRule[] {
  if (!certs.length) return [];
  const namespaces = [...new Set(certs.map((c) => c.namespace))];
  const series = namespaces
    .map((ns) =>
      inObjectNamespace('certmanager_certificate_expiration_timestamp_seconds', ns, [
        'name',
        '=~',
        anyOf(certs.filter((c) => c.namespace === ns).map((c) => c.name)),
      ]),
    )
    .join('\nor\n');
  const days = (op: string) =>
    [
      '(',
      '  min by (certificate) (',
      '    label_replace(',
      indent(series, 6) + ',',
      '      "certificate", "$1", "name", "(.*)"',
      '    )',
      '  )',
      '  - time()',
      `) / 86400 ${op}`,
    ].join('\n');
  const name = ctx.vc.name;
  const text = (what: string) => `Certificate {{ $labels.certificate }} of vcluster ${name} ${what}`;
  return [
    ctx.rule(
      'VClusterCertificateExpiringSoon',
      days('< 14'),
      `vcluster ${name}: certificate {{ $labels.certificate }} expires in less than 14 days`,
      text('expires in {{ $value | printf "%.1f" }} days and has not been renewed.'),
    ),
    ctx.rule(
      'VClusterCertificateExpiringCritical',
      days('< 3'),
      `vcluster ${name}: certificate {{ $labels.certificate }} expires in less than 3 days`,
      text('expires in {{ $value | printf "%.1f" }} days: renewal is stuck.'),
    ),
    ctx.rule(
      'VClusterCertificateExpired',
      days('<= 0'),
      `vcluster ${name}: certificate {{ $labels.certificate }} has expired`,
      text('has expired; every TLS client that verifies it fails.'),
    ),
  ];
}
