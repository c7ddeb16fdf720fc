/**
 * The rules no single feature owns: settings this version retired are refused with the reason and
 * the fix, or accepted as the no-op they now are.
 */
import * as YAML from 'yaml';
import { VClusterSpec } from '../../src';
import { FleetError, buildFleet } from '../../src/fleet/fleet';
import { platform, render } from '../util';

const prod: VClusterSpec = { name: 'team-a', preset: 'prod' };

describe('retired settings', () => {
  test('etcdPki: true is one error naming the file and field, why, and the fix', () => {
    let error: unknown;
    try {
      buildFleet(platform, [{ file: 'vclusters/team-a.ts', spec: { ...prod, etcdPki: true } }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FleetError);
    expect((error as FleetError).problems).toEqual([
      {
        source: 'vclusters/team-a.ts',
        field: 'etcdPki',
        value: true,
        allowed:
          "false or unset (the etcd PKI is retired: vcluster never reads /etcd-certs, its mount held the control plane in ContainerCreating until the merge Job had run, and the chart's deployed etcd already serves TLS with client-certificate auth from its own <release>-certs)",
        fix: 'remove etcdPki, or run npm run migrate -- --declarations to rewrite vclusters/; the unused Certificates, Issuers and merge Job are then pruned',
      },
    ]);
  });

  test('etcdPki: false is accepted and changes nothing', () => {
    expect(YAML.stringify(render({ ...prod, etcdPki: false }))).toBe(YAML.stringify(render(prod)));
  });

  test('nothing of the retired PKI is rendered for a deployed etcd', () => {
    const kinds = render(prod).map((o) => o.kind);
    expect(kinds).not.toContain('Certificate');
    expect(kinds).not.toContain('Issuer');
    expect(kinds).not.toContain('Job');
  });
});
