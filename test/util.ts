/**
 * Shared test fixtures: the repository's own platform configuration and helpers to build one
 * vcluster and look its rendered objects up by kind and name.
 */
import * as fs from 'fs';
import * as path from 'path';
import platform from './fixtures/integratn/platform';
import { Platform, VClusterSpec, synthVCluster } from '../src';

export { platform };

/** Repository root. */
export const ROOT = path.resolve(__dirname, '..');

/** A rendered object, loosely typed for assertions. */
export type Obj = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
  };
  spec?: any;
  [k: string]: any;
};

/** Builds one declaration and returns its objects. */
export function render(spec: VClusterSpec, site: Platform = platform): Obj[] {
  return synthVCluster(spec, site).objects as Obj[];
}

/** The one object of `kind` named `name`; fails the test when there is not exactly one. */
export function find(objects: readonly Obj[], kind: string, name: string): Obj {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected one ${kind} "${name}", found ${found.length}; have: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`,
    );
  }
  return found[0];
}

/** Names of every object of `kind`, in output order. */
export function namesOf(objects: readonly Obj[], kind: string): string[] {
  return objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
}

/** The Helm values of the vcluster Application. */
export function helmValues(objects: readonly Obj[]): any {
  const app = objects.find((o) => o.kind === 'Application');
  if (!app) throw new Error('no Application rendered');
  return app.spec.source.helm.valuesObject;
}

/** Every file below `dir` (relative path → content), in path order. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.set(r, fs.readFileSync(path.join(dir, r), 'utf8'));
    }
  };
  walk('');
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}
