import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { foldersAtRef, printDiffs } from '../../src/verify/diff';
import { applicationYaml, writeDist, writeFakeHelm } from './fake-helm';

describe('--diff', () => {
  let repo: string;
  let helm: string;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' });

  beforeEach(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-diff-'));
    helm = writeFakeHelm(path.join(repo, '.bin'));
    fs.mkdirSync(path.join(repo, 'charts'));
    for (const v of ['0.31.3', '0.36.1']) fs.writeFileSync(path.join(repo, 'charts', `vcluster-${v}.tgz`), '');
    writeDist(path.join(repo, 'dist'), {
      media: applicationYaml('media', '0.31.3', { note: 'café' }),
      same: applicationYaml('same', '0.31.3', {}),
    });
    fs.writeFileSync(path.join(repo, 'dist', 'media', 'argocd', 'appproject-media.yaml'), 'kind: AppProject\nmetadata:\n  name: media\n');
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'dist');
  });
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  const run = async (ref = 'HEAD') => {
    let out = '';
    const ok = await printDiffs({
      dist: path.join(repo, 'dist'),
      ref,
      charts: { dirs: [path.join(repo, 'charts')], how: '--charts' },
      cacheDir: path.join(repo, '.cache'),
      helm: () => ({ path: helm, from: 'HELM' }),
      out: (s) => (out += s),
    });
    return { ok, out };
  };

  test('reads the committed argocd/ files of every vcluster at a revision', () => {
    const folders = foldersAtRef(path.join(repo, 'dist'), 'HEAD');
    expect(folders.map((f) => [f.name, f.files.map((x) => x.rel)])).toEqual([
      ['media', ['media/argocd/application-vcluster-media.yaml', 'media/argocd/appproject-media.yaml']],
      ['same', ['same/argocd/application-vcluster-same.yaml']],
    ]);
    expect(folders[0].files[0].text).toBe(applicationYaml('media', '0.31.3', { note: 'café' }));
  });

  test('moving a vcluster to another chart version shows a values diff and a rendered-chart diff', async () => {
    fs.writeFileSync(
      path.join(repo, 'dist', 'media', 'argocd', 'application-vcluster-media.yaml'),
      applicationYaml('media', '0.36.1', { note: 'café', extra: 1 }),
    );
    const { ok, out } = await run();
    expect(ok).toBe(true);
    expect(out.split('\n')[0]).toBe('=== media: chart vcluster 0.31.3 → vcluster 0.36.1 (HEAD → working tree)');
    expect(out).toContain('--- a/media.values.yaml\n+++ b/media.values.yaml\n@@ -1 +1,2 @@\n note: café\n+extra: 1\n');
    expect(out).toContain('--- a/media.rendered.yaml\n+++ b/media.rendered.yaml\n');
    expect(out).toContain('-    chart: vcluster-0.31.3\n+    chart: vcluster-0.36.1\n');
    expect(out).not.toContain('=== same');
    expect(out.trim().split('\n').pop()).toBe('verify --diff: 1 vcluster Application differs from HEAD');
    expect((await run()).out).toBe(out);
  });

  test('nothing changed: says so; an unknown revision is an error', async () => {
    expect(await run()).toEqual({ ok: true, out: 'verify --diff: 0 vcluster Applications differ from HEAD\n' });
    const bad = await run('no-such-ref');
    expect(bad.ok).toBe(false);
    expect(bad.out).toMatch(/^verify --diff: cannot read no-such-ref's dist: git ls-tree/);
  });
});
