/**
 * The rules of the declarations folder that need no loading: which file may declare which vcluster.
 */
import { declarationFileNames, fileNameProblem } from '../../src/fleet/declaration-folder';

describe('a declaration file is named after its vcluster', () => {
  test('<name>.ts, or the name without its vcluster- prefix', () => {
    expect(declarationFileNames('team-a')).toEqual(['team-a.ts']);
    expect(declarationFileNames('vcluster-media')).toEqual(['vcluster-media.ts', 'media.ts']);
    // the prefix alone is no name to shorten
    expect(declarationFileNames('vcluster-')).toEqual(['vcluster-.ts']);
    expect(fileNameProblem('vclusters/team-a.ts', 'team-a')).toBeUndefined();
    expect(fileNameProblem('vclusters/media.ts', 'vcluster-media')).toBeUndefined();
    expect(fileNameProblem('vclusters/vcluster-media.ts', 'vcluster-media')).toBeUndefined();
  });

  test('a file declaring another vcluster is one problem naming file, name and the rename', () => {
    expect(fileNameProblem('vclusters/team-a.ts', 'team-b')).toEqual({
      source: 'vclusters/team-a.ts',
      field: 'name',
      value: 'team-b',
      allowed: '"team-a" or "vcluster-team-a", the names team-a.ts may declare (a vcluster "team-b" goes in team-b.ts)',
      fix: 'rename the file (git mv vclusters/team-a.ts vclusters/team-b.ts), or correct the name',
    });
    expect(fileNameProblem('vclusters/media.ts', 'vcluster-video')).toEqual({
      source: 'vclusters/media.ts',
      field: 'name',
      value: 'vcluster-video',
      allowed:
        '"media" or "vcluster-media", the names media.ts may declare (a vcluster "vcluster-video" goes in vcluster-video.ts or video.ts)',
      fix: 'rename the file (git mv vclusters/media.ts vclusters/video.ts), or correct the name',
    });
  });

  test('a name that is no string is left to the name check', () => {
    expect(fileNameProblem('vclusters/a.ts', undefined)).toBeUndefined();
    expect(fileNameProblem('vclusters/a.ts', 42)).toBeUndefined();
    expect(fileNameProblem('vclusters/a.ts', '')).toBeUndefined();
  });

  test('an invalid name is left to the name check (a file named after it would not help)', () => {
    expect(fileNameProblem('vclusters/e5.ts', 'E5x')).toBeUndefined();
    expect(fileNameProblem('vclusters/e5.ts', '5x')).toBeUndefined();
    expect(fileNameProblem('vclusters/e5.ts', 'a_b')).toBeUndefined();
    expect(fileNameProblem('vclusters/e5.ts', 'e5x')?.field).toBe('name');
  });
});
