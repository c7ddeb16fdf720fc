/**
 * The deployed etcd keeps client-certificate auth: arguments that switch the verification off or
 * open a plaintext listener are refused in the declaration, through helmValues, in the site's
 * values and in the final values, whatever layer set them.
 */
import { Chart, Testing } from 'cdk8s';
import { VCluster, definePlatform } from '../../src';
import { weakensClientAuth } from '../../src/etcd/client-auth';
import { PlatformConfig } from '../../src/declaration/platform';
import mediaSpec from '../fixtures/integratn/media';
import platform from '../fixtures/integratn/platform';
import { render } from '../util';

const deployed = (extraArgs: string[]) => ({ etcd: { deploy: { enabled: true, statefulSet: { extraArgs } } } });

describe('etcd client-certificate auth', () => {
  test.each([
    '--client-cert-auth=false',
    '--client-cert-auth=0',
    '--client-cert-auth=F',
    '-client-cert-auth=False',
    '--peer-client-cert-auth=false',
    '--peer-client-cert-auth=FALSE',
    '--listen-client-urls=http://0.0.0.0:2379',
    '--listen-client-urls=https://0.0.0.0:2379,http://127.0.0.1:2379',
    '--listen-peer-urls=http://0.0.0.0:2380',
    '--listen-client-http-urls=http://0.0.0.0:2382',
  ])('%s weakens client-certificate auth', (arg) => {
    expect(weakensClientAuth(arg)).toEqual(expect.any(String));
  });

  test.each([
    '--client-cert-auth=true',
    '--client-cert-auth',
    '--quota-backend-bytes=8589934592',
    '--listen-client-urls=https://0.0.0.0:2379',
    'false',
  ])('%s keeps it', (arg) => {
    expect(weakensClientAuth(arg)).toBeUndefined();
  });

  test('a declaration is refused naming the field, the value, why and the fix', () => {
    expect(() =>
      render({ name: 'x', preset: 'prod', backingStore: deployed(['--quota-backend-bytes=1', '--client-cert-auth=false']) }),
    ).toThrow(
      /backingStore\.etcd\.deploy\.statefulSet\.extraArgs\[1\]: "--client-cert-auth=false" is not allowed\. Allowed: etcd arguments that keep TLS with client-certificate auth .*: --client-cert-auth=false switches off the verification of client certificates: etcd then accepts any client that reaches it, and every tenant pod runs in the vcluster's namespace\. Fix: remove the argument/,
    );
  });

  test('through helmValues the reason is named too, besides the field that owns the backing store', () => {
    let message = '';
    try {
      render({ name: 'x', helmValues: { controlPlane: { backingStore: deployed(['--peer-client-cert-auth=false']) } } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('helmValues.controlPlane.backingStore: ');
    expect(message).toContain(
      'helmValues.controlPlane.backingStore.etcd.deploy.statefulSet.extraArgs[0]: "--peer-client-cert-auth=false" is not allowed.',
    );
  });

  test("the site's values are refused where the site is defined", () => {
    const config = {
      ...(platform as unknown as PlatformConfig),
      helmValues: { controlPlane: { backingStore: deployed(['--client-cert-auth=0']) } },
    };
    expect(() => definePlatform(config as PlatformConfig)).toThrow(
      /helmValues\.controlPlane\.backingStore\.etcd\.deploy\.statefulSet\.extraArgs\[0\]: "--client-cert-auth=0" is not allowed/,
    );
  });

  test('the final values are checked whatever layer set the argument (site values of the construct, an add-on)', () => {
    const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
    const site = new VCluster(chart, 'site', {
      releaseName: 'site',
      preset: 'prod',
      siteHelmValues: { controlPlane: { backingStore: deployed(['--client-cert-auth=false']) } },
    });
    expect(site.helmValueProblems().list.map((p) => p.field)).toEqual([
      'helmValues.controlPlane.backingStore.etcd.deploy.statefulSet.extraArgs[0]',
    ]);
    const addOn = new VCluster(chart, 'addon', { releaseName: 'addon', preset: 'prod' });
    expect(addOn.helmValueProblems().ok).toBe(true);
    addOn.addHelmValues('test', { controlPlane: { backingStore: deployed(['--listen-client-urls=http://0.0.0.0:2379']) } });
    expect(addOn.helmValueProblems().list).toEqual([
      expect.objectContaining({
        field: 'helmValues.controlPlane.backingStore.etcd.deploy.statefulSet.extraArgs[0]',
        value: '--listen-client-urls=http://0.0.0.0:2379',
      }),
    ]);
    expect(() => chart.toJson()).toThrow(/extraArgs\[0\]: "--client-cert-auth=false" is not allowed/);
  });

  test('vcluster-media no longer switches client-certificate auth off', () => {
    const media = render(mediaSpec);
    const app = media.find((o) => o.kind === 'Application')!;
    expect(app.spec.source.helm.valuesObject.controlPlane.backingStore.etcd.deploy.statefulSet.extraArgs).toBeUndefined();
  });
});
