/**
 * The site configuration of this repository: integratn.tech's homelab platform, reproducing what
 * the original (Kratix) platform hard-coded. Every vcluster declared in this folder uses it.
 */
import { definePlatform } from '../src';

export default definePlatform({
  baseDomain: 'integratn.tech',
  argocd: {
    namespace: 'argocd',
    repoURL: 'https://github.com/jamesatintegratnio/vcluster-fleet.git',
    revision: 'main',
    path: 'dist',
    bootstrapProject: 'default',
    hostClusters: { 'in-cluster': 'https://kubernetes.default.svc' },
    defaultHostCluster: 'in-cluster',
  },
  secretStore: { name: 'onepassword-store', kind: 'ClusterSecretStore' },
  onePassword: {
    vault: 'homelab',
    connectHost: 'https://connect.integratn.tech',
    tokenItem: 'onepassword-access-token',
  },
  // The 1Password Connect token of the External Secrets operator inside each vcluster (installed there by
  // the host ApplicationSets, cluster label enable_external_secrets), written by the host's External
  // Secrets through the vcluster API. The original mapped the host Secret external-secrets/eso-onepassword-token
  // in with sync.fromHost.secrets, which let every control plane list all host Secrets. The key must be the
  // one the in-vcluster ClusterSecretStore reads (connectTokenSecretRef.key in the addons repository).
  vclusterSecret: {
    name: 'eso-onepassword-token',
    namespace: 'external-secrets',
    item: 'onepassword-access-token',
    data: { token: 'credential' },
  },
  chart: { repoURL: 'https://charts.loft.sh', name: 'vcluster', version: '0.31.3' },
  kubernetesVersion: '1.34',
  // The open-source vcluster (image ghcr.io/loft-sh/vcluster-oss). Its syncer has the metrics-server
  // integration only: the original's cert-manager / External Secrets integration values did nothing.
  // cert-manager and External Secrets reach each vcluster through the host ApplicationSets
  // (cluster labels enable_cert_manager / enable_external_secrets below).
  vcluster: { edition: 'oss' },
  // Host network policies (metrics-server ingress, nginx-gateway egress, Argo CD egress) select
  // vcluster namespaces by this label.
  namespaceLabels: { 'platform.integratn.tech/type': 'vcluster' },
  registration: {
    workloadRepo: {
      url: 'https://github.com/jamesatintegratnio/gitops_homelab_2_0',
      basePath: '',
      path: 'workloads',
      revision: 'main',
    },
    // The host ApplicationSets select vclusters by these labels.
    labels: (c) => ({
      'argocd.argoproj.io/secret-type': 'cluster',
      'akuity.io/argo-cd-cluster-name': c.name,
      cluster_name: c.name,
      cluster_role: 'vcluster',
      cluster_type: 'vcluster',
      enable_argocd: 'true',
      enable_gateway_api_crds: 'true',
      enable_nginx_gateway_fabric: 'true',
      enable_cert_manager: 'true',
      enable_external_secrets: 'true',
      enable_external_dns: 'true',
      environment: c.environment,
    }),
    // The cluster Secret also carries these (the original registration added them; nothing selects on them).
    secretLabels: (c) => ({
      'integratn.tech/cluster-name': c.name,
      'integratn.tech/environment': c.environment,
    }),
    // ...and read these annotations.
    annotations: (c) => ({
      addons_repo_url: 'https://github.com/jamesatintegratnio/gitops_homelab_2_0.git',
      addons_repo_revision: 'main',
      addons_repo_basepath: 'addons/',
      addons_repo_path: 'charts/application-sets',
      'managed-by': 'argocd.argoproj.io',
      cert_manager_namespace: 'cert-manager',
      external_dns_namespace: 'external-dns',
      nfs_subdir_external_provisioner_namespace: 'nfs-provisioner',
      cluster_name: c.name,
      environment: c.environment,
      'platform.integratn.tech/base-domain': c.baseDomain,
      'platform.integratn.tech/base-domain-sanitized': c.baseDomainSanitized,
      workload_repo_url: c.workloadRepo.url,
      workload_repo_basepath: c.workloadRepo.basePath,
      workload_repo_path: c.workloadRepo.path,
      workload_repo_revision: c.workloadRepo.revision,
    }),
  },
  network: {
    cilium: true,
    // Talos node-local DNS, which the vcluster's CoreDNS forwards to (Cilium classes it as world).
    hostDnsAddress: '169.254.116.108',
    apiClientCidrs: ['10.0.0.0/8', '192.168.0.0/16'],
    gatewayNamespace: 'nginx-gateway',
    monitoringNamespace: 'monitoring',
    onePasswordConnectCidr: '10.0.1.139/32',
    nfsCidr: '10.0.0.0/8',
    // Every vcluster network policy carries this label (host tooling and the original platform's convention).
    policyLabels: { 'platform.integratn.tech/type': 'vcluster-policy' },
    clusterDns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
    // The host metrics-server; its own policy admits namespaces labelled platform.integratn.tech/type=vcluster on 10250.
    metricsServer: { namespace: 'kube-system', podLabels: { 'app.kubernetes.io/name': 'metrics-server' } },
  },
  // MetalLB pool 10.0.4.200-253: a VIP derived from a /24 subnet lands at .200.
  loadBalancer: { vipOffset: 200 },
  gateway: { name: 'nginx-gateway', namespace: 'nginx-gateway' },
  helmValues: {
    controlPlane: {
      statefulSet: {
        scheduling: { podManagementPolicy: 'Parallel', priorityClassName: 'system-cluster-critical' },
        imagePullPolicy: 'Always',
      },
    },
    deploy: { metallb: { enabled: true } },
    telemetry: { enabled: false },
    logging: { encoding: 'json' },
    networking: { replicateServices: { fromHost: [{ from: 'default/kubernetes', to: 'default/kubernetes' }] } },
    sync: {
      toHost: {
        pods: { enabled: true },
        persistentVolumes: { enabled: true },
        ingresses: { enabled: true },
        networkPolicies: { enabled: true },
      },
      // No sync.fromHost.secrets: any mapping makes the chart grant every control plane list/watch on all
      // Secrets of the host. The token the original mapped in arrives through vclusterSecret instead.
      fromHost: {
        storageClasses: { enabled: true },
        ingressClasses: { enabled: true },
      },
    },
    rbac: { clusterRole: { enabled: true } },
  },
});
