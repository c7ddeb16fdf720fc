/**
 * The pods and volumes a vcluster keeps on its host, read from its final values as the chart
 * renders them (chart defaults deep-merged with the values).
 */
import { vclusterPods } from '../../src/vcluster/footprint';
import media from '../fixtures/integratn/media';
import { helmValues, render } from '../util';

describe('vclusterPods', () => {
  test('vcluster-media: control plane, etcd and CoreDNS with the chart defaults merged in', () => {
    expect(vclusterPods(helmValues(render(media)), '0.31')).toEqual([
      {
        component: 'control plane',
        replicas: 3,
        containers: [
          {
            requests: { 'ephemeral-storage': '1Gi', cpu: '250m', memory: '2Gi' },
            limits: { 'ephemeral-storage': '10Gi', memory: '2Gi', cpu: '2' },
          },
        ],
        initContainers: [{ requests: { cpu: '40m', memory: '64Mi' }, limits: { cpu: '100m', memory: '256Mi' } }],
        volumeClaims: ['10Gi'],
      },
      {
        component: 'etcd',
        replicas: 3,
        containers: [{ requests: { cpu: '20m', memory: '150Mi' }, limits: {} }],
        initContainers: [],
        volumeClaims: ['5Gi'],
      },
      {
        component: 'CoreDNS',
        replicas: 2,
        containers: [{ requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '1000m', memory: '170Mi' } }],
        initContainers: [],
        volumeClaims: [],
      },
    ]);
  });

  test('the chart default "auto" volume: a claim with the embedded store, none with a deployed etcd', () => {
    expect(vclusterPods({}, '0.31')[0].volumeClaims).toEqual(['5Gi']);
    const deployed = { controlPlane: { backingStore: { etcd: { deploy: { enabled: true } } } } };
    expect(vclusterPods(deployed, '0.31')[0].volumeClaims).toEqual([]);
    expect(vclusterPods(deployed, '0.31')[1]).toMatchObject({ component: 'etcd', replicas: 1, volumeClaims: ['5Gi'] });
  });

  test('no CoreDNS pod when it is off or embedded; custom claim templates count as declared', () => {
    expect(vclusterPods({ controlPlane: { coredns: { enabled: false } } }, '0.31').map((g) => g.component)).toEqual(['control plane']);
    expect(vclusterPods({ controlPlane: { coredns: { embedded: true } } }, '0.30').map((g) => g.component)).toEqual(['control plane']);
    const templates = [{ spec: { resources: { requests: { storage: '3Gi' } } } }];
    expect(
      vclusterPods({ controlPlane: { statefulSet: { persistence: { volumeClaimTemplates: templates } } } }, '0.31')[0].volumeClaims,
    ).toEqual(['3Gi']);
  });

  test('a null in the values removes a chart default, as in Helm', () => {
    const values = { controlPlane: { statefulSet: { resources: { limits: { 'ephemeral-storage': null } } } } };
    expect(vclusterPods(values, '0.31')[0].containers[0].limits).toEqual({ memory: '4Gi' });
  });
});
