/**
 * Input validation shared by every construct and by the fleet loader.
 *
 * Every check reports a {@link Problem}: the field, the bad value, what is allowed and how to fix
 * it. Checks collect into a {@link Problems} list so that one run reports every mistake at once;
 * constructs throw a {@link ValidationError} carrying all problems of their props.
 */
import { Address4 } from 'ip-address';

/** One invalid input: which field, which value, what is allowed. */
export interface Problem {
  /** Where the input came from, e.g. `vclusters/media.ts` (set by the loader). */
  readonly source?: string;
  /** Dotted path of the field, e.g. `exposure.hostname`. */
  readonly field: string;
  /** The offending value, as given. */
  readonly value: unknown;
  /** What is allowed instead. */
  readonly allowed: string;
  /** How to fix it, when there is more to say than `allowed`. */
  readonly fix?: string;
}

/** Renders a value for an error message: strings quoted, objects as compact JSON. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `[function ${value.name || '(anonymous)'}]`;
  if (typeof value === 'bigint' || typeof value === 'symbol') return String(value);
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return String(value);
    return json.length > 160 ? `${json.slice(0, 157)}...` : json;
  } catch {
    return String(value);
  }
}

/** Formats one problem as a single line: `source: field: value is not allowed; allowed: ...`. */
export function formatProblem(p: Problem): string {
  const where = p.source ? `${p.source}: ` : '';
  const fix = p.fix ? ` Fix: ${p.fix}` : '';
  return `${where}${p.field}: ${showValue(p.value)} is not allowed. Allowed: ${p.allowed}.${fix}`;
}

/** Thrown when input is invalid; carries every problem found, not only the first. */
export class ValidationError extends Error {
  /** All problems, in the order they were found. */
  public readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[], subject?: string) {
    const head = subject ? `invalid ${subject}` : 'invalid input';
    super(
      problems.length === 1
        ? `${head}: ${formatProblem(problems[0])}`
        : `${head} (${problems.length} problems):\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`,
    );
    this.name = 'ValidationError';
    this.problems = problems;
  }

  /** The same problems attributed to a source file. */
  public withSource(source: string): ValidationError {
    return new ValidationError(this.problems.map((p) => ({ ...p, source: p.source ?? source })));
  }
}

/** Go durations (`1m`, `90s`, `1h30m`), the format of External Secrets and Argo CD intervals. */
export const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/** True for an image reference pinned by a tag other than `latest`, or by an `@sha256:` digest. */
export function isPinnedImage(image: string): boolean {
  if (/\s/.test(image) || !/^[a-z0-9][a-z0-9._\-/:]*[a-z0-9]/.test(image)) return false;
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastSegment = image.split('/').pop() ?? '';
  const tag = lastSegment.includes(':') ? lastSegment.split(':').pop() : undefined;
  return !!tag && tag !== 'latest' && /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag);
}

/**
 * The keys of `T` as a list the compiler checks: the argument must name every key of `T` and
 * nothing else, so a key list can never drift from the interface it describes.
 * @example const KEYS = keysOf<Props>({ name: true, size: true });
 */
export function keysOf<T>(keys: { readonly [K in keyof Required<T>]: true }): ReadonlyArray<keyof T & string> {
  return Object.keys(keys) as Array<keyof T & string>;
}

/** DNS-1123 label: what Kubernetes accepts for most object names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A fully qualified hostname (RFC 1123 labels, at least one dot, alphabetic TLD). */
export const HOSTNAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/;
/** Kubernetes resource.Quantity grammar (sign, decimal number, optional SI/binary suffix or exponent). */
export const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
/** Label keys: optional DNS-subdomain prefix, then a name of up to 63 characters. */
const LABEL_KEY_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Collects problems for one input; every check returns whether it passed. */
export class Problems {
  /**
   * @param prefix written before every field (`exposure` → `exposure.hostname`)
   * @param list where problems go; shared with the collector this one was scoped from
   */
  constructor(
    private readonly prefix = '',
    public readonly list: Problem[] = [],
  ) {}

  /** A collector that writes into this one, with `prefix.` before every field. */
  public scope(prefix: string): Problems {
    return new Problems(this.join(prefix), this.list);
  }

  /** Records a problem (a problem identical to one already recorded is recorded once). */
  public add(field: string, value: unknown, allowed: string, fix?: string): false {
    const problem: Problem = { field: this.join(field), value, allowed, fix };
    const line = formatProblem(problem);
    if (!this.list.some((p) => formatProblem(p) === line)) this.list.push(problem);
    return false;
  }

