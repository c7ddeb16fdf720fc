/**
 * The layout keeps telling the architecture: no import cycles in src/, the top level of src/ holds
 * the four constructs, the chart, the shared modules and one folder per feature or layer, and the
 * public API (src/index.ts) is the library, listed in the README, not its internals.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as api from '../src';
import { ROOT } from './util';

const SRC = path.join(ROOT, 'src');

/** Every .ts file below `dir`, relative to src/. */
function sources(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [path.relative(SRC, p)] : [];
  });
}

/** The src/ modules a module imports (static imports, type imports and re-exports included). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(SRC, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)[^'";]*?from\s+'(\.[^']+)'|import\s+'(\.[^']+)'/g)].map((m) => m[1] ?? m[2]);
  return specifiers
    .map((s) => path.relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), s)))
    .map((s) => (fs.existsSync(path.join(SRC, `${s}.ts`)) ? `${s}.ts` : path.join(s, 'index.ts')))
    .filter((s) => !s.startsWith('..'));
}

/** The cycles of the import graph (each as the list of files around it). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'active');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 'active') found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return found;
}

describe('architecture', () => {
  test('no import cycles in src/ (type imports count too)', () => {
    const graph = new Map(sources().map((f) => [f, importsOf(f)]));
    expect(graph.size).toBeGreaterThan(30);
    expect(cycles(graph).map((c) => c.join(' → '))).toEqual([]);
  });

  test('the cycle finder finds a cycle', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  test('src/ shows the constructs, the chart, the shared modules and one folder per feature or layer', () => {
    const top = fs
      .readdirSync(SRC, { withFileTypes: true })
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
      .sort();
    expect(top).toEqual(
      [
        // the four constructs and the chart composing them
        'vcluster.ts',
        'argo-registration.ts',
        'kubeconfig-sync.ts',
        'coredns-patch.ts',
        'vcluster-chart.ts',
        // the modules they share, and the public API
        'naming.ts',
        'presets.ts',
        'validation.ts',
        'index.ts',
        // the VCluster's parts, the features that bind to it, and the layers around them
        'vcluster/',
        'exposure/',
        'isolation/',
        'registration/',
        'etcd/',
        'declaration/',
        'fleet/',
        'cli/',
        'monitoring/',
        'verify/',
      ].sort(),
    );
  });

  test('the public API exports no internals and the README lists every export', () => {
    const exported = Object.keys(api).sort();
    expect(exported.filter((n) => /^(check|Problems$|showValue|formatProblem|deepMerge|cloneJson|SYNC_SCRIPT|SPEC_KEYS)/.test(n))).toEqual(
      [],
    );
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Public API'));
    expect(exported.filter((n) => !section.includes(`\`${n}\``))).toEqual([]);
  });
});
