/**
 * The fast output path of `npm run synth`: objects streamed to a writer thread while the
 * next vclusters build must give exactly the bytes of the plain path (renderFleet +
 * writeTreeAtomically), and a failed run must leave the output folder as it was.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Exposure, VClusterSpec } from '../../src';
import { buildFleet, fleetFiles, renderFleet, vclusterFiles } from '../../src/fleet/fleet';
import { inventoryFiles } from '../../src/fleet/inventory';
import { TreeWriter, writeTreeAtomically } from '../../src/fleet/output';
import { platform, readTree } from '../util';

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-parallel-output-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A mixed fleet: presets, the three exposures, strict isolation, extra egress. */
function fleet(n: number): Array<{ file: string; spec: VClusterSpec }> {
  const exposures = [
    () => Exposure.internal(),
    (i: number) => Exposure.loadBalancer({ subnet: `10.100.${i}.0/24`, apiPort: 6443 }),
    () => Exposure.gateway(),
  ];
  return Array.from({ length: n }, (_, i) => ({
    file: `vclusters/p-${i}.ts`,
    spec: {
      name: `p-${i}`,
      preset: i % 3 === 0 ? 'prod' : 'dev',
      exposure: exposures[i % 3](i),
      isolationMode: i % 2 ? 'strict' : 'standard',
      networkPolicies: { extraEgress: [{ name: 'db', cidr: `10.1.${i}.5/32`, port: 5432 }] },
    } as VClusterSpec,
  }));
}

test('the writer thread writes exactly the bytes of the plain path', () => {
  const declarations = fleet(40);
  const plain = path.join(work, 'plain');
  writeTreeAtomically(plain, renderFleet(platform, buildFleet(platform, declarations), inventoryFiles));

  const fast = path.join(work, 'fast');
  fs.mkdirSync(path.join(fast, 'stale'), { recursive: true });
  fs.writeFileSync(path.join(fast, 'stale', 'old.yaml'), 'kind: ConfigMap\n');
  const out = new TreeWriter(fast, { parallel: true });
  const built = buildFleet(platform, declarations, (b) => {
    for (const [rel, obj] of vclusterFiles(platform, b)) out.addObject(rel, obj);
  });
  for (const [rel, content] of fleetFiles(platform, built, inventoryFiles)) out.addFile(rel, content);
  out.commit();

  expect(readTree(fast)).toEqual(readTree(plain));
  expect(fs.readdirSync(work).filter((f) => f.startsWith('.'))).toEqual([]);
});

test('an aborted run leaves the output folder untouched and no temporary tree', () => {
  const dist = path.join(work, 'dist');
  writeTreeAtomically(dist, new Map([['a/namespace-a.yaml', 'kind: Namespace\n']]));
  const before = readTree(dist);
  const out = new TreeWriter(dist, { parallel: true });
  for (const [rel, obj] of vclusterFiles(platform, buildFleet(platform, fleet(2))[0])) out.addObject(rel, obj);
  out.abort();
  expect(readTree(dist)).toEqual(before);
  expect(fs.readdirSync(work).filter((f) => f.startsWith('.dist'))).toEqual([]);
});
