/**
 * Scratch copies of the repository for tests that run the commands as a user does (through npm,
 * npx or the cdk8s CLI) and check which files they touched. A copy holds every file git would
 * commit (tracked and new, as they are in the working tree), links node_modules/ to the
 * repository's, and is a git repository of its own with one commit.
 */
import { SpawnSyncReturns, execFileSync, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository the tests run in. */
export const REPO = path.resolve(__dirname, '..', '..');

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** Runs git in `cwd`. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A copy of the repository in a new temporary folder (see the file comment). */
export function copyRepo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-fleet-copy-'));
  const files = git(REPO, 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0');
  for (const f of files) {
    // deleted in the working tree, or not a file (a node_modules/ that is a symbolic link)
    if (!f || f === 'node_modules' || !fs.statSync(path.join(REPO, f), { throwIfNoEntry: false })?.isFile()) continue;
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(REPO, f), path.join(dir, f));
  }
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  git(dir, 'init', '-q');
  fs.appendFileSync(path.join(dir, '.git', 'info', 'exclude'), '/node_modules\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'copy');
  return dir;
}

/** Puts the copy back to its commit: every change undone, every new file removed. */
export function resetRepo(dir: string): void {
  git(dir, 'checkout', '-q', '--', '.');
  git(dir, 'clean', '-qfdx', '-e', '/node_modules');
}

/** Every file below `dir` but .git/ and node_modules/: relative path → sha256 of its content. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (r === '.git' || r === 'node_modules') continue;
      if (e.isDirectory()) walk(r);
      else
        out.set(
          r,
          crypto
            .createHash('sha256')
            .update(fs.readFileSync(path.join(dir, r)))
            .digest('hex'),
        );
    }
  };
  walk('');
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The files of `snapshot(dir)` below `sub/`. */
export function subtree(snap: Map<string, string>, sub: string): Map<string, string> {
  return new Map([...snap].filter(([f]) => f.startsWith(`${sub}/`)));
}

/**
 * The environment of a user's shell: no npm variables, no NODE_OPTIONS, no CDK8S_ settings (CI
 * sets CDK8S_CHECK_UPGRADE), npm's own update check off.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_|NODE_OPTIONS$|CDK8S_|INIT_CWD$)/i.test(k)) env[k] = v;
  }
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

/** Runs a program in `cwd` with a user's environment. */
export function run(cwd: string, program: string, args: string[], extra: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(program, args, { cwd, encoding: 'utf8', env: userEnv(extra), timeout: 120_000 });
}

/** The NODE_OPTIONS npm gives the processes it starts in the copy (the `node-options` of its .npmrc). */
export function npmNodeOptions(dir: string): string {
  const m = /^node-options=(".*")$/m.exec(fs.readFileSync(path.join(dir, '.npmrc'), 'utf8'));
  if (!m) throw new Error('.npmrc has no node-options');
  return JSON.parse(m[1]) as string;
}

/** Runs the copy's cdk8s CLI as `npx cdk8s` does (with the .npmrc's NODE_OPTIONS), without npm's start-up. */
export function cdk8s(dir: string, args: string[], extra: Record<string, string> = {}): SpawnSyncReturns<string> {
  return run(dir, process.execPath, [path.join(dir, 'node_modules', '.bin', 'cdk8s'), ...args], {
    NODE_OPTIONS: npmNodeOptions(dir),
    ...extra,
  });
}

/** Runs the copy's cdk8s CLI as a global install would run: no .npmrc, so no guard. */
export function unguardedCdk8s(dir: string, args: string[], extra: Record<string, string> = {}): SpawnSyncReturns<string> {
  // The upgrade check is switched off only to keep the test offline and fast; it is not what is tested.
  return run(dir, process.execPath, [path.join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), ...args], {
    CDK8S_CHECK_UPGRADE: 'false',
    ...extra,
  });
}

/** A stack trace line (`    at fn (file:1:2)`). */
export const STACK_LINE = /^\s+at .+[:(]/m;
