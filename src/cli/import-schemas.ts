/**
 * Regenerates `imports/` from the upstream schemas.
 *
 * - every CRD listed under `imports:` in cdk8s.yaml becomes typed cdk8s classes (`cdk8s import`);
 * - every supported vcluster chart line gets its Helm values as a TypeScript type and as a
 *   precompiled JSON-schema validator (the chart rejects unknown keys, so synth does too);
 * - the kinds this project renders get precompiled validators (unknown fields rejected) that the
 *   tests run over every rendered object.
 *
 * Sources: with `--schemas DIR` (default `../shared/schemas`) the files are read from local copies
 * named as in {@link LOCAL_COPIES}; without a local copy the upstream URL is used, which needs
 * internet access. Usage: `npm run import [-- --schemas DIR]`.
 *
 * Everything is generated into a temporary folder first; imports/ is replaced (atomically) only
 * when every file was generated, so a failure leaves it exactly as it was. The same inputs give
 * byte-identical files.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import standaloneCode from 'ajv/dist/standalone';
import * as YAML from 'yaml';
import { writeTreeAtomically } from '../fleet/output';
import { CommandSpec, OptionSpecs, USAGE_EXIT_CODE, UsageError, commandLine } from './args';

const ROOT = path.resolve(__dirname, '..', '..');
const IMPORTS = path.join(ROOT, 'imports');

/** Upstream URL → file name of the byte-identical local copy in the schemas folder. */
const LOCAL_COPIES: Record<string, string> = {
  'https://raw.githubusercontent.com/argoproj/argo-cd/v3.5.1/manifests/crds/application-crd.yaml': 'argocd-v3.5.1-application-crd.yaml',
  'https://raw.githubusercontent.com/argoproj/argo-cd/v3.5.1/manifests/crds/appproject-crd.yaml': 'argocd-v3.5.1-appproject-crd.yaml',
  'https://raw.githubusercontent.com/external-secrets/external-secrets/v2.9.0/config/crds/bases/external-secrets.io_externalsecrets.yaml':
    'external-secrets-v2.9.0-externalsecrets-crd.yaml',
  'https://raw.githubusercontent.com/external-secrets/external-secrets/v2.9.0/config/crds/bases/external-secrets.io_pushsecrets.yaml':
    'external-secrets-v2.9.0-pushsecrets-crd.yaml',
  'https://raw.githubusercontent.com/external-secrets/external-secrets/v2.9.0/config/crds/bases/external-secrets.io_secretstores.yaml':
    'external-secrets-v2.9.0-secretstores-crd.yaml',
  'https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/v1.6.1/config/crd/standard/gateway.networking.k8s.io_tlsroutes.yaml':
    'gateway-api-v1.6.1-standard-tlsroutes-crd.yaml',
  'https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/v1.6.1/config/crd/standard/gateway.networking.k8s.io_httproutes.yaml':
    'gateway-api-v1.6.1-standard-httproutes-crd.yaml',
  'https://raw.githubusercontent.com/cilium/cilium/02904c9bb25567e06b55639622528a8b8c829f25/pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml':
    'cilium-02904c9bb255-ciliumnetworkpolicies-crd.yaml',
  'https://raw.githubusercontent.com/prometheus-operator/prometheus-operator/v0.93.0/example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml':
    'prometheus-operator-v0.93.0-prometheusrules-crd.yaml',
  'https://raw.githubusercontent.com/cdk8s-team/cdk8s/71f8cba7ecc809d861e837e842217202d5e5a16c/kubernetes-schemas/v1.30.0/_definitions.json':
    'k8s-v1.30.0-definitions.json',
};

/** The vcluster chart lines this project supports, each with the schema of its newest patch. */
const VCLUSTER_LINES: ReadonlyArray<{ line: string; newest: string; url: string }> = ['0.30.4', '0.31.3', '0.36.1'].map((newest) => ({
  line: newest.split('.').slice(0, 2).join('.'),
  newest,
  url: `https://raw.githubusercontent.com/loft-sh/vcluster/v${newest}/chart/values.schema.json`,
}));
for (const { newest, url } of VCLUSTER_LINES) LOCAL_COPIES[url] = `vcluster-v${newest}.values.schema.json`;

