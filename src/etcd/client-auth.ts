/**
 * Client-certificate authentication of the etcd the vcluster chart deploys. The chart starts etcd
 * with TLS on every listener and `--client-cert-auth=true` / `--peer-client-cert-auth=true`, with
 * certificates from its own `<release>-certs` Secret; `statefulSet.extraArgs` come later on the
 * command line and win. An argument that turns the verification off, or opens a plaintext
 * listener, lets every pod that reaches port 2379 (every tenant pod runs in that namespace) read
 * and write the whole datastore. These checks refuse such arguments wherever they come from.
 */
import { Problems } from '../validation';
import { valueAtPath } from '../vcluster/helm-values';

/** Path of the deployed etcd's extra arguments inside the chart's `controlPlane.backingStore` values. */
export const ETCD_EXTRA_ARGS_PATH: readonly string[] = ['etcd', 'deploy', 'statefulSet', 'extraArgs'];

/** The etcd flags whose verification of client (and peer) certificates must stay on. */
const CERT_AUTH_FLAGS: readonly string[] = ['client-cert-auth', 'peer-client-cert-auth'];

/** The etcd flags naming listeners, which must stay TLS (`https://`, `unix(s)://` sockets inside the pod aside). */
const LISTENER_FLAGS: readonly string[] = ['listen-client-urls', 'listen-client-http-urls', 'listen-peer-urls'];

/** Go's `strconv.ParseBool` spellings of false (how etcd reads a boolean flag). */
const FALSE_SPELLINGS: readonly string[] = ['0', 'f', 'F', 'false', 'FALSE', 'False'];

/** What is wrong with one etcd argument, or `undefined` when it keeps client-certificate auth. */
export function weakensClientAuth(arg: string): string | undefined {
  const m = /^--?([a-z-]+)(?:=(.*))?$/s.exec(arg.trim());
  if (!m) return undefined;
  const [, flag, value] = m;
  if (CERT_AUTH_FLAGS.includes(flag) && value !== undefined && FALSE_SPELLINGS.includes(value.trim())) {
    return `--${flag}=${value} switches off the verification of ${flag.startsWith('peer') ? 'peer' : 'client'} certificates: etcd then accepts any ${flag.startsWith('peer') ? 'member' : 'client'} that reaches it, and every tenant pod runs in the vcluster's namespace`;
  }
  if (LISTENER_FLAGS.includes(flag) && value !== undefined && value.split(',').some((u) => /^\s*http:\/\//i.test(u))) {
    return `--${flag} with an http:// URL opens a plaintext listener, where no client certificate is asked for`;
  }
  return undefined;
}

/**
 * Checks a deployed etcd's extra arguments: each must keep TLS with client-certificate auth.
 * @param field the field holding the list, e.g. `backingStore.etcd.deploy.statefulSet.extraArgs`
 */
export function checkEtcdClientAuth(problems: Problems, field: string, extraArgs: unknown): void {
  if (!Array.isArray(extraArgs)) return;
  extraArgs.forEach((arg, i) => {
    if (typeof arg !== 'string') return;
    const why = weakensClientAuth(arg);
    if (!why) return;
    problems.add(
      `${field}[${i}]`,
      arg,
      `etcd arguments that keep TLS with client-certificate auth (the chart's own certificates in <release>-certs already secure it): ${why}`,
      'remove the argument; clients that need etcd (backups, metrics) use a client certificate signed by the chart CA in <release>-certs',
    );
  });
}

/** Checks the etcd arguments inside `controlPlane.backingStore` values (`field` names that map). */
export function checkBackingStoreEtcdArgs(problems: Problems, field: string, backingStore: unknown): void {
  checkEtcdClientAuth(problems, `${field}.${ETCD_EXTRA_ARGS_PATH.join('.')}`, valueAtPath(backingStore, ETCD_EXTRA_ARGS_PATH));
}
