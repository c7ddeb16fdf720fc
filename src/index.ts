/**
 * vcluster-fleet: declare loft-sh vclusters in TypeScript and synthesize every host-cluster object
 * they need. This module only re-exports the public API.
 */
export * from './argo-registration';
export * from './kubeconfig-sync';
export * from './naming';
export * from './platform';
export * from './presets';
export * from './validation';
export * from './vcluster';
export * from './vcluster-chart';
export * from './vcluster/exposure';
export * from './coredns-patch';
export * from './vcluster/network-isolation';
export * from './vcluster/strict-isolation';
export * from './vcluster/etcd-pki';
export * from './monitoring';
