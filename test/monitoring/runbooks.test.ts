/** Every alert's runbook_url anchor exists in README.md, and every README alert anchor is an alert. */
import * as fs from 'fs';
import * as path from 'path';
import { ALERT_NAMES, runbookAnchor } from '../../src/monitoring/alert-rules';
import { ROOT } from '../util';

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

test('README.md has an anchor for every alert', () => {
  const missing = ALERT_NAMES.filter((a) => !readme.includes(`<a id="${runbookAnchor(a)}"></a>`));
  expect(missing).toEqual([]);
});

test('every alert anchor of README.md names an alert', () => {
  const anchors = [...readme.matchAll(/<a id="(alert-[a-z]+)"><\/a>/g)].map((m) => m[1]);
  expect(anchors.sort()).toEqual(ALERT_NAMES.map(runbookAnchor).sort());
});
