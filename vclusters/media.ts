/**
 * vcluster-media: the production vcluster running the media workloads (sonarr, radarr, sabnzbd,
 * otterwiki). Declared from the original platform's request `platform/vclusters/vcluster-media.yaml`;
 * its names are those of the live objects, so cutting over recreates nothing.
 */
import { Exposure, defineVCluster } from '../src';

export default defineVCluster({
  name: 'vcluster-media',
  targetNamespace: 'vcluster-media',
  projectName: 'vcluster-media',
  preset: 'prod',
  replicas: 3,
  // 250m instead of prod's 500m: three replicas at 500m broke the hosts' N+1 headroom (live use 47-141m).
  resources: {
    requests: { cpu: '250m', memory: '2Gi' },
    limits: { memory: '2Gi' },
  },
  backingStore: {
    etcd: {
      deploy: {
        enabled: true,
        statefulSet: {
          image: { registry: 'registry.k8s.io', repository: 'etcd', tag: '3.6.8-0' },
          highAvailability: { replicas: 3 },
        },
      },
    },
  },
  exposure: Exposure.loadBalancer({ hostname: 'media.integratn.tech', apiPort: 443 }),
  argocd: { environment: 'production' },
  application: {
    targetRevision: '0.31.1',
    syncPolicy: { automated: { selfHeal: true, prune: true }, syncOptions: ['CreateNamespace=true'] },
  },
  networkPolicies: {
    enableNFS: true,
    extraEgress: [{ name: 'postgres', cidr: '10.0.3.1/32', port: 5432, protocol: 'TCP' }],
  },
  // Production data: removing this file leaves the vcluster, its volumes and its 1Password item running.
  deletionPolicy: 'retain',
});