const K8S_DEFINITIONS =
  'https://raw.githubusercontent.com/cdk8s-team/cdk8s/71f8cba7ecc809d861e837e842217202d5e5a16c/kubernetes-schemas/v1.30.0/_definitions.json';

/**
 * CRDs of kinds the project renders without a generated class, validated only: their schemas cover
 * every provider and would generate megabytes of classes for the few fields used (the code types
 * those fields itself).
 */
const VALIDATED_ONLY_CRDS: readonly string[] = [
  'https://raw.githubusercontent.com/external-secrets/external-secrets/v2.9.0/config/crds/bases/external-secrets.io_secretstores.yaml',
];

/** Core kinds the project renders (validated against the Kubernetes 1.30 definitions). */
const CORE_KINDS: ReadonlyArray<[string, string, string]> = [
  ['v1', 'Namespace', 'io.k8s.api.core.v1.Namespace'],
  ['v1', 'ConfigMap', 'io.k8s.api.core.v1.ConfigMap'],
  ['v1', 'ServiceAccount', 'io.k8s.api.core.v1.ServiceAccount'],
  ['v1', 'PersistentVolume', 'io.k8s.api.core.v1.PersistentVolume'],
  ['v1', 'PersistentVolumeClaim', 'io.k8s.api.core.v1.PersistentVolumeClaim'],
  ['v1', 'ResourceQuota', 'io.k8s.api.core.v1.ResourceQuota'],
  ['v1', 'LimitRange', 'io.k8s.api.core.v1.LimitRange'],
  ['rbac.authorization.k8s.io/v1', 'Role', 'io.k8s.api.rbac.v1.Role'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'io.k8s.api.rbac.v1.RoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'io.k8s.api.rbac.v1.ClusterRole'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'io.k8s.api.rbac.v1.ClusterRoleBinding'],
  ['batch/v1', 'Job', 'io.k8s.api.batch.v1.Job'],
  ['batch/v1', 'CronJob', 'io.k8s.api.batch.v1.CronJob'],
  ['policy/v1', 'PodDisruptionBudget', 'io.k8s.api.policy.v1.PodDisruptionBudget'],
  ['networking.k8s.io/v1', 'NetworkPolicy', 'io.k8s.api.networking.v1.NetworkPolicy'],
];

/** The command line of `npm run import`. */
export const IMPORT_COMMAND = {
  usage: 'npm run import --',
  summary:
    'Regenerates imports/ (the CRD classes of cdk8s.yaml, the vcluster Helm values types and validators, the manifest validators) from local copies of the upstream files, or from the upstream URLs with internet access. imports/ is replaced only when everything was generated.',
  options: {
    schemas: { value: 'DIR', description: 'folder of the local copies (default: ../shared/schemas; missing copies are downloaded)' },
  },
} satisfies CommandSpec<OptionSpecs>;

/** Folder of the local copies (set once by main). */
let schemasDir = path.join(ROOT, '..', 'shared', 'schemas');

/** Local copy when there is one, else the URL itself (cdk8s import downloads it). */
function source(url: string): string {
  const local = LOCAL_COPIES[url] && path.join(schemasDir, LOCAL_COPIES[url]);
  return local && fs.existsSync(local) ? local : url;
}

function readSource(url: string): string {
  const src = source(url);
  if (src !== url) return fs.readFileSync(src, 'utf8');
  // Online: let curl fetch it (Node 20's fetch is async; this script stays synchronous).
  return execFileSync('curl', ['-fsSL', url], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

const HEADER = (from: string) =>
  `// GENERATED by \`npm run import\` (src/cli/import-schemas.ts) from ${from}\n// Do not edit: regenerate.\n`;

// --- 1. CRDs → cdk8s classes ------------------------------------------------------------------
function importCrds(outDir: string): Array<{ prefix: string; url: string }> {
  const config = YAML.parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')) as { imports: string[] };
  const crds = config.imports.map((entry) => {
    const [prefix, url] = entry.split(':=');
    return { prefix, url };
  });
  const cli = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
  for (const { prefix, url } of crds) {
    execFileSync(cli, ['import', '--no-save', '-l', 'typescript', '-o', outDir, `${prefix}:=${source(url)}`], {
      cwd: ROOT,
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const file = fs.readdirSync(outDir).find((f) => f.startsWith(`${prefix}-`) && f.endsWith('.ts'));
    if (!file) throw new Error(`cdk8s import wrote no file for ${prefix}`);
    const p = path.join(outDir, file);
    fs.writeFileSync(p, HEADER(url) + fs.readFileSync(p, 'utf8'));
  }
  return crds;
}

// --- 2. vcluster Helm values: TypeScript type + validator ---------------------------------------
type Schema = { [k: string]: any };

const quoteKey = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k));

function tsType(s: Schema | boolean | undefined, indent: string): string {
  if (s === undefined || s === true) return 'unknown';
  if (s === false) return 'never';
  if (s.$ref) return String(s.$ref).replace('#/$defs/', '');
  const alts = s.oneOf ?? s.anyOf;
  if (alts) return (alts as Schema[]).map((a) => tsType(a, indent)).join(' | ');
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length > 1) return types.map((t) => tsType({ ...s, type: t }, indent)).join(' | ');
  switch (types[0]) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `Array<${tsType(s.items, indent)}>`;
    case 'object':
    case undefined: {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const lines: string[] = [];
      for (const [k, v] of Object.entries(props)) {
        const doc = typeof v.description === 'string' ? v.description.split('\n')[0].replace(/\*\//g, '*\\/') : '';
        if (doc) lines.push(`${indent}  /** ${doc} */`);
        lines.push(`${indent}  readonly ${quoteKey(k)}?: ${tsType(v, indent + '  ')};`);
      }
      const ap = s.additionalProperties;
      if (ap !== undefined && ap !== false) lines.push(`${indent}  readonly [key: string]: ${tsType(ap, indent + '  ')};`);
      if (!lines.length) return ap === false ? 'Record<string, never>' : 'Record<string, unknown>';
      return `{\n${lines.join('\n')}\n${indent}}`;
    }
    default:
      return 'unknown';
  }
}

function generateVClusterValues(outDir: string): void {
  const exportsTs: string[] = [];
  for (const { line, url } of VCLUSTER_LINES) {
    const schema = JSON.parse(readSource(url)) as Schema;
    delete schema.$id;
    const mod = `vcluster-values-${line}`;
    // precompiled validator (CommonJS; needs only ajv's small runtime helpers)
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, code: { source: true, lines: false } });
    const validate = ajv.compile(schema);
    fs.writeFileSync(path.join(outDir, `${mod}.validate.js`), HEADER(url) + standaloneCode(ajv, validate));
    // TypeScript type for the values (every key optional: these are overrides over chart defaults)
    const ident = `Values${line.replace('.', '_')}`;
    const defs = Object.entries((schema.$defs ?? {}) as Record<string, Schema>)
      .map(([name, def]) => `/** vcluster ${line} \`${name}\` */\nexport type ${name} = ${tsType(def, '')};\n`)
      .join('\n');
    const ts = [
      HEADER(url),
      `/* eslint-disable */`,
      `/** Helm values of the vcluster chart line ${line} (every key optional). */`,
      `export type ${ident} = ${tsType(schema, '')};`,
      '',
      defs,
    ].join('\n');
    fs.writeFileSync(path.join(outDir, `${mod}.ts`), ts);
    exportsTs.push(ident);
  }
  // The chart lines the library supports: those whose values schema is imported here.
  const lines = VCLUSTER_LINES.map(({ line, newest }) => ({ line, newest }));
  fs.writeFileSync(path.join(outDir, 'vcluster-chart-lines.json'), `${JSON.stringify({ lines }, null, 2)}\n`);
}

