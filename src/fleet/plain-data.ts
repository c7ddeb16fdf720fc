/**
 * Declarations cross from the loader thread to synth as plain data. This module turns a loaded
 * value into a structured-clone-safe copy (strings, numbers, booleans, null, undefined, arrays and
 * plain objects) and names the field path of anything else: functions, class instances, symbols,
 * getters, proxies, cycles. Values made by a known factory (`Exposure.loadBalancer({...})`) travel
 * as the factory's name and arguments and are made again by the same factory on the other side,
 * so their class internals never cross.
 */
import { types } from 'util';

/** A path into a value: object keys and array indexes. */
export type ValuePath = ReadonlyArray<string | number>;

/** One factory call to repeat on the receiving side: `factory(...args)` goes at `path`. */
export interface FactoryCall {
  readonly path: ValuePath;
  /** Factory name, e.g. `loadBalancer`. */
  readonly factory: string;
  /** Its arguments, plain data. */
  readonly args: readonly unknown[];
}

/** Why a value at a path is not plain data. */
export interface PlainDataIssue {
  readonly path: ValuePath;
  /** The offending value, in a form that survives a structured clone and prints like the original. */
  readonly value: unknown;
  /** What it is, e.g. `a function`, `an instance of Date`. */
  readonly what: string;
}

/** The result of {@link toPlainData}. */
export interface PlainData {
  /** The copy; factory-made values are `null` here (see `calls`). */
  readonly data: unknown;
  readonly calls: readonly FactoryCall[];
  readonly issues: readonly PlainDataIssue[];
}

/** Nesting deeper than this is refused (declarations are shallow; Helm values a dozen levels). */
export const MAX_DEPTH = 64;

/** Field path as the messages print it: `a.b[0]["odd key"]`. */
export function formatPath(path: ValuePath): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(k)) out += out ? `.${k}` : k;
    else out += `[${JSON.stringify(k)}]`;
  }
  return out;
}

/**
 * A value that survives a structured clone and prints (in problem messages) like `value`:
 * functions become a named stand-in, symbols a new symbol of the same description, other
 * non-data values their JSON or their `String()`.
 */
export function printable(value: unknown): unknown {
  if (typeof value === 'function') return namedStandIn(value.name);
  if (typeof value === 'symbol') return value.description === undefined ? 'Symbol()' : `Symbol(${value.description})`;
  if (value === null || typeof value !== 'object') return value;
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : (JSON.parse(json) as unknown);
  } catch {
    return `[${Object.prototype.toString.call(value).slice(8, -1)}]`;
  }
}

/** Marks a printable stand-in of a function: `{ [FUNCTION_NAME]: name }` is rebuilt by {@link fromPrintable}. */
const FUNCTION_NAME = '__vclusterFleetFunctionName';

function namedStandIn(name: string): object {
  return { [FUNCTION_NAME]: name };
}

/** The other side of {@link printable}: stand-ins become a function of the same name again. */
export function fromPrintable(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && FUNCTION_NAME in value) {
    const name = String((value as Record<string, unknown>)[FUNCTION_NAME]);
    const f = function () {
      return undefined;
    };
    Object.defineProperty(f, 'name', { value: name });
    return f;
  }
  return value;
}

/** Describes the class of a non-plain object: `an instance of Date`. */
function instanceOf(value: object): string {
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  const name = proto?.constructor?.name;
  return name ? `an instance of ${name}` : 'an object with a custom prototype';
}

/** Recognizes values made by a known factory: the factory's name and arguments, or `undefined`. */
export type FactoryCallOf = (v: object) => { factory: string; args: readonly unknown[] } | undefined;

/**
 * Copies `value` as plain data. `factoryCall` recognizes values made by a known factory; they
 * travel as calls (see {@link PlainData}).
 */
export function toPlainData(value: unknown, factoryCall: FactoryCallOf): PlainData {
  const copier = new PlainCopier(factoryCall);
  let data: unknown;
  try {
    data = copier.copy(value, []);
  } catch (e) {
    // e.g. a revoked proxy deep inside: name it rather than fail the whole load
    copier.issue([], String(e instanceof Error ? e.message : e), 'data that can be read');
    data = null;
  }
  return { data, calls: copier.calls, issues: copier.issues };
}

/** One copy: what it found on the way. */
class PlainCopier {
  public readonly calls: FactoryCall[] = [];
  public readonly issues: PlainDataIssue[] = [];
  /** Objects on the current path (to find cycles) and their paths. */
  private readonly open: object[] = [];
  private readonly openPaths: ValuePath[] = [];

