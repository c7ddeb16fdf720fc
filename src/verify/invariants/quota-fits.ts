/**
 * A ResourceQuota of the vcluster's namespace admits the vcluster's own pods and leaves room for
 * its tenants. Its own pods: the control plane and etcd of the chart, CoreDNS synced from inside
 * (it runs in the host namespace and counts like any pod), our Jobs while they run, each
 * container with the LimitRange defaults it gets. Checked per quota key, first failure only:
 * 1. every container has a value for each compute resource the quota constrains (else refused);
 * 2. the own pods fit (`own ≤ hard`);
 * 3. the tenant allowance fits too: one tenant pod with one container at the LimitRange defaults
 *    (a resource with no default: any room left), i.e. `own + allowance ≤ hard`;
 * 4. a rollout fits: the largest Deployment surge on top of the own pods.
 * Quotas with `scopes` or a `scopeSelector` are not checked (they count only some pods). Also
 * reported: containers the LimitRange refuses (request above the defaulted limit, beyond max/min).
 */
import { Invariant, Manifest, Violation, WholeVCluster, at, nameOf, namespaceOf, objAt, ofKind, stringsAt, violation } from '../model';
import { PodModel, podsOf } from '../pods';
import { formatQuantity, parseQuantity, tidy } from '../quantity';
import { Compute, EffectiveContainer, LimitRangeDefaults, Side, effectiveContainers, limitRangeOf, podUsage } from '../resources';
import { objectCounts } from './quota-objects';

const ID = 'quota-fits';

/** What a quota key measures for pods. */
type PodKey = { side: Side; resource: Compute } | 'pods';

function podKey(key: string): PodKey | undefined {
  if (key === 'pods' || key === 'count/pods') return 'pods';
  const m = /^(requests\.|limits\.)?(cpu|memory|ephemeral-storage)$/.exec(key);
  if (!m) return undefined;
  return { side: m[1] === 'limits.' ? 'limits' : 'requests', resource: m[2] as Compute };
}

interface Pod {
  readonly model: PodModel;
  readonly containers: readonly EffectiveContainer[];
}

function usage(p: Pod, k: PodKey): number | undefined {
  return k === 'pods' ? 1 : podUsage(p.containers, k.side, k.resource);
}

function contribution(p: Pod, k: PodKey, key: string, n: number): string {
  const one = usage(p, k)!;
  const lr = k !== 'pods' && p.containers.some((c) => c.defaulted.has(`${k.side}.${k.resource}`)) ? ' (LimitRange default)' : '';
  return `${p.model.what} ${n} × ${formatQuantity(key, one)}${lr}`;
}

/** The tenant allowance for one key: one pod, one container at the LimitRange defaults. */
function allowance(k: PodKey, lr: LimitRangeDefaults): { value: number; text: string } {
  if (k === 'pods') return { value: 1, text: 'one tenant pod' };
  const d = (k.side === 'limits' ? lr.default : lr.defaultRequest)[k.resource];
  return d === undefined
    ? { value: Number.MIN_VALUE, text: 'any room for a tenant pod' }
    : { value: d, text: `one tenant container at the LimitRange default ${formatQuantity(k.resource, d)}` };
}

