import { execFileSync } from 'child_process';
import { Chart, Testing } from 'cdk8s';
import media from './fixtures/integratn/media';
import { KubeconfigSync, KubeconfigSyncProps, VCluster, VClusterProps, ValidationError, VClusterSpec } from '../src';
import { SYNC_SCRIPT } from '../src/registration/sync-script';
import { SERVICE_ACCOUNT_TOKEN_TEMPLATE } from '../src/registration/templates';
import { renderGoTemplate } from './go-template';
import { Obj, find, namesOf, platform, render } from './util';

/** A service-account kubeconfig export (Argo CD then authenticates with a bearer token). */
const TOKEN_EXPORT: Partial<VClusterProps> = { exportKubeConfig: { serviceAccount: { name: 'argocd' } } };

function build(props: Partial<KubeconfigSyncProps> = {}, vclusterProps: Partial<VClusterProps> = {}) {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  const vcluster = new VCluster(chart, 'vc', { releaseName: 'demo', ...vclusterProps });
  const sync = new KubeconfigSync(chart, 'sync', { vcluster, secretStoreName: 'store', vault: 'vault', ...props });
  return { sync, objects: (chart.toJson() as Obj[]).filter((o) => !['Namespace', 'AppProject', 'Application'].includes(o.kind)) };
}

const jobMedia: VClusterSpec = { ...media, kubeconfigSync: 'job' };