  /** True when no problem has been recorded. */
  public get ok(): boolean {
    return this.list.length === 0;
  }

  /** Throws a {@link ValidationError} with every problem, if there is any. */
  public throwIfAny(subject?: string): void {
    if (this.list.length) throw new ValidationError(this.list, subject);
  }

  /** A DNS-1123 label of at most `max` characters (63 by default). */
  public dnsLabel(field: string, value: unknown, max = 63, fix?: string): boolean {
    if (typeof value !== 'string' || !DNS_LABEL.test(value)) {
      return this.add(
        field,
        value,
        'a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit',
        fix,
      );
    }
    if (value.length > max) return this.add(field, value, `at most ${max} characters (it has ${value.length})`, fix);
    return true;
  }

  /** A fully qualified, lower-case hostname. */
  public hostname(field: string, value: unknown): boolean {
    if (typeof value !== 'string' || value.length > 253 || !HOSTNAME.test(value)) {
      return this.add(
        field,
        value,
        'a fully qualified lower-case hostname such as "media.example.com" (labels of a-z, 0-9 and "-", at most 253 characters)',
      );
    }
    if (value.split('.').some((l) => l.length > 63)) return this.add(field, value, 'hostname labels of at most 63 characters');
    return true;
  }

  /** A DNS-1123 subdomain such as `cluster.local` (lower-case labels joined by dots). */
  public dnsSubdomain(field: string, value: unknown): boolean {
    if (
      typeof value !== 'string' ||
      value.length > 253 ||
      !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value)
    ) {
      return this.add(field, value, 'a DNS-1123 subdomain such as "cluster.local": lower-case labels of a-z, 0-9 and "-" joined by dots');
    }
    return true;
  }

  /** A Kubernetes quantity such as `250m`, `2`, `1.5Gi`; negative values are refused. */
  public quantity(field: string, value: unknown): boolean {
    if (typeof value !== 'string' || !QUANTITY.test(value) || value.startsWith('-')) {
      return this.add(
        field,
        value,
        'a non-negative Kubernetes quantity such as "250m", "2", "512Mi" or "1.5Gi" (no spaces, no unit words)',
      );
    }
    return true;
  }

  /** An integer in [min, max]. */
  public integer(field: string, value: unknown, min: number, max: number): boolean {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return this.add(field, value, `an integer from ${min} to ${max}`);
    }
    return true;
  }

  /** A TCP/UDP port: an integer from 1 to 65535. */
  public port(field: string, value: unknown): boolean {
    return this.integer(field, value, 1, 65535);
  }

  /** A dotted IPv4 address. */
  public ipv4(field: string, value: unknown): boolean {
    if (typeof value !== 'string' || !Address4.isValid(value) || value.includes('/')) {
      return this.add(field, value, 'an IPv4 address such as "10.0.4.200"');
    }
    return true;
  }

  /** An IPv4 CIDR whose address is the network address (e.g. `10.0.3.0/24`, `10.0.3.1/32`). */
  public cidr4(field: string, value: unknown): boolean {
    if (typeof value !== 'string' || !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(value) || !Address4.isValid(value)) {
      return this.add(field, value, 'an IPv4 CIDR such as "10.0.3.0/24" or "10.0.3.1/32"');
    }
    const a = new Address4(value);
    if (a.startAddress().correctForm() !== a.addressMinusSuffix) {
      return this.add(
        field,
        value,
        `a CIDR whose address is its network address`,
        `write "${a.startAddress().correctForm()}/${a.subnetMask}"`,
      );
    }
    return true;
  }

  /** One of a closed set of values. */
  public oneOf<T>(field: string, value: unknown, allowed: readonly T[]): value is T {
    if (!allowed.includes(value as T)) return this.add(field, value, `one of ${allowed.map((a) => showValue(a)).join(', ')}`);
    return true;
  }

  /** A map of Kubernetes labels (keys and values in the label grammar). */
  public labels(field: string, value: unknown): boolean {
    if (value === undefined) return true;
    if (!isPlainObject(value)) return this.add(field, value, 'a map of label keys to string values');
    let ok = true;
    for (const [k, v] of Object.entries(value)) {
      if (!isLabelKey(k))
        ok = this.add(
          `${field}[${JSON.stringify(k)}]`,
          k,
          'a label key: an optional DNS-subdomain prefix and "/", then at most 63 characters of letters, digits, "-", "_" and "."',
        );
      if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
        ok = this.add(
          `${field}[${JSON.stringify(k)}]`,
          v,
          'a label value: a string of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
        );
      }
    }
    return ok;
  }

  /** One Kubernetes label value. */
  public labelValue(field: string, value: unknown): boolean {
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      return this.add(
        field,
        value,
        'a label value: a string of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      );
    }
    return true;
  }

  /** A map of annotation keys to string values. */
  public annotations(field: string, value: unknown): boolean {
    if (value === undefined) return true;
    if (!isPlainObject(value)) return this.add(field, value, 'a map of annotation keys to string values');
    let ok = true;
    for (const [k, v] of Object.entries(value)) {
      if (!isLabelKey(k)) ok = this.add(`${field}[${JSON.stringify(k)}]`, k, 'an annotation key in the label-key grammar');
      if (typeof v !== 'string') ok = this.add(`${field}[${JSON.stringify(k)}]`, v, 'a string value (quote numbers and booleans)');
    }
    return ok;
  }

  /** A boolean (`true` or `false`, not a string). */
  public boolean(field: string, value: unknown): value is boolean {
    if (typeof value !== 'boolean') return this.add(field, value, 'true or false (a boolean, not a string)');
    return true;
  }

  /** A non-empty string without leading or trailing whitespace. */
  public text(field: string, value: unknown): value is string {
    if (typeof value !== 'string' || value.trim() === '' || value.trim() !== value) {
      return this.add(field, value, 'a non-empty string without leading or trailing spaces');
    }
    return true;
  }

  /** A `{...}` map (not an array, not a class instance). */
  public object(field: string, value: unknown, what = 'a map of keys to values'): value is Record<string, unknown> {
    if (!isPlainObject(value)) return this.add(field, value, what);
    return true;
  }

  /** A list. */
  public array(field: string, value: unknown, what = 'a list'): value is unknown[] {
    if (!Array.isArray(value)) return this.add(field, value, what);
    return true;
  }

  /** A Go duration as External Secrets and Argo CD read them (`1m`, `90s`, `1h30m`). */
  public duration(field: string, value: unknown, example = '"5m", "90s" or "1h"'): boolean {
    if (typeof value !== 'string' || !DURATION.test(value)) return this.add(field, value, `a duration such as ${example}`);
    return true;
  }

  /** A container image pinned by a tag other than `latest`, or by an `@sha256:` digest. */
  public pinnedImage(field: string, value: unknown, fix?: string): boolean {
    if (typeof value !== 'string' || !isPinnedImage(value)) {
      return this.add(field, value, 'an image pinned by a version tag or digest (not "latest", not untagged)', fix);
    }
    return true;
  }

  /** An https URL. */
  public httpsUrl(field: string, value: unknown): boolean {
    if (typeof value !== 'string' || !/^https:\/\/[^\s/]+(\/\S*)?$/.test(value)) {
      return this.add(field, value, 'an https:// URL');
    }
    return true;
  }

  private join(field: string): string {
    if (!this.prefix) return field;
    return field.startsWith('[') ? `${this.prefix}${field}` : `${this.prefix}.${field}`;
  }
}

