/**
 * EtcdSnapshot: the nightly snapshot CronJob of a retained vcluster's deployed etcd, its identity,
 * its network allowance, the script that stamps and prunes, and every validation.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import media from '../fixtures/integratn/media';
import { EtcdSnapshot, EtcdSnapshotProps, Platform, VCluster, VClusterProps, definePlatform } from '../../src';
import { STAMP_AND_PRUNE } from '../../src/etcd/etcd-snapshot';
import { deployedEtcdImage, isCronSchedule } from '../../src/etcd/snapshot-settings';
import { ValidationError } from '../../src/validation';
import { Obj, find, namesOf, platform, render } from '../util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const validators = require('../../imports/manifest-validators.js') as Record<string, ((o: unknown) => boolean) & { errors?: unknown[] }>;

const NFS = { server: '10.0.0.12', path: '/mnt/user/kube_storage', folder: 'backups' };
const THREE = { etcd: { deploy: { enabled: true, statefulSet: { highAvailability: { replicas: 3 } } } } };

function build(props: Partial<EtcdSnapshotProps> = {}, vc: Partial<VClusterProps> = {}) {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  const vcluster = new VCluster(chart, 'vc', { releaseName: 'demo', namespace: 'tenant', backingStore: THREE, ...vc });
  const snapshot = new EtcdSnapshot(chart, 'snap', { vcluster, nfs: NFS, ...props });
  return { snapshot, objects: chart.toJson() as Obj[] };
}

describe('vcluster-media on this site (03:45 UTC, 14 days, 10.0.0.12:/mnt/user/kube_storage/backups/vcluster-media-etcd/)', () => {
  const objects = render(media);
  const cron = find(objects, 'CronJob', 'vcluster-media-etcd-snapshot');
  const pod = cron.spec.jobTemplate.spec.template.spec;

  test('schedule, time zone, Forbid, history, start deadline; no TTL anywhere', () => {
    expect(cron.metadata).toEqual({
      name: 'vcluster-media-etcd-snapshot',
      namespace: 'vcluster-media',
      labels: { 'app.kubernetes.io/name': 'etcd-snapshot', 'app.kubernetes.io/instance': 'vcluster-media' },
    });
    const { jobTemplate, ...schedule } = cron.spec;
    expect(schedule).toEqual({
      schedule: '45 3 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    expect(jobTemplate.spec.backoffLimit).toBe(2);
    expect(jobTemplate.spec.activeDeadlineSeconds).toBe(900);
    expect(JSON.stringify(cron)).not.toContain('ttlSecondsAfterFinished');
  });

  test("etcdctl snapshot save against the client Service with the chart's etcd CA and health-check client certificate", () => {
    const [snapshot] = pod.initContainers;
    expect(snapshot.name).toBe('snapshot');
    // the image the vcluster's etcd runs (media pins registry.k8s.io/etcd:3.6.8-0)
    expect(snapshot.image).toBe('registry.k8s.io/etcd:3.6.8-0');
    expect(snapshot.command).toEqual([
      'etcdctl',
      '--endpoints=https://vcluster-media-etcd.vcluster-media.svc:2379',
      '--cacert=/pki/etcd-ca.crt',
      '--cert=/pki/etcd-healthcheck-client.crt',
      '--key=/pki/etcd-healthcheck-client.key',
      '--command-timeout=300s',
      'snapshot',
      'save',
      '/backups/vcluster-media-etcd.partial',
    ]);
    expect(snapshot.volumeMounts).toEqual([
      { name: 'pki', mountPath: '/pki', readOnly: true },
      { name: 'backups', mountPath: '/backups', subPath: 'backups/vcluster-media-etcd' },
    ]);
    expect(snapshot.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
  });

  test('only the three keys of vcluster-media-certs are mounted; the NFS export through its claim', () => {
    expect(pod.volumes).toEqual([
      {
        name: 'pki',
        secret: {
          secretName: 'vcluster-media-certs',
          defaultMode: 0o440,
          items: [
            { key: 'etcd-ca.crt', path: 'etcd-ca.crt' },
            { key: 'etcd-healthcheck-client.crt', path: 'etcd-healthcheck-client.crt' },
            { key: 'etcd-healthcheck-client.key', path: 'etcd-healthcheck-client.key' },
          ],
        },
      },
      { name: 'backups', persistentVolumeClaim: { claimName: 'vcluster-media-etcd-snapshots' } },
    ]);
  });

  test('the target: the NFS export as a Retain PersistentVolume pre-bound to the claim, no StorageClass', () => {
    const labels = { 'app.kubernetes.io/name': 'etcd-snapshot', 'app.kubernetes.io/instance': 'vcluster-media' };
    expect(find(objects, 'PersistentVolume', 'vcluster-media-vcluster-media-etcd-snapshots')).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'vcluster-media-vcluster-media-etcd-snapshots', labels },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteMany'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        nfs: { server: '10.0.0.12', path: '/mnt/user/kube_storage' },
        claimRef: { namespace: 'vcluster-media', name: 'vcluster-media-etcd-snapshots' },
      },
    });
    expect(find(objects, 'PersistentVolumeClaim', 'vcluster-media-etcd-snapshots')).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'vcluster-media-etcd-snapshots', namespace: 'vcluster-media', labels },
      spec: {
        accessModes: ['ReadWriteMany'],
        storageClassName: '',
        volumeName: 'vcluster-media-vcluster-media-etcd-snapshots',
        resources: { requests: { storage: '1Gi' } },
      },
    });
  });

  test('Pod Security "restricted" admits the snapshot pod: a claim, secret volumes, non-root, no escalation, seccomp', () => {
    const allowed = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
    for (const v of pod.volumes)
      expect(
        Object.keys(v)
          .filter((k) => k !== 'name')
          .every((k) => allowed.includes(k)),
      ).toBe(true);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  test('stamp-and-prune: the pinned shell image, the script, its three variables, only the backups volume', () => {
    expect(pod.containers).toHaveLength(1);
    const [c] = pod.containers;
    expect(c.name).toBe('stamp-and-prune');
    expect(c.image).toBe('docker.io/alpine/k8s:1.34.3');
    expect(c.command).toEqual(['sh', '-c', STAMP_AND_PRUNE]);
    expect(c.env).toEqual([
      { name: 'DIR', value: '/backups' },
      { name: 'PREFIX', value: 'vcluster-media-etcd' },
      { name: 'RETENTION_DAYS', value: '14' },
    ]);
    expect(c.volumeMounts).toEqual([{ name: 'backups', mountPath: '/backups', subPath: 'backups/vcluster-media-etcd' }]);
  });

  test('its own ServiceAccount without an API token; non-root, no escalation, no capabilities, read-only', () => {
    expect(find(objects, 'ServiceAccount', 'vcluster-media-etcd-snapshot')).toMatchObject({
      metadata: { namespace: 'vcluster-media' },
      automountServiceAccountToken: false,
    });
    expect(pod.serviceAccountName).toBe('vcluster-media-etcd-snapshot');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      fsGroup: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
    // no Role, no RoleBinding: nothing reads the API
    expect(objects.filter((o) => o.kind.startsWith('Role') && o.metadata.name.includes('snapshot'))).toEqual([]);
  });

  test('network: the snapshot pods reach the etcd members on 2379 and the members admit them', () => {
    const pods = { 'app.kubernetes.io/name': 'etcd-snapshot', 'app.kubernetes.io/instance': 'vcluster-media' };
    const etcd = { app: 'vcluster-etcd', release: 'vcluster-media' };
    const labels = (name: string) => ({
      'platform.integratn.tech/type': 'vcluster-policy',
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/component': 'network-policy',
    });
    expect(find(objects, 'NetworkPolicy', 'allow-etcd-snapshot-egress')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-etcd-snapshot-egress', namespace: 'vcluster-media', labels: labels('allow-etcd-snapshot-egress') },
      spec: {
        podSelector: { matchLabels: pods },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: etcd } }], ports: [{ protocol: 'TCP', port: 2379 }] }],
      },
    });
    expect(find(objects, 'NetworkPolicy', 'allow-etcd-from-snapshot').spec).toEqual({
      podSelector: { matchLabels: etcd },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: pods } }], ports: [{ protocol: 'TCP', port: 2379 }] }],
    });
    // the pod template carries the labels the policies select
    expect(cron.spec.jobTemplate.spec.template.metadata.labels).toEqual(pods);
  });

  test('every object is valid against the Kubernetes 1.30 schema (unknown fields rejected)', () => {
    for (const o of [
      cron,
      find(objects, 'PersistentVolume', 'vcluster-media-vcluster-media-etcd-snapshots'),
      find(objects, 'PersistentVolumeClaim', 'vcluster-media-etcd-snapshots'),
      find(objects, 'ServiceAccount', 'vcluster-media-etcd-snapshot'),
      find(objects, 'NetworkPolicy', 'allow-etcd-snapshot-egress'),
      find(objects, 'NetworkPolicy', 'allow-etcd-from-snapshot'),
    ]) {
      const validate = validators[`${o.apiVersion}|${o.kind}`.replace(/\W/g, '_')];
      expect(validate(o)).toBe(true);
      expect(validate.errors ?? null).toBeNull();
    }
  });
});

describe('which vclusters get snapshots', () => {
  test('a retained vcluster with a deployed etcd (the prod HA default too), in strict isolation with Pod Security restricted too', () => {
    expect(namesOf(render({ name: 'ha', preset: 'prod' }), 'CronJob')).toEqual(['ha-etcd-snapshot']);
    const locked = render({ name: 'ha', preset: 'prod', isolationMode: 'strict', isolation: { podSecurity: 'restricted' } });
    expect(namesOf(locked, 'CronJob')).toEqual(['ha-etcd-snapshot']);
    expect(namesOf(locked, 'PersistentVolumeClaim')).toEqual(['ha-etcd-snapshots']);
  });

  test('not one deleted with its file, not one on the embedded store, not on a site without a snapshot target', () => {
    expect(namesOf(render({ name: 'gone', preset: 'prod', deletionPolicy: 'delete' }), 'CronJob')).toEqual([]);
    expect(namesOf(render({ name: 'small', deletionPolicy: 'retain' }), 'CronJob')).toEqual([]);
    const noBackups: Platform = { ...platform, backups: {} };
    expect(namesOf(render({ name: 'ha', preset: 'prod' }, noBackups), 'CronJob')).toEqual([]);
    expect(namesOf(render({ name: 'ha', preset: 'prod' }, noBackups), 'NetworkPolicy')).not.toContain('allow-etcd-snapshot-egress');
  });
});

describe('settings', () => {
  test("defaults: 03:45 in UTC, 14 days, 65534, the chart's etcd image, the vcluster folders directly in the export", () => {
    const { snapshot, objects } = build({ nfs: { server: 'nas.example.com', path: '/exports/etcd' } });
    expect(snapshot.settings).toEqual({
      schedule: '45 3 * * *',
      timeZone: 'Etc/UTC',
      retentionDays: 14,
      nfs: { server: 'nas.example.com', path: '/exports/etcd' },
      runAsUser: 65534,
      maxAgeHours: 26,
    });
    expect(snapshot.image).toBe('registry.k8s.io/etcd:3.6.4-0');
    expect(snapshot.folder).toBe('demo-etcd');
    const cron = objects.find((o) => o.kind === 'CronJob')!;
    expect(cron.spec.jobTemplate.spec.template.spec.initContainers[0].volumeMounts[1]).toEqual({
      name: 'backups',
      mountPath: '/backups',
      subPath: 'demo-etcd',
    });
  });

  test('schedule, time zone, retention, user, image and shell image as given', () => {
    const { objects } = build({
      schedule: '@daily',
      timeZone: 'Europe/Berlin',
      retentionDays: 30,
      runAsUser: 99,
      image: 'quay.io/coreos/etcd:v3.6.4',
      shellImage: 'docker.io/library/busybox:1.36.1',
    });
    const cron = objects.find((o) => o.kind === 'CronJob')!;
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect([cron.spec.schedule, cron.spec.timeZone]).toEqual(['@daily', 'Europe/Berlin']);
    expect(pod.securityContext).toMatchObject({ runAsUser: 99, runAsGroup: 99, fsGroup: 99 });
    expect(pod.initContainers[0].image).toBe('quay.io/coreos/etcd:v3.6.4');
    expect(pod.containers[0].image).toBe('docker.io/library/busybox:1.36.1');
    expect(pod.containers[0].env).toContainEqual({ name: 'RETENTION_DAYS', value: '30' });
  });

  test("the etcd image as the chart builds it: registry/repository:tag, or the default registry's", () => {
    expect(deployedEtcdImage({})).toBe('registry.k8s.io/etcd:3.6.4-0');
    const image = { registry: 'ghcr.io', repository: 'acme/etcd', tag: '3.6.5' };
    const values = { controlPlane: { backingStore: { etcd: { deploy: { statefulSet: { image } } } } } };
    expect(deployedEtcdImage(values)).toBe('ghcr.io/acme/etcd:3.6.5');
    expect(deployedEtcdImage({ controlPlane: { ...values.controlPlane, advanced: { defaultImageRegistry: 'mirror.local' } } })).toBe(
      'mirror.local/acme/etcd:3.6.5',
    );
    expect(deployedEtcdImage({ controlPlane: { backingStore: { etcd: { deploy: { statefulSet: { image: { registry: '' } } } } } } })).toBe(
      'etcd:3.6.4-0',
    );
  });

  test('cron schedules: five fields of digits, *, ranges, lists and steps, or a macro', () => {
    for (const ok of ['45 3 * * *', '*/15 * * * *', '0 1-5/2 * * 1,3,5', '@daily', '@hourly']) expect(isCronSchedule(ok)).toBe(true);
    for (const bad of ['45 3 * *', '45 3 * * * *', '45 3 * * MON', ' 45 3 * * *', '@every 5m', '45 3 * * *; rm -rf /', '']) {
      expect(isCronSchedule(bad)).toBe(false);
    }
  });
});