describe('KubeconfigSync', () => {
  test('defaults snapshot (PushSecret strategy)', () => {
    // GIVEN only a release, a store and a vault / WHEN rendered / THEN PushSecret + kubeconfig ExternalSecret
    const { objects } = build();
    expect(objects).toMatchSnapshot();
  });

  test('vcluster-media: vc-vcluster-media is pushed to 1Password item vcluster-media-kubeconfig', () => {
    // GIVEN the vcluster-media declaration (prod: retain) / WHEN rendered
    const objects = render(media, platform);
    const ps = find(objects, 'PushSecret', 'vcluster-media-kubeconfig-push');
    // THEN one PushSecret follows the chart's kubeconfig Secret into the item, field by field
    expect(ps.apiVersion).toBe('external-secrets.io/v1alpha1');
    expect(ps.metadata.namespace).toBe('vcluster-media');
    expect(ps.spec.selector).toEqual({ secret: { name: 'vc-vcluster-media' } });
    expect(ps.spec.secretStoreRefs).toEqual([{ name: 'onepassword-store', kind: 'ClusterSecretStore' }]);
    expect(ps.spec.deletionPolicy).toBe('None');
    expect(ps.spec.updatePolicy).toBe('Replace');
    expect(ps.spec.refreshInterval).toBe('5m');
    expect(ps.spec.template).toBeUndefined();
    expect(ps.spec.data.map((d: any) => [d.match.secretKey, d.match.remoteRef.remoteKey, d.match.remoteRef.property])).toEqual([
      ['config', 'vcluster-media-kubeconfig', 'kubeconfig'],
      ['certificate-authority', 'vcluster-media-kubeconfig', 'certificate-authority'],
      ['client-certificate', 'vcluster-media-kubeconfig', 'client-certificate'],
      ['client-key', 'vcluster-media-kubeconfig', 'client-key'],
    ]);
    for (const d of ps.spec.data) {
      expect(d.metadata).toEqual({
        apiVersion: 'kubernetes.external-secrets.io/v1alpha1',
        kind: 'PushSecretMetadata',
        spec: { vault: 'homelab', tags: ['cluster', 'kubeconfig', 'production'] },
      });
    }
    // ...and no Job machinery
    expect(namesOf(objects, 'Job')).not.toContain('vcluster-vcluster-media-kubeconfig-sync');
    expect(namesOf(objects, 'ServiceAccount')).not.toContain('vcluster-media-kubeconfig-sync');
  });

  test('C6: the kubeconfig comes back as N-kubeconfig-external, key config', () => {
    for (const spec of [media, jobMedia]) {
      const es = find(render(spec, platform), 'ExternalSecret', 'vcluster-media-kubeconfig');
      expect(es.apiVersion).toBe('external-secrets.io/v1');
      expect(es.metadata.namespace).toBe('vcluster-media');
      expect(es.spec).toEqual({
        refreshInterval: '15m',
        secretStoreRef: { name: 'onepassword-store', kind: 'ClusterSecretStore' },
        target: { name: 'vcluster-media-kubeconfig-external', creationPolicy: 'Owner' },
        data: [{ secretKey: 'config', remoteRef: { key: 'vcluster-media-kubeconfig', property: 'kubeconfig' } }],
      });
    }
  });

  test('deletionPolicy delete removes the pushed item; retain keeps it', () => {
    const dev = find(render({ name: 'scratch' }, platform), 'PushSecret', 'scratch-kubeconfig-push');
    expect(dev.spec.deletionPolicy).toBe('Delete');
    const kept = find(render({ name: 'scratch', deletionPolicy: 'retain' }, platform), 'PushSecret', 'scratch-kubeconfig-push');
    expect(kept.spec.deletionPolicy).toBe('None');
  });

  test('service-account kubeconfig: the push template derives token from the kubeconfig', () => {
    // GIVEN exportKubeConfig.serviceAccount (the chart writes no token key)
    const objects = render(
      { ...media, exportKubeConfig: { serviceAccount: { name: 'argocd-manager', clusterRole: 'cluster-admin' } } },
      platform,
    );
    const ps = find(objects, 'PushSecret', 'vcluster-media-kubeconfig-push');
    // THEN the template adds `token` (merged with the Secret's keys) and token replaces the cert/key fields
    expect(ps.spec.template).toEqual({ engineVersion: 'v2', mergePolicy: 'Merge', data: { token: SERVICE_ACCOUNT_TOKEN_TEMPLATE } });
    expect(ps.spec.data.map((d: any) => d.match.remoteRef.property)).toEqual(['kubeconfig', 'certificate-authority', 'token']);
    // AND the template yields the user's token for a kubeconfig as clientcmd writes it
    const kubeconfig = [
      'apiVersion: v1',
      'clusters:',
      '- cluster:',
      '    certificate-authority-data: TFMwdExTMUNSVWRK',
      '    server: https://media.integratn.tech:443',
      '  name: my-vcluster',
      'contexts:',
      '- context: {cluster: my-vcluster, user: my-vcluster}',
      '  name: my-vcluster',
      'current-context: my-vcluster',
      'kind: Config',
      'users:',
      '- name: my-vcluster',
      '  user:',
      '    token: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
      '',
    ].join('\n');
    expect(renderGoTemplate(SERVICE_ACCOUNT_TOKEN_TEMPLATE, { config: kubeconfig })).toBe('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln');
    // ...and nothing for a certificate kubeconfig (the registration template then refuses it)
    expect(
      renderGoTemplate(SERVICE_ACCOUNT_TOKEN_TEMPLATE, {
        config: kubeconfig.replace(/ {4}token: .*/, '    client-certificate-data: eA=='),
      }),
    ).toBe('');
  });

  test('exportKubeConfig.secret.name renames the Secret that is synced', () => {
    const ps = find(
      render({ ...media, exportKubeConfig: { secret: { name: 'media-admin-kubeconfig' } } }, platform),
      'PushSecret',
      'vcluster-media-kubeconfig-push',
    );
    expect(ps.spec.selector.secret.name).toBe('media-admin-kubeconfig');
  });

  test('Job strategy: the original platform Job, with its fixes', () => {
    // GIVEN kubeconfigSync: job / WHEN rendered
    const objects = render(jobMedia, platform);
    expect(namesOf(objects, 'PushSecret')).not.toContain('vcluster-media-kubeconfig-push');
    // C1: the Connect token through an ExternalSecret
    const token = find(objects, 'ExternalSecret', 'vcluster-media-onepassword-token');
    expect(token.apiVersion).toBe('external-secrets.io/v1');
    expect(token.spec).toMatchObject({
      secretStoreRef: { name: 'onepassword-store', kind: 'ClusterSecretStore' },
      target: { name: 'vcluster-media-onepassword-token' },
      data: [{ secretKey: 'token', remoteRef: { key: 'onepassword-access-token', property: 'credential' } }],
    });
    // C2–C4: own ServiceAccount, Role scoped by resourceNames, RoleBinding
    find(objects, 'ServiceAccount', 'vcluster-media-kubeconfig-sync');
    expect(find(objects, 'Role', 'vcluster-media-kubeconfig-sync').rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['vc-vcluster-media', 'vcluster-media-onepassword-token'] },
    ]);
    expect(find(objects, 'RoleBinding', 'vcluster-media-kubeconfig-sync')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'vcluster-media-kubeconfig-sync' },
      subjects: [{ kind: 'ServiceAccount', name: 'vcluster-media-kubeconfig-sync', namespace: 'vcluster-media' }],
    });
    // C5: one-shot Job, backoffLimit 3, no TTL, pinned image, non-root, reads the kubeconfig volume
    const job = find(objects, 'Job', 'vcluster-vcluster-media-kubeconfig-sync');
    expect(job.metadata.namespace).toBe('vcluster-media');
    expect(job.spec.backoffLimit).toBe(3);
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    const pod = job.spec.template.spec;
    expect(pod.serviceAccountName).toBe('vcluster-media-kubeconfig-sync');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.volumes).toContainEqual({ name: 'kubeconfig', secret: { secretName: 'vc-vcluster-media' } });
    expect(pod.initContainers).toBeUndefined();
    const [c] = pod.containers;
    expect(c.image).toBe(platform.images.curlJq);
    expect(c.image).toMatch(/:[0-9][^:]*$/);
    expect(c.command).toEqual(['sh', '-c', SYNC_SCRIPT]);
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toEqual({
      OP_CONNECT_HOST: 'https://connect.integratn.tech',
      OP_CONNECT_TOKEN: { secretKeyRef: { name: 'vcluster-media-onepassword-token', key: 'token' } },
      OP_VAULT: 'homelab',
      OP_ITEM_TITLE: 'vcluster-media-kubeconfig',
      OP_ITEM_TAGS: 'cluster,kubeconfig,production',
      KUBECONFIG_SECRET: 'vc-vcluster-media',
      CREDENTIALS: 'clientCertificate',
    });
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  test('Job script: valid sh, no package install, never insecure, same item fields as the PushSecret', () => {
    execFileSync('sh', ['-n', '-c', SYNC_SCRIPT]);
    expect(SYNC_SCRIPT).not.toMatch(/apk|apt-get|pip install/);
    expect(SYNC_SCRIPT).not.toMatch(/insecure"?\s*:\s*true/);
    expect(SYNC_SCRIPT).toContain('not registering it insecurely');
    for (const field of ['"kubeconfig"', '"certificate-authority"', '"client-certificate"', '"client-key"', '"token"']) {
      expect(SYNC_SCRIPT).toContain(`field(${field};`);
    }
    // create with POST, full replace with PUT
    expect(SYNC_SCRIPT).toContain('call POST "/vaults/$vault/items"');
    expect(SYNC_SCRIPT).toContain('call PUT "/vaults/$vault/items/$item"');
  });

  test('Job strategy with a service-account kubeconfig asks the script for a bearer token', () => {
    const { objects } = build({ strategy: 'job', connectHost: 'https://connect.example.com' }, TOKEN_EXPORT);
    const job = objects.find((o) => o.kind === 'Job')!;
    expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'CREDENTIALS', value: 'bearerToken' });
  });

  test('no Secret is rendered by either strategy', () => {
    for (const strategy of ['pushSecret', 'job'] as const) {
      const { objects } = build({ strategy, connectHost: 'https://connect.example.com' });
      expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    }
  });

  // --- validation ---------------------------------------------------------------------------

  test('throws on an unknown strategy', () => {
    expect(() => build({ strategy: 'cronJob' as never })).toThrow(
      /strategy: "cronJob" is not allowed\. Allowed: one of "pushSecret", "job"/,
    );
  });

  test('throws when the Job strategy has no Connect host', () => {
    expect(() => build({ strategy: 'job' })).toThrow(/connectHost: undefined is not allowed\. Allowed: the 1Password Connect URL/);
  });

  test('throws on an unpinned Job image', () => {
    expect(() => build({ strategy: 'job', connectHost: 'https://connect.example.com', image: 'alpine/k8s:latest' })).toThrow(
      /image: "alpine\/k8s:latest" is not allowed/,
    );
    expect(() => build({ strategy: 'job', connectHost: 'https://connect.example.com', image: 'alpine/k8s' })).toThrow(
      /image: "alpine\/k8s" is not allowed/,
    );
    expect(() =>
      build({ strategy: 'job', connectHost: 'https://connect.example.com', image: `registry.local:5000/k8s@sha256:${'a'.repeat(64)}` }),
    ).not.toThrow();
  });

  test('throws on a bad refresh interval', () => {
    expect(() => build({ refreshInterval: '5 minutes' })).toThrow(/refreshInterval: "5 minutes" is not allowed/);
  });

  test('throws on a missing vault and bad tags, all at once', () => {
    expect(() => build({ vault: '', itemTags: ['a,b'] })).toThrow(ValidationError);
    expect(() => build({ vault: '', itemTags: ['a,b'] })).toThrow(/2 problems[\s\S]*vault[\s\S]*itemTags\[0\]/);
  });

  test('throws on a bad deletion policy', () => {
    expect(() => build({ deletionPolicy: 'orphan' as never })).toThrow(/deletionPolicy: "orphan" is not allowed/);
  });

  test('declaration: throws on an unknown kubeconfigSync', () => {
    expect(() => render({ ...media, kubeconfigSync: 'cron' as never }, platform)).toThrow(/kubeconfigSync: "cron" is not allowed/);
  });

  test('declaration: throws when the kubeconfig Secret is exported to another namespace', () => {
    expect(() => render({ ...media, exportKubeConfig: { secret: { name: 'kc', namespace: 'elsewhere' } } }, platform)).toThrow(
      /exportKubeConfig\.secret\.namespace: "elsewhere" is not allowed\. Allowed: the vcluster's namespace "vcluster-media"/,
    );
  });
});

describe('KubeconfigSync: Job lifecycle under Argo CD', () => {
  test('the sync Job is recreated (not patched) when its spec changes, and has no TTL', () => {
    const job = find(render(jobMedia), 'Job', 'vcluster-vcluster-media-kubeconfig-sync');
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' });
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
  });
});