const QUANTITY_SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * The numeric value of a Kubernetes quantity (`250m` → 0.25, `1Gi` → 1073741824), or `undefined`
 * when the string is not in the quantity grammar. Precise enough to compare requests with limits.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
export function parseQuantity(value: string): number | undefined {
  const m = QUANTITY.exec(value);
  if (!m) return undefined;
  const suffix = m[3] ?? '';
  const number = Number(value.slice(0, value.length - suffix.length));
  if (/^[eE]/.test(suffix)) return number * 10 ** Number(suffix.slice(1));
  return number * QUANTITY_SUFFIX[suffix];
}

/** Label/annotation key grammar: `[prefix/]name`. */
export function isLabelKey(k: string): boolean {
  const parts = k.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (!name || name.length > 63 || !LABEL_KEY_NAME.test(name)) return false;
  if (parts.length === 2) {
    const prefix = parts[0];
    return prefix.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(prefix);
  }
  return true;
}

/** True for `{...}` objects (not arrays, not null, not class instances other than Object). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Reports keys of `value` that are not in `known` (a typo in a declaration is an error, never ignored). */
export function checkKnownKeys(problems: Problems, field: string, value: unknown, known: readonly string[]): void {
  if (!isPlainObject(value)) return;
  for (const k of Object.keys(value)) {
    if (!known.includes(k)) {
      problems.add(field ? `${field}.${k}` : k, value[k], `only the keys ${known.join(', ')}`, 'remove the key or fix its spelling');
    }
  }
}
