/**
 * `npm run test:alerts`: the alert rules through the real engine.
 *
 * Renders the PrometheusRules of the fixture vclusters (./fixtures.ts) and the fleet-wide rule into
 * a temporary folder as Prometheus rule files (`<PrometheusRule name>.yaml`), then runs
 * `promtool check rules` over them and `promtool test rules` over every unit-test file of this
 * folder (`*.promtool.yaml`). It also checks that every rendered alert has a test case where it
 * fires and one where it does not. Then it runs `promtool check rules` over every PrometheusRule
 * committed in the repository's `dist/` (what Argo CD applies). Fails (never skips) when promtool
 * is missing.
 *
 * Usage: `npm run test:alerts [-- --promtool PATH] [-- --dist DIR] [-- --keep]`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { FleetAlerts } from '../../src/monitoring/fleet-alerts';
import { VClusterAlerts } from '../../src/monitoring/vcluster-alerts';
import { ARGOCD_NAMESPACE, DEV, PROD, RUNBOOK } from './fixtures';

const HERE = __dirname;

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Rule files (name → groups), one per rendered PrometheusRule. */
export function renderRuleFiles(): Map<string, unknown[]> {
  const app = new App({ outdir: '/nonexistent' });
  const chart = new Chart(app, 'alerts', { disableResourceNameHashes: true });
  for (const vcluster of [PROD, DEV]) new VClusterAlerts(chart, vcluster.name, { vcluster, runbookUrl: RUNBOOK });
  new FleetAlerts(chart, 'fleet', { namespace: ARGOCD_NAMESPACE, runbookUrl: RUNBOOK, certificates: true });
  const files = new Map<string, unknown[]>();
  for (const obj of chart.toJson() as Array<{ metadata: { name: string }; spec: { groups: unknown[] } }>) {
    files.set(`${obj.metadata.name}.yaml`, obj.spec.groups);
  }
  return files;
}

/** The first executable `name` on PATH. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

function promtoolPath(): string {
  const explicit = argValue('--promtool');
  const found = explicit ?? onPath('promtool');
  if (!found || spawnSync(found, ['--version'], { encoding: 'utf8' }).status !== 0) {
    console.error(
      'test:alerts: promtool not found. Install it (Debian/Ubuntu: apt-get install -y --no-install-recommends prometheus)\n' +
        'or pass --promtool PATH. The alert rules are not tested without it.',
    );
    process.exit(1);
  }
  return found;
}

type UnitTests = { rule_files: string[]; tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }> };

/** Alerts with a firing case and alerts with a not-firing case, per rule file. */
function coverage(testFiles: string[]): { fires: Set<string>; quiet: Set<string> } {
  const fires = new Set<string>();
  const quiet = new Set<string>();
  for (const f of testFiles) {
    const doc = YAML.parse(fs.readFileSync(path.join(HERE, f), 'utf8')) as UnitTests;
    for (const t of doc.tests ?? []) {
      for (const c of t.alert_rule_test ?? []) {
        for (const rf of doc.rule_files) (c.exp_alerts?.length ? fires : quiet).add(`${rf}:${c.alertname}`);
      }
    }
  }
  return { fires, quiet };
}

/** Rule files (`dist-<path with dashes>`) of every PrometheusRule under `dir`. */
export function distRuleFiles(dir: string): Map<string, unknown[]> {
  const files = new Map<string, unknown[]>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml')) {
        const obj = YAML.parse(fs.readFileSync(p, 'utf8')) as { kind?: string; spec?: { groups?: unknown[] } } | null;
        if (obj?.kind === 'PrometheusRule') files.set(`dist-${path.relative(dir, p).replace(/[\\/]/g, '-')}`, obj.spec?.groups ?? []);
      }
    }
  };
  walk(dir);
  return files;
}

/** `promtool check rules` over the PrometheusRules of dist/; true when they pass. */
function checkDist(promtool: string, tmp: string): boolean {
  const dist = path.resolve(argValue('--dist') ?? path.join(HERE, '..', '..', 'dist'));
  if (!fs.existsSync(dist)) {
    console.log(`FAIL dist: ${dist} does not exist (run npm run synth, or pass --dist DIR)`);
    return false;
  }
  const files = distRuleFiles(dist);
  if (!files.size) {
    console.log(`dist: no PrometheusRule in ${dist} (monitoring.alerts is off): nothing to check`);
    return true;
  }
  for (const [name, groups] of files) fs.writeFileSync(path.join(tmp, name), YAML.stringify({ groups }));
  console.log(`promtool check rules over ${files.size} PrometheusRule(s) of ${dist}`);
  return spawnSync(promtool, ['check', 'rules', ...files.keys()], { cwd: tmp, stdio: 'inherit' }).status === 0;
}

function main(): void {
  const promtool = promtoolPath();
  console.log(spawnSync(promtool, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-fleet-alerts-'));
  const ruleFiles = renderRuleFiles();
  for (const [name, groups] of ruleFiles) fs.writeFileSync(path.join(dir, name), YAML.stringify({ groups }));
  const testFiles = fs
    .readdirSync(HERE)
    .filter((f) => f.endsWith('.promtool.yaml'))
    .sort();
  for (const f of testFiles) fs.copyFileSync(path.join(HERE, f), path.join(dir, f));
  let failed = 0;
  let passed = 0;

  console.log(`promtool check rules (${[...ruleFiles.keys()].join(', ')})`);
  const check = spawnSync(promtool, ['check', 'rules', ...ruleFiles.keys()], { cwd: dir, stdio: 'inherit' });
  if (check.status === 0) passed++;
  else failed++;

  for (const f of testFiles) {
    const run = spawnSync(promtool, ['test', 'rules', f], { cwd: dir, encoding: 'utf8' });
    if (run.status === 0) {
      passed++;
      console.log(`PASS ${f}`);
    } else {
      failed++;
      console.log(`FAIL ${f}\n${run.stdout}${run.stderr}`);
    }
  }

  const { fires, quiet } = coverage(testFiles);
  for (const [file, groups] of ruleFiles) {
    const alerts = new Set((groups as Array<{ rules: Array<{ alert: string }> }>).flatMap((g) => g.rules.map((r) => r.alert)));
    for (const alert of alerts) {
      const missing = [fires.has(`${file}:${alert}`) ? '' : 'firing', quiet.has(`${file}:${alert}`) ? '' : 'not firing'].filter(Boolean);
      if (missing.length) {
        failed++;
        console.log(`FAIL coverage: ${file} ${alert} has no ${missing.join(' and no ')} test case`);
      } else passed++;
    }
  }

  if (checkDist(promtool, dir)) passed++;
  else failed++;

  if (process.argv.includes('--keep')) console.log(`rule and test files kept in ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
  console.log(`alerts: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (require.main === module) main();
