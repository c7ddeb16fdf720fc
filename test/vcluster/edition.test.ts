/**
 * The vcluster edition: a platform setting that decides the control-plane image and which
 * integrations exist. The edition and the image a site names can never disagree silently.
 */
import { Chart, Testing } from 'cdk8s';
import { PlatformConfig, VCluster, definePlatform } from '../../src';
import { editionOfRepository } from '../../src/vcluster/edition';
import { config } from '../fixtures/integratn/platform';
import { helmValues, render } from '../util';

const withImage = (repository: string) => ({ ...config.helmValues, controlPlane: { statefulSet: { image: { repository } } } });
const site = (change: Partial<PlatformConfig>) => definePlatform({ ...config, ...change } as PlatformConfig);

describe('vcluster edition', () => {
  test.each([
    ['loft-sh/vcluster-oss', 'oss'],
    ['loft-sh/vcluster-pro', 'pro'],
    ['mirror.example.com/loft-sh/vcluster-pro', 'pro'],
    ['loft-sh/vcluster', undefined],
    ['my/vcluster-fork', undefined],
  ])('the repository %s is of the %s edition', (repository, edition) => {
    expect(editionOfRepository(repository)).toBe(edition);
  });

  test('default: OSS, and the library renders the OSS image', () => {
    const { vcluster: _, ...withoutEdition } = config;
    const platform = definePlatform(withoutEdition as PlatformConfig);
    expect(platform.vcluster).toEqual({ edition: 'oss' });
    expect(helmValues(render({ name: 'a' }, platform)).controlPlane.statefulSet.image).toEqual({ repository: 'loft-sh/vcluster-oss' });
  });

  test("without a declared edition, the site's image repository names it", () => {
    const { vcluster: _, ...withoutEdition } = config;
    const platform = definePlatform({ ...withoutEdition, helmValues: withImage('loft-sh/vcluster-pro') } as PlatformConfig);
    expect(platform.vcluster.edition).toBe('pro');
    expect(helmValues(render({ name: 'a' }, platform)).controlPlane.statefulSet.image).toEqual({ repository: 'loft-sh/vcluster-pro' });
  });

  test('pro renders the Pro image; a mirror named by the site is kept when the edition is declared', () => {
    expect(helmValues(render({ name: 'a' }, site({ vcluster: { edition: 'pro' } }))).controlPlane.statefulSet.image.repository).toBe(
      'loft-sh/vcluster-pro',
    );
    const mirror = site({ vcluster: { edition: 'pro' }, helmValues: withImage('mirror/vcluster-enterprise') });
    expect(helmValues(render({ name: 'a' }, mirror)).controlPlane.statefulSet.image.repository).toBe('mirror/vcluster-enterprise');
  });

  test('throws when the declared edition and the image repository disagree', () => {
    expect(() => site({ vcluster: { edition: 'pro' }, helmValues: withImage('loft-sh/vcluster-oss') })).toThrow(
      /vcluster\.edition: "pro" is not allowed\. Allowed: the edition of the control-plane image the site runs: helmValues\.controlPlane\.statefulSet\.image\.repository is "loft-sh\/vcluster-oss", the oss image\. Fix: set vcluster\.edition to "oss", or run the pro image \(loft-sh\/vcluster-pro\)/,
    );
  });

  test('throws on a repository whose name does not say the edition, unless the edition is declared', () => {
    const { vcluster: _, ...withoutEdition } = config;
    expect(() => definePlatform({ ...withoutEdition, helmValues: withImage('my/vcluster-fork') } as PlatformConfig)).toThrow(
      /helmValues\.controlPlane\.statefulSet\.image\.repository: "my\/vcluster-fork" is not allowed\. Allowed: an image repository whose name says its edition/,
    );
  });

  test('throws on an unknown edition', () => {
    expect(() => site({ vcluster: { edition: 'enterprise' as never } })).toThrow(
      /vcluster\.edition: "enterprise" is not allowed\. Allowed: one of "oss", "pro"/,
    );
  });

  test('throws when a declaration runs the image of another edition', () => {
    expect(() =>
      render({ name: 'a', helmValues: { controlPlane: { statefulSet: { image: { repository: 'loft-sh/vcluster-pro' } } } } }),
    ).toThrow(
      /helmValues\.controlPlane\.statefulSet\.image\.repository: "loft-sh\/vcluster-pro" is not allowed\. Allowed: the control-plane image of the oss edition the site runs/,
    );
  });

  test('the VCluster construct alone: oss by default, and refuses Pro integrations with it', () => {
    const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
    const vc = new VCluster(chart, 'vc', { releaseName: 'demo' });
    expect(vc.edition).toBe('oss');
    expect(() => new VCluster(chart, 'vc2', { releaseName: 'demo2', clusterIssuerSelectorLabels: { a: 'b' } })).toThrow(
      /clusterIssuerSelectorLabels: \{"a":"b"\} is not allowed\. Allowed: nothing with the oss edition/,
    );
    expect(() => new VCluster(chart, 'vc3', { releaseName: 'demo3', edition: 'free' as never })).toThrow(/edition: "free" is not allowed/);
  });
});