function checkKey(
  v: WholeVCluster,
  q: Manifest,
  key: string,
  hard: number,
  pods: readonly Pod[],
  lr: LimitRangeDefaults,
): Violation | undefined {
  const k = podKey(key);
  if (!k) return undefined;
  const show = (n: number) => formatQuantity(key, n);
  for (const p of pods) {
    if (usage(p, k) !== undefined) continue;
    const c = p.containers.find((x) => k !== 'pods' && x[k.side][k.resource] === undefined)!;
    return violation(
      ID,
      v,
      p.model.owner,
      `quota ${nameOf(q.obj)} constrains ${key} but container ${c.name} of ${p.model.what} sets none and no LimitRange gives a default: its pods are refused`,
      `set resources.${key.includes('.') ? key : `requests.${key}`} on it, or a LimitRange default`,
    );
  }
  const own = tidy(pods.reduce((s, p) => s + usage(p, k)! * p.model.replicas, 0));
  const parts = pods.filter((p) => usage(p, k)! > 0).map((p) => contribution(p, k, key, p.model.replicas));
  if (own > hard) {
    return violation(
      ID,
      v,
      q,
      `the vcluster's own pods need ${key} ${show(own)} (${parts.join(' + ')}) but the quota allows ${show(hard)}: some of them are refused admission`,
      `raise ${key} to at least ${show(own)} plus a tenant allowance, or give the own pods less`,
    );
  }
  const a = allowance(k, lr);
  if (own + a.value > hard) {
    return violation(
      ID,
      v,
      q,
      `the vcluster's own pods use ${key} ${show(own)} of ${show(hard)} (${parts.join(' + ')}), leaving no room for ${a.text}`,
      `raise ${key} to at least ${show(tidy(own + (a.value > Number.MIN_VALUE ? a.value : 0)))} plus what the tenants need`,
    );
  }
  const surging = pods.filter((p) => p.model.surge > 0).sort((x, y) => usage(y, k)! * y.model.surge - usage(x, k)! * x.model.surge)[0];
  if (surging && own + usage(surging, k)! * surging.model.surge > hard) {
    const extra = usage(surging, k)! * surging.model.surge;
    return violation(
      ID,
      v,
      q,
      `a rollout of ${surging.model.what} adds ${show(extra)} of ${key} (maxSurge ${surging.model.surge}) to the own ${show(own)}, above the quota's ${show(hard)}: the rollout stalls`,
      `raise ${key} to at least ${show(tidy(own + extra))}`,
    );
  }
  return undefined;
}

function check(v: WholeVCluster): Violation[] {
  const out: Violation[] = [];
  const quotas = ofKind(v, 'ResourceQuota', '');
  if (!quotas.length) return out;
  const models = podsOf(v);
  for (const q of quotas) {
    if (stringsAt(q.obj, 'spec', 'scopes').length || at(q.obj, 'spec', 'scopeSelector') !== undefined) continue;
    const namespace = namespaceOf(q.obj, v.namespace);
    const lr = limitRangeOf(v, namespace);
    const pods = models
      .filter((m) => m.namespace === namespace)
      .map((model) => ({ model, containers: effectiveContainers(model.spec, lr) }));
    const counts = objectCounts(v, namespace);
    for (const [key, raw] of Object.entries(objAt(q.obj, 'spec', 'hard'))) {
      const hard = parseQuantity(raw);
      if (hard === undefined) continue;
      const x = checkKey(v, q, key, hard, pods, lr) ?? counts(q, key, hard);
      if (x) out.push(x);
    }
  }
  return out;
}

function refusedByLimitRange(v: WholeVCluster): Violation[] {
  const out: Violation[] = [];
  for (const model of podsOf(v)) {
    const lr = limitRangeOf(v, model.namespace);
    if (!lr.names.length) continue;
    for (const c of effectiveContainers(model.spec, lr)) {
      if (!c.refused.length) continue;
      out.push(
        violation(
          'limitrange-admits',
          v,
          model.owner,
          `LimitRange ${lr.names.join(', ')} refuses container ${c.name} of ${model.what}: ${c.refused.join('; ')}`,
          "set the container's requests and limits within the LimitRange (a limit at least its request), or change the LimitRange",
        ),
      );
    }
  }
  return out;
}

/** ResourceQuotas admit the vcluster's own pods with a tenant allowance. */
export const quotaFits: Invariant = {
  id: ID,
  summary:
    "every ResourceQuota admits the vcluster's own pods (control plane, etcd, synced CoreDNS, our Jobs, LimitRange defaults) plus one tenant pod at the LimitRange defaults and a rollout",
  check,
};

/** LimitRanges admit the containers of the vcluster's own pods. */
export const limitRangeAdmits: Invariant = {
  id: 'limitrange-admits',
  summary: "the namespace's LimitRange admits every container of the vcluster's own pods",
  check: refusedByLimitRange,
};
