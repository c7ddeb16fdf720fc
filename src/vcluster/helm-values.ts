/**
 * Helm values helpers of the VCluster construct: the deep merge every layer of values goes
 * through, and the check of the final values against the chart line's `values.schema.json`.
 */
import type { Values0_36 } from '../../imports/vcluster-values-0.36';
import { ChartLine } from '../presets';
import { Problems, isPlainObject } from '../validation';

/** A JSON object. */
export type JsonObject = { [key: string]: unknown };

/** Helm values of the vcluster chart, as a deep-partial override (the keys of the newest line; each vcluster's values are checked against its own line's schema). */
export type VClusterHelmValues = Values0_36;

/**
 * Sets `obj[key] = value` as an own, enumerable data property. Unlike an assignment it cannot
 * change the prototype of `obj` (a key `__proto__` stays an ordinary key), so copying a map
 * written by a user can never pollute an object.
 */
export function setOwn(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Merges `overlay` into `base` without mutating either: maps merge key by key, everything else
 * (lists, scalars) is replaced by the overlay. `undefined` in the overlay leaves the base value.
 * Keys are copied as own properties (see {@link setOwn}): no key of either side can change the
 * prototype of the result or of anything else.
 */
export function deepMerge<T extends object>(base: T, overlay: object | undefined): T {
  if (overlay === undefined) return base;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(base as JsonObject)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(overlay)) {
    if (v === undefined) continue;
    const prev = Object.hasOwn(out, k) ? out[k] : undefined;
    setOwn(out, k, isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : cloneJson(v));
  }
  return out as T;
}

/** A deep copy of plain JSON data (objects and arrays; keys copied as own properties); other values are returned as they are. */
export function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneJson) as unknown as T;
  if (isPlainObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) setOwn(out, k, cloneJson(x));
    return out as T;
  }
  return v;
}

/** Removes keys whose value is `undefined`, recursively (they are not valid JSON); keys copied as own properties. */
export function compact<T>(v: T): T {
  if (Array.isArray(v)) return v.map(compact) as unknown as T;
  if (isPlainObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) setOwn(out, k, compact(x));
    return out as T;
  }
  return v;
}

interface SchemaError {
  readonly instancePath: string;
  readonly message?: string;
  readonly params?: { readonly additionalProperty?: string; readonly [k: string]: unknown };
}
type Validator = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

const validators = new Map<ChartLine, Validator>();

/** The precompiled values validator of a chart line (generated into imports/, loaded on first use). */
function validatorFor(line: ChartLine): Validator {
  let v = validators.get(line);
  if (!v) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    v = require(`../../imports/vcluster-values-${line}.validate.js`) as Validator;
    validators.set(line, v);
  }
  return v;
}

/** The value at `path` inside nested maps, or `undefined` where a step is missing or not a map. */
export function valueAtPath(value: unknown, path: readonly string[]): unknown {
  let cur = value;
  for (const k of path) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, k)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Reads the value at a JSON pointer, for error messages. */
function valueAt(data: unknown, pointer: string): unknown {
  return valueAtPath(
    data,
    pointer
      .split('/')
      .slice(1)
      .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~')),
  );
}

/**
 * Checks Helm values against the vcluster chart's schema for `line` and reports every violation
 * with its path (`controlPlane.statefulSet.foo`), the value and what the schema wants.
 */
export function checkHelmValues(problems: Problems, field: string, values: unknown, line: ChartLine, version: string): void {
  const validate = validatorFor(line);
  if (validate(values)) return;
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const path = e.instancePath
      .split('/')
      .slice(1)
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (e.params?.additionalProperty) {
      const key = e.params.additionalProperty;
      const at = [field, ...path, key].join('.');
      if (seen.has(at)) continue;
      seen.add(at);
      problems.add(
        at,
        valueAt(values, `${e.instancePath}/${key}`),
        `only keys the vcluster chart ${version} declares (the chart rejects "${key}" here)`,
        "check the spelling against the chart's values.yaml",
      );
    } else {
      const at = [field, ...path].join('.');
      if (seen.has(at)) continue;
      seen.add(at);
      problems.add(
        at,
        valueAt(values, e.instancePath),
        `what the vcluster chart ${version} schema says: ${e.message ?? 'a different value'}`,
      );
    }
  }
}
