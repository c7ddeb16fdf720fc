import { etcdClientCertAuth, etcdFlag, isEtcd } from '../../../src/verify/invariants/etcd-client-cert-auth';
import { controlPlane, etcd, whole } from '../fixtures';

describe('etcd-client-cert-auth', () => {
  test('violated: a later --client-cert-auth=false (extraArgs) overrides the chart', () => {
    const out = etcdClientCertAuth.check(whole([etcd(3, ['--client-cert-auth=false'])]));
    expect(out.map((x) => [x.object, x.message])).toEqual([
      [
        'StatefulSet/demo-etcd',
        'container etcd runs etcd with --client-cert-auth effectively false (--client-cert-auth=false): any client that reaches port 2379 (every pod of the namespace) can read and write the datastore',
      ],
    ]);
    expect(out[0].fix).toContain('controlPlane.backingStore.etcd.deploy.statefulSet.extraArgs');
  });

  test('violated: --peer-client-cert-auth=0 and the flag missing (etcd defaults to false)', () => {
    const out = etcdClientCertAuth.check(whole([etcd(1, ['--peer-client-cert-auth=0'])]));
    expect(out.map((x) => x.message.split(':')[0])).toEqual([
      'container etcd runs etcd with --peer-client-cert-auth effectively false (--peer-client-cert-auth=0)',
    ]);
  });

  test('holds: the chart defaults, a later =true, a bare flag; non-etcd containers are not checked', () => {
    expect(etcdClientCertAuth.check(whole([etcd(3), etcd(1, ['--client-cert-auth=false', '--client-cert-auth']), controlPlane()]))).toEqual(
      [],
    );
  });

  test('etcdFlag: last occurrence wins, ETCD_ env only when the flag is absent', () => {
    expect(etcdFlag({ command: ['etcd', '--client-cert-auth=true'], args: ['--client-cert-auth=false'] }, 'client-cert-auth')).toEqual({
      value: false,
      from: '--client-cert-auth=false',
    });
    expect(etcdFlag({ command: ['etcd'], env: [{ name: 'ETCD_CLIENT_CERT_AUTH', value: 'true' }] }, 'client-cert-auth')).toEqual({
      value: true,
      from: 'env ETCD_CLIENT_CERT_AUTH=true',
    });
    expect(etcdFlag({ command: ['etcd'] }, 'client-cert-auth')).toEqual({ value: false, from: 'not set (etcd defaults to false)' });
    expect(isEtcd({ command: ['/usr/local/bin/etcd'] })).toBe(true);
    expect(isEtcd({ name: 'etcd', image: 'registry.k8s.io/etcd:3.6.8-0' })).toBe(true);
    expect(isEtcd({ name: 'syncer', command: ['/vcluster', 'start'] })).toBe(false);
  });
});