  constructor(private readonly factoryCall: FactoryCallOf) {}

  public issue(path: ValuePath, v: unknown, what: string): null {
    this.issues.push({ path, value: printable(v), what });
    return null;
  }

  public copy(v: unknown, path: ValuePath): unknown {
    if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    if (typeof v === 'function') return this.issue(path, v, 'a function (functions are never called)');
    if (typeof v === 'symbol') return this.issue(path, v, 'a symbol');
    if (typeof v === 'bigint') return this.issue(path, v, 'a bigint (write a number)');
    const obj = v as object;
    if (types.isProxy(obj)) return this.issue(path, '[Proxy]', 'a Proxy');
    const at = this.open.indexOf(obj);
    if (at >= 0) {
      return this.issue(
        path,
        `[reference to ${formatPath(this.openPaths[at]) || 'the declaration'}]`,
        'a cycle (the value contains itself)',
      );
    }
    if (path.length > MAX_DEPTH) return this.issue(path, '[too deep]', `data nested more than ${MAX_DEPTH} levels deep`);
    const made = this.factoryCall(obj);
    if (made) return this.factoryValue(made, path);
    const isArray = Array.isArray(obj);
    const proto = Object.getPrototypeOf(obj) as unknown;
    if (isArray ? proto !== Array.prototype : proto !== Object.prototype && proto !== null) return this.issue(path, obj, instanceOf(obj));
    this.open.push(obj);
    this.openPaths.push(path);
    try {
      return isArray ? this.copyArray(obj as unknown[], path) : this.copyObject(obj, path);
    } finally {
      this.open.pop();
      this.openPaths.pop();
    }
  }

  /** A factory-made value: recorded as a call with plain arguments; `null` in the copy. */
  private factoryValue(made: { factory: string; args: readonly unknown[] }, path: ValuePath): null {
    const args = made.args.map((a, i) => {
      const inner = toPlainData(a, this.factoryCall);
      for (const x of inner.issues) this.issues.push({ ...x, path: [...path, ...x.path] });
      if (inner.calls.length) this.issue([...path, i], a, 'a value made by a factory inside the arguments of another');
      return inner.data;
    });
    this.calls.push({ path, factory: made.factory, args });
    return null;
  }

  private copyArray(arr: unknown[], path: ValuePath): unknown[] {
    const out: unknown[] = [];
    for (let i = 0; i < arr.length; i++) {
      const d = Object.getOwnPropertyDescriptor(arr, i);
      if (d && (d.get || d.set)) out.push(this.issue([...path, i], d.get ?? d.set, 'a getter or setter (never called)'));
      else out.push(this.copy(d?.value, [...path, i]));
    }
    return out;
  }

  private copyObject(obj: object, path: ValuePath): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const s of Object.getOwnPropertySymbols(obj)) {
      const d = Object.getOwnPropertyDescriptor(obj, s)!;
      this.issue([...path, `[${String(s)}]`], d.get ?? d.set ?? d.value, 'a symbol key');
    }
    for (const key of Object.keys(obj)) {
      const d = Object.getOwnPropertyDescriptor(obj, key)!;
      const v =
        d.get || d.set
          ? this.issue([...path, key], d.get ?? d.set, 'a getter or setter (never called)')
          : this.copy(d.value, [...path, key]);
      // defineProperty: a key named __proto__ stays an ordinary key of the copy
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
}

/**
 * Copies plain data made in another realm (a message deserialized outside a `vm` context, as under
 * jest) into this one, so that `Object.getPrototypeOf(x) === Object.prototype` holds here too.
 */
function adopt(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Array.from(value, adopt);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = adopt((value as Record<string, unknown>)[key]);
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Puts the factory-made values back: `make(factory, args)` at each call's path of `data` (the
 * copy made by {@link toPlainData}, after its trip through a structured clone).
 */
export function rebuild(
  data: unknown,
  calls: readonly FactoryCall[],
  make: (factory: string, args: readonly unknown[]) => unknown,
): unknown {
  const foreign = data !== null && typeof data === 'object' && !(data instanceof Object);
  let root = foreign ? adopt(data) : data;
  for (const c of calls) {
    const value = make(c.factory, foreign ? (adopt(c.args) as unknown[]) : c.args);
    if (c.path.length === 0) {
      root = value;
      continue;
    }
    let parent = root as Record<string | number, unknown>;
    for (const k of c.path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    Object.defineProperty(parent, c.path[c.path.length - 1], { value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}
