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

/** Longest rendering of a value in a message (longer ones are cut, with their length said). */
const MAX_SHOWN = 160;

/**
 * Renders a value for an error message: strings quoted, objects as compact JSON, and what JSON
 * cannot say said plainly (`NaN`, `Infinity`, `-0`, `undefined`, functions, cycles). Long values are
 * cut to 160 characters; a cut string says how long it was.
 */
export function showValue(value: unknown): string {
  let text: string;
  try {
    text = render(value, 0, new Set());
  } catch {
    text = '[a value that cannot be read]';
  }
  if (text.length <= MAX_SHOWN) return text;
  const length = typeof value === 'string' ? ` (${value.length} characters)` : '';
  return `${text.slice(0, MAX_SHOWN - 3)}...${length}`;
}

/** One value as compact JSON where JSON can say it (see {@link showValue}). */
function render(v: unknown, depth: number, seen: Set<unknown>): string {
  switch (typeof v) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return JSON.stringify(v.length > MAX_SHOWN ? v.slice(0, MAX_SHOWN) : v);
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'boolean':
    case 'bigint':
    case 'symbol':
      return String(v);
    case 'function':
      return `[function ${(v as { name?: string }).name || '(anonymous)'}]`;
  }
  if (v === null) return 'null';
  if (seen.has(v)) return '[circular]';
  if (depth > 12) return Array.isArray(v) ? '[...]' : '{...}';
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(v) ?? String(v);
  seen.add(v);
  const parts: string[] = [];
  let size = 0;
  const items: Array<[string | undefined, unknown]> = Array.isArray(v)
    ? Array.from(v, (x) => [undefined, x])
    : Object.keys(v as object).map((k) => [k, (v as Record<string, unknown>)[k]]);
  for (const [k, x] of items) {
    if (size > MAX_SHOWN) break; // the rest is cut anyway
    if (k !== undefined && (x === undefined || typeof x === 'function')) continue;
    const part = `${k === undefined ? '' : `${JSON.stringify(k)}:`}${render(x === undefined ? null : x, depth + 1, seen)}`;
    parts.push(part);
    size += part.length + 1;
  }
  seen.delete(v);
  return Array.isArray(v) ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
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

/**
 * Thrown when the site configuration (not the vcluster being built) is at fault, e.g. a
 * registration convention of the platform that throws or returns a bad map: the fleet blames the
 * platform file, once.
 */
