/**
 * Writes JSON-like values as readable TypeScript literals (single quotes, bare keys where legal,
 * short objects on one line), for the files `npm run migrate` and `npm run new` generate.
 */

/** A piece of TypeScript written verbatim, e.g. `Exposure.loadBalancer({ ... })`. */
export class TsCode {
  constructor(public readonly code: string) {}
}

/** Width a one-line object or list may take, indentation included. */
const WIDTH = 110;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A string literal in single quotes. */
export function tsString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}

/** An object key: bare when it is an identifier, quoted otherwise. */
export function tsKey(k: string): string {
  return IDENTIFIER.test(k) ? k : tsString(k);
}

function inline(v: unknown): string {
  if (v instanceof TsCode) return v.code;
  if (v === null) return 'null';
  if (typeof v === 'string') return tsString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(inline).join(', ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (!entries.length) return '{}';
    return `{ ${entries.map(([k, x]) => `${tsKey(k)}: ${inline(x)}`).join(', ')} }`;
  }
  throw new Error(`cannot write ${typeof v} as TypeScript`);
}

/**
 * A value as TypeScript source at indentation `indent` (spaces); `prefix` is what precedes it on
 * its line (used to decide whether the one-line form fits).
 * @param comments comment lines to write above a property of the outermost object, by key
 */
export function tsValue(
  v: unknown,
  indent = 0,
  prefix = 0,
  comments: Readonly<Record<string, readonly string[]>> = {},
  forceMultiline = false,
): string {
  const one = inline(v);
  const fits = indent + prefix + one.length <= WIDTH && !one.includes('\n');
  if (!forceMultiline && (fits || v instanceof TsCode || v === null || typeof v !== 'object')) return one;
  const pad = ' '.repeat(indent + 2);
  if (Array.isArray(v)) {
    return `[\n${v.map((x) => `${pad}${tsValue(x, indent + 2)},`).join('\n')}\n${' '.repeat(indent)}]`;
  }
  const lines: string[] = [];
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined) continue;
    for (const c of comments[k] ?? []) lines.push(`${pad}// ${c}`);
    const key = `${tsKey(k)}: `;
    lines.push(`${pad}${key}${tsValue(x, indent + 2, key.length)},`);
  }
  return `{\n${lines.join('\n')}\n${' '.repeat(indent)}}`;
}
