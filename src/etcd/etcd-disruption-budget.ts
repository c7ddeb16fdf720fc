/**
 * EtcdDisruptionBudget: the PodDisruptionBudget that keeps a vcluster's deployed etcd in quorum
 * through node drains (the chart's own budget covers the control plane only).
 */
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { etcdQuorum } from '../monitoring/vcluster-alert-rules';
import { Problems } from '../validation';
import type { IVCluster } from '../vcluster/ivcluster';

/**
 * Labels of the etcd member pods the vcluster chart deploys (`chart/templates/etcd-statefulset.yaml`:
 * the StatefulSet's `selector.matchLabels`, 0.30.4 to 0.36.1): `app: vcluster-etcd`, `release: <release>`.
 */
export function etcdPodLabels(release: string): Record<string, string> {
  return { app: 'vcluster-etcd', release };
}

/** Fewest members for which a budget can allow any eviction at all (one member down, quorum kept). */
export const MIN_MEMBERS_FOR_BUDGET = 3;

/** Props of {@link EtcdDisruptionBudget}. */
export interface EtcdDisruptionBudgetProps {
  /** The vcluster whose deployed etcd is protected (release, namespace and member count are read from it). */
  readonly vcluster: IVCluster;
}

/**
 * A PodDisruptionBudget `N-etcd` (`policy/v1`) over the deployed etcd members of a vcluster:
 * `minAvailable` is the quorum, ⌊n/2⌋+1 of n members (2 of 3, 3 of 5), so a drain evicts at most as
 * many members as etcd can lose and keep accepting writes. The selector is exactly the chart's etcd
 * pod labels. Unhealthy members may always be evicted (`unhealthyPodEvictionPolicy: AlwaysAllow`):
 * a member that is not ready does not count towards the quorum, and a crash-looping one must not
 * block every drain of its node.
 *
 * An etcd of one or two members cannot lose a member and keep its quorum: a budget would forbid
 * every eviction and block every drain of their nodes forever, without keeping anything a drain
 * could take away (the data stays on the volume). None is rendered for them ({@link budget} is
 * undefined); declare three members for an etcd that survives drains.
 *
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
 * @see https://etcd.io/docs/v3.6/faq/#what-is-failure-tolerance
 */
export class EtcdDisruptionBudget extends Construct {
  /** Members of the etcd. */
  public readonly members: number;
  /** Members that must stay available (the quorum). */
  public readonly minAvailable: number;
  /** The budget; undefined for fewer than {@link MIN_MEMBERS_FOR_BUDGET} members. */
  public readonly budget?: k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: EtcdDisruptionBudgetProps) {
    super(scope, id);
    const { vcluster } = props;
    this.members = vcluster.etcdMembers;
    const p = new Problems();
    if (!Number.isInteger(this.members) || this.members < 1) {
      p.add('vcluster.etcdMembers', this.members, 'a vcluster with a deployed etcd (1 or more members)', 'enable backingStore.etcd.deploy');
    }
    p.throwIfAny(`EtcdDisruptionBudget of "${vcluster.names.release}"`);
    this.minAvailable = etcdQuorum(this.members);
    if (this.members < MIN_MEMBERS_FOR_BUDGET) return;
    const names = vcluster.names;
    this.budget = new k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: {
        name: names.etcdDisruptionBudget,
        namespace: names.namespace,
        labels: { 'app.kubernetes.io/name': 'etcd-disruption-budget', 'app.kubernetes.io/instance': names.release },
      },
      spec: {
        minAvailable: k8s.IntOrString.fromNumber(this.minAvailable),
        selector: { matchLabels: etcdPodLabels(names.release) },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}
