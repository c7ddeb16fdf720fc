/**
 * EtcdDisruptionBudget: a quorum-keeping PodDisruptionBudget over exactly the chart's etcd pods,
 * for every deployed etcd that can lose a member.
 */
import { Chart, Testing } from 'cdk8s';
import media from '../fixtures/integratn/media';
import { EtcdDisruptionBudget, VCluster } from '../../src';
import { ValidationError } from '../../src/validation';
import { Obj, find, platform, render } from '../util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const validators = require('../../imports/manifest-validators.js') as Record<string, ((o: unknown) => boolean) & { errors?: unknown[] }>;

function build(members: number | undefined) {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  const backingStore =
    members === undefined ? undefined : { etcd: { deploy: { enabled: true, statefulSet: { highAvailability: { replicas: members } } } } };
  const vcluster = new VCluster(chart, 'vc', { releaseName: 'demo', namespace: 'tenant', backingStore });
  const budget = new EtcdDisruptionBudget(chart, 'pdb', { vcluster });
  return { budget, objects: chart.toJson() as Obj[] };
}

describe('vcluster-media (3 members)', () => {
  const pdb = find(render(media), 'PodDisruptionBudget', 'vcluster-media-etcd');

  test('minAvailable 2 of 3, selecting exactly the etcd StatefulSet pods of the release', () => {
    expect(pdb).toEqual({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: {
        name: 'vcluster-media-etcd',
        namespace: 'vcluster-media',
        labels: { 'app.kubernetes.io/name': 'etcd-disruption-budget', 'app.kubernetes.io/instance': 'vcluster-media' },
      },
      spec: {
        minAvailable: 2,
        // chart/templates/etcd-statefulset.yaml: selector.matchLabels {app: vcluster-etcd, release: <release>}
        selector: { matchLabels: { app: 'vcluster-etcd', release: 'vcluster-media' } },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  });

  test('is a valid policy/v1 PodDisruptionBudget (unknown fields rejected)', () => {
    const validate = validators['policy_v1_PodDisruptionBudget'];
    expect(validate(pdb)).toBe(true);
    expect(validate.errors ?? null).toBeNull();
  });
});

test('the quorum of 5 and 7 members: 3 and 4', () => {
  expect(build(5).budget.budget?.toJson().spec.minAvailable).toBe(3);
  expect(build(7).budget.budget?.toJson().spec.minAvailable).toBe(4);
});

test('one or two members cannot lose one and keep quorum: no budget (it would block every drain)', () => {
  for (const members of [1, 2]) {
    const { budget, objects } = build(members);
    expect(budget.members).toBe(members);
    expect(budget.minAvailable).toBe(members);
    expect(budget.budget).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
  }
});

test('the chart renders a budget for every deployed etcd of 3+ members, retained or not, and none without one', () => {
  const backingStore = { etcd: { deploy: { enabled: true, statefulSet: { highAvailability: { replicas: 3 } } } } };
  const dev = render({ name: 'dev-etcd', deletionPolicy: 'delete', backingStore });
  expect(find(dev, 'PodDisruptionBudget', 'dev-etcd-etcd').spec.minAvailable).toBe(2);
  // the HA default: 3 replicas without a backing store get a 3-member etcd, and its budget
  expect(find(render({ name: 'ha', preset: 'prod' }), 'PodDisruptionBudget', 'ha-etcd').spec.minAvailable).toBe(2);
  expect(render({ name: 'plain' }, platform).filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
  // the chart's default etcd has one member (highAvailability.replicas 1): nothing to keep
  const single = render({ name: 'single', backingStore: { etcd: { deploy: { enabled: true } } } });
  expect(single.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
});

test('throws for a vcluster without a deployed etcd', () => {
  expect(() => build(undefined)).toThrow(ValidationError);
  expect(() => build(undefined)).toThrow(/EtcdDisruptionBudget of "demo".*vcluster\.etcdMembers: 0 is not allowed/s);
});
