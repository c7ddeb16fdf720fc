/**
 * The vcluster's own pods pass the Pod Security level its namespace enforces
 * (`pod-security.kubernetes.io/enforce` on our Namespace object): the control plane, etcd, synced
 * CoreDNS and our Jobs. Pod Security Admission refuses every pod that breaks a check, so a
 * `restricted` namespace with a control plane running as root never gets its control plane.
 * Checked: baseline (host namespaces, privileged, capabilities beyond the baseline set, hostPath
 * volumes, host ports, unconfined seccomp, non-default /proc mount) and restricted (also: volume
 * types, allowPrivilegeEscalation false, runAsNonRoot, no runAsUser 0, seccomp RuntimeDefault or
 * Localhost, capabilities drop ALL and add at most NET_BIND_SERVICE).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
import { Invariant, Json, Violation, WholeVCluster, at, kindOf, listAt, nameOf, objAt, stringsAt, violation } from '../model';
import { containersOf, podsOf } from '../pods';
import { BASELINE_CAPABILITIES } from '../../vcluster/guard-scans';

const ID = 'pod-security-admits';

const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** What the baseline level refuses in a pod spec. */
export function baselineProblems(spec: Json): string[] {
  const out: string[] = [];
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[f] === true) out.push(`${f}: true`);
  for (const v of listAt(spec, 'volumes')) if ('hostPath' in v) out.push(`hostPath volume ${String(v.name)}`);
  if (at(spec, 'securityContext', 'seccompProfile', 'type') === 'Unconfined') out.push('pod seccompProfile Unconfined');
  for (const { container: c } of containersOf(spec)) {
    const sc = objAt(c, 'securityContext');
    const name = `container ${String(c.name)}`;
    if (sc.privileged === true) out.push(`${name} privileged`);
    const extra = stringsAt(sc, 'capabilities', 'add').filter((x) => !BASELINE_CAPABILITIES.includes(x));
    if (extra.length) out.push(`${name} adds capabilities ${extra.join(', ')}`);
    if (listAt(c, 'ports').some((p) => typeof p.hostPort === 'number' && p.hostPort !== 0)) out.push(`${name} uses a hostPort`);
    if (at(sc, 'seccompProfile', 'type') === 'Unconfined') out.push(`${name} seccompProfile Unconfined`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') out.push(`${name} procMount ${String(sc.procMount)}`);
  }
  return out;
}

/** What the restricted level refuses beyond baseline in a pod spec. */
export function restrictedProblems(spec: Json): string[] {
  const out: string[] = [];
  const pod = objAt(spec, 'securityContext');
  for (const v of listAt(spec, 'volumes')) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type && !RESTRICTED_VOLUMES.includes(type)) out.push(`volume ${String(v.name)} of type ${type}`);
  }
  if (pod.runAsUser === 0) out.push('pod runAsUser 0');
  const podSeccomp = at(pod, 'seccompProfile', 'type');
  for (const { container: c } of containersOf(spec)) {
    const sc = objAt(c, 'securityContext');
    const name = `container ${String(c.name)}`;
    if (sc.allowPrivilegeEscalation !== false) out.push(`${name} does not set allowPrivilegeEscalation: false`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) out.push(`${name} does not set runAsNonRoot: true`);
    if (sc.runAsUser === 0) out.push(`${name} runAsUser 0`);
    const seccomp = at(sc, 'seccompProfile', 'type') ?? podSeccomp;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`${name} has no seccompProfile RuntimeDefault or Localhost`);
    if (!stringsAt(sc, 'capabilities', 'drop').includes('ALL')) out.push(`${name} does not drop ALL capabilities`);
    const extra = stringsAt(sc, 'capabilities', 'add').filter((x) => x !== 'NET_BIND_SERVICE');
    if (extra.length) out.push(`${name} adds capabilities ${extra.join(', ')}`);
  }
  return out;
}

/** The enforced Pod Security level of each namespace we declare. */
function enforcedLevels(v: WholeVCluster): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of v.objects.filter((x) => x.origin === 'ours' && kindOf(x.obj) === 'Namespace')) {
    const level = at(m.obj, 'metadata', 'labels', 'pod-security.kubernetes.io/enforce');
    if (level === 'baseline' || level === 'restricted') out.set(nameOf(m.obj), level);
  }
  return out;
}

function check(v: WholeVCluster): Violation[] {
  const levels = enforcedLevels(v);
  if (!levels.size) return [];
  const out: Violation[] = [];
  for (const p of podsOf(v)) {
    const level = levels.get(p.namespace);
    if (!level) continue;
    const problems = [...baselineProblems(p.spec), ...(level === 'restricted' ? restrictedProblems(p.spec) : [])];
    if (!problems.length) continue;
    out.push(
      violation(
        ID,
        v,
        p.owner,
        `namespace ${p.namespace} enforces Pod Security '${level}', which refuses the pods of ${p.what}: ${problems.join('; ')}`,
        level === 'restricted'
          ? "enforce 'baseline' for this vcluster (its control plane runs as root), or set the pods' security contexts to meet 'restricted'"
          : "set the pods' security contexts to meet 'baseline'",
      ),
    );
  }
  return out;
}

/** Pod Security Admission admits the vcluster's own pods. */
export const podSecurityAdmits: Invariant = {
  id: ID,
  summary: "the Pod Security level the namespace enforces admits the vcluster's own pods (control plane, etcd, synced CoreDNS, our Jobs)",
  check,
};
