/**
 * README.md stays accurate: its options table is the one generated from the doc comments of
 * VClusterSpec, and the sections users rely on exist.
 */
import * as fs from 'fs';
import * as path from 'path';
import { normalizeTable, optionsTable, tableOf } from '../src/cli/options-table';
import { ROOT } from './util';

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

test('the options table matches the doc comments of VClusterSpec (npm run docs:options)', () => {
  expect(normalizeTable(tableOf(readme))).toBe(normalizeTable(optionsTable()));
});

test('the README has the sections users need', () => {
  for (const h of [
    '## Quick start',
    '## Concepts',
    '## Declaration options',
    '## What removing a file does',
    '## Cutting a live vcluster over from the original platform',
    '## Troubleshooting',
    '## Performance',
  ]) {
    expect(readme).toContain(h);
  }
  expect(readme).toContain('kubectl apply -f dist/_bootstrap/application-vcluster-fleet.yaml');
});