// --- 3. validators for the rendered kinds (tests) ---------------------------------------------
/**
 * A Go pattern starting with `(?i)` (after an optional `^`) as a JavaScript pattern without the
 * flag: every ASCII letter outside a character class and not escaped becomes `[xX]`.
 */
function goCaseInsensitive(pattern: string): string {
  const m = /^(\^?)\(\?i\)/.exec(pattern);
  if (!m) return pattern;
  let out = m[1];
  let inClass = false;
  const rest = pattern.slice(m[0].length);
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '\\') {
      out += c + (rest[++i] ?? '');
      continue;
    }
    if (c === '[') inClass = true;
    if (c === ']') inClass = false;
    out += !inClass && /[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
  }
  return out;
}

/** Closes every declared object schema, so fields the schema does not declare are errors. */
function closeObjects(s: any): any {
  if (!s || typeof s !== 'object') return s;
  if (Array.isArray(s)) return s.map(closeObjects);
  const out: any = {};
  for (const [k, v] of Object.entries(s)) {
    // CRD patterns are Go regular expressions: translate the \\pL-style classes and a leading
    // case-insensitive flag `(?i)` for JavaScript.
    if (k === 'pattern' && typeof v === 'string') {
      out[k] = goCaseInsensitive(v.replace(/\\([pP])([A-Z])/g, '\\$1{$2}'));
      continue;
    }
    out[k] =
      k === 'properties' || k === 'definitions' || k === 'patternProperties'
        ? Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, closeObjects(pv)]))
        : closeObjects(v);
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

