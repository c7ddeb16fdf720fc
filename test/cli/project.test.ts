/**
 * Where the commands work and how they name themselves: the working directory's vclusters/ and
 * dist/; `npm run <command>` from this repository's sources, `vcluster-fleet <command>` from the
 * package; declarations written by new and migrate import the library by the package name from the
 * package, by a relative path to src/ from the sources.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from '../../src/cli/args';
import {
  FROM_SOURCES,
  commandHint,
  commandUsage,
  defaultDeclarationsDir,
  defaultOutputDir,
  libraryImport,
  projectRoot,
} from '../../src/cli/project';
import { SYNTH_COMMAND, folders } from '../../src/cli/synth';
import { ROOT } from '../util';

describe('how commands are named', () => {
  test('from the sources (these tests): npm run; from the package: vcluster-fleet', () => {
    expect(FROM_SOURCES).toBe(true);
    expect([commandUsage('synth'), commandHint('synth')]).toEqual(['npm run synth --', 'npm run synth']);
    expect([commandUsage('synth', false), commandHint('synth', false)]).toEqual(['vcluster-fleet synth', 'npx vcluster-fleet synth']);
    expect(SYNTH_COMMAND.usage).toBe('npm run synth --');
  });

  test('the library import of a written declaration: the package name, or the relative path to src/', () => {
    expect(libraryImport('/anywhere/vclusters', false)).toBe('vcluster-fleet');
    expect(libraryImport(path.join(ROOT, 'vclusters'))).toBe('../src');
    expect(libraryImport(ROOT)).toBe('./src');
    expect(libraryImport(path.join(ROOT, 'test', 'fixtures', 'x'), true)).toBe('../../../src');
  });
});

describe('default folders follow the working directory', () => {
  let project: string;
  let cwd: string;
  beforeAll(() => {
    cwd = process.cwd();
    project = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-cwd-')));
    process.chdir(project);
  });
  afterAll(() => {
    process.chdir(cwd);
    fs.rmSync(project, { recursive: true, force: true });
  });

  test('vclusters/ and dist/ of the working directory, not of the repository the library lives in', () => {
    expect(projectRoot()).toBe(project);
    expect(defaultDeclarationsDir()).toBe(path.join(project, 'vclusters'));
    expect(defaultOutputDir()).toBe(path.join(project, 'dist'));
  });

  test('synth: the defaults, and folders given on the command line, resolve against the working directory', () => {
    expect(folders(parseArgs(SYNTH_COMMAND, []))).toEqual({
      vclustersDir: path.join(project, 'vclusters'),
      outDir: path.join(project, 'dist'),
    });
    expect(folders(parseArgs(SYNTH_COMMAND, ['--vclusters', 'fleet', '-o', 'out/rendered']))).toEqual({
      vclustersDir: path.join(project, 'fleet'),
      outDir: path.join(project, 'out', 'rendered'),
    });
  });
});
