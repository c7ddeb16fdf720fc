import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { anyChartAvailable, chartSearch, findChart, missingChartMessage, pullChart } from '../../src/verify/charts';

const REQ = { chart: 'vcluster', version: '0.31.3', repoURL: 'https://charts.loft.sh', release: 'a', namespace: 'a', values: {} };

describe('charts', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-charts-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('--charts, then $VCLUSTER_FLEET_CHARTS: that folder only, no pulling', () => {
    expect(chartSearch({ charts: 'x/charts', env: { VCLUSTER_FLEET_CHARTS: '/env' }, root: dir })).toEqual({
      dirs: [path.resolve('x/charts')],
      how: '--charts',
    });
    expect(chartSearch({ env: { VCLUSTER_FLEET_CHARTS: '/env' }, root: dir })).toEqual({ dirs: ['/env'], how: '$VCLUSTER_FLEET_CHARTS' });
  });

  test('otherwise ../shared/charts when it exists, then the user cache, which pulls fill', () => {
    const root = path.join(dir, 'repo');
    fs.mkdirSync(root);
    const env = { XDG_CACHE_HOME: path.join(dir, 'xdg') };
    const user = path.join(dir, 'xdg', 'vcluster-fleet', 'charts');
    expect(chartSearch({ env, root })).toEqual({ dirs: [user], pullInto: user, how: 'the user cache' });
    fs.mkdirSync(path.join(dir, 'shared', 'charts'), { recursive: true });
    expect(chartSearch({ env, root })).toEqual({
      dirs: [path.join(dir, 'shared', 'charts'), user],
      pullInto: user,
      how: '../shared/charts, then the user cache',
    });
    expect(chartSearch({ env: { HOME: '/home/u' }, root }).pullInto).toBe('/home/u/.cache/vcluster-fleet/charts');
  });

  test('findChart looks for <chart>-<version>.tgz in order; anyChartAvailable', () => {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    const search = { dirs: [a, b, path.join(dir, 'absent')], how: 'test' };
    expect(anyChartAvailable(search)).toBe(false);
    expect(findChart(search, REQ)).toBeUndefined();
    fs.writeFileSync(path.join(b, 'vcluster-0.31.3.tgz'), '');
    expect(findChart(search, REQ)).toBe(path.join(b, 'vcluster-0.31.3.tgz'));
    expect(anyChartAvailable(search)).toBe(true);
  });

  test('pulling: off for an explicit folder, refused for a non-http repository; the missing-chart line', () => {
    expect(pullChart({ dirs: [dir], how: '--charts' }, REQ, '/no/helm')).toEqual({ failed: 'pulling is off (--charts)' });
    expect(pullChart({ dirs: [dir], pullInto: dir, how: 'x' }, { ...REQ, repoURL: 'oci://r' }, '/no/helm')).toEqual({
      failed: "repoURL 'oci://r' is not an http(s) chart repository",
    });
    expect(missingChartMessage('media', REQ, { dirs: ['/c1', '/c2'], how: 'x' }, 'helm pull failed: no such host')).toBe(
      'media: chart vcluster 0.31.3 (https://charts.loft.sh) not found as vcluster-0.31.3.tgz in /c1, /c2; helm pull failed: no such host: not verified',
    );
  });
});
