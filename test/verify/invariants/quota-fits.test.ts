import { limitRangeAdmits, quotaFits } from '../../../src/verify/invariants/quota-fits';
import { Json } from '../../../src/verify/model';
import { NS, RELEASE, chart, container, controlPlane, corednsValues, etcd, ours, whole, workload } from '../fixtures';

const quota = (hard: Json, extra: Json = {}) =>
  ours({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'default-quota', namespace: NS }, spec: { hard, ...extra } });
const limitRange = (item: Json) =>
  ours({
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'default-limits', namespace: NS },
    spec: { limits: [{ type: 'Container', ...item }] },
  });
const LR = limitRange({ default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } });
/** The prod + strict shape: 3 control planes at 2 CPU, 3 etcd without limits, 2 CoreDNS at 1 CPU. */
const prodStrict = (hard: Json) =>
  whole(
    [controlPlane(3, container('syncer', { cpu: '500m', memory: '1Gi' }, { cpu: '2', memory: '2Gi' })), etcd(3), LR, quota(hard)],
    corednsValues(2),
  );

describe('quota-fits', () => {
  test('violated: the own pods need 9.5 CPU of limits against a quota of 8 (etcd gets the LimitRange default)', () => {
    const out = quotaFits.check(prodStrict({ 'limits.cpu': '8' }));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      invariant: 'quota-fits',
      object: 'ResourceQuota/default-quota',
      file: 'dist/demo/host/resourcequota-default-quota.yaml',
    });
    expect(out[0].message).toBe(
      "the vcluster's own pods need limits.cpu 9.5 (StatefulSet/demo 3 × 2 + StatefulSet/demo-etcd 3 × 500m (LimitRange default) + CoreDNS (Deployment kube-system/coredns inside the vcluster) 2 × 1) but the quota allows 8: some of them are refused admission",
    );
    expect(out[0].fix).toBe('raise limits.cpu to at least 9.5 plus a tenant allowance, or give the own pods less');
  });

  test('violated: the own pods fit but leave no room for one tenant container at the LimitRange default', () => {
    const out = quotaFits.check(prodStrict({ 'limits.cpu': '9.7' }));
    expect(out.map((x) => x.message)).toEqual([
      "the vcluster's own pods use limits.cpu 9.5 of 9.7 (StatefulSet/demo 3 × 2 + StatefulSet/demo-etcd 3 × 500m (LimitRange default) + CoreDNS (Deployment kube-system/coredns inside the vcluster) 2 × 1), leaving no room for one tenant container at the LimitRange default 500m",
    ]);
  });

  test('violated: a Deployment rollout (maxSurge) does not fit on top of the own pods', () => {
    // CoreDNS: 2 replicas, maxSurge 25% → 1 extra pod of 1 CPU
    const out = quotaFits.check(prodStrict({ 'limits.cpu': '10.2' }));
    expect(out.map((x) => x.message)).toEqual([
      "a rollout of CoreDNS (Deployment kube-system/coredns inside the vcluster) adds 1 of limits.cpu (maxSurge 1) to the own 9.5, above the quota's 10.2: the rollout stalls",
    ]);
  });

  test('holds: room for the own pods, a tenant container and a rollout; requests, memory and pod count too', () => {
    expect(
      quotaFits.check(
        prodStrict({ 'limits.cpu': '11', 'requests.cpu': '4', 'limits.memory': '16Gi', 'requests.memory': '8Gi', pods: '20' }),
      ),
    ).toEqual([]);
  });

  test('violated: a quota on limits without a LimitRange refuses a container that sets none', () => {
    const v = whole([controlPlane(1), etcd(1), quota({ 'limits.memory': '10Gi' })]);
    const out = quotaFits.check(v);
    expect(out.map((x) => [x.object, x.message])).toEqual([
      [
        'StatefulSet/demo-etcd',
        'quota default-quota constrains limits.memory but container etcd of StatefulSet/demo-etcd sets none and no LimitRange gives a default: its pods are refused',
      ],
    ]);
  });

  test('init containers count as the largest of them, not summed; object counts (claims) are checked', () => {
    const init = [container('init', { cpu: '3' }, { cpu: '3' })];
    const cp = chart(
      workload(
        'StatefulSet',
        RELEASE,
        { app: 'vcluster' },
        1,
        [container('syncer', { cpu: '1' }, { cpu: '1' })],
        { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '5Gi' } } } }] },
        { initContainers: init },
      ),
    );
    const out = quotaFits.check(whole([cp, LR, quota({ 'requests.cpu': '3.05', persistentvolumeclaims: '0' })]));
    expect(out.map((x) => x.message)).toEqual([
      "the vcluster's own pods use requests.cpu 3 of 3.05 (StatefulSet/demo 1 × 3), leaving no room for one tenant container at the LimitRange default 100m",
      "the vcluster's own objects need persistentvolumeclaims 1 (StatefulSet/demo claim data 1 × 1) but the quota allows 0: some are refused",
    ]);
  });

  test('quotas with scopes are not checked', () => {
    expect(quotaFits.check(whole([controlPlane(3), LR, quota({ 'limits.cpu': '1' }, { scopes: ['BestEffort'] })]))).toEqual([]);
  });
});

describe('limitrange-admits', () => {
  test('violated: a request above the LimitRange default limit it gets', () => {
    const big = ours(workload('Job', 'merge', { app: 'm' }, 1, [container('m', { memory: '1Gi' })]));
    const out = limitRangeAdmits.check(whole([big, LR]));
    expect(out.map((x) => [x.object, x.message])).toEqual([
      [
        'Job/merge',
        'LimitRange default-limits refuses container m of Job/merge: requests.memory 1Gi > limits.memory 512Mi (LimitRange default)',
      ],
    ]);
  });

  test('violated: a limit above the LimitRange max', () => {
    const out = limitRangeAdmits.check(whole([controlPlane(1), limitRange({ max: { cpu: '500m' } })]));
    expect(out.map((x) => x.message)).toEqual([
      'LimitRange default-limits refuses container syncer of StatefulSet/demo: limits.cpu 1 > LimitRange max 500m',
    ]);
  });

  test('holds: requests within the defaulted limits; no LimitRange, nothing to check', () => {
    expect(limitRangeAdmits.check(whole([controlPlane(1), etcd(3), LR]))).toEqual([]);
    expect(limitRangeAdmits.check(whole([ours(workload('Job', 'x', {}, 1, [container('m', { memory: '1Gi' })]))]))).toEqual([]);
  });
});
