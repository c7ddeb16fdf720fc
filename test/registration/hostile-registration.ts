/**
 * Hostile text in every user field that reaches the cluster ExternalSecret's template, and the
 * check that a template engine renders all of it literally. Shared by the jest property test (the
 * JavaScript evaluator `test/go-template.ts`) and the engine test (External Secrets' real Go
 * engine, `test/engines`), so both prove the same thing.
 *
 * Fields covered: the declaration's `argocd.clusterAnnotations` values, `argocd.clusterLabels`
 * values and `argocd.environment` (label grammar), `argocd.workloadRepo.{url,basePath,path,revision}`
 * (their grammar), and the site's `registration.labels` / `registration.annotations` outputs and
 * `registration.workloadRepo` defaults (the test site's functions, extended by two entries that
 * copy hostile text).
 */
import * as fc from 'fast-check';
import { Platform, VClusterSpec } from '../../src';
import { Obj, find, platform, render } from '../util';

/** Fragments an attacker would put into template text (Go template syntax, quoting, Unicode). */
export const INJECTIONS: readonly string[] = [
  '{{ index . "client-key" }}',
  '{{index . "client-key"}}',
  '{{ .kubeconfig }}',
  '{{ fail "x" }}',
  '{{- index . "client-key" -}}',
  '{{- . -}}',
  '{{/* comment */}}',
  '{{- /* trimmed comment */ -}}',
  '{{ env "HOME" }}',
  '{{ index . "client-key" | b64enc }}',
  '{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}',
  '{{ define "t" }}{{ . }}{{ end }}{{ template "t" . }}',
  '{{ "\\u0041\\x41\\101" }}',
  '{{ `raw }} string` }}',
  "{{ '}' }}",
  '{{ printf "%s" (index . "client-key") }}',
  '{{ "{{" }}',
  '{{"{{"}}',
  '{{',
  '}}',
  '{{{',
  '}}}',
  '{{-',
  '-}}',
  ' -}}',
  '{{- ',
  '"',
  '\\',
  '`',
  "'",
  '\n',
  '\r\n',
  '\t',
  '\u0000',
  '\u0085',
  '\u2028',
  '\uFEFF',
  '\u{1F600}',
  '\u{10FFFF}',
  'é',
  '/*',
  '*/',
  '$',
  '|',
  '(',
  ')',
  '<no value>',
];

/** Any text for template-bound fields: injection fragments mixed with random Unicode, sometimes very long. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...INJECTIONS), fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ maxLength: 6 })), {
        maxLength: 12,
      })
      .map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(...INJECTIONS) },
  // Long: up to ~40 KB of repeated injections (five such fields stay below Kubernetes' 256 KiB).
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...INJECTIONS), fc.integer({ min: 200, max: 1500 })).map(([s, n]) => s.repeat(n)),
  },
);

/** Hostile text without whitespace (Git URLs, paths and revisions may not contain any). */
const noSpace = hostileText.map((s) => s.replace(/\s/g, ''));
const gitUrl = fc.tuple(fc.constantFrom('https://', 'ssh://', 'git@'), noSpace).map(([scheme, rest]) => `${scheme}${rest || 'host'}`);
/** A relative path: no leading "/", no ".." segment. */
const repoPath = noSpace.map((s) =>
  s
    .split('/')
    .filter((seg) => seg !== '..')
    .join('/')
    .replace(/^\/+/, ''),
);
const revision = noSpace.map((s) => s || 'main');
/** A Kubernetes label value (the most a label can carry). */
const labelValue = fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/);

/** Hostile inputs for one declaration and its site. */
export interface HostileInputs {
  readonly environment: string;
  readonly clusterLabel: string;
  readonly clusterAnnotation: string;
  readonly overridingAnnotation: string;
  readonly workloadRepo: { readonly url?: string; readonly basePath?: string; readonly path?: string; readonly revision?: string };
  readonly siteRepo: { readonly url: string; readonly basePath: string; readonly path: string; readonly revision: string };
  readonly siteLabel: string;
  readonly siteAnnotation: string;
}

/** Arbitrary {@link HostileInputs}; declaration repository fields are optional (the site's apply). */
export const hostileInputs: fc.Arbitrary<HostileInputs> = fc.record({
  environment: labelValue,
  clusterLabel: labelValue,
  clusterAnnotation: hostileText,
  overridingAnnotation: hostileText,
  workloadRepo: fc.record({ url: gitUrl, basePath: repoPath, path: repoPath, revision }, { requiredKeys: [] }),
  siteRepo: fc.record({ url: gitUrl.map((u) => `https://${u}`), basePath: repoPath, path: repoPath, revision }),
  siteLabel: labelValue,
  siteAnnotation: hostileText,
});

