/**
 * `npm run migrate -- --declarations`: existing declarations are rewritten in place, at the
 * positions the TypeScript compiler reports, without the settings this version refuses (the
 * retired `etcdPki`, etcd arguments that switch off client-certificate auth); everything else of
 * the file stays byte for byte.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from '../../src/cli/args';
import { MIGRATE_DECLARATIONS_COMMAND } from '../../src/cli/migrate';
import { rewriteDeclaration, runMigrateDeclarations } from '../../src/cli/migrate-declarations';
import { ROOT } from '../util';

/** vcluster-media as declared before this version (etcdPki and the copied seed argument). */
const OLD_MEDIA = `import { Exposure, defineVCluster } from '../src';

export default defineVCluster({
  name: 'vcluster-media',
  preset: 'prod',
  backingStore: {
    etcd: {
      deploy: {
        enabled: true,
        statefulSet: {
          image: { registry: 'registry.k8s.io', repository: 'etcd', tag: '3.6.8-0' },
          extraArgs: ['--client-cert-auth=false'],
          highAvailability: { replicas: 3 },
        },
      },
    },
  },
  // cert-manager PKI for the deployed etcd, mounted at /etcd-certs.
  etcdPki: true,
  exposure: Exposure.loadBalancer({ hostname: 'media.integratn.tech', apiPort: 443 }),

  // Production data: kept when this file goes.
  deletionPolicy: 'retain',
});
`;

const NEW_MEDIA = `import { Exposure, defineVCluster } from '../src';

export default defineVCluster({
  name: 'vcluster-media',
  preset: 'prod',
  backingStore: {
    etcd: {
      deploy: {
        enabled: true,
        statefulSet: {
          image: { registry: 'registry.k8s.io', repository: 'etcd', tag: '3.6.8-0' },
          highAvailability: { replicas: 3 },
        },
      },
    },
  },
  exposure: Exposure.loadBalancer({ hostname: 'media.integratn.tech', apiPort: 443 }),

  // Production data: kept when this file goes.
  deletionPolicy: 'retain',
});
`;

let dir: string;
const logs: string[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'declarations-'));
  logs.length = 0;
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('migrate --declarations', () => {
  test('removes etcdPki with the comment above it and the weakening etcd argument; the rest stays byte for byte', () => {
    const r = rewriteDeclaration('media.ts', OLD_MEDIA);
    expect(r.text).toBe(NEW_MEDIA);
    expect(r.edits).toEqual([
      {
        line: 12,
        message: expect.stringMatching(
          /^removed backingStore\.etcd\.deploy\.statefulSet\.extraArgs\[0\] "--client-cert-auth=false": --client-cert-auth=false switches off the verification of client certificates/,
        ),
      },
      { line: 19, message: expect.stringMatching(/^removed etcdPki: true \(retired: nothing read that PKI/) },
    ]);
    expect(r.manual).toEqual([]);
  });

  test('is idempotent: a rewritten file does not change again', () => {
    const once = rewriteDeclaration('media.ts', OLD_MEDIA).text;
    const twice = rewriteDeclaration('media.ts', once);
    expect(twice.text).toBe(once);
    expect(twice.edits).toEqual([]);
  });

  test('keeps the other etcd arguments, removes every weakening spelling, and etcdPki: false too', () => {
    const text = `export default defineVCluster({
  name: 'x',
  etcdPki: false, // no-op
  backingStore: { etcd: { deploy: { enabled: true, statefulSet: { extraArgs: [
    '--peer-client-cert-auth=0',
    '--quota-backend-bytes=8589934592',
    '--listen-client-urls=http://0.0.0.0:2379',
  ] } } } },
});
`;
    const r = rewriteDeclaration('x.ts', text);
    expect(r.text).toBe(`export default defineVCluster({
  name: 'x',
  backingStore: { etcd: { deploy: { enabled: true, statefulSet: { extraArgs: [
    '--quota-backend-bytes=8589934592',
  ] } } } },
});
`);
    expect(r.edits.map((e) => e.line)).toEqual([3, 5, 7]);
    expect(r.edits[0].message).toMatch(/^removed etcdPki: false/);
  });

  test('reports values it cannot read as literals for a person to fix, and leaves them', () => {
    const text = `const args = ['--client-cert-auth=false'];
export default defineVCluster({ name: 'x', backingStore: { etcd: { deploy: { statefulSet: { extraArgs: args } } } } });
`;
    const r = rewriteDeclaration('x.ts', text);
    expect(r.text).toBe(text);
    expect(r.manual).toEqual([
      {
        line: 2,
        message:
          'backingStore.etcd.deploy.statefulSet.extraArgs is not a list literal: check by hand that no argument switches off client-certificate auth',
      },
    ]);
  });

  test('rewrites every declaration of a folder in place, never platform.ts; --check only reports', () => {
    fs.writeFileSync(path.join(dir, 'media.ts'), OLD_MEDIA);
    fs.writeFileSync(path.join(dir, 'sandbox.ts'), "export default defineVCluster({ name: 'sandbox' });\n");
    const platform = 'export default definePlatform({ etcdPki: true } as never);\n';
    fs.writeFileSync(path.join(dir, 'platform.ts'), platform);
    // --check: exit code 1, nothing written
    expect(runMigrateDeclarations({ dir, check: true, log: (l) => logs.push(l) })).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'media.ts'), 'utf8')).toBe(OLD_MEDIA);
    expect(logs.at(-1)).toBe('migrate --declarations: 2 declarations, 1 need changes');
    // rewrite: exit code 0, media rewritten, the others untouched
    expect(runMigrateDeclarations({ dir, log: (l) => logs.push(l) })).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'media.ts'), 'utf8')).toBe(NEW_MEDIA);
    expect(fs.readFileSync(path.join(dir, 'platform.ts'), 'utf8')).toBe(platform);
    // then --check is clean
    expect(runMigrateDeclarations({ dir, check: true, log: (l) => logs.push(l) })).toBe(0);
    expect(logs.at(-1)).toBe('migrate --declarations: 2 declarations, 0 need changes');
  });

  test('npm run migrate -- --declarations DIR --check runs through the migrate CLI', () => {
    fs.writeFileSync(path.join(dir, 'media.ts'), OLD_MEDIA);
    let status = 0;
    let stdout = '';
    try {
      execFileSync(
        process.execPath,
        [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/cli/migrate.ts', '--declarations', dir, '--check'],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
    } catch (e) {
      status = (e as { status: number }).status;
      stdout = (e as { stdout: string }).stdout;
    }
    expect(status).toBe(1);
    expect(stdout).toContain('media.ts:19: removed etcdPki: true');
  });

  test('its command line: --check is a flag, one folder at most, unknown options refused', () => {
    expect(() => parseArgs(MIGRATE_DECLARATIONS_COMMAND, ['--write'])).toThrow(/--write/);
    expect(() => parseArgs(MIGRATE_DECLARATIONS_COMMAND, [dir, dir])).toThrow();
    expect(parseArgs(MIGRATE_DECLARATIONS_COMMAND, ['--check', dir])).toMatchObject({ options: { check: true }, positionals: [dir] });
  });
});
