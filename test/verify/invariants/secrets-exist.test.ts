import { declaredSecrets, podSecretRefs, secretsExist } from '../../../src/verify/invariants/secrets-exist';
import { Json } from '../../../src/verify/model';
import { NS, RELEASE, chart, container, etcd, ours, whole, workload } from '../fixtures';

const cpWithVolumes = (volumes: Json[], env: Json[] = []) =>
  chart(
    workload('StatefulSet', RELEASE, { app: 'vcluster' }, 1, [container('syncer', {}, {}, { env })], {}, { volumes }),
    'templates/statefulset.yaml',
  );

describe('secrets-exist', () => {
  test('violated: a non-optional Secret volume only a Job script writes (the etcd PKI merge)', () => {
    const out = secretsExist.check(whole([cpWithVolumes([{ name: 'etcd-certs', secret: { secretName: 'demo-etcd-certs' } }])]));
    expect(out.map((x) => [x.object, x.message])).toEqual([
      [
        'StatefulSet/demo',
        'volume etcd-certs reads Secret demo/demo-etcd-certs, which nothing declared creates (no ExternalSecret target, Certificate, chart Secret or documented runtime Secret): its pods stay in ContainerCreating until it exists',
      ],
    ]);
  });

  test('violated: env secretKeyRef, envFrom and a PushSecret source that nothing creates', () => {
    const job = ours(
      workload('Job', 'sync', {}, 1, [
        container(
          's',
          {},
          {},
          {
            env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'op-token', key: 't' } } }],
            envFrom: [{ secretRef: { name: 'creds' } }],
          },
        ),
      ]),
    );
    const push = ours({
      apiVersion: 'external-secrets.io/v1alpha1',
      kind: 'PushSecret',
      metadata: { name: 'push', namespace: NS },
      spec: { selector: { secret: { name: 'vc-other' } } },
    });
    expect(secretsExist.check(whole([job, push])).map((x) => x.message.split(',')[0])).toEqual([
      'env TOKEN of container s reads Secret demo/op-token',
      'envFrom of container s reads Secret demo/creds',
      'spec.selector.secret reads Secret demo/vc-other',
    ]);
  });

  test('holds: ExternalSecret targets, Certificates, chart Secrets, runtime Secrets, optional references', () => {
    const es = ours({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'es', namespace: NS },
      spec: { target: { name: 'op-token' } },
    });
    const esDefault = ours({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'creds', namespace: NS },
      spec: {},
    });
    const cert = ours({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'c', namespace: NS },
      spec: { secretName: 'tls' },
    });
    const cfg = chart({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `vc-config-${RELEASE}`, namespace: NS } });
    const cp = cpWithVolumes(
      [
        { name: 'config', secret: { secretName: `vc-config-${RELEASE}` } },
        { name: 'tls', projected: { sources: [{ secret: { name: 'tls' } }, { secret: { name: 'maybe', optional: true } }] } },
        { name: 'opt', secret: { secretName: 'absent', optional: true } },
      ],
      [{ name: 'T', valueFrom: { secretKeyRef: { name: 'op-token', key: 'x' } } }],
    );
    const push = ours({
      apiVersion: 'external-secrets.io/v1alpha1',
      kind: 'PushSecret',
      metadata: { name: 'push', namespace: NS },
      spec: { selector: { secret: { name: `vc-${RELEASE}` } } },
    });
    const job = ours(workload('Job', 'j', {}, 1, [container('j', {}, {}, { envFrom: [{ secretRef: { name: 'creds' } }] })]));
    // the chart's etcd mounts <release>-certs, which the control plane writes
    const e = etcd(1);
    ((e.obj.spec as Json).template as { spec: Json }).spec.volumes = [{ name: 'certs', secret: { secretName: `${RELEASE}-certs` } }];
    expect(secretsExist.check(whole([es, esDefault, cert, cfg, cp, push, job, e]))).toEqual([]);
  });

  test('declaredSecrets: exportKubeConfig.secret.name replaces vc-<release>; an ExternalSecret with creationPolicy None creates nothing', () => {
    const es = ours({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'merge', namespace: NS },
      spec: { target: { name: 'm', creationPolicy: 'None' } },
    });
    const known = declaredSecrets(whole([es], { exportKubeConfig: { secret: { name: 'my-kubeconfig' } } }));
    expect([...known.keys()].sort()).toEqual(['demo/demo-certs', 'demo/my-kubeconfig']);
    expect(podSecretRefs({ volumes: [{ name: 'a', secret: { secretName: 's', optional: false } }] })).toEqual([
      { name: 's', where: 'volume a' },
    ]);
  });
});
