import { Chart, Testing } from 'cdk8s';
import media from './fixtures/integratn/media';
import { ArgoRegistration, ArgoRegistrationProps, ValidationError, VClusterSpec } from '../src';
import { argoClusterConfigTemplate } from '../src/registration/templates';
import { renderGoTemplate } from './go-template';
import { Obj, find, platform, render } from './util';

/** The 12 default labels the original platform gave vcluster-media. */
const DEFAULT_LABELS = {
  'argocd.argoproj.io/secret-type': 'cluster',
  'akuity.io/argo-cd-cluster-name': 'vcluster-media',
  cluster_name: 'vcluster-media',
  cluster_role: 'vcluster',
  cluster_type: 'vcluster',
  enable_argocd: 'true',
  enable_gateway_api_crds: 'true',
  enable_nginx_gateway_fabric: 'true',
  enable_cert_manager: 'true',
  enable_external_secrets: 'true',
  enable_external_dns: 'true',
  environment: 'production',
};

/** The 16 default annotations the original platform gave vcluster-media. */
const DEFAULT_ANNOTATIONS = {
  addons_repo_url: 'https://github.com/jamesatintegratnio/gitops_homelab_2_0.git',
  addons_repo_revision: 'main',
  addons_repo_basepath: 'addons/',
  addons_repo_path: 'charts/application-sets',
  'managed-by': 'argocd.argoproj.io',
  cert_manager_namespace: 'cert-manager',
  external_dns_namespace: 'external-dns',
  nfs_subdir_external_provisioner_namespace: 'nfs-provisioner',
  cluster_name: 'vcluster-media',
  environment: 'production',
  'platform.integratn.tech/base-domain': 'integratn.tech',
  'platform.integratn.tech/base-domain-sanitized': 'integratn-tech',
  workload_repo_url: 'https://github.com/jamesatintegratnio/gitops_homelab_2_0',
  workload_repo_basepath: '',
  workload_repo_path: 'workloads',
  workload_repo_revision: 'main',
};

const PEM_CA = '-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBh2Y2x1c3Rl\n-----END CERTIFICATE-----\n';
const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIBkTCCATegAwIBAgIIFakeClientCert\n-----END CERTIFICATE-----\n';
const PEM_KEY = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFakeKey"with\\odd\tchars\n-----END EC PRIVATE KEY-----\n';

function clusterExternalSecret(objects: Obj[], name = 'vcluster-media'): Obj {
  return find(objects, 'ExternalSecret', `${name}-argocd-cluster`);
}

function withArgocd(argocd: VClusterSpec['argocd'], extra: Partial<VClusterSpec> = {}): VClusterSpec {
  return { ...media, ...extra, argocd: { ...media.argocd, ...argocd } };
}

function build(props: Partial<ArgoRegistrationProps> = {}) {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  const reg = new ArgoRegistration(chart, 'reg', {
    name: 'demo-argocd-cluster',
    secretName: 'cluster-demo',
    clusterName: 'demo.example-com',
    server: 'https://demo.example.com:443',
    remoteKey: 'demo-kubeconfig',
    secretStoreName: 'store',
    ...props,
  });
  return { reg, objects: chart.toJson() as Obj[] };
}

