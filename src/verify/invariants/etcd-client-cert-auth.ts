/**
 * A deployed etcd keeps client-certificate authentication: `--client-cert-auth` and
 * `--peer-client-cert-auth` are effectively true. etcd parses its command line with Go's `flag`
 * package: the last occurrence of a flag wins (an `--client-cert-auth=false` appended through
 * `extraArgs` overrides the chart's `=true`), a bare flag means true, and the `ETCD_*` environment
 * variable counts only when the flag is absent. Without it, every pod that reaches port 2379 (every
 * tenant pod of the namespace) can read and write the vcluster's datastore.
 */
import { Invariant, Json, Violation, WholeVCluster, at, listAt, stringsAt, violation } from '../model';
import { containersOf } from '../pods';

const ID = 'etcd-client-cert-auth';
const FLAGS = ['client-cert-auth', 'peer-client-cert-auth'] as const;

/** Go's `strconv.ParseBool` true values. */
const TRUE = ['1', 't', 'T', 'true', 'TRUE', 'True'];

/** True for a container that runs the etcd server. */
export function isEtcd(c: Json): boolean {
  const command = stringsAt(c, 'command');
  if (command.length) return /(^|\/)etcd$/.test(command[0]);
  return c.name === 'etcd' && /(^|\/)etcd[:@]/.test(String(c.image ?? ''));
}

/** The effective value of a boolean etcd flag and where it came from. */
export function etcdFlag(c: Json, flag: string): { value: boolean; from: string } {
  const argv = [...stringsAt(c, 'command').slice(1), ...stringsAt(c, 'args')];
  let found: { value: boolean; from: string } | undefined;
  for (const a of argv) {
    const m = /^--?([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m || m[1] !== flag) continue;
    found = { value: m[2] === undefined || TRUE.includes(m[2]), from: a };
  }
  if (found) return found;
  const envName = `ETCD_${flag.toUpperCase().split('-').join('_')}`;
  const env = listAt(c, 'env').find((e) => e.name === envName);
  if (env && typeof env.value === 'string') return { value: TRUE.includes(env.value), from: `env ${envName}=${env.value}` };
  return { value: false, from: 'not set (etcd defaults to false)' };
}

function check(v: WholeVCluster): Violation[] {
  const out: Violation[] = [];
  for (const m of v.objects) {
    const spec = at(m.obj, 'spec', 'template', 'spec') ?? (m.obj.kind === 'Pod' ? at(m.obj, 'spec') : undefined);
    if (spec === undefined) continue;
    for (const { container } of containersOf(spec as Json)) {
      if (!isEtcd(container)) continue;
      for (const flag of FLAGS) {
        const f = etcdFlag(container, flag);
        if (f.value) continue;
        const who =
          flag === 'client-cert-auth'
            ? 'any client that reaches port 2379 (every pod of the namespace)'
            : 'any peer that reaches port 2380';
        out.push(
          violation(
            ID,
            v,
            m,
            `container ${String(container.name)} runs etcd with --${flag} effectively false (${f.from}): ${who} can read and write the datastore`,
            `remove the overriding --${flag} argument (e.g. from controlPlane.backingStore.etcd.deploy.statefulSet.extraArgs); the chart sets --${flag}=true`,
          ),
        );
      }
    }
  }
  return out;
}

/** etcd keeps client-certificate auth. */
export const etcdClientCertAuth: Invariant = {
  id: ID,
  summary: 'every etcd container runs with --client-cert-auth and --peer-client-cert-auth effectively true',
  check,
};