export class PlatformError extends ValidationError {
  constructor(problems: readonly Problem[]) {
    super(problems, 'platform configuration');
    this.name = 'PlatformError';
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
/** DNS-1035 label: what Kubernetes accepts for Service names (a DNS-1123 label that starts with a letter). */
export const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Kubernetes' limit on the total size of an object's annotations: keys and values, in bytes. */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;
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

  /**
   * A DNS-1035 label of at most `max` characters: a DNS-1123 label that starts with a letter, as
   * Kubernetes requires of Service names.
   */
  public dns1035Label(field: string, value: unknown, max = 63, fix?: string): boolean {
    if (!this.dnsLabel(field, value, max, fix)) return false;
    if (!DNS_1035_LABEL.test(value as string)) {
      return this.add(
        field,
        value,
        'a name that starts with a letter (a DNS-1035 label: the chart names a Service after it, and Service names must start with a letter)',
        fix,
      );
    }
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

  /**
   * The quantity of one resource, in the units of that resource: CPU in cores or millicores
   * (`"2"`, `"1.5"`, `"250m"`), bytes with a byte suffix (`"512Mi"`, `"2Gi"`, `"1G"`; at least 1Mi
   * unless 0), object counts as whole numbers, anything else in the quantity grammar.
   * @param resource the resource name, e.g. `cpu`, `memory`, `requests.storage`, `pods`
   */
  public resourceQuantity(field: string, resource: string, value: unknown): boolean {
    if (!this.quantity(field, value)) return false;
    const kind = resourceKind(resource);
    const q = value as string;
    const n = parseQuantity(q) ?? 0;
    if (kind === 'cpu') {
      if (!/^(\d+(\.\d{1,3})?|\.\d{1,3}|\d+m)$/.test(q)) {
        return this.add(field, value, `CPU in cores or millicores, such as "2", "1.5" or "250m" (${resource} is not counted in bytes)`);
      }
      if (n > MAX_CPU_CORES) return this.add(field, value, `at most ${MAX_CPU_CORES} cores`);
    } else if (kind === 'bytes') {
      if (!/^(\d+(\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.test(q)) {
        return this.add(
          field,
          value,
          `bytes with a byte suffix, such as "512Mi", "2Gi" or "1G" (not "m", which means a thousandth of a byte)`,
        );
      }
      if (n !== 0 && n < 2 ** 20)
        return this.add(field, value, 'at least 1Mi (or 0): a size in bytes this small is a missing unit', `write e.g. "${q}Mi"`);
      if (n > MAX_BYTES) return this.add(field, value, 'at most 1Pi');
    } else if (kind === 'count' && !/^\d+$/.test(q)) {
      return this.add(field, value, `a whole number of objects, such as "20" (${resource} counts objects)`);
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
      if (!isLabelKey(k) || UNSAFE_KEYS.includes(k))
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
      if (!isLabelKey(k) || UNSAFE_KEYS.includes(k)) {
        ok = this.add(
          `${field}[${JSON.stringify(k)}]`,
          k,
          'an annotation key in the label-key grammar, other than "constructor" and "prototype"',
        );
      }
      if (typeof v !== 'string') ok = this.add(`${field}[${JSON.stringify(k)}]`, v, 'a string value (quote numbers and booleans)');
    }
    const bytes = annotationBytes(value);
    if (bytes > MAX_ANNOTATIONS_BYTES) {
      ok = this.add(
        field,
        value,
        `annotations of at most 256 KiB in total, keys and values (Kubernetes refuses the object otherwise; these have ${bytes} bytes)`,
        'keep large data out of annotations',
      );
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
  if (/^[eE][+-]?\d+$/.test(suffix)) return number * 10 ** Number(suffix.slice(1));
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

/** The most CPU a quantity may name: more is a unit mistake (e.g. `1.5Gi` of CPU is 1.6 billion cores). */
export const MAX_CPU_CORES = 10_000;
/** The most bytes a quantity may name (1Pi): more is a unit mistake. */
export const MAX_BYTES = 2 ** 50;

/** How a resource is measured: CPU, bytes, a count of objects, or something else (extended resources). */
export function resourceKind(resource: string): 'cpu' | 'bytes' | 'count' | 'other' {
  const name = resource.replace(/^(requests|limits)\./, '');
  if (name === 'cpu') return 'cpu';
  if (
    ['memory', 'storage', 'ephemeral-storage'].includes(name) ||
    name.startsWith('hugepages-') ||
    name.endsWith('.storageclass.storage.k8s.io/requests.storage')
  ) {
    return 'bytes';
  }
  if (name === resource && (/^count\//.test(name) || COUNTED_RESOURCES.includes(name))) return 'count';
  return 'other';
}

/** ResourceQuota resources that count objects. */
const COUNTED_RESOURCES = [
  'pods',
  'services',
  'services.loadbalancers',
  'services.nodeports',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'replicationcontrollers',
  'resourcequotas',
];

/** The size of an annotation map as Kubernetes counts it: the bytes of every key and value. */
export function annotationBytes(annotations: Record<string, unknown>): number {
  let bytes = 0;
  for (const [k, v] of Object.entries(annotations)) {
    bytes += Buffer.byteLength(k, 'utf8') + (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 0);
  }
  return bytes;
}

/** IPv4 ranges no load-balancer address may come from, with what they are. */
const SPECIAL_IPV4: ReadonlyArray<[cidr: string, what: string]> = [
  ['0.0.0.0/8', 'an unspecified ("this network") address (0.0.0.0/8)'],
  ['127.0.0.0/8', 'a loopback address (127.0.0.0/8)'],
  ['169.254.0.0/16', 'a link-local address (169.254.0.0/16)'],
  ['224.0.0.0/4', 'a multicast address (224.0.0.0/4)'],
  ['240.0.0.0/4', 'a reserved address (240.0.0.0/4, with the broadcast address 255.255.255.255)'],
];

/**
 * What makes an IPv4 address (or the network of a CIDR) unusable as a service address: loopback,
 * unspecified, link-local, multicast, reserved or broadcast; `undefined` for an ordinary address.
 */
export function specialIpv4(address: string): string | undefined {
  if (!Address4.isValid(address)) return undefined;
  const a = new Address4(address);
  for (const [cidr, what] of SPECIAL_IPV4) {
    const range = new Address4(cidr);
    if (a.isInSubnet(range) || (a.subnetMask < range.subnetMask && range.isInSubnet(a))) return what;
  }
  return undefined;
}

/** Keys that change how every object behaves when written into one (`obj[key] = ...`). */
export const UNSAFE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** How a field path names a key: `.key` for a plain key, `["k.e/y"]` otherwise. */
export function keyPath(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key) && !UNSAFE_KEYS.includes(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Options of {@link checkPlainData}. */
export interface PlainDataOptions {
  /** Whether a function is allowed at this field path (e.g. the site's registration conventions). @default - never */
  readonly functionAt?: (path: string) => boolean;
  /** What to check instead of an object that is not plain data (e.g. an exposure's options); `undefined` refuses it. @default - refuse */
  readonly instead?: (path: string, value: object) => unknown;
}

/** Deeper than this, input is refused (a hostile declaration could otherwise exhaust the stack). */
const MAX_DEPTH = 64;

/**
 * Refuses what plain data written as a literal never contains, at any depth: the keys
 * `__proto__`, `constructor` and `prototype`; objects whose prototype is not `Object.prototype`
 * (in an object literal `{ __proto__: x }` sets the prototype instead of adding a key) or that are
 * class instances; getters and setters; symbol keys; functions; cycles; absurd nesting. Each
 * problem names the field path.
 */
export function checkPlainData(problems: Problems, field: string, value: unknown, options: PlainDataOptions = {}): boolean {
  const before = problems.list.length;
  walkPlain(problems, field, value, options, [], 0);
  return problems.list.length === before;
}

function walkPlain(problems: Problems, path: string, value: unknown, o: PlainDataOptions, stack: object[], depth: number): void {
  if (typeof value === 'function') {
    if (!o.functionAt?.(path)) problems.add(path, value, 'plain data (strings, numbers, booleans, lists and maps), not a function');
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (stack.includes(value)) {
    problems.add(path, '[circular]', 'plain data that does not contain itself');
    return;
  }
  if (depth > MAX_DEPTH) {
    problems.add(path, value, `plain data nested at most ${MAX_DEPTH} levels deep`);
    return;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    const substitute = o.instead?.(path, value);
    if (substitute !== undefined) return walkPlain(problems, path, substitute, o, [...stack, value], depth + 1);
    problems.add(path, value, notPlainMessage(proto));
    return;
  }
  if (Array.isArray(value) && proto !== Array.prototype) {
    problems.add(path, value, 'a list literal [...]');
    return;
  }
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === 'symbol') {
      problems.add(path, String(key), 'plain data without symbol keys');
      continue;
    }
    if (Array.isArray(value) && key === 'length') continue;
    const at = Array.isArray(value) && /^\d+$/.test(key) ? `${path}[${key}]` : keyPath(path, key);
    const d = Object.getOwnPropertyDescriptor(value, key)!;
    if (!('value' in d)) {
      problems.add(
        at,
        d.get ? '[getter]' : '[setter]',
        'a plain value, not a getter or setter (it could change between the check and the use)',
      );
      continue;
    }
    if (UNSAFE_KEYS.includes(key)) {
      problems.add(
        at,
        d.value,
        'no key named "__proto__", "constructor" or "prototype" (writing one into an object changes how every object behaves)',
        'remove the key',
      );
      continue;
    }
    walkPlain(problems, at, d.value, o, [...stack, value], depth + 1);
  }
}

function notPlainMessage(proto: object): string {
  const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as { name?: string } | undefined;
  if (typeof ctor === 'function' && ctor.name && ctor.name !== 'Object') {
    return `plain data: a map literal {...}, not a ${ctor.name}`;
  }
  return 'a plain map literal {...}: "__proto__" written in an object literal sets its prototype instead of adding a key';
}

/** Freezes `value` and everything reachable from it (own properties, prototypes excepted). */
export function deepFreeze<T>(value: T): T {
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v)) return;
    seen.add(v);
    for (const key of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key);
      if (d && 'value' in d) visit(d.value);
    }
    Object.freeze(v);
  };
  visit(value);
  return value;
}
