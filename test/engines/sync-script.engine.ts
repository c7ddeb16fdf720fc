/**
 * The Job strategy's sync script run for real: POSIX sh and the real jq, against a fake 1Password
 * Connect (`curl` replaced by a shell script answering from files). Checks the vault the item is
 * written to: the token item's `vault` field by ID or name, the platform's vault by name when that
 * field is empty, and a hard failure (nothing written) when the named vault does not exist. Run
 * with `npm run test:engines`; fails when sh or jq is missing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SYNC_SCRIPT } from '../../src/registration/sync-script';

const VAULTS = [
  { id: 'v-homelab', name: 'homelab' },
  { id: 'v-team', name: 'team' },
];

/** A `curl` that logs `METHOD /path`, answers from $FAKE_DIR and prints the HTTP status like `-w '%{http_code}'`. */
const FAKE_CURL = `#!/bin/sh
out=; method=GET; url=; data=
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out=$2; shift 2 ;;
    -w|-H|--retry) shift 2 ;;
    -X) method=$2; shift 2 ;;
    --data-binary) data=$2; shift 2 ;;
    -*) shift ;;
    *) url=$1; shift ;;
  esac
done
path=\${url#*/v1}
echo "$method $path" >> "$FAKE_DIR/calls"
case "$method $path" in
  "GET /vaults") cat "$FAKE_DIR/vaults.json" > "$out" ;;
  "GET /vaults/"*"/items") echo '[]' > "$out" ;;
  "POST /vaults/"*"/items") cp "\${data#@}" "$FAKE_DIR/posted.json"; echo '{"id":"new-item"}' > "$out" ;;
  *) echo '{}' > "$out"; printf 404; exit 0 ;;
esac
printf 200
`;

let root: string;

beforeAll(() => {
  for (const tool of ['sh', 'jq']) {
    if (spawnSync(tool, ['--version'], { encoding: 'utf8' }).error) {
      throw new Error(`${tool} not found: the sync script test needs it (Debian: apt-get install -y ${tool === 'jq' ? 'jq' : 'dash'})`);
    }
  }
});

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-script-'));
  for (const d of ['bin', 'tmp', 'kubeconfig', 'fake']) fs.mkdirSync(path.join(root, d));
  fs.writeFileSync(path.join(root, 'bin', 'curl'), FAKE_CURL, { mode: 0o755 });
  fs.writeFileSync(path.join(root, 'fake', 'vaults.json'), JSON.stringify(VAULTS));
  const k = (name: string, text: string) => fs.writeFileSync(path.join(root, 'kubeconfig', name), text);
  k('config', 'apiVersion: v1\nkind: Config\n');
  k('certificate-authority', '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n');
  k('client-certificate', '-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n');
  k('client-key', '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n');
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** Runs the script with its fixed paths moved into the temporary folder. */
function run(tokenVault: string | undefined) {
  const script = SYNC_SCRIPT.replace(/\/tmp\//g, `${root}/tmp/`).replace('dir=/kubeconfig', `dir=${root}/kubeconfig`);
  const env: Record<string, string> = {
    PATH: `${path.join(root, 'bin')}${path.delimiter}${process.env.PATH}`,
    FAKE_DIR: path.join(root, 'fake'),
    OP_CONNECT_HOST: 'https://connect.example.com',
    OP_CONNECT_TOKEN: 'token',
    OP_VAULT: 'homelab',
    OP_ITEM_TITLE: 'media-kubeconfig',
    OP_ITEM_TAGS: 'cluster,kubeconfig,production',
    KUBECONFIG_SECRET: 'vc-media',
    CREDENTIALS: 'clientCertificate',
    ...(tokenVault === undefined ? {} : { OP_TOKEN_VAULT: tokenVault }),
  };
  for (const f of ['calls', 'posted.json']) fs.rmSync(path.join(root, 'fake', f), { force: true });
  const r = spawnSync('sh', ['-c', script], { env, encoding: 'utf8' });
  const calls = fs.existsSync(path.join(root, 'fake', 'calls'))
    ? fs
        .readFileSync(path.join(root, 'fake', 'calls'), 'utf8')
        .trim()
        .split('\n')
    : [];
  const postedFile = path.join(root, 'fake', 'posted.json');
  type Item = { vault: { id: string }; title: string; category: string; tags: string[]; fields: Array<Record<string, string>> };
  const posted = fs.existsSync(postedFile) ? (JSON.parse(fs.readFileSync(postedFile, 'utf8')) as Item) : undefined;
  return { status: r.status, stderr: r.stderr, calls, posted };
}

test("the token item's vault field, by ID", () => {
  const r = run('v-team');
  expect(r.status).toBe(0);
  expect(r.calls).toEqual(['GET /vaults', 'GET /vaults/v-team/items', 'POST /vaults/v-team/items']);
  expect(r.posted?.vault).toEqual({ id: 'v-team' });
  expect(r.posted?.title).toBe('media-kubeconfig');
  expect(r.posted?.category).toBe('SERVER');
  expect(r.posted?.tags).toEqual(['cluster', 'kubeconfig', 'production']);
  expect(r.posted?.fields).toEqual([
    { id: 'kubeconfig', label: 'kubeconfig', type: 'CONCEALED', value: 'apiVersion: v1\nkind: Config\n' },
    {
      id: 'certificate-authority',
      label: 'certificate-authority',
      type: 'CONCEALED',
      value: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
    },
    {
      id: 'client-certificate',
      label: 'client-certificate',
      type: 'CONCEALED',
      value: '-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n',
    },
    { id: 'client-key', label: 'client-key', type: 'CONCEALED', value: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n' },
  ]);
});

test("the token item's vault field, by name (a trailing newline of the field ignored)", () => {
  const r = run('team\n');
  expect(r.status).toBe(0);
  expect(r.posted?.vault).toEqual({ id: 'v-team' });
});

test("an empty or absent field: the platform's vault, by name", () => {
  for (const tokenVault of ['', undefined]) {
    const r = run(tokenVault);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(['GET /vaults', 'GET /vaults/v-homelab/items', 'POST /vaults/v-homelab/items']);
    expect(r.posted?.vault).toEqual({ id: 'v-homelab' });
  }
});

test('a vault the token item names that does not exist: exit 1, nothing written (no silent fallback to another vault)', () => {
  const r = run('nope');
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('kubeconfig-sync: vault not found: nope (the vault field of the Connect token item)');
  expect(r.calls).toEqual(['GET /vaults']);
  expect(r.posted).toBeUndefined();
});
