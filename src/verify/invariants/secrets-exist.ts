/**
 * Every Secret a pod mounts or reads (volumes, projected volumes, `env` and `envFrom`), unless
 * marked `optional: true`, and every Secret a PushSecret pushes or a ServiceMonitor reads, is
 * created by something declared: our ExternalSecrets (their target) and Certificates (their
 * `secretName`), a Secret the chart renders, or a documented runtime Secret of the control plane
 * (`../runtime-secrets.ts`). A pod whose Secret does not exist stays in ContainerCreating; a Secret
 * only a script writes at run time is not declared and does not count.
 */
import { Invariant, Json, Manifest, Violation, WholeVCluster, at, kindOf, listAt, namespaceOf, nameOf, objAt, violation } from '../model';
import { containersOf, podsOf } from '../pods';
import { runtimeSecrets } from '../runtime-secrets';

const ID = 'secrets-exist';

/** One reference to a Secret. */
interface SecretRef {
  readonly name: string;
  readonly where: string;
}

/** The non-optional Secret references of a pod spec. */
export function podSecretRefs(spec: Json): SecretRef[] {
  const out: SecretRef[] = [];
  const add = (ref: Json, name: unknown, where: string) => {
    if (ref.optional !== true && typeof name === 'string') out.push({ name, where });
  };
  for (const vol of listAt(spec, 'volumes')) {
    const s = objAt(vol, 'secret');
    if ('secretName' in s) add(s, s.secretName, `volume ${String(vol.name)}`);
    listAt(vol, 'projected', 'sources').forEach((src) => {
      if ('secret' in src) add(objAt(src, 'secret'), at(src, 'secret', 'name'), `projected volume ${String(vol.name)}`);
    });
  }
  for (const { container } of containersOf(spec)) {
    for (const e of listAt(container, 'env')) {
      const ref = objAt(e, 'valueFrom', 'secretKeyRef');
      if ('name' in ref) add(ref, ref.name, `env ${String(e.name)} of container ${String(container.name)}`);
    }
    for (const e of listAt(container, 'envFrom')) {
      const ref = objAt(e, 'secretRef');
      if ('name' in ref) add(ref, ref.name, `envFrom of container ${String(container.name)}`);
    }
  }
  return out;
}

/** Secret references of the prometheus-operator ServiceMonitor endpoints (TLS, bearer token, basic auth). */
function serviceMonitorRefs(obj: Json): SecretRef[] {
  const out: SecretRef[] = [];
  listAt(obj, 'spec', 'endpoints').forEach((ep, i) => {
    const refs: Array<[unknown, string]> = [
      [at(ep, 'tlsConfig', 'ca', 'secret'), 'tlsConfig.ca'],
      [at(ep, 'tlsConfig', 'cert', 'secret'), 'tlsConfig.cert'],
      [at(ep, 'tlsConfig', 'keySecret'), 'tlsConfig.keySecret'],
      [at(ep, 'bearerTokenSecret'), 'bearerTokenSecret'],
      [at(ep, 'basicAuth', 'username'), 'basicAuth.username'],
      [at(ep, 'basicAuth', 'password'), 'basicAuth.password'],
    ];
    for (const [ref, where] of refs) {
      if (ref && typeof (ref as Json).name === 'string' && (ref as Json).optional !== true)
        out.push({ name: String((ref as Json).name), where: `endpoints[${i}].${where}` });
    }
  });
  return out;
}

/** `namespace/name` of every Secret something declared creates, with who creates it. */
export function declaredSecrets(v: WholeVCluster): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of v.objects) {
    const ns = namespaceOf(m.obj, v.namespace);
    const kind = kindOf(m.obj);
    if (kind === 'Secret') out.set(`${ns}/${nameOf(m.obj)}`, `${m.origin === 'chart' ? 'the chart' : 'us'}`);
    if (kind === 'ExternalSecret' && at(m.obj, 'spec', 'target', 'creationPolicy') !== 'None') {
      const target = at(m.obj, 'spec', 'target', 'name');
      out.set(`${ns}/${typeof target === 'string' && target ? target : nameOf(m.obj)}`, `ExternalSecret/${nameOf(m.obj)}`);
    }
    if (kind === 'Certificate' && typeof at(m.obj, 'spec', 'secretName') === 'string')
      out.set(`${ns}/${String(at(m.obj, 'spec', 'secretName'))}`, `Certificate/${nameOf(m.obj)}`);
  }
  for (const s of runtimeSecrets(v.release, v.values))
    if (!out.has(`${v.namespace}/${s.name}`)) out.set(`${v.namespace}/${s.name}`, s.writtenBy);
  return out;
}

function readers(v: WholeVCluster): Array<{ m: Manifest; namespace: string; refs: SecretRef[]; what: string }> {
  const out = podsOf(v)
    .filter((p) => !p.synced)
    .map((p) => ({ m: p.owner, namespace: p.namespace, refs: podSecretRefs(p.spec), what: 'its pods stay in ContainerCreating' }));
  for (const m of v.objects) {
    const namespace = namespaceOf(m.obj, v.namespace);
    if (kindOf(m.obj) === 'PushSecret') {
      const name = at(m.obj, 'spec', 'selector', 'secret', 'name');
      if (typeof name === 'string') out.push({ m, namespace, refs: [{ name, where: 'spec.selector.secret' }], what: 'it pushes nothing' });
    }
    if (kindOf(m.obj) === 'ServiceMonitor')
      out.push({ m, namespace, refs: serviceMonitorRefs(m.obj), what: 'Prometheus cannot scrape it' });
  }
  return out;
}

function check(v: WholeVCluster): Violation[] {
  const known = declaredSecrets(v);
  const out: Violation[] = [];
  for (const r of readers(v)) {
    for (const ref of r.refs) {
      if (known.has(`${r.namespace}/${ref.name}`)) continue;
      out.push(
        violation(
          ID,
          v,
          r.m,
          `${ref.where} reads Secret ${r.namespace}/${ref.name}, which nothing declared creates (no ExternalSecret target, Certificate, chart Secret or documented runtime Secret): ${r.what} until it exists`,
          'create it declaratively (an ExternalSecret or Certificate), mark the reference optional: true, or drop it',
        ),
      );
    }
  }
  return out;
}

/** Secrets read by pods exist. */
export const secretsExist: Invariant = {
  id: ID,
  summary:
    "every Secret a pod mounts or reads (unless optional), a PushSecret pushes or a ServiceMonitor reads is declared: ours, the chart's, or a documented runtime Secret",
  check,
};
