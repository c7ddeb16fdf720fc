/**
 * Exceptions to the Helm values guard: their shape (closed rule set, guard paths, a reason) and
 * what they cover.
 */
import { Problems, formatProblem } from '../../src/validation';
import { GUARD_RULE_NAMES, GuardFinding, STRICT_ISOLATION_RULES, checkGuardExceptions, covers } from '../../src/vcluster/exceptions';

const lines = (exceptions: unknown) => {
  const p = new Problems();
  checkGuardExceptions(p, 'exceptions', exceptions);
  return p.list.map((x) => formatProblem(x));
};
const ok = { rule: 'hostPath', path: 'controlPlane.statefulSet.persistence.addVolumes[0]', reason: 'node-local image cache' };

describe('checkGuardExceptions', () => {
  test('a well-formed list passes (paths with list items and odd keys too)', () => {
    expect(
      lines([ok, { rule: 'hostSecretMapping', path: 'sync.fromHost.secrets.mappings.byName["ns/name"]', reason: 'the platform token' }]),
    ).toEqual([]);
    expect(lines(undefined)).toEqual([]);
  });

  test.each<[string, unknown, string]>([
    [
      'not a list',
      { rule: 'hostPath' },
      'exceptions: {"rule":"hostPath"} is not allowed. Allowed: a list of exceptions { rule, path, reason }.',
    ],
    ['an item that is no object', ['hostPath'], 'exceptions[0]: "hostPath" is not allowed. Allowed: an exception { rule, path, reason }.'],
    [
      'an unknown rule',
      [{ ...ok, rule: 'all' }],
      `exceptions[0].rule: "all" is not allowed. Allowed: one of ${GUARD_RULE_NAMES.map((r) => `"${r}"`).join(', ')}.`,
    ],
    [
      'a path with the helmValues prefix',
      [{ ...ok, path: 'helmValues.controlPlane' }],
      'exceptions[0].path: "helmValues.controlPlane" is not allowed. Allowed: a Helm values path as the guard names it, e.g. "controlPlane.statefulSet.persistence.addVolumes[0]" (no "helmValues." prefix).',
    ],
    [
      'a path that is no path',
      [{ ...ok, path: 'controlPlane..x' }],
      'exceptions[0].path: "controlPlane..x" is not allowed. Allowed: a Helm values path as the guard names it, e.g. "controlPlane.statefulSet.persistence.addVolumes[0]" (no "helmValues." prefix).',
    ],
    [
      'a reason too short to say anything',
      [{ ...ok, reason: 'needed' }],
      'exceptions[0].reason: "needed" is not allowed. Allowed: a reason of at least 10 characters saying why the exception is needed.',
    ],
    [
      'an unknown key',
      [{ ...ok, until: '2027' }],
      'exceptions[0].until: "2027" is not allowed. Allowed: only the keys rule, path, reason. Fix: remove the key or fix its spelling',
    ],
    [
      'the same exception twice',
      [ok, ok],
      'exceptions[1]: {"rule":"hostPath","path":"controlPlane.statefulSet.persistence.addVolumes[0]"} is not allowed. Allowed: one exception per rule and path (exceptions[0] has the same).',
    ],
  ])('throws on %s', (_what, exceptions, expected) => {
    expect(lines(exceptions)).toEqual([expected]);
  });
});

describe('covers', () => {
  const finding = (rule: string, path: string): GuardFinding => ({ rule: rule as never, path, value: true, why: '' });
  test('the same rule at the path or below it, at a key or list boundary', () => {
    const e = { rule: 'hostPath' as const, path: 'a.b', reason: 'node-local image cache' };
    expect(covers(e, finding('hostPath', 'a.b'))).toBe(true);
    expect(covers(e, finding('hostPath', 'a.b.c'))).toBe(true);
    expect(covers(e, finding('hostPath', 'a.b[0]'))).toBe(true);
    expect(covers(e, finding('hostPath', 'a.bc'))).toBe(false);
    expect(covers(e, finding('privileged', 'a.b'))).toBe(false);
  });

  test('strict isolation admits no exception to the pod rules or host Secret mappings', () => {
    expect(STRICT_ISOLATION_RULES).toEqual([
      'privileged',
      'hostPath',
      'hostNetwork',
      'hostPID',
      'hostIPC',
      'capabilities',
      'hostSecretMapping',
    ]);
  });
});
