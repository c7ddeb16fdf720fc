/**
 * Checks of this repository's fleet, whatever vclusters/ holds (users add, rename and delete
 * declarations): every object `npm run synth` renders is a valid object of its kind (generated
 * validators in imports/, unknown fields rejected), no Secret, every name explicit, and the
 * committed dist/ is exactly what the code renders.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { buildFleet, loadFleet, renderFleet } from '../src/fleet/fleet';
import { inventoryFiles } from '../src/fleet/inventory';
import { ROOT } from './util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const validators = require('../imports/manifest-validators.js') as Record<
  string,
  ((o: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string; params?: Record<string, unknown> }> }
>;

const { platform, declarations } = loadFleet(path.join(ROOT, 'vclusters'));
const built = buildFleet(platform, declarations);
const files = renderFleet(platform, built, inventoryFiles);
const objects = [...files.entries()]
  .filter(([f]) => f.endsWith('.yaml'))
  .flatMap(([f, text]) => YAML.parseAllDocuments(text).map((d) => ({ file: f, obj: d.toJSON() as any })));

describe('rendered fleet', () => {
  test('renders every declaration of vclusters/ into its own folder', () => {
    const files = fs.readdirSync(path.join(ROOT, 'vclusters')).filter((f) => f.endsWith('.ts') && f !== 'platform.ts');
    expect(built).toHaveLength(files.length);
    for (const b of built) {
      const n = b.resolved.names;
      const has = (kind: string, name: string) => objects.some(({ obj }) => obj.kind === kind && obj.metadata.name === name);
      expect([
        has('Namespace', n.namespace),
        has('AppProject', n.project),
        has('Application', n.application),
        has('Application', n.bootstrapApplication),
      ]).toEqual([true, true, true, true]);
    }
  });

  test('every object is a valid object of its kind (upstream schemas, unknown fields rejected)', () => {
    const failures: string[] = [];
    for (const { file, obj } of objects) {
      const key = `${obj.apiVersion}|${obj.kind}`.replace(/\W/g, '_');
      const validate = validators[key];
      if (!validate) {
        failures.push(`${file}: no generated validator for ${obj.apiVersion} ${obj.kind} (add it to src/cli/import-schemas.ts)`);
        continue;
      }
      if (!validate(obj)) {
        const errs = (validate.errors ?? [])
          .slice(0, 5)
          .map((e) => `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
        failures.push(`${file}: ${errs.join('; ')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test('no Secret is ever rendered', () => {
    expect(objects.filter(({ obj }) => obj.kind === 'Secret').map(({ file }) => file)).toEqual([]);
  });

  test('every object has an explicit name and no cdk8s hash suffix', () => {
    for (const { obj } of objects) {
      expect(typeof obj.metadata?.name).toBe('string');
      expect(obj.metadata.name).not.toMatch(/-c8[0-9a-f]{6}$|-[0-9a-f]{8}$/);
    }
  });

  test('each file holds exactly one object, named after its kind and name', () => {
    for (const [file, text] of files) {
      if (!file.endsWith('.yaml')) continue;
      const docs = YAML.parseAllDocuments(text);
      expect(docs).toHaveLength(1);
      const o = docs[0].toJSON() as any;
      expect(path.basename(file)).toBe(`${String(o.kind).toLowerCase()}-${o.metadata.name}.yaml`);
    }
  });

  test('the committed dist/ is exactly what the code renders (run `npm run synth` after a change)', () => {
    const onDisk = new Map<string, string>();
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else onDisk.set(path.relative(path.join(ROOT, 'dist'), p), fs.readFileSync(p, 'utf8'));
      }
    };
    walk(path.join(ROOT, 'dist'));
    expect([...onDisk.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [f, text] of files) expect(`${f}\n${onDisk.get(f)}`).toBe(`${f}\n${text}`);
  });
});
