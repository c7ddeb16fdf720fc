/**
 * Names two vclusters must not share, derived as the chart and the syncer derive them, and a
 * duplicate reported once.
 */
import { Exposure, VClusterSpec } from '../../src';
import { FleetError, buildFleet } from '../../src/fleet/fleet';
import { formatProblem } from '../../src/validation';
import { platform } from '../util';

const spec = (name: string, extra: Partial<VClusterSpec> = {}): VClusterSpec => ({ name, exposure: Exposure.internal(), ...extra });

/** The problem lines of a fleet (fails when it builds). */
function refused(specs: VClusterSpec[], site = platform): string[] {
  try {
    buildFleet(
      site,
      specs.map((s, i) => ({ file: `vclusters/f${i}.ts`, spec: s })),
    );
  } catch (e) {
    expect(e).toBeInstanceOf(FleetError);
    return (e as FleetError).problems.map((p) => formatProblem(p));
  }
  throw new Error('the fleet was accepted');
}

describe('cluster-scoped names of the chart', () => {
  test('throws when two vclusters would share the ClusterRole vc-<name>-v-<namespace>', () => {
    expect(refused([spec('a', { targetNamespace: 'b-v-c' }), spec('a-v-b', { targetNamespace: 'c' })])).toEqual([
      'vclusters/f1.ts: targetNamespace: "c" is not allowed. Allowed: a name and namespace whose cluster-scoped ClusterRole "vc-a-v-b-v-c" (vc-<name>-v-<namespace>, cut to 63 characters, on the same host cluster) no other vcluster uses (vclusters/f0.ts already does). Fix: change targetNamespace in one of the two files',
    ]);
  });

  test('throws when the ClusterRoles are equal only after the chart cuts them to 63 characters', () => {
    // vc-a-v-b-v-ccc…c (70 characters) and vc-a-v-b-v-ccc…cdddd (74): both cut to vc-a-v-b-v- and 52 c
    const lines = refused([
      spec('a', { targetNamespace: `b-v-${'c'.repeat(59)}` }),
      spec('a-v-b', { targetNamespace: `${'c'.repeat(59)}dddd` }),
    ]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`ClusterRole "vc-a-v-b-v-${'c'.repeat(52)}"`);
  });

  test('the same ClusterRole on two host clusters is fine', () => {
    const site = {
      ...platform,
      argocd: { ...platform.argocd, hostClusters: { ...platform.argocd.hostClusters, remote: 'https://remote.example.com:6443' } },
    };
    expect(
      buildFleet(site, [
        { file: 'vclusters/a.ts', spec: spec('a', { targetNamespace: 'b-v-c' }) },
        { file: 'vclusters/b.ts', spec: spec('a-v-b', { targetNamespace: 'c', hostCluster: 'remote' }) },
      ]),
    ).toHaveLength(2);
  });
});

describe("the syncer's host-object marker <namespace>-x-<name>", () => {
  test("throws on equal markers (they would manage each other's PersistentVolumes)", () => {
    const lines = refused([spec('a', { targetNamespace: 'b-x-c' }), spec('c-x-a', { targetNamespace: 'b' })]);
    expect(lines).toEqual([
      'vclusters/f1.ts: targetNamespace: "b" is not allowed. Allowed: a namespace and name whose host-object marker "b-x-c-x-a" (namespace-x-name) neither equals nor ends in "-x-" plus the marker of another vcluster on the same host cluster (vclusters/f0.ts has such a marker): their PersistentVolumes and other cluster-scoped host objects would collide. Fix: change targetNamespace or name in one of the two files',
    ]);
  });

  test('throws when one marker ends in -x- and the other (either order)', () => {
    expect(refused([spec('p-x-app', { targetNamespace: 't' }), spec('app', { targetNamespace: 'p' })])[0]).toContain('marker "p-x-app"');
    expect(refused([spec('app', { targetNamespace: 'p' }), spec('p-x-app', { targetNamespace: 't' })])[0]).toContain(
      'marker "t-x-p-x-app"',
    );
  });

  test('ordinary names pass', () => {
    expect(
      buildFleet(platform, [
        { file: 'vclusters/a.ts', spec: spec('team-a') },
        { file: 'vclusters/b.ts', spec: spec('team-b', { targetNamespace: 'xylophone' }) },
      ]),
    ).toHaveLength(2);
  });
});

describe('one root cause once', () => {
  test('a duplicate name is one problem, not also its namespace, project, Applications, ClusterRole and marker', () => {
    expect(refused([spec('a'), spec('a')])).toEqual([
      'vclusters/f1.ts: name: "a" is not allowed. Allowed: a vcluster name no other vcluster uses (vclusters/f0.ts already does). Fix: change name in one of the two files',
    ]);
  });

  test('an explicitly shared namespace is still reported beside the name', () => {
    expect(
      refused([spec('a', { targetNamespace: 'shared' }), spec('a', { targetNamespace: 'shared' })]).map((l) => l.split(':')[1].trim()),
    ).toEqual(['name', 'targetNamespace']);
  });
});