const BASE = 'https://vcluster-fleet.local/schemas';

/** Export name of the validator for one kind: `apiVersion|Kind` with every non-word character as `_`. */
const exportName = (apiVersion: string, kind: string) => `${apiVersion}|${kind}`.replace(/\W/g, '_');

function generateManifestValidators(crds: Array<{ prefix: string; url: string }>, outDir: string): void {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { source: true, lines: false } });
  const defs = JSON.parse(readSource(K8S_DEFINITIONS));
  ajv.addSchema({ $id: `${BASE}/k8s`, definitions: closeObjects(defs.definitions ?? defs) });
  const refs: Record<string, string> = {};
  for (const [apiVersion, kind, def] of CORE_KINDS) {
    const id = `${BASE}/${apiVersion}/${kind}`;
    ajv.addSchema({ $id: id, $ref: `${BASE}/k8s#/definitions/${def}` });
    refs[exportName(apiVersion, kind)] = id;
  }
  for (const url of [...crds.map((c) => c.url), ...VALIDATED_ONLY_CRDS]) {
    for (const doc of YAML.parseAllDocuments(readSource(url))) {
      const crd = doc.toJSON();
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) {
        if (!v.served) continue;
        const apiVersion = `${crd.spec.group}/${v.name}`;
        const id = `${BASE}/${apiVersion}/${crd.spec.names.kind}`;
        const schema = closeObjects(v.schema.openAPIV3Schema);
        // metadata is checked against ObjectMeta, as the API server does
        schema.properties.metadata = { $ref: `${BASE}/k8s#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` };
        ajv.addSchema({ ...schema, $id: id });
        refs[exportName(apiVersion, crd.spec.names.kind)] = id;
      }
    }
  }
  const code = standaloneCode(ajv, refs);
  fs.writeFileSync(
    path.join(outDir, 'manifest-validators.js'),
    HEADER(`${K8S_DEFINITIONS}, the CRDs in cdk8s.yaml and ${VALIDATED_ONLY_CRDS.join(', ')}`) + code,
  );
}

/** Generates every file into a temporary folder; returns them (name → content), sorted. */
function generateAll(): Map<string, string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcluster-fleet-imports-'));
  try {
    const crds = importCrds(tmp);
    generateVClusterValues(tmp);
    generateManifestValidators(crds, tmp);
    const names = fs.readdirSync(tmp).sort();
    return new Map(names.map((f) => [f, fs.readFileSync(path.join(tmp, f), 'utf8')]));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function main(): void {
  const args = commandLine('import', IMPORT_COMMAND);
  if (!args) return;
  try {
    if (args.options.schemas !== undefined) {
      schemasDir = path.resolve(args.options.schemas);
      if (!fs.statSync(schemasDir, { throwIfNoEntry: false })?.isDirectory())
        throw new UsageError(`--schemas: ${args.options.schemas} is not a folder (it should hold the local copies of the upstream files)`);
    }
    const files = generateAll();
    writeTreeAtomically(IMPORTS, files);
    console.log(`imports/ regenerated from ${schemasDir}: ${files.size} files`);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`import: ${e.message}`);
      process.exitCode = USAGE_EXIT_CODE;
      return;
    }
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    console.error(`import failed; imports/ is as it was.\n${message}`);
    process.exitCode = 1;
  }
}

if (require.main === module) main();