describe('ArgoRegistration', () => {
  test('defaults snapshot', () => {
    // GIVEN only the required props / WHEN rendered / THEN one ExternalSecret as in the snapshot
    const { objects } = build();
    expect(objects).toMatchSnapshot();
  });

  test('vcluster-media: 14 labels, 16 annotations, data name/server/config', () => {
    // GIVEN the repository's vcluster-media declaration and platform
    const objects = render(media, platform);
    // WHEN the cluster ExternalSecret is looked up
    const es = clusterExternalSecret(objects);
    // THEN it renders argocd/cluster-vcluster-media with exactly the original's metadata
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.metadata.namespace).toBe('argocd');
    expect(es.spec.refreshInterval).toBe('1m');
    expect(es.spec.secretStoreRef).toEqual({ name: 'onepassword-store', kind: 'ClusterSecretStore' });
    expect(es.spec.dataFrom).toEqual([
      { extract: { key: 'vcluster-media-kubeconfig', conversionStrategy: 'Default', decodingStrategy: 'None' } },
    ]);
    const target = es.spec.target;
    expect(target.name).toBe('cluster-vcluster-media');
    expect(target.template.engineVersion).toBe('v2');
    expect(target.template.type).toBe('Opaque');
    expect(target.template.metadata.labels).toEqual({
      ...DEFAULT_LABELS,
      'integratn.tech/cluster-name': 'vcluster-media',
      'integratn.tech/environment': 'production',
    });
    expect(Object.keys(target.template.metadata.labels)).toHaveLength(14);
    expect(target.template.metadata.annotations).toEqual(DEFAULT_ANNOTATIONS);
    expect(Object.keys(target.template.metadata.annotations)).toHaveLength(16);
    expect(Object.keys(target.template.data).sort()).toEqual(['config', 'name', 'server']);
    expect(target.template.data.name).toBe('vcluster-media.integratn-tech');
    expect(target.template.data.server).toBe('https://media.integratn.tech:443');
    // The ExternalSecret object carries the cluster labels too, but not the site's secretLabels
    // (the original's C7: integratn.tech/cluster-name and /environment on the Secret only).
    expect(es.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'external-secret',
      'app.kubernetes.io/component': 'argocd-cluster',
      ...DEFAULT_LABELS,
    });
    expect(es.metadata.annotations).toEqual(DEFAULT_ANNOTATIONS);
  });

  test('config template: exact text for a certificate kubeconfig', () => {
    const es = clusterExternalSecret(render(media, platform));
    expect(es.spec.target.template.data.config).toBe(
      '{{ if not (and (index . "certificate-authority") (index . "client-certificate") (index . "client-key")) }}' +
        '{{ fail "item vcluster-media-kubeconfig lacks one of the fields certificate-authority, client-certificate, client-key; refusing to register the cluster without credentials" }}{{ end }}' +
        '{"tlsClientConfig":{"insecure":false,"caData":"{{ index . "certificate-authority" | b64enc }}",' +
        '"certData":"{{ index . "client-certificate" | b64enc }}","keyData":"{{ index . "client-key" | b64enc }}"}}',
    );
  });

  test('config template renders valid Argo CD JSON with base64 PEM data', () => {
    // GIVEN the 1Password item fields as ESO hands them to the template (PEM text)
    const template = argoClusterConfigTemplate('clientCertificate', 'demo-kubeconfig');
    // WHEN rendered
    const json = renderGoTemplate(template, {
      kubeconfig: 'apiVersion: v1\nkind: Config\n',
      'certificate-authority': PEM_CA,
      'client-certificate': PEM_CERT,
      'client-key': PEM_KEY,
    });
    // THEN it is the Argo CD cluster config, never insecure, with base64 of the exact PEM
    const config = JSON.parse(json);
    expect(config).toEqual({
      tlsClientConfig: {
        insecure: false,
        caData: Buffer.from(PEM_CA).toString('base64'),
        certData: Buffer.from(PEM_CERT).toString('base64'),
        keyData: Buffer.from(PEM_KEY).toString('base64'),
      },
    });
    expect(Buffer.from(config.tlsClientConfig.keyData, 'base64').toString()).toBe(PEM_KEY);
  });

  test('config template fails (never insecure) when a credential field is missing or empty', () => {
    const template = argoClusterConfigTemplate('clientCertificate', 'demo-kubeconfig');
    expect(() => renderGoTemplate(template, { 'certificate-authority': PEM_CA, 'client-certificate': PEM_CERT })).toThrow(
      /fail: item demo-kubeconfig lacks one of the fields certificate-authority, client-certificate, client-key/,
    );
    expect(() => renderGoTemplate(template, { 'certificate-authority': PEM_CA, 'client-certificate': '', 'client-key': PEM_KEY })).toThrow(
      /fail:/,
    );
  });

  test('bearer-token config: exact text, valid JSON, token JSON-escaped and trimmed', () => {
    const template = argoClusterConfigTemplate('bearerToken', 'demo-kubeconfig');
    expect(template).toBe(
      '{{ if not (and (index . "certificate-authority") (index . "token")) }}' +
        '{{ fail "item demo-kubeconfig lacks one of the fields certificate-authority, token; refusing to register the cluster without credentials" }}{{ end }}' +
        '{"bearerToken":{{ index . "token" | trim | toJson }},"tlsClientConfig":{"insecure":false,"caData":"{{ index . "certificate-authority" | b64enc }}"}}',
    );
    const config = JSON.parse(renderGoTemplate(template, { 'certificate-authority': PEM_CA, token: 'eyJhbGciOi.payload.sig\n' }));
    expect(config).toEqual({
      bearerToken: 'eyJhbGciOi.payload.sig',
      tlsClientConfig: { insecure: false, caData: Buffer.from(PEM_CA).toString('base64') },
    });
    expect(() => renderGoTemplate(template, { 'certificate-authority': PEM_CA })).toThrow(/fail:.*token/);
  });

  test('a service-account kubeconfig registers with a bearer token', () => {
    // GIVEN exportKubeConfig.serviceAccount / WHEN rendered / THEN config uses bearerToken
    const es = clusterExternalSecret(
      render({ ...media, exportKubeConfig: { serviceAccount: { name: 'argocd-manager', clusterRole: 'cluster-admin' } } }, platform),
    );
    expect(es.spec.target.template.data.config).toContain('"bearerToken":{{ index . "token" | trim | toJson }}');
    expect(es.spec.target.template.data.config).not.toContain('certData');
  });

  test('other environment, extra labels and annotations, custom workload repo', () => {
    // GIVEN a declaration with its own environment, labels, annotations and workload repo
    const spec = withArgocd({
      environment: 'staging',
      clusterLabels: { team: 'media', enable_external_dns: 'false' },
      clusterAnnotations: { 'platform.integratn.tech/reconcile-at': '2026-03-03T19:00:00Z', addons_repo_revision: 'v2' },
      workloadRepo: { url: 'https://github.com/example/workloads', path: 'clusters', revision: 'release-1' },
    });
    // WHEN rendered
    const tpl = clusterExternalSecret(render(spec, platform)).spec.target.template;
    // THEN the labels and annotations follow, declaration values winning per key
    expect(tpl.metadata.labels).toEqual({
      ...DEFAULT_LABELS,
      environment: 'staging',
      enable_external_dns: 'false',
      team: 'media',
      'integratn.tech/cluster-name': 'vcluster-media',
      'integratn.tech/environment': 'staging',
    });
    expect(tpl.metadata.annotations).toEqual({
      ...DEFAULT_ANNOTATIONS,
      environment: 'staging',
      addons_repo_revision: 'v2',
      'platform.integratn.tech/reconcile-at': '2026-03-03T19:00:00Z',
      workload_repo_url: 'https://github.com/example/workloads',
      workload_repo_path: 'clusters',
      workload_repo_revision: 'release-1',
    });
  });

  test("the declaration's cluster labels go on the ExternalSecret object as well as on the Secret", () => {
    const es = clusterExternalSecret(render(withArgocd({ clusterLabels: { team: 'media', environment: 'staging' } }), platform));
    expect(es.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'external-secret',
      'app.kubernetes.io/component': 'argocd-cluster',
      ...DEFAULT_LABELS,
      team: 'media',
      environment: 'staging',
    });
    expect(es.spec.target.template.metadata.labels).toMatchObject({ team: 'media', 'integratn.tech/cluster-name': 'vcluster-media' });
  });

  test('construct: objectLabels label the ExternalSecret (secret-type always), labels the Secret; default the same', () => {
    const { reg, objects } = build({ labels: { a: '1', b: '2' }, objectLabels: { a: '1' } });
    expect(reg.objectLabels).toEqual({ a: '1', 'argocd.argoproj.io/secret-type': 'cluster' });
    expect(objects[0].metadata.labels).toEqual({
      'app.kubernetes.io/name': 'external-secret',
      'app.kubernetes.io/component': 'argocd-cluster',
      a: '1',
      'argocd.argoproj.io/secret-type': 'cluster',
    });
    expect(objects[0].spec.target.template.metadata.labels).toEqual({ a: '1', b: '2', 'argocd.argoproj.io/secret-type': 'cluster' });
    expect(build({ labels: { a: '1' } }).reg.objectLabels).toEqual({ a: '1', 'argocd.argoproj.io/secret-type': 'cluster' });
  });

  test('construct: throws on an invalid object label', () => {
    expect(() => build({ objectLabels: { team: 'a b' } })).toThrow(/objectLabels\["team"\]: "a b" is not allowed/);
  });

  test('a declaration may restate secret-type: cluster', () => {
    const tpl = clusterExternalSecret(render(withArgocd({ clusterLabels: { 'argocd.argoproj.io/secret-type': 'cluster' } }), platform)).spec
      .target.template;
    expect(tpl.metadata.labels['argocd.argoproj.io/secret-type']).toBe('cluster');
  });

  test('another vcluster (sandbox-style dev declaration) gets its own names and development environment', () => {
    const objects = render({ name: 'sandbox' }, platform);
    const es = clusterExternalSecret(objects, 'sandbox');
    const tpl = es.spec.target.template;
    expect(tpl.data.name).toBe('sandbox.integratn-tech');
    expect(tpl.data.server).toBe('https://sandbox.integratn.tech:443');
    expect(tpl.metadata.labels).toMatchObject({
      cluster_name: 'sandbox',
      environment: 'development',
      'argocd.argoproj.io/secret-type': 'cluster',
    });
    expect(es.spec.target.name).toBe('cluster-sandbox');
  });

  test('a site without secretLabels renders only its default labels', () => {
    const { secretLabels: _omit, ...registration } = platform.registration;
    const site = { ...platform, registration };
    const tpl = clusterExternalSecret(render(media, site)).spec.target.template;
    expect(tpl.metadata.labels).toEqual(DEFAULT_LABELS);
  });

  test('fromExisting registers a vcluster declared elsewhere', () => {
    // GIVEN a chart with only the registration of an existing vcluster
    const chart = new Chart(Testing.app(), 'existing', { disableResourceNameHashes: true });
    const reg = ArgoRegistration.fromExisting(chart, 'reg', {
      vclusterName: 'legacy',
      server: 'https://legacy.integratn.tech:6443',
      platform,
      environment: 'production',
      clusterLabels: { team: 'ops' },
    });
    const [es] = chart.toJson() as Obj[];
    // THEN the names and metadata follow the conventions
    expect(es.metadata).toMatchObject({ name: 'legacy-argocd-cluster', namespace: 'argocd' });
    expect(es.spec.target.name).toBe('cluster-legacy');
    expect(es.spec.dataFrom[0].extract.key).toBe('legacy-kubeconfig');
    expect(es.spec.target.template.data).toMatchObject({ name: 'legacy.integratn-tech', server: 'https://legacy.integratn.tech:6443' });
    expect(reg.labels).toMatchObject({ team: 'ops', cluster_name: 'legacy', 'argocd.argoproj.io/secret-type': 'cluster' });
    expect(Object.keys(reg.annotations)).toHaveLength(16);
  });

  test('no Secret is rendered', () => {
    for (const spec of [media, { ...media, kubeconfigSync: 'job' as const }]) {
      expect(render(spec, platform).filter((o) => o.kind === 'Secret')).toEqual([]);
    }
  });

  // --- validation ---------------------------------------------------------------------------

  test('throws when a declaration changes argocd.argoproj.io/secret-type', () => {
    expect(() => render(withArgocd({ clusterLabels: { 'argocd.argoproj.io/secret-type': 'repository' } }), platform)).toThrow(
      /argocd\.clusterLabels\["argocd\.argoproj\.io\/secret-type"\]: "repository" is not allowed\. Allowed: "cluster" only/,
    );
  });

  test('throws on an invalid cluster label value, naming field and value', () => {
    expect(() => render(withArgocd({ clusterLabels: { team: 'media team' } }), platform)).toThrow(
      /argocd\.clusterLabels\["team"\]: "media team" is not allowed/,
    );
  });

  test('throws on an invalid cluster label key', () => {
    expect(() => render(withArgocd({ clusterLabels: { 'bad key': 'x' } }), platform)).toThrow(
      /argocd\.clusterLabels\["bad key"\]: "bad key" is not allowed/,
    );
  });

  test('throws on a non-string cluster annotation', () => {
    expect(() => render(withArgocd({ clusterAnnotations: { replicas: 3 as unknown as string } }), platform)).toThrow(
      /argocd\.clusterAnnotations\["replicas"\]: 3 is not allowed\. Allowed: a string value/,
    );
  });

  test('throws on an invalid workload repo url', () => {
    expect(() => render(withArgocd({ workloadRepo: { url: 'ftp://example.com/repo' } }), platform)).toThrow(
      /argocd\.workloadRepo\.url: "ftp:\/\/example\.com\/repo" is not allowed/,
    );
  });

  test('throws on an absolute workload repo path', () => {
    expect(() => render(withArgocd({ workloadRepo: { path: '/workloads' } }), platform)).toThrow(
      /argocd\.workloadRepo\.path: "\/workloads" is not allowed/,
    );
  });

  test('throws on a workload repo basePath with ".."', () => {
    expect(() => render(withArgocd({ workloadRepo: { basePath: '../x' } }), platform)).toThrow(
      /argocd\.workloadRepo\.basePath: "\.\.\/x" is not allowed/,
    );
  });

  test('throws on a workload repo revision with spaces', () => {
    expect(() => render(withArgocd({ workloadRepo: { revision: 'my branch' } }), platform)).toThrow(
      /argocd\.workloadRepo\.revision: "my branch" is not allowed/,
    );
  });

  test('throws on an insecure exported kubeconfig', () => {
    expect(() => render({ ...media, exportKubeConfig: { insecure: true } }, platform)).toThrow(
      /exportKubeConfig\.insecure: true is not allowed/,
    );
  });

  test('construct: throws when labels set secret-type to something else', () => {
    expect(() => build({ labels: { 'argocd.argoproj.io/secret-type': 'repo' } })).toThrow(ValidationError);
    expect(() => build({ labels: { 'argocd.argoproj.io/secret-type': 'repo' } })).toThrow(
      /labels\["argocd\.argoproj\.io\/secret-type"\]: "repo" is not allowed/,
    );
  });

  test('construct: throws on a non-https server', () => {
    expect(() => build({ server: 'http://demo.example.com' })).toThrow(
      /server: "http:\/\/demo\.example\.com" is not allowed\. Allowed: an https:\/\/ URL/,
    );
  });

  test('construct: throws on a bad refresh interval', () => {
    expect(() => build({ refreshInterval: 'one minute' })).toThrow(/refreshInterval: "one minute" is not allowed/);
  });

  test('construct: throws on unknown credentials', () => {
    expect(() => build({ credentials: 'insecure' as never })).toThrow(
      /credentials: "insecure" is not allowed\. Allowed: one of "clientCertificate", "bearerToken"/,
    );
  });

  test('construct: throws on an empty remote key and a bad store name', () => {
    expect(() => build({ remoteKey: ' ', secretStoreName: 'Bad_Store' })).toThrow(/2 problems[\s\S]*remoteKey[\s\S]*secretStoreName/);
  });

  test('fromExisting: throws on a bad vcluster name and a bad environment', () => {
    expect(() =>
      ArgoRegistration.fromExisting(new Chart(Testing.app(), 'x'), 'r', {
        vclusterName: 'Legacy',
        server: 'https://x.example.com',
        platform,
        environment: 'prod env',
      }),
    ).toThrow(/vclusterName: "Legacy" is not allowed[\s\S]*environment/);
  });

  test("site label conventions that produce an invalid label are reported as the platform's", () => {
    const site = { ...platform, registration: { ...platform.registration, secretLabels: () => ({ owner: 'not a label' }) } };
    expect(() => render(media, site)).toThrow(
      /^invalid platform configuration: platform\.registration\.secretLabels\["owner"\]: "not a label" is not allowed/,
    );
  });
});
