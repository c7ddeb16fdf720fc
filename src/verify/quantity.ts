/**
 * Kubernetes resource quantities (`500m`, `2`, `1536Mi`, `1e3`) as plain numbers of base units
 * (cores, bytes, counts), and back to short text for messages.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */

import { parseQuantity as parseQuantityText } from '../validation';

/**
 * The number a quantity stands for (cores for `cpu`, bytes for memory), or undefined when it is not
 * one. Rendered objects may carry a quantity as a YAML number or with surrounding blanks.
 */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  return typeof q === 'string' ? parseQuantityText(q.trim()) : undefined;
}

/** Rounds away float noise (sums of `0.1` steps) so comparisons and output are stable. */
export function tidy(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}

/** Short text for a value of `resource`: `9.5` (cores), `16Gi`, `1536Mi`, `20` (counts). */
export function formatQuantity(resource: string, n: number): string {
  const v = tidy(n);
  if (/memory|storage/.test(resource)) {
    for (const [unit, size] of [
      ['Gi', 2 ** 30],
      ['Mi', 2 ** 20],
      ['Ki', 2 ** 10],
    ] as const) {
      if (Math.abs(v) >= size && Number.isInteger(tidy((v / size) * 100))) return `${tidy(v / size)}${unit}`;
    }
    return String(v);
  }
  if (/cpu/.test(resource) && !Number.isInteger(v) && Number.isInteger(tidy(v * 1000)) && Math.abs(v) < 1) return `${tidy(v * 1000)}m`;
  return String(v);
}
