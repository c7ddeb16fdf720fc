/**
 * Small PromQL builders for the alert rules: label matchers, selectors and regular-expression
 * alternations, quoted and escaped so that a name is always a literal.
 *
 * @see https://prometheus.io/docs/prometheus/latest/querying/basics/#time-series-selectors
 */

/** A label matcher: label, operator, value (the value is quoted when rendered). */
export type Matcher = readonly [label: string, op: '=' | '!=' | '=~' | '!~', value: string];

/**
 * A PromQL string literal. PromQL double-quoted strings use Go's escapes, which JSON's escapes of
 * `"` and `\` match.
 */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** `metric{label="value", …}`. */
export function selector(metric: string, ...matchers: readonly Matcher[]): string {
  return `${metric}{${matchers.map(([label, op, value]) => `${label}${op}${quote(value)}`).join(', ')}}`;
}

/** A regular expression matching exactly one of `values` (each taken literally). */
export function anyOf(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/**
 * The series of `metric` for objects in `namespace`, whichever label holds it. A controller whose
 * ServiceMonitor does not honour the exporter's labels (the External Secrets and cert-manager chart
 * defaults) has the object's namespace renamed to `exported_namespace`, its own pod's namespace
 * taking `namespace`; with `honorLabels: true` it stays in `namespace`. Both forms are matched.
 */
export function inObjectNamespace(metric: string, namespace: string, ...matchers: readonly Matcher[]): string {
  return [
    selector(metric, ...matchers, ['namespace', '=', namespace]),
    'or',
    selector(metric, ...matchers, ['exported_namespace', '=', namespace]),
  ].join('\n');
}

/** Indents every line of `text` by `spaces`. */
export function indent(text: string, spaces = 2): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}
