/**
 * Kubernetes' limits on what the chart renders from the final values: labels, annotations and
 * resource quantities in the units of their resource.
 */
import { Problems, formatProblem } from '../../src/validation';
import { checkValueLimits } from '../../src/vcluster/values-limits';

const lines = (values: unknown) => {
  const p = new Problems();
  checkValueLimits(p, 'helmValues', values);
  return p.list.map((x) => formatProblem(x));
};

describe('checkValueLimits', () => {
  test('valid labels, annotations and quantities pass; sync patch labels are not object labels', () => {
    expect(
      lines({
        controlPlane: {
          statefulSet: {
            labels: { team: 'a' },
            annotations: { note: 'x' },
            resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: 2 } },
          },
        },
        sync: { toHost: { pods: { patches: [{ path: 'metadata.x', labels: {} }] } } },
      }),
    ).toEqual([]);
  });

  test('throws on a label value over 63 characters', () => {
    expect(lines({ controlPlane: { statefulSet: { podLabels: { team: 'a'.repeat(64) } } } })).toEqual([
      `helmValues.controlPlane.statefulSet.podLabels["team"]: "${'a'.repeat(64)}" is not allowed. Allowed: a label value: a string of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit.`,
    ]);
  });

  test('throws on annotations over 256 KiB', () => {
    const big = { a: 'x'.repeat(256 * 1024) };
    expect(lines({ controlPlane: { service: { annotations: big } } })[0]).toMatch(
      /^helmValues\.controlPlane\.service\.annotations: \{"a":"x+\.\.\. is not allowed\. Allowed: annotations of at most 256 KiB in total, keys and values \(Kubernetes refuses the object otherwise; these have 262145 bytes\)\./,
    );
  });

  test('throws on a quantity in the wrong unit', () => {
    expect(lines({ controlPlane: { coredns: { deployment: { resources: { limits: { memory: '170m', cpu: '1Ki' } } } } } })).toEqual([
      'helmValues.controlPlane.coredns.deployment.resources.limits.memory: "170m" is not allowed. Allowed: bytes with a byte suffix, such as "512Mi", "2Gi" or "1G" (not "m", which means a thousandth of a byte).',
      'helmValues.controlPlane.coredns.deployment.resources.limits.cpu: "1Ki" is not allowed. Allowed: CPU in cores or millicores, such as "2", "1.5" or "250m" (cpu is not counted in bytes).',
    ]);
  });
});