describe('stamp-and-prune script (sh, date, find: run for real in a temporary folder)', () => {
  const run = (dir: string, retentionDays = 14) =>
    spawnSync('sh', ['-c', STAMP_AND_PRUNE], {
      env: { PATH: process.env.PATH, DIR: dir, PREFIX: 'media-etcd', RETENTION_DAYS: String(retentionDays) },
      encoding: 'utf8',
    });
  const daysAgo = (file: string, days: number) => {
    const t = new Date(Date.now() - days * 86400_000);
    fs.utimesSync(file, t, t);
  };
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcd-snapshot-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('is valid sh', () => {
    execFileSync('sh', ['-n', '-c', STAMP_AND_PRUNE]);
  });

  test('renames the snapshot with the UTC time and deletes only its own snapshots older than the retention', () => {
    fs.writeFileSync(path.join(dir, 'media-etcd.partial'), 'snapshot bytes');
    for (const [name, days] of [
      ['media-etcd-20200101T034500Z.db', 20],
      ['media-etcd-20200102T034500Z.db', 15],
      ['media-etcd-20200103T034500Z.db', 13],
      ['other-etcd-20200101T034500Z.db', 20],
      ['media-etcd-notes.txt', 20],
    ] as const) {
      fs.writeFileSync(path.join(dir, name), 'x');
      daysAgo(path.join(dir, name), days);
    }
    const r = run(dir);
    expect(r.status).toBe(0);
    const files = fs.readdirSync(dir).sort();
    const stamped = files.filter((f) => /^media-etcd-\d{8}T\d{6}Z\.db$/.test(f) && !f.startsWith('media-etcd-2020'));
    expect(stamped).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, stamped[0]), 'utf8')).toBe('snapshot bytes');
    expect(files).toEqual([stamped[0], 'media-etcd-20200103T034500Z.db', 'media-etcd-notes.txt', 'other-etcd-20200101T034500Z.db'].sort());
    expect(r.stdout).toContain(`etcd-snapshot: wrote ${stamped[0]} (14 bytes)`);
  });

  test('a missing or empty snapshot fails and deletes nothing', () => {
    fs.writeFileSync(path.join(dir, 'media-etcd-20200101T034500Z.db'), 'x');
    daysAgo(path.join(dir, 'media-etcd-20200101T034500Z.db'), 30);
    expect(run(dir).status).toBe(1);
    fs.writeFileSync(path.join(dir, 'media-etcd.partial'), '');
    const r = run(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('media-etcd.partial is missing or empty');
    expect(fs.readdirSync(dir).sort()).toEqual(['media-etcd-20200101T034500Z.db', 'media-etcd.partial']);
  });
});

