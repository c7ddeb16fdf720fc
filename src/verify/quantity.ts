/**
 * Kubernetes resource quantities (`500m`, `2`, `1536Mi`, `1e3`) as plain numbers of base units
 * (cores, bytes, counts), and back to short text for messages.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */

const SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
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

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** The number a quantity stands for (cores for `cpu`, bytes for memory), or undefined when it is not one. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string') return undefined;
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[3] !== undefined) return base * 10 ** Number(m[3]);
  return base * SUFFIX[m[2] ?? ''];
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