/** The store item's fields (PEM text as the kubeconfig sync writes it). */
export const ITEM: Readonly<Record<string, string>> = {
  kubeconfig: 'apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user: {}\n',
  'certificate-authority': '-----BEGIN CERTIFICATE-----\nQ0EtQ0VSVA==\n-----END CERTIFICATE-----\n',
  'client-certificate': '-----BEGIN CERTIFICATE-----\nQ0xJRU5ULUNFUlQ=\n-----END CERTIFICATE-----\n',
  'client-key': '-----BEGIN PRIVATE KEY-----\nUFJJVkFURS1LRVktTUFSS0VS\n-----END PRIVATE KEY-----\n',
  token: '',
};

/** A small development vcluster (the API at sandbox.integratn.tech); the hostile inputs go on top. */
export const SANDBOX: VClusterSpec = { name: 'sandbox', preset: 'dev', deletionPolicy: 'delete' };

/** The test site with two more conventions that copy hostile text. */
export function hostilePlatform(i: HostileInputs): Platform {
  const reg = platform.registration;
  return {
    ...platform,
    registration: {
      ...reg,
      workloadRepo: i.siteRepo,
      labels: (c) => ({ ...reg.labels(c), site_label: i.siteLabel }),
      annotations: (c) => ({ ...reg.annotations(c), site_note: i.siteAnnotation, site_name: `${c.name}:${i.siteAnnotation}` }),
    },
  };
}

/** {@link SANDBOX} carrying the hostile inputs. */
export function hostileDeclaration(i: HostileInputs): VClusterSpec {
  return {
    ...SANDBOX,
    argocd: {
      environment: i.environment,
      clusterLabels: { team: i.clusterLabel },
      clusterAnnotations: { 'example.com/note': i.clusterAnnotation, addons_repo_revision: i.overridingAnnotation },
      workloadRepo: i.workloadRepo,
    },
  };
}

/** The cluster ExternalSecret rendered for the hostile inputs. */
export function hostileExternalSecret(i: HostileInputs): Obj {
  return find(render(hostileDeclaration(i), hostilePlatform(i)), 'ExternalSecret', 'sandbox-argocd-cluster');
}

/** What an engine made of the template: Secret data (as text), labels and annotations. */
export interface RenderedSecret {
  readonly data: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * Fails unless every rendered label and annotation equals the literal text the user gave: each
 * equals the ExternalSecret's own (never templated) metadata copy, and the hostile fields equal
 * the inputs; `name` and `server` are the literal names; `config` is the Argo CD cluster JSON.
 */
export function expectLiteral(i: HostileInputs, es: Obj, out: RenderedSecret): void {
  const tpl = es.spec.target.template;
  const own = (m: Readonly<Record<string, string>>, keys: Record<string, string>) =>
    Object.fromEntries(Object.keys(keys).map((k) => [k, m[k]]));
  // The site's secretLabels are on the Secret only, not on the ExternalSecret object (as in the original).
  const secretOnly = { 'integratn.tech/cluster-name': 'sandbox', 'integratn.tech/environment': i.environment };
  expect(Object.keys(secretOnly).filter((k) => k in es.metadata.labels!)).toEqual([]);
  expect(out.labels).toEqual({ ...own(es.metadata.labels!, tpl.metadata.labels), ...secretOnly });
  expect(out.annotations).toEqual(own(es.metadata.annotations!, tpl.metadata.annotations));
  expect(out.labels).toMatchObject({ environment: i.environment, team: i.clusterLabel, site_label: i.siteLabel });
  expect(out.annotations).toMatchObject({
    'example.com/note': i.clusterAnnotation,
    addons_repo_revision: i.overridingAnnotation,
    site_note: i.siteAnnotation,
    site_name: `sandbox:${i.siteAnnotation}`,
    environment: i.environment,
    workload_repo_url: i.workloadRepo.url ?? i.siteRepo.url,
    workload_repo_basepath: i.workloadRepo.basePath ?? i.siteRepo.basePath,
    workload_repo_path: i.workloadRepo.path ?? i.siteRepo.path,
    workload_repo_revision: i.workloadRepo.revision ?? i.siteRepo.revision,
  });
  expect(Object.keys(out.data).sort()).toEqual(['config', 'name', 'server']);
  expect(out.data.name).toBe('sandbox.integratn-tech');
  expect(out.data.server).toBe('https://sandbox.integratn.tech:443');
  const b64 = (field: string) => Buffer.from(ITEM[field], 'utf8').toString('base64');
  expect(JSON.parse(out.data.config)).toEqual({
    tlsClientConfig: {
      insecure: false,
      caData: b64('certificate-authority'),
      certData: b64('client-certificate'),
      keyData: b64('client-key'),
    },
  });
}
