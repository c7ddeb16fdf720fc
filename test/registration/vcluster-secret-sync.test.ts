/**
 * The Secret the site keeps inside every vcluster (the in-vcluster External Secrets' 1Password
 * token) arrives through the vcluster's own API, written by the host's External Secrets; the
 * chart's sync.fromHost.secrets, which grants every control plane list/watch on all host Secrets,
 * is no longer used.
 */
import { Chart, Testing } from 'cdk8s';
import { PlatformConfig, VCluster, VClusterSecretSync, definePlatform } from '../../src';
import media from '../fixtures/integratn/media';
import { config } from '../fixtures/integratn/platform';
import { find, helmValues, namesOf, render } from '../util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const validators = require('../../imports/manifest-validators.js') as Record<string, (o: unknown) => boolean>;

const objects = render(media);
const labels = { 'app.kubernetes.io/name': 'vcluster-secret-sync', 'app.kubernetes.io/instance': 'vcluster-media' };

describe('VClusterSecretSync', () => {
  test('vcluster-media: the token from 1Password into the host namespace', () => {
    expect(find(objects, 'ExternalSecret', 'vcluster-media-eso-onepassword-token')).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'vcluster-media-eso-onepassword-token', namespace: 'vcluster-media', labels },
      spec: {
        refreshInterval: '10m',
        secretStoreRef: { name: 'onepassword-store', kind: 'ClusterSecretStore' },
        target: { name: 'vcluster-media-eso-onepassword-token', creationPolicy: 'Owner' },
        data: [{ secretKey: 'token', remoteRef: { key: 'onepassword-access-token', property: 'credential' } }],
      },
    });
  });

  test('vcluster-media: the vcluster API as a store, trusted by its CA, with the exported client certificate', () => {
    const store = find(objects, 'SecretStore', 'vcluster-media-vcluster-api');
    expect(store).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: 'vcluster-media-vcluster-api', namespace: 'vcluster-media', labels },
      spec: {
        provider: {
          kubernetes: {
            remoteNamespace: 'external-secrets',
            // <release>.<namespace> is a name on the vcluster's serving certificate
            server: {
              url: 'https://vcluster-media.vcluster-media:443',
              caProvider: { type: 'Secret', name: 'vc-vcluster-media', key: 'certificate-authority' },
            },
            auth: {
              cert: {
                clientCert: { name: 'vc-vcluster-media', key: 'client-certificate' },
                clientKey: { name: 'vc-vcluster-media', key: 'client-key' },
              },
            },
          },
        },
      },
    });
    expect(validators.external_secrets_io_v1_SecretStore(store)).toBe(true);
  });

  test('vcluster-media: the whole Secret pushed to external-secrets/eso-onepassword-token, never deleted by the push', () => {
    expect(find(objects, 'PushSecret', 'vcluster-media-eso-onepassword-token-push').spec).toEqual({
      refreshInterval: '10m',
      updatePolicy: 'Replace',
      deletionPolicy: 'None',
      secretStoreRefs: [{ name: 'vcluster-media-vcluster-api', kind: 'SecretStore' }],
      selector: { secret: { name: 'vcluster-media-eso-onepassword-token' } },
      data: [{ match: { remoteRef: { remoteKey: 'eso-onepassword-token' } } }],
    });
  });

  test('the External Secrets controller namespace reaches the vcluster API; the host grants no Secret read', () => {
    const ingress = find(objects, 'NetworkPolicy', 'allow-vcluster-external').spec.ingress[0];
    expect(ingress.from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'external-secrets' } } });
    expect(ingress.ports).toEqual([{ protocol: 'TCP', port: 8443 }]);
    const v = helmValues(objects);
    expect(v.sync.fromHost.secrets).toBeUndefined();
    expect(v.rbac.clusterRole).toEqual({ enabled: true });
  });

  test('strict mode admits the controller namespace to the API too', () => {
    const strict = render({ ...media, isolationMode: 'strict' });
    const api = strict.filter((o) => o.kind === 'NetworkPolicy').flatMap((o) => (o.spec.ingress ?? []).flatMap((r: any) => r.from ?? []));
    expect(api).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'external-secrets' } } });
  });

  test('a site without vclusterSecret renders none of it and admits only Argo CD', () => {
    const { vclusterSecret: _, ...rest } = config;
    const site = definePlatform(rest as PlatformConfig);
    const o = render(media, site);
    expect(namesOf(o, 'SecretStore')).toEqual([]);
    expect(namesOf(o, 'PushSecret')).toEqual(['vcluster-media-kubeconfig-push']);
    const from = find(o, 'NetworkPolicy', 'allow-vcluster-external').spec.ingress[0].from;
    expect(from.filter((f: any) => f.namespaceSelector)).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'argocd' } } },
    ]);
  });

  test('a service-account kubeconfig is given to the store whole', () => {
    const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
    const vcluster = new VCluster(chart, 'vc', { releaseName: 'demo', exportKubeConfig: { serviceAccount: { name: 'admin' } } });
    const sync = new VClusterSecretSync(chart, 'sync', {
      vcluster,
      name: 'token',
      item: 'item',
      data: { token: 'credential' },
      secretStoreName: 'store',
    });
    expect(sync.store.toJson().spec.provider.kubernetes).toEqual({
      remoteNamespace: 'external-secrets',
      authRef: { name: 'vc-demo', key: 'config' },
    });
  });

  test('throws on bad props, naming each field', () => {
    const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
    const vcluster = new VCluster(chart, 'vc', { releaseName: 'demo' });
    const build = (props: object) => () =>
      new VClusterSecretSync(chart, `s${Math.random()}`, {
        vcluster,
        name: 'token',
        item: 'item',
        data: { token: 'credential' },
        secretStoreName: 'store',
        ...props,
      });
    expect(build({ name: 'Token_1' })).toThrow(/name: "Token_1" is not allowed/);
    expect(build({ namespace: 'External Secrets' })).toThrow(/namespace: "External Secrets" is not allowed/);
    expect(build({ data: {} })).toThrow(/data: \{\} is not allowed\. Allowed: at least one key/);
    expect(build({ data: { 'a b': 'credential' } })).toThrow(/data\["a b"\]: "a b" is not allowed\. Allowed: a Secret key/);
    expect(build({ refreshInterval: 'hourly' })).toThrow(/refreshInterval: "hourly" is not allowed\. Allowed: a Go duration/);
    expect(build({ item: ' ' })).toThrow(/item: " " is not allowed/);
  });

  test("throws on a bad vclusterSecret in the site's configuration", () => {
    const site = (vclusterSecret: object) => () => definePlatform({ ...config, vclusterSecret } as PlatformConfig);
    expect(site({ name: 'eso-onepassword-token', item: 'x', data: {} })).toThrow(
      /vclusterSecret\.data: \{\} is not allowed\. Allowed: at least one key/,
    );
    expect(site({ name: 'eso', namespace: 'Bad_NS', item: 'x', data: { token: 'credential' } })).toThrow(
      /vclusterSecret\.namespace: "Bad_NS"/,
    );
    expect(site({ name: 'eso', item: 'x', data: { token: 'credential' }, keys: {} })).toThrow(/vclusterSecret\.keys/);
  });
});