describe('validation', () => {
  test('throws for a vcluster without a deployed etcd', () => {
    expect(() => build({}, { backingStore: undefined })).toThrow(ValidationError);
    expect(() => build({}, { backingStore: undefined })).toThrow(/EtcdSnapshot of "demo".*vcluster\.etcdMembers: 0 is not allowed/s);
  });

  test('throws for a bad schedule, time zone, retention, user and maximum age, all at once', () => {
    expect(() => build({ schedule: '45 3 * *', timeZone: 'UTC; rm', retentionDays: 0, runAsUser: 0, maxAgeHours: 1.5 })).toThrow(
      /5 problems[\s\S]*schedule: "45 3 \* \*"[\s\S]*timeZone: "UTC; rm"[\s\S]*retentionDays: 0[\s\S]*runAsUser: 0[\s\S]*maxAgeHours: 1\.5/,
    );
  });

  test('throws for a bad NFS server, path and folder', () => {
    expect(() => build({ nfs: { server: 'nas server', path: 'relative', folder: '../up' } })).toThrow(
      /nfs\.server: "nas server"[\s\S]*nfs\.path: "relative"[\s\S]*nfs\.folder: "\.\.\/up"/,
    );
    expect(() => build({ nfs: { server: '10.0.0.12', path: '/a/../b' } })).toThrow(/nfs\.path: "\/a\/\.\.\/b"/);
    expect(() => build({ nfs: undefined as never })).toThrow(/nfs: undefined is not allowed/);
  });

  test('throws for an unknown settings key', () => {
    expect(() => build({ retention: 3 } as never)).toThrow(/retention: 3 is not allowed\. Allowed: only the keys schedule, timeZone/);
  });

  test('throws for an unpinned etcdctl image, shell image, or an unpinned etcd image of the vcluster', () => {
    expect(() => build({ image: 'registry.k8s.io/etcd' })).toThrow(/image: "registry\.k8s\.io\/etcd" is not allowed/);
    expect(() => build({ shellImage: 'alpine:latest' })).toThrow(/shellImage: "alpine:latest" is not allowed/);
    const latest = { etcd: { deploy: { enabled: true, statefulSet: { highAvailability: { replicas: 3 }, image: { tag: 'latest' } } } } };
    expect(() => build({}, { backingStore: latest })).toThrow(/vcluster etcd image: "registry\.k8s\.io\/etcd:latest" is not allowed/);
    // an image of its own makes the vcluster's irrelevant
    expect(() => build({ image: 'registry.k8s.io/etcd:3.6.4-0' }, { backingStore: latest })).not.toThrow();
  });

  test('the platform refuses bad backup settings with the field under backups.etcd', () => {
    const site = (backups: unknown) => () =>
      definePlatform({
        baseDomain: 'example.com',
        argocd: { repoURL: 'https://github.com/example/fleet.git' },
        secretStore: { name: 'store' },
        onePassword: { vault: 'v', connectHost: 'https://connect.example.com' },
        integrations: { clusterIssuerSelectorLabels: {}, clusterStoreSelectorLabels: {} },
        registration: { workloadRepo: { url: 'https://github.com/example/w' }, labels: () => ({}), annotations: () => ({}) },
        network: { apiClientCidrs: [] },
        backups: backups as never,
      });
    expect(site({ etcd: { nfs: { server: '10.0.0.12', path: '/x' } } })).not.toThrow();
    expect(site('nightly')).toThrow(/backups: "nightly" is not allowed/);
    expect(site({ etcd: 'nfs' })).toThrow(/backups\.etcd: "nfs" is not allowed/);
    expect(site({ etcd: { nfs: { server: '10.0.0.12', path: '/x' } }, s3: {} })).toThrow(/backups\.s3/);
    expect(site({ etcd: { nfs: { server: '10.0.0.12', path: '/x' }, schedule: 'nightly' } })).toThrow(/backups\.etcd\.schedule: "nightly"/);
    expect(site({ etcd: {} })).toThrow(/backups\.etcd\.nfs: undefined is not allowed/);
  });
});
